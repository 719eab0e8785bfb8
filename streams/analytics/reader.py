"""Reading a topic once, from its beginning to the end it had when reading began (committed
records only), for the report and the exports, with a progress bar on stderr.

Every value is decoded once, here; a value that is not the expected record is left out and
counted (the report says how many and why), since a reader cannot dead-letter what it reads.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from streams.kafka.aiokafka_internals import fetch_all_metadata
from streams.kafka.restore import batches_to_end
from streams.kafka.security import client_options, connection_problem
from streams.models.contract import Contract, DecodeError, RecordName
from streams.settings import Settings


class ReadError(RuntimeError):
    """A topic could not be read to its end, said in one sentence."""


@dataclass
class Read:
    """The decoded records of one topic, in partition order, and what could not be decoded."""

    topic: str
    exists: bool
    records: list[dict[str, Any]] = field(default_factory=list)
    undecodable: int = 0
    first_error: str = ""

    def warning(self) -> str | None:
        if not self.undecodable:
            return None
        return (
            f"{self.undecodable} record(s) of {self.topic} could not be read and are left out "
            f"(first: {self.first_error})"
        )


async def read_topic(
    settings: Settings,
    topic: str,
    record: RecordName,
    contract: Contract,
    console: Console | None = None,
    timeout_s: float = 120.0,
) -> Read:
    """Every committed ``record`` of ``topic`` up to its end (the last stable offset when
    reading starts). A topic that does not exist reads as ``exists=False`` and empty."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",  # the worker writes in transactions
        **client_options(settings),
    )
    try:
        await consumer.start()
    except (KafkaError, OSError, TimeoutError) as exc:
        await consumer.stop()  # else "Unclosed AIOKafkaConsumer" when it is collected
        raise ReadError(await connection_problem(settings, exc, 10.0)) from None
    try:
        # Fresh metadata of every topic (what consumer.topics() fetches, with the partitions:
        # the consumer's own cached view knows no topic it has not been assigned yet).
        cluster = await fetch_all_metadata(consumer)
        numbers = cluster.partitions_for_topic(topic)
        if not numbers:
            return Read(topic, exists=False)
        tps = [TopicPartition(topic, p) for p in sorted(numbers)]
        consumer.assign(tps)
        begins = await consumer.beginning_offsets(tps)
        ends = await consumer.end_offsets(tps)
        await consumer.seek_to_beginning(*tps)
        return await _read(consumer, topic, record, contract, begins, ends, console, timeout_s)
    finally:
        await consumer.stop()


async def _read(
    consumer: AIOKafkaConsumer,
    topic: str,
    record: RecordName,
    contract: Contract,
    begins: dict[TopicPartition, int],
    ends: dict[TopicPartition, int],
    console: Console | None,
    timeout_s: float,
) -> Read:
    result = Read(topic, exists=True)
    todo = {tp: end for tp, end in ends.items() if end > begins[tp]}
    total = sum(end - begins[tp] for tp, end in todo.items())
    progress = Progress(
        TextColumn("reading {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=True,  # a bar while reading; the report follows on stdout
    )
    deadline = time.monotonic() + timeout_s
    with progress:
        task = progress.add_task(topic, total=total)
        try:
            async for _, msgs in batches_to_end(consumer, todo, deadline=deadline):
                for m in msgs:
                    try:
                        result.records.append(contract.decode(record, m.value or b""))
                    except DecodeError as exc:
                        result.undecodable += 1
                        result.first_error = result.first_error or f"offset {m.offset}: {exc}"
                done = [
                    min(await consumer.position(tp), end) - begins[tp] for tp, end in todo.items()
                ]
                progress.update(task, completed=sum(done))
        except TimeoutError:
            raise ReadError(
                f"Could not read {topic} to its end within {timeout_s:.0f}s "
                "(an open transaction of a stopped worker holds it back until the broker "
                "aborts it): try again in a minute."
            ) from None
        progress.update(task, completed=total)
    return result
