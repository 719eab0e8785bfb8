"""``consent-gate deadletter replay``: re-publish dead letters to the topic they came from, after a
fix (a bad deploy, a channel added to CONSENT_GATE_CHANNELS, a producer that was repaired).

Each dead letter on the dead-letter topic (read to its end, ``read_committed``) that matches
``--code`` and ``--since`` (its ``failed_at_ms``) is re-published with its original key, value
bytes and headers to its ``source_topic``, in its original partition when the topic still has it.
The Kafka timestamp is the time of the replay: the gate decides the record now, on the consent
known now (a replayed campaign to a contact who opted out since is suppressed).

Skipped, and counted: dead letters whose original is not whole (``value_truncated``, or key or
headers left out to fit), without a value, from the gate's internal topics (the by-contact topic,
the changelog: such a record cannot be re-published as it was read), from any other topic that is
not one of the gate's inputs, and those replayed before.

Idempotence: the records and, for each, a ``ReplayMark`` keyed by the dead letter's coordinates
on ``<app_id>-deadletter-replays`` (compacted) are written by one transactional producer in the
same transactions, so a mark exists exactly when its record was re-published. A second replay of
the same range reads the marks first and skips what was replayed: every dead letter is replayed
at most once, whatever the filters, and a replay that crashed is simply run again. A replayed
record that fails again is a *new* dead letter (new offset), which can be replayed in turn.
``--dry-run`` reads and counts only.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from rich.console import Console

from streams.kafka.admin import existing_topics
from streams.kafka.security import client_options
from streams.models.contract import Contract, DecodeError, RecordName
from streams.processing.records import LEFT_OUT
from streams.settings import Settings
from streams.tools.common import (
    ToolError,
    ensure_compacted_topic,
    progress,
    read_to_end,
    require_topics,
)

#: Dead letters re-published per transaction.
TRANSACTION_RECORDS = 1_000

SKIP_REPLAYED = "replayed before"
SKIP_TRUNCATED = "original not whole (truncated, or key/headers left out)"
SKIP_NO_VALUE = "no original value"
SKIP_INTERNAL = "from an internal topic"
SKIP_UNKNOWN_TOPIC = "from a topic that is not an input"
SKIP_UNREADABLE = "not a readable dead letter"


@dataclass
class ReplayReport:
    dry_run: bool
    read: int = 0
    matched: int = 0
    replayed: Counter[str] = field(default_factory=Counter)  # per target topic
    skipped: Counter[str] = field(default_factory=Counter)  # per reason

    def summary(self) -> str:
        verb = "would replay" if self.dry_run else "replayed"
        total = sum(self.replayed.values())
        per_topic = ", ".join(f"{t}: {n}" for t, n in sorted(self.replayed.items()))
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        return (
            f"{self.matched} dead letters matched (of {self.read} read); {verb} {total}"
            + (f" ({per_topic})" if per_topic else "")
            + f"; skipped {sum(self.skipped.values())}"
            + (f" ({skipped})" if skipped else "")
        )


def mark_key(topic: str, partition: int, offset: int) -> bytes:
    return f"{topic}/{partition}/{offset}".encode()


async def _replayed_before(settings: Settings) -> set[bytes]:
    if settings.replay_marks_topic not in await existing_topics(settings):
        return set()
    marks: dict[bytes, bool] = {}
    async for m in read_to_end(settings, settings.replay_marks_topic):
        if m.key is not None:
            marks[m.key] = m.value is not None
    return {k for k, present in marks.items() if present}


async def replay(
    settings: Settings,
    *,
    codes: tuple[str, ...] = (),
    since_ms: int | None = None,
    dry_run: bool = False,
    console: Console,
    contract: Contract | None = None,
) -> ReplayReport:
    contract = contract or Contract()
    source = settings.deadletter_topic
    await require_topics(settings, [source], "run `consent-gate topics create`")
    report = ReplayReport(dry_run)
    done = await _replayed_before(settings)
    internal = {*settings.internal_topics, settings.replay_marks_topic}
    inputs = set(settings.input_topics)
    wanted = {c.strip().upper() for c in codes}
    todo: list[tuple[int, int, dict[str, Any]]] = []
    with progress(console) as bar:
        task = bar.add_task(f"read {source}", total=None)
        async for m in read_to_end(
            settings,
            source,
            on_total=lambda n: bar.update(task, total=n),
            client_id=f"{settings.app_id}-replay",
        ):
            report.read += 1
            bar.update(task, completed=report.read)
            try:
                dl = contract.decode(RecordName.DEAD_LETTER, m.value or b"")
            except DecodeError:  # no code or time to filter on: counted, never replayed
                report.matched += 1
                report.skipped[SKIP_UNREADABLE] += 1
                continue
            if wanted and dl["error_code"] not in wanted:
                continue
            if since_ms is not None and dl["failed_at_ms"] < since_ms:
                continue
            report.matched += 1
            why = _skip(dl, mark_key(source, m.partition, m.offset) in done, internal, inputs)
            if why:
                report.skipped[why] += 1
            else:
                todo.append((m.partition, m.offset, dl))
    if dry_run:
        for _, _, dl in todo:
            report.replayed[dl["source_topic"]] += 1
        return report
    if todo:
        await ensure_compacted_topic(settings, settings.replay_marks_topic)
        await _publish(settings, contract, todo, report)
    return report


def _skip(dl: dict[str, Any], replayed: bool, internal: set[str], inputs: set[str]) -> str | None:
    if replayed:
        return SKIP_REPLAYED
    if dl["value_truncated"] or LEFT_OUT in dl["error"]:
        return SKIP_TRUNCATED
    if dl["value"] is None:
        return SKIP_NO_VALUE
    if dl["source_topic"] in internal:
        return SKIP_INTERNAL
    if dl["source_topic"] not in inputs:
        return SKIP_UNKNOWN_TOPIC
    return None


async def _publish(
    settings: Settings,
    contract: Contract,
    todo: list[tuple[int, int, dict[str, Any]]],
    report: ReplayReport,
) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=f"{settings.app_id}-deadletter-replay",
        # One replay at a time: a second one fences the first.
        transactional_id=f"{settings.app_id}-deadletter-replay",
        transaction_timeout_ms=settings.transaction_timeout_ms,
        max_request_size=max(settings.max_message_bytes, 1_048_576),
        **client_options(settings),
    )
    try:
        await producer.start()
    except (KafkaError, OSError) as exc:
        raise ToolError(f"Cannot start a producer on {settings.bootstrap_servers}: {exc}") from None
    source = settings.deadletter_topic
    try:
        counts = {t: len(await producer.partitions_for(t)) for t in settings.input_topics}
        for start in range(0, len(todo), TRANSACTION_RECORDS):
            chunk = todo[start : start + TRANSACTION_RECORDS]
            now_ms = int(time.time() * 1000)
            async with producer.transaction():
                futures = []
                for partition, offset, dl in chunk:
                    topic = dl["source_topic"]
                    p = dl["source_partition"]
                    futures.append(
                        await producer.send(
                            topic,
                            dl["value"],
                            key=dl["key"],
                            partition=p if 0 <= p < counts[topic] else None,
                            headers=[(h["key"], h["value"]) for h in dl["headers"]],
                        )
                    )
                    mark = {
                        "deadletter_topic": source,
                        "deadletter_partition": partition,
                        "deadletter_offset": offset,
                        "error_code": dl["error_code"],
                        "target_topic": topic,
                        "replayed_at_ms": now_ms,
                    }
                    futures.append(
                        await producer.send(
                            settings.replay_marks_topic,
                            contract.encode(RecordName.REPLAY_MARK, mark),
                            key=mark_key(source, partition, offset),
                            partition=0,
                        )
                    )
                await asyncio.gather(*futures)  # the first error aborts the transaction
            for _, _, dl in chunk:
                report.replayed[dl["source_topic"]] += 1
    except KafkaError as exc:
        done = sum(report.replayed.values())
        raise ToolError(
            f"The replay stopped ({type(exc).__name__}: {exc}) after {done} records; run it "
            "again: what was replayed is marked and will be skipped."
        ) from None
    finally:
        await producer.stop()
