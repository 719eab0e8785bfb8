"""The worker's HTTP API (aiohttp, on the engine's event loop).

``GET /consent/{contact}``
    The contact's consent on every configured channel, with the proof of the last change, read
    from the *committed* table (the worker's RocksDB, which holds only what the changelog
    committed) of the worker that owns the contact's by-contact partition. Any worker answers: one
    that does not own the partition forwards the request to the owner it knows from the group's
    ownership directory (``streams.kafka.directory``). A contact never seen gets the default state
    (200). While the partition has no owner, is restoring, or moves, the answer is 503 with
    ``Retry-After``.
    Every answer from the table says how old it may be: ``as_of`` (when the worker last knew its
    table complete: its last commit Kafka acknowledged), ``age_ms``, and ``stale`` (true while
    the worker cannot reach Kafka: changes made since ``as_of`` may be missing); also as the
    headers ``X-Consent-Gate-As-Of`` and ``X-Consent-Gate-Stale``. A forwarded lookup waits at
    most ``CONSENT_GATE_API_TIMEOUT_MS`` for the owner.
``POST /consent/{contact}/{channel}/opt-out`` and ``/opt-in``
    Publish a consent command (``streams.api.commands``) and answer 202 with its ``command_id``
    once Kafka acknowledged it (acks=all); the gate applies it in event time like any other
    input. Not acknowledged within ``CONSENT_GATE_API_TIMEOUT_MS``: 503 with ``Retry-After``,
    ``UNAVAILABLE`` (not published) or ``OUTCOME_UNKNOWN`` (it was sent and may have been
    written); either way it is never sent later (``streams.api.deadline``).
``GET /healthz``, ``/readyz``, ``/metrics``, ``/status``
    Alive; ready (Kafka reachable, assigned, restored, caught up within
    ``CONSENT_GATE_READY_MAX_LAG``) or 503 with the reason; Prometheus metrics; this worker's
    partitions, lag, table entries and Kafka's reachability.

With ``CONSENT_GATE_API_TOKEN`` every ``/consent`` request needs ``Authorization: Bearer
<token>`` (the answers are personal data); without one, lookups are open and opt-out/opt-in are
off (403), unless ``CONSENT_GATE_API_INSECURE_DEMO`` (localhost only) allows them. Every error
is JSON: ``{"error": CODE, "message": ..., "field": ...}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hmac
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from yarl import URL

from streams.api.commands import Command, CommandError, CommandPublisher, PublishError
from streams.api.commands import build_command as _build
from streams.api.health import EngineHealth, engine_health, kafka_down_ms
from streams.api.metrics import Metrics, consumer_lag, readiness
from streams.core.consent import ConsentState
from streams.core.partitioner import partition_for
from streams.core.times import parse_instant
from streams.kafka.engine import Engine
from streams.logs import log_event
from streams.processing.validate import MAX_ID_LENGTH
from streams.settings import ENV_PREFIX, Settings
from streams.state.consent_store import ConsentStore
from streams.state.store import StateStore

logger = logging.getLogger("consent_gate.api")

#: Set on a lookup one worker forwards to another: the owner answers it or says 503, never
#: forwards it again (a stale directory cannot make a loop).
FORWARDED_HEADER = "X-Consent-Gate-Forwarded"
#: Seconds a client should wait before asking again after a 503 (a rebalance or a restore).
RETRY_AFTER_S = 2
#: The answer's headers saying how old the table it was read from may be.
AS_OF_HEADER = "X-Consent-Gate-As-Of"
STALE_HEADER = "X-Consent-Gate-Stale"
#: Largest request body (a command is a few hundred bytes).
MAX_BODY_BYTES = 64 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """An answer other than success: status, code, readable message, the field to fix."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}
        self.extra = extra or {}


def _unavailable(message: str, retry_after_s: int = RETRY_AFTER_S) -> ApiError:
    return ApiError(503, "UNAVAILABLE", message, headers={"Retry-After": str(retry_after_s)})


