"""Consent per (contact, channel): what an input asks for, and how the state changes.

Pure: no Kafka. Inputs are the decoded contract records (plain dicts, field names as in
``schemas/``); outputs are plain values. The worker, the tests, the benchmarks and the docs all use
these functions.

The rules
---------
* A reply on channel C is read by ``streams.core.intents.ReplyClassifier``: an exact opt-out
  keyword (in any language switched on, scoped ones like STOP MARKETING included) opts C out; an
  exact opt-in keyword opts C back in (the reply is the proof of new consent). A plain-language
  opt-out is handled by its confidence band (``CONSENT_GATE_PLAIN_LANGUAGE_POLICY``): it acts,
  or is flagged ``POSSIBLE_OPT_OUT`` for review and changes nothing, or is ignored. The event's
  proof says how the reply was read (method, band, language, rule).
* A link click of kind UNSUBSCRIBE (confirmed on the page), or an RFC 8058 one-click POST, opts out
  the channel of the message that carried the link. A scanner prefetch, or a GET on a one-click
  URL, changes nothing.
* A consent command opts out, or back in. An opt-in must carry proof of new consent, and an import
  never lifts an opt-out (only an explicit subscribe does); both are rejected otherwise.
* A delivery report from a provider (``messaging.delivery.reports``) opts the channel out when the
  provider refused to deliver because the recipient opted out (Twilio 21610 on SMS, WhatsApp
  131050), and out of / back into WHATSAPP on a WhatsApp ``user_preferences`` stop / resume for
  marketing messages; the report is the proof. Every other report changes nothing.
* An erasure command (GDPR Art. 17) deletes the entry of one channel, or of every channel
  (``*``): the contact is back to the default state, as if never seen, and one ``ERASED`` event
  (without any text) is emitted per channel that had an entry.
* Every change of state yields exactly one event. A repeated opt-out (or opt-in) is not a change:
  it yields no event and is not counted again. A *redelivered* input (the same event id as the
  one behind the current state) yields its event again with the same id: at least once, never
  lost; the event recorded the first time stands, with its proof (:func:`first_event_stands`).
  In strict opt-in mode a STOP from a contact who never subscribed is recorded (with its
  proof) as an opt-out all the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from streams.core.intents import Band, Handling, ReplyClassifier
from streams.core.keywords import Intent, KeywordMatch, KeywordPolicy

if TYPE_CHECKING:
    from streams.core.attribution import Attribution


class Action(StrEnum):
    OPT_OUT = "OPT_OUT"
    OPT_IN = "OPT_IN"
    FLAG = "FLAG"  # a possible opt-out: no change, an event for review
    ERASE = "ERASE"  # GDPR Art. 17: forget the entry (back to the default state)


class Source(StrEnum):
    KEYWORD = "KEYWORD"
    LINK = "LINK"
    ONE_CLICK = "ONE_CLICK"
    COMMAND = "COMMAND"
    IMPORT = "IMPORT"
    PROVIDER = "PROVIDER"  # a delivery report of the channel's provider


class EventType(StrEnum):
    OPTED_OUT = "OPTED_OUT"
    OPTED_IN = "OPTED_IN"
    POSSIBLE_OPT_OUT = "POSSIBLE_OPT_OUT"
    ERASED = "ERASED"


class Rejection(StrEnum):
    """Why a request was refused (the dead-letter error code)."""

    OPT_IN_WITHOUT_PROOF = "OPT_IN_WITHOUT_PROOF"
    IMPORT_CANNOT_LIFT_OPT_OUT = "IMPORT_CANNOT_LIFT_OPT_OUT"


REJECTION_TEXT = {
    Rejection.OPT_IN_WITHOUT_PROOF: "an opt-in command must carry proof of new consent "
    "(field proof); the opt-out stands",
    Rejection.IMPORT_CANNOT_LIFT_OPT_OUT: "an import never lifts an opt-out; send an API opt-in "
    "with proof of new consent instead",
}


@dataclass(frozen=True, slots=True)
class Trigger:
    """A request, from any input, to change consent on one channel."""

    action: Action
    source: Source
    event_id: str
    occurred_at_ms: int
    raw_text: str | None = None
    keyword: str | None = None
    language: str | None = None
    campaign_id: str | None = None
    message_type: str | None = None
    reason: str | None = None
    proof: Mapping[str, Any] | None = None
    provider_code: str | None = None  # PROVIDER: the provider's error or preference code


@dataclass(frozen=True, slots=True)
class ConsentState:
    """Consent on one (contact, channel), with proof of the last change."""

    subscribed: bool
    changed_at_ms: int | None = None
    source: str | None = None
    event_id: str | None = None
    raw_text: str | None = None
    campaign_id: str | None = None
    reason: str | None = None
    changes: int = 0

    @property
    def explicit(self) -> bool:
        """True once anything has changed this state (it is not just the default)."""
        return self.changes > 0


SUBSCRIBED = ConsentState(subscribed=True)
NOT_SUBSCRIBED = ConsentState(subscribed=False)


def default_state(default_subscribed: bool) -> ConsentState:
    return SUBSCRIBED if default_subscribed else NOT_SUBSCRIBED


@dataclass(frozen=True, slots=True)
class Outcome:
    state: ConsentState  # the state after (the same object when nothing changed)
    event: EventType | None = None  # the consent event to emit, if any
    rejection: Rejection | None = None
    previous_subscribed: bool | None = None  # for the event; None: the state before ``apply``
    replayed: bool = False  # a redelivered input: its event again, no change
    erased: bool = False  # the entry is to be deleted (``state`` is then the default)

    @property
    def changed(self) -> bool:
        """True when the state changed (and must be stored)."""
        return self.event in (EventType.OPTED_OUT, EventType.OPTED_IN) and not self.replayed


# --- From inputs to triggers ---------------------------------------------------------------------


def reply_trigger(
    reply: Mapping[str, Any],
    policy: ReplyClassifier | KeywordPolicy,
    *,
    act_on_contained: bool = False,
) -> Trigger | None:
    """What an inbound reply asks for, or None when it asks nothing of consent."""
    return read_reply(reply, policy, act_on_contained=act_on_contained)[0]


def keywords_only(policy: KeywordPolicy, *, act_on_contained: bool = False) -> ReplyClassifier:
    """The classifier of a bare keyword policy, as the gate read replies before plain language:
    exact keywords act, a contained opt-out keyword is reviewed (or acts: ``act_on_contained``)."""
    possible = Handling.ACT if act_on_contained else Handling.REVIEW
    return ReplyClassifier(
        policy,
        plain_language=False,
        band_policy={Band.CERTAIN: Handling.ACT, Band.LIKELY: possible, Band.POSSIBLE: possible},
    )


def read_reply(
    reply: Mapping[str, Any],
    policy: ReplyClassifier | KeywordPolicy,
    *,
    act_on_contained: bool = False,
) -> tuple[Trigger | None, KeywordMatch]:
    """What an inbound reply asks of consent (None: nothing), and its match (one classification
    serves both the consent change and the reply it deserves, ``streams.core.replies``).

    ``policy`` is the worker's classifier (``Settings.keyword_policy()``); a bare
    :class:`KeywordPolicy` reads keywords only (``act_on_contained`` applies to it alone)."""
    if isinstance(policy, KeywordPolicy):
        policy = keywords_only(policy, act_on_contained=act_on_contained)
    text: str = reply["text"]
    match = policy.classify(text)
    handling = policy.handling(match)
    if handling is Handling.NONE:
        return None, match  # HELP, ignored bands and everything else: no consent change
    if match.intent is Intent.OPT_OUT:
        action = Action.OPT_OUT if handling is Handling.ACT else Action.FLAG
    else:
        action = Action.OPT_IN
    trigger = Trigger(
        action=action,
        source=Source.KEYWORD,
        event_id=reply["event_id"],
        occurred_at_ms=reply["received_at_ms"],
        raw_text=text,
        keyword=match.keyword,
        language=match.language,
        campaign_id=reply.get("campaign_id"),
        message_type=reply.get("message_type"),
        proof=reply_proof(reply, match),
    )
    return trigger, match


def reply_proof(reply: Mapping[str, Any], match: KeywordMatch) -> dict[str, Any]:
    """The proof of a reply's consent change: the reply itself, and how it was read."""
    plain = match.rule is not None and not match.rule.startswith(("keyword", "contains"))
    return {
        "captured_at_ms": reply["received_at_ms"],
        "method": "plain_language" if plain else "keyword",
        "evidence": f"reply {reply['event_id']}",
        "ip_address": None,
        "band": match.band,
        "language": match.language,
        "rule": match.rule,
        "scope": match.scope,
    }


