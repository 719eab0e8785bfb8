"""The consent gate in Faust (faust-streaming), for benchmarks/compare (not part of consent-gate).

Runs in its own virtualenv (benchmarks/.venv-faust, with faust-streaming, rocksdict and
fastavro), so the project's pinned dependencies stay as they are:

    benchmarks/.venv-faust/bin/python benchmarks/gatebench/faust_gate.py --bootstrap ... \\
        --group ... --state-dir ... --partitions 8 --replies T --requests T \\
        --channel SMS=T ... --suppressed T --events T \\
        [--guarantee at_least_once|exactly_once] [--store rocksdb|memory]

The rules (decode, INBOX straight through, opt-out per channel, forward or suppress) are
gatebench/peer_gate.py's, the same as the Quix Streams gate's. Here, as Faust is written: an agent
``route`` reads the replies and the sends (one stream over both topics: Faust does not align
them by timestamp), writes an INBOX send to its channel topic and everything else to the
by-contact topic (``<group>-by-contact``, keyed by contact id); an agent ``gate`` reads that topic
with a table ``consent`` (contact id -> {channel: opt-out}, JSON values, RocksDB through
rocksdict with its changelog topic) and writes the forwarded send, the SuppressedMessage or the
ConsentEvent. Faust's defaults otherwise (commit every 2.8 s); no web server. A send to a channel
it has no topic for is dropped (consent-gate dead-letters it). ``--session-timeout``: the consumer
group's (tests/fault/peers.py runs it in the fault run with the harness's 6 s).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

import faust  # type: ignore[import-not-found,unused-ignore]
from faust.worker import Worker  # type: ignore[import-not-found,unused-ignore]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/: gatebench.peer_gate

from gatebench.peer_gate import EVENTS, SUPPRESSED, Entry, Rules, peer_args

RAW = {"key_serializer": "raw", "value_serializer": "raw"}


def build(args: argparse.Namespace) -> Any:
    rules = Rules()
    store = "rocksdb://" if args.store == "rocksdb" else "memory://"
    timeouts = {}
    if args.session_timeout is not None:  # the fault run's (tests/fault/peers.py); else Faust's
        timeouts = {
            "broker_session_timeout": args.session_timeout,
            "broker_heartbeat_interval": min(3.0, args.session_timeout / 3),
        }
    app = faust.App(
        args.group,
        broker=f"kafka://{args.bootstrap}",
        store=store,
        datadir=args.state_dir,
        processing_guarantee=args.guarantee,
        topic_partitions=args.partitions,
        topic_replication_factor=1,
        consumer_auto_offset_reset="earliest",
        web_enabled=False,
        autodiscover=False,
        **timeouts,
    )
    inputs = app.topic(args.replies, args.requests, **RAW)
    by_contact = app.topic(
        f"{args.group}-by-contact", partitions=args.partitions, internal=True, **RAW
    )
    channel_topics = {}
    for pair in args.channel:
        channel, topic = pair.split("=", 1)
        channel_topics[channel] = app.topic(topic, **RAW)
    by_target = {
        **channel_topics,
        SUPPRESSED: app.topic(args.suppressed, **RAW),
        EVENTS: app.topic(args.events, **RAW),
    }
    options = {"driver": "rocksdict"} if args.store == "rocksdb" else None
    # keys: the contact id as bytes (key_type=bytes: the changelog's keys are raw, also when the
    # table is recovered from it; without it Faust reads them back as JSON and the recovery
    # fails); values: JSON
    consent = app.Table("consent", partitions=args.partitions, options=options, key_type=bytes)

    @app.agent(inputs)  # type: ignore[untyped-decorator,unused-ignore]
    async def route(stream: Any) -> None:
        async for event in stream.events():
            routed = rules.route(event.value)
            if routed is None:
                continue
            value, contact, channel, inbox = routed
            if inbox:
                if channel in channel_topics:  # else: consent-gate would dead-letter it
                    await channel_topics[channel].send(key=event.key, value=value)
            else:
                await by_contact.send(key=contact.encode(), value=value)

    @app.agent(by_contact)  # type: ignore[untyped-decorator,unused-ignore]
    async def gate(stream: Any) -> None:
        async for event in stream.events():
            key = event.key
            entries: dict[str, Entry] = consent.get(key) or {}

            def put(channel: str, entry: Entry, key: bytes = key) -> None:
                consent[key] = {**(consent.get(key) or {}), channel: entry}

            out = rules.gate(event.value, entries.get, put)
            if out is not None and out[1] in by_target:  # else an unknown channel: dropped
                value, target = out
                await by_target[target].send(key=key, value=value)

    return app


def main(argv: list[str] | None = None) -> int:
    ap = peer_args("the consent gate in Faust", "at_least_once")
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--store", choices=("rocksdb", "memory"), default="rocksdb")
    ap.add_argument("--session-timeout", type=float, help="seconds (default: Faust's, 60)")
    args = ap.parse_args(argv)
    app = build(args)
    print(f"faust gate started ({args.guarantee}, store {args.store})", flush=True)
    worker = Worker(app, loglevel=logging.WARNING, quiet=True)
    worker.execute_from_commandline()  # returns on SIGTERM, after a clean stop
    return 0


if __name__ == "__main__":
    sys.exit(main())
