"""One partition of the by-contact topic at the gate: its consent table, the records it holds until
event-time order is proven (``streams.core.ordering``), and the watermarks the routers sent.

What it holds and the watermarks are part of its state, so a crash or a partition moving to another
worker loses nothing that was read. A record held when a transaction commits stays where it is, on
the by-contact topic: the transaction writes the offsets of every record still held to the
changelog (one ``HeldOffsets`` entry, rewritten at a commit only when what is held changed), and
whoever opens the partition next reads those records again from the topic (``streams.kafka.
restore``) and holds them again. A copy the local path handed over, which is not on the topic,
is written to the changelog itself (a ``HeldRecord``) and deleted once decided; so were all held
records before (their entries are still read).
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from streams.core.intents import ReplyClassifier
from streams.core.ordering import CONSENT, SEND, HoldQueue, OrderKey
from streams.models.avro_write import record_encoder
from streams.models.contract import Contract, DecodeError, RecordName
from streams.processing.gate import Gate
from streams.processing.records import (
    KIND_HEADER,
    WATERMARK_KIND,
    InputKind,
    Output,
    Routed,
    SourceRecord,
    routed,
)
from streams.processing.stats import STATS_AGG_PREFIX, Analytics, StatsAggregator, is_stats
from streams.settings import Settings
from streams.state.consent_store import ConsentStore
from streams.state.store import PartitionState, StateStore

#: Engine-owned keys of the table (consent keys are ``CHANNEL/contact_id``).
MARKS_KEY = b"\x00marks"
#: The offsets of the by-contact records held at the last commit (:func:`held_offsets`).
HELD_OFFSETS_KEY = b"\x00held"
#: A held record itself (a ``HeldRecord``): a copy of the local path.
HELD_PREFIX = b"\x01"

_REQUEST = InputKind.REQUEST.value.encode()


def held_key(offset: int) -> bytes:
    return HELD_PREFIX + struct.pack(">q", offset)


def runs_of(offsets: list[int]) -> list[int]:
    """``offsets`` (increasing, distinct) as runs of consecutive ones: first offset, count, ..."""
    runs: list[int] = []
    for o in offsets:
        if runs and o == runs[-2] + runs[-1]:  # the next offset of the last run
            runs[-1] += 1
        else:
            runs += (o, 1)
    return runs


def offsets_of(runs: list[int]) -> list[int]:
    """The offsets :func:`runs_of` gave ``runs`` for."""
    return [o for i in range(0, len(runs) - 1, 2) for o in range(runs[i], runs[i] + runs[i + 1])]


def held_offsets(store: StateStore, partition: int, contract: Contract) -> list[int]:
    """The offsets (increasing) of the by-contact records ``partition`` held at its last commit:
    the engine reads them again from the topic and gives them to :class:`GatePartition`."""
    raw = store.get(partition, HELD_OFFSETS_KEY)
    if raw is None:
        return []
    return offsets_of(contract.decode_own(RecordName.HELD_OFFSETS, raw)["runs"])


def is_watermark(src: SourceRecord) -> bool:
    hs = src.headers
    return len(hs) == 1 and hs[0][0] == KIND_HEADER and hs[0][1] == WATERMARK_KIND


def _place(src: SourceRecord) -> tuple[OrderKey | None, Routed]:
    """The record with the router's headers read, and where it stands in event time (None: it
    lacks them, or they cannot be read)."""
    read = routed(src)
    origin = read.origin
    if read.kind is None or origin is None:
        return None, read
    topic, partition, offset, ts = origin
    if ts is None:
        ts = src.timestamp_ms if src.timestamp_ms is not None else 0
    rank = SEND if read.kind == _REQUEST else CONSENT
    return OrderKey(ts, rank, topic, partition, offset), read


def held_record_encoder(contract: Contract) -> Callable[[SourceRecord], bytes]:
    """Encodes a record held across a commit as a ``HeldRecord``: the fast encoder given the
    record's fields as they are (its headers as their pairs); a live stream holds nearly every
    campaign across a commit."""
    encode = record_encoder(contract, RecordName.HELD_RECORD, fields="tuple")

    def held(src: SourceRecord) -> bytes:
        return encode(src.offset, src.timestamp_ms, src.key, src.value, src.headers)

    return held


class GatePartition:
    def __init__(
        self,
        partition: int,
        *,
        settings: Settings,
        contract: Contract,
        policy: ReplyClassifier,
        store: StateStore,
        input_partitions: Mapping[str, int],
        counters: Counter[str],
        now_ms: int,
        held: Iterable[SourceRecord] = (),
    ) -> None:
        """``held``: the records of :func:`held_offsets`, read again from the by-contact topic."""
        self.partition = partition
        self.contract = contract
        self.counters = counters
        self.state = PartitionState(store, partition)
        self.analytics = Analytics(
            settings, contract, self.state, partition=partition, counters=counters
        )
        self.stats = StatsAggregator(
            settings,
            contract,
            self.state,
            store.scan(partition, STATS_AGG_PREFIX),
            counters=counters,
        )
        self.gate = Gate(
            settings,
            contract,
            ConsentStore(self.state, contract, settings.default_subscribed),
            policy,
            self.analytics,
        )
        consent_topics = frozenset(settings.consent_topics)
        self.queue: HoldQueue[Routed] = HoldQueue(
            dict(input_partitions), consent_topics, settings.max_hold_ms, settings.max_held
        )
        self._held: dict[int, SourceRecord] = {}  # the by-contact records held, by offset
        self._held_changed = False  # since the last save
        self._held_stored = False  # whether the table has held offsets
        self._unsaved: dict[int, SourceRecord] = {}  # local-path copies held, not in the changelog
        self._saved: set[int] = set()  # HeldRecords held and in the changelog
        self._marks_dirty = False
        self._marks_saved_ms = 0
        self._held_record = held_record_encoder(contract)
        #: The offset given to the next record of the local path: below 0 and below every one
        #: held, so it names the record among those held (the topic's offsets are >= 0).
        self._next_local = -1
        self._load(store, now_ms, held)

    def _load(self, store: StateStore, now_ms: int, held: Iterable[SourceRecord]) -> None:
        raw = store.get(self.partition, MARKS_KEY)
        if raw is not None:
            for m in self.contract.decode_own(RecordName.WATERMARK, raw)["marks"]:
                self.queue.observe(m["topic"], m["partition"], m["timestamp_ms"])
        for src in held:
            key, read = _place(src)
            if key is not None:
                self.queue.hold(key, read, now_ms)
                self._held[src.offset] = src
        # Written again at the first save (what is held may differ: a record the topic lost).
        self._held_stored = self._held_changed = (
            store.get(self.partition, HELD_OFFSETS_KEY) is not None
        )
        for _, value in store.scan(self.partition, HELD_PREFIX):
            rec = self.contract.decode_own(RecordName.HELD_RECORD, value)
            src = SourceRecord(
                topic="",
                partition=self.partition,
                offset=rec["offset"],
                timestamp_ms=rec["timestamp_ms"],
                key=rec["key"],
                value=rec["value"],
                headers=[(h["key"], h["value"]) for h in rec["headers"]],
            )
            key, read = _place(src)
            if key is not None:
                self.queue.hold(key, read, now_ms)
                self._saved.add(src.offset)
                self._next_local = min(self._next_local, src.offset - 1)

    def set_input_partitions(self, input_partitions: Mapping[str, int]) -> None:
        self.queue.set_partitions(input_partitions)

    def receive(self, src: SourceRecord, now_ms: int) -> list[Output]:
        """Take one record of the partition: a watermark, or an input to hold until its turn."""
        if is_watermark(src):
            try:
                marks = self.contract.decode(RecordName.WATERMARK, src.value or b"")["marks"]
            except DecodeError:  # not one of ours: it promises nothing
                self.counters["bad_watermarks"] += 1
                return []
            self.observe((m["topic"], m["partition"], m["timestamp_ms"]) for m in marks)
            return []
        if is_stats(src):
            try:
                delta = self.contract.decode(RecordName.STATS_DELTA, src.value or b"")
            except DecodeError:  # not one of ours
                self.counters["bad_stats_deltas"] += 1
                return []
            return self.stats.receive(delta, now_ms)
        key, read = _place(src)
        if key is None:  # not routed by us: dead-lettered
            return self.gate.handle(src, now_ms, read=read)
        self._hold(key, read, now_ms)
        return []

    def _hold(self, key: OrderKey, read: Routed, now_ms: int) -> None:
        """Hold a record until its turn; its offset (a local-path copy: itself) into the
        changelog at the next commit if still held."""
        self.queue.hold(key, read, now_ms)
        offset = read.src.offset
        if offset >= 0:  # read from the topic
            self._held[offset] = read.src
            self._held_changed = True
        else:
            self._unsaved[offset] = read.src

    def observe(self, marks: Iterable[tuple[str, int, int]]) -> None:
        """Take watermarks (topic, partition, timestamp): of a watermark record, or of this
        worker's router directly (``streams.kafka.local_path``)."""
        observe = self.queue.observe
        for topic, partition, timestamp_ms in marks:
            if observe(topic, partition, timestamp_ms):
                self._marks_dirty = True

    def hold_local(self, out: Output, now_ms: int) -> None:
        """Hold a routed copy this worker's router gave directly (the local path), as if it had
        been read from the by-contact topic, under an offset of its own below 0."""
        src = SourceRecord(
            out.topic, self.partition, self._next_local, out.timestamp_ms, out.key, out.value,
            out.headers,
        )  # fmt: skip
        self._next_local -= 1
        key, read = _place(src)
        assert key is not None  # the router's own headers
        self._hold(key, read, now_ms)

    def release(self, now_ms: int) -> list[tuple[SourceRecord, list[Output]]]:
        """Decide everything whose turn has come (or whose hold expired), in event-time order:
        each record with its outputs."""
        decided: list[tuple[SourceRecord, list[Output]]] = []
        handle = self.gate.handle
        held, unsaved, saved = self._held, self._unsaved, self._saved
        for r in self.queue.release(now_ms):
            read = r.item
            src = read.src
            offset = src.offset
            if held.pop(offset, None) is not None:
                self._held_changed = True
            elif unsaved.pop(offset, None) is None and offset in saved:
                saved.discard(offset)
                self.state.put(held_key(offset), None)
            if r.expired:
                self.counters["hold_expired"] += 1
            outputs = handle(src, now_ms, order_uncertain=r.expired, read=read)
            decided.append((src, outputs))
        return decided

    def stats_outputs(self, now_ms: int) -> list[Output]:
        """This transaction's statistics: the deltas of what was decided (and how far windows
        are closed), and the running rows of the keys this partition aggregates."""
        every = self.queue.low_marks()[1]
        earliest = self.queue.earliest_ms()
        if earliest is not None:  # still held, so not decided: not through it
            every = min(every, earliest - 1)
        return [*self.analytics.flush(every), *self.stats.running(now_ms)]

    def held(self) -> int:
        return len(self.queue)

    def save(self, now_ms: int, *, marks_every_ms: int = 1000, as_records: bool = False) -> None:
        """Put what is still held, and (now and then) the watermarks, into this transaction.

        ``as_records``: the records held, not only their offsets, as every version of the gate
        reads them back: when the partition is handed over (revoked, or a stop), and while the
        group has a member of a version before the offsets (``DirectoryAssignor.held_offsets``).
        From then on they are deleted from the changelog once decided, as before.

        Watermarks only ever grow, so saving them late is safe: a restart with older ones holds
        records a little longer, never less."""
        if as_records and self._held:
            for offset, src in self._held.items():
                self._unsaved[offset] = src
            self._held.clear()
            self._held_changed = True
        if self._held_changed and (self._held or self._held_stored):
            runs = runs_of(sorted(self._held))
            self.state.put(
                HELD_OFFSETS_KEY,
                self.contract.encode(RecordName.HELD_OFFSETS, {"runs": runs}) if runs else None,
            )
            self._held_stored = bool(runs)
        self._held_changed = False
        for offset, src in self._unsaved.items():
            self.state.put(held_key(offset), self._held_record(src))
            self._saved.add(offset)
        self._unsaved.clear()
        if self._marks_dirty and now_ms - self._marks_saved_ms >= marks_every_ms:
            marks: list[dict[str, Any]] = [
                {"topic": t, "partition": p, "timestamp_ms": ts}
                for (t, p), ts in sorted(self.queue.marks.items())
            ]
            self.state.put(
                MARKS_KEY,
                self.contract.encode(
                    RecordName.WATERMARK,
                    {"worker": "", "published_at_ms": now_ms, "marks": marks},
                ),
            )
            self._marks_dirty = False
            self._marks_saved_ms = now_ms
