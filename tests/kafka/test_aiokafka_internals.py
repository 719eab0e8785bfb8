"""The engine's use of aiokafka internals (streams/kafka/aiokafka_internals.py): the KIP-447
requests against bytes recorded from Apache Kafka's own client, the fencing handler and the
stable offset fetch without a broker, and the version check."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka import TopicPartition
from aiokafka.producer.transaction_manager import TransactionManager
from aiokafka.structs import OffsetAndMetadata

from streams.kafka import aiokafka_internals as internals
from streams.kafka.aiokafka_internals import (
    FencedTxnOffsetCommit,
    GroupMetadata,
    MemberFenced,
    OffsetFetchRequest_v7,
    OffsetFetchResponse_v7,
    StableOffsetFetch,
    TxnOffsetCommitRequest_v3,
    TxnOffsetCommitResponse_v3,
    UnstableOffsetCommit,
)

RECORDED = dict(
    line.split()
    for line in (Path(__file__).parent / "recorded" / "kafka-4.4.0-messages.txt")
    .read_text()
    .splitlines()
    if line.strip()
)
TP = TopicPartition("t", 3)
GROUP = GroupMetadata("app", 5, "m-1")


def test_txn_offset_commit_v3_is_written_as_kafka_writes_it() -> None:
    request = FencedTxnOffsetCommit("app-w1", GROUP, 7, 2, {TP: OffsetAndMetadata(42, "")})
    body = request.build(TxnOffsetCommitRequest_v3).encode()
    assert body.hex() == RECORDED["txn_v3"]


def test_offset_fetch_v7_asks_for_stable_offsets_as_kafka_does() -> None:
    body = StableOffsetFetch("app", {"t": [3, 1]}).build(OffsetFetchRequest_v7).encode()
    assert body.hex() == RECORDED["fetch_v7"]


def test_group_metadata_is_the_group_id() -> None:
    assert GROUP == "app" and hash(GROUP) == hash("app") and GROUP.group_id == "app"
    assert GROUP.valid
    # aiokafka's values after the coordinator forgot the member: a v3 commit with them would
    # skip the broker's check, so they never count as a membership.
    assert not GroupMetadata("app", -1, "").valid


class _Sender:
    def __init__(self) -> None:
        self._retry_backoff = 0.01
        self._txn_manager = TransactionManager("app-w1", 10_000)
        self._txn_manager.set_pid_and_epoch(7, 2)
        self._txn_manager.begin_transaction()
        self.dead: list[Any] = []

    def _coordinator_dead(self, kind: Any) -> None:
        self.dead.append(kind)


def _handler(sender: _Sender, offsets: dict[TopicPartition, OffsetAndMetadata]) -> Any:
    return internals._FencingTxnOffsetCommitHandler(sender, offsets, GROUP)


async def _the_coordinators_refusal_makes_the_transaction_abortable() -> None:
    sender = _Sender()
    offsets = {TP: OffsetAndMetadata(42, "")}
    pending = sender._txn_manager.add_offsets_to_txn(dict(offsets), GROUP)
    handler = _handler(sender, offsets)
    request = handler.create_request().prepare({28: (0, 5)})
    assert request.API_VERSION == 3 and request.generation_id == 5
    response = TxnOffsetCommitResponse_v3.decode(bytes.fromhex(RECORDED["txn_resp_v3"]))
    assert handler.handle_response(response) is None  # no retry
    with pytest.raises(MemberFenced, match="generation 5"):
        await pending
    with pytest.raises(MemberFenced):  # a commit now raises too; only an abort is possible
        sender._txn_manager.committing_transaction()
    sender._txn_manager.aborting_transaction()


def test_the_coordinators_refusal_makes_the_transaction_abortable() -> None:
    asyncio.run(_the_coordinators_refusal_makes_the_transaction_abortable())


async def _partitions_still_to_add_stay_muted() -> None:
    # aiokafka mutes a partition until it is added to the transaction; its error_transaction
    # forgets those partitions, so their batches would go out during the abort, outside the
    # transaction. The fencing keeps them: they are added, then aborted with the rest.
    sender = _Sender()
    other = TopicPartition("out", 1)
    sender._txn_manager.maybe_add_partition_to_txn(other)
    offsets = {TP: OffsetAndMetadata(42, "")}
    pending = sender._txn_manager.add_offsets_to_txn(dict(offsets), GROUP)
    response = TxnOffsetCommitResponse_v3.decode(bytes.fromhex(RECORDED["txn_resp_v3"]))
    _handler(sender, offsets).handle_response(response)
    with pytest.raises(MemberFenced):
        await pending
    assert sender._txn_manager.partitions_to_add() == {other}
    sender._txn_manager.aborting_transaction()
    assert sender._txn_manager.needs_transaction_commit() is not None  # the abort goes on


def test_partitions_still_to_add_stay_muted() -> None:
    asyncio.run(_partitions_still_to_add_stay_muted())


async def _accepted_offsets_complete_as_aiokafka_completes_them() -> None:
    sender = _Sender()
    offsets = {TP: OffsetAndMetadata(42, "")}
    pending = sender._txn_manager.add_offsets_to_txn(dict(offsets), GROUP)
    sender._txn_manager.consumer_group_added(GROUP)
    ok = TxnOffsetCommitResponse_v3(0, [("t", [(3, 0, {})], {})], {})
    assert _handler(sender, offsets).handle_response(ok) is None
    await asyncio.wait_for(pending, 1)


def test_accepted_offsets_complete_as_aiokafka_completes_them() -> None:
    asyncio.run(_accepted_offsets_complete_as_aiokafka_completes_them())


def test_a_plain_group_id_keeps_aiokafkas_request() -> None:
    asyncio.run(_plain_group_id())


async def _plain_group_id() -> None:
    sender = _Sender()
    handler = internals._FencingTxnOffsetCommitHandler(
        sender, {TP: OffsetAndMetadata(42, "")}, "app"
    )
    assert not isinstance(handler.create_request(), FencedTxnOffsetCommit)


class _Coordinator:
    group_id = "app"

    def __init__(self, response: Any) -> None:
        self.response = response
        self.sent: list[Any] = []

    async def _send_req(self, request: Any) -> Any:
        self.sent.append(request.prepare({9: (1, 9)}))
        return self.response

    def coordinator_dead(self) -> None:
        pass


async def _an_unstable_offset_is_fetched_again_not_taken() -> None:
    response = OffsetFetchResponse_v7.decode(bytes.fromhex(RECORDED["fetch_resp_v7"]))
    coordinator = _Coordinator(response)
    with pytest.raises(UnstableOffsetCommit) as raised:
        await internals._fetch_stable_offsets(coordinator, [TopicPartition("t", 1), TP])
    assert raised.value.retriable  # aiokafka's fetch_committed_offsets tries again
    assert coordinator.sent[0].API_VERSION == 7 and coordinator.sent[0].require_stable


def test_an_unstable_offset_is_fetched_again_not_taken() -> None:
    asyncio.run(_an_unstable_offset_is_fetched_again_not_taken())


async def _stable_offsets_are_returned() -> None:
    response = OffsetFetchResponse_v7(
        0, [("t", [(1, 10, -1, "", 0, {}), (3, -1, -1, None, 0, {})], {})], 0, {}
    )
    offsets = await internals._fetch_stable_offsets(
        _Coordinator(response), [TopicPartition("t", 1), TP]
    )
    assert offsets == {TopicPartition("t", 1): OffsetAndMetadata(10, "")}  # 3: none committed


def test_stable_offsets_are_returned() -> None:
    asyncio.run(_stable_offsets_are_returned())


def test_another_aiokafka_is_refused_in_one_sentence() -> None:
    internals.check_version()  # the installed one is the one written for
    with pytest.raises(internals.IncompatibleClient, match=r"install aiokafka==0\.14\.0\.$"):
        internals.check_version("0.15.0")


def test_a_broker_without_kip_447_is_refused() -> None:
    conn = SimpleNamespace(_versions={28: (0, 2), 9: (1, 9)})
    producer = SimpleNamespace(client=SimpleNamespace(_conns={1: conn}))
    with pytest.raises(internals.IncompatibleClient, match="TxnOffsetCommit v3"):
        internals.check_broker(producer)
