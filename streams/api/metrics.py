"""The worker's Prometheus metrics (``GET /metrics``), on a registry of its own per engine.

Counted as the engine works (:class:`streams.kafka.observer.Observer`): records taken per topic,
records produced per kind and label, decision latency. Read when scraped: consumer lag per
partition, readiness (what /readyz answers), hold-bound hits, records held, the table's size.
Counters count what was *sent* in a transaction: a transaction that is aborted and retried counts
its records again, so they can run slightly ahead of what readers see (the outputs themselves are
exactly once).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from streams.api.health import EngineHealth, engine_health, kafka_down_ms
from streams.kafka.observer import Observer
from streams.processing.records import KIND_HEADER, Output, SourceRecord
from streams.settings import ENV_PREFIX

if TYPE_CHECKING:
    from streams.kafka.engine import Engine

#: Seconds from an input's timestamp to its decision: the gate holds a send about the order grace
#: (200 ms) plus a commit interval or two; beyond a minute the hold bound decides.
LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0)


def consumer_lag(engine: Engine) -> dict[TopicPartition, int | None]:
    """Records not yet taken, per assigned partition (:meth:`Engine.consumer_lag`)."""
    return engine.consumer_lag()


def readiness(engine: Engine, health: EngineHealth | None = None) -> str | None:
    """None when the worker is ready, else why not (one sentence)."""
    health = engine_health(engine) if health is None else health
    s = engine.s
    consumer = engine.consumer
    if consumer is None or not engine.started.is_set():
        return "starting"
    if health.failed:
        return "failed: the worker commits nothing more and is stopping (its log says why)"
    if health.stopping:
        return "stopping"
    down = kafka_down_ms(health)
    if down is not None:
        return (
            f"Kafka is not reachable from this worker (for {down / 1000:.0f} s): lookups answer "
            "from the committed table, commands answer 503"
        )
    assigned = consumer.assignment()
    if not assigned and not engine.directory.joined:
        return "joining the consumer group (no assignment yet)"
    restoring = sorted(
        tp.partition
        for tp in assigned
        if tp.topic == engine.by_contact and tp.partition not in engine.parts
    )
    if restoring:
        return f"restoring by-contact partitions {restoring} from the changelog"
    for tp, lag in consumer_lag(engine).items():
        if lag is None:
            return f"the end of {tp.topic}[{tp.partition}] is not known yet"
        if lag > s.ready_max_lag:
            return (
                f"{tp.topic}[{tp.partition}] is {lag} records behind "
                f"(more than {ENV_PREFIX}READY_MAX_LAG={s.ready_max_lag})"
            )
    return None


#: (metric name, help, label name) of the counters counted as the engine works.
_COUNTERS = {
    "records_in": (
        "consent_gate_records_in",
        "Records taken for processing, per topic (inputs, and the internal by-contact topic "
        "with its watermarks)",
        "topic",
    ),
    "forwarded": (
        "consent_gate_forwarded",
        "Messages forwarded to a channel topic (INBOX by the router, CAMPAIGN by the gate)",
        "channel",
    ),
    "suppressed": ("consent_gate_suppressed", "CAMPAIGN messages suppressed", "channel"),
    "events": ("consent_gate_consent_events", "Consent events emitted, per type", "type"),
    "dead_letters": ("consent_gate_dead_letters", "Dead letters, per error code", "code"),
}


class Metrics(Observer):
    """The engine's observer and its metrics registry.

    The engine calls the observer for every record, so it only adds to plain dictionaries (a
    prometheus_client child's ``inc`` or ``observe`` takes a lock: several microseconds a record
    in a profile); the figures become metrics when scraped (:class:`_Counted`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.registry = CollectorRegistry(auto_describe=True)
        s = engine.s
        self.counts: dict[str, dict[str, int]] = {kind: {} for kind in _COUNTERS}
        # per input kind: [count per latency bucket (the last: above them all)], and the sum
        self.latency: dict[str, list[int]] = {}
        self.latency_sum: dict[str, float] = {}
        self._channel_of = {topic: channel for channel, topic in s.channel_topics.items()}
        self._kind_of = {
            s.suppressed_topic: "suppressed",
            s.events_topic: "events",
            s.deadletter_topic: "dead_letters",
        }
        self._bounds = [int(b * 1000) for b in LATENCY_BUCKETS]
        #: (undecided, overdue) possible opt-outs as last read (the HTTP API reads them,
        #: ``ConsentApi.refresh_reviews``); None until then.
        self.reviews: tuple[int, int] | None = None
        self.registry.register(_Counted(self))
        self.registry.register(_ScrapeTime(engine))
        self.registry.register(_Reviews(self))

    # --- Observer ------------------------------------------------------------------------------
    def consumed(self, topic: str, count: int) -> None:
        counts = self.counts["records_in"]
        counts[topic] = counts.get(topic, 0) + count

    def produced(self, out: Output) -> None:
        channel = self._channel_of.get(out.topic)
        if channel is not None:
            counts = self.counts["forwarded"]
            counts[channel] = counts.get(channel, 0) + 1
            return
        kind = self._kind_of.get(out.topic)
        if kind is not None:
            counts = self.counts[kind]
            label = out.tag or "unknown"
            counts[label] = counts.get(label, 0) + 1

    def decided(self, src: SourceRecord, now_ms: int) -> None:
        if src.timestamp_ms is None:
            return
        hs = src.headers
        kind = hs[-2][1] if len(hs) >= 2 and hs[-2][0] == KIND_HEADER else None
        label = kind.decode(errors="replace") if kind else "unknown"
        waited = max(0, now_ms - src.timestamp_ms)
        buckets = self.latency.get(label)
        if buckets is None:
            buckets = self.latency[label] = [0] * (len(self._bounds) + 1)
            self.latency_sum[label] = 0.0
        buckets[bisect_left(self._bounds, waited)] += 1
        self.latency_sum[label] += waited / 1000


class _Counted(Collector):
    """The observer's counts as Prometheus counters and a histogram."""

    def __init__(self, metrics: Metrics) -> None:
        self.m = metrics

    def describe(self) -> list[Metric]:
        return []  # computed each scrape

    def collect(self) -> Iterator[Metric]:
        for kind, (name, doc, label) in _COUNTERS.items():
            family = CounterMetricFamily(name, doc, labels=[label])
            for value, count in sorted(self.m.counts[kind].items()):
                family.add_metric([value], count)
            yield family
        hist = HistogramMetricFamily(
            "consent_gate_decision_latency_seconds",
            "From an input's Kafka timestamp (when it was published) to the gate's decision",
            labels=["input"],
        )
        for label, counts in sorted(self.m.latency.items()):
            cumulative, total = [], 0
            for bound, count in zip([*LATENCY_BUCKETS, float("inf")], counts, strict=True):
                total += count
                cumulative.append(("+Inf" if bound == float("inf") else repr(float(bound)), total))
            hist.add_metric([label], cumulative, sum_value=self.m.latency_sum[label])
        yield hist


class _Reviews(Collector):
    """The review queue as the HTTP API last read it (absent until read once)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        if self.metrics.reviews is None:
            return
        undecided, overdue = self.metrics.reviews
        yield GaugeMetricFamily(
            "consent_gate_reviews_undecided",
            "POSSIBLE_OPT_OUTs no one has accepted or rejected yet (`consent-gate review list`)",
            value=undecided,
        )
        yield GaugeMetricFamily(
            "consent_gate_reviews_overdue",
            "Undecided POSSIBLE_OPT_OUTs older than CONSENT_GATE_REVIEW_DEADLINE_DAYS business "
            "days (the TCPA's 10 by default)",
            value=overdue,
        )


class _ScrapeTime(Collector):
    """What is read from the engine when scraped."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def describe(self) -> list[Metric]:
        return []  # computed each scrape

    def collect(self) -> Iterator[Metric]:
        engine = self.engine
        lag = GaugeMetricFamily(
            "consent_gate_consumer_lag",
            "Committed records not yet taken, per assigned partition (absent until known)",
            labels=["topic", "partition"],
        )
        for tp, records in consumer_lag(engine).items():
            if records is not None:
                lag.add_metric([tp.topic, str(tp.partition)], records)
        yield lag
        yield GaugeMetricFamily(
            "consent_gate_ready",
            "1 when /readyz answers 200 (assigned, restored, caught up within "
            "CONSENT_GATE_READY_MAX_LAG), else 0",
            value=1 if readiness(engine) is None else 0,
        )
        yield CounterMetricFamily(
            "consent_gate_hold_expired",
            "Records decided because their hold reached CONSENT_GATE_MAX_HOLD_MS or "
            "CONSENT_GATE_MAX_HELD (a CAMPAIGN send among them is suppressed as ORDER_UNCERTAIN "
            "by default)",
            value=engine.counters.get("hold_expired", 0),
        )
        yield GaugeMetricFamily(
            "consent_gate_held_records",
            "Records held until their event-time turn, all owned partitions",
            value=sum(p.held() for p in engine.parts.values()),
        )
        yield GaugeMetricFamily(
            "consent_gate_owned_partitions",
            "By-contact partitions this worker owns and has restored",
            value=len(engine.parts),
        )
        if engine.store is not None:
            try:
                keys = engine.store.db.property_int_value("rocksdb.estimate-num-keys")
            except Exception:  # closed while stopping
                keys = None
            if keys is not None:
                yield GaugeMetricFamily(
                    "consent_gate_table_keys_estimate",
                    "RocksDB's estimate of the keys in this worker's table (every partition it "
                    "keeps state of; `consent-gate status` counts entries per partition)",
                    value=keys,
                )
