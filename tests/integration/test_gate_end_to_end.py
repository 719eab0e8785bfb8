"""The gate end to end: real broker, the worker as its own process, each test on its own topics."""

from __future__ import annotations

from devtools.runner import Produce
from streams.models import builders as b
from tests.integration.conftest import LiveGate, R


def test_sms_stop_leaves_whatsapp_and_email_subscribed(gate: LiveGate) -> None:
    gate.produce(gate.reply("c1", "SMS", "STOP"))
    gate.wait(lambda g: len(g.events()) == 1)
    gate.produce(
        *(gate.send("c1", ch, campaign_id="spring") for ch in ("SMS", "WHATSAPP", "EMAIL"))
    )
    gate.wait(
        lambda g: (
            len(g.suppressed()) == 1 and len(g.on("WHATSAPP")) == 1 and len(g.on("EMAIL")) == 1
        )
    )
    [event] = gate.events()
    assert (event["contact_id"], event["channel"], event["type"]) == ("c1", "SMS", "OPTED_OUT")
    [sup] = gate.suppressed()
    assert (sup["channel"], sup["reason"], sup["campaign_id"]) == ("SMS", "OPTED_OUT", "spring")
    assert gate.on("SMS") == []


def test_inbox_message_passes_byte_identical_even_after_opt_out(gate: LiveGate) -> None:
    gate.produce(gate.reply("c1", "SMS", "stop"))
    gate.wait(lambda g: len(g.events()) == 1)
    value = gate.c.encode(
        R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS", "INBOX", body="Your order shipped")
    )
    headers = [("trace-id", b"t-1"), ("agent", b"42"), ("trace-id", b"t-2")]
    gate.produce(Produce(gate.s.requests_topic, b"upstream-key", value, headers))
    gate.wait(lambda g: len(g.on("SMS")) == 1)
    [out] = gate.on("SMS")
    assert (out.key, out.value, list(out.headers)) == (b"upstream-key", value, headers)


def test_campaign_forwarded_byte_identical_when_subscribed(gate: LiveGate) -> None:
    value = gate.c.encode(R.OUTBOUND_MESSAGE, b.outbound_message("c9", "WHATSAPP", campaign_id="x"))
    gate.produce(Produce(gate.s.requests_topic, b"c9", value, [("h", b"v")]))
    gate.wait(lambda g: len(g.on("WHATSAPP")) == 1)
    [out] = gate.on("WHATSAPP")
    assert (out.key, out.value, list(out.headers)) == (b"c9", value, [("h", b"v")])


def test_resubscribe_by_start_lets_campaigns_through_again(gate: LiveGate) -> None:
    gate.produce(gate.reply("c1", "WHATSAPP", "Stop"))
    gate.wait(lambda g: len(g.events()) == 1)
    gate.produce(gate.reply("c1", "WHATSAPP", "START"))
    gate.wait(lambda g: len(g.events()) == 2)
    gate.produce(gate.send("c1", "WHATSAPP"))
    gate.wait(lambda g: len(g.on("WHATSAPP")) == 1)
    assert [e["type"] for e in gate.events()] == ["OPTED_OUT", "OPTED_IN"]
    assert gate.suppressed() == []


def test_repeated_stop_is_not_a_new_opt_out(gate: LiveGate) -> None:
    gate.produce(
        gate.reply("c1", "SMS", "STOP"),
        gate.reply("c1", "SMS", "stop"),
        gate.reply("c1", "SMS", "please stop"),
    )
    gate.wait(lambda g: len(g.events()) >= 1, settle_s=2.0)
    gate.produce(gate.send("c1", "SMS"))
    gate.wait(lambda g: len(g.suppressed()) == 1)
    assert [e["type"] for e in gate.events()] == ["OPTED_OUT"]


def test_possible_opt_out_is_flagged_and_changes_nothing(gate: LiveGate) -> None:
    gate.produce(gate.reply("c1", "SMS", "can you stop these please"))
    gate.wait(lambda g: len(g.events()) == 1)
    gate.produce(gate.send("c1", "SMS"))
    gate.wait(lambda g: len(g.on("SMS")) == 1)
    [event] = gate.events()
    assert (event["type"], event["subscribed"]) == ("POSSIBLE_OPT_OUT", True)


