"""`scripts/demo`: the whole path on a real broker, with realistic traffic and a summary.

Each run uses its own topics (``demo-<run>.`` prefix) and its own state, so it can be repeated.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from devtools import local_broker
from devtools.runner import Collector, Produce, WorkerProcess, produce
from streams.kafka.admin import StartupError, create_topics
from streams.kafka.security import client_options
from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.records import is_reply
from streams.settings import Settings

R = RecordName

CONTACTS = {
    "ana": "+15550100001",
    "ben": "+15550100002",
    "chloe": "chloe@example.com",
    "dev": "+15550100004",
    "eli": "eli@example.com",
}


@dataclass
class Step:
    """One phase of traffic and what the gate must have produced when it is done."""

    title: str
    records: list[Produce]
    expect: Callable[[Collector], bool]
    lines: list[str] = field(default_factory=list)


class DemoTraffic:
    def __init__(self, settings: Settings, contract: Contract) -> None:
        self.s = settings
        self.c = contract

    def _rec(self, topic: str, name: RecordName, record: dict[str, Any]) -> Produce:
        return Produce(topic, record["contact_id"].encode(), self.c.encode(name, record))

    def campaign(
        self, campaign: str, mtype: str, channels: list[str], who: list[str]
    ) -> list[Produce]:
        return [
            self._rec(
                self.s.requests_topic,
                R.OUTBOUND_MESSAGE,
                b.outbound_message(
                    contact,
                    channel,
                    "CAMPAIGN",
                    campaign_id=campaign,
                    message_type=mtype,
                    recipient=CONTACTS[contact],
                    body=f"[{campaign}] offer for {contact}",
                ),
            )
            for contact in who
            for channel in channels
        ]

    def inbox(self, contact: str, channel: str, body: str) -> Produce:
        rec = b.outbound_message(contact, channel, "INBOX", body=body, recipient=CONTACTS[contact])
        return self._rec(self.s.requests_topic, R.OUTBOUND_MESSAGE, rec)

    def reply(self, contact: str, channel: str, text: str, **kw: Any) -> Produce:
        rec = b.inbound_reply(contact, channel, text, **kw)
        return self._rec(self.s.replies_topic, R.INBOUND_REPLY, rec)

    def click(self, contact: str, channel: str, **kw: Any) -> Produce:
        return self._rec(self.s.clicks_topic, R.LINK_CLICK, b.link_click(contact, channel, **kw))

    def command(self, contact: str, channel: str, action: str, **kw: Any) -> Produce:
        rec = b.consent_command(contact, channel, action, **kw)
        return self._rec(self.s.commands_topic, R.CONSENT_COMMAND, rec)

    def steps(self) -> list[Step]:
        s = self.s
        everyone = list(CONTACTS)
        n = s.channel_topics

        def outputs(c: Collector) -> int:
            return sum(c.count(t) for t in (*n.values(), s.suppressed_topic))

        return [
            Step(
                "Spring sale on SMS, WhatsApp and email, plus two inbox conversations",
                [
                    *self.campaign(
                        "spring-sale", "promotion", ["SMS", "WHATSAPP", "EMAIL"], everyone
                    ),
                    self.inbox("ana", "SMS", "Hi Ana, your table is booked for 8pm."),
                    self.inbox("ben", "WHATSAPP", "Ben, the courier is on the way."),
                ],
                lambda c: outputs(c) >= 17,
            ),
            Step(
                "Replies, clicks and commands (and some bad input)",
                [
                    self.reply(
                        "ana", "SMS", "STOP", campaign_id="spring-sale", message_type="promotion"
                    ),
                    self.reply("ben", "WHATSAPP", "can you stop these please"),  # to review
                    self.click(
                        "chloe",
                        "EMAIL",
                        kind="ONE_CLICK_UNSUBSCRIBE",
                        http_method="POST",
                        campaign_id="spring-sale",
                        message_type="promotion",
                        feedback_reason="too many emails",
                    ),
                    self.click("dev", "EMAIL", kind="UNSUBSCRIBE", prefetch=True),
                    self.reply("dev", "SMS", "  Stop. "),
                    self.reply("eli", "WHATSAPP", "Unsubscribe"),
                    self.command("eli", "TELEGRAM", "OPT_OUT", reason="asked the support agent"),
                    self.reply("ana", "SMS", "stop"),  # repeated: changes nothing
                    Produce(s.replies_topic, b"ana", b"\x00garbage, not avro"),
                    self.reply("ben", "FAX", "STOP"),
                    self.command("ana", "SMS", "OPT_IN"),  # no proof: refused
                ],
                lambda c: c.count(s.events_topic) >= 6 and c.count(s.deadletter_topic) >= 3,
            ),
            Step(
                "Weekly news on every channel, and an inbox reply to Ana by SMS",
                [
                    *self.campaign(
                        "weekly-news",
                        "newsletter",
                        ["SMS", "WHATSAPP", "EMAIL", "TELEGRAM"],
                        everyone,
                    ),
                    self.inbox("ana", "SMS", "Ana, here is the receipt you asked for."),
                ],
                lambda c: outputs(c) >= 17 + 21,
            ),
            Step(
                "Ana texts START, then a flash sale by SMS",
                [self.reply("ana", "SMS", "START")],
                lambda c: c.count(s.events_topic) >= 7,
            ),
            Step(
                "",
                self.campaign("flash-sale", "promotion", ["SMS"], ["ana"]),
                lambda c: outputs(c) >= 17 + 21 + 1,
            ),
        ]


@contextmanager
def _phase(console: Console, text: str) -> Iterator[None]:
    start = time.monotonic()
    with console.status(text + " ..."):
        yield
    console.print(f"[green]✓[/] {text} [dim]({time.monotonic() - start:.1f}s)[/]")


async def _play(
    settings: Settings, contract: Contract, console: Console, worker: WorkerProcess
) -> Collector:
    options = client_options(settings)
    collector = await Collector(settings.bootstrap_servers, settings.output_topics, options).start()
    try:
        for step in DemoTraffic(settings, contract).steps():
            await produce(settings.bootstrap_servers, step.records, **options)
            ok = await collector.wait_for(
                step.expect, timeout_s=90.0, abort=lambda: not worker.alive
            )
            if not ok:
                raise TimeoutError(f"the worker did not finish: {step.title or 'last step'}")
            if step.title:
                console.print(f"  [dim]played:[/] {step.title} ({len(step.records)} records)")
        await collector.wait_for(lambda c: True, settle_s=2.0)  # anything unexpected?
    finally:
        await collector.stop()
    return collector


def summarise(
    settings: Settings, contract: Contract, collected: Collector, console: Console
) -> None:
    s = settings
    per_channel: dict[str, Counter[str]] = {c: Counter() for c in s.channels}
    per_campaign: dict[str, Counter[str]] = {}
    for channel, topic in s.channel_topics.items():
        for rec in collected.all(topic):
            if is_reply(rec.headers):  # the gate's own confirmation or help text
                per_channel[channel]["replies"] += 1
                continue
            msg = contract.decode(R.OUTBOUND_MESSAGE, rec.value)
            per_channel[channel][f"forwarded {msg['origin'].lower()}"] += 1
            if msg["campaign_id"]:
                per_campaign.setdefault(msg["campaign_id"], Counter())["forwarded"] += 1
    for rec in collected.all(s.suppressed_topic):
        sup = contract.decode(R.SUPPRESSED_MESSAGE, rec.value)
        per_channel[sup["channel"]]["suppressed"] += 1
        per_campaign.setdefault(sup["campaign_id"] or "-", Counter())["suppressed"] += 1
    events = [contract.decode(R.CONSENT_EVENT, r.value) for r in collected.all(s.events_topic)]
    for ev in events:
        per_channel[ev["channel"]][ev["type"]] += 1
        if ev["type"] == "OPTED_OUT" and ev["campaign_id"]:
            per_campaign.setdefault(ev["campaign_id"], Counter())["unsubscribes"] += 1

    t = Table(title="Per channel", title_justify="left")
    cols = {
        "forwarded campaign": "campaign sent",
        "forwarded inbox": "inbox sent",
        "suppressed": "suppressed",
        "OPTED_OUT": "opt-outs",
        "OPTED_IN": "opt-ins",
        "POSSIBLE_OPT_OUT": "to review",
        "replies": "replies",
    }
    t.add_column("channel")
    for title in cols.values():
        t.add_column(title, justify="right")
    for channel, counts in per_channel.items():
        if counts:
            t.add_row(channel, *(str(counts[c]) for c in cols))
    console.print(t)

    t = Table(title="Per campaign", title_justify="left")
    for col in ("campaign", "forwarded", "suppressed", "unsubscribes"):
        t.add_column(col, justify="left" if col == "campaign" else "right")
    for campaign, counts in per_campaign.items():
        t.add_row(
            campaign,
            str(counts["forwarded"]),
            str(counts["suppressed"]),
            str(counts["unsubscribes"]),
        )
    console.print(t)

    t = Table(title="Consent events (the analysts' stream)", title_justify="left")
    for col in ("contact", "channel", "event", "source", "said / reason"):
        t.add_column(col)
    for ev in events:
        said = ev["raw_text"] or ev["reason"] or ""
        t.add_row(ev["contact_id"], ev["channel"], ev["type"], ev["source"], repr(said.strip()))
    console.print(t)

    t = Table(title="Dead letters", title_justify="left")
    for col in ("code", "from topic", "error"):
        t.add_column(col)
    for rec in collected.all(s.deadletter_topic):
        dl = contract.decode(R.DEAD_LETTER, rec.value)
        t.add_row(dl["error_code"], dl["source_topic"].removeprefix(s.topic_prefix), dl["error"])
    console.print(t)
    suppressed = collected.count(s.suppressed_topic)
    console.print(
        f"{suppressed} campaign message(s) suppressed (not paid for); INBOX messages always pass."
    )


def print_report(settings: Settings, contract: Contract, console: Console) -> None:
    """What an analyst gets from ``consent-gate report`` over the demo's topics: from consent.stats
    when the worker produced any, otherwise from the consent events alone."""
    from streams.analytics.export import ExportError
    from streams.analytics.reader import ReadError
    from streams.analytics.report import render
    from streams.analytics.run import build_report

    console.rule("consent-gate report")
    try:
        report = build_report(settings, "day", None, None, console, contract)
    except (ExportError, ReadError) as exc:
        console.print(f"[yellow]no report:[/] {exc}")
        return
    render(report, console)


def run_demo(settings: Settings, *, start_broker: bool = True, keep_broker: bool = False) -> int:
    console = Console()
    # The demo's own clients: Kafka's retries of freshly created topics are noise here.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    run = uuid.uuid4().hex[:6]
    s = settings.model_copy(
        update={
            "topic_prefix": f"demo-{run}.",
            "app_id": f"consent-gate-demo-{run}",
            # running statistics rows at once, so the report at the end has every figure
            "stats_update_interval_ms": 0,
        }
    )
    contract = Contract()
    started_broker = False
    worker: WorkerProcess | None = None
    try:
        if start_broker:
            if not local_broker.is_running():
                with _phase(console, "Starting the local Kafka broker (first run downloads it)"):
                    local_broker.start()
                started_broker = True
            s = s.model_copy(update={"bootstrap_servers": local_broker.bootstrap_servers()})
        with _phase(console, f"Creating topics {s.topic_prefix}*"):
            asyncio.run(create_topics(s))
        log = Path(".local/demo") / f"worker-{run}.log"
        with _phase(console, f"Starting the worker (log: {log})"):
            worker = WorkerProcess(s, log).start()
        with _phase(console, "Playing demo traffic through the worker"):
            collected = asyncio.run(_play(s, contract, console, worker))
        summarise(s, contract, collected, console)
        print_report(s, contract, console)
        return 0
    except (StartupError, TimeoutError, RuntimeError) as exc:
        console.print(f"[red]demo failed:[/] {exc}")
        if worker is not None:
            console.print(f"[dim]worker log tail:[/]\n{worker.log()[-3000:]}")
        return 1
    finally:
        if worker is not None:
            worker.stop()
        if started_broker and not keep_broker:
            with _phase(console, "Stopping the local Kafka broker"):
                local_broker.stop()


def main(argv: list[str] | None = None) -> int:
    """``scripts/demo [--no-broker] [--keep-broker]``: the settings from the environment (as
    the worker reads them), then :func:`run_demo`."""
    import argparse

    from streams.settings import SettingsError, load_settings

    parser = argparse.ArgumentParser(prog="scripts/demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-broker", action="store_true", help="do not start the local broker")
    parser.add_argument("--keep-broker", action="store_true", help="leave the broker running")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"consent-gate demo: {exc}", file=sys.stderr)
        return 2
    return run_demo(settings, start_broker=not args.no_broker, keep_broker=args.keep_broker)


if __name__ == "__main__":
    sys.exit(main())
