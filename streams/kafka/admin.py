"""Topic creation and the start-up checks: each failure is one plain sentence with the fix."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import (
    KafkaError,
    TopicAlreadyExistsError,
    UnknownTopicOrPartitionError,
    for_code,
)

from streams.kafka.security import client_options, connection_problem
from streams.logs import log_event
from streams.settings import Settings, SettingsError

logger = logging.getLogger("consent_gate.admin")


class StartupError(RuntimeError):
    """Something is wrong at start; the message says what and how to fix it."""


async def _admin(settings: Settings, timeout_s: float) -> AIOKafkaAdminClient:
    try:
        security = client_options(settings)
    except SettingsError as exc:
        raise StartupError(str(exc)) from None
    admin = AIOKafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        request_timeout_ms=int(timeout_s * 1000),
        client_id=f"{settings.app_id}-admin",
        **security,
    )
    try:
        await asyncio.wait_for(admin.start(), timeout_s)
    except (KafkaError, OSError, TimeoutError) as exc:
        await admin.close()
        raise StartupError(await connection_problem(settings, exc, timeout_s)) from None
    return admin


async def existing_topics(settings: Settings, timeout_s: float = 10.0) -> set[str]:
    admin = await _admin(settings, timeout_s)
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


def topic_configs(settings: Settings, topic: str) -> dict[str, str]:
    """The configs ``topics create`` gives a topic: the audit topics (consent events, suppressed
    messages, dead letters) are the proof of consent and of every suppression, so they are kept
    for CONSENT_GATE_AUDIT_RETENTION_MS (-1: forever), never by size and never compacted, whatever
    the broker's defaults; the statistics topic is compacted (a key's last row is its final one);
    the other topics get the broker's defaults."""
    if topic in settings.audit_topics:
        return {
            "retention.ms": str(settings.audit_retention_ms),
            "retention.bytes": "-1",
            "cleanup.policy": "delete",
        }
    if topic == settings.stats_topic:
        # The last row of a key is its final one: compaction keeps exactly that.
        return {"cleanup.policy": "compact"}
    return {}


def check_created(settings: Settings, response: Any) -> list[str]:
    """The topics a CreateTopics ``response`` says were created. aiokafka returns the broker's
    per-topic errors instead of raising them: "already exists" (a concurrent creator won) is fine,
    anything else is a :class:`StartupError` naming the topic and what the broker said."""
    created = []
    for topic, code, *rest in response.topic_errors:
        if code == 0:
            created.append(topic)
        elif code != TopicAlreadyExistsError.errno:
            error = for_code(code)
            said = str(rest[0] if rest and rest[0] else error.description).rstrip(".")
            hint = _CREATE_HINTS.get(code, "")
            raise StartupError(
                f"The Kafka broker at {settings.bootstrap_servers} did not create topic {topic}: "
                f"{error.__name__} ({said}){hint}."
            )
    return created


_CREATE_HINTS = {
    37: ": check CONSENT_GATE_OUTPUT_PARTITIONS and CONSENT_GATE_PARTITIONS",  # InvalidPartitions
    38: ": set CONSENT_GATE_REPLICATION_FACTOR to at most the number of brokers",
    40: ": check CONSENT_GATE_AUDIT_RETENTION_MS",  # InvalidConfiguration
    29: ": the Kafka user needs permission to create topics (or create them yourself)",
    31: ": the Kafka user needs permission to create topics (or create them yourself)",
}


async def replication(admin: AIOKafkaAdminClient, settings: Settings) -> tuple[int, int]:
    """(replication factor, min.insync.replicas) of the topics the gate creates: the settings, or
    derived from the brokers available (3 and 2 on three or more, else the number of brokers and
    1); a replication factor larger than the brokers available is a :class:`StartupError`."""
    brokers = len((await admin.describe_cluster())["brokers"])
    rf = settings.replication_factor or max(1, min(brokers, 3))
    isr = settings.min_insync_replicas or (2 if rf >= 3 else 1)
    if rf > brokers:
        raise StartupError(
            f"CONSENT_GATE_REPLICATION_FACTOR is {rf} but the Kafka cluster at "
            f"{settings.bootstrap_servers} has {brokers} broker{'s' if brokers != 1 else ''} "
            f"available: set it to at most {brokers}, or start the missing brokers."
        )
    if isr > rf:
        raise StartupError(
            f"CONSENT_GATE_MIN_INSYNC_REPLICAS is {isr} but the replication factor is {rf} "
            f"({brokers} broker{'s' if brokers != 1 else ''} available), so no write could ever "
            f"succeed: set it to at most {rf}, or set CONSENT_GATE_REPLICATION_FACTOR."
        )
    return rf, isr


def new_topic(
    name: str, partitions: int, replicas: tuple[int, int], configs: dict[str, str]
) -> NewTopic:
    """A topic to create with ``replicas`` (from :func:`replication`) and ``configs``."""
    rf, isr = replicas
    return NewTopic(
        name, partitions, rf, topic_configs={**configs, "min.insync.replicas": str(isr)}
    )


async def _create(
    admin: AIOKafkaAdminClient, settings: Settings, new: list[NewTopic], timeout_s: float
) -> list[str]:
    """Create ``new`` and wait until the topics created are usable; returns their names."""
    created = check_created(settings, await admin.create_topics(new))
    for n in new:
        if n.name in created:
            log_event(logger, "topic.created", topic=n.name, partitions=n.num_partitions)
    if created:
        await _wait_for_leaders(admin, created, timeout_s)
    return created


