"""Replies, provider feedback and erasure through router and gate, in memory."""

from __future__ import annotations

from typing import Any

import pytest

from streams.models.contract import Contract, RecordName
from streams.processing.records import REPLY_HEADER, Output
from streams.settings import Settings
from streams.state.consent_store import is_consent_key, state_key
from tests.harness import InMemoryGate

R = RecordName


class P(InMemoryGate):
    def replies(self, outs: list[Output]) -> list[tuple[str, dict[str, Any], str]]:
        """(kind header, message, topic) of every reply among ``outs``."""
        found = []
        for o in outs:
            kind = dict(o.headers).get(REPLY_HEADER)
            if kind is not None:
                msg = self.c.decode(R.OUTBOUND_MESSAGE, o.value)
                found.append((kind.decode(), msg, o.topic))
        return found

    def dead(self, outs: list[Output]) -> list[str]:
        return [
            self.c.decode(R.DEAD_LETTER, o.value)["error_code"]
            for o in outs
            if o.topic == self.s.deadletter_topic
        ]


@pytest.fixture
def p(settings: Settings, contract: Contract) -> P:
    return P(settings, contract)


# --- Replies ----------------------------------------------------------------------------------


def test_a_stop_gets_its_event_then_one_confirmation_on_the_channel_topic(p: P) -> None:
    outs = p.reply("c1", "SMS", "STOP", event_id="r-1", received_at_ms=123)
    assert [o.topic for o in outs] == [p.s.events_topic, p.s.channel_topic("SMS")]
    [(kind, msg, _)] = p.replies(outs)
    assert kind == "opt-out-confirmation"
    assert (msg["origin"], msg["contact_id"], msg["channel"], msg["requested_at_ms"]) == (
        "INBOX",
        "c1",
        "SMS",
        123,
    )
    assert outs[1].key == b"c1"
    # the same STOP again (an upstream duplicate): the very same bytes, so the same message id
    again = p.reply("c1", "SMS", "STOP", event_id="r-1", received_at_ms=123)
    assert again[1].value == outs[1].value


def test_a_repeated_stop_gets_no_confirmation(p: P) -> None:
    p.reply("c1", "WHATSAPP", "STOP")
    assert p.reply("c1", "WHATSAPP", "stop") == []


def test_help_gets_the_help_text_and_changes_nothing(p: P) -> None:
    [out] = p.reply("c1", "SMS", "help")
    [(kind, msg, topic)] = p.replies([out])
    assert (kind, topic) == ("help", p.s.channel_topic("SMS"))
    assert "STOP" in msg["body"]
    assert p.table == {}
    assert p.send("c1", "SMS")[0].topic == p.s.channel_topic("SMS")


def test_no_reply_on_email_or_for_a_click_or_a_command(p: P) -> None:
    assert p.replies(p.reply("c1", "EMAIL", "STOP")) == []
    assert p.replies(p.click("c2", "SMS")) == []
    assert p.replies(p.command("c3", "SMS", "OPT_OUT")) == []


def test_replies_can_be_turned_off(settings: Settings, contract: Contract) -> None:
    p = P(settings.model_copy(update={"reply_channels": ()}), contract)
    assert p.replies(p.reply("c1", "SMS", "STOP")) == [] and p.reply("c1", "SMS", "HELP") == []


# --- Provider feedback ------------------------------------------------------------------------


def test_twilio_21610_opts_sms_out_with_the_report_as_proof(p: P) -> None:
    outs = p.report("c1", "SMS", status="undelivered", error_code="21610", report_id="cb-1")
    [event] = p.events(outs)
    assert (event["type"], event["source"], event["provider_code"], event["trigger_event_id"]) == (
        "OPTED_OUT",
        "PROVIDER",
        "21610",
        "cb-1",
    )
    assert p.replies(outs) == []  # the provider answered the contact already
    [sup] = p.send("c1", "SMS")
    assert p.c.decode(R.SUPPRESSED_MESSAGE, sup.value)["opt_out_source"] == "PROVIDER"
    assert p.send("c1", "WHATSAPP")[0].topic == p.s.channel_topic("WHATSAPP")


