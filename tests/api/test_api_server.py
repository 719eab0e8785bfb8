"""The HTTP API's answers, every status code it promises, with aiohttp's test client and a real
engine object (its RocksDB table, no broker): what needs Kafka is in
tests/integration/test_http_api.py."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from streams.api.commands import Command, PublishError
from streams.api.metrics import Metrics
from streams.api.server import FORWARDED_HEADER, STALE_HEADER, ConsentApi
from streams.core.consent import ConsentState, state_record
from streams.core.partitioner import partition_for
from streams.kafka.directory import Owner
from streams.kafka.engine import Engine
from streams.models.contract import Contract, RecordName
from streams.processing.records import Output, SourceRecord
from streams.settings import Settings
from streams.state.consent_store import state_key
from streams.state.store import StateStore

TOKEN = "t0ken-for-the-unit-tests-0123456789"
PARTITIONS = 4


class Recorder:
    """Stands in for the Kafka producer of commands (the integration test uses the real one)."""

    def __init__(self, fail: bool = False) -> None:
        self.commands: list[Command] = []
        self.fail = fail

    async def publish(self, command: Command) -> None:
        if self.fail:
            raise PublishError("Kafka is not reachable (KafkaConnectionError)")
        self.commands.append(command)

    async def close(self) -> None:
        pass


@dataclass
class FakeHealth:
    """The engine's health as the API sees it (streams.api.health.EngineHealth)."""

    failed: bool = False
    stopping: bool = False
    down_ms: int | None = None
    commit_age_ms: int | None = 150

    def kafka_unreachable_ms(self) -> int | None:
        return self.down_ms

    def last_commit_age_ms(self) -> int | None:
        return self.commit_age_ms


