"""Fault-injection harness: load generator, worker and fault driver, output reader and checker.

Used by ``python -m tests.fault.run`` (the full run), ``tests/fault/test_fault_run.py`` (a small
one for CI) and ``tests/integration/test_ordering.py``. It only talks to the worker through Kafka
and the process table, so it checks any engine that honours the contract:

* inputs are produced with **confluent-kafka** (librdkafka, its own default partitioner) and
  encoded with the **Apache avro** library (single-object encoding), never with the worker's code;
* every output is read back with ``isolation.level=read_committed`` and decoded with Apache avro
  (the writer schema is picked by its CRC-64-AVRO fingerprint among every ``schemas/*/vN.avsc``);
* the expected outcome is computed by reading every input record back from Kafka and replaying
  each contact's inputs in event-time order (record timestamp; ties: consent inputs before sends,
  then topic, partition, offset) through the pure core (``streams.core``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import heapq
import itertools
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from confluent_kafka import (
    OFFSET_BEGINNING,
    Consumer,
    ConsumerGroupTopicPartitions,
    KafkaError,
    Message,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

from devtools.runner import settings_env
from streams.core.consent import (
    ConsentState,
    Trigger,
    apply,
    click_trigger,
    command_trigger,
    default_state,
    event_id,
    reply_trigger,
    state_record,
)
from streams.core.decision import decide
from streams.kafka.admin import create_topics as create_gate_topics
from streams.settings import Settings
from streams.state.consent_store import is_consent_key
from tests.fault import slowdisk
from tests.fault.cluster import BrokerCluster
from tests.fault.netcut import Bridge, NetNamespace, available, broker_ports

# Shared with the fuzz run (tests/harness_common.py); the codec, the errors and input_topics stay
# importable from here.
from tests.harness_common import HEADER_LEN as HEADER_LEN
from tests.harness_common import MAGIC as MAGIC
from tests.harness_common import REPO, Headers, Log, Rec
from tests.harness_common import SCHEMA_DIR as SCHEMA_DIR
from tests.harness_common import AvroCodec as AvroCodec
from tests.harness_common import AvroError as AvroError
from tests.harness_common import HarnessError as HarnessError
from tests.harness_common import crc64_avro as crc64_avro
from tests.harness_common import input_topics as input_topics
from tests.waiting import eventually

KAFKA_LOCAL = REPO / "scripts" / "kafka-local"
REPLY = "consent-gate-reply"  # the header of the gate's own replies (streams.processing.records)


# =================================================================================================
# Settings and names
# =================================================================================================


def make_settings(bootstrap: str, tag: str, **overrides: Any) -> Settings:
    """Settings of one run (its own topic prefix and app id). Overrides naming a setting this
    version of ``Settings`` does not have are dropped, so the harness runs across versions."""
    values: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "app_id": f"cg-fault-{tag}",
        "topic_prefix": f"fault-{tag}.",
        "channels": ("SMS", "WHATSAPP", "EMAIL", "MESSENGER"),
        "partitions": 8,
        "output_partitions": 3,
        "session_timeout_s": 6,
        "progress_interval_s": 10,
        "log_level": "info",
        "http_port": 0,  # two workers on one machine (dropped for versions without the API)
        **overrides,
    }
    known = {k: v for k, v in values.items() if k in Settings.model_fields}
    return Settings(_env_file=None, **known)  # type: ignore[call-arg]


#: input kind -> (record, id field)
KINDS: dict[str, tuple[str, str]] = {
    "reply": ("inbound_reply", "event_id"),
    "click": ("link_click", "event_id"),
    "command": ("consent_command", "command_id"),
    "request": ("outbound_message", "message_id"),
}


# =================================================================================================
# Kafka I/O (confluent-kafka)
# =================================================================================================


def _rec(msg: Message) -> Rec:
    topic, partition, offset = msg.topic(), msg.partition(), msg.offset()
    assert topic is not None and partition is not None and offset is not None
    return Rec(
        topic,
        partition,
        offset,
        msg.timestamp()[1],
        msg.key(),
        msg.value(),
        _headers(msg),
    )


def _headers(msg: Message) -> Headers:
    raw = msg.headers() or []
    pairs = raw.items() if isinstance(raw, dict) else raw
    return tuple((k, v.encode() if isinstance(v, str) else v) for k, v in pairs)


#: librdkafka logs every refused connection (a broker restart): errors reach us anyway (delivery
#: reports, consumer error events, timeouts), so its log stays off.
QUIET = {"log_level": 0}


def admin_client(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, **QUIET})


def create_topics(
    bootstrap: str, partitions: Mapping[str, int], timeout_s: float = 30, replication: int = 1
) -> None:
    """Create topics (name -> partition count) and wait until every partition has a leader."""
    admin = admin_client(bootstrap)
    futures = admin.create_topics(
        [
            NewTopic(t, num_partitions=n, replication_factor=replication)
            for t, n in partitions.items()
        ]
    )
    for future in futures.values():
        future.result(timeout_s)
    wait_for_leaders(bootstrap, partitions, timeout_s)


def wait_for_leaders(
    bootstrap: str, topics: Mapping[str, int | None], timeout_s: float = 30
) -> None:
    """Until every topic (name -> partition count, None: any) has every partition led, as the
    broker answering says (in a cluster, the others learn of new topics a little later)."""
    admin = admin_client(bootstrap)

    def led() -> bool:
        meta = admin.list_topics(timeout=10)
        return all(
            t in meta.topics
            and len(meta.topics[t].partitions) == (n or len(meta.topics[t].partitions) or -1)
            and all(p.leader >= 0 for p in meta.topics[t].partitions.values())
            for t, n in topics.items()
        )

    if not eventually(led, timeout_s, interval_s=0.2, fail=False):
        raise HarnessError(f"topics {sorted(topics)} have no leaders after {timeout_s} s")


def delete_topics(bootstrap: str, prefixes: Sequence[str], timeout_s: float = 30) -> list[str]:
    admin = admin_client(bootstrap)
    names = [t for t in admin.list_topics(timeout=10).topics if t.startswith(tuple(prefixes))]
    if names:
        for future in admin.delete_topics(names, operation_timeout=timeout_s).values():
            with contextlib.suppress(Exception):
                future.result(timeout_s)
    return names


def _consumer(bootstrap: str, **extra: Any) -> Consumer:
    return Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"cg-fault-reader-{uuid.uuid4().hex[:8]}",  # never joined nor committed
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
            "fetch.wait.max.ms": 100,
            **QUIET,
            **extra,
        }
    )


def partitions_of(
    bootstrap: str, topics: Iterable[str], timeout_s: float = 30
) -> list[tuple[str, int]]:
    """Every (topic, partition) of ``topics``; a topic some broker of a cluster does not know
    yet is asked for again until ``timeout_s``."""
    admin = admin_client(bootstrap)
    names = list(topics)
    unknown = names

    def known() -> Any:
        nonlocal unknown
        meta = admin.list_topics(timeout=10)
        unknown = [t for t in names if t not in meta.topics]
        return None if unknown else meta

    meta = eventually(known, timeout_s, interval_s=0.5, fail=False)
    if meta is None:
        raise HarnessError(f"topic {unknown[0]} does not exist")
    return [(t, p) for t in names for p in sorted(meta.topics[t].partitions)]


def group_lag(bootstrap: str, group: str, topic: str) -> int:
    """Records of ``topic`` the consumer group ``group`` has not committed yet."""
    parts = [TopicPartition(t, p) for t, p in partitions_of(bootstrap, [topic])]
    request = [ConsumerGroupTopicPartitions(group, parts)]
    admin = admin_client(bootstrap)  # kept referenced until the future is resolved
    result = admin.list_consumer_group_offsets(request)[group].result(30)
    committed = {(tp.topic, tp.partition): tp.offset for tp in result.topic_partitions or []}
    ends = end_offsets(bootstrap, [(tp.topic, tp.partition) for tp in parts])
    return sum(end - max(0, committed.get(tp, 0)) for tp, end in ends.items())


def topic_exists(bootstrap: str, topic: str) -> bool:
    return topic in admin_client(bootstrap).list_topics(timeout=10).topics


def end_offsets(bootstrap: str, parts: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    consumer = _consumer(bootstrap)
    try:
        return {
            (t, p): consumer.get_watermark_offsets(TopicPartition(t, p), timeout=10)[1]
            for t, p in parts
        }
    finally:
        consumer.close()


class TopicReader:
    """Reads whole topics from the beginning, committed records only, in a background thread."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self.bootstrap = bootstrap
        self.topics = list(topics)
        self.parts: list[tuple[str, int]] = []
        self.count = 0
        self.errors: Counter[str] = Counter()
        self._new: list[Rec] = []
        self._eof: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> TopicReader:
        self.parts = partitions_of(self.bootstrap, self.topics)
        self._thread = threading.Thread(target=self._run, name="topic-reader", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        consumer = _consumer(self.bootstrap)
        consumer.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in self.parts])
        try:
            while not self._stopping.is_set():
                batch: list[Rec] = []
                for msg in consumer.consume(2000, 0.2):
                    err = msg.error()
                    if err is None:
                        batch.append(_rec(msg))
                    elif err.code() == KafkaError._PARTITION_EOF:
                        topic, partition, offset = msg.topic(), msg.partition(), msg.offset()
                        assert topic is not None and partition is not None and offset is not None
                        with self._lock:
                            self._eof[(topic, partition)] = offset
                    else:
                        self.errors[err.name()] += 1
                if batch:
                    with self._lock:
                        self._new.extend(batch)
                        self.count += len(batch)
        finally:
            consumer.close()

    def take(self) -> list[Rec]:
        """The records read since the last call."""
        with self._lock:
            new, self._new = self._new, []
        return new

    def caught_up(self, ends: Mapping[tuple[str, int], int]) -> bool:
        with self._lock:
            return all(self._eof.get(tp, -1) >= end for tp, end in ends.items())

    def wait_caught_up(self, timeout_s: float) -> bool:
        """Until every partition is read up to the end it has now (committed or aborted)."""
        ends = end_offsets(self.bootstrap, self.parts)
        return eventually(lambda: self.caught_up(ends), timeout_s, fail=False)

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(30)


def read_all(bootstrap: str, topics: Sequence[str], timeout_s: float = 120) -> list[Rec]:
    """Every committed record of ``topics`` as of now, in partition order."""
    reader = TopicReader(bootstrap, topics).start()
    try:
        if not reader.wait_caught_up(timeout_s):
            raise HarnessError(f"could not read {', '.join(topics)} to the end in {timeout_s} s")
        return reader.take()
    finally:
        reader.stop()


