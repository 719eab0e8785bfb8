"""The ``consent-gate`` command."""

from __future__ import annotations

import asyncio
import json
import logging
import logging.config
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from streams.kafka.admin import StartupError, create_topics, existing_topics, preflight
from streams.kafka.outage import connection_errors_unsaid
from streams.logs import log_event, logging_config, setup_logging
from streams.models.avro_internals import IncompatibleAvro, check_versions
from streams.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from streams.analytics.export import Format
    from streams.analytics.report import Window

logger = logging.getLogger("consent_gate.cli")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"consent-gate: {message}", err=True)
    sys.exit(code)


def cli_logging(verbose: bool) -> None:
    """The console of a CLI command: our warnings only, no library log lines (aiokafka logs an
    ERROR for every failed connection, before the command's own sentence says what is wrong);
    with ``--verbose``, our INFO and the libraries' warnings too. ``worker`` sets its own."""
    if verbose:
        setup_logging("info", "warning")
        return
    config = logging_config("warning", "critical")
    config["root"]["level"] = logging.CRITICAL + 1  # nothing from the libraries
    logging.config.dictConfig(config)


def problem(exc: BaseException) -> str | None:
    """The one sentence a CLI command says for ``exc`` (None: an unexpected error). Every error
    the commands expect is one of these; the sentence is the first line of its message."""
    from aiokafka.errors import KafkaError

    from streams.analytics.export import ExportError
    from streams.analytics.reader import ReadError
    from streams.tools.common import ToolError

    said = str(exc).strip().split("\n")[0]
    if isinstance(exc, StartupError | ToolError | ExportError | ReadError | SettingsError):
        return said
    if isinstance(exc, KafkaError | TimeoutError):
        return (
            f"The Kafka broker did not answer as expected ({type(exc).__name__}"
            + (f": {said}" if said else "")
            + "): check that it runs and CONSENT_GATE_BOOTSTRAP_SERVERS."
        )
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"Cannot use{where}: {exc.strerror or said or type(exc).__name__}."
    return None


class Cli(click.Group):
    """The ``consent-gate`` group: every error of every command is one sentence on stderr and
    exit code 2 (a bad option value too), never a traceback (``--verbose`` shows one for an
    unexpected error)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            path = exc.ctx.command_path if exc.ctx else "consent-gate"
            _fail(f"{exc.format_message()} (see `{path} --help`)")
        except (click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            said = problem(exc)
            if said is not None:
                _fail(said)
            if (ctx.obj or {}).get("verbose") or ctx.invoked_subcommand == "worker":
                raise  # a worker's crash keeps its traceback for the operator's logs
            first = str(exc).strip().split("\n")[0]
            _fail(
                f"unexpected {type(exc).__name__}"
                + (f": {first}" if first else "")
                + " (run with --verbose for the traceback)"
            )


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        _fail(str(exc))
        raise  # unreachable


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log more, the libraries' warnings too.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """consent-gate: enforce marketing opt-outs per channel on Kafka."""
    ctx.obj = {"verbose": verbose}
    cli_logging(verbose)
    try:
        check_versions()  # the Avro libraries' internals the codec relies on
    except IncompatibleAvro as exc:
        _fail(str(exc))


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
            with connection_errors_unsaid():  # the sentence below says it
                asyncio.run(preflight(settings))
        except StartupError as exc:
            _fail(str(exc))
    from streams.worker import run

    sys.exit(run(settings))


@main.group()
def topics() -> None:
    """Create or list the gate's topics."""


@topics.command("create")
def topics_create() -> None:
    """Create every input and output topic that is missing."""
    settings = _settings()
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


