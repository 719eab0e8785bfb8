"""Router and gate together, in memory (tests/harness.py): what the worker does to each record,
without Kafka."""

from __future__ import annotations

import pytest

from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.records import KIND_HEADER, ORIGIN_HEADER, SourceRecord
from streams.settings import Settings
from tests.harness import InMemoryGate

R = RecordName


@pytest.fixture
def p(settings: Settings, contract: Contract) -> InMemoryGate:
    return InMemoryGate(settings, contract)


def test_sms_stop_leaves_whatsapp_and_email_subscribed(p: InMemoryGate) -> None:
    [event] = p.events(p.reply("c1", "SMS", "STOP"))
    assert (event["channel"], event["type"], event["source"]) == ("SMS", "OPTED_OUT", "KEYWORD")
    assert p.send("c1", "SMS")[0].topic == p.s.suppressed_topic
    assert p.send("c1", "WHATSAPP")[0].topic == p.s.channel_topic("WHATSAPP")
    assert p.send("c1", "EMAIL")[0].topic == p.s.channel_topic("EMAIL")


def test_campaign_to_subscribed_contact_is_forwarded_byte_identical(p: InMemoryGate) -> None:
    headers = [("trace", b"abc"), ("trace", b"dup")]
    value = p.c.encode(R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS", campaign_id="x"))
    [out] = p.feed(p.s.requests_topic, value, b"c1", headers)
    assert (out.topic, out.key, out.value, list(out.headers)) == (
        p.s.channel_topic("SMS"),
        b"c1",
        value,
        headers,
    )


def test_inbox_passes_untouched_whatever_the_consent(p: InMemoryGate) -> None:
    p.reply("c1", "SMS", "stop")
    headers = [("x-agent", b"42")]
    value = p.c.encode(R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS", "INBOX"))
    [out] = p.feed(p.s.requests_topic, value, b"raw-key", headers)
    assert (out.topic, out.key, out.value, list(out.headers)) == (
        p.s.channel_topic("SMS"),
        b"raw-key",
        value,
        headers,
    )


def test_suppressed_record_keeps_reason_campaign_and_original_bytes(p: InMemoryGate) -> None:
    p.reply("c1", "SMS", "Stop!")
    value = p.c.encode(
        R.OUTBOUND_MESSAGE,
        b.outbound_message("c1", "SMS", campaign_id="spring", message_type="promo"),
    )
    [out] = p.feed(p.s.requests_topic, value, b"c1", [("h", b"1")])
    rec = p.c.decode(R.SUPPRESSED_MESSAGE, out.value)
    assert rec["reason"] == "OPTED_OUT"
    assert rec["campaign_id"] == "spring" and rec["message_type"] == "promo"
    assert rec["original_value"] == value
    assert rec["opt_out_source"] == "KEYWORD"
    assert list(out.headers) == [("h", b"1")]  # the router's two headers are gone


def test_resubscribe_by_start_keyword(p: InMemoryGate) -> None:
    p.reply("c1", "SMS", "STOP")
    [event] = p.events(p.reply("c1", "SMS", "start"))
    assert (event["type"], event["subscribed"], event["previous_subscribed"]) == (
        "OPTED_IN",
        True,
        False,
    )
    assert p.send("c1", "SMS")[0].topic == p.s.channel_topic("SMS")


def test_repeated_stop_emits_nothing(p: InMemoryGate) -> None:
    assert len(p.events(p.reply("c1", "SMS", "STOP"))) == 1
    assert p.reply("c1", "SMS", "STOP") == []


def test_a_possible_opt_out_is_flagged_not_acted_on(p: InMemoryGate) -> None:
    [event] = p.events(p.reply("c1", "SMS", "too many messages"))
    assert event["type"] == "POSSIBLE_OPT_OUT" and event["subscribed"] is True
    assert event["proof"]["band"] == "possible" and event["proof"]["rule"] == "en.complaint"
    assert p.send("c1", "SMS")[0].topic == p.s.channel_topic("SMS")


def test_a_plain_language_opt_out_acts_with_its_reading_as_proof(p: InMemoryGate) -> None:
    [event] = p.events(p.reply("c1", "SMS", "please stop texting me"))
    assert (event["type"], event["source"]) == ("OPTED_OUT", "KEYWORD")
    proof = event["proof"]
    assert (proof["method"], proof["band"], proof["language"], proof["rule"]) == (
        "plain_language",
        "certain",
        "en",
        "en.stop-sending",
    )
    assert p.send("c1", "SMS")[0].topic == p.s.suppressed_topic


def test_likely_goes_to_review_when_configured(contract: Contract) -> None:
    settings = Settings(_env_file=None, plain_language_policy="likely=review")  # type: ignore[call-arg]
    p = InMemoryGate(settings, contract)
    [event] = p.events(p.reply("c1", "SMS", "leave me alone"))
    assert event["type"] == "POSSIBLE_OPT_OUT" and event["proof"]["band"] == "likely"


def test_contained_keyword_acts_when_configured(contract: Contract) -> None:
    p = InMemoryGate(Settings(_env_file=None, act_on_contained_keyword=True), contract)  # type: ignore[call-arg]
    [event] = p.events(p.reply("c1", "SMS", "too many messages"))
    assert event["type"] == "OPTED_OUT"


def test_email_one_click_post_unsubscribes_email_only_with_reason(p: InMemoryGate) -> None:
    outs = p.click(
        "c1",
        "EMAIL",
        kind="ONE_CLICK_UNSUBSCRIBE",
        http_method="POST",
        feedback_reason="too many",
        campaign_id="news",
    )
    [event] = p.events(outs)
    assert (event["channel"], event["source"], event["reason"], event["campaign_id"]) == (
        "EMAIL",
        "ONE_CLICK",
        "too many",
        "news",
    )
    assert p.send("c1", "SMS")[0].topic == p.s.channel_topic("SMS")


def test_scanner_prefetch_and_one_click_get_change_nothing(p: InMemoryGate) -> None:
    assert p.click("c1", "EMAIL", kind="UNSUBSCRIBE", prefetch=True) == []
    assert p.click("c1", "EMAIL", kind="ONE_CLICK_UNSUBSCRIBE", http_method="GET") == []
    assert p.send("c1", "EMAIL")[0].topic == p.s.channel_topic("EMAIL")


def test_opt_in_command_without_proof_is_dead_lettered_and_opt_out_stands(p: InMemoryGate) -> None:
    p.command("c1", "WHATSAPP", "OPT_OUT")
    [dl] = p.command("c1", "WHATSAPP", "OPT_IN")
    assert dl.topic == p.s.deadletter_topic
    rec = p.c.decode(R.DEAD_LETTER, dl.value)
    assert rec["error_code"] == "OPT_IN_WITHOUT_PROOF"
    assert rec["source_topic"] == p.s.commands_topic and rec["stage"] == "gate"
    assert p.c.decode(R.CONSENT_COMMAND, rec["value"])["action"] == "OPT_IN"
    assert p.send("c1", "WHATSAPP")[0].topic == p.s.suppressed_topic


def test_opt_in_command_with_proof_resubscribes(p: InMemoryGate) -> None:
    p.command("c1", "WHATSAPP", "OPT_OUT")
    [event] = p.events(p.command("c1", "WHATSAPP", "OPT_IN", proof=b.consent_proof()))
    assert event["type"] == "OPTED_IN" and event["proof"]["method"] == "web_form"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b"not avro at all", "NOT_AVRO"),
        (b"\xc3\x01" + b"\x00" * 8 + b"body", "UNKNOWN_SCHEMA"),
        (b"", "NOT_AVRO"),
    ],
)
def test_bad_bytes_are_dead_lettered_with_original(
    p: InMemoryGate, value: bytes | None, code: str
) -> None:
    [dl] = p.feed(p.s.replies_topic, value, b"key")
    rec = p.c.decode(R.DEAD_LETTER, dl.value)
    assert (dl.topic, rec["error_code"], rec["value"], rec["key"]) == (
        p.s.deadletter_topic,
        code,
        value,
        b"key",
    )
    assert rec["source_topic"] == p.s.replies_topic and rec["stage"] == "router"


