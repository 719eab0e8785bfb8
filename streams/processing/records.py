"""What flows between the stages: raw Kafka records in, records to produce out, dead letters."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from streams.models.contract import Contract, RecordName
from streams.processing.oversize import record_size
from streams.settings import DEFAULT_MAX_MESSAGE_BYTES

Headers = Sequence[tuple[str, bytes | None]]


class InputKind(StrEnum):
    """The inputs; the value travels in a header on the internal by-contact topic."""

    REPLY = "reply"
    CLICK = "click"
    REQUEST = "request"
    COMMAND = "command"
    REPORT = "report"  # a provider's delivery report


#: The kind header of a watermark the routers publish on the internal topic (not an input).
WATERMARK_KIND = b"watermark"


RECORD_OF_KIND = {
    InputKind.REPLY: RecordName.INBOUND_REPLY,
    InputKind.CLICK: RecordName.LINK_CLICK,
    InputKind.REQUEST: RecordName.OUTBOUND_MESSAGE,
    InputKind.COMMAND: RecordName.CONSENT_COMMAND,
    InputKind.REPORT: RecordName.DELIVERY_REPORT,
}

#: The header that marks a message the gate itself sends to a contact (an opt-out confirmation
#: or the help text, ``streams.core.replies``); its value is the reply kind.
REPLY_HEADER = "consent-gate-reply"


def is_reply(headers: Headers) -> bool:
    """Whether a record on a channel topic is one of the gate's own replies."""
    return any(k == REPLY_HEADER for k, _ in headers)


#: The two headers the router appends, in this order, as the last two of a record on the internal
#: topic; the gate takes them off again, so what it forwards has the original headers exactly
#: (even an upstream header that happens to have one of these names).
KIND_HEADER = "consent-gate-kind"
ORIGIN_HEADER = "consent-gate-origin"


@dataclass(slots=True)  # not frozen: a frozen dataclass costs twice as much to build
class SourceRecord:
    """One consumed Kafka record, as it arrived (never changed once built)."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int | None
    key: bytes | None
    value: bytes | None
    headers: Headers = ()


@dataclass(slots=True)  # not frozen: built for every record (never changed once built)
class Output:
    """One record to produce. ``partition`` None means the producer's default partitioner;
    ``timestamp_ms`` None means now. ``tag``: what ``/metrics`` counts it under (the channel of a
    suppression, the type of a consent event, the code of a dead letter); never produced."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers = ()
    partition: int | None = None
    timestamp_ms: int | None = None
    tag: str | None = None


@dataclass(slots=True)
class Rejected(Exception):
    """An input that cannot be used: becomes a dead letter."""

    code: str
    reason: str
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


#: Every error code a dead letter can carry (schemas/dead_letter: ``error_code``);
#: tests/processing/test_dead_letters.py checks that the code raises no other.
DEAD_LETTER_CODES = frozenset(
    {
        "NOT_AVRO",
        "UNKNOWN_SCHEMA",
        "UNDECODABLE",
        "INVALID_FIELD",
        "UNKNOWN_CHANNEL",
        "TEXT_TOO_LONG",
        "TOO_LARGE",
        "OPT_IN_WITHOUT_PROOF",
        "IMPORT_CANNOT_LIFT_OPT_OUT",
        "UNKNOWN_INPUT",
        "PROCESSING_ERROR",
    }
)


def failure(exc: Exception, stage: str, src: SourceRecord, log: logging.Logger) -> tuple[str, str]:
    """(dead-letter code, reason) for what ``stage`` raised on ``src``: a :class:`Rejected`
    says it itself; anything else is a bug or corrupt state, logged with its traceback."""
    if isinstance(exc, Rejected):
        return exc.code, exc.reason
    log.error("%s failed on %s[%d]@%d", stage, src.topic, src.partition, src.offset, exc_info=exc)
    return "PROCESSING_ERROR", f"the {stage} failed: {type(exc).__name__}: {exc}"


