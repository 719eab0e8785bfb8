"""Topic creation and the start-up checks: each failure is one plain sentence with the fix."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from streams.logs import log_event
from streams.settings import Settings

logger = logging.getLogger("consent_gate.admin")


class StartupError(RuntimeError):
    """Something is wrong at start; the message says what and how to fix it."""


async def _admin(settings: Settings, timeout_s: float) -> AIOKafkaAdminClient:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        request_timeout_ms=int(timeout_s * 1000),
        client_id=f"{settings.app_id}-admin",
    )
    try:
        await asyncio.wait_for(admin.start(), timeout_s)
    except (KafkaError, OSError, TimeoutError) as exc:
        await admin.close()
        raise StartupError(
            f"Cannot reach the Kafka broker at {settings.bootstrap_servers} "
            f"({type(exc).__name__}): start it (scripts/kafka-local start) "
            f"or set CONSENT_GATE_BOOTSTRAP_SERVERS."
        ) from None
    return admin


async def existing_topics(settings: Settings, timeout_s: float = 10.0) -> set[str]:
    admin = await _admin(settings, timeout_s)
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def create_topics(settings: Settings, timeout_s: float = 30.0) -> list[str]:
    """Create the input and output topics that are missing; returns the ones created."""
    admin = await _admin(settings, timeout_s)
    try:
        have = set(await admin.list_topics())
        wanted = [t for t in (*settings.input_topics, *settings.output_topics) if t not in have]
        if wanted:
            new = [
                NewTopic(t, settings.output_partitions, settings.replication_factor) for t in wanted
            ]
            with contextlib.suppress(TopicAlreadyExistsError):  # raced another creator: fine
                await admin.create_topics(new)
        for t in wanted:
            log_event(logger, "topic.created", topic=t, partitions=settings.output_partitions)
        if wanted:
            await _wait_for_leaders(admin, wanted, timeout_s)
        return wanted
    finally:
        await admin.close()


async def _wait_for_leaders(
    admin: AIOKafkaAdminClient, topics: list[str], timeout_s: float
) -> None:
    """New topics are usable once every partition has a leader (else clients log warnings)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        described = await admin.describe_topics(topics)
        if all(
            t.get("error_code", 0) == 0
            and t["partitions"]
            and all(p.get("leader", -1) >= 0 for p in t["partitions"])
            for t in described
        ):
            return
        if asyncio.get_running_loop().time() > deadline:
            return  # clients retry on their own; this wait only keeps the logs quiet
        await asyncio.sleep(0.1)


def check_state_dir(settings: Settings) -> None:
    path = Path(settings.data_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StartupError(
            f"Cannot create the state directory {path} ({exc.strerror}): "
            f"set CONSENT_GATE_DATA_DIR to a writable directory."
        ) from None
    if not os.access(path, os.W_OK):
        raise StartupError(
            f"The state directory {path} is not writable: "
            f"set CONSENT_GATE_DATA_DIR to a writable directory."
        )
    if settings.store == "rocksdb://":
        try:
            import rocksdict  # noqa: F401
        except ImportError:
            raise StartupError(
                "The RocksDB store needs the rocksdict package: pip install rocksdict "
                "(or set CONSENT_GATE_STORE=memory:// for a throw-away run)."
            ) from None


async def ensure_internal_topics(settings: Settings, timeout_s: float = 30.0) -> list[str]:
    """Create the worker's own topics (the by-contact topic and the table's changelog) before
    Faust starts, and wait until they are usable.

    Faust would declare them itself, but on a fresh broker its consumer group can be assigned
    before their metadata is visible; Faust then ignores the topic for good and the gate never
    gets a partition. Existing ones must have ``partitions`` partitions: the table was built so.
    """
    wanted = {
        settings.by_contact_topic: {},
        settings.changelog_topic: {"cleanup.policy": "compact"},
    }
    admin = await _admin(settings, timeout_s)
    try:
        have = set(await admin.list_topics())
        for info in await admin.describe_topics([t for t in wanted if t in have]):
            if len(info["partitions"]) != settings.partitions:
                n = len(info["partitions"])
                raise StartupError(
                    f"Topic {info['topic']} has {n} partitions but CONSENT_GATE_PARTITIONS is "
                    f"{settings.partitions}: the consent table was built with {n}, "
                    f"so set CONSENT_GATE_PARTITIONS back to {n}."
                )
        new = [
            NewTopic(t, settings.partitions, settings.replication_factor, topic_configs=config)
            for t, config in wanted.items()
            if t not in have
        ]
        if new:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(new)
            await _wait_for_leaders(admin, [n.name for n in new], timeout_s)
            for n in new:
                log_event(logger, "topic.created", topic=n.name, partitions=settings.partitions)
        return [n.name for n in new]
    finally:
        await admin.close()


async def preflight(settings: Settings, timeout_s: float = 10.0) -> None:
    """Broker reachable, every topic present, state directory usable, the worker's internal topics
    in place; else :class:`StartupError`."""
    check_state_dir(settings)
    have = await existing_topics(settings, timeout_s)
    missing = [t for t in (*settings.input_topics, *settings.output_topics) if t not in have]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise StartupError(
            f"Topic {missing[0]}{more} does not exist on {settings.bootstrap_servers}: "
            f"run `consent-gate topics create` (or fix the CONSENT_GATE_TOPIC_* settings)."
        )
    await ensure_internal_topics(settings)