def make_api(
    tmp: Path, name: str = "a", owned: tuple[int, ...] = (), **overrides: Any
) -> ConsentApi:
    values: dict[str, Any] = {
        "partitions": PARTITIONS,
        "data_dir": tmp / name,
        "worker_id": name,
        "http_host": "127.0.0.1",
        "bootstrap_servers": "localhost:9092",
        **overrides,
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    engine = Engine(settings)
    engine.store = StateStore(tmp / name / "state")
    for p in owned:
        engine.parts[p] = engine._open_partition(p, [])
    metrics = Metrics(engine)
    engine.observer = metrics
    api = ConsentApi(settings, engine, metrics)
    api.publisher = Recorder()  # type: ignore[assignment]
    return api


def serve(api: ConsentApi, test: Callable[[TestClient[Any, Any]], Awaitable[None]]) -> None:
    async def run() -> None:
        async with TestClient(TestServer(api.app)) as client:
            await test(client)
        assert api.engine.store is not None
        api.engine.store.close()

    asyncio.run(run())


def contact_in(partition: int, prefix: str = "c") -> str:
    return next(
        f"{prefix}{i}"
        for i in range(10_000)
        if partition_for(f"{prefix}{i}", PARTITIONS) == partition
    )


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def opted_out(api: ConsentApi, contact: str, channel: str) -> None:
    """A committed table entry, as the engine writes it after a transaction."""
    state = ConsentState(
        subscribed=False,
        changed_at_ms=1_700_000_000_000,
        source="KEYWORD",
        event_id="reply-1",
        raw_text="STOP",
        campaign_id="spring",
        changes=1,
    )
    value = api.engine.contract.encode(RecordName.CONSENT_STATE, state_record(state))
    assert api.engine.store is not None
    p = partition_for(contact, PARTITIONS)
    api.engine.store.apply(p, {state_key(contact, channel): value}, 1)


# --- GET /consent ---------------------------------------------------------------------------


def test_an_unseen_contact_gets_the_default_state_on_every_channel(tmp_path: Path) -> None:
    api = make_api(tmp_path, owned=tuple(range(PARTITIONS)))

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/consent/never-seen")
        assert resp.status == 200
        body = await resp.json()
        assert body["contact_id"] == "never-seen"
        assert body["worker"] == "a"
        assert list(body["channels"]) == list(api.s.channels)
        for state in body["channels"].values():
            assert state["subscribed"] is True and state["default"] is True
            assert state["changes"] == 0 and state["event_id"] is None

    serve(api, test)


def test_strict_opt_in_default_is_not_subscribed(tmp_path: Path) -> None:
    api = make_api(tmp_path, owned=tuple(range(PARTITIONS)), default_subscribed=False)

    async def test(client: TestClient[Any, Any]) -> None:
        body = await (await client.get("/consent/x")).json()
        assert {s["subscribed"] for s in body["channels"].values()} == {False}

    serve(api, test)


def test_a_change_is_shown_with_its_proof(tmp_path: Path) -> None:
    api = make_api(tmp_path, owned=tuple(range(PARTITIONS)))
    opted_out(api, "alice", "SMS")

    async def test(client: TestClient[Any, Any]) -> None:
        body = await (await client.get("/consent/%20alice%20")).json()  # trimmed, as the gate
        sms = body["channels"]["SMS"]
        assert sms == {
            "subscribed": False,
            "default": False,
            "changed_at_ms": 1_700_000_000_000,
            "changed_at": "2023-11-14T22:13:20.000+00:00",
            "source": "KEYWORD",
            "event_id": "reply-1",
            "raw_text": "STOP",
            "campaign_id": "spring",
            "reason": None,
            "changes": 1,
        }
        assert body["channels"]["EMAIL"]["subscribed"] is True  # per channel

    serve(api, test)


def test_the_open_transactions_writes_are_not_shown(tmp_path: Path) -> None:
    """Reads go to the committed table only: a write still in the open transaction (which may
    be aborted) is invisible."""
    api = make_api(tmp_path, owned=tuple(range(PARTITIONS)))
    p = partition_for("bob", PARTITIONS)
    value = api.engine.contract.encode(
        RecordName.CONSENT_STATE, state_record(ConsentState(False, 1, "COMMAND", "x", changes=1))
    )
    api.engine.parts[p].state.put(state_key("bob", "SMS"), value)

    async def test(client: TestClient[Any, Any]) -> None:
        body = await (await client.get("/consent/bob")).json()
        assert body["channels"]["SMS"]["subscribed"] is True

    serve(api, test)


def test_a_partition_with_no_owner_answers_503_with_retry_after(tmp_path: Path) -> None:
    api = make_api(tmp_path)  # owns nothing, no directory yet

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/consent/alice")
        assert resp.status == 503
        assert resp.headers["Retry-After"] == "2"
        body = await resp.json()
        assert body["error"] == "UNAVAILABLE" and "no owner" in body["message"]

    serve(api, test)


def test_a_partition_restoring_here_answers_503(tmp_path: Path) -> None:
    api = make_api(tmp_path)
    p = partition_for("alice", PARTITIONS)
    api.engine.directory.owners = {p: Owner("a", "http://127.0.0.1:1")}

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/consent/alice")
        assert resp.status == 503 and "restored on this worker" in (await resp.json())["message"]

    serve(api, test)


def test_any_worker_answers_by_forwarding_to_the_owner(tmp_path: Path) -> None:
    """Two APIs: b owns every partition, a none; a forwards (with the token) and relays b's
    answer; a request forwarded to a worker that does not own the partition is a 503, never
    forwarded again."""
    b = make_api(tmp_path, "b", owned=tuple(range(PARTITIONS)), api_token=TOKEN)
    a = make_api(tmp_path, "a", api_token=TOKEN)
    opted_out(b, "alice", "WHATSAPP")

    async def run() -> None:
        async with TestClient(TestServer(b.app)) as client_b:
            url_b = str(client_b.make_url("")).rstrip("/")
            a.engine.directory.owners = {p: Owner("b", url_b) for p in range(PARTITIONS)}
            async with TestClient(TestServer(a.app)) as client_a:
                resp = await client_a.get("/consent/alice", headers=bearer())
                assert resp.status == 200
                body = await resp.json()
                assert body["worker"] == "b"
                assert body["channels"]["WHATSAPP"]["raw_text"] == "STOP"
                assert body["stale"] is False and resp.headers[STALE_HEADER] == "false"
                # the owner's staleness is relayed as it says it (it cannot reach Kafka)
                b.health = FakeHealth(down_ms=20_000)
                resp = await client_a.get("/consent/alice", headers=bearer())
                assert resp.status == 200 and resp.headers[STALE_HEADER] == "true"
                assert (await resp.json())["stale"] is True
                # b's answer is relayed as it is, errors included
                resp = await client_a.get("/consent/alice", headers=bearer("wrong" * 4))
                assert resp.status == 401
                # a forwarded lookup that reaches a non-owner is not forwarded again
                resp = await client_a.get(
                    "/consent/alice", headers={**bearer(), FORWARDED_HEADER: "b"}
                )
                assert resp.status == 503 and resp.headers["Retry-After"]
                # the owner does not answer: 503
                a.engine.directory.owners = {p: Owner("b", "http://127.0.0.1:1") for p in range(4)}
                resp = await client_a.get("/consent/alice", headers=bearer())
                assert resp.status == 503
                assert "did not answer" in (await resp.json())["message"]
        for api in (a, b):
            assert api.engine.store is not None
            api.engine.store.close()

    asyncio.run(run())


def test_the_owner_with_its_api_off_answers_503(tmp_path: Path) -> None:
    api = make_api(tmp_path)
    api.engine.directory.owners = {p: Owner("b", "") for p in range(PARTITIONS)}

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/consent/alice")
        assert resp.status == 503 and "HTTP API is off" in (await resp.json())["message"]

    serve(api, test)


def test_lookups_need_the_token_when_one_is_configured(tmp_path: Path) -> None:
    api = make_api(tmp_path, owned=tuple(range(PARTITIONS)), api_token=TOKEN)

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/consent/alice")
        assert resp.status == 401
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await resp.json())["error"] == "UNAUTHORIZED"
        assert (await client.get("/consent/alice", headers=bearer("x" * 40))).status == 401
        assert (await client.get("/consent/alice", headers={"Authorization": TOKEN})).status == 401
        assert (await client.get("/consent/alice", headers=bearer())).status == 200

    serve(api, test)


