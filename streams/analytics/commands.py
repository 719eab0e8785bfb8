"""What ``consent-gate report`` and ``consent-gate export`` do: read the topics (reader.py), build
the report or the table (pure modules), print or write it. The click wiring is in streams/cli.py.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from rich.console import Console

from streams.analytics import export as ex
from streams.analytics.pseudonym import pseudonymiser
from streams.analytics.reader import Read, read_topic
from streams.analytics.report import Report, Window, render, report_from_events, report_from_stats
from streams.models.contract import Contract, RecordName
from streams.settings import Settings


def _warn(read: Read, err: Console) -> None:
    warning = read.warning()
    if warning:
        err.print(f"[yellow]warning:[/] {warning}")


def build_report(
    settings: Settings,
    window: Window,
    since_ms: int | None,
    campaign: str | None,
    err: Console,
    contract: Contract | None = None,
) -> Report:
    """The report from consent.stats, or from consent.events while consent.stats has no rows."""
    contract = contract or Contract()
    stats = asyncio.run(
        read_topic(settings, settings.stats_topic, RecordName.CONSENT_STATS, contract, err)
    )
    _warn(stats, err)
    if stats.records:
        return report_from_stats(stats.records, window, since_ms, campaign)
    events = asyncio.run(
        read_topic(settings, settings.events_topic, RecordName.CONSENT_EVENT, contract, err)
    )
    if not events.exists:
        raise ex.ExportError(f"Topic {settings.events_topic} does not exist: nothing to report.")
    _warn(events, err)
    return report_from_events(events.records, window, since_ms, campaign)


def report(
    settings: Settings,
    window: Window,
    since_ms: int | None,
    campaign: str | None,
    html_path: Path | None,
    out: Console,
    err: Console,
) -> Report:
    """Print the report to ``out`` (and write the HTML page), progress and warnings to ``err``."""
    result = build_report(settings, window, since_ms, campaign, err)
    render(result, out)
    if html_path is not None:
        from streams.analytics.html import render_html

        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(render_html(result, int(time.time() * 1000)), encoding="utf-8")
        err.print(f"wrote {html_path}")
    return result


def export(
    settings: Settings,
    what: str,
    fmt: ex.Format,
    output: Path | None,
    since_ms: int | None,
    err: Console,
) -> tuple[Path, int]:
    """Write consent events (``what="events"``) or the consent.stats figures (``"stats"``) to a
    file; returns the file and how many rows it has."""
    contract = Contract()
    path = output or Path(f"consent-{what}.{fmt}")
    if what == "events":
        read = asyncio.run(
            read_topic(settings, settings.events_topic, RecordName.CONSENT_EVENT, contract, err)
        )
        rows = ex.event_rows(read.records, since_ms, pseudonymiser(settings))
        columns = ex.EVENT_COLUMNS
    else:
        read = asyncio.run(
            read_topic(settings, settings.stats_topic, RecordName.CONSENT_STATS, contract, err)
        )
        rows = ex.stats_rows(read.records, since_ms)
        columns = ex.STATS_COLUMNS
    if not read.exists:
        raise ex.ExportError(f"Topic {read.topic} does not exist: nothing to export.")
    _warn(read, err)
    ex.write(rows, columns, fmt, path)
    return path, len(rows)
