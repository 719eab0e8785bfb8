"""Provider feedback: which delivery reports change consent, and how."""

from __future__ import annotations

from typing import Any

import pytest

from streams.core.consent import (
    SUBSCRIBED,
    Action,
    EventType,
    Source,
    apply,
    consent_event,
    default_state,
    report_trigger,
)
from streams.models import builders as b


def report(channel: str, **fields: Any) -> dict[str, Any]:
    return b.delivery_report("c1", channel, report_id="rep-1", occurred_at_ms=77, **fields)


@pytest.mark.parametrize(
    ("channel", "fields", "action", "code"),
    [
        ("SMS", {"status": "undelivered", "error_code": "21610"}, Action.OPT_OUT, "21610"),
        ("SMS", {"status": "failed", "error_code": " 21610 "}, Action.OPT_OUT, "21610"),
        (
            "WHATSAPP",
            {"status": "failed", "error_code": "131050", "provider": "meta"},
            Action.OPT_OUT,
            "131050",
        ),
        (
            "WHATSAPP",
            {"status": "user_preferences", "category": "marketing_messages", "preference": "stop"},
            Action.OPT_OUT,
            "user_preferences",
        ),
        (
            "WHATSAPP",
            {
                "status": "USER_PREFERENCES",
                "category": "Marketing_Messages",
                "preference": "Resume",
            },
            Action.OPT_IN,
            "user_preferences",
        ),
    ],
)
def test_opt_out_signals_change_consent_with_the_report_as_proof(
    channel: str, fields: dict[str, Any], action: Action, code: str
) -> None:
    t = report_trigger(
        report(channel, description="Attempt to send to unsubscribed", **fields), channel
    )
    assert t is not None
    assert (t.action, t.source, t.event_id, t.occurred_at_ms, t.provider_code) == (
        action,
        Source.PROVIDER,
        "rep-1",
        77,
        code,
    )
    assert t.reason == "Attempt to send to unsubscribed"


@pytest.mark.parametrize(
    ("channel", "fields"),
    [
        ("SMS", {"status": "delivered"}),
        ("SMS", {"status": "undelivered", "error_code": "30003"}),  # unreachable handset
        ("SMS", {"status": "failed", "error_code": "131050"}),  # a WhatsApp code on SMS
        ("WHATSAPP", {"status": "failed", "error_code": "21610"}),  # a Twilio SMS code
        ("WHATSAPP", {"status": "read"}),
        ("WHATSAPP", {"status": "user_preferences", "category": "utility", "preference": "stop"}),
        ("WHATSAPP", {"status": "user_preferences", "category": "marketing_messages"}),
        (
            "SMS",
            {"status": "user_preferences", "category": "marketing_messages", "preference": "stop"},
        ),
        ("EMAIL", {"status": "bounced", "error_code": "550"}),
    ],
)
def test_other_reports_change_nothing(channel: str, fields: dict[str, Any]) -> None:
    assert report_trigger(report(channel, **fields), channel) is None


def test_a_provider_opt_out_is_an_event_with_the_provider_code(contract: Any) -> None:
    t = report_trigger(report("SMS", status="undelivered", error_code="21610"), "SMS")
    assert t is not None
    outcome = apply(SUBSCRIBED, t)
    assert outcome.event is EventType.OPTED_OUT and outcome.state.source == "PROVIDER"
    assert outcome.state.event_id == "rep-1"
    event = consent_event(
        contact_id="c1", channel="SMS", trigger=t, before=SUBSCRIBED, outcome=outcome,
        recorded_at_ms=1,
    )  # fmt: skip
    assert (event["source"], event["provider_code"], event["trigger_event_id"]) == (
        "PROVIDER",
        "21610",
        "rep-1",
    )
    from streams.models.contract import RecordName

    assert (
        contract.decode(RecordName.CONSENT_EVENT, contract.encode(RecordName.CONSENT_EVENT, event))
        == event
    )


def test_a_whatsapp_resume_needs_no_further_proof_even_in_strict_mode() -> None:
    t = report_trigger(
        report(
            "WHATSAPP",
            status="user_preferences",
            category="marketing_messages",
            preference="resume",
        ),
        "WHATSAPP",
    )
    assert t is not None
    outcome = apply(default_state(False), t)
    assert outcome.rejection is None and outcome.event is EventType.OPTED_IN
