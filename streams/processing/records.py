"""What flows between the stages: raw Kafka records in, records to produce out, dead letters."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from streams.models.contract import Contract, RecordName

Headers = Sequence[tuple[str, bytes | None]]


class InputKind(StrEnum):
    """The four inputs; the value travels in a header on the internal by-contact topic."""

    REPLY = "reply"
    CLICK = "click"
    REQUEST = "request"
    COMMAND = "command"


RECORD_OF_KIND = {
    InputKind.REPLY: RecordName.INBOUND_REPLY,
    InputKind.CLICK: RecordName.LINK_CLICK,
    InputKind.REQUEST: RecordName.OUTBOUND_MESSAGE,
    InputKind.COMMAND: RecordName.CONSENT_COMMAND,
}

#: The two headers the router appends, in this order, as the last two of a record on the internal
#: topic; the gate takes them off again, so what it forwards has the original headers exactly
#: (even an upstream header that happens to have one of these names).
KIND_HEADER = "consent-gate-kind"
ORIGIN_HEADER = "consent-gate-origin"


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One consumed Kafka record, as it arrived."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None
    key: bytes | None
    value: bytes | None
    headers: Headers = ()


@dataclass(frozen=True, slots=True)
class Output:
    """One record to produce. ``partition`` None means the producer's default partitioner."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers = ()
    partition: int | None = None


@dataclass(slots=True)
class Rejected(Exception):
    """An input that cannot be used: becomes a dead letter."""

    code: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


def failure(exc: Exception, stage: str, src: SourceRecord, log: logging.Logger) -> tuple[str, str]:
    """(dead-letter code, reason) for what ``stage`` raised on ``src``: a :class:`Rejected`
    says it itself; anything else is a bug or corrupt state, logged with its traceback."""
    if isinstance(exc, Rejected):
        return exc.code, exc.reason
    log.error("%s failed on %s[%d]@%d", stage, src.topic, src.partition, src.offset, exc_info=exc)
    return "PROCESSING_ERROR", f"the {stage} failed: {type(exc).__name__}: {exc}"


def origin_header(src: SourceRecord) -> bytes:
    ts = "" if src.timestamp_ms is None else str(src.timestamp_ms)
    return f"{src.topic}\x1f{src.partition}\x1f{src.offset}\x1f{ts}".encode()


def parse_origin_header(value: bytes) -> tuple[str, int, int, int | None]:
    topic, partition, offset, ts = value.decode().split("\x1f")
    return topic, int(partition), int(offset), (int(ts) if ts else None)


def split_internal(
    headers: Headers,
) -> tuple[list[tuple[str, bytes | None]], bytes | None, bytes | None]:
    """(original headers, kind, origin) of a record on the internal topic."""
    hs = list(headers)
    if len(hs) >= 2 and hs[-2][0] == KIND_HEADER and hs[-1][0] == ORIGIN_HEADER:
        return hs[:-2], hs[-2][1], hs[-1][1]
    return hs, None, None


def dead_letter(
    contract: Contract,
    topic: str,
    *,
    src: SourceRecord,
    code: str,
    reason: str,
    stage: str,
    now_ms: int,
    origin: tuple[str, int, int, int | None] | None = None,
    headers: Headers | None = None,
) -> Output:
    """A dead-letter record keeping the original key, value bytes and headers untouched
    (``origin`` and ``headers``: where the record first came from and its original headers, when
    ``src`` is its copy on the internal topic)."""
    s_topic, s_part, s_off, s_ts = origin or (
        src.topic,
        src.partition,
        src.offset,
        src.timestamp_ms,
    )
    headers = list(src.headers if headers is None else headers)
    record = {
        "error": reason,
        "error_code": code,
        "source_topic": s_topic,
        "source_partition": s_part,
        "source_offset": s_off,
        "source_timestamp_ms": s_ts,
        "key": src.key,
        "value": src.value,
        "headers": [{"key": k, "value": v} for k, v in headers],
        "failed_at_ms": now_ms,
        "stage": stage,
    }
    return Output(topic, src.key, contract.encode(RecordName.DEAD_LETTER, record), headers)
