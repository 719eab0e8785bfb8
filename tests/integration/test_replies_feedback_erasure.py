"""Replies the regulations expect, provider feedback and erasure, on the real broker with the
worker as its own process: one confirmation per real STOP (also across a crash), the help text,
delivery reports that change consent, and an erasure that leaves tombstones on the changelog."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable

import pytest

from devtools.runner import Collector, Consumed, Produce, WorkerProcess, settings_env
from streams.state.consent_store import state_key
from tests.integration.conftest import LiveGate, R, without_replies
from tests.waiting import eventually

CONFIRM, HELP = "opt-out-confirmation", "help"


def _kinds(gate: LiveGate, channel: str) -> Counter[tuple[str, str]]:
    """(contact, reply kind) -> how many replies on ``channel`` (each message id at most once)."""
    return Counter((m["contact_id"], kind) for kind, m in gate.replies(channel))


def test_stop_confirmed_once_repeat_never_never_subscribed_too_and_help(
    make_gate: Callable[..., LiveGate],
) -> None:
    # Strict opt-in, so that "never subscribed" is a state of its own: c0 subscribes (START),
    # then stops; c1 never subscribed and stops.
    gate = make_gate(default_subscribed=False)
    gate.start_worker()
    gate.produce(gate.reply("c0", "SMS", "START"))
    gate.wait(lambda g: len(g.events()) == 1)
    gate.produce(
        gate.reply("c0", "SMS", "STOP"),
        gate.reply("c1", "SMS", "stop"),
        gate.reply("c2", "WHATSAPP", "HELP"),
        gate.reply("c3", "EMAIL", "STOP"),  # email: no reply (its provider does not expect one)
    )
    gate.wait(lambda g: len(g.events()) == 4 and len(g.replies("SMS")) == 2)
    gate.produce(gate.reply("c0", "SMS", "STOP"), gate.reply("c1", "SMS", "Stop!"))  # repeated
    gate.produce(gate.send("c2", "WHATSAPP", "INBOX"))  # a marker: decided after the repeats
    gate.wait(lambda g: len(g.on("WHATSAPP")) == 1 and len(g.replies("WHATSAPP")) == 1, settle_s=2)

    assert _kinds(gate, "SMS") == {("c0", CONFIRM): 1, ("c1", CONFIRM): 1}
    assert _kinds(gate, "WHATSAPP") == {("c2", HELP): 1}
    assert without_replies(gate.collector.all(gate.s.channel_topic("EMAIL"))) == []
    assert gate.replies("EMAIL") == []
    for kind, msg in gate.replies("SMS") + gate.replies("WHATSAPP"):
        assert (msg["origin"], msg["campaign_id"], msg["message_type"]) == ("INBOX", None, kind)
        assert "START" in msg["body"] or "STOP" in msg["body"]
    events = sorted((e["contact_id"], e["type"]) for e in gate.events())
    assert events == [
        ("c0", "OPTED_IN"),
        ("c0", "OPTED_OUT"),
        ("c1", "OPTED_OUT"),
        ("c3", "OPTED_OUT"),
    ]
    assert gate.dead_letters() == []


CONTACTS = [f"k{i}" for i in range(240)]
STOPPERS = sorted(CONTACTS[::2])


@pytest.mark.parametrize("point", ["produced:4", "committed:4"])
def test_confirmations_exactly_once_across_a_crash(
    make_gate: Callable[..., LiveGate], point: str
) -> None:
    """The worker dies (as with kill -9) between sending a transaction with table writes and its
    commit, or between the commit and RocksDB, while STOPs are being decided; after a restart
    every stopper has exactly one confirmation, and repeated STOPs get none."""
    gate = make_gate()
    log = gate.tmp / f"crashing-{point.replace(':', '-')}.log"
    crashing = WorkerProcess(gate.s, log, extra_env={"CG_TEST_CRASH_AT": point}).start()
    gate.worker = crashing
    gate.produce(*(gate.reply(c, "SMS", "STOP") for c in STOPPERS))
    sends = [gate.send(c, "SMS") for _ in range(2) for c in CONTACTS]
    gate.produce(*sends)
    eventually(lambda: not crashing.alive, 90, what="the worker reached its crash point")
    assert crashing.proc is not None
    assert crashing.proc.returncode == 137 and "test crash at" in crashing.log()
    gate.start_worker()

    sent = {gate.c.decode(R.OUTBOUND_MESSAGE, p.value)["message_id"] for p in sends}

    def decided(g: LiveGate) -> bool:
        seen = set(g.outbound_ids("SMS")) | {s["message_id"] for s in g.suppressed()}
        return seen >= sent and len(g.replies("SMS")) >= len(STOPPERS)

    gate.wait(decided, timeout_s=150, settle_s=2)
    assert _kinds(gate, "SMS") == {(c, CONFIRM): 1 for c in STOPPERS}

    gate.produce(*(gate.reply(c, "SMS", "STOP") for c in STOPPERS[:20]))  # repeated: no reply
    gate.produce(gate.send(STOPPERS[0], "SMS"))
    gate.wait(lambda g: len(g.suppressed()) == len(STOPPERS) * 2 + 1, settle_s=2)
    assert _kinds(gate, "SMS") == {(c, CONFIRM): 1 for c in STOPPERS}


def test_delivery_reports_change_consent_with_the_report_as_proof(gate: LiveGate) -> None:
    prefs = {"status": "user_preferences", "category": "marketing_messages", "provider": "meta"}
    gate.produce(
        gate.report("c1", "SMS", status="undelivered", error_code="21610", report_id="tw-1"),
        gate.report("c2", "WHATSAPP", status="failed", error_code="131050", provider="meta"),
        gate.report("c3", "WHATSAPP", preference="stop", **prefs),
        gate.report("c4", "SMS", status="delivered"),
        gate.report("c4", "SMS", status="undelivered", error_code="30003"),
    )
    gate.wait(lambda g: len(g.events()) == 3)
    gate.produce(gate.report("c3", "WHATSAPP", preference="resume", **prefs))
    gate.wait(lambda g: len(g.events()) == 4)
    gate.produce(
        gate.send("c1", "SMS"),
        gate.send("c1", "WHATSAPP"),
        gate.send("c2", "WHATSAPP"),
        gate.send("c3", "WHATSAPP"),
        gate.send("c4", "SMS"),
    )
    gate.wait(lambda g: len(g.suppressed()) + len(g.on("SMS")) + len(g.on("WHATSAPP")) == 5)

    assert {(s["contact_id"], s["channel"], s["opt_out_source"]) for s in gate.suppressed()} == {
        ("c1", "SMS", "PROVIDER"),
        ("c2", "WHATSAPP", "PROVIDER"),
    }
    events = {(e["contact_id"], e["type"]): e for e in gate.events()}
    assert sorted(events) == [
        ("c1", "OPTED_OUT"),
        ("c2", "OPTED_OUT"),
        ("c3", "OPTED_IN"),
        ("c3", "OPTED_OUT"),
    ]
    assert {e["source"] for e in events.values()} == {"PROVIDER"}
    assert (
        events["c1", "OPTED_OUT"]["provider_code"],
        events["c1", "OPTED_OUT"]["trigger_event_id"],
    ) == ("21610", "tw-1")
    assert events["c2", "OPTED_OUT"]["provider_code"] == "131050"
    assert events["c3", "OPTED_IN"]["provider_code"] == "user_preferences"
    assert gate.dead_letters() == []  # other reports are not dead letters
    assert gate.replies("SMS") == [] and gate.replies("WHATSAPP") == []


def _changelog(gate: LiveGate) -> list[Consumed]:
    async def read() -> list[Consumed]:
        collector = Collector(gate.s.bootstrap_servers, [gate.s.changelog_topic])
        await collector.start()
        try:
            while await collector.poll(1.0):
                pass
        finally:
            await collector.stop()
        return collector.all(gate.s.changelog_topic)

    return asyncio.run(read())


def test_erase_leaves_tombstones_and_erased_events_and_the_contact_is_new_again(
    gate: LiveGate,
) -> None:
    gate.produce(
        gate.reply("c1", "SMS", "can you stop these please"),  # flagged (possible): raw text kept
        gate.reply("c1", "SMS", "STOP"),
        gate.click("c1", "EMAIL"),
        gate.reply("c2", "SMS", "STOP"),
    )
    gate.wait(lambda g: len(g.events()) == 4)

    # Tombstones on inputs are skipped: no dead letter, nothing else happens.
    gate.produce(
        Produce(gate.s.commands_topic, b"c1", None),  # type: ignore[arg-type]
        Produce(gate.s.replies_topic, b"c2", None),  # type: ignore[arg-type]
    )
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "erase", "c1", "--actor", "dpo@example.com"],
        env={**os.environ, **settings_env(gate.s)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "erase command erase-" in result.stdout
    gate.wait(lambda g: sum(e["type"] == "ERASED" for e in g.events()) == 2)

    erased = [e for e in gate.events() if e["type"] == "ERASED"]
    assert sorted(e["channel"] for e in erased) == ["EMAIL", "SMS"]
    for e in erased:
        assert e["contact_id"] == "c1" and e["trigger_event_id"].startswith("erase-")
        assert (e["raw_text"], e["keyword"], e["reason"], e["campaign_id"], e["proof"]) == (
            None,
        ) * 5
        assert (e["previous_subscribed"], e["subscribed"]) == (False, True)

    # The changelog's last word on c1's entries is a tombstone; c2's entry stays.
    keys = [state_key("c1", "SMS"), state_key("c1", "EMAIL"), state_key("c2", "SMS")]

    def tombstoned() -> dict[bytes | None, bytes | None] | None:
        last: dict[bytes | None, bytes | None] = {r.key: r.value for r in _changelog(gate)}
        done = all(k in last for k in keys) and last[keys[0]] is None and last[keys[1]] is None
        return last if done else None

    last = eventually(tombstoned, 30, interval_s=0.5, what="c1's entries end in tombstones")
    assert last[keys[0]] is None and last[keys[1]] is None
    assert last[keys[2]] is not None

    # Handled as new: subscribed by default, and a STOP is a new opt-out, confirmed again.
    gate.produce(gate.send("c1", "SMS", campaign_id="after"))
    gate.wait(lambda g: len(g.on("SMS")) == 1)
    gate.produce(gate.reply("c1", "SMS", "STOP"))
    gate.wait(lambda g: sum(e["type"] == "OPTED_OUT" for e in g.events()) == 4)
    assert _kinds(gate, "SMS") == {("c1", CONFIRM): 2, ("c2", CONFIRM): 1}
    assert gate.dead_letters() == []
    assert gate.stop_worker() == 0 and gate.worker is not None
    assert "tombstones=2" in gate.worker.log()  # counted in the worker's last line
