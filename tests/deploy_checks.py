"""What the deployment files (docker-compose.yml, deploy/) are checked against: the settings the
worker reads, the image's environment, and the metric names its /metrics serves. Shared by
tests/test_docker_compose.py and tests/test_deploy.py."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from aiokafka import TopicPartition
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from streams.settings import ENV_PREFIX, NOT_SETTINGS, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
#: Labels Prometheus adds to every series it scrapes (the target's), besides the metric's own.
TARGET_LABELS = frozenset({"instance", "job", "pod", "namespace"})


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
    found: dict[str, tuple[str, frozenset[str]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = found.get(sample.name, (family.type, frozenset()))[1]
            found[sample.name] = (family.type, labels | (set(sample.labels) - {"le"}))
    return found
