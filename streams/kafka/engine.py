"""The worker's engine: route and gate, exactly once, in event-time order, over many workers.

One consumer (group ``app_id``, ``read_committed``) reads the four inputs and the by-contact
topic; one transactional producer (``transactional.id = <app_id>-<worker_id>``, as Kafka
Streams' exactly-once v2) writes everything the worker produces:

* the router's copies onto the by-contact topic, INBOX messages to their channel topics, dead
  letters; and, each commit, a watermark per input partition it consumes into every by-contact
  partition (``streams.core.ordering``);
* the gate's forwarded and suppressed messages, consent events, and the table's changelog (consent
  entries, what is still held, the watermarks);
* the input offsets (``send_offsets_to_transaction``).

All of it commits atomically every ``commit_interval_ms``, so a crash at any point leaves either
all of a batch's effects or none: no duplicate, no loss, and the table in RocksDB is written only
after its changelog records committed (``streams.state.store``). Readers of the outputs must use
``isolation.level=read_committed``.

Rebalances: before partitions are revoked, the open transaction is committed; a newly assigned
by-contact partition is restored from its changelog (from the offset the local RocksDB reached)
before anything of it is decided. On any Kafka error the transaction is aborted and the worker
rewinds to the last commit (positions and table), then tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, TopicPartition
from aiokafka.consumer.fetcher import Fetcher, PartitionRecords
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

from streams.core.ordering import ProducerLag, watermark
from streams.kafka.directory import DirectoryAssignor, assignors
from streams.kafka.observer import Observer
from streams.kafka.output import BatchedOutput, TooLarge
from streams.kafka.security import client_options
from streams.logs import log_event
from streams.models.contract import Contract, RecordName
from streams.processing.partition import GatePartition
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

#: How often an idle worker (nothing routed since its last watermarks) publishes watermarks.
IDLE_MARKS_MS = 1000


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


def _now_ms() -> int:
    return int(time.time() * 1000)


def _time_fetches() -> None:
    """Note on each partition's fetch state when the request that brought its latest high
    watermark was *sent* (``cg_heard_ms``): the broker had appended nothing then that the high
    watermark does not cover. A caught-up partition is only good up to that time, however long
    the response then waited to be read (aiokafka 0.14, pinned: ``Fetcher._proc_fetch_request``
    sets ``tp_state.timestamp`` for each partition of a response it takes)."""
    original = Fetcher._proc_fetch_request
    if getattr(original, "_cg_timed", False):
        return

    async def timed(self: Any, assignment: Any, node_id: int, request: Any) -> Any:
        sent_ms = _now_ms()
        tps = [TopicPartition(t, p) for t, parts in request.topics for p, *_ in parts]
        states = {tp: assignment.state_value(tp) for tp in tps}
        before = {tp: getattr(st, "timestamp", None) for tp, st in states.items()}
        ends = {tp: _end(st) for tp, st in states.items()}
        result = await original(self, assignment, node_id, request)
        for tp in tps:
            state = assignment.state_value(tp)
            if state is not None and state.timestamp != before[tp]:
                # What the previous fetch told (ProducerLag): when it was sent, and the end then.
                state.cg_prev_heard_ms = getattr(state, "cg_heard_ms", None)
                state.cg_prev_end = ends[tp]
                state.cg_heard_ms = sent_ms
        return result

    timed._cg_timed = True  # type: ignore[attr-defined]
    Fetcher._proc_fetch_request = timed


def _as_is(data: bytes | None) -> bytes | None:
    """The engine's consumers' value deserializer: never called (:func:`_source_records`), it
    marks their records to be built as :class:`SourceRecord`."""
    return data


def _source_records() -> None:
    """Build the records of the engine's consumers (those with :func:`_as_is` as their value
    deserializer) as :class:`SourceRecord` straight away: no ``ConsumerRecord`` (eleven fields,
    two sizes, a copy of the headers) to copy into one again, for every record read twice
    (input, then its routed copy). aiokafka 0.14, pinned: ``PartitionRecords._consumer_record``
    builds each record it yields; its headers are a fresh list per record."""
    original = PartitionRecords._consumer_record
    if getattr(original, "_cg_source", False):
        return

    def consumer_record(self: Any, tp: TopicPartition, record: Any) -> Any:
        if self._value_deserializer is not _as_is:
            return original(self, tp, record)
        return SourceRecord(
            tp.topic, tp.partition, record.offset, record.timestamp, record.key, record.value,
            record.headers,
        )  # fmt: skip

    consumer_record._cg_source = True  # type: ignore[attr-defined]
    PartitionRecords._consumer_record = consumer_record


def _end(state: Any) -> int | None:
    """The end of a partition as its last fetch told it (the last stable offset when known)."""
    if state is None:
        return None
    lso = getattr(state, "lso", None)
    end: int | None = lso if lso is not None and lso >= 0 else getattr(state, "highwater", None)
    return end


class CrashPoints:
    """Fault injection for the tests: ``CG_TEST_CRASH_AT=point:n`` ends the process (as
    ``kill -9`` would) the n-th time the engine reaches ``point``: ``produced`` (a transaction
    with table writes sent, not committed), ``committed`` (committed, RocksDB not yet written),
    ``restoring`` (in the middle of a restore). Not a setting: unset in production."""

    def __init__(self, spec: str | None = None) -> None:
        spec = os.environ.get("CG_TEST_CRASH_AT", "") if spec is None else spec
        self.point, _, n = spec.partition(":")
        self.left = int(n or 1)

    def reached(self, point: str) -> None:
        if point == self.point:
            self.left -= 1
            if self.left <= 0:
                logger.critical("test crash at %s", point)
                os._exit(137)


@dataclass(slots=True)
class InputProgress:
    """What the router has routed of one input partition."""

    max_timestamp_ms: int | None = None
    #: The last watermark published for it: a record at or below it came later than the clock
    #: assumption allows (CONSENT_GATE_ORDER_GRACE_MS), and may be decided out of order.
    published_ms: int | None = None

    def seen(self, timestamp_ms: int) -> bool:
        """Take a routed record's timestamp; False if it is late (at or below the published
        watermark)."""
        if self.max_timestamp_ms is None or timestamp_ms > self.max_timestamp_ms:
            self.max_timestamp_ms = timestamp_ms
        return self.published_ms is None or timestamp_ms > self.published_ms


class Outage:
    """One log line when Kafka goes away, one when it is back (with how long). A blip shorter
    than ``quiet_s`` (a coordinator moving, a fresh broker loading) is not an outage."""

    def __init__(self, quiet_s: float = 2.0) -> None:
        self.quiet_s = quiet_s
        self.since: float | None = None
        self.reported = False

    def down(self, error: BaseException | str) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
        if not self.reported and now - self.since >= self.quiet_s:
            self.reported = True
            text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
            log_event(
                logger,
                "kafka.unavailable",
                logging.WARNING,
                error=text,
                action="retrying; nothing is committed until it is back",
            )

    def up(self) -> None:
        if self.since is not None and self.reported:
            log_event(logger, "kafka.available", down_s=round(time.monotonic() - self.since, 1))
        self.since = None
        self.reported = False


#: aiokafka's messages while a broker is away (each client logs them again and again) and its
#: notes on produce retries: the worker says it once (:class:`Outage`) instead.
_TRANSIENT = (
    "Unable connect to",
    "Unable to update metadata",
    "Unable to request metadata",
    "Failed fetch messages",
    "Failed fetch offsets",
    "Group Coordinator Request failed",
    "FindCoordinator Request failed",
    "Heartbeat failed",
    "Heartbeat send request failed",
    "Heartbeat session expired",
    "Got error produce response",
    "OffsetCommit failed",
    "LeaveGroup request failed",
    "Cannot send",
    "Could not send",
    "Error sending",
    "Marking the coordinator dead",
)
_NOISE = ("Got error produce response", "Heartbeat failed")


class KafkaLogFilter(logging.Filter):
    """Turns aiokafka's repeated connection errors into one :class:`Outage` line."""

    def __init__(self, outage: Outage) -> None:
        super().__init__()
        self.outage = outage

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not record.name.startswith("aiokafka"):
            return True
        message = str(record.msg)
        if not message.startswith(_TRANSIENT):
            return True
        if not message.startswith(_NOISE):
            self.outage.down(record.getMessage())
        return False


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
        self.producer: AIOKafkaProducer | None = None
        self.restorer: AIOKafkaConsumer | None = None
        self.parts: dict[int, GatePartition] = {}
        self.progress: dict[TopicPartition, InputProgress] = {}
        self.input_partitions: dict[str, int] = {}
        self._offsets: dict[TopicPartition, int] = {}
        self.out = BatchedOutput(settings.producer_batch_bytes, self._max_request_size())
        self._counter_of: dict[str, str] = {}  # topic -> counter name (_counter)
        self._in_txn = False
        self._committed: dict[TopicPartition, int] = {}  # offsets our transactions committed
        self._last_routed_ms = 0
        self._late_logged = -60.0
        self.lag = ProducerLag()
        self._grace_ms = settings.order_grace_ms  # widened while producers lag (ProducerLag)
        self._marks_published_ms = 0
        # The next offset to process of each partition we own (None: whatever comes first).
        self._expected: dict[TopicPartition, int | None] = {}
        self._last_commit = time.monotonic()
        self._stopping = asyncio.Event()
        self._failed = False  # a fatal error: nothing more is committed
        self._fetch_wait_ms = min(100, settings.commit_interval_ms)
        self.started = asyncio.Event()
        self._log_filter = KafkaLogFilter(self.outage)
        self.crash = CrashPoints()
        #: Who owns which by-contact partition (the HTTP API forwards lookups with it).
        self.directory = DirectoryAssignor(self.by_contact, settings.worker_id, settings.api_url)
        self.observer = Observer()  # the HTTP API's metrics replace it

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

    async def start(self) -> None:
        _time_fetches()
        _source_records()
        for handler in logging.getLogger().handlers:  # records of every aiokafka logger
            handler.addFilter(self._log_filter)
        self.store = StateStore(self.s.data_dir / self.s.app_id / "state")
        self.producer = self._new_producer()
        await self._start_producer()
        self.restorer = AIOKafkaConsumer(
            **self._client(),
            client_id=f"{self.s.transactional_id}-restore",
            group_id=None,
            isolation_level="read_committed",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=50,
            value_deserializer=_as_is,  # records come as SourceRecord (_source_records)
        )
        await self.restorer.start()
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
            value_deserializer=_as_is,  # records come as SourceRecord (_source_records)
        )
        await self.consumer.start()
        self.consumer.subscribe([*self.inputs, self.by_contact], listener=_Listener(self))
        log_event(
            logger,
            "engine.started",
            transactional_id=self.s.transactional_id,
            commit_interval_ms=self.s.commit_interval_ms,
            order_grace_ms=self.s.order_grace_ms,
        )

    async def _start_producer(self) -> None:
        """Start the transactional producer; this fences (and aborts) the open transaction of
        this worker's previous run, if any."""
        assert self.producer is not None
        delay = 0.5
        while True:
            try:
                await self.producer.start()
                self.out.attach(self.producer)
                await self.out.know([*self.s.output_topics, *self.s.internal_topics])
                self.outage.up()
                return
            except KafkaError as exc:
                self.outage.down(exc)
                with contextlib.suppress(Exception):
                    await self.producer.stop()
                self.producer = self._new_producer()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def stop_soon(self) -> None:
        self._stopping.set()

    async def stop(self) -> None:
        """Commit what was processed, leave the group, close everything."""
        self._stopping.set()
        async with self.lock:
            if self.producer is not None and self.consumer is not None and not self._failed:
                try:
                    await self._commit(final=True)
                except KafkaError as exc:
                    log_event(logger, "engine.final_commit_failed", logging.WARNING, error=exc)
        if self.consumer is not None:
            # Leaving the group revokes our partitions; there is nothing left to commit.
            self.parts.clear()
            self.progress.clear()
            await self.consumer.stop()
        if self.restorer is not None:
            await self.restorer.stop()
        if self.producer is not None:
            with contextlib.suppress(Exception):
                await self.producer.stop()
        if self.store is not None:
            self.store.close()
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self._log_filter)
        log_event(logger, "engine.stopped", **dict(sorted(self.counters.items())))

    # --- the loop ----------------------------------------------------------------------------
    async def run(self) -> None:
        assert self.consumer is not None
        self.started.set()
        poll_ms = max(10, self.s.commit_interval_ms // 2)
        while not self._stopping.is_set():
            batch = await self.consumer.getmany(
                timeout_ms=poll_ms, max_records=self.s.fetch_max_records
            )
            if batch:
                self.outage.up()
            async with self.lock:
                try:
                    await self._process(batch)
                    if time.monotonic() - self._last_commit >= self.s.commit_interval_ms / 1000:
                        await self._commit()
                except ProducerFenced:
                    self._failed = True
                    raise FatalError(
                        f"Another worker uses CONSENT_GATE_WORKER_ID={self.s.worker_id} "
                        f"(transactional id {self.s.transactional_id}): give each worker its own."
                    ) from None
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
                except Exception as exc:  # a bug: commit nothing of this batch, stop loudly
                    self._failed = True
                    with contextlib.suppress(Exception):
                        await self._recover(exc)
                    raise FatalError(
                        f"The worker failed ({type(exc).__name__}: {exc}); nothing of the batch "
                        "was committed and it will be processed again at the next start."
                    ) from exc

    async def _process(self, batch: dict[TopicPartition, list[Any]]) -> None:
        now_ms = _now_ms()
        if batch:
            await self._begin()
        emit = self._emit
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
                progress = self.progress.get(tp)
                if progress is None:
                    continue
                self._last_routed_ms = now_ms
                route = self.router.route
                self._observe_lag(tp, msgs, now_ms)
                for src in msgs:
                    ts = src.timestamp_ms
                    if ts is not None and not progress.seen(ts):
                        self._late(tp, ts, progress)
                    if self.router.skips(src):  # a tombstone: nothing to decide
                        self.counters["tombstones"] += 1
                        continue
                    emit(route(src), src)
            self._offsets[tp] = self._expected[tp] = msgs[-1].offset + 1
            if self.out.has_full:
                await self.out.send_full()
        for part in self.parts.values():
            if len(part.queue):
                released = part.release(now_ms)
                if released:
                    await self._begin()
                for src, outputs in released:
                    self.observer.decided(src, now_ms)
                    for out in outputs:
                        emit(out, src)
        if self.out.has_full:
            await self.out.send_full()

    def _observe_lag(self, tp: TopicPartition, msgs: list[Any], now_ms: int) -> None:
        """Note how late these records (of the latest fetch) reached Kafka at least: after the
        previous fetch of ``tp`` was sent (:class:`ProducerLag`)."""
        assert self.consumer is not None
        subscription = self.consumer._subscription.subscription
        assignment = subscription.assignment if subscription is not None else None
        state = assignment.state_value(tp) if assignment is not None else None
        before: int | None = getattr(state, "cg_prev_heard_ms", None)
        end: int | None = getattr(state, "cg_prev_end", None)
        if before is None or end is None:
            return
        # Only records past the end the previous fetch saw were not in the partition when it was
        # sent (a backlog was there all along: reading it late says nothing of its producers).
        new = [m.timestamp_ms for m in msgs if m.offset >= end and m.timestamp_ms is not None]
        if new:
            self.lag.observe(before - min(new), now_ms)

    def _late(self, tp: TopicPartition, timestamp_ms: int, progress: InputProgress) -> None:
        """An input older than the watermark already published for its partition: the clock
        assumption failed for it (produced too long before it reached Kafka, or with a clock too
        far behind). Counted (``late_inputs``), and said in a warning at most once a minute."""
        self.counters["late_inputs"] += 1
        now = time.monotonic()
        if now - self._late_logged >= 60:
            self._late_logged = now
            log_event(
                logger,
                "input.late",
                logging.WARNING,
                topic=tp.topic,
                partition=tp.partition,
                behind_ms=(progress.published_ms or 0) - timestamp_ms,
                late_inputs=self.counters["late_inputs"],
                hint="raise CONSENT_GATE_ORDER_GRACE_MS above the producers' delay",
            )

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

    async def _begin(self) -> None:
        if not self._in_txn:
            assert self.producer is not None
            await self.producer.begin_transaction()
            self._in_txn = True

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
    def _caught_up(self, tp: TopicPartition) -> int | None:
        """When the partition was last seen consumed to its end (the time the fetch that told
        its end was sent), or None if it is not at its end."""
        assert self.consumer is not None
        # aiokafka keeps, per partition, the position of the next record getmany returns, and
        # what the last fetch said of its end (pinned version).
        subscription = self.consumer._subscription.subscription
        assignment = subscription.assignment if subscription is not None else None
        state = assignment.state_value(tp) if assignment is not None else None
        if state is None or not state.has_valid_position:
            return None
        end = state.lso if state.lso is not None and state.lso >= 0 else state.highwater
        heard: int | None = getattr(state, "cg_heard_ms", None)
        if end is None or heard is None or state.position < end:
            return None
        return heard

    def _set_grace(self, now_ms: int) -> None:
        """Widen the grace while producers lag behind their timestamps, narrow it again after;
        one log line each way."""
        configured = self.s.order_grace_ms
        grace = self.lag.grace(configured, now_ms, cap_ms=self.s.max_hold_ms // 2)
        widened = grace > configured
        if widened and self._grace_ms == configured:
            log_event(
                logger,
                "order.grace_widened",
                logging.WARNING,
                grace_ms=grace,
                configured_ms=configured,
                reason="inputs reach Kafka later than their timestamps allow; decisions wait "
                "for them",
            )
        elif not widened and self._grace_ms > configured:
            log_event(logger, "order.grace_restored", grace_ms=configured)
        self._grace_ms = grace

    @property
    def grace_ms(self) -> int:
        """The grace the watermarks allow now (CONSENT_GATE_ORDER_GRACE_MS, or wider)."""
        return self._grace_ms

    async def _publish_watermarks(self, now_ms: int) -> None:
        # Each commit while routing, and for a while after (what it routed waits for watermarks
        # past its timestamp, the grace later); when idle, once a second: what waits for an idle
        # worker's watermarks waits that much longer, but an idle gate keeps quiet.
        busy = now_ms - self._last_routed_ms <= self.s.order_grace_ms + IDLE_MARKS_MS
        if not busy and now_ms - self._marks_published_ms < IDLE_MARKS_MS:
            return
        self._marks_published_ms = now_ms
        self._set_grace(now_ms)
        marks = []
        for tp, progress in self.progress.items():
            heard = self._caught_up(tp)
            wm = watermark(
                progress.max_timestamp_ms,
                heard is not None,
                heard if heard is not None else now_ms,
                self._grace_ms,
            )
            if wm is not None:
                progress.published_ms = wm
                marks.append({"topic": tp.topic, "partition": tp.partition, "timestamp_ms": wm})
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

    async def _commit(self, *, final: bool = False) -> None:
        assert self.producer is not None and self.store is not None
        now_ms = _now_ms()
        if 0 in self.input_partitions.values():
            self._refresh_input_partitions()
        if not final or self.progress:
            await self._publish_watermarks(now_ms)
        changelog = self.s.changelog_topic
        writes: dict[int, dict[bytes, bytes | None]] = {}
        add = self.out.add
        for p, part in self.parts.items():
            stats = part.stats_outputs(now_ms)  # statistics deltas and rows
            if stats:
                await self._begin()
            for out in stats:
                kind = "stats" if out.topic == self.s.stats_topic else "stats_deltas"
                self._emit(out, None, kind)
            part.save(now_ms, marks_every_ms=0 if final else 1000)
            pending = part.state.take_pending()
            if pending:
                writes[p] = pending
                await self._begin()
                for key, value in pending.items():
                    add(changelog, p, key, value, (), None)
        if not self._in_txn and not self._offsets:
            self._last_commit = time.monotonic()
            return
        await self._begin()
        if self._offsets:  # the offsets go to the coordinators while the records are acked
            _, ends = await asyncio.gather(
                self.producer.send_offsets_to_transaction(dict(self._offsets), self.s.app_id),
                self.out.flush(),
            )
            self._committed.update(self._offsets)
        else:
            ends = await self.out.flush()
        next_offsets = {p: ends[(changelog, p)] for p in writes}
        if writes:  # the crash tests aim at transactions that change the table
            self.crash.reached("produced")
        await self.producer.commit_transaction()
        if writes:
            self.crash.reached("committed")
        self._in_txn = False
        for p, pending in writes.items():
            self.store.apply(p, pending, next_offsets[p])
        self._offsets.clear()
        self._last_commit = time.monotonic()
        self.outage.up()

    async def _recover(self, exc: BaseException) -> None:
        """Abort, and go back to the last commit: positions, table, held records."""
        self.outage.down(exc)
        log_event(logger, "engine.rewind", logging.DEBUG, error=repr(exc))
        assert self.producer is not None and self.consumer is not None
        aborted = False
        if self._in_txn:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.producer.abort_transaction(), 10)
                aborted = True
        if self._in_txn and not aborted:
            with contextlib.suppress(Exception):
                await self.producer.stop()
            self.producer = self._new_producer()
            await self._start_producer()
        self._in_txn = False
        self.out.discard()  # their errors are this one; don't log them again
        self._offsets.clear()
        await asyncio.sleep(1.0)
        owned = [*self.progress, *(TopicPartition(self.by_contact, p) for p in self.parts)]
        try:
            await self._rewind(owned)
        except (KafkaError, OSError, TimeoutError) as again:
            self.outage.down(again)

    async def _rewind(self, owned: list[TopicPartition]) -> None:
        assert self.consumer is not None
        for tp in owned:
            committed = await self.consumer.committed(tp)
            if committed is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, committed)
            self._expected[tp] = committed
        for tp in list(self.progress):
            self.progress[tp] = InputProgress()
        await self._open_partitions(list(self.parts))

    # --- rebalances --------------------------------------------------------------------------
    async def on_revoked(self, revoked: list[TopicPartition]) -> None:
        async with self.lock:
            try:
                await self._commit()
            except ProducerFenced:
                raise
            except (KafkaError, OSError, TimeoutError) as exc:
                # Not committed: the partitions' next owner starts from the last commit.
                await self._recover(exc)
            await self._offsets_visible(revoked)
            for tp in revoked:
                self.progress.pop(tp, None)
                self._offsets.pop(tp, None)
                self._committed.pop(tp, None)
                self._expected.pop(tp, None)
                if tp.topic == self.by_contact:
                    self.parts.pop(tp.partition, None)
            if revoked:
                log_event(logger, "partitions.revoked", count=len(revoked))

    async def _offsets_visible(self, partitions: list[TopicPartition], wait_s: float = 2.0) -> None:
        """Wait (briefly) until the group coordinator shows the offsets our last transaction
        committed: it applies them when the commit markers are written, just after the commit
        returns, and the partitions' next owner must not read the ones before."""
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
            self._refresh_input_partitions()
            started = time.monotonic()
            gate = [tp.partition for tp in assigned if tp.topic == self.by_contact]
            await self._open_partitions(gate)
            for tp in assigned:
                if tp.topic != self.by_contact:
                    self.progress[tp] = InputProgress()
                # Where the consumer starts: the group's committed offset (None: the beginning).
                self._expected[tp] = await self.consumer.committed(tp)
            log_event(
                logger,
                "partitions.assigned",
                inputs=sum(1 for tp in assigned if tp.topic != self.by_contact),
                gate=len(gate),
                held=sum(p.held() for p in self.parts.values()),
                restore_s=round(time.monotonic() - started, 2),
            )

    def _refresh_input_partitions(self) -> None:
        assert self.consumer is not None
        for topic in self.inputs:
            # Unknown (0) holds everything until the topic's metadata is known.
            parts = self.consumer.partitions_for_topic(topic)
            self.input_partitions[topic] = len(parts) if parts else 0
        for part in self.parts.values():
            part.set_input_partitions(self.input_partitions)

    def _open_partition(self, partition: int) -> GatePartition:
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
        )

    async def _open_partitions(self, partitions: list[int]) -> None:
        await self._restore(partitions)
        for p in partitions:
            self.parts[p] = self._open_partition(p)

    async def _restore(self, partitions: list[int]) -> None:
        """Bring the local table of ``partitions`` up to the end of their changelog."""
        assert self.restorer is not None and self.store is not None
        if not partitions:
            return
        store = self.store
        tps = {TopicPartition(self.s.changelog_topic, p): p for p in partitions}
        self.restorer.assign(list(tps))
        ends = await self.restorer.end_offsets(list(tps))
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
        while todo:
            batch = await self.restorer.getmany(*todo, timeout_ms=200, max_records=10_000)
            for tp, msgs in batch.items():
                if msgs:
                    store.apply(tps[tp], ((m.key, m.value) for m in msgs), msgs[-1].offset + 1)
                    count += len(msgs)
                    self.crash.reached("restoring")
            for tp in list(todo):
                if await self.restorer.position(tp) >= todo[tp]:
                    store.apply(tps[tp], (), todo.pop(tp))
        if count:
            log_event(logger, "state.restored", partitions=len(partitions), records=count)
