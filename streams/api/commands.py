"""Consent commands from people: the HTTP API's ``POST /consent/...`` and the CLI's
``consent-gate consent opt-out|opt-in`` build, check and publish them here, the same way.

A command is checked by the rules the gate itself applies when it reads it, so what is accepted
here is not dead-lettered later: the input validation (``streams.processing.validate``: contact
id, channel, field lengths) and the core's refusals that do not depend on the contact's state
(``streams.core.consent.refusal``: an opt-in without proof). Its only rule of its own: the proof's
method and evidence must say something (the gate would take an empty string).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from streams.api.deadline import DeadlineProducer, MaybeTaken, NotTaken
from streams.core.consent import REJECTION_TEXT, command_trigger, refusal
from streams.kafka.command_topic import command_key, command_producer, encode_command
from streams.models.contract import Contract
from streams.processing.records import InputKind, Rejected
from streams.processing.validate import Validator
from streams.settings import Settings

#: The actions of the API's paths and the CLI's commands, and the command's action.
ACTIONS = {"opt-out": "OPT_OUT", "opt-in": "OPT_IN"}
#: What a request may carry besides contact, channel and action.
OPTIONAL_FIELDS = ("reason", "campaign_id", "actor")
PROOF_FIELDS = ("method", "evidence", "captured_at_ms", "ip_address")


class CommandError(ValueError):
    """A command that would not be accepted: ``code`` (as a dead letter would say), ``field``
    (the one to fix) and a readable message."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class PublishError(RuntimeError):
    """Kafka did not acknowledge the command in time (the message says why). ``maybe_taken``:
    a produce request carrying it was on its way when the time ran out, so Kafka may have
    written it (it is not sent again either way); else nothing was published."""

    def __init__(self, message: str, *, maybe_taken: bool = False) -> None:
        super().__init__(message)
        self.maybe_taken = maybe_taken


@dataclass(frozen=True, slots=True)
class Command:
    record: dict[str, Any]  # the ConsentCommand record
    value: bytes  # encoded (current schema version)

    @property
    def command_id(self) -> str:
        return str(self.record["command_id"])

    @property
    def contact_id(self) -> str:
        return str(self.record["contact_id"])


def _now_ms() -> int:
    return int(time.time() * 1000)


