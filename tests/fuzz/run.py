"""The fuzz run: malformed records on every input, interleaved with valid traffic, through the real
worker; then every input is traced to what came out for it.

    .venv/bin/python -m tests.fuzz.run [--malformed 10000 --valid 5000 --json out.json]

or ``scripts/fuzz-run`` (sets up .venv and starts the local broker if it is not running). The run
creates its own topics (a fresh topic prefix and app id), starts ``consent-gate worker`` as its own
process, produces with confluent-kafka and reads every output back with
``isolation.level=read_committed``, decoding it with Apache avro (the writer schema picked by its
fingerprint, so a newer ``DeadLetter`` version is read as well).

Every input is identified by (topic, partition, offset) from its delivery report and traced to its
outputs: a dead letter by its ``source_*`` fields, a forwarded record by its value bytes, a
``SuppressedMessage`` by ``original_value``, a ``ConsentEvent`` by ``trigger_event_id``. Each fuzz
generator says what it expects:

* **reject** (malformed: random bytes, truncated Avro, wrong fingerprints, out-of-range enum and
  union indexes, invalid UTF-8, empty or out-of-contract fields, too-large records ...): it must be
  dead-lettered, with a reason; *accepted* (it produced a forward, suppression or consent event)
  and *vanished* (no output at all) are failures;
* **accept** (odd but legal: absurd field values, odd keys and headers, legal but unusual Avro
  encodings): it must get its normal outcome (these go to fresh contacts, so the outcome is known);
* **either** (legal records near the size limit, a boolean byte other than 0 or 1 which the
  reference Avro implementations read as false): its normal outcome or a dead letter with the
  listed code; vanishing is a failure.

Valid traffic (STOP replies, unsubscribe clicks, opt-out commands, campaigns and inbox messages for
known contacts) must be decided correctly, exactly once: a campaign produced at least ``--gap``
seconds after its contact opted out on its channel is suppressed, every other campaign is forwarded,
inbox messages are forwarded byte-identical.

The stall figure is the longest wall-clock gap between consecutive outputs (their record
timestamps, the worker's clock) while some input was waiting for its output. The worker must stay
alive throughout. Exit status: 0 when nothing failed, 1 on a finding, 2 when the run itself could
not be carried out.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import hashlib
import heapq
import itertools
import json
import os
import random
import re
import shutil
import statistics
import struct
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from devtools.runner import WorkerProcess
from streams.kafka.admin import check_created
from streams.kafka.admin import create_topics as create_gate_topics
from streams.processing.validate import MAX_FIELD_LENGTH, MAX_ID_LENGTH
from streams.settings import Settings
from tests.harness_common import (
    HEADER_LEN,
    MAGIC,
    AvroCodec,
    HarnessError,
    Headers,
    Log,
    Rec,
    input_topics,
)
from tests.waiting import eventually

MiB = 1024 * 1024
#: max.message.bytes of the input topics (raised, so 10 MB values reach the worker), and the
#: producer's message.max.bytes.
INPUT_MAX_MESSAGE_BYTES = 16 * MiB
PRODUCER_MAX_MESSAGE_BYTES = INPUT_MAX_MESSAGE_BYTES + MiB
#: The largest record the worker can write to an output topic (the broker's default
#: max.message.bytes and aiokafka's max_request_size): a legal input above it cannot be forwarded.
OUTPUT_LIMIT = 1_048_576
#: aiokafka's max_request_size (the worker keeps the default): the largest record it sends, by
#: aiokafka's estimate (:func:`record_estimate`).
AIOKAFKA_MAX_REQUEST = 1_048_576
#: How far below that limit the router's copy of a "size edge" record is: the copy fits, while what
#: the worker writes for it later (the record held in the changelog, a suppression) may not.
EDGE_BELOW = (2, 10, 18, 26, 34, 42, 50, 58)
#: Sizes of the "1 MB" values: around the output limit, all within the input topics'.
ONE_MB_SIZES = (1_000_000, 1_040_000, 1_048_000, 1_048_576)
TEN_MB = 10 * MiB

KINDS = ("reply", "click", "request", "command")
RECORD_OF = {
    "reply": "inbound_reply",
    "click": "link_click",
    "request": "outbound_message",
    "command": "consent_command",
}
ID_FIELD = {
    "reply": "event_id",
    "click": "event_id",
    "request": "message_id",
    "command": "command_id",
}
TIME_FIELD = {
    "reply": "received_at_ms",
    "click": "clicked_at_ms",
    "request": "requested_at_ms",
    "command": "issued_at_ms",
}
STRING_FIELDS = {
    "reply": ("event_id", "contact_id", "channel", "text"),
    "click": ("event_id", "contact_id", "channel", "http_method"),
    "request": ("message_id", "contact_id", "channel"),
    "command": ("command_id", "contact_id", "channel"),
}
UNION_FIELDS = {
    "reply": ("in_reply_to_message_id", "campaign_id", "message_type"),
    "click": ("url", "message_id", "campaign_id", "message_type", "feedback_reason"),
    "request": ("campaign_id", "message_type", "recipient", "template_id", "body"),
    "command": ("proof", "reason", "campaign_id", "actor"),
}
ENUM_FIELDS = {
    "reply": {},
    "click": {"kind": 3},
    "request": {"origin": 2},
    "command": {"action": 3, "source": 2},
}


class FuzzError(HarnessError):
    """The run could not be carried out (not a finding about the worker)."""


# =================================================================================================
# Avro: a hand writer (to write what no Avro library writes) and Apache avro to read
# =================================================================================================


def zigzag(n: int) -> bytes:
    """The zig-zag varint of ``n``; any size, so an over-long one can be written on purpose."""
    z = 2 * n if n >= 0 else -2 * n - 1
    out = bytearray()
    while True:
        byte, z = z & 0x7F, z >> 7
        if z:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def avro_string(text: str | bytes) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return zigzag(len(data)) + data


def record_estimate(
    key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes | None]]
) -> int:
    """The size aiokafka gives one record before it refuses one above ``max_request_size``
    (``DefaultRecordBatchBuilder.estimate_size_in_bytes``: batch header 61, record framing at most
    21, then key, value and headers with their varint lengths)."""

    def f(data: bytes | None) -> int:
        return 1 if data is None else len(zigzag(len(data))) + len(data)

    size = 61 + 21 + f(key) + f(value) + len(zigzag(len(headers)))
    return size + sum(f(k.encode()) + f(v) for k, v in headers)


@dataclass(frozen=True, slots=True)
class Raw:
    """Bytes written as they are in place of a field's (or union branch's) encoding."""

    data: bytes


def _branch(branches: Sequence[Any], datum: Any) -> int:
    for i, b in enumerate(branches):
        t = b if isinstance(b, str) else b["type"]
        if (
            (datum is None and t == "null")
            or (isinstance(datum, bool) and t == "boolean")
            or (isinstance(datum, str) and t == "string")
            or (isinstance(datum, bytes) and t == "bytes")
            or (isinstance(datum, int) and not isinstance(datum, bool) and t in ("int", "long"))
            or (isinstance(datum, Mapping) and t in ("record", "map"))
        ):
            return i
    raise FuzzError(f"no union branch of {branches} for {datum!r}")


def write_avro(schema: Any, datum: Any, out: bytearray) -> None:
    """Avro binary of ``datum`` (schema as declared JSON). A :class:`Raw` anywhere is written
    verbatim; a map given as a list of (key, value) pairs keeps that order."""
    if isinstance(datum, Raw):
        out += datum.data
        return
    if isinstance(schema, list):
        i = _branch(schema, datum)
        out += zigzag(i)
        write_avro(schema[i], datum, out)
        return
    kind = schema if isinstance(schema, str) else schema["type"]
    if isinstance(kind, dict | list):
        write_avro(kind, datum, out)
    elif kind == "null":
        pass
    elif kind == "boolean":
        out.append(1 if datum else 0)
    elif kind in ("int", "long"):
        out += zigzag(datum)
    elif kind == "double":
        out += struct.pack("<d", datum)
    elif kind == "float":
        out += struct.pack("<f", datum)
    elif kind in ("string", "bytes"):
        out += avro_string(datum)
    elif kind == "record":
        for f in schema["fields"]:
            write_avro(f["type"], datum[f["name"]], out)
    elif kind == "enum":
        out += zigzag(schema["symbols"].index(datum))
    elif kind == "map":
        items = list(datum.items()) if isinstance(datum, Mapping) else list(datum)
        if items:
            out += zigzag(len(items))
            for k, v in items:
                out += avro_string(k)
                write_avro(schema["values"], v, out)
        out += zigzag(0)
    elif kind == "array":
        if datum:
            out += zigzag(len(datum))
            for item in datum:
                write_avro(schema["items"], item, out)
        out += zigzag(0)
    else:
        raise FuzzError(f"schema type {kind!r} not supported by the fuzz writer")


class Codec(AvroCodec):
    """The fault harness's codec (every ``schemas/<record>/vN.avsc`` read and written with Apache
    avro, values read by their writer's fingerprint), plus bodies written by hand (cross-checked
    against Apache avro by :func:`_self_check`)."""

    def body(self, record: str, datum: Mapping[str, Any]) -> bytes:
        out = bytearray()
        write_avro(self.current[record].declared, datum, out)
        return bytes(out)

    def hand_encode(self, record: str, datum: Mapping[str, Any]) -> bytes:
        return MAGIC + self.current[record].fingerprint + self.body(record, datum)


# =================================================================================================
# What is produced
# =================================================================================================


class Expect(StrEnum):
    REJECT = "reject"  # malformed: must be dead-lettered
    ACCEPT = "accept"  # odd but legal: must get its normal outcome
    EITHER = "either"  # its normal outcome, or a dead letter with one of ``codes``
    VALID = "valid"  # the valid traffic: its outcome, exactly once


@dataclass(slots=True)
class Input:
    """One record to produce, what is expected of it, and (after delivery) where it went."""

    n: int
    kind: str  # reply / click / request / command
    topic: str
    key: bytes | None
    value: bytes | None
    headers: Headers
    category: str
    expect: Expect
    codes: frozenset[str] = frozenset()  # dead-letter codes expected (REJECT) or allowed (EITHER)
    outcome: str | None = None  # "forward:SMS", "suppress:OPTED_OUT", "event:OPTED_OUT", ...
    trace: str | None = None  # event_id / command_id / message_id written in it
    contact: str | None = None
    channel: str | None = None
    opt_out_trace: str | None = None  # VALID suppressions: the opt-out they must cite
    after: int | None = None  # produce at least ``gap`` s after this input was delivered
    size: int = 0
    sha: bytes = b""
    # delivery
    partition: int = -1
    offset: int = -1
    timestamp_ms: int = 0
    error: str | None = None

    @property
    def coords(self) -> tuple[str, int, int]:
        return (self.topic, self.partition, self.offset)

    @property
    def delivered(self) -> bool:
        return self.offset >= 0

    def describe(self) -> str:
        where = f"{self.topic.rsplit('.', 1)[-1]}[{self.partition}]@{self.offset}"
        return f"{self.category}/{self.kind} {where} ({self.size} B)"


@dataclass(frozen=True, slots=True)
class Draft:
    """A built record before it becomes an :class:`Input`."""

    key: bytes | None
    value: bytes | None
    headers: Headers = ()
    outcome: str | None = None
    trace: str | None = None
    contact: str | None = None
    channel: str | None = None


OPT_OUT_TEXTS = ("STOP", " stop! ", "\uff33\uff34\uff2f\uff30", "Unsubscribe", "opt-out", "End.")
RTL = "\u202e\u200f"
ODD_STRINGS = (
    "\x00",
    "\x00\x00nul\x00",
    RTL + "evil" + RTL,
    "\U0001f642" * 50,
    "\ufeffbom",
    "\u0301\u0301\u0301",
    "line\r\nbreak",
    "\\u0000 not a nul",
    "' OR 1=1 --",
    "%s%s%n",
)
BAD_UTF8 = (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"ok\x80")
SPOOFED_HEADERS: tuple[Headers, ...] = (
    (("consent-gate-kind", b"watermark"),),
    (("consent-gate-kind", b"request"), ("consent-gate-origin", b"x\x1fy")),
    (("consent-gate-origin", b"\xff\xfe"), ("consent-gate-kind", b"reply")),
    (("consent-gate-kind", None), ("consent-gate-origin", None)),
    (("consent-gate-kind", b"command"), ("consent-gate-origin", b"t\x1f0\x1f0\x1f")),
)


class Gen:
    """Builds the records of one run: unique ids, fresh contacts, one method per category."""

    def __init__(self, run: str, codec: Codec, rng: random.Random, settings: Settings) -> None:
        self.run = run
        self.codec = codec
        self.rng = rng
        self.channels = list(settings.channels)
        self._n = 0

    def uid(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}-{self.run}-{self._n}"

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)

    # --- base records: valid, for a fresh contact -------------------------------------------
    def base(
        self, kind: str, contact: str | None = None, channel: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        contact = self.uid("fz") if contact is None else contact
        channel = self.rng.choice(self.channels) if channel is None else channel
        rid = self.uid(kind)
        if kind == "reply":
            d: dict[str, Any] = {
                "event_id": rid,
                "contact_id": contact,
                "channel": channel,
                "text": "STOP",
                "received_at_ms": self.now_ms(),
                "in_reply_to_message_id": None,
                "campaign_id": None,
                "message_type": None,
            }
        elif kind == "click":
            d = {
                "event_id": rid,
                "contact_id": contact,
                "channel": channel,
                "kind": "UNSUBSCRIBE",
                "http_method": "GET",
                "prefetch": False,
                "url": None,
                "message_id": None,
                "campaign_id": None,
                "message_type": None,
                "feedback_reason": None,
                "clicked_at_ms": self.now_ms(),
            }
        elif kind == "request":
            d = {
                "message_id": rid,
                "contact_id": contact,
                "channel": channel,
                "origin": "CAMPAIGN",
                "campaign_id": "fuzz-campaign",
                "message_type": "promotion",
                "recipient": None,
                "template_id": None,
                "body": "hello",
                "requested_at_ms": self.now_ms(),
                "attributes": {},
            }
        else:
            d = {
                "command_id": rid,
                "contact_id": contact,
                "channel": channel,
                "action": "OPT_OUT",
                "source": "API",
                "issued_at_ms": self.now_ms(),
                "proof": None,
                "reason": None,
                "campaign_id": None,
                "actor": None,
            }
        d.update(fields)
        return d

    @staticmethod
    def natural(kind: str, d: Mapping[str, Any]) -> str:
        """The outcome of a legal base record ``d`` (a campaign or inbox message, an opt-out
        keyword, an unsubscribe click, an opt-out command) for a fresh, subscribed contact."""
        if kind == "request":
            return f"forward:{str(d['channel']).strip().upper()}"
        return "event:OPTED_OUT"

    def key_of(self, d: Mapping[str, Any]) -> bytes | None:
        c = d.get("contact_id")
        return c.encode("utf-8", "surrogatepass") if isinstance(c, str) else None

    def draft(
        self,
        kind: str,
        d: Mapping[str, Any],
        *,
        value: bytes | None = None,
        key: bytes | Literal["contact"] | None = "contact",
        headers: Headers = (),
        outcome: str | None = None,
    ) -> Draft:
        return Draft(
            key=self.key_of(d) if isinstance(key, str) else key,
            value=self.codec.hand_encode(RECORD_OF[kind], d) if value is None else value,
            headers=headers,
            outcome=outcome,
            trace=str(d[ID_FIELD[kind]]) if isinstance(d.get(ID_FIELD[kind]), str) else None,
            contact=d.get("contact_id") if isinstance(d.get("contact_id"), str) else None,
            channel=(
                str(d["channel"]).strip().upper() if isinstance(d.get("channel"), str) else None
            ),
        )

    def odd_key(self) -> bytes | None:
        r = self.rng.random()
        if r < 0.4:
            return None
        if r < 0.7:
            return self.rng.randbytes(self.rng.randint(1, 64))
        if r < 0.85:
            return b""
        return self.rng.randbytes(50_000)

    def odd_headers(self) -> Headers:
        rng = self.rng
        pick = rng.randrange(7)
        if pick == 0:
            return tuple((f"h{i}", rng.randbytes(rng.randint(0, 16))) for i in range(200))
        if pick == 1:
            return (("null-value", None), ("", b"empty key"), ("", None))
        if pick == 2:
            return (("dup", b"1"), ("dup", b"2"), ("dup", None), ("DUP", b"3"))
        if pick == 3:
            return (("ключ-\U0001f642", "значение".encode()), (RTL + "k", b"\x00\xff"))
        if pick == 4:
            return (("big", rng.randbytes(10_000)),)
        if pick == 5:
            return (("k" * 1000, b"v"),)
        return rng.choice(SPOOFED_HEADERS)

    # --- not Avro ---------------------------------------------------------------------------
    def random_bytes(self, kind: str) -> Draft:
        n = self.rng.choice((1, 2, 5, 9, 10, 11, 64, 500, 4000))
        data = bytearray(self.rng.randbytes(n))
        if data[0] == 0xC3:
            data[0] = 0x00
        return Draft(self.odd_key() if self.rng.random() < 0.3 else b"k", bytes(data))

    def empty_value(self, kind: str) -> Draft:
        return Draft(self.uid("fz").encode(), b"")

    def magic_short(self, kind: str) -> Draft:
        return Draft(b"k", MAGIC + self.rng.randbytes(self.rng.randint(0, 7)))

    def json_text(self, kind: str) -> Draft:  # the wrong serializer upstream
        d = self.base(kind)
        return self.draft(kind, d, value=json.dumps(d).encode())

    def confluent_framing(self, kind: str) -> Draft:  # Confluent wire format (magic 0, schema id)
        d = self.base(kind)
        body = self.codec.body(RECORD_OF[kind], d)
        return self.draft(kind, d, value=b"\x00" + struct.pack(">I", 42) + body)

    def bare_body(self, kind: str) -> Draft:  # the body without the single-object header
        d = self.base(kind)
        return self.draft(kind, d, value=self.codec.body(RECORD_OF[kind], d))

    # --- wrong fingerprints -------------------------------------------------------------------
    def _with_fp(self, kind: str, fp: bytes) -> Draft:
        d = self.base(kind)
        return self.draft(kind, d, value=MAGIC + fp + self.codec.body(RECORD_OF[kind], d))

    def fingerprint_random(self, kind: str) -> Draft:
        return self._with_fp(kind, self.rng.randbytes(8))

    def fingerprint_big_endian(self, kind: str) -> Draft:
        return self._with_fp(kind, self.codec.current[RECORD_OF[kind]].fingerprint[::-1])

    def fingerprint_other_schema(self, kind: str) -> Draft:
        """This record's body under the fingerprint of another known schema (any other record,
        any version: outputs, internal records)."""
        own = RECORD_OF[kind]  # (an older version of the record itself is a version it reads)
        others = [fp for fp, v in self.codec.by_fingerprint.items() if v.record != own]
        return self._with_fp(kind, self.rng.choice(sorted(others)))

    def other_input_record(self, kind: str) -> Draft:
        """A valid record of another input, on this input's topic."""
        other = self.rng.choice([k for k in KINDS if k != kind])
        d = self.base(other)
        return self.draft(other, d)

    def magic_random_fingerprint_garbage(self, kind: str) -> Draft:
        return Draft(
            b"k", MAGIC + self.rng.randbytes(8) + self.rng.randbytes(self.rng.randint(0, 300))
        )

    # --- truncated and corrupt bodies -------------------------------------------------------
    def header_only(self, kind: str) -> Draft:
        d = self.base(kind)
        return self.draft(kind, d, value=MAGIC + self.codec.current[RECORD_OF[kind]].fingerprint)

    def truncated(self, kind: str) -> Draft:
        d = self.base(kind)
        full = self.codec.hand_encode(RECORD_OF[kind], d)
        return self.draft(kind, d, value=full[: self.rng.randint(HEADER_LEN + 1, len(full) - 1)])

    def trailing_bytes(self, kind: str) -> Draft:
        d = self.base(kind)
        full = self.codec.hand_encode(RECORD_OF[kind], d)
        return self.draft(kind, d, value=full + self.rng.randbytes(self.rng.randint(1, 16)))

    def _corrupt(self, kind: str, name: str, raw: bytes) -> Draft:
        d = self.base(kind)
        value = self.codec.hand_encode(RECORD_OF[kind], {**d, name: Raw(raw)})
        return self.draft(kind, d, value=value)

    def enum_index_negative(self, kind: str) -> Draft:
        name = self.rng.choice(sorted(ENUM_FIELDS[kind]))
        index = self.rng.choice((-1, -2, -3, -64, -(2**31), -(2**40)))
        return self._corrupt(kind, name, zigzag(index))

    def enum_index_too_big(self, kind: str) -> Draft:
        name, count = self.rng.choice(sorted(ENUM_FIELDS[kind].items()))
        index = self.rng.choice((count, count + 1, 63, 64, 2**31, 2**62))
        return self._corrupt(kind, name, zigzag(index))

    def union_index(self, kind: str) -> Draft:
        name = self.rng.choice(UNION_FIELDS[kind])
        index = self.rng.choice((-1, -2, 2, 3, 10, 64, -65, 2**31))
        return self._corrupt(kind, name, zigzag(index) + avro_string("x" * self.rng.randint(0, 9)))

    def string_length_negative(self, kind: str) -> Draft:
        name = self.rng.choice(STRING_FIELDS[kind])
        return self._corrupt(kind, name, zigzag(-self.rng.randint(1, 10**6)) + b"abc")

    def string_length_huge(self, kind: str) -> Draft:
        name = self.rng.choice(STRING_FIELDS[kind])
        n = self.rng.choice((2**31, 2**40, 2**62, 10**9, 100_000))
        return self._corrupt(kind, name, zigzag(n) + b"abc")

    def invalid_utf8(self, kind: str) -> Draft:
        name = self.rng.choice(STRING_FIELDS[kind])
        return self._corrupt(kind, name, avro_string(self.rng.choice(BAD_UTF8)))

    def varint_overlong(self, kind: str) -> Draft:
        raw = self.rng.choice(
            (b"\xff" * 10 + b"\x01", b"\x80" * 10 + b"\x00", b"\xff" * 9 + b"\x7f")
        )
        return self._corrupt(kind, TIME_FIELD[kind], raw)

    def map_count_huge(self, kind: str) -> Draft:  # request only: the attributes map
        raw = zigzag(self.rng.choice((2**40, 2**31, 10**6))) + avro_string("a") + avro_string("b")
        return self._corrupt(kind, "attributes", raw + zigzag(0))

    def bool_byte(self, kind: str) -> Draft:  # click only: prefetch
        d = self.base(kind)
        value = self.codec.hand_encode(
            RECORD_OF[kind], {**d, "prefetch": Raw(bytes([self.rng.choice((2, 0x7F, 0x80, 0xFF))]))}
        )
        return self.draft(kind, d, value=value, outcome="event:OPTED_OUT")

    # --- valid Avro, fields out of contract -----------------------------------------------------
    def empty_contact_id(self, kind: str) -> Draft:
        return self.draft(kind, self.base(kind, contact=""))

    def blank_contact_id(self, kind: str) -> Draft:
        blank = self.rng.choice((" ", "\t\n", "   \r\n  ", "\u00a0", "\u2003\u3000"))
        return self.draft(kind, self.base(kind, contact=blank))

    def long_contact_id(self, kind: str) -> Draft:
        n = self.rng.choice((257, 1000, 100_000))
        return self.draft(kind, self.base(kind, contact=self.rng.choice(("c", "\U0001f642")) * n))

    def empty_id(self, kind: str) -> Draft:
        d = self.base(kind)
        d[ID_FIELD[kind]] = self.rng.choice(("", " ", "\n\t"))
        return self.draft(kind, d)

    def unknown_channel(self, kind: str) -> Draft:
        channel = self.rng.choice(
            ("FAX", "", " ", "SMS\x00", "S M S", "\uff33\uff2d\uff33", "PIGEON", "X" * 5000)
        )
        return self.draft(kind, self.base(kind, channel=channel))

    def text_too_long(self, kind: str) -> Draft:  # reply only
        text = self.rng.choice(
            ("STOP" + " " * 5000, "x" * 4097, "\U0001f642" * 4097, "a" * 50_000, "stop " * 900)
        )
        return self.draft(kind, self.base(kind, text=text))

    def opt_in_without_proof(self, kind: str) -> Draft:  # command only
        return self.draft(kind, self.base(kind, action="OPT_IN", proof=None))

    # --- odd but legal --------------------------------------------------------------------------
    def _absurd_common(self, kind: str, d: dict[str, Any]) -> None:
        rng = self.rng
        if rng.random() < 0.4:
            d[TIME_FIELD[kind]] = rng.choice((-(2**63), 2**63 - 1, 0, -1))
        if rng.random() < 0.3:  # as long as an id may be (MAX_ID_LENGTH)
            d[ID_FIELD[kind]] = (d[ID_FIELD[kind]] + "-").ljust(MAX_ID_LENGTH, "x")
        if rng.random() < 0.3:
            d["contact_id"] = rng.choice(
                (
                    d["contact_id"].ljust(256, "0"),
                    f"  {d['contact_id']}  ",
                    d["contact_id"] + RTL + "\U0001f642",
                    d["contact_id"] + "\x00",
                )
            )
        if rng.random() < 0.3:
            c = d["channel"]
            d["channel"] = rng.choice((c.lower(), f" {c} ", f"\t{c.title()}\n"))
        for name in UNION_FIELDS[kind]:
            if name != "proof" and rng.random() < 0.2:
                d[name] = rng.choice(ODD_STRINGS)

    def absurd_request(self, kind: str) -> Draft:
        rng = self.rng
        d = self.base("request", origin=rng.choice(("CAMPAIGN", "INBOX")))
        self._absurd_common("request", d)
        if rng.random() < 0.4:
            d["body"] = rng.choice(("\U0001f642" * rng.randint(1000, 50_000), "\x00" * 1000, ""))
        if rng.random() < 0.4:
            d["attributes"] = rng.choice(
                (
                    {f"k{i}": "v" * (i % 20) for i in range(rng.choice((100, 5000)))},
                    {"": ""},
                    {"\x00": "\x00", RTL: "\U0001f642"},
                )
            )
        return self.draft("request", d, outcome=self.natural("request", d))

    def absurd_stop(self, kind: str) -> Draft:
        d = self.base("reply", text=self.rng.choice(OPT_OUT_TEXTS))
        self._absurd_common("reply", d)
        if self.rng.random() < 0.3:  # as long as a copied field may be
            d["in_reply_to_message_id"] = "m" * MAX_FIELD_LENGTH
        return self.draft("reply", d, outcome="event:OPTED_OUT")

    def contained_keyword(self, kind: str) -> Draft:
        """A reply of exactly the longest legal text that only contains an opt-out keyword (a
        ``possible`` opt-out: "please stop" alone would be a keyword with courtesy, certain)."""
        limit = 4096
        filler = self.rng.choice(("la ", "\U0001f642", "\u00e9t\u00e9 "))
        head = "can you stop these "
        text = (head + filler * limit)[:limit]
        return self.draft("reply", self.base("reply", text=text), outcome="event:POSSIBLE_OPT_OUT")

    def absurd_click(self, kind: str) -> Draft:
        rng = self.rng
        d = self.base("click")
        if rng.random() < 0.5:
            d.update(kind="ONE_CLICK_UNSUBSCRIBE", http_method=rng.choice(("POST", "post", "pOsT")))
        self._absurd_common("click", d)
        if rng.random() < 0.3:
            d["url"] = ("https://x.example/?").ljust(MAX_FIELD_LENGTH, "q")
        return self.draft("click", d, outcome="event:OPTED_OUT")

    def absurd_command(self, kind: str) -> Draft:
        rng = self.rng
        d = self.base("command", source=rng.choice(("API", "IMPORT")))
        self._absurd_common("command", d)
        if rng.random() < 0.3:
            d["actor"] = "a" * MAX_FIELD_LENGTH
        if rng.random() < 0.3:  # a proof is legal on an opt-out too
            d["proof"] = {
                "captured_at_ms": -(2**63),
                "method": "",
                "evidence": rng.choice(ODD_STRINGS),
                "ip_address": "not an ip",
            }
        return self.draft("command", d, outcome="event:OPTED_OUT")

    def negative_block_count(self, kind: str) -> Draft:
        """A map written as a block with a negative count and its byte size: legal Avro that no
        ordinary writer produces (the worker must read it with the reference implementation)."""
        d = self.base("request", origin=self.rng.choice(("CAMPAIGN", "INBOX")))
        entries = {f"k{i}": f"v{i}" for i in range(self.rng.randint(1, 5))}
        block = b"".join(avro_string(k) + avro_string(v) for k, v in entries.items())
        raw = zigzag(-len(entries)) + zigzag(len(block)) + block + zigzag(0)
        value = self.codec.hand_encode("outbound_message", {**d, "attributes": Raw(raw)})
        return self.draft("request", d, value=value, outcome=self.natural("request", d))

    def null_or_odd_key(self, kind: str) -> Draft:
        d = self.base(kind)
        key = self.rng.choice((None, b"", self.rng.randbytes(32), b"someone-else", b"k" * 50_000))
        return self.draft(kind, d, key=key, outcome=self.natural(kind, d))

    def odd_headers_valid(self, kind: str) -> Draft:
        d = self.base(kind)
        return self.draft(kind, d, headers=self.odd_headers(), outcome=self.natural(kind, d))

    def spoofed_headers(self, kind: str) -> Draft:
        d = self.base(kind)
        headers = self.rng.choice(SPOOFED_HEADERS)
        return self.draft(kind, d, headers=headers, outcome=self.natural(kind, d))

    # --- size edge -----------------------------------------------------------------------------
    def edge(
        self, kind: str, topic: str, below: int, contact: str | None = None, **fields: Any
    ) -> Draft:
        """A legal CAMPAIGN (``request``) or STOP (``reply``) whose copy on the by-contact topic,
        with the router's two headers, is ``below`` bytes under aiokafka's limit (the offset in
        the origin header is taken as 4 digits)."""
        d = self.base(kind, contact, channel="SMS", **fields)
        filler = "body" if kind == "request" else "in_reply_to_message_id"
        d[filler] = ""
        key = self.key_of(d)
        origin = f"{topic}\x1f0\x1f{'9' * 4}\x1f{'9' * 13}".encode()
        routed = [("consent-gate-kind", kind.encode()), ("consent-gate-origin", origin)]
        empty = self.codec.hand_encode(RECORD_OF[kind], d)
        target = AIOKAFKA_MAX_REQUEST - below - (record_estimate(key, empty, routed) - len(empty))
        target -= len(zigzag(target)) - 1  # the value's own length varint grows with it
        n = target - len(empty) - 2
        while True:
            d[filler] = "e" * n
            value = self.codec.hand_encode(RECORD_OF[kind], d)
            if len(value) == target or n <= 0:
                break
            n += target - len(value)
        return self.draft(kind, d, value=value, outcome=self.natural(kind, d))

    # --- big values -----------------------------------------------------------------------------
    def big(self, variant: str, size: int) -> tuple[str, Draft]:
        """(kind, record) of about ``size`` bytes."""
        rng = self.rng
        if variant == "big_random":
            kind = rng.choice(KINDS)
            data = bytearray(rng.randbytes(size))
            data[0] = 0x00
            return kind, Draft(b"k", bytes(data))
        if variant == "big_text":
            d = self.base("reply", text="")
            d["text"] = "STOP " + "x" * max(
                0, size - len(self.codec.hand_encode("inbound_reply", d))
            )
            return "reply", self.draft("reply", d)
        if variant == "big_stop":
            d = self.base("reply")
            d["in_reply_to_message_id"] = "m" * max(0, size - 120)
            return "reply", self.draft("reply", d, outcome="event:OPTED_OUT")
        if variant in ("big_campaign", "big_inbox", "big_truncated"):
            origin = "INBOX" if variant == "big_inbox" else "CAMPAIGN"
            d = self.base("request", origin=origin, body="")
            d["body"] = "b" * max(0, size - len(self.codec.hand_encode("outbound_message", d)) - 4)
            draft = self.draft("request", d, outcome=self.natural("request", d))
            if variant == "big_truncated":
                assert draft.value is not None
                cut = draft.value[: len(draft.value) - rng.randint(1, 1000)]
                draft = self.draft("request", d, value=cut)
            return "request", draft
        if variant == "big_header":
            d = self.base("request")
            return "request", self.draft(
                "request",
                d,
                headers=(("big", rng.randbytes(max(0, size - 400))),),
                outcome=self.natural("request", d),
            )
        raise FuzzError(f"unknown big variant {variant}")