def _parse_time(value: str) -> int:
    """Epoch milliseconds, or an ISO 8601 time (UTC unless it says otherwise)."""
    from streams.core.times import parse_instant

    try:
        return parse_instant(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _show_time(ms: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


@main.group()
def consent() -> None:
    """Look up, change or trace one contact's consent."""


@consent.command("history")
@click.argument("contact")
@click.option("--at", "at", help="Consent at this time: epoch ms or ISO 8601 (UTC by default).")
@click.option("--channel", help="Only this channel.")
def consent_history(contact: str, at: str | None, channel: str | None) -> None:
    """Every change of CONTACT's consent, with its proof, read from the table's changelog (no
    worker needed); with --at, whether CONTACT was subscribed then, on what proof."""
    from streams.core.history import state_at
    from streams.kafka.history import changelog_history

    settings = _settings()
    at_ms = None if at is None else _parse_time(at)
    if channel is not None:
        channel = channel.strip().upper()
        if channel not in settings.channels:
            _fail(f"unknown channel {channel}; known: {','.join(settings.channels)}")
    try:
        changes = asyncio.run(changelog_history(settings, contact, channel))
    except StartupError as exc:
        _fail(str(exc))
    if at_ms is None:
        if not changes:
            default = "subscribed" if settings.default_subscribed else "not subscribed"
            click.echo(f"{contact}: no change of consent recorded (default: {default})")
        for c in changes:
            click.echo(f"{_show_time(c.occurred_at_ms)}  {c.channel:<10} {c.proof_text()}")
        return
    channels = [channel] if channel else sorted({c.channel for c in changes})
    if not channels:
        channels = list(settings.channels)
    for ch in channels:
        st = state_at(changes, at_ms, channel=ch, default_subscribed=settings.default_subscribed)
        answer = "subscribed" if st.subscribed else "NOT subscribed"
        if st.change is None:
            why = "default: no change recorded before then"
        else:
            why = f"since {_show_time(st.change.occurred_at_ms)}: {st.change.proof_text()}"
        click.echo(f"{contact} on {ch} at {_show_time(at_ms)}: {answer} ({why})")


def _url_option(f: Any) -> Any:
    return click.option(
        "--url",
        help="A worker's HTTP API (default: http://localhost:<CONSENT_GATE_HTTP_PORT>); any "
        "worker answers for every contact.",
    )(f)


@consent.command("get")
@click.argument("contact")
@_url_option
def consent_get(contact: str, url: str | None) -> None:
    """CONTACT's consent on every channel, with the proof of each last change (JSON), as the
    worker owning it has committed it (while that worker cannot reach Kafka, with a note on
    stderr saying how old the answer may be)."""
    from urllib.parse import quote

    from streams.api.client import ApiUnreachable, default_url, get_json

    settings = _settings()
    try:
        status, body = get_json(
            settings, url or default_url(settings), f"/consent/{quote(contact, safe='')}"
        )
    except ApiUnreachable as exc:
        _fail(str(exc))
    message = body.get("message", body) if isinstance(body, dict) else body
    if status == 503:
        _fail(f"the worker cannot answer now: {message}")
    if status != 200:
        _fail(f"the worker answered {status}: {message}")
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))
    if body.get("stale"):
        as_of = body.get("as_of") or "an unknown time"
        click.echo(
            f"consent-gate: note: worker {body.get('worker')} cannot reach Kafka: this is its "
            f"committed table as of {as_of}, and changes since may be missing.",
            err=True,
        )


def _publish(settings: Settings, contact: str, channel: str, action: str, **fields: Any) -> None:
    from streams.api.commands import (
        CommandError,
        CommandPublisher,
        PublishError,
        build_command,
    )
    from streams.models.contract import Contract

    try:
        command = build_command(
            settings,
            Contract(),
            contact_id=contact,
            channel=channel,
            action=action,
            fields={k: v for k, v in fields.items() if v is not None},
        )
    except CommandError as exc:
        _fail(f"{exc} ({exc.code}, field {exc.field})")
        raise  # unreachable

    async def publish() -> None:
        publisher = CommandPublisher(settings)
        try:
            await publisher.publish(command)
        finally:
            await publisher.close()

    try:
        asyncio.run(publish())
    except PublishError as exc:
        _fail(str(exc))
    click.echo(
        f"published {command.record['action']} of {command.contact_id} on "
        f"{command.record['channel']} to {settings.commands_topic}: "
        f"command_id {command.command_id}"
    )


