"""Builders for the input records of the contract, with sensible defaults.

For producers written in Python, the demo, the tests and the benchmarks.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any


def _now_ms() -> int:
    return int(time.time() * 1000)


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def inbound_reply(contact_id: str, channel: str, text: str, **fields: Any) -> dict[str, Any]:
    return {
        "event_id": _id("reply"),
        "contact_id": contact_id,
        "channel": channel,
        "text": text,
        "received_at_ms": _now_ms(),
        "in_reply_to_message_id": None,
        "campaign_id": None,
        "message_type": None,
        **fields,
    }


def link_click(
    contact_id: str,
    channel: str,
    kind: str = "UNSUBSCRIBE",
    http_method: str = "GET",
    **fields: Any,
) -> dict[str, Any]:
    return {
        "event_id": _id("click"),
        "contact_id": contact_id,
        "channel": channel,
        "kind": kind,
        "http_method": http_method,
        "prefetch": False,
        "url": None,
        "message_id": None,
        "campaign_id": None,
        "message_type": None,
        "feedback_reason": None,
        "clicked_at_ms": _now_ms(),
        **fields,
    }


def outbound_message(
    contact_id: str, channel: str, origin: str = "CAMPAIGN", **fields: Any
) -> dict[str, Any]:
    return {
        "message_id": _id("msg"),
        "contact_id": contact_id,
        "channel": channel,
        "origin": origin,
        "campaign_id": None,
        "message_type": None,
        "recipient": None,
        "template_id": None,
        "body": None,
        "requested_at_ms": _now_ms(),
        "attributes": {},
        **fields,
    }


def consent_proof(method: str = "web_form", evidence: str = "form-submission") -> dict[str, Any]:
    return {
        "captured_at_ms": _now_ms(),
        "method": method,
        "evidence": evidence,
        "ip_address": None,
    }


def consent_command(
    contact_id: str,
    channel: str,
    action: str,
    source: str = "API",
    proof: Mapping[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    return {
        "command_id": _id("cmd"),
        "contact_id": contact_id,
        "channel": channel,
        "action": action,
        "source": source,
        "issued_at_ms": _now_ms(),
        "proof": dict(proof) if proof else None,
        "reason": None,
        "campaign_id": None,
        "actor": None,
        **fields,
    }


def delivery_report(
    contact_id: str,
    channel: str,
    status: str = "delivered",
    error_code: str | None = None,
    provider: str = "twilio",
    **fields: Any,
) -> dict[str, Any]:
    return {
        "report_id": _id("report"),
        "contact_id": contact_id,
        "channel": channel,
        "provider": provider,
        "status": status,
        "error_code": error_code,
        "message_id": None,
        "campaign_id": None,
        "message_type": None,
        "category": None,
        "preference": None,
        "occurred_at_ms": _now_ms(),
        "description": None,
        "raw_payload": None,
        **fields,
    }
