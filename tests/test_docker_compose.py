"""docker-compose.yml cannot run here (no Docker engine), so check what can be checked: it parses,
Kafka is single-node KRaft of the version the local script runs, and the worker's environment,
ports, commands and volumes agree with what the worker reads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from dotenv import dotenv_values

from streams.cli import main as cli
from streams.models.contract import RecordName
from streams.settings import DEFAULT_HTTP_PORT
from tests.deploy_checks import ROOT, worker_settings


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def _env(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment as Compose gives it: its env files, then its own entries (a
    `${VAR:-}` from the host taken as unset on the host: empty)."""
    env: dict[str, str] = {}
    for name in service.get("env_file", []):
        env.update({k: v or "" for k, v in dotenv_values(ROOT / name).items()})
    for k, v in (service.get("environment") or {}).items():
        env[k] = "" if re.fullmatch(r"\$\{\w+:-\}", str(v)) else str(v)
    return env


def test_every_service_reads_the_one_shared_env_file(compose: dict[str, Any]) -> None:
    files = {tuple(service.get("env_file", [])) for service in compose["services"].values()}
    assert files == {("compose.env",)}
    assert (ROOT / "compose.env").is_file()


def test_kafka_keeps_its_data_on_the_volume(compose: dict[str, Any]) -> None:
    """The apache/kafka image writes to /tmp/kraft-combined-logs unless KAFKA_LOG_DIRS says
    otherwise: the volume alone would keep nothing."""
    kafka = compose["services"]["kafka"]
    volume, mount = kafka["volumes"][0].split("#")[0].strip().split(":")
    assert volume in compose["volumes"]
    assert _env(kafka)["KAFKA_LOG_DIRS"] == mount


def test_the_worker_publishes_its_http_api_and_is_healthy_when_ready(
    compose: dict[str, Any],
) -> None:
    worker = compose["services"]["worker"]
    port = _env(worker).get("CONSENT_GATE_HTTP_PORT", str(DEFAULT_HTTP_PORT))
    assert f"{port}:{port}" in worker["ports"]
    check = " ".join(worker["healthcheck"]["test"])
    assert f"http://localhost:{port}/readyz" in check
    assert worker["healthcheck"]["start_period"]  # a restore takes a while
    # the token comes from the host, never from the repository
    assert "CONSENT_GATE_API_TOKEN" not in dotenv_values(ROOT / "compose.env")
    assert worker["environment"]["CONSENT_GATE_API_TOKEN"] == "${CONSENT_GATE_API_TOKEN:-}"


def test_kafka_is_single_node_kraft_of_the_local_script_version(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    script = (ROOT / "scripts" / "kafka-local").read_text()
    version = re.search(r'DEFAULT_KAFKA_VERSION="([^"]+)"', script)
    assert version and kafka["image"] == f"apache/kafka:{version.group(1)}"
    env = _env(kafka)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    node, voter = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")
    assert node == env["KAFKA_NODE_ID"]
    assert voter.split(":")[1] in env["KAFKA_LISTENERS"]  # controller port is a listener
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"  # `topics create` makes them


def test_worker_reaches_kafka_on_an_advertised_listener(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    advertised = {
        item.split("://")[1] for item in _env(kafka)["KAFKA_ADVERTISED_LISTENERS"].split(",")
    }
    host_port = {p.split(":")[0] for p in kafka["ports"]}
    assert "localhost:9092" in advertised and "9092" in host_port
    for name in ("worker", "topics"):
        bootstrap = _env(compose["services"][name])["CONSENT_GATE_BOOTSTRAP_SERVERS"]
        assert bootstrap in advertised and bootstrap.startswith(f"{kafka['hostname']}:")


def test_worker_environment_is_valid_settings(compose: dict[str, Any]) -> None:
    worker = compose["services"]["worker"]
    settings = worker_settings(_env(worker))  # as the worker reads them, over the image's ENV
    worker_settings(_env(compose["services"]["topics"]))
    mounts = {v.split(":")[1] for v in worker["volumes"]}
    assert str(settings.data_dir) in mounts  # the RocksDB state is on a volume
    # a stable worker id, not the container's id (the default host name): the transactional id
    # must be the same after the container is re-created
    assert settings.worker_id == worker["hostname"] == "worker"


def test_commands_exist_in_the_cli(compose: dict[str, Any]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["consent-gate"]' in dockerfile
    assert compose["services"]["worker"]["command"] == ["worker"]
    assert "worker" in cli.commands
    group, sub = compose["services"]["topics"]["command"]
    assert sub in cli.commands[group].commands  # type: ignore[attr-defined]
    order = compose["services"]["worker"]["depends_on"]
    assert order["topics"]["condition"] == "service_completed_successfully"


def test_the_image_install_reads_the_schema_dir_it_sets(tmp_path: Path) -> None:
    """What the Dockerfile does, without Docker: a plain (non-editable) install of the package,
    run from another directory with CONSENT_GATE_SCHEMA_DIR as the image sets it."""
    import os
    import subprocess
    import sys

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    assert (target / "streams" / "models" / "contract.py").exists()
    assert not (target / "tests").exists()
    env = {
        **os.environ,
        "PYTHONPATH": str(target),
        "CONSENT_GATE_SCHEMA_DIR": str(ROOT / "schemas"),
    }
    probe = (
        "import streams.models.contract as c, streams.cli;"
        f"assert c.__file__.startswith({str(target)!r}), c.__file__;"
        "print(len(list(c.RecordName)), c.Contract().current(c.RecordName.INBOUND_REPLY).full_name)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == [str(len(RecordName)), "consentgate.InboundReply"]
