"""The gate's rules for the peers written in Python (Quix Streams, Faust), in one place.

Standard library and fastavro only (plus ``streams.core.keywords``, itself standard library
only), so that the peers' own virtualenvs (benchmarks/.venv-quix, benchmarks/.venv-faust) can
import it without the project's pinned dependencies.

route: each value is decoded (Avro single-object, fastavro); an INBOX send goes straight to its
channel topic, byte for byte; a reply or a CAMPAIGN send is re-keyed by contact id (each peer's
own repartition). gate: an opt-out per channel kept under the contact's key; a reply that is
exactly an opt-out keyword (``streams.core.keywords``, the same rules as consent-gate) opts that
channel out and emits one ConsentEvent; a CAMPAIGN send is forwarded untouched, or a
SuppressedMessage is produced. Only what the benchmark's traffic exercises: no opt-in, clicks,
commands or dead letters.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastavro  # type: ignore[import-untyped,unused-ignore]
from fastavro.schema import (  # type: ignore[import-untyped,unused-ignore]
    fingerprint,
    to_parsing_canonical_form,
)

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # for streams.core.keywords (standard library only)

from streams.core.keywords import Intent, KeywordPolicy  # noqa: E402

MAGIC = b"\xc3\x01"

#: Where :meth:`Rules.gate` sends what it writes besides a channel name.
SUPPRESSED = "SUPPRESSED"
EVENTS = "EVENTS"

#: One channel's opt-out under a contact's key (a JSON-able dict, as Quix and Faust store it).
Entry = dict[str, Any]
#: (raw value, contact id, channel, INBOX?)
Routed = tuple[bytes, str, str, bool]


class Codec:
    """The current version of one record of the contract (schemas/<record>/vN.avsc)."""

    def __init__(self, record: str) -> None:
        files = sorted((REPO / "schemas" / record).glob("v*.avsc"), key=lambda p: int(p.stem[1:]))
        raw = json.loads(files[-1].read_text(encoding="utf-8"))
        self.schema = fastavro.parse_schema(raw)
        canonical = to_parsing_canonical_form(raw)
        self.header = MAGIC + bytes.fromhex(fingerprint(canonical, "CRC-64-AVRO"))

    def decode(self, value: bytes) -> dict[str, Any]:
        buf = io.BytesIO(value)
        buf.seek(len(self.header))
        record = fastavro.schemaless_reader(buf, self.schema, None)
        assert isinstance(record, dict)
        return record

    def encode(self, record: dict[str, Any]) -> bytes:
        buf = io.BytesIO()
        buf.write(self.header)
        fastavro.schemaless_writer(buf, self.schema, record)
        return buf.getvalue()


def now_ms() -> int:
    return int(time.time() * 1000)


class Rules:
    """route and gate, independent of the stream library that calls them."""

    def __init__(self) -> None:
        self.reply = Codec("inbound_reply")
        self.outbound = Codec("outbound_message")
        self.suppressed = Codec("suppressed_message")
        self.event = Codec("consent_event")
        self.policy = KeywordPolicy(("en",))

    def route_send(self, value: bytes) -> Routed:
        m = self.outbound.decode(value)
        return value, m["contact_id"], m["channel"], m["origin"] == "INBOX"

    def route_reply(self, value: bytes) -> Routed:
        m = self.reply.decode(value)
        return value, m["contact_id"], m["channel"], False

    def route(self, value: bytes) -> Routed | None:
        """A send or a reply, told apart by its schema fingerprint (None: neither)."""
        head = value[:10]
        if head == self.outbound.header:
            return self.route_send(value)
        if head == self.reply.header:
            return self.route_reply(value)
        return None

    def gate(
        self,
        value: bytes,
        get: Callable[[str], Entry | None],
        put: Callable[[str, Entry], None],
    ) -> tuple[bytes, str] | None:
        """Decide one routed record with the contact's entries (``get``/``put`` by channel):
        (what to write, a channel name or SUPPRESSED or EVENTS), or None (nothing to write)."""
        head = value[:10]
        if head == self.outbound.header:
            msg = self.outbound.decode(value)
            channel = msg["channel"]
            entry = get(channel)
            if entry is None or entry["subscribed"] or msg["origin"] == "INBOX":
                return value, channel
            record = {
                "message_id": msg["message_id"],
                "contact_id": msg["contact_id"],
                "channel": channel,
                "campaign_id": msg["campaign_id"],
                "message_type": msg["message_type"],
                "reason": "OPTED_OUT",
                "opted_out_at_ms": entry["changed_at_ms"],
                "opt_out_source": entry["source"],
                "opt_out_event_id": entry["event_id"],
                "suppressed_at_ms": now_ms(),
                "original_value": value,
            }
            return self.suppressed.encode(record), SUPPRESSED
        if head != self.reply.header:
            return None  # not ours (consent-gate would dead-letter it)
        rep = self.reply.decode(value)
        match = self.policy.classify(rep["text"])
        if match.intent is not Intent.OPT_OUT or not match.exact:
            return None  # opt-in, help and contained keywords are not part of this benchmark
        channel = rep["channel"]
        before = get(channel)
        if before is not None and not before["subscribed"]:
            return None  # a repeated opt-out is no change
        put(
            channel,
            {
                "subscribed": False,
                "changed_at_ms": rep["received_at_ms"],
                "source": "KEYWORD",
                "event_id": rep["event_id"],
                "raw_text": rep["text"],
                "changes": 1 if before is None else before["changes"] + 1,
            },
        )
        ev = {
            "event_id": f"{rep['event_id']}/{channel}/OPTED_OUT",
            "contact_id": rep["contact_id"],
            "channel": channel,
            "type": "OPTED_OUT",
            "subscribed": False,
            "previous_subscribed": True,
            "source": "KEYWORD",
            "trigger_event_id": rep["event_id"],
            "occurred_at_ms": rep["received_at_ms"],
            "recorded_at_ms": now_ms(),
            "raw_text": rep["text"],
            "keyword": match.keyword,
            "language": match.language,
            "campaign_id": None,
            "message_type": None,
            "reason": None,
            "proof": None,
        }
        return self.event.encode(ev), EVENTS


def peer_args(description: str, guarantee: str) -> argparse.ArgumentParser:
    """The options every peer gate takes (benchmarks/gatebench/systems.py passes them)."""
    ap = argparse.ArgumentParser(description=description)
    for name in ("--bootstrap", "--group", "--state-dir", "--replies", "--requests"):
        ap.add_argument(name, required=True)
    ap.add_argument("--channel", action="append", required=True, help="CHANNEL=topic")
    ap.add_argument("--suppressed", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--guarantee", default=guarantee)
    return ap
