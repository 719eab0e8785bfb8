"""The consent gate in Quix Streams, for benchmarks/compare.py (not part of consent-gate).

Runs in its own virtualenv (benchmarks/.venv-quix, with quixstreams and fastavro), so the
project's pinned dependencies stay as they are:

    benchmarks/.venv-quix/bin/python benchmarks/gatebench/quix_gate.py --bootstrap ... \\
        --group ... --state-dir ... --replies T --requests T --channel SMS=T ... \\
        --suppressed T --events T [--guarantee at-least-once|exactly-once]

route: the replies and the sends are concatenated (Quix aligns them by timestamp), each value is
decoded (Avro single-object, fastavro); INBOX sends go straight to their channel topic, byte for
byte; replies and CAMPAIGN sends are re-keyed by contact id with ``group_by`` (a repartition
topic). gate: a stateful ``apply`` (RocksDB state with its changelog topic) keeps an opt-out per
channel under the contact's key; a reply that is exactly an opt-out keyword
(``streams.core.keywords``, the same rules as consent-gate) opts that channel out and emits one
ConsentEvent; a CAMPAIGN send is forwarded untouched, or a SuppressedMessage is produced.

Only what the benchmark's traffic exercises: no opt-in, clicks, commands or dead letters.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

import fastavro  # type: ignore[import-untyped,unused-ignore]
from fastavro.schema import (  # type: ignore[import-untyped,unused-ignore]
    fingerprint,
    to_parsing_canonical_form,
)
from quixstreams import Application, State  # type: ignore[import-not-found,unused-ignore]
from quixstreams.models.serializers import (  # type: ignore[import-not-found,unused-ignore]
    Serializer,
)

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # for streams.core.keywords (standard library only)

from streams.core.keywords import Intent, KeywordPolicy  # noqa: E402

MAGIC = b"\xc3\x01"


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


class Raw(Serializer):  # type: ignore[misc]
    """Writes the bytes a value carries: the value itself, or the first item of a tuple."""

    def __call__(self, value: Any, ctx: Any) -> bytes:
        if isinstance(value, bytes):
            return value
        first: bytes = value[0]
        return first


class Key(Serializer):  # type: ignore[misc]
    """A key as bytes: the original key bytes, or the contact id after the repartition."""

    def __call__(self, value: Any, ctx: Any) -> bytes:
        return value.encode() if isinstance(value, str) else bytes(value)


def build(args: argparse.Namespace) -> Application:
    reply, outbound = Codec("inbound_reply"), Codec("outbound_message")
    suppressed, event = Codec("suppressed_message"), Codec("consent_event")
    policy = KeywordPolicy(("en",))
    app = Application(
        broker_address=args.bootstrap,
        consumer_group=args.group,
        auto_offset_reset="earliest",
        state_dir=args.state_dir,
        processing_guarantee=args.guarantee,
        loglevel="WARNING",
    )
    inputs = {"key_deserializer": "bytes", "value_deserializer": "bytes"}
    replies_t = app.topic(args.replies, **inputs)
    requests_t = app.topic(args.requests, **inputs)
    outputs = {"key_serializer": Key(), "value_serializer": Raw()}
    channel_topics = {}
    for pair in args.channel:
        channel, topic = pair.split("=", 1)
        channel_topics[channel] = app.topic(topic, **outputs)
    suppressed_t = app.topic(args.suppressed, **outputs)
    events_t = app.topic(args.events, **outputs)
    by_topic = {t.name: t for t in (*channel_topics.values(), suppressed_t, events_t)}

    # route: (raw, contact, channel, inbox)
    def route_send(value: bytes) -> tuple[bytes, str, str, bool]:
        m = outbound.decode(value)
        return value, m["contact_id"], m["channel"], m["origin"] == "INBOX"

    def route_reply(value: bytes) -> tuple[bytes, str, str, bool]:
        m = reply.decode(value)
        return value, m["contact_id"], m["channel"], False

    sends = app.dataframe(requests_t).apply(route_send)
    replies = app.dataframe(replies_t).apply(route_reply)
    routed = sends.concat(replies)
    inbox = routed.filter(lambda r: r[3])
    inbox.to_topic(lambda value, key, ts, headers: channel_topics[value[2]])
    by_contact = routed.filter(lambda r: not r[3]).group_by(
        lambda r: r[1],
        name="by-contact",
        key_serializer=Key(),
        value_serializer=Raw(),
        key_deserializer="str",
        value_deserializer="bytes",
    )

    # gate: state per contact, one entry per opted-out channel
    def gate(value: bytes, state: State) -> tuple[bytes, str] | None:
        head = value[:10]
        if head == outbound.header:
            msg = outbound.decode(value)
            channel = msg["channel"]
            entry = state.get(channel)
            if entry is None or entry["subscribed"] or msg["origin"] == "INBOX":
                return value, channel_topics[channel].name
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
                "suppressed_at_ms": int(time.time() * 1000),
                "original_value": value,
            }
            return suppressed.encode(record), suppressed_t.name
        if head != reply.header:
            return None  # not ours (consent-gate would dead-letter it)
        rep = reply.decode(value)
        match = policy.classify(rep["text"])
        if match.intent is not Intent.OPT_OUT or not match.exact:
            return None  # opt-in, help and contained keywords are not part of this benchmark
        channel = rep["channel"]
        before = state.get(channel)
        if before is not None and not before["subscribed"]:
            return None  # a repeated opt-out is no change
        state.set(
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
            "recorded_at_ms": int(time.time() * 1000),
            "raw_text": rep["text"],
            "keyword": match.keyword,
            "language": match.language,
            "campaign_id": None,
            "message_type": None,
            "reason": None,
            "proof": None,
        }
        return event.encode(ev), events_t.name

    gated = by_contact.apply(gate, stateful=True).filter(lambda v: v is not None)
    gated.to_topic(lambda value, key, ts, headers: by_topic[value[1]])
    return app


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="the consent gate in Quix Streams")
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--state-dir", required=True)
    ap.add_argument("--replies", required=True)
    ap.add_argument("--requests", required=True)
    ap.add_argument("--channel", action="append", required=True, help="CHANNEL=topic")
    ap.add_argument("--suppressed", required=True)
    ap.add_argument("--events", required=True)
    ap.add_argument("--guarantee", default="at-least-once")
    args = ap.parse_args(argv)
    app = build(args)
    print("quix gate started", flush=True)
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
