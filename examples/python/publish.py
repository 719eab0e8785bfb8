"""Publish consent-gate's inputs: a reply, a link click, a send request (an upstream publisher).

    python publish.py reply +15550100001 SMS "STOP"
    python publish.py click +15550100002 EMAIL --kind UNSUBSCRIBE --message-id msg-41
    python publish.py send  +15550100002 SMS --campaign spring --type promotion --body "20% off"

What the gate expects of every input (docs/integrating.md):

* the topic: messaging.inbound.replies, messaging.link.clicks, messaging.outbound.requests
  (with the deployment's CONSENT_GATE_TOPIC_PREFIX in front, --topic-prefix);
* the key: the contact id, UTF-8 (the gate re-partitions by contact itself; any partitioner works);
* the value: Avro single-object encoded, the current schemas/<record>/vN.avsc;
* an id that identifies the event and stays the same when you publish it again (a provider's
  message id, your send's id): replies and clicks `event_id` (the proof of an opt-out), sends
  `message_id` (what the senders de-duplicate on);
* the Kafka timestamp: leave it to the producer (CreateTime, now). The gate decides each contact's
  inputs in the order of these timestamps, so publish as soon as the event happens, from a
  machine on NTP; the event's own time goes in its field (received_at_ms, clicked_at_ms,
  requested_at_ms, epoch milliseconds UTC), which the gate keeps as the proof's time.

Prints what it published as one JSON line. An example for integrators: it uses confluent-kafka
and fastavro, not consent-gate.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from confluent_kafka import KafkaException, Producer
from single_object import Codec

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
TOPICS = {
    "reply": ("messaging.inbound.replies", "inbound_reply"),
    "click": ("messaging.link.clicks", "link_click"),
    "send": ("messaging.outbound.requests", "outbound_message"),
}


def now_ms() -> int:
    return int(time.time() * 1000)


def build(args: argparse.Namespace) -> dict[str, Any]:
    """The record, every field of the schema set (fastavro writes the fields it is given)."""
    if args.what == "reply":
        return {
            "event_id": args.event_id or f"reply-{uuid.uuid4()}",
            "contact_id": args.contact,
            "channel": args.channel,
            "text": args.text,
            "received_at_ms": args.at or now_ms(),
            "in_reply_to_message_id": args.in_reply_to,
            "campaign_id": args.campaign,
            "message_type": args.type,
        }
    if args.what == "click":
        return {
            "event_id": args.event_id or f"click-{uuid.uuid4()}",
            "contact_id": args.contact,
            "channel": args.channel,
            "kind": args.kind,  # UNSUBSCRIBE, ONE_CLICK_UNSUBSCRIBE (POST only) or OTHER
            "http_method": args.method,
            "prefetch": args.prefetch,  # a security scanner's prefetch never unsubscribes
            "url": args.url,
            "message_id": args.message_id,  # the message that carried the link
            "campaign_id": args.campaign,
            "message_type": args.type,
            "feedback_reason": args.reason,
            "clicked_at_ms": args.at or now_ms(),
        }
    return {
        "message_id": args.message_id or f"msg-{uuid.uuid4()}",
        "contact_id": args.contact,
        "channel": args.channel,
        "origin": args.origin,  # CAMPAIGN: subject to consent; INBOX: a conversation, never held
        "campaign_id": args.campaign,
        "message_type": args.type,
        "recipient": args.recipient,
        "template_id": None,
        "body": args.body,
        "requested_at_ms": args.at or now_ms(),
        "attributes": {},
    }


def parse(argv: list[str]) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--bootstrap", default="localhost:9092")
    common.add_argument("--topic-prefix", default="", help="CONSENT_GATE_TOPIC_PREFIX")
    common.add_argument("--schemas", type=Path, default=SCHEMAS, help="the schemas/ folder")
    common.add_argument("--campaign")
    common.add_argument("--type", help="message type, e.g. promotion, newsletter")
    common.add_argument("--at", type=int, help="the event's time, epoch ms (default now)")
    common.add_argument("--header", action="append", default=[], help="KEY=VALUE, repeatable")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    reply = sub.add_parser("reply", parents=[common], help="a contact's reply (e.g. STOP)")
    reply.add_argument("--event-id", help="the provider's id of the reply (default: a UUID)")
    reply.add_argument("--in-reply-to", help="the message id the reply answers")
    click = sub.add_parser("click", parents=[common], help="a tracked link was followed")
    click.add_argument("--event-id", help="the tracker's id of the click (default: a UUID)")
    click.add_argument("--kind", default="UNSUBSCRIBE")
    click.add_argument("--method", default="GET")
    click.add_argument("--prefetch", action="store_true")
    click.add_argument("--url")
    click.add_argument("--message-id")
    click.add_argument("--reason", help="feedback the contact gave on the unsubscribe page")
    send = sub.add_parser("send", parents=[common], help="a request to send one message")
    send.add_argument("--message-id", help="stable across retries (default: a UUID)")
    send.add_argument("--origin", default="CAMPAIGN", choices=["CAMPAIGN", "INBOX"])
    send.add_argument("--recipient", help="phone number, e-mail address, platform user id")
    send.add_argument("--body")
    for p in (reply, click, send):
        p.add_argument("contact")
        p.add_argument("channel")
    reply.add_argument("text")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    topic, record_name = TOPICS[args.what]
    topic = args.topic_prefix + topic
    record = build(args)
    try:
        value = Codec(args.schemas, record_name).encode(record)
    except (OSError, ValueError) as exc:  # no schemas folder, a field the schema refuses
        print(f"publish: {exc}", file=sys.stderr)
        return 2
    headers = [(k, v.encode()) for k, _, v in (h.partition("=") for h in args.header)]
    producer = Producer(
        {
            "bootstrap.servers": args.bootstrap,
            "enable.idempotence": True,  # retries never duplicate (acks=all)
            "linger.ms": 5,
        }
    )
    failed: list[str] = []

    def delivered(err: Any, _msg: Any) -> None:
        if err is not None:
            failed.append(str(err))

    try:
        # no timestamp given: the producer stamps CreateTime (now), the order the gate decides in
        producer.produce(
            topic,
            key=args.contact.encode(),
            value=value,
            headers=headers,
            on_delivery=delivered,
        )
        left = producer.flush(30)
    except KafkaException as exc:
        print(f"publish: Kafka refused the record: {exc}", file=sys.stderr)
        return 1
    if left or failed:
        print(f"publish: not delivered to {topic}: {failed or 'timed out'}", file=sys.stderr)
        return 1
    print(json.dumps({"topic": topic, **record}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
