"""Secured clusters: the admin client and plain aiokafka clients built with ``client_options``
against the local broker's SASL_PLAINTEXT listener with SCRAM (scripts/kafka-local creates the
user); a refused login is one sentence that says so. Then TLS for real: a worker over the
broker's SASL_SSL listener (a throw-away CA made by scripts/kafka-local), and a broker whose
certificate does not match (another CA, another name) refused at start in one sentence."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from click.testing import CliRunner
from pydantic import SecretStr

from devtools import local_broker
from devtools.runner import WorkerProcess
from streams.cli import main
from streams.kafka.admin import StartupError, create_topics, existing_topics
from streams.kafka.security import client_options
from streams.models.contract import Contract
from streams.settings import Settings
from tests.integration.conftest import LiveGate, gate_settings

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


# --- TLS: SASL_SSL with SCRAM on the local broker's TLS listener ---------------------------------


@pytest.fixture(scope="module")
def tls_bootstrap(kafka_bootstrap: str) -> str:
    """The SASL_SSL listener of the local broker (KAFKA_SSL_PORT, default KAFKA_PORT + 3): its
    certificate is for ``localhost``, signed by the throw-away CA of ``local_broker.ca_file()``."""
    if os.environ.get("CONSENT_GATE_TEST_BOOTSTRAP"):
        pytest.skip("the TLS listener and its CA are those of scripts/kafka-local")
    server = local_broker.ssl_bootstrap_servers()
    try:
        socket.create_connection(("localhost", int(server.rpartition(":")[2])), timeout=5).close()
    except OSError:
        pytest.fail(
            f"the local broker has no TLS listener on {server}: it was started by an older "
            "scripts/kafka-local, so run `scripts/kafka-local stop`, then `start`"
        )
    assert local_broker.ca_file().is_file()
    return server


def tls_overrides(**more: Any) -> dict[str, Any]:
    return {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": USER,
        "sasl_password": PASSWORD,
        "ssl_cafile": str(local_broker.ca_file()),
        **more,
    }


def test_a_worker_runs_over_sasl_ssl_with_scram(
    tls_bootstrap: str, kafka_bootstrap: str, tmp_path: Path, contract: Contract
) -> None:
    """The worker talks to the broker only through TLS (SASL_SSL, SCRAM); the test feeds it and
    reads its outputs through the same broker's plain listener."""
    secured = gate_settings(tls_bootstrap, tmp_path, channels="SMS", **tls_overrides())
    asyncio.run(create_topics(secured))  # the admin client over TLS too
    plain = secured.model_copy(
        update={
            "bootstrap_servers": kafka_bootstrap,
            "security_protocol": "PLAINTEXT",
            "sasl_username": "",
            "sasl_password": SecretStr(""),
            "ssl_cafile": "",
        }
    )
    gate = LiveGate(plain, tmp_path, contract)
    gate.worker = WorkerProcess(secured, tmp_path / "worker.log").start()
    try:
        gate.produce(gate.reply("c1", "SMS", "STOP"), gate.send("c2", "SMS"))
        gate.wait(lambda g: len(g.events()) == 1 and len(g.on("SMS")) == 1)
        gate.produce(gate.send("c1", "SMS"))
        gate.wait(lambda g: len(g.suppressed()) == 1)
    finally:
        gate.worker.stop()
    assert [e["type"] for e in gate.events()] == ["OPTED_OUT"]
    assert f"broker={tls_bootstrap}" in gate.worker.log()


def other_ca(tmp_path: Path) -> Path:
    """A CA that did not sign the broker's certificate (made with keytool, as the broker's)."""
    keytool = [
        "keytool",
        *("-storetype", "PKCS12", "-storepass", "throwaway", "-keypass", "throwaway"),
        *("-keystore", str(tmp_path / "other.p12"), "-alias", "other"),
    ]
    subprocess.run(
        [*keytool, "-genkeypair", "-keyalg", "RSA", "-dname", "CN=another CA", "-ext", "bc:c"],
        check=True,
        capture_output=True,
    )
    pem = tmp_path / "other-ca.pem"
    subprocess.run(
        [*keytool, "-exportcert", "-rfc", "-file", str(pem)], check=True, capture_output=True
    )
    return pem


def refused_at_start(settings: Settings, tmp_path: Path) -> str:
    """Run the worker; it must exit by itself (code 2) within 60 s. Returns its one line."""
    worker = WorkerProcess(settings, tmp_path / "refused.log").start()
    assert worker.proc is not None
    try:
        code = worker.proc.wait(60)
    except subprocess.TimeoutExpired:
        worker.kill()
        pytest.fail(f"the worker hung instead of refusing the broker:\n{worker.log()[-3000:]}")
    worker.stop()
    lines = [line for line in worker.log().splitlines() if line.startswith("consent-gate: ")]
    assert code == 2 and len(lines) == 1, worker.log()[-3000:]
    return one_sentence(lines[0].removeprefix("consent-gate: "))


def test_a_worker_refuses_a_broker_certificate_of_another_ca(
    tls_bootstrap: str, tmp_path: Path
) -> None:
    settings = gate_settings(
        tls_bootstrap, tmp_path, **tls_overrides(ssl_cafile=str(other_ca(tmp_path)))
    )
    said = refused_at_start(settings, tmp_path)
    assert said.startswith(
        f"The TLS handshake with the Kafka broker {tls_bootstrap} failed: its certificate is not "
        "trusted ("
    )
    assert said.endswith("set CONSENT_GATE_SSL_CAFILE to the CA that signed it.")


def test_a_worker_refuses_a_broker_certificate_for_another_name(
    tls_bootstrap: str, tmp_path: Path
) -> None:
    """The certificate is for ``localhost``: reaching the same listener as 127.0.0.1 is a name
    mismatch, refused even though the CA is the right one."""
    by_ip = "127.0.0.1:" + tls_bootstrap.rpartition(":")[2]
    said = refused_at_start(gate_settings(by_ip, tmp_path, **tls_overrides()), tmp_path)
    assert said.startswith(
        f"The TLS handshake with the Kafka broker {by_ip} failed: its certificate is not for the "
        "name '127.0.0.1' ("
    )
    assert said.endswith("set CONSENT_GATE_BOOTSTRAP_SERVERS to a name the certificate holds.")