def test_a_too_long_contact_id_is_400(tmp_path: Path) -> None:
    api = make_api(tmp_path, owned=tuple(range(PARTITIONS)))

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/consent/" + "x" * 300)
        assert resp.status == 400
        body = await resp.json()
        assert body["field"] == "contact_id" and "longer than 256" in body["message"]
        resp = await client.get("/consent/%20%20")
        assert resp.status == 400 and (await resp.json())["message"] == "contact_id is empty"

    serve(api, test)


# --- POST opt-out / opt-in ----------------------------------------------------------------------


def test_opt_out_publishes_a_command_and_answers_202(tmp_path: Path) -> None:
    api = make_api(tmp_path, api_token=TOKEN)
    recorder: Recorder = api.publisher  # type: ignore[assignment]

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.post(
            "/consent/alice/sms/opt-out",
            json={"reason": "too many messages", "campaign_id": "spring"},
            headers=bearer(),
        )
        assert resp.status == 202
        body = await resp.json()
        assert body["status"] == "accepted" and body["action"] == "OPT_OUT"
        assert body["channel"] == "SMS"
        (command,) = recorder.commands
        assert command.command_id == body["command_id"]
        decoded = Contract().decode(RecordName.CONSENT_COMMAND, command.value)
        assert decoded["contact_id"] == "alice" and decoded["channel"] == "SMS"
        assert decoded["source"] == "API" and decoded["action"] == "OPT_OUT"
        assert decoded["reason"] == "too many messages" and decoded["campaign_id"] == "spring"
        # no body at all is fine for an opt-out
        resp = await client.post("/consent/bob/EMAIL/opt-out", headers=bearer())
        assert resp.status == 202

    serve(api, test)


def test_opt_in_needs_proof_naming_the_missing_field(tmp_path: Path) -> None:
    api = make_api(tmp_path, api_token=TOKEN)
    recorder: Recorder = api.publisher  # type: ignore[assignment]

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.post("/consent/alice/SMS/opt-in", headers=bearer())
        assert resp.status == 422
        body = await resp.json()
        assert body["error"] == "OPT_IN_WITHOUT_PROOF" and body["field"] == "proof"
        resp = await client.post(
            "/consent/alice/SMS/opt-in", json={"proof": {"method": "web_form"}}, headers=bearer()
        )
        assert resp.status == 422 and (await resp.json())["field"] == "proof.evidence"
        resp = await client.post(
            "/consent/alice/SMS/opt-in",
            json={"proof": {"method": "web_form", "evidence": "form-42", "ip_address": "10.0.0.1"}},
            headers=bearer(),
        )
        assert resp.status == 202
        (command,) = recorder.commands
        proof = command.record["proof"]
        assert proof["method"] == "web_form" and proof["evidence"] == "form-42"
        assert proof["captured_at_ms"] == command.record["issued_at_ms"]

    serve(api, test)


