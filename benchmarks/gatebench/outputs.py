"""Reading a system's outputs (committed records only) and checking them against the input."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from streams.models.contract import Contract, RecordName

from .common import first_string
from .inputs import MESSAGE_PREFIX, Workload


@dataclass(frozen=True, slots=True)
class Rec:
    ts: int  # the output's timestamp: LogAppendTime (the benchmark's output topics use it)
    key: bytes | None
    value: bytes
    seen_ms: int = 0  # wall clock when a read_committed poll returned it (its commit, at most)


class Watcher:
    """A consumer of a system's output topics from the beginning, ``read_committed`` (consent-gate
    writes in transactions), no consumer group offsets. It keeps every record, cheaply."""

    def __init__(self, bootstrap: str, topics: list[str], only: int | None = None) -> None:
        """``only``: read only that partition of each topic (a sample, at a fraction of the
        cost: the harness shares the machine with the system it measures)."""
        self.topics = topics
        self.records: dict[str, list[Rec]] = defaultdict(list)
        self.first_seen: float | None = None  # wall clock of the first record seen
        self.consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": f"gatebench-watch-{uuid.uuid4().hex[:8]}",
                "enable.auto.commit": False,
                "isolation.level": "read_committed",
                "fetch.wait.max.ms": 50,
                "enable.partition.eof": False,
            }
        )
        meta = self.consumer.list_topics(timeout=30)
        parts = []
        for t in topics:
            info = meta.topics.get(t)
            if info is None or info.error is not None:
                raise RuntimeError(f"output topic {t} does not exist")
            parts += [
                TopicPartition(t, p, OFFSET_BEGINNING)
                for p in info.partitions
                if only is None or p == only
            ]
        self.consumer.assign(parts)

    def poll(self, timeout_s: float = 0.2) -> int:
        msgs = self.consumer.consume(10_000, timeout_s)
        seen = int(time.time() * 1000)
        n = 0
        for m in msgs:
            if m.error() is not None:
                continue
            value, topic = m.value(), m.topic()
            if value is None or topic is None:
                continue
            self.records[topic].append(Rec(m.timestamp()[1], m.key(), value, seen))
            n += 1
        if n and self.first_seen is None:
            self.first_seen = time.time()
        return n

    def count(self, *topics: str) -> int:
        return sum(len(self.records.get(t, ())) for t in topics)

    def close(self) -> None:
        self.consumer.close()

    def all(self) -> list[Rec]:
        return [r for t in self.topics for r in self.records.get(t, ())]


@dataclass
class Check:
    """What a system made of the input, compared with what a correct gate makes of it."""

    forwarded: int = 0
    suppressed: int = 0
    events: int = 0
    dead_letters: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)
    digest: str = ""  # sha256 over the sorted (message id, value) pairs forwarded

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return "OK"
        more = f" (+{len(self.problems) - 4} more)" if len(self.problems) > 4 else ""
        return "; ".join(self.problems[:4]) + more


def _index(message_id: str) -> int | None:
    prefix, _, number = message_id.partition("-")
    return int(number) if prefix + "-" == MESSAGE_PREFIX and number.isdigit() else None


def check_gate(
    w: Workload,
    contract: Contract,
    channel_topics: dict[str, str],
    suppressed_topic: str,
    events_topic: str,
    deadletter_topic: str | None,
    watcher: Watcher,
) -> Check:
    c = Check()
    seen: set[int] = set()
    pairs: list[tuple[int, bytes]] = []
    late = 0
    for channel, topic in channel_topics.items():
        for r in watcher.records.get(topic, ()):
            i = _index(first_string(r.value))
            if i is None or i >= len(w.sends):
                c.problems.append(f"unknown record on {topic}")
                continue
            s = w.sends[i]
            if i in seen:
                c.duplicates += 1
                continue
            seen.add(i)
            c.forwarded += 1
            pairs.append((i, r.value))
            if r.value != s.value or r.key != s.key:
                c.problems.append(f"forwarded {MESSAGE_PREFIX}{i} is not byte-identical")
            if s.channel != channel:
                c.problems.append(f"{MESSAGE_PREFIX}{i} forwarded to {channel}, not {s.channel}")
            if s.suppress:
                late += 1
                c.problems.append(f"{MESSAGE_PREFIX}{i} forwarded but the contact opted out")
    for r in watcher.records.get(suppressed_topic, ()):
        msg = contract.decode(RecordName.SUPPRESSED_MESSAGE, r.value)
        i = _index(msg["message_id"])
        if i is None or i >= len(w.sends):
            c.problems.append("unknown suppressed record")
            continue
        if i in seen:
            c.duplicates += 1
            continue
        seen.add(i)
        c.suppressed += 1
        if not w.sends[i].suppress:
            c.problems.append(f"{MESSAGE_PREFIX}{i} suppressed but the contact is subscribed")
        if msg["original_value"] != w.sends[i].value or msg["reason"] != "OPTED_OUT":
            c.problems.append(f"suppressed {MESSAGE_PREFIX}{i}: wrong original value or reason")
    if late:  # the STOP was published before the send: the gate decided out of order
        c.problems.insert(0, f"{late:,} sends forwarded after their contact's STOP")
    missing = len(w.sends) - len(seen)
    if missing:
        c.problems.insert(0, f"{missing:,} sends neither forwarded nor suppressed")
    opted: set[tuple[str, str]] = set()
    for r in watcher.records.get(events_topic, ()):
        ev = contract.decode(RecordName.CONSENT_EVENT, r.value)
        c.events += 1
        if ev["type"] == "OPTED_OUT":
            opted.add((ev["contact_id"], ev["channel"]))
    if opted != w.opted_out:
        c.problems.append(f"opt-out events for {len(opted):,} pairs, {len(w.opted_out):,} sent")
    if deadletter_topic:
        c.dead_letters = len(watcher.records.get(deadletter_topic, ()))
        if c.dead_letters:
            c.problems.append(f"{c.dead_letters} dead letters")
    c.digest = _digest(pairs)
    return c


def check_copy(w: Workload, topic: str, watcher: Watcher) -> Check:
    """A pass-through: every input value exactly once on ``topic`` (in any order)."""
    c = Check()
    want = Counter(v for _, v in w.stops) + Counter(s.value for s in w.sends)
    got = Counter(r.value for r in watcher.records.get(topic, ()))
    c.forwarded = sum(got.values())
    c.duplicates = sum((got - want).values())
    lost = sum((want - got).values())
    if lost:
        c.problems.append(f"{lost:,} inputs not copied")
    if c.duplicates:
        c.problems.append(f"{c.duplicates:,} extra copies")
    pairs = [(i, s.value) for i, s in enumerate(w.sends) if got[s.value]]
    c.digest = _digest(pairs)
    return c


def _digest(pairs: list[tuple[int, bytes]]) -> str:
    h = hashlib.sha256()
    for i, value in sorted(pairs):
        h.update(i.to_bytes(8, "big"))
        h.update(hashlib.sha256(value).digest())
    return h.hexdigest()[:12]
