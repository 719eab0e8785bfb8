"""The HTTP API and the CLI while what they depend on is down, without waiting long: a broker on
a closed port or one that never answers (a listening socket nobody accepts on, as a frozen
process looks from outside), an owner worker that never answers, and the engine's health as a
fake (streams.api.health.EngineHealth). With a real broker: tests/integration/test_outage.py."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiokafka
import pytest
from aiohttp.test_utils import TestClient
from click.testing import CliRunner

from streams.api import client as api_client
from streams.api.commands import CommandPublisher, PublishError, build_command
from streams.api.deadline import DeadlineProducer
from streams.api.health import EngineHealth, engine_health
from streams.api.server import AS_OF_HEADER, STALE_HEADER, ConsentApi
from streams.cli import main as cli
from streams.kafka.directory import Owner
from streams.kafka.engine import Engine
from streams.models.contract import Contract
from streams.settings import Settings, SettingsError, load_settings
from tests.api.test_api_server import (
    PARTITIONS,
    TOKEN,
    FakeHealth,
    Recorder,
    bearer,
    make_api,
    opted_out,
    serve,
)

#: What a bounded answer may take beyond its bound on a busy machine (2 cores, many agents).
MARGIN_S = 1.5


class _IdleConsumer:
    """Started, nothing assigned (consumer_lag reads no subscription)."""

    _subscription = SimpleNamespace(subscription=None)

    def assignment(self) -> set[Any]:
        return set()


def running(api: ConsentApi) -> FakeHealth:
    """The engine started and joined the group; its health is a fake the test turns."""
    health = FakeHealth()
    api.health = health
    api.engine.consumer = _IdleConsumer()
    api.engine.started.set()
    api.engine.directory.joined = True
    return health


@contextlib.contextmanager
def silent_port() -> Iterator[int]:
    """A port whose connections the kernel completes and nobody ever reads or answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        yield s.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# --- /readyz and /status -----------------------------------------------------------------------


def test_readyz_names_kafka_while_the_worker_cannot_reach_it_and_recovers(tmp_path: Path) -> None:
    api = make_api(tmp_path)
    health = running(api)

    async def test(client: TestClient[Any, Any]) -> None:
        assert (await client.get("/readyz")).status == 200
        health.down_ms = 800  # a blip (a coordinator moving) is not an outage
        assert (await client.get("/readyz")).status == 200
        health.down_ms = 12_000
        resp = await client.get("/readyz")
        assert resp.status == 503 and resp.headers["Retry-After"] == "2"
        body = await resp.json()
        assert body["error"] == "NOT_READY"
        assert body["message"].startswith("Kafka is not reachable from this worker (for 12 s)")
        status = await (await client.get("/status")).json()
        assert status["ready"] is False and status["reason"] == body["message"]
        assert status["kafka"] == {
            "reachable": False,
            "unreachable_ms": 12_000,
            "last_commit_age_ms": 150,
        }
        health.down_ms = None  # back
        assert (await client.get("/readyz")).status == 200
        status = await (await client.get("/status")).json()
        assert status["ready"] is True and status["kafka"]["reachable"] is True
        health.failed = True
        body = await (await client.get("/readyz")).json()
        assert body["message"].startswith("failed: the worker commits nothing more")
        health.failed, health.stopping = False, True
        assert (await (await client.get("/readyz")).json())["message"] == "stopping"

    serve(api, test)


