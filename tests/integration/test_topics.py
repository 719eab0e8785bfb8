"""`consent-gate topics create` on the real broker: proof that lasts (the audit topics keep their
records forever by default) and every per-topic error of the broker reported."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import pytest

from streams.kafka.admin import (
    StartupError,
    create_topics,
    describe_topic_configs,
    existing_topics,
)
from streams.settings import Settings

pytestmark = pytest.mark.integration


def topic_settings(bootstrap: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "topic_prefix": f"t-{uuid.uuid4().hex[:10]}.",
        "channels": "SMS,EMAIL",
        "output_partitions": 1,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def configs(settings: Settings, topics: list[str]) -> dict[str, dict[str, str | None]]:
    return asyncio.run(describe_topic_configs(settings, topics))


def test_audit_topics_keep_their_records_forever_and_channel_topics_get_the_broker_default(
    kafka_bootstrap: str,
) -> None:
    settings = topic_settings(kafka_bootstrap)
    created = asyncio.run(create_topics(settings))
    assert sorted(created) == sorted([*settings.input_topics, *settings.output_topics])

    audit = [settings.events_topic, settings.suppressed_topic, settings.deadletter_topic]
    found = configs(settings, [*audit, settings.channel_topic("SMS"), settings.replies_topic])
    for topic in audit:
        assert found[topic]["retention.ms"] == "-1", topic
        assert found[topic]["retention.bytes"] == "-1", topic
        assert found[topic]["cleanup.policy"] == "delete", topic
    broker_default = str(7 * 24 * 3600 * 1000)  # scripts/kafka-local: log.retention.hours=168
    assert found[settings.channel_topic("SMS")]["retention.ms"] == broker_default
    assert found[settings.replies_topic]["retention.ms"] == broker_default


def test_audit_retention_is_a_setting(kafka_bootstrap: str) -> None:
    days_400 = 400 * 24 * 3600 * 1000
    settings = topic_settings(kafka_bootstrap, audit_retention_ms=days_400)
    asyncio.run(create_topics(settings))
    assert configs(settings, [settings.events_topic])[settings.events_topic]["retention.ms"] == str(
        days_400
    )


def test_an_existing_audit_topic_with_another_retention_is_reported(
    kafka_bootstrap: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = topic_settings(kafka_bootstrap)
    asyncio.run(create_topics(settings))
    changed = settings.model_copy(update={"audit_retention_ms": 30 * 24 * 3600 * 1000})
    with caplog.at_level(logging.WARNING, logger="consent_gate.admin"):
        assert asyncio.run(create_topics(changed)) == []  # nothing new, nothing changed
    warned = [r.getMessage() for r in caplog.records if "audit_config_differs" in r.getMessage()]
    assert len(warned) == 3
    assert f"topic={settings.events_topic} config=retention.ms value=-1" in " ".join(warned)


def test_a_replication_factor_above_the_brokers_available_is_one_sentence_at_start(
    kafka_bootstrap: str,
) -> None:
    settings = topic_settings(kafka_bootstrap, replication_factor=3)  # one broker only
    with pytest.raises(StartupError) as err:
        asyncio.run(create_topics(settings))
    assert str(err.value) == (
        f"CONSENT_GATE_REPLICATION_FACTOR is 3 but the Kafka cluster at {kafka_bootstrap} has "
        "1 broker available: set it to at most 1, or start the missing brokers."
    )
    assert settings.replies_topic not in asyncio.run(existing_topics(settings))


def test_on_one_broker_the_topics_get_one_replica_and_min_insync_replicas_1(
    kafka_bootstrap: str,
) -> None:
    settings = topic_settings(kafka_bootstrap)
    asyncio.run(create_topics(settings))
    found = configs(settings, [settings.replies_topic, settings.events_topic])
    assert {t: c["min.insync.replicas"] for t, c in found.items()} == {
        settings.replies_topic: "1",
        settings.events_topic: "1",
    }