def test_email_link_and_one_click_unsubscribe_email_only_prefetch_does_nothing(
    gate: LiveGate,
) -> None:
    gate.produce(
        gate.click("c1", "EMAIL", kind="UNSUBSCRIBE", prefetch=True),
        gate.click("c1", "EMAIL", kind="ONE_CLICK_UNSUBSCRIBE", http_method="GET"),
        gate.click(
            "c2", "EMAIL", kind="UNSUBSCRIBE", feedback_reason="not relevant", campaign_id="news"
        ),
        gate.click("c3", "EMAIL", kind="ONE_CLICK_UNSUBSCRIBE", http_method="POST"),
    )
    gate.wait(lambda g: len(g.events()) == 2)
    gate.produce(*(gate.send(c, ch) for c in ("c1", "c2", "c3") for ch in ("EMAIL", "SMS")))
    gate.wait(
        lambda g: len(g.suppressed()) == 2 and len(g.on("EMAIL")) == 1 and len(g.on("SMS")) == 3
    )
    by_contact = {e["contact_id"]: e for e in gate.events()}
    assert (
        by_contact["c2"]["source"],
        by_contact["c2"]["reason"],
        by_contact["c2"]["campaign_id"],
    ) == ("LINK", "not relevant", "news")
    assert by_contact["c3"]["source"] == "ONE_CLICK"
    assert {s["contact_id"] for s in gate.suppressed()} == {"c2", "c3"}


def test_opt_in_command_needs_proof_and_opt_out_stands(gate: LiveGate) -> None:
    gate.produce(gate.command("c1", "TELEGRAM", "OPT_OUT", reason="asked support"))
    gate.wait(lambda g: len(g.events()) == 1)
    gate.produce(gate.command("c1", "TELEGRAM", "OPT_IN"), gate.send("c1", "TELEGRAM"))
    gate.wait(lambda g: len(g.dead_letters()) == 1 and len(g.suppressed()) == 1)
    [dl] = gate.dead_letters()
    assert (
        dl["error_code"] == "OPT_IN_WITHOUT_PROOF" and dl["source_topic"] == gate.s.commands_topic
    )
    gate.produce(gate.command("c1", "TELEGRAM", "OPT_IN", proof=b.consent_proof("double_opt_in")))
    gate.wait(lambda g: len(g.events()) == 2)
    gate.produce(gate.send("c1", "TELEGRAM"))
    gate.wait(lambda g: len(g.on("TELEGRAM")) == 1)
    assert gate.events()[1]["proof"]["method"] == "double_opt_in"


def test_bad_input_goes_to_dead_letter_and_processing_continues(gate: LiveGate) -> None:
    s = gate.s
    unknown_fp = b"\xc3\x01" + b"\x01" * 8 + b"\x02ab"
    bad = [
        Produce(s.replies_topic, b"k1", b"plain text, not avro"),
        Produce(s.clicks_topic, b"k2", unknown_fp),
        gate.reply("", "SMS", "STOP", key=b"k3"),
        gate.reply("c1", "PIGEON", "STOP", key=b"k4"),
        gate.reply("c1", "SMS", "STOP " * 2000, key=b"k5"),
    ]
    gate.produce(*bad, gate.reply("c1", "SMS", "STOP"), gate.send("c1", "EMAIL"))
    gate.wait(
        lambda g: len(g.dead_letters()) == 5 and len(g.on("EMAIL")) == 1 and len(g.events()) == 1
    )
    codes = {d["key"]: d["error_code"] for d in gate.dead_letters()}
    assert codes == {
        b"k1": "NOT_AVRO",
        b"k2": "UNKNOWN_SCHEMA",
        b"k3": "INVALID_FIELD",
        b"k4": "UNKNOWN_CHANNEL",
        b"k5": "TEXT_TOO_LONG",
    }
    originals = {d["key"]: d["value"] for d in gate.dead_letters()}
    assert originals[b"k1"] == b"plain text, not avro" and originals[b"k2"] == unknown_fp
    assert all(
        d["source_topic"] in (s.replies_topic, s.clicks_topic) and d["source_offset"] >= 0
        for d in gate.dead_letters()
    )
