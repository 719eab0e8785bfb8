"""KIP-447 fencing on the real broker, piece by piece (the whole worker frozen past its session
timeout is tried by the fault run, tests/fault): a transaction whose offsets name a generation
the group has left is refused by the group coordinator, and nothing of it becomes visible or
reaches the table; a new owner's offset fetch waits for a transaction still open that commits
offsets of its partitions."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from streams.kafka import aiokafka_internals as internals
from streams.kafka.aiokafka_internals import MemberFenced
from streams.kafka.checkpoint import Checkpoint
from streams.kafka.outage import Outage
from streams.kafka.output import BatchedOutput
from streams.state.store import StateStore


async def _topics(bootstrap: str, *names: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, 1, 1) for n in names])
    finally:
        await admin.close()


def _consumer(bootstrap: str, group: str, topic: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        isolation_level="read_committed",
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
    )


async def _poll_until(done: Any, *members: AIOKafkaConsumer, what: str) -> None:
    """Poll every member (a rebalance waits for each to rejoin) until ``done()``."""
    deadline = time.monotonic() + 60
    while not done():
        assert time.monotonic() < deadline, what
        await asyncio.gather(*(c.getmany(timeout_ms=200) for c in members))


async def _committed_values(bootstrap: str, topic: str) -> list[bytes]:
    reader = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await reader.start()
    try:
        batch = await reader.getmany(timeout_ms=3000)
        return [m.value for msgs in batch.values() for m in msgs]
    finally:
        await reader.stop()


async def _fenced_after_rebalance(bootstrap: str, tmp: Path) -> None:
    internals.install()
    tag = uuid.uuid4().hex[:8]
    source, out_topic, changelog = f"in-{tag}", f"out-{tag}", f"changelog-{tag}"
    await _topics(bootstrap, source, out_topic, changelog)
    group = f"g-{tag}"
    first = _consumer(bootstrap, group, source)
    await first.start()
    await _poll_until(first.assignment, first, what="no assignment")
    stale = internals.group_metadata(first)  # the member the partition was assigned to
    # Another member joins: the group moves to a new generation (the first rejoins in the
    # background, as a thawed worker would).
    second = _consumer(bootstrap, group, source)
    await second.start()
    await _poll_until(
        lambda: (
            first._coordinator.generation != stale.generation_id
            and second._coordinator.generation == first._coordinator.generation
        ),
        first,
        second,
        what="the group did not move on",
    )

    store = StateStore(tmp / "state")
    out = BatchedOutput(262_144, 1_048_576)

    def producer() -> AIOKafkaProducer:
        return AIOKafkaProducer(bootstrap_servers=bootstrap, transactional_id=f"tx-{tag}")

    async def ready(p: Any) -> None:
        await out.know([out_topic, changelog])
        internals.check_broker(p)

    checkpoint = Checkpoint(producer, out, store, changelog, Outage(), ready=ready)
    await checkpoint.start()
    try:
        await checkpoint.begin()
        out.add(out_topic, 0, b"k", b"decided-by-a-zombie", (), None)
        await checkpoint.stage(0, {b"contact": b"state-of-a-zombie"})
        # The client-side check is skipped (as if the consumer had not noticed yet): only the
        # broker stands between the stale member and its commit.
        with pytest.raises(MemberFenced, match="generation"):
            await checkpoint.commit({TopicPartition(source, 0): 5}, stale, lambda: True)
        await checkpoint.abort()
        assert store.next_offset(0) == 0  # RocksDB untouched
        assert await _committed_values(bootstrap, out_topic) == []
        assert await _committed_values(bootstrap, changelog) == []
        assert await second.committed(TopicPartition(source, 0)) is None  # no offset moved
    finally:
        await checkpoint.stop()
        store.close()
        await first.stop()
        await second.stop()


def test_a_member_of_a_past_generation_commits_nothing(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    asyncio.run(_fenced_after_rebalance(kafka_bootstrap, tmp_path))


async def _new_owner_waits(bootstrap: str) -> None:
    internals.install()
    tag = uuid.uuid4().hex[:8]
    source = f"in-{tag}"
    await _topics(bootstrap, source)
    group = f"g-{tag}"
    owner = _consumer(bootstrap, group, source)
    await owner.start()
    await _poll_until(owner.assignment, owner, what="no assignment")
    member = internals.group_metadata(owner)
    tp = TopicPartition(source, 0)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, transactional_id=f"tx-{tag}")
    await producer.start()
    try:
        await producer.begin_transaction()
        await producer.send_and_wait(source, b"x")
        await producer.send_offsets_to_transaction({tp: 1}, member)
        # The transaction is open (its owner "froze" here): a stable fetch cannot answer yet.
        fetch = asyncio.ensure_future(owner.committed(tp))
        await asyncio.sleep(1.5)
        assert not fetch.done(), "the offset fetch answered while a transaction was open"
        await producer.commit_transaction()
        assert await asyncio.wait_for(fetch, 30) == 1  # the committed offset, not the old one
    finally:
        await producer.stop()
        await owner.stop()


def test_an_offset_fetch_waits_for_an_open_transaction(kafka_bootstrap: str) -> None:
    asyncio.run(_new_owner_waits(kafka_bootstrap))
