"""A downstream sender: reads what consent-gate lets through and "sends" each message once.

    python sender.py --channels SMS,EMAIL --group sms-sender --seen seen.sqlite

* It reads the channel topics messaging.outbound.<channel> (with the deployment's topic prefix),
  where the gate forwards a CAMPAIGN message only while the contact is subscribed on that channel,
  every INBOX message, and its own replies (an opt-out confirmation, a help text: INBOX messages
  with the header consent-gate-reply).
* isolation.level=read_committed: the gate writes in Kafka transactions; a worker that crashes
  mid-transaction leaves records the broker marks aborted, and only a committed reader skips them.
* It de-duplicates on message_id, kept in a SQLite file: a redelivery (a restart before the
  offsets were committed, an upstream retry of the same send) is skipped, so each message is sent
  once. The offsets are committed after the message was handled (at least once + de-duplication).
* A forwarded message is the publisher's record byte for byte (key, value, headers).

"Sending" prints one JSON line per message. Stops after --idle-s seconds without a new record
once it has its partitions (0: runs until Ctrl-C). An example for integrators: confluent-kafka
and fastavro, not consent-gate.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, Message
from single_object import Codec

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
REPLY_HEADER = "consent-gate-reply"


class Seen:
    """The message ids already sent, in a SQLite file (survives restarts)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS sent (message_id TEXT PRIMARY KEY)")

    def already_sent(self, message_id: str) -> bool:
        row = self.db.execute("SELECT 1 FROM sent WHERE message_id = ?", (message_id,))
        return row.fetchone() is not None

    def mark_sent(self, message_id: str) -> None:
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO sent (message_id) VALUES (?)", (message_id,))


def send(message: dict[str, Any], headers: dict[str, str]) -> None:
    """Hand the message to the provider: here, one JSON line on stdout."""
    print(
        json.dumps(
            {
                "message_id": message["message_id"],
                "contact_id": message["contact_id"],
                "channel": message["channel"],
                "origin": message["origin"],
                "campaign_id": message["campaign_id"],
                "message_type": message["message_type"],
                "body": message["body"],
                "reply": headers.get(REPLY_HEADER),  # a gate's reply: opt-out-confirmation, help
                "headers": headers,
            }
        ),
        flush=True,
    )


def handle(msg: Message, codec: Codec, seen: Seen) -> None:
    raw_headers: list[tuple[str, Any]] = msg.headers() or []  # type: ignore[assignment]
    headers = {k: (v or b"").decode() for k, v in raw_headers}
    try:
        message = codec.decode(msg.value() or b"")
    except ValueError as exc:  # not ours to send: say so, never guess
        print(
            f"sender: skipped {msg.topic()}[{msg.partition()}]@{msg.offset()}: {exc}",
            file=sys.stderr,
        )
        return
    if seen.already_sent(message["message_id"]):
        print(f"sender: duplicate {message['message_id']} skipped", file=sys.stderr, flush=True)
        return
    send(message, headers)
    seen.mark_sent(message["message_id"])  # after the provider took it: a crash between sends again


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bootstrap", default="localhost:9092")
    parser.add_argument("--topic-prefix", default="", help="CONSENT_GATE_TOPIC_PREFIX")
    parser.add_argument("--channels", default="SMS", help="comma-separated, e.g. SMS,WHATSAPP")
    parser.add_argument("--group", default="consent-gate-example-sender")
    parser.add_argument("--seen", type=Path, default=Path("sent-message-ids.sqlite"))
    parser.add_argument("--schemas", type=Path, default=SCHEMAS, help="the schemas/ folder")
    parser.add_argument("--idle-s", type=float, default=0, help="stop after this long idle")
    args = parser.parse_args(argv)
    topics = [
        f"{args.topic_prefix}messaging.outbound.{c.strip().lower()}"
        for c in args.channels.split(",")
        if c.strip()
    ]
    try:
        codec = Codec(args.schemas, "outbound_message")
    except OSError as exc:
        print(f"sender: {exc}", file=sys.stderr)
        return 2
    seen = Seen(args.seen)
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group,
            "isolation.level": "read_committed",  # librdkafka's default; Java's is not
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    last: float | None = None  # the last record's time; the idle time counts from the assignment

    def assigned(_consumer: Any, _partitions: Any) -> None:
        nonlocal last
        last = time.monotonic()

    consumer.subscribe(topics, on_assign=assigned)
    try:
        while not args.idle_s or last is None or time.monotonic() - last < args.idle_s:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            error = msg.error()
            if error is not None:
                print(f"sender: {error}", file=sys.stderr)
                if error.fatal():
                    return 1
                continue
            handle(msg, codec, seen)
            consumer.commit(message=msg, asynchronous=False)  # after it was sent
            last = time.monotonic()
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
