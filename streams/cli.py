"""The ``consent-gate`` command."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from typing import Any

import click

from streams.kafka.admin import StartupError, create_topics, existing_topics, preflight
from streams.logs import log_event, setup_logging
from streams.settings import Settings, SettingsError, load_settings

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


@main.group()
def consent() -> None:
    """Look up or change one contact's consent."""


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
    worker owning it has committed it."""
    from urllib.parse import quote

    from streams.api.client import ApiUnreachable, default_url, get_json

    settings = _settings()
    try:
        status, body = get_json(
            settings, url or default_url(settings), f"/consent/{quote(contact, safe='')}"
        )
    except ApiUnreachable as exc:
        _fail(str(exc))
    if status != 200:
        _fail(f"the worker answered {status}: {body.get('message', body)}", 1)
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))


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
        _fail(str(exc), 1)
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
    from streams.api.client import ApiUnreachable, default_url, get_json

    settings = _settings()
    first = url or default_url(settings)
    try:
        _, body = get_json(settings, first, "/status", timeout_s=60)
    except ApiUnreachable as exc:
        _fail(str(exc))
    if not isinstance(body, dict) or "partitions" not in body:
        _fail(f"{first} did not answer with a status: {body}", 1)
    views = [body]
    others = sorted({o["url"] for o in body["directory"].values()} - {body["url"], ""})
    for other in others:
        try:
            views.append(get_json(settings, other, "/status", timeout_s=60)[1])
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