#: What the router read of a send request, for the gate to decide (and count) it without decoding
#: it again: the fields of the OutboundMessage the gate needs, the channel normalised, the
#: contact id stripped (as the validator gives them).
ROUTE_FIELDS = (
    "origin",
    "channel",
    "contact_id",
    "message_id",
    "campaign_id",
    "message_type",
    "requested_at_ms",
)
Route = dict[str, Any]
_ROUTE_LENGTH = len(ROUTE_FIELDS)

# The route's JSON, without json.dumps/loads building an encoder (or checking its arguments) on
# every call: CPython's C encoder and the decoder's scanner, made once (the same text either way;
# the plain functions when the C accelerator is missing).
_c_encoder = getattr(json.encoder, "c_make_encoder", None)
_encode_route: Any = (
    _c_encoder(None, None, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True)
    if _c_encoder is not None
    else None
)
_scan_json: Any = vars(json.JSONDecoder())["scan_once"]


def _route_json(values: list[Any]) -> str:
    if _encode_route is None:
        return json.dumps(values, separators=(",", ":"))
    return "".join(_encode_route(values, 0))


def origin_header(src: SourceRecord, route: Route | None = None) -> bytes:
    """Where the router read ``src`` (topic, partition, offset, timestamp), separated by 0x1F,
    and, for a send request, its ``route`` after one more 0x1F, as a JSON array (which escapes
    every control character, so the fields before it split cleanly)."""
    ts = "" if src.timestamp_ms is None else str(src.timestamp_ms)
    text = f"{src.topic}\x1f{src.partition}\x1f{src.offset}\x1f{ts}"
    if route is not None:
        text += "\x1f" + _route_json([route[f] for f in ROUTE_FIELDS])
    return text.encode()


Origin = tuple[str, int, int, int | None]


def read_origin_header(raw: bytes | None) -> tuple[Origin | None, Route | None]:
    """The origin header read once: where the router read the record (topic, partition,
    offset, timestamp; None if it is missing or unreadable) and, for a send request, its route
    (None if there is none or it cannot be read: the gate then decodes the record itself)."""
    if not raw:
        return None, None
    try:
        fields = raw.decode().split("\x1f", 4)
    except ValueError:  # not UTF-8: not the router's
        return None, None
    n = len(fields)
    origin: Origin | None = None
    if n >= 4:
        ts = fields[3]
        try:  # (not contextlib.suppress: it costs a third of this function)
            origin = (fields[0], int(fields[1]), int(fields[2]), int(ts) if ts else None)
        except ValueError:
            origin = None
    route: Route | None = None
    if n == 5:
        text = fields[4]
        try:  # the one JSON value that is all of the text
            values, end = _scan_json(text, 0)
        except (StopIteration, ValueError):  # (StopIteration: no JSON value at all)
            values, end = None, 0
        if end == len(text) and type(values) is list and len(values) == _ROUTE_LENGTH:
            route = dict(zip(ROUTE_FIELDS, values, strict=True))
    return origin, route


def split_internal(
    headers: Headers,
) -> tuple[list[tuple[str, bytes | None]], bytes | None, bytes | None]:
    """(original headers, kind, origin) of a record on the internal topic."""
    hs = list(headers)
    if len(hs) >= 2 and hs[-2][0] == KIND_HEADER and hs[-1][0] == ORIGIN_HEADER:
        return hs[:-2], hs[-2][1], hs[-1][1]
    return hs, None, None


@dataclass(slots=True)  # built for every record the gate reads (never changed once built)
class Routed:
    """A record of the internal topic with the router's two headers taken off and read, once
    (:func:`routed`): what the hold queue orders it by and what the gate decides it on travel
    with it until it is decided."""

    src: SourceRecord
    headers: list[tuple[str, bytes | None]]  # its original headers: what it leaves with
    kind: bytes | None  # the kind header (None: not routed by us)
    origin: Origin | None  # where the router read it (None: no readable origin header)
    route: Route | None  # a send request's route (None: the gate decodes it itself)


