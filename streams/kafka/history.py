"""The consent history read from the table's changelog topic, without a running worker.

A contact's changes are all in one partition of the changelog (the contact's by-contact partition,
``partition_for(contact, CONSENT_GATE_PARTITIONS)``); this reads that partition from its start to
its end (committed records only) and keeps the history entries of the contact.
"""

from __future__ import annotations

import asyncio
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from streams.core.partitioner import partition_for
from streams.kafka.admin import StartupError
from streams.kafka.aiokafka_internals import fetch_all_metadata
from streams.kafka.restore import batches_to_end
from streams.kafka.security import client_options, connection_problem
from streams.models.contract import Contract
from streams.settings import Settings
from streams.state.history import Change, contact_prefix, history_from_records


async def changelog_history(
    settings: Settings,
    contact_id: str,
    channel: str | None = None,
    *,
    contract: Contract | None = None,
    timeout_s: float = 60.0,
) -> list[Change]:
    """Every change of ``contact_id`` (on ``channel`` or all), in event-time order per channel;
    a :class:`StartupError` says in one sentence what is wrong (no broker, no changelog)."""
    contract = contract or Contract()
    topic = settings.changelog_topic
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=f"{settings.app_id}-history",
        group_id=None,
        isolation_level="read_committed",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **client_options(settings),
    )
    try:
        await asyncio.wait_for(consumer.start(), timeout_s)
    except (KafkaError, OSError, TimeoutError) as exc:
        await consumer.stop()
        raise StartupError(await connection_problem(settings, exc, timeout_s)) from None
    try:
        cluster = await fetch_all_metadata(consumer)  # every topic, fresh
        parts = cluster.partitions_for_topic(topic)
        if not parts:
            raise StartupError(
                f"The changelog topic {topic} does not exist on {settings.bootstrap_servers}: "
                "check CONSENT_GATE_APP_ID (a worker creates it when it first starts)."
            )
        if len(parts) != settings.partitions:
            raise StartupError(
                f"Topic {topic} has {len(parts)} partitions but CONSENT_GATE_PARTITIONS is "
                f"{settings.partitions}: set CONSENT_GATE_PARTITIONS to {len(parts)}."
            )
        tp = TopicPartition(topic, partition_for(contact_id, settings.partitions))
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        await consumer.seek_to_beginning(tp)
        prefix = contact_prefix(contact_id, channel)
        records: list[tuple[bytes | None, bytes | None]] = []
        deadline = time.monotonic() + timeout_s
        try:
            async for _, msgs in batches_to_end(consumer, {tp: end}, deadline=deadline):
                records.extend(
                    (m.key, m.value) for m in msgs if m.key is not None and m.key.startswith(prefix)
                )
        except TimeoutError:
            raise StartupError(
                f"Reading {topic} partition {tp.partition} took longer than {timeout_s:.0f} s."
            ) from None
        return history_from_records(records, contact_id, channel, contract=contract)
    except (KafkaError, OSError) as exc:
        raise StartupError(
            f"Reading {topic} from {settings.bootstrap_servers} failed "
            f"({type(exc).__name__}: {exc}): try again once the broker answers."
        ) from None
    finally:
        await consumer.stop()
