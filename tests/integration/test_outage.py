"""A broker outage: the worker says so in one line when Kafka goes away and one when it is back
(with how long), not the client library's stream of connection errors, and carries on by itself
without losing or repeating anything. Uses a broker of its own (other ports, other data dir), so
stopping it does not disturb the other tests."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.kafka import local_broker
from streams.kafka.admin import create_topics
from streams.kafka.runner import WorkerProcess
from streams.models.contract import Contract
from tests.integration.conftest import Gate, gate_settings, without_replies


@pytest.fixture
def own_broker(tmp_path: Path, kafka_bootstrap: str) -> Iterator[dict[str, str]]:
    port = int(os.environ.get("CONSENT_GATE_TEST_OUTAGE_PORT", "19392"))
    env = {
        "KAFKA_PORT": str(port),
        "KAFKA_CONTROLLER_PORT": str(port + 1),
        "KAFKA_SASL_PORT": str(port + 2),
        "KAFKA_DATA_DIR": str(tmp_path / "kafka"),
        "KAFKA_HEAP_OPTS": "-Xms128m -Xmx512m",
    }
    local_broker.start(env)
    try:
        yield env
    finally:
        local_broker.stop(env)


def test_a_broker_outage_is_two_log_lines_and_loses_nothing(
    own_broker: dict[str, str], tmp_path: Path, contract: Contract
) -> None:
    settings = gate_settings(local_broker.bootstrap_servers(own_broker), tmp_path)
    asyncio.run(create_topics(settings))
    gate = Gate(settings, tmp_path, contract)
    gate.worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        gate.produce(gate.reply("c1", "SMS", "STOP"), gate.send("c2", "SMS"))
        gate.wait(lambda g: len(g.events()) == 1 and len(g.on("SMS")) == 1)

        local_broker.stop(own_broker)
        time.sleep(12)  # the worker keeps trying meanwhile
        local_broker.start(own_broker)

        gate.produce(gate.send("c1", "SMS"), gate.send("c2", "SMS"))
        gate.wait(lambda g: len(g.suppressed()) == 1 and len(g.on("SMS")) == 2, timeout_s=120)
        raw_sms = without_replies(gate.collector.all(settings.channel_topic("SMS")))
        assert len(raw_sms) == 2  # nothing repeated
        assert len(gate.collector.all(settings.suppressed_topic)) == 1
        assert [e["type"] for e in gate.events()] == ["OPTED_OUT"]
    finally:
        gate.worker.stop()
    log = gate.worker.log()
    assert log.count("event=kafka.unavailable") == 1, log[-3000:]
    assert log.count("event=kafka.available") == 1, log[-3000:]
    noise = [line for line in log.splitlines() if "logger=aiokafka" in line]
    assert len(noise) <= 5, "\n".join(noise[:20])
