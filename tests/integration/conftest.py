"""Integration fixtures: the worker as its own process, on the real Kafka broker (the
``kafka_bootstrap`` fixture, in tests/fixtures.py). Every test gets its own topics (uuid prefix),
consumer group (app id) and state dir."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from devtools.runner import Collector, Consumed, Produce, WorkerProcess, produce
from streams.kafka.admin import create_topics as _create_topics
from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.records import REPLY_HEADER, is_reply
from streams.settings import Settings

R = RecordName


T = TypeVar("T")


class LiveGate:
    """One isolated gate: its settings, topics, worker process and an output collector."""

    def __init__(self, settings: Settings, tmp: Path, contract: Contract) -> None:
        self.s = settings
        self.tmp = tmp
        self.c = contract
        self.worker: WorkerProcess | None = None
        self.collector = Collector(settings.bootstrap_servers, settings.output_topics)
        self._starts = 0

    # --- lifecycle --------------------------------------------------------------------------
    def start_worker(self, **overrides: Any) -> WorkerProcess:
        self._starts += 1
        settings = self.s.model_copy(update=overrides) if overrides else self.s
        self.worker = WorkerProcess(settings, self.tmp / f"worker-{self._starts}.log").start()
        return self.worker

    def stop_worker(self) -> int | None:
        assert self.worker is not None
        return self.worker.stop()

    # --- inputs -----------------------------------------------------------------------------
    def produce(self, *records: Produce) -> None:
        asyncio.run(produce(self.s.bootstrap_servers, records))

    def rec(self, topic: str, name: RecordName, record: dict[str, Any], **kw: Any) -> Produce:
        kw.setdefault("key", record["contact_id"].encode())
        return Produce(topic, value=self.c.encode(name, record), **kw)

    def reply(self, contact: str, channel: str, text: str, **kw: Any) -> Produce:
        return self.rec(
            self.s.replies_topic, R.INBOUND_REPLY, b.inbound_reply(contact, channel, text), **kw
        )

    def click(
        self, contact: str, channel: str, partition: int | None = None, **fields: Any
    ) -> Produce:
        return self.rec(
            self.s.clicks_topic,
            R.LINK_CLICK,
            b.link_click(contact, channel, **fields),
            partition=partition,
        )

    def send(
        self,
        contact: str,
        channel: str,
        origin: str = "CAMPAIGN",
        partition: int | None = None,
        **fields: Any,
    ) -> Produce:
        record = b.outbound_message(contact, channel, origin, **fields)
        return self.rec(self.s.requests_topic, R.OUTBOUND_MESSAGE, record, partition=partition)

    def command(self, contact: str, channel: str, action: str, **fields: Any) -> Produce:
        record = b.consent_command(contact, channel, action, **fields)
        return self.rec(self.s.commands_topic, R.CONSENT_COMMAND, record)

    def report(self, contact: str, channel: str, **fields: Any) -> Produce:
        record = b.delivery_report(contact, channel, **fields)
        return self.rec(self.s.reports_topic, R.DELIVERY_REPORT, record)

    def _worker_died(self) -> bool:
        return self.worker is not None and not self.worker.alive

    # --- outputs ----------------------------------------------------------------------------
    def wait(
        self, done: Callable[[LiveGate], bool], timeout_s: float = 90.0, settle_s: float = 0.0
    ) -> None:
        async def run() -> bool:
            await self.collector.start()
            try:
                return await self.collector.wait_for(
                    lambda _c: done(self), timeout_s, settle_s, abort=self._worker_died
                )
            finally:
                await self.collector.stop()

        # A fresh consumer each time, reading from the beginning: forget what was read before.
        self.collector.records.clear()
        if not asyncio.run(run()):
            log = self.worker.log()[-4000:] if self.worker else "(no worker)"
            counts = {t: self.collector.count(t) for t in self.s.output_topics}
            pytest.fail(f"timed out waiting for the worker; outputs so far {counts}\n{log}")

    # Exactly once: every accessor below fails the test if a record came out twice (the same
    # bytes, message id, event id or source), whatever the test is about.

    def on(self, channel: str) -> list[Consumed]:
        """Distinct records forwarded to ``channel`` (a duplicate is the same key/value/headers),
        without the gate's own replies (:meth:`replies`)."""
        records = self.collector.all(self.s.channel_topic(channel))
        return _distinct([r for r in records if not is_reply(r.headers)], _as_is)

    def replies(self, channel: str) -> list[tuple[str, dict[str, Any]]]:
        """The gate's replies on ``channel``: (kind header, OutboundMessage), each once."""
        found = [
            (dict(r.headers)[REPLY_HEADER].decode(), self.c.decode(R.OUTBOUND_MESSAGE, r.value))
            for r in self.collector.all(self.s.channel_topic(channel))
            if is_reply(r.headers)
        ]
        return _distinct(found, lambda kr: str(kr[1]["message_id"]))

    def suppressed(self) -> list[dict[str, Any]]:
        return _distinct(self._decoded(R.SUPPRESSED_MESSAGE, self.s.suppressed_topic), _msg_id)

    def events(self) -> list[dict[str, Any]]:
        return _distinct(self._decoded(R.CONSENT_EVENT, self.s.events_topic), _event_id)

    def stats(self) -> list[dict[str, Any]]:
        """Every statistics row, in the order of its partition (a key is in one partition)."""
        return self._decoded(R.CONSENT_STATS, self.s.stats_topic)

    def final_stats(self) -> dict[tuple[Any, ...], dict[str, Any]]:
        """The final row of each key, checked to come once and last of its key."""
        last: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in self.stats():
            key = tuple(
                row[f]
                for f in ("window", "window_start_ms", "campaign_id", "channel", "message_type")
            )
            assert not last.get(key, {}).get("final"), f"a row after the final row of {key}"
            last[key] = row
        return {k: r for k, r in last.items() if r["final"]}

    def dead_letters(self) -> list[dict[str, Any]]:
        return _distinct(self._decoded(R.DEAD_LETTER, self.s.deadletter_topic), _source)

    def _decoded(self, record: RecordName, topic: str) -> list[dict[str, Any]]:
        return [self.c.decode(record, r.value) for r in self.collector.all(topic)]

    def outbound_ids(self, channel: str) -> list[str]:
        return [self.c.decode(R.OUTBOUND_MESSAGE, r.value)["message_id"] for r in self.on(channel)]


