"""The worker's path for one by-contact partition, in memory: the router, the gate partition
(``streams.processing.partition.GatePartition``: held records, watermarks, the gate, the
analytics, on a RocksDB table) and the real checkpoint (``streams.kafka.checkpoint``) with a
fake producer, so what is committed and what the table gets are the engine's own steps.

:class:`InMemoryGate` is the one harness of tests/processing (and of the tools' tests that need a
gate); the fakes are those of tests/kafka/test_checkpoint.py.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError

from streams.kafka.aiokafka_internals import GroupMetadata, MemberFenced
from streams.kafka.checkpoint import Checkpoint, CrashPoints
from streams.kafka.outage import Outage
from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.partition import (
    HELD_OFFSETS_KEY,
    HELD_PREFIX,
    MARKS_KEY,
    GatePartition,
    held_offsets,
)
from streams.processing.records import KIND_HEADER, WATERMARK_KIND, Output, SourceRecord
from streams.processing.router import Router
from streams.processing.stats import STATS_PREFIX
from streams.settings import Settings
from streams.state.store import StateStore

R = RecordName
#: The consumer group member the harness commits as.
MEMBER = GroupMetadata("app", 1, "member-1")


class Log(list[str]):
    """What the fake producer and output were asked to do, in order."""


class FakeProducer:
    """A transactional producer that records the protocol steps; ``fence``: the coordinator
    refuses the offsets (KIP-447), ``abort_fails``: the broker is away when aborting."""

    def __init__(self, log: Log, *, fence: bool = False, abort_fails: bool = False) -> None:
        self.log, self.fence, self.abort_fails = log, fence, abort_fails
        self.offsets: list[tuple[dict[TopicPartition, int], Any]] = []

    async def start(self) -> None:
        self.log.append("start")

    async def stop(self) -> None:
        self.log.append("stop")

    async def begin_transaction(self) -> None:
        self.log.append("begin")

    async def send_offsets_to_transaction(
        self, offsets: dict[TopicPartition, int], group: Any
    ) -> None:
        self.log.append("offsets")
        self.offsets.append((offsets, group))
        if self.fence:
            raise MemberFenced("the group coordinator refused the offsets")

    async def commit_transaction(self) -> None:
        self.log.append("commit")

    async def abort_transaction(self) -> None:
        self.log.append("abort")
        if self.abort_fails:
            raise KafkaConnectionError("away")


Record = tuple[str, int | None, bytes | None, bytes | None]


class FakeOutput:
    """The record batches of a transaction: ``records`` added, ``flushed`` by the last commit;
    each partition's offsets count on from 100."""

    def __init__(self, log: Log) -> None:
        self.log = log
        self.records: list[Record] = []
        self.flushed: list[Record] = []
        self.ends: dict[tuple[str, int], int] = {}

    def attach(self, producer: Any) -> None:
        self.log.append("attach")

    def add(self, topic: str, partition: int | None, key: bytes | None, value: bytes | None,
            headers: Any, timestamp_ms: int | None) -> None:  # fmt: skip
        self.records.append((topic, partition, key, value))

    def seal(self) -> list[Record]:
        sealed, self.records = self.records, []
        return sealed

    async def flush(self, sealed: list[Record]) -> dict[tuple[str, int], int]:
        self.log.append("flush")
        self.flushed = sealed
        for topic, p, _, _ in self.flushed:
            self.ends[(topic, p or 0)] = self.ends.get((topic, p or 0), 100) + 1
        return dict(self.ends)

    def discard(self) -> None:
        self.log.append("discard")
        self.records.clear()