@pytest.mark.parametrize("topic", ["replies", "clicks", "requests", "commands", "reports"])
@pytest.mark.parametrize("key", [b"c1", None])
def test_a_tombstone_on_an_input_is_skipped_not_dead_lettered(
    p: InMemoryGate, topic: str, key: bytes | None
) -> None:
    """A null value carries nothing to decide or to lose, and is not an erasure request (that
    is a ConsentCommand ERASE): the router skips it (the engine counts it)."""
    src = SourceRecord(getattr(p.s, f"{topic}_topic"), 0, 1, 1000, key, None, [])
    assert p.router.skips(src) and p.feed(src.topic, None, key) == []


def test_invalid_records_are_dead_lettered(p: InMemoryGate) -> None:
    cases = {
        "UNKNOWN_CHANNEL": p.reply("c1", "FAX", "STOP"),
        "INVALID_FIELD": p.reply("  ", "SMS", "STOP"),
        "TEXT_TOO_LONG": p.reply("c1", "SMS", "x" * 5000),
    }
    for code, [dl] in cases.items():
        assert p.c.decode(R.DEAD_LETTER, dl.value)["error_code"] == code


def test_value_of_the_wrong_record_type_is_dead_lettered(p: InMemoryGate) -> None:
    value = p.c.encode(R.LINK_CLICK, b.link_click("c1", "SMS"))
    [dl] = p.feed(p.s.replies_topic, value)
    rec = p.c.decode(R.DEAD_LETTER, dl.value)
    assert rec["error_code"] == "UNKNOWN_SCHEMA" and "LinkClick" in rec["error"]


