"""The attribution rule: explicit wins, else the last campaign forwarded on the same channel
within the window, else none."""

from __future__ import annotations

from streams.core.attribution import (
    DEFAULT_WINDOW_MS,
    AttributionKind,
    LastCampaign,
    attribute,
)
from streams.core.consent import Action, Source, Trigger

DAY = 86_400_000
LAST = LastCampaign("msg-1", "spring", "promotion", 1_000 * DAY)


def stop(at_ms: int, campaign_id: str | None = None, message_type: str | None = None) -> Trigger:
    return Trigger(
        Action.OPT_OUT,
        Source.KEYWORD,
        "r1",
        at_ms,
        campaign_id=campaign_id,
        message_type=message_type,
    )


def test_inferred_from_the_last_campaign_within_the_window() -> None:
    a = attribute(stop(LAST.sent_at_ms + 2 * DAY), LAST)
    assert (a.kind, a.campaign_id, a.message_type) == (
        AttributionKind.INFERRED,
        "spring",
        "promotion",
    )
    assert (a.message_id, a.sent_at_ms) == ("msg-1", LAST.sent_at_ms)
    assert a.fields()["attribution"] == "INFERRED"


def test_window_edges() -> None:
    assert (
        attribute(stop(LAST.sent_at_ms + DEFAULT_WINDOW_MS), LAST).kind is AttributionKind.INFERRED
    )
    assert (
        attribute(stop(LAST.sent_at_ms + DEFAULT_WINDOW_MS + 1), LAST).kind is AttributionKind.NONE
    )
    assert attribute(stop(LAST.sent_at_ms - 1), LAST).kind is AttributionKind.NONE  # sent after it
    assert attribute(stop(LAST.sent_at_ms + 10), LAST, window_ms=5).kind is AttributionKind.NONE


def test_explicit_campaign_wins_over_the_inferred_one() -> None:
    a = attribute(stop(LAST.sent_at_ms + 1, campaign_id="summer"), LAST)
    assert (a.kind, a.campaign_id, a.message_type, a.message_id) == (
        AttributionKind.EXPLICIT,
        "summer",
        None,
        None,
    )
    # the same campaign as the last one sent: its message type is known
    same = attribute(stop(LAST.sent_at_ms + 1, campaign_id="spring"), LAST)
    assert (same.kind, same.message_type) == (AttributionKind.EXPLICIT, "promotion")


def test_nothing_sent_means_no_attribution_and_opt_ins_are_never_inferred() -> None:
    assert attribute(stop(5), None).kind is AttributionKind.NONE
    opt_in = Trigger(Action.OPT_IN, Source.KEYWORD, "r2", LAST.sent_at_ms + 1)
    assert attribute(opt_in, LAST).kind is AttributionKind.NONE
