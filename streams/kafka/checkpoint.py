"""The checkpoint: one Kafka transaction at a time, holding everything the worker produced since
the last commit, the positions it consumed to and the table writes, made visible together or
not at all. ``docs/architecture.md`` draws the protocol.

:meth:`Checkpoint.commit`, step by step:

1. **Membership, here.** The consumer must still be the member its partitions were assigned to
   (same generation and member id); if not, nothing is sent and :class:`MemberFenced` is raised.
2. **Records and offsets.** The open record batches go to the partition leaders while the next
   offset of *every* partition the worker owns goes to the group coordinator in
   ``TxnOffsetCommit`` v3, with the generation and member id: the broker refuses them from a
   member that lost its partitions (KIP-447), the transaction turns abortable and the caller
   aborts it. Every transaction commits offsets, so every transaction is fenced, whatever it
   carries (routed copies, decisions, watermarks, statistics, table writes).
3. Crash point ``produced`` (tests only).
4. **Commit** (``EndTxn``): from here all of it is visible to ``read_committed`` readers.
5. Crash point ``committed`` (tests only).
6. **The table** is written to RocksDB, each partition with the changelog offset after its last
   write: a restart restores from the changelog only what RocksDB lacks. RocksDB never holds a
   write whose transaction did not commit.

:meth:`Checkpoint.abort` drops everything (a new producer when the old one cannot abort: it was
fenced, or the broker is away).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import time
from collections.abc import Callable, Coroutine, Mapping
from typing import Any, Protocol

from aiokafka import TopicPartition
from aiokafka.errors import KafkaError

from streams.kafka.aiokafka_internals import GroupMetadata, MemberFenced
from streams.kafka.outage import Outage

logger = logging.getLogger("consent_gate.engine")


#: The smallest CONSENT_GATE_FETCH_MAX_RECORDS whose full fetches :class:`Cadence` reads as a
#: backlog.
MIN_BACKLOG_FETCH = 500


class Cadence:
    """When the next commit is due: ``interval_ms`` after the last one *began* (as Kafka Streams
    counts ``commit.interval.ms``), or ``behind_ms`` after it *ended* while the worker is behind:
    its last fetch was full (``max_records``) and more than another full fetch waits (a backlog,
    after a start, a pause or an outage).

    Counted from the start, a commit that takes 50 ms does not push every later one 50 ms back:
    what a commit carries waits for it, and a campaign waits for two (the router's, then the
    gate's). A transaction costs round trips to every leader and the group coordinator however
    few records it carries. While behind, records already wait for the backlog, so fewer and
    larger transactions work through it sooner. Once caught up, commits are ``interval_ms``
    apart again."""

    def __init__(self, interval_ms: int, behind_ms: int, max_records: int) -> None:
        self.interval_s = interval_ms / 1000
        self.behind_s = max(interval_ms, behind_ms) / 1000
        # A full fetch of a few records says little (every fetch would be full): then never.
        self.backlog_at = max_records if max_records >= MIN_BACKLOG_FETCH else math.inf
        self.behind = False
        self.began = self.ended = time.monotonic()  # the last commit (or the start)

    def fetched(self, records: int, waiting: Callable[[], int]) -> None:
        """A fetch returned ``records``; ``waiting()`` counts those not yet returned (asked only
        after a full fetch). Behind: the fetch was full and another full one waits. A full fetch
        alone is no backlog: records gather while a commit is waited for, and at 3,500 records/s
        500 ms between commits gather enough to fill the next fetch, which kept a worker at less
        than half its throughput on the backlog cadence."""
        self.behind = records >= self.backlog_at and waiting() >= self.backlog_at

    def committing(self, now: float) -> None:
        """A commit begins (or a check that finds nothing to commit)."""
        self.began = now

    def committed(self, now: float) -> None:
        """It ended (committed, or nothing was to be committed)."""
        self.ended = now

    def due_in_s(self, now: float) -> float:
        """Seconds until the next commit is due (0 or less: it is)."""
        if self.behind:
            return self.ended + self.behind_s - now
        return self.began + self.interval_s - now


class CrashPoints:
    """Fault injection for the tests: ``CG_TEST_CRASH_AT=point:n`` ends the process (as
    ``kill -9`` would) the n-th time the engine reaches ``point``: ``produced`` (a transaction
    with table writes sent, not committed), ``committed`` (committed, RocksDB not yet written),
    ``restoring`` (in the middle of a restore). Not a setting: unset in production."""

    def __init__(self, spec: str | None = None, exit: Callable[[int], Any] = os._exit) -> None:
        spec = os.environ.get("CG_TEST_CRASH_AT", "") if spec is None else spec
        self.point, _, n = spec.partition(":")
        self.left = int(n or 1)
        self._exit = exit

    def reached(self, point: str) -> None:
        if point == self.point:
            self.left -= 1
            if self.left <= 0:
                logger.critical("test crash at %s", point)
                self._exit(137)


class Output(Protocol):
    """What the checkpoint needs of the output (:class:`streams.kafka.output.BatchedOutput`)."""

    def attach(self, producer: Any) -> None: ...
    def add(
        self,
        topic: str,
        partition: int | None,
        key: bytes | None,
        value: bytes | None,
        headers: Any,
        timestamp_ms: int | None,
    ) -> None: ...
    def seal(self) -> Any: ...
    async def flush(self, sealed: Any) -> dict[tuple[str, int], int]: ...
    def discard(self) -> None: ...


class Table(Protocol):
    """What the checkpoint needs of the table (:class:`streams.state.store.StateStore`)."""

    def apply(self, partition: int, writes: Any, next_offset: int) -> None: ...


class Checkpoint:
    def __init__(
        self,
        new_producer: Callable[[], Any],
        out: Output,
        table: Table,
        changelog_topic: str,
        outage: Outage,
        crash: CrashPoints | None = None,
        ready: Callable[[Any], Any] | None = None,
    ) -> None:
        self.new_producer = new_producer
        self.producer: Any = None
        self.out = out
        self.table = table
        self.changelog_topic = changelog_topic
        self.outage = outage
        self.crash = crash or CrashPoints()
        self.ready = ready  # awaited with a freshly started producer (metadata, broker checks)
        self.in_txn = False
        #: When the open transaction began (monotonic s): a producer fenced after the broker's
        #: transaction timeout was aborted by the coordinator, not by a twin worker.
        self.opened_at: float | None = None
        #: When the commit under way started (monotonic s; None: none is).
        self.committing_since: float | None = None
        self._writes: dict[int, dict[bytes, bytes | None]] = {}

    # --- the producer ---------------------------------------------------------------------
    async def start(self) -> None:
        """Start a transactional producer, retrying while Kafka is away; starting it fences
        (and aborts) the open transaction of this worker's previous producer, if any."""
        delay = 0.5
        while True:
            self.producer = self.new_producer()
            try:
                await self.producer.start()
                self.out.attach(self.producer)
                if self.ready is not None:
                    await self.ready(self.producer)
                self.outage.up()
                return
            except KafkaError as exc:
                self.outage.down(exc)
                with contextlib.suppress(Exception):
                    await self.producer.stop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def stop(self) -> None:
        if self.producer is not None:
            with contextlib.suppress(Exception):
                await self.producer.stop()

    # --- a transaction --------------------------------------------------------------------
    async def begin(self) -> None:
        if not self.in_txn:
            await self.producer.begin_transaction()
            self.in_txn = True
            self.opened_at = time.monotonic()

    def committing_for_s(self) -> float:
        """How long the commit under way has waited for Kafka (0: none is under way)."""
        return 0.0 if self.committing_since is None else time.monotonic() - self.committing_since

    def open_for_s(self) -> float:
        """How long the open transaction has been open (0: none is)."""
        return 0.0 if self.opened_at is None else time.monotonic() - self.opened_at

    async def stage(self, partition: int, writes: dict[bytes, bytes | None]) -> None:
        """Table writes of ``partition``: to the changelog in this transaction, and to RocksDB
        once it has committed (step 6)."""
        if not writes:
            return
        await self.begin()
        add = self.out.add
        for key, value in writes.items():
            add(self.changelog_topic, partition, key, value, (), None)
        self._writes.setdefault(partition, {}).update(writes)

    async def commit(
        self,
        offsets: Mapping[TopicPartition, int],
        group: GroupMetadata,
        still_member: Callable[[], bool],
    ) -> bool:
        """Commit the open transaction with ``offsets`` (every owned partition's next offset);
        False when there was nothing to commit."""
        finish = await self.seal(offsets, group, still_member)
        return finish is not None and await finish

    async def seal(
        self,
        offsets: Mapping[TopicPartition, int],
        group: GroupMetadata,
        still_member: Callable[[], bool],
    ) -> Coroutine[Any, Any, bool] | None:
        """Step 1 and what the transaction holds, taken: the rest of the commit (steps 2-6) is
        the coroutine returned, to be awaited at once. What is produced or staged from now on
        belongs to the next transaction, which begins (:meth:`begin`) after it ends. None when
        there was nothing to commit."""
        if not self.in_txn and not offsets:
            return None
        # 1. Membership, here.
        if not still_member():
            raise MemberFenced(
                f"the consumer is no longer member {group.member_id!r} of generation "
                f"{group.generation_id}: its partitions may have moved"
            )
        await self.begin()
        self.committing_since = time.monotonic()
        writes, self._writes = self._writes, {}
        return self._finish(offsets, group, writes, self.out.seal())

    async def _finish(
        self,
        offsets: Mapping[TopicPartition, int],
        group: GroupMetadata,
        writes: dict[int, dict[bytes, bytes | None]],
        sealed: Any,
    ) -> bool:
        # 2. Records to the leaders, offsets to the group coordinator (fenced there), at once.
        if offsets:
            _, ends = await asyncio.gather(
                self.producer.send_offsets_to_transaction(dict(offsets), group),
                self.out.flush(sealed),
            )
        else:
            ends = await self.out.flush(sealed)
        next_offsets = {p: ends[(self.changelog_topic, p)] for p in writes}
        if writes:  # the crash tests aim at transactions that change the table
            self.crash.reached("produced")  # 3.
        await self.producer.commit_transaction()  # 4.
        if writes:
            self.crash.reached("committed")  # 5.
        self.in_txn = False
        self.opened_at = None
        self.committing_since = None
        for p, pending in writes.items():  # 6.
            self.table.apply(p, pending, next_offsets[p])
        self.outage.up()
        return True

    async def abort(self) -> None:
        """Drop the open transaction: abort it, or (if the producer cannot: fenced, or Kafka
        away) replace the producer, which fences and aborts it."""
        self._writes.clear()
        if self.in_txn:
            aborted = False
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.producer.abort_transaction(), 10)
                aborted = True
            if not aborted:
                await self.stop()
                await self.start()
        self.in_txn = False
        self.opened_at = None
        self.committing_since = None
        self.out.discard()  # their errors are this one's; don't log them again