def without_replies(records: list[Consumed]) -> list[Consumed]:
    """The records of a channel topic that are not the gate's own replies (confirmations and
    help texts, ``consent-gate-reply`` header)."""
    return [r for r in records if not is_reply(r.headers)]


def _distinct(items: list[T], identity: Callable[[T], Hashable]) -> list[T]:
    """``items``, checked to hold no record twice."""
    seen: set[Hashable] = set()
    for item in items:
        i = identity(item)
        assert i not in seen, f"a record came out twice (exactly once is broken): {i!r}"[:500]
        seen.add(i)
    return items


def _as_is(c: Consumed) -> Hashable:
    return (c.key, c.value, c.headers)


def _msg_id(d: dict[str, Any]) -> Hashable:
    return str(d["message_id"])


def _event_id(d: dict[str, Any]) -> Hashable:
    return str(d["event_id"])


def _source(d: dict[str, Any]) -> Hashable:
    return (d["source_topic"], d["source_partition"], d["source_offset"])


def gate_settings(bootstrap: str, tmp: Path, **overrides: Any) -> Settings:
    run = uuid.uuid4().hex[:10]
    values: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "topic_prefix": f"t-{run}.",
        "app_id": f"cg-test-{run}",
        "data_dir": tmp / "state",
        "partitions": 4,
        "output_partitions": 2,
        "log_level": "info",
        "session_timeout_s": 6,  # a killed worker's partitions move quickly
        "http_port": 0,  # many workers share this machine: a test that wants the API asks
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def make_gate(
    kafka_bootstrap: str, tmp_path: Path, contract: Contract
) -> Iterator[Callable[..., LiveGate]]:
    """``make_gate(create_topics=True, **setting_overrides)``: worker not started yet."""
    gates: list[LiveGate] = []

    def make(create_topics: bool = True, **overrides: Any) -> LiveGate:
        settings = gate_settings(kafka_bootstrap, tmp_path, **overrides)
        if create_topics:
            asyncio.run(_create_topics(settings))
        gate = LiveGate(settings, tmp_path, contract)
        gates.append(gate)
        return gate

    yield make
    for gate in gates:
        if gate.worker is not None:
            gate.worker.stop()


@pytest.fixture
def gate(make_gate: Callable[..., LiveGate]) -> LiveGate:
    """A gate with its worker running."""
    g = make_gate()
    g.start_worker()
    return g