def test_the_engine_gives_its_health_through_the_protocol(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    engine = Engine(settings)
    health = engine_health(engine)
    assert isinstance(health, EngineHealth)
    assert (health.failed, health.stopping, health.kafka_unreachable_ms()) == (False, False, None)
    assert health.last_commit_age_ms() is None  # nothing committed yet
    engine._commit_checked = True
    age = health.last_commit_age_ms()
    assert age is not None and age >= 0
    engine.outage.down("KafkaConnectionError: Unable connect to localhost:1")
    down = health.kafka_unreachable_ms()
    assert down is not None and down >= 0
    engine.outage.up()
    assert health.kafka_unreachable_ms() is None
    engine._failed = True
    engine._stopping.set()
    assert health.failed and health.stopping
    fake = FakeHealth()
    assert engine_health(fake) is fake  # an engine that provides the protocol is used as is


# --- lookups during an outage --------------------------------------------------------------------


def test_lookups_answer_from_the_committed_table_saying_how_old_it_may_be(
    tmp_path: Path,
) -> None:
    api = make_api(tmp_path, owned=tuple(range(PARTITIONS)))
    health = running(api)
    opted_out(api, "alice", "SMS")

    async def test(client: TestClient[Any, Any]) -> None:
        body = await (await client.get("/consent/alice")).json()
        assert body["stale"] is False and body["age_ms"] == 150
        health.down_ms, health.commit_age_ms = 30_000, 45_000
        for path in ("/consent/alice", "/consent/alice/history"):
            resp = await client.get(path)
            assert resp.status == 200
            body = await resp.json()
            assert body["stale"] is True and body["age_ms"] == 45_000
            as_of = datetime.fromisoformat(body["as_of"]).timestamp()
            assert abs(time.time() - 45 - as_of) < 5
            assert resp.headers[STALE_HEADER] == "true"
            assert resp.headers[AS_OF_HEADER] == body["as_of"]
        body = await (await client.get("/consent/alice")).json()
        assert body["channels"]["SMS"]["subscribed"] is False  # the committed state
        health.commit_age_ms = None  # never committed: the age is unknown, and said so
        resp = await client.get("/consent/alice")
        body = await resp.json()
        assert body["as_of"] is None and body["age_ms"] is None and body["stale"] is True
        assert AS_OF_HEADER not in resp.headers

    serve(api, test)


def test_a_lookup_forwarded_to_an_owner_that_never_answers_is_503_within_the_bound(
    tmp_path: Path,
) -> None:
    api = make_api(tmp_path, api_timeout_ms=500)
    with silent_port() as port:
        api.engine.directory.owners = {
            p: Owner("b", f"http://127.0.0.1:{port}") for p in range(PARTITIONS)
        }

        async def test(client: TestClient[Any, Any]) -> None:
            started = time.monotonic()
            resp = await client.get("/consent/alice")
            took = time.monotonic() - started
            assert resp.status == 503 and resp.headers["Retry-After"]
            assert "which did not answer within 0.5 s" in (await resp.json())["message"]
            assert took < 0.5 + MARGIN_S

        serve(api, test)


# --- commands while Kafka is down --------------------------------------------------------------


@pytest.mark.parametrize("broker", ["refused", "silent"])
def test_a_command_with_the_broker_down_answers_503_within_the_bound(
    tmp_path: Path, broker: str
) -> None:
    with contextlib.ExitStack() as stack:
        port = closed_port() if broker == "refused" else stack.enter_context(silent_port())
        api = make_api(
            tmp_path,
            api_token=TOKEN,
            api_timeout_ms=1_000,
            bootstrap_servers=f"127.0.0.1:{port}",
        )
        api.publisher = CommandPublisher(api.s)

        async def test(client: TestClient[Any, Any]) -> None:
            for _ in range(2):  # and again: a dead producer is replaced, never waited for
                started = time.monotonic()
                resp = await client.post("/consent/alice/SMS/opt-out", headers=bearer())
                took = time.monotonic() - started
                assert resp.status == 503, await resp.text()
                assert resp.headers["Retry-After"] == "2"
                body = await resp.json()
                assert body["error"] == "UNAVAILABLE"
                assert body["message"].startswith("the command was not published: ")
                assert took < 1.0 + MARGIN_S, took

        serve(api, test)


def test_a_command_that_may_have_been_taken_says_so(tmp_path: Path) -> None:
    class Unsure(Recorder):
        async def publish(self, command: Any) -> None:
            raise PublishError("it was sent and may have been written", maybe_taken=True)

    api = make_api(tmp_path, api_token=TOKEN, api_timeout_ms=4_500)
    api.publisher = Unsure()  # type: ignore[assignment]

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.post("/consent/alice/SMS/opt-out", headers=bearer())
        assert resp.status == 503 and resp.headers["Retry-After"] == "5"
        body = await resp.json()
        assert body["error"] == "OUTCOME_UNKNOWN"
        assert body["message"].startswith("the command may have been published: ")
        assert body["command_id"].startswith("cmd-")

    serve(api, test)


def test_the_publisher_gives_up_by_its_deadline_and_closes_promptly(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    command = build_command(settings, Contract(), contact_id="a", channel="SMS", action="opt-out")

    async def run(port: int) -> None:
        publisher = CommandPublisher(
            settings.model_copy(update={"bootstrap_servers": f"127.0.0.1:{port}"}), 700
        )
        for _ in range(2):
            started = time.monotonic()
            with pytest.raises(PublishError) as info:
                await publisher.publish(command)
            assert time.monotonic() - started < 0.7 + MARGIN_S
            assert info.value.maybe_taken is False
            assert "within 0.7 s" in str(info.value)
        started = time.monotonic()
        await publisher.close()
        assert time.monotonic() - started < 1.0 + MARGIN_S

    with silent_port() as port:
        asyncio.run(run(port))


def test_another_aiokafka_is_refused_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aiokafka, "__version__", "0.99.0")

    async def make() -> None:
        producer = aiokafka.AIOKafkaProducer(bootstrap_servers="127.0.0.1:1")
        try:
            DeadlineProducer(lambda: producer)
        finally:
            await producer.stop()

    with pytest.raises(RuntimeError, match=r"aiokafka 0\.99\.0 is not a version"):
        asyncio.run(make())


def test_the_timeout_is_a_checked_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert Settings(_env_file=None).api_timeout_ms == 5_000  # type: ignore[call-arg]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONSENT_GATE_API_TIMEOUT_MS", "10")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert str(info.value).startswith("Bad setting CONSENT_GATE_API_TIMEOUT_MS:")


# --- the CLI -------------------------------------------------------------------------------------


def _cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str, **env: str
) -> tuple[Any, float]:
    """The CLI's result, and how long it took (seconds)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONSENT_GATE_BOOTSTRAP_SERVERS", f"127.0.0.1:{closed_port()}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    started = time.monotonic()
    result = CliRunner().invoke(cli, list(args))
    return result, time.monotonic() - started


@pytest.mark.parametrize("broker", ["refused", "silent"])
def test_cli_opt_out_with_kafka_down_is_one_sentence_and_exit_2_within_the_bound(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, broker: str
) -> None:
    with contextlib.ExitStack() as stack:
        port = closed_port() if broker == "refused" else stack.enter_context(silent_port())
        result, took = _cli(
            monkeypatch,
            tmp_path,
            *("consent", "opt-out", "alice", "--channel", "SMS"),
            CONSENT_GATE_BOOTSTRAP_SERVERS=f"127.0.0.1:{port}",
            CONSENT_GATE_API_TIMEOUT_MS="1000",
        )
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("consent-gate: ") and "Traceback" not in line
    assert "not reachable" in line or "within 1 s" in line
    assert took < 1.0 + 1.0 + MARGIN_S  # the deadline, closing the dead producer


def test_cli_lookups_with_a_worker_that_never_answers_exit_2_within_the_bound(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(api_client, "STATUS_TIMEOUT_S", 1.0)
    with silent_port() as port:
        url = f"http://127.0.0.1:{port}"
        result, took = _cli(
            monkeypatch,
            tmp_path,
            *("consent", "get", "alice", "--url", url),
            CONSENT_GATE_API_TIMEOUT_MS="500",
        )
        assert result.exit_code == 2
        assert result.output.strip() == (
            f"consent-gate: the consent-gate worker at {url} did not answer within 2.5 s"
        )
        assert took < 2.5 + MARGIN_S
        result, took = _cli(monkeypatch, tmp_path, "status", "--url", url)
        assert result.exit_code == 2 and "did not answer within 1 s" in result.output
        assert took < 1.0 + MARGIN_S


class _Answers:
    """A worker's HTTP API that answers every GET with ``status`` and ``body``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = json.dumps(outer.body).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self.status, self.body = status, body
        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Answers:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_cli_get_says_when_the_answer_is_stale_or_the_worker_cannot_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stale = {
        "contact_id": "alice",
        "worker": "w2",
        "channels": {},
        "as_of": "2026-12-01T23:00:00.000+00:00",
        "age_ms": 60_000,
        "stale": True,
    }
    with _Answers(200, stale) as worker:
        result, _took = _cli(monkeypatch, tmp_path, "consent", "get", "alice", "--url", worker.url)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["stale"] is True
    assert result.stderr.strip() == (
        "consent-gate: note: worker w2 cannot reach Kafka: this is its committed table as of "
        "2026-12-01T23:00:00.000+00:00, and changes since may be missing."
    )
    unavailable = {"error": "UNAVAILABLE", "message": "partition 3 has no owner right now"}
    with _Answers(503, unavailable) as worker:
        result, _took = _cli(monkeypatch, tmp_path, "consent", "get", "alice", "--url", worker.url)
    assert result.exit_code == 2
    assert result.output.strip() == (
        "consent-gate: the worker cannot answer now: partition 3 has no owner right now"
    )


def test_cli_status_exits_2_naming_the_workers_cut_off_from_kafka(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    view = {
        "worker": "w1",
        "url": "",
        "ready": False,
        "reason": "Kafka is not reachable from this worker (for 9 s): ...",
        "by_contact_topic": "t",
        "directory": {},
        "partitions": [],
        "kafka": {"reachable": False, "unreachable_ms": 9_000, "last_commit_age_ms": 9_500},
    }
    with _Answers(200, view) as worker:
        result, _took = _cli(monkeypatch, tmp_path, "status", "--url", worker.url)
    assert result.exit_code == 2
    assert "w1 (API off): not ready: Kafka is not reachable" in result.stdout
    assert result.stderr.strip() == "consent-gate: Kafka is not reachable from worker(s) w1"
