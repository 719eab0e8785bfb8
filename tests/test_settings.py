"""Settings: defaults, environment overrides, and errors that name the variable to fix."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.core.keywords import SUPPORTED_LANGUAGES
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
    assert s.keyword_languages == SUPPORTED_LANGUAGES  # every pack: an opt-out in any is one
    assert (s.partitions, s.topic_prefix) == (8, "")
    assert s.input_topics == [
        "messaging.inbound.replies",
        "messaging.link.clicks",
        "messaging.outbound.requests",
        "consent.commands",
        "messaging.delivery.reports",
    ]
    assert s.reply_channels == ("SMS", "WHATSAPP")
    assert s.reply_texts == {}
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
    assert len(names) == len(set(names)) == 5 + len(DEFAULT_CHANNELS) + 4 + 1


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


# --- Settings that cannot disable the gate: refused at start, in one sentence --------------------


def refused(**env: str) -> str:
    """The one-sentence error for these environment variables."""
    os.environ.update(env)  # restore_env puts the environment back afterwards
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    message = str(err.value)
    assert message.count(". ") == 0 and message.endswith("."), message  # one sentence
    return message


@pytest.fixture(autouse=True)
def restore_env() -> Iterator[None]:
    """``refused`` sets variables directly: the environment is put back after each test."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("CONSENT_GATE_PARTITONS", "CONSENT_GATE_PARTITIONS"),
        ("CONSENT_GATE_KEYWORD_LANGUAGE", "CONSENT_GATE_KEYWORD_LANGUAGES"),
        ("consent_gate_default_subscribe", "CONSENT_GATE_DEFAULT_SUBSCRIBED"),
        ("CONSENT_GATE_SASLPASSWORD", "CONSENT_GATE_SASL_PASSWORD"),
    ],
)
def test_a_misspelt_variable_is_refused_with_the_closest_name(
    name: str, suggestion: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, "1")
    message = refused()
    assert message.startswith(f"Unknown setting {name} (environment variable): rename it to ")
    assert f"rename it to {suggestion} or remove it" in message


def test_a_variable_that_is_no_setting_at_all_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_STORE", "memory://")  # a setting that no longer exists
    assert "Unknown setting CONSENT_GATE_STORE (environment variable): remove it" in refused()


def test_a_misspelt_line_in_dotenv_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CONSENT_GATE_CHANELS=sms\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith(
        "Unknown setting CONSENT_GATE_CHANELS (in .env): rename it to CONSENT_GATE_CHANNELS "
    )


def test_documented_non_settings_are_not_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_TEST_BOOTSTRAP", "localhost:9092")
    monkeypatch.setenv("CONSENT_GATE_SCHEMA_DIR", "/somewhere/schemas")
    monkeypatch.setenv("CONSENT_GATE_TEST_WORKER_SRC", "/another/tree")
    monkeypatch.setenv("OTHER_APP_PARTITIONS", "3")  # other prefixes are none of our business
    assert load_settings(_env_file=None).partitions == 8


def test_settings_objects_in_tests_ignore_unknown_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSENT_GATE_NOT_A_SETTING", "1")
    assert settings().partitions == 8  # only load_settings (the commands) checks the names


