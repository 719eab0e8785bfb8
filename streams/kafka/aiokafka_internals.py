"""Every use of aiokafka's private internals, in one module, for the one version it was written
for (``aiokafka==0.14.0``, pinned exactly in pyproject.toml). :func:`check_version` fails at
start in one sentence when another version is installed; :func:`install` applies the patches
(once per process, idempotent). Nothing else in the package reads a private attribute of
aiokafka or patches it.

What is here, and why:

1. **Fencing (KIP-447).** aiokafka sends ``TxnOffsetCommit`` v0: the group id only, so the group
   coordinator cannot tell a member that lost its partitions (frozen past its session timeout,
   cut off from the coordinator) from their owner, and takes its offsets. Here the request is
   v3, with the consumer group's **generation and member id** as they were when the partitions
   were assigned (:class:`GroupMetadata`, passed where aiokafka takes the group id): the broker
   refuses it (``ILLEGAL_GENERATION``, ``UNKNOWN_MEMBER_ID``, ``FENCED_INSTANCE_ID``,
   ``REBALANCE_IN_PROGRESS``) once the group has moved on, the transaction turns abortable
   (:class:`MemberFenced`) and nothing of it becomes visible.
2. **Stable offset fetches (KIP-447).** The consumer fetches committed offsets with
   ``OffsetFetch`` v7 and ``require_stable``: while a transaction that commits offsets of a
   partition is still open (a frozen member's, committed before it froze), the broker answers
   ``UNSTABLE_OFFSET_COMMIT`` and the fetch is tried again, so a new owner never starts from
   offsets that such a transaction is about to move.
3. **Fetch timing** (``cg_heard_ms``): when the request that brought a partition's latest high
   watermark was sent; the watermarks (:mod:`streams.kafka.watermarks`) need it.
4. **Records built as** :class:`~streams.processing.records.SourceRecord` straight away, for
   the engine's consumers only (no ``ConsumerRecord`` to copy again, per record read).
5. **Private reads**: a partition's fetch state (position, high watermark, last stable offset),
   the consumer group's generation, the producer's partitioner and metadata, a fresh metadata
   fetch.
6. **A consumer's stop** (:func:`stop_consumer`) that a fetch retrying against a broker that is
   away does not turn into a cancel of the caller.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from typing import Any

import aiokafka
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka import errors as Errors
from aiokafka.consumer.fetcher import Fetcher, PartitionRecords
from aiokafka.consumer.group_coordinator import GroupCoordinator
from aiokafka.producer import sender as _sender
from aiokafka.producer.transaction_manager import TransactionState
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    Boolean,
    CompactArray,
    CompactString,
    Int16,
    Int32,
    Int64,
    Schema,
    TaggedFields,
)
from aiokafka.structs import OffsetAndMetadata

from streams.processing.records import SourceRecord

logger = logging.getLogger("consent_gate.engine")

#: The aiokafka version this module was written for and tested with.
WRITTEN_FOR = "0.14.0"


class IncompatibleClient(RuntimeError):
    """The installed aiokafka, or the broker, lacks what the engine relies on (one sentence)."""


def check_version(installed: str | None = None) -> None:
    """Fail, in one sentence, unless the aiokafka this module was written for is installed."""
    installed = aiokafka.__version__ if installed is None else installed
    if installed != WRITTEN_FOR:
        raise IncompatibleClient(
            f"consent-gate's engine was written for aiokafka {WRITTEN_FOR} (it relies on its "
            f"internals: streams/kafka/aiokafka_internals.py) but {installed} is installed: "
            f"install aiokafka=={WRITTEN_FOR}."
        )


def _now_ms() -> int:
    return int(time.time() * 1000)


# --- 1. Fencing: TxnOffsetCommit v3 with the group's generation and member id ----------------


class GroupMetadata(str):
    """A consumer group id that also carries the member's generation and member id (Java's
    ``ConsumerGroupMetadata``). It *is* the group id (a ``str``), so it travels through
    aiokafka's ``send_offsets_to_transaction(offsets, group_id)`` unchanged, and the patched
    handler sends it in ``TxnOffsetCommit`` v3."""

    generation_id: int
    member_id: str
    group_instance_id: str | None

    def __new__(
        cls,
        group_id: str,
        generation_id: int,
        member_id: str,
        group_instance_id: str | None = None,
    ) -> GroupMetadata:
        self = super().__new__(cls, group_id)
        self.generation_id = generation_id
        self.member_id = member_id
        self.group_instance_id = group_instance_id
        return self

    @property
    def group_id(self) -> str:
        return str.__str__(self)

    @property
    def valid(self) -> bool:
        """A real membership (aiokafka resets to generation -1 and member "" when the group
        forgot it; a v3 commit with those would skip the broker's check)."""
        return self.generation_id >= 0 and bool(self.member_id)


class MemberFenced(Errors.KafkaError):  # type: ignore[misc]
    """This worker is no longer the member its partitions were assigned to: the transaction is
    aborted, and the consumer rejoins the group."""

    retriable = True


#: What the group coordinator answers a member that lost its partitions.
FENCING_ERRORS = frozenset({22, 25, 27, 82})  # ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID,
# REBALANCE_IN_PROGRESS, FENCED_INSTANCE_ID


class TxnOffsetCommitResponse_v3(Response):  # type: ignore[misc]
    API_KEY = 28
    API_VERSION = 3
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "topics",
            CompactArray(
                ("name", CompactString("utf-8")),
                (
                    "partitions",
                    CompactArray(
                        ("partition_index", Int32), ("error_code", Int16), ("tags", TaggedFields)
                    ),
                ),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class TxnOffsetCommitRequest_v3(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = 28
    API_VERSION = 3
    RESPONSE_TYPE = TxnOffsetCommitResponse_v3
    SCHEMA = Schema(
        ("transactional_id", CompactString("utf-8")),
        ("group_id", CompactString("utf-8")),
        ("producer_id", Int64),
        ("producer_epoch", Int16),
        ("generation_id", Int32),
        ("member_id", CompactString("utf-8")),
        ("group_instance_id", CompactString("utf-8")),  # nullable
        (
            "topics",
            CompactArray(
                ("name", CompactString("utf-8")),
                (
                    "partitions",
                    CompactArray(
                        ("partition_index", Int32),
                        ("committed_offset", Int64),
                        ("committed_leader_epoch", Int32),
                        ("committed_metadata", CompactString("utf-8")),  # nullable
                        ("tags", TaggedFields),
                    ),
                ),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class FencedTxnOffsetCommit(Request[TxnOffsetCommitRequest_v3]):  # type: ignore[misc]
    """``TxnOffsetCommit`` in version 3 only: a broker without it (before Kafka 2.5) cannot
    fence, and the engine refuses to run on it (:func:`check_broker`)."""

    API_KEY = 28

    def __init__(
        self,
        transactional_id: str,
        group: GroupMetadata,
        producer_id: int,
        producer_epoch: int,
        offsets: dict[TopicPartition, OffsetAndMetadata],
    ) -> None:
        self.transactional_id = transactional_id
        self.group = group
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.offsets = offsets

    def build(self, request_struct_class: type[TxnOffsetCommitRequest_v3]) -> Any:
        by_topic: dict[str, list[tuple[int, int, int, str, dict[int, bytes]]]]
        by_topic = collections.defaultdict(list)
        for tp, om in sorted(self.offsets.items()):
            by_topic[tp.topic].append((tp.partition, om.offset, -1, om.metadata, {}))
        group = self.group
        return request_struct_class(
            self.transactional_id,
            group.group_id,
            self.producer_id,
            self.producer_epoch,
            group.generation_id,
            group.member_id,
            group.group_instance_id,
            [(topic, parts, {}) for topic, parts in by_topic.items()],
            {},
        )


class _V0Errors:
    """A v3 response in the shape aiokafka's handler reads (``errors``: topic, partitions of
    (partition, error code))."""

    def __init__(self, response: Any) -> None:
        self.errors = [
            (name, [(p, code) for p, code, _ in partitions])
            for name, partitions, _ in response.topics
        ]


class _FencingTxnOffsetCommitHandler(_sender.TxnOffsetCommitHandler):  # type: ignore[misc]
    """aiokafka's handler, with the v3 request when the group id is a :class:`GroupMetadata`,
    and the coordinator's word that the member is gone turned into an abortable error."""

    def create_request(self) -> Any:
        group = self._group_id
        if not isinstance(group, GroupMetadata):
            return super().create_request()
        txn = self._sender._txn_manager
        return FencedTxnOffsetCommit(
            txn.transactional_id, group, txn.producer_id, txn.producer_epoch, self._offsets
        )

    def handle_response(self, resp: Any) -> Any:
        if not isinstance(resp, TxnOffsetCommitResponse_v3):
            return super().handle_response(resp)
        for _name, partitions, _ in resp.topics:
            for _p, code, _ in partitions:
                if code in FENCING_ERRORS:
                    group = self._group_id
                    error = Errors.for_code(code).__name__
                    _abortable(
                        self._sender._txn_manager,
                        MemberFenced(
                            f"the group coordinator refused the offsets of generation "
                            f"{group.generation_id} (member {group.member_id}): {error}"
                        ),
                    )
                    return None
        return super().handle_response(_V0Errors(resp))


def _abortable(txn: Any, exc: Errors.KafkaError) -> None:
    """Make the open transaction abortable with ``exc`` (raised by the pending
    ``send_offsets_to_transaction`` and by a commit), like aiokafka's ``error_transaction`` but
    **keeping the partitions still to be added to the transaction**: aiokafka's sender mutes a
    partition until it is added, and ``error_transaction`` forgets them, so their batches would go
    out during the abort *outside* the transaction (no abort marker reaches them) and the
    producer's next transaction would commit them. Kept, they are added first and then aborted
    with the rest. (Seen in the fault run: a frozen worker's decisions, fenced, came out later.)"""
    txn._transition_to(TransactionState.ABORTABLE_ERROR)
    for _, _, fut in txn._pending_txn_offsets:
        fut.set_exception(exc)
    txn._pending_txn_offsets.clear()
    txn._transaction_waiter.set_exception(exc)
    # Said by send_offsets_to_transaction already: the transaction's own future (re-raised by a
    # commit) is not to be logged as never retrieved.
    txn._transaction_waiter.exception()


def fenced(consumer: AIOKafkaConsumer, group: GroupMetadata | None) -> bool:
    """Whether the consumer is no longer the member ``group`` names (it rejoined, or the
    coordinator forgot it): checked before a commit is sent, besides the broker's check."""
    if group is None or not group.valid:
        return True
    coordinator = consumer._coordinator
    return bool(
        coordinator is None
        or coordinator.generation != group.generation_id
        or coordinator.member_id != group.member_id
    )


async def committed_offsets(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
) -> dict[TopicPartition, int | None]:
    """The group's committed offsets of ``partitions`` in one request (stable: see 2. above);
    None where nothing is committed. (``consumer.committed`` asks for one partition at a time.)"""
    found = await consumer._coordinator.fetch_committed_offsets(list(partitions))
    return {tp: (found[tp].offset if tp in found else None) for tp in partitions}


async def stop_consumer(consumer: AIOKafkaConsumer) -> None:
    """``consumer.stop()``. aiokafka's fetcher, closing, cancels the fetches still under way and
    awaits each, so one retrying against a broker that is away raises its ``CancelledError`` out
    of ``stop()``, though nobody cancelled the caller: the consumer is closed all the same. A
    cancel of the caller itself still goes through."""
    try:
        await consumer.stop()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise


def request_rejoin(consumer: AIOKafkaConsumer) -> None:
    """Have the consumer rejoin its group (after the worker found it lost its partitions)."""
    coordinator = consumer._coordinator
    if coordinator is not None:
        coordinator.request_rejoin()


def group_metadata(consumer: AIOKafkaConsumer) -> GroupMetadata:
    """The member the consumer is now: its group, generation and member id."""
    coordinator = consumer._coordinator
    return GroupMetadata(
        consumer._group_id,
        coordinator.generation,
        coordinator.member_id,
        coordinator._group_instance_id,
    )


# --- 2. Stable offset fetches: OffsetFetch v7 with require_stable ----------------------------


class OffsetFetchResponse_v7(Response):  # type: ignore[misc]
    API_KEY = 9
    API_VERSION = 7
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "topics",
            CompactArray(
                ("name", CompactString("utf-8")),
                (
                    "partitions",
                    CompactArray(
                        ("partition_index", Int32),
                        ("committed_offset", Int64),
                        ("committed_leader_epoch", Int32),
                        ("metadata", CompactString("utf-8")),
                        ("error_code", Int16),
                        ("tags", TaggedFields),
                    ),
                ),
                ("tags", TaggedFields),
            ),
        ),
        ("error_code", Int16),
        ("tags", TaggedFields),
    )


class OffsetFetchRequest_v7(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = 9
    API_VERSION = 7
    RESPONSE_TYPE = OffsetFetchResponse_v7
    SCHEMA = Schema(
        ("group_id", CompactString("utf-8")),
        (
            "topics",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("partition_indexes", CompactArray(Int32)),
                ("tags", TaggedFields),
            ),
        ),
        ("require_stable", Boolean),
        ("tags", TaggedFields),
    )


class StableOffsetFetch(Request[OffsetFetchRequest_v7]):  # type: ignore[misc]
    API_KEY = 9

    def __init__(self, group_id: str, partitions: dict[str, list[int]]) -> None:
        self.group_id = group_id
        self.partitions = partitions

    def build(self, request_struct_class: type[OffsetFetchRequest_v7]) -> Any:
        topics: list[tuple[str, list[int], dict[int, bytes]]] = [
            (t, sorted(ps), {}) for t, ps in sorted(self.partitions.items())
        ]
        return request_struct_class(self.group_id, topics, True, {})


class UnstableOffsetCommit(Errors.KafkaError):  # type: ignore[misc]
    """A transaction that commits offsets of the partition is still open (code 88)."""

    errno = 88
    retriable = True


UNSTABLE_OFFSET_COMMIT = 88
_UNKNOWN_OFFSET = -1


async def _fetch_stable_offsets(
    self: Any, partitions: list[TopicPartition]
) -> dict[TopicPartition, OffsetAndMetadata]:
    """``GroupCoordinator._do_fetch_commit_offsets`` with ``OffsetFetch`` v7 and
    ``require_stable`` (errors handled as aiokafka does; ``UNSTABLE_OFFSET_COMMIT`` retried
    by its caller, ``fetch_committed_offsets``, after its back-off)."""
    by_topic: dict[str, list[int]] = collections.defaultdict(list)
    for tp in partitions:
        by_topic[tp.topic].append(tp.partition)
    response = await self._send_req(StableOffsetFetch(self.group_id, dict(by_topic)))
    _raise_for_code(self, response.error_code, None)
    offsets: dict[TopicPartition, OffsetAndMetadata] = {}
    for topic, topic_partitions, _ in response.topics:
        for partition, offset, _epoch, metadata, code, _ in topic_partitions:
            tp = TopicPartition(topic, partition)
            if code and _raise_for_code(self, code, tp):
                continue
            if offset != _UNKNOWN_OFFSET:
                offsets[tp] = OffsetAndMetadata(offset, metadata or "")
    return offsets


def _raise_for_code(coordinator: Any, code: int, tp: TopicPartition | None) -> bool:
    """Raise what aiokafka raises for an OffsetFetch error; True to skip the partition."""
    if code == 0:
        return False
    if code == UNSTABLE_OFFSET_COMMIT:
        logger.debug("offsets of %s are not stable yet (an open transaction)", tp)
        raise UnstableOffsetCommit(f"an open transaction commits offsets of {tp}")
    error_type = Errors.for_code(code)
    if error_type is Errors.UnknownTopicOrPartitionError:
        return True
    if error_type is Errors.GroupAuthorizationFailedError:
        raise error_type(coordinator.group_id)
    if error_type in (Errors.NotCoordinatorForGroupError, Errors.CoordinatorNotAvailableError):
        coordinator.coordinator_dead()
    if error_type.retriable or error_type is Errors.NotCoordinatorForGroupError:
        raise error_type()
    raise Errors.KafkaError(repr(error_type()))


# --- 3. and 4. The engine's consumers: fetch timing and SourceRecords -------------------------


def partition_state(consumer: AIOKafkaConsumer, tp: TopicPartition) -> Any:
    """aiokafka's fetch state of an assigned partition (``position``, ``highwater``, ``lso``,
    ``timestamp``, and the engine's ``cg_*`` notes), or None."""
    subscription = consumer._subscription.subscription
    assignment = subscription.assignment if subscription is not None else None
    return assignment.state_value(tp) if assignment is not None else None


def fetched_end(state: Any) -> int | None:
    """The end of a partition as its last fetch told it (the last stable offset when known)."""
    if state is None:
        return None
    lso = getattr(state, "lso", None)
    end: int | None = lso if lso is not None and lso >= 0 else getattr(state, "highwater", None)
    return end


def _time_fetches() -> None:
    """Note on each partition's fetch state when the request that brought its latest high
    watermark was *sent* (``cg_heard_ms``): the broker had appended nothing then that the high
    watermark does not cover, however long the response then waited to be read
    (``Fetcher._proc_fetch_request`` sets ``tp_state.timestamp`` for each partition it takes)."""
    original = Fetcher._proc_fetch_request
    if getattr(original, "_cg_timed", False):
        return

    async def timed(self: Any, assignment: Any, node_id: int, request: Any) -> Any:
        sent_ms = _now_ms()
        tps = [TopicPartition(t, p) for t, parts in request.topics for p, *_ in parts]
        states = {tp: assignment.state_value(tp) for tp in tps}
        before = {tp: getattr(st, "timestamp", None) for tp, st in states.items()}
        ends = {tp: fetched_end(st) for tp, st in states.items()}
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


def as_is(data: bytes | None) -> bytes | None:
    """The engine's consumers' value deserializer: never called (:func:`_source_records`), it
    marks their records to be built as :class:`SourceRecord`."""
    return data


def _source_records() -> None:
    """Build the records of the engine's consumers (those with :func:`as_is` as their value
    deserializer) as :class:`SourceRecord` straight away (``PartitionRecords._consumer_record``
    builds each record it yields; its headers are a fresh list per record)."""
    original = PartitionRecords._consumer_record
    if getattr(original, "_cg_source", False):
        return

    def consumer_record(self: Any, tp: TopicPartition, record: Any) -> Any:
        if self._value_deserializer is not as_is:
            return original(self, tp, record)
        return SourceRecord(
            tp.topic, tp.partition, record.offset, record.timestamp, record.key, record.value,
            record.headers,
        )  # fmt: skip

    consumer_record._cg_source = True  # type: ignore[attr-defined]
    PartitionRecords._consumer_record = consumer_record


# --- 5. The producer's partitioner and metadata; a fresh metadata fetch -----------------------


def default_partition(producer: AIOKafkaProducer, topic: str, key: bytes | None) -> int:
    """The partition ``send()`` would pick for ``key`` (the producer's partitioner)."""
    partition: int = producer._partition(topic, None, key, None, key, None)
    return partition


async def wait_on_metadata(producer: AIOKafkaProducer, topic: str) -> None:
    """Load the partition metadata of ``topic`` into the producer."""
    await producer.client._wait_on_metadata(topic)


async def fetch_all_metadata(consumer: AIOKafkaConsumer) -> Any:
    """Fresh metadata of every topic (a ``ClusterMetadata``)."""
    return await consumer._client.fetch_all_metadata()


def broker_versions(client: Any) -> dict[int, tuple[int, int]]:
    """The API versions (key -> (min, max)) of the connections a client has open."""
    versions: dict[int, tuple[int, int]] = {}
    for conn in client._conns.values():
        versions.update(getattr(conn, "_versions", {}) or {})
    return versions


def check_broker(producer: AIOKafkaProducer) -> None:
    """Fail, in one sentence, on a broker that cannot fence a member that lost its partitions
    (``TxnOffsetCommit`` v3 and ``OffsetFetch`` v7: Kafka 2.5 and later)."""
    versions = broker_versions(producer.client)
    for key, version, name in ((28, 3, "TxnOffsetCommit"), (9, 7, "OffsetFetch")):
        low, high = versions.get(key, (0, -1))
        if versions and not low <= version <= high:
            raise IncompatibleClient(
                f"The Kafka brokers do not speak {name} v{version} (KIP-447, Kafka 2.5+), which "
                "the worker needs to fence a member that lost its partitions: upgrade Kafka."
            )


_installed = False


def install() -> None:
    """Check the version, then apply every patch (once per process)."""
    global _installed
    check_version()
    if _installed:
        return
    _time_fetches()
    _source_records()
    _sender.TxnOffsetCommitHandler = _FencingTxnOffsetCommitHandler
    GroupCoordinator._do_fetch_commit_offsets = _fetch_stable_offsets
    _installed = True