def click_trigger(click: Mapping[str, Any]) -> Trigger | None:
    """What a link click asks for: None for prefetches, GETs on one-click URLs and other links."""
    if click.get("prefetch"):
        return None
    kind = click["kind"]
    if kind == "UNSUBSCRIBE":
        source = Source.LINK
    elif kind == "ONE_CLICK_UNSUBSCRIBE" and str(click.get("http_method", "")).upper() == "POST":
        source = Source.ONE_CLICK
    else:
        return None
    return Trigger(
        action=Action.OPT_OUT,
        source=source,
        event_id=click["event_id"],
        occurred_at_ms=click["clicked_at_ms"],
        campaign_id=click.get("campaign_id"),
        message_type=click.get("message_type"),
        reason=click.get("feedback_reason"),
    )


def command_trigger(command: Mapping[str, Any]) -> Trigger:
    return Trigger(
        action=Action(command["action"]),
        source=Source.IMPORT if command.get("source") == "IMPORT" else Source.COMMAND,
        event_id=command["command_id"],
        occurred_at_ms=command["issued_at_ms"],
        campaign_id=command.get("campaign_id"),
        reason=command.get("reason"),
        proof=command.get("proof"),
    )


#: Provider error codes that mean "the recipient opted out of this channel", per channel: Twilio
#: 21610 (SMS: the number replied STOP to the sender, the carrier blocks it) and WhatsApp 131050
#: (the user stopped marketing messages from this business).
OPTED_OUT_ERROR_CODES: Mapping[str, frozenset[str]] = {
    "SMS": frozenset({"21610"}),
    "WHATSAPP": frozenset({"131050"}),
}
#: WhatsApp's ``user_preferences`` webhook: a stop / resume of marketing messages.
USER_PREFERENCES = "user_preferences"
MARKETING_CATEGORY = "marketing_messages"
_PREFERENCE_ACTION = {"stop": Action.OPT_OUT, "resume": Action.OPT_IN}