def _error_response(err: ApiError) -> web.Response:
    body: dict[str, Any] = {"error": err.code, "message": err.message}
    if err.field is not None:
        body["field"] = err.field
    body.update(err.extra)
    return web.json_response(body, status=err.status, headers=err.headers)


def _iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def state_json(state: ConsentState) -> dict[str, Any]:
    return {
        "subscribed": state.subscribed,
        "default": not state.explicit,  # never changed: the configured default
        "changed_at_ms": state.changed_at_ms,
        "changed_at": _iso(state.changed_at_ms),
        "source": state.source,
        "event_id": state.event_id,
        "raw_text": state.raw_text,
        "campaign_id": state.campaign_id,
        "reason": state.reason,
        "changes": state.changes,
    }


class _Committed:
    """One partition of the worker's table as committed (RocksDB): never the open transaction's
    writes, which may still be aborted."""

    def __init__(self, store: StateStore, partition: int) -> None:
        self.store = store
        self.partition = partition

    def get(self, key: bytes) -> bytes | None:
        return self.store.get(self.partition, key)

    def put(self, key: bytes, value: bytes | None) -> None:
        raise RuntimeError("the API never writes the table")


async def count_entries(store: StateStore, partition: int, channels: tuple[str, ...]) -> int:
    """Consent entries of one partition in the committed table: a scan (yielding to the loop
    every 10,000 keys), for ``/status``."""
    n = 0
    for channel in channels:
        for _ in store.scan(partition, f"{channel}/".encode()):
            n += 1
            if n % 10_000 == 0:
                await asyncio.sleep(0)
    return n


#: How often each worker reads the review queue for its metrics (reading it scans the consent
#: events topic).
REVIEWS_REFRESH_S = 600.0


