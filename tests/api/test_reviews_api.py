"""GET /reviews and POST /reviews/{event_id}/accept|reject: the CLI's review, over HTTP (Kafka
stood in for: the queue and the decisions; the integration test uses the real broker)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from streams.core.review import ReviewItem
from streams.settings import Settings
from streams.tools import review
from tests.api.test_api_server import TOKEN, bearer, make_api, serve
from tests.waiting import eventually_async

ITEM = ReviewItem(
    event_id="ev-1",
    reply_event_id="reply-1",
    contact_id="c1",
    channel="SMS",
    text="too many messages",
    received_at_ms=1_700_000_000_000,
    band="possible",
    language="en",
    rule="en.complaint",
    campaign_id="spring",
)


@pytest.fixture
def decisions(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    recorded: list[dict[str, Any]] = []

    async def queue(_s: Settings, _c: Any, now_ms: int | None = None) -> review.Queue:
        return review.Queue([ITEM], [ITEM])

    async def record(_s: Settings, _c: Any, decision: dict[str, Any]) -> None:
        recorded.append(decision)

    monkeypatch.setattr(review, "queue", queue)
    monkeypatch.setattr(review, "_record", record)
    return recorded


def test_reviews_are_listed_oldest_first_with_the_reply(
    tmp_path: Path, decisions: list[dict[str, Any]]
) -> None:
    api = make_api(tmp_path)

    async def test(client: TestClient[Any, Any]) -> None:
        body = await (await client.get("/reviews")).json()
        assert (body["overdue"], body["deadline_days"]) == (1, 10)
        [item] = body["items"]
        assert (item["event_id"], item["text"], item["overdue"]) == (
            "ev-1",
            "too many messages",
            True,
        )

    serve(api, test)


def test_accept_publishes_the_opt_out_and_records_the_decision(
    tmp_path: Path, decisions: list[dict[str, Any]]
) -> None:
    api = make_api(tmp_path, api_token=TOKEN)

    async def test(client: TestClient[Any, Any]) -> None:
        denied = await client.post("/reviews/ev-1/accept", json={"reviewer": "alice"})
        assert denied.status == 401
        resp = await client.post(
            "/reviews/ev-1/accept", json={"reviewer": "alice"}, headers=bearer()
        )
        assert resp.status == 200, await resp.text()
        body = await resp.json()
        assert body["decision"] == "ACCEPTED" and body["command_id"].startswith("cmd-")
        [command] = api.publisher.commands  # type: ignore[attr-defined]
        record = command.record
        assert (record["contact_id"], record["channel"], record["action"]) == (
            "c1",
            "SMS",
            "OPT_OUT",
        )
        assert (record["actor"], record["campaign_id"]) == ("alice", "spring")
        assert record["proof"]["evidence"] == "reply reply-1: too many messages"
        [decision] = decisions
        assert (decision["decision"], decision["command_id"]) == ("ACCEPTED", body["command_id"])

    serve(api, test)


def test_reject_records_the_decision_and_publishes_nothing(
    tmp_path: Path, decisions: list[dict[str, Any]]
) -> None:
    api = make_api(tmp_path, api_token=TOKEN)

    async def test(client: TestClient[Any, Any]) -> None:
        resp = await client.post(
            "/reviews/ev-1/reject", json={"reviewer": "bob", "note": "a joke"}, headers=bearer()
        )
        assert resp.status == 200
        assert api.publisher.commands == []  # type: ignore[attr-defined]
        assert [(d["decision"], d["note"]) for d in decisions] == [("REJECTED", "a joke")]
        missing = await client.post(
            "/reviews/nope/reject", json={"reviewer": "bob"}, headers=bearer()
        )
        assert missing.status == 404
        nobody = await client.post("/reviews/ev-1/reject", json={}, headers=bearer())
        assert nobody.status == 422
        other = await client.post("/reviews/ev-1/maybe", json={"reviewer": "b"}, headers=bearer())
        assert other.status == 404

    serve(api, test)


def test_the_review_counts_are_metrics_once_read(
    tmp_path: Path, decisions: list[dict[str, Any]]
) -> None:
    api = make_api(tmp_path)

    async def test(client: TestClient[Any, Any]) -> None:
        before = await (await client.get("/metrics")).text()
        assert "consent_gate_reviews_undecided" not in before  # not read yet: absent, not 0
        await client.get("/reviews")
        after = await (await client.get("/metrics")).text()
        assert "consent_gate_reviews_undecided 1.0" in after
        assert "consent_gate_reviews_overdue 1.0" in after

    serve(api, test)


def test_the_worker_refreshes_the_review_counts_on_its_own(
    tmp_path: Path, decisions: list[dict[str, Any]]
) -> None:
    api = make_api(tmp_path)

    async def run() -> None:
        async def counted() -> bool:
            return api.metrics is not None and api.metrics.reviews == (1, 1)

        task = asyncio.create_task(api._refresh_reviews_every(3600))
        await eventually_async(counted, 10, interval_s=0.02, what="the review counts are in")
        task.cancel()

    asyncio.run(run())
    assert api.engine.store is not None
    api.engine.store.close()
