"""Topic creation without a broker: which configs each topic gets, and every per-topic result of
a CreateTopics response checked (aiokafka returns the broker's errors instead of raising them)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from streams.kafka.admin import StartupError, check_created, new_topic, replication, topic_configs
from streams.settings import Settings


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def response(*topic_errors: tuple[Any, ...]) -> Any:
    """A CreateTopicsResponse as aiokafka decodes it: v0 (topic, code), v1+ with the message."""
    return SimpleNamespace(topic_errors=list(topic_errors))


def test_audit_topics_are_kept_forever_and_never_compacted() -> None:
    s = settings()
    for topic in (s.events_topic, s.suppressed_topic, s.deadletter_topic):
        assert topic_configs(s, topic) == {
            "retention.ms": "-1",
            "retention.bytes": "-1",
            "cleanup.policy": "delete",
        }


def test_audit_retention_follows_the_setting() -> None:
    s = settings(audit_retention_ms=31_536_000_000)
    assert topic_configs(s, s.events_topic)["retention.ms"] == "31536000000"


def test_inputs_and_channel_topics_get_the_broker_defaults() -> None:
    s = settings()
    for topic in (*s.input_topics, *s.channel_topics.values()):
        assert topic_configs(s, topic) == {}


def test_created_and_already_existing_topics_are_fine() -> None:
    created = check_created(
        settings(),
        response(("a", 0, None), ("b", 36, "Topic 'b' already exists."), ("c", 0, "")),
    )
    assert created == ["a", "c"]  # b was made by someone else meanwhile


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (
            ("t.events", 38, "Unable to replicate the partition 3 time(s)."),
            "The Kafka broker at localhost:9092 did not create topic t.events: "
            "InvalidReplicationFactorError (Unable to replicate the partition 3 time(s)): "
            "set CONSENT_GATE_REPLICATION_FACTOR to at most the number of brokers.",
        ),
        (
            ("t.events", 29, None),
            "The Kafka broker at localhost:9092 did not create topic t.events: "
            "TopicAuthorizationFailedError (Returned by the broker when the client is not "
            "authorized to access the requested topic): the Kafka user needs "
            "permission to create topics (or create them yourself).",
        ),
        (
            ("t.events", 44),  # v0: no message; an error without a hint
            "The Kafka broker at localhost:9092 did not create topic t.events: "
            "PolicyViolationError (Request parameters do not satisfy the configured policy).",
        ),
    ],
)
def test_any_other_error_names_the_topic_and_what_the_broker_said(
    result: tuple[Any, ...], expected: str
) -> None:
    with pytest.raises(StartupError) as err:
        check_created(settings(), response(("ok", 0, None), result))
    assert str(err.value) == expected


def test_the_first_error_is_reported_even_after_successes() -> None:
    with pytest.raises(StartupError, match="did not create topic b: InvalidConfigurationError"):
        check_created(settings(), response(("a", 0, None), ("b", 40, "bad retention.ms")))


def test_the_prefix_is_on_every_topic_the_worker_creates_the_changelog_included() -> None:
    s = settings(topic_prefix="acme.", app_id="cg")
    assert s.changelog_topic == "acme.cg-consent-changelog"
    assert s.by_contact_topic == "acme.cg-by-contact"
    assert s.replay_marks_topic == "acme.cg-deadletter-replays"
    assert all(t.startswith("acme.") for t in s.internal_topics)
    assert settings(app_id="cg").changelog_topic == "cg-consent-changelog"  # no prefix: as before
    kept = settings(topic_prefix="acme.", app_id="cg", changelog_topic_name="cg-consent-changelog")
    assert kept.changelog_topic == "cg-consent-changelog"


def test_a_prefixed_deployment_with_its_table_in_the_old_changelog_is_refused_at_start() -> None:
    from streams.kafka.admin import check_changelog_name

    s = settings(topic_prefix="acme.", app_id="cg")
    with pytest.raises(StartupError) as err:
        check_changelog_name(s, {"cg-consent-changelog", "acme.cg-by-contact"})
    assert "\n" not in str(err.value)
    assert "CONSENT_GATE_CHANGELOG_TOPIC_NAME=cg-consent-changelog" in str(err.value)
    check_changelog_name(s, set())  # a new deployment
    check_changelog_name(s, {"cg-consent-changelog", "acme.cg-consent-changelog"})  # moved
    kept = settings(topic_prefix="acme.", app_id="cg", changelog_topic_name="cg-consent-changelog")
    check_changelog_name(kept, {"cg-consent-changelog"})
    check_changelog_name(settings(app_id="cg"), {"cg-consent-changelog"})  # no prefix


class FakeAdmin:
    """Just enough of AIOKafkaAdminClient for :func:`replication`."""

    def __init__(self, brokers: int) -> None:
        self.brokers = brokers

    async def describe_cluster(self) -> dict[str, Any]:
        return {"brokers": [{"node_id": n} for n in range(self.brokers)]}


@pytest.mark.parametrize(
    ("brokers", "values", "expected"),
    [
        (1, {}, (1, 1)),
        (2, {}, (2, 1)),
        (3, {}, (3, 2)),
        (5, {}, (3, 2)),
        (3, {"replication_factor": 1}, (1, 1)),
        (3, {"min_insync_replicas": 3}, (3, 3)),
        (5, {"replication_factor": 5, "min_insync_replicas": 3}, (5, 3)),
    ],
)
def test_replication_is_derived_from_the_brokers_available_unless_set(
    brokers: int, values: dict[str, Any], expected: tuple[int, int]
) -> None:
    assert asyncio.run(replication(FakeAdmin(brokers), settings(**values))) == expected


def test_more_replicas_than_brokers_is_one_sentence() -> None:
    with pytest.raises(StartupError) as err:
        asyncio.run(replication(FakeAdmin(2), settings(replication_factor=3)))
    assert str(err.value) == (
        "CONSENT_GATE_REPLICATION_FACTOR is 3 but the Kafka cluster at localhost:9092 has 2 "
        "brokers available: set it to at most 2, or start the missing brokers."
    )
    with pytest.raises(StartupError) as err:
        asyncio.run(replication(FakeAdmin(1), settings(min_insync_replicas=2)))
    assert "CONSENT_GATE_MIN_INSYNC_REPLICAS is 2 but the replication factor is 1" in str(err.value)


def test_min_insync_replicas_above_the_replication_factor_is_refused_in_the_settings() -> None:
    with pytest.raises(ValidationError) as err:
        settings(replication_factor=2, min_insync_replicas=3)
    assert "CONSENT_GATE_MIN_INSYNC_REPLICAS (3) is larger than" in str(err.value)


def test_new_topics_carry_min_insync_replicas() -> None:
    topic = new_topic("t", 4, (3, 2), {"cleanup.policy": "compact"})
    assert (topic.num_partitions, topic.replication_factor) == (4, 3)
    assert topic.topic_configs == {"cleanup.policy": "compact", "min.insync.replicas": "2"}


class _Described:
    def __init__(self, resources: list[tuple[Any, ...]]) -> None:
        self.resources = resources


class _Admin:
    """Answers describe_configs from a script: a topic just created is unknown to this broker
    for the first answers (on several brokers, each learns of it a moment later)."""

    def __init__(self, unknown_for: int) -> None:
        self.unknown_for = unknown_for
        self.asked = 0

    async def describe_configs(self, resources: list[Any]) -> list[_Described]:
        self.asked += 1
        code = 3 if self.asked <= self.unknown_for else 0  # UNKNOWN_TOPIC_OR_PARTITION
        entries = [] if code else [("cleanup.policy", "compact")]
        return [_Described([(code, None, 2, r.name, entries) for r in resources])]


def test_a_topic_just_created_that_a_broker_does_not_know_yet_is_asked_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from streams.kafka import admin as admin_module

    fake = _Admin(unknown_for=2)
    configs = asyncio.run(admin_module._configs(fake, ["t"]))
    assert configs == {"t": {"cleanup.policy": "compact"}} and fake.asked == 3

    monkeypatch.setattr(admin_module, "NEW_TOPIC_WAIT_S", 0.3)
    with pytest.raises(StartupError, match="Cannot read the configuration of topic t"):
        asyncio.run(admin_module._configs(_Admin(unknown_for=1000), ["t"]))
