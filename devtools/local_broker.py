"""Thin Python wrapper around ``scripts/kafka-local``.

Tests and the demo use this so that everything starts the very same local
Kafka (KRaft, no Docker): one broker, or with ``KAFKA_BROKERS=3`` a cluster of
three whose nodes a test can kill, freeze and restart one by one (:func:`pid`,
:func:`kill`, :func:`start_one`). All configuration goes through the script's
environment variables (``KAFKA_PORT``, ``KAFKA_BROKERS``, ``KAFKA_DATA_DIR``,
...); see the header of ``scripts/kafka-local``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "bootstrap_servers",
    "brokers",
    "ca_file",
    "is_running",
    "kill",
    "node_of_port",
    "pid",
    "sasl_bootstrap_servers",
    "scram_credentials",
    "script_path",
    "ssl_bootstrap_servers",
    "start",
    "start_one",
    "stop",
    "stop_one",
]

DEFAULT_PORT = 9092
SASL_PORT_OFFSET = 2  # the SASL (SCRAM) listener is on KAFKA_PORT + 2 unless KAFKA_SASL_PORT says
SSL_PORT_OFFSET = (
    3  # the SASL_SSL (TLS + SCRAM) listener: KAFKA_PORT + 3 unless KAFKA_SSL_PORT says
)
DEFAULT_PORT_STEP = 4  # node N of a cluster: every port + (N - 1) * KAFKA_PORT_STEP

# start fetches jars (cold: ~10-20 s) and waits for the broker (default up to
# KAFKA_START_TIMEOUT=120 s); leave generous room on top of that.
_START_TIMEOUT_S = 900.0
_STOP_TIMEOUT_S = 120.0
_STATUS_TIMEOUT_S = 30.0


def script_path() -> Path:
    """Absolute path of ``scripts/kafka-local`` in this repository."""
    return Path(__file__).resolve().parents[1] / "scripts" / "kafka-local"


def _env(env: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(os.environ)
    if env:
        merged.update(env)
    return merged


def brokers(env: Mapping[str, str] | None = None) -> int:
    """How many brokers the script starts: ``KAFKA_BROKERS`` (1 or 3), default 1."""
    return int(_env(env).get("KAFKA_BROKERS") or 1)


def _ports(env: Mapping[str, str] | None, variable: str, offset: int) -> list[int]:
    """The port ``variable`` (default ``KAFKA_PORT + offset``) of every node, by the script's
    rule: node N listens on it + (N - 1) * ``KAFKA_PORT_STEP``."""
    merged = _env(env)
    base = int(merged.get("KAFKA_PORT") or DEFAULT_PORT)
    port = int(merged.get(variable) or base + offset)
    step = int(merged.get("KAFKA_PORT_STEP") or DEFAULT_PORT_STEP)
    return [port + n * step for n in range(brokers(env))]


def _servers(ports: list[int]) -> str:
    return ",".join(f"localhost:{p}" for p in ports)


def bootstrap_servers(env: Mapping[str, str] | None = None) -> str:
    """The bootstrap address clients should use, e.g. ``"localhost:9092"`` (a cluster: every
    broker, comma-separated)."""
    return _servers(_ports(env, "KAFKA_PORT", 0))


def sasl_bootstrap_servers(env: Mapping[str, str] | None = None) -> str:
    """The address of the broker's SASL (SCRAM) listener, e.g. ``"localhost:9094"``."""
    return _servers(_ports(env, "KAFKA_SASL_PORT", SASL_PORT_OFFSET))


def ssl_bootstrap_servers(env: Mapping[str, str] | None = None) -> str:
    """The address of the broker's SASL_SSL (TLS and SCRAM) listener, e.g.
    ``"localhost:9095"``: its certificate is for ``localhost`` only, signed by :func:`ca_file`."""
    return _servers(_ports(env, "KAFKA_SSL_PORT", SSL_PORT_OFFSET))


def node_of_port(port: int, env: Mapping[str, str] | None = None) -> int:
    """The node (1..3) whose client (PLAINTEXT) listener is ``port``."""
    return _ports(env, "KAFKA_PORT", 0).index(port) + 1


def ca_file(env: Mapping[str, str] | None = None) -> Path:
    """The throw-away CA (PEM) that signed the TLS listener's certificate, made at format time."""
    data_dir = _env(env).get("KAFKA_DATA_DIR") or str(script_path().parents[1] / ".local" / "kafka")
    return Path(data_dir) / "tls" / "ca.pem"


def scram_credentials(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(user, password) of the SCRAM user the script creates: test values, see its header."""
    merged = _env(env)
    return (
        merged.get("KAFKA_SCRAM_USER") or "consent-gate",
        merged.get("KAFKA_SCRAM_PASSWORD") or "consent-gate-secret",
    )


def _run(
    command: str,
    env: Mapping[str, str] | None,
    timeout: float,
    *,
    capture: bool,
    args: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script_path()), command, *args],
        env=_env(env),
        text=True,
        capture_output=capture,
        timeout=timeout,
        check=False,
    )


def _check(proc: subprocess.CompletedProcess[str], command: str) -> str:
    if proc.returncode != 0:
        raise RuntimeError(
            f"{script_path()} {command} failed (exit {proc.returncode}):\n"
            f"{proc.stdout}{proc.stderr}"
        )
    return proc.stdout


def start(env: Mapping[str, str] | None = None) -> str:
    """Start the broker (``KAFKA_BROKERS=3`` in ``env``: the three of the cluster) if it is not
    running (idempotent); wait until ready.

    Returns the bootstrap servers string, e.g. ``"localhost:9092"``.
    Raises ``RuntimeError`` (with the script's output) if it fails to start.
    """
    _check(_run("start", env, _START_TIMEOUT_S, capture=True), "start")
    return bootstrap_servers(env)


def stop(env: Mapping[str, str] | None = None) -> None:
    """Stop the broker (no-op if it is not running)."""
    _check(_run("stop", env, _STOP_TIMEOUT_S, capture=True), "stop")


def is_running(env: Mapping[str, str] | None = None) -> bool:
    """True if the broker is running and answering on its port."""
    try:
        return _run("status", env, _STATUS_TIMEOUT_S, capture=True).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def pid(node: int, env: Mapping[str, str] | None = None) -> int | None:
    """The PID of node ``node`` (1..3; 1 is the single broker), None when it is not running."""
    proc = _run("pid", env, _STATUS_TIMEOUT_S, capture=True, args=(str(node),))
    return int(proc.stdout) if proc.returncode == 0 else None


def kill(node: int, signal: str = "KILL", env: Mapping[str, str] | None = None) -> int:
    """Send ``signal`` (KILL, STOP, CONT, TERM, ...) to node ``node``; with KILL, return once it
    is gone. Returns its PID."""
    found = pid(node, env)
    if found is None:
        raise RuntimeError(f"node {node} is not running")
    _check(_run("kill", env, _STOP_TIMEOUT_S, capture=True, args=(str(node), signal)), "kill")
    return found


def start_one(node: int, env: Mapping[str, str] | None = None) -> None:
    """Start node ``node`` of the cluster alone (after :func:`kill`) and wait until it is ready."""
    _check(_run("start-one", env, _START_TIMEOUT_S, capture=True, args=(str(node),)), "start-one")


def stop_one(node: int, env: Mapping[str, str] | None = None) -> None:
    """Stop node ``node`` of the cluster alone (SIGTERM, SIGKILL after the script's timeout)."""
    _check(_run("stop-one", env, _STOP_TIMEOUT_S, capture=True, args=(str(node),)), "stop-one")
