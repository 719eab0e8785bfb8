"""Thin Python wrapper around ``scripts/kafka-local``.

Tests and the demo use this so that everything starts the very same local
single-node Kafka (KRaft, no Docker). All configuration goes through the
script's environment variables (``KAFKA_PORT``, ``KAFKA_DATA_DIR``,
``KAFKA_VERSION``, ...); see the header of ``scripts/kafka-local``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "bootstrap_servers",
    "is_running",
    "sasl_bootstrap_servers",
    "scram_credentials",
    "script_path",
    "start",
    "stop",
]

DEFAULT_PORT = 9092
SASL_PORT_OFFSET = 2  # the SASL (SCRAM) listener is on KAFKA_PORT + 2 unless KAFKA_SASL_PORT says

# start fetches jars (cold: ~10-20 s) and waits for the broker (default up to
# KAFKA_START_TIMEOUT=120 s); leave generous room on top of that.
_START_TIMEOUT_S = 900.0
_STOP_TIMEOUT_S = 120.0
_STATUS_TIMEOUT_S = 30.0


def script_path() -> Path:
    """Absolute path of ``scripts/kafka-local`` in this repository."""
    return Path(__file__).resolve().parents[2] / "scripts" / "kafka-local"


def _env(env: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(os.environ)
    if env:
        merged.update(env)
    return merged


def bootstrap_servers(env: Mapping[str, str] | None = None) -> str:
    """The bootstrap address clients should use, e.g. ``"localhost:9092"``."""
    port = _env(env).get("KAFKA_PORT") or str(DEFAULT_PORT)
    return f"localhost:{port}"


def sasl_bootstrap_servers(env: Mapping[str, str] | None = None) -> str:
    """The address of the broker's SASL (SCRAM) listener, e.g. ``"localhost:9094"``."""
    merged = _env(env)
    port = merged.get("KAFKA_SASL_PORT") or str(
        int(merged.get("KAFKA_PORT") or DEFAULT_PORT) + SASL_PORT_OFFSET
    )
    return f"localhost:{port}"


def scram_credentials(env: Mapping[str, str] | None = None) -> tuple[str, str]:
    """(user, password) of the SCRAM user the script creates: test values, see its header."""
    merged = _env(env)
    return (
        merged.get("KAFKA_SCRAM_USER") or "consent-gate",
        merged.get("KAFKA_SCRAM_PASSWORD") or "consent-gate-secret",
    )


def _run(
    command: str, env: Mapping[str, str] | None, timeout: float, *, capture: bool
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script_path()), command],
        env=_env(env),
        text=True,
        capture_output=capture,
        timeout=timeout,
        check=False,
    )


def start(env: dict[str, str] | None = None) -> str:
    """Start the broker if it is not running (idempotent); wait until ready.

    Returns the bootstrap servers string, e.g. ``"localhost:9092"``.
    Raises ``RuntimeError`` (with the script's output) if it fails to start.
    """
    proc = _run("start", env, _START_TIMEOUT_S, capture=True)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{script_path()} start failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )
    return bootstrap_servers(env)


def stop(env: dict[str, str] | None = None) -> None:
    """Stop the broker (no-op if it is not running)."""
    proc = _run("stop", env, _STOP_TIMEOUT_S, capture=True)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{script_path()} stop failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )


def is_running(env: dict[str, str] | None = None) -> bool:
    """True if the broker is running and answering on its port."""
    try:
        return _run("status", env, _STATUS_TIMEOUT_S, capture=True).returncode == 0
    except subprocess.TimeoutExpired:
        return False