async def create_topics(settings: Settings, timeout_s: float = 30.0) -> list[str]:
    """Create the input and output topics that are missing; returns the ones created."""
    admin = await _admin(settings, timeout_s)
    try:
        have = set(await admin.list_topics())
        wanted = [t for t in (*settings.input_topics, *settings.output_topics) if t not in have]
        replicas = await replication(admin, settings) if wanted else (1, 1)
        new = [
            new_topic(t, settings.output_partitions, replicas, topic_configs(settings, t))
            for t in wanted
        ]
        created = await _create(admin, settings, new, timeout_s) if new else []
        await _warn_about_audit_topics(admin, settings)
        return created
    finally:
        await admin.close()


async def _warn_about_audit_topics(admin: AIOKafkaAdminClient, settings: Settings) -> None:
    """An audit topic that existed already keeps its own retention: say so when it is not the
    one configured (``topics create`` never changes an existing topic)."""
    try:
        configs = await _configs(admin, settings.audit_topics)
    except (StartupError, KafkaError) as exc:  # e.g. not allowed to describe configs
        log_event(logger, "topic.audit_config_unknown", logging.WARNING, error=exc)
        return
    for topic, config in configs.items():
        for name, value in topic_configs(settings, topic).items():
            if config.get(name) != value:
                log_event(
                    logger,
                    "topic.audit_config_differs",
                    logging.WARNING,
                    topic=topic,
                    config=name,
                    value=config.get(name),
                    wanted=value,
                    fix=f"kafka-configs --alter --entity-type topics --entity-name {topic} "
                    f"--add-config {name}={value}",
                )


async def describe_topic_configs(
    settings: Settings, topics: list[str], timeout_s: float = 10.0
) -> dict[str, dict[str, str | None]]:
    """topic -> {config name: value} as the broker has them."""
    admin = await _admin(settings, timeout_s)
    try:
        return await _configs(admin, topics)
    finally:
        await admin.close()


#: How long a topic just created may stay unknown to the broker asked for its configuration (on
#: several brokers, each learns of a new topic from the controller a moment after it is made).
NEW_TOPIC_WAIT_S = 5.0


async def _configs(
    admin: AIOKafkaAdminClient, topics: list[str]
) -> dict[str, dict[str, str | None]]:
    deadline = time.monotonic() + NEW_TOPIC_WAIT_S
    while True:
        responses = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics]
        )
        out: dict[str, dict[str, str | None]] = {}
        unknown = False
        for response in responses:
            for code, message, _type, name, entries in response.resources:
                if code == UnknownTopicOrPartitionError.errno and time.monotonic() < deadline:
                    unknown = True
                elif code:
                    raise StartupError(
                        f"Cannot read the configuration of topic {name}: "
                        f"{for_code(code).__name__} ({message or for_code(code).description})."
                    )
                else:
                    out[name] = {entry[0]: entry[1] for entry in entries}
        if not unknown:
            return out
        await asyncio.sleep(0.2)


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
    try:
        import rocksdict  # noqa: F401
    except ImportError:
        raise StartupError(
            "The RocksDB store needs the rocksdict package: pip install rocksdict."
        ) from None


def check_changelog_name(settings: Settings, have: set[str]) -> None:
    """Refuse to start on a new, empty changelog while the deployment's table is in the old one.

    The topic prefix now applies to the changelog too (``<prefix><app_id>-consent-changelog``);
    before, it was ``<app_id>-consent-changelog`` whatever the prefix. A worker of a prefixed
    deployment would create the new topic and start with an empty consent table (every opt-out
    forgotten), so it stops and names the setting that keeps the old topic."""
    new, old = settings.changelog_topic, settings.legacy_changelog_topic
    if settings.changelog_topic_name or new == old or new in have or old not in have:
        return
    raise StartupError(
        f"The consent table's changelog is now {new} (CONSENT_GATE_TOPIC_PREFIX applies to it), "
        f"but this deployment's table is in {old}: set CONSENT_GATE_CHANGELOG_TOPIC_NAME={old} "
        "to keep using it (docs/analytics.md, moving an existing deployment)."
    )


async def ensure_internal_topics(settings: Settings, timeout_s: float = 30.0) -> list[str]:
    """Create the worker's own topics (the by-contact topic and the table's changelog) before
    it joins its consumer group, and wait until they are usable (a group assigned before a topic
    exists would leave it out). Existing ones must have ``partitions`` partitions: the table was
    built so.
    """
    wanted = {
        settings.by_contact_topic: {},
        settings.changelog_topic: {
            "cleanup.policy": "compact",
            # Bounds how long an erased entry's old values stay (the roll of the active
            # segment, which is never compacted, comes at this age at the latest).
            "max.compaction.lag.ms": str(settings.changelog_max_compaction_lag_ms),
        },
    }
    admin = await _admin(settings, timeout_s)
    try:
        have = set(await admin.list_topics())
        check_changelog_name(settings, have)
        for info in await admin.describe_topics([t for t in wanted if t in have]):
            if len(info["partitions"]) != settings.partitions:
                n = len(info["partitions"])
                raise StartupError(
                    f"Topic {info['topic']} has {n} partitions but CONSENT_GATE_PARTITIONS is "
                    f"{settings.partitions}: the consent table was built with {n}, "
                    f"so set CONSENT_GATE_PARTITIONS back to {n}."
                )
        missing = {t: config for t, config in wanted.items() if t not in have}
        # Checked only when creating: a worker restarted while a broker is down still starts.
        replicas = await replication(admin, settings) if missing else (1, 1)
        new = [new_topic(t, settings.partitions, replicas, c) for t, c in missing.items()]
        return await _create(admin, settings, new, timeout_s) if new else []
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