def report_trigger(report: Mapping[str, Any], channel: str) -> Trigger | None:
    """What a provider's delivery report (on ``channel``, upper case) asks of consent: None for
    every report that is not an opt-out signal (delivered, failed for other reasons...)."""
    code = (report.get("error_code") or "").strip()
    status = (report.get("status") or "").strip().lower()
    if code and code in OPTED_OUT_ERROR_CODES.get(channel, ()):
        action, provider_code = Action.OPT_OUT, code
    elif (
        channel == "WHATSAPP"
        and status == USER_PREFERENCES
        and (report.get("category") or "").strip().lower() == MARKETING_CATEGORY
        and (report.get("preference") or "").strip().lower() in _PREFERENCE_ACTION
    ):
        action = _PREFERENCE_ACTION[report["preference"].strip().lower()]
        provider_code = USER_PREFERENCES
    else:
        return None
    return Trigger(
        action=action,
        source=Source.PROVIDER,
        event_id=report["report_id"],
        occurred_at_ms=report["occurred_at_ms"],
        campaign_id=report.get("campaign_id"),
        message_type=report.get("message_type"),
        reason=report.get("description"),
        provider_code=provider_code,
    )


#: The channel of an erasure command that means every channel.
EVERY_CHANNEL = "*"


def erased_channels(channel: str, channels: Iterable[str]) -> tuple[str, ...]:
    """The channels an erasure of ``channel`` covers: ``*`` is every configured channel."""
    return tuple(channels) if channel == EVERY_CHANNEL else (channel,)


# --- Transitions ----------------------------------------------------------------------------------


def _changed(state: ConsentState, trigger: Trigger, subscribed: bool) -> ConsentState:
    return replace(
        state,
        subscribed=subscribed,
        changed_at_ms=trigger.occurred_at_ms,
        source=trigger.source.value,
        event_id=trigger.event_id,
        raw_text=trigger.raw_text,
        campaign_id=trigger.campaign_id,
        reason=trigger.reason,
        changes=state.changes + 1,
    )


