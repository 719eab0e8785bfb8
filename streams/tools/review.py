"""``consent-gate review list|accept|reject``: possible opt-outs decided by a person.

The undecided items are the ``POSSIBLE_OPT_OUT`` events on the consent events topic (read to its
end) that no decision on ``<app_id>-reviews`` (compacted, key = the event's id) names yet
(``streams.core.review``). Accepting one publishes an opt-out command through the same path as
``consent-gate consent opt-out`` and the HTTP API (``streams.api.commands``), with the reviewer
as actor and the reply as proof, then records the decision with the command's id; rejecting one
records the decision only. A decision is written after its command was acknowledged, so a crash
in between leaves the item listed, and accepting it again publishes a second opt-out, which the
gate counts as no change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from streams.api.commands import CommandError, CommandPublisher, PublishError, build_command
from streams.core import review as core
from streams.core.review import ReviewItem
from streams.kafka.admin import existing_topics
from streams.kafka.security import client_options
from streams.models.contract import Contract, DecodeError, RecordName
from streams.settings import Settings
from streams.tools.common import ToolError, ensure_compacted_topic, read_to_end, require_topics


class NotUndecided(ToolError):
    """No undecided possible opt-out has the event id asked for."""


@dataclass(frozen=True, slots=True)
class Queue:
    items: list[ReviewItem]  # undecided, oldest first
    overdue: list[ReviewItem]  # older than the deadline


async def _decided(settings: Settings, contract: Contract) -> set[str]:
    if settings.reviews_topic not in await existing_topics(settings):
        return set()
    decided: set[str] = set()
    async for m in read_to_end(settings, settings.reviews_topic):
        if m.key is not None and m.value is not None:
            decided.add(contract.decode(RecordName.REVIEW_DECISION, m.value)["event_id"])
    return decided


async def queue(settings: Settings, contract: Contract, now_ms: int | None = None) -> Queue:
    """The possible opt-outs waiting for a decision, and those overdue."""
    await require_topics(settings, [settings.events_topic], "run `consent-gate topics create`")
    decided = await _decided(settings, contract)
    events = []
    async for m in read_to_end(settings, settings.events_topic):
        if m.value is None:
            continue
        try:
            events.append(contract.decode(RecordName.CONSENT_EVENT, m.value))
        except DecodeError:
            continue  # not a consent event: nothing to review
    items = core.review_items(events, decided)
    now = int(time.time() * 1000) if now_ms is None else now_ms
    return Queue(items, core.overdue(items, now, settings.review_deadline_days))


def _find(q: Queue, event_id: str) -> ReviewItem:
    for item in q.items:
        if item.event_id == event_id:
            return item
    raise NotUndecided(
        f"No undecided possible opt-out has the event id {event_id} "
        "(`consent-gate review list` shows them)."
    )


async def _record(settings: Settings, contract: Contract, record: dict[str, object]) -> None:
    await ensure_compacted_topic(settings, settings.reviews_topic)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=f"{settings.app_id}-review",
        enable_idempotence=True,
        acks="all",
        **client_options(settings),
    )
    try:
        await producer.start()
        await producer.send_and_wait(
            settings.reviews_topic,
            contract.encode(RecordName.REVIEW_DECISION, record),
            key=str(record["event_id"]).encode(),
        )
    except (KafkaError, OSError) as exc:
        raise ToolError(f"Kafka did not take the decision ({type(exc).__name__}: {exc}).") from exc
    finally:
        await producer.stop()


async def accept(
    settings: Settings,
    contract: Contract,
    event_id: str,
    reviewer: str,
    publisher: CommandPublisher | None = None,
) -> tuple[ReviewItem, str]:
    """Publish the opt-out of the item ``event_id`` (with ``publisher``, the HTTP API's own, or
    one made for the call); its item and the command's id."""
    item = _find(await queue(settings, contract), event_id)
    try:
        command = build_command(
            settings,
            contract,
            contact_id=item.contact_id,
            channel=item.channel,
            action="opt-out",
            fields=core.acceptance(item, reviewer),
        )
    except CommandError as exc:
        raise ToolError(f"{exc} ({exc.code}, field {exc.field}).") from None
    own = publisher is None
    publisher = publisher or CommandPublisher(settings)
    try:
        await publisher.publish(command)
    except PublishError as exc:
        raise ToolError(str(exc)) from None
    finally:
        if own:
            await publisher.close()
    now = int(time.time() * 1000)
    record = core.decision(item, core.ACCEPTED, reviewer, now, command_id=command.command_id)
    await _record(settings, contract, record)
    return item, command.command_id


async def reject(
    settings: Settings, contract: Contract, event_id: str, reviewer: str, note: str | None
) -> ReviewItem:
    """Record that the item ``event_id`` is not an opt-out."""
    item = _find(await queue(settings, contract), event_id)
    now = int(time.time() * 1000)
    await _record(settings, contract, core.decision(item, core.REJECTED, reviewer, now, note=note))
    return item
