"""Writing consent commands to the commands topic: the one way every publisher does it (the
HTTP API and ``consent-gate consent opt-out|opt-in`` in ``streams.api.commands``,
``consent-gate erase`` in ``streams.erase``, the bulk import in ``streams.tools.importer``).

A command is single-object encoded (the current ``ConsentCommand`` schema), keyed by its
contact id, partitioned by :func:`command_partition` and written by an idempotent producer that
waits for every in-sync replica. One contact's commands, from any publisher, so land in one
partition, in the order they were written (the router re-partitions by contact anyway, the
gate orders by event time). Each publisher keeps only what is its own: the API's deadline
(``streams.api.deadline``), erase's one-shot send, the import's record batches
(:class:`CommandBatches`).
"""

from __future__ import annotations

import asyncio
import zlib
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from streams.kafka.security import client_options
from streams.models.contract import Contract, RecordName
from streams.settings import Settings


def encode_command(contract: Contract, record: Mapping[str, Any]) -> bytes:
    """``record`` (a ``ConsentCommand``) single-object encoded with the current schema."""
    return contract.encode(RecordName.CONSENT_COMMAND, dict(record))


def command_key(record: Mapping[str, Any]) -> bytes:
    """The Kafka key of a command: its contact id, UTF-8."""
    return str(record["contact_id"]).encode()


def command_partition(key: bytes, partitions: int) -> int:
    """The commands topic partition of a key: CRC-32 of the key, as librdkafka's default
    ``consistent`` partitioner (it only keeps one contact's commands in one partition, and costs
    a fraction of aiokafka's pure-Python murmur2, which counts in a bulk import)."""
    return zlib.crc32(key) % partitions


def _partitioner(key: bytes | None, all_partitions: Sequence[int], _available: Any) -> int:
    """:func:`command_partition` as aiokafka's ``partitioner`` option."""
    ordered = sorted(all_partitions)
    return ordered[command_partition(key or b"", len(ordered))]


def command_producer(settings: Settings, client_id: str, **options: Any) -> AIOKafkaProducer:
    """A producer (not started) for the commands topic: idempotent (no duplicate on a retry),
    acknowledged by all in-sync replicas, partitioning by :func:`command_partition`; ``options``
    are further ``AIOKafkaProducer`` options (timeouts, batch sizes)."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        partitioner=_partitioner,
        **options,
        **client_options(settings),
    )


async def send_command(
    producer: AIOKafkaProducer,
    settings: Settings,
    contract: Contract,
    record: Mapping[str, Any],
) -> Any:
    """Write one command (timestamped when it was issued) and wait for its acknowledgement: the
    ``RecordMetadata``, or aiokafka's ``KafkaError``."""
    return await producer.send_and_wait(
        settings.commands_topic,
        encode_command(contract, record),
        key=command_key(record),
        timestamp_ms=record["issued_at_ms"],
    )


class CommandTooLarge(ValueError):
    """A command that does not fit in a record batch of the producer."""


class CommandBatches:
    """Many encoded commands as record batches, one open per partition (faster than a send per
    record); a full batch goes to the producer, at most ``in_flight`` unacknowledged. The Kafka
    timestamp of each is the time it is written. :meth:`flush` sends the rest and waits for every
    delivery; a failed delivery raises the broker's error there or in :meth:`add`."""

    def __init__(
        self, producer: AIOKafkaProducer, topic: str, partitions: int, in_flight: int = 64
    ) -> None:
        self.producer = producer
        self.topic = topic
        self.partitions = partitions
        self.max_in_flight = in_flight
        self.open: dict[int, Any] = {}
        self.counts: dict[int, int] = {}
        self.in_flight: deque[tuple[asyncio.Future[Any], int]] = deque()
        self.delivered = 0

    async def add(self, key: bytes, value: bytes) -> None:
        p = command_partition(key, self.partitions)
        batch = self.open.get(p)
        if batch is None:
            batch = self.open[p] = self.producer.create_batch()
            self.counts[p] = 0
        if batch.append(key=key, value=value, timestamp=None) is None:
            await self._send(p)
            batch = self.open[p] = self.producer.create_batch()
            self.counts[p] = 0
            if batch.append(key=key, value=value, timestamp=None) is None:
                raise CommandTooLarge(f"a command of {len(value)} bytes does not fit in a batch")
        self.counts[p] += 1

    async def _send(self, p: int) -> None:
        batch = self.open.pop(p)
        batch.close()
        fut = await self.producer.send_batch(batch, self.topic, partition=p)
        self.in_flight.append((fut, self.counts.pop(p)))
        while len(self.in_flight) > self.max_in_flight:
            await self._wait_oldest()

    async def _wait_oldest(self) -> None:
        fut, n = self.in_flight.popleft()
        await fut  # raises the broker's error
        self.delivered += n

    async def flush(self) -> None:
        for p in list(self.open):
            if self.counts.get(p):
                await self._send(p)
        while self.in_flight:
            await self._wait_oldest()
