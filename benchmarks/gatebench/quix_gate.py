"""The consent gate in Quix Streams, for benchmarks/compare.py (not part of consent-gate).

Runs in its own virtualenv (benchmarks/.venv-quix, with quixstreams and fastavro), so the
project's pinned dependencies stay as they are:

    benchmarks/.venv-quix/bin/python benchmarks/gatebench/quix_gate.py --bootstrap ... \\
        --group ... --state-dir ... --replies T --requests T --channel SMS=T ... \\
        --suppressed T --events T [--guarantee at-least-once|exactly-once]

The rules (decode, INBOX straight through, opt-out per channel, forward or suppress) are
gatebench/peer_gate.py's, shared with the Faust gate. Here: the replies and the sends are
concatenated (Quix aligns them by timestamp); replies and CAMPAIGN sends are re-keyed by contact id
with ``group_by`` (a repartition topic); the gate is a stateful ``apply`` (RocksDB state with its
changelog topic) that keeps an opt-out per channel under the contact's key.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from quixstreams import Application, State  # type: ignore[import-not-found,unused-ignore]
from quixstreams.models.serializers import (  # type: ignore[import-not-found,unused-ignore]
    Serializer,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: gatebench.peer_gate

from gatebench.peer_gate import EVENTS, SUPPRESSED, Entry, Rules, peer_args


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
    rules = Rules()
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
    by_target = {**channel_topics, SUPPRESSED: suppressed_t, EVENTS: events_t}

    sends = app.dataframe(requests_t).apply(rules.route_send)
    replies = app.dataframe(replies_t).apply(rules.route_reply)
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
        def put(channel: str, entry: Entry) -> None:
            state.set(channel, entry)

        return rules.gate(value, state.get, put)

    gated = by_contact.apply(gate, stateful=True).filter(lambda v: v is not None)
    gated.to_topic(lambda value, key, ts, headers: by_target[value[1]])
    return app


def main(argv: list[str] | None = None) -> int:
    ap = peer_args("the consent gate in Quix Streams", "at-least-once")
    args = ap.parse_args(argv)
    app = build(args)
    print("quix gate started", flush=True)
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
