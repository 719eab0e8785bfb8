"""What the deployment files (docker-compose.yml, deploy/) are checked against: the settings the
worker reads, the image's environment, and the metric names its /metrics serves. Shared by
tests/test_docker_compose.py and tests/test_deploy.py."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import yaml
from aiokafka import TopicPartition
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from streams.settings import ENV_PREFIX, NOT_SETTINGS, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
#: Labels Prometheus adds to every series it scrapes (the target's), besides the metric's own.
TARGET_LABELS = frozenset({"instance", "job", "pod", "namespace"})

#: PromQL's functions and aggregations the files may call (a typo is not one of them).
PROMQL_FUNCTIONS = frozenset(
    [
        "sum",
        "min",
        "max",
        "avg",
        "count",
        "stddev",
        "stdvar",
        "topk",
        "bottomk",
        "quantile",
        "count_values",
        "group",
        "rate",
        "irate",
        "increase",
        "delta",
        "idelta",
        "deriv",
        "histogram_quantile",
        "absent",
        "absent_over_time",
        "avg_over_time",
        "max_over_time",
        "min_over_time",
        "sum_over_time",
        "count_over_time",
        "last_over_time",
        "clamp_min",
        "clamp_max",
        "abs",
        "ceil",
        "floor",
        "round",
        "time",
        "vector",
        "scalar",
        "label_replace",
        "label_join",
        "sort",
        "sort_desc",
        "changes",
        "resets",
        "predict_linear",
    ]
)
PROMQL_KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "inf", "nan"})
#: Prometheus's own series about each target.
PROMETHEUS_SERIES = frozenset({"up"})


def promql_names(expr: str) -> tuple[dict[str, set[str]], set[str], set[str]]:
    """(metric -> label names its selectors match on, labels of by/without/on/ignoring clauses,
    functions called) of one PromQL expression."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals
    text = re.sub(r"\[[^\]]*\]", " ", text)  # range and subquery durations
    metrics: dict[str, set[str]] = {}

    def selector(m: re.Match[str]) -> str:
        labels = set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", m.group(2)))
        metrics.setdefault(m.group(1), set()).update(labels)
        return f" {m.group(1)} "

    text = re.sub(r"([A-Za-z_:][\w:]*)\s*\{([^}]*)\}", selector, text)
    assert "{" not in text and "}" not in text, f"a selector without a metric name: {expr}"
    grouping: set[str] = set()

    def clause(m: re.Match[str]) -> str:
        grouping.update(label.strip() for label in m.group(2).split(",") if label.strip())
        return " "

    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", clause, text)
    functions = set(re.findall(r"\b([A-Za-z_][\w:]*)\s*\(", text))
    text = re.sub(r"\b[A-Za-z_][\w:]*\s*\(", "(", text)
    for name in re.findall(r"(?<![\w.$])([A-Za-z_:][\w:]*)", text):
        if name.lower() not in PROMQL_KEYWORDS:
            metrics.setdefault(name, set())
    assert text.count("(") == text.count(")"), f"unbalanced parentheses: {expr}"
    return metrics, grouping, functions


def image_env() -> dict[str, str]:
    """The ENV of the Dockerfile: what every container of the image starts with."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


@contextmanager
def _only(env: Mapping[str, str]) -> Iterator[None]:
    """The process environment with ``env`` as its only CONSENT_GATE_* variables."""
    kept = {k: v for k, v in os.environ.items() if not k.upper().startswith(ENV_PREFIX)}
    with mock.patch.dict(os.environ, {**kept, **env}, clear=True):
        yield


def worker_settings(env: Mapping[str, str]) -> Settings:
    """The settings a worker started with ``env`` (and the image's ENV under it) reads, by the
    worker's own loader: an unknown CONSENT_GATE_* name or a bad value fails as it would at
    start (:class:`streams.settings.SettingsError`, one sentence naming it)."""
    merged = {**image_env(), **env}
    assert set(merged) & set(NOT_SETTINGS) <= {"CONSENT_GATE_SCHEMA_DIR"}, "a test-only variable"
    with _only({k: v for k, v in merged.items() if k.upper().startswith(ENV_PREFIX)}):
        return load_settings(_env_file=None)


def scraped_metrics(tmp: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """Every metric a worker's ``GET /metrics`` serves, scraped in-process from the registry the
    worker builds (an engine with its table, the observer fed one record of each kind): sample
    name -> (type, its label names). Counters are ``<name>_total``, a histogram
    ``<name>_bucket``/``_sum``/``_count``, as Prometheus stores them."""
    from streams.api import metrics as worker_metrics
    from streams.kafka.engine import Engine
    from streams.processing.records import KIND_HEADER, ORIGIN_HEADER, Output, SourceRecord
    from streams.state.store import StateStore

    settings = Settings(_env_file=None, data_dir=tmp / "state", http_port=0)  # type: ignore[call-arg]
    engine = Engine(settings)
    engine.store = StateStore(tmp / "state" / "db")
    metrics = worker_metrics.Metrics(engine)
    engine.observer = metrics
    now = int(time.time() * 1000)
    metrics.consumed(settings.requests_topic, 3)
    for topic, tag in (
        (settings.channel_topic("SMS"), None),
        (settings.suppressed_topic, "SMS"),
        (settings.events_topic, "OPTED_OUT"),
        (settings.deadletter_topic, "NOT_AVRO"),
    ):
        metrics.produced(Output(topic, b"c", b"v", tag=tag))
    headers = ((KIND_HEADER, b"request"), (ORIGIN_HEADER, b"CAMPAIGN"))
    metrics.decided(SourceRecord("by-contact", 0, 0, now - 300, b"c", b"v", headers), now)
    # consumer_lag reads aiokafka's assignment state: one assigned partition, 5 records behind
    lag = {TopicPartition(settings.requests_topic, 0): 5}
    try:
        with mock.patch.object(worker_metrics, "consumer_lag", lambda _engine: lag):
            text = generate_latest(metrics.registry).decode()
    finally:
        engine.store.close()
    return served_metrics(text)


def served_metrics(text: str) -> dict[str, tuple[str, frozenset[str]]]:
    """What a /metrics page serves: sample name -> (type, the label names its samples have).
    Every family counts, with samples or not: a counter is ``<name>_total``, a histogram
    ``<name>_bucket``/``_sum``/``_count``, as Prometheus stores them."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
    found: dict[str, tuple[str, frozenset[str]]] = {}
    for family in text_string_to_metric_families(text):
        for suffix in suffixes.get(family.type, ("",)):
            found[family.name + suffix] = (family.type, frozenset())
        for sample in family.samples:
            labels = found.get(sample.name, (family.type, frozenset()))[1]
            found[sample.name] = (family.type, labels | (set(sample.labels) - {"le"}))
    return found


def deploy_exprs() -> list[str]:
    """Every PromQL expression of deploy/: the alert rules' and the dashboard's."""
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "consent-gate.json").read_text())
    return [
        *(rule["expr"] for group in rules["groups"] for rule in group["rules"]),
        *(t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])),
    ]