@dataclass(frozen=True, slots=True)
class Planned:
    """One input record to produce."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers = ()
    via: int = 0  # which producer client sends it (1: "the other client" of the STOP races)


class InputProducer:
    """confluent-kafka producers (their default partitioner), idempotent, acks=all; the record
    timestamp is librdkafka's CreateTime at ``send``. ``clients`` independent producers: a
    record goes through the one its ``via`` names (the STOPs of the freeze races come from
    another client than the campaigns that follow them, neither waiting for the other).
    ``skews_ms``: how far each client's clock is off (negative: behind); a skewed client stamps
    its records with its own clock, as a producer on a host with a wrong clock does."""

    def __init__(
        self, bootstrap: str, grace_ms: int = 200, clients: int = 2, skews_ms: Sequence[int] = ()
    ) -> None:
        self.delivered = 0
        self.errors = 0
        self.first_error: str | None = None
        self.grace_ms = grace_ms
        self.skews_ms = list(skews_ms) + [0] * (max(1, clients) - len(skews_ms))
        #: Inputs acknowledged more than ``grace_ms`` after their timestamp: they may have reached
        #: the broker later than the ordering assumption allows (an upper bound: the ack is later).
        self.late: set[tuple[str, int, int]] = set()
        self.max_ack_ms = 0
        self._producers = [
            Producer(
                {
                    "bootstrap.servers": bootstrap,
                    "acks": "all",
                    "enable.idempotence": True,
                    "linger.ms": 2,
                    "message.timeout.ms": 600_000,  # survives a broker restart
                    "queue.buffering.max.messages": 2_000_000,
                    **QUIET,
                }
            )
            for _ in range(max(1, clients))
        ]

    def _delivered(self, err: KafkaError | None, msg: Message) -> None:
        if err is None:
            self.delivered += 1
            ack_ms = int(time.time() * 1000) - msg.timestamp()[1]
            self.max_ack_ms = max(self.max_ack_ms, ack_ms)
            if ack_ms > self.grace_ms:
                topic, partition, offset = msg.topic(), msg.partition(), msg.offset()
                assert topic is not None and partition is not None and offset is not None
                self.late.add((topic, partition, offset))
        else:
            self.errors += 1
            self.first_error = self.first_error or str(err)

    def send(self, p: Planned) -> None:
        via = min(p.via, len(self._producers) - 1)
        producer = self._producers[via]
        skew = self.skews_ms[via]
        while True:
            try:
                producer.produce(
                    p.topic,
                    p.value,
                    p.key,
                    headers=list(p.headers) if p.headers else None,
                    on_delivery=self._delivered,
                    # librdkafka's own clock unless this client's is off (0: the broker's now).
                    timestamp=int(time.time() * 1000) + skew if skew else 0,
                )
                return
            except BufferError:
                producer.poll(0.05)

    def poll(self) -> None:
        for producer in self._producers:
            producer.poll(0)

    def reconnect(self, timeout_s: float = 60.0) -> None:
        """Until the producer has the cluster's metadata again (after a broker restart)."""
        deadline = time.monotonic() + timeout_s
        for producer in self._producers:
            metadata = functools.partial(producer.list_topics, timeout=5)
            left = max(0.0, deadline - time.monotonic())
            eventually(metadata, left, ignore=(Exception,), fail=False)

    def flush(self, timeout_s: float) -> int:
        """Wait for every delivery report; the number still undelivered."""
        deadline = time.monotonic() + timeout_s
        return sum(p.flush(max(0.0, deadline - time.monotonic())) for p in self._producers)


# =================================================================================================
# Load generation
# =================================================================================================

FULL_WIDTH_STOP = "\uff33\uff34\uff2f\uff30"
STOP_TEXTS = ("STOP", "stop", " Stop! ", FULL_WIDTH_STOP, "UNSUBSCRIBE", "opt-out", "End.", "QUIT")
START_TEXTS = ("START", "unstop", "Yes")
CHATTER = (
    "thanks",
    "HELP",
    "ok see you then",
    "what time is my appointment?",
    "please stop texting me",  # a plain-language opt-out: acts (certain)
    "yes please",
    "Info",
    "👍",
)
RACE_GAPS_MS = (0.0, 0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)


@dataclass(frozen=True)
class LoadSpec:
    inputs: int = 200_000
    contacts: int = 10_000
    opt_outs: int = 1_000  # opt-out inputs (reply, click and command in turn), at least
    rate: float = 600.0  # inputs per second
    race_share: float = 0.35  # opt-outs followed 0-100 ms later by a CAMPAIGN send
    reverse_race_share: float = 0.1  # opt-outs produced 0-100 ms *after* a CAMPAIGN send
    opt_in_share: float = 0.15  # opt-outs lifted later by an opt-in with proof
    bad_share: float = 0.002  # undecodable / invalid inputs (dead letters)
    #: STOP -> CAMPAIGN races per second while a worker is frozen and for RACE_TAIL_S after it
    #: thaws: a STOP from the other client, then a CAMPAIGN to the same contact 0-20 ms later.
    freeze_race_rate: float = 20.0
    seed: int = 7


#: How long after a thaw the freeze races go on (the thawed worker acts on what it fetched).
RACE_TAIL_S = 3.0


