"""Reading partitions to their end, and the table's restore from its changelog.

:func:`batches_to_end` is the one loop that reads assigned partitions until each reaches a
given end offset: the restore below, the history lookup (:mod:`streams.kafka.history`), the
tools' whole-topic reads (``streams.tools.common.read_to_end``) and the report's and exports'
(``streams.analytics.reader``) use it.

:class:`ChangelogReader` brings the local RocksDB of newly owned partitions up to the end of
their changelog before anything of them is decided. Before it reads, it waits until no
transaction is open on those changelog partitions (the last stable offset equals the high
watermark): a partition's changelog is written only by its owner, so an open transaction there
is the previous owner's, and reading past it before it ends could miss table writes whose
offsets are already committed. The wait is bounded by the transaction timeout, after which the
coordinator has aborted any transaction still open. :meth:`ChangelogReader.read_again` then reads
the records a gate partition held at its last commit again from the by-contact topic (the table
holds only their offsets).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.kafka.checkpoint import CrashPoints
from streams.logs import log_event
from streams.processing.records import SourceRecord
from streams.state.store import StateStore

logger = logging.getLogger("consent_gate.engine")


async def batches_to_end(
    consumer: AIOKafkaConsumer,
    ends: Mapping[TopicPartition, int],
    *,
    max_records: int = 10_000,
    timeout_ms: int = 200,
    deadline: float | None = None,
) -> AsyncIterator[tuple[TopicPartition, list[Any]]]:
    """The records of each partition of ``ends`` (assigned to ``consumer`` and positioned by
    the caller), batch by batch, until its position reaches its end. ``deadline``
    (``time.monotonic()``) bounds the whole read: past it, ``TimeoutError``."""
    todo = {tp: end for tp, end in ends.items() if await consumer.position(tp) < end}
    while todo:
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError(f"reading {sorted(todo)} to their end took too long")
        batch = await consumer.getmany(*todo, timeout_ms=timeout_ms, max_records=max_records)
        for tp, msgs in batch.items():
            if msgs:
                yield tp, msgs
        for tp in list(todo):
            if await consumer.position(tp) >= todo[tp]:
                del todo[tp]


class ChangelogReader:
    """The restore of the table from its changelog (Kafka Streams' ``StoreChangelogReader``)."""

    def __init__(
        self,
        client: Callable[..., AIOKafkaConsumer],
        store: StateStore,
        changelog_topic: str,
        transaction_timeout_ms: int,
        crash: CrashPoints,
    ) -> None:
        self._client = client
        self.store = store
        self.topic = changelog_topic
        self.transaction_timeout_ms = transaction_timeout_ms
        self.crash = crash
        self.restorer: AIOKafkaConsumer | None = None
        self.probe: AIOKafkaConsumer | None = None  # read_uncommitted: the high watermarks

    async def start(self) -> None:
        self.restorer = self._client("restore", "read_committed")
        self.probe = self._client("restore-probe", "read_uncommitted")
        await self.restorer.start()
        await self.probe.start()

    async def stop(self) -> None:
        for consumer in (self.restorer, self.probe):
            if consumer is not None:
                await consumer.stop()

    async def high_watermarks(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        """The ends of ``tps`` with the records of open transactions (read_uncommitted)."""
        assert self.probe is not None
        return dict(await self.probe.end_offsets(tps))

    async def _stable_ends(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        """The last stable offsets, once no transaction is open on ``tps`` (or the transaction
        timeout has passed: the coordinator aborts what is still open then)."""
        assert self.restorer is not None and self.probe is not None
        deadline = time.monotonic() + self.transaction_timeout_ms / 1000 + 5
        waited = False
        while True:
            stable = await self.restorer.end_offsets(tps)
            highs = await self.probe.end_offsets(tps)
            open_ = [tp.partition for tp in tps if stable[tp] < highs[tp]]
            if not open_ or time.monotonic() > deadline:
                if waited:
                    log_event(logger, "state.waited_for_previous_owner", partitions=open_ or None)
                return dict(stable)
            waited = True
            await asyncio.sleep(0.1)

    async def restore(self, partitions: list[int]) -> None:
        """Bring the local table of ``partitions`` up to the end of their changelog."""
        assert self.restorer is not None
        if not partitions:
            return
        store = self.store
        tps = {TopicPartition(self.topic, p): p for p in partitions}
        self.restorer.assign(list(tps))
        ends = await self._stable_ends(list(tps))
        todo: dict[TopicPartition, int] = {}
        for tp, p in tps.items():
            start, end = store.next_offset(p), ends[tp]
            if start > end:  # the changelog is not the one this state came from
                log_event(logger, "state.mismatch", logging.WARNING, partition=p)
                store.clear_partition(p)
                start = 0
            if start < end:
                self.restorer.seek(tp, start)
                todo[tp] = end
        count = 0
        async for tp, msgs in batches_to_end(self.restorer, todo):
            store.apply(tps[tp], ((m.key, m.value) for m in msgs), msgs[-1].offset + 1)
            count += len(msgs)
            self.crash.reached("restoring")
        for tp, end in todo.items():
            store.apply(tps[tp], (), end)
        if count:
            log_event(logger, "state.restored", partitions=len(partitions), records=count)

    async def read_again(
        self, held: Mapping[TopicPartition, list[int]]
    ) -> dict[TopicPartition, list[SourceRecord]]:
        """The records at the offsets (increasing) of each partition of ``held``, read
        committed, in one pass: the records the gate partitions held at their last commit
        (``streams.processing.partition.held_offsets``). Those the topic no longer has (deleted
        by its retention while no worker ran, or lost with a broker) are logged, in a warning,
        and missing from what is returned."""
        assert self.restorer is not None
        found: dict[TopicPartition, list[SourceRecord]] = {tp: [] for tp in held}
        todo = {tp: offsets for tp, offsets in held.items() if offsets}
        if not todo:
            return found
        self.restorer.assign(list(todo))
        stable = await self.restorer.end_offsets(list(todo))
        for tp, offsets in todo.items():
            self.restorer.seek(tp, offsets[0])
        wanted = {tp: set(offsets) for tp, offsets in todo.items()}
        ends = {tp: min(offsets[-1] + 1, stable[tp]) for tp, offsets in todo.items()}
        async for tp, msgs in batches_to_end(self.restorer, ends):
            want = wanted[tp]
            found[tp] += [m for m in msgs if m.offset in want]
        for tp, offsets in todo.items():
            if len(found[tp]) < len(offsets):
                log_event(
                    logger,
                    "state.held_missing",
                    logging.WARNING,
                    partition=tp.partition,
                    held=len(offsets),
                    missing=len(offsets) - len(found[tp]),
                    why="the by-contact topic no longer has them (retention, or a lost broker)",
                )
        return found