@dataclass(frozen=True, slots=True)
class Category:
    name: str
    kinds: tuple[str, ...]
    expect: Expect
    codes: frozenset[str]
    weight: float = 1.0


def _cat(
    name: str, expect: Expect, codes: str = "", kinds: Sequence[str] = KINDS, weight: float = 1.0
) -> Category:
    return Category(name, tuple(kinds), expect, frozenset(codes.split()), weight)


R, A, E = Expect.REJECT, Expect.ACCEPT, Expect.EITHER
CATEGORIES: tuple[Category, ...] = (
    # not Avro
    _cat("random_bytes", R, "NOT_AVRO", weight=2.0),
    _cat("empty_value", R, "NOT_AVRO"),
    _cat("magic_short", R, "NOT_AVRO"),
    _cat("json_text", R, "NOT_AVRO"),
    _cat("confluent_framing", R, "NOT_AVRO"),
    _cat("bare_body", R, "NOT_AVRO"),
    # wrong fingerprints
    _cat("fingerprint_random", R, "UNKNOWN_SCHEMA"),
    _cat("fingerprint_big_endian", R, "UNKNOWN_SCHEMA"),
    _cat("fingerprint_other_schema", R, "UNKNOWN_SCHEMA"),
    _cat("other_input_record", R, "UNKNOWN_SCHEMA"),
    _cat("magic_random_fingerprint_garbage", R, "UNKNOWN_SCHEMA"),
    # truncated and corrupt Avro
    _cat("header_only", R, "UNDECODABLE"),
    _cat("truncated", R, "UNDECODABLE", weight=2.0),
    _cat("trailing_bytes", R, "UNDECODABLE"),
    _cat("enum_index_negative", R, "UNDECODABLE", kinds=("click", "request", "command")),
    _cat("enum_index_too_big", R, "UNDECODABLE", kinds=("click", "request", "command")),
    _cat("union_index", R, "UNDECODABLE", weight=2.0),
    _cat("string_length_negative", R, "UNDECODABLE"),
    _cat("string_length_huge", R, "UNDECODABLE"),
    _cat("invalid_utf8", R, "UNDECODABLE", weight=1.5),
    _cat("varint_overlong", R, "UNDECODABLE"),
    _cat("map_count_huge", R, "UNDECODABLE", kinds=("request",)),
    _cat("bool_byte", E, "UNDECODABLE", kinds=("click",), weight=0.5),
    # valid Avro, fields out of contract
    _cat("empty_contact_id", R, "INVALID_FIELD"),
    _cat("blank_contact_id", R, "INVALID_FIELD"),
    _cat("long_contact_id", R, "INVALID_FIELD"),
    _cat("empty_id", R, "INVALID_FIELD"),
    _cat("unknown_channel", R, "UNKNOWN_CHANNEL"),
    _cat("text_too_long", R, "TEXT_TOO_LONG", kinds=("reply",)),
    _cat("opt_in_without_proof", R, "OPT_IN_WITHOUT_PROOF", kinds=("command",), weight=0.5),
    # odd but legal
    _cat("absurd_request", A, kinds=("request",), weight=1.5),
    _cat("absurd_stop", A, kinds=("reply",)),
    _cat("contained_keyword", A, kinds=("reply",), weight=0.5),
    _cat("absurd_click", A, kinds=("click",)),
    _cat("absurd_command", A, kinds=("command",)),
    _cat("negative_block_count", A, kinds=("request",), weight=0.5),
    _cat("null_or_odd_key", A),
    _cat("odd_headers_valid", A),
    _cat("spoofed_headers", A),
)
BIG_FIT_VARIANTS = (
    ("big_random", R, "NOT_AVRO"),
    ("big_text", R, "TEXT_TOO_LONG"),
    ("big_campaign", E, "TOO_LARGE"),
    ("big_inbox", E, "TOO_LARGE"),
    ("big_stop", R, "INVALID_FIELD"),  # its size is in a field longer than the gate allows
    ("big_header", E, "TOO_LARGE"),
    ("big_truncated", R, "UNDECODABLE"),
)
BIG_OVER_VARIANTS = (
    ("big_random", R, "NOT_AVRO"),
    ("big_text", R, "TEXT_TOO_LONG"),
    ("big_campaign", R, "TOO_LARGE"),
    ("big_inbox", R, "TOO_LARGE"),
    ("big_stop", R, "INVALID_FIELD TOO_LARGE"),
    ("big_truncated", R, "UNDECODABLE"),
)


