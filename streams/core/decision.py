"""The send decision: forward or suppress one outbound message. Pure, no Kafka, no Faust.

* INBOX messages (one-to-one conversation) are always forwarded, whatever the consent.
* CAMPAIGN messages are forwarded when the contact is subscribed on the message's channel, and
  suppressed otherwise: ``OPTED_OUT`` when the contact withdrew consent, ``NO_CONSENT`` when they
  never gave it (strict opt-in default).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from streams.core.consent import ConsentState


class Origin(StrEnum):
    CAMPAIGN = "CAMPAIGN"
    INBOX = "INBOX"


class SuppressionReason(StrEnum):
    OPTED_OUT = "OPTED_OUT"
    NO_CONSENT = "NO_CONSENT"


@dataclass(frozen=True, slots=True)
class SendDecision:
    forward: bool
    reason: SuppressionReason | None = None


FORWARD = SendDecision(forward=True)
SUPPRESS_OPTED_OUT = SendDecision(forward=False, reason=SuppressionReason.OPTED_OUT)
SUPPRESS_NO_CONSENT = SendDecision(forward=False, reason=SuppressionReason.NO_CONSENT)


def decide(origin: Origin | str, state: ConsentState) -> SendDecision:
    """Forward or suppress a message of ``origin`` to a contact in ``state`` on its channel."""
    if origin == Origin.INBOX or state.subscribed:
        return FORWARD
    return SUPPRESS_OPTED_OUT if state.explicit else SUPPRESS_NO_CONSENT