def _text(name: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise CommandError("INVALID_FIELD", name, f"{name} must be a string")


def _proof(proof: Any, now_ms: int) -> dict[str, Any] | None:
    if proof is None:
        return None
    if not isinstance(proof, Mapping):
        raise CommandError("INVALID_FIELD", "proof", "proof must be an object")
    unknown = sorted(set(proof) - set(PROOF_FIELDS))
    if unknown:
        raise CommandError(
            "INVALID_FIELD",
            f"proof.{unknown[0]}",
            f"proof.{unknown[0]} is not a field of proof ({', '.join(PROOF_FIELDS)})",
        )
    for name in ("method", "evidence"):
        value = _text(f"proof.{name}", proof.get(name))
        if value is None or not value.strip():
            raise CommandError(
                "INVALID_FIELD",
                f"proof.{name}",
                f"proof.{name} is missing: say how the new consent was captured (method, e.g. "
                "web_form) and where its evidence is (evidence, e.g. a form submission id)",
            )
    captured = proof.get("captured_at_ms", now_ms)
    if isinstance(captured, bool) or not isinstance(captured, int) or not 0 < captured < 2**63:
        raise CommandError(
            "INVALID_FIELD", "proof.captured_at_ms", "proof.captured_at_ms must be epoch ms"
        )
    return {
        "captured_at_ms": captured,
        "method": proof["method"],
        "evidence": proof["evidence"],
        "ip_address": _text("proof.ip_address", proof.get("ip_address")),
    }


def build_command(
    settings: Settings,
    contract: Contract,
    *,
    contact_id: str,
    channel: str,
    action: str,
    fields: Mapping[str, Any] | None = None,
) -> Command:
    """The command for ``action`` (``opt-out`` or ``opt-in``) with ``fields`` (reason,
    campaign_id, actor, proof), or a :class:`CommandError` naming what to fix."""
    if action not in ACTIONS:
        raise CommandError(
            "INVALID_FIELD", "action", f"action must be one of {', '.join(ACTIONS)}, not {action!r}"
        )
    fields = dict(fields or {})
    unknown = sorted(set(fields) - {*OPTIONAL_FIELDS, "proof"})
    if unknown:
        known = ", ".join((*OPTIONAL_FIELDS, "proof"))
        raise CommandError(
            "INVALID_FIELD", unknown[0], f"{unknown[0]} is not a field of a command ({known})"
        )
    now_ms = _now_ms()
    record: dict[str, Any] = {
        "command_id": f"cmd-{uuid.uuid4()}",
        "contact_id": contact_id.strip(),
        "channel": channel.strip().upper(),
        "action": ACTIONS[action],
        "source": "API",
        "issued_at_ms": now_ms,
        "proof": _proof(fields.get("proof"), now_ms),
        **{name: _text(name, fields.get(name)) for name in OPTIONAL_FIELDS},
    }
    value = encode_command(contract, record)
    validator = Validator(contract, settings.channels, settings.max_text_length)
    try:
        validator.check(InputKind.COMMAND, value)  # what the router and the gate will check
    except Rejected as exc:
        field = exc.reason.split(" ", 1)[0]
        field = field if field in record or field.startswith("proof.") else "channel"
        raise CommandError(exc.code, field, exc.reason) from None
    refused = refusal(command_trigger(record))
    if refused is not None:
        raise CommandError(refused.value, "proof", f"proof is missing: {REJECTION_TEXT[refused]}")
    return Command(record, value)


class CommandPublisher:
    """Publishes commands to the commands topic as every publisher does
    (:mod:`streams.kafka.command_topic`: keyed by contact id, idempotent, acknowledged by all
    in-sync replicas), timestamped when issued, so the gate orders them in event time.

    Each command is acknowledged within ``CONSENT_GATE_API_TIMEOUT_MS`` or fails with
    :class:`PublishError`, and is then never sent later (:mod:`streams.api.deadline`): a
    producer that missed a deadline is dropped and the next command starts a new one."""

    def __init__(self, settings: Settings, timeout_ms: int | None = None) -> None:
        self.settings = settings
        self.timeout_s = (settings.api_timeout_ms if timeout_ms is None else timeout_ms) / 1000
        self._producer: DeadlineProducer | None = None
        self._lock = asyncio.Lock()
        self._closing: set[asyncio.Task[None]] = set()

    def _new_producer(self) -> AIOKafkaProducer:
        return command_producer(
            self.settings,
            f"{self.settings.transactional_id}-commands",
            request_timeout_ms=max(1_000, min(10_000, int(self.timeout_s * 1000))),
        )

    async def _start(self) -> DeadlineProducer:
        async with self._lock:
            producer = self._producer
            if producer is None or producer.dead:
                producer = DeadlineProducer(self._new_producer)
                try:
                    await producer.start()
                except BaseException:  # refused, or the deadline cancelled the start
                    producer.kill()
                    self._close_later(producer)
                    raise
                self._producer = producer
            return producer

    def _close_later(self, producer: DeadlineProducer) -> None:
        """Close a dead producer's connections without making anyone wait for it."""
        if self._producer is producer:
            self._producer = None
        task = asyncio.get_running_loop().create_task(producer.stop(timeout_s=1.0))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def publish(self, command: Command) -> None:
        """Acknowledged by the broker (acks=all) within the timeout, or :class:`PublishError`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        topic = self.settings.commands_topic
        within = f"within {self.timeout_s:g} s"
        try:
            async with asyncio.timeout_at(deadline):
                producer = await self._start()
        except TimeoutError:
            raise PublishError(
                f"no Kafka broker at {self.settings.bootstrap_servers} answered {within}"
            ) from None
        except (KafkaError, OSError) as exc:
            raise PublishError(f"Kafka is not reachable ({type(exc).__name__})") from exc
        try:
            await producer.send(
                topic,
                command.value,
                key=command_key(command.record),
                timestamp_ms=command.record["issued_at_ms"],
                deadline=deadline,
            )
        except NotTaken as exc:
            self._close_later(producer)
            raise PublishError(
                f"Kafka did not take the command on {topic} {within} ({exc})"
            ) from None
        except MaybeTaken:
            self._close_later(producer)
            raise PublishError(
                f"Kafka did not acknowledge command {command.command_id} on {topic} {within}; "
                "it was sent and may have been written, and will not be sent again: look the "
                "contact up before sending it again",
                maybe_taken=True,
            ) from None
        except (KafkaError, OSError) as exc:
            raise PublishError(
                f"Kafka did not take the command on {topic} ({type(exc).__name__}: {exc})"
            ) from exc

    async def close(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