@pytest.mark.parametrize(
    ("env", "value", "says"),
    [
        ("CONSENT_GATE_KEYWORD_LANGUAGES", "", "at least one language is needed"),
        ("CONSENT_GATE_KEYWORD_LANGUAGES", " , ", "at least one language is needed"),
        ("CONSENT_GATE_EXTRA_OPT_OUT_KEYWORDS", "BASTA,!!!", "'!!!' is empty after normalisation"),
        ("CONSENT_GATE_EXTRA_OPT_IN_KEYWORDS", "🙂", "is empty after normalisation"),
        ("CONSENT_GATE_EXTRA_HELP_KEYWORDS", "-", "is empty after normalisation"),
        ("CONSENT_GATE_LOG_LEVEL", "loud", "'loud' is not a log level"),
        ("CONSENT_GATE_LIBRARY_LOG_LEVEL", "verbose", "'verbose' is not a log level"),
        ("CONSENT_GATE_BOOTSTRAP_SERVERS", "localhost", "'localhost' is not host:port"),
        ("CONSENT_GATE_BOOTSTRAP_SERVERS", "a:9092,", "'' is not host:port"),
        ("CONSENT_GATE_BOOTSTRAP_SERVERS", "a:99999", "'a:99999' is not host:port"),
        ("CONSENT_GATE_AUDIT_RETENTION_MS", "3600000", "must be -1 (forever) or at least"),
        ("CONSENT_GATE_AUDIT_RETENTION_MS", "0", "must be -1 (forever) or at least"),
        ("CONSENT_GATE_SECURITY_PROTOCOL", "TLS", "SECURITY_PROTOCOL"),
        ("CONSENT_GATE_SASL_MECHANISM", "GSSAPI", "SASL_MECHANISM"),
        ("CONSENT_GATE_MAX_MESSAGE_BYTES", "1000", "MAX_MESSAGE_BYTES"),
    ],
)
def test_a_value_that_would_disable_the_gate_is_refused(env: str, value: str, says: str) -> None:
    message = refused(**{env: value})
    assert message.startswith(f"Bad setting {env}: ")
    assert says in message


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {"CONSENT_GATE_EXTRA_OPT_IN_KEYWORDS": "yes please,Stop!"},
            "CONSENT_GATE_EXTRA_OPT_IN_KEYWORDS has 'Stop!', which is already an opt-out keyword",
        ),
        (
            {"CONSENT_GATE_EXTRA_HELP_KEYWORDS": "arrêt", "CONSENT_GATE_KEYWORD_LANGUAGES": "fr"},
            "already an opt-out keyword",
        ),
        (
            {"CONSENT_GATE_TOPIC_PREFIX": "my env/"},
            "'my env/messaging.inbound.replies' is not a Kafka topic name",
        ),
        ({"CONSENT_GATE_APP_ID": "gate 1"}, "'gate 1-by-contact' is not a Kafka topic name"),
        (
            {"CONSENT_GATE_COMMIT_INTERVAL_BEHIND_MS": "6000"},
            "CONSENT_GATE_COMMIT_INTERVAL_BEHIND_MS (6000) is more than half of "
            "CONSENT_GATE_TRANSACTION_TIMEOUT_MS (10000): a transaction could outlive the timeout "
            "and be aborted; set it to at most 5000",
        ),
        (
            {
                "CONSENT_GATE_COMMIT_INTERVAL_MS": "800",
                "CONSENT_GATE_TRANSACTION_TIMEOUT_MS": "1500",
            },
            "CONSENT_GATE_COMMIT_INTERVAL_MS (800) is more than half",
        ),
    ],
)
def test_a_combination_that_would_not_do_what_it_says_is_refused(
    env: dict[str, str], says: str
) -> None:
    message = refused(**env)
    assert message.startswith("Bad settings: ")
    assert says in message


def test_log_levels_are_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_LOG_LEVEL", "DEBUG")
    assert load_settings(_env_file=None).log_level == "debug"


# --- Secured clusters -----------------------------------------------------------------------------


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "kafka-password"
    path.write_text("s3cret pass\n", encoding="utf-8")
    return path


def test_sasl_settings(monkeypatch: pytest.MonkeyPatch, password_file: Path) -> None:
    monkeypatch.setenv("CONSENT_GATE_SECURITY_PROTOCOL", "sasl_plaintext")
    monkeypatch.setenv("CONSENT_GATE_SASL_MECHANISM", "scram-sha-512")
    monkeypatch.setenv("CONSENT_GATE_SASL_USERNAME", "gate")
    monkeypatch.setenv("CONSENT_GATE_SASL_PASSWORD", "pw")
    s = load_settings(_env_file=None)
    assert (s.security_protocol, s.sasl_mechanism, s.sasl_username) == (
        "SASL_PLAINTEXT",
        "SCRAM-SHA-512",
        "gate",
    )
    assert s.sasl_secret() == "pw"
    assert "pw" not in repr(s) and "pw" not in str(s.model_dump())

    monkeypatch.delenv("CONSENT_GATE_SASL_PASSWORD")
    monkeypatch.setenv("CONSENT_GATE_SASL_PASSWORD_FILE", str(password_file))
    assert load_settings(_env_file=None).sasl_secret() == "s3cret pass"  # newline taken off


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {"CONSENT_GATE_SASL_USERNAME": "gate"},
            "CONSENT_GATE_SASL_USERNAME is set but CONSENT_GATE_SECURITY_PROTOCOL is PLAINTEXT",
        ),
        (
            {"CONSENT_GATE_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "CONSENT_GATE_SSL_CAFILE": "x"},
            "CONSENT_GATE_SSL_CAFILE is set but CONSENT_GATE_SECURITY_PROTOCOL is SASL_PLAINTEXT",
        ),
        ({"CONSENT_GATE_SECURITY_PROTOCOL": "SASL_SSL"}, "set CONSENT_GATE_SASL_USERNAME"),
        (
            {"CONSENT_GATE_SECURITY_PROTOCOL": "SASL_SSL", "CONSENT_GATE_SASL_USERNAME": "u"},
            "set either CONSENT_GATE_SASL_PASSWORD or CONSENT_GATE_SASL_PASSWORD_FILE",
        ),
        (
            {
                "CONSENT_GATE_SECURITY_PROTOCOL": "SASL_SSL",
                "CONSENT_GATE_SASL_USERNAME": "u",
                "CONSENT_GATE_SASL_PASSWORD": "p",
                "CONSENT_GATE_SASL_PASSWORD_FILE": "{password_file}",
            },
            "set either CONSENT_GATE_SASL_PASSWORD or CONSENT_GATE_SASL_PASSWORD_FILE",
        ),
        (
            {
                "CONSENT_GATE_SECURITY_PROTOCOL": "SASL_SSL",
                "CONSENT_GATE_SASL_USERNAME": "u",
                "CONSENT_GATE_SASL_PASSWORD_FILE": "/nonexistent/pw",
            },
            "CONSENT_GATE_SASL_PASSWORD_FILE=/nonexistent/pw is not a readable file",
        ),
        (
            {
                "CONSENT_GATE_SECURITY_PROTOCOL": "SSL",
                "CONSENT_GATE_SSL_KEYFILE": "{password_file}",
            },
            "CONSENT_GATE_SSL_KEYFILE is set: set CONSENT_GATE_SSL_CERTFILE too",
        ),
    ],
)
def test_security_settings_that_would_not_be_used_or_cannot_work_are_refused(
    env: dict[str, str], says: str, password_file: Path
) -> None:
    message = refused(**{k: v.format(password_file=password_file) for k, v in env.items()})
    assert message.startswith("Bad settings: ")
    assert says in message


