"""The loop goes on while Kafka commits (``Engine._overlap``), without a broker: what is fetched
meanwhile is processed but neither sent nor put in a transaction until the commit has ended;
an error of either side is raised only once the commit has ended, the commit's first."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError

from streams.kafka.engine import Engine
from streams.settings import Settings

TP = TopicPartition("in", 0)


class FakeConsumer:
    """``getmany`` gives the batches queued, one per call, and otherwise waits (as aiokafka's
    does, taking nothing from the fetcher until it returns)."""

    def __init__(self, batches: list[dict[TopicPartition, list[Any]]]) -> None:
        self.batches = batches
        self.cancelled = 0

    def assignment(self) -> set[TopicPartition]:
        return {TP}

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[TopicPartition, list[Any]]:
        if self.batches:
            return self.batches.pop(0)
        try:
            await asyncio.sleep(timeout_ms / 1000)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        return {}


class FakeCheckpoint:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.in_txn = True  # the transaction being committed

    async def begin(self) -> None:
        self.log.append("begin")
        self.in_txn = True


class FakeOutput:
    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.empty = True
        self.has_full = False

    async def send_full(self) -> None:
        self.log.append("send")
        self.has_full = False


def _engine(
    settings: Settings, batches: list[dict[TopicPartition, list[Any]]]
) -> tuple[Engine, list[str]]:
    engine = Engine(settings)
    log: list[str] = []
    engine.consumer = FakeConsumer(batches)
    engine.checkpoint = FakeCheckpoint(log)  # type: ignore[assignment]
    engine.out = FakeOutput(log)  # type: ignore[assignment]

    async def process(batch: dict[TopicPartition, list[Any]]) -> None:
        log.append(f"process {sum(map(len, batch.values()))}")
        await engine._begin()  # as _process does: not while the commit is under way
        engine.out.has_full = engine.out.has_full or len(batch[TP]) > 1  # type: ignore[misc]
        engine.out.empty = False  # type: ignore[misc]
        await engine._send_full()

    engine._process = process  # type: ignore[method-assign]
    return engine, log


def _commit(log: list[str], ends: asyncio.Event, error: Exception | None = None) -> Any:
    async def finish() -> None:
        log.append("commit")
        try:
            await ends.wait()
        except asyncio.CancelledError:
            log.append("commit cancelled")
            raise
        log.append("committed")
        if error is not None:
            raise error

    return finish()


def test_batches_fetched_during_a_commit_wait_for_the_next_transaction(
    settings: Settings,
) -> None:
    engine, log = _engine(settings, [{TP: [1, 2]}, {TP: [3]}])

    async def go() -> None:
        ends = asyncio.Event()

        async def end_later() -> None:
            while len(log) < 3:  # both batches processed while the commit is under way
                await asyncio.sleep(0)
            engine.checkpoint.in_txn = False  # type: ignore[union-attr]
            ends.set()

        ender = asyncio.create_task(end_later())
        await engine._overlap(_commit(log, ends), 50)
        await ender

    asyncio.run(go())
    # Nothing begun nor sent before the commit ended; then the next transaction, and its batch.
    assert log == ["commit", "process 2", "process 1", "committed", "begin", "send"]
    assert engine.consumer.cancelled == 1  # type: ignore[union-attr]
    assert not engine._overlapping


def test_a_failed_commit_is_raised_after_the_batch_processed_meanwhile(settings: Settings) -> None:
    engine, log = _engine(settings, [{TP: [1]}])

    async def go() -> None:
        ends = asyncio.Event()

        async def end_later() -> None:
            while "process 1" not in log:
                await asyncio.sleep(0)
            ends.set()

        ender = asyncio.create_task(end_later())
        with pytest.raises(KafkaConnectionError):
            await engine._overlap(_commit(log, ends, KafkaConnectionError("away")), 50)
        await ender

    asyncio.run(go())
    # The caller recovers (aborts, goes back to the last commit): nothing was begun or sent.
    assert log == ["commit", "process 1", "committed"]
    assert not engine._overlapping


def test_a_processing_error_waits_for_the_commit_to_end(settings: Settings) -> None:
    engine, log = _engine(settings, [{TP: [1]}])

    async def fail(batch: dict[TopicPartition, list[Any]]) -> None:
        log.append("process fails")
        raise ValueError("a bug")

    engine._process = fail  # type: ignore[method-assign]

    async def go() -> None:
        ends = asyncio.Event()
        asyncio.get_running_loop().call_later(0.05, ends.set)
        with pytest.raises(ValueError, match="a bug"):
            await engine._overlap(_commit(log, ends), 50)

    asyncio.run(go())
    assert log == ["commit", "process fails", "committed"]


def test_a_stop_that_cancels_the_loop_cancels_the_commit_too(settings: Settings) -> None:
    """A stop waits for Kafka for a while, then cancels the loop, as a crash would end it: the
    commit under way must not go on alone (the stop's final commit would meet it)."""
    engine, log = _engine(settings, [])

    async def go() -> None:
        kafka_answers = asyncio.Event()  # never set: Kafka is away
        loop = asyncio.create_task(engine._overlap(_commit(log, kafka_answers), 50))
        await asyncio.sleep(0.05)
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop

    asyncio.run(go())
    assert log == ["commit", "commit cancelled"]
    assert not engine._overlapping
    assert engine.failed  # half sent: the stop commits nothing more


def test_after_an_abort_nothing_is_processed_or_committed_until_the_rewind_succeeds(
    settings: Settings,
) -> None:
    """The rewind to the last commit can fail (Kafka away): the positions, the table and the
    held records may then be past what the abort undid, so the worker owes the rewind and
    neither processes, nor commits at a revocation or a stop, until it has succeeded."""
    engine, log = _engine(settings, [])
    rewinds = [KafkaConnectionError("away"), None]

    async def abort() -> None:
        log.append("abort")

    async def rewind(owned: list[TopicPartition]) -> None:
        error = rewinds.pop(0)
        log.append("rewind failed" if error else "rewound")
        if error is not None:
            raise error

    async def commit(**kw: Any) -> None:
        log.append("commit")

    engine.checkpoint.abort = abort  # type: ignore[union-attr,method-assign]
    engine._rewind = rewind  # type: ignore[method-assign]
    engine._commit = commit  # type: ignore[method-assign]

    async def go() -> None:
        await engine._recover(KafkaConnectionError("the commit failed"))
        assert engine._rewind_owed
        await engine.on_revoked([])  # a rebalance meanwhile: nothing committed
        await engine._rewind_again()
        assert not engine._rewind_owed
        await engine.on_revoked([])

    asyncio.run(go())
    assert log == ["abort", "rewind failed", "rewound", "commit"]