def _actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@consent.command("opt-out")
@click.argument("contact")
@click.option("--channel", required=True, help="One of CONSENT_GATE_CHANNELS.")
@click.option("--reason", help="Why (kept as the feedback reason).")
@click.option("--campaign", help="The campaign it is about, if any.")
def consent_opt_out(contact: str, channel: str, reason: str | None, campaign: str | None) -> None:
    """Opt CONTACT out of CHANNEL: publishes a consent command to Kafka (as the API does)."""
    settings = _settings()
    _publish(
        settings,
        contact,
        channel,
        "opt-out",
        reason=reason,
        campaign_id=campaign,
        actor=_actor(),
    )


@consent.command("opt-in")
@click.argument("contact")
@click.option("--channel", required=True, help="One of CONSENT_GATE_CHANNELS.")
@click.option("--proof-method", help="How the new consent was captured (web_form, paper...).")
@click.option("--proof-evidence", help="Where its evidence is (form submission id, URL...).")
@click.option("--proof-ip", help="The IP address it was given from, if known.")
@click.option("--proof-captured-at", type=int, help="When it was given, epoch ms (default: now).")
@click.option("--campaign", help="The campaign it is about, if any.")
def consent_opt_in(
    contact: str,
    channel: str,
    proof_method: str | None,
    proof_evidence: str | None,
    proof_ip: str | None,
    proof_captured_at: int | None,
    campaign: str | None,
) -> None:
    """Opt CONTACT back into CHANNEL, with proof of the new consent: publishes a consent command
    to Kafka (as the API does)."""
    settings = _settings()
    given = {
        "method": proof_method,
        "evidence": proof_evidence,
        "ip_address": proof_ip,
        "captured_at_ms": proof_captured_at,
    }
    proof = {k: v for k, v in given.items() if v is not None} or None
    _publish(
        settings, contact, channel, "opt-in", proof=proof, campaign_id=campaign, actor=_actor()
    )


@main.command()
@_url_option
def status(url: str | None) -> None:
    """Every worker's partitions: assignment, lag, records held and consent entries per
    partition (from the workers' HTTP APIs: the one at --url, then each one its directory
    names)."""
    from streams.api.client import STATUS_TIMEOUT_S, ApiUnreachable, default_url, get_json

    settings = _settings()
    first = url or default_url(settings)
    try:
        _, body = get_json(settings, first, "/status", timeout=STATUS_TIMEOUT_S)
    except ApiUnreachable as exc:
        _fail(str(exc))
    if not isinstance(body, dict) or "partitions" not in body:
        _fail(f"{first} did not answer with a status: {body}")
    views = [body]
    others = sorted({o["url"] for o in body["directory"].values()} - {body["url"], ""})
    for other in others:
        try:
            views.append(get_json(settings, other, "/status", timeout=STATUS_TIMEOUT_S)[1])
        except ApiUnreachable as exc:
            click.echo(f"! {exc}", err=True)
    owners = {int(p): o["worker"] for p, o in body["directory"].items()}
    click.echo(
        f"by-contact topic {body['by_contact_topic']}; partition owners: "
        + (", ".join(f"{p}={w}" for p, w in sorted(owners.items())) or "unknown (rebalancing)")
    )
    click.echo(f"{'worker':20} {'topic':45} {'part':>4} {'lag':>8} {'held':>6} {'entries':>9}")
    for view in views:
        state = "ready" if view["ready"] else f"not ready: {view['reason']}"
        click.echo(f"{view['worker']} ({view['url'] or 'API off'}): {state}")
        for row in view["partitions"]:
            lag = "?" if row["lag"] is None else row["lag"]
            click.echo(
                f"{view['worker']:20} {row['topic']:45} {row['partition']:>4} {lag:>8} "
                f"{row.get('held', ''):>6} {row.get('table_entries', ''):>9}"
            )
    # Possible opt-outs waiting for a person, and those past the legal deadline (GET /reviews).
    try:
        code, reviews = get_json(settings, first, "/reviews", timeout=60)
    except ApiUnreachable as exc:
        code, reviews = 0, {"message": str(exc)}
    if code == 200 and isinstance(reviews, dict) and "items" in reviews:
        click.echo(
            f"reviews: {len(reviews['items'])} possible opt-out(s) undecided, "
            f"{reviews['overdue']} older than {reviews['deadline_days']} business days"
        )
    else:
        why = reviews.get("message", reviews) if isinstance(reviews, dict) else reviews
        click.echo(f"reviews: unknown ({why})")
    cut_off = [v["worker"] for v in views if not v.get("kafka", {}).get("reachable", True)]
    if cut_off:
        _fail(f"Kafka is not reachable from worker(s) {', '.join(cut_off)}")


