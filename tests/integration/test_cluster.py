"""A three-broker cluster (scripts/kafka-local with KAFKA_BROKERS=3, its own ports and data dir):
the project's topics get replication factor 3 and min.insync.replicas=2 by default, and a worker
under load loses and repeats nothing on its outputs (read_committed) when the broker leading the
most by-contact and changelog partitions is killed with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from devtools import local_broker
from devtools.runner import Produce
from streams.kafka.admin import create_topics, describe_topic_configs, ensure_internal_topics
from streams.models.contract import Contract, RecordName
from streams.settings import Settings
from tests.integration.conftest import LiveGate, gate_settings
from tests.waiting import eventually_async

pytestmark = pytest.mark.integration


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Three brokers on CONSENT_GATE_TEST_CLUSTER_PORT (default KAFKA_PORT + 20) and the 11 ports
    after it, stopped at the end whatever happens."""
    base = int(
        os.environ.get("CONSENT_GATE_TEST_CLUSTER_PORT")
        or int(os.environ.get("KAFKA_PORT") or local_broker.DEFAULT_PORT) + 20
    )
    env = {
        "KAFKA_BROKERS": "3",
        "KAFKA_PORT": str(base),
        "KAFKA_CONTROLLER_PORT": str(base + 1),
        "KAFKA_SASL_PORT": str(base + 2),
        "KAFKA_SSL_PORT": str(base + 3),
        "KAFKA_PORT_STEP": "4",
        "KAFKA_DATA_DIR": str(tmp_path / "kafka-cluster"),
        "KAFKA_HEAP_OPTS": "-Xms128m -Xmx384m",
        "KAFKA_TLS": "0",  # not needed here (tests/integration/test_security.py has TLS)
    }
    try:
        local_broker.start(env)
        asyncio.run(all_brokers_registered(local_broker.bootstrap_servers(env), 3))
        yield env
    finally:
        local_broker.stop(env)


async def all_brokers_registered(bootstrap: str, brokers: int, timeout_s: float = 60) -> None:
    """Every node answers once it has started, but the controller may list it as available
    (unfenced) a little later: wait for it, or the derived replication factor would be lower."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:

        async def registered() -> bool:
            return len((await admin.describe_cluster())["brokers"]) >= brokers

        await eventually_async(
            registered, timeout_s, interval_s=0.5, what=f"{brokers} brokers are registered"
        )
    finally:
        await admin.close()


async def replicas_and_leaders(
    settings: Settings, topics: list[str]
) -> tuple[dict[str, set[int]], Counter[int]]:
    """topic -> the replica counts of its partitions; how many partitions each broker leads."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:

        async def described() -> list[dict[str, Any]] | None:
            answer: list[dict[str, Any]] = await admin.describe_topics(topics)
            return answer if all(t["error_code"] == 0 and t["partitions"] for t in answer) else None

        # A broker may learn of a new topic a little after the others.
        described_topics = await eventually_async(
            described, 30, interval_s=0.5, what=f"every broker describes {topics}"
        )
    finally:
        await admin.close()
    replicas = {t["topic"]: {len(p["replicas"]) for p in t["partitions"]} for t in described_topics}
    leaders = Counter(p["leader"] for t in described_topics for p in t["partitions"])
    return replicas, leaders


async def produce_paced(bootstrap: str, records: list[Produce], per_second: float) -> None:
    """Idempotent producer (a retry after the leader moved is not a second input), paced."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    try:
        futures = []
        for i, r in enumerate(records):
            futures.append(await producer.send(r.topic, r.value, key=r.key))
            if i % 10 == 9:
                await asyncio.sleep(10 / per_second)
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def test_a_killed_broker_of_three_loses_and_repeats_nothing(
    cluster: dict[str, str], tmp_path: Path, contract: Contract
) -> None:
    bootstrap = local_broker.bootstrap_servers(cluster)
    settings = gate_settings(bootstrap, tmp_path, channels="SMS,EMAIL", partitions=6)
    asyncio.run(create_topics(settings))
    asyncio.run(ensure_internal_topics(settings))

    # Replication factor 3 and min.insync.replicas=2 on every topic, set on the topic itself.
    topics = [*settings.input_topics, *settings.output_topics, *settings.internal_topics]
    replicas, _ = asyncio.run(replicas_and_leaders(settings, topics))
    assert replicas == {t: {3} for t in topics}
    configs = asyncio.run(describe_topic_configs(settings, topics))
    assert {t: c["min.insync.replicas"] for t, c in configs.items()} == {t: "2" for t in topics}

    gate = LiveGate(settings, tmp_path, contract)
    worker = gate.start_worker()
    try:
        outcome = run_with_a_broker_killed(gate, cluster, contract)
    finally:
        worker.stop()
    victim, killed_pid, recovered_s = outcome
    print(f"killed broker {victim} (pid {killed_pid}); outputs complete {recovered_s:.0f} s later")


def run_with_a_broker_killed(
    gate: LiveGate, cluster: dict[str, str], contract: Contract
) -> tuple[int, int, float]:
    """Inputs, the broker kill under load, and the outputs checked; (broker, its pid, seconds
    from the kill until every output was there)."""
    settings = gate.s
    bootstrap = settings.bootstrap_servers
    stopped = [f"s{i}" for i in range(40)]
    first = [
        *(gate.reply(c, "SMS", "STOP") for c in stopped),
        *(gate.send(f"a{i}", "SMS") for i in range(100)),
    ]
    gate.produce(*first)
    gate.wait(lambda g: len(g.events()) == 40 and len(g.on("SMS")) == 100, timeout_s=120)

    # The broker leading the most by-contact and changelog partitions, killed under load.
    _, leaders = asyncio.run(
        replicas_and_leaders(settings, [settings.by_contact_topic, settings.changelog_topic])
    )
    victim = leaders.most_common(1)[0][0]
    load = [
        *(gate.send(c, "SMS") for c in stopped),  # suppressed
        *(gate.send(f"b{i}", ch) for i in range(200) for ch in ("SMS", "EMAIL")),
        *(gate.reply(f"b{i}", "EMAIL", "STOP") for i in range(0, 200, 10)),
    ]
    loader = threading.Thread(
        target=lambda: asyncio.run(produce_paced(bootstrap, load, per_second=100))
    )
    loader.start()
    time.sleep(1.5)
    killed_pid = local_broker.kill(victim, "KILL", cluster)
    killed_at = time.monotonic()
    loader.join(120)
    assert not loader.is_alive(), "the load could not be produced to the two brokers left"

    def done(g: LiveGate) -> bool:
        return (
            len(g.suppressed()) == 40
            and len(g.on("SMS")) == 300
            and len(g.events()) == 60
            and len(g.on("EMAIL")) == 200
        )

    gate.wait(done, timeout_s=150, settle_s=3)
    recovered_s = time.monotonic() - killed_at
    # Exactly once (each accessor fails on a repeat); nothing lost: every input has its output.
    assert sorted(m["contact_id"] for m in gate.suppressed()) == sorted(stopped)
    forwarded = set(gate.outbound_ids("SMS")) | set(gate.outbound_ids("EMAIL"))
    sends = [
        contract.decode(RecordName.OUTBOUND_MESSAGE, r.value)
        for r in (*first, *load)
        if r.topic == settings.requests_topic
    ]
    assert forwarded == {m["message_id"] for m in sends if m["contact_id"] not in stopped}
    assert gate.worker is not None and gate.worker.alive, "the worker died"
    return victim, killed_pid, recovered_s
