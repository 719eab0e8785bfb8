"""Review of possible opt-outs: the queue, business days, what accepting publishes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from streams.core.review import (
    ACCEPTED,
    REJECTED,
    acceptance,
    business_days,
    decision,
    overdue,
    review_items,
)


def ms(day: str) -> int:
    return int(datetime.fromisoformat(f"{day}T12:00:00+00:00").astimezone(UTC).timestamp() * 1000)


def event(event_id: str, at: str, kind: str = "POSSIBLE_OPT_OUT", **extra: Any) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "type": kind,
        "trigger_event_id": f"reply-{event_id}",
        "contact_id": "c1",
        "channel": "SMS",
        "raw_text": "too many messages",
        "occurred_at_ms": ms(at),
        "language": "en",
        "campaign_id": "spring",
        "proof": {"band": "possible", "language": "en", "rule": "en.complaint"},
        **extra,
    }


def test_undecided_possible_opt_outs_oldest_first_each_once() -> None:
    events = [
        event("b", "2026-03-04"),
        event("a", "2026-03-02"),
        event("x", "2026-03-01", kind="OPTED_OUT"),
        event("b", "2026-03-04"),  # delivered twice
        event("c", "2026-03-03"),
    ]
    items = review_items(events, decided={"c"})
    assert [i.event_id for i in items] == ["a", "b"]
    first = items[0]
    assert (first.text, first.band, first.rule, first.reply_event_id) == (
        "too many messages",
        "possible",
        "en.complaint",
        "reply-a",
    )


@pytest.mark.parametrize(
    ("since", "now", "days"),
    [
        ("2026-03-06", "2026-03-06", 0),  # Friday, same day
        ("2026-03-06", "2026-03-09", 1),  # Friday -> Monday
        ("2026-03-07", "2026-03-08", 0),  # Saturday -> Sunday
        ("2026-03-02", "2026-03-16", 10),  # two weeks
        ("2026-03-02", "2026-03-17", 11),
        ("2026-03-09", "2026-03-02", 0),  # in the past
    ],
)
def test_business_days(since: str, now: str, days: int) -> None:
    assert business_days(ms(since), ms(now)) == days


def test_overdue_past_the_deadline() -> None:
    items = review_items([event("a", "2026-03-02"), event("b", "2026-03-12")], decided=())
    assert [i.event_id for i in overdue(items, ms("2026-03-17"), 10)] == ["a"]


def test_accepting_publishes_an_opt_out_with_the_reviewer_and_the_reply() -> None:
    [item] = review_items([event("a", "2026-03-02")], decided=())
    fields = acceptance(item, "cli:alice")
    assert fields["actor"] == "cli:alice" and fields["campaign_id"] == "spring"
    assert fields["proof"]["method"] == "review"
    assert fields["proof"]["evidence"] == "reply reply-a: too many messages"
    assert decision(item, ACCEPTED, "cli:alice", 5, command_id="cmd-1")["command_id"] == "cmd-1"
    assert decision(item, REJECTED, "bob", 5, note="a joke")["decision"] == REJECTED
    with pytest.raises(ValueError, match="ACCEPTED or REJECTED"):
        decision(item, "MAYBE", "bob", 5)
