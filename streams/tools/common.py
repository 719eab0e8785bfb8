"""What the bulk tools share: reading a time, reading a topic to its end, a progress bar."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from streams.kafka.admin import StartupError, check_created, existing_topics, new_topic, replication
from streams.kafka.aiokafka_internals import fetch_all_metadata
from streams.kafka.restore import batches_to_end
from streams.kafka.security import client_options, connection_problem
from streams.settings import Settings

#: Earliest time a bulk tool accepts (anything before is a unit mistake, e.g. seconds for ms).
EARLIEST_MS = int(datetime(1990, 1, 1, tzinfo=UTC).timestamp() * 1000)
#: How far in the future a time may be (clock skew between the exporting system and ours).
FUTURE_SLACK = timedelta(days=1)


class ToolError(RuntimeError):
    """A bulk tool cannot go on; the message says what and how to fix it."""


def parse_time(text: str, *, now_ms: int | None = None) -> int:
    """Epoch milliseconds from ISO-8601 with a time zone (``2024-03-01T12:00:00Z``,
    ``2024-03-01T13:00:00+01:00``) or epoch milliseconds (``1709294400000``); ValueError with the
    reason otherwise. A time before 1990 or more than a day ahead is refused (epoch seconds given
    for milliseconds, or a wrong year)."""
    text = text.strip()
    if not text:
        raise ValueError("time is empty")
    if text.isdigit():
        ms = int(text)
    else:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"time {text!r} is neither ISO-8601 nor epoch milliseconds") from None
        if parsed.tzinfo is None:
            raise ValueError(f"time {text!r} has no time zone (add Z or +00:00)")
        ms = int(parsed.timestamp() * 1000)
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    if ms < EARLIEST_MS:
        raise ValueError(f"time {text!r} is before 1990 (epoch seconds instead of milliseconds?)")
    if ms > now_ms + FUTURE_SLACK / timedelta(milliseconds=1):
        raise ValueError(f"time {text!r} is more than a day in the future")
    return ms


def iso(ms: int | None) -> str:
    """``ms`` as ISO-8601 UTC with milliseconds (empty for None)."""
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


async def ensure_compacted_topic(settings: Settings, name: str) -> None:
    """Create the compacted, one-partition topic ``name`` (a tool's own records: replay marks,
    review decisions) unless it exists."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=f"{settings.app_id}-admin",
        **client_options(settings),
    )
    await admin.start()
    try:
        if name in await admin.list_topics():
            return
        replicas = await replication(admin, settings)
        topic = new_topic(name, 1, replicas, {"cleanup.policy": "compact"})
        check_created(settings, await admin.create_topics([topic]))
    finally:
        await admin.close()


async def require_topics(settings: Settings, topics: list[str], hint: str) -> set[str]:
    """ToolError naming the first of ``topics`` the broker does not have; else every topic
    it has."""
    try:
        have = await existing_topics(settings)
    except StartupError as exc:
        raise ToolError(str(exc)) from None
    for topic in topics:
        if topic not in have:
            raise ToolError(
                f"Topic {topic} does not exist on {settings.bootstrap_servers}: {hint}."
            )
    return have


async def read_to_end(
    settings: Settings,
    topic: str,
    *,
    on_total: Callable[[int], None] = lambda _n: None,
    client_id: str = "consent-gate-tool",
) -> AsyncIterator[Any]:
    """Every committed record of every partition of ``topic``, from the beginning to the end it
    had when reading started (``read_committed``: records of aborted transactions are skipped).
    ``on_total`` gets the number of offsets to read (an upper bound: transaction markers and
    aborted records take offsets too)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=client_id,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 1024 * 1024,
        fetch_max_bytes=32 * 1024 * 1024,
        **client_options(settings),
    )
    try:
        await consumer.start()
    except (KafkaError, OSError, TimeoutError) as exc:
        await consumer.stop()
        raise ToolError(await connection_problem(settings, exc, 10.0)) from None
    try:
        cluster = await fetch_all_metadata(consumer)
        partitions = cluster.partitions_for_topic(topic)
        if not partitions:
            raise ToolError(f"Topic {topic} has no partitions on {settings.bootstrap_servers}.")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        starts = await consumer.beginning_offsets(tps)
        ends = await consumer.end_offsets(tps)  # the last stable offsets (read_committed)
        on_total(sum(ends[tp] - starts[tp] for tp in tps))
        todo = {tp: ends[tp] for tp in tps if ends[tp] > starts[tp]}
        async for _, msgs in batches_to_end(consumer, todo, max_records=20_000, timeout_ms=500):
            for m in msgs:
                yield m
    finally:
        await consumer.stop()