@main.command()
@click.argument("replies", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per reply.")
@click.option(
    "--languages",
    metavar="LIST",
    help="Comma-separated language codes, or all (default: CONSENT_GATE_KEYWORD_LANGUAGES).",
)
def classify(replies: tuple[str, ...], as_json: bool, languages: str | None) -> None:
    """What the worker would do with each reply (given as arguments, or one per line on
    standard input): intent, action (act / review / none), band, language and the rule."""
    from streams.core.intents import supported

    overrides: dict[str, Any] = {}
    if languages is not None:
        try:
            overrides["keyword_languages"] = ",".join(supported(languages.split(",")))
        except ValueError as exc:
            _fail(f"--languages: {exc}")
    try:
        settings = load_settings(**overrides)
    except SettingsError as exc:
        _fail(str(exc))
    classifier = settings.keyword_policy()  # the worker's own classifier
    texts = list(replies) if replies else [ln.rstrip("\r\n") for ln in sys.stdin]
    texts = [t for t in texts if t.strip()]
    if not as_json:
        click.echo(f"{'intent':8} {'action':6} {'band':8} {'lang':4} {'rule':30} text")
    for text in texts:
        match = classifier.classify(text)
        row = {
            "text": text,
            "intent": match.intent.value,
            "action": classifier.handling(match).value,
            "band": match.band,
            "language": match.language,
            "rule": match.rule,
        }
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo(
                f"{row['intent']:8} {row['action']:6} {row['band'] or '-':8} "
                f"{row['language'] or '-':4} {row['rule'] or '-':30} {text}"
            )


@main.group()
def review() -> None:
    """Possible opt-outs waiting for a person: list, accept (publishes the opt-out), reject."""


def _review_run(run: Any) -> Any:
    from streams.kafka.admin import StartupError
    from streams.tools.common import ToolError

    try:
        return asyncio.run(run)
    except (ToolError, StartupError) as exc:
        _fail(str(exc).rstrip("."))


@review.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per item.")
def review_list(as_json: bool) -> None:
    """The undecided POSSIBLE_OPT_OUTs, oldest first, with the reply and its age in business
    days (overdue past CONSENT_GATE_REVIEW_DEADLINE_DAYS)."""
    import time

    from streams.core.review import business_days
    from streams.models.contract import Contract
    from streams.tools.review import queue

    settings = _settings()
    now = int(time.time() * 1000)
    q = _review_run(queue(settings, Contract(), now))
    late = {i.event_id for i in q.overdue}
    for item in q.items:
        age = business_days(item.received_at_ms, now)
        row = {
            "event_id": item.event_id,
            "contact_id": item.contact_id,
            "channel": item.channel,
            "received_at": _show_time(item.received_at_ms),
            "business_days": age,
            "overdue": item.event_id in late,
            "text": item.text,
            "band": item.band,
            "language": item.language,
            "rule": item.rule,
        }
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            flag = "OVERDUE " if row["overdue"] else ""
            click.echo(
                f"{item.event_id}  {item.contact_id} {item.channel}  {row['received_at']} "
                f"({flag}{age} business days)  {item.band or '-'} {item.rule or '-'}  "
                f"{item.text!r}"
            )
    if not as_json:
        click.echo(
            f"{len(q.items)} undecided, {len(q.overdue)} older than "
            f"{settings.review_deadline_days} business days"
        )


@review.command("accept")
@click.argument("event_id")
@click.option("--reviewer", help="Who decides (default cli:<user>); the opt-out's actor.")
def review_accept(event_id: str, reviewer: str | None) -> None:
    """Accept a possible opt-out: publish the opt-out, the reply as its proof."""
    from streams.models.contract import Contract
    from streams.tools.review import accept

    settings = _settings()
    item, command_id = _review_run(accept(settings, Contract(), event_id, reviewer or _actor()))
    click.echo(
        f"accepted: published OPT_OUT of {item.contact_id} on {item.channel} to "
        f"{settings.commands_topic}: command_id {command_id}"
    )


@review.command("reject")
@click.argument("event_id")
@click.option("--reviewer", help="Who decides (default cli:<user>).")
@click.option("--note", help="Why it is not an opt-out.")
def review_reject(event_id: str, reviewer: str | None, note: str | None) -> None:
    """Reject a possible opt-out: record the decision, change nothing."""
    from streams.models.contract import Contract
    from streams.tools.review import reject

    settings = _settings()
    item = _review_run(reject(settings, Contract(), event_id, reviewer or _actor(), note))
    click.echo(f"rejected: {item.event_id} ({item.contact_id} on {item.channel}) stays subscribed")


@main.command("settings")
def show_settings() -> None:
    """Print the effective settings and their environment variables."""
    from pydantic import SecretStr

    settings = _settings()  # refuses what the worker would refuse, in the same words
    for name, value in settings.model_dump().items():
        shown: Any = value
        if isinstance(value, tuple):
            shown = ",".join(value)
        elif isinstance(value, dict):
            shown = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, SecretStr):  # never printed: only whether it is set
            shown = "***" if value.get_secret_value() else ""
        click.echo(f"CONSENT_GATE_{name.upper()}={shown}")


