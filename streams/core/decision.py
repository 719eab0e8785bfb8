"""The send decision: forward or suppress one outbound message. Pure, no Kafka.

* INBOX messages (one-to-one conversation) are always forwarded, whatever the consent.
* CAMPAIGN messages are forwarded when the contact is subscribed on the message's channel, and
  suppressed otherwise: ``OPTED_OUT`` when the contact withdrew consent, ``NO_CONSENT`` when they
  never gave it (strict opt-in default).
* A CAMPAIGN message whose place in event time could not be proven (its hold expired before the
  consent inputs caught up, ``streams.core.ordering``) is suppressed as ``ORDER_UNCERTAIN`` when
  the policy fails closed (the default), and decided on the consent known then otherwise.
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
    ORDER_UNCERTAIN = "ORDER_UNCERTAIN"


@dataclass(frozen=True, slots=True)
class SendDecision:
    forward: bool
    reason: SuppressionReason | None = None


FORWARD = SendDecision(forward=True)
SUPPRESS_OPTED_OUT = SendDecision(forward=False, reason=SuppressionReason.OPTED_OUT)
SUPPRESS_NO_CONSENT = SendDecision(forward=False, reason=SuppressionReason.NO_CONSENT)
SUPPRESS_ORDER_UNCERTAIN = SendDecision(forward=False, reason=SuppressionReason.ORDER_UNCERTAIN)


_INBOX = Origin.INBOX.value  # a plain str compares faster than the enum member


def consent_applies(origin: Origin | str) -> bool:
    """Whether consent can stop a message of ``origin`` (the one place the INBOX rule lives)."""
    return origin != _INBOX


def decide(
    origin: Origin | str,
    state: ConsentState,
    *,
    order_uncertain: bool = False,
    fail_closed: bool = True,
) -> SendDecision:
    """Forward or suppress a message of ``origin`` to a contact in ``state`` on its channel.

    ``order_uncertain``: the consent inputs could not be shown to be applied up to the message's
    time; with ``fail_closed`` such a campaign is suppressed rather than decided on ``state``."""
    if not consent_applies(origin):
        return FORWARD
    if order_uncertain and fail_closed:
        return SUPPRESS_ORDER_UNCERTAIN
    if state.subscribed:
        return FORWARD
    return SUPPRESS_OPTED_OUT if state.explicit else SUPPRESS_NO_CONSENT
