"""The checkpoint's commit, step by step, with a fake producer and table: what is sent, in which
order, what the table gets, and what a fenced or failed transaction leaves (nothing)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import TopicPartition

from streams.kafka.aiokafka_internals import GroupMetadata, MemberFenced
from streams.kafka.checkpoint import MIN_BACKLOG_FETCH, Cadence, Checkpoint, CrashPoints
from streams.kafka.outage import Outage
from tests.harness import FakeOutput, FakeProducer, Log

CHANGELOG = "app-consent-changelog"
MEMBER = GroupMetadata("app", 3, "m-1")
TP = TopicPartition("in", 0)


class FakeTable:
    def __init__(self, log: Log) -> None:
        self.log = log
        self.applied: list[tuple[int, dict[bytes, bytes | None], int]] = []

    def apply(self, partition: int, writes: Any, next_offset: int) -> None:
        self.log.append(f"apply {partition}")
        self.applied.append((partition, dict(writes), next_offset))


class Crash(Exception):
    pass


def _checkpoint(
    log: Log, crash_at: str = "", **producer: Any
) -> tuple[Checkpoint, FakeTable, FakeOutput]:
    def crash(code: int) -> None:
        raise Crash(log[-1])

    table, out = FakeTable(log), FakeOutput(log)
    checkpoint = Checkpoint(
        lambda: FakeProducer(log, **producer), out, table, CHANGELOG, Outage(),
        CrashPoints(crash_at, exit=crash),
    )  # fmt: skip
    asyncio.run(checkpoint.start())
    return checkpoint, table, out


def _commit(checkpoint: Checkpoint, member: bool = True) -> bool:
    async def go() -> bool:
        await checkpoint.begin()
        checkpoint.out.add("out", 0, b"k", b"v", (), None)
        await checkpoint.stage(2, {b"c1": b"state", b"c2": None})
        return await checkpoint.commit({TP: 17}, MEMBER, lambda: member)

    return asyncio.run(go())


def test_the_steps_in_order_and_the_table_written_after_the_commit() -> None:
    log = Log()
    checkpoint, table, out = _checkpoint(log)
    assert _commit(checkpoint)
    assert log == ["start", "attach", "begin", "offsets", "flush", "commit", "apply 2"]
    producer = checkpoint.producer
    assert producer.offsets == [({TP: 17}, MEMBER)]
    assert producer.offsets[0][1].generation_id == 3  # the member travels with the offsets
    assert [r[0] for r in out.flushed] == ["out", CHANGELOG, CHANGELOG]
    # RocksDB gets the writes with the changelog offset after the last one of the partition.
    assert table.applied == [(2, {b"c1": b"state", b"c2": None}, 102)]
    assert not checkpoint.in_txn


def test_a_member_that_lost_its_partitions_sends_nothing() -> None:
    log = Log()
    checkpoint, table, _ = _checkpoint(log)
    with pytest.raises(MemberFenced):
        _commit(checkpoint, member=False)
    assert "offsets" not in log and "flush" not in log and "commit" not in log
    assert table.applied == []
    asyncio.run(checkpoint.abort())
    assert log[-2:] == ["abort", "discard"] and not checkpoint.in_txn


def test_the_brokers_refusal_commits_nothing_and_writes_no_table() -> None:
    log = Log()
    checkpoint, table, _ = _checkpoint(log, fence=True)
    with pytest.raises(MemberFenced):
        _commit(checkpoint)
    assert "commit" not in log and table.applied == []
    asyncio.run(checkpoint.abort())
    assert table.applied == []
    # The staged writes are gone: the next transaction does not carry them to RocksDB.
    checkpoint.producer.fence = False
    asyncio.run(checkpoint.commit({TP: 17}, MEMBER, lambda: True))
    assert table.applied == []


@pytest.mark.parametrize("point", ["produced", "committed"])
def test_crash_points(point: str) -> None:
    log = Log()
    checkpoint, table, _ = _checkpoint(log, crash_at=point)
    with pytest.raises(Crash) as crashed:
        _commit(checkpoint)
    # "produced": sent, not committed; "committed": committed, RocksDB not written.
    assert str(crashed.value) == {"produced": "flush", "committed": "commit"}[point]
    assert table.applied == []


def test_nothing_to_commit() -> None:
    log = Log()
    checkpoint, _, _ = _checkpoint(log)
    assert not asyncio.run(checkpoint.commit({}, MEMBER, lambda: True))
    assert log == ["start", "attach"]


def test_a_producer_that_cannot_abort_is_replaced() -> None:
    log = Log()
    checkpoint, _, _ = _checkpoint(log, abort_fails=True)
    first = checkpoint.producer

    async def go() -> None:
        await checkpoint.begin()
        await checkpoint.abort()

    asyncio.run(go())
    assert checkpoint.producer is not first
    assert log[-5:] == ["abort", "stop", "start", "attach", "discard"]
    assert checkpoint.open_for_s() == 0.0


def never() -> int:
    raise AssertionError("asked how many records wait after a fetch that was not full")


def test_commits_are_spaced_further_while_the_worker_works_through_a_backlog() -> None:
    cadence = Cadence(interval_ms=100, behind_ms=500, max_records=2000)
    cadence.committing(10.0)
    cadence.committed(10.0)
    assert cadence.due_in_s(10.1) == pytest.approx(0.0)  # caught up: every 100 ms
    cadence.fetched(2000, lambda: 50_000)  # a full fetch, and a backlog behind it: behind
    assert cadence.due_in_s(10.1) == pytest.approx(0.4)
    assert cadence.due_in_s(10.5) == pytest.approx(0.0)
    cadence.fetched(1999, never)  # caught up again
    assert cadence.due_in_s(10.1) == pytest.approx(0.0)
    cadence.fetched(0, never)
    assert cadence.due_in_s(10.05) == pytest.approx(0.05)


def test_a_full_fetch_with_little_behind_it_is_no_backlog() -> None:
    """Records gathered while a commit was waited for fill a fetch; if less than another full
    fetch waits behind it, the worker keeps up, and commits stay 100 ms apart (judged by the
    full fetch alone, 500 ms between commits gather enough at 3,500 records/s to fill the next
    fetch, and the worker could stay on the backlog cadence)."""
    cadence = Cadence(interval_ms=100, behind_ms=500, max_records=2000)
    cadence.committing(10.0)
    cadence.committed(10.0)
    cadence.fetched(2000, lambda: 1999)
    assert not cadence.behind
    assert cadence.due_in_s(10.1) == pytest.approx(0.0)
    cadence.fetched(2000, lambda: 2000)
    assert cadence.behind


def test_the_interval_counts_from_a_commits_start_and_the_backlog_interval_from_its_end() -> None:
    """A commit that takes 60 ms does not push the next one 60 ms back (what it carries waits
    for it); while behind, the next commit comes 500 ms after the last one ended."""
    cadence = Cadence(interval_ms=100, behind_ms=500, max_records=2000)
    cadence.committing(10.0)
    cadence.committed(10.06)
    assert cadence.due_in_s(10.06) == pytest.approx(0.04)
    cadence.committing(10.1)
    cadence.committed(10.35)  # slower than the interval: the next is due at once
    assert cadence.due_in_s(10.35) <= 0
    cadence.fetched(2000, lambda: 10_000)
    assert cadence.due_in_s(10.35) == pytest.approx(0.5)


def test_a_behind_interval_shorter_than_the_interval_changes_nothing() -> None:
    cadence = Cadence(interval_ms=200, behind_ms=50, max_records=1000)
    cadence.committing(0.0)
    cadence.committed(0.0)
    cadence.fetched(1000, lambda: 10_000)
    assert cadence.behind
    assert cadence.due_in_s(0.1) == pytest.approx(0.1)


def test_full_fetches_of_a_few_records_are_no_backlog() -> None:
    cadence = Cadence(interval_ms=100, behind_ms=500, max_records=MIN_BACKLOG_FETCH - 1)
    cadence.committing(0.0)
    cadence.fetched(MIN_BACKLOG_FETCH - 1, lambda: 10_000)
    assert not cadence.behind
    assert cadence.due_in_s(0.1) == pytest.approx(0.0)


def test_what_is_produced_while_a_commit_is_under_way_goes_into_the_next_transaction() -> None:
    """The engine goes on processing while Kafka commits (``Engine._overlap``): what it adds
    after the seal, records or table writes, is neither flushed with the sealed transaction nor
    applied to the table with it."""
    log = Log()
    checkpoint, table, out = _checkpoint(log)

    async def go() -> None:
        await checkpoint.begin()
        out.add("out", 0, b"k1", b"first", (), None)
        await checkpoint.stage(2, {b"c1": b"one"})
        finish = await checkpoint.seal({TP: 17}, MEMBER, lambda: True)
        assert finish is not None
        assert log[-1] == "begin"  # sealed: nothing sent yet
        out.add("out", 0, b"k2", b"second", (), None)  # processed meanwhile
        assert await finish
        assert [r[3] for r in out.flushed] == [b"first", b"one"]
        assert table.applied == [(2, {b"c1": b"one"}, 101)]
        assert not checkpoint.in_txn
        await checkpoint.begin()
        await checkpoint.stage(2, {b"c1": b"two"})
        assert await checkpoint.commit({TP: 18}, MEMBER, lambda: True)
        assert [r[3] for r in out.flushed] == [b"second", b"two"]

    asyncio.run(go())
    assert log[2:] == ["begin", "offsets", "flush", "commit", "apply 2"] * 2
    assert table.applied[-1] == (2, {b"c1": b"two"}, 102)


def test_a_member_that_lost_its_partitions_seals_nothing() -> None:
    log = Log()
    checkpoint, _, out = _checkpoint(log)

    async def go() -> None:
        await checkpoint.begin()
        out.add("out", 0, b"k", b"v", (), None)
        with pytest.raises(MemberFenced):
            await checkpoint.seal({TP: 17}, MEMBER, lambda: False)
        assert out.records  # still this transaction's, which the caller aborts

    asyncio.run(go())
