"""Start-up: plain one-sentence errors, the logs a worker writes, and a changed partition count."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from devtools.runner import settings_env
from tests.integration.conftest import LiveGate, gate_settings
from tests.waiting import eventually


def _worker(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", "worker"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_unreachable_broker_is_one_sentence_with_the_fix(tmp_path: Path) -> None:
    env = settings_env(gate_settings("127.0.0.1:1", tmp_path))
    done = _worker(env)
    assert done.returncode == 2
    assert "Cannot reach the Kafka broker at 127.0.0.1:1" in done.stderr
    assert "CONSENT_GATE_BOOTSTRAP_SERVERS" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_missing_topic_is_one_sentence_with_the_fix(kafka_bootstrap: str, tmp_path: Path) -> None:
    done = _worker(settings_env(gate_settings(kafka_bootstrap, tmp_path)))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and "consent-gate topics create" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_bad_setting_is_one_sentence_naming_the_variable(tmp_path: Path) -> None:
    done = _worker({"CONSENT_GATE_PARTITIONS": "lots"})
    assert done.returncode == 2
    assert "CONSENT_GATE_PARTITIONS" in done.stderr and "Traceback" not in done.stderr


def test_worker_logs_where_it_connects_where_state_lives_and_progress(
    make_gate: Callable[..., LiveGate],
) -> None:
    gate = make_gate(progress_interval_s=0.5)
    worker = gate.start_worker()
    gate.produce(gate.send("c1", "SMS"))
    gate.wait(lambda g: len(g.on("SMS")) == 1)
    log = eventually(
        lambda: "event=progress" in (text := worker.log()) and text, 30, interval_s=0.2,
        what="the worker logs its progress",
    )  # fmt: skip
    assert f"broker={gate.s.bootstrap_servers}" in log
    assert f"state_dir={(gate.s.data_dir / gate.s.app_id).resolve()}" in log
    assert "event=progress" in log and "forwarded.SMS=1" in log and "routed=1" in log
    assert "level=DEBUG" not in log and "logger=aiokafka" not in log  # quiet


def test_changing_the_partition_count_of_existing_state_is_refused(
    make_gate: Callable[..., LiveGate],
) -> None:
    gate = make_gate(partitions=4)
    gate.start_worker()
    gate.produce(gate.send("c1", "SMS"))
    gate.wait(lambda g: len(g.on("SMS")) == 1)
    gate.stop_worker()
    done = _worker(settings_env(gate.s.model_copy(update={"partitions": 6})))
    assert done.returncode == 2
    assert "has 4 partitions but CONSENT_GATE_PARTITIONS is 6" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_prefixed_deployment_is_not_started_on_an_empty_new_changelog(
    make_gate: Callable[..., LiveGate],
) -> None:
    """The prefix now applies to the changelog; a deployment whose table is in the old,
    unprefixed changelog is told which setting keeps it, instead of starting with no opt-out."""
    from tests.fault.harness import create_topics

    gate = make_gate()
    assert gate.s.topic_prefix and gate.s.changelog_topic.startswith(gate.s.topic_prefix)
    old = f"{gate.s.app_id}-consent-changelog"
    create_topics(gate.s.bootstrap_servers, {old: gate.s.partitions})
    done = _worker(settings_env(gate.s))
    assert done.returncode == 2, done.stderr
    assert f"CONSENT_GATE_CHANGELOG_TOPIC_NAME={old}" in done.stderr
    last = done.stderr.splitlines()[-1]  # after the worker's own start-up log line
    assert last.startswith("consent-gate: The consent table's changelog is now")
    assert "Traceback" not in done.stderr
