"""``consent-gate erase``: publish a ConsentCommand ERASE (GDPR Art. 17) to the commands topic.

The worker does the erasing (``streams.processing.gate``): this only writes the request, as every
command is written (``streams.kafka.command_topic``), and waits until the broker has acknowledged
it."""

from __future__ import annotations

import getpass
import time
import uuid

from aiokafka.errors import KafkaError

from streams.core.consent import EVERY_CHANNEL
from streams.kafka.command_topic import command_producer, send_command
from streams.models.contract import Contract
from streams.processing.validate import MAX_ID_LENGTH
from streams.settings import Settings


class EraseError(RuntimeError):
    """The command could not be published; the message says why in one sentence."""


def erase_command(
    contact_id: str, channel: str, *, actor: str | None = None, now_ms: int | None = None
) -> dict[str, object]:
    """The ERASE command record (schemas/consent_command v2)."""
    return {
        "command_id": f"erase-{uuid.uuid4()}",
        "contact_id": contact_id,
        "channel": channel,
        "action": "ERASE",
        "source": "API",
        "issued_at_ms": int(time.time() * 1000) if now_ms is None else now_ms,
        "proof": None,
        "reason": None,
        "campaign_id": None,
        "actor": actor,
    }


async def publish_erase(
    settings: Settings, contact_id: str, channel: str = EVERY_CHANNEL, *, actor: str | None = None
) -> str:
    """Publish the erasure of ``contact_id`` on ``channel`` (``*``: every channel); its id."""
    contact_id = contact_id.strip()
    channel = channel.strip().upper()
    if not contact_id or len(contact_id) > MAX_ID_LENGTH:
        raise EraseError(f"The contact id must have 1 to {MAX_ID_LENGTH} characters.")
    if channel != EVERY_CHANNEL and channel not in settings.channels:
        raise EraseError(
            f"Channel {channel} is not one of the configured channels "
            f"({', '.join(settings.channels)}); use --channel '*' for every channel."
        )
    if actor is None:
        try:
            actor = f"cli:{getpass.getuser()}"
        except (KeyError, OSError):  # no user name in this container
            actor = "cli"
    command = erase_command(contact_id, channel, actor=actor)
    producer = command_producer(settings, f"{settings.app_id}-erase", request_timeout_ms=15_000)
    try:
        await producer.start()
    except KafkaError as exc:
        await producer.stop()
        raise EraseError(
            f"Cannot reach the Kafka broker at {settings.bootstrap_servers} "
            f"({type(exc).__name__}); nothing was published."
        ) from None
    try:
        metadata = await send_command(producer, settings, Contract(), command)
    except KafkaError as exc:
        raise EraseError(
            f"The broker did not take the erase command on {settings.commands_topic} "
            f"({type(exc).__name__}: {exc}); nothing was published: run it again."
        ) from None
    finally:
        await producer.stop()
    if metadata is None or metadata.offset is None or metadata.offset < 0:
        raise EraseError(f"The broker gave no offset for the erase command ({metadata!r}).")
    return str(command["command_id"])