def routed(src: SourceRecord) -> Routed:
    """``src``, a record of the internal topic, with the router's headers read."""
    headers, kind, raw_origin = split_internal(src.headers)
    origin, route = read_origin_header(raw_origin)
    return Routed(src, headers, kind, origin, route)


#: In a dead letter's error when its original key or headers had to be left out to fit (so it no
#: longer holds the whole original: ``consent-gate deadletter replay`` skips it).
LEFT_OUT = "left out of this dead letter to fit"


def gate_dead_letter(
    contract: Contract,
    topic: str,
    *,
    src: SourceRecord,
    code: str,
    reason: str,
    now_ms: int,
    max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    read: Routed | None = None,
) -> Output:
    """The dead letter of a record of the internal by-contact topic: it names the input the
    router read (from the origin header) and keeps that input's own headers. ``read``:
    ``routed(src)``, when the caller has it already."""
    read = read or routed(src)
    return dead_letter(
        contract,
        topic,
        src=src,
        code=code,
        reason=reason,
        stage="gate",
        now_ms=now_ms,
        origin=read.origin,
        headers=read.headers,
        max_bytes=max_bytes,
    )


def dead_letter(
    contract: Contract,
    topic: str,
    *,
    src: SourceRecord,
    code: str,
    reason: str,
    stage: str,
    now_ms: int,
    origin: Origin | None = None,
    headers: Headers | None = None,
    max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> Output:
    """A dead-letter record keeping the original key, value bytes and headers untouched
    (``origin`` and ``headers``: where the record first came from and its original headers, when
    ``src`` is its copy on the internal topic), with the size and SHA-256 of the value.

    It never exceeds ``max_bytes`` (CONSENT_GATE_MAX_MESSAGE_BYTES, counted as the producer counts
    a record), so the producer never refuses it: when the whole would not fit, only the beginning
    of the value is kept (``value_truncated``); if even that leaves no room, the original headers
    and then the key are left out, and the error says so."""
    s_topic, s_part, s_off, s_ts = origin or (
        src.topic,
        src.partition,
        src.offset,
        src.timestamp_ms,
    )
    kept = list(src.headers if headers is None else headers)
    value = src.value
    record: dict[str, Any] = {
        "error": reason,
        "error_code": code,
        "source_topic": s_topic,
        "source_partition": s_part,
        "source_offset": s_off,
        "source_timestamp_ms": s_ts,
        "key": src.key,
        "value": value,
        "headers": [{"key": k, "value": v} for k, v in kept],
        "failed_at_ms": now_ms,
        "stage": stage,
        "value_truncated": False,
        "original_size": None if value is None else len(value),
        "original_sha256": None if value is None else hashlib.sha256(value).hexdigest(),
    }
    key = src.key
    encoded = contract.encode(RecordName.DEAD_LETTER, record)
    if record_size(key, encoded, kept) <= max_bytes:
        return Output(topic, key, encoded, kept, tag=code)

    def size_without_value() -> int:
        body = contract.encode(RecordName.DEAD_LETTER, {**record, "value": b""})
        return record_size(key, body, kept)

    left_out: list[str] = []  # what had to go besides most of the value, in the error
    if size_without_value() > max_bytes and kept:
        size = sum(len(k.encode()) + len(v or b"") for k, v in kept)
        left_out.append(f"its {len(kept)} headers ({size} bytes)")
        kept = []
        record["headers"] = []
    if size_without_value() > max_bytes and key is not None:
        left_out.append(f"its key ({len(key)} bytes)")
        key = record["key"] = None
    if left_out:
        record["error"] = f"{reason} ({LEFT_OUT}: {', '.join(left_out)})"
    if size_without_value() > max_bytes:  # a reason of the size of a record: never ours
        record["error"] = record["error"][: max_bytes // 8]
    if value:
        # the length varint of a prefix is at most 4 bytes longer than that of an empty value
        room = max(0, max_bytes - size_without_value() - 4)
        if room < len(value):
            record["value"] = value[:room]
            record["value_truncated"] = True
    return Output(topic, key, contract.encode(RecordName.DEAD_LETTER, record), kept, tag=code)