# =================================================================================================
# The plan: malformed and valid records, and the order to produce them in
# =================================================================================================


@dataclass
class Plan:
    inputs: list[Input]
    order: list[int]  # indexes of the inputs produced in sequence (the others wait for ``after``)
    dependents: dict[int, list[int]]  # input -> inputs produced ``gap`` s after its delivery


def build_plan(
    gen: Gen,
    settings: Settings,
    malformed: int,
    valid: int,
    big_sizes: Sequence[int],
    edge: int = 0,
) -> Plan:
    rng = gen.rng
    topic_of = input_topics(settings)
    inputs: list[Input] = []

    def add(kind: str, draft: Draft, category: str, expect: Expect, codes: frozenset[str]) -> Input:
        value = draft.value
        headers = tuple(draft.headers)
        if expect is Expect.REJECT and rng.random() < 0.2 and not headers:
            headers = gen.odd_headers()  # the dead letter must keep them
        inp = Input(
            n=len(inputs),
            kind=kind,
            topic=topic_of[kind],
            key=draft.key,
            value=value,
            headers=headers,
            category=category,
            expect=expect,
            codes=codes,
            outcome=draft.outcome,
            trace=draft.trace,
            contact=draft.contact,
            channel=draft.channel,
            size=len(value) if value is not None else 0,
            sha=hashlib.sha256(value).digest() if value is not None else b"",
        )
        inputs.append(inp)
        return inp

    # --- malformed (and odd-but-legal) --------------------------------------------------------
    big = list(big_sizes)[:malformed]
    fit = [s for s in big if s <= OUTPUT_LIMIT]
    over = [s for s in big if s > OUTPUT_LIMIT]
    for sizes, variants in ((fit, BIG_FIT_VARIANTS), (over, BIG_OVER_VARIANTS)):
        offset = rng.randrange(len(variants))
        for i, size in enumerate(sizes):
            name, expect, codes = variants[(i + offset) % len(variants)]
            kind, draft = gen.big(name, size)
            label = f"{name}_{'10MB' if size >= TEN_MB else f'{size / 1e6:.1f}MB'}"
            add(kind, draft, label, expect, frozenset(codes.split()))
    # legal records near the size limit: a campaign and a STOP whose copy on the by-contact topic
    # just fits (what the gate writes for them later is a little larger), and an opt-out followed
    # by a campaign with a long campaign id whose suppression is larger than the campaign
    edge = min(edge, malformed - len(big))
    edge_inputs: list[int] = []
    dependents: dict[int, list[int]] = defaultdict(list)
    deferred: set[int] = set()
    made = step = 0
    while made < edge:
        below = EDGE_BELOW[(step // 3) % len(EDGE_BELOW)]
        shape = step % 3
        step += 1
        if shape < 2 or edge - made < 2:
            kind = ("request", "reply")[shape % 2]
            draft = gen.edge(kind, topic_of[kind], below)
            label = f"size_edge_{'campaign' if kind == 'request' else 'stop'}"
            # a STOP that large has its size in a field longer than the gate allows
            edge_codes = {"TOO_LARGE"} if kind == "request" else {"TOO_LARGE", "INVALID_FIELD"}
            edge_inputs.append(add(kind, draft, label, Expect.EITHER, frozenset(edge_codes)).n)
            made += 1
            continue
        stop_d = gen.base("reply", channel="SMS")
        stop = add(
            "reply",
            gen.draft("reply", stop_d, outcome="event:OPTED_OUT"),
            "size_edge_opt_out",
            Expect.ACCEPT,
            frozenset(),
        )
        camp_draft = gen.edge(
            "request", topic_of["request"], 1000, stop_d["contact_id"], campaign_id="c" * 3000
        )
        camp = add(
            "request",
            Draft(
                camp_draft.key,
                camp_draft.value,
                (),
                "suppress:OPTED_OUT",
                camp_draft.trace,
                camp_draft.contact,
                camp_draft.channel,
            ),
            "size_edge_suppressed",
            Expect.EITHER,
            frozenset({"TOO_LARGE"}),
        )
        camp.after = stop.n
        camp.opt_out_trace = stop.trace
        dependents[stop.n].append(camp.n)
        deferred.add(camp.n)
        edge_inputs.append(stop.n)
        made += 2
    regular = malformed - len(big) - edge
    weights = [c.weight for c in CATEGORIES]
    # every category at least once when there is room, the rest by weight
    picks = list(CATEGORIES) if regular >= len(CATEGORIES) else []
    picks += rng.choices(CATEGORIES, weights=weights, k=regular - len(picks))
    for cat in picks:
        kind = rng.choice(cat.kinds)
        draft = getattr(gen, cat.name)(kind)
        add(kind, draft, cat.name, cat.expect, cat.codes)
    n_malformed = len(inputs)

    # --- valid traffic ------------------------------------------------------------------------
    channels = gen.channels
    first: list[int] = []
    produced = 0
    scenario = 0
    while produced < valid:
        scenario += 1
        contact = gen.uid("ok")
        channel = channels[scenario % len(channels)]
        other = channels[(scenario + 1) % len(channels)]
        roll = rng.random()
        left = valid - produced
        if roll < 0.45 and left >= 4:
            # opt out, then (>= gap later) a campaign on that channel, one on another, an inbox
            mech = rng.choice(("reply", "click", "command"))
            if mech == "reply":
                d = gen.base("reply", contact, channel, text=rng.choice(OPT_OUT_TEXTS))
            elif mech == "click":
                d = gen.base("click", contact, channel)
            else:
                d = gen.base("command", contact, channel)
            stop = add(
                mech,
                gen.draft(mech, d, outcome="event:OPTED_OUT"),
                f"valid.opt_out_{mech}",
                Expect.VALID,
                frozenset(),
            )
            first.append(stop.n)
            for ch, origin, outcome, label in (
                (channel, "CAMPAIGN", "suppress:OPTED_OUT", "valid.campaign_after_opt_out"),
                (other, "CAMPAIGN", f"forward:{other}", "valid.campaign_other_channel"),
                (channel, "INBOX", f"forward:{channel}", "valid.inbox_after_opt_out"),
            ):
                m = gen.base("request", contact, ch, origin=origin, campaign_id=f"c-{scenario}")
                inp = add(
                    "request",
                    gen.draft("request", m, outcome=outcome),
                    label,
                    Expect.VALID,
                    frozenset(),
                )
                inp.after = stop.n
                if outcome.startswith("suppress"):
                    inp.opt_out_trace = stop.trace
                dependents[stop.n].append(inp.n)
            produced += 4
        elif roll < 0.6 and left >= 2:
            # a campaign, then (>= gap later) a STOP: the campaign is forwarded
            m = gen.base("request", contact, channel)
            camp = add(
                "request",
                gen.draft("request", m, outcome=f"forward:{channel}"),
                "valid.campaign_before_opt_out",
                Expect.VALID,
                frozenset(),
            )
            first.append(camp.n)
            d = gen.base("reply", contact, channel, text="STOP")
            stop = add(
                "reply",
                gen.draft("reply", d, outcome="event:OPTED_OUT"),
                "valid.opt_out_after_campaign",
                Expect.VALID,
                frozenset(),
            )
            stop.after = camp.n
            dependents[camp.n].append(stop.n)
            produced += 2
        else:
            origin = "CAMPAIGN" if rng.random() < 0.6 else "INBOX"
            m = gen.base("request", contact, channel, origin=origin)
            inp = add(
                "request",
                gen.draft("request", m, outcome=f"forward:{channel}"),
                f"valid.{origin.lower()}",
                Expect.VALID,
                frozenset(),
            )
            first.append(inp.n)
            produced += 1

    # malformed spread over the whole run, valid scenarios started in its first 70 %, the size
    # edge ones in its last 3 % (should one stop the worker, the rest has been decided)
    last = set(edge_inputs)
    keyed = [(rng.random(), i) for i in range(n_malformed) if i not in last | deferred]
    keyed += [(0.97 + rng.random() * 0.03, i) for i in last]
    keyed += [(rng.random() * 0.7, i) for i in first]
    order = [i for _, i in sorted(keyed)]
    return Plan(inputs, order, dict(dependents))


# =================================================================================================
# Kafka: topics, the producer, the output reader
# =================================================================================================

QUIET = {"log_level": 3}  # librdkafka: errors only


def _confluent() -> Any:
    try:
        import confluent_kafka
        import confluent_kafka.admin
    except ImportError:
        raise FuzzError(
            "the fuzz run needs confluent-kafka: .venv/bin/pip install confluent-kafka"
        ) from None
    return confluent_kafka


async def create_topics(settings: Settings) -> None:
    """The input topics with max.message.bytes raised (so 10 MB values reach the worker), then
    the outputs as ``consent-gate topics create`` makes them."""
    from aiokafka.admin import AIOKafkaAdminClient

    from streams.kafka.admin import new_topic, replication

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        replicas = await replication(admin, settings)
        configs = {"max.message.bytes": str(INPUT_MAX_MESSAGE_BYTES)}
        new = [
            new_topic(t, settings.output_partitions, replicas, configs)
            for t in settings.input_topics
        ]
        check_created(settings, await admin.create_topics(new))
    finally:
        await admin.close()
    await create_gate_topics(settings)


def delete_topics(settings: Settings) -> None:
    ck = _confluent()
    admin = ck.admin.AdminClient({"bootstrap.servers": settings.bootstrap_servers, **QUIET})
    names = [*settings.input_topics, *settings.output_topics, *settings.internal_topics]
    existing = set(admin.list_topics(timeout=10).topics)
    doomed = [t for t in names if t in existing]
    if doomed:
        for fut in admin.delete_topics(doomed, operation_timeout=30).values():
            with contextlib.suppress(Exception):  # best effort clean-up
                fut.result(60)


class OutputReader:
    """Reads the output topics from the beginning (committed records only) in a thread."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self.bootstrap = bootstrap
        self.topics = list(topics)
        self.errors: Counter[str] = Counter()
        self._new: list[Rec] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> OutputReader:
        ck = _confluent()
        consumer = ck.Consumer(
            {
                "bootstrap.servers": self.bootstrap,
                "group.id": f"cg-fuzz-reader-{uuid.uuid4().hex[:8]}",  # never joined: assign()
                "enable.auto.commit": False,
                "isolation.level": "read_committed",
                "auto.offset.reset": "earliest",
                "fetch.wait.max.ms": 50,
                **QUIET,
            }
        )
        meta = consumer.list_topics(timeout=10)
        parts = []
        for t in self.topics:
            if t not in meta.topics:
                raise FuzzError(f"output topic {t} does not exist")
            parts += [
                ck.TopicPartition(t, p, ck.OFFSET_BEGINNING) for p in meta.topics[t].partitions
            ]
        consumer.assign(parts)
        self._thread = threading.Thread(
            target=self._run, args=(consumer,), name="fuzz-output-reader", daemon=True
        )
        self._thread.start()
        return self

    def _run(self, consumer: Any) -> None:
        try:
            while not self._stop.is_set():
                batch = []
                for msg in consumer.consume(2000, 0.1):
                    err = msg.error()
                    if err is not None:
                        self.errors[err.name()] += 1
                        continue
                    batch.append(
                        Rec(
                            msg.topic(),
                            msg.partition(),
                            msg.offset(),
                            msg.timestamp()[1],
                            msg.key(),
                            msg.value(),
                            tuple(msg.headers() or ()),
                        )
                    )
                if batch:
                    with self._lock:
                        self._new.extend(batch)
        finally:
            consumer.close()

    def take(self) -> list[Rec]:
        with self._lock:
            new, self._new = self._new, []
        return new

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)


class InputProducer:
    """Produces the plan at ``rate`` records/s; the dependents of an input ``gap`` s after its
    delivery report. Every delivery report fills in the input's partition, offset, timestamp."""

    def __init__(self, bootstrap: str, plan: Plan, rate: float, gap_s: float) -> None:
        ck = _confluent()
        self.plan = plan
        self.rate = rate
        self.gap_s = gap_s
        self.producer = ck.Producer(
            {
                "bootstrap.servers": bootstrap,
                "acks": "all",
                "enable.idempotence": True,
                "linger.ms": 5,
                "message.max.bytes": PRODUCER_MAX_MESSAGE_BYTES,
                "message.timeout.ms": 120_000,
                **QUIET,
            }
        )
        self.delivered = 0
        self.failed = 0
        self.first_error: str | None = None
        self.started_dependents = 0
        self.started_ms = 0
        self.finished_ms = 0
        self._due: list[tuple[float, int]] = []
        self._waiting = sum(len(v) for v in plan.dependents.values())

    def _report(self, n: int) -> Callable[[Any, Any], None]:
        def delivered(err: Any, msg: Any) -> None:
            inp = self.plan.inputs[n]
            if err is not None:
                self.failed += 1
                inp.error = str(err)
                self.first_error = self.first_error or f"{inp.describe()}: {err}"
            else:
                self.delivered += 1
                inp.partition, inp.offset = msg.partition(), msg.offset()
                inp.timestamp_ms = msg.timestamp()[1]
            for d in self.plan.dependents.get(n, ()):
                heapq.heappush(self._due, (time.monotonic() + self.gap_s, d))

        return delivered

    def _send(self, n: int) -> None:
        inp = self.plan.inputs[n]
        while True:
            try:
                self.producer.produce(
                    inp.topic,
                    inp.value,
                    inp.key,
                    headers=list(inp.headers) if inp.headers else None,
                    on_delivery=self._report(n),
                )
                return
            except BufferError:
                self.producer.poll(0.05)

    def _send_due(self) -> None:
        self.producer.poll(0)
        now = time.monotonic()
        while self._due and self._due[0][0] <= now:
            _, n = heapq.heappop(self._due)
            self.started_dependents += 1
            if self.plan.inputs[self.plan.inputs[n].after or 0].delivered:
                self._send(n)
            else:  # its opt-out never made it: not produced (counted as a produce failure)
                self.plan.inputs[n].error = "prerequisite not delivered"
                self.failed += 1
            self._waiting -= 1

    def run(self, log: Log) -> None:
        self.started_ms = int(time.time() * 1000)
        start = time.monotonic()
        for i, n in enumerate(self.plan.order):
            slot = start + i / self.rate
            while True:
                self._send_due()
                wait = slot - time.monotonic()
                if wait <= 0:
                    break
                self.producer.poll(min(wait, 0.01))
            self._send(n)
            if i and i % 5000 == 0:
                log(f"produced {i + self.started_dependents} of {len(self.plan.inputs)}")
        while self._waiting > 0:
            self._send_due()
            self.producer.poll(0.01)
        left = self.producer.flush(120)
        if left:
            raise FuzzError(f"{left} input records were still undelivered after 120 s")
        self.finished_ms = int(time.time() * 1000)


# =================================================================================================
# Tracing outputs back to inputs
# =================================================================================================


@dataclass(frozen=True, slots=True)
class Out:
    kind: str  # dead / forward / suppress / event
    detail: str  # dead-letter code, channel, suppression reason, event type
    timestamp_ms: int
    ok: bool = True  # content as it should be (faithful dead letter, identical forward, ...)
    note: str = ""

    @property
    def outcome(self) -> str:
        return f"{self.kind}:{self.detail}"


class Tracker:
    def __init__(self, settings: Settings, codec: Codec, inputs: Sequence[Input]) -> None:
        self.s = settings
        self.codec = codec
        self.inputs = inputs
        self.channel_of_topic = {t: c for c, t in settings.channel_topics.items()}
        self.by_sha: dict[bytes, list[int]] = defaultdict(list)
        self.by_trace: dict[str, list[int]] = defaultdict(list)
        for inp in inputs:
            if inp.value is not None:
                self.by_sha[inp.sha].append(inp.n)
            if inp.trace is not None:
                self.by_trace[inp.trace].append(inp.n)
        self.by_coords: dict[tuple[str, int, int], int] = {}
        self.outs: dict[int, list[Out]] = defaultdict(list)
        self.out_times: list[int] = []
        self.count = 0
        self.unattributed: Counter[str] = Counter()
        self.unattributed_examples: list[str] = []
        self.undecodable_outputs: Counter[str] = Counter()
        self.dead_letters = 0
        self.replies = 0
        self.dead_letter_versions: Counter[str] = Counter()
        self.dead_letters_without_reason = 0
        self.dead_letters_truncated = 0
        self.codes: Counter[str] = Counter()
        self.stages: Counter[str] = Counter()
        self._retry: list[Rec] = []

    def index_delivered(self) -> None:
        for inp in self.inputs:
            if inp.delivered:
                self.by_coords[inp.coords] = inp.n

    def add(self, recs: Iterable[Rec], final: bool = False) -> int:
        self.index_delivered()
        todo, self._retry = [*self._retry, *recs], []
        n = 0
        for rec in todo:
            if self._attribute(rec, final):
                n += 1
        return n

    def _unattributed(self, rec: Rec, why: str) -> None:
        self.unattributed[rec.topic.rsplit(".", 1)[-1]] += 1
        if len(self.unattributed_examples) < 5:
            self.unattributed_examples.append(f"{rec.topic}[{rec.partition}]@{rec.offset}: {why}")

    def _record(self, n: int, out: Out) -> None:
        self.outs[n].append(out)

    def _attribute(self, rec: Rec, final: bool) -> bool:
        """True when ``rec`` was taken (attributed, or given up on)."""
        topic = rec.topic
        if topic == self.s.deadletter_topic:
            try:
                version, dl = self.codec.decode_versioned(rec.value)
                assert version.record == "dead_letter", version.record
            except Exception as exc:
                self.undecodable_outputs[f"dead letter: {exc}"[:80]] += 1
                self._unattributed(rec, f"undecodable dead letter: {exc}")
                return True
            coords = (dl["source_topic"], dl["source_partition"], dl["source_offset"])
            n = self.by_coords.get(coords)
            if n is None:
                if not final:
                    self._retry.append(rec)  # its input's delivery report is not in yet
                    return False
                self._unattributed(rec, f"dead letter of unknown input {coords}")
                return True
            self._count_time(rec)
            self.dead_letters += 1
            self.dead_letter_versions[f"v{version.number}"] += 1
            code = dl.get("error_code") or ""
            self.codes[code] += 1
            self.stages[str(dl.get("stage"))] += 1
            ok, note = self._faithful(self.inputs[n], dl, rec)
            if not (dl.get("error") or "").strip() or not code.strip():
                self.dead_letters_without_reason += 1
                ok, note = False, "dead letter without a reason"
            self._record(n, Out("dead", code, rec.timestamp_ms, ok, note))
            return True
        if topic == self.s.suppressed_topic:
            try:
                sm = self.codec.decode(rec.value)
            except Exception as exc:
                self.undecodable_outputs[f"suppressed: {exc}"[:80]] += 1
                self._unattributed(rec, f"undecodable suppressed message: {exc}")
                return True
            n = self._by_value(sm["original_value"])
            if n is None:
                self._unattributed(rec, "suppressed message of no input")
                return True
            self._count_time(rec)
            inp = self.inputs[n]
            ok, note = True, ""
            if inp.opt_out_trace is not None and sm.get("opt_out_event_id") != inp.opt_out_trace:
                ok, note = False, f"opt_out_event_id {sm.get('opt_out_event_id')!r}"
            if inp.trace is not None and sm.get("message_id") != inp.trace:
                ok, note = False, f"message_id {sm.get('message_id')!r}"
            self._record(n, Out("suppress", str(sm["reason"]), rec.timestamp_ms, ok, note))
            return True
        if topic == self.s.events_topic:
            try:
                ev = self.codec.decode(rec.value)
            except Exception as exc:
                self.undecodable_outputs[f"event: {exc}"[:80]] += 1
                self._unattributed(rec, f"undecodable consent event: {exc}")
                return True
            candidates = self.by_trace.get(ev["trigger_event_id"], [])
            if not candidates:
                self._unattributed(rec, f"event of unknown trigger {ev['trigger_event_id'][:40]!r}")
                return True
            n = candidates[0]
            self._count_time(rec)
            inp = self.inputs[n]
            ok, note = True, ""
            if inp.channel is not None and ev["channel"] != inp.channel:
                ok, note = False, f"event on channel {ev['channel']}, input on {inp.channel}"
            elif inp.contact is not None and ev["contact_id"] != inp.contact.strip():
                ok, note = False, "event for another contact"
            self._record(n, Out("event", str(ev["type"]), rec.timestamp_ms, ok, note))
            return True
        channel = self.channel_of_topic.get(topic)
        if channel is None:
            self._unattributed(rec, "output on an unexpected topic")
            return True
        if any(k == "consent-gate-reply" for k, _ in rec.headers):
            self.replies += 1  # the gate's own reply to a STOP or HELP: no input's outcome
            return True
        n = self._by_value(rec.value)
        if n is None:
            self._unattributed(rec, "forwarded record of no input")
            return True
        self._count_time(rec)
        inp = self.inputs[n]
        ok, note = True, ""
        if rec.key != inp.key:
            ok, note = False, "key differs"
        elif rec.headers != inp.headers:
            ok, note = False, f"headers differ: {list(rec.headers)[:3]} vs {list(inp.headers)[:3]}"
        self._record(n, Out("forward", channel, rec.timestamp_ms, ok, note))
        return True

    def _count_time(self, rec: Rec) -> None:
        self.count += 1
        self.out_times.append(rec.timestamp_ms)

    def _by_value(self, value: bytes | None) -> int | None:
        if value is None:
            return None
        candidates = self.by_sha.get(hashlib.sha256(value).digest(), [])
        for n in candidates:  # identical values (rare: empty ones): the first without an outcome
            if not any(o.kind != "dead" for o in self.outs.get(n, ())):
                return n
        return candidates[0] if candidates else None

    def _faithful(self, inp: Input, dl: Mapping[str, Any], rec: Rec) -> tuple[bool, str]:
        """The dead letter keeps the original key, headers and value (or, when it says the value
        was truncated, a prefix of it with its size and SHA-256)."""
        # What did not fit besides the value (headers, then the key) is left out, and said so.
        left_out = "left out of this dead letter to fit" in str(dl.get("error"))
        if dl.get("key") != inp.key and not (left_out and dl.get("key") is None):
            return False, "dead letter key differs"
        headers = tuple((h["key"], h["value"]) for h in dl.get("headers") or ())
        if headers != inp.headers and not (left_out and headers == ()):
            return False, "dead letter headers differ"
        value = dl.get("value")
        if dl.get("value_truncated"):
            self.dead_letters_truncated += 1
            original = inp.value or b""
            if dl.get("original_size") != len(original):
                return False, f"original_size {dl.get('original_size')} != {len(original)}"
            if (dl.get("original_sha256") or "").lower() != hashlib.sha256(original).hexdigest():
                return False, "original_sha256 differs"
            if value is not None and not original.startswith(value):
                return False, "truncated value is not a prefix of the original"
            return True, ""
        if value != inp.value:
            return False, "dead letter value differs from the original"
        return True, ""


# =================================================================================================
# Verdicts and the report
# =================================================================================================


@dataclass
class CategoryFigures:
    expect: str
    n: int = 0
    dead_lettered: int = 0
    accepted: int = 0
    vanished: int = 0
    wrong: int = 0  # wrong outcome or content (accept/either/valid)
    codes: Counter[str] = field(default_factory=Counter)


@dataclass
class Report:
    run_id: str
    bootstrap: str
    work_dir: str
    seconds: float = 0.0
    produced: dict[str, int] = field(default_factory=dict)
    produced_bytes: int = 0
    produce_failures: int = 0
    first_produce_error: str | None = None
    # the fuzz records
    reject: dict[str, int] = field(default_factory=dict)  # n, dead_lettered, accepted, vanished
    accept: dict[str, int] = field(default_factory=dict)
    either: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)  # dead letters per error code (all)
    stages: dict[str, int] = field(default_factory=dict)
    dead_letter_versions: dict[str, int] = field(default_factory=dict)
    dead_letters_without_reason: int = 0
    dead_letters_truncated: int = 0
    dead_letters_unfaithful: int = 0
    code_mismatches: dict[str, int] = field(default_factory=dict)  # "category: got (wanted)"
    accepted_examples: list[str] = field(default_factory=list)
    vanished_examples: list[str] = field(default_factory=list)
    legal_rejected_examples: list[str] = field(default_factory=list)
    either_rejected_examples: list[str] = field(default_factory=list)
    wrong_examples: list[str] = field(default_factory=list)
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    # the valid traffic
    valid: dict[str, int] = field(default_factory=dict)  # n, correct, wrong, vanished
    valid_examples: list[str] = field(default_factory=list)
    duplicates: int = 0
    unattributed: dict[str, int] = field(default_factory=dict)
    unattributed_examples: list[str] = field(default_factory=list)
    undecodable_outputs: dict[str, int] = field(default_factory=dict)
    outputs: int = 0
    # liveness
    longest_gap_s: float = 0.0
    longest_gap_at_s: float = 0.0
    longest_gap_pending: str = ""
    silent_tail_s: float = 0.0  # no output at the end while inputs still had none
    throughput_per_s: float | None = None  # inputs / (last output - first input)
    latency_p50_s: float | None = None
    latency_p99_s: float | None = None
    latency_max_s: float | None = None
    slowest: str = ""
    worker_alive: bool = True
    worker_exit: int | None = None
    worker_died_at_s: float | None = None
    worker_fatal: str = ""
    worker_log_errors: int = 0
    worker_log_first_error: str = ""
    worker_counters: dict[str, str] = field(default_factory=dict)
    reader_errors: dict[str, int] = field(default_factory=dict)

    def failures(self) -> list[str]:
        out = []
        if self.reject.get("accepted"):
            out.append(f"{self.reject['accepted']} malformed records were accepted")
        vanished = sum(d.get("vanished", 0) for d in (self.reject, self.accept, self.either))
        if vanished:
            out.append(f"{vanished} fuzz records vanished")
        if self.accept.get("dead_lettered") or self.accept.get("wrong"):
            n = self.accept.get("dead_lettered", 0) + self.accept.get("wrong", 0)
            out.append(f"{n} legal (odd) records were rejected or decided wrongly")
        if self.either.get("wrong"):
            out.append(f"{self.either['wrong']} size-limit records got an outcome they should not")
        if self.valid.get("wrong") or self.valid.get("vanished"):
            out.append(
                f"valid traffic: {self.valid.get('wrong', 0)} wrong, "
                f"{self.valid.get('vanished', 0)} vanished of {self.valid.get('n', 0)}"
            )
        if self.dead_letters_without_reason:
            out.append(f"{self.dead_letters_without_reason} dead letters without a reason")
        if not self.worker_alive:
            out.append(f"the worker died (exit {self.worker_exit}): {self.worker_fatal}")
        if self.produce_failures:
            out.append(f"{self.produce_failures} inputs could not be produced")
        return out

    @property
    def ok(self) -> bool:
        return not self.failures()

    def to_json(self) -> str:
        from dataclasses import asdict

        return json.dumps({**asdict(self), "ok": self.ok, "failures": self.failures()}, indent=2)


def _verdict(inp: Input, outs: Sequence[Out]) -> tuple[str, bool, str]:
    """(status, good, note): status is dead_lettered / accepted / vanished."""
    dead = [o for o in outs if o.kind == "dead"]
    taken = [o for o in outs if o.kind != "dead"]
    status = "vanished" if not outs else ("accepted" if taken else "dead_lettered")
    bad_content = [o for o in outs if not o.ok]
    if inp.expect is Expect.REJECT:
        if status != "dead_lettered":
            what = ", ".join(o.outcome for o in taken) or "nothing"
            return status, False, f"{inp.describe()}: {what}"
        return status, True, ""
    if inp.expect is Expect.VALID and len(outs) != 1:
        got = ", ".join(o.outcome for o in outs) or "nothing"
        return status, False, f"{inp.describe()}: wanted {inp.outcome} once, got {got}"
    if status == "accepted":
        wrong = [o for o in taken if o.outcome != inp.outcome]
        if wrong or dead:
            got = ", ".join(o.outcome for o in outs)
            return status, False, f"{inp.describe()}: wanted {inp.outcome}, got {got}"
    elif status == "dead_lettered":
        if inp.expect is Expect.EITHER and all(o.detail in inp.codes for o in dead):
            return status, not bad_content, (bad_content[0].note if bad_content else "")
        got = ", ".join(f"{o.outcome} ({o.note})" if o.note else o.outcome for o in dead)
        return status, False, f"{inp.describe()}: wanted {inp.outcome}, got {got}"
    else:
        return status, False, f"{inp.describe()}: nothing came out (wanted {inp.outcome})"
    if bad_content:
        return status, False, f"{inp.describe()}: {bad_content[0].note}"
    return status, True, ""


def _gap(
    inputs: Sequence[Input], outs: Mapping[int, list[Out]], out_times: Sequence[int]
) -> tuple[float, int, str]:
    """The longest stretch without any output while some input was waiting for its (eventual)
    output: (seconds, its start in epoch ms, the oldest input waiting then). Inputs that never
    got an output are left out (they are the vanished ones; see :func:`_silent_tail`)."""
    intervals = sorted(
        (inp.timestamp_ms, max(inp.timestamp_ms, min(o.timestamp_ms for o in outs[inp.n])), inp.n)
        for inp in inputs
        if inp.delivered and outs.get(inp.n)
    )
    if not intervals:
        return 0.0, 0, ""
    times = sorted(out_times)
    segments: list[list[int]] = []
    for a, b, _ in intervals:
        if segments and a <= segments[-1][1]:
            segments[-1][1] = max(segments[-1][1], b)
        else:
            segments.append([a, b])
    best, best_at = 0, 0
    for a, b in segments:
        lo, hi = bisect.bisect_left(times, a), bisect.bisect_right(times, b)
        for x, y in itertools.pairwise([a, *times[lo:hi], b]):
            if y - x > best:
                best, best_at = y - x, x
    waiting = next((inputs[n] for a, b, n in intervals if a <= best_at < b), None)
    return best / 1000, best_at, waiting.describe() if waiting else ""


def _silent_tail(
    inputs: Sequence[Input], outs: Mapping[int, list[Out]], out_times: Sequence[int], end_ms: int
) -> float:
    """How long the run ended without any output while some input still had none."""
    vanished = [i.timestamp_ms for i in inputs if i.delivered and not outs.get(i.n)]
    if not vanished:
        return 0.0
    return max(0, end_ms - max([min(vanished), *out_times])) / 1000


def summarise(report: Report, plan: Plan, tracker: Tracker, end_ms: int, t0_ms: int) -> None:
    inputs = plan.inputs
    groups: dict[Expect, Counter[str]] = {e: Counter() for e in Expect}
    cats: dict[str, CategoryFigures] = {}
    mismatches: Counter[str] = Counter()
    latencies: list[tuple[int, int]] = []
    for inp in inputs:
        if not inp.delivered:
            continue
        outs = tracker.outs.get(inp.n, [])
        status, good, note = _verdict(inp, outs)
        g = groups[inp.expect]
        g["n"] += 1
        g[status] += 1
        if (
            not good
            and status != "vanished"
            and not (inp.expect is Expect.REJECT and status == "accepted")
        ):
            g["wrong"] += 1
        if len(outs) > 1:
            report.duplicates += 1
        if outs:
            latencies.append((min(o.timestamp_ms for o in outs) - inp.timestamp_ms, inp.n))
        cf = cats.setdefault(inp.category, CategoryFigures(inp.expect.value))
        cf.n += 1
        setattr(cf, status, getattr(cf, status) + 1)
        if (
            not good
            and status != "vanished"
            and not (inp.expect is Expect.REJECT and status == "accepted")
        ):
            cf.wrong += 1
        for o in outs:
            if o.kind == "dead":
                cf.codes[o.detail] += 1
                if inp.expect is Expect.REJECT and o.detail not in inp.codes:
                    mismatches[
                        f"{inp.category}: {o.detail} (wanted {'/'.join(sorted(inp.codes))})"
                    ] += 1
                if not o.ok and o.note and len(report.wrong_examples) < 8:
                    report.wrong_examples.append(f"{inp.describe()}: {o.note}")
        if (
            good
            and inp.expect is Expect.EITHER
            and status == "dead_lettered"
            and len(report.either_rejected_examples) < 8
        ):
            report.either_rejected_examples.append(
                f"{inp.describe()}: {', '.join(o.detail for o in outs)}"
            )
        if good:
            continue
        if inp.expect is Expect.VALID:
            if len(report.valid_examples) < 8:
                report.valid_examples.append(note)
        elif status == "vanished":
            if len(report.vanished_examples) < 8:
                report.vanished_examples.append(note)
        elif inp.expect is Expect.REJECT:
            if len(report.accepted_examples) < 8:
                report.accepted_examples.append(note)
        elif status == "dead_lettered":
            if len(report.legal_rejected_examples) < 8:
                report.legal_rejected_examples.append(note)
        elif len(report.wrong_examples) < 8:
            report.wrong_examples.append(note)
    for e, target in (
        (Expect.REJECT, report.reject),
        (Expect.ACCEPT, report.accept),
        (Expect.EITHER, report.either),
    ):
        g = groups[e]
        target.update(
            n=g["n"],
            dead_lettered=g["dead_lettered"],
            accepted=g["accepted"],
            vanished=g["vanished"],
            wrong=g["wrong"],
        )
    v = groups[Expect.VALID]
    report.valid.update(
        n=v["n"],
        correct=v["n"] - v["wrong"] - v["vanished"],
        wrong=v["wrong"],
        vanished=v["vanished"],
    )
    report.code_mismatches = dict(mismatches.most_common())
    report.categories = {
        name: {
            "expect": cf.expect,
            "n": cf.n,
            "dead_lettered": cf.dead_lettered,
            "accepted": cf.accepted,
            "vanished": cf.vanished,
            "wrong": cf.wrong,
            "codes": dict(cf.codes.most_common()),
        }
        for name, cf in sorted(cats.items())
    }
    report.codes = dict(tracker.codes.most_common())
    report.stages = dict(tracker.stages)
    report.dead_letter_versions = dict(tracker.dead_letter_versions)
    report.dead_letters_without_reason = tracker.dead_letters_without_reason
    report.dead_letters_truncated = tracker.dead_letters_truncated
    report.dead_letters_unfaithful = sum(
        1 for outs in tracker.outs.values() for o in outs if o.kind == "dead" and not o.ok
    )
    report.unattributed = dict(tracker.unattributed)
    report.unattributed_examples = tracker.unattributed_examples
    report.undecodable_outputs = dict(tracker.undecodable_outputs)
    report.outputs = tracker.count
    gap_s, gap_at, waiting = _gap(inputs, tracker.outs, tracker.out_times)
    report.silent_tail_s = round(_silent_tail(inputs, tracker.outs, tracker.out_times, end_ms), 1)
    report.longest_gap_s = round(gap_s, 3)
    report.longest_gap_at_s = round((gap_at - t0_ms) / 1000, 1) if gap_at else 0.0
    report.longest_gap_pending = waiting
    firsts = [i.timestamp_ms for i in inputs if i.delivered]
    if firsts and tracker.out_times:
        span_s = (max(tracker.out_times) - min(firsts)) / 1000
        report.throughput_per_s = round(len(firsts) / span_s, 1) if span_s > 0 else None
    if latencies:
        values = sorted(ms for ms, _ in latencies)
        report.latency_p50_s = round(statistics.median(values) / 1000, 3)
        report.latency_p99_s = round(
            values[min(len(values) - 1, int(len(values) * 0.99))] / 1000, 3
        )
        worst_ms, worst_n = max(latencies)
        report.latency_max_s = round(worst_ms / 1000, 3)
        report.slowest = inputs[worst_n].describe()


def render(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table

    def mark(good: bool) -> str:
        return "[green]ok[/]" if good else "[bold red]FAIL[/]"

    def codes(d: Mapping[str, int], limit: int = 6) -> str:
        items = sorted(d.items(), key=lambda kv: -kv[1])
        text = ", ".join(f"{k} {v}" for k, v in items[:limit])
        return text + (f", +{len(items) - limit} more" if len(items) > limit else "")

    t = Table(title=f"fuzz run {report.run_id} ({report.seconds:.0f} s, {report.bootstrap})")
    t.add_column("what")
    t.add_column("figure", overflow="fold")
    t.add_column("goal")
    t.add_column("", justify="center")
    p = report.produced
    t.add_row(
        "produced",
        f"{p.get('malformed', 0)} fuzz + {p.get('valid', 0)} valid "
        f"({report.produced_bytes / 1e6:.1f} MB); {report.produce_failures} failed",
        "all delivered",
        mark(not report.produce_failures),
    )
    r = report.reject
    t.add_row(
        "malformed (expected reject)",
        f"{r.get('n', 0)}: dead-lettered {r.get('dead_lettered', 0)}, "
        f"accepted {r.get('accepted', 0)}, vanished {r.get('vanished', 0)}",
        "all dead-lettered",
        mark(not r.get("accepted") and not r.get("vanished")),
    )
    t.add_row(
        "  dead letters by code",
        codes(report.codes, 20),
        "each with a reason",
        mark(not report.dead_letters_without_reason),
    )
    t.add_row(
        "  dead letters",
        f"{sum(report.codes.values())} ({codes(report.dead_letter_versions)}; "
        f"stage {codes(report.stages)}); truncated {report.dead_letters_truncated}, "
        f"not faithful {report.dead_letters_unfaithful}, without reason "
        f"{report.dead_letters_without_reason}",
        "original key/value/headers",
        mark(not report.dead_letters_unfaithful),
    )
    if report.code_mismatches:
        t.add_row("  other code than expected", codes(report.code_mismatches, 8), "(info)", "")
    for label, ex in (
        ("  accepted, e.g.", report.accepted_examples),
        ("  vanished, e.g.", report.vanished_examples),
    ):
        if ex:
            t.add_row(label, "\n".join(ex[:4]), "", "")
    a = report.accept
    t.add_row(
        "odd but legal (expected accept)",
        f"{a.get('n', 0)}: accepted {a.get('accepted', 0)}, dead-lettered "
        f"{a.get('dead_lettered', 0)}, wrong {a.get('wrong', 0)}, vanished {a.get('vanished', 0)}",
        "normal outcome",
        mark(not a.get("dead_lettered") and not a.get("wrong") and not a.get("vanished")),
    )
    if report.legal_rejected_examples:
        t.add_row("  rejected, e.g.", "\n".join(report.legal_rejected_examples[:4]), "", "")
    e = report.either
    t.add_row(
        "size limit / lenient (either)",
        f"{e.get('n', 0)}: accepted {e.get('accepted', 0)}, dead-lettered "
        f"{e.get('dead_lettered', 0)}, wrong {e.get('wrong', 0)}, vanished {e.get('vanished', 0)}",
        "outcome or listed code",
        mark(not e.get("wrong") and not e.get("vanished")),
    )
    if report.either_rejected_examples:
        t.add_row("  dead-lettered", "\n".join(report.either_rejected_examples[:6]), "(info)", "")
    if report.wrong_examples:
        t.add_row("  wrong, e.g.", "\n".join(report.wrong_examples[:4]), "", "")
    v = report.valid
    t.add_row(
        "valid traffic",
        f"{v.get('n', 0)}: correct {v.get('correct', 0)}, wrong {v.get('wrong', 0)}, "
        f"vanished {v.get('vanished', 0)}",
        "all correct, once",
        mark(not v.get("wrong") and not v.get("vanished")),
    )
    if report.valid_examples:
        t.add_row("  wrong, e.g.", "\n".join(report.valid_examples[:4]), "", "")
    t.add_row(
        "outputs",
        f"{report.outputs} traced; inputs with more than one output {report.duplicates}; "
        f"untraced {sum(report.unattributed.values())} {codes(report.unattributed)}",
        "(info)",
        "",
    )
    if report.unattributed_examples:
        t.add_row("  untraced, e.g.", "\n".join(report.unattributed_examples[:3]), "", "")
    t.add_row(
        "longest output gap",
        f"{report.longest_gap_s:.2f} s at +{report.longest_gap_at_s:.1f} s"
        + (f", waiting: {report.longest_gap_pending}" if report.longest_gap_pending else "")
        + (
            f" (and {report.silent_tail_s:.0f} s without output at the end, waiting for the "
            "vanished ones)"
            if report.silent_tail_s
            else ""
        ),
        "(no stall)",
        "",
    )
    t.add_row(
        "latency input -> output",
        f"p50 {report.latency_p50_s} s, p99 {report.latency_p99_s} s, "
        f"max {report.latency_max_s} s ({report.slowest}); "
        f"{report.throughput_per_s} inputs/s overall",
        "(info)",
        "",
    )
    alive = "alive"
    if not report.worker_alive:
        alive = f"DIED at +{report.worker_died_at_s} s, exit {report.worker_exit}: "
        alive += report.worker_fatal
    t.add_row(
        "worker",
        f"{alive}; log errors {report.worker_log_errors}"
        + (f" (first: {report.worker_log_first_error})" if report.worker_log_first_error else ""),
        "stays alive",
        mark(report.worker_alive),
    )
    if report.worker_counters:
        t.add_row(
            "  worker counters",
            codes({k: int(v) for k, v in report.worker_counters.items() if v.isdigit()}, 12),
            "",
            "",
        )
    t.add_section()
    for name, c in report.categories.items():
        good = (
            not c["vanished"] and not c["wrong"] and not (c["expect"] == "reject" and c["accepted"])
        )
        t.add_row(
            f"  {name}",
            f"{c['n']}: dead {c['dead_lettered']}, accepted {c['accepted']}, vanished "
            f"{c['vanished']}"
            + (f", wrong {c['wrong']}" if c["wrong"] else "")
            + (f" [{codes(c['codes'], 3)}]" if c["codes"] else ""),
            c["expect"],
            mark(good),
        )
    t.add_section()
    failures = report.failures()
    t.add_row("RESULT", "\n".join(failures) or "no findings", "", mark(not failures))
    Console(width=max(120, shutil.get_terminal_size((160, 40)).columns)).print(t)


# =================================================================================================
# The run
# =================================================================================================


@dataclass
class FuzzConfig:
    bootstrap: str
    malformed: int = 10_000
    valid: int = 5_000
    big_sizes: tuple[int, ...] = ()  # sizes of the big values, part of ``malformed``
    edge: int = 0  # records just under the worker's size limit, part of ``malformed``
    rate: float = 2_000.0
    gap_s: float = 1.0
    seed: int = 1
    partitions: int = 4
    output_partitions: int = 3
    quiet_s: float = 75.0  # give up waiting after this long without any new output
    timeout_s: float = 900.0
    settle_s: float = 3.0  # keep reading this long after everything came out (duplicates)
    work_dir: Path | None = None
    keep: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    log: Log = print


def default_big_sizes(one_mb: int, ten_mb: int) -> tuple[int, ...]:
    return tuple(ONE_MB_SIZES[i % len(ONE_MB_SIZES)] for i in range(one_mb)) + (TEN_MB,) * ten_mb


def make_settings(cfg: FuzzConfig, run: str, work: Path) -> Settings:
    values: dict[str, Any] = {
        "bootstrap_servers": cfg.bootstrap,
        "topic_prefix": f"fuzz-{run}.",
        "app_id": f"cg-fuzz-{run}",
        "worker_id": f"fuzz-{run}",
        "data_dir": work / "state",
        "partitions": cfg.partitions,
        "output_partitions": cfg.output_partitions,
        "progress_interval_s": 5.0,
        "http_port": 0,
        **cfg.settings,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def _self_check(codec: Codec, gen: Gen) -> None:
    """The hand writer writes what Apache avro writes, for every input record."""
    for kind in KINDS:
        d = gen.base(kind)
        if kind == "command":
            d["proof"] = {"captured_at_ms": 1, "method": "m", "evidence": "e", "ip_address": None}
        if kind == "request":
            d["attributes"] = {"a": "b", "c": ""}
        if codec.hand_encode(RECORD_OF[kind], d) != codec.encode(RECORD_OF[kind], d):
            raise FuzzError(f"the fuzz Avro writer disagrees with Apache avro on {kind}")


def _wait_assigned(worker: WorkerProcess, timeout_s: float) -> None:

    def assigned() -> bool:
        if not worker.alive:
            raise FuzzError(f"the worker exited at start:\n{worker.log()[-3000:]}")
        return "event=partitions.assigned" in worker.log()

    if not eventually(assigned, timeout_s, interval_s=0.2, fail=False):
        raise FuzzError(f"the worker got no partitions in {timeout_s} s:\n{worker.log()[-3000:]}")


_LOGFMT = re.compile(r'(\w[\w.]*)=("(?:[^"\\]|\\.)*"|\S+)')


def _log_findings(report: Report, log: str) -> None:
    lines = log.splitlines()
    errors = [
        ln
        for ln in lines
        if "level=ERROR" in ln or "level=CRITICAL" in ln or ln.startswith("Traceback")
    ]
    report.worker_log_errors = len(errors)
    if errors:
        report.worker_log_first_error = errors[0][-300:]
    critical = [ln for ln in lines if "level=CRITICAL" in ln]
    if critical:
        report.worker_fatal = critical[-1].split("logger=consent_gate.worker ", 1)[-1][:500]
    for ln in reversed(lines):
        if "event=engine.stopped" in ln or "event=progress" in ln:
            pairs = dict(_LOGFMT.findall(ln.split("event=", 1)[1]))
            report.worker_counters = {k: v for k, v in pairs.items() if k != "event"}
            break


def run(cfg: FuzzConfig) -> Report:
    log = cfg.log
    _confluent()
    run_id = uuid.uuid4().hex[:8]
    work = cfg.work_dir or Path(tempfile.mkdtemp(prefix=f"fuzz-{run_id}-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = make_settings(cfg, run_id, work)
    codec = Codec()
    rng = random.Random(cfg.seed)
    gen = Gen(run_id, codec, rng, settings)
    _self_check(codec, gen)
    report = Report(run_id=run_id, bootstrap=cfg.bootstrap, work_dir=str(work))
    started = time.monotonic()
    t0_ms = int(time.time() * 1000)

    log(f"run {run_id}: building {cfg.malformed} fuzz and {cfg.valid} valid records")
    plan = build_plan(gen, settings, cfg.malformed, cfg.valid, cfg.big_sizes, cfg.edge)
    report.produced = {
        "malformed": sum(1 for i in plan.inputs if i.expect is not Expect.VALID),
        "valid": sum(1 for i in plan.inputs if i.expect is Expect.VALID),
    }
    report.produced_bytes = sum(i.size for i in plan.inputs)

    log(
        f"creating topics {settings.topic_prefix}* (inputs: max.message.bytes "
        f"{INPUT_MAX_MESSAGE_BYTES})"
    )
    asyncio.run(create_topics(settings))
    worker = WorkerProcess(settings, work / "worker.log")
    reader: OutputReader | None = None
    try:
        reader = OutputReader(cfg.bootstrap, settings.output_topics).start()
        worker.start()
        _wait_assigned(worker, 120)
        log(
            f"worker up (pid {worker.proc.pid if worker.proc else '?'}); producing at "
            f"{cfg.rate:.0f}/s"
        )
        tracker = Tracker(settings, codec, plan.inputs)
        producer = InputProducer(cfg.bootstrap, plan, cfg.rate, cfg.gap_s)
        pump_stop = threading.Event()

        def pump() -> None:  # trace outputs (and watch the worker) while producing
            while not pump_stop.is_set():
                tracker.add(reader.take())
                if report.worker_died_at_s is None and not worker.alive:
                    report.worker_died_at_s = round(time.monotonic() - started, 1)
                time.sleep(0.2)

        # the tracker is only touched by the pump thread while producing, then by this one
        pumper = threading.Thread(target=pump, name="fuzz-pump", daemon=True)
        pumper.start()
        try:
            producer.run(log)
        finally:
            pump_stop.set()
            pumper.join()
        report.produce_failures = producer.failed
        report.first_produce_error = producer.first_error
        log(
            f"produced {producer.delivered} records ({producer.failed} failed); "
            "waiting for the outputs"
        )

        died_at: float | None = None
        last_new = time.monotonic()
        deadline = time.monotonic() + cfg.timeout_s
        delivered = [i for i in plan.inputs if i.delivered]
        next_note = time.monotonic() + 10
        while True:
            new = tracker.add(reader.take())
            now = time.monotonic()
            if new:
                last_new = now
            waiting = sum(1 for i in delivered if i.n not in tracker.outs)
            if not waiting:
                break
            if not worker.alive:
                if died_at is None:
                    died_at = now
                    if report.worker_died_at_s is None:
                        report.worker_died_at_s = round(now - started, 1)
                    log("the worker died; collecting what it committed")
                elif now - died_at > 5:
                    break
            if now - last_new > cfg.quiet_s or now > deadline:
                break
            if now > next_note:
                log(f"{waiting} inputs still without output")
                next_note = now + 10
            time.sleep(0.2)
        settle_end = time.monotonic() + cfg.settle_s
        while time.monotonic() < settle_end:
            tracker.add(reader.take())
            time.sleep(0.2)
        tracker.add(reader.take(), final=True)
        end_ms = int(time.time() * 1000)
        report.worker_alive = worker.alive
        if not worker.alive and report.worker_died_at_s is None:
            report.worker_died_at_s = round(time.monotonic() - started, 1)
        report.reader_errors = dict(reader.errors)
        summarise(report, plan, tracker, end_ms, t0_ms)
    finally:
        if reader is not None:
            reader.stop()
        report.worker_exit = worker.stop()
        _log_findings(report, worker.log() if worker.log_path.exists() else "")
        report.seconds = round(time.monotonic() - started, 1)
        if not cfg.keep:
            try:
                delete_topics(settings)
            except Exception as exc:
                log(f"could not delete the run's topics: {exc}")
    if not cfg.keep and report.ok and cfg.work_dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return report


# =================================================================================================
# Command line
# =================================================================================================


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m tests.fuzz.run",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--bootstrap", default=None, help="Kafka (default: the local broker's)")
    p.add_argument("--malformed", type=int, default=10_000, help="fuzz records (big ones included)")
    p.add_argument("--valid", type=int, default=5_000, help="valid records")
    p.add_argument("--one-mb", type=int, default=20, help="values of about 1 MB (of --malformed)")
    p.add_argument("--ten-mb", type=int, default=6, help="values of 10 MB (of --malformed)")
    p.add_argument(
        "--edge",
        type=int,
        default=8,
        help="legal campaigns and STOPs whose routed copy is just under the worker's size limit "
        "(of --malformed; produced last)",
    )
    p.add_argument("--rate", type=float, default=2_000.0, help="records per second")
    p.add_argument("--gap", type=float, default=1.0, help="s between an opt-out and its campaign")
    p.add_argument("--partitions", type=int, default=4, help="CONSENT_GATE_PARTITIONS")
    p.add_argument("--quiet", type=float, default=75.0, help="s without output before giving up")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work-dir", type=Path, help="worker log and state (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the topics and the work dir")
    p.add_argument("--json", type=Path, help="write the figures to this file")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    bootstrap = (
        args.bootstrap
        or os.environ.get("CONSENT_GATE_TEST_BOOTSTRAP")
        or f"localhost:{os.environ.get('KAFKA_PORT') or 9092}"
    )
    t0 = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - t0:6.1f}s] {message}", flush=True)

    cfg = FuzzConfig(
        bootstrap=bootstrap,
        malformed=args.malformed,
        valid=args.valid,
        big_sizes=default_big_sizes(args.one_mb, args.ten_mb),
        edge=args.edge,
        rate=args.rate,
        gap_s=args.gap,
        seed=args.seed,
        partitions=args.partitions,
        quiet_s=args.quiet,
        work_dir=args.work_dir,
        keep=args.keep,
        log=log,
    )
    try:
        report = run(cfg)
    except HarnessError as exc:  # FuzzError, or the codec's
        print(f"fuzz-run: the run could not be carried out: {exc}", file=sys.stderr)
        return 2
    render(report)
    if args.json:
        args.json.write_text(report.to_json() + "\n", encoding="utf-8")
    if not report.ok:
        print(f"worker log and state: {report.work_dir}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
