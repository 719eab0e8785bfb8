"""Stage 2, the gate: reads the internal by-contact topic, keeps the consent table, and

* turns replies, link clicks and consent commands into consent changes (``streams.core.consent``)
  and emits one consent event per change,
* forwards a CAMPAIGN message untouched (same key, value bytes and headers) when the contact is
  subscribed on its channel, and records it on the suppressed topic otherwise
  (``streams.core.decision``),
* dead-letters a refused command (an opt-in without proof) with the reason and the original bytes.

The gate is plain Python: the engine (streams/kafka/engine.py) hands it records and produces what it
returns.
"""

from __future__ import annotations

import hashlib
import logging
import time

from streams.core.consent import (
    REJECTION_TEXT,
    Trigger,
    apply,
    click_trigger,
    command_trigger,
    consent_event,
    reply_trigger,
)
from streams.core.decision import decide
from streams.core.keywords import KeywordPolicy
from streams.models.contract import Contract, RecordName
from streams.processing.oversize import record_size
from streams.processing.records import (
    KIND_HEADER,
    Headers,
    InputKind,
    Output,
    Rejected,
    SourceRecord,
    failure,
    gate_dead_letter,
    split_internal,
)
from streams.processing.validate import Valid, Validator
from streams.settings import Settings
from streams.state.consent_store import ConsentStore

logger = logging.getLogger("consent_gate.gate")


class Gate:
    """Decides the records of one by-contact partition against its consent table (``store``)."""

    def __init__(
        self,
        settings: Settings,
        contract: Contract,
        store: ConsentStore,
        policy: KeywordPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.contract = contract
        self.store = store
        self.policy = policy or settings.keyword_policy()
        self.fail_closed = settings.hold_expiry == "suppress"
        self.validator = Validator(contract, settings.channels, settings.max_text_length)
        self.channel_topics = settings.channel_topics
        self.act_on_contained = settings.act_on_contained_keyword

    def handle(
        self, src: SourceRecord, now_ms: int | None = None, *, order_uncertain: bool = False
    ) -> list[Output]:
        """The outputs of one record of the by-contact topic. ``order_uncertain``: its hold
        expired before the other inputs were shown to have caught up with it."""
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        headers, raw_kind, _ = split_internal(src.headers)
        try:
            return self._handle(src, headers, raw_kind, now_ms, order_uncertain)
        except Exception as exc:  # rejected input, or a bug / corrupt entry: fail closed, go on
            code, reason = failure(exc, "gate", src, logger)
        return [
            gate_dead_letter(
                self.contract,
                self.settings.deadletter_topic,
                src=src,
                code=code,
                reason=reason,
                now_ms=now_ms,
                max_bytes=self.settings.max_message_bytes,
            )
        ]

    def _handle(
        self,
        src: SourceRecord,
        headers: Headers,
        raw_kind: bytes | None,
        now_ms: int,
        order_uncertain: bool,
    ) -> list[Output]:
        if raw_kind is None:
            raise Rejected("UNKNOWN_INPUT", f"record has no {KIND_HEADER} header")
        try:
            kind = InputKind(raw_kind.decode())
        except ValueError:
            raise Rejected("UNKNOWN_INPUT", f"unknown input kind {raw_kind!r}") from None
        valid = self.validator.check(kind, src.value)
        if kind is InputKind.REQUEST:
            return [self._send(valid, src, headers, now_ms, order_uncertain)]
        return self._consent(valid, now_ms)

    def _send(
        self,
        valid: Valid,
        src: SourceRecord,
        headers: Headers,
        now_ms: int,
        order_uncertain: bool,
    ) -> Output:
        msg = valid.record
        state = self.store.get(valid.contact_id, valid.channel)
        decision = decide(
            msg["origin"], state, order_uncertain=order_uncertain, fail_closed=self.fail_closed
        )
        assert src.value is not None
        if decision.forward:
            return Output(self.channel_topics[valid.channel], src.key, src.value, headers)
        assert decision.reason is not None
        suppressed = {
            "message_id": msg["message_id"],
            "contact_id": valid.contact_id,
            "channel": valid.channel,
            "campaign_id": msg.get("campaign_id"),
            "message_type": msg.get("message_type"),
            "reason": decision.reason.value,
            # The proof of the opt-out (none when the send was held too long, still subscribed).
            "opted_out_at_ms": None if state.subscribed else state.changed_at_ms,
            "opt_out_source": None if state.subscribed else state.source,
            "opt_out_event_id": None if state.subscribed else state.event_id,
            "suppressed_at_ms": now_ms,
            "original_value": src.value,
            "value_truncated": False,
            "original_size": None,
            "original_sha256": None,
        }
        key = valid.contact_id.encode()
        encoded = self.contract.encode(RecordName.SUPPRESSED_MESSAGE, suppressed)
        limit = self.settings.max_message_bytes
        if record_size(key, encoded, headers) > limit:
            # Too large for the producer with the original in it: keep its beginning, its size
            # and its hash (and, should even that not fit, leave the headers out).
            suppressed.update(
                original_value=b"",
                value_truncated=True,
                original_size=len(src.value),
                original_sha256=hashlib.sha256(src.value).hexdigest(),
            )
            empty = self.contract.encode(RecordName.SUPPRESSED_MESSAGE, suppressed)
            if record_size(key, empty, headers) > limit:
                headers = []
            room = max(0, limit - record_size(key, empty, headers) - 4)
            suppressed["original_value"] = src.value[:room]
            encoded = self.contract.encode(RecordName.SUPPRESSED_MESSAGE, suppressed)
        return Output(self.settings.suppressed_topic, key, encoded, headers, tag=valid.channel)

    def _trigger(self, valid: Valid) -> Trigger | None:
        if valid.kind is InputKind.REPLY:
            return reply_trigger(valid.record, self.policy, act_on_contained=self.act_on_contained)
        if valid.kind is InputKind.CLICK:
            return click_trigger(valid.record)
        return command_trigger(valid.record)

    def _consent(self, valid: Valid, now_ms: int) -> list[Output]:
        trigger = self._trigger(valid)
        if trigger is None:
            return []
        before = self.store.get(valid.contact_id, valid.channel)
        outcome = apply(before, trigger, default_subscribed=self.settings.default_subscribed)
        if outcome.rejection is not None:
            raise Rejected(outcome.rejection.value, REJECTION_TEXT[outcome.rejection])
        if outcome.changed or outcome.replayed:
            # A replayed input writes its state again: should its changelog record have been
            # lost, this restores it.
            self.store.put(valid.contact_id, valid.channel, outcome.state)
        if outcome.event is None:
            return []
        event = consent_event(
            contact_id=valid.contact_id,
            channel=valid.channel,
            trigger=trigger,
            before=before,
            outcome=outcome,
            recorded_at_ms=now_ms,
        )
        return [
            Output(
                self.settings.events_topic,
                valid.contact_id.encode(),
                self.contract.encode(RecordName.CONSENT_EVENT, event),
                tag=outcome.event.value,
            )
        ]