def test_channel_names_are_case_insensitive(p: InMemoryGate) -> None:
    p.reply("c1", "sms", "STOP")
    assert p.send("c1", "Sms")[0].topic == p.s.suppressed_topic


def test_strict_opt_in_suppresses_never_subscribed_contacts(contract: Contract) -> None:
    p = InMemoryGate(Settings(_env_file=None, default_subscribed=False), contract)  # type: ignore[call-arg]
    [out] = p.send("c1", "SMS")
    assert p.c.decode(R.SUPPRESSED_MESSAGE, out.value)["reason"] == "NO_CONSENT"
    p.reply("c1", "SMS", "START")
    assert p.send("c1", "SMS")[0].topic == p.s.channel_topic("SMS")


def test_internal_topic_partition_depends_only_on_contact(p: InMemoryGate) -> None:
    parts = set()
    for topic, rec, name in [
        (p.s.replies_topic, b.inbound_reply("c42", "SMS", "hi"), R.INBOUND_REPLY),
        (p.s.requests_topic, b.outbound_message("c42", "EMAIL"), R.OUTBOUND_MESSAGE),
        (p.s.commands_topic, b.consent_command("c42", "SMS", "OPT_OUT"), R.CONSENT_COMMAND),
    ]:
        for key in (b"c42", b"other-key", None):
            out = p.router.route(SourceRecord(topic, 3, 1, None, key, p.c.encode(name, rec)))
            parts.add(out.partition)
    assert len(parts) == 1


def test_redelivered_stop_gives_the_same_event_again(p: InMemoryGate) -> None:
    """At least once: a redelivery of the input behind the state re-emits its event (same id)."""
    value = p.c.encode(R.INBOUND_REPLY, b.inbound_reply("c1", "SMS", "STOP"))
    [first] = p.events(p.feed(p.s.replies_topic, value))
    [again] = p.events(p.feed(p.s.replies_topic, value))
    assert again["event_id"] == first["event_id"]
    assert {k: v for k, v in again.items() if k != "recorded_at_ms"} == {
        k: v for k, v in first.items() if k != "recorded_at_ms"
    }
    assert p.reply("c1", "SMS", "STOP") == []  # a new STOP is a repeat: nothing


def test_a_corrupt_table_entry_dead_letters_the_send_and_never_forwards_it(p: InMemoryGate) -> None:
    p.put(b"SMS/c1", b"\xc3\x01garbage state")
    [out] = p.send("c1", "SMS")
    assert out.topic == p.s.deadletter_topic
    rec = p.c.decode(R.DEAD_LETTER, out.value)
    assert (rec["error_code"], rec["stage"]) == ("PROCESSING_ERROR", "gate")
    assert rec["source_topic"] == p.s.requests_topic  # where it came from, not internal
    assert p.send("c2", "SMS")[0].topic == p.s.channel_topic("SMS")  # others go on


def test_upstream_headers_named_like_ours_are_forwarded_untouched(p: InMemoryGate) -> None:
    headers = [(KIND_HEADER, b"reply"), ("x", b"1"), (ORIGIN_HEADER, b"junk")]
    value = p.c.encode(R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"))
    [out] = p.feed(p.s.requests_topic, value, b"c1", headers)
    assert (out.topic, out.value, list(out.headers)) == (
        p.s.channel_topic("SMS"),
        value,
        headers,
    )
