"""Secured clusters: the admin client and plain aiokafka clients built with ``client_options``
against the local broker's SASL_PLAINTEXT listener with SCRAM (scripts/kafka-local creates the
user); a refused login is one sentence that says so."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from click.testing import CliRunner

from streams.cli import main
from streams.kafka import local_broker
from streams.kafka.admin import StartupError, create_topics, existing_topics
from streams.kafka.security import client_options
from streams.settings import Settings

pytestmark = pytest.mark.integration

USER, PASSWORD = local_broker.scram_credentials()


@pytest.fixture(scope="module")
def sasl_bootstrap(kafka_bootstrap: str) -> str:
    """The SASL listener of the broker the tests use (KAFKA_SASL_PORT, default KAFKA_PORT + 2)."""
    host = kafka_bootstrap.split(",")[0].rpartition(":")[0]
    port = int(local_broker.sasl_bootstrap_servers().rpartition(":")[2])
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError:
        if os.environ.get("CONSENT_GATE_TEST_BOOTSTRAP"):
            pytest.skip(f"the broker under test has no SASL listener on {host}:{port}")
        pytest.fail(
            f"the local broker has no SASL listener on {port}: it was started by an older "
            "scripts/kafka-local, so run `scripts/kafka-local stop`, then `start`"
        )
    return f"{host}:{port}"


def sasl_settings(bootstrap: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bootstrap_servers": bootstrap,
        "topic_prefix": f"t-{uuid.uuid4().hex[:10]}.",
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_username": USER,
        "sasl_password": PASSWORD,
        "channels": "SMS",
        "output_partitions": 1,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def round_trip(settings: Settings) -> bytes | None:
    """Produce one record and read it back with plain aiokafka clients."""
    topic = settings.replies_topic
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers, **client_options(settings)
    )
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"secured", key=b"c1")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
        **client_options(settings),
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), 30)
        value: bytes | None = record.value
        return value
    finally:
        await consumer.stop()


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_the_right_password_works_for_the_admin_a_producer_and_a_consumer(
    sasl_bootstrap: str, mechanism: str
) -> None:
    settings = sasl_settings(sasl_bootstrap, sasl_mechanism=mechanism)
    created = asyncio.run(create_topics(settings))
    assert settings.replies_topic in created
    assert set(created) <= asyncio.run(existing_topics(settings))
    assert asyncio.run(round_trip(settings)) == b"secured"


def test_the_password_can_come_from_a_file(sasl_bootstrap: str, tmp_path: Any) -> None:
    (tmp_path / "password").write_text(PASSWORD + "\n", encoding="utf-8")
    settings = sasl_settings(
        sasl_bootstrap, sasl_password="", sasl_password_file=str(tmp_path / "password")
    )
    assert isinstance(asyncio.run(existing_topics(settings)), set)


def one_sentence(message: str) -> str:
    assert message.endswith(".") and ". " not in message, message
    return message


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_a_wrong_password_is_an_authentication_error_in_one_sentence(
    sasl_bootstrap: str, mechanism: str
) -> None:
    settings = sasl_settings(sasl_bootstrap, sasl_mechanism=mechanism, sasl_password="wrong")
    with pytest.raises(StartupError) as err:
        asyncio.run(existing_topics(settings))
    message = one_sentence(str(err.value))
    assert message.startswith(f"Authentication failed at the Kafka broker {sasl_bootstrap}: ")
    assert f"SASL user {USER!r} with {mechanism}" in message
    assert "CONSENT_GATE_SASL_PASSWORD" in message
    assert "wrong" not in message  # the password is never repeated


def test_the_cli_says_the_same(sasl_bootstrap: str) -> None:
    env = {
        "CONSENT_GATE_BOOTSTRAP_SERVERS": sasl_bootstrap,
        "CONSENT_GATE_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "CONSENT_GATE_SASL_MECHANISM": "SCRAM-SHA-512",
        "CONSENT_GATE_SASL_USERNAME": USER,
        "CONSENT_GATE_SASL_PASSWORD": "wrong",
    }
    result = CliRunner().invoke(main, ["topics", "list"], env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith("consent-gate: Authentication failed at the Kafka broker")
    assert "wrong" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"sasl_mechanism": "PLAIN"}, "does not offer SASL mechanism PLAIN on that listener"),
        (
            {"security_protocol": "PLAINTEXT", "sasl_username": "", "sasl_password": ""},
            "closed the connection at the first request",
        ),
    ],
    ids=["mechanism-not-enabled", "no-sasl"],
)
def test_other_refusals_say_what_to_fix(
    sasl_bootstrap: str, overrides: dict[str, Any], says: str
) -> None:
    with pytest.raises(StartupError) as err:
        asyncio.run(existing_topics(sasl_settings(sasl_bootstrap, **overrides)))
    assert says in one_sentence(str(err.value))


def test_sasl_on_a_plaintext_listener_says_so(kafka_bootstrap: str) -> None:
    with pytest.raises(StartupError) as err:
        asyncio.run(existing_topics(sasl_settings(kafka_bootstrap)))
    assert "does not use SASL" in one_sentence(str(err.value))
