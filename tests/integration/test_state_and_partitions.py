"""State survives restarts, is rebuilt from its changelog, and meets the sends of its contact
whatever partitioning the upstream producers used."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from devtools.runner import Collector
from streams.kafka.admin import create_topics
from streams.state.consent_store import is_consent_key
from tests.integration.conftest import LiveGate, R


def _opt_out_then_restart(gate: LiveGate) -> None:
    gate.produce(gate.reply("c1", "SMS", "STOP"), gate.command("c2", "EMAIL", "OPT_OUT"))
    gate.wait(lambda g: len(g.events()) == 2)
    assert gate.stop_worker() == 0, gate.worker.log() if gate.worker else ""


def _sends_after_restart_are_gated(gate: LiveGate) -> None:
    gate.produce(*(gate.send(c, ch) for c in ("c1", "c2", "c3") for ch in ("SMS", "EMAIL")))
    gate.wait(lambda g: len(g.suppressed()) == 2 and len(g.on("SMS")) + len(g.on("EMAIL")) == 4)
    assert {(s["contact_id"], s["channel"]) for s in gate.suppressed()} == {
        ("c1", "SMS"),
        ("c2", "EMAIL"),
    }
    # No new change: an input redelivered around the restart may repeat its event, same id.
    events = gate.events()
    assert len({e["event_id"] for e in events}) == 2
    assert {(e["contact_id"], e["channel"]) for e in events} == {("c1", "SMS"), ("c2", "EMAIL")}
    assert [e["type"] for e in events] == ["OPTED_OUT"] * len(events)


async def _read_all(bootstrap: str, topic: str) -> list[tuple[bytes, bytes]]:
    collector = await Collector(bootstrap, [topic]).start()
    try:
        await collector.wait_for(lambda c: c.count(topic) > 0, timeout_s=30, settle_s=1.0)
    finally:
        await collector.stop()
    return [(r.key or b"", r.value) for r in collector.all(topic)]


def test_consent_survives_a_worker_restart_in_rocksdb(make_gate: Callable[..., LiveGate]) -> None:
    gate = make_gate()
    gate.start_worker()
    _opt_out_then_restart(gate)
    state_dir = gate.s.data_dir / gate.s.app_id
    assert any(p.name == "CURRENT" for p in state_dir.rglob("*")), (
        "no RocksDB files in the state dir"
    )
    gate.start_worker()
    _sends_after_restart_are_gated(gate)


def test_consent_is_rebuilt_from_changelog_when_state_dir_is_deleted(
    make_gate: Callable[..., LiveGate],
) -> None:
    gate = make_gate()
    gate.start_worker()
    _opt_out_then_restart(gate)
    shutil.rmtree(gate.s.data_dir)
    assert not gate.s.data_dir.exists()
    changelog = asyncio.run(_read_all(gate.s.bootstrap_servers, gate.s.changelog_topic))
    # Engine-owned keys (watermarks, held records) start with \x00 / \x01, the analytics ones
    # (attribution, history, statistics) with \x02 to \x04; the rest is consent.
    assert b"\x03" in {k[:1] for k, _ in changelog}  # the history of both opt-outs
    changelog = [(k, v) for k, v in changelog if is_consent_key(k)]
    assert {k for k, _ in changelog} == {b"SMS/c1", b"EMAIL/c2"}  # what the rebuild starts from
    states = [gate.c.decode(R.CONSENT_STATE, v) for _, v in changelog]
    assert {(s["subscribed"], s["source"]) for s in states} == {
        (False, "KEYWORD"),
        (False, "COMMAND"),
    }
    gate.start_worker()
    _sends_after_restart_are_gated(gate)
    assert (gate.s.data_dir / gate.s.app_id).exists()


def test_mismatched_upstream_partitioning_still_meets_consent(
    make_gate: Callable[..., LiveGate],
) -> None:
    """Replies land on a 5-partition topic and sends on a 3-partition one, each producer picking
    partitions its own way (neither is the key hash); the gate uses 4 partitions."""
    gate = make_gate(create_topics=False)
    s = gate.s

    async def create() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=s.bootstrap_servers)
        await admin.start()
        try:
            await admin.create_topics(
                [NewTopic(s.replies_topic, 5, 1), NewTopic(s.requests_topic, 3, 1)]
            )
        finally:
            await admin.close()
        await create_topics(s)

    asyncio.run(create())
    gate.start_worker()
    contacts = [f"contact-{i}" for i in range(24)]
    stoppers = contacts[::2]
    gate.produce(
        *(
            gate.reply(c, "SMS", "STOP", partition=i % 5, key=f"reply-key-{i}".encode())
            for i, c in enumerate(stoppers)
        )
    )
    gate.wait(lambda g: len(g.events()) == len(stoppers))
    gate.produce(*(gate.send(c, "SMS", partition=(i * 7 + 1) % 3) for i, c in enumerate(contacts)))
    gate.wait(lambda g: len(g.suppressed()) + len(g.on("SMS")) == len(contacts))
    assert sorted(x["contact_id"] for x in gate.suppressed()) == sorted(stoppers)
    assert len(gate.on("SMS")) == len(contacts) - len(stoppers)


async def _held_offsets_written(bootstrap: str, topic: str, timeout_s: float = 60) -> bool:
    """Whether the changelog comes to hold a partition's held offsets (the key ``\\x00held``)."""
    collector = await Collector(bootstrap, [topic]).start()
    try:
        return await collector.wait_for(
            lambda c: any(r.key == b"\x00held" and r.value for r in c.all(topic)), timeout_s
        )
    finally:
        await collector.stop()


@pytest.mark.parametrize("how", ["kill", "stop"])
def test_records_held_when_a_worker_goes_are_decided_once_by_the_next(
    make_gate: Callable[..., LiveGate], how: str
) -> None:
    """A grace of ten minutes holds everything. Killed, the worker leaves only the offsets of
    what it held (its last commit): the next worker reads the records again from the by-contact
    topic. Stopped, it hands them over as records (what every version of the gate reads). Either
    way each is decided once, the STOP before the campaign it precedes."""
    gate = make_gate(order_grace_ms=600_000, max_hold_ms=3_600_000)
    first = gate.start_worker()
    gate.produce(gate.reply("c1", "SMS", "STOP"))
    gate.produce(gate.send("c1", "SMS"), gate.send("c2", "SMS"))
    bootstrap, changelog = gate.s.bootstrap_servers, gate.s.changelog_topic
    assert asyncio.run(_held_offsets_written(bootstrap, changelog)), first.log()
    if how == "kill":
        first.kill()
    else:
        assert gate.stop_worker() == 0
    assert gate.collector.count(gate.s.events_topic) == 0  # nothing was decided
    records = [k for k, _ in asyncio.run(_read_all(bootstrap, changelog)) if k[:1] == b"\x01"]
    assert len(records) == (3 if how == "stop" else 0), records

    worker = gate.start_worker(order_grace_ms=0)
    gate.wait(lambda g: len(g.suppressed()) == 1 and len(g.on("SMS")) == 1, settle_s=2.0)
    assert [(e["contact_id"], e["type"]) for e in gate.events()] == [("c1", "OPTED_OUT")]
    assert [s["contact_id"] for s in gate.suppressed()] == ["c1"]
    assert "state.held_missing" not in worker.log()
