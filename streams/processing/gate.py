"""Stage 2, the gate: reads the internal by-contact topic, keeps the consent table, and

* turns replies, link clicks and consent commands into consent changes (``streams.core.consent``)
  and emits one consent event per change,
* forwards a CAMPAIGN message untouched (same key, value bytes and headers) when the contact is
  subscribed on its channel, and records it on the suppressed topic otherwise
  (``streams.core.decision``),
* dead-letters a refused command (an opt-in without proof) with the reason and the original bytes,
* answers a keyword opt-out with one confirmation, and HELP with the help text, on the channels
  whose providers expect it (``streams.core.replies``): INBOX messages on the channel topic,
  marked with the ``consent-gate-reply`` header,
* turns a provider's delivery report into a consent change when it is an opt-out signal,
* erases a contact's entries on an ERASE command (table deletes: tombstones on the changelog)
  with one ``ERASED`` event per erased channel.

Everything it emits is an :class:`Output` it returns, and every table write goes through the
partition's store: both are in the engine's transaction.

The gate is plain Python: the engine (streams/kafka/engine.py) hands it records and produces what it
returns.
"""

from __future__ import annotations

import hashlib
import logging
import time

from streams.core.consent import (
    REJECTION_TEXT,
    Action,
    Outcome,
    Trigger,
    apply,
    asks_history,
    click_trigger,
    command_trigger,
    consent_event,
    erased_channels,
    erasure_event,
    first_event_stands,
    read_reply,
    report_trigger,
)
from streams.core.decision import consent_applies, decide
from streams.core.intents import ReplyClassifier
from streams.core.keywords import NO_MATCH, KeywordMatch
from streams.core.replies import decide_reply, reply_message
from streams.models.contract import Contract, RecordName
from streams.processing.oversize import record_size
from streams.processing.records import (
    KIND_HEADER,
    REPLY_HEADER,
    Headers,
    InputKind,
    Output,
    Rejected,
    Route,
    Routed,
    SourceRecord,
    failure,
    gate_dead_letter,
    routed,
)
from streams.processing.stats import Analytics
from streams.processing.validate import Valid, Validator
from streams.settings import Settings
from streams.state.consent_store import ConsentStore

logger = logging.getLogger("consent_gate.gate")

_REQUEST = InputKind.REQUEST.value.encode()


