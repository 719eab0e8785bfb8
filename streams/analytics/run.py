"""What ``consent-gate report`` and ``consent-gate export`` do: read the topics (reader.py), build
the report or the table (pure modules), print or write it. The click wiring is in streams/cli.py.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import time
from pathlib import Path
from typing import Literal

from rich.console import Console

from streams.analytics import export as ex
from streams.analytics.pseudonym import pseudonymiser
from streams.analytics.reader import Read, read_topic
from streams.analytics.report import (
    CSV_COLUMNS,
    Report,
    Window,
    render,
    report_data,
    report_from_events,
    report_from_stats,
    report_rows,
)
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
    """The report from consent.stats (or from consent.events while consent.stats has no rows),
    with the imported opt-outs from consent.events, at their own time."""
    contract = contract or Contract()
    stats = asyncio.run(
        read_topic(settings, settings.stats_topic, RecordName.CONSENT_STATS, contract, err)
    )
    _warn(stats, err)
    events = asyncio.run(
        read_topic(settings, settings.events_topic, RecordName.CONSENT_EVENT, contract, err)
    )
    if stats.records:
        if events.exists:
            _warn(events, err)
        return report_from_stats(
            stats.records, window, since_ms, campaign, events.records if events.exists else None
        )
    if not events.exists:
        raise ex.ExportError(f"Topic {settings.events_topic} does not exist: nothing to report.")
    _warn(events, err)
    return report_from_events(events.records, window, since_ms, campaign)


ReportFormat = Literal["text", "json", "csv"]


def stdout_console() -> Console:
    """Standard output: the terminal's width on a terminal; piped to a file or a program, no
    width limit (rich would cut tables to 80 columns)."""
    console = Console()
    return console if console.is_terminal else Console(width=100_000, soft_wrap=True)


def report(
    settings: Settings,
    window: Window,
    since_ms: int | None,
    campaign: str | None,
    html_path: Path | None,
    out: Console,
    err: Console,
    fmt: ReportFormat = "text",
) -> Report:
    """Print the report to ``out`` as text, JSON or CSV (and write the HTML page), progress and
    warnings to ``err``. The page is drawn before anything is printed, and written to a
    temporary file first: a path that cannot be written fails before any output."""
    if html_path is not None:
        check_writable(html_path)  # before reading: a bad path is said at once
    result = build_report(settings, window, since_ms, campaign, err)
    if html_path is not None:
        from streams.analytics.html import render_html

        write_text(html_path, render_html(result, int(time.time() * 1000)))
    if fmt == "json":
        out.file.write(json.dumps(report_data(result), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out.file, CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(report_rows(result))
    else:
        render(result, out)
    if html_path is not None:
        err.print(f"wrote {html_path}")
    return result


def check_writable(path: Path) -> None:
    """ExportError in one sentence when ``path`` cannot be written (its folder is made if
    missing); checked before the topics are read."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        file = next(p for p in reversed(path.parents) if p.exists() and not p.is_dir())
        raise ex.ExportError(f"Cannot write {path}: {file} is a file, not a folder.") from None
    except OSError as exc:
        raise ex.ExportError(ex.cannot_write(path, exc)) from None
    if path.is_dir():
        raise ex.ExportError(f"Cannot write {path}: it is a folder; give a file name.")
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise ex.ExportError(
            ex.cannot_write(path, PermissionError(13, "Permission denied", str(target)))
        )


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (its folder made if missing); ExportError in one sentence if
    it cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ex.ExportError(ex.cannot_write(path, exc)) from None


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
    check_writable(path)  # before reading: a bad path is said at once
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
