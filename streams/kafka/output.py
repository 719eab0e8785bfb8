"""What the engine produces in one transaction, built into record batches by the engine itself.

aiokafka's ``send()`` costs a coroutine, a future and a lookup per record (a py-spy profile of
the worker put its produce path at about a fifth of all time). The engine instead appends each
record to an open :class:`aiokafka.producer.message_accumulator.BatchBuilder` per topic
partition, hands a builder to the producer (``send_batch``) once it is full, and the rest when
the transaction commits: one future per batch, not per record, and batches as large as
``batch_bytes`` (records per produced batch is what the broker's cost follows).

Partitions are chosen as ``send()`` would choose them (the producer's partitioner: murmur2 of
the key, Java's default), so a record lands where it always did.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer

from streams.core.partitioner import partition_of_key
from streams.processing.oversize import record_size
from streams.processing.records import Headers

#: Below this many bytes of key and value, a record is certainly within the producer's limit
#: (headers are small): its exact size is only computed above it.
_HEADROOM = 16_384

TopicPartitionKey = tuple[str, int]
Sent = tuple[TopicPartitionKey, int, "asyncio.Future[Any]"]


@dataclass(slots=True)
class Sealed:
    """What one transaction built (:meth:`BatchedOutput.seal`): builders full and open, batches
    sent."""

    full: list[tuple[TopicPartitionKey, Any]]
    open: dict[TopicPartitionKey, Any]
    sent: list[Sent]


class TooLarge(Exception):
    """A record larger than the producer may send (``max_request_size``)."""


class BatchedOutput:
    def __init__(self, batch_bytes: int, max_record_bytes: int) -> None:
        self.batch_bytes = batch_bytes
        self.max_record_bytes = max_record_bytes
        self.producer: AIOKafkaProducer | None = None
        self._open: dict[TopicPartitionKey, Any] = {}  # builder per topic partition
        self._full: list[tuple[TopicPartitionKey, Any]] = []
        self._sent: list[Sent] = []
        self._counts: dict[str, int] = {}  # partitions per topic (refreshed at each flush)

    def attach(self, producer: AIOKafkaProducer) -> None:
        """Use ``producer`` from now on (a new one after a rewind); whatever was built for the
        old one is dropped (its transaction was aborted)."""
        self.producer = producer
        self.discard()

    async def know(self, topics: Iterable[str]) -> None:
        """Load the partition metadata of ``topics`` (partitioning needs it)."""
        assert self.producer is not None
        for topic in topics:
            await self.producer.client._wait_on_metadata(topic)

    def partition_of(self, topic: str, key: bytes | None) -> int:
        """The partition the producer's default partitioner picks (murmur2 of the key, as
        Java's; a record without a key goes anywhere)."""
        assert self.producer is not None
        count = self._counts.get(topic)
        if count is None or key is None:
            partition: int = self.producer._partition(topic, None, key, None, key, None)
            partitions = self.producer.client.cluster.partitions_for_topic(topic)
            self._counts[topic] = len(partitions)
            return partition
        return partition_of_key(key, count)

    def add(
        self,
        topic: str,
        partition: int | None,
        key: bytes | None,
        value: bytes | None,
        headers: Headers,
        timestamp_ms: int | None,
    ) -> None:
        """Append one record; raises :class:`TooLarge` (and adds nothing) for one the producer
        would refuse."""
        assert self.producer is not None
        payload = (len(value) if value else 0) + (len(key) if key else 0)
        if payload > self.max_record_bytes - _HEADROOM:
            size = record_size(key, value, headers)
            if size > self.max_record_bytes:
                raise TooLarge(
                    f"the record is {size} bytes, more than the producer's limit of "
                    f"{self.max_record_bytes}"
                )
        if partition is None:
            partition = self.partition_of(topic, key)
        tp = (topic, partition)
        builder = self._open.get(tp)
        if builder is None:
            builder = self._open[tp] = self.producer.create_batch()
        hs = headers if isinstance(headers, list) else list(headers)
        if builder.append(timestamp=timestamp_ms, key=key, value=value, headers=hs) is None:
            # Full (the first record always fits): it goes out at the next send_full().
            self._full.append((tp, builder))
            builder = self._open[tp] = self.producer.create_batch()
            builder.append(timestamp=timestamp_ms, key=key, value=value, headers=hs)

    @property
    def has_full(self) -> bool:
        return bool(self._full)

    async def send_full(self) -> None:
        """Hand the builders that are full to the producer (they go out while more is built)."""
        full, self._full = self._full, []
        for tp, builder in full:
            self._sent.append(await self._send(tp, builder))

    async def _send(self, tp: TopicPartitionKey, builder: Any) -> Sent:
        assert self.producer is not None
        count = builder.record_count()
        builder.close()
        fut = await self.producer.send_batch(builder, tp[0], partition=tp[1])
        return tp, count, fut

    @property
    def empty(self) -> bool:
        """Nothing built, full or sent since the last :meth:`seal`."""
        return not (self._open or self._full or self._sent)

    def seal(self) -> Sealed:
        """Take everything built and sent for the open transaction (:meth:`flush` sends it):
        what is added from now on belongs to the next one, and is not sent (:meth:`send_full`)
        before that one begins."""
        sealed = Sealed(self._full, self._open, self._sent)
        self._full, self._open, self._sent = [], {}, []
        self._counts.clear()  # partitions can be added to a topic
        return sealed

    async def flush(self, sealed: Sealed) -> dict[TopicPartitionKey, int]:
        """Send everything ``sealed`` and wait until the broker has it all; the next offset
        after the last record written to each topic partition."""
        sent = sealed.sent
        try:
            for tp, builder in [*sealed.full, *sealed.open.items()]:
                if builder.record_count():
                    sent.append(await self._send(tp, builder))
            await asyncio.gather(*(fut for _, _, fut in sent))
        except BaseException:
            for _, _, fut in sent:  # the transaction is aborted: its errors are reported once
                fut.add_done_callback(_retrieve)
            raise
        ends: dict[TopicPartitionKey, int] = {}
        for tp, count, fut in sent:
            end = fut.result().offset + count
            if end > ends.get(tp, -1):
                ends[tp] = end
        return ends

    def discard(self) -> None:
        """Forget everything built or sent (the transaction is being aborted); the errors of
        what was sent are that abort's, not to be reported again."""
        for _, _, fut in self._sent:
            fut.add_done_callback(_retrieve)
        self._open.clear()
        self._full.clear()
        self._sent.clear()


def _retrieve(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled():
        fut.exception()
