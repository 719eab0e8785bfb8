"""The replies the regulations expect: one confirmation after a keyword opt-out, the help text
after HELP / INFO. Pure: no Kafka.

The rules
---------
* A reply is sent only on a channel whose provider expects it (SMS and WHATSAPP by default,
  ``CONSENT_GATE_REPLY_CHANNELS``), and only in answer to the contact's own message (a keyword),
  never for a link click, a command or a provider's report.
* An opt-out *confirmation* follows a keyword opt-out that changed the state: also from a contact
  who was never subscribed (strict opt-in: the STOP is recorded all the same), never for a
  repeated STOP (the contact already had one). A *redelivered* STOP (the very input behind the
  current state) gets its confirmation again with the same message id, like its event.
* A HELP / INFO keyword gets the help text, whatever the consent state; it changes nothing.
* No marketing in either text (FCC: one confirmation, no marketing, within 5 minutes).
* Each reply's message id is derived from the trigger's event id, the channel and the kind, so a
  redelivered trigger yields the same id and a sender that de-duplicates sends it once.

Texts are looked up per kind, channel and language (the language of the keyword the contact
used): ``kind.CHANNEL.lang``, then ``kind.CHANNEL``, then ``kind.lang``, then ``kind``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from streams.core.consent import Action, EventType, Outcome, Source, Trigger
from streams.core.keywords import SUPPORTED_LANGUAGES, Intent, KeywordMatch


class ReplyKind(StrEnum):
    """What a reply is; also the value of its ``consent-gate-reply`` header."""

    OPT_OUT_CONFIRMATION = "opt-out-confirmation"
    HELP = "help"


#: The channels whose providers expect the replies (Twilio, WhatsApp); email has its own pages.
DEFAULT_REPLY_CHANNELS = ("SMS", "WHATSAPP")

#: Plain English, no marketing (the FCC allows one confirmation text with no marketing in it).
DEFAULT_TEXTS: Mapping[str, str] = {
    ReplyKind.OPT_OUT_CONFIRMATION.value: (
        "You are unsubscribed and will get no more marketing messages here. "
        "Reply START to resubscribe."
    ),
    ReplyKind.HELP.value: (
        "Reply STOP to unsubscribe from marketing messages, or START to resubscribe."
    ),
}

_CONFIRM, _HELP = ReplyKind.OPT_OUT_CONFIRMATION.value, ReplyKind.HELP.value
#: The texts in each language of the keyword packs (``kind.lang``), chosen by the language of the
#: words the contact used. STOP and START are recognised in every language, so every text names
#: them. Configured texts (CONSENT_GATE_REPLY_TEXTS) override these.
LANGUAGE_TEXTS: Mapping[str, str] = {
    f"{_CONFIRM}.it": "Sei stato disiscritto e non riceverai più messaggi promozionali qui. "
    "Rispondi START per iscriverti di nuovo.",
    f"{_HELP}.it": "Rispondi STOP per non ricevere più messaggi promozionali, o START per "
    "iscriverti di nuovo.",
    f"{_CONFIRM}.es": "Te has dado de baja y no recibirás más mensajes promocionales aquí. "
    "Responde START para volver a suscribirte.",
    f"{_HELP}.es": "Responde STOP para darte de baja de los mensajes promocionales, o START "
    "para volver a suscribirte.",
    f"{_CONFIRM}.fr": "Vous êtes désinscrit et ne recevrez plus de messages promotionnels ici. "
    "Répondez START pour vous réabonner.",
    f"{_HELP}.fr": "Répondez STOP pour ne plus recevoir de messages promotionnels, ou START "
    "pour vous réabonner.",
    f"{_CONFIRM}.de": "Sie sind abgemeldet und erhalten hier keine Werbenachrichten mehr. "
    "Antworten Sie START, um sich wieder anzumelden.",
    f"{_HELP}.de": "Antworten Sie STOP, um keine Werbenachrichten mehr zu erhalten, oder START, "
    "um sich wieder anzumelden.",
    f"{_CONFIRM}.pt": "Você foi descadastrado e não receberá mais mensagens promocionais aqui. "
    "Responda START para se inscrever novamente.",
    f"{_HELP}.pt": "Responda STOP para deixar de receber mensagens promocionais, ou START para "
    "se inscrever novamente.",
    f"{_CONFIRM}.nl": "U bent afgemeld en ontvangt hier geen marketingberichten meer. "
    "Antwoord START om u opnieuw aan te melden.",
    f"{_HELP}.nl": "Antwoord STOP om u af te melden voor marketingberichten, of START om u "
    "opnieuw aan te melden.",
    f"{_CONFIRM}.pl": "Wypisano Cię i nie będziesz już otrzymywać tu wiadomości marketingowych. "
    "Odpowiedz START, aby zapisać się ponownie.",
    f"{_HELP}.pl": "Odpowiedz STOP, aby wypisać się z wiadomości marketingowych, lub START, "
    "aby zapisać się ponownie.",
    f"{_CONFIRM}.sv": "Du är avregistrerad och får inga fler marknadsföringsmeddelanden här. "
    "Svara START för att prenumerera igen.",
    f"{_HELP}.sv": "Svara STOP för att avregistrera dig från marknadsföringsmeddelanden, eller "
    "START för att prenumerera igen.",
    f"{_CONFIRM}.da": "Du er afmeldt og modtager ikke flere markedsføringsbeskeder her. "
    "Svar START for at tilmelde dig igen.",
    f"{_HELP}.da": "Svar STOP for at afmelde markedsføringsbeskeder, eller START for at "
    "tilmelde dig igen.",
    f"{_CONFIRM}.ro": "Te-ai dezabonat și nu vei mai primi mesaje promoționale aici. "
    "Răspunde START pentru a te abona din nou.",
    f"{_HELP}.ro": "Răspunde STOP pentru a te dezabona de la mesajele promoționale sau START "
    "pentru a te abona din nou.",
    f"{_CONFIRM}.tr": "Aboneliğiniz iptal edildi, buradan art\u0131k pazarlama mesaj\u0131 "
    "almayacaks\u0131n\u0131z. Yeniden abone olmak için START yaz\u0131n.",
    f"{_HELP}.tr": "Pazarlama mesajlar\u0131ndan ç\u0131kmak için STOP, yeniden abone olmak "
    "için START yaz\u0131n.",
}

#: The longest reply text accepted in the configuration (ten SMS segments).
MAX_TEXT_LENGTH = 1600


def check_texts(texts: Mapping[str, str], channels: Iterable[str]) -> dict[str, str]:
    """The configured texts, with keys normalised (``kind[.CHANNEL][.lang]``); a ValueError that
    names the bad key otherwise."""
    known_channels = {c.upper() for c in channels}
    kinds = {k.value for k in ReplyKind}
    checked: dict[str, str] = {}
    for raw_key, text in texts.items():
        kind, *rest = raw_key.strip().split(".")
        if kind.lower() not in kinds:
            raise ValueError(
                f"key {raw_key!r}: the reply kind must be one of {', '.join(sorted(kinds))}"
            )
        channel = lang = None
        for part in rest:
            if part.upper() in known_channels and channel is None and lang is None:
                channel = part.upper()
            elif part.lower() in SUPPORTED_LANGUAGES and lang is None:
                lang = part.lower()
            else:
                raise ValueError(
                    f"key {raw_key!r}: {part!r} is neither a configured channel nor a keyword "
                    f"language ({', '.join(SUPPORTED_LANGUAGES)}); write kind[.CHANNEL][.lang]"
                )
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"key {raw_key!r}: the text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(
                f"key {raw_key!r}: the text is longer than {MAX_TEXT_LENGTH} characters"
            )
        key = ".".join(p for p in (kind.lower(), channel, lang) if p)
        checked[key] = text.strip()
    return checked


@dataclass(frozen=True, slots=True)
class ReplyPolicy:
    """Which channels get replies, and the texts (defaults overlaid with the configured ones)."""

    channels: frozenset[str]
    texts: Mapping[str, str]

    @classmethod
    def build(cls, channels: Iterable[str], texts: Mapping[str, str] | None = None) -> ReplyPolicy:
        texts = dict(texts or {})
        # A kind the operator wrote a text for in no particular language keeps that text for
        # every language it has none for: the built-in translations only fill the rest.
        own = {
            key.split(".", 1)[0]
            for key in texts
            if key.rsplit(".", 1)[-1] not in SUPPORTED_LANGUAGES
        }
        defaults = {k: v for k, v in LANGUAGE_TEXTS.items() if k.split(".", 1)[0] not in own}
        return cls(frozenset(c.upper() for c in channels), {**DEFAULT_TEXTS, **defaults, **texts})

    def text(self, kind: ReplyKind, channel: str, language: str | None) -> str:
        k = kind.value
        candidates = [f"{k}.{channel}.{language}", f"{k}.{channel}", f"{k}.{language}", k]
        for key in candidates if language else candidates[1::2]:
            text = self.texts.get(key)
            if text is not None:
                return text
        return DEFAULT_TEXTS[k]


@dataclass(frozen=True, slots=True)
class Reply:
    kind: ReplyKind
    text: str
    message_id: str
    language: str | None


def reply_kind(
    trigger: Trigger | None, match: KeywordMatch, outcome: Outcome | None
) -> ReplyKind | None:
    """Which reply a contact's message deserves (None: none). ``trigger`` and ``match`` are what
    :func:`streams.core.consent.read_reply` made of it, ``outcome`` what it did to the state."""
    if trigger is None:
        certain = match.exact or match.band == "certain"  # "HELP" or "help please"
        return ReplyKind.HELP if match.intent is Intent.HELP and certain else None
    if (
        trigger.source is Source.KEYWORD
        and trigger.action is Action.OPT_OUT
        and outcome is not None
        and outcome.event is EventType.OPTED_OUT
    ):
        return ReplyKind.OPT_OUT_CONFIRMATION
    return None


_REPLY_NS = uuid.UUID("0b7d3a52-7f3e-4d0c-9a55-63a1f4f2c8e1")


def reply_message_id(trigger_event_id: str, channel: str, kind: ReplyKind) -> str:
    """Deterministic: the same trigger always gives the same id (senders de-duplicate on it)."""
    return "reply-" + str(uuid.uuid5(_REPLY_NS, f"{trigger_event_id}\x1f{channel}\x1f{kind.value}"))


def decide_reply(
    policy: ReplyPolicy,
    channel: str,
    event_id: str,
    trigger: Trigger | None,
    match: KeywordMatch,
    outcome: Outcome | None,
) -> Reply | None:
    """The reply to a contact's message ``event_id`` on ``channel``, if it deserves one."""
    if channel not in policy.channels:
        return None
    kind = reply_kind(trigger, match, outcome)
    if kind is None:
        return None
    return Reply(
        kind=kind,
        text=policy.text(kind, channel, match.language),
        message_id=reply_message_id(event_id, channel, kind),
        language=match.language,
    )


def reply_message(
    reply: Reply, *, contact_id: str, channel: str, event_id: str, at_ms: int
) -> dict[str, Any]:
    """The ``OutboundMessage`` record of a reply: an INBOX message (a one-to-one answer, never
    held back by consent), the text in ``body``; the sender finds the address by contact id.
    ``at_ms`` is the time of the contact's message, so a redelivery gives the same bytes."""
    return {
        "message_id": reply.message_id,
        "contact_id": contact_id,
        "channel": channel,
        "origin": "INBOX",
        "campaign_id": None,
        "message_type": reply.kind.value,
        "recipient": None,
        "template_id": None,
        "body": reply.text,
        "requested_at_ms": at_ms,
        "attributes": {
            "consent_gate_reply": reply.kind.value,
            "in_reply_to_event_id": event_id,
            **({"language": reply.language} if reply.language else {}),
        },
    }
