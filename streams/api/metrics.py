"""The worker's Prometheus metrics (``GET /metrics``), on a registry of its own per engine.

Counted as the engine works (:class:`streams.kafka.observer.Observer`): records taken per topic,
records produced per kind and label, decision latency. Read when scraped: consumer lag per
partition, hold-bound hits, records held, the table's size. Counters count what was *sent* in a
transaction: a transaction that is aborted and retried counts its records again, so they can run
slightly ahead of what readers see (the outputs themselves are exactly once).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from aiokafka import TopicPartition
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from streams.kafka.observer import Observer
from streams.processing.records import Output, SourceRecord, split_internal

if TYPE_CHECKING:
    from streams.kafka.engine import Engine

#: Seconds from an input's timestamp to its decision: the gate holds a send about the order grace
#: (200 ms) plus a commit interval or two; beyond a minute the hold bound decides.
LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0)


def consumer_lag(engine: Engine) -> dict[TopicPartition, int | None]:
    """Records not yet taken, per assigned partition (committed records only: up to the last
    stable offset); None until a fetch has told the partition's end. aiokafka 0.14 (pinned)
    keeps both in its assignment state, as ``Engine._caught_up`` reads them."""
    consumer = engine.consumer
    if consumer is None:
        return {}
    subscription = consumer._subscription.subscription
    assignment = subscription.assignment if subscription is not None else None
    if assignment is None:
        return {}
    lags: dict[TopicPartition, int | None] = {}
    for tp in sorted(assignment.tps):
        state = assignment.state_value(tp)
        end = None
        if state is not None:
            end = state.lso if state.lso is not None and state.lso >= 0 else state.highwater
        if state is None or end is None or not state.has_valid_position:
            lags[tp] = None
        else:
            lags[tp] = max(0, end - state.position)
    return lags


class Metrics(Observer):
    """The engine's observer and its metrics registry."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.records_in = Counter(
            "consent_gate_records_in",
            "Records taken for processing, per topic (inputs, and the internal by-contact topic "
            "with its watermarks)",
            ["topic"],
            registry=r,
        )
        self.forwarded = Counter(
            "consent_gate_forwarded",
            "Messages forwarded to a channel topic (INBOX by the router, CAMPAIGN by the gate)",
            ["channel"],
            registry=r,
        )
        self.suppressed = Counter(
            "consent_gate_suppressed", "CAMPAIGN messages suppressed", ["channel"], registry=r
        )
        self.events = Counter(
            "consent_gate_consent_events", "Consent events emitted, per type", ["type"], registry=r
        )
        self.dead_letters = Counter(
            "consent_gate_dead_letters", "Dead letters, per error code", ["code"], registry=r
        )
        self.latency = Histogram(
            "consent_gate_decision_latency_seconds",
            "From an input's Kafka timestamp (when it was published) to the gate's decision",
            ["input"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        s = engine.s
        self._channel_of = {topic: channel for channel, topic in s.channel_topics.items()}
        self._labelled = {
            s.suppressed_topic: self.suppressed,
            s.events_topic: self.events,
            s.deadletter_topic: self.dead_letters,
        }
        self._children: dict[tuple[int, str], Any] = {}  # label lookups are not free
        r.register(_ScrapeTime(engine))

    def _child(self, metric: Any, label: str) -> Any:
        key = (id(metric), label)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(label)
        return child

    # --- Observer ------------------------------------------------------------------------------
    def consumed(self, topic: str, count: int) -> None:
        self._child(self.records_in, topic).inc(count)

    def produced(self, out: Output) -> None:
        channel = self._channel_of.get(out.topic)
        if channel is not None:
            self._child(self.forwarded, channel).inc()
            return
        metric = self._labelled.get(out.topic)
        if metric is not None:
            self._child(metric, out.tag or "unknown").inc()

    def decided(self, src: SourceRecord, now_ms: int) -> None:
        if src.timestamp_ms is None:
            return
        _, kind, _ = split_internal(src.headers)
        label = kind.decode(errors="replace") if kind else "unknown"
        self._child(self.latency, label).observe(max(0.0, (now_ms - src.timestamp_ms) / 1000))


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
