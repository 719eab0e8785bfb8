"""Review of possible opt-outs: which ``POSSIBLE_OPT_OUT`` events wait for a person, how old
they are in business days, and what accepting one publishes. Pure: no Kafka.

* An item is a ``POSSIBLE_OPT_OUT`` consent event no decision names yet (decisions are keyed by
  the event's id); items are listed oldest first (by the time of the reply).
* Accepting one publishes an opt-out command for the contact and channel: the reviewer is its
  actor, the reply its proof (method ``review``, the reply's id and text as evidence), the
  event's campaign its campaign. Rejecting one records the decision and changes nothing.
* The law's deadline (US TCPA, 47 CFR 64.1200(a)(11)) counts business days: Monday to Friday,
  in UTC (public holidays are not known here, so the count can only be early, never late).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

#: TCPA: honour a revocation within 10 business days (CONSENT_GATE_REVIEW_DEADLINE_DAYS).
DEFAULT_DEADLINE_DAYS = 10
ACCEPTED = "ACCEPTED"
REJECTED = "REJECTED"


@dataclass(frozen=True, slots=True)
class ReviewItem:
    event_id: str  # the POSSIBLE_OPT_OUT event
    reply_event_id: str  # the reply behind it
    contact_id: str
    channel: str
    text: str | None
    received_at_ms: int
    band: str | None
    language: str | None
    rule: str | None
    campaign_id: str | None


def review_items(events: Iterable[Mapping[str, Any]], decided: Iterable[str]) -> list[ReviewItem]:
    """The undecided ``POSSIBLE_OPT_OUT`` events among ``events``, oldest first (each once)."""
    done = set(decided)
    items: dict[str, ReviewItem] = {}
    for event in events:
        if event.get("type") != "POSSIBLE_OPT_OUT" or event["event_id"] in done:
            continue
        proof = event.get("proof") or {}
        items.setdefault(
            event["event_id"],
            ReviewItem(
                event_id=event["event_id"],
                reply_event_id=event["trigger_event_id"],
                contact_id=event["contact_id"],
                channel=event["channel"],
                text=event.get("raw_text"),
                received_at_ms=event["occurred_at_ms"],
                band=proof.get("band"),
                language=proof.get("language") or event.get("language"),
                rule=proof.get("rule"),
                campaign_id=event.get("campaign_id"),
            ),
        )
    return sorted(items.values(), key=lambda i: (i.received_at_ms, i.event_id))


def _day(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000, UTC).date()


def business_days(since_ms: int, now_ms: int) -> int:
    """Whole business days (Monday to Friday, UTC) after the day of ``since_ms`` up to the day
    of ``now_ms``: a reply on Friday is 1 business day old on Monday."""
    start, end = _day(since_ms), _day(now_ms)
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def overdue(items: Iterable[ReviewItem], now_ms: int, days: int) -> list[ReviewItem]:
    """The items older than ``days`` business days."""
    return [i for i in items if business_days(i.received_at_ms, now_ms) > days]


def acceptance(item: ReviewItem, reviewer: str) -> dict[str, Any]:
    """The fields of the opt-out command that accepting ``item`` publishes."""
    evidence = f"reply {item.reply_event_id}: {item.text or ''}"
    return {
        "actor": reviewer,
        "reason": f"review of possible opt-out {item.event_id}",
        "campaign_id": item.campaign_id,
        "proof": {
            "method": "review",
            "evidence": evidence[:1000],
            "captured_at_ms": item.received_at_ms,
        },
    }


def decision(
    item: ReviewItem,
    verdict: str,
    reviewer: str,
    now_ms: int,
    *,
    command_id: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """The ``ReviewDecision`` record (schemas/review_decision)."""
    if verdict not in (ACCEPTED, REJECTED):
        raise ValueError(f"a decision is {ACCEPTED} or {REJECTED}, not {verdict!r}")
    return {
        "event_id": item.event_id,
        "contact_id": item.contact_id,
        "channel": item.channel,
        "decision": verdict,
        "reviewer": reviewer,
        "decided_at_ms": now_ms,
        "command_id": command_id,
        "note": note,
    }
