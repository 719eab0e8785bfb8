"""Consent per (contact, channel): which inputs ask for what, and how the state moves."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.consent import (
    NOT_SUBSCRIBED,
    SUBSCRIBED,
    Action,
    ConsentState,
    EventType,
    Outcome,
    Rejection,
    Source,
    Trigger,
    apply,
    asks_history,
    click_trigger,
    command_trigger,
    consent_event,
    default_state,
    event_id,
    first_event_stands,
    reply_trigger,
    state_from_record,
    state_record,
)
from streams.core.keywords import KeywordPolicy
from streams.models import builders as b
from streams.models.contract import Contract, RecordName

POLICY = KeywordPolicy()
PROOF = b.consent_proof("double_opt_in", "form-42")


def trigger(
    action: Action,
    source: Source = Source.COMMAND,
    *,
    event_id: str = "e1",
    at: int = 1_000,
    proof: dict[str, Any] | None = None,
    **fields: Any,
) -> Trigger:
    return Trigger(action, source, event_id, at, proof=proof, **fields)


def opted_out(default_subscribed: bool = True) -> ConsentState:
    state = default_state(default_subscribed)
    if not state.subscribed:
        state = apply(state, trigger(Action.OPT_IN, proof=PROOF, event_id="in")).state
    return apply(state, trigger(Action.OPT_OUT, Source.LINK, event_id="out", at=500)).state


# --- Transitions ----------------------------------------------------------------------------------


def test_an_input_that_comes_again_with_new_proof_keeps_its_first_event() -> None:
    """A re-imported row: same command id, other evidence. Its first event (and proof) stands."""
    first = trigger(Action.OPT_OUT, Source.IMPORT, event_id="import-1", proof=PROOF)
    done = apply(SUBSCRIBED, first)
    recorded = consent_event(
        contact_id="c", channel="SMS", trigger=first, before=SUBSCRIBED, outcome=done,
        recorded_at_ms=5,
    )  # fmt: skip
    again = replace(first, proof=b.consent_proof("import", "copy.csv:9"))
    replayed = apply(done.state, again)
    assert replayed.replayed and replayed.state is done.state
    assert first_event_stands(replayed, again, recorded)
    assert not first_event_stands(replayed, again, None)  # lost: rebuilt
    other = {**recorded, "trigger_event_id": "import-2"}
    assert not first_event_stands(replayed, again, other)  # not this input's
    assert not first_event_stands(done, first, recorded)  # a change, not a replay


def test_an_imported_row_applied_before_does_not_undo_a_later_opt_in() -> None:
    row = trigger(Action.OPT_OUT, Source.IMPORT, event_id="import-1", proof=PROOF)
    out = apply(SUBSCRIBED, row).state
    back_in = apply(out, trigger(Action.OPT_IN, Source.KEYWORD, event_id="reply-9")).state
    assert back_in.subscribed and asks_history(back_in, row)
    again = apply(back_in, row, recorded_inputs={"import-1", "reply-9"})
    assert again.state is back_in and again.event is None
    assert apply(back_in, row).event is EventType.OPTED_OUT  # not recorded: an opt-out
    assert not asks_history(SUBSCRIBED, row)  # never seen: no history to ask
    assert not asks_history(back_in, trigger(Action.OPT_OUT, Source.KEYWORD, event_id="r"))


def test_opt_out_from_subscribed_emits_opted_out_and_records_proof() -> None:
    stop = trigger(
        Action.OPT_OUT,
        Source.KEYWORD,
        event_id="reply-1",
        at=1_700_000_000_123,
        raw_text="Stop",
        keyword="stop",
        campaign_id="camp-1",
        reason="too many",
    )
    outcome = apply(SUBSCRIBED, stop)
    assert outcome.event is EventType.OPTED_OUT
    assert outcome.changed and outcome.rejection is None
    assert outcome.state == ConsentState(
        subscribed=False,
        changed_at_ms=1_700_000_000_123,
        source="KEYWORD",
        event_id="reply-1",
        raw_text="Stop",
        campaign_id="camp-1",
        reason="too many",
        changes=1,
    )
    assert outcome.state.explicit


def test_repeated_opt_out_emits_nothing_and_keeps_the_original_proof() -> None:
    first = apply(
        SUBSCRIBED, trigger(Action.OPT_OUT, Source.KEYWORD, event_id="a", raw_text="STOP")
    )
    again = apply(first.state, trigger(Action.OPT_OUT, Source.LINK, event_id="b", at=9_999))
    assert again == Outcome(first.state)
    assert again.state is first.state
    assert (again.state.event_id, again.state.source, again.state.changes) == ("a", "KEYWORD", 1)


def test_opt_in_keyword_resubscribes_with_the_reply_as_proof() -> None:
    start = reply_trigger(b.inbound_reply("c1", "SMS", "start", event_id="reply-2"), POLICY)
    assert start is not None and start.action is Action.OPT_IN
    # The proof is the reply itself, and how it was read.
    assert start.proof is not None and start.proof["evidence"] == "reply reply-2"
    assert (start.proof["method"], start.proof["rule"]) == ("keyword", "keyword:start")
    outcome = apply(opted_out(), start)
    assert outcome.event is EventType.OPTED_IN
    assert outcome.state.subscribed
    assert (outcome.state.source, outcome.state.event_id, outcome.state.raw_text) == (
        "KEYWORD",
        "reply-2",
        "start",
    )
    assert outcome.state.changes == 2


def test_opt_in_command_without_proof_is_rejected_and_state_unchanged() -> None:
    state = opted_out()
    command = command_trigger(b.consent_command("c1", "SMS", "OPT_IN"))
    outcome = apply(state, command)
    assert outcome.rejection is Rejection.OPT_IN_WITHOUT_PROOF
    assert outcome.event is None
    assert outcome.state is state


def test_opt_in_command_with_proof_resubscribes() -> None:
    command = command_trigger(b.consent_command("c1", "SMS", "OPT_IN", proof=PROOF))
    assert (command.source, command.proof) == (Source.COMMAND, PROOF)
    outcome = apply(opted_out(), command)
    assert outcome.event is EventType.OPTED_IN and outcome.rejection is None
    assert outcome.state.subscribed and outcome.state.source == "COMMAND"


@pytest.mark.parametrize("default_subscribed", [True, False])
def test_import_opt_in_never_lifts_an_explicit_opt_out(default_subscribed: bool) -> None:
    state = opted_out(default_subscribed)
    command = command_trigger(b.consent_command("c1", "SMS", "OPT_IN", "IMPORT", proof=PROOF))
    assert command.source is Source.IMPORT
    outcome = apply(state, command)
    assert outcome.rejection is Rejection.IMPORT_CANNOT_LIFT_OPT_OUT
    assert outcome.state is state and outcome.event is None


def test_import_opt_in_subscribes_a_never_seen_contact_in_strict_mode() -> None:
    command = command_trigger(b.consent_command("c1", "SMS", "OPT_IN", "IMPORT", proof=PROOF))
    outcome = apply(default_state(False), command)
    assert outcome.event is EventType.OPTED_IN
    assert outcome.state.subscribed and outcome.state.source == "IMPORT"


def test_import_opt_in_needs_proof_too() -> None:
    command = command_trigger(b.consent_command("c1", "SMS", "OPT_IN", "IMPORT"))
    outcome = apply(NOT_SUBSCRIBED, command)
    assert outcome.rejection is Rejection.OPT_IN_WITHOUT_PROOF
    assert outcome.state is NOT_SUBSCRIBED


def test_opt_in_when_already_subscribed_is_not_a_change() -> None:
    outcome = apply(SUBSCRIBED, trigger(Action.OPT_IN, proof=PROOF))
    assert outcome == Outcome(SUBSCRIBED)


def test_strict_mode_stop_from_a_never_seen_contact_cannot_be_lifted_by_an_import() -> None:
    stop = reply_trigger(b.inbound_reply("c1", "SMS", "STOP"), POLICY)
    assert stop is not None
    state = apply(default_state(False), stop).state
    command = command_trigger(b.consent_command("c1", "SMS", "OPT_IN", "IMPORT", proof=PROOF))
    assert apply(state, command).rejection is Rejection.IMPORT_CANNOT_LIFT_OPT_OUT


def test_flag_emits_possible_opt_out_only_while_subscribed() -> None:
    flag = trigger(Action.FLAG, Source.KEYWORD, raw_text="please stop texting")
    flagged = apply(SUBSCRIBED, flag)
    assert flagged == Outcome(SUBSCRIBED, EventType.POSSIBLE_OPT_OUT)
    assert flagged.state is SUBSCRIBED and not flagged.changed
    stopped = opted_out()
    assert apply(stopped, flag) == Outcome(stopped)
    assert apply(NOT_SUBSCRIBED, flag) == Outcome(NOT_SUBSCRIBED)


def test_default_state_depends_on_the_regime() -> None:
    assert default_state(True) == ConsentState(subscribed=True)
    assert default_state(False) == ConsentState(subscribed=False)
    assert not default_state(True).explicit and not default_state(False).explicit


# --- Link clicks ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "method", "prefetch", "source"),
    [
        ("UNSUBSCRIBE", "GET", False, Source.LINK),
        ("UNSUBSCRIBE", "POST", False, Source.LINK),
        ("UNSUBSCRIBE", "GET", True, None),
        ("ONE_CLICK_UNSUBSCRIBE", "POST", False, Source.ONE_CLICK),
        ("ONE_CLICK_UNSUBSCRIBE", "post", False, Source.ONE_CLICK),
        ("ONE_CLICK_UNSUBSCRIBE", "GET", False, None),
        ("ONE_CLICK_UNSUBSCRIBE", "HEAD", False, None),
        ("ONE_CLICK_UNSUBSCRIBE", "POST", True, None),
        ("OTHER", "GET", False, None),
        ("OTHER", "POST", False, None),
    ],
)
def test_click_trigger_opts_out_only_on_a_confirmed_or_one_click_post(
    kind: str, method: str, prefetch: bool, source: Source | None
) -> None:
    click = b.link_click("c1", "EMAIL", kind, method, prefetch=prefetch)
    result = click_trigger(click)
    if source is None:
        assert result is None
    else:
        assert result is not None
        assert (result.action, result.source) == (Action.OPT_OUT, source)


def test_click_trigger_keeps_feedback_reason_campaign_and_time() -> None:
    click = b.link_click(
        "c1",
        "EMAIL",
        event_id="click-1",
        clicked_at_ms=123,
        campaign_id="camp",
        message_type="newsletter",
        feedback_reason="not relevant",
    )
    assert click_trigger(click) == Trigger(
        Action.OPT_OUT,
        Source.LINK,
        "click-1",
        123,
        campaign_id="camp",
        message_type="newsletter",
        reason="not relevant",
    )


# --- Replies --------------------------------------------------------------------------------------


def reply(text: str, **fields: Any) -> dict[str, Any]:
    return b.inbound_reply("c1", "SMS", text, event_id="reply-1", received_at_ms=77, **fields)


@pytest.mark.parametrize("text", ["STOP", " stop! ", "Unsubscribe", "OPT-OUT"])
def test_exact_opt_out_keyword_opts_out(text: str) -> None:
    result = reply_trigger(reply(text, campaign_id="camp"), POLICY)
    assert result is not None
    assert (result.action, result.source, result.event_id, result.occurred_at_ms) == (
        Action.OPT_OUT,
        Source.KEYWORD,
        "reply-1",
        77,
    )
    assert (result.raw_text, result.campaign_id, result.language) == (text, "camp", "en")


def test_contained_opt_out_keyword_is_flagged_unless_policy_acts_on_it() -> None:
    message = reply("please stop texting me")
    flagged = reply_trigger(message, POLICY)
    assert flagged is not None
    assert (flagged.action, flagged.keyword) == (Action.FLAG, "stop")
    acted = reply_trigger(message, POLICY, act_on_contained=True)
    assert acted is not None and acted.action is Action.OPT_OUT


@pytest.mark.parametrize("text", ["HELP", "info", "hello", "", "yes I'd like the info", "🙂"])
def test_help_and_ordinary_replies_ask_nothing_of_consent(text: str) -> None:
    assert reply_trigger(reply(text), POLICY) is None
    assert reply_trigger(reply(text), POLICY, act_on_contained=True) is None


def test_exact_opt_in_keyword_opts_in() -> None:
    result = reply_trigger(reply("UNSTOP"), POLICY)
    assert result is not None and (result.action, result.keyword) == (Action.OPT_IN, "unstop")


# --- Events and records ---------------------------------------------------------------------------


def test_event_id_is_deterministic_and_differs_per_channel_and_type() -> None:
    assert event_id("reply-1", "SMS", EventType.OPTED_OUT) == event_id(
        "reply-1", "SMS", EventType.OPTED_OUT
    )
    ids = {
        event_id(trigger_id, channel, event_type)
        for trigger_id in ("reply-1", "reply-2")
        for channel in ("SMS", "WHATSAPP")
        for event_type in EventType
    }
    assert len(ids) == 2 * 2 * len(EventType)


def test_consent_event_record_describes_the_change_and_fits_the_contract(
    contract: Contract,
) -> None:
    before = opted_out()
    command = command_trigger(
        b.consent_command("c1", "SMS", "OPT_IN", proof=PROOF, command_id="cmd-1", issued_at_ms=5)
    )
    outcome = apply(before, command)
    record = consent_event(
        contact_id="c1",
        channel="SMS",
        trigger=command,
        before=before,
        outcome=outcome,
        recorded_at_ms=6,
    )
    assert record["event_id"] == event_id("cmd-1", "SMS", EventType.OPTED_IN)
    assert (record["type"], record["source"], record["trigger_event_id"]) == (
        "OPTED_IN",
        "COMMAND",
        "cmd-1",
    )
    assert (record["previous_subscribed"], record["subscribed"]) == (False, True)
    # A command's proof carries no reading of a reply (consent_event v3's band, language, rule).
    reading = {"band": None, "language": None, "rule": None, "scope": None}
    assert (record["occurred_at_ms"], record["recorded_at_ms"], record["proof"]) == (
        5,
        6,
        {**PROOF, **reading},
    )
    encoded = contract.encode(RecordName.CONSENT_EVENT, record)
    assert contract.decode(RecordName.CONSENT_EVENT, encoded) == record


def test_state_record_round_trips(contract: Contract) -> None:
    state = opted_out()
    record = state_record(state)
    assert state_from_record(record) == state
    decoded = contract.decode(
        RecordName.CONSENT_STATE, contract.encode(RecordName.CONSENT_STATE, record)
    )
    assert state_from_record(decoded) == state


# --- Properties over sequences of triggers --------------------------------------------------------

# Erasure has its own properties (tests/core/test_erasure.py).
CHANGES = [a for a in Action if a is not Action.ERASE]

triggers = st.builds(
    Trigger,
    action=st.sampled_from(CHANGES),
    source=st.sampled_from(Source),
    event_id=st.uuids().map(str),  # distinct inputs (redelivery has its own tests)
    occurred_at_ms=st.integers(0, 2**41),
    raw_text=st.none() | st.sampled_from(["STOP", "START"]),
    reason=st.none() | st.just("why"),
    proof=st.none() | st.just(PROOF),
)


def run(default_subscribed: bool, sequence: list[Trigger]) -> list[tuple[ConsentState, Outcome]]:
    """(state before, outcome) for every trigger of the sequence."""
    steps = []
    state = default_state(default_subscribed)
    for t in sequence:
        outcome = apply(state, t, default_subscribed=default_subscribed)
        steps.append((state, outcome))
        state = outcome.state
    return steps


def expected_rejection(t: Trigger, subscribed: bool, ever_changed: bool) -> Rejection | None:
    if t.action is not Action.OPT_IN:
        return None
    if t.source in (Source.COMMAND, Source.IMPORT) and not t.proof:
        return Rejection.OPT_IN_WITHOUT_PROOF
    if t.source is Source.IMPORT and not subscribed and ever_changed:
        return Rejection.IMPORT_CANNOT_LIFT_OPT_OUT
    return None


PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(st.booleans(), st.lists(triggers, max_size=12))
def test_last_accepted_opt_out_or_opt_in_wins(
    default_subscribed: bool, sequence: list[Trigger]
) -> None:
    subscribed, ever_changed = default_subscribed, False
    for (_, outcome), t in zip(run(default_subscribed, sequence), sequence, strict=True):
        assert outcome.rejection is expected_rejection(t, subscribed, ever_changed)
        if outcome.rejection is None and t.action is not Action.FLAG:
            now = t.action is Action.OPT_IN
            # a change, or the first opt-out recorded over the strict-mode default
            ever_changed |= now != subscribed or not (now or ever_changed)
            subscribed = now
        assert outcome.state.subscribed is subscribed
        assert (outcome.state.changes > 0) is ever_changed


@PROPERTY
@given(st.booleans(), st.lists(triggers, max_size=12))
def test_every_change_yields_exactly_one_event(
    default_subscribed: bool, sequence: list[Trigger]
) -> None:
    steps = run(default_subscribed, sequence)
    changes = [o.event for _, o in steps if o.event in (EventType.OPTED_OUT, EventType.OPTED_IN)]
    transitions = [
        (before.subscribed, outcome.state.subscribed)
        for before, outcome in steps
        if before.subscribed != outcome.state.subscribed
    ]
    recorded_opt_outs = [
        o for b, o in steps if o.state.changes > b.changes and not o.state.subscribed
    ]
    assert changes.count(EventType.OPTED_OUT) == len(recorded_opt_outs)
    assert transitions.count((True, False)) <= len(recorded_opt_outs)
    assert changes.count(EventType.OPTED_IN) == transitions.count((False, True))
    # never two OPTED_OUT (or two OPTED_IN) in a row
    assert all(a != b for a, b in pairwise(changes))
    final = steps[-1][1].state if steps else default_state(default_subscribed)
    assert final.changes == len(changes)
    for before, outcome in steps:
        assert outcome.state.changes == before.changes + outcome.changed


@PROPERTY
@given(st.booleans(), st.lists(triggers, max_size=12))
def test_no_event_means_no_change(default_subscribed: bool, sequence: list[Trigger]) -> None:
    for before, outcome in run(default_subscribed, sequence):
        if outcome.rejection is not None:
            assert outcome.state is before and outcome.event is None
        if not outcome.changed:
            assert outcome.state is before
        if outcome.event is EventType.POSSIBLE_OPT_OUT:
            assert before.subscribed


@PROPERTY
@given(st.booleans(), st.lists(triggers, min_size=1, max_size=12))
def test_a_change_records_the_trigger_as_proof(
    default_subscribed: bool, sequence: list[Trigger]
) -> None:
    for (_, outcome), t in zip(run(default_subscribed, sequence), sequence, strict=True):
        if outcome.changed:
            s = outcome.state
            assert (s.changed_at_ms, s.source, s.event_id, s.raw_text, s.reason) == (
                t.occurred_at_ms,
                t.source.value,
                t.event_id,
                t.raw_text,
                t.reason,
            )


# --- Redelivery (at least once) -------------------------------------------------------------------


@PROPERTY
@given(st.booleans(), st.lists(triggers, min_size=1, max_size=12), st.data())
def test_a_redelivered_input_gives_its_event_again_and_changes_nothing(
    default_subscribed: bool, sequence: list[Trigger], data: st.DataObject
) -> None:
    """After a crash the input behind the current state may come again (its event may have been
    lost while the table write was kept): the same event comes out again, the state stays."""
    steps = run(default_subscribed, sequence)
    i = data.draw(st.integers(0, len(steps) - 1))
    before, first = steps[i]
    if not first.changed:
        return
    again = apply(first.state, sequence[i], default_subscribed=default_subscribed)
    assert again.state is first.state and not again.changed and again.replayed
    assert again.event is first.event
    record = partial(consent_event, contact_id="c", channel="SMS", trigger=sequence[i])
    original = record(before=before, outcome=first, recorded_at_ms=1)
    replayed = record(before=first.state, outcome=again, recorded_at_ms=1)
    assert replayed == original  # same id, same previous/after states, same proof


def test_a_repeated_stop_with_a_new_id_is_still_not_an_event() -> None:
    first = apply(SUBSCRIBED, trigger(Action.OPT_OUT, event_id="a"))
    assert apply(first.state, trigger(Action.OPT_OUT, event_id="b")) == Outcome(first.state)


@PROPERTY
@given(st.booleans(), st.lists(triggers, max_size=12))
def test_an_import_never_lifts_an_opt_out(
    default_subscribed: bool, sequence: list[Trigger]
) -> None:
    """Whatever came before, no IMPORT input turns a recorded opt-out into a subscription (only an
    explicit opt-in with proof does): it is refused with IMPORT_CANNOT_LIFT_OPT_OUT (or
    OPT_IN_WITHOUT_PROOF), so the gate dead-letters it."""
    for before, outcome in run(default_subscribed, sequence):
        if before.explicit and not before.subscribed and outcome.state.subscribed:
            assert outcome.state.source != Source.IMPORT.value
    for t in sequence:
        imported = replace(
            t, source=Source.IMPORT, action=Action.OPT_IN, event_id=f"{t.event_id}-import"
        )
        opted_out = apply(default_state(default_subscribed), replace(t, action=Action.OPT_OUT))
        outcome = apply(opted_out.state, imported, default_subscribed=default_subscribed)
        assert not outcome.state.subscribed
        assert outcome.rejection in (
            Rejection.IMPORT_CANNOT_LIFT_OPT_OUT,
            Rejection.OPT_IN_WITHOUT_PROOF,
        )