class Gate:
    """Decides the records of one by-contact partition against its consent table (``store``)."""

    def __init__(
        self,
        settings: Settings,
        contract: Contract,
        store: ConsentStore,
        policy: ReplyClassifier | None = None,
        analytics: Analytics | None = None,
    ) -> None:
        self.settings = settings
        # Attribution, history and statistics (in the same table as the consent entries).
        self.analytics = analytics or Analytics(settings, contract, store.table)
        self.contract = contract
        self.store = store
        self.policy = policy or settings.keyword_policy()
        self.fail_closed = settings.hold_expiry == "suppress"
        self.validator = Validator(contract, settings.channels, settings.max_text_length)
        self.channel_topics = settings.channel_topics
        self.act_on_contained = settings.act_on_contained_keyword
        self.replies = settings.reply_policy()

    def handle(
        self,
        src: SourceRecord,
        now_ms: int | None = None,
        *,
        order_uncertain: bool = False,
        read: Routed | None = None,
    ) -> list[Output]:
        """The outputs of one record of the by-contact topic. ``order_uncertain``: its hold
        expired before the other inputs were shown to have caught up with it. ``read``:
        ``routed(src)`` (the router's headers read), when the caller has it already."""
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        read = read or routed(src)
        try:
            route = read.route
            if (
                read.kind == _REQUEST
                and route is not None
                and route["channel"] in self.channel_topics
            ):
                # decided on what the router read of it, without decoding it again (a channel
                # not ours: the full path rejects it)
                return [self._send(src, read.headers, route, now_ms, order_uncertain)]
            return self._handle(src, read, now_ms, order_uncertain)
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
                read=read,
            )
        ]

    def _handle(
        self, src: SourceRecord, read: Routed, now_ms: int, order_uncertain: bool
    ) -> list[Output]:
        raw_kind = read.kind
        if raw_kind is None:
            raise Rejected("UNKNOWN_INPUT", f"record has no {KIND_HEADER} header")
        try:
            kind = InputKind(raw_kind.decode())
        except ValueError:
            raise Rejected("UNKNOWN_INPUT", f"unknown input kind {raw_kind!r}") from None
        valid = self.validator.check(kind, src.value)
        if kind is InputKind.REQUEST:
            # the route the router would have sent with it
            send = {**valid.record, "channel": valid.channel, "contact_id": valid.contact_id}
            return [self._send(src, read.headers, send, now_ms, order_uncertain)]
        return self._consent(
            valid, now_ms, now_ms if src.timestamp_ms is None else src.timestamp_ms
        )

    def _send(
        self,
        src: SourceRecord,
        headers: Headers,
        send: Route,
        now_ms: int,
        order_uncertain: bool,
    ) -> Output:
        """The one decision on a send request (``send``: its route, the fields the router read
        of it): forwarded to its channel topic as it came, or the suppression built from it."""
        contact_id: str = send["contact_id"]
        channel: str = send["channel"]
        origin = send["origin"]
        state = self.store.get(contact_id, channel)
        decision = decide(
            origin, state, order_uncertain=order_uncertain, fail_closed=self.fail_closed
        )
        assert src.value is not None
        if consent_applies(origin):
            ts = now_ms if src.timestamp_ms is None else src.timestamp_ms
            self.analytics.sent(send, channel, decision.forward, ts)
        if decision.forward:
            return Output(self.channel_topics[channel], src.key, src.value, headers)
        assert decision.reason is not None
        suppressed = {
            "message_id": send["message_id"],
            "contact_id": contact_id,
            "channel": channel,
            "campaign_id": send.get("campaign_id"),
            "message_type": send.get("message_type"),
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
        key = contact_id.encode()
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
        return Output(self.settings.suppressed_topic, key, encoded, headers, tag=channel)

    def _trigger(self, valid: Valid) -> tuple[Trigger | None, KeywordMatch]:
        if valid.kind is InputKind.REPLY:
            return read_reply(valid.record, self.policy, act_on_contained=self.act_on_contained)
        if valid.kind is InputKind.CLICK:
            return click_trigger(valid.record), NO_MATCH
        if valid.kind is InputKind.REPORT:
            return report_trigger(valid.record, valid.channel), NO_MATCH
        return command_trigger(valid.record), NO_MATCH

    def _consent(self, valid: Valid, now_ms: int, ts: int) -> list[Output]:
        trigger, match = self._trigger(valid)
        if trigger is not None and trigger.action is Action.ERASE:
            return self._erase(valid, trigger, now_ms)
        outputs: list[Output] = []
        outcome: Outcome | None = None
        if trigger is not None:
            before = self.store.get(valid.contact_id, valid.channel)
            inputs: frozenset[str] = frozenset()
            if asks_history(before, trigger):
                inputs = self.analytics.recorded_inputs(valid.contact_id, valid.channel)
            outcome = apply(
                before,
                trigger,
                default_subscribed=self.settings.default_subscribed,
                recorded_inputs=inputs,
            )
            if outcome.rejection is not None:
                raise Rejected(outcome.rejection.value, REJECTION_TEXT[outcome.rejection])
            if outcome.changed or outcome.replayed:
                # A replayed input writes its state again: should its changelog record have been
                # lost, this restores it.
                self.store.put(valid.contact_id, valid.channel, outcome.state)
            recorded = None
            if outcome.replayed:
                recorded = self.analytics.recorded_event(
                    valid.contact_id, valid.channel, outcome.state
                )
            if recorded is not None and first_event_stands(outcome, trigger, recorded[1]):
                # The same input again (a re-import): its first event, with its first proof,
                # again; the history keeps it.
                outputs.append(self._event(valid.contact_id, recorded[0], recorded[1]["type"]))
            elif outcome.event is not None:
                event = consent_event(
                    contact_id=valid.contact_id,
                    channel=valid.channel,
                    trigger=trigger,
                    before=before,
                    outcome=outcome,
                    recorded_at_ms=now_ms,
                    attribution=self.analytics.attribution(
                        trigger, valid.contact_id, valid.channel
                    ),
                )
                encoded = self.contract.encode(RecordName.CONSENT_EVENT, event)
                if outcome.changed or outcome.replayed:
                    self.analytics.changed(
                        valid.contact_id,
                        valid.channel,
                        outcome.state,
                        event,
                        encoded,
                        count=outcome.changed,
                        ts=ts,
                    )
                outputs.append(self._event(valid.contact_id, encoded, event["type"]))
        if valid.kind is InputKind.REPLY:
            outputs += self._reply(valid, trigger, match, outcome)
        return outputs

    def _event(self, contact_id: str, encoded: bytes, event_type: str) -> Output:
        return Output(self.settings.events_topic, contact_id.encode(), encoded, tag=event_type)

    def _reply(
        self,
        valid: Valid,
        trigger: Trigger | None,
        match: KeywordMatch,
        outcome: Outcome | None,
    ) -> list[Output]:
        """The confirmation or help text a contact's message deserves (none mostly)."""
        event_id: str = valid.record["event_id"]
        reply = decide_reply(self.replies, valid.channel, event_id, trigger, match, outcome)
        if reply is None:
            return []
        message = reply_message(
            reply,
            contact_id=valid.contact_id,
            channel=valid.channel,
            event_id=event_id,
            at_ms=valid.record["received_at_ms"],
        )
        return [
            Output(
                self.channel_topics[valid.channel],
                valid.contact_id.encode(),
                self.contract.encode(RecordName.OUTBOUND_MESSAGE, message),
                [(REPLY_HEADER, reply.kind.value.encode())],
            )
        ]

    def _erase(self, valid: Valid, trigger: Trigger, now_ms: int) -> list[Output]:
        """GDPR Art. 17: delete the contact's entry on each channel the command covers; one
        ERASED event (no text in it) per channel that had one."""
        outputs = []
        for channel in erased_channels(valid.channel, self.settings.channels):
            before = self.store.get(valid.contact_id, channel)
            outcome = apply(before, trigger, default_subscribed=self.settings.default_subscribed)
            if not outcome.erased:
                continue
            self.store.delete(valid.contact_id, channel)
            self.analytics.erase(valid.contact_id, channel)
            event = erasure_event(
                contact_id=valid.contact_id,
                channel=channel,
                trigger=trigger,
                outcome=outcome,
                recorded_at_ms=now_ms,
            )
            encoded = self.contract.encode(RecordName.CONSENT_EVENT, event)
            outputs.append(self._event(valid.contact_id, encoded, event["type"]))
        return outputs
