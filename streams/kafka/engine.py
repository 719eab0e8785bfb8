"""The worker's stream thread: route and gate, exactly once, in event-time order, over many
workers (Kafka Streams' ``StreamThread`` and ``TaskManager`` in one small class).

One consumer (group ``app_id``, ``read_committed``) reads the four inputs and the by-contact
topic; one transactional producer (``transactional.id = <app_id>-<worker_id>``, as Kafka
Streams' exactly-once v2) writes everything the worker produces. The parts:

* the loop (:meth:`Engine.run`, :meth:`Engine._process`): a batch is routed (inputs) or decided
  (by-contact records, :class:`~streams.processing.partition.GatePartition`) once, and what it
  gives is added to the open transaction;
* the checkpoint (:mod:`streams.kafka.checkpoint`): every ``commit_interval_ms`` (while
  behind, every ``commit_interval_behind_ms``: :class:`~streams.kafka.checkpoint.Cadence`) the
  transaction commits the outputs, the watermarks (:mod:`streams.kafka.watermarks`), the
  statistics, the table's changelog writes and the offsets of every owned partition, fenced by
  the group's generation and member id (KIP-447, :mod:`streams.kafka.aiokafka_internals`);
* rebalances (:meth:`Engine.on_revoked`, :meth:`Engine.on_assigned`): commit before partitions
  go; a new partition starts from its stable committed offset, its table restored from the
  changelog first (:mod:`streams.kafka.restore`);
* recovery (:meth:`Engine._recover`): on any Kafka error, and when the worker turns out to have
  lost its partitions (frozen past its session timeout, cut off), the transaction is aborted
  and the worker goes back to the last commit (positions and table).

Readers of the outputs must use ``isolation.level=read_committed``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Coroutine, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    InvalidMessageError,
    InvalidTimestampError,
    KafkaError,
    MessageSizeTooLargeError,
    ProducerFenced,
    RecordListTooLargeError,
    RecordTooLargeError,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
)

from streams.kafka import aiokafka_internals as internals
from streams.kafka.aiokafka_internals import GroupMetadata
from streams.kafka.checkpoint import Cadence, Checkpoint, CrashPoints
from streams.kafka.directory import DirectoryAssignor, assignors
from streams.kafka.local_path import LocalPath
from streams.kafka.observer import Observer
from streams.kafka.outage import KafkaLogFilter, Outage
from streams.kafka.output import BatchedOutput, TooLarge
from streams.kafka.restore import ChangelogReader
from streams.kafka.security import client_options
from streams.kafka.watermarks import Watermarks
from streams.logs import log_event
from streams.models.contract import Contract, RecordName
from streams.processing.partition import GatePartition, held_offsets
from streams.processing.records import (
    KIND_HEADER,
    WATERMARK_KIND,
    Output,
    SourceRecord,
    dead_letter,
    gate_dead_letter,
)
from streams.processing.router import Router
from streams.settings import Settings
from streams.state.store import StateStore

logger = logging.getLogger("consent_gate.engine")


class FatalError(RuntimeError):
    """The worker cannot go on; the message says why in one sentence."""


#: Errors that trying again cannot mend: the worker stops (loudly, committing nothing past the
#: record) rather than skip a record or retry for ever.
_HOPELESS = (
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    InvalidMessageError,
    InvalidTimestampError,
)


#: A commit waiting this long for Kafka's acknowledgement counts as Kafka unreachable (/readyz).
STUCK_COMMIT_S = 5.0

#: A producer fenced twice within this many seconds (its transaction not timed out): another
#: process uses the same CONSENT_GATE_WORKER_ID.
TWIN_WINDOW_S = 60.0


#: How long a stop waits for Kafka, twice (the loop to end its batch, then the final commit and
#: leaving the group): a stop during an outage ends within about twice this, well inside
#: Kubernetes' grace period (deploy/kubernetes: 60 s).
STOP_TIMEOUT_S = 15.0


def _now_ms() -> int:
    return int(time.time() * 1000)


class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        await self.engine.on_revoked(list(revoked))

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        await self.engine.on_assigned(list(assigned))


class Engine:
    def __init__(self, settings: Settings, contract: Contract | None = None) -> None:
        self.s = settings
        self.contract = contract or Contract()
        self.router = Router(settings, self.contract)
        self.policy = settings.keyword_policy()
        self.counters: Counter[str] = Counter()
        self.kind_of_topic = {t: k for k, t in settings.channel_topics.items()}
        self.inputs = list(settings.input_topics)
        self.by_contact = settings.by_contact_topic
        self.lock = asyncio.Lock()
        self.outage = Outage()
        self.store: StateStore | None = None
        self.consumer: AIOKafkaConsumer | None = None
        self.checkpoint: Checkpoint | None = None
        self.changelog: ChangelogReader | None = None
        self.parts: dict[int, GatePartition] = {}
        self.marks = Watermarks(
            settings.order_grace_ms,
            settings.max_hold_ms,
            self._state_of,
            self.counters,
            floor_ms=settings.order_grace_min_ms,
        )
        self.input_partitions: dict[str, int] = {}
        #: Routed copies and watermarks handed to this worker's own gate partitions directly.
        self.local = LocalPath(settings.local_path, self.by_contact, self._state_of)
        self.out = BatchedOutput(settings.producer_batch_bytes, self._max_request_size())
        self._counter_of: dict[str, str] = {}  # topic -> counter name (_counter)
        #: Partitions with records processed since the last commit.
        self._dirty: set[TopicPartition] = set()
        self._committed: dict[TopicPartition, int] = {}  # offsets our transactions committed
        #: The member the partitions were assigned to (KIP-447: every commit carries it).
        self._member: GroupMetadata | None = None
        # The next offset to process of each partition we own (None: whatever comes first).
        self._expected: dict[TopicPartition, int | None] = {}
        self._last_commit = time.monotonic()
        self._cadence = Cadence(
            settings.commit_interval_ms,
            settings.commit_interval_behind_ms,
            settings.fetch_max_records,
        )
        self._commit_checked = False  # a commit (or the check that none is due) happened
        #: A commit is under way and the loop goes on processing (:meth:`_overlap`).
        self._overlapping = False
        #: An abort whose rewind to the last commit has not succeeded yet (:meth:`_rewind_again`).
        self._rewind_owed = False
        self._fenced_at = -TWIN_WINDOW_S  # when the producer was last found fenced
        self._stopping = asyncio.Event()
        self._failed = False  # a fatal error: nothing more is committed
        self._fetch_wait_ms = min(100, settings.commit_interval_ms)
        self.started = asyncio.Event()
        self._log_filter = KafkaLogFilter(self.outage)
        self.crash = CrashPoints()
        #: Who owns which by-contact partition (the HTTP API forwards lookups with it).
        self.directory = DirectoryAssignor(self.by_contact, settings.worker_id, settings.api_url)
        self.observer = Observer()  # the HTTP API's metrics replace it

    # --- what the HTTP API and the progress line read ------------------------------------------
    @property
    def grace_ms(self) -> int:
        """The grace the watermarks allow now (CONSENT_GATE_ORDER_GRACE_MS, or wider)."""
        return self.marks.grace_ms

    @property
    def progress(self) -> dict[TopicPartition, Any]:
        """The input partitions this worker routes, and how far."""
        return self.marks.progress

    @property
    def failed(self) -> bool:
        """A fatal error: the worker commits nothing more and is stopping."""
        return self._failed

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    # The HTTP API's view of the engine's health (streams.api.health.EngineHealth).
    def kafka_unreachable_ms(self) -> int | None:
        """None while the worker reaches Kafka; else for how long (ms) it has not: since its
        clients' first failure (:class:`Outage`), or since a commit began that Kafka has not
        acknowledged for ``STUCK_COMMIT_S`` (a frozen broker times requests out only later)."""
        down = self.outage.down_for_s()
        stuck = self.checkpoint.committing_for_s() if self.checkpoint is not None else 0.0
        if stuck >= STUCK_COMMIT_S:
            down = max(down or 0.0, stuck)
        return None if down is None else int(down * 1000)

    def last_commit_age_ms(self) -> int | None:
        """How old the committed table may be: ms since Kafka last acknowledged a commit, or
        since the worker last found nothing to commit while Kafka answered; None before the
        first."""
        if not self._commit_checked:
            return None
        last = self._last_commit
        if self.outage.since is not None:
            last = min(last, self.outage.since)
        return int((time.monotonic() - last) * 1000)

    def consumer_lag(self) -> dict[TopicPartition, int | None]:
        """Records not yet taken, per assigned partition (committed records only: up to the
        last stable offset); None until a fetch has told the partition's end."""
        if self.consumer is None:
            return {}
        lags: dict[TopicPartition, int | None] = {}
        for tp in sorted(self.consumer.assignment()):
            lags[tp] = self._lag_of(tp)
        return lags

    def _lag_of(self, tp: TopicPartition) -> int | None:
        state = self._state_of(tp)
        end = internals.fetched_end(state)
        if state is None or end is None or not state.has_valid_position:
            return None
        position: int = state.position
        return max(0, end - position)

    def _waiting(self) -> int:
        """Records not yet taken, over every assigned partition, as far as fetches told."""
        assert self.consumer is not None
        return sum(self._lag_of(tp) or 0 for tp in self.consumer.assignment())

    def _state_of(self, tp: TopicPartition) -> Any:
        return None if self.consumer is None else internals.partition_state(self.consumer, tp)

    # --- lifecycle ---------------------------------------------------------------------------
    def _client(self) -> dict[str, Any]:
        return {"bootstrap_servers": self.s.bootstrap_servers, **client_options(self.s)}

    def _max_request_size(self) -> int:
        return max(self.s.max_message_bytes, 1_048_576)

    def _new_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            **self._client(),
            client_id=f"{self.s.transactional_id}-producer",
            transactional_id=self.s.transactional_id,
            transaction_timeout_ms=self.s.transaction_timeout_ms,
            max_batch_size=self.s.producer_batch_bytes,
            max_request_size=self._max_request_size(),
            acks="all",
        )

    def _reader(self, name: str, isolation: str) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            **self._client(),
            client_id=f"{self.s.transactional_id}-{name}",
            group_id=None,
            isolation_level=isolation,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=50,
            value_deserializer=internals.as_is,  # records come as SourceRecord
        )

    async def _producer_ready(self, producer: AIOKafkaProducer) -> None:
        await self.out.know([*self.s.output_topics, *self.s.internal_topics])
        internals.check_broker(producer)

    async def start(self) -> None:
        try:
            internals.install()
        except internals.IncompatibleClient as exc:
            self._failed = True
            raise FatalError(str(exc)) from None
        for handler in logging.getLogger().handlers:  # records of every aiokafka logger
            handler.addFilter(self._log_filter)
        self.store = StateStore(self.s.data_dir / self.s.app_id / "state")
        self.checkpoint = Checkpoint(
            self._new_producer,
            self.out,
            self.store,
            self.s.changelog_topic,
            self.outage,
            self.crash,
            ready=self._producer_ready,
        )
        try:
            await self.checkpoint.start()
        except internals.IncompatibleClient as exc:
            self._failed = True
            raise FatalError(str(exc)) from None
        self.changelog = ChangelogReader(
            self._reader, self.store, self.s.changelog_topic, self.s.transaction_timeout_ms,
            self.crash,
        )  # fmt: skip
        await self.changelog.start()
        self.consumer = AIOKafkaConsumer(
            **self._client(),
            client_id=f"{self.s.transactional_id}-consumer",
            group_id=self.s.app_id,
            isolation_level="read_committed",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=int(self.s.session_timeout_s * 1000),
            heartbeat_interval_ms=int(min(3.0, self.s.session_timeout_s / 3) * 1000),
            fetch_max_wait_ms=self._fetch_wait_ms,
            max_poll_records=self.s.fetch_max_records,
            partition_assignment_strategy=assignors(self.directory),
            value_deserializer=internals.as_is,  # records come as SourceRecord
        )
        await self.consumer.start()
        self.consumer.subscribe([*self.inputs, self.by_contact], listener=_Listener(self))
        log_event(
            logger,
            "engine.started",
            transactional_id=self.s.transactional_id,
            commit_interval_ms=self.s.commit_interval_ms,
            commit_interval_behind_ms=self.s.commit_interval_behind_ms,
            order_grace_ms=self.s.order_grace_ms,
            order_grace_min_ms=self.s.order_grace_min_ms,
            local_path=self.s.local_path,
        )

    def stop_soon(self) -> None:
        self._stopping.set()

    async def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """Commit what was processed, leave the group, close everything; Kafka gets
        ``timeout_s`` for it (it may be down), then the clients are left as a crash would leave
        them: nothing more is committed, and the next start goes on from the last commit."""
        self._stopping.set()
        try:
            await asyncio.wait_for(self._stop_clients(), timeout_s)
        except TimeoutError:
            log_event(
                logger,
                "engine.stop_timeout",
                logging.WARNING,
                waited_s=timeout_s,
                action="stopped without the final commit; the next start goes on from the last",
            )
        if self.store is not None:
            self.store.close()
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self._log_filter)
        log_event(logger, "engine.stopped", **dict(sorted(self.counters.items())))

    async def _stop_clients(self) -> None:
        async with self.lock:
            committable = not self._failed and not self._rewind_owed
            if self.checkpoint is not None and self.consumer is not None and committable:
                try:
                    await self._commit(final=True)
                except KafkaError as exc:
                    log_event(logger, "engine.final_commit_failed", logging.WARNING, error=exc)
        if self.consumer is not None:
            # Leaving the group revokes our partitions; there is nothing left to commit.
            self.parts.clear()
            self.marks.progress.clear()
            await internals.stop_consumer(self.consumer)
        if self.changelog is not None:
            await self.changelog.stop()
        if self.checkpoint is not None:
            await self.checkpoint.stop()

    # --- the loop ----------------------------------------------------------------------------
    async def run(self) -> None:
        assert self.consumer is not None
        self.started.set()
        poll_ms = max(10, self.s.commit_interval_ms // 2)
        cadence = self._cadence
        while not self._stopping.is_set():
            # Wait for records at most until the next commit is due, so a commit is not late
            # by up to a whole poll (what it carries waits for it).
            due_ms = cadence.due_in_s(time.monotonic()) * 1000
            batch = await self.consumer.getmany(
                timeout_ms=int(min(poll_ms, max(1, due_ms))), max_records=self.s.fetch_max_records
            )
            self._took(batch)
            async with self.lock:
                if self._rewind_owed:  # the batch was fetched from before the rewind
                    await self._rewind_again()
                    continue
                try:
                    await self._process(batch)
                    if cadence.due_in_s(time.monotonic()) <= 0:
                        finish = await self._seal()
                        if finish is not None:
                            await self._overlap(finish, poll_ms)
                except ProducerFenced as exc:
                    await self._producer_fenced(exc)
                except _HOPELESS as exc:
                    self._failed = True
                    await self._recover(exc)
                    raise FatalError(
                        f"Kafka refused what the worker produced ({type(exc).__name__}: {exc}); "
                        "nothing past it was committed: fix the cause (topic permissions, the "
                        "broker's message.max.bytes) and start the worker again."
                    ) from None
                except (KafkaError, OSError, TimeoutError) as exc:
                    await self._recover(exc)
                except asyncio.CancelledError:  # a stop that waited too long: as a crash
                    self._failed = True  # nothing more is committed (the final commit neither)
                    raise
                except Exception as exc:  # a bug: commit nothing of this batch, stop loudly
                    self._failed = True
                    with contextlib.suppress(Exception):
                        await self._recover(exc)
                    raise FatalError(
                        f"The worker failed ({type(exc).__name__}: {exc}); nothing of the batch "
                        "was committed and it will be processed again at the next start."
                    ) from exc

    def _took(self, batch: dict[TopicPartition, list[Any]]) -> None:
        """A fetch returned ``batch``: the cadence counts it, and records mean Kafka answers."""
        self._cadence.fetched(sum(map(len, batch.values())), self._waiting)
        if batch:
            self.outage.up()

    async def _producer_fenced(self, exc: ProducerFenced) -> None:
        """The producer's epoch is gone. After a transaction open longer than the transaction
        timeout (the process was frozen), the coordinator aborted it: start a new producer and
        go back to the last commit; likewise the first time in a while. Fenced again soon after:
        another process uses this transactional id."""
        assert self.checkpoint is not None
        now = time.monotonic()
        timed_out = self.checkpoint.open_for_s() * 1000 >= self.s.transaction_timeout_ms
        # Once in a while (a transaction the coordinator timed out, or aborted while this process
        # stood still) is recovered from; a twin worker fences this one again within seconds.
        if timed_out or now - self._fenced_at >= TWIN_WINDOW_S:
            self._fenced_at = now
            log_event(
                logger,
                "engine.producer_fenced",
                logging.WARNING,
                open_s=round(self.checkpoint.open_for_s(), 1),
                action="a new producer; going back to the last commit",
            )
            await self._recover(exc)
            return
        self._failed = True
        raise FatalError(
            f"Another worker uses CONSENT_GATE_WORKER_ID={self.s.worker_id} "
            f"(transactional id {self.s.transactional_id}): give each worker its own."
        ) from None

    async def _begin(self) -> None:
        """Open a transaction for what is about to be produced (not while a commit is under
        way: what is produced meanwhile waits for the next, :meth:`_overlap`)."""
        assert self.checkpoint is not None
        if not self.checkpoint.in_txn and not self._overlapping:
            await self.checkpoint.begin()

    async def _send_full(self) -> None:
        if self.out.has_full and not self._overlapping:
            await self.out.send_full()

    async def _overlap(self, finish: Coroutine[Any, Any, None], poll_ms: int) -> None:
        """Await the commit ``finish`` (:meth:`_seal`), and while Kafka works on it, fetch and
        process what comes: its outputs wait in the output's new batches, its table writes in
        the partitions' pending writes, and all of it goes into the next transaction, begun
        when this one has ended (a commit that fails is recovered from as before: positions,
        table and held records go back to the last commit, undoing this work too)."""
        assert self.consumer is not None
        commit = asyncio.ensure_future(finish)
        self._overlapping = True
        error: Exception | None = None
        fetch: asyncio.Future[dict[TopicPartition, list[Any]]] | None = None
        try:
            while not commit.done() and not self._stopping.is_set():
                fetch = asyncio.ensure_future(
                    self.consumer.getmany(timeout_ms=poll_ms, max_records=self.s.fetch_max_records)
                )
                await asyncio.wait({commit, fetch}, return_when=asyncio.FIRST_COMPLETED)
                if not fetch.done():  # nothing was taken from the fetcher: nothing is lost
                    fetch.cancel()
                    await asyncio.wait({fetch})  # (a cancel of the loop itself goes through)
                    break
                batch = fetch.result()
                self._took(batch)
                await self._process(batch)
        except Exception as exc:  # raised once the commit has ended
            error = exc
        except BaseException:  # cancelled (a stop that waited too long): the commit with it
            self._failed = True  # half sent: nothing more may be committed (no final commit)
            commit.cancel()
            if fetch is not None:
                fetch.cancel()
            raise
        finally:
            self._overlapping = False
        await commit  # its error first: what was processed since goes back too
        if error is not None:
            raise error
        if not self.out.empty:
            await self._begin()
            await self._send_full()

    async def _process(self, batch: dict[TopicPartition, list[Any]]) -> None:
        now_ms = _now_ms()
        if batch and self._expected:
            await self._begin()
        emit = self._emit
        marks = self.marks
        for tp, msgs in batch.items():
            msgs = self._unseen(tp, msgs)
            if not msgs:
                continue
            self.observer.consumed(tp.topic, len(msgs))
            if tp.topic == self.by_contact:
                part = self.parts.get(tp.partition)
                if part is None:
                    continue  # revoked meanwhile: its new owner reads it from the last commit
                receive = part.receive
                for src in msgs:
                    for out in receive(src, now_ms):
                        emit(out, src)
            else:
                progress = marks.routed(tp, msgs, now_ms)
                if progress is None:
                    continue
                route = self.router.route
                by_contact = self.by_contact
                local = self.parts if self.local.enabled else {}
                for src in msgs:
                    ts = src.timestamp_ms
                    if ts is not None and not progress.seen(ts):
                        marks.late(tp, ts, progress)
                    if self.router.skips(src):  # a tombstone: nothing to decide
                        self.counters["tombstones"] += 1
                        continue
                    out = route(src)
                    if out.topic == by_contact and out.partition in local:
                        local[out.partition].hold_local(out, now_ms)  # the local path
                        self.counters["routed"] += 1
                        continue
                    emit(out, src)
            self._expected[tp] = msgs[-1].offset + 1
            self._dirty.add(tp)
            await self._send_full()
        if self.local.enabled and marks.progress:
            self.local.give(self.parts, lambda: marks.current(now_ms))
        for part in self.parts.values():
            if len(part.queue):
                released = part.release(now_ms)
                if released:
                    await self._begin()
                for src, outputs in released:
                    self.observer.decided(src, now_ms)
                    for out in outputs:
                        emit(out, src)
        await self._send_full()

    def _unseen(self, tp: TopicPartition, msgs: list[Any]) -> list[Any]:
        """The records of a batch to process: none of a partition we no longer own, none before
        the next expected offset (a batch fetched before a rebalance or a rewind reset the
        position: those records come again, or were processed already)."""
        if tp not in self._expected:
            return []
        expected = self._expected[tp]
        if expected is None or not msgs or msgs[0].offset >= expected:
            return msgs
        return [m for m in msgs if m.offset >= expected]

    def _emit(self, out: Output, src: SourceRecord | None, counter: str | None = None) -> None:
        """Produce ``out`` (what ``src`` gave) in the open transaction (begun by the caller).
        Should it be too large for the producer, ``src`` is dead-lettered instead (a dead letter
        always fits)."""
        try:
            self.out.add(
                out.topic, out.partition, out.key, out.value, out.headers, out.timestamp_ms
            )
        except TooLarge as exc:
            if src is None or out.topic == self.s.deadletter_topic:
                raise MessageSizeTooLargeError(str(exc)) from None
            self._emit(self._too_large(src, out, exc), None)
            return
        if counter is None:
            counter = self._counter_of.get(out.topic) or self._counter(out.topic)
        self.counters[counter] += 1
        self.observer.produced(out)

    def _too_large(self, src: SourceRecord, out: Output, exc: Exception) -> Output:
        reason = f"what it gave is too large to produce to {out.topic}: {exc}"
        args: dict[str, Any] = {
            "src": src,
            "code": "TOO_LARGE",
            "reason": reason,
            "now_ms": _now_ms(),
            "max_bytes": self.s.max_message_bytes,
        }
        topic = self.s.deadletter_topic
        if src.topic == self.by_contact:  # the gate's: name the input the router read
            return gate_dead_letter(self.contract, topic, **args)
        return dead_letter(self.contract, topic, stage="router", **args)

    def _counter(self, topic: str) -> str:
        name = self._counter_name(topic)
        self._counter_of[topic] = name
        return name

    def _counter_name(self, topic: str) -> str:
        if topic == self.by_contact:
            return "routed"
        if topic in self.kind_of_topic:
            return f"forwarded.{self.kind_of_topic[topic]}"
        if topic == self.s.suppressed_topic:
            return "suppressed"
        if topic == self.s.events_topic:
            return "consent_events"
        if topic == self.s.deadletter_topic:
            return "dead_letters"
        if topic == self.s.stats_topic:
            return "stats"
        return "internal"

    # --- commit ------------------------------------------------------------------------------
    async def _publish_watermarks(self, now_ms: int) -> None:
        marks = self.marks.due(now_ms)
        if not marks:
            return
        value = self.contract.encode(
            RecordName.WATERMARK,
            {"worker": self.s.worker_id, "published_at_ms": now_ms, "marks": marks},
        )
        headers = [(KIND_HEADER, WATERMARK_KIND)]
        await self._begin()
        for p in range(self.s.partitions):
            out = Output(self.by_contact, None, value, headers, partition=p)
            self._emit(out, None, "watermarks")

    async def _offsets(self) -> dict[TopicPartition, int]:
        """The next offset of every partition this worker owns: every transaction commits them
        all, so the group coordinator checks the membership of every transaction (a
        transaction without offsets would not be fenced)."""
        assert self.consumer is not None
        offsets = {tp: off for tp, off in self._expected.items() if off is not None}
        if not offsets and self._expected:  # nothing read nor committed yet: ask where it is
            tp = next(iter(self._expected))
            with contextlib.suppress(AssertionError, KafkaError):
                offsets[tp] = self._expected[tp] = await self.consumer.position(tp)
        return offsets

    async def _commit(self, *, final: bool = False, handover: bool = False) -> None:
        """Commit the open transaction (steps in ``Checkpoint.commit``). ``final``: the last one
        of a stop; ``handover`` (and ``final``): the partitions may go to another worker, of any
        version, so what they hold goes into the changelog as records, not offsets."""
        finish = await self._seal(final=final, handover=handover)
        if finish is not None:
            await finish

    async def _seal(
        self, *, final: bool = False, handover: bool = False
    ) -> Coroutine[Any, Any, None] | None:
        """Put the watermarks, statistics and table writes into the open transaction and take
        it for the commit (``Checkpoint.seal``); the rest of the commit is the coroutine
        returned, to be awaited at once (None: nothing was to be committed)."""
        assert self.checkpoint is not None and self.consumer is not None
        checkpoint = self.checkpoint
        now_ms = _now_ms()
        self._cadence.committing(time.monotonic())
        if 0 in self.input_partitions.values():
            self._refresh_input_partitions()
        if not final or self.marks.progress:
            await self._publish_watermarks(now_ms)
        if self.local.enabled and self.local.unknown():
            await self._learn_ends()
        for p, part in self.parts.items():
            stats = part.stats_outputs(now_ms)  # statistics deltas and rows
            if stats:
                await self._begin()
            for out in stats:
                kind = "stats" if out.topic == self.s.stats_topic else "stats_deltas"
                self._emit(out, None, kind)
            part.save(
                now_ms,
                marks_every_ms=0 if final else 1000,
                as_records=final or handover or not self.directory.held_offsets,
            )
            await checkpoint.stage(p, part.state.take_pending())
        if not checkpoint.in_txn and not self._dirty:
            self._commit_ended()
            return None
        offsets = await self._offsets()
        member = self._member or GroupMetadata(self.s.app_id, -1, "")
        consumer = self.consumer
        finish = await checkpoint.seal(
            offsets, member, lambda: not internals.fenced(consumer, member)
        )
        self._dirty.clear()  # what is processed from now on is the next transaction's
        return self._committed_after(finish, offsets)

    async def _committed_after(
        self, finish: Coroutine[Any, Any, bool] | None, offsets: dict[TopicPartition, int]
    ) -> None:
        if finish is not None:
            await finish
        self._committed.update(offsets)
        self._commit_ended()

    def _commit_ended(self) -> None:
        """Kafka acknowledged the commit, or there was nothing to commit while it answered."""
        self._last_commit = time.monotonic()
        self._cadence.committed(self._last_commit)
        self._commit_checked = True

    async def _learn_ends(self) -> None:
        """The ends of the by-contact partitions just assigned, for the local path (on a Kafka
        error: asked again at the next commit; the partition waits for the topic's watermarks
        meanwhile)."""
        assert self.changelog is not None
        tps = [TopicPartition(self.by_contact, p) for p in self.local.unknown()]
        with contextlib.suppress(KafkaError, OSError, TimeoutError):
            ends = await asyncio.wait_for(self.changelog.high_watermarks(tps), 10)
            self.local.learned({tp.partition: end for tp, end in ends.items()})

    async def _recover(self, exc: BaseException) -> None:
        """Abort, and go back to the last commit: positions, table, held records."""
        assert self.checkpoint is not None and self.consumer is not None
        if isinstance(exc, internals.MemberFenced):
            log_event(logger, "engine.fenced", logging.WARNING, reason=str(exc),
                      action="aborted; rejoining the group")  # fmt: skip
        else:
            self.outage.down(exc)
            log_event(logger, "engine.rewind", logging.DEBUG, error=repr(exc))
        await self.checkpoint.abort()
        self._dirty.clear()
        if isinstance(exc, internals.MemberFenced):
            self._lost()
            return
        self._rewind_owed = True
        await asyncio.sleep(1.0)
        await self._rewind_again(pause=False)

    async def _rewind_again(self, *, pause: bool = True) -> None:
        """Go back to the last commit (:meth:`_rewind`). Until that has succeeded, the worker
        processes and commits nothing: its positions, and its partitions' table and held
        records, may still be past what the aborted transaction undid."""
        owned = [*self.marks.progress, *(TopicPartition(self.by_contact, p) for p in self.parts)]
        try:
            await self._rewind(owned)
            self._rewind_owed = False
        except (KafkaError, OSError, TimeoutError) as again:
            self.outage.down(again)
            if pause:
                await asyncio.sleep(1.0)

    async def _rewind(self, owned: list[TopicPartition]) -> None:
        assert self.consumer is not None
        offsets = await internals.committed_offsets(self.consumer, owned)
        for tp in owned:
            committed = offsets[tp]
            if committed is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, committed)
            self._expected[tp] = committed
        self.marks.reset()
        self.local.rewound()
        await self._open_partitions(list(self.parts))

    def _lost(self) -> None:
        """The partitions are no longer this worker's (Kafka's ``onPartitionsLost``): forget
        them without committing; the consumer rejoins and gets partitions afresh."""
        self.parts.clear()
        self.local.forget()
        self.marks.progress.clear()
        self._expected.clear()
        self._committed.clear()
        self._member = None
        if self.consumer is not None:
            internals.request_rejoin(self.consumer)

    # --- rebalances --------------------------------------------------------------------------
    async def on_revoked(self, revoked: list[TopicPartition]) -> None:
        async with self.lock:
            try:
                if not self._rewind_owed:  # else: nothing of this worker's is to be committed
                    await self._commit(handover=True)
            except ProducerFenced as exc:
                await self._producer_fenced(exc)
            except (KafkaError, OSError, TimeoutError) as exc:
                # Not committed: the partitions' next owner starts from the last commit.
                await self._recover(exc)
            await self._offsets_visible(revoked)
            for tp in revoked:
                self.marks.drop(tp)
                self._dirty.discard(tp)
                self._committed.pop(tp, None)
                self._expected.pop(tp, None)
                if tp.topic == self.by_contact:
                    self.parts.pop(tp.partition, None)
            self.local.forget()
            self._member = None
            if revoked:
                log_event(logger, "partitions.revoked", count=len(revoked))

    async def _offsets_visible(self, partitions: list[TopicPartition], wait_s: float = 2.0) -> None:
        """Wait (briefly) until the group coordinator shows the offsets our last transaction
        committed: it applies them when the commit markers are written, just after the commit
        returns. (The next owner's stable offset fetch waits for them too.)"""
        assert self.consumer is not None
        deadline = time.monotonic() + wait_s
        for tp in partitions:
            want = self._committed.get(tp)
            if want is None:
                continue
            with contextlib.suppress(KafkaError, OSError, TimeoutError):
                while (await self.consumer.committed(tp)) != want:
                    if time.monotonic() > deadline:
                        return
                    await asyncio.sleep(0.02)

    async def on_assigned(self, assigned: list[TopicPartition]) -> None:
        async with self.lock:
            assert self.consumer is not None
            # The member these partitions belong to: every commit until the next rebalance
            # carries it, and the broker refuses it once the group has moved on.
            self._member = internals.group_metadata(self.consumer)
            self._refresh_input_partitions()
            started = time.monotonic()
            for tp in assigned:
                if tp.topic != self.by_contact:
                    self.marks.own(tp)
            # Where the consumer starts: the group's committed offsets (None: the beginning),
            # once stable: a transaction still open that commits them (the previous owner's)
            # ends first. Then the table, which that transaction may write too.
            self._expected.update(await internals.committed_offsets(self.consumer, assigned))
            gate = [tp.partition for tp in assigned if tp.topic == self.by_contact]
            await self._open_partitions(gate)
            # The local path (streams.kafka.local_path): from now on this worker writes no
            # routed copy to these partitions; the ends they have now bound every copy written.
            self.local.assigned(gate)
            if self.local.enabled and gate:
                await self._learn_ends()
            log_event(
                logger,
                "partitions.assigned",
                inputs=sum(1 for tp in assigned if tp.topic != self.by_contact),
                gate=len(gate),
                held=sum(p.held() for p in self.parts.values()),
                restore_s=round(time.monotonic() - started, 2),
                generation=self._member.generation_id,
                # "records" while the group has a worker of a version before HeldOffsets
                held_as="offsets" if self.directory.held_offsets else "records",
            )

    def _refresh_input_partitions(self) -> None:
        assert self.consumer is not None
        for topic in self.inputs:
            # Unknown (0) holds everything until the topic's metadata is known.
            parts = self.consumer.partitions_for_topic(topic)
            self.input_partitions[topic] = len(parts) if parts else 0
        for part in self.parts.values():
            part.set_input_partitions(self.input_partitions)

    def _open_partition(self, partition: int, held: list[SourceRecord]) -> GatePartition:
        assert self.store is not None
        return GatePartition(
            partition,
            settings=self.s,
            contract=self.contract,
            policy=self.policy,
            store=self.store,
            input_partitions=self.input_partitions,
            counters=self.counters,
            now_ms=_now_ms(),
            held=held,
        )

    async def _open_partitions(self, partitions: list[int]) -> None:
        """Restore the tables of ``partitions``, read the records they held at their last
        commit again from the by-contact topic, and open them."""
        assert self.changelog is not None and self.store is not None
        await self.changelog.restore(partitions)
        held = await self.changelog.read_again(
            {
                TopicPartition(self.by_contact, p): held_offsets(self.store, p, self.contract)
                for p in partitions
            }
        )
        for p in partitions:
            self.parts[p] = self._open_partition(p, held[TopicPartition(self.by_contact, p)])
