"""The send decision: INBOX always goes out, CAMPAIGN only with consent on the channel."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.consent import (
    NOT_SUBSCRIBED,
    SUBSCRIBED,
    Action,
    ConsentState,
    Source,
    Trigger,
    apply,
    default_state,
)
from streams.core.decision import FORWARD, Origin, SendDecision, SuppressionReason, decide

STOP = Trigger(Action.OPT_OUT, Source.KEYWORD, "reply-1", 1_000, raw_text="STOP")
START = Trigger(Action.OPT_IN, Source.KEYWORD, "reply-2", 2_000, raw_text="START")

states = st.builds(
    ConsentState,
    subscribed=st.booleans(),
    changed_at_ms=st.none() | st.integers(0, 2**41),
    source=st.none() | st.sampled_from(Source).map(str),
    event_id=st.none() | st.text(max_size=5),
    changes=st.integers(0, 10),
)


@settings(max_examples=200, deadline=None)
@given(states)
def test_inbox_is_always_forwarded(state: ConsentState) -> None:
    assert decide(Origin.INBOX, state) == FORWARD
    assert decide("INBOX", state) == FORWARD


@settings(max_examples=200, deadline=None)
@given(states)
def test_campaign_is_forwarded_iff_subscribed(state: ConsentState) -> None:
    decision = decide(Origin.CAMPAIGN, state)
    assert decision.forward is state.subscribed
    assert (decision.reason is None) is state.subscribed
    assert decide("CAMPAIGN", state) == decision


def test_explicit_opt_out_suppresses_campaign_as_opted_out() -> None:
    for regime in (True, False):
        state = default_state(regime)
        if not state.subscribed:
            state = apply(state, START).state
        stopped = apply(state, STOP).state
        assert decide(Origin.CAMPAIGN, stopped) == SendDecision(False, SuppressionReason.OPTED_OUT)


def test_never_seen_contact_in_strict_mode_is_suppressed_as_no_consent() -> None:
    assert decide(Origin.CAMPAIGN, default_state(False)) == SendDecision(
        False, SuppressionReason.NO_CONSENT
    )


@pytest.mark.parametrize("state", [SUBSCRIBED, default_state(True)])
def test_never_seen_contact_in_default_mode_gets_campaigns(state: ConsentState) -> None:
    assert decide(Origin.CAMPAIGN, state) == FORWARD


def test_resubscribed_contact_gets_campaigns_again() -> None:
    back = apply(apply(SUBSCRIBED, STOP).state, START).state
    assert decide(Origin.CAMPAIGN, back) == FORWARD
    assert decide(Origin.CAMPAIGN, NOT_SUBSCRIBED).reason is SuppressionReason.NO_CONSENT
