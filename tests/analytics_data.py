"""consent.stats rows and consent events with figures checkable by hand, for the report and
export tests (unit and integration)."""

from __future__ import annotations

import uuid
from typing import Any

DAY = 86_400_000
HOUR = 3_600_000
#: 2026-05-04 00:00 UTC, a Monday.
T0 = 1_777_852_800_000


def stats_row(
    campaign: str | None,
    channel: str,
    message_type: str | None,
    *,
    window: str = "DAY",
    start: int = T0,
    forwarded: int = 0,
    suppressed: int = 0,
    opt_outs: int = 0,
    opt_ins: int = 0,
    reasons: dict[str, int] | None = None,
    price: float = 0.05,
    currency: str = "USD",
    final: bool = True,
) -> dict[str, Any]:
    """One consent.stats record (schemas/consent_stats/v1.avsc); cost saved = suppressed x price."""
    size = DAY if window == "DAY" else HOUR
    return {
        "window": window,
        "window_start_ms": start,
        "window_end_ms": start + size,
        "campaign_id": campaign,
        "channel": channel,
        "message_type": message_type,
        "forwarded": forwarded,
        "suppressed": suppressed,
        "opt_outs": opt_outs,
        "opt_ins": opt_ins,
        "unsubscribe_rate": opt_outs / forwarded if forwarded else None,
        "reasons": [{"reason": r, "count": n} for r, n in (reasons or {}).items()],
        "cost_saved": suppressed * price,
        "currency": currency,
        "final": final,
        "emitted_at_ms": start + size + 60_000,
    }


def stats_key(row: dict[str, Any]) -> bytes:
    parts = ("window", "window_start_ms", "campaign_id", "channel", "message_type")
    return "|".join("" if row[p] is None else str(row[p]) for p in parts).encode()


def hand_checkable_stats() -> list[dict[str, Any]]:
    """spring-sale/promotion by SMS: 1,000 forwarded, 12 opt-outs (1.2 %), 40 suppressed at 0.05
    USD (2.00 USD), after a running row the final one replaces; spring-sale/newsletter by email:
    200 forwarded, 1 opt-out (0.5 %), 10 suppressed at 0.01 (0.10 USD); weekly-news by WhatsApp on
    the next day, still running: 400 forwarded, 2 opt-outs (0.5 %). Hourly rows of the same
    traffic must not be counted into the daily report."""
    return [
        stats_row("spring-sale", "SMS", "promotion", forwarded=500, opt_outs=5, final=False),
        stats_row(
            "spring-sale",
            "SMS",
            "promotion",
            forwarded=1000,
            suppressed=40,
            opt_outs=12,
            opt_ins=1,
            reasons={"too many messages": 5, "not relevant": 3},
        ),
        stats_row(
            "spring-sale",
            "EMAIL",
            "newsletter",
            forwarded=200,
            suppressed=10,
            opt_outs=1,
            price=0.01,
            reasons={"not relevant": 1},
        ),
        stats_row(
            "weekly-news",
            "WHATSAPP",
            "newsletter",
            start=T0 + DAY,
            forwarded=400,
            suppressed=4,
            opt_outs=2,
            final=False,
        ),
        stats_row("spring-sale", "SMS", "promotion", window="HOUR", forwarded=1000, opt_outs=12),
    ]


def consent_event(
    contact: str,
    channel: str,
    type_: str = "OPTED_OUT",
    *,
    at: int = T0,
    event_id: str | None = None,
    campaign: str | None = None,
    message_type: str | None = None,
    reason: str | None = None,
    proof: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One ConsentEvent (schemas/consent_event/v2.avsc)."""
    out = type_ == "OPTED_OUT"
    return {
        "event_id": event_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{contact}|{channel}|{at}")),
        "contact_id": contact,
        "channel": channel,
        "type": type_,
        "subscribed": not out,
        "previous_subscribed": out,
        "source": "KEYWORD",
        "trigger_event_id": f"reply-{uuid.uuid5(uuid.NAMESPACE_DNS, f'{contact}|{at}').hex[:12]}",
        "occurred_at_ms": at,
        "recorded_at_ms": at + 150,
        "raw_text": "STOP" if out else "START",
        "keyword": "STOP" if out else "START",
        "language": "en",
        "campaign_id": campaign,
        "message_type": message_type,
        "reason": reason,
        "proof": proof,
        "attribution": "EXPLICIT" if campaign else "NONE",
        "attributed_message_id": None,
        "attributed_sent_at_ms": None,
        "provider_code": None,
    }
