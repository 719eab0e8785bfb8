"""Kafka client security options and the one-sentence explanations of a refused connection
(the real SCRAM broker is in tests/integration/test_security.py)."""

from __future__ import annotations

import asyncio
import os
import shutil
import ssl
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiokafka.errors import (
    IllegalSaslStateError,
    KafkaConnectionError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)

from streams.kafka import security
from streams.kafka.security import client_options, connection_problem
from streams.settings import Settings, SettingsError, load_settings


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


SASL = {
    "security_protocol": "SASL_PLAINTEXT",
    "sasl_mechanism": "SCRAM-SHA-512",
    "sasl_username": "gate",
    "sasl_password": "pw",
}


@pytest.fixture(scope="module")
def pem(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and its key."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("pem")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=consent-gate-test", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_plaintext_needs_nothing() -> None:
    assert client_options(settings()) == {"security_protocol": "PLAINTEXT"}


def test_sasl_plaintext() -> None:
    assert client_options(settings(**SASL)) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "gate",
        "sasl_plain_password": "pw",
    }


def test_sasl_ssl_with_a_password_file(pem: tuple[Path, Path], tmp_path: Path) -> None:
    cert, _ = pem
    (tmp_path / "pw").write_text("from-file\n", encoding="utf-8")
    options = client_options(
        settings(
            **{**SASL, "security_protocol": "SASL_SSL", "sasl_password": ""},
            sasl_password_file=str(tmp_path / "pw"),
            ssl_cafile=str(cert),
        )
    )
    assert options["sasl_plain_password"] == "from-file"
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    assert options["ssl_context"].verify_mode == ssl.CERT_REQUIRED
    assert options["ssl_context"].check_hostname


def test_ssl_with_a_client_certificate(pem: tuple[Path, Path]) -> None:
    cert, key = pem
    options = client_options(
        settings(
            security_protocol="SSL",
            ssl_cafile=str(cert),
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
        )
    )
    assert set(options) == {"security_protocol", "ssl_context"}


def test_ssl_without_a_cafile_uses_the_system_cas() -> None:
    assert isinstance(
        client_options(settings(security_protocol="SSL"))["ssl_context"], ssl.SSLContext
    )


def test_files_that_are_not_pem_are_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "junk.pem").write_text("not a certificate", encoding="utf-8")
    for name in list(os.environ):
        if name.startswith("CONSENT_GATE_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CONSENT_GATE_SECURITY_PROTOCOL", "SSL")
    monkeypatch.setenv("CONSENT_GATE_SSL_CAFILE", str(tmp_path / "junk.pem"))
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    message = str(err.value)
    assert message.startswith("Bad settings: Cannot use the TLS files CONSENT_GATE_SSL_CAFILE")
    assert message.count(". ") == 0


# --- Why a connection failed ----------------------------------------------------------------------


def problem(
    monkeypatch: pytest.MonkeyPatch, raised: BaseException, config: Settings | None = None
) -> str:
    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise raised

    monkeypatch.setattr(security, "create_conn", refuse)
    config = config or settings(bootstrap_servers="broker-1:9094", **SASL)
    failure = KafkaConnectionError("Unable to bootstrap from [...]")
    message = asyncio.run(connection_problem(config, failure, 1.0))
    assert message.endswith(".") and ". " not in message, message  # one sentence
    return message


def test_authentication_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    said = "Authentication failed during authentication due to invalid credentials with SASL"
    message = problem(monkeypatch, SaslAuthenticationFailed(said))
    assert message == (
        "Authentication failed at the Kafka broker broker-1:9094: it refused SASL user 'gate' "
        "with SCRAM-SHA-512 (invalid credentials): check CONSENT_GATE_SASL_USERNAME and "
        "CONSENT_GATE_SASL_PASSWORD (or the file)."
    )
    assert "pw" not in message


@pytest.mark.parametrize(
    ("raised", "says"),
    [
        (UnsupportedSaslMechanismError(), "does not offer SASL mechanism SCRAM-SHA-512"),
        (IllegalSaslStateError(), "The Kafka listener broker-1:9094 does not use SASL"),
        (ConnectionRefusedError(111, "refused"), "Cannot reach the Kafka broker at broker-1:9094"),
        (TimeoutError(), "Cannot reach the Kafka broker at broker-1:9094"),
    ],
)
def test_sasl_and_reachability(
    monkeypatch: pytest.MonkeyPatch, raised: BaseException, says: str
) -> None:
    assert says in problem(monkeypatch, raised)


@pytest.mark.parametrize(
    ("raised", "says"),
    [
        (
            ssl.SSLCertVerificationError(1, "certificate verify failed"),
            "its certificate is not trusted",
        ),
        (ssl.SSLError(1, "wrong version number"), "The TLS handshake with the Kafka broker"),
        (ConnectionResetError(), "that listener may not use TLS"),
    ],
)
def test_tls_handshakes(monkeypatch: pytest.MonkeyPatch, raised: BaseException, says: str) -> None:
    if isinstance(raised, ssl.SSLCertVerificationError):
        raised.verify_message = "self-signed certificate"
    config = settings(bootstrap_servers="broker-1:9093", security_protocol="SSL")
    assert says in problem(monkeypatch, raised, config)


def test_a_certificate_for_another_name_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    raised = ssl.SSLCertVerificationError(1, "certificate verify failed")
    raised.verify_code = 62  # X509_V_ERR_HOSTNAME_MISMATCH
    raised.verify_message = "Hostname mismatch, certificate is not valid for 'broker-1'."
    config = settings(bootstrap_servers="broker-1:9093", security_protocol="SSL")
    said = problem(monkeypatch, raised, config)
    assert said.startswith(
        "The TLS handshake with the Kafka broker broker-1:9093 failed: its certificate is not "
        "for the name 'broker-1' (Hostname mismatch"
    )
    assert said.endswith("set CONSENT_GATE_BOOTSTRAP_SERVERS to a name the certificate holds.")


def test_the_first_server_that_says_why_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    async def connect(host: str, port: int, **kwargs: Any) -> Any:
        calls.append(f"{host}:{port}")
        if port == 1:
            raise ConnectionRefusedError(111, "refused")
        raise SaslAuthenticationFailed("invalid credentials")

    monkeypatch.setattr(security, "create_conn", connect)
    config = settings(bootstrap_servers="a:1,b:2", **SASL)
    message = asyncio.run(connection_problem(config, KafkaConnectionError(), 1.0))
    assert calls == ["a:1", "b:2"]
    assert message.startswith("Authentication failed at the Kafka broker b:2")