@pytest.mark.parametrize(
    ("path", "body", "status", "error", "field"),
    [
        ("/consent/alice/FAX/opt-out", None, 422, "UNKNOWN_CHANNEL", "channel"),
        ("/consent/alice/SMS/opt-out", "{not json", 400, "BAD_JSON", None),
        ("/consent/alice/SMS/opt-out", "[1, 2]", 400, "BAD_JSON", None),
        ("/consent/alice/SMS/opt-out", '{"colour": "red"}', 422, "INVALID_FIELD", "colour"),
        ("/consent/alice/SMS/opt-out", '{"reason": 7}', 422, "INVALID_FIELD", "reason"),
        (
            "/consent/alice/SMS/opt-out",
            '{"reason": "' + "r" * 5000 + '"}',
            422,
            "INVALID_FIELD",
            "reason",
        ),
        ("/consent/alice/SMS/opt-in", '{"proof": "yes"}', 422, "INVALID_FIELD", "proof"),
        (
            "/consent/alice/SMS/opt-in",
            '{"proof": {"method": "m", "evidence": "e", "captured_at_ms": "today"}}',
            422,
            "INVALID_FIELD",
            "proof.captured_at_ms",
        ),
        ("/consent/" + "x" * 300 + "/SMS/opt-out", None, 400, "INVALID_FIELD", "contact_id"),
        ("/consent/alice/SMS/unsubscribe", None, 404, "NOT_FOUND", "action"),
    ],
)
def test_every_bad_request_is_a_readable_4xx(
    tmp_path: Path, path: str, body: str | None, status: int, error: str, field: str | None
) -> None:
    api = make_api(tmp_path, api_token=TOKEN)

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.post(path, data=body, headers=bearer())
        assert resp.status == status
        answer = await resp.json()
        assert answer["error"] == error
        assert answer.get("field") == field
        assert answer["message"]

    serve(api, test)
    assert not api.publisher.commands  # type: ignore[attr-defined]


def test_a_body_too_large_is_413(tmp_path: Path) -> None:
    api = make_api(tmp_path, api_token=TOKEN)

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.post(
            "/consent/alice/SMS/opt-out", data=b"{" + b" " * 70_000 + b"}", headers=bearer()
        )
        assert resp.status == 413
        assert "larger than" in (await resp.json())["message"]

    serve(api, test)


def test_mutations_are_off_without_a_token(tmp_path: Path) -> None:
    api = make_api(tmp_path, owned=tuple(range(PARTITIONS)))

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.post("/consent/alice/SMS/opt-out")
        assert resp.status == 403
        body = await resp.json()
        assert body["error"] == "MUTATIONS_OFF" and "CONSENT_GATE_API_TOKEN" in body["message"]
        assert (await client.get("/consent/alice")).status == 200  # reads stay open

    serve(api, test)


def test_the_local_demo_allows_mutations_without_a_token(tmp_path: Path) -> None:
    api = make_api(tmp_path, api_insecure_demo=True)

    async def test(client: TestClient[Any, Any]) -> None:
        assert (await client.post("/consent/alice/SMS/opt-out")).status == 202

    serve(api, test)


def test_mutations_need_the_right_token(tmp_path: Path) -> None:
    api = make_api(tmp_path, api_token=TOKEN)

    async def test(client: TestClient[Any, Any]) -> None:
        assert (await client.post("/consent/alice/SMS/opt-out")).status == 401
        resp = await client.post("/consent/alice/SMS/opt-out", headers=bearer(TOKEN + "x"))
        assert resp.status == 401 and (await resp.json())["message"] == "the bearer token is wrong"

    serve(api, test)