@main.command("report")
@click.option("--since", "since", metavar="T", help="From T: ISO 8601 (UTC) or a span (7d, 24h).")
@click.option("--campaign", metavar="C", help="Only campaign C.")
@click.option(
    "--window", type=click.Choice(["hour", "day"]), default="day", show_default=True,
    help="Which consent.stats windows to sum (and the time table's step).",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
    show_default=True, help="Tables for people, or the figures as JSON or one CSV table.",
)  # fmt: skip
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE", help="Also write a self-contained page with charts.")  # fmt: skip
def report_command(
    since: str | None, campaign: str | None, window: str, fmt: str, html_path: Path | None
) -> None:
    """Unsubscribe rates per campaign, message type and channel (opt-outs / forwarded), opt-outs
    over time, feedback reasons, cost saved (from consent.stats; from consent.events while it has
    no rows); opt-outs with no campaign and imported ones apart, outside the rates."""
    from rich.console import Console

    from streams.analytics.run import ReportFormat, report, stdout_console

    settings = _settings()
    since_ms = _since(since)
    report(
        settings,
        cast("Window", window),
        since_ms,
        campaign,
        html_path,
        stdout_console(),
        Console(stderr=True),
        cast("ReportFormat", fmt),
    )


@main.group()
def export() -> None:
    """Write a segment (from the consent table), the consent events or the statistics as a
    Parquet or CSV table."""


def _export(what: str, fmt: str, output: Path | None, since: str | None) -> None:
    from rich.console import Console

    from streams.analytics.run import export as run_export

    settings = _settings()
    since_ms = _since(since)
    err = Console(stderr=True)
    path, rows = run_export(settings, what, cast("Format", fmt), output, since_ms, err)
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
@click.argument("contact")
@click.option(
    "--channel", default="*", show_default=True, help="One channel, or * for every channel."
)
@click.option("--actor", default=None, help="Who asks for the erasure (kept in the command).")
def erase(contact: str, channel: str, actor: str | None) -> None:
    """Erase CONTACT's consent entries (GDPR Art. 17): publishes an ERASE consent command."""
    from streams.erase import EraseError, publish_erase

    settings = _settings()
    try:
        command_id = asyncio.run(publish_erase(settings, contact, channel, actor=actor))
    except EraseError as exc:
        _fail(str(exc))
    click.echo(
        f"erase command {command_id} for {contact.strip()} on {channel.strip().upper()} "
        f"published to {settings.commands_topic}"
    )