def test_whatsapp_preferences_stop_and_resume(p: P) -> None:
    pref: dict[str, Any] = {"status": "user_preferences", "category": "marketing_messages"}
    [stop] = p.events(p.report("c1", "WHATSAPP", preference="stop", **pref))
    assert p.send("c1", "WHATSAPP")[0].topic == p.s.suppressed_topic
    [resume] = p.events(p.report("c1", "WHATSAPP", preference="resume", **pref))
    assert (stop["type"], resume["type"]) == ("OPTED_OUT", "OPTED_IN")
    assert p.send("c1", "WHATSAPP")[0].topic == p.s.channel_topic("WHATSAPP")


def test_other_reports_change_nothing_and_are_not_dead_letters(p: P) -> None:
    assert p.report("c1", "SMS", status="delivered") == []
    assert p.report("c1", "SMS", status="failed", error_code="30003") == []
    assert p.table == {}


def test_a_report_on_an_unknown_channel_is_dead_lettered(p: P) -> None:
    assert p.dead(p.report("c1", "FAX", error_code="21610")) == ["UNKNOWN_CHANNEL"]


# --- Erasure ----------------------------------------------------------------------------------


def test_erase_every_channel_deletes_the_entries_with_one_event_each(p: P) -> None:
    p.reply("c1", "SMS", "STOP")
    p.click("c1", "EMAIL")
    p.reply("c2", "SMS", "STOP")
    outs = p.command("c1", "*", "ERASE", command_id="erase-1")
    events = p.events(outs)
    assert sorted((e["channel"], e["type"]) for e in events) == [
        ("EMAIL", "ERASED"),
        ("SMS", "ERASED"),
    ]
    for e in events:
        assert (e["raw_text"], e["reason"], e["campaign_id"], e["proof"]) == (None,) * 4
        assert (e["previous_subscribed"], e["subscribed"], e["trigger_event_id"]) == (
            False,
            True,
            "erase-1",
        )
    assert state_key("c1", "SMS") not in p.table and state_key("c1", "EMAIL") not in p.table
    assert state_key("c2", "SMS") in p.table  # only that contact
    # its consent history and the campaign an opt-out would be attributed to go with it
    assert not [k for k in p.table if k[:1] in (b"\x02", b"\x03") and b"c1" in k]
    assert [k for k in p.table if k[:1] == b"\x03" and b"c2" in k]
    # erased: handled as new (subscribed by default), and a STOP is a new opt-out, confirmed
    assert p.send("c1", "SMS")[0].topic == p.s.channel_topic("SMS")
    again = p.reply("c1", "SMS", "STOP")
    assert [e["type"] for e in p.events(again)] == ["OPTED_OUT"] and len(p.replies(again)) == 1
    # erasing again what is not there: nothing
    assert p.command("c1", "EMAIL", "ERASE") == []


def test_erase_one_channel_keeps_the_others(p: P) -> None:
    p.reply("c1", "SMS", "STOP")
    p.reply("c1", "WHATSAPP", "STOP")
    [event] = p.events(p.command("c1", "sms", "ERASE"))
    assert event["channel"] == "SMS"
    assert p.send("c1", "WHATSAPP")[0].topic == p.s.suppressed_topic


def test_star_is_only_for_erasure(p: P) -> None:
    assert p.dead(p.command("c1", "*", "OPT_OUT")) == ["UNKNOWN_CHANNEL"]
    assert p.dead(p.command("c1", "FAX", "ERASE")) == ["UNKNOWN_CHANNEL"]


def test_an_erase_goes_through_the_partition_store_as_a_delete(p: P) -> None:
    """In the worker the table is the partition's store: the erasure is a tombstone on the
    changelog, in the transaction, and once it committed RocksDB forgets the entry."""
    key = state_key("c1", "SMS")
    p.reply("c1", "SMS", "STOP")
    assert p.store.get(p.partition, key) is not None
    p.command("c1", "*", "ERASE")
    changelog = {k: v for t, _, k, v in p.output.flushed if t == p.s.changelog_topic}
    assert {k: v for k, v in changelog.items() if is_consent_key(k)} == {key: None}
    assert p.store.get(p.partition, key) is None
