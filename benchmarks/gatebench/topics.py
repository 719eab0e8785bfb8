"""Creating and deleting the comparison's topics."""

from __future__ import annotations

import contextlib
import time

from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

#: The output topics stamp each record with the broker's clock when it is appended
#: (LogAppendTime): Kafka Streams and Quix copy the input's timestamp onto what they produce, so
#: only the broker's own clock times every system's outputs the same way.
OUTPUT_CONFIG = {"message.timestamp.type": "LogAppendTime"}


def admin(bootstrap: str) -> AdminClient:
    return AdminClient({"bootstrap.servers": bootstrap, "log_level": 3})


def create(
    bootstrap: str,
    topics: list[str],
    partitions: int,
    config: dict[str, str] | None = None,
) -> None:
    a = admin(bootstrap)
    have = set(a.list_topics(timeout=30).topics)
    new = [
        NewTopic(t, num_partitions=partitions, replication_factor=1, config=dict(config or {}))
        for t in topics
        if t not in have
    ]
    if not new:
        return
    for topic, fut in a.create_topics(new, operation_timeout=30).items():
        try:
            fut.result()
        except Exception as exc:
            if "already exists" not in str(exc).lower():
                raise RuntimeError(f"could not create topic {topic}: {exc}") from exc
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until every partition has a leader
        meta = a.list_topics(timeout=30).topics
        if all(
            t in meta
            and meta[t].error is None
            and len(meta[t].partitions) == partitions
            and all(p.leader >= 0 for p in meta[t].partitions.values())
            for t in topics
        ):
            return
        time.sleep(0.1)


def delete_matching(bootstrap: str, marker: str) -> int:
    """Delete every topic whose name contains ``marker`` (the run id)."""
    a = admin(bootstrap)
    mine = [t for t in a.list_topics(timeout=30).topics if marker in t]
    if mine:
        for fut in a.delete_topics(mine, operation_timeout=60).values():
            with contextlib.suppress(Exception):  # best effort
                fut.result()
    return len(mine)


def end_offsets_total(bootstrap: str, topic: str, timeout_s: float = 30.0) -> int:
    """The sum of ``topic``'s end offsets (how many records it has taken in); retried while the
    broker is still electing the leaders of a topic just created."""
    from confluent_kafka import Consumer, KafkaException, TopicPartition

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "gatebench-offsets", "log_level": 3})
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                meta = c.list_topics(topic, timeout=30).topics[topic]
                return sum(
                    c.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1]
                    for p in meta.partitions
                )
            except KafkaException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        c.close()
