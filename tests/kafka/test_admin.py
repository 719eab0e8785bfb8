"""Topic creation without a broker: which configs each topic gets, and every per-topic result of
a CreateTopics response checked (aiokafka returns the broker's errors instead of raising them)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from streams.kafka.admin import StartupError, check_created, topic_configs
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