class InMemoryGate:
    """Router → gate partition ``partition`` → checkpoint, without Kafka.

    :meth:`feed` is what the worker does to one input record when every input has caught up
    with it: routed, received, released by the watermarks, decided, committed; it returns the
    outputs of the decision (or the router's own output: an INBOX message, a dead letter).
    :meth:`route`, :meth:`watermark`, :meth:`release` and :meth:`commit` are its steps, for
    tests of event-time order; :meth:`restart` opens the partition again from the table."""

    def __init__(
        self,
        settings: Settings,
        contract: Contract,
        path: Path | None = None,
        *,
        partition: int = 0,
        event_times: bool = False,
    ) -> None:
        """``path``: the RocksDB directory (None: a temporary one, gone with the harness).
        ``event_times``: a reply's, click's or send's own time (``received_at_ms``...) is its
        ``ts`` (else the builders' now)."""
        self.s = settings
        self.event_times = event_times
        self.c = contract
        self.partition = partition
        self.router = Router(settings, contract)
        self.policy = settings.keyword_policy()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="in-memory-gate-")
            path = Path(self._tmp.name) / "db"
        self.store = StateStore(path)
        self.counters: Counter[str] = Counter()
        self.inputs = dict.fromkeys(settings.input_topics, 1)
        self.log = Log()
        self.output = FakeOutput(self.log)
        self.checkpoint = Checkpoint(
            lambda: FakeProducer(self.log),
            self.output,
            self.store,
            settings.changelog_topic,
            Outage(),
            CrashPoints(""),
        )
        asyncio.run(self.checkpoint.start())
        self.offset = 0  # of the input and the by-contact topic alike
        self.by_contact: dict[int, SourceRecord] = {}  # what the partition read of the topic
        self.stats: list[Output] = []  # the statistics records of every commit
        self.part = self.restart()

    def restart(self, now_ms: int = 0) -> GatePartition:
        """The partition opened again from its table, and the records it held read again from
        the by-contact topic (what a restart or a move does)."""
        held = [self.by_contact[o] for o in held_offsets(self.store, self.partition, self.c)]
        self.part = GatePartition(
            self.partition,
            settings=self.s,
            contract=self.c,
            policy=self.policy,
            store=self.store,
            input_partitions=self.inputs,
            counters=self.counters,
            now_ms=now_ms,
            held=held,
        )
        return self.part

    def receive(self, src: SourceRecord, now_ms: int) -> list[Output]:
        """The partition reads ``src`` from the by-contact topic."""
        self.by_contact[src.offset] = src
        return self.part.receive(src, now_ms)

    # --- the steps --------------------------------------------------------------------------
    def route(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | None = b"k",
        headers: Any = (),
        ts: int = 1000,
        arrived_ms: int = 0,
        local: bool = False,
    ) -> list[Output] | None:
        """Route one input record (event time ``ts``). None: it is for the gate, and the
        partition holds it from ``arrived_ms`` on (read from the topic, or given directly with
        ``local``: the engine's local path); else what comes out instead: the router's output
        (an INBOX message, a dead letter), or nothing for a tombstone (the engine skips it)."""
        self.offset += 1
        src = SourceRecord(topic, 0, self.offset, ts, key, value, list(headers))
        if self.router.skips(src):
            return []
        routed = self.router.route(src)
        if routed.topic != self.s.by_contact_topic:
            return [routed]
        if local:
            self.part.hold_local(routed, now_ms=arrived_ms)
            return None
        held = SourceRecord(
            routed.topic, self.partition, self.offset, ts, routed.key, routed.value, routed.headers
        )
        assert self.receive(held, now_ms=arrived_ms) == []
        return None

    def hold(
        self, topic: str, name: RecordName, record: dict[str, Any], ts: int, local: bool = False
    ) -> None:
        """``record`` encoded and routed, keyed by its contact id: the partition holds it."""
        value = self.c.encode(name, record)
        key = str(record["contact_id"]).encode()
        assert self.route(topic, value, key, ts=ts, local=local) is None

    def watermark(self, ts: int) -> None:
        """The routers' promise: every input is routed up to ``ts``."""
        marks = [{"topic": t, "partition": 0, "timestamp_ms": ts} for t in self.inputs]
        value = self.c.encode(R.WATERMARK, {"worker": "w", "published_at_ms": 0, "marks": marks})
        self.offset += 1
        src = SourceRecord(
            self.s.by_contact_topic, self.partition, self.offset, 0, None, value,
            [(KIND_HEADER, WATERMARK_KIND)],
        )  # fmt: skip
        assert self.receive(src, now_ms=0) == []

    def release(self, now_ms: int = 0) -> list[tuple[SourceRecord, list[Output]]]:
        """Decide what the watermarks (or the hold bound at ``now_ms``) let go."""
        return self.part.release(now_ms)

    def commit(self, outputs: Sequence[Output] = (), now_ms: int = 10_000) -> None:
        """The engine's commit of this partition: ``outputs`` and the statistics records, what
        is still held and the watermarks into the table, all through the checkpoint; RocksDB
        is written once the (fake) transaction committed."""
        part, checkpoint = self.part, self.checkpoint
        stats = part.stats_outputs(now_ms)
        self.stats.extend(stats)
        part.save(now_ms, marks_every_ms=0)

        async def run() -> None:
            await checkpoint.begin()
            for o in (*outputs, *stats):
                checkpoint.out.add(o.topic, o.partition, o.key, o.value, o.headers, None)
            await checkpoint.stage(self.partition, part.state.take_pending())
            offsets = {TopicPartition(self.s.by_contact_topic, self.partition): self.offset + 1}
            assert await checkpoint.commit(offsets, MEMBER, lambda: True)

        asyncio.run(run())

    # --- one record, all the way ------------------------------------------------------------
    def feed(
        self,
        topic: str,
        value: bytes | None,
        key: bytes | None = b"k",
        headers: Any = (),
        ts: int = 1000,
        now_ms: int | None = None,
    ) -> list[Output]:
        """One input record through router, partition and checkpoint: the outputs of its
        decision (and of any record held before it that the watermark releases too)."""
        now_ms = ts if now_ms is None else now_ms
        instead = self.route(topic, value, key, headers, ts, arrived_ms=now_ms)
        if instead is not None:
            return instead
        self.watermark(ts)
        decided = [o for _, outs in self.release(now_ms) for o in outs]
        self.commit(decided, now_ms=now_ms)
        return decided

    def reply(
        self, contact: str, channel: str, text: str, *, ts: int = 1000, **kw: Any
    ) -> list[Output]:
        record = b.inbound_reply(contact, channel, text, **self._at("received_at_ms", ts, kw))
        return self.record(self.s.replies_topic, R.INBOUND_REPLY, record, ts)

    def click(self, contact: str, channel: str, *, ts: int = 1000, **kw: Any) -> list[Output]:
        record = b.link_click(contact, channel, **self._at("clicked_at_ms", ts, kw))
        return self.record(self.s.clicks_topic, R.LINK_CLICK, record, ts)

    def command(
        self, contact: str, channel: str, action: str, *, ts: int = 1000, **kw: Any
    ) -> list[Output]:
        record = b.consent_command(contact, channel, action, **kw)
        return self.record(self.s.commands_topic, R.CONSENT_COMMAND, record, ts)

    def report(self, contact: str, channel: str, *, ts: int = 1000, **kw: Any) -> list[Output]:
        record = b.delivery_report(contact, channel, **kw)
        return self.record(self.s.reports_topic, R.DELIVERY_REPORT, record, ts)

    def send(
        self,
        contact: str,
        channel: str,
        origin: str = "CAMPAIGN",
        headers: Any = (),
        *,
        ts: int = 1000,
        **kw: Any,
    ) -> list[Output]:
        record = b.outbound_message(contact, channel, origin, **self._at("requested_at_ms", ts, kw))
        return self.record(self.s.requests_topic, R.OUTBOUND_MESSAGE, record, ts, headers)

    def _at(self, field: str, ts: int, fields: dict[str, Any]) -> dict[str, Any]:
        return {field: ts, **fields} if self.event_times else fields

    def record(
        self, topic: str, name: RecordName, record: dict[str, Any], ts: int, headers: Any = ()
    ) -> list[Output]:
        """``record`` encoded and fed, keyed by its contact id."""
        value = self.c.encode(name, record)
        return self.feed(topic, value, str(record["contact_id"]).encode(), headers, ts)

    # --- what came out, what the table holds ------------------------------------------------
    def events(self, outs: list[Output]) -> list[dict[str, Any]]:
        return [
            self.c.decode(R.CONSENT_EVENT, o.value) for o in outs if o.topic == self.s.events_topic
        ]

    @property
    def table(self) -> dict[bytes, bytes]:
        """The partition's committed table (RocksDB) as the gate's decisions leave it: consent
        entries, attribution and history; without the engine's bookkeeping (watermarks, held
        records, the changelog offset) and the statistics (see :attr:`stats`)."""
        return {
            k: v
            for k, v in self.store.scan(self.partition, b"")
            if not k.startswith((MARKS_KEY, HELD_OFFSETS_KEY, HELD_PREFIX, STATS_PREFIX, b"\xff"))
        }

    def put(self, key: bytes, value: bytes | None) -> None:
        """Write (None: delete) a table entry behind the gate's back, committed."""
        self.part.state.put(key, value)
        self.commit()

    def close(self) -> None:
        self.store.close()
        if self._tmp is not None:
            self._tmp.cleanup()