def refusal(trigger: Trigger) -> Rejection | None:
    """Why ``trigger`` is refused whatever the contact's state (None: it is not): an opt-in
    command (or import) without proof of new consent. The API and the CLI ask this before they
    publish a command; :func:`apply` asks it again for every command it reads."""
    if (
        trigger.action is Action.OPT_IN
        and trigger.source in (Source.COMMAND, Source.IMPORT)
        and not trigger.proof
    ):
        return Rejection.OPT_IN_WITHOUT_PROOF
    return None


def asks_history(state: ConsentState, trigger: Trigger) -> bool:
    """Whether :func:`apply` needs the inputs of the contact's recorded changes: for an
    imported opt-out that would opt back out a contact who has opted in since (only then can
    the same row, imported again, undo a later change)."""
    return (
        trigger.source is Source.IMPORT
        and trigger.action is Action.OPT_OUT
        and state.subscribed
        and state.explicit
        and state.event_id != trigger.event_id
    )


def apply(
    state: ConsentState,
    trigger: Trigger,
    *,
    default_subscribed: bool = True,
    recorded_inputs: Collection[str] = (),
) -> Outcome:
    """The state after ``trigger``, the event it yields and whether it was refused.

    ``default_subscribed`` is the state of a contact never seen (the state an erasure goes back
    to, and the one the event of a redelivered input is rebuilt from). ``recorded_inputs``: the
    input ids of the contact's recorded changes on the channel, when :func:`asks_history` says
    they matter: an imported row that was applied before does nothing again (an import is
    idempotent; the contact's later opt-in, on new proof, stands)."""
    if trigger.action is Action.ERASE:
        if not state.explicit:
            return Outcome(state)  # nothing stored: nothing to erase, no event
        erased = default_state(default_subscribed)
        return Outcome(erased, EventType.ERASED, previous_subscribed=state.subscribed, erased=True)
    if trigger.action is not Action.FLAG and state.explicit and state.event_id == trigger.event_id:
        # The very input behind the current state, delivered again (at least once: after a crash
        # the table write may have been kept and its event lost). Emit the same event again (same
        # deterministic id, so consumers dedupe) and change nothing.
        if state.subscribed:
            return Outcome(state, EventType.OPTED_IN, previous_subscribed=False, replayed=True)
        previous = state.changes > 1 or default_subscribed
        return Outcome(state, EventType.OPTED_OUT, previous_subscribed=previous, replayed=True)
    if trigger.action is Action.FLAG:
        # Only worth a review while the contact still gets campaigns on this channel.
        return Outcome(state, EventType.POSSIBLE_OPT_OUT if state.subscribed else None)
    if trigger.action is Action.OPT_OUT:
        if not state.subscribed and state.explicit:
            return Outcome(state)  # repeated opt-out: nothing changes, nothing is counted
        if trigger.source is Source.IMPORT and trigger.event_id in recorded_inputs:
            return Outcome(state)  # this row was imported before: what came since stands
        # From subscribed, or from the strict-mode default (never subscribed): the withdrawal is
        # recorded with its proof, so an import can never lift it later.
        return Outcome(_changed(state, trigger, False), EventType.OPTED_OUT)
    # OPT_IN
    refused = refusal(trigger)
    if refused is not None:
        return Outcome(state, rejection=refused)
    if trigger.source is Source.IMPORT and not state.subscribed and state.explicit:
        return Outcome(state, rejection=Rejection.IMPORT_CANNOT_LIFT_OPT_OUT)
    if state.subscribed:
        return Outcome(state)
    return Outcome(_changed(state, trigger, True), EventType.OPTED_IN)


# --- Consent events -------------------------------------------------------------------------------

_EVENT_NS = uuid.UUID("6f1c1c9e-5b55-4a53-9d4e-2f1d2b7f0a11")


def event_id(trigger_event_id: str, channel: str, event_type: EventType) -> str:
    """Deterministic: a redelivered input yields the same event id, so consumers can dedupe."""
    return str(uuid.uuid5(_EVENT_NS, f"{trigger_event_id}\x1f{channel}\x1f{event_type.value}"))


#: The proof fields that say how a reply was read (consent_event v3); empty for a command's proof.
_NO_READING: Mapping[str, Any] = {"band": None, "language": None, "rule": None, "scope": None}


