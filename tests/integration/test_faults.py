"""Faults: a worker killed with SIGKILL in the middle of a stream loses and repeats nothing, and
a contact who opted out never gets a campaign, even around the crash."""

from __future__ import annotations

from collections.abc import Callable

from tests.integration.conftest import LiveGate, R, without_replies


def test_worker_killed_mid_stream_loses_nothing_and_never_leaks_a_campaign(
    make_gate: Callable[..., LiveGate],
) -> None:
    gate = make_gate()
    gate.start_worker()
    contacts = [f"k{i}" for i in range(400)]
    stoppers = set(contacts[::2])
    gate.produce(*(gate.reply(c, "SMS", "STOP") for c in sorted(stoppers)))
    gate.wait(lambda g: len(g.events()) >= 50)
    assert gate.worker is not None
    gate.worker.kill()  # SIGKILL while opt-outs are being processed
    gate.start_worker()
    gate.wait(lambda g: len({e["contact_id"] for e in g.events()}) == len(stoppers))
    # Exactly once: the inputs the killed worker had not committed are processed again, and what
    # it had produced for them was aborted with its transaction; so the raw topic holds each
    # event once.
    raw = [gate.c.decode(R.CONSENT_EVENT, r.value) for r in gate.collector.all(gate.s.events_topic)]
    assert len(raw) == len({e["event_id"] for e in raw}) == len(stoppers)
    assert {e["type"] for e in raw} == {"OPTED_OUT"}

    sends = [gate.send(c, "SMS") for _ in range(10) for c in contacts]
    ids = {gate.c.decode(R.OUTBOUND_MESSAGE, p.value)["message_id"] for p in sends}
    gate.produce(*sends)
    gate.wait(lambda g: len(g.suppressed()) + len(g.on("SMS")) >= 400)
    gate.worker.kill()  # and again while sends are being gated
    gate.start_worker()

    def all_seen(g: LiveGate) -> bool:
        seen = {s["message_id"] for s in g.suppressed()} | set(g.outbound_ids("SMS"))
        return seen == ids

    gate.wait(all_seen, timeout_s=120)
    raw_sms = without_replies(gate.collector.all(gate.s.channel_topic("SMS")))
    forwarded = [gate.c.decode(R.OUTBOUND_MESSAGE, r.value) for r in raw_sms]
    assert not [m for m in forwarded if m["contact_id"] in stoppers]
    assert {s["contact_id"] for s in gate.suppressed()} == stoppers
