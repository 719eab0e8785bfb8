"""Attribution: which campaign most likely caused an opt-out. Pure: no Kafka.

The rule (the one place it lives):

* An opt-out (or a flagged possible opt-out) whose reply, click or command names a campaign is
  attributed to it: ``EXPLICIT``.
* Otherwise it is attributed to the last CAMPAIGN message forwarded to that contact **on the same
  channel**, if that message was requested at most ``window_ms`` before the opt-out (and not after
  it): ``INFERRED``, naming the message and when it was requested. The gate keeps one such entry
  per (contact, channel), so a WhatsApp STOP can only ever find a WhatsApp campaign.
* Otherwise ``NONE``. An opt-in is never inferred (nothing we sent makes someone subscribe): it is
  ``EXPLICIT`` when it names a campaign and ``NONE`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from streams.core.consent import Action, Trigger

#: The default attribution window: 7 days.
DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000


class AttributionKind(StrEnum):
    NONE = "NONE"
    EXPLICIT = "EXPLICIT"
    INFERRED = "INFERRED"


@dataclass(frozen=True, slots=True)
class LastCampaign:
    """The last CAMPAIGN message forwarded to one contact on one channel."""

    message_id: str
    campaign_id: str | None
    message_type: str | None
    sent_at_ms: int

    @classmethod
    def of_message(cls, msg: Mapping[str, Any]) -> LastCampaign:
        """From a decoded ``OutboundMessage``."""
        return cls(
            msg["message_id"],
            msg.get("campaign_id"),
            msg.get("message_type"),
            msg["requested_at_ms"],
        )

    def record(self) -> dict[str, Any]:
        """The ``LastCampaign`` record (schemas/last_campaign)."""
        return {
            "message_id": self.message_id,
            "campaign_id": self.campaign_id,
            "message_type": self.message_type,
            "sent_at_ms": self.sent_at_ms,
        }


@dataclass(frozen=True, slots=True)
class Attribution:
    kind: AttributionKind
    campaign_id: str | None = None
    message_type: str | None = None
    message_id: str | None = None  # INFERRED only
    sent_at_ms: int | None = None  # INFERRED only

    def fields(self) -> dict[str, Any]:
        """The attribution fields of a ``ConsentEvent``."""
        return {
            "campaign_id": self.campaign_id,
            "message_type": self.message_type,
            "attribution": self.kind.value,
            "attributed_message_id": self.message_id,
            "attributed_sent_at_ms": self.sent_at_ms,
        }


NO_ATTRIBUTION = Attribution(AttributionKind.NONE)


def attribute(
    trigger: Trigger, last: LastCampaign | None, window_ms: int = DEFAULT_WINDOW_MS
) -> Attribution:
    """The campaign ``trigger`` is attributed to; ``last``: the last campaign message forwarded to
    the contact on the trigger's channel (None: none is known)."""
    if trigger.campaign_id:
        message_type = trigger.message_type
        if message_type is None and last is not None and last.campaign_id == trigger.campaign_id:
            message_type = last.message_type  # the same campaign: its message type is known
        return Attribution(AttributionKind.EXPLICIT, trigger.campaign_id, message_type)
    if trigger.action is Action.OPT_IN or last is None:
        return NO_ATTRIBUTION
    if not 0 <= trigger.occurred_at_ms - last.sent_at_ms <= window_ms:
        return NO_ATTRIBUTION
    return Attribution(
        AttributionKind.INFERRED,
        last.campaign_id,
        last.message_type,
        last.message_id,
        last.sent_at_ms,
    )