def consent_event(
    *,
    contact_id: str,
    channel: str,
    trigger: Trigger,
    before: ConsentState,
    outcome: Outcome,
    recorded_at_ms: int,
    attribution: Attribution | None = None,
) -> dict[str, Any]:
    """The ``ConsentEvent`` record (schemas/consent_event) for an outcome that has an event;
    ``attribution`` (``streams.core.attribution``) names the campaign it is attributed to (None:
    the trigger's own campaign id, if any)."""
    assert outcome.event is not None
    event = {
        "event_id": event_id(trigger.event_id, channel, outcome.event),
        "contact_id": contact_id,
        "channel": channel,
        "type": outcome.event.value,
        "subscribed": outcome.state.subscribed,
        "previous_subscribed": (
            before.subscribed
            if outcome.previous_subscribed is None
            else outcome.previous_subscribed
        ),
        "source": trigger.source.value,
        "trigger_event_id": trigger.event_id,
        "occurred_at_ms": trigger.occurred_at_ms,
        "recorded_at_ms": recorded_at_ms,
        "raw_text": trigger.raw_text,
        "keyword": trigger.keyword,
        "language": trigger.language,
        "campaign_id": trigger.campaign_id,
        "message_type": trigger.message_type,
        "reason": trigger.reason,
        "proof": {**_NO_READING, **trigger.proof} if trigger.proof else None,
        "attribution": "EXPLICIT" if trigger.campaign_id else "NONE",
        "attributed_message_id": None,
        "attributed_sent_at_ms": None,
        "provider_code": trigger.provider_code,
    }
    if attribution is not None:
        event.update(attribution.fields())
    return event


def first_event_stands(
    outcome: Outcome, trigger: Trigger, recorded: Mapping[str, Any] | None
) -> bool:
    """Whether a redelivered input yields again the event ``recorded`` in the history for the
    current state, rather than one rebuilt from the input as it came this time.

    It does whenever that event is there and is this input's: the first proof stands. An input
    can come again with other evidence (a suppression list imported twice: the same rows give
    the same command ids, but the proof names the new file and line); rebuilt, the event would
    repeat the first one's id with the new proof, and replace the proof in the history. Only
    when the history lost it (a crash between the table write and its event) is it rebuilt."""
    return (
        outcome.replayed
        and recorded is not None
        and recorded["trigger_event_id"] == trigger.event_id
        and outcome.event is not None
        and recorded["type"] == outcome.event.value
    )


def erasure_event(
    *,
    contact_id: str,
    channel: str,
    trigger: Trigger,
    outcome: Outcome,
    recorded_at_ms: int,
) -> dict[str, Any]:
    """The ``ERASED`` event of one channel: who, which channel, when and by which command, and
    nothing else (no text, reason, campaign or proof of what was erased)."""
    assert outcome.event is EventType.ERASED and outcome.previous_subscribed is not None
    return {
        "event_id": event_id(trigger.event_id, channel, EventType.ERASED),
        "contact_id": contact_id,
        "channel": channel,
        "type": EventType.ERASED.value,
        "subscribed": outcome.state.subscribed,
        "previous_subscribed": outcome.previous_subscribed,
        "source": trigger.source.value,
        "trigger_event_id": trigger.event_id,
        "occurred_at_ms": trigger.occurred_at_ms,
        "recorded_at_ms": recorded_at_ms,
        "raw_text": None,
        "keyword": None,
        "language": None,
        "campaign_id": None,
        "message_type": None,
        "reason": None,
        "proof": None,
        "attribution": "NONE",
        "attributed_message_id": None,
        "attributed_sent_at_ms": None,
        "provider_code": None,
    }


def state_record(state: ConsentState) -> dict[str, Any]:
    """The ``ConsentState`` record (schemas/consent_state) stored in the table."""
    return {
        "subscribed": state.subscribed,
        "changed_at_ms": state.changed_at_ms,
        "source": state.source,
        "event_id": state.event_id,
        "raw_text": state.raw_text,
        "campaign_id": state.campaign_id,
        "reason": state.reason,
        "changes": state.changes,
    }


def state_from_record(record: Mapping[str, Any]) -> ConsentState:
    return ConsentState(**record)
