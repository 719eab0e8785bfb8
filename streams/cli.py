"""The ``consent-gate`` command."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from streams.kafka.admin import StartupError, create_topics, existing_topics, preflight
from streams.logs import log_event, setup_logging
from streams.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from streams.analytics.export import Format
    from streams.analytics.report import Window

logger = logging.getLogger("consent_gate.cli")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"consent-gate: {message}", err=True)
    sys.exit(code)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(str(exc))
        raise  # unreachable


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """consent-gate: enforce marketing opt-outs per channel on Kafka."""


@main.command()
@click.option("--check/--no-check", default=True, help="Check broker, topics and state first.")
def worker(check: bool) -> None:
    """Run the stream worker (Ctrl-C or SIGTERM stops it cleanly)."""
    settings = _settings()
    setup_logging(settings.log_level, settings.library_log_level)
    log_event(
        logger,
        "worker.start",
        broker=settings.bootstrap_servers,
        app_id=settings.app_id,
        worker_id=settings.worker_id,
        state_dir=(settings.data_dir / settings.app_id).resolve(),
        partitions=settings.partitions,
        channels=",".join(settings.channels),
    )
    if check:
        try:
            asyncio.run(preflight(settings))
        except StartupError as exc:
            _fail(str(exc))
    from streams.kafka.worker import run

    sys.exit(run(settings))


@main.group()
def topics() -> None:
    """Create or list the gate's topics."""


@topics.command("create")
def topics_create() -> None:
    """Create every input and output topic that is missing."""
    settings = _settings()
    setup_logging(settings.log_level, settings.library_log_level)
    try:
        created = asyncio.run(create_topics(settings))
    except StartupError as exc:
        _fail(str(exc))
    click.echo(f"created {len(created)} topic(s)" + (": " + ", ".join(created) if created else ""))


@topics.command("list")
def topics_list() -> None:
    """Show each topic the gate uses and whether it exists."""
    settings = _settings()
    try:
        have = asyncio.run(existing_topics(settings))
    except StartupError as exc:
        _fail(str(exc))
    rows = [("in", t) for t in settings.input_topics] + [("out", t) for t in settings.output_topics]
    for direction, t in rows:
        click.echo(f"{direction:3}  {'ok     ' if t in have else 'MISSING'}  {t}")


@main.command("settings")
def show_settings() -> None:
    """Print the effective settings and their environment variables."""
    from pydantic import SecretStr

    settings = _settings()  # refuses what the worker would refuse, in the same words
    for name, value in settings.model_dump().items():
        shown: Any = value
        if isinstance(value, tuple):
            shown = ",".join(value)
        elif isinstance(value, SecretStr):  # never printed: only whether it is set
            shown = "***" if value.get_secret_value() else ""
        click.echo(f"CONSENT_GATE_{name.upper()}={shown}")


@main.command("report")
@click.option("--since", "since", metavar="T", help="From T: ISO 8601 (UTC) or a span (7d, 24h).")
@click.option("--campaign", metavar="C", help="Only campaign C.")
@click.option(
    "--window", type=click.Choice(["hour", "day"]), default="day", show_default=True,
    help="Which consent.stats windows to sum (and the time chart's step).",
)  # fmt: skip
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Also write a self-contained page with charts.")  # fmt: skip
def report_command(
    since: str | None, campaign: str | None, window: str, html_path: Path | None
) -> None:
    """Per campaign and message type: forwarded, suppressed, opt-outs, unsubscribe rate, top
    reasons, cost saved (from consent.stats; from consent.events while it has no rows)."""
    from rich.console import Console

    from streams.analytics.commands import report
    from streams.analytics.export import ExportError
    from streams.analytics.reader import ReadError

    settings = _settings()
    since_ms = _since(since)
    try:
        report(
            settings,
            cast("Window", window),
            since_ms,
            campaign,
            html_path,
            Console(),
            Console(stderr=True),
        )
    except (ExportError, ReadError) as exc:
        _fail(str(exc), 1)


@main.group()
def export() -> None:
    """Write consent events or statistics as a Parquet or CSV table."""


def _export(what: str, fmt: str, output: Path | None, since: str | None) -> None:
    from rich.console import Console

    from streams.analytics.commands import export as run_export
    from streams.analytics.export import ExportError
    from streams.analytics.reader import ReadError

    settings = _settings()
    since_ms = _since(since)
    err = Console(stderr=True)
    try:
        path, rows = run_export(settings, what, cast("Format", fmt), output, since_ms, err)
    except (ExportError, ReadError) as exc:
        _fail(str(exc), 1)
    note = " (contact ids pseudonymised)" if settings.pseudonymise_key.get_secret_value() else ""
    err.print(f"wrote {rows} row(s) to {path}{note}")


_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True
)
_OUTPUT = click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Where to write (default: consent-<what>.<format> here).",
)  # fmt: skip
_SINCE = click.option("--since", metavar="T", help="From T: ISO 8601 (UTC) or a span (7d, 24h).")


@export.command("events")
@_FORMAT
@_OUTPUT
@_SINCE
def export_events(fmt: str, output: Path | None, since: str | None) -> None:
    """Consent events, one row each (each event id once), times as UTC timestamps."""
    _export("events", fmt, output, since)


@export.command("stats")
@_FORMAT
@_OUTPUT
@_SINCE
def export_stats(fmt: str, output: Path | None, since: str | None) -> None:
    """The standing consent.stats row of each window, campaign, channel and message type."""
    _export("stats", fmt, output, since)


def _since(text: str | None) -> int | None:
    from streams.analytics.report import parse_since

    if text is None:
        return None
    try:
        return parse_since(text)
    except ValueError as exc:
        _fail(f"--since: {exc}.")
        raise  # unreachable


@main.command()
@click.option("--broker/--no-broker", default=True, help="Start (and stop) the local broker.")
@click.option("--keep-broker", is_flag=True, help="Leave the local broker running afterwards.")
def demo(broker: bool, keep_broker: bool) -> None:
    """Local broker, worker, realistic demo traffic, and a summary of what happened."""
    from streams.demo import run_demo

    settings = _settings()
    sys.exit(run_demo(settings, start_broker=broker, keep_broker=keep_broker))


if __name__ == "__main__":
    main()