class ConsentApi:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        metrics: Metrics | None = None,
        health: EngineHealth | None = None,
    ) -> None:
        self.s = settings
        self.engine = engine
        #: What /readyz, /status and the lookups' staleness decide from (tests give a fake).
        self.health = health if health is not None else engine_health(engine)
        self.metrics = metrics
        self.publisher = CommandPublisher(settings)
        self.timeout_s = settings.api_timeout_ms / 1000
        self._token = settings.api_token.get_secret_value().encode()
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._reviews_task: asyncio.Task[None] | None = None
        self.app = web.Application(middlewares=[self._errors], client_max_size=MAX_BODY_BYTES)
        self.app.add_routes(
            [
                web.get("/healthz", self.healthz),
                web.get("/readyz", self.readyz),
                web.get("/metrics", self.metrics_page),
                web.get("/status", self.status),
                web.get("/consent/{contact_id}", self.get_consent),
                web.get("/consent/{contact_id}/history", self.get_history),
                web.post("/consent/{contact_id}/{channel}/{action}", self.post_command),
                web.get("/reviews", self.get_reviews),
                web.post("/reviews/{event_id}/{decision}", self.post_review),
            ]
        )
        self.app.on_cleanup.append(self._close)

    # --- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on CONSENT_GATE_HTTP_HOST:CONSENT_GATE_HTTP_PORT; an OSError (say, the port is
        taken) is the caller's to report."""
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.s.http_host, self.s.http_port)
        try:
            await site.start()
        except OSError:
            await self._runner.cleanup()
            self._runner = None
            raise
        self._reviews_task = asyncio.create_task(self._refresh_reviews_every(REVIEWS_REFRESH_S))
        log_event(
            logger,
            "api.listening",
            host=self.s.http_host,
            port=self.s.http_port,
            url=self.s.api_url,
            mutations=self._mutations(),
        )

    async def stop(self) -> None:
        if self._reviews_task is not None:
            task, self._reviews_task = self._reviews_task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _close(self, _app: web.Application) -> None:
        if self._session is not None:
            await self._session.close()
        await self.publisher.close()

    def _mutations(self) -> str:
        if self._token:
            return "token"
        return "insecure-demo" if self.s.api_insecure_demo else "off"

    # --- middleware --------------------------------------------------------------------------
    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as err:
            return _error_response(err)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            code = exc.reason.upper().replace(" ", "_")
            message = exc.reason
            if exc.status == 404:
                message = f"no such endpoint: {request.method} {request.path}"
            elif exc.status == 405:
                message = f"{request.method} is not allowed on {request.path}"
            elif exc.status == 413:
                message = f"the request body is larger than {MAX_BODY_BYTES} bytes"
            headers = {k: v for k, v in exc.headers.items() if k == "Allow"}
            return _error_response(ApiError(exc.status, code, message, headers=headers))
        except Exception as exc:  # a bug: say so, keep serving
            logger.error("%s %s failed", request.method, request.path, exc_info=exc)
            return _error_response(
                ApiError(500, "INTERNAL_ERROR", f"the worker failed: {type(exc).__name__}")
            )

    # --- authorization -----------------------------------------------------------------------
    def _check_token(self, request: web.Request) -> None:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        challenge = {"WWW-Authenticate": 'Bearer realm="consent-gate"'}
        if scheme.lower() != "bearer" or not given.strip():
            raise ApiError(
                401, "UNAUTHORIZED", "send Authorization: Bearer <token>", headers=challenge
            )
        if not hmac.compare_digest(given.strip().encode(), self._token):
            raise ApiError(401, "UNAUTHORIZED", "the bearer token is wrong", headers=challenge)

    def _authorize_read(self, request: web.Request) -> None:
        if self._token:
            self._check_token(request)

    def _authorize_change(self, request: web.Request) -> None:
        if self._token:
            self._check_token(request)
        elif not self.s.api_insecure_demo:
            raise ApiError(
                403,
                "MUTATIONS_OFF",
                f"opt-out and opt-in are off on this worker: set {ENV_PREFIX}API_TOKEN "
                "(and send it as a bearer token)",
            )

    # --- probes ------------------------------------------------------------------------------
    async def healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"status": "alive", "worker": self.s.worker_id})

    async def readyz(self, _request: web.Request) -> web.Response:
        reason = readiness(self.engine, self.health)
        if reason is not None:
            raise ApiError(503, "NOT_READY", reason, headers={"Retry-After": str(RETRY_AFTER_S)})
        return web.json_response({"status": "ready", "worker": self.s.worker_id})

    async def metrics_page(self, _request: web.Request) -> web.Response:
        if self.metrics is None:
            raise ApiError(404, "NOT_FOUND", "this worker keeps no metrics")
        body = generate_latest(self.metrics.registry)
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def status(self, _request: web.Request) -> web.Response:
        engine = self.engine
        partitions: list[dict[str, Any]] = []
        for tp, lag in consumer_lag(engine).items():
            row: dict[str, Any] = {"topic": tp.topic, "partition": tp.partition, "lag": lag}
            if tp.topic == engine.by_contact:
                part = engine.parts.get(tp.partition)
                row["restored"] = part is not None
                if part is not None and engine.store is not None:
                    row["held"] = part.held()
                    row["table_entries"] = await count_entries(
                        engine.store, tp.partition, self.s.channels
                    )
            partitions.append(row)
        directory = {
            str(p): {"worker": o.worker, "url": o.url}
            for p, o in sorted(engine.directory.owners.items())
        }
        reason = readiness(engine, self.health)
        down = kafka_down_ms(self.health)
        return web.json_response(
            {
                "worker": self.s.worker_id,
                "url": self.s.api_url,
                "ready": reason is None,
                "reason": reason,
                "kafka": {
                    "reachable": down is None,
                    "unreachable_ms": down,
                    "last_commit_age_ms": self.health.last_commit_age_ms(),
                },
                "by_contact_topic": engine.by_contact,
                "directory": directory,
                "partitions": partitions,
            }
        )

    # --- consent -----------------------------------------------------------------------------
    def _contact(self, request: web.Request) -> str:
        contact = request.match_info["contact_id"].strip()
        if not contact:
            raise ApiError(400, "INVALID_FIELD", "contact_id is empty", "contact_id")
        if len(contact) > MAX_ID_LENGTH:
            raise ApiError(
                400,
                "INVALID_FIELD",
                f"contact_id is longer than {MAX_ID_LENGTH} characters",
                "contact_id",
            )
        return contact

    async def get_consent(self, request: web.Request) -> web.Response:
        self._authorize_read(request)
        contact = self._contact(request)
        return await self._answer(request, contact, "", lambda p: self.lookup(contact, p))

    async def get_history(self, request: web.Request) -> web.Response:
        """Every change of the contact's consent with its proof; ``?at=T`` (epoch ms or ISO 8601)
        also says what was in force then; ``?channel=C`` one channel only."""
        self._authorize_read(request)
        contact = self._contact(request)
        channel = request.query.get("channel")
        if channel is not None:
            channel = channel.strip().upper()
            if channel not in self.s.channels:
                raise ApiError(
                    422,
                    "UNKNOWN_CHANNEL",
                    f"channel {channel!r} is not one of {', '.join(self.s.channels)}",
                    "channel",
                )
        at_ms = _parse_at(request.query.get("at"))
        return await self._answer(
            request, contact, "/history", lambda p: self.history(contact, p, channel, at_ms)
        )

    def history(
        self, contact: str, partition: int, channel: str | None, at_ms: int | None
    ) -> dict[str, Any]:
        """The contact's consent history from this worker's committed table."""
        from streams.core.history import state_at
        from streams.state.history import history

        assert self.engine.store is not None
        changes = history(
            self.engine.store,
            contact,
            channel,
            contract=self.engine.contract,
            partitions=self.s.partitions,
        )
        body: dict[str, Any] = {
            "contact_id": contact,
            "partition": partition,
            "worker": self.s.worker_id,
            "changes": [
                {
                    "channel": c.channel,
                    "occurred_at": _iso(c.occurred_at_ms),
                    "subscribed": c.subscribed,
                    "proof": _jsonable(c.event),
                }
                for c in changes
            ],
        }
        if at_ms is not None:
            body["at"] = _iso(at_ms)
            body["state_at"] = {}
            for ch in [channel] if channel else list(self.s.channels):
                st = state_at(
                    changes, at_ms, channel=ch, default_subscribed=self.s.default_subscribed
                )
                body["state_at"][ch] = {
                    "subscribed": st.subscribed,
                    "since": None if st.change is None else _iso(st.change.occurred_at_ms),
                    "proof": None if st.change is None else _jsonable(st.change.event),
                }
        return body

    async def _answer(
        self,
        request: web.Request,
        contact: str,
        suffix: str,
        local: Callable[[int], dict[str, Any]],
    ) -> web.Response:
        """``local(partition)`` when this worker owns the contact's partition; else the owner's
        answer to the same request (``suffix``: the path after ``/consent/{contact}``)."""
        engine = self.engine
        p = partition_for(contact, self.s.partitions)
        if p in engine.parts and engine.store is not None:
            body = local(p)
            fresh = self.freshness()
            body.update(fresh)
            headers = {STALE_HEADER: "true" if fresh["stale"] else "false"}
            if fresh["as_of"] is not None:
                headers[AS_OF_HEADER] = fresh["as_of"]
            return web.json_response(body, headers=headers)
        if FORWARDED_HEADER in request.headers:
            raise _unavailable(
                f"partition {p} is not owned by worker {self.s.worker_id} any more (it is moving)"
            )
        owner = engine.directory.owner(p)
        if owner is None:
            raise _unavailable(f"partition {p} has no owner right now (the group is rebalancing)")
        if owner.worker == self.s.worker_id:
            raise _unavailable(f"partition {p} is being restored on this worker")
        if not owner.url:
            raise _unavailable(
                f"partition {p} is owned by worker {owner.worker}, whose HTTP API is off"
            )
        return await self._forward(request, contact, p, owner.worker, owner.url, suffix)

    def freshness(self) -> dict[str, Any]:
        """How old the committed table may be (see the module's docstring)."""
        age = self.health.last_commit_age_ms()
        as_of = None if age is None else int(time.time() * 1000) - age
        stale = kafka_down_ms(self.health) is not None
        return {"as_of": _iso(as_of), "age_ms": age, "stale": stale}

    def lookup(self, contact: str, partition: int) -> dict[str, Any]:
        """The contact's committed state on every channel (this worker owns ``partition``)."""
        assert self.engine.store is not None
        table = ConsentStore(
            _Committed(self.engine.store, partition),
            self.engine.contract,
            self.s.default_subscribed,
        )
        return {
            "contact_id": contact,
            "partition": partition,
            "worker": self.s.worker_id,
            "channels": {c: state_json(table.get(contact, c)) for c in self.s.channels},
        }

    async def _forward(
        self,
        request: web.Request,
        contact: str,
        partition: int,
        worker: str,
        base: str,
        suffix: str = "",
    ) -> web.Response:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout_s)
            )
        url = URL(f"{base}/consent/{quote(contact, safe='')}{suffix}", encoded=True)
        if request.query_string:
            url = url.with_query(request.query)
        headers = {FORWARDED_HEADER: self.s.worker_id}
        if "Authorization" in request.headers:
            headers["Authorization"] = request.headers["Authorization"]
        try:
            async with self._session.get(url, headers=headers) as resp:
                body = await resp.read()
                out = web.Response(status=resp.status, body=body)
                out.headers["Content-Type"] = resp.headers.get("Content-Type", "application/json")
                for name in ("Retry-After", AS_OF_HEADER, STALE_HEADER):
                    if name in resp.headers:
                        out.headers[name] = resp.headers[name]
                return out
        except (aiohttp.ClientError, TimeoutError) as exc:
            why = f"within {self.timeout_s:g} s" if isinstance(exc, TimeoutError) else ""
            raise _unavailable(
                f"partition {partition} is owned by worker {worker} at {base}, which did not "
                f"answer {why or f'({type(exc).__name__})'}"
            ) from None

    async def post_command(self, request: web.Request) -> web.Response:
        action = _path_choice(request, "action", ("opt-out", "opt-in"))
        self._authorize_change(request)
        contact = self._contact(request)
        fields = await self._body(request)
        try:
            command = _build(
                self.s,
                self.engine.contract,
                contact_id=contact,
                channel=request.match_info["channel"],
                action=action,
                fields=fields,
            )
        except CommandError as err:
            raise ApiError(422, err.code, str(err), err.field) from None
        await self._publish(command)
        return web.json_response(
            {
                "command_id": command.command_id,
                "contact_id": command.contact_id,
                "channel": command.record["channel"],
                "action": command.record["action"],
                "status": "accepted",
            },
            status=202,
        )

    async def get_reviews(self, request: web.Request) -> web.Response:
        """The undecided POSSIBLE_OPT_OUTs, oldest first (``consent-gate review list``)."""
        from streams.core.review import business_days
        from streams.tools import review
        from streams.tools.common import ToolError

        self._authorize_read(request)
        now = int(time.time() * 1000)
        try:
            q = await review.queue(self.s, self.engine.contract, now)
        except ToolError as exc:
            raise _unavailable(str(exc)) from None
        if self.metrics is not None:
            self.metrics.reviews = (len(q.items), len(q.overdue))
        late = {i.event_id for i in q.overdue}
        items = [
            {
                **dataclasses.asdict(i),
                "business_days": business_days(i.received_at_ms, now),
                "overdue": i.event_id in late,
            }
            for i in q.items
        ]
        return web.json_response(
            {"items": items, "overdue": len(late), "deadline_days": self.s.review_deadline_days}
        )

    async def _refresh_reviews_every(self, seconds: float) -> None:
        """Keep the reviews metrics current: the queue read now, then every ``seconds`` (it reads
        the consent events topic to its end: kept rare)."""
        from streams.tools import review

        while self.metrics is not None:
            try:
                q = await review.queue(self.s, self.engine.contract)
                self.metrics.reviews = (len(q.items), len(q.overdue))
            except Exception as exc:  # no topic yet, broker away: try again next time
                log_event(logger, "api.reviews_unread", logging.DEBUG, error=exc)
            await asyncio.sleep(seconds)

    async def post_review(self, request: web.Request) -> web.Response:
        """``POST /reviews/{event_id}/accept|reject`` with ``{"reviewer": ..., "note": ...}``."""
        from streams.tools import review
        from streams.tools.common import ToolError

        decision = _path_choice(request, "decision", ("accept", "reject"))
        self._authorize_change(request)
        body = await self._body(request)
        reviewer, note = body.get("reviewer"), body.get("note")
        if not isinstance(reviewer, str) or not reviewer.strip():
            raise ApiError(422, "INVALID_FIELD", "reviewer: say who decides", "reviewer")
        if note is not None and not isinstance(note, str):
            raise ApiError(422, "INVALID_FIELD", "note must be a string", "note")
        event_id = request.match_info["event_id"]
        try:
            if decision == "accept":
                item, command_id = await review.accept(
                    self.s, self.engine.contract, event_id, reviewer, self.publisher
                )
            else:
                item = await review.reject(self.s, self.engine.contract, event_id, reviewer, note)
                command_id = None
        except review.NotUndecided as exc:
            raise ApiError(404, "NOT_FOUND", str(exc), "event_id") from None
        except ToolError as exc:
            raise _unavailable(str(exc)) from None
        return web.json_response(
            {
                "event_id": item.event_id,
                "contact_id": item.contact_id,
                "channel": item.channel,
                "decision": "ACCEPTED" if decision == "accept" else "REJECTED",
                "command_id": command_id,
            }
        )

    async def _body(self, request: web.Request) -> dict[str, Any]:
        raw = await request.read()  # 413 beyond MAX_BODY_BYTES
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "BAD_JSON", f"the body is not JSON: {exc}") from None
        if not isinstance(body, dict):
            raise ApiError(400, "BAD_JSON", "the body must be a JSON object")
        return body

    async def _publish(self, command: Command) -> None:
        try:
            await self.publisher.publish(command)
        except PublishError as exc:
            log_event(
                logger,
                "api.publish_failed",
                logging.WARNING,
                command_id=command.command_id,
                maybe_taken=exc.maybe_taken,
                error=exc,
            )
            retry = {"Retry-After": str(max(RETRY_AFTER_S, math.ceil(self.timeout_s)))}
            if exc.maybe_taken:
                raise ApiError(
                    503,
                    "OUTCOME_UNKNOWN",
                    f"the command may have been published: {exc}",
                    headers=retry,
                    extra={"command_id": command.command_id},
                ) from None
            raise ApiError(
                503, "UNAVAILABLE", f"the command was not published: {exc}", headers=retry
            ) from None
        log_event(
            logger,
            "api.command",
            command_id=command.command_id,
            action=command.record["action"],
            channel=command.record["channel"],
        )


def _path_choice(request: web.Request, name: str, allowed: tuple[str, str]) -> str:
    """The path segment ``name``, one of ``allowed``; a 404 that names them otherwise."""
    value = request.match_info[name]
    if value not in allowed:
        raise ApiError(
            404, "NOT_FOUND", f"no such {name} {value!r}: use {allowed[0]} or {allowed[1]}", name
        )
    return value


def _parse_at(text: str | None) -> int | None:
    """``?at=``: epoch milliseconds or an ISO 8601 time (UTC unless it says otherwise)."""
    if text is None:
        return None
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise ApiError(400, "INVALID_FIELD", f"at: {exc}", "at") from None


def _jsonable(value: Any) -> Any:
    """A decoded Avro record as JSON (bytes as text, times left as epoch ms)."""
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value