def test_kafka_not_taking_the_command_is_503(tmp_path: Path) -> None:
    api = make_api(tmp_path, api_token=TOKEN)
    api.publisher = Recorder(fail=True)  # type: ignore[assignment]

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.post("/consent/alice/SMS/opt-out", headers=bearer())
        assert resp.status == 503 and resp.headers["Retry-After"]
        assert "not published" in (await resp.json())["message"]

    serve(api, test)


# --- probes, metrics, errors ----------------------------------------------------------------------


def test_probes_and_unknown_routes(tmp_path: Path) -> None:
    api = make_api(tmp_path)

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/healthz")
        assert resp.status == 200 and (await resp.json())["status"] == "alive"
        resp = await client.get("/readyz")  # the engine has not started
        assert resp.status == 503
        assert (await resp.json()) == {"error": "NOT_READY", "message": "starting"}
        resp = await client.get("/nowhere")
        assert resp.status == 404 and (await resp.json())["error"] == "NOT_FOUND"
        resp = await client.delete("/consent/alice")
        assert resp.status == 405 and (await resp.json())["error"] == "METHOD_NOT_ALLOWED"
        resp = await client.get("/consent/alice/SMS/opt-out")
        assert resp.status == 405

    serve(api, test)


def test_status_shows_the_directory(tmp_path: Path) -> None:
    api = make_api(tmp_path)
    api.engine.directory.owners = {0: Owner("a", "http://a:6066"), 1: Owner("b", "")}

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/status")
        assert resp.status == 200
        body = await resp.json()
        assert body["worker"] == "a" and body["ready"] is False and body["reason"] == "starting"
        assert body["directory"] == {
            "0": {"worker": "a", "url": "http://a:6066"},
            "1": {"worker": "b", "url": ""},
        }
        assert body["partitions"] == []  # no consumer: nothing assigned
        assert body["by_contact_topic"] == api.s.by_contact_topic

    serve(api, test)


def test_metrics_count_what_the_engine_reports(tmp_path: Path) -> None:
    api = make_api(tmp_path, owned=(0,))
    s = api.s
    metrics: Metrics = api.metrics  # type: ignore[assignment]
    metrics.consumed(s.requests_topic, 3)
    metrics.produced(Output(s.channel_topic("SMS"), b"k", b"v"))
    metrics.produced(Output(s.suppressed_topic, b"k", b"v", tag="EMAIL"))
    metrics.produced(Output(s.events_topic, b"k", b"v", tag="OPTED_OUT"))
    metrics.produced(Output(s.deadletter_topic, b"k", b"v", tag="NOT_AVRO"))
    headers = [("consent-gate-kind", b"request"), ("consent-gate-origin", b"t\x1f0\x1f1\x1f1000")]
    metrics.decided(SourceRecord(s.by_contact_topic, 0, 5, 1_000, b"k", b"v", headers), 1_250)
    api.engine.counters["hold_expired"] = 2

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.get("/metrics")
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
        for line in (
            f'consent_gate_records_in_total{{topic="{s.requests_topic}"}} 3.0',
            'consent_gate_forwarded_total{channel="SMS"} 1.0',
            'consent_gate_suppressed_total{channel="EMAIL"} 1.0',
            'consent_gate_consent_events_total{type="OPTED_OUT"} 1.0',
            'consent_gate_dead_letters_total{code="NOT_AVRO"} 1.0',
            'consent_gate_decision_latency_seconds_bucket{input="request",le="0.3"} 1.0',
            'consent_gate_decision_latency_seconds_bucket{input="request",le="0.2"} 0.0',
            "consent_gate_hold_expired_total 2.0",
            "consent_gate_owned_partitions 1.0",
            "consent_gate_held_records 0.0",
        ):
            assert line in text, line
        assert "consent_gate_table_keys_estimate" in text

    serve(api, test)


def test_each_engine_has_its_own_registry(tmp_path: Path) -> None:
    a, b = make_api(tmp_path, "a"), make_api(tmp_path, "b")
    assert a.metrics is not None and b.metrics is not None
    a.metrics.consumed("t", 1)
    assert a.metrics.registry.get_sample_value("consent_gate_records_in_total", {"topic": "t"}) == 1
    assert (
        b.metrics.registry.get_sample_value("consent_gate_records_in_total", {"topic": "t"}) is None
    )
    for api in (a, b):
        assert api.engine.store is not None
        api.engine.store.close()
