"""Settings: defaults, environment overrides, and errors that name the variable to fix."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from streams.settings import DEFAULT_CHANNELS, Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No CONSENT_GATE_* variable of the caller's shell, and no stray .env, leaks in."""
    for name in list(os.environ):
        if name.upper().startswith("CONSENT_GATE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_defaults() -> None:
    s = settings()
    assert s.channels == ("SMS", "WHATSAPP", "EMAIL", "MESSENGER", "INSTAGRAM", "TELEGRAM")
    assert s.channels == DEFAULT_CHANNELS
    assert s.default_subscribed is True
    assert s.act_on_contained_keyword is False
    assert s.keyword_languages == ("en",)
    assert (s.partitions, s.store, s.topic_prefix) == (8, "rocksdb://", "")
    assert s.input_topics == [
        "messaging.inbound.replies",
        "messaging.link.clicks",
        "messaging.outbound.requests",
        "consent.commands",
    ]
    assert (s.suppressed_topic, s.events_topic, s.deadletter_topic) == (
        "messaging.outbound.suppressed",
        "consent.events",
        "consent.deadletter",
    )
    assert s.channel_topic("WHATSAPP") == "messaging.outbound.whatsapp"
    assert s.channel_topics["SMS"] == "messaging.outbound.sms"
    assert s.by_contact_topic == "consent-gate-by-contact"
    assert s.broker_url == "kafka://localhost:9092"


def test_every_topic_name_is_distinct() -> None:
    s = settings()
    names = [*s.input_topics, *s.output_topics, s.by_contact_topic]
    assert len(names) == len(set(names)) == 4 + len(DEFAULT_CHANNELS) + 3 + 1


def test_channels_from_env_are_trimmed_and_upper_cased(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_CHANNELS", "sms, fax")
    s = settings()
    assert s.channels == ("SMS", "FAX")
    assert list(s.channel_topics.values()) == ["messaging.outbound.sms", "messaging.outbound.fax"]


def test_duplicate_channels_collapse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_CHANNELS", "sms,SMS, Sms ,email,")
    assert settings().channels == ("SMS", "EMAIL")


def test_topic_prefix_applies_to_every_topic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_TOPIC_PREFIX", "test-1.")
    s = settings()
    topics = [*s.input_topics, *s.output_topics, s.by_contact_topic]
    assert all(t.startswith("test-1.") for t in topics)
    assert s.channel_topic("WHATSAPP") == "test-1.messaging.outbound.whatsapp"
    assert s.replies_topic == "test-1.messaging.inbound.replies"


def test_env_overrides_policy_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_DEFAULT_SUBSCRIBED", "false")
    monkeypatch.setenv("CONSENT_GATE_KEYWORD_LANGUAGES", "EN, fr")
    monkeypatch.setenv("CONSENT_GATE_EXTRA_OPT_OUT_KEYWORDS", "BASTA, enough already")
    monkeypatch.setenv("CONSENT_GATE_PARTITIONS", "16")
    monkeypatch.setenv("CONSENT_GATE_BOOTSTRAP_SERVERS", "a:9092, b:9093")
    s = load_settings(_env_file=None)
    assert s.default_subscribed is False
    assert s.keyword_languages == ("en", "fr")
    assert s.extra_opt_out_keywords == ("BASTA", "enough already")
    assert s.partitions == 16
    assert s.broker_url == "kafka://a:9092,kafka://b:9093"


def test_dotenv_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CONSENT_GATE_CHANNELS=sms\n", encoding="utf-8")
    assert Settings().channels == ("SMS",)  # type: ignore[call-arg]
    assert settings().channels == DEFAULT_CHANNELS


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("CONSENT_GATE_PARTITIONS", "zero"),
        ("CONSENT_GATE_PARTITIONS", "0"),
        ("CONSENT_GATE_KEYWORD_LANGUAGES", "xx"),
        ("CONSENT_GATE_STORE", "redis://"),
        ("CONSENT_GATE_CHANNELS", "sms,fa x"),
        ("CONSENT_GATE_CHANNELS", ","),
        ("CONSENT_GATE_DEFAULT_SUBSCRIBED", "maybe"),
    ],
)
def test_bad_value_raises_settings_error_naming_the_variable(
    env: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError, match=f"Bad setting {env}:"):
        load_settings(_env_file=None)


def test_topic_collision_names_a_real_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    # channel SUPPRESSED would forward to messaging.outbound.suppressed, the suppressed topic
    monkeypatch.setenv("CONSENT_GATE_CHANNELS", "sms,suppressed")
    with pytest.raises(SettingsError, match="topic names must all be different") as err:
        load_settings(_env_file=None)
    named = [n for n in re.findall(r"CONSENT_GATE_(\w+)", str(err.value)) if not n.endswith("_")]
    assert named
    assert all(name.lower() in Settings.model_fields for name in named)


def test_changelog_topic_is_the_name_faust_gives_the_table() -> None:
    from streams.kafka.wiring import create_app

    settings = Settings(_env_file=None, app_id="cg-x", store="memory://")  # type: ignore[call-arg]
    app = create_app(settings)
    [table] = app.tables.values()
    assert (
        table.changelog_topic.get_topic_name()
        == settings.changelog_topic
        == "cg-x-consent-changelog"
    )
