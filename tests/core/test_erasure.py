"""Erasure (GDPR Art. 17): the entry goes, the contact is back to the default, an ERASED event
without text; afterwards the contact is handled as new."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.consent import (
    Action,
    ConsentState,
    EventType,
    Outcome,
    Source,
    Trigger,
    apply,
    default_state,
    erased_channels,
    erasure_event,
)
from streams.models import builders as b
from streams.models.contract import Contract, RecordName

PROOF = b.consent_proof()
ERASE = Trigger(Action.ERASE, Source.COMMAND, "erase-1", 9_000)


def t(action: Action, source: Source, event_id: str, raw_text: str | None = None) -> Trigger:
    return Trigger(action, source, event_id, 1_000, raw_text=raw_text, proof=PROOF)


def test_erasing_an_opt_out_goes_back_to_the_default_with_one_event() -> None:
    stopped = apply(default_state(True), t(Action.OPT_OUT, Source.KEYWORD, "r1", "STOP")).state
    outcome = apply(stopped, ERASE, default_subscribed=True)
    assert outcome.erased and outcome.event is EventType.ERASED
    assert outcome.state == default_state(True) and not outcome.state.explicit
    assert (outcome.previous_subscribed, outcome.state.subscribed) == (False, True)
    assert not outcome.changed  # not an opt-out or opt-in: nothing to store, a delete


def test_nothing_stored_means_nothing_to_erase() -> None:
    for default in (True, False):
        assert apply(default_state(default), ERASE, default_subscribed=default) == Outcome(
            default_state(default)
        )


def test_the_erasure_event_carries_no_text(contract: Contract) -> None:
    stopped = apply(default_state(True), t(Action.OPT_OUT, Source.KEYWORD, "r1", "STOP me")).state
    outcome = apply(stopped, ERASE)
    event = erasure_event(
        contact_id="c1", channel="SMS", trigger=ERASE, outcome=outcome, recorded_at_ms=5
    )
    for field in ("raw_text", "keyword", "campaign_id", "reason", "proof", "message_type"):
        assert event[field] is None
    assert (event["type"], event["trigger_event_id"], event["source"]) == (
        "ERASED",
        "erase-1",
        "COMMAND",
    )
    encoded = contract.encode(RecordName.CONSENT_EVENT, event)
    assert b"STOP" not in encoded
    assert contract.decode(RecordName.CONSENT_EVENT, encoded) == event


def test_every_channel_is_star() -> None:
    assert erased_channels("*", ("SMS", "EMAIL")) == ("SMS", "EMAIL")
    assert erased_channels("SMS", ("SMS", "EMAIL")) == ("SMS",)


triggers = st.builds(
    Trigger,
    action=st.sampled_from([a for a in Action if a is not Action.ERASE]),
    source=st.sampled_from(Source),
    event_id=st.uuids().map(str),
    occurred_at_ms=st.integers(0, 2**41),
    raw_text=st.none() | st.just("STOP"),
    proof=st.none() | st.just(PROOF),
)


def run(default: bool, state: ConsentState, sequence: list[Trigger]) -> list[Any]:
    seen = []
    for trig in sequence:
        outcome = apply(state, trig, default_subscribed=default)
        seen.append((outcome.event, outcome.rejection, outcome.state))
        state = outcome.state
    return seen


@settings(max_examples=200, deadline=None)
@given(st.booleans(), st.lists(triggers, max_size=8), st.lists(triggers, max_size=8))
def test_an_erased_contact_is_handled_as_new(
    default: bool, before: list[Trigger], after: list[Trigger]
) -> None:
    """Whatever happened before the erasure, what comes after it behaves exactly as for a
    contact never seen (a STOP again is a new opt-out, with its event and confirmation)."""
    state = default_state(default)
    for trig in before:
        state = apply(state, trig, default_subscribed=default).state
    erased = apply(state, ERASE, default_subscribed=default)
    assert erased.state == default_state(default)
    assert run(default, erased.state, after) == run(default, default_state(default), after)
