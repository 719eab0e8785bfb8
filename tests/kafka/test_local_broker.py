"""scripts/kafka-local and its Python wrapper agree on where every node listens, and the script
refuses a cluster size it does not make or a data dir made for another size (no broker started)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from devtools import local_broker


def script(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(local_broker.script_path()), *args],
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "KAFKA_DATA_DIR": str(tmp_path / "kafka"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"KAFKA_PORT": "19500"},
        {"KAFKA_PORT": "19500", "KAFKA_BROKERS": "3"},
        {"KAFKA_PORT": "19500", "KAFKA_BROKERS": "3", "KAFKA_PORT_STEP": "10"},
    ],
)
def test_the_script_and_the_wrapper_give_the_same_bootstrap_servers(
    tmp_path: Path, env: dict[str, str]
) -> None:
    said = script(tmp_path, "bootstrap", **env)
    assert said.returncode == 0, said.stderr
    assert said.stdout.strip() == local_broker.bootstrap_servers(env)


def test_node_n_of_a_cluster_listens_on_every_port_plus_n_minus_1_steps() -> None:
    env = {"KAFKA_PORT": "19500", "KAFKA_BROKERS": "3", "KAFKA_DATA_DIR": "/nonexistent"}
    assert local_broker.bootstrap_servers(env) == "localhost:19500,localhost:19504,localhost:19508"
    assert local_broker.ssl_bootstrap_servers(env).split(",")[2] == "localhost:19511"
    assert local_broker.node_of_port(19504, env) == 2
    assert local_broker.ca_file(env) == Path("/nonexistent/tls/ca.pem")
    assert local_broker.bootstrap_servers({"KAFKA_PORT": "19500", "KAFKA_BROKERS": "1"}) == (
        "localhost:19500"
    )


def test_the_script_refuses_other_sizes_ports_used_twice_and_a_data_dir_of_another_size(
    tmp_path: Path,
) -> None:
    two = script(tmp_path, "bootstrap", "--brokers", "2")
    assert two.returncode == 1 and "must be 1 or 3, not '2'" in two.stderr
    tight = script(tmp_path, "bootstrap", KAFKA_BROKERS="3", KAFKA_PORT_STEP="2")
    assert tight.returncode == 1 and "would be used twice" in tight.stderr
    (tmp_path / "kafka").mkdir()
    (tmp_path / "kafka" / "server.properties").write_text("")  # made by the one-broker script
    other = script(tmp_path, "start", "--brokers", "3")
    assert other.returncode == 1 and "holds a 1-broker setup, not 3" in other.stderr
    no_node = script(tmp_path, "pid", "2")
    assert no_node.returncode == 1 and "name a node from 1 to 1" in no_node.stderr