# --- Bulk tools (streams/tools/) -------------------------------------------------------------


def _tool(run: Any) -> Any:
    """Run a bulk tool's coroutine; its ToolError (or a start-up error) is one sentence, exit 2."""
    from streams.tools.common import ToolError

    try:
        return asyncio.run(run)
    except (ToolError, StartupError) as exc:
        _fail(str(exc))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rejected",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the rejected rows go (default: FILE with .rejected.csv).",
)
def import_(file: Path, rejected: Path | None) -> None:
    """Import a suppression list (CSV) as opt-out commands (README: Bulk tools)."""
    from rich.console import Console

    from streams.tools.importer import run_import

    settings = _settings()
    rejected = rejected or file.with_suffix(".rejected.csv")
    console = Console(stderr=True)
    report = _tool(run_import(settings, file, rejected, console=console))
    click.echo(report.summary())


@export.command("segment")
@click.option("--channel", required=True, help="One of CONSENT_GATE_CHANNELS.")
@click.option("--status", type=click.Choice(["subscribed", "unsubscribed"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (default for csv: standard output).",
)
def export_segment(channel: str, status: Any, fmt: Any, output: Path | None) -> None:
    """The contacts of a channel in a state, from the table's changelog (README: Bulk tools)."""
    from rich.console import Console

    from streams.analytics.export import ExportError, cannot_write
    from streams.analytics.run import check_writable
    from streams.tools.common import ToolError
    from streams.tools.segment import read_segment, write_segment

    settings = _settings()
    if fmt == "parquet" and output is None:
        _fail("--format parquet needs --output FILE")
    if output is not None:
        try:
            check_writable(output)  # before the table is read, as the other exports do
        except ExportError as exc:
            _fail(str(exc))
    console = Console(stderr=True)
    segment = _tool(read_segment(settings, channel, status, console=console))
    try:
        write_segment(segment, fmt, output)
    except ToolError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(cannot_write(output, exc) if output is not None else str(exc))
    console.print(segment.summary() + (f" -> {output}" if output else ""))


@main.group()
def deadletter() -> None:
    """Work with the dead-letter topic."""


def _codes(given: tuple[str, ...]) -> tuple[str, ...]:
    """``--code``: a code no dead letter can carry would match nothing, so it is refused."""
    from streams.processing.records import DEAD_LETTER_CODES

    codes = tuple(c.strip().upper() for c in given)
    for code in codes:
        if code not in DEAD_LETTER_CODES:
            known = ", ".join(sorted(DEAD_LETTER_CODES))
            raise click.BadParameter(f"{code!r} is no dead-letter code; the codes are {known}")
    return codes


@deadletter.command("replay")
@click.option(
    "--code", "codes", multiple=True, metavar="CODE", callback=lambda _c, _p, v: _codes(v),
    help="Only dead letters with this error code (NOT_AVRO, UNKNOWN_CHANNEL...); repeatable.",
)  # fmt: skip
@click.option("--since", help="Only dead letters since this time (ISO-8601 or epoch ms).")
@click.option("--dry-run", is_flag=True, help="Count what would be replayed; publish nothing.")
def deadletter_replay(codes: tuple[str, ...], since: str | None, dry_run: bool) -> None:
    """Re-publish dead letters to their source topic, once each (README: Bulk tools)."""
    from rich.console import Console

    from streams.tools.common import parse_time
    from streams.tools.replay import replay

    settings = _settings()
    since_ms = None
    if since is not None:
        try:
            since_ms = parse_time(since)
        except ValueError as exc:
            _fail(f"--since: {exc}")
    console = Console(stderr=True)
    report = _tool(
        replay(settings, codes=codes, since_ms=since_ms, dry_run=dry_run, console=console)
    )
    click.echo(report.summary())


if __name__ == "__main__":
    main()