def test_an_empty_password_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    message = refused(
        CONSENT_GATE_SECURITY_PROTOCOL="SASL_PLAINTEXT",
        CONSENT_GATE_SASL_USERNAME="u",
        CONSENT_GATE_SASL_PASSWORD_FILE=str(tmp_path / "empty"),
    )
    assert "is empty" in message


# --- `consent-gate settings` ----------------------------------------------------------------------


def run_settings_command() -> tuple[int, str, str]:
    from click.testing import CliRunner

    from streams.cli import main

    result = CliRunner().invoke(main, ["settings"])
    return result.exit_code, result.stdout, result.stderr


def test_settings_command_masks_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("CONSENT_GATE_SASL_USERNAME", "gate")
    monkeypatch.setenv("CONSENT_GATE_SASL_PASSWORD", "hunter2")
    code, out, _ = run_settings_command()
    assert code == 0
    assert "hunter2" not in out
    assert "CONSENT_GATE_SASL_PASSWORD=***\n" in out
    assert "CONSENT_GATE_SASL_USERNAME=gate\n" in out
    assert "CONSENT_GATE_SASL_PASSWORD_FILE=\n" in out
    assert "CONSENT_GATE_CHANNELS=SMS,WHATSAPP,EMAIL,MESSENGER,INSTAGRAM,TELEGRAM\n" in out


def test_settings_command_reports_the_same_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_PARTITONS", "3")
    code, out, err = run_settings_command()
    assert (code, out) == (2, "")
    with pytest.raises(SettingsError) as expected:
        load_settings()
    assert err == f"consent-gate: {expected.value}\n"

    monkeypatch.delenv("CONSENT_GATE_PARTITONS")
    monkeypatch.setenv("CONSENT_GATE_KEYWORD_LANGUAGES", "")
    code, out, err = run_settings_command()
    assert code == 2 and "at least one language is needed" in err


# --- Replies ------------------------------------------------------------------------------------


def test_reply_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_REPLY_CHANNELS", "sms")
    monkeypatch.setenv(
        "CONSENT_GATE_REPLY_TEXTS",
        '{"help": "Acme: reply STOP to opt out.", "opt-out-confirmation.sms.FR": "Vous êtes '
        'désinscrit. Répondez START pour vous réinscrire."}',
    )
    s = load_settings(_env_file=None)
    assert s.reply_channels == ("SMS",)
    assert s.reply_texts == {
        "help": "Acme: reply STOP to opt out.",
        "opt-out-confirmation.SMS.fr": "Vous êtes désinscrit. Répondez START pour vous réinscrire.",
    }


def test_no_reply_channels_turns_replies_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_GATE_REPLY_CHANNELS", "")
    assert load_settings(_env_file=None).reply_channels == ()


def test_default_reply_channels_keep_only_configured_channels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSENT_GATE_CHANNELS", "SMS,EMAIL")
    assert load_settings(_env_file=None).reply_channels == ("SMS",)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("CONSENT_GATE_REPLY_CHANNELS", "SMS,FAX", "REPLY_CHANNELS has FAX"),
        ("CONSENT_GATE_REPLY_TEXTS", '{"goodbye": "x"}', "reply kind must be one of"),
        ("CONSENT_GATE_REPLY_TEXTS", '{"help.FAX": "x"}', "neither a configured channel"),
        ("CONSENT_GATE_REPLY_TEXTS", '{"help.SMS": "  "}', "the text is empty"),
        ("CONSENT_GATE_REPLY_TEXTS", "not json", "CONSENT_GATE_REPLY_TEXTS"),
    ],
)
def test_bad_reply_settings_are_refused_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    assert says in str(err.value) and "\n" not in str(err.value)


def test_the_grace_is_fixed_unless_a_floor_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (settings().order_grace_ms, settings().order_grace_min_ms) == (200, None)
    monkeypatch.setenv("CONSENT_GATE_ORDER_GRACE_MIN_MS", "50")
    assert settings().order_grace_min_ms == 50
    monkeypatch.setenv("CONSENT_GATE_ORDER_GRACE_MIN_MS", "-1")
    with pytest.raises(SettingsError, match="CONSENT_GATE_ORDER_GRACE_MIN_MS"):
        load_settings()
