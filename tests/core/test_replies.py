"""The replies the regulations expect: which message gets one, with which text and id."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.consent import apply, default_state, read_reply
from streams.core.keywords import KeywordPolicy
from streams.core.replies import (
    DEFAULT_TEXTS,
    LANGUAGE_TEXTS,
    ReplyKind,
    ReplyPolicy,
    check_texts,
    decide_reply,
    reply_message,
    reply_message_id,
)
from streams.models import builders as b
from streams.models.contract import Contract, RecordName

POLICY = KeywordPolicy(("en", "fr"))
REPLIES = ReplyPolicy.build(("SMS", "WHATSAPP"))
CONFIRM = ReplyKind.OPT_OUT_CONFIRMATION


def answer(
    text: str, channel: str = "SMS", default_subscribed: bool = True, policy: ReplyPolicy = REPLIES
) -> ReplyKind | None:
    reply = b.inbound_reply("c1", channel, text, event_id="r1")
    trigger, match = read_reply(reply, POLICY)
    outcome = None
    if trigger is not None:
        outcome = apply(default_state(default_subscribed), trigger)
    r = decide_reply(policy, channel, "r1", trigger, match, outcome)
    return None if r is None else r.kind


@pytest.mark.parametrize("text", ["STOP", " stop! ", "UNSUBSCRIBE", "ARRÊT", "opt-out"])
def test_a_keyword_opt_out_gets_one_confirmation(text: str) -> None:
    assert answer(text) is CONFIRM


@pytest.mark.parametrize("text", ["HELP", "info", "AIDE"])
def test_help_keywords_get_the_help_text(text: str) -> None:
    assert answer(text) is ReplyKind.HELP


@pytest.mark.parametrize("text", ["START", "hello", "please stop texting me", "", "help me out"])
def test_other_messages_get_no_reply(text: str) -> None:
    assert answer(text) is None


def test_a_never_subscribed_contact_gets_a_confirmation_too() -> None:
    assert answer("STOP", default_subscribed=False) is CONFIRM


def test_only_the_configured_channels_get_replies() -> None:
    assert answer("STOP", "EMAIL") is None and answer("HELP", "TELEGRAM") is None
    assert answer("STOP", "WHATSAPP") is CONFIRM
    off = ReplyPolicy.build(())
    assert answer("STOP", policy=off) is None and answer("HELP", policy=off) is None


def test_a_repeated_stop_gets_no_second_confirmation() -> None:
    first, match = read_reply(b.inbound_reply("c1", "SMS", "STOP", event_id="a"), POLICY)
    assert first is not None
    state = apply(default_state(True), first).state
    again, match = read_reply(b.inbound_reply("c1", "SMS", "stop", event_id="b"), POLICY)
    assert again is not None
    outcome = apply(state, again)
    assert decide_reply(REPLIES, "SMS", "b", again, match, outcome) is None


def test_a_redelivered_stop_gets_the_same_reply_again() -> None:
    """The same input once more (an upstream duplicate): its reply again, with the same id, so
    a sender that de-duplicates sends it once."""
    trigger, match = read_reply(b.inbound_reply("c1", "SMS", "STOP", event_id="a"), POLICY)
    assert trigger is not None
    first = apply(default_state(True), trigger)
    again = apply(first.state, trigger)
    assert again.replayed
    r1 = decide_reply(REPLIES, "SMS", "a", trigger, match, first)
    r2 = decide_reply(REPLIES, "SMS", "a", trigger, match, again)
    assert r1 is not None and r1 == r2


def test_reply_ids_are_deterministic_and_distinct() -> None:
    assert reply_message_id("e1", "SMS", CONFIRM) == reply_message_id("e1", "SMS", CONFIRM)
    ids = {
        reply_message_id(e, c, k)
        for e in ("e1", "e2")
        for c in ("SMS", "WHATSAPP")
        for k in ReplyKind
    }
    assert len(ids) == 8


def test_texts_fall_back_from_channel_and_language_to_the_kind() -> None:
    texts = check_texts(
        {
            "help": "H",
            "help.SMS": "H-sms",
            "help.fr": "H-fr",
            "help.whatsapp.FR": "H-wa-fr",
            "opt-out-confirmation.es": "C-es",
        },
        ("SMS", "WHATSAPP"),
    )
    p = ReplyPolicy.build(("SMS", "WHATSAPP"), texts)
    h = ReplyKind.HELP
    assert p.text(h, "WHATSAPP", "fr") == "H-wa-fr"
    assert p.text(h, "SMS", "fr") == "H-sms"  # the channel's text beats the language's
    assert p.text(h, "WHATSAPP", "de") == "H"
    assert p.text(h, "WHATSAPP", None) == "H"
    assert p.text(CONFIRM, "SMS", "es") == "C-es"
    assert p.text(CONFIRM, "SMS", "en") == DEFAULT_TEXTS[CONFIRM.value]


def test_the_default_texts_have_no_marketing_and_say_how_to_come_back() -> None:
    confirmation = DEFAULT_TEXTS[CONFIRM.value]
    assert "START" in confirmation and "unsubscribed" in confirmation
    assert "STOP" in DEFAULT_TEXTS[ReplyKind.HELP.value]
    for text in DEFAULT_TEXTS.values():
        assert not any(w in text.lower() for w in ("offer", "sale", "discount", "%", "http"))
        assert len(text) <= 160  # one SMS segment


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("bye", "reply kind"),
        ("help.FAX", "neither a configured channel"),
        ("help.SMS.SMS", "neither"),
        ("help.xx", "neither"),
    ],
)
def test_bad_text_keys_are_refused(key: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        check_texts({key: "x"}, ("SMS",))


def test_a_reply_is_an_inbox_outbound_message_in_the_contract(contract: Contract) -> None:
    trigger, match = read_reply(b.inbound_reply("c1", "SMS", "arret", event_id="r9"), POLICY)
    reply = decide_reply(REPLIES, "SMS", "r9", trigger, match, apply(default_state(True), trigger))  # type: ignore[arg-type]
    assert reply is not None and reply.language == "fr"
    record = reply_message(reply, contact_id="c1", channel="SMS", event_id="r9", at_ms=5)
    decoded = contract.decode(
        RecordName.OUTBOUND_MESSAGE, contract.encode(RecordName.OUTBOUND_MESSAGE, record)
    )
    assert decoded["origin"] == "INBOX" and decoded["campaign_id"] is None
    # In the language of the word the contact used (ARRET: French).
    assert decoded["body"] == LANGUAGE_TEXTS[f"{CONFIRM.value}.fr"]
    assert decoded["message_type"] == "opt-out-confirmation"
    assert decoded["attributes"]["in_reply_to_event_id"] == "r9"


# --- Property: one confirmation per real keyword opt-out --------------------------------------

WORDS = st.sampled_from(["STOP", "stop", "START", "HELP", "hi", "please stop", "UNSUBSCRIBE"])


@settings(max_examples=200, deadline=None)
@given(st.booleans(), st.lists(WORDS, max_size=15))
def test_confirmations_follow_real_opt_outs_only(
    default_subscribed: bool, texts: list[str]
) -> None:
    """Over any conversation: exactly one confirmation per OPTED_OUT event of a keyword, never
    two without an opt-in between them, and one help text per HELP."""
    state = default_state(default_subscribed)
    confirmations = opted_out = helps = 0
    since_opt_in = 0
    for i, text in enumerate(texts):
        trigger, match = read_reply(b.inbound_reply("c", "SMS", text, event_id=f"e{i}"), POLICY)
        outcome = None if trigger is None else apply(state, trigger)
        reply = decide_reply(REPLIES, "SMS", f"e{i}", trigger, match, outcome)
        if outcome is not None:
            opted_out += outcome.event is not None and outcome.event.value == "OPTED_OUT"
            if outcome.event is not None and outcome.event.value == "OPTED_IN":
                since_opt_in = 0
            state = outcome.state
        if reply is not None and reply.kind is CONFIRM:
            confirmations += 1
            since_opt_in += 1
            assert since_opt_in == 1
        helps += reply is not None and reply.kind is ReplyKind.HELP
    assert confirmations == opted_out
    assert helps == texts.count("HELP")