class LoadGenerator:
    """A steady mix of inputs, with follow-ups scheduled in real time (races 0-100 ms apart).

    ``take(now, target)`` returns what is due: scheduled follow-ups and new inputs until
    ``target`` inputs have been handed out; exactly ``spec.inputs`` in all."""

    def __init__(self, spec: LoadSpec, settings: Settings, codec: AvroCodec) -> None:
        self.spec = spec
        self.codec = codec
        self.topics = input_topics(settings)
        self.max_text = settings.max_text_length
        self.rng = random.Random(spec.seed)
        self.tag = uuid.uuid4().hex[:6]
        self.contacts = [f"c{i:06d}" for i in range(spec.contacts)]
        self.channels = settings.channels
        self.produced = 0
        self.opt_outs = 0
        self.kinds: Counter[str] = Counter()
        self.opted_out: set[tuple[str, str]] = set()
        self.freeze_races = 0
        self._ids = itertools.count()
        self._campaigns = itertools.count()
        self._pending: list[tuple[float, int, Callable[[], Planned]]] = []
        self._seq = itertools.count()

    # --- scheduling ----------------------------------------------------------------------------
    @property
    def reserved(self) -> int:
        return self.produced + len(self._pending)

    @property
    def done(self) -> bool:
        return self.reserved >= self.spec.inputs and not self._pending

    def next_due(self) -> float | None:
        return self._pending[0][0] if self._pending else None

    def _room(self, n: int = 1) -> bool:
        return self.reserved + n <= self.spec.inputs

    def _later(self, due: float, build: Callable[[], Planned]) -> None:
        heapq.heappush(self._pending, (due, next(self._seq), build))

    def take(self, now: float, target: int) -> list[Planned]:
        out: list[Planned] = []
        while True:
            while self._pending and self._pending[0][0] <= now:
                out.append(heapq.heappop(self._pending)[2]())
                self.produced += 1
            if self.produced >= target or self.reserved >= self.spec.inputs:
                return out
            self._next(now, out)

    def _emit(self, out: list[Planned], p: Planned) -> None:
        out.append(p)
        self.produced += 1

    # --- what comes next -----------------------------------------------------------------------
    def _next(self, now: float, out: list[Planned]) -> None:
        spec, rng = self.spec, self.rng
        remaining = spec.inputs - self.reserved
        need = spec.opt_outs - self.opt_outs
        if need > 0 and (
            need >= remaining or self.opt_outs * spec.inputs < self.reserved * spec.opt_outs
        ):
            self._opt_out(now, out)
            return
        r = rng.random()
        contact, channel = rng.choice(self.contacts), rng.choice(self.channels)
        if r < spec.bad_share:
            self._emit(out, self._bad(contact, channel))
        elif r < 0.62:
            self._emit(out, self.send(contact, channel, "CAMPAIGN"))
        elif r < 0.80:
            self._emit(out, self.send(contact, channel, "INBOX"))
        elif r < 0.88:
            self._emit(out, self.reply(contact, channel, rng.choice(CHATTER)))
        elif r < 0.94:
            self._emit(out, self._harmless_click(contact, channel))
        else:
            self._emit(out, self._other_command(contact, channel))

    def _pick_subscribed(self) -> tuple[str, str]:
        pair = (self.rng.choice(self.contacts), self.rng.choice(self.channels))
        for _ in range(20):
            if pair not in self.opted_out:
                break
            pair = (self.rng.choice(self.contacts), self.rng.choice(self.channels))
        return pair

    def _gap_s(self) -> float:
        gap = self.rng.choice((*RACE_GAPS_MS, self.rng.uniform(0, 100)))
        return gap / 1000.0

    def _opt_out(self, now: float, out: list[Planned]) -> None:
        rng = self.rng
        contact, channel = self._pick_subscribed()
        kind = ("reply", "click", "command")[self.opt_outs % 3]
        self.opt_outs += 1
        self.opted_out.add((contact, channel))

        def stop() -> Planned:
            return self.stop(kind, contact, channel)

        def campaign() -> Planned:
            return self.send(contact, channel, "CAMPAIGN")

        r = rng.random()
        if r < self.spec.reverse_race_share and self._room(2):
            self._emit(out, campaign())  # the send first, its STOP 0-100 ms later
            self._later(now + self._gap_s(), stop)
        else:
            self._emit(out, stop())
            if r < self.spec.reverse_race_share + self.spec.race_share and self._room():
                self._later(now + self._gap_s(), campaign)
        if rng.random() < 0.1 and self._room():
            self._later(now + self._gap_s(), lambda: self.send(contact, channel, "INBOX"))
        for _ in range(rng.randint(1, 2)):
            if self._room():
                self._later(now + rng.uniform(0.2, 5.0), campaign)
        if rng.random() < 0.1 and self._room():
            again = rng.choice(("reply", "click", "command"))
            self._later(now + rng.uniform(1, 10), lambda: self.stop(again, contact, channel))
        if rng.random() < self.spec.opt_in_share and self._room(2):
            at = now + rng.uniform(3, 20)
            self._later(at, lambda: self._opt_in(contact, channel))
            self._later(at + rng.uniform(0.5, 3), campaign)

    def races_during(self, now: float, seconds: float) -> int:
        """Schedule STOP -> CAMPAIGN races over the next ``seconds`` (a freeze and its tail):
        each STOP comes from the other client (``via=1``) and the CAMPAIGN to the same
        contact and channel 0-20 ms after it from the main one, neither waiting for the other's
        acknowledgement. The number scheduled (the input budget permitting)."""
        rng = self.rng
        n = 0
        for _ in range(round(self.spec.freeze_race_rate * seconds)):
            if not self._room(2):
                break
            contact, channel = self._pick_subscribed()
            kind = ("reply", "click", "command")[self.opt_outs % 3]
            self.opt_outs += 1
            self.opted_out.add((contact, channel))
            at = now + rng.uniform(0, seconds)

            def stop(kind: str = kind, contact: str = contact, channel: str = channel) -> Planned:
                return replace(self.stop(kind, contact, channel), via=1)

            def campaign(contact: str = contact, channel: str = channel) -> Planned:
                return self.send(contact, channel, "CAMPAIGN")

            self._later(at, stop)
            self._later(at + rng.choice((0.0, 0.0, 0.001, 0.002, 0.005, 0.01, 0.02)), campaign)
            n += 1
        self.freeze_races += n
        return n

    # --- records -------------------------------------------------------------------------------
    def _id(self, prefix: str) -> str:
        return f"{prefix}-{self.tag}-{next(self._ids)}"

    def _planned(
        self, kind: str, record: Mapping[str, Any], headers: Headers = (), key: str | None = None
    ) -> Planned:
        self.kinds[kind] += 1
        value = self.codec.encode(KINDS[kind][0], record)
        k = record["contact_id"] if key is None else key
        return Planned(self.topics[kind], k.encode(), value, headers)

    @staticmethod
    def _now_ms() -> int:
        return int(time.time() * 1000)

    def send(self, contact: str, channel: str, origin: str, **fields: Any) -> Planned:
        rng = self.rng
        campaign = f"camp-{rng.randrange(50)}" if origin == "CAMPAIGN" else None
        message_id = self._id("msg")
        record = {
            "message_id": message_id,
            "contact_id": contact,
            "channel": channel,
            "origin": origin,
            "campaign_id": campaign,
            "message_type": "promotion" if campaign else "conversation",
            "recipient": f"{contact}@{channel.lower()}",
            "template_id": None,
            "body": f"Hello {contact}, message {message_id}",
            "requested_at_ms": self._now_ms(),
            "attributes": {"batch": str(next(self._campaigns) // 100)},
            **fields,
        }
        headers: Headers = ()
        r = rng.random()
        if r < 0.4:
            headers = (("trace-id", message_id.encode()),)
        elif r < 0.45:
            headers = (("tag", b"a"), ("tag", b"b"), ("empty", b""))
        return self._planned("request", record, headers)

    def reply(self, contact: str, channel: str, text: str) -> Planned:
        record = {
            "event_id": self._id("reply"),
            "contact_id": contact,
            "channel": channel,
            "text": text,
            "received_at_ms": self._now_ms(),
            "in_reply_to_message_id": None,
            "campaign_id": f"camp-{self.rng.randrange(50)}" if self.rng.random() < 0.5 else None,
            "message_type": None,
        }
        return self._planned("reply", record)

    def click(self, contact: str, channel: str, kind: str, method: str, **fields: Any) -> Planned:
        record = {
            "event_id": self._id("click"),
            "contact_id": contact,
            "channel": channel,
            "kind": kind,
            "http_method": method,
            "prefetch": False,
            "url": "https://example.com/u",
            "message_id": None,
            "campaign_id": f"camp-{self.rng.randrange(50)}",
            "message_type": "promotion",
            "feedback_reason": None,
            "clicked_at_ms": self._now_ms(),
            **fields,
        }
        return self._planned("click", record)

    def command(self, contact: str, channel: str, action: str, **fields: Any) -> Planned:
        record = {
            "command_id": self._id("cmd"),
            "contact_id": contact,
            "channel": channel,
            "action": action,
            "source": "API",
            "issued_at_ms": self._now_ms(),
            "proof": None,
            "reason": None,
            "campaign_id": None,
            "actor": "fault-run",
            **fields,
        }
        return self._planned("command", record)

    def proof(self) -> dict[str, Any]:
        return {
            "captured_at_ms": self._now_ms(),
            "method": "web_form",
            "evidence": self._id("form"),
            "ip_address": None,
        }

    def stop(self, kind: str, contact: str, channel: str) -> Planned:
        """An opt-out by reply, click or command."""
        rng = self.rng
        if kind == "reply":
            return self.reply(contact, channel, rng.choice(STOP_TEXTS))
        if kind == "click":
            if rng.random() < 0.5:
                reason = rng.choice((None, "too many messages", "not interested"))
                return self.click(
                    contact, channel, "UNSUBSCRIBE", rng.choice(("GET", "POST")),
                    feedback_reason=reason,
                )  # fmt: skip
            return self.click(contact, channel, "ONE_CLICK_UNSUBSCRIBE", "POST")
        source = "IMPORT" if rng.random() < 0.2 else "API"
        return self.command(contact, channel, "OPT_OUT", source=source, reason="asked by phone")

    def _opt_in(self, contact: str, channel: str) -> Planned:
        self.opted_out.discard((contact, channel))
        if self.rng.random() < 0.5:
            return self.reply(contact, channel, self.rng.choice(START_TEXTS))
        return self.command(contact, channel, "OPT_IN", proof=self.proof())

    def _harmless_click(self, contact: str, channel: str) -> Planned:
        r = self.rng.random()
        if r < 0.5:
            return self.click(contact, channel, "OTHER", "GET")
        if r < 0.8:
            return self.click(contact, channel, "UNSUBSCRIBE", "GET", prefetch=True)
        return self.click(contact, channel, "ONE_CLICK_UNSUBSCRIBE", "GET")

    def _other_command(self, contact: str, channel: str) -> Planned:
        """Refused or no-op commands: an opt-in without proof, an import opt-in (refused on an
        opted-out contact), an opt-in with proof for a subscribed contact."""
        r = self.rng.random()
        if r < 0.4:
            return self.command(contact, channel, "OPT_IN")
        if r < 0.8:
            if self.opted_out and self.rng.random() < 0.5:
                contact, channel = self.rng.choice(sorted(self.opted_out))
            return self.command(contact, channel, "OPT_IN", source="IMPORT", proof=self.proof())
        contact, channel = self._pick_subscribed()
        return self.command(contact, channel, "OPT_IN", proof=self.proof())

    def _bad(self, contact: str, channel: str) -> Planned:
        r = self.rng.random()
        if r < 0.3:
            kind = self.rng.choice(sorted(self.topics))
            self.kinds[kind] += 1
            return Planned(self.topics[kind], contact.encode(), b"not avro: " + os.urandom(8))
        if r < 0.5:
            return self.send(contact, "FAX", "CAMPAIGN")  # UNKNOWN_CHANNEL
        if r < 0.65:
            return self.reply(contact, channel, "x" * (self.max_text + 1))  # TEXT_TOO_LONG
        if r < 0.8:
            p = self.command("  ", channel, "OPT_OUT")  # INVALID_FIELD (empty contact id)
            return Planned(p.topic, contact.encode(), p.value)
        reply = self.reply(contact, channel, "STOP")  # a reply on the requests topic
        self.kinds["reply"] -= 1
        self.kinds["request"] += 1
        return Planned(self.topics["request"], reply.key, reply.value)  # UNKNOWN_SCHEMA


# =================================================================================================
# Workers and faults
# =================================================================================================


class Worker:
    """One ``streams.cli worker`` process with its own worker id and state directory."""

    def __init__(
        self, name: str, settings: Settings, log_path: Path, cwd: Path, src: Path | None = None
    ) -> None:
        self.name = name
        self.settings = settings
        self.log_path = log_path
        self.cwd = cwd
        self.src = src
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.started_at = 0.0
        self.expected_up = False
        self.frozen = False
        self.cut_off = False  # frozen by a network cut rather than SIGSTOP
        self.netns: NetNamespace | None = None
        self.bridge: Bridge | None = None
        self.extra_env: dict[str, str] = {}  # a slow disk's shim, say

    def isolate(self, broker_ports: Sequence[int]) -> None:
        """Run in a network namespace of its own, reaching the brokers through a bridge that a
        network cut stops (tests/fault/netcut.py)."""
        self.netns = NetNamespace()
        self.bridge = Bridge(self.netns, broker_ports)

    def release_network(self) -> None:
        if self.bridge is not None:
            self.bridge.close()
        if self.netns is not None:
            self.netns.close()
        self.bridge = self.netns = None

    def command(self) -> list[str]:
        """The process to start (a peer's worker overrides it: tests/fault/peers.py)."""
        return [sys.executable, "-m", "streams.cli", "worker"]

    def environment(self) -> dict[str, str]:
        env = {
            **os.environ,
            **settings_env(self.settings),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        if self.src is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(self.src), env.get("PYTHONPATH", "")) if p
            )
        return env

    def start(self) -> None:
        env = self.environment()
        self.starts += 1
        self.started_at = time.monotonic()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.cwd.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n=== start {self.starts} at {time.strftime('%H:%M:%S')}\n".encode())
            log.flush()
            command = self.command()
            self.proc = subprocess.Popen(
                self.netns.wrap(command) if self.netns is not None else command,
                env=env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.expected_up = True

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def up_for(self, seconds: float) -> bool:
        """Running (not frozen), and for at least ``seconds`` (a fault on a worker still
        starting, or frozen, is moved)."""
        return self.alive and not self.frozen and time.monotonic() - self.started_at >= seconds

    def freeze(self, flavour: str = "") -> None:
        """SIGSTOP its whole process group (a long GC or swap pause, a starved container); the
        ``cut`` flavour cuts it off the brokers instead, awake (a network partition)."""
        if self.proc is not None and self.proc.poll() is None:
            if flavour == "cut":
                assert self.bridge is not None, "a network cut needs isolate() first"
                self.bridge.cut()
                self.cut_off = True
            else:
                os.killpg(self.proc.pid, signal.SIGSTOP)
            self.frozen = True

    def thaw(self) -> None:
        """SIGCONT its process group (or heal its network cut)."""
        if self.cut_off and self.bridge is not None:
            self.bridge.heal()
        elif self.frozen and self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGCONT)
        self.frozen = self.cut_off = False

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def kill(self) -> None:
        """kill -9 (its whole process group: it was started in a session of its own)."""
        self.expected_up = False
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
        self.frozen = False

    def terminate(
        self, timeout_s: float = 60.0, signal_it: bool = True
    ) -> tuple[int | None, float]:
        """SIGTERM and wait (SIGKILL after ``timeout_s``): (exit code, seconds it took)."""
        self.expected_up = False
        started = time.monotonic()
        if self.proc is None:
            return None, 0.0
        self.thaw()  # a stopped process would only see the SIGTERM once continued
        if self.proc.poll() is None:
            if signal_it:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode, time.monotonic() - started

    def wipe_state(self) -> None:
        shutil.rmtree(self.settings.data_dir, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


#: Freeze flavours: SIGSTOP below the session timeout, past it (the partitions move) but below
#: the transaction timeout, and past the transaction timeout too (the coordinator aborts the
#: frozen worker's open transaction).
FREEZE_FLAVOURS = ("session", "txn", "short")
#: Every flavour ``--freeze-kinds`` takes: also ``cut``, a network partition between the worker
#: and the brokers past the transaction timeout, the worker awake (tests/fault/netcut.py; root).
ALL_FREEZE_FLAVOURS = (*FREEZE_FLAVOURS, "cut")
FREEZE_LABELS = {
    "short": "freeze < session timeout",
    "session": "freeze > session timeout",
    "txn": "freeze > transaction timeout",
    "cut": "network cut > transaction timeout",
}


def freeze_ranges(
    session_timeout_s: float,
    transaction_timeout_s: float,
    overrides: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, tuple[float, float]]:
    """Seconds frozen per flavour (low, high), from the timeouts: short 1-3 s (below the
    session timeout), session 7-9 s with a 6 s session timeout (below the transaction timeout),
    txn 12-20 s with a 10 s transaction timeout."""
    s, t = session_timeout_s, transaction_timeout_s
    ranges = {
        "short": (1.0, max(1.0, min(3.0, s - 2))),
        "session": (s + 1, max(s + 1, min(s + 3, t - 1))),
        "txn": (t + 2, 2 * t),
        "cut": (t + 2, 2 * t),
    }
    ranges.update(overrides or {})
    return ranges


@dataclass(frozen=True, slots=True)
class Fault:
    at_s: float  # seconds after the load started
    #: "kill" (kill -9), "term" (SIGTERM, graceful), "broker" (restart the one local broker),
    #: "freeze" (SIGSTOP a worker, SIGCONT after ``restart_after_s``), "broker-kill" (kill -9
    #: the broker of a cluster leading the most partitions of the gate's, restart it later),
    #: "broker-freeze" (SIGSTOP a broker of a cluster, SIGCONT later)
    kind: str
    worker: int = 0
    restart_after_s: float = 1.0  # how long the worker (or the broker) stays down or frozen
    wipe: bool = False  # delete the worker's state directory before it restarts
    flavour: str = ""  # freezes: short, session or txn (FREEZE_FLAVOURS)


def plan_faults(
    duration_s: float,
    workers: int,
    kills: int,
    graceful: int = 1,
    broker_restart: bool = False,
    wipe: bool = True,
    session_timeout_s: float = 6.0,
    seed: int = 7,
    *,
    freezes: int = 0,
    freeze_kinds: Sequence[str] = FREEZE_FLAVOURS,
    freeze_seconds: Mapping[str, tuple[float, float]] | None = None,
    transaction_timeout_s: float = 10.0,
    broker_kills: int = 0,
    broker_freezes: int = 0,
    broker_freeze_s: float = 30.0,
    broker_down_s: float = 10.0,
) -> list[Fault]:
    """Faults spread over the load: every third kill stays down past the session timeout (its
    partitions move), the middle kill also loses its state directory, the broker restart is in
    the middle, graceful restarts in between; freezes (flavours taken from ``freeze_kinds`` in
    turn) and cluster broker faults spread among them."""
    rng = random.Random(seed)
    kinds = ["kill"] * kills
    for g in range(graceful):
        kinds.insert(round((g + 1) * len(kinds) / (graceful + 1)), "term")
    n0 = len(kinds)
    for f in range(freezes):
        kinds.insert(round((f + 0.5) * n0 / freezes) + f, "freeze")
    for b in range(broker_kills + broker_freezes):
        # Freezes first: a killed broker may take a minute to start again on a busy machine.
        kind = "broker-freeze" if b < broker_freezes else "broker-kill"
        kinds.insert(round((b + 1) * len(kinds) / (broker_kills + broker_freezes + 1)), kind)
    if broker_restart:
        kinds.insert(len(kinds) // 2, "broker")
    ranges = freeze_ranges(session_timeout_s, transaction_timeout_s, freeze_seconds)
    begin, end = 0.12 * duration_s, 0.85 * duration_s
    faults: list[Fault] = []
    kill_no = term_no = freeze_no = target = 0
    wipe_at = (kills - 1) // 2 if kills else -1
    for i, kind in enumerate(kinds):
        at = begin + (end - begin) * (i + 0.5) / len(kinds)
        if kind == "broker":
            faults.append(Fault(at, "broker", restart_after_s=3.0))
            continue
        if kind == "broker-kill":
            faults.append(Fault(at, kind, restart_after_s=broker_down_s))
            continue
        if kind == "broker-freeze":
            faults.append(Fault(at, kind, restart_after_s=broker_freeze_s))
            continue
        worker = target % workers
        target += 1
        if kind == "freeze":
            flavour = freeze_kinds[freeze_no % len(freeze_kinds)]
            low, high = ranges[flavour]
            faults.append(Fault(at, "freeze", worker, rng.uniform(low, high), flavour=flavour))
            freeze_no += 1
        elif kind == "kill":
            long_down = kill_no % 3 == 1
            down = session_timeout_s + 4 if long_down else rng.uniform(0.5, 2.5)
            faults.append(Fault(at, "kill", worker, down, wipe and kill_no == wipe_at))
            kill_no += 1
        else:
            faults.append(Fault(at, "term", worker, 1.0, wipe and wipe_at < 0 and term_no == 0))
            term_no += 1
    return faults


def broker_command(command: str, timeout_s: float = 300) -> None:
    """``scripts/kafka-local <command>`` (its KAFKA_* environment as ours)."""
    proc = subprocess.run(
        [str(KAFKA_LOCAL), command], capture_output=True, text=True, timeout=timeout_s, check=False
    )
    if proc.returncode != 0:
        raise HarnessError(f"kafka-local {command} failed: {proc.stdout}{proc.stderr}")


class LoadPause:
    """Lets the fault driver hold the load while the broker is down: inputs produced then would
    reach the broker long after their timestamps, outside the ordering assumption (a record
    reaches the broker within the grace of its timestamp)."""

    def __init__(self) -> None:
        self.active = False  # set by the producing loop while it runs
        self._allowed = threading.Event()
        self._allowed.set()
        self._paused = threading.Event()

    def request(self, timeout_s: float = 120.0) -> bool:
        """Ask the load to stop (it flushes what it produced); True once it has."""
        self._allowed.clear()
        return not self.active or self._paused.wait(timeout_s)

    def release(self) -> None:
        self._paused.clear()
        self._allowed.set()

    def checkpoint(self, flush: Callable[[], object], reconnect: Callable[[], object]) -> float:
        """Called by the producing loop: if asked, flush, wait until released and reconnected
        (else the first inputs after the pause reach the broker late); the seconds paused."""
        if self._allowed.is_set():
            return 0.0
        started = time.monotonic()
        flush()
        self._paused.set()
        self._allowed.wait()
        reconnect()
        return time.monotonic() - started


@dataclass
class FaultStats:
    kills: int = 0
    long_kills: int = 0  # down longer than the session timeout
    graceful: int = 0
    graceful_stop_s: list[float] = field(default_factory=list)
    graceful_exit_codes: list[int | None] = field(default_factory=list)
    wipes: int = 0
    broker_restarts: int = 0
    broker_down_s: float = 0.0
    freezes: dict[str, int] = field(default_factory=dict)  # flavour -> count
    freeze_s: list[float] = field(default_factory=list)
    broker_kills: int = 0
    broker_freezes: int = 0
    unexpected_exits: int = 0
    unexpected: list[str] = field(default_factory=list)
    #: Set when the workers kept exiting unasked (a crash loop): they are not restarted any
    #: more and the run checks what came out until then.
    gave_up: str = ""
    #: One per fault: {"kind": label, "target": worker or broker, "start_ms", "end_ms"} (wall
    #: clock, like the inputs' timestamps), to attribute what went wrong to the fault near it.
    windows: list[dict[str, Any]] = field(default_factory=list)


def _wall_ms() -> int:
    return int(time.time() * 1000)


class FaultDriver:
    """Carries out the fault plan in a thread and restarts workers that die unasked."""

    def __init__(
        self,
        workers: Sequence[Worker],
        faults: Sequence[Fault],
        log: Log,
        session_timeout_s: float,
        max_unexpected_exits: int = 8,
        pause: LoadPause | None = None,
        cluster: BrokerCluster | None = None,
        leader_topics: Sequence[str] = (),
    ) -> None:
        self.workers = list(workers)
        self.pause = pause or LoadPause()
        self.log = log
        self.session_timeout_s = session_timeout_s
        self.max_unexpected = max_unexpected_exits
        self.cluster = cluster
        self.leader_topics = list(leader_topics)  # broker-kill: the leader of most of these
        self.stats = FaultStats()
        self.failed: str | None = None
        #: Seconds of STOP -> CAMPAIGN races the load should add now (one entry per freeze).
        self.race_requests: deque[float] = deque()
        self._queue: list[tuple[float, int, str, int, float, bool, str]] = []
        self._seq = itertools.count()
        self._t0 = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._open: dict[tuple[str, int], dict[str, Any]] = {}  # windows not closed yet
        self._last_thaw = -1e9
        for f in faults:
            self._push(f.at_s, f.kind, f.worker, f.restart_after_s, f.wipe, f.flavour)

    def _push(
        self, at: float, kind: str, worker: int, after: float, wipe: bool, flavour: str = ""
    ) -> None:
        with self._lock:
            heapq.heappush(self._queue, (at, next(self._seq), kind, worker, after, wipe, flavour))

    def now(self) -> float:
        return time.monotonic() - self._t0

    def start(self) -> FaultDriver:
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="fault-driver", daemon=True)
        self._thread.start()
        return self

    @property
    def idle(self) -> bool:
        with self._lock:
            return not self._queue

    def wait_idle(self, timeout_s: float) -> bool:
        """Until every planned fault and restart is done."""
        eventually(lambda: self.idle or self.failed, timeout_s, interval_s=0.2, fail=False)
        return self.idle and not self.failed

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(60)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                self._step()
                self._watch()
                time.sleep(0.1)
        except Exception as exc:  # a harness bug: say so, never hang
            self.failed = f"fault driver crashed: {exc!r}"

    def _open_window(self, kind: str, target: str, slot: tuple[str, int]) -> None:
        window = {"kind": kind, "target": target, "start_ms": _wall_ms(), "end_ms": None}
        self.stats.windows.append(window)
        self._open[slot] = window

    def _close_window(self, slot: tuple[str, int]) -> None:
        window = self._open.pop(slot, None)
        if window is not None:
            window["end_ms"] = _wall_ms()

    def _step(self) -> None:
        with self._lock:
            if not self._queue or self._queue[0][0] > self.now():
                return
            _, _, kind, index, after, wipe, flavour = heapq.heappop(self._queue)
        stats = self.stats
        if kind == "broker":
            self.log(
                f"fault: broker restart (load paused, scripts/kafka-local stop, {after:.0f} s "
                "down, start)"
            )
            started = time.monotonic()
            if not self.pause.request():
                self.log("fault: the load did not pause in 120 s; restarting the broker anyway")
            self._open_window("broker restart", "broker", ("broker", 0))
            try:
                broker_command("stop")
                time.sleep(after)
                broker_command("start")
            finally:
                self.pause.release()
                self._close_window(("broker", 0))
            stats.broker_restarts += 1
            stats.broker_down_s += time.monotonic() - started
            self.log(f"fault: broker back after {time.monotonic() - started:.1f} s")
            return
        if kind in ("broker-kill", "broker-freeze", "broker-start", "broker-up", "broker-thaw"):
            self._broker_fault(kind, index, after)
            return
        if kind == "thaw":
            worker = self.workers[index]
            worker.thaw()
            self._close_window(("worker", index))
            self._last_thaw = self.now()
            self.log(f"fault: {worker.name} thawed (SIGCONT, or its network back)")
            return
        if kind == "freeze" and (
            any(w.frozen for w in self.workers) or self.now() - self._last_thaw < FREEZE_GAP_S
        ):
            # One freeze at a time, and the next only once the last one's window (in the
            # figures per fault kind) is over: each freeze's figures stay its own.
            self._push(self.now() + 1.0, kind, index, after, wipe, flavour)
            return
        if kind != "start" and not self.workers[index].up_for(3.0):
            # The target is down or just starting: hit another worker, or try again shortly.
            ready = [i for i, w in enumerate(self.workers) if w.up_for(3.0)]
            if not ready:
                self._push(self.now() + 1.0, kind, index, after, wipe, flavour)
                return
            index = ready[0]
        worker = self.workers[index]
        if kind == "start":
            if wipe:
                worker.wipe_state()
                stats.wipes += 1
            worker.start()
            self._close_window(("worker", index))
            self.log(f"fault: {worker.name} started again" + (" (state wiped)" if wipe else ""))
            return
        if kind == "freeze":
            label = FREEZE_LABELS.get(flavour, f"freeze {flavour}")
            worker.freeze(flavour)
            self._open_window(label, worker.name, ("worker", index))
            stats.freezes[flavour] = stats.freezes.get(flavour, 0) + 1
            stats.freeze_s.append(round(after, 1))
            self.race_requests.append(after + RACE_TAIL_S)
            what = "cut off the brokers" if flavour == "cut" else "SIGSTOP"
            self.log(
                f"fault: {what} {worker.name} (pid {worker.proc.pid if worker.proc else '?'}) "
                f"for {after:.1f} s ({label})"
            )
            self._push(self.now() + after, "thaw", index, 0.0, False)
            return
        if kind == "kill":
            worker.kill()
            stats.kills += 1
            moves = after > self.session_timeout_s
            stats.long_kills += moves
            label = "kill -9, partitions moved" if moves else "kill -9"
            self._open_window(label, worker.name, ("worker", index))
            self.log(
                f"fault: kill -9 {worker.name} (pid {worker.proc.pid if worker.proc else '?'}), "
                f"down {after:.1f} s{' (partitions move)' if moves else ''}"
                f"{', state dir to be wiped' if wipe else ''}"
            )
        else:
            self._open_window("SIGTERM", worker.name, ("worker", index))
            rc, took = worker.terminate()
            stats.graceful += 1
            stats.graceful_stop_s.append(round(took, 2))
            stats.graceful_exit_codes.append(rc)
            self.log(f"fault: SIGTERM {worker.name}: exit {rc} after {took:.1f} s")
        self._push(self.now() + after, "start", index, 0.0, wipe)

    def _broker_fault(self, kind: str, index: int, after: float) -> None:
        """kill -9 / SIGSTOP a broker of the cluster (the load goes on), and bring it back."""
        cluster = self.cluster
        if cluster is None:
            raise HarnessError(f"a {kind} fault needs a broker cluster (RunConfig.cluster)")
        if kind == "broker-start":
            cluster.restart(index)  # the driver goes on (a broker takes a while to start)
            self.log(f"fault: broker {index} starting again")
            self._push(self.now() + 1.0, "broker-up", index, 0.0, False)
            return
        if kind == "broker-up":
            if not cluster.is_up(index):
                self._push(self.now() + 1.0, "broker-up", index, 0.0, False)
                return
            window = self._open.get(("broker", index))
            self._close_window(("broker", index))
            down = (_wall_ms() - window["start_ms"]) / 1000 if window else 0.0
            self.log(f"fault: broker {index} up again, {down:.0f} s after it was killed")
            return
        if kind == "broker-thaw":
            cluster.thaw(index)
            self._close_window(("broker", index))
            self.log(f"fault: SIGCONT broker {index}")
            return
        if any(slot[0] == "broker" for slot in self._open):
            # One broker fault at a time: two of three brokers away is an outage by design.
            self._push(self.now() + 1.0, kind, index, after, False)
            return
        leaders = partition_leaders(cluster.bootstrap, self.leader_topics)
        target = max(cluster.node_ids(), key=lambda n: (leaders.get(n, 0), -n))
        kill = kind == "broker-kill"
        label, then = (
            ("broker kill -9 (leader)", "broker-start")
            if kill
            else ("broker freeze", "broker-thaw")
        )
        self._open_window(label, f"broker {target}", ("broker", target))
        (cluster.kill if kill else cluster.freeze)(target)
        if kill:
            self.stats.broker_kills += 1
        else:
            self.stats.broker_freezes += 1
        self.log(
            f"fault: {'kill -9' if kill else 'SIGSTOP'} broker {target} (leads "
            f"{leaders.get(target, 0)} of the gate's partitions: {dict(sorted(leaders.items()))})"
            f", {'down' if kill else 'frozen'} {after:.0f} s"
        )
        self._push(self.now() + after, then, target, 0.0, False)

    def _watch(self) -> None:
        for index, worker in enumerate(self.workers):
            if worker.expected_up and not worker.alive:
                worker.expected_up = False
                self.stats.unexpected_exits += 1
                note = f"{worker.name} exited unasked (code {worker.returncode})"
                critical = [ln for ln in worker.log_tail(40).splitlines() if "CRITICAL" in ln]
                if critical:
                    note += ": " + critical[-1].split(" ", 4)[-1]
                self.stats.unexpected.append(note)
                self.log(f"fault: {note}; restarting it. Log tail:\n{worker.log_tail(15)}")
                if self.stats.unexpected_exits > self.max_unexpected:
                    self.stats.gave_up = (
                        f"workers exited unasked {self.stats.unexpected_exits} times; last: {note}"
                    )
                    self.log(
                        f"fault: giving up on the workers ({self.stats.gave_up}); no more "
                        f"restarts, checking what came out. Log tail:\n{worker.log_tail(40)}"
                    )
                    continue
                if not self.stats.gave_up:
                    self._push(self.now() + 1.0, "start", index, 0.0, False)

    def close_windows(self) -> None:
        """End the windows still open (the run is over)."""
        for slot in list(self._open):
            self._close_window(slot)


def partition_leaders(bootstrap: str, topics: Sequence[str]) -> Counter[int]:
    """Broker id -> how many partitions of ``topics`` it leads (AdminClient metadata)."""
    meta = admin_client(bootstrap).list_topics(timeout=10)
    leaders: Counter[int] = Counter()
    for name in topics:
        topic = meta.topics.get(name)
        if topic is None:
            continue
        for part in topic.partitions.values():
            if part.leader >= 0:
                leaders[part.leader] += 1
    return leaders


# =================================================================================================
# Expected outcome: replay every input in event-time order through the pure core
# =================================================================================================


@dataclass(slots=True, eq=False)
class Input:
    """One input record read back from Kafka, and what the replay expects of it."""

    rec: Rec
    kind: str  # reply, click, command, request
    record: dict[str, Any] | None = None
    error: str | None = None  # expected dead-letter code (invalid, or a refused command)
    ident: str | None = None  # message_id / event_id / command_id
    contact: str | None = None
    channel: str | None = None
    origin: str | None = None  # requests: CAMPAIGN or INBOX
    expect: str = "none"  # forward, suppress, deadletter, event, none
    reason: str | None = None  # expected suppression reason
    event_type: str | None = None
    event_id: str | None = None  # expected consent event id
    state_by: Input | None = None  # the consent input behind the state a send was decided on

    @property
    def order_independent(self) -> bool:
        """Whether some output is due whatever the order: a send, or an input dead-lettered in
        any order (invalid, an opt-in without proof). The others (an opt-out's event, an import
        refused because of an earlier opt-out) depend on what came before."""
        return self.kind == "request" or (
            self.expect == "deadletter" and self.error != "IMPORT_CANNOT_LIFT_OPT_OUT"
        )

    @property
    def is_campaign(self) -> bool:
        return self.kind == "request" and self.error is None and self.origin == "CAMPAIGN"

    @property
    def is_inbox(self) -> bool:
        return self.kind == "request" and self.error is None and self.origin == "INBOX"

    def order_key(self) -> tuple[int, int, str, int, int]:
        """Event time; ties: consent inputs before sends, then topic, partition, offset."""
        r = self.rec
        return (r.timestamp_ms, 1 if self.kind == "request" else 0, r.topic, r.partition, r.offset)


def read_inputs(recs: Iterable[Rec], settings: Settings, codec: AvroCodec) -> list[Input]:
    """Decode and check each input record the way the contract says the worker must."""
    kind_of_topic = {t: k for k, t in input_topics(settings).items()}
    channels = set(settings.channels)
    inputs = []
    for rec in recs:
        inp = Input(rec, kind_of_topic[rec.topic])
        inputs.append(inp)
        record_name, id_field = KINDS[inp.kind]
        try:
            record = codec.decode(rec.value, record_name)
        except AvroError as exc:
            inp.error = exc.code
            continue
        inp.record = record
        inp.ident = record[id_field]
        contact = record["contact_id"].strip()
        channel = record["channel"].strip().upper()
        if inp.kind == "request":
            inp.origin = record["origin"]
        if not contact or len(contact) > 256 or not record[id_field].strip():
            inp.error = "INVALID_FIELD"
        elif channel not in channels:
            inp.error = "UNKNOWN_CHANNEL"
        elif inp.kind == "reply" and len(record["text"]) > settings.max_text_length:
            inp.error = "TEXT_TOO_LONG"
        else:
            inp.contact, inp.channel = contact, channel
    return inputs


StateTable = dict[tuple[str, str], tuple[ConsentState, Input]]


def replay(inputs: Sequence[Input], settings: Settings) -> StateTable:
    """Fill in each input's expected outcome; the final consent table ((contact, channel) ->
    (state, the input that set it))."""
    policy = settings.keyword_policy()
    default = default_state(settings.default_subscribed)
    by_contact: dict[str, list[Input]] = defaultdict(list)
    for inp in inputs:
        if inp.error is not None:
            inp.expect = "deadletter"
        else:
            assert inp.contact is not None
            by_contact[inp.contact].append(inp)
    table: StateTable = {}
    for contact, items in by_contact.items():
        items.sort(key=Input.order_key)
        for inp in items:
            assert inp.record is not None and inp.channel is not None
            key = (contact, inp.channel)
            state, by = table.get(key, (default, None))
            if inp.kind == "request":
                decision = decide(inp.record["origin"], state)
                inp.expect = "forward" if decision.forward else "suppress"
                inp.reason = None if decision.reason is None else decision.reason.value
                inp.state_by = by
                continue
            trigger: Trigger | None
            if inp.kind == "reply":
                trigger = reply_trigger(
                    inp.record, policy, act_on_contained=settings.act_on_contained_keyword
                )
            elif inp.kind == "click":
                trigger = click_trigger(inp.record)
            else:
                trigger = command_trigger(inp.record)
            if trigger is None:
                continue
            outcome = apply(state, trigger, default_subscribed=settings.default_subscribed)
            if outcome.rejection is not None:
                inp.expect, inp.error = "deadletter", outcome.rejection.value
                continue
            if outcome.changed:
                table[key] = (outcome.state, inp)
            if outcome.event is not None:
                inp.expect = "event"
                inp.event_type = outcome.event.value
                inp.event_id = event_id(trigger.event_id, inp.channel, outcome.event)
    return table


# =================================================================================================
# Outputs and the check
# =================================================================================================


class Outputs:
    """Every output record read so far, indexed by what identifies it."""

    def __init__(self, settings: Settings, codec: AvroCodec, inputs: Sequence[Input]) -> None:
        self.settings = settings
        self.codec = codec
        self.channel_topics = set(settings.channel_topics.values())
        self._by_value = {
            inp.rec.value: inp for inp in inputs if inp.kind == "request" and inp.rec.value
        }
        self.forwarded: dict[str, list[Rec]] = defaultdict(list)
        self.replies: dict[str, list[Rec]] = defaultdict(list)
        self.suppressed: dict[str, list[tuple[Rec, dict[str, Any]]]] = defaultdict(list)
        self.events: dict[str, list[tuple[Rec, dict[str, Any]]]] = defaultdict(list)
        self.dead: dict[tuple[str, int, int], list[tuple[Rec, dict[str, Any]]]] = defaultdict(list)
        self.undecodable: list[str] = []
        self.per_topic: Counter[str] = Counter()
        self.count = 0

    def add(self, recs: Iterable[Rec]) -> int:
        s = self.settings
        n = 0
        for rec in recs:
            n += 1
            self.per_topic[rec.topic] += 1
            try:
                if rec.topic in self.channel_topics and any(k == REPLY for k, _ in rec.headers):
                    # The gate's own reply (an opt-out confirmation or help text): no input's
                    # outcome, but it too must come out once.
                    reply = self.codec.decode(rec.value, "outbound_message")
                    self.replies[reply["message_id"]].append(rec)
                elif rec.topic in self.channel_topics:
                    # A forwarded record is the original bytes: the input decoded (by Apache avro)
                    # from the very same bytes gives its message id; anything else is decoded.
                    inp = self._by_value.get(rec.value) if rec.value else None
                    if inp is not None and inp.ident is not None:
                        message_id = inp.ident
                    else:
                        message_id = self.codec.decode(rec.value, "outbound_message")["message_id"]
                    self.forwarded[message_id].append(rec)
                elif rec.topic == s.suppressed_topic:
                    d = self.codec.decode(rec.value, "suppressed_message")
                    self.suppressed[d["message_id"]].append((rec, d))
                elif rec.topic == s.events_topic:
                    d = self.codec.decode(rec.value, "consent_event")
                    self.events[d["event_id"]].append((rec, d))
                elif rec.topic == s.deadletter_topic:
                    d = self.codec.decode(rec.value, "dead_letter")
                    coords = (d["source_topic"], d["source_partition"], d["source_offset"])
                    self.dead[coords].append((rec, d))
            except AvroError as exc:
                self.undecodable.append(f"{rec.topic}[{rec.partition}]@{rec.offset}: {exc.code}")
        self.count += n
        return n

    def outcome(self, inp: Input) -> str | None:
        """What was seen for ``inp``: forwarded, suppressed, dead-lettered, event, or None."""
        if inp.kind == "request" and inp.ident is not None:
            if inp.ident in self.forwarded:
                return "forwarded"
            if inp.ident in self.suppressed:
                return "suppressed"
        if inp.rec.coords in self.dead:
            return "dead-lettered"
        if inp.event_id is not None and inp.event_id in self.events:
            return "event"
        return None


def missing_inputs(inputs: Iterable[Input], outputs: Outputs) -> list[Input]:
    """Inputs that should have some output (by the replay) and have none."""
    return [i for i in inputs if i.expect != "none" and outputs.outcome(i) is None]


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[max(0, int(q) - 1)])


def _latency(values: Sequence[float]) -> dict[str, float | int | None]:
    return {"n": len(values), "p50": _percentile(values, 50), "p99": _percentile(values, 99)}


@dataclass
class Report:
    """The figures of one run (``asdict`` is the JSON written by ``--json``)."""

    run: dict[str, Any] = field(default_factory=dict)
    inputs: int = 0
    inputs_by_kind: dict[str, int] = field(default_factory=dict)
    opt_out_inputs: int = 0  # inputs whose replay yields an OPTED_OUT event
    accounted: dict[str, int] = field(default_factory=dict)
    missing: int = 0
    missing_order_dependent: int = 0  # of which: consent outcomes that depend on the order
    duplicates: dict[str, int] = field(default_factory=dict)
    violations: dict[str, int] = field(default_factory=dict)
    leaks_outside_assumption: int = 0  # of the campaign leaks: an input was acked too late
    late_inputs: dict[str, int] = field(default_factory=dict)  # acked later than the grace
    conservative: int = 0
    order_uncertain: int = 0
    reason_mismatches: int = 0
    consent_events: dict[str, int] = field(default_factory=dict)
    dead_letters: dict[str, int] = field(default_factory=dict)
    table: dict[str, int] = field(default_factory=dict)
    latency_ms: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    faults: dict[str, Any] = field(default_factory=dict)
    #: Per fault kind (and "no fault near"): the faults, and what went wrong on inputs whose
    #: time falls in one of its windows (ATTRIBUTE_BEFORE_MS before it to ATTRIBUTE_AFTER_MS
    #: after it ends): lost, duplicates per output topic, campaigns after STOP, table keys.
    by_fault: dict[str, dict[str, Any]] = field(default_factory=dict)
    produce_errors: int = 0
    settled: bool = False
    wall_s: float = 0.0
    examples: dict[str, list[str]] = field(default_factory=dict)
    #: How this run's counting differs from consent-gate's (a peer's run: tests/fault/peers.py).
    notes: list[str] = field(default_factory=list)
    work_dir: str = ""

    @property
    def violation_total(self) -> int:
        return sum(self.violations.values())

    @property
    def duplicate_total(self) -> int:
        return sum(self.duplicates.values())

    @property
    def table_differs(self) -> bool:
        return self.table.get("mismatches", 0) > 0

    @property
    def ok(self) -> bool:
        """The pass condition of the run: nothing missing, no violation, the table equal."""
        return (
            self.missing == 0
            and not self.faults.get("gave_up")
            and self.violation_total == 0
            and not self.table_differs
            and self.produce_errors == 0
        )

    def failures(self, strict: bool = False) -> list[str]:
        out = []
        if self.faults.get("gave_up"):
            out.append(f"the workers could not be kept up ({self.faults['gave_up']})")
        if self.missing:
            out.append(f"{self.missing} inputs MISSING")
        if self.violation_total:
            out.append(f"{self.violation_total} violations")
        if self.table_differs:
            out.append(f"table differs ({self.table.get('mismatches')} keys)")
        if self.produce_errors:
            out.append(f"{self.produce_errors} inputs failed to produce")
        if strict:
            if self.duplicate_total:
                out.append(f"{self.duplicate_total} duplicates")
            ev = self.consent_events
            if ev.get("missing") or ev.get("unexpected"):
                out.append("consent events differ from the replay")
        return out

    def to_json(self) -> str:
        data = asdict(self)
        data.update(
            ok=self.ok,
            violation_total=self.violation_total,
            duplicate_total=self.duplicate_total,
            table_differs=self.table_differs,
        )
        return json.dumps(data, indent=2, sort_keys=True, default=str)


def _example(inp: Input, note: str) -> str:
    r = inp.rec
    text = f"{inp.kind} {inp.ident} {inp.contact}/{inp.channel} {r.topic}[{r.partition}]@{r.offset}"
    return f"{text} ts={r.timestamp_ms}: {note}"


def _identical(rec: Rec, inp: Input, topic: str) -> bool:
    r = inp.rec
    return rec.topic == topic and (rec.key, rec.value, rec.headers) == (r.key, r.value, r.headers)


#: A problem counts against a fault when its time is in [start - BEFORE, end + AFTER]: what the
#: workers wrote from just before the fault until the group settled after it. The time of a
#: duplicate is when its last copy was written, of a leaked campaign when it was forwarded (the
#: record timestamps the worker gave them), of a lost input or a wrong table key the (latest)
#: input's.
ATTRIBUTE_BEFORE_MS = 2_000
ATTRIBUTE_AFTER_MS = 10_000
#: Seconds between a thaw and the next freeze: past the last one's attribution window.
FREEZE_GAP_S = (ATTRIBUTE_AFTER_MS + ATTRIBUTE_BEFORE_MS) / 1000
NO_FAULT = "no fault near"
LEAK = "campaigns after STOP"


class ByFault:
    """Figures per fault kind: each problem is put on the fault whose window holds its time
    (the latest such fault to start), else on ``NO_FAULT``."""

    def __init__(self, windows: Sequence[Mapping[str, Any]]) -> None:
        self.windows = sorted(windows, key=lambda w: int(w["start_ms"]))
        self.figures: dict[str, dict[str, Any]] = {}
        for w in self.windows:
            self._row(str(w["kind"]))["faults"] += 1

    def _row(self, kind: str) -> dict[str, Any]:
        if kind not in self.figures:
            self.figures[kind] = {
                "faults": 0,
                "lost": 0,
                "duplicates": Counter(),
                LEAK: 0,
                "table mismatches": 0,
            }
        return self.figures[kind]

    def kind_at(self, ts_ms: int) -> str:
        best: Mapping[str, Any] | None = None
        for w in self.windows:
            start = int(w["start_ms"])
            end = int(w["end_ms"] if w["end_ms"] is not None else start)
            if start - ATTRIBUTE_BEFORE_MS <= ts_ms <= end + ATTRIBUTE_AFTER_MS and (
                best is None or start <= ts_ms
            ):
                best = w  # sorted by start: the latest one to start before ts_ms wins
        return NO_FAULT if best is None else str(best["kind"])

    def add(self, ts_ms: int, what: str, n: int = 1, topic: str = "") -> None:
        if n <= 0:
            return
        row = self._row(self.kind_at(ts_ms))
        if what == "duplicates":
            row["duplicates"][topic] += n
        else:
            row[what] += n

    def result(self) -> dict[str, dict[str, Any]]:
        return {
            kind: {**row, "duplicates": dict(sorted(row["duplicates"].items()))}
            for kind, row in self.figures.items()
        }


def check(
    inputs: Sequence[Input],
    outputs: Outputs,
    table: StateTable,
    changelog: Sequence[Rec] | None,
    settings: Settings,
    codec: AvroCodec,
    examples: int = 5,
    late: Set[tuple[str, int, int]] = frozenset(),
    windows: Sequence[Mapping[str, Any]] = (),
) -> Report:
    """Compare what the worker wrote with what the replay expects. ``late``: inputs that may
    have reached the broker later than the ordering assumption allows (a leak whose opt-out is
    one of them is counted apart as well). ``windows``: the faults (FaultStats.windows), to
    put each problem on the fault near it (``Report.by_fault``)."""
    rep = Report(inputs=len(inputs))
    ex: dict[str, list[str]] = defaultdict(list)
    faults = ByFault(windows)

    def note(kind: str, text: str) -> None:
        if len(ex[kind]) < examples:
            ex[kind].append(text)

    rep.inputs_by_kind = dict(sorted(Counter(i.kind for i in inputs).items()))
    rep.opt_out_inputs = sum(1 for i in inputs if i.event_type == "OPTED_OUT")

    # --- accounted for -------------------------------------------------------------------------
    acc: Counter[str] = Counter()
    for inp in inputs:
        seen = outputs.outcome(inp)
        if seen is not None:
            acc[seen] += 1
        elif inp.expect == "none":
            acc["no output (replay)"] += 1
        else:
            acc["MISSING"] += 1
            faults.add(inp.rec.timestamp_ms, "lost")
            note("missing", _example(inp, f"expected {inp.expect}"))
    order = ("forwarded", "suppressed", "dead-lettered", "event", "no output (replay)", "MISSING")
    rep.accounted = {k: acc.get(k, 0) for k in order}
    rep.missing = acc.get("MISSING", 0)
    rep.missing_order_dependent = sum(
        1
        for i in inputs
        if not i.order_independent and outputs.outcome(i) is None and i.expect != "none"
    )

    # --- duplicates ----------------------------------------------------------------------------
    dup: Counter[str] = Counter()
    by_event_id = {i.event_id: i for i in inputs if i.event_id is not None}

    def last_written(copies: Iterable[Rec]) -> int:
        return max(r.timestamp_ms for r in copies)

    for recs in outputs.forwarded.values():
        for topic, n in Counter(r.topic for r in recs).items():
            name = topic.removeprefix(settings.topic_prefix)
            dup[name] += n - 1
            mine = [r for r in recs if r.topic == topic]
            faults.add(last_written(mine), "duplicates", n - 1, name)
    groups: list[tuple[str, Mapping[Any, Sequence[Any]]]] = [
        ("suppressed", outputs.suppressed),
        ("consent.events", outputs.events),
        ("deadletter", outputs.dead),
        ("replies", outputs.replies),
    ]
    for name, copies_by_id in groups:
        dup[name] = 0
        for copies in copies_by_id.values():
            recs = [c if isinstance(c, Rec) else c[0] for c in copies]
            dup[name] += len(recs) - 1
            faults.add(last_written(recs), "duplicates", len(recs) - 1, name)
    both = [m for m in outputs.forwarded if m in outputs.suppressed]
    dup["decided both ways"] = len(both)
    for m in both:
        copies = [*outputs.forwarded[m], *(r for r, _ in outputs.suppressed[m])]
        faults.add(last_written(copies), "duplicates", 1, "both ways")
    rep.duplicates = dict(sorted(dup.items()))

    # --- sends ---------------------------------------------------------------------------------
    leaks = late_leaks = inbox_bad = altered = conservative = uncertain = reason_mismatch = 0
    lat_campaign: list[float] = []
    lat_inbox: list[float] = []
    for inp in inputs:
        if inp.kind != "request" or inp.error is not None or inp.ident is None:
            continue
        assert inp.channel is not None
        topic = settings.channel_topic(inp.channel)
        fw = outputs.forwarded.get(inp.ident, [])
        sp = outputs.suppressed.get(inp.ident, [])
        dl = outputs.dead.get(inp.rec.coords, [])
        first = [r.timestamp_ms for r in fw] + [r.timestamp_ms for r, _ in sp]
        if inp.is_inbox:
            if fw or sp or dl:
                if sp or dl or not all(_identical(r, inp, topic) for r in fw):
                    inbox_bad += 1
                    note("inbox", _example(inp, f"forwarded {len(fw)}, suppressed {len(sp)}"))
                if first:
                    lat_inbox.append(min(first) - inp.rec.timestamp_ms)
            continue
        if first:
            lat_campaign.append(min(first) - inp.rec.timestamp_ms)
        if fw:
            if inp.expect == "suppress":
                leaks += 1
                faults.add(min(r.timestamp_ms for r in fw), LEAK)
                by = inp.state_by
                why = (
                    f"opted out by {by.kind} {by.ident} at ts={by.rec.timestamp_ms} "
                    f"({inp.rec.timestamp_ms - by.rec.timestamp_ms} ms earlier)"
                    if by is not None
                    else f"replay says {inp.reason}"
                )
                if by is not None and (by.rec.coords in late or inp.rec.coords in late):
                    late_leaks += 1
                    why += " [acked later than the grace: outside the ordering assumption]"
                note("campaign leak", _example(inp, f"FORWARDED, {why}"))
            altered += sum(1 for r in fw if not _identical(r, inp, topic))
        if sp:
            reasons = {d["reason"] for _, d in sp}
            if "ORDER_UNCERTAIN" in reasons:
                uncertain += 1
            elif inp.expect == "forward" and not fw:
                conservative += 1
                note("conservative", _example(inp, f"suppressed {sorted(reasons)}"))
            elif inp.expect == "suppress" and inp.reason not in reasons:
                reason_mismatch += 1
    known_ids = {i.ident for i in inputs if i.kind == "request"}
    known_coords = {i.rec.coords for i in inputs}
    strays = [f"forwarded {m}" for m in outputs.forwarded if m not in known_ids]
    strays += [f"suppressed {m}" for m in outputs.suppressed if m not in known_ids]
    strays += [f"dead letter for {c}" for c in outputs.dead if c not in known_coords]
    for text in strays[:examples]:
        note("output of no input", text)
    rep.violations = {
        "campaign forwarded while opted out": leaks,
        "INBOX not forwarded byte-identical": inbox_bad,
        "forwarded copy altered": altered,
        "undecodable outputs": len(outputs.undecodable),
        "outputs of no input": len(strays),
    }
    for text in outputs.undecodable[:examples]:
        note("undecodable", text)
    rep.leaks_outside_assumption = late_leaks
    rep.conservative = conservative
    rep.order_uncertain = uncertain
    rep.reason_mismatches = reason_mismatch

    # --- consent events and dead letters -------------------------------------------------------
    unexpected = [e for e in outputs.events if e not in by_event_id]
    missing_events = [i for e, i in by_event_id.items() if e not in outputs.events]
    for e in unexpected[:examples]:
        d = outputs.events[e][0][1]
        note(
            "unexpected event",
            f"{d['type']} {d['contact_id']}/{d['channel']} by {d['trigger_event_id']}",
        )
    for i in missing_events[:examples]:
        note("missing event", _example(i, f"no {i.event_type} event"))
    rep.consent_events = {
        "expected": len(by_event_id),
        "distinct": len(outputs.events),
        "missing": len(missing_events),
        "unexpected": len(unexpected),
    }
    code_mismatch = unexpected_dl = 0
    for inp in inputs:
        dead = outputs.dead.get(inp.rec.coords)
        if not dead:
            continue
        codes = {d["error_code"] for _, d in dead}
        if inp.expect != "deadletter":
            unexpected_dl += 1
            note("unexpected dead letter", _example(inp, f"dead-lettered {sorted(codes)}"))
        elif inp.error not in codes:
            code_mismatch += 1
            note("dead-letter code", _example(inp, f"expected {inp.error}, got {sorted(codes)}"))
    rep.dead_letters = {
        "expected": sum(1 for i in inputs if i.expect == "deadletter"),
        "distinct": len(outputs.dead),
        "code mismatches": code_mismatch,
        "unexpected": unexpected_dl,
    }

    # --- the consent table ---------------------------------------------------------------------
    expected_table = {f"{ch}/{c}": state_record(st) for (c, ch), (st, _) in table.items()}
    if changelog is None:
        rep.table = {"expected keys": len(expected_table), "changelog keys": -1, "mismatches": -1}
    else:
        actual: dict[str, dict[str, Any] | None] = {}
        bad_values = 0
        for rec in changelog:
            if not is_consent_key(rec.key):
                continue  # engine-internal entries (marks, held records, attribution, ...)
            key = rec.key.decode("utf-8", "replace")
            if rec.value is None:
                actual[key] = None
                continue
            try:
                actual[key] = codec.decode(rec.value, "consent_state")
            except AvroError as exc:
                bad_values += 1
                note("table", f"{key}: undecodable ({exc.code})")
        live = {k: v for k, v in actual.items() if v is not None}
        mismatches = bad_values
        last_consent: dict[str, int] = {}  # table key -> its latest consent input's time
        for i in inputs:
            if i.kind != "request" and i.contact is not None and i.channel is not None:
                key = f"{i.channel}/{i.contact}"
                last_consent[key] = max(last_consent.get(key, 0), i.rec.timestamp_ms)
        for key in sorted(set(live) | set(expected_table)):
            want, got = expected_table.get(key), live.get(key)
            if want is None or got is None or any(got.get(f) != v for f, v in want.items()):
                mismatches += 1
                faults.add(last_consent.get(key, 0), "table mismatches")
                note("table", f"{key}: changelog {got} vs replay {want}")
        rep.table = {
            "expected keys": len(expected_table),
            "changelog keys": len(live),
            "mismatches": mismatches,
        }

    # --- latency -------------------------------------------------------------------------------
    lat_opt_out: list[float] = []
    lat_recorded: list[float] = []
    for inp in inputs:
        if inp.event_type == "OPTED_OUT" and inp.event_id in outputs.events:
            copies = outputs.events[inp.event_id]
            lat_opt_out.append(min(r.timestamp_ms for r, _ in copies) - inp.rec.timestamp_ms)
            lat_recorded.append(min(d["recorded_at_ms"] for _, d in copies) - inp.rec.timestamp_ms)
    rep.latency_ms = {
        "opt-out -> OPTED_OUT event (record time)": _latency(lat_opt_out),
        "opt-out -> OPTED_OUT event (recorded_at_ms)": _latency(lat_recorded),
        "CAMPAIGN -> decision": _latency(lat_campaign),
        "INBOX -> forwarded": _latency(lat_inbox),
    }
    rep.examples = dict(ex)
    rep.by_fault = faults.result()
    return rep


def _n(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "-" if value is None else str(value)


def format_report(rep: Report, strict: bool = False) -> str:
    rows: list[tuple[str, str]] = []

    def row(label: str, value: str) -> None:
        rows.append((label, value))

    def joined(d: Mapping[str, Any]) -> str:
        return " · ".join(f"{k} {_n(v)}" for k, v in d.items())

    run, f = rep.run, rep.faults
    if run.get("system", "consent-gate") != "consent-gate":
        row("system", str(run["system"]))
    if run:
        row(
            "run",
            f"{_n(run.get('inputs'))} inputs over {_n(run.get('contacts'))} contacts, "
            f"{run.get('workers')} workers, {_n(run.get('rate'))}/s",
        )
    if f:
        row(
            "faults",
            f"kill -9 {f.get('kills', 0)} (partitions moved {f.get('long_kills', 0)}) · "
            f"graceful {f.get('graceful', 0)} · state wiped {f.get('wipes', 0)} · "
            f"broker restarts {f.get('broker_restarts', 0)} · "
            f"unexpected exits {f.get('unexpected_exits', 0)}",
        )
        if f.get("gave_up"):
            reasons = Counter(u.split(": ", 1)[-1] for u in f.get("unexpected") or [])
            row("WORKERS GAVE UP", f"{f['gave_up']}; {joined(reasons)}")
        if f.get("freezes") or f.get("broker_kills") or f.get("broker_freezes"):
            row(
                "  freezes",
                f"{joined(f.get('freezes') or {}) or 'none'} "
                f"(seconds: {', '.join(str(x) for x in f.get('freeze_s') or []) or '-'}) · "
                f"broker kill -9 {f.get('broker_kills', 0)} · "
                f"broker freezes {f.get('broker_freezes', 0)}",
            )
    row("inputs", f"{_n(rep.inputs)} ({joined(rep.inputs_by_kind)})")
    row("  opt-outs (replay)", _n(rep.opt_out_inputs))
    for k, v in rep.accounted.items():
        row(f"  {k}", _n(v))
    if rep.missing:
        row("    of which order-dependent consent outcomes", _n(rep.missing_order_dependent))
    row("duplicates (extra copies)", joined(rep.duplicates))
    for k, v in rep.violations.items():
        row(f"VIOLATION {k}", _n(v))
    if rep.leaks_outside_assumption:
        row("  of which outside the ordering assumption", _n(rep.leaks_outside_assumption))
    row("conservative (suppressed, replay says forward)", _n(rep.conservative))
    row("ORDER_UNCERTAIN", _n(rep.order_uncertain))
    row("suppression reason differs", _n(rep.reason_mismatches))
    row("consent events", joined(rep.consent_events))
    row("dead letters", joined(rep.dead_letters))
    if rep.table.get("mismatches", 0) >= 0:
        row("table (changelog vs replay)", joined(rep.table))
    else:
        row("table (changelog vs replay)", "not checked")
    for k, lat in rep.latency_ms.items():
        row(f"latency {k}", f"p50 {_n(lat['p50'])} ms · p99 {_n(lat['p99'])} ms (n={_n(lat['n'])})")
    row("produce errors", _n(rep.produce_errors))
    if rep.late_inputs:
        row("inputs acked later than the grace", joined(rep.late_inputs))
    row("settled", "yes" if rep.settled else "NO (timed out)")
    if rep.wall_s:
        row("wall time", f"{rep.wall_s:,.1f} s")
    width = max(len(label) for label, _ in rows)
    lines = [f"{label.ljust(width)}  {value}" for label, value in rows]
    if rep.by_fault:
        lines.append(
            f"by fault kind (written {ATTRIBUTE_BEFORE_MS / 1000:.0f} s before a fault to "
            f"{ATTRIBUTE_AFTER_MS / 1000:.0f} s after it ends; lost and table: input time):"
        )
        lines.extend(f"  {line}" for line in format_by_fault(rep.by_fault))
    for kind, texts in rep.examples.items():
        lines.append(f"examples: {kind}")
        lines.extend(f"  {t}" for t in texts)
    lines.extend(f"note: {text}" for text in rep.notes)
    failures = rep.failures(strict)
    lines.append("RESULT: " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
    return "\n".join(lines)


def format_by_fault(by_fault: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per fault kind: lost, duplicates per output topic, campaigns after STOP,
    table mismatches."""
    width = max(len(k) for k in by_fault)
    lines = []
    for kind, row in by_fault.items():
        dups = {t: n for t, n in row["duplicates"].items() if n}
        dup_text = (
            f"{sum(dups.values()):,} ({', '.join(f'{t} {n:,}' for t, n in dups.items())})"
            if dups
            else "0"
        )
        lines.append(
            f"{kind.ljust(width)}  x{row['faults']:<2}  lost {row['lost']:,} · "
            f"duplicates {dup_text} · {LEAK} {row[LEAK]:,} · "
            f"table mismatches {row['table mismatches']:,}"
        )
    return lines


# =================================================================================================
# One run
# =================================================================================================

DEFAULT_INPUT_PARTITIONS = {"reply": 5, "click": 3, "command": 2, "request": 4}


class Peer(Protocol):
    """Another stream processor's gate run in consent-gate's place (tests/fault/peers.py): the
    same topics, inputs and faults; its own workers, expected outcome and check."""

    @property
    def name(self) -> str: ...

    @property
    def warm_up_s(self) -> float:
        """Seconds the workers may take to write their first output."""

    def prepare(self, settings: Settings, replication: int) -> None:
        """Create the topics of its own."""

    def make_workers(self, base: Settings, n: int, work: Path) -> list[Worker]: ...

    def replay(self, inputs: Sequence[Input], settings: Settings, codec: AvroCodec) -> Any:
        """Fill in each input's expected outcome by the peer's rules; its expected table."""

    def check(
        self,
        inputs: Sequence[Input],
        outputs: Outputs,
        table: Any,
        settings: Settings,
        codec: AvroCodec,
        late: Set[tuple[str, int, int]],
        windows: Sequence[Mapping[str, Any]],
    ) -> Report: ...


@dataclass
class RunConfig:
    bootstrap: str
    load: LoadSpec = field(default_factory=LoadSpec)
    workers: int = 2
    kills: int = 10
    graceful: int = 1
    wipe: bool = True
    broker_restart: bool = False
    freezes: int = 0  # SIGSTOP / SIGCONT a worker this many times
    freeze_kinds: Sequence[str] = FREEZE_FLAVOURS  # flavours taken in turn
    freeze_seconds: dict[str, tuple[float, float]] = field(default_factory=dict)  # overrides
    #: A cluster of brokers of the run's own (tests/fault/cluster.py), for broker_kills and
    #: broker_freezes; its bootstrap should be ``bootstrap``.
    cluster: BrokerCluster | None = None
    broker_kills: int = 0  # kill -9 the broker leading the most by-contact/changelog partitions
    broker_freezes: int = 0  # SIGSTOP a broker (that one too) for broker_freeze_s
    broker_freeze_s: float = 30.0
    broker_down_s: float = 10.0  # how long a killed broker stays down
    #: How far the clock of the second producer client (the STOPs of the freeze races) is off,
    #: in ms (negative: behind); its records carry that clock's time.
    clock_skew_ms: int = 0
    #: Every write and sync under the workers' state directories takes this much longer (ms).
    slow_disk_ms: float = 0.0
    input_partitions: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_INPUT_PARTITIONS))
    settings: dict[str, Any] = field(default_factory=dict)  # Settings overrides
    settle_timeout_s: float = 180.0
    quiet_s: float = 5.0  # no new output for this long (once nothing is missing): settled
    stall_s: float | None = None  # give up when nothing new came for this long (None: hold + 30 s)
    worker_src: Path | None = None  # run the worker from another source tree (PYTHONPATH)
    #: Run every second worker (w1, w3, ...) from this source tree: two versions in one group,
    #: as in a rolling upgrade.
    mixed_src: Path | None = None
    peer: Peer | None = None  # run another system's gate instead (tests/fault/peers.py)
    work_dir: Path | None = None
    keep: bool = False  # keep topics and the work dir (logs, state)
    progress_s: float = 10.0
    log: Log = print


def run(cfg: RunConfig) -> Report:
    """Create topics, start the workers, drive the load through the faults, let the outputs
    settle, read them all back and check them."""
    t_start = time.monotonic()
    tag = uuid.uuid4().hex[:8]
    work = cfg.work_dir or Path(tempfile.mkdtemp(prefix=f"cg-fault-{tag}-"))
    work.mkdir(parents=True, exist_ok=True)
    log = cfg.log
    replication = len(cfg.cluster.node_ids()) if cfg.cluster is not None else 1
    overrides = {"replication_factor": replication, **cfg.settings}
    base = make_settings(cfg.bootstrap, tag, **overrides)
    codec = AvroCodec()
    spec = cfg.load
    duration = spec.inputs / spec.rate
    log(
        f"setup: app {base.app_id}, topics {base.topic_prefix}*, work dir {work}; "
        f"{spec.inputs:,} inputs at {spec.rate:,.0f}/s (~{duration:.0f} s), {cfg.workers} workers"
    )
    topics = input_topics(base)
    create_topics(
        cfg.bootstrap,
        {topics[k]: n for k, n in cfg.input_partitions.items()},
        replication=base.replication_factor or replication,
    )
    asyncio.run(create_gate_topics(base))  # the gate's own: outputs (and inputs: present)
    wait_for_leaders(cfg.bootstrap, dict.fromkeys(base.output_topics), 60)
    peer = cfg.peer
    if peer is not None:
        peer.prepare(base, replication)
        workers = peer.make_workers(base, cfg.workers, work)
    else:
        workers = make_workers(base, cfg.workers, work, cfg.worker_src)
        for w in workers[1::2] if cfg.mixed_src is not None else ():
            w.src = cfg.mixed_src
    if cfg.freezes and "cut" in cfg.freeze_kinds:
        why = available()
        if why is not None:
            raise HarnessError(why)
        for w in workers:
            w.isolate(broker_ports(cfg.bootstrap))
    if cfg.slow_disk_ms > 0:
        why = slowdisk.available()
        if why is not None:
            raise HarnessError(why)
        lib = slowdisk.build(work / "slowdisk")
        for w in workers:
            w.extra_env.update(slowdisk.environment(lib, work / "state", cfg.slow_disk_ms))
    faults = plan_faults(
        duration,
        cfg.workers,
        cfg.kills,
        cfg.graceful,
        cfg.broker_restart,
        cfg.wipe,
        base.session_timeout_s,
        spec.seed,
        freezes=cfg.freezes,
        freeze_kinds=cfg.freeze_kinds,
        freeze_seconds=cfg.freeze_seconds,
        transaction_timeout_s=base.transaction_timeout_ms / 1000,
        broker_kills=cfg.broker_kills,
        broker_freezes=cfg.broker_freezes,
        broker_freeze_s=cfg.broker_freeze_s,
        broker_down_s=cfg.broker_down_s,
    )
    tail = TopicReader(cfg.bootstrap, base.output_topics).start()
    driver = FaultDriver(
        workers,
        faults,
        log,
        base.session_timeout_s,
        cluster=cfg.cluster,
        leader_topics=leader_topics(base),
    )
    producer = InputProducer(
        cfg.bootstrap, getattr(base, "order_grace_ms", 200), skews_ms=(0, cfg.clock_skew_ms)
    )
    gen = LoadGenerator(spec, base, codec)
    report = Report()
    try:
        for w in workers:
            w.start()
        warm_up(gen, producer, tail, workers, log, peer.warm_up_s if peer else 60.0)
        driver.start()
        _produce(gen, producer, spec.rate, driver, workers, cfg.progress_s, log)
        left = producer.flush(120)
        if left:
            raise HarnessError(f"{left} inputs still undelivered after 120 s")
        log(f"produce: done, {producer.delivered:,} delivered, {producer.errors} errors")
        if not driver.wait_idle(120):
            raise HarnessError(driver.failed or "faults still pending after 120 s")

        log("check: reading the inputs back and replaying them")
        inputs = read_inputs(read_all(cfg.bootstrap, base.input_topics), base, codec)
        table = replay(inputs, base) if peer is None else peer.replay(inputs, base, codec)
        outputs = Outputs(base, codec, inputs)
        settled = settle(
            inputs,
            outputs,
            tail,
            timeout_s=cfg.settle_timeout_s,
            quiet_s=cfg.quiet_s,
            stall_s=cfg.stall_s,
            progress_s=cfg.progress_s / 2,
            log=log,
            failed=lambda: driver.failed,
            gave_up=lambda: driver.stats.gave_up,
        )
        if not tail.wait_caught_up(60):
            log("check: the output topics could not be read to their end in 60 s")
        outputs.add(tail.take())
        driver.stop()
        stop_workers(workers, log)
        driver.close_windows()
        if peer is not None:
            report = peer.check(
                inputs, outputs, table, base, codec, producer.late, driver.stats.windows
            )
        else:
            changelog: list[Rec] | None = None
            if topic_exists(cfg.bootstrap, base.changelog_topic):
                changelog = read_all(cfg.bootstrap, [base.changelog_topic])
            report = check(
                inputs,
                outputs,
                table,
                changelog,
                base,
                codec,
                late=producer.late,
                windows=driver.stats.windows,
            )
        report.late_inputs = {"count": len(producer.late), "max ack ms": producer.max_ack_ms}
        report.settled = settled
        report.produce_errors = producer.errors
    except HarnessError as exc:
        raise HarnessError(f"{exc}\n(logs and state in {work})") from exc
    finally:
        driver.stop()
        tail.stop()
        stop_workers(workers, log)
        for w in workers:
            w.release_network()
    report.faults = asdict(driver.stats)
    report.run = {
        "system": peer.name if peer is not None else "consent-gate",
        "inputs": spec.inputs,
        "contacts": spec.contacts,
        "opt_outs": spec.opt_outs,
        "rate": spec.rate,
        "workers": cfg.workers,
        "kills": cfg.kills,
        "graceful": cfg.graceful,
        "broker_restart": cfg.broker_restart,
        "freezes": cfg.freezes,
        "freeze_kinds": list(cfg.freeze_kinds),
        "broker_kills": cfg.broker_kills,
        "broker_freezes": cfg.broker_freezes,
        "brokers": len(cfg.cluster.node_ids()) if cfg.cluster is not None else None,
        "freeze_races": gen.freeze_races,
        "transaction_timeout_ms": base.transaction_timeout_ms,
        "app_id": base.app_id,
        "topic_prefix": base.topic_prefix,
        "input_partitions": cfg.input_partitions,
        "partitions": base.partitions,
        "session_timeout_s": base.session_timeout_s,
        "worker_src": str(cfg.worker_src or REPO),
        "mixed_src": str(cfg.mixed_src) if cfg.mixed_src is not None else None,
        "generated": dict(gen.kinds),
    }
    report.wall_s = round(time.monotonic() - t_start, 1)
    report.work_dir = str(work)
    if not cfg.keep and not report.failures(strict=True):
        delete_topics(cfg.bootstrap, [base.topic_prefix, base.app_id])
        shutil.rmtree(work, ignore_errors=True)
    elif not cfg.keep:
        log(f"kept for a look: topics {base.topic_prefix}* and {base.app_id}-*, {work}")
    return report


def leader_topics(settings: Settings) -> list[str]:
    """The topics whose partition leaders a broker kill aims at: the by-contact topic and the
    table's changelog (the names this version of Settings gives them)."""
    names = (getattr(settings, name, None) for name in ("by_contact_topic", "changelog_topic"))
    return [n for n in names if isinstance(n, str)]


def make_workers(base: Settings, n: int, work: Path, src: Path | None = None) -> list[Worker]:
    """``n`` workers of one app: ids w0, w1, ..., each with its own state dir under ``work``."""
    return [
        Worker(
            f"w{i}",
            base.model_copy(update={"worker_id": f"w{i}", "data_dir": work / "state" / f"w{i}"}),
            work / "logs" / f"w{i}.log",
            work,
            src,
        )
        for i in range(n)
    ]


def worker_src_from_env() -> Path | None:
    """``CONSENT_GATE_TEST_WORKER_SRC``: run the tests' workers from another source tree (say an
    exported older commit, to compare engines)."""
    src = os.environ.get("CONSENT_GATE_TEST_WORKER_SRC")
    return Path(src) if src else None


def warm_up(
    gen: LoadGenerator,
    producer: InputProducer,
    tail: TopicReader,
    workers: Sequence[Worker],
    log: Log,
    timeout_s: float = 60.0,
) -> None:
    """Start the load once the workers forward: one INBOX send (an input like the others) has
    come out."""
    started = time.monotonic()
    producer.send(gen.send("c-warm-up", gen.channels[0], "INBOX"))
    producer.flush(30)
    while tail.count == 0:
        if time.monotonic() - started > timeout_s:
            raise HarnessError(f"no output {timeout_s:.0f} s after the workers started")
        dead = [w for w in workers if not w.alive]
        if dead:
            raise HarnessError(
                f"{dead[0].name} exited at start (code {dead[0].returncode}):\n"
                f"{dead[0].log_tail(40)}"
            )
        time.sleep(0.2)
    log(f"workers: ready (first output after {time.monotonic() - started:.1f} s)")


def _produce(
    gen: LoadGenerator,
    producer: InputProducer,
    rate: float,
    driver: FaultDriver,
    workers: Sequence[Worker],
    progress_s: float,
    log: Log,
) -> None:
    start = time.monotonic()
    next_log = start + progress_s
    driver.pause.active = True
    try:
        while not gen.done:
            paused = driver.pause.checkpoint(lambda: producer.flush(120), producer.reconnect)
            start += paused  # the same steady rate after a pause, not a burst
            next_log += paused
            while driver.race_requests:
                seconds = driver.race_requests.popleft()
                n = gen.races_during(time.monotonic(), seconds)
                log(f"produce: {n} STOP -> CAMPAIGN races over the next {seconds:.1f} s")
            _produce_step(gen, producer, rate, start, driver)
            now = time.monotonic()
            if now >= next_log:
                next_log += progress_s
                up = sum(w.alive for w in workers)
                log(
                    f"produce: {gen.produced:,}/{gen.spec.inputs:,} inputs "
                    f"({gen.produced / (now - start):,.0f}/s), {gen.opt_outs:,} opt-outs, "
                    f"workers up {up}/{len(workers)}, acked later than the grace "
                    f"{len(producer.late):,}"
                )
    finally:
        driver.pause.active = False


def _produce_step(
    gen: LoadGenerator, producer: InputProducer, rate: float, start: float, driver: FaultDriver
) -> None:
    """Hand what is due to the producer, serve its delivery reports, sleep a little."""
    now = time.monotonic()
    target = min(gen.spec.inputs, int((now - start) * rate) + 1)
    for p in gen.take(now, target):
        producer.send(p)
    producer.poll()
    if driver.failed:
        raise HarnessError(driver.failed)
    due = gen.next_due()
    time.sleep(0.002 if due is None else min(0.002, max(0.0, due - time.monotonic())))


def settle(
    inputs: Sequence[Input],
    outputs: Outputs,
    tail: TopicReader,
    *,
    timeout_s: float,
    quiet_s: float = 5.0,
    stall_s: float | None = None,
    progress_s: float = 5.0,
    log: Log = print,
    failed: Callable[[], str | None] = lambda: None,
    gave_up: Callable[[], str] = lambda: "",
) -> bool:
    """Read outputs until every input is accounted for and nothing new came for ``quiet_s``;
    False after ``timeout_s``, or ``stall_s`` without a new output (default: the longest hold
    plus 30 s). ``failed()``: a reason to stop at once (a worker cannot be kept up)."""
    start = time.monotonic()
    deadline = start + timeout_s
    if stall_s is None:
        stall_s = getattr(outputs.settings, "max_hold_ms", 60_000) / 1000 + 30
    last_new = start
    next_log = start
    pending = [i for i in inputs if i.expect != "none"]
    expected = len(pending)
    while True:
        now = time.monotonic()
        if outputs.add(tail.take()):
            last_new = now
        pending = missing_inputs(pending, outputs)  # outputs only accumulate
        missing = len(pending)
        if now >= next_log:
            next_log = now + progress_s
            log(
                f"settle: {expected - missing:,}/{expected:,} inputs with an output, "
                f"{outputs.count:,} output records ({now - start:.0f} s)"
            )
        reason = failed()
        if reason:
            raise HarnessError(reason)
        if missing == 0 and now - last_new >= quiet_s:
            log(f"settle: all accounted for after {now - start:.0f} s")
            return True
        if gave_up() and now - last_new >= quiet_s:
            log(f"settle: no worker left to wait for, {missing:,} missing")
            return False
        if now > deadline or now - last_new > stall_s:
            log(
                f"settle: gave up after {now - start:.0f} s ({now - last_new:.0f} s without a "
                f"new output), {missing:,} missing"
            )
            return False
        time.sleep(0.5)


def stop_workers(workers: Sequence[Worker], log: Log) -> None:
    running = [w for w in workers if w.alive]
    for w in running:
        w.expected_up = False
        w.thaw()
        assert w.proc is not None
        w.proc.send_signal(signal.SIGTERM)
    for w in running:
        rc, took = w.terminate(signal_it=False)
        log(f"stop: {w.name} exit {rc} after {took:.1f} s")
