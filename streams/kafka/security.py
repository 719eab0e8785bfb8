"""Kafka client security: the aiokafka options for the configured protocol (SASL, TLS), and a
one-sentence explanation when the brokers refuse them.

Every Kafka client of the gate (worker consumers and producers, the admin client of `topics` and
the start-up checks, the demo) is built with ``**client_options(settings)``.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

from aiokafka.conn import create_conn
from aiokafka.errors import (
    IllegalSaslStateError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)
from aiokafka.helpers import create_ssl_context
from aiokafka.protocol.metadata import MetadataRequest

from streams.settings import Settings, SettingsError


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """The TLS context of ``SSL`` and ``SASL_SSL`` (the system's CAs unless CONSENT_GATE_SSL_CAFILE
    is set), or :class:`SettingsError` when the files cannot be used."""
    try:
        context: ssl.SSLContext = create_ssl_context(
            cafile=settings.ssl_cafile or None,
            certfile=settings.ssl_certfile or None,
            keyfile=settings.ssl_keyfile or None,
        )
    except (ssl.SSLError, OSError) as exc:
        raise SettingsError(
            "Cannot use the TLS files CONSENT_GATE_SSL_CAFILE, CONSENT_GATE_SSL_CERTFILE and "
            f"CONSENT_GATE_SSL_KEYFILE ({type(exc).__name__}: {exc}): they must be PEM files, "
            "the key matching the certificate."
        ) from None
    return context


def client_options(settings: Settings) -> dict[str, Any]:
    """The keyword arguments every aiokafka client (consumer, producer, admin) needs for the
    configured security protocol."""
    options: dict[str, Any] = {"security_protocol": settings.security_protocol}
    if settings.security_protocol.startswith("SASL_"):
        options["sasl_mechanism"] = settings.sasl_mechanism
        options["sasl_plain_username"] = settings.sasl_username
        options["sasl_plain_password"] = settings.sasl_secret()
    if settings.security_protocol.endswith("SSL"):
        options["ssl_context"] = ssl_context(settings)
    return options


# OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH and X509_V_ERR_IP_ADDRESS_MISMATCH: a trusted certificate
# issued for another name.
_NAME_MISMATCH = frozenset({62, 64})


def unreachable(settings: Settings, exc: BaseException) -> str:
    return (
        f"Cannot reach the Kafka broker at {settings.bootstrap_servers} "
        f"({type(exc).__name__}): start it (scripts/kafka-local start) "
        f"or set CONSENT_GATE_BOOTSTRAP_SERVERS."
    )


async def connection_problem(settings: Settings, failure: BaseException, timeout_s: float) -> str:
    """Why a client could not start (``failure``: what it raised), in one sentence with the fix.

    aiokafka only says "Unable to bootstrap" whatever happened (its log has the cause), so each
    bootstrap server is tried once more with a bare connection to find out: refused, TLS handshake
    failed, SASL login refused, mechanism not offered, or a listener that speaks something else.
    """
    problems: list[str] = []
    for server in settings.bootstrap_servers.split(","):
        host, _, port = server.rpartition(":")
        problem = await _try_server(settings, host.strip("[]"), int(port), timeout_s)
        if problem is None:  # this one works: the failure was something else
            return f"Cannot use the Kafka broker at {server} ({type(failure).__name__}: {failure})."
        problems.append(problem)
    if all(p == "unreachable" for p in problems):
        return unreachable(settings, failure)
    return next(p for p in problems if p != "unreachable")


async def _try_server(settings: Settings, host: str, port: int, timeout_s: float) -> str | None:
    """None when ``host:port`` answers a metadata request; else the reason, or ``"unreachable"``."""
    at = f"{host}:{port}"
    options = client_options(settings)
    try:
        conn = await asyncio.wait_for(
            create_conn(host, port, request_timeout_ms=int(timeout_s * 1000), **options),
            timeout_s,
        )
    except SaslAuthenticationFailed as exc:
        said = str(exc.args[0]) if exc.args else ""
        reason = "invalid credentials" if "invalid credentials" in said else said or "no reason"
        return (
            f"Authentication failed at the Kafka broker {at}: it refused SASL user "
            f"{settings.sasl_username!r} with {settings.sasl_mechanism} ({reason}): check "
            "CONSENT_GATE_SASL_USERNAME and CONSENT_GATE_SASL_PASSWORD (or the file)."
        )
    except UnsupportedSaslMechanismError:
        return (
            f"The Kafka broker {at} does not offer SASL mechanism {settings.sasl_mechanism} on "
            "that listener: set CONSENT_GATE_SASL_MECHANISM to one it enables."
        )
    except IllegalSaslStateError:
        return (
            f"The Kafka listener {at} does not use SASL: set CONSENT_GATE_SECURITY_PROTOCOL to "
            "what it uses (PLAINTEXT or SSL), or CONSENT_GATE_BOOTSTRAP_SERVERS to its SASL port."
        )
    except ssl.SSLCertVerificationError as exc:
        if getattr(exc, "verify_code", None) in _NAME_MISMATCH:
            return (
                f"The TLS handshake with the Kafka broker {at} failed: its certificate is not for "
                f"the name {host!r} ({exc.verify_message}): set CONSENT_GATE_BOOTSTRAP_SERVERS "
                "to a name the certificate holds."
            )
        return (
            f"The TLS handshake with the Kafka broker {at} failed: its certificate is not "
            f"trusted ({exc.verify_message}): set CONSENT_GATE_SSL_CAFILE to the CA that signed it."
        )
    except ssl.SSLError as exc:
        return (
            f"The TLS handshake with the Kafka broker {at} failed "
            f"({getattr(exc, 'reason', None) or exc}): check "
            "CONSENT_GATE_SSL_CAFILE, CONSENT_GATE_SSL_CERTFILE and CONSENT_GATE_SSL_KEYFILE."
        )
    except (ConnectionRefusedError, TimeoutError):
        return "unreachable"
    except OSError as exc:
        if "ssl_context" in options and exc.errno is None:  # reset or closed in the handshake
            return (
                f"The TLS handshake with the Kafka broker {at} failed ({type(exc).__name__}): "
                "that listener may not use TLS, so check CONSENT_GATE_SECURITY_PROTOCOL."
            )
        return "unreachable"
    except KafkaError as exc:
        return f"The Kafka broker {at} refused the connection ({type(exc).__name__}: {exc})."
    try:
        await asyncio.wait_for(conn.send(MetadataRequest([])), timeout_s)
    except (KafkaError, TimeoutError):
        return (
            f"The Kafka broker {at} closed the connection at the first request: that listener "
            f"probably wants SASL or TLS, but CONSENT_GATE_SECURITY_PROTOCOL is "
            f"{settings.security_protocol}."
        )
    finally:
        conn.close()
    return None
