"""A broker outage: the worker says so in one line when Kafka goes away and one when it is back
(with how long), not the client library's stream of connection errors, and carries on by itself
without losing or repeating anything. Uses a broker of its own (other ports, other data dir), so
stopping it does not disturb the other tests."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools import local_broker
from devtools.runner import Collector, WorkerProcess
from streams.kafka.admin import create_topics
from streams.models.contract import Contract
from streams.settings import Settings
from tests.integration.conftest import LiveGate, gate_settings, without_replies
from tests.integration.test_http_api import NOT_UP, TOKEN, call, free_port
from tests.waiting import eventually


@pytest.fixture
def own_broker(tmp_path: Path, kafka_bootstrap: str) -> Iterator[dict[str, str]]:
    # Its own ports: CONSENT_GATE_TEST_OUTAGE_PORT, else 10 above the main broker's KAFKA_PORT
    # (each agent on a shared machine has its own range), else 19392.
    given = os.environ.get("CONSENT_GATE_TEST_OUTAGE_PORT")
    main_port = os.environ.get("KAFKA_PORT")
    port = int(given) if given else int(main_port) + 10 if main_port else 19392
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
    gate = LiveGate(settings, tmp_path, contract)
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


#: What a bounded answer may take beyond its bound on a busy machine.
MARGIN_S = 2.0


def _call(url: str, method: str = "GET") -> tuple[int, dict[str, Any], dict[str, str], float]:
    """(status, JSON body, headers, seconds taken) of one request to the worker's API."""
    started = time.monotonic()
    status, body, headers = call(url, method)
    return status, body, headers, time.monotonic() - started


def _commands_of(settings: Settings, contact: str) -> list[bytes]:
    """The records keyed ``contact`` on the commands topic (read from the beginning)."""

    async def read() -> list[bytes]:
        collector = await Collector(settings.bootstrap_servers, [settings.commands_topic]).start()
        try:
            await collector.wait_for(lambda _c: True, settle_s=3.0)
        finally:
            await collector.stop()
        records = collector.all(settings.commands_topic)
        return [r.value for r in records if r.key == contact.encode()]

    return asyncio.run(read())


