"""The one way consent commands are written (streams/kafka/command_topic.py), without a broker:
the encoding, key and partition, the producer's options, a single send, and the import's batches
(with a fake producer); and that the API, erase and the import all go through it."""

from __future__ import annotations

import asyncio
import zlib
from pathlib import Path
from typing import Any

import pytest

from streams import erase
from streams.api import commands as api_commands
from streams.kafka import command_topic as ct
from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.settings import Settings
from streams.tools import importer


def test_a_command_is_keyed_by_contact_and_encoded_with_the_current_schema(
    contract: Contract,
) -> None:
    record = b.consent_command("cöntact-1", "SMS", "OPT_OUT")
    assert ct.command_key(record) == "cöntact-1".encode()
    value = ct.encode_command(contract, record)
    assert value == contract.encode(RecordName.CONSENT_COMMAND, record)
    assert contract.decode(RecordName.CONSENT_COMMAND, value) == record


def test_the_partition_is_crc32_of_the_key_whatever_order_aiokafka_lists_partitions() -> None:
    for key in (b"", b"c1", "kontakt-ß".encode(), b"x" * 300):
        p = ct.command_partition(key, 6)
        assert p == zlib.crc32(key) % 6 and 0 <= p < 6
        assert ct._partitioner(key, [5, 3, 0, 1, 4, 2], None) == p
    # Spread over the partitions, not all on one.
    assert len({ct.command_partition(f"c{i}".encode(), 6) for i in range(100)}) == 6


def test_the_producer_is_idempotent_acks_all_and_partitions_by_the_helper(
    settings: Settings,
) -> None:
    async def make() -> Any:
        producer = ct.command_producer(settings, "app-commands", request_timeout_ms=5_000)
        return producer

    producer = asyncio.run(make())
    assert producer._partitioner is ct._partitioner
    assert producer._request_timeout_ms == 5_000
    assert producer.client._client_id == "app-commands"
    # acks=all with idempotence (aiokafka turns acks into -1).
    assert producer._txn_manager is not None and producer._sender._acks == -1


class FakeProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes, int]] = []
        self.batches: list[tuple[str, int, list[tuple[bytes, bytes]]]] = []
        self.futures: list[asyncio.Future[Any]] = []

    async def send_and_wait(
        self, topic: str, value: bytes, *, key: bytes, timestamp_ms: int
    ) -> str:
        self.sent.append((topic, key, value, timestamp_ms))
        return "metadata"

    def create_batch(self) -> FakeBatch:
        return FakeBatch()

    async def send_batch(self, batch: FakeBatch, topic: str, *, partition: int) -> Any:
        assert batch.closed
        self.batches.append((topic, partition, batch.records))
        future = asyncio.get_running_loop().create_future()
        future.set_result(None)
        self.futures.append(future)
        return future


class FakeBatch:
    LIMIT = 100  # bytes of values per batch

    def __init__(self) -> None:
        self.records: list[tuple[bytes, bytes]] = []
        self.closed = False

    def append(self, *, key: bytes, value: bytes, timestamp: int | None) -> object | None:
        assert timestamp is None  # written now, not at the command's issued_at_ms
        if sum(len(v) for _, v in self.records) + len(value) > self.LIMIT:
            return None
        self.records.append((key, value))
        return object()

    def close(self) -> None:
        self.closed = True


def test_one_command_is_sent_keyed_and_timestamped_when_issued(
    settings: Settings, contract: Contract
) -> None:
    record = b.consent_command("c1", "SMS", "ERASE", issued_at_ms=1_700_000_000_000)
    producer = FakeProducer()
    got = asyncio.run(ct.send_command(producer, settings, contract, record))
    assert got == "metadata"
    [(topic, key, value, ts)] = producer.sent
    assert (topic, key, ts) == (settings.commands_topic, b"c1", 1_700_000_000_000)
    assert contract.decode(RecordName.CONSENT_COMMAND, value) == record


def test_batches_go_per_partition_and_every_delivery_is_counted() -> None:
    producer = FakeProducer()

    async def run() -> ct.CommandBatches:
        batches = ct.CommandBatches(producer, "commands", 3, in_flight=2)
        for i in range(40):
            key = f"c{i % 7}".encode()
            await batches.add(key, b"v" * 10)
        await batches.flush()
        return batches

    batches = asyncio.run(run())
    assert batches.delivered == 40 and not batches.in_flight and not batches.open
    assert sum(len(records) for _, _, records in producer.batches) == 40
    for topic, partition, records in producer.batches:
        assert topic == "commands" and 0 < len(records) <= 10
        assert {ct.command_partition(k, 3) for k, _ in records} == {partition}


def test_a_command_too_large_for_a_batch_is_refused() -> None:
    async def run() -> None:
        batches = ct.CommandBatches(FakeProducer(), "commands", 1)
        await batches.add(b"c1", b"v" * 101)

    with pytest.raises(ct.CommandTooLarge, match="101 bytes"):
        asyncio.run(run())


def test_the_api_erase_and_the_import_write_commands_through_the_helper() -> None:
    """No publisher builds its own producer or key: each uses the helper's."""
    for module in (api_commands, erase, importer):
        assert module.command_producer is ct.command_producer
        assert "AIOKafkaProducer(" not in Path(module.__file__ or "").read_text()
