"""A raw consume -> produce pass-through: every input record copied, undecoded, to one topic.

The floor of what a Python Kafka program pays per record, with the client library alone:

    .venv/bin/python benchmarks/gatebench/passthrough.py aiokafka|confluent \\
        --bootstrap localhost:9092 --group g --output out-topic in-topic [in-topic ...]

Consumer group ``--group`` from the earliest offset (auto-commit), producer acks=all, linger
5 ms (consent-gate's settings). SIGTERM stops it after flushing.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from typing import Any


async def run_aiokafka(args: argparse.Namespace) -> None:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    consumer = AIOKafkaConsumer(
        *args.inputs,
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        auto_offset_reset="earliest",
        max_poll_records=2000,
    )
    producer = AIOKafkaProducer(bootstrap_servers=args.bootstrap, acks="all", linger_ms=5)
    await consumer.start()
    await producer.start()
    pending: list[asyncio.Future[Any]] = []
    try:
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=100, max_records=2000)
            for msgs in batch.values():
                for m in msgs:
                    pending.append(
                        await producer.send(args.output, m.value, key=m.key, headers=m.headers)
                    )
            if len(pending) > 20_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
        await consumer.stop()


def run_confluent(args: argparse.Namespace) -> None:
    from confluent_kafka import Consumer, Producer

    stopping = False

    def on_signal(_sig: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    consumer = Consumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": args.group,
            "auto.offset.reset": "earliest",
        }
    )
    producer = Producer({"bootstrap.servers": args.bootstrap, "acks": "all", "linger.ms": 5})
    consumer.subscribe(list(args.inputs))
    try:
        while not stopping:
            for m in consumer.consume(2000, 0.1):
                if m.error() is not None:
                    continue
                while True:
                    try:
                        producer.produce(args.output, m.value(), m.key(), headers=m.headers())
                        break
                    except BufferError:
                        producer.poll(0.05)
            producer.poll(0)
        producer.flush(30)
    finally:
        consumer.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="raw Kafka pass-through")
    ap.add_argument("client", choices=["aiokafka", "confluent"])
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args(argv)
    print(f"pass-through ({args.client}) started", flush=True)
    if args.client == "aiokafka":
        asyncio.run(run_aiokafka(args))
    else:
        run_confluent(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
