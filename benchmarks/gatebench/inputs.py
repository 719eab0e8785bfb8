"""The input: STOP replies, then CAMPAIGN and INBOX sends, encoded once and produced once.

Every record is keyed by contact id and produced with Kafka's murmur2 partitioner (what Java
clients, aiokafka and consent-gate's router use), so a contact's replies and sends sit in the same
partition number of the two topics, as upstream Java producers would put them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import Producer

from streams.models import builders as b
from streams.models.contract import Contract, RecordName

from .common import CHANNEL_WEIGHTS, CHANNELS

BODY = (
    "Spring sale: 20% off everything in store and online until Sunday. Show this message at "
    "the till or use code SPRING20. Reply STOP to opt out."
)
MESSAGE_PREFIX = "bench-"


@dataclass(frozen=True)
class InputTopics:
    replies: str
    clicks: str
    requests: str
    commands: str
    reports: str  # delivery reports: consent-gate reads them (empty here)

    @classmethod
    def named(cls, prefix: str) -> InputTopics:
        return cls(
            f"{prefix}in.replies",
            f"{prefix}in.clicks",
            f"{prefix}in.requests",
            f"{prefix}in.commands",
            f"{prefix}in.reports",
        )

    def all(self) -> list[str]:
        return [self.replies, self.clicks, self.requests, self.commands, self.reports]


@dataclass(frozen=True, slots=True)
class Send:
    index: int
    key: bytes
    value: bytes
    channel: str
    origin: str
    suppress: bool


@dataclass
class Workload:
    """The records, and what a correct gate makes of them."""

    stops: list[tuple[bytes, bytes]]  # (key, value) of each STOP reply
    sends: list[Send]
    opted_out: set[tuple[str, str]]  # (contact, channel)

    @property
    def total(self) -> int:
        return len(self.stops) + len(self.sends)

    @property
    def expected_suppressed(self) -> int:
        return sum(1 for s in self.sends if s.suppress)

    @property
    def expected_forwarded(self) -> int:
        return len(self.sends) - self.expected_suppressed

    def mix(self) -> str:
        inbox = sum(1 for s in self.sends if s.origin == "INBOX")
        return (
            f"{len(self.stops):,} STOP replies, then {len(self.sends):,} sends "
            f"({len(self.sends) - inbox:,} CAMPAIGN / {inbox:,} INBOX; "
            f"{self.expected_suppressed:,} to suppress)"
        )


def pick_channel(rng: random.Random, channels: Sequence[str] = CHANNELS) -> str:
    return rng.choices(channels, weights=[CHANNEL_WEIGHTS[c] for c in channels])[0]


def contact_name(n: int) -> str:
    return f"contact-{n:07d}"


def stop_reply(contract: Contract, contact: str, channel: str, event_id: str) -> bytes:
    record = b.inbound_reply(contact, channel, "STOP", event_id=event_id)
    return contract.encode(RecordName.INBOUND_REPLY, record)


def outbound(
    contract: Contract, rng: random.Random, index: int, contact: str, channel: str, origin: str
) -> bytes:
    record = b.outbound_message(
        contact,
        channel,
        origin,
        message_id=f"{MESSAGE_PREFIX}{index}",
        campaign_id="spring-sale" if origin == "CAMPAIGN" else None,
        message_type="promotion" if origin == "CAMPAIGN" else "conversation",
        recipient=f"+4915{rng.randint(10**8, 10**9 - 1)}",
        template_id="tpl-spring-01",
        body=BODY,
        attributes={"locale": "en-GB"},
    )
    return contract.encode(RecordName.OUTBOUND_MESSAGE, record)


def make_workload(
    contract: Contract,
    records: int,
    contacts: int,
    stops: int,
    inbox_share: float,
    seed: int,
) -> Workload:
    """``stops`` STOP replies (distinct contacts, one channel each), then ``records - stops``
    sends to random contacts on random channels, ``inbox_share`` of them INBOX."""
    rng = random.Random(seed)
    stops = min(stops, contacts, records)
    opted: list[tuple[str, str]] = []
    for n in rng.sample(range(contacts), stops):
        opted.append((contact_name(n), pick_channel(rng)))
    stop_records = [
        (c.encode(), stop_reply(contract, c, ch, f"stop-{i}")) for i, (c, ch) in enumerate(opted)
    ]
    opted_out = set(opted)
    sends = []
    for i in range(records - stops):
        contact = contact_name(rng.randrange(contacts))
        channel = pick_channel(rng)
        origin = "INBOX" if rng.random() < inbox_share else "CAMPAIGN"
        value = outbound(contract, rng, i, contact, channel, origin)
        suppress = origin == "CAMPAIGN" and (contact, channel) in opted_out
        sends.append(Send(i, contact.encode(), value, channel, origin, suppress))
    return Workload(stop_records, sends, opted_out)


def producer(bootstrap: str, **extra: Any) -> Producer:
    return Producer(
        {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "linger.ms": 5,
            "partitioner": "murmur2_random",  # Java's default: same partition as upstream Java
            "queue.buffering.max.messages": 1_000_000,
            "queue.buffering.max.kbytes": 1_048_576,
            "batch.num.messages": 10_000,
            **extra,
        }
    )


def produce_all(p: Producer, topic: str, records: Iterable[tuple[bytes, bytes]]) -> int:
    n = 0
    for key, value in records:
        while True:
            try:
                p.produce(topic, value, key)
                break
            except BufferError:
                p.poll(0.05)
        n += 1
        if n % 20_000 == 0:
            p.poll(0)
    left = p.flush(120)
    if left:
        raise RuntimeError(f"{left} records to {topic} were not delivered")
    return n


def produce_workload(bootstrap: str, topics: InputTopics, w: Workload) -> float:
    """STOPs first (flushed, so every send's timestamp is later), then the sends; seconds."""
    p = producer(bootstrap)
    t0 = time.monotonic()
    produce_all(p, topics.replies, w.stops)
    produce_all(p, topics.requests, ((s.key, s.value) for s in w.sends))
    return time.monotonic() - t0


@dataclass
class Paced:
    """Records produced at a steady rate, with the CreateTime each got."""

    created_ms: dict[str, int] = field(default_factory=dict)  # id -> CreateTime
    #: each record's publication to its acknowledgement by the broker, ms (when the producer
    #: heard of it, so an upper bound of when the record was appended)
    acked_ms: list[int] = field(default_factory=list)

    def _acked(self, err: object, msg: Any) -> None:
        if err is None:
            self.acked_ms.append(int(time.time() * 1000) - msg.timestamp()[1])

    def produce(
        self,
        p: Producer,
        items: Iterator[tuple[str, str, bytes, bytes]],
        rate: float,
        count: int,
        poll: Callable[[float], object] | None = None,
    ) -> float:
        """Produce ``count`` of ``items`` (id, topic, key, value) at ``rate``/s, each with its own
        CreateTime; ``poll(timeout)`` is called while waiting (say, to read outputs meanwhile).
        Returns the seconds taken."""
        t0 = last_poll = time.monotonic()
        n = 0
        while n < count:
            due = min(count, int((time.monotonic() - t0) * rate) + 1)
            while n < due:
                ident, topic, key, value = next(items)
                ts = int(time.time() * 1000)
                self.created_ms[ident] = ts
                p.produce(topic, value, key, timestamp=ts, on_delivery=self._acked)
                n += 1
            p.poll(0)
            now = time.monotonic()
            if poll is not None and now - last_poll > 0.05:  # read outputs 20 times a second
                poll(0.0)
                last_poll = now
            wait = t0 + n / rate - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, 0.005))
        p.flush(60)
        return time.monotonic() - t0