def test_the_http_api_during_an_outage_is_bounded_and_honest(
    own_broker: dict[str, str], tmp_path: Path, contract: Contract
) -> None:
    """A command is 202 only once Kafka took it, else 503 with Retry-After within
    CONSENT_GATE_API_TIMEOUT_MS and never applied behind the client's back (or, when it was on
    its way as the broker froze, 503 OUTCOME_UNKNOWN and applied at most once); /readyz names
    Kafka while the worker cannot reach it and turns 200 again after; lookups answer from the
    committed table, saying it may be stale."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    bound_s = 2.0
    settings = gate_settings(
        local_broker.bootstrap_servers(own_broker),
        tmp_path,
        api_token=TOKEN,  # test_http_api's call() sends it
        http_port=port,
        http_host="127.0.0.1",
        advertised_url=url,
        api_timeout_ms=int(bound_s * 1000),
    )
    asyncio.run(create_topics(settings))
    gate = LiveGate(settings, tmp_path, contract)
    gate.worker = worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    broker_pid = int((Path(own_broker["KAFKA_DATA_DIR"]) / "kafka.pid").read_text())
    try:
        eventually(
            lambda: _call(f"{url}/readyz")[0] == 200, 120, interval_s=0.3, ignore=NOT_UP,
            what="the worker is ready", details=lambda: worker.log()[-6000:],
        )  # fmt: skip
        status, body, _, _ = _call(f"{url}/consent/ok/SMS/opt-out", "POST")
        assert status == 202, body

        def opted_out(contact: str) -> dict[str, Any] | None:
            status, body, _, _ = _call(f"{url}/consent/{contact}")
            return body if status == 200 and not body["channels"]["SMS"]["subscribed"] else None

        body = eventually(
            lambda: opted_out("ok"), 60, interval_s=0.3, ignore=NOT_UP,
            what="the first opt-out is applied", details=lambda: worker.log()[-6000:],
        )  # fmt: skip
        assert body["stale"] is False and body["age_ms"] is not None

        # The broker frozen: the command is written to its socket and never acknowledged in
        # time; the answer says it may have been taken (it is, once the broker thaws).
        os.kill(broker_pid, signal.SIGSTOP)
        try:
            status, body, headers, took = _call(f"{url}/consent/frozen/SMS/opt-out", "POST")
        finally:
            os.kill(broker_pid, signal.SIGCONT)
        assert (status, body["error"]) == (503, "OUTCOME_UNKNOWN"), body
        assert headers["Retry-After"] and took < bound_s + MARGIN_S, took
        maybe = body["command_id"]
        body = eventually(
            lambda: opted_out("frozen"), 60, interval_s=0.3, ignore=NOT_UP,
            what="the frozen command is applied", details=lambda: worker.log()[-6000:],
        )  # fmt: skip
        assert body["channels"]["SMS"]["event_id"] == maybe
        assert len(_commands_of(settings, "frozen")) == 1  # taken once, never sent again

        # The broker down: 503 within the bound, never applied later.
        local_broker.stop(own_broker)
        status, body, headers, took = _call(f"{url}/consent/down/SMS/opt-out", "POST")
        assert (status, body["error"]) == (503, "UNAVAILABLE"), body
        assert body["message"].startswith("the command was not published: ")
        assert headers["Retry-After"] and took < bound_s + MARGIN_S, took

        def not_ready() -> str | None:
            status, body, _, _ = _call(f"{url}/readyz")
            return body["message"] if status == 503 and "Kafka" in body["message"] else None

        reason = eventually(
            not_ready, 30, interval_s=0.3, ignore=NOT_UP,
            what="/readyz names Kafka", details=lambda: worker.log()[-6000:],
        )  # fmt: skip
        assert reason.startswith("Kafka is not reachable from this worker")
        status, body, headers, took = _call(f"{url}/consent/ok")
        assert status == 200 and body["stale"] is True and headers["X-Consent-Gate-Stale"] == "true"
        assert body["channels"]["SMS"]["subscribed"] is False  # the committed table
        assert took < 1.0

        local_broker.start(own_broker)
        eventually(
            lambda: _call(f"{url}/readyz")[0] == 200, 120, interval_s=0.3, ignore=NOT_UP,
            what="ready again", details=lambda: worker.log()[-6000:],
        )  # fmt: skip
        status, body, _, _ = _call(f"{url}/consent/after/SMS/opt-out", "POST")
        assert status == 202, body
        eventually(
            lambda: opted_out("after"), 60, interval_s=0.3, ignore=NOT_UP,
            what="a command after the outage", details=lambda: worker.log()[-6000:],
        )  # fmt: skip
        assert _commands_of(settings, "down") == []  # the refused command was never sent
        status, body, _, _ = _call(f"{url}/consent/down")
        assert body["channels"]["SMS"]["subscribed"] is True and body["stale"] is False
    finally:
        worker.stop()


def test_a_stop_during_an_outage_ends_within_its_bound(
    own_broker: dict[str, str], tmp_path: Path, contract: Contract
) -> None:
    """SIGTERM while Kafka is down: the worker cannot commit; it gives the loop and then the
    final commit STOP_TIMEOUT_S each and ends, saying so, instead of waiting for Kafka."""
    from streams.kafka.engine import STOP_TIMEOUT_S

    settings = gate_settings(local_broker.bootstrap_servers(own_broker), tmp_path)
    asyncio.run(create_topics(settings))
    gate = LiveGate(settings, tmp_path, contract)
    worker = gate.worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    gate.produce(gate.reply("c1", "SMS", "STOP"))
    gate.wait(lambda g: len(g.events()) == 1)
    local_broker.stop(own_broker)
    eventually(lambda: "event=kafka.unavailable" in worker.log(), 60, what="the outage noticed")
    started = time.monotonic()
    code = worker.stop(timeout_s=2 * STOP_TIMEOUT_S + 30)
    took = time.monotonic() - started
    log = worker.log()
    assert code == 0 and took < 2 * STOP_TIMEOUT_S + 15, (code, took, log[-3000:])
    assert "event=engine.stopped" in log, log[-3000:]
