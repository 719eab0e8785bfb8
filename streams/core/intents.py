"""What a contact's reply asks for: exact keywords, and opt-outs in plain language.

Pure, deterministic and explainable: no model, no network. :class:`ReplyClassifier` is the one
classifier the worker, ``consent-gate classify``, the corpus score and the benchmarks use. It
answers a :class:`~streams.core.keywords.KeywordMatch` that says the intent, the language, a
confidence *band* and the *rule* (or keyword) that matched; :meth:`ReplyClassifier.handling`
says what the policy does with it (act, review, nothing).

The bands, in order (the first that applies wins)
-------------------------------------------------
``certain``
    The whole reply is a keyword ("STOP", "Arrête", "STOP MARKETING"), a keyword with courtesy
    words only ("stop please", "bitte abmelden"), or an explicit request in plain language
    ("take me off your list", "non scrivetemi più", "quiero darme de baja").
``likely``
    A reasonable person reads a wish to stop, less explicitly ("leave me alone", "not
    interested", "wrong number", "how do I unsubscribe?").
``possible``
    A strong opt-out word inside a sentence no rule explains ("stop, who is this anyway"), or a
    complaint ("too many messages"): worth a person's look, not an automatic opt-out.

Sentences that merely contain keyword-like words are told apart by the rules' own negations
("don't stop sending me deals") and by *vetoes* ("I'll stop by the store", "bus stop"), and weak
keywords ("end", "cancel", "quit", "baja", "sair"...) never make a ``possible`` on their own:
"how do I cancel my order" and "when does the sale end?" are not opt-outs.

The hot path (:meth:`ReplyClassifier.classify`) normalises the text once, looks the whole of it up
in a dict, then runs only the rules one of whose words the reply contains (a set intersection);
every pattern is compiled when the classifier is built.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

from streams.core.keywords import (
    NO_MATCH,
    SUPPORTED_LANGUAGES,
    Intent,
    KeywordMatch,
    KeywordPolicy,
    _tokens,
)

__all__ = [
    "BANDS",
    "DEFAULT_BAND_POLICY",
    "Band",
    "Handling",
    "ReplyClassifier",
    "Rule",
    "parse_band_policy",
    "rules_for",
]


class Band(StrEnum):
    CERTAIN = "certain"
    LIKELY = "likely"
    POSSIBLE = "possible"


BANDS: Final[tuple[Band, ...]] = (Band.CERTAIN, Band.LIKELY, Band.POSSIBLE)


class Handling(StrEnum):
    """What the policy does with a reply: change consent, flag it for review, or nothing."""

    ACT = "act"
    REVIEW = "review"
    NONE = "none"


#: By default certain and likely act (the FCC's "any reasonable means"), possible is reviewed.
DEFAULT_BAND_POLICY: Final[Mapping[Band, Handling]] = {
    Band.CERTAIN: Handling.ACT,
    Band.LIKELY: Handling.ACT,
    Band.POSSIBLE: Handling.REVIEW,
}


def parse_band_policy(text: str | Mapping[str, str]) -> dict[Band, Handling]:
    """``certain=act,likely=review,possible=review`` (bands not named keep their default), or a
    ValueError in one sentence. ``certain`` always acts: an exact keyword is never reviewed."""
    items = (
        list(text.items())
        if isinstance(text, Mapping)
        else [tuple(p.split("=", 1)) if "=" in p else (p, "") for p in text.split(",") if p.strip()]
    )
    policy = dict(DEFAULT_BAND_POLICY)
    for item in items:
        band_name, handling_name = (part.strip().lower() for part in item)
        try:
            band = Band(band_name)
        except ValueError:
            raise ValueError(
                f"{band_name!r} is not a band; write band=handling with bands "
                f"{', '.join(BANDS)} and handlings {', '.join(h.value for h in Handling)}"
            ) from None
        try:
            handling = Handling(handling_name)
        except ValueError:
            raise ValueError(
                f"{handling_name!r} is not a handling for {band}; use one of "
                f"{', '.join(h.value for h in Handling)}"
            ) from None
        if band is Band.CERTAIN and handling is not Handling.ACT:
            raise ValueError(
                "certain must act: an exact STOP is an opt-out in every jurisdiction "
                "(send likely or possible to review instead)"
            )
        policy[band] = handling
    return policy


@dataclass(frozen=True, slots=True)
class Rule:
    """One plain-language rule: a regular expression over the normalised reply (lower case, no
    accents, words separated by one space: "Don't text me!" reads "don t text me")."""

    id: str  # "<language>.<name>", shown as the rule that matched
    band: Band | None  # None: a veto (the reply is *not* an opt-out, whatever weak cue it has)
    pattern: str  # starts at a word (\b) or at the start of the reply (^)
    negations: tuple[str, ...] = ()  # " not ": a match right after one of these does not count

    def compile(self) -> re.Pattern[str]:
        """The pattern over the reply with one space in front (" don t text me"), itself with a
        space in front: a literal first character lets the regex engine skip from space to
        space instead of trying every position (and the word boundary comes for free)."""
        if self.pattern.startswith("^"):
            return re.compile("^ (?:" + self.pattern[1:] + ")")
        return re.compile(" (?:" + self.pattern + ")")


# --------------------------------------------------------------------------------------------------
# The rules. `{NEG}` marks a rule whose match does not count right after one of the language's
# negations (`_NEG`), so "don't stop sending" does not read as "stop sending". Write every
# inflection out in full ("text|texts|
# texting", not "text\w*"): a rule only runs when the reply contains one of the whole words its
# pattern names (tests/core/test_intents.py checks that this gating changes no answer).
# --------------------------------------------------------------------------------------------------

_NEG: Final[dict[str, tuple[str, ...]]] = {
    "any": ("don t", "dont", "do not", "not", "never", "can t", "cant", "won t", "wont", "didn t",
            "didnt", "nicht", "niet", "non", "no", "nao", "nie", "inte", "ikke", "nu", "ne"),
    "en": ("don t", "dont", "do not", "not", "never", "can t", "cant", "won t", "wont", "didn t",
           "didnt", "shouldn t", "doesn t"),
    "it": ("non", "non mi", "non ci"), "es": ("no", "no me", "no nos"),
    "fr": ("ne", "pas", "n", "ne me", "ne m"), "de": ("nicht", "nie"), "pt": ("nao", "nao me"),
    "nl": ("niet",), "pl": ("nie",), "sv": ("inte",), "da": ("ikke",), "ro": ("nu", "nu ma"),
    "tr": (),
}  # fmt: skip

C, L, P = Band.CERTAIN, Band.LIKELY, Band.POSSIBLE
VETO = None

# Message words, per language (plural and common forms written out).
_EN_MSG = (
    r"(?:texts|text|txts|txt|messages|message|msgs|msg|sms|smss|emails|email|e mails|mails|"
    r"promos|promo|promotions|offers|deals|ads|adverts|marketing|spam|notifications|alerts|"
    r"newsletters|newsletter|updates|communications|communication|correspondence|calls|"
    r"whatsapps|whatsapp messages|stuff|crap|junk)"
)
_EN_SEND = (
    r"(?:texting|txting|messaging|msging|sending|emailing|contacting|calling|spamming|"
    r"bothering|harassing|pestering|mailing|bugging|hassling|pinging|hounding|targeting|"
    r"writing to|reaching out to|sms ing|smsing)"
)
#: "no more promotional emails": the adjectives people put before the message word.
_EN_ADJ = (
    r"(?:(?:promotional|promo|marketing|automated|automatic|daily|weekly|constant|random|"
    r"unsolicited|unwanted|sales|advertising|commercial|annoying|stupid|spam|spammy|endless|"
    r"repeated|text|sms|email|whatsapp) )?"
)

#: "remove me from the waitlist", "take me off the cart": not the contact list.
_EN_NOT_LIST = (
    r"(?:the |my |your )?(?:waitlist|wait list|waiting list|cart|basket|order|booking|"
    r"reservation|appointment|group|chat|team)\b"
)
_IT_MSG = (
    r"(?:messaggi|messaggio|sms|email|mail|pubblicita|promozioni|offerte|newsletter|notifiche|"
    r"spam|comunicazioni|messaggini|whatsapp|chiamate|telefonate|promo|volantini|"
    r"comunicazioni commerciali)"
)
_IT_SEND = (
    r"scrivete|scrivetemi|scrivermi|scrivere|mandate|mandatemi|mandarmi|mandare|inviate|"
    r"inviatemi|inviarmi|inviare|contattate|contattatemi|contattarmi|contattare|disturbate|"
    r"disturbatemi|disturbarmi|cercatemi|chiamate|chiamatemi|chiamarmi|scrivi|scrivimi|mandi|"
    r"mandami|invii|inviami|contatti|contattami|mandatemene|inviatemene|scrivetemene|"
    r"mandatecene|spedite|speditemi|spammate|scriva|invii|chiami|disturbi|cerchi|rompete|"
    r"rompere|scrivano|mandino|inviino|contattino"
)
_ES_MSG = (
    r"(?:mensajes|mensaje|mensajitos|sms|correos|correo|emails|mails|publicidad|promociones|"
    r"ofertas|notificaciones|spam|whatsapps|whatsapp|newsletter|boletines|comunicaciones|"
    r"llamadas|anuncios|propaganda|msjs|msj|mjs|msgs)"
)
_ES_SEND_SUBJ = (
    r"envien|envies|envie|manden|mandes|mande|escriban|escribas|escriba|contacten|contactes|"
    r"contacte|molesten|molestes|moleste|llamen|llames|sigan enviando|sigan mandando|"
    r"sigan escribiendo|envieis|mandeis|escribais|contacteis|molesteis|spameen|esten mandando|"
    r"esten enviando|esten escribiendo|esten llamando|esten molestando"
)
_ES_SEND_INF = (
    r"enviar|mandar|escribir|contactar|llamar|molestar|enviarme|mandarme|escribirme|"
    r"contactarme|llamarme|molestarme|enviarnos|mandarnos|escribirnos|contactarnos|"
    r"enviar mensajes|mandar mensajes"
)
_FR_MSG = (
    r"(?:sms|messages|message|mails|mail|emails|e mails|pubs|pub|publicites|publicite|promos|"
    r"offres|textos|notifications|newsletters|newsletter|relances|sollicitations|appels|"
    r"courriels|spams|spam|messages promotionnels|envois|msg|msgs)"
)
_FR_SEND = (
    r"envoyez|envoie|envoies|envoyer|ecrivez|ecris|ecrit|ecrire|contactez|contacte|contacter|"
    r"appelez|appelle|appeler|spammez|derangez|derange|deranger|harcelez|sollicitez|solliciter|"
    r"textez|relancez|menvoyez|mecrivez"
)
_DE_MSG = (
    r"(?:sms|nachrichten|nachricht|werbung|mails|emails|e mails|newsletter|angebote|"
    r"werbenachrichten|werbe sms|spam)"
)
_PT_MSG = (
    r"(?:mensagens|mensagem|sms|emails|e mails|promocoes|propaganda|propagandas|publicidade|"
    r"ofertas|spam|notificacoes|newsletters|newsletter|comunicacoes|whatsapps|ligacoes|"
    r"chamadas|anuncios|mensagens promocionais|msg|msgs|msgns)"
)
_PT_SEND_SUBJ = (
    r"mande|mandem|envie|enviem|manda|envia|escreva|escrevam|contate|contatem|contacte|"
    r"contactem|ligue|liguem|incomode|incomodem|perturbe|perturbem|mandes|envies|escrevas|"
    r"chateiem"
)
_PT_SEND_INF = (
    r"mandar|enviar|mandarem|enviarem|escrever|escreverem|perturbar|incomodar|ligar|"
    r"contatar|contactar|mandar mensagem|mandar mensagens|enviar mensagens"
)
_NL_MSG = (
    r"(?:sms|smsjes|berichten|berichtjes|mails|e mails|emails|reclame|nieuwsbrief|"
    r"aanbiedingen|appjes|whatsapps|spam)"
)
_PL_MSG = (
    r"(?:sms|smsow|sms ow|smsy|sms y|smsami|sms ami|wiadomosci|wiadomosciami|reklam|reklamy|"
    r"reklamami|ofert|maili|powiadomien|spamu|newslettera)"
)
_SV_MSG = r"(?:sms|smsen|meddelanden|mejl|mail|utskick|erbjudanden|reklam|nyhetsbrev)"
_DA_MSG = r"(?:sms|sms er|smser|beskeder|mails|e mails|tilbud|reklamer|reklame|nyhedsbreve)"
_RO_MSG = (
    r"(?:mesaje|mesajele|sms|sms uri|sms urile|smsuri|smsurile|reclame|reclamele|oferte|ofertele|"
    r"notificari|notificarile|emailuri|emailurile|mailuri|mailurile|newsletter|newsletterul|"
    r"newslettere|promotii|promotiile|spam|spamul|mesajele astea|apeluri|apelurile|notificarile|"
    r"mesajele voastre)"
)
_RO_SEND = (
    r"trimiteti|trimite|trimiti|scrieti|scrie|contactati|contacta|sunati|suna|deranjati|"
    r"deranja|spamati|bateti la cap|sacaiti|sacaieti|sacai|enervati|bombardati|trim"
)
_TR_MSG = (
    r"(?:mesaj|mesaji|mesajlar|mesajlari|sms|sms ler|sms leri|ileti|iletiler|reklam|reklami|"
    r"reklamlar|kampanya|kampanyalar|bildirim|bildirimler|mail|e posta)"
)

# Message nouns of de, nl, pl, sv, da and tr with the compounds and inflections people write
# ("Werbe-SMS", "Werbemails", "reklamutskick", "sms'erne", "mesajlarinizla"). `[a-z]*` only ever
# stands beside a whole word the rule names, so the rule's cue words stay exact.
_DE_NOUN = (
    r"(?:" + _DE_MSG + r"|"
    r"(?:werbe|marketing|info|newsletter|rund|promo|kurz|text|push|whatsapp|e|handy|spam|"
    r"angebots|aktions|rabatt|kunden|sms)?(?:sms|nachrichten|werbung|mails|mail|newsletter|"
    r"angebote|"
    r"infos|mitteilungen|benachrichtigungen|nachricht)|informationen|werbezwecke|whatsapps|"
    r"anrufe|werbig|nachrichte|aktionen|zusendungen|werbesendungen|zuschriften|kontaktversuche|"
    r"kontaktaufnahmen|kontaktaufnahme|kontakt|kommunikation|werbekommunikation|"
    r"marketingkommunikation)"
)
_NL_NOUN = (
    r"(?:" + _NL_MSG + r"|"
    r"(?:reclame|marketing|promotie|promo|nieuws|info|actie|aanbiedings|whatsapp|e|sms|spam|"
    r"kortings)?(?:sms|smsjes|berichten|berichtjes|mails|mailtjes|reclame|"
    r"nieuwsbrief|nieuwsbrieven|aanbiedingen|appjes|whatsappjes|mailings|folders)|sms jes|"
    r"sms je|sms en|smsen|e mail|mail|bericht|acties|promoties|meldingen|notificaties|"
    r"whatsapp berichten|communicatie|marketingcommunicatie)"
)
_PL_NOUN = (
    r"(?:" + _PL_MSG + r"|smsow|esemesow|esemesy|wiadomosc|reklama|oferty|ofertami|maile|"
    r"mailami|e maili|e maile|emaili|maila|powiadomienia|spam|spamem|newsletterow|promocjami|"
    r"informacji handlowych|informacji marketingowych|tresci marketingowych|marketingu|"
    r"telefonow|polaczen|mailingu|ulotek|komunikacji marketingowej|komunikatow)"
)
_SV_NOUN = (
    r"(?:" + _SV_MSG + r"|"
    r"(?:reklam|kampanj|erbjudande|nyhets|sms|mejl|mail|marknadsforings|info|rabatt|e|"
    r"spam)?(?:sms|meddelanden|meddelande|meddelandena|mejl|mejlen|mail|"
    r"mailen|utskick|utskicken|erbjudanden|erbjudandena|reklam|reklamen|nyhetsbrev|"
    r"nyhetsbrevet|kampanjer|notiser|marknadsforing|samtal)|sms en|e post|e mejl|e mail|"
    r"spam|spammet|kommunikation|marknadskommunikation)"
)
_DA_NOUN = (
    r"(?:" + _DA_MSG + r"|"
    r"(?:reklame|nyheds|markedsforings|tilbuds|kampagne|info|rabat|e|sms|spam)?(?:sms|smser|"
    r"smserne|beskeder|beskederne|mails|mailene|"
    r"reklamer|reklamerne|reklame|nyhedsbrev|nyhedsbreve|nyhedsbrevet|markedsforing|kampagner|"
    r"notifikationer|meddelelser|opkald|henvendelser)|sms erne|e mail|mail|besked|tilbuddene|"
    r"spam|spammet|kommunikation|markedsforingskommunikation)"
)
_TR_NOUN = (
    r"(?:(?:mesaj|sms|reklam|kampanya|bildirim|ileti|e posta|eposta|mail|bulten|tanitim|"
    r"promosyon|whatsapp|spam)[a-z]*(?: (?:leri|lari|ler|lar|i|yi|tan|dan|ten|den|lerinizi|"
    r"larinizi|lerini|larini|inizi|nizi))?)"
)

# fmt: off
_RULES: Final[tuple[tuple[str, Band | None, str], ...]] = (
    # ---- English ----------------------------------------------------------------------------
    ("en.unsubscribe-me", C, r"{NEG}\b(?:unsubscribe|unsub|unsubcribe|unsuscribe|unsubsribe|"
                             r"remove|delete|drop|erase) (?:me|us|my number|this number)\b(?! from "
                             + _EN_NOT_LIST + ")"),
    ("en.opt-me-out", C, r"{NEG}\bopt (?:me|us|my number) out\b"),
    ("en.take-me-off", C, r"{NEG}\b(?:take|get|remove|delete|drop|erase|cross|scratch) (?:me|us|"
                          r"my number|this number|my name|my phone number|my email|my details) "
                          r"(?:off|from|out of)\b(?! " + _EN_NOT_LIST + ")"),
    ("en.lose-this-number", C, r"{NEG}\b(?:lose|delete|erase|forget|remove) this (?:number|phone "
                               r"number)\b(?! from (?:my|the) (?:account|order|profile)\b)"),
    ("en.delete-my-data", C, r"{NEG}\b(?:remove|delete|erase|drop|wipe|purge|lose|scrub|forget|"
                             r"destroy) (?:all )?(?:my|our) (?:number|phone number|cell number|"
                             r"mobile number|mobile|details|data|info|information|contact details|"
                             r"contact info|contact information|personal data|personal details|"
                             r"personal information|email|email address|e mail|e mail address|"
                             r"name)\b(?! (?:from|on|in) (?:my|the) (?:account|profile|order|cart|"
                             r"app|website|site)\b)"),
    ("en.off-your-list", C, r"\b(?:off|from) (?:your|the|this|ur|yr|all your|ya) (?:mailing |"
                            r"texting |sms |contact |marketing |distribution |call )?"
                            r"(?:list|lists|database|system)\b"),
    ("en.stop-sending", C, r"{NEG}\b(?:stop|quit|cease|end|discontinue) (?:all |the )?" + _EN_SEND
                           + r"\b(?! (?:me |us )?(?:the wrong|wrong|the same|duplicate|double|"
                           r"broken|damaged|the bill|bills|invoices)\b)"),
    ("en.stop-the-texts", C, r"{NEG}\b(?:stop|quit|end|cancel|cease|discontinue|enough|no more) "
                             r"(?:with |of )?(?:the |"
                             r"these |those |your |all |all the |all these |this |ur )?"
                             + _EN_ADJ + _EN_MSG + r"\b"),
    ("en.dont-text-me", C, r"\b(?:don t|dont|do not|pls don t|please don t|never) (?:ever )?"
                           r"(?:text|txt|message|msg|sms|email|e mail|contact|call|send|bother|"
                           r"spam|write to|write|reach out to|ping)(?: (?:me|us|this number|"
                           r"my number|here)\b|$)|\b(?:don t|dont|do not|never|please don t) "
                           r"(?:send|text|message|email) (?:(?:me |us )?(?:any more|anymore|more|"
                           r"any further|further)(?: " + _EN_MSG + r")?|(?:me |us )?any "
                           + _EN_MSG + r")\b"),
    ("en.dont-want", C, r"\b(?:don t|dont|do not|does not|doesn t|doesnt|no longer|never) (?:want|"
                        r"wish|need|like|wants|wishes|needs) (?:to "
                        r"(?:receive|get|be getting|get any|hear from you)|(?:any )?more|these|"
                        r"your|"
                        r"any|those|the|this|ur|u)\b(?:.*\b" + _EN_MSG + r"\b|.*\bfrom (?:you|u|"
                        r"your company)\b|.*\b(?:anymore|any more)\b)"),
    ("en.dont-want-to-hear", C, r"\b(?:don t|dont|do not|never|no longer) (?:want|wish) to (?:hear "
                                r"from|be contacted by) (?:you|u|your company|you guys|ya)\b"),
    ("en.no-more", C, r"\bno (?:more|further) (?:of )?(?:these |those |your |the |this |ur |"
                      r"such )?" + _EN_ADJ + r"(?:" + _EN_MSG + r"|contact|contacting)\b"),
    ("en.you-stopped", C, r"\b(?:you|u|ya) (?:stopped|would stop|could stop|d stop|to stop|should "
                          r"stop|need to stop|must stop|can stop) " + _EN_SEND + r"\b|\brefrain "
                          r"from " + _EN_SEND + r"\b"),
    ("en.no-stop", L, r"^(?:no|nope|nah)(?: please| pls)? stop(?: please| pls| it| now| already| "
                      r"that)*$"),
    ("en.dont-want-to-be", C, r"\b(?:don t|dont|do not|no longer|never|not) (?:want|wish|like|"
                              r"need) (?:to be|being) (?:contacted|texted|messaged|emailed|called|"
                              r"bothered|spammed|disturbed|on your list|on this list|on your "
                              r"mailing list|subscribed|included|sent)\b"),
    ("en.want-to-unsubscribe", C, r"\b(?:want|wish|like|need|wanna|trying|going) to (?:opt out|"
                                  r"optout|unsubscribe|unsub|be removed|be taken off|stop "
                                  r"(?:receiving|getting|these|this|the|your)|cancel (?:these|"
                                  r"this|the|my|your) " + _EN_MSG + r")\b(?!.*\b(?:paper|printed|"
                                  r"receipts|bills|catalog|catalogs|auto renewal|renewal)\b)"),
    ("en.unsubscribe-word", C, r"{NEG}\b(?:please |pls )?(?:unsubscribe|unsub|opt out|optout|"
                               r"stopall|stop all)(?: me| now| please| pls| thanks| asap| from "
                               r"(?:this|these|all|your|the)\b(?! (?:[a-z]+ )?(?:paper|printed|"
                               r"catalog|catalogue|magazine|loyalty|rewards|box|club|membership|"
                               r"plan|kit|app|program)\b)|$)"),
    ("en.sign-me-out", C, r"{NEG}\b(?:sign|count|leave) (?:me|us) out\b"),
    ("en.please-remove", C, r"\b(?:please|pls|plz|kindly|just) (?:remove|unsubscribe|"
                            r"unsub|delete)(?: me| us| my number| this number)?$"),
    ("en.already-unsubscribed", L, r"{NEG}\b(?:already|i|we) (?:unsubscribed|opted out|"
                                   r"asked you to "
                                   r"stop|told you to stop|replied stop|texted stop|sent stop)\b"
                                   r"(?! (?:by mistake|by accident|accidentally)\b|.*\b(?:keep|"
                                   r"still want|but want)\b)"),
    ("en.block-you", L, r"\b(?:block|blocking|report) (?:you|u|ya|this number|your number|"
                        r"ur number|"
                        r"you guys)\b"),
    ("en.removal-of-my", C, r"\b(?:request|requesting|ask for|asking for|want|demand|require)\b.*\b"
                            r"(?:removal|deletion|erasure) of (?:my|this|our) (?:number|phone "
                            r"number|data|details|info|information|contact|contact details|"
                            r"email|email address|personal data)\b|\b(?:appreciate|like) being "
                            r"removed\b|\bcease (?:all |any )?contact\b"),
    ("en.gdpr", C, r"\b(?:gdpr|ccpa|rgpd)\b.*\b(?:delete|erase|erasure|remove|deletion|object|"
                   r"objection|opt out|unsubscribe)\b|\b(?:delete|erase|erasure|remove|deletion)"
                   r"\b.*\b(?:gdpr|ccpa)\b|\bright to (?:erasure|object|be forgotten)\b"),
    ("en.enough-alone", L, r"^(?:ok |okay |that s |thats )?enough(?: already| is enough| now| "
                           r"please| pls| thanks)*$"),
    ("en.not-their-number", L, r"\b(?:not|no longer|isn t|is not|isnt) (?:[a-z]+ s |my |his |her |"
                               r"their |the right |the )?(?:number|phone|cell)(?: anymore|"
                               r" any more| "
                               r"now)\b|\b(?:doesn t|does not|doesnt|don t|dont|no longer) "
                               r"(?:have|has|own|use|uses) this (?:number|phone)\b|\bthis "
                               r"(?:number|phone) (?:belongs to|is) (?:someone|somebody) else\b|"
                               r"\bnew owner of this (?:number|phone)\b|\b(?:no longer|not "
                               r"anymore) (?:a |your )?(?:customer|client|member)\b|\bclosed my "
                               r"account\b.*\bstill\b"),
    ("en.why-keep-texting", L, r"\bwhy (?:do|are|does|would) (?:you|u|ya|you guys|this number) "
                               r"(?:keep |still |always )?(?:keep |still )?(?:texting|messaging|"
                               r"txting|msging|spamming|contacting|emailing|calling|"
                               r"bothering) (?:me|"
                               r"us|this number)\b(?!.* (?:about my|for my) (?:order|delivery|"
                               r"appointment)\b)"),
    ("en.cut-it-out", L, r"^(?:cut it out|knock it off|pack it in|give it a rest)(?: please| pls| "
                         r"already| now)*$|\b(?:cut it out|knock it off) with (?:the|these|your|"
                         r"all "
                         r"the|ur) (?:" + _EN_MSG + r")\b"),
    ("en.sick-of", L, r"\b(?:sick|tired|fed up|sick and tired) (?:of|with) (?:getting |receiving |"
                      r"all )?(?:these|your|the|ur|all these|all your|this|those|you|you guys) "
                      r"(?:" + _EN_MSG + r"|texting|messaging|spamming|spam)\b|\b(?:disable|turn "
                      r"off|deactivate) (?:these|the|your|all|all the|all these) (?:"
                      + _EN_MSG + r")\b(?!.*\bapp\b)|\bhow (?:do|can) (?:i|we) make (?:these|"
                      r"this|the|your|it) (?:" + _EN_MSG + r" )?stop\b"),
    ("en.cease-and-desist", L, r"\bcease and desist\b|\b(?:asked|requested|told you) (?:you )?"
                               r"(?:to be|to get) (?:removed|taken off|unsubscribed|deleted)\b"),
    ("en.please-stop", L, r"^(?:please|pls|plz|kindly|just|ok|okay|now) stop\b(?! (?:by|at|in|"
                          r"over|the|my|on|to|for|it s|being)\b)"),
    ("en.no-more-alone", L, r"^no more(?: please| pls| thanks| thank you| ty)*$"),
    ("en.revoke-consent", C, r"\b(?:revoke|revoking|withdraw|withdrawing|retract|retracting|"
                             r"rescind|cancel) (?:my |all |any |our )?(?:consent|permission|"
                             r"authorization|authorisation|opt in)\b"),
    ("en.who-gave-you", L, r"\bwho gave (?:you|u|ya) (?:my|this) (?:number|email|details|info|"
                           r"contact)\b|\bhow did (?:you|u) get (?:my|this) (?:number|email)\b"),
    ("en.told-you-stop", L, r"\bstop\b.*\b(?:told|asked) (?:you|u|ya)\b|\b(?:told|asked) (?:you|"
                            r"u|ya)\b.*\bstop\b"),
    ("en.how-many-times", L, r"\bhow many (?:more )?times (?:do|must|should|will|have) (?:i|we) "
                             r"(?:have to |need to |got to )?(?:ask|tell|say|reply|text|write)\b"),
    ("en.report-you", L, r"\b(?:report|reporting|sue|suing) (?:you|u|your company|this number)\b"
                         r"|\bif (?:you|u) (?:text|message|msg|contact|call|email|spam|txt|keep "
                         r"texting|keep messaging|keep sending|send)(?: me| us)?(?: one more time|"
                         r" again| anymore| any more)\b|\b(?:fcc|ftc|attorney general|do not "
                         r"call list|dnc list|donotcall)\b"),
    ("en.want-out-of", C, r"\b(?:i|we) (?:want|wanna|would like|d like) (?:out of|off) (?:this|"
                          r"your|the|these|ur|all your|all these) (?:list|lists|texts|messages|"
                          r"program|mailing list|thing|database|system)\b"),
    ("en.want-out", L, r"^(?:i )?want out(?: of (?:this|these|your list|the list))?(?: please| now|"
                       r" thanks)?$"),
    ("en.cancel-subscription", C, r"{NEG}\bcancel (?:my |the |this )?(?:subscription|sub) (?:to|"
                                  r"from|for) (?:these|this|the|your|ur|all)\b(?! (?:box|app|"
                                  r"plan|service|membership)\b)"),
    ("en.leave-me-alone", L, r"\b(?:leave me alone|leave us alone|go away|piss off|get lost|"
                             r"f off|bugger off)\b"),
    ("en.not-interested", L, r"\b(?:no longer|not|never|nt|not really) interested(?: at all)? "
                             r"(?:anymore|any more|in (?:any of )?(?:your|these|this|ur|the|any) "
                             r"(?:" + _EN_MSG + r"|company|products|stuff|service|services|"
                             r"program|list))\b|\bno longer interested\b"),
    ("en.wrong-number", L, r"\bwrong (?:number|person|phone number|no)\b"),
    ("en.never-signed-up", L, r"\b(?:never|didn t|didnt|did not) (?:sign|signed|subscribe|"
                              r"subscribed|opt|opted|agree|agreed|consent|consented|ask|asked)"
                              r"(?: up)?(?: for| to)?(?: this| these| your| ur| any)(?=$| (?:"
                              + _EN_MSG + r"|list|lists|program|service|stuff|crap|spam|junk|shit|"
                              r"nonsense|please|pls|so|and|who|i|you|why|how|what|stop|remove|"
                              r"unsubscribe|ever|at all|thing|s|whatsoever|bs|garbage)\b)|"
                              r"\b(?:never|"
                              r"didn t|didnt|did not) (?:give|gave|given) (?:you |u |anyone )?"
                              r"(?:permission|consent|my number|my consent|my permission)\b"),
    ("en.how-unsubscribe", L, r"\bhow (?:do|can|would|should) (?:i|we|u|you) (?:unsubscribe|unsub|"
                              r"opt out|stop (?:getting|receiving|(?:these|this|the|your|all) "
                              + _EN_MSG + r"|these$|this$)|get off|"
                              r"be removed)\b(?! from (?!these|this|your|ur|you|the list|"
                              r"the texts|the messages|all|them|it|here|the emails)[a-z]+)"),
    ("en.stop-this", L, r"{NEG}\b(?:stop|quit) (?:this|it|that|now|already|immediately)\b"
                        r"(?! (?:s|from|is|was|happening|hurting|again|with the)\b)"),
    ("en.complaint", P, r"\b(?:too many|so many|way too many|constant|stupid|annoying) " + _EN_MSG
                        + r"\b|\b(?:this is spam|spam|spammer|spamming|harassment)\b"),
    ("en.my-wrong-number", VETO, r"\b(?:i|we) (?:gave|entered|typed|put|used|provided|wrote) "
                                 r"(?:you |u )?(?:the |a |my )?wrong (?:number|phone number)\b|"
                                 r"\bwrong (?:number|phone number|no) (?:on|in|for) (?:my|the)\b|"
                                 r"\bmy wrong (?:number|phone number)\b"),
    ("en.stop-exclaim", VETO, r"\bstop (?:it |that |this )?(?:you re|youre|you are|u r|you guys "
                              r"are|you guys re|ur too|you re too)\b|\bstop the press(?:es)?\b|"
                              r"\bstop (?:worrying|"
                              r"stressing|apologizing|apologising|laughing|joking|teasing)\b|\bi "
                              r"meant\b|"
                              r"\b(?:lol|lmao|haha|"
                              r"hahaha|jk)$|\bstop the (?:auto ship|autoship|auto renewal|"
                              r"renewal|subscription box|shipment|charge|payment)\b|\blink to "
                              r"unsubscribe\b|"
                              r"\bstop (?:it s|its|it is|that s|thats|that is|this is) (?:so|too|"
                              r"sooo|amazing|gorgeous|beautiful|cute|adorable|great|awesome|"
                              r"perfect|crazy|insane|incredible|hilarious|funny|good|lovely|"
                              r"stunning|fire|a steal|the best|unreal|wild)\b|\bstop (?:ur so|lol|"
                              r"lmao|haha|omg|i m dying|im dying)\b|\bstop (?:it |that )?"
                              r"(?:that|this|the|these|those|ur|your) [a-z]+ (?:is|s|are|looks|"
                              r"was|were)\b|\b(?:omg|lol|haha|lmao|wow) stop\b|\bunsubscribe "
                              r"(?:link|button|page|option)\b|\bstop sending (?:me |us )?(?:the "
                              r"wrong|wrong|the same|duplicate|double|broken|damaged)\b"),
    ("en.by-mistake", VETO, r"\b(?:accidentally|accidently|mistakenly|by mistake|by accident|"
                            r"didn t mean|did not mean|resubscribe|re subscribe|subscribe me|"
                            r"sign me up|add me)\b"),
    # ---- Whatever the languages: the universal STOP -----------------------------------------
    ("any.keyword-at-start", L, r"^(?:stop|stopp|stahp)(?: [^ ]+){0,4}$"),
    ("any.keyword-at-end", L, r"{NEG}\b(?:stop|unsubscribe|unsub|opt out)$"),
    ("any.stop-by", VETO, r"\b(?:stop|stopping|stopped) (?:by|at|in|over|off|on|into|round|past|"
                         r"for|to)\b|\b(?:bus|last|next|first|one|non|pit|truck|rest|full|train|"
                         r"tram) stop\b|\bstop (?:sign|light|watch|loss|motion|gap)\b"),
    ("any.dont-stop", VETO, r"\b(?:don t|dont|do not|never|can t|cant|won t|wont|didn t|didnt|"
                           r"please don t|pls don t) (?:ever )?(?:stop|unsubscribe|unsub|remove|"
                           r"cancel|opt out)\b"),
    ("any.stop-never", VETO, r"\b(?:stop|stopp|stoppa|sluta|stoppen|stopper|smettete|parem) "
                             r"(?:aldrig|nooit|nie|never|jamais|nunca|mai|niemals|nigdy)\b"),
    ("any.stop-the-thing", VETO, r"\b(?:stop|stopp|stoppa|stoppen|stopper) (?:the |de |het |la |"
                                 r"le |"
                                 r"il |den |det |die |der |das |my |mijn |min |mi |ma |"
                                 r"meine )?(?:leveringen|levering|leveransen|lieferung|delivery|"
                                 r"order|ordren|button|knop|livraison|consegna|entrega|pedido|"
                                 r"commande|bestelling|bestellung|zamowienie|dostawe|payment|"
                                 r"payments|subscription box|sign|light)\b"),
    # ---- Italian ----------------------------------------------------------------------------
    ("it.cancellami", C, r"{NEG}\b(?:cancellami|cancellatemi|disiscrivimi|disiscrivetemi|"
                         r"toglietemi|toglimi|rimuovetemi|rimuovimi|eliminatemi|eliminami|"
                         r"levatemi|levami|disiscrivermi|cancellarmi|disiscriveteci|"
                         r"cancellateci|toglieteci)\b(?! (?:dal|dalla|dall|dai|da) (?:corso|"
                         r"palestra|evento|lezione|lezioni|club|torneo|gara|abbonamento)\b)"),
    ("it.mi-tolga", C, r"{NEG}\bmi (?:cancelli|tolga|rimuova|elimini|levi|disiscriva|cancellino|"
                       r"tolgano|rimuovano|eliminino)\b(?! (?:dal|dalla|dall|dai|da) (?:corso|"
                       r"palestra|evento|lezione|lezioni|club|torneo|gara|abbonamento|"
                       r"carrello|ordine)\b| (?:l|il|la|lo) )"),
    ("it.non-ne-posso-piu", C, r"\bnon (?:voglio|desidero) (?:piu )?(?:niente|nulla) da (?:voi|lei|"
                               r"parte vostra|parte sua)\b|\bnon ne posso piu (?:di|dei|delle|di "
                               r"questi|di queste|dei vostri|delle vostre) (?:" + _IT_MSG
                               + r")\b"),
    ("it.togliermi-dalla-lista", C, r"{NEG}\b(?:togliermi|rimuovermi|eliminarmi|levarmi|"
                                    r"togliere|rimuovere|eliminare|levare|cancellare|"
                                    r"toglierci|rimuoverci|eliminarci|togliete|rimuovete|"
                                    r"eliminate|cancellate|levate)\b.*\b(?:dalla|dalle|dai|dal|"
                                    r"da) (?:vostra |vostre |vostri |vostro |questa |sua |tua |"
                                    r"loro )?(?:lista|liste|mailing list|contatti|rubrica|"
                                    r"newsletter|database|archivio|elenco|invii|banca dati|"
                                    r"lista di distribuzione)\b(?! vip)"),
    ("it.non-scrivetemi-piu", C, r"\b(?:non|nn|mai piu) (?:mi |ci )?(?:" + _IT_SEND + r")(?: "
                                 r"[a-z]+){0,3} (?:piu|mai|niente|nulla|" + _IT_MSG + r")\b(?! "
                                 r"(?:tardi|presto|il|lo|la|le|i|gli|del|della|economico|veloce)"
                                 r"\b)"),
    ("it.mai-piu", C, r"\bmai piu (?:mi |ci )?(?:" + _IT_SEND + r")\b"),
    ("it.non-voglio-piu", C, r"\bnon (?:voglio|desidero|vorrei|intendo|vogliamo|desideriamo) "
                             r"(?:piu |ricevere |altri |altre |i vostri |le vostre |vostri |"
                             r"vostre |questi |queste |nessun |nessuna |alcun |alcuna |ancora )*"
                             r"(?:ricevere|essere (?:piu )?(?:contattato|contattata|contattati|"
                             r"disturbato|disturbata|chiamato|chiamata|contattato)|"
                             + _IT_MSG + r")\b(?! (?:il|lo|la|l) (?:pacco|ordine|prodotto|"
                             r"rimborso|reso|corriere|articolo|fattura|scontrino)\b|.*\b"
                             r"(?:cartacea|cartaceo|cartacei)\b)"),
    ("it.desidero-non", C, r"\b(?:desidero|voglio|vorrei|preferisco|preferirei|chiedo di|vi "
                           r"chiedo di|vi prego di|prego di|si prega di|per favore di|"
                           r"richiedo di) non "
                           r"(?:ricevere|essere (?:piu )?(?:contattato|contattata|disturbato|"
                           r"disturbata)|piu ricevere|ricevere piu)\b"),
    ("it.basta-messaggi", C, r"{NEG}\b(?:basta|ora basta|stop|smettetela|smettete|finitela|"
                             r"piantatela|piantala|smettila|finiscila|basta cosi|fatela finita|"
                             r"falla finita) (?:con |ai |alle |agli |al |a |di "
                             r"mandare |di inviare |di scrivere |coi |col )?(?:i |le |questi |"
                             r"queste |sti |ste |gli |tutti |tutte |tutti questi |tutte queste |"
                             r"mandarmi |"
                             r"inviarmi |scrivermi |vostri |vostre |i vostri |le vostre )?(?:"
                             + _IT_MSG + r"|mandare|inviare|scrivere|scrivermi|mandarmi|"
                             r"inviarmi)\b"),
    ("it.voglio-disiscrivermi", C, r"\b(?:voglio|vorrei|desidero|chiedo di|vorremmo|chiedo|"
                                   r"richiedo) (?:disiscrivermi|cancellarmi|annullare "
                                   r"l iscrizione|annullare la mia iscrizione|cancellare la mia "
                                   r"iscrizione|essere rimosso|essere rimossa|essere cancellato|"
                                   r"essere cancellata|essere tolto|essere tolta|essere eliminato|"
                                   r"essere eliminata|uscire dalla lista|uscire dalla vostra "
                                   r"lista|la disiscrizione|la cancellazione(?! (?:del|della|dell|"
                                   r"dei) (?:mio |mia |"
                                   r"miei )?(?:ordine|ordini|prenotazione|account|abbonamento|"
                                   r"appuntamento|acquisto|carrello|reso)\b)|smettere di ricevere|"
                                   r"revocare il consenso|togliermi)\b|\brevoco il (?:mio )?"
                                   r"consenso\b"),
    ("it.togliete-numero", C, r"{NEG}\b(?:togliete|rimuovete|cancellate|eliminate|togli|rimuovi|"
                              r"cancella|elimina|cancellare|eliminare|togliere|rimuovere|levate) "
                              r"(?:il |i |la |le )?(?:mio |miei |mia |mie )(?:numero|contatto|"
                              r"dati|email|indirizzo email|indirizzo mail|mail|recapito|recapiti|"
                              r"dati personali|numero di telefono|cellulare)\b"),
    ("it.smettete-di", C, r"{NEG}\b(?:smettete|smettetela|smettila|smetti|smettere|finitela|basta|"
                          r"piantatela|piantala|finiscila|cessate|cessare|smettiate|la smettete) "
                          r"(?:subito |una buona volta )?di (?:mandare|mandarmi|inviare|inviarmi|"
                          r"scrivere|scrivermi|contattarmi|disturbarmi|spammare|mandarci|"
                          r"scriverci|contattarci|chiamarmi|importunarmi|tartassarmi|"
                          r"rompere)\b"),
    ("it.stufato-basta", L, r"\b(?:stufato|stufata|stancato|stancata|rotto|scocciato|scocciata|"
                            r"stufo|stufa)\b.*\b(?:basta|stop|smettetela|piantatela)\b"),
    ("it.non-ho-piu-interesse", L, r"\bnon ho piu (?:alcun |nessun )?interesse\b"),
    ("it.gia-disiscritto", L, r"\b(?:gia disiscritto|gia disiscritta|"
                              r"mi sono (?:gia )?disiscritt[oa]|"
                              r"mi sono (?:gia )?cancellat[oa])\b.*\b(?:continuate|ancora|"
                              r"continuo|di nuovo)\b|\bvi (?:blocco|bloccher[oa]|segnalo|"
                              r"segnalero)\b(?! (?:la|il|lo|le|i|gli|una|un|uno|l)\b)|"
                              r"\bnon (?:mi )?(?:disturbate|disturbatemi|rompete|"
                              r"scocciate)(?:$| per favore| grazie)"),
    ("it.gdpr", C, r"\b(?:gdpr|privacy|garante)\b.*\b(?:cancellazione|opposizione|rimozione|"
                   r"cancellare|eliminare|oblio)\b|\bdiritto (?:di|all|alla) (?:opposizione|"
                   r"oblio|cancellazione)\b|\besercito il (?:mio )?diritto\b"),
    ("it.una-parola", L, r"^(?:rimuovi|rimuovimi|elimina|eliminami|togli|toglimi|cancellatemi|"
                         r"rimuovere|eliminare|disiscrivere|disiscrizione)(?: per favore| "
                         r"grazie)*$"),
    ("it.non-piu-il-numero", L, r"\bnon e piu (?:il )?(?:mio |suo )?numero\b|\bquesto (?:numero )?"
                                r"non e piu (?:di|del|della|il numero)\b|\bnon sono piu "
                                r"(?:vostro |vostra |un |una )?(?:cliente|socio|socia|iscritto|"
                                r"iscritta)\b"),
    ("it.astenetevi", C, r"\b(?:astenetevi|si astenga|vi prego di astenervi) (?:dal|dallo|da|di) "
                         r"(?:contattarmi|scrivermi|mandarmi|inviarmi|chiamarmi|inviare|mandare|"
                         r"contattare)\b"),
    ("it.non-scrivetemi-alone", L, r"\b(?:non|nn) (?:mi )?(?:scrivetemi|mandatemi|contattatemi|"
                                   r"chiamatemi|cercatemi|disturbatemi|scrivete|contattate)(?:$| "
                                   r"per favore| grazie| x fav| x favore| per cortesia)"),
    ("it.perche-continuate", L, r"\bperche (?:mi |ci )?(?:continuate|continui|insistete|"
                                r"continuano) (?:a|ad) (?:" + _IT_SEND + r")\b"),
    ("it.stufo-di", L, r"\b(?:stufo|stufa|stufi|stanco|stanca|scocciato|scocciata) (?:di|dei|delle|"
                       r"con) (?:ricevere |questi |queste |tutti questi |tutte queste |vostri |"
                       r"vostre "
                       r"|i vostri |le vostre )?(?:" + _IT_MSG + r")\b|\b(?:mi avete|ci avete) "
                       r"(?:stufato|scocciato|stancato|rotto) (?:con|coi) (?:questi |queste |i "
                       r"vostri |le vostre |tutti questi )?(?:" + _IT_MSG + r")\b|\b(?:disattivate|"
                       r"disattiva|disattivare) (?:le |i |queste |questi |tutte le )?(?:" + _IT_MSG
                       + r")\b(?!.*\bapp\b)"),
    ("it.chiedo-la-rimozione", C, r"\b(?:chiedo|richiedo|domando|esigo|vorrei)\b.*\b(?:la )?"
                                  r"(?:rimozione|cancellazione|eliminazione) (?:del|dei|della|"
                                  r"delle) "
                                  r"(?:mio |miei |mia |mie )?(?:numero|contatto|dati|email|"
                                  r"recapito|recapiti)\b"),
    ("it.non-autorizzo", L, r"\bnon (?:autorizzo|acconsento|do il consenso)\b|\brifiuto di "
                            r"ricevere\b"),
    ("it.lasciatemi-in-pace", L, r"\b(?:lasciatemi|lasciami|lasciateci) (?:in pace|stare)\b"),
    ("it.non-interessa", L, r"\bnon (?:mi interessa|mi interessano|sono interessato|sono "
                            r"interessata|mi interessate) (?:piu|per niente piu|(?:nessuno dei |"
                            r"nessuna delle )?(?:i |le |gli )?(?:vostri |vostre )" + _IT_MSG
                            + r")\b|\bnon mi interessan[oa] (?:i |le |gli |questi |queste )?(?:"
                            r"vostri |vostre )?" + _IT_MSG + r"\b"),
    ("it.numero-sbagliato", L, r"\bnumero sbagliato\b"),
    ("it.chi-vi-ha-dato", L, r"\bchi vi ha (?:dato|passato|fornito) (?:il )?(?:mio|questo) "
                             r"(?:numero|contatto|indirizzo)\b|\britiro il (?:mio )?consenso\b"),
    ("it.mai-iscritto", L, r"\bnon mi sono mai (?:iscritto|iscritta|registrato|registrata)\b|"
                           r"\bnon (?:vi )?ho mai (?:dato|chiesto|autorizzato|fornito) (?:il )?"
                           r"(?:mio )?(?:consenso|numero|autorizzazione|di ricevere|questi|"
                           r"queste|niente)\b|\bmai (?:iscritto|iscritta)\b"),
    ("it.come-disiscrivermi", L, r"\bcome (?:faccio a |posso |si fa a )?(?:disiscrivermi|"
                                 r"cancellarmi|non ricevere piu|smettere di ricevere|togliermi "
                                 r"dalla lista)\b"),
    ("it.quante-volte", L, r"\bquante volte (?:ve lo |vi |lo )?(?:devo|dovro|ho|dovrei) "
                           r"(?:ancora )?(?:dire|dirvi|chiedere|chiedervi|ripetere|ripetervi|"
                           r"scrivere|scrivervi|detto|chiesto|scritto)\b"),
    ("it.denuncio", L, r"\b(?:vi denuncio|vi denuncero|vi segnalo|vi segnalero|vi faccio causa|"
                       r"denuncia|segnalazione)\b.*\b(?:garante|privacy|polizia|agcom|"
                       r"avvocato|carabinieri)\b|\bse (?:continuate|continui|insistete|"
                       r"continuerete) (?:a|ad) (?:" + _IT_SEND + r")\b"),
    ("it.exclaim", VETO, r"\bstop (?:che|quanto|ma che|come)\b|\bper (?:sbaglio|errore)\b|\b"
                         r"(?:reiscrivermi|iscrivermi di nuovo|riattivare)\b"),
    ("it.troppi", P, r"\b(?:troppi|troppe) " + _IT_MSG + r"\b|\b(?:mi avete|ci avete) (?:stufato|"
                     r"stufata|stancato|stancata|rotto|scocciato|scocciata|esasperato)\b"),
    ("it.non-smettete", VETO, r"\bnon (?:smettete|smettere|fermatevi|cancellate|smettetela)\b"),
    # ---- Spanish ----------------------------------------------------------------------------
    ("es.darme-de-baja", C, r"{NEG}\b(?:darme|me doy|me quiero dar|dame|denme|darse|darnos|"
                            r"me den|me des|me das|denos|deme|dadme|me puedes "
                            r"dar|me pueden dar|me podrian dar) de baja\b(?! (?:del|de la|de mi|"
                            r"de el) (?:gimnasio|"
                            r"gym|plan|clase|clases|curso|seguro|linea|tarjeta|cuenta|membresia|"
                            r"club|programa|caja|servicio)\b)|\bdar de baja "
                            r"(?:mi|este) (?:numero|telefono|movil|correo|celular)\b"),
    ("es.no-me-envien", C, r"\bno (?:me |m |nos )?(?:" + _ES_SEND_SUBJ + r")(?: [a-z]+){0,3} "
                                                                         r"(?:mas|"
                           r"nunca|jamas|" + _ES_MSG + r")\b(?! (?:tarde|temprano|barato|barata|"
                           r"caro|rapido|el|la|los|las|del|de la|de los|grande|pequeno)\b)"),
    ("es.ya-no-me-envien", C, r"\b(?:ya no|nunca mas|jamas) (?:me |m |nos )?(?:vuelvan a |"
                              r"vuelvas a )?"
                              r"(?:" + _ES_SEND_SUBJ + r"|" + _ES_SEND_INF + r")\b(?!.*\b(?:papel|"
                              r"impreso|impresa|factura)\b)"),
    ("es.abstenganse", C, r"\b(?:abstenganse|abstengase|abstente|absteneos) de (?:" + _ES_SEND_INF
                          + r")\b"),
    ("es.no-vuelvan-a", C, r"\bno (?:me |nos )?(?:vuelvan|vuelvas|volvais|vuelva) (?:nunca )?a "
                           r"(?:" + _ES_SEND_INF + r")\b"),
    ("es.no-quiero-recibir", C, r"\bno (?:quiero|deseo|quisiera|queremos|necesito|desea|quiere|"
                                r"desean|quieren) (?:seguir |"
                                r"volver a )?(?:recibir|recibiendo)\b(?! (?:el|la|mi|los|las|"
                                r"este|esta) (?:pedido|pedidos|paquete|factura|producto|envio|"
                                r"devolucion|reembolso|compra|llamada del repartidor)\b|.*\b"
                                r"papel\b)"),
    ("es.no-quiero", C, r"\b(?:no|ya no|nunca) (?:quiero|deseo|quisiera|queremos|kiero) (?:mas |"
                        r"ningun |"
                        r"ninguna |ningunos |ningunas |sus |tus |vuestros |vuestras |los |las |"
                        r"estos |estas |esos |esas |su |tu |mas de |de )*" + _ES_MSG + r"\b"),
    ("es.no-quiero-que", C, r"\bno (?:quiero|deseo|quisiera|queremos|kiero) (?:que|q) (?:me |"
                            r"nos )?(?:sigan |"
                            r"vuelvan a |sigas |vuelvas a )?(?:" + _ES_SEND_SUBJ + r"|enviando|"
                            r"mandando|escribiendo|contactando|llamando|" + _ES_SEND_INF + r")\b"),
    ("es.no-mas", C, r"{NEG}\b(?:no mas|ya no mas|basta|ya basta|basta ya|paren|parenle|parale|"
                     r"pare|parad|para ya|alto|stop|nada mas|suficiente) (?:ya )?(?:con |de |a )?"
                     r"(?:los |las |sus |tus |vuestros |vuestras |estos |estas |esos |esas |"
                     r"tanto |tantos |tantas |tanta |el |la )?" + _ES_MSG + r"\b"),
    ("es.borrenme", C, r"{NEG}\b(?:bajenme|bajame|bajadme|borrenme|eliminenme|quitenme|sacadme|"
                       r"sacame|sacenme|saquenme|"
                       r"borrame|eliminame|quitame|borradme|eliminadme|quitadme|borreme|"
                       r"elimineme|quiteme|saqueme|desuscribanme|desuscribeme|desuscribame|"
                       r"desuscribirme|desinscribirme|desapuntenme|desapuntarme|desapuntame|"
                       r"dadme de baja)\b"),
    ("es.dejen-de", C, r"{NEG}\b(?:dejen|deje|dejes|deja|dejad|dejar|dejeis|paren|pare|parad|para|"
                       r"parar|parenle|parale|terminen|acaben|cesen|cese|cesar) (?:ya )?de "
                       r"(?:" + _ES_SEND_INF + r"|spamear|fastidiar|joder|estar enviando|estar "
                       r"mandando|estar escribiendo)\b"),
    ("es.quiero-baja", C, r"\b(?:quiero|deseo|quisiera|solicito|necesito|me gustaria)(?!.*\bde "
                          r"baja (?:del|de la|de mi) (?:gimnasio|gym|plan|clase|clases|curso|"
                          r"seguro|linea|tarjeta|cuenta|membresia|club|programa|caja)\b) "
                          r"(?:la |mi )?"
                          r"(?:baja(?! (?:de|del) (?:mi |la |el )?(?:linea|cuenta|tarjeta|"
                          r"contrato|seguro|plan|gimnasio|membresia|servicio|fibra|movil)\b)|"
                          r"darme de baja|desuscribirme|desuscribir|desinscribirme|"
                          r"salir de (?:la|su|sus|esta|vuestra|tu|estas|vuestras) (?:lista|listas|"
                          r"base de datos|lista de difusion|difusion)|que me "
                          r"eliminen|que me borren|que me saquen|que me quiten|que me den de baja|"
                          r"dejar de recibir|cancelar (?:la |mi )?suscripcion(?:$| (?:a|de) "
                          r"(?:los|las|sus|estos|estas) " + _ES_MSG + r"))\b"),
    ("es.favor-de-no", C, r"\b(?:favor de|por favor|les pido|les ruego|le pido|pido|ruego|solicito|"
                          r"quiero|prefiero|pedimos) (?:que )?no (?:me |nos )?(?:enviar|mandar|"
                          r"escribir|contactar|llamar|molestar|enviarme|mandarme|escribirme|"
                          r"contactarme|recibir|volver a contactarme|volver a escribirme|volver a "
                          r"enviarme|volver a llamarme|" + _ES_SEND_SUBJ + r")\b"),
    ("es.solicito-la-eliminacion", C, r"\b(?:solicito|pido|requiero|exijo|quiero)\b.*\b(?:la )?"
                                      r"(?:eliminacion|supresion|baja|retirada|borrado) (?:de|del) "
                                      r"(?:mi|mis|este) (?:numero|datos|telefono|contacto|correo|"
                                      r"email)\b|\b(?:agradeceria|agradeceriamos) que (?:dejaran|"
                                      r"dejasen|dejaras) de\b"),
    ("es.ya-me-di-de-baja", L, r"\b(?:ya me di|ya me he dado|me di|"
                               r"me he dado) de baja\b.*\b(?:sigo|"
                               r"siguen|todavia|aun|continuan|otra vez|de nuevo)\b|\b(?:los|les|"
                               r"te) (?:voy a|vamos a) (?:bloquear|reportar|denunciar)\b|\bvoy a "
                               r"(?:bloquearlos|bloquearles|bloquear este numero|bloquear su "
                               r"numero|bloquearte)\b"),
    ("es.rgpd", C, r"\b(?:rgpd|gdpr|lopd|lopdgdd|proteccion de datos)\b.*\b(?:supresion|"
                   r"eliminacion|borrado|oposicion|baja|cancelacion|suprimir|eliminar|borrar)\b|"
                   r"\bderecho (?:de|a la) (?:oposicion|supresion|cancelacion|olvido)\b"),
    ("es.una-palabra", L, r"^(?:eliminar|borrar|eliminenme|borrenme|quitar|sacar|desuscribir|"
                          r"desuscribirse|darse de baja|dar de baja|suprimir)(?: por favor| porfa| "
                          r"gracias| ya)*$"),
    ("es.ya-no-es-mi-numero", L, r"\b(?:ya no es|no es) (?:mi|el|su) numero(?: de| del)?\b(?! (?:"
                                 r"atencion|soporte|servicio|pedido|seguimiento|cliente)\b)|"
                                 r"\bnumero ya no (?:es|pertenece)\b|\bya no soy (?:su |vuestro "
                                 r"|tu )?(?:cliente|socio|socia|miembro)\b"),
    ("es.ya-estuvo", L, r"\b(?:ya estuvo bueno|ya estuvo|bajenle|bajale|ya parale|parale ya) "
                        r"(?:con |a )(?:los |las |sus |tantos |tantas )?(?:" + _ES_MSG + r")\b"),
    ("es.por-que-siguen", L, r"\bpor (?:que|q) (?:me |nos )?(?:siguen|sigues|continuan|vuelven a) "
                             r"(?:me )?(?:escribiendo|mandando|enviando|llamando|molestando|"
                             r"escribir|mandar|enviar|contactar)\b"),
    ("es.harto", L, r"\b(?:harto|harta|hartos|hartas|cansado|cansada|podrido|podrida) (?:con|de) "
                    r"(?:tantos |tantas |sus |tus |los |las |estos |estas |recibir )?(?:"
                    + _ES_MSG + r")\b|\bme tienen (?:harto|harta|podrido|podrida|cansado|"
                    r"cansada)\b|\b(?:desactiven|desactiva|desactivar|desactivad) (?:los |las |"
                    r"sus |estos |estas )?(?:" + _ES_MSG + r")\b(?!.*\bapp\b)|\bdejen de "
                    r"(?:llegarme|llegar)\b"),
    ("es.no-autorizo", L, r"\bno (?:autorizo|autorice|doy permiso para|consiento)\b|\bme niego a "
                          r"recibir\b"),
    ("es.no-sigan", C, r"\bno (?:me |nos )?(?:sigan|sigas|continuen|continues) (?:enviando|"
                       r"mandando|escribiendo|molestando|llamando|contactando|enviandome|"
                       r"mandandome|"
                       r"escribiendome)\b"),
    ("es.revoco", C, r"\b(?:revoco|retiro|revocar|retirar|anulo) (?:mi|el) (?:consentimiento|"
                     r"permiso|autorizacion)\b|\bmi numero\b.*\b(?:borrenlo|eliminenlo|borralo|"
                     r"eliminalo|quitenlo|quitalo)\b"),
    ("es.quien-les-dio", L, r"\bquien (?:les|te|os|le) (?:dio|ha dado|paso) (?:mi|este) (?:numero|"
                            r"correo|telefono|contacto)\b|\b(?:nunca|no) (?:les |os |te )?"
                            r"(?:autorice|he autorizado|di permiso|he dado permiso)\b"),
    ("es.cancelar-suscripcion-alone", C, r"^(?:cancelar|cancelen|anular) (?:la |mi )?"
                                         r"(?:suscripcion|subscripcion)(?: por favor| gracias| "
                                         r"porfa)*$"),
    ("es.cancelar-suscripcion", C, r"{NEG}\b(?:cancelen|cancele|cancela|cancelar|anulen|anule|"
                                   r"anular) (?:mi|la) (?:suscripcion|subscripcion)(?:$| por favor|"
                                   r" porfa| gracias| (?:a|de) (?:los|las|sus|estos|estas|este|"
                                   r"esta|la|su|sus) (?:" + _ES_MSG + r"|lista|boletin)\b)"),
    ("es.de-la-lista", C, r"{NEG}\b(?:eliminar|eliminen|elimine|borrar|borren|borre|quitar|quiten|"
                          r"quite|retiren|retire|retirar|retirarme|sacar|saquen|saque|sacarme|"
                          r"quitarme|borrarme|eliminarme|"
                          r"sacarnos|quitarnos|borrarnos|eliminarnos)\b.*\bde (?:la|su|vuestra|"
                          r"tu|esta|sus|vuestras|vuestros|tus|estas) (?:lista|listas|base de "
                          r"datos|base|bases de datos|correos|contactos|listado|registros|"
                          r"mensajes|envios|difusion|lista de difusion|boletin)\b(?! vip)"),
    ("es.eliminen-numero", C, r"{NEG}\b(?:eliminen|elimine|elimina|borren|borre|borra|quiten|"
                              r"quite|quita|eliminar|borrar|quitar|supriman|suprimir|dar de baja|"
                              r"retiren|retire|retirar|saquen|sacar|"
                              r"den de baja) (?:mi|mis|este) (?:numero|telefono|movil|celular|"
                              r"correo|email|contacto|datos|datos personales|informacion)\b"),
    ("es.dejenme-en-paz", L, r"\b(?:dejenme|dejame|dejadme|dejeme) (?:en paz|tranquilo|"
                             r"tranquila)\b"),
    ("es.no-me-molesten", L, r"\b(?:ya )?no (?:me |nos )?(?:molesten|molestes|moleste|fastidien|"
                             r"jodan|escriban|escribas|contacten|llamen|envien nada|manden nada)"
                             r"(?=$| por favor| porfa| x favor| gracias| por aqui| a este numero|"
                             r" aqui)"),
    ("es.no-tengo-interes", L, r"\b(?:ya no tengo|no tengo mas|no tengo ningun) interes\b(?! en "
                               r"(?:el|la|los|las|ese|esa|este|esta|un|una)\b)"),
    ("es.no-me-interesa", L, r"\b(?:ya no|no) (?:me interesa|me interesan|estoy interesado|estoy "
                             r"interesada) (?:mas|nada mas|para nada mas|(?:nada de |ninguno de |"
                             r"ninguna de )?(?:sus |tus |vuestros |vuestras |los |las |estos |"
                             r"estas )" + _ES_MSG + r")\b|\bya no (?:me interesa|me interesan|"
                             r"estoy interesado|estoy interesada)\b"),
    ("es.numero-equivocado", L, r"\b(?:numero equivocado|numero incorrecto|se equivocaron de "
                                r"numero|te equivocaste de numero)\b"),
    ("es.nunca-me-suscribi", L, r"\b(?:nunca|yo no) me (?:suscribi|inscribi|registre|apunte|he "
                                r"suscrito|he registrado|he apuntado)\b|\b(?:nunca|no) (?:les |"
                                r"os |te )?(?:di|he dado|dimos) (?:mi |el )?(?:consentimiento|"
                                r"permiso|autorizacion|numero)\b|\bnunca (?:pedi|solicite|"
                                r"autorice|acepte) (?:esto|estos|estas|recibir|nada)\b"),
    ("es.no-mas-alone", L, r"^(?:porfa |por favor |plis |x favor |favor )?(?:ya )?(?:no mas|"
                           r"ya no mas|ya basta|basta ya|paren ya|parenle ya|"
                           r"parenle|parale|bajenle|bajale|"
                           r"paren|para ya|alto ya|suficiente)(?: ya)?(?: por favor| porfa| "
                           r"gracias| x favor)*$"),
    ("es.como-baja", L, r"\bcomo (?:me doy|puedo darme|doy|me puedo dar|hago para darme) de baja"
                        r"\b(?! (?:la|el|mi|una|un|su) )|"
                        r"\bcomo (?:me desuscribo|puedo desuscribirme|dejo de recibir"
                        r"(?!.*\bpapel\b)|salgo de "
                        r"(?:la|su|esta) lista|cancelo (?:la|mi) suscripcion)\b(?!.*\b(?:caja|club|"
                        r"gimnasio|plan|revista|box|membresia|app|plataforma)\b)"),
    ("es.cuantas-veces", L, r"\bcuantas veces (?:les |te |os )?(?:tengo que|debo|hay que|voy a "
                            r"tener que|he tenido que|les tengo que|te tengo que|os tengo que|"
                            r"se los tengo que|se lo tengo que) (?:pedir|decir|repetir|"
                            r"escribir|pedirles|decirles|repetirles)\b"),
    ("es.denunciar", L, r"\b(?:denunciar|denunciarlos|denunciarles|demandarlos|denunciare|"
                        r"denuncio|reportarlos|voy a denunciar|los voy a denunciar|queja)\b.*"
                        r"\b(?:profeco|policia|aepd|proteccion de datos|consumo|abogado|"
                        r"si siguen|si continuan|si vuelven)\b|\bsi (?:siguen|sigues|continuan|"
                        r"vuelven a|me vuelven a) (?:mandando|enviando|escribiendo|molestando|"
                        r"llamando|" + _ES_SEND_INF + r")\b"),
    ("es.exclaim", VETO, r"\bstop (?:que|q|como|cuanto) (?:precio|bonito|bonita|lindo|linda|"
                         r"barato|maravilla|bueno|buena)\b|\bpor error\b|\bsin querer\b|"
                         r"\bvolver a suscribir|\bvolverme a suscribir"),
    ("es.demasiados", P, r"\b(?:demasiados|demasiadas|tantos|tantas) " + _ES_MSG + r"\b"),
    ("es.no-dejen", VETO, r"\bno (?:dejen|dejes|dejeis|paren|pares|pareis) de\b"),
    # ---- French -----------------------------------------------------------------------------
    ("fr.ne-m-envoyez-plus", C, r"\b(?:ne|n) (?:m |me |nous )?(?:en |les |y )?(?:" + _FR_SEND
                                + r") (?:plus|jamais|rien|plus jamais|plus rien|jamais plus)\b"),
    ("fr.ne-plus-m-envoyer", C, r"\b(?:ne|n) plus (?:jamais )?(?:m |me |nous )?(?:en )?(?:envoyer|"
                                r"ecrire|contacter|recevoir|deranger|solliciter|appeler|"
                                r"harceler|etre contacte|etre contactee|etre sollicite|etre "
                                r"sollicitee|rien recevoir)\b"),
    ("fr.je-ne-veux-plus", C, r"\b(?:ne|n) (?:veux|souhaite|desire|voudrais|veut|voulons|"
                              r"souhaitons|souhaiterais|desirons|tiens) plus (?:a )?(?:recevoir|"
                              r"vous|aucun|aucune|rien|etre|jamais|avoir de vos|entendre parler|"
                              r"(?:de |d )?(?:vos |ces |tes |tous vos |toutes vos )?" + _FR_MSG
                              + r")\b"),
    ("fr.je-veux-plus-recevoir", C, r"\b(?:je|j) (?:ne )?(?:veux|souhaite|desire|voudrais) "
                                    r"(?:plus|pas|plus jamais) (?:recevoir|etre contacte|etre "
                                    r"contactee|etre sollicite|etre sollicitee|etre derange|etre "
                                    r"derangee|etre harcele|etre harcelee|de vos " + _FR_MSG
                                    + r")\b"),
    ("fr.desabonnez-moi", C, r"\b(?:desabonnez|desinscrivez|retirez|supprimez|enlevez|rayez|"
                             r"desabonne|desinscris|retire|supprime|enleve|effacez|efface|sortez|"
                             r"sors|radiez|otez|desabonner|desinscrire) (?:moi|nous)\b"),
    ("fr.me-desabonner", C, r"{NEG}\b(?:me desabonner|me desinscrire|etre desabonne|etre "
                            r"desabonnee|etre desinscrit|etre desinscrite|etre retire|etre "
                            r"retiree|etre supprime|etre supprimee|etre raye|etre rayee|"
                            r"desabonnement|desinscription|je me desabonne|je me desinscris|"
                            r"me retirer de vos|me supprimer de vos|me retirer de votre|me "
                            r"supprimer de votre)\b(?! (?:du|de la|de l|des) (?:cours|salle|club|"
                            r"atelier|sport|yoga|gym|seance|seances|evenement|stage|programme de "
                            r"fidelite|cantine|activite)\b)"),
    ("fr.arretez-de", C, r"{NEG}\b(?:arretez|arrete|arretes|arreter|cessez|cesse|cesser|stop|"
                         r"stoppez|stopper) (?:donc )?(?:de |d )?(?:m |me |nous )?(?:envoyer|"
                         r"menvoyer|mecrire|ecrire|spammer|harceler|contacter|appeler|deranger|"
                         r"solliciter|texter|"
                         r"relancer|m envoyer|m ecrire|(?:vos|les|ces|ses|tous ces|toutes ces|"
                         r"tous vos|toutes vos) " + _FR_MSG + r")\b"),
    ("fr.cessez-l-envoi", C, r"{NEG}\b(?:cesser|cessez|arreter|arretez|arrete|stopper|stoppez|"
                             r"suspendre|suspendez|interrompre|interrompez|mettre fin a|mettez fin "
                             r"a|annuler|annulez) (?:l |les |vos |tout |tous |ces |toute |toutes "
                             r"|toute forme d )?(?:envoi|envois|envoie|sollicitations|"
                             r"communications|messages|sms|contact|abonnement aux "
                             + _FR_MSG + r")\b"),
    ("fr.demande-la-suppression", C, r"\b(?:demande|souhaite|exige|sollicite|veux|"
                                     r"voudrais)\b.*\bla "
                                     r"(?:suppression|radiation|retrait|effacement) (?:de mon|de "
                                     r"mes|du) (?:numero|coordonnees|donnees|contact|adresse|mail|"
                                     r"email|telephone)\b"),
    ("fr.stop-aux", C, r"\b(?:stop|arret|assez|marre|ras le bol|fini|finis|ca suffit|suffit) "
                       r"(?:de recevoir |d etre "
                       r"inonde de |)(?:aux|des|de vos|de ces|avec les|avec vos|de|d|a vos|la|les|"
                       r"vos|ces|de tous ces|de toutes ces|de tous vos|de toutes vos) " + _FR_MSG
                       + r"\b|\b(?:marre|assez) d etre (?:harcele|harcelee|spamme|spammee|"
                       r"sollicite|sollicitee|derange|derangee|contacte|contactee)\b"),
    ("fr.plus-de-sms", L, r"^(?:plus de|plus d|fini les|assez de|stop aux|pas de|plus aucun|"
                          r"plus aucune) (?:vos |ces |tes )?" + _FR_MSG + r"(?: svp| merci| s il "
                          r"vous plait| stp| pitie| de votre part| de vous| de votre societe)*$"),
    ("fr.arretez-end", L, r"{NEG}\b(?:arretez|stoppez|cessez|arretez tout)(?: svp| merci| s il "
                          r"vous plait| maintenant| tout de suite| immediatement| stp)*$|\b(?:"
                          r"marre|ras le bol)\b.*\b(?:arretez|stop|stoppez|cessez)\b|\b(?:je n "
                          r"ai|j ai) plus (?:d interet|aucun interet)\b"),
    ("fr.je-veux-plus-de", L, r"\b(?:je|j|jveux|jeveux) (?:veux )?plus (?:de |d )?(?:vos |tes |"
                              r"ces )?"
                          + _FR_MSG + r"\b"),
    ("fr.de-votre-liste", C, r"{NEG}\b(?:de|sur|des|du) (?:votre|la|vos|cette|ta|tes|vos listes|"
                             r"votre base) (?:liste|fichier|fichiers|base|listes|contacts|"
                             r"newsletter|envois|mailing|base de donnees)(?: de diffusion| de "
                             r"contacts)?\b.*"
                             r"\b(?:retirer|supprimer|enlever|effacer|desinscrire|sortir|rayer|"
                             r"desabonner)\b|\b(?:retirer|supprimer|enlever|effacer|rayer|sortir|"
                             r"desinscrire|desabonner|retirez|supprimez|enlevez|effacez|rayez|"
                             r"sortez)\b.*\b(?:de|sur|des|du) (?:votre|la|vos|cette|ta|tes) "
                             r"(?:liste|fichier|fichiers|base|listes|contacts|newsletter|envois|"
                             r"mailing|base de donnees)\b(?! vip)"),
    ("fr.retirez-mon-numero", C, r"{NEG}\b(?:retirez|supprimez|effacez|enlevez|rayez|retire|"
                                 r"supprime|efface|enleve|retirer|supprimer|effacer|enlever|"
                                 r"rayer) (?:mon numero|mes coordonnees|mon contact|mon adresse|"
                                 r"mes donnees|mon mail|mon email|mon e mail|mes informations|"
                                 r"mon adresse mail|mon adresse e mail|mon numero de telephone)\b"
                                 r"(?! (?:de livraison|postale|de facturation|du compte|de mon "
                                 r"compte|de la commande)\b)"),
    ("fr.arretez-ca", L, r"{NEG}\b(?:arretez|arrete|stoppez|cessez) (?:ca|cela|"
                         r"immediatement|maintenant|tout de suite|svp|s il vous plait|stp|merci|"
                         r"de suite|ce harcelement|ce spam|vos conneries|le spam|la)\b(?! (?:"
                         r"livraison|commande)\b)"),
    ("fr.laissez-moi", L, r"\b(?:laissez moi tranquille|laisse moi tranquille|foutez moi la paix|"
                          r"fichez moi la paix|fiche moi la paix|fous moi la paix|laissez moi en "
                          r"paix|laissez nous tranquilles|lachez moi|lache moi)\b"),
    ("fr.pas-interesse", L, r"\b(?:plus|pas|jamais) (?:interesse|interessee|interesses) par "
                            r"(?:vos|ces|les|tes) " + _FR_MSG + r"\b|\b(?:ne|n) m interesse"
                            r"(?:nt)? plus\b|\bplus (?:interesse|interessee|interesses)\b"),
    ("fr.mauvais-numero", L, r"\b(?:mauvais numero|faux numero|erreur de numero)\b"),
    ("fr.ecrivez-moi-pu", C, r"\b(?:ecrivez|envoyez|textez|contactez|appelez|ecris|envoie|texte|"
                             r"contacte|appelle) moi (?:pu|plus jamais|jamais plus|jamais)\b|\b"
                             r"(?:ecrivez|textez|contactez|appelez|ecris|texte) moi plus(?: svp| "
                             r"merci| stp| s il vous plait)*$"),
    ("fr.ne-m-ecrivez-pas", L, r"\b(?:ne|n) (?:m |me |nous )(?:ecrivez|envoyez|contactez|appelez|"
                               r"textez|derangez|spammez) pas(?:$| svp| merci| stp| s il vous "
                               r"plait| ici| sur ce numero| de (?:" + _FR_MSG + r")\b| d (?:"
                               + _FR_MSG + r")\b)"),
    ("fr.je-n-en-veux-plus", L, r"\b(?:je )?n en (?:veux|veut|voulons) plus\b|\bje n autorise "
                                r"pas\b"),
    ("fr.refuse-de-recevoir", C, r"\brefuse (?:de recevoir|d etre contacte|d etre contactee|d etre "
                                 r"sollicite|d etre sollicitee|vos|ces|tout) ?(?:" + _FR_MSG
                                 + r")?\b"),
    ("fr.deja-desabonne", L, r"\b(?:deja desabonne|deja desabonnee|deja desinscrit|"
                             r"deja desinscrite|"
                             r"me suis desabonne|me suis desabonnee|me suis desinscrit|me suis "
                             r"desinscrite)\b.*\b(?:encore|toujours|continue|continuez|recois)\b|"
                             r"\b(?:je vais|vais) vous (?:bloquer|signaler)\b(?! (?:une|un|la|le|"
                             r"les|des|votre|vos|"
                             r"ce|cette)\b)"),
    ("fr.rgpd", C, r"\b(?:rgpd|gdpr|cnil)\b.*\b(?:suppression|effacement|opposition|supprimer|"
                   r"effacer|retrait)\b|\bdroit (?:d opposition|a l effacement|a l oubli|de "
                   r"suppression)\b"),
    ("fr.un-mot", L, r"^(?:supprimer|retirer|desabonner|desinscrire|effacer|desabonnez moi|"
                     r"desinscrivez moi|ca suffit|suffit)(?: svp| merci| stp| maintenant)*$"),
    ("fr.plus-mon-numero", L, r"\b(?:ce n est plus|c est plus|n est plus) (?:mon|le|son) numero\b|"
                              r"\bce numero n est plus (?:celui|a)\b|\bje ne suis plus "
                              r"(?:client|cliente|membre)\b|\b(?:suis|chu|je suis) (?:pu|plus) "
                              r"interess(?:e|ee)\b"),
    ("fr.degagez", L, r"\b(?:degagez|degage|sortez) de mon (?:telephone|portable|tel|numero)\b|"
                      r"\bfichez moi la paix\b"),
    ("fr.abstenez-vous", C, r"\b(?:abstenez vous|veuillez vous abstenir) de (?:m |me |nous )?(?:"
                            r"envoyer|ecrire|contacter|appeler|solliciter|m envoyer|m ecrire)\b"),
    ("fr.m-envoie-plus", L, r"\b(?:m|me) (?:envoie|envoies|envoyez|ecris|ecrivez|texte|textez) "
                            r"(?:plus|pu) (?:de |d )?(?:rien|" + _FR_MSG + r")\b"),
    ("fr.pourquoi-continuez", L, r"\bpourquoi (?:vous )?(?:continuez|continuer|insistez) (?:a|de) "
                                 r"(?:m |me )?(?:ecrire|envoyer|contacter|appeler|m ecrire|m "
                                 r"envoyer|spammer)\b"),
    ("fr.desactivez", L, r"\b(?:desactivez|desactiver|desactive) (?:les |vos |ces |toutes les )?"
                         r"(?:" + _FR_MSG + r")\b(?!.*\b(?:appli|application|app)\b)"),
    ("fr.retire-consentement", C, r"\b(?:retire|revoque|retirer|revoquer) (?:mon|le) "
                                  r"(?:consentement|accord|autorisation)\b"),
    ("fr.qui-vous-a-donne", L, r"\bqui vous a (?:donne|file|passe|communique) (?:mon|ce) (?:numero|"
                               r"mail|email|contact)\b|\bjamais autorise\b"),
    ("fr.jamais-inscrit", L, r"\bjamais (?:inscrit|inscrite|abonne|abonnee|souscrit|(?:demande|"
                             r"accepte) (?:a recevoir|a etre|de recevoir|ces|vos|ca|cela|rien|"
                             r"quoi que ce soit)|consenti|autorise|donne mon accord|donne mon "
                             r"consentement|"
                             r"donne mon numero)\b"),
    ("fr.comment-desabonner", L, r"\bcomment (?:faire pour |je fais pour |puis je |on fait pour )?"
                                 r"(?:me |se |on se |je me )?(?:desabonner|desinscrire|arreter "
                                 r"(?:ces|les|vos)|ne plus recevoir|arreter de recevoir)\b"),
    ("fr.combien-de-fois", L, r"\bcombien de fois (?:faut il|dois je|je dois|il faut|"
                              r"faudra t il|vais je devoir|devrai je) (?:vous |te |le |vous le |"
                              r"te le )?(?:dire|demander|repeter|ecrire|redire)\b"),
    ("fr.plainte", L, r"\b(?:plainte|porter plainte|signaler|signalement|signale)\b.*\b(?:cnil|"
                      r"bloctel|dgccrf|police|avocat|33700)\b|\b(?:cnil|bloctel|33700)\b"),
    ("fr.exclaim", VETO, r"\bstop (?:c est|c etait|quel|quelle|trop) (?:beau|belle|top|genial|"
                         r"prix|bon|bonne|mignon|mignonne|canon|chou)\b|\bpar (?:erreur|"
                         r"megarde|inadvertance)\b|\b(?:me reabonner|me reinscrire)\b"),
    ("fr.trop-de", P, r"\btrop de " + _FR_MSG + r"\b"),
    ("fr.arret-de-bus", VETO, r"\barret (?:de bus|du bus|de travail|maladie|de tram|du tram)\b|"
                              r"\b(?:n arretez pas|n arrete pas|ne vous arretez pas|n arretez "
                              r"surtout pas|n arretez jamais)\b"),
    # ---- German -----------------------------------------------------------------------------
    ("de.abmelden", C, r"{NEG}\b(?:melden sie|melde|meldet|meld|tragen sie|tragt|trag|nehmen sie|"
                       r"nehmt|nimm) (?:mich|uns|meine nummer|meine daten|meine e mail)(?: (?!"
                       r"nicht\b|nie\b|wieder\b|an\b|ein\b)\w+)"
                       r"{0,6} (?:ab|aus|raus|heraus)\b(?! (?:und|[0-9]|montag|dienstag|mittwoch|"
                       r"donnerstag|freitag|samstag|sonntag|morgen|heute|nachster|nachsten|"
                       r"kommender|kommenden|januar|wann))|{NEG}(?<!bestellung )(?<!paket )"
                       r"(?<!artikel )(?<!lieferung )(?<!kann ich mich )(?<!kann man sich )"
                       r"(?<!wie ich mich )\b(?:abmelden|abbestellen|"
                       r"austragen|abmeldung|abbestellung|abzumelden|abzubestellen|"
                       r"auszutragen|abgemeldet werden|ausgetragen werden|abbestellt werden|"
                       r"rausnehmen|herausnehmen)\b"),
    ("de.aus-der-liste", C, r"\braus (?:aus|von) (?:dem|der|ihrem|ihrer|eurem|eurer|diesem|"
                            r"dieser) (?:\w+ )?(?:verteiler|liste|newsletter|datenbank|kartei|"
                            r"mailingliste|verteilerliste)\b|\b(?:aus|von) (?:(?:dem|der|"
                            r"ihrem|ihrer|eurem|eurer|ihren|euren|"
                            r"diesem|dieser|allen) )?(?:\w+ )?(?:verteiler|liste|newsletter|"
                            r"datenbank|kartei|mailingliste|verteilerliste|listen|verteilern|"
                            r"adressliste|kontaktliste|kundenkartei|werbeliste)\b(?: (?!nicht\b)"
                            r"\w+){0,4} (?:nehmen|entfernen|loschen|streichen|austragen|raus|"
                            r"rausnehmen|herausnehmen|genommen|entfernt|geloscht|gestrichen|"
                            r"ausgetragen|abmelden|abgemeldet)\b|\b(?:nehmen sie|nehmt|nimm|"
                            r"entfernen sie|entfernt|entferne|loschen sie|loscht|losche|"
                            r"streichen sie|streicht|streiche) (?:mich|uns|meine \w+|meinen \w+)"
                            r"(?: \w+){0,2} (?:aus|von) (?:dem|der|ihrem|ihrer|eurem|eurer|ihren|"
                            r"euren|diesem|dieser|allen)\b"),
    ("de.loschen-sie", C, r"{NEG}\b(?:loschen sie|loscht|losch|losche|loeschen sie|loescht|"
                          r"loesche|entfernen sie|entfernt|"
                          r"entferne|streichen sie|streicht|streiche|sperren sie|sperrt) (?:bitte "
                          r"|sofort |umgehend )?(?:mich|uns|meine (?:nummer|daten|telefonnummer|"
                          r"handynummer|e mail adresse|e mail|email|mailadresse|kontaktdaten)|"
                          r"meinen kontakt|meinen eintrag)\b|\bmeine (?:nummer|daten|"
                          r"telefonnummer|handynummer|e mail adresse|email adresse|mailadresse|"
                          r"kontaktdaten|personlichen daten)(?: (?!nicht\b|nie\b)\w+){0,4} "
                          r"(?:loschen|loeschen|entfernen|streichen|sperren)\b"),
    ("de.keine-mehr", C, r"(?<!bekomme )(?<!erhalte )(?<!kriege )(?<!bekam )(?<!erhielt )"
                         r"(?<!kommen )\b(?:keine|keinerlei|kein|kei|keini|keene) (?:\w+ ){0,2}"
                         + _DE_NOUN + r"\b(?: \w+){0,5} (?:mehr|meh)\b|"
                         r"\b(?:keine|kein|kei) (?:weiteren|"
                         r"weitere|zusatzlichen) (?:\w+ )?" + _DE_NOUN + r"\b|\b(?:nichts|nix) "
                         r"mehr\b.*\b(?:schicken|senden|schreiben|zuschicken|zusenden|bekommen|"
                         r"erhalten|horen|lesen)\b"),
    ("de.will-keine", C, r"\b(?:will|mochte|moechte|wollen|mochten|wunsche|wunschen|brauche|"
                         r"brauchen|bitte) (?:\w+ ){0,3}(?:keine|keinerlei|kein|kei) (?:\w+ ){0,2}"
                         + _DE_NOUN + r"\b"),
    ("de.nicht-mehr-schreiben", C, r"\b(?:nicht mehr|nie wieder|nie mehr|nicht weiter|nicht "
                                   r"langer|nicht nochmal|nimmer|nume|numme) (?:\w+ ){0,3}"
                                   r"(?:schreiben|"
                                   r"kontaktieren|anschreiben|schicken|senden|belastigen|"
                                   r"zuschicken|zusenden|anrufen|nerven|zumullen|storen|"
                                   r"kontaktiert|angeschrieben|angerufen|belastigt|zugespammt|"
                                   r"spammen|simsen|smsen|mailen|gemailt|texten|zutexten|"
                                   r"beworben)\b"),
    ("de.schreibt-mir-nicht", C, r"\b(?:schreib|schreibt|schreiben sie|schick|schickt|schicken "
                                 r"sie|sende|sendet|senden sie|kontaktieren sie|kontaktiert|ruft|"
                                 r"rufen sie|belastigen sie|belastigt|nervt|nerven sie|storen sie|"
                                 r"stort|mailt|mailen sie|simst) (?:mir |"
                                 r"uns )?(?:bitte )?(?:s |es )?(?:mir |uns )?(?:nichts mehr|"
                                 r"nix mehr|nie wieder)\b|"
                                 r"\b(?:schreib|schreibt|"
                                 r"schreiben sie|schick|schickt|schicken sie|sende|sendet|senden "
                                 r"sie|kontaktieren sie|kontaktiert|ruft|rufen sie|mailt|mailen "
                                 r"sie|simst|nerven sie|nervt|storen sie|stort|belastigen sie|"
                                 r"belastigt) (?:mir|mich|uns)(?: \w+){0,4} (?:nume|numme|nicht "
                                 r"mehr|nichts mehr|nie "
                                 r"wieder|nie mehr|keinerlei|keine (?:\w+ )?(?:" + _DE_NOUN
                                 + r"|mehr)|nicht$|nichts$)"),
    ("de.hort-auf", C, r"(?<!wann )\b(?:hort|horen sie|hor|horts|hoert|hoeren sie|horen|horet)"
                       r"(?: (?!nicht\b|nie\b|niemals\b|bloss\b)\w+){0,3} auf\b.*\b(?:schreiben|"
                       r"schicken|senden|nerven|spammen|belastigen|kontaktieren|anzuschreiben|"
                       r"anzurufen|zuzuspammen|zuzuschicken|zuzusenden|anrufen|storen|"
                       + _DE_NOUN + r")\b"),
    ("de.aufzuhoren", C, r"{NEG}\baufzuhoren\b"),
    ("de.nummer-loschen", C, r"^(?:bitte )?(?:meine )?(?:nummer|daten|telefonnummer|handynummer) "
                             r"(?:bitte )?(?:loschen|entfernen|streichen)(?: bitte| danke)*$"),
    ("de.verzichte", C, r"\bverzichte (?:\w+ )?auf (?:\w+ ){0,2}" + _DE_NOUN + r"\b|"
                             r"\b(?:austragung|loschung|entfernung|streichung)\b.*\b(?:aus|von) "
                             r"(?:dem|der|ihrem|ihrer|eurem|eurer) (?:\w+ )?(?:verteiler|liste|"
                             r"newsletter|datenbank|kartei|mailingliste)\b"),
    ("de.schluss-mit", C, r"\b(?:schluss|genug|stopp|es reicht|reicht) (?:jetzt )?(?:mit )?"
                          r"(?:\w+ ){0,2}" + _DE_NOUN + r"\b"),
    ("de.einstellen", C, r"\b" + _DE_NOUN + r" (?:\w+ ){0,4}(?:stoppen|beenden|einstellen|"
                         r"abstellen|"
                         r"unterlassen|abbestellen|kundigen)\b|\b(?:stoppen sie|stoppt|beenden "
                         r"sie|beendet|unterlassen sie|unterlasst) (?:\w+ ){0,3}" + _DE_NOUN
                         + r"\b|\b(?:stellen sie|stellt) (?:\w+ ){0,4}" + _DE_NOUN
                         + r" (?:\w+ )?e[i]n\b"),  # e[i]n: "stellen" wakes the rule, not "ein"
    ("de.verbiete", C, r"\b(?:verbiete|untersage)\b.*\b(?:anzuschreiben|zu kontaktieren|anzurufen|"
                       r"zu schreiben|zuzusenden|zu schicken|zuzuschicken|werbung|kontakt|"
                       r"kontaktaufnahme|zusendung|zusendungen)\b|"
                       r"\b(?:loschung|entfernung|sperrung) (?:meiner|der|"
                       r"meines) (?:\w+ )?(?:daten|"
                       r"nummer|telefonnummer|handynummer|e mail adresse|kontaktdaten|eintrags)\b"),
    ("de.widerspruch", C, r"\b(?:widerspreche|widersprechen|widerrufe|widerrufen|widerspruch|"
                          r"entziehe|ziehe)\b"
                          r"(?: \w+){0,6} (?:einwilligung|zustimmung|werbung|werbezwecke|nutzung|"
                          r"datennutzung|verarbeitung|verwendung|werbezwecken|einverstandnis|"
                          r"erlaubnis)\b|\b(?:einwilligung|"
                          r"zustimmung|einverstandnis|werbung|nutzung|verwendung)(?: \w+){0,4} "
                          r"(?:widersprechen|widerspreche|widerrufen|widerrufe|"
                          r"zuruck|entzogen|zuruckziehen|zuruckgezogen)\b"),
    ("de.keine-werbung", L, r"^(?:bitte )?(?:keine|kein|kei) (?:weiteren |weitere )?" + _DE_NOUN
                            + r"(?: bitte| danke| merci)*$"),
    ("de.aufhoren", L, r"(?<!wann )\b(?:bitte|endlich|jetzt|sofort|ihr|sie|damit|einfach|mal|"
                       r"doch|schon|sollt|sollen|sollst) (?:aufhoren|aufhort|aufhoert)\b"),
    ("de.will-nicht-mehr", C, r"\b(?:will|mochte|moechte|brauche|"
                       r"wollen) (?:(?:\w+ ){0,3}" + _DE_NOUN
                              + r" (?:\w+ )?|(?:das|sowas|so was|das zeug) )nicht mehr\b"),
    ("de.hort-auf-damit", L, r"(?<!wann )\b(?:hort|horen sie|hor|horts) (?:bitte |endlich |jetzt |"
                             r"sofort )*(?:auf damit|damit auf|auf mit (?:dem|der|den|diesem|"
                             r"dieser|eurem|ihrem) \w+)\b"),
    ("de.es-reicht", L, r"^(?:jetzt |mir )?(?:es )?reicht(?: s)?(?: jetzt| aber| mir| es)*$"),
    ("de.hort-auf-end", L, r"(?<!wann )\b(?:hort|horen sie|horts) (?:bitte |endlich |jetzt |"
                           r"sofort |"
                           r"damit )*auf$|\b(?:lassen sie das|lasst das|lass das)(?: sein| bitte| "
                           r"jetzt)*$"),
    ("de.hort-auf-alone", L, r"^(?:bitte )?(?:(?:hort|horen sie|horts|hor) (?:bitte |endlich |"
                             r"jetzt |sofort |damit )*auf|aufhoren|aufhoeren)(?: bitte| jetzt| "
                             r"damit| sofort)*$"),
    ("de.nichts-zu-tun", L, r"\b(?:will|mochte|moechte)\b.*\bnichts (?:mehr )?(?:\w+ ){0,4}zu tun "
                            r"haben\b|\b(?:das|es) muss (?:aufhoren|ein ende haben)\b"),
    ("de.will-nix-mehr", L, r"\b(?:will|mochte|moechte|brauche) (?:nix|nichts) mehr(?: von (?:euch|"
                            r"ihnen|dir))?$"),
    ("de.in-ruhe", L, r"\b(?:lassen sie|lasst|lass|lasset) (?:mich|uns) (?:\w+ ){0,4}(?:in ruhe|"
                      r"in frieden|zufrieden)\b"),
    ("de.kein-interesse-mehr", L, r"\b(?:kein interesse mehr|nicht mehr interessiert)\b"),
    ("de.falsche-nummer", L, r"\b(?:falsche nummer|falscher empfanger|falsche person|nicht "
                             r"(?:mehr )?meine nummer|nicht mehr mein handy)\b|\bnummer (?:\w+ )"
                             r"{0,3}(?:gehort|ist) (?:\w+ ){0,2}nicht mehr\b"),
    ("de.nie-angemeldet", L, r"\b(?:nie|niemals) (?:\w+ )?(?:angemeldet|registriert|eingetragen|"
                             r"zugestimmt|eingewilligt|abonniert)\b|\b(?:keine einwilligung|"
                             r"keine zustimmung|nicht zugestimmt|nicht eingewilligt)\b"),
    ("de.wie-abmelden", L, r"\bwie (?:kann ich mich|kann man sich|melde ich mich|trage ich mich|"
                           r"bestelle ich|kann ich|komme ich)(?: (?:hier|bitte|denn|eigentlich|"
                           r"von|vom|bei|ihnen|euch|ihrem|eurem|dem|den|diesen|dieser|die|das|"
                           r"newsletter|verteiler|liste|werbung|sms|nachrichten|mails|e mails|"
                           r"ihren|euren|danke))* (?:abmelden|ab|austragen|aus|abbestellen|raus)$"),
    ("de.wie-oft", L, r"\bwie (?:oft|viele male)\b.*\b(?:aufhoren|aufhort|abmelden|austragen|"
                      r"stoppen|nicht mehr|in ruhe|loschen)\b"),
    ("de.drohung", L, r"\b(?:anzeigen|zeige|beschwere|beschwerde|verbraucherzentrale|"
                      r"datenschutzbehorde|anwalt|abmahnen|abmahnung|verklage|"
                      r"bundesnetzagentur)\b.*\b(?:weitergeht|weitermacht|weitermachen|nicht "
                      r"aufhort|nicht aufhoren|noch einmal schreibt|nochmal schreibt|weiterhin|"
                      r"weiter schreiben|weiter schreibt|weiter schickt|weiter schicken)\b|\b(?:"
                      r"wenn|"
                      r"falls) (?:das|dies|ihr|sie|es)(?: \w+){0,3} (?:weitergeht|weitermacht|"
                      r"nicht aufhort|nicht aufhoren)\b.*\b(?:anzeigen|zeige|beschwere|"
                      r"beschwerde|anwalt|abmahnen|verklage)\b"),
    ("de.nicht-abmelden", VETO, r"\b(?:nicht|nie) (?:abmelden|austragen|abbestellen|stoppen)\b|"
                                r"\b(?:versehen|wieder anmelden)\b"),
    ("de.bestellung", VETO, r"\b(?:bestellung|paket|artikel|lieferung|termin) (?:\w+ )?(?:"
                            r"abbestellen|abmelden)\b"),
    ("de.wow", VETO, r"\b(?:wow|krass|geil|genial|hammer|wahnsinn|traumhaft|so gunstig|so billig|"
                     r"super gunstig|was fur ein|was fur eine|ja super|echt super|"
                     r"super preis|toll|unglaublich|der preis)\b"),
    ("de.zu-viele", P, r"\bzu viele " + _DE_MSG + r"\b"),
    # ---- Portuguese -------------------------------------------------------------------------
    ("pt.descadastrar", C, r"{NEG}\b(?:descadastrar|descadastre|descadastrem|descadastra|"
                           r"descadastro|descadastramento|descadastrar me|me descadastrem|"
                           r"descadastrem me|desinscrever|desinscrevam|desinscreva|"
                           r"desinscrevam me|desinscrever me|me desinscrevam|cancelar subscricao|"
                           r"anular subscricao|cancelar inscricao)\b"),
    ("pt.sair-da-lista", C, r"{NEG}\b(?:sair|saia|retirar|retire|retirem|retira|tirar|tire|tirem|"
                            r"tira|remover|remova|removam|excluir|exclua|excluam|exclui|"
                            r"apagar|apague|apaguem|apaga|eliminar|eliminem|elimine|elimina|"
                            r"deletar|deletem)\b.*\b(?:da|desta|dessa|de sua|da sua|"
                            r"da vossa|das|dos|dos vossos|dos seus|das vossas|das suas|do vosso|"
                            r"do seu|deste|desse|de vossa|de vossas|de seus|de suas) (?:lista|"
                            r"listas|base|bases|newsletter|mailing|contatos|contactos|cadastro|"
                            r"cadastros|registos|registros|envios|lista de contatos|lista de "
                            r"contactos)\b(?! vip)"),
    ("pt.tire-me", C, r"{NEG}\b(?:tire|tirem|tira|remova|removam|exclua|excluam|exclui|"
                      r"apague|apaguem|apaga|retire|retirem|retira|eliminem|elimine|elimina|"
                      r"deletem|deleta|tirar|remover|excluir|apagar|retirar|eliminar|"
                      r"deletar) (?:me|o meu numero|meu numero|o meu contato|meu contato|"
                      r"o meu contacto|meu contacto|os meus dados|meus dados|o meu telefone|"
                      r"meu telefone|o meu email|meu email|o meu e mail|meu e mail|o meu "
                      r"celular|meu celular|o meu telemovel|meu telemovel)\b"
                      r"(?! (?:do|da|no|na) (?:pedido|carrinho|encomenda|conta)\b)"),
    ("pt.nao-mande-mais", C, r"\b(?:nao|n) (?:me |nos )?(?:" + _PT_SEND_SUBJ + r")(?: [a-z]+){0,3} "
                             r"(?:mais|nunca|" + _PT_MSG + r")\b(?! (?:tarde|cedo|barato|rapido|"
                             r"o|a|os|as|um|uma|do|da|dos|das)\b)"),
    ("pt.nunca-mais", C, r"\b(?:nunca mais|ja nao|jamais) (?:me |nos )?(?:voltem a |volte a )?"
                         r"(?:" + _PT_SEND_SUBJ + r"|" + _PT_SEND_INF + r")\b"),
    ("pt.nao-voltem-a", C, r"\bnao (?:me |nos )?(?:voltem|volte|voltes) a (?:me |nos )?"
                           r"(?:" + _PT_SEND_INF + r")\b"),
    ("pt.nao-entrem-em-contato", C, r"\bnao (?:me |nos )?(?:entrem|entre|entres) (?:mais )?em "
                                    r"(?:contato|contacto)\b"),
    ("pt.nao-quero-mais-alone", L, r"^(?:eu )?(?:nao|n|ja nao) quero mais(?: obrigad[oa]| por "
                                   r"favor| pf| pfv| isso| disso)*$|\b(?:nao|n) autorizo\b|"
                                   r"\brecuso me a receber\b"),
    ("pt.me-removam", C, r"{NEG}\bme (?:removam|remova|tirem|tire|tira|excluam|exclua|exclui|"
                         r"apaguem|"
                         r"apague|retirem|retire|deletem|descadastrem|descadastre|descadastra)\b"
                         r"(?! (?:uma|umas|a|as|essa|esta) duvidas?\b| (?:do|da) (?:pedido|"
                         r"carrinho|encomenda|grupo de compra)\b| da lista vip\b)"),
    ("pt.nao-quero", C, r"\b(?:nao|n|ja nao) (?:quero|desejo|gostaria de|pretendo|queria|deseja|"
                        r"quer) (?:mais |"
                        r"receber |continuar recebendo |continuar a receber |voltar a receber |"
                        r"nenhuma |nenhum |as |os |suas |seus |vossas |vossos |essas |esses |"
                        r"estas |estes )*(?:receber|" + _PT_MSG + r"|(?:mais )?nada de (?:voces|"
                        r"vcs|vos|vces)|ser "
                        r"contatado|ser contactado|ser contatada|ser contactada|ser "
                        r"incomodado|ser incomodada)\b"
                        r"(?! (?:do|da|o|a) (?:pedido|encomenda|produto|entrega|fatura)\b|.*\b"
                        r"papel\b)"),
    ("pt.parem-de", C, r"{NEG}\b(?:parem|pare|para|parar|deixem|deixe|deixa|deixar|parai|"
                       r"parara) (?:ja |logo )?de (?:me |nos )?(?:" + _PT_SEND_INF
                       + r"|encher|spammar|spamar|chatear)\b"),
    ("pt.quero-deixar-de", C, r"\b(?:quero|gostaria de|desejo|queria|preciso) (?:deixar|parar) "
                              r"de (?:receber|ser contactado|ser contatado|ser contactada|ser "
                              r"contatada)\b"),
    ("pt.favor-nao", C, r"\b(?:favor|por favor|gostaria de|peco que|pedimos que|solicito que|quero|"
                        r"prefiro|peco para|pf|pfv) nao (?:me |nos )?(?:enviar|mandar|receber|"
                        r"enviarem|mandarem|contatar|contactar|ligar|" + _PT_SEND_SUBJ
                        + r")\b"),
    ("pt.chega-de-mandar", C, r"{NEG}\b(?:chega|basta) de (?:me |nos )?(?:" + _PT_SEND_INF
                              + r")\b"),
    ("pt.chega-de", C, r"{NEG}\b(?:chega de|basta de|stop|chega|parem com as|parem com os|"
                       r"parem as|parem os|parem com|para com|para com as|pare com|pare com as|"
                       r"chega das|chega dessas|chega dessas|basta das|nada de|nada mais de) "
                       r"(?:as |os |essas |esses |estas |estes |suas |vossas |tantas |tantos )?"
                       + _PT_MSG + r"\b"),
    ("pt.quero-sair", C, r"\b(?:quero|desejo|gostaria de|queria|preciso) (?:me descadastrar|ser "
                         r"removido|ser removida|ser retirado|ser retirada|ser excluido|ser "
                         r"excluida|sair da lista|sair da vossa lista|sair da sua lista|sair "
                         r"desta lista|sair dessa lista|me desinscrever|cancelar (?:a |minha |"
                         r"a minha )?(?:inscricao|assinatura|subscricao)(?:$| (?:das|de|dos|"
                         r"da|nas) (?:" + _PT_MSG + r"|lista)))\b"),
    ("pt.cancelar-recebimento", C, r"{NEG}\b(?:cancelar|cancelem|cancele|cancela|parar|parem|"
                                   r"suspender|suspendam|interromper) (?:o |a )?(?:recebimento|"
                                   r"envio|envios|rececao|recepcao) (?:das|de|dos|da|do) "
                                   + _PT_MSG + r"\b|{NEG}\b(?:cancelem|cancele|cancela|cancelar) "
                                   r"(?:a )?(?:minha )?(?:inscricao|assinatura|subscricao)"
                                   r"(?:$| por favor| obrigad[oa]| (?:das|de|dos|da|nas|na) "
                                   r"(?:" + _PT_MSG + r"|lista))"),
    ("pt.me-deixem", L, r"\b(?:me deixem|me deixe|deixem me|deixe me|me deixa|deixa me) (?:em paz|"
                        r"sossegado|sossegada|quieto|quieta)\b"),
    ("pt.sem-interesse", L, r"\b(?:ja nao|nao) (?:tenho (?:mais )?interesse|me interessa|me "
                            r"interessam|estou interessado|estou interessada) (?:mais|nenhum|"
                            r"(?:em |nas |nos |nessas |nesses |nas suas |nas vossas )" + _PT_MSG
                            + r")\b|\bja nao (?:tenho interesse|me interessa|estou interessad[oa])"
                            r"\b"),
    ("pt.numero-errado", L, r"\bnumero errado\b"),
    ("pt.ja-me-descadastrei", L, r"\b(?:ja me descadastrei|ja pedi para sair|ja me desinscrevi|ja "
                                 r"cancelei)\b.*\b(?:continuo|continua|continuam|ainda|de novo|"
                                 r"outra vez)\b|\bvou (?:bloquear|denunciar) (?:voces|vcs|o "
                                 r"numero|esse numero|este numero|o vosso numero)\b"),
    ("pt.lgpd", C, r"\b(?:lgpd|rgpd|gdpr|protecao de dados)\b.*\b(?:exclusao|eliminacao|"
                   r"apagamento|oposicao|remocao|excluir|eliminar|apagar|remover)\b|"
                   r"\bdireito (?:de|"
                   r"ao|a) (?:oposicao|apagamento|esquecimento|eliminacao)\b"),
    ("pt.uma-palavra", L, r"^(?:remover|excluir|apagar|descadastre|descadastrem|remova|removam|"
                          r"tirar|sair da lista)(?: por favor| pf| pfv| obrigad[oa]| ja)*$"),
    ("pt.nao-e-mais-o-numero", L, r"\bnumero (?:nao e mais|ja nao e)\b|\bnao e mais o numero\b|"
                                  r"\b(?:nao sou mais|ja nao sou) (?:seu |vosso |cliente)"
                                  r"(?:cliente)?\b"),
    ("pt.encher-o-saco", L, r"\bnao (?:me )?(?:encham|encha|enchem) (?:mais )?o saco\b|\bpara de "
                            r"encher\b"),
    ("pt.por-que-continuam", L, r"\bpor ?que (?:voces |vcs |vos )?(?:continuam|continua|insistem|"
                                r"ainda) (?:a )?(?:me )?(?:mandar|mandando|enviar|enviando|"
                                r"escrever|escrevendo|ligar|ligando|contactar|contatar)\b"),
    ("pt.farto", L, r"\b(?:farto|farta|cansado|cansada|de saco cheio) (?:de|dessas|desses|das|dos|"
                    r"com) (?:receber |essas |esses |suas |tantas |tantos |as |os |vossas )?(?:"
                    + _PT_MSG + r")\b|\b(?:desativem|desative|desativar|desactivem|desactivar) "
                    r"(?:as |os |essas |estas |suas )?(?:" + _PT_MSG + r")\b(?!.*\bapp\b)"),
    ("pt.solicito-a-remocao", C, r"\b(?:solicito|peco|exijo|requeiro|quero)\b.*\b(?:a )?(?:remocao|"
                                 r"exclusao|eliminacao|retirada|apagamento) (?:do|dos|da|das) "
                                 r"(?:meu |meus |minha |minhas )?(?:numero|contacto|contato|dados|"
                                 r"email|telefone|contactos|contatos)\b"),
    ("pt.revogo", C, r"\b(?:revogo|retiro|revogar|retirar|cancelo) (?:o |a )?(?:meu |minha )?"
                     r"(?:consentimento|autorizacao|permissao)\b"),
    ("pt.quem-deu", L, r"\bquem (?:te |lhes |vos )?(?:deu|passou) (?:o )?(?:meu|este) (?:numero|"
                       r"contato|contacto|telefone|email)\b|\b(?:nunca|nao) (?:autorizei|"
                       r"autorizamos)\b"),
    ("pt.nunca-me-cadastrei", L, r"\b(?:nunca|eu nao) me (?:cadastrei|inscrevi|registrei|"
                                 r"registei)\b|\b(?:nunca|nao) (?:dei|autorizei|pedi|aceitei) "
                                 r"(?:o meu |meu |a minha |minha )?(?:consentimento|autorizacao|"
                                 r"permissao|numero|isso|isto|nada|para receber)\b"),
    ("pt.nao-me-incomodem", L, r"\bnao (?:me |nos )?(?:incomodem|incomode|perturbem|perturbe|"
                               r"chateiem|encham|enchem|liguem|escrevam|mandem nada|enviem nada)"
                               r"(?=$| por favor| obrigad[oa]| pf| pfv| aqui)"),
    ("pt.por-favor-parem", L, r"\b(?:por favor|pf|pfv|entao|so|podem|pode) (?:parem|pare|parar)"
                              r"(?:$| ja| com isso| por favor| obrigad[oa])|\b(?:ja nao tenho|nao "
                              r"tenho mais) interesse\b"),
    ("pt.abstenham", C, r"\b(?:abstenham se|abstenha se) de (?:me |nos )?(?:" + _PT_SEND_INF
                        + r")\b"),
    ("pt.chega", L, r"^(?:por favor |pf |pfv )?(?:chega|basta|parem|para|pare)(?: ja| com isso| "
                    r"com isto| por favor| pf| pfv| obrigad[oa])*$"),
    ("pt.quantas-vezes", L, r"\bquantas vezes (?:eu )?(?:preciso|tenho que|tenho de|vou ter que|"
                            r"vou ter de|devo|ja|terei que) (?:de )?(?:pedir|dizer|falar|repetir|"
                            r"escrever|pedi|disse|falei)\b"),
    ("pt.denunciar", L, r"\b(?:denunciar|denuncio|denunciar voces|reclamar|reclamacao|queixa|"
                        r"processar|processo)\b.*\b(?:procon|anatel|policia|justica|cnpd|anpd|"
                        r"advogado|reclame aqui|consumidor\.gov)\b|\bse (?:continuarem|"
                        r"continuar|voltarem a|insistirem|me mandarem mais|mandarem mais)\b"),
    ("pt.exclaim", VETO, r"\bstop (?:que|q|como|quanto) (?:preco|lindo|linda|barato|barata|"
                         r"maravilha|bom|boa|fofo|fofa)\b|\bpor engano\b|\bsem querer\b|\b"
                         r"(?:me recadastrar|me inscrever de novo|voltar a receber)\b"),
    ("pt.como-sair", L, r"\bcomo (?:faco para |eu |posso |faco pra |consigo )?(?:me descadastr|"
                        r"descadastrar|sair da lista|deixar de receber|parar de receber|"
                        r"cancelar (?:a )?(?:inscricao|subscricao))"),
    ("pt.nao-parem", VETO, r"\bnao (?:parem|pare|para|deixem|deixe) de\b"),
    # ---- Dutch ------------------------------------------------------------------------------
    ("nl.schrijf-me-uit", C, r"{NEG}\b(?:schrijf|schrijft|schrijven|meld|meldt|melden) (?:me|mij|"
                             r"ons|mijn nummer|mijn gegevens)(?: (?:maar|even|nu|alsjeblieft|"
                             r"alstublieft|aub|a u b|graag|direct|meteen|per|toch|svp|dan|ook|"
                             r"van|voor|bij|de|het|jullie|je|uw|deze|die|alle|nieuwsbrief|lijst|"
                             r"mailinglijst|verzendlijst|service|bestand|database|mailing|"
                             r"mailings|sms|berichten|whatsapp)){0,4} (?:uit|af)\b|"
                             r"{NEG}(?<!kan ik me )"
                             r"(?<!kan ik mij )(?<!kan je je )\b(?:uitschrijven|afmelden|"
                             r"afmelding|uitschrijving|afgemeld worden|"
                             r"uitgeschreven worden|af te melden|uit te schrijven|uitgeschreven te "
                             r"worden|afgemeld te worden|nieuwsbrief "
                             r"opzeggen)\b"),
    ("nl.van-de-lijst", C, r"\b(?:van|uit) (?:de|jullie|uw|je|deze|die|het|jouw|alle|dat|"
                           r"al jullie|al "
                           r"uw|al de) (?:\w+ )?"
                           r"(?:lijst|lijsten|mailinglijst|verzendlijst|bestand|bestanden|"
                           r"klantenbestand|"
                           r"database|adresbestand|nieuwsbrief|mailing|systeem|belbestand|"
                           r"mailinglist|mailinglijsten|verzendlijsten|klantenlijst|groep|"
                           r"groepsapp)\b(?: (?!niet"
                           r"\b)\w+){0,3} (?:af|halen|haal|verwijderen|verwijder|verwijderd|"
                           r"gehaald|weg|eraf|uit|schrappen|geschrapt|uitschrijven|uitgeschreven|"
                           r"afmelden|afgemeld)\b|\b(?:mag ik|wil ik|ik wil|kan ik|graag|wil) "
                           r"(?:\w+ )?(?:uit|van|af van) (?:de|jullie|uw|deze|die|het) (?:\w+ )?"
                           r"(?:lijst|lijsten|mailinglijst|verzendlijst|bestand|bestanden|"
                           r"klantenbestand|"
                           r"database|nieuwsbrief|mailing)\b|\b(?:haal|haalt|halen|zet|verwijder|"
                           r"verwijderen|schrap|schrappen) (?:me|mij|ons|mijn \w+)(?: \w+){0,2} "
                           r"(?:uit|van) (?:de|jullie|uw|je|deze|die|het|alle|al jullie|al uw) "
                           r"(?:\w+ )?(?:lijst|"
                           r"lijsten|mailinglijst|verzendlijst|bestand|bestanden|klantenbestand|"
                           r"database|"
                           r"nieuwsbrief|mailing|groep|app groep|groepsapp)\b|\b(?:haal|haalt|"
                           r"halen) "
                           r"(?:me|mij|ons) (?:\w+ )?"
                           r"(?:eraf|eruit|ervan af)\b"),
    ("nl.verwijder-me", C, r"{NEG}\b(?:verwijder|verwijderen|verwijdert|schrap|schrappen|wis|"
                           r"wissen) (?:aub |alstublieft |graag |)(?:me|mij|mijn nummer|mijn "
                           r"telefoonnummer|mijn gsm nummer|mijn gegevens|mijn e mailadres|mijn "
                           r"emailadres|mijn mailadres|mijn contactgegevens|mijn persoonsgegevens|"
                           r"ons|mijn data)\b(?! niet)|\b(?:me|mij|ons|mijn (?:nummer|gegevens|"
                           r"telefoonnummer|e mailadres|emailadres|data|persoonsgegevens|"
                           r"contactgegevens)) (?:\w+ )?(?:te )?(?:verwijderen|schrappen|"
                           r"wissen)\b"),
    ("nl.geen-meer", C, r"(?<!ontvang )(?<!ontving )(?<!krijg )(?<!kreeg )\b(?:geen|niet langer|"
                        r"nooit meer|niks|niets) (?:\w+ ){0,2}" + _NL_NOUN
                        + r"\b(?: \w+){0,5} meer\b|\b(?:niet langer|nooit meer|niet meer) "
                        r"(?:\w+ ){0,3}" + _NL_NOUN + r"\b|\b(?:wil|wens|hoef|willen|wensen|"
                        r"hoeven) (?:\w+ ){0,3}(?:geen|niks|niets) (?:meer|(?:\w+ ){0,2}"
                        + _NL_NOUN + r")\b|\b(?:wil|wens|hoef|willen|"
                                     r"wensen) (?:\w+ ){0,3}" + _NL_NOUN
                        + r" (?:\w+ )?niet (?:meer|langer)\b"),
    ("nl.stuur-me-geen", C, r"\b(?:stuur|stuurt|sturen|app|appt|mail|mailt|bel|belt|sms|"
                            r"contacteer|contacteert|benader|benadert|whatsapp|spam)(?: (?:me|"
                            r"mij|ons))?(?: \w+){0,2} (?:geen (?:meer|(?:\w+ ){0,2}" + _NL_NOUN
                            + r")|niets meer|niks meer|niet meer|nooit meer|niets$|niks$)"),
    ("nl.niet-meer-sturen", C, r"\b(?:niet meer|nooit meer|niet langer) (?:\w+ ){0,3}(?:sturen|"
                               r"toesturen|versturen|mailen|appen|sms en|smsen|bellen|benaderen|"
                               r"contacteren|lastigvallen|lastig vallen|storen|berichten|"
                               r"whatsappen|spammen|benaderd|gebeld|gemaild|gecontacteerd|"
                               r"lastiggevallen|contact opnemen)\b|\bgeen contact (?:\w+ ){0,3}"
                               r"(?:op|opnemen|meer)\b"),
    ("nl.stop-met", C, r"{NEG}(?<!niet dat jullie )(?<!niet dat je )(?<!niet dat u )"
                       r"\b(?:stop|stoppen|stopt|hou op|houd op|houden op|kap|kappen|kapt|"
                       r"ophouden)(?! niet| nooit)(?: (?:maar|nu|alsjeblieft|aub|eens|nou|toch|a u "
                       r"b|gewoon|eindelijk|direct|meteen))* met (?:(?:het|die|deze|jullie|al|"
                       r"uw|je|dat|dit|de|al die|al deze) )?(?:\w+ )?(?:sturen|versturen|smsen|"
                       r"sms en|appen|mailen|spammen|bellen|berichten|lastigvallen|"
                       r"contacteren|me|mij|" + _NL_NOUN + r")\b|\b(?:kap|stop|hou|houd) (?:er )?"
                       r"(?:nou |nu |maar |toch )?(?:mee op|ermee|er mee)\b"),
    ("nl.nummer-verwijderen", C, r"\bnummer\b.*\b(?:verwijder|verwijderen|wis|schrap) (?:het|dat|"
                                 r"hem)\b"),
    ("nl.zie-af-van", C, r"\bzie af van (?:\w+ ){0,2}" + _NL_NOUN + r"\b"),
    ("nl.toestemming", C, r"\b(?:trek|trekken|intrekken|ingetrokken|herroep|herroepen)\b"
                          r"(?: \w+){0,3} (?:toestemming|akkoord|instemming)\b|\btoestemming "
                          r"(?:\w+ ){0,2}(?:in te trekken|intrekken)\b"),
    ("nl.geen-x", L, r"^(?:aub |graag )?(?:geen|niet langer) (?:\w+ )?" + _NL_NOUN + r"(?: meer)?"
                     r"(?: aub| alstublieft| alsjeblieft| bedankt| graag| dank je| dank u)*$"),
    ("nl.genoeg", L, r"^(?:nu )?(?:is het|het is) (?:nu )?genoeg(?: zo| geweest| nu)?$"),
    ("nl.hou-op", L, r"^(?:(?:hou|houd) (?:nou |nu |toch |eens |er )*op(?: \w+){0,2}|(?:kap|"
                     r"kappen)(?: (?:nou|nu|toch|eens|ermee|aub|alsjeblieft))*)$"),
    ("nl.laat-me-met-rust", L, r"\blaat (?:me|mij|ons) (?:\w+ ){0,2}(?:met rust|in rust|gerust|"
                               r"met vrede)\b"),
    ("nl.wil-eraf", L, r"\b(?:wil|wens) (?:hier|er|ervan|daar) ?(?:vanaf|van af|af|uit)$"),
    ("nl.geen-interesse-meer", L, r"\b(?:geen interesse meer|niet meer geinteresseerd)\b|\b(?:wil|"
                                  r"wens) (?:hier |er )?niet (?:meer|langer) (?:in|op)(?: staan| "
                                  r"zitten)?$"),
    ("nl.verkeerd-nummer", L, r"\b(?:verkeerd nummer|verkeerde nummer|verkeerde persoon|niet "
                              r"(?:meer )?mijn nummer)\b|\bnummer (?:is )?(?:niet meer|niet "
                              r"langer) van\b"),
    ("nl.nooit-aangemeld", L, r"\bnooit (?:\w+ ){0,2}(?:aangemeld|ingeschreven|toestemming|"
                              r"geabonneerd|opgegeven)\b|\bgeen toestemming (?:gegeven|voor)\b"),
    ("nl.hoe-afmelden", L, r"\bhoe (?:kan ik|kun je|moet ik|doe ik|meld ik|schrijf ik)(?: (?:me|"
                           r"mij|hier|hiervoor|voor|van|uit|bij|jullie|de|deze|uw|nieuwsbrief|"
                           r"sms|berichten|mailing|lijst|mailinglijst))* (?:afmelden|uitschrijven|"
                           r"af|uit)$"),
    ("nl.vragen-te-stoppen", L, r"\b(?:moeten|moet|jullie|om te|gevraagd te) (?:stoppen|ophouden)"
                                r"\b(?! met (?:de|het) (?:uitverkoop|actie|korting))"),
    ("nl.genoeg-met", C, r"\b(?:genoeg|klaar|het is genoeg|nu is het genoeg) met (?:\w+ ){0,2}"
                         + _NL_NOUN + r"\b"),
    ("nl.hoe-vaak", L, r"\bhoe (?:vaak|dikwijls|veel keer)\b.*\b(?:stoppen|stop|afmelden|"
                       r"uitschrijven|ophouden|verwijderen|niet meer)\b"),
    ("nl.dreigen", L, r"\b(?:klacht|aangifte|acm|advocaat|consumentenbond|rapporteren)\b.*"
                      r"\b(?:doorgaat|door gaat|blijven sturen|blijft sturen|niet stopt|niet "
                      r"stoppen|niet ophoudt)\b|\b(?:doorgaat|niet stopt|niet stoppen)\b.*"
                      r"\b(?:klacht|aangifte|rapporteren)\b"),
    ("nl.te-veel", P, r"\b(?:te veel|teveel) (?:sms|smsjes|berichten|mails|reclame)\b"),
    ("nl.niet-stoppen", VETO, r"\bstop (?:\w+ )?nooit\b|(?<!jullie )(?<!als u )\b(?:niet "
                              r"stoppen|stop niet|stoppen niet|niet afmelden|niet "
                              r"uitschrijven)\b|\b(?:per ongeluk|weer aanmelden|al besteld|al "
                              r"gekocht)\b|\bik (?:stop|ben gestopt|ga stoppen) met\b"),
    ("nl.wauw", VETO, r"\b(?:wow|wauw|geweldig|prachtig|wat een|wat mooi|die prijs|zo goedkoop|te "
                      r"gek|super goedkoop)\b"),
    # ---- Polish -----------------------------------------------------------------------------
    ("pl.wypisz-mnie", C, r"{NEG}\b(?:wypisz|wypiszcie|wypisac|wypisanie|wypisania|usun|usuncie|"
                          r"usunac|usuniecie|usuniecia|wykresl|wykreslcie|wykreslic|wykreslenie|"
                          r"skasujcie|skasuj|skasowac|wyrzuccie|wyrzuc|wyrzucic) (?:mnie|moj "
                          r"(?:numer|mail|adres e mail|e mail|email|kontakt|telefon|nr)|moje "
                          r"dane|mojego (?:numeru|maila|adresu|e maila|emaila|telefonu|nr)|moich "
                          r"danych|ten numer|tego numeru|z listy|z bazy|z newslettera|z "
                          r"subskrypcji|z mailingu)\b|(?<!jak )(?<!moge )(?<!mozna )\b(?:mnie|"
                          r"sie) (?:wypisac|usunac|"
                          r"wykreslic)\b|\b(?:wypisac|wypisze|wypisuje) sie\b"),
    ("pl.nie-piszcie", C, r"\bnie (?:piszcie|pisz|wysylajcie|wysylaj|przysylajcie|przysylaj|"
                          r"spamujcie|spamuj|dzwoncie|dzwon|zawracajcie|zawracaj|kontaktujcie|"
                          r"kontaktuj|nekajcie|nekaj|przesylajcie|przesylaj|pisac|wysylac|"
                          r"przysylac|dzwonic|kontaktowac|przesylac|nekac|spamowac) (?:(?:sie )?"
                          r"(?:ze mna|do mnie|mi|juz|wiecej|tu|tutaj|na ten numer|na moj numer|"
                          r"nigdy|prosze|nic|zadnych|mnie)|(?:\w+ )?" + _PL_NOUN + r")\b|\bnie "
                          r"(?:piszcie|pisz|wysylajcie|dzwoncie|spamujcie)$"),
    ("pl.prosze-nie", C, r"\bprosze (?:o |was |panstwa |juz |wiecej |mi |do mnie )*nie "
                         r"(?:wysylac|pisac|przysylac|dzwonic|spamowac|kontaktowac|wysylanie|"
                         r"przesylac|zawracac|nekac)\b|\bprosze o (?:niewysylanie|"
                         r"niekontaktowanie|nieprzesylanie|wypisanie|wykreslenie|usuniecie "
                         r"(?:mnie|moich|mojego|mojej|moj|moje))\b|\bzaprzestanie (?:kontaktu|"
                         r"wysylania|przesylania|dzwonienia|pisania)\b"),
    ("pl.nie-chce", C, r"\bnie (?:chce|chcemy|zycze sobie|zyczymy sobie|potrzebuje) (?:\w+ ){0,3}"
                       r"(?:" + _PL_NOUN + r"|kontaktu|zebyscie (?:pisali|wysylali|dzwonili))\b"),
    ("pl.przestancie", C, r"{NEG}\b(?:przestancie|przestan|przestac|przestali|przestaniecie|"
                          r"skonczcie|skoncz|dosc|dosyc|koniec z|koniec|zaprzestancie|"
                          r"zaprzestac|"
                          r"mam dosc|starczy|wystarczy) (?:(?:juz|mi|do mnie|z|prosze|wreszcie|w "
                          r"koncu|tego|z tym|to|tych|waszych|tymi|waszymi|mnie|ze mna|sie) )*"
                          r"(?:pisac|wysylac|przysylac|spamowac|dzwonic|wysylania|pisania|nekac|"
                          r"zawracac|przesylac|kontaktowac|spamowania|" + _PL_NOUN + r")\b"),
    ("pl.rezygnuje", C, r"\b(?:rezygnuje|rezygnacja|rezygnacje|rezygnujemy) (?:z )?(?:"
                        r"otrzymywania|subskrypcji(?: newslettera)?$|newslettera|listy|mailingu|"
                        r"zgody|powiadomien|" + _PL_NOUN + r")\b"),
    ("pl.zrezygnowac", C, r"\b(?:zrezygnowac|zrezygnuje|rezygnowac) z (?:otrzymywania|newslettera|"
                          r"mailingu|powiadomien|" + _PL_NOUN + r")\b"),
    ("pl.nie-zgadzam", C, r"\bnie zgadzam sie na (?:\w+ )?(?:otrzymywanie|wysylanie|kontakt|"
                          r"marketing|" + _PL_NOUN + r")\b|\bnumer\b.*\b(?:usuncie|skasujcie|"
                          r"wykreslcie) go\b"),
    ("pl.numer-do-usuniecia", C, r"\bnumer (?:do usuniecia|prosze usunac)\b|\b(?:newsletter|sms|"
                                 r"smsy|reklamy|maile|powiadomienia) (?:wypisz|wypiszcie|usun|"
                                 r"usuncie)\b|\bnie chce byc (?:\w+ )?(?:kontaktowany|"
                                 r"kontaktowana|nekany|nekana|niepokojony|niepokojona)\b"),
    ("pl.zgoda", C, r"\b(?:wycofuje|cofam|odwoluje|wycofac|cofnac|odwolac|wycofanie|cofniecie|"
                    r"odwolanie|wycofujemy) (?:\w+ ){0,2}(?:zgode|zgody|zgoda|zgod)\b"),
    ("pl.zadnych", L, r"\b(?:zadnych|zadne|zadnej) (?:\w+ ){0,2}" + _PL_NOUN + r"\b"),
    ("pl.musi-sie-skonczyc", L, r"\bto musi sie (?:skonczyc|natychmiast skonczyc)\b"),
    ("pl.nie-zycze-sobie", L, r"\bnie zycze sobie (?:tego|takich|kontaktu|wiadomosci)\b"),
    ("pl.nie-chce-alone", L, r"^nie chce(?: juz)?(?: tego| tych)?(?: dziekuje)?$"),
    ("pl.przestancie-alone", L, r"{NEG}\b(?:przestancie|przestan|przestali|przestaniecie|"
                                r"skonczcie)(?: (?:juz|wreszcie|w koncu|prosze|natychmiast|z tym|"
                                r"tego))*$|\b(?:dosc tego|mam dosc|odczepcie sie|odczep sie|"
                                r"odwalcie sie|spadajcie)\b"),
    ("pl.dajcie-spokoj", L, r"\b(?:dajcie|daj|prosze dac) (?:mi |nam )?(?:spokoj|swiety spokoj)\b|"
                            r"\bzostawcie (?:mnie|nas)\b"),
    ("pl.nie-interesuje-juz", L, r"\b(?:juz mnie nie interesuje|nie interesuje mnie juz|nie jestem "
                                 r"juz zainteresowany|nie jestem juz zainteresowana)\b"),
    ("pl.zly-numer", L, r"\b(?:zly numer|pomylony numer|nie (?:jest )?(?:juz )?moj numer)\b|"
                        r"\bnumer (?:\w+ ){0,2}nie nalezy\b"),
    ("pl.pomylka", L, r"^(?:to )?pomylka$"),
    ("pl.nigdy", L, r"\bnigdy (?:sie )?(?:nie )?(?:zapisywalem|zapisywalam|zapisalem|zapisalam|"
                    r"zgadzalem|zgadzalam|wyrazalem|wyrazalam|zgodzilem|zgodzilam|rejestrowalem|"
                    r"rejestrowalam|prosilem|prosilam)\b|\bnie (?:wyrazalem|wyrazalam|dawalem|"
                    r"dawalam|udzielalem|udzielalam|wyrazilem|wyrazilam) zgody\b"),
    ("pl.jak-wypisac", L, r"\bjak (?:sie |moge sie |mam sie |mozna sie |moge |mam )?(?:wypisac|"
                          r"wypisuje)(?: (?:sie|z|tej|tego|waszej|waszego|listy|newslettera|"
                          r"smsow|sms ow|wiadomosci|reklam|prosze))*$"),
    ("pl.ile-razy", L, r"\bile (?:razy|jeszcze razy)\b.*\b(?:przestali|przestac|przestancie|"
                       r"wypisac|usunac|nie pisac)\b"),
    ("pl.grozba", L, r"\b(?:zglosze|zglaszam|skarge|skarga|uodo|uokik|prawnika|pozwe|policje|"
                     r"prokurature|rzecznika)\b.*\b(?:nie przestaniecie|nie przestanie|dalej "
                     r"bedziecie|nadal bedziecie)\b|\bjesli (?:nie przestaniecie|dalej "
                     r"bedziecie)\b"),
    ("pl.nie", VETO, r"\bnie (?:wypisujcie|przestawajcie|usuwajcie|wypisuj)\b|\b(?:przez pomylke|"
                     r"zapisac ponownie|ponownie zapisac)\b|\bnie (?:dostalem|dostalam|dostaje|"
                     r"otrzymalem|otrzymalam|otrzymuje|przyszly|przyszla|przyszlo|widze)\b"),
    ("pl.cena", VETO, r"\b(?:wow|ale cena|co za|jaka cena|ale tanio|super cena|swietna cena|"
                      r"rewelacja)\b"),
    ("pl.za-duzo", P, r"\b(?:za duzo|za wiele) " + _PL_MSG + r"\b"),
    # ---- Swedish ----------------------------------------------------------------------------
    ("sv.sluta-skicka", C, r"{NEG}\b(?:sluta|slutaa|slutaaa|slutaaaa|sluta upp) (?:(?:att|nu|"
                           r"genast|bara|upp|med att|da|snalla|ni) )*(?:skicka|smsa|sms a|messa|"
                           r"maila|mejla|hora av er|hora av dig|kontakta|spamma|ringa|skriva|"
                           r"tjata|stora|hora)\b|{NEG}\b(?:sluta|sluta upp) med (?:\w+ ){0,2}"
                           + _SV_NOUN + r"\b"),
    ("sv.avregistrera-mig", C, r"{NEG}\b(?:avregistrera|avsluta|ta bort|tag bort|tar bort|stryk|"
                               r"avanmal|avanmala|radera|raderar|plocka bort|lyft bort|"
                               r"avprenumerera|ta av) "
                               r"(?:mig|mej|oss|mitt nummer|mitt telefonnummer|mitt mobilnummer|"
                               r"min e "
                               r"post|min epost|min mejl|min mail|min mejladress|min mailadress|"
                               r"min e postadress|min prenumeration|mina uppgifter|mina "
                               r"personuppgifter|mina kontaktuppgifter|prenumerationen|mina data|"
                               r"numret)\b|{NEG}\b(?:avsluta|stoppa|stang av|sag upp|saga upp) "
                               r"(?:mina|era|alla|dessa|de har|prenumerationen pa|min "
                               r"prenumeration pa)? ?(?:\w+ )?" + _SV_NOUN + r"\b|{NEG}\b(?:"
                               r"avsluta|sag upp|saga upp|stoppa) (?:prenumerationen pa )?(?:"
                               r"nyhetsbrevet|nyhetsbreven|utskicken|prenumerationen)\b|{NEG}\b(?:"
                               r"avregistrera|avanmala|avregistrering|avanmalan|avprenumerera|"
                               r"avregistrerar mig|avanmaler mig)\b"
                               r"(?! (?:mig )?inte)"),
    ("sv.fran-listan", C, r"\b(?:ta bort|tag bort|radera|stryk|avregistrera|plocka bort|avanmal|"
                          r"avanmala|lyft ut|ta ut|plocka ut|ta mig|strykas|tas bort)\b(?: \w+)"
                          r"{0,3} (?:fran|ur) (?:\w+ )?(?:listan|lista|listor|listorna|"
                          r"utskickslistan|registret|register|maillistan|mejllistan|sms listan|"
                          r"nyhetsbrevet|databasen|databas|kundregistret|utskicken|utskick|"
                          r"sandlistan)\b|\b(?:vill|onskar) (?:bli |vara )?(?:borttagen|struken|"
                          r"avregistrerad|avanmald|bort|ut)(?: \w+){0,2} (?:fran|ur)\b|\bvill "
                          r"(?:bli )?(?:borttagen|struken|avregistrerad|avanmald)\b"),
    ("sv.inga-fler", C, r"(?<!far )(?<!fick )\b(?:inga|inte|ingen|inget) (?:fler|mer|flera|mera|"
                        r"nagra fler|nagra mer) (?:\w+ )?" + _SV_NOUN + r"\b|(?<!far )(?<!fick )"
                        r"\b(?:inga|ingen|inget) (?:\w+ )?" + _SV_NOUN + r" (?:mer|langre|"
                        r"fler)\b|\b(?:vill|onskar|behover|orkar)(?: \w+)"
                        r"{0,2} (?:inga|inte ha|inte fa|inte ta emot|inte motta|slippa|inte "
                        r"langre fa|inte langre ha|inte langre ta emot|ingen|inte) (?:\w+ ){0,4}"
                        + _SV_NOUN + r"\b|\bslipper (?:\w+ ){0,2}" + _SV_NOUN + r"\b"),
    ("sv.skicka-inga", C, r"\b(?:skicka|smsa|maila|mejla|skriv|ring)(?: \w+){0,2} (?:inga|inte|"
                          r"inget|ingenting|aldrig) (?:fler|mer|nagot mer|nagra|hit|igen)\b|"
                          r"\b(?:kontakta|ring|"
                          r"ringa|smsa|maila|mejla|skriv till|stor|skicka till) (?:mig|mej|oss|hit|"
                          r"detta nummer|det har numret) (?:\w+ )?(?:inte|aldrig|ej)\b|\bhor "
                          r"(?:inte|aldrig) (?:av er|av dig)\b|\binte (?:bli |att bli )?"
                          r"(?:kontaktad|kontaktade|kontaktas|ringd|stord|storas|ringas)\b"),
    ("sv.stoppa-utskicken", C, r"{NEG}\b(?:stoppa|stopp|avbryt|upphor med|stang av)(?! inte)"
                               r" (?:(?:alla|era|dessa|de|den har|det har|allt|mina|med) )*"
                               + _SV_NOUN + r"\b"),
    ("sv.nummer-radera", C, r"\bnummer\b.*\b(?:radera|ta bort|stryk) (?:det|den)\b"),
    ("sv.aterkallar", C, r"\b(?:aterkallar|aterkalla|drar tillbaka|tar tillbaka|drar in) (?:\w+ )"
                         r"{0,2}(?:samtycke|medgivande|godkannande)\b"),
    ("sv.sluta-med-det", L, r"\bsluta med det(?: nu| tack)?$"),
    ("sv.nu-racker-det", L, r"^(?:nu )?racker det(?: nu)?$"),
    ("sv.inga-sms", L, r"^(?:inga|ingen|inget) (?:\w+ )?" + _SV_NOUN + r"(?: tack| till mig| hit| "
                       r"till detta nummer)*$"),
    ("sv.sluta-end", L, r"(?<!ska )(?<!att )(?<!inte )(?<!aldrig )(?<!borde )(?<!kommer )(?<!kan )"
                        r"(?<!vill )(?<!ej )\bsluta(?: nu| da| bara| tack| snalla| "
                        r"genast| omedelbart)*$"),
    ("sv.lat-mig-vara", L, r"\b(?:lat|lamna) (?:mig|mej|oss) (?:vara|ifred|i fred|"
                           r"i lugn och ro)\b"),
    ("sv.inte-intresserad-langre", L, r"\b(?:inte intresserad langre|inte langre intresserad)\b"),
    ("sv.fel-nummer", L, r"\b(?:fel nummer|fel person|inte (?:langre )?mitt nummer)\b|\bnumret "
                         r"(?:\w+ ){0,2}inte langre\b"),
    ("sv.aldrig", L, r"\baldrig (?:\w+ )?(?:anmalt|registrerat|godkant|samtyckt|prenumererat|"
                     r"bett om|anmalde)\b|\binget samtycke\b"),
    ("sv.hur-avregistrera", L, r"\bhur (?:avregistrerar|avanmaler|avslutar|stoppar|slutar) "
                               r"(?:jag|man|vi)(?: (?:mig|mej|oss|fran|fa|era|dessa|de|alla|er|"
                               r"listan|nyhetsbrevet|utskicken|utskick|sms|reklamen|reklam|"
                               r"mejlen|mejl|meddelanden|meddelandena|erbjudanden|tack|har|pa))*$|"
                               r"\bhur (?:gor|kan) (?:jag|man) (?:for att )?(?:avregistrera|"
                               r"avanmala) (?:mig|mej|oss)\b"),
    ("sv.be-er-sluta", L, r"\b(?:att|ni ska|ni maste|be er|bett er) sluta\b(?! (?:inte|aldrig)\b)"),
    ("sv.nog-med", C, r"\b(?:nog med|racker med|racker det med|nu racker det med) (?:\w+ ){0,2}"
                      + _SV_NOUN + r"\b"),
    ("sv.hur-manga-ganger", L, r"\bhur (?:manga ganger|ofta)\b.*\b(?:sluta|slutar|avregistrera|"
                               r"stoppa|ta bort)\b"),
    ("sv.hot", L, r"\b(?:anmaler er|anmala er|anmaler dig|polisanmaler|klagar till|klagomal till|"
                  r"imy|konsumentverket|advokat)\b.*\b(?:inte slutar|inte sluta|fortsatter|igen|"
                  r"en gang till)\b|\bom ni (?:inte slutar|fortsatter)\b"),
    ("sv.inte", VETO, r"\b(?:avregistrera|stoppa|ta bort|sluta) (?:mig )?inte\b|\binte "
                      r"(?:avregistrera|stoppa|sluta)\b|\b(?:av misstag|lagga till mig igen)\b"),
    ("sv.aldrig-sluta", VETO, r"\b(?:aldrig|ej) (?:sluta|stoppa)\b|\bsluta (?:roka|snusa|jobba|"
                              r"dricka|plugga)\b"),
    ("sv.stopp-vilket", VETO, r"^(?:stop|stopp|stoppa) (?:vilket|vilken|vilka|vad)\b"),
    ("sv.pris", VETO, r"\b(?:wow|vilket pris|"
                      r"vilka priser|sa billigt|vad billigt|grymt|"
                      r"fantastiskt|underbart)\b"),
    ("sv.for-manga", P, r"\bfor manga " + _SV_MSG + r"\b"),
    # ---- Danish -----------------------------------------------------------------------------
    ("da.afmeld-mig", C, r"{NEG}\b(?:afmeld|frameld|fjern|slet|slette|fjerne|afmelde|framelde|"
                         r"afmelder|"
                         r"framelder|stryg|udmeld|udmelde) (?:(?:venligst|lige|hermed|bare|straks|"
                         r"nu|gerne) )?(?:mig|os|mit nummer|mit telefonnummer|mit mobilnummer|"
                         r"mine oplysninger|min mail|min e mail|min email|mine data|min "
                         r"mailadresse|min e mailadresse|mine kontaktoplysninger|nummeret)\b"
                         r"(?! ikke)|{NEG}\b(?:meld|melde|meld venligst) (?:mig|os) (?:\w+ )?"
                         r"(?:af|ud|fra)\b|{NEG}\b(?:afmeld|frameld|afmelde|framelde|opsig|"
                         r"opsige) (?:(?:venligst|lige|gerne) )?(?:\w+ )?" + _DA_NOUN + r"\b|"
                         r"{NEG}\b(?:afmeldes|frameldes|afmelding|framelding)\b"),
    ("da.fra-listen", C, r"\b(?:fjern|slet|stryg|tag|afmeld|fjerne|slette|fjernet|slettet|taget|"
                         r"frameld|fjernes|slettes|tages)\b(?: \w+){0,3} (?:fra|af|ud af|ud fra) "
                         r"(?:\w+ )?(?:listen|liste|lister|listerne|mailinglisten|maillisten|"
                         r"mailliste|sms listen|databasen|database|registret|register|registeret|"
                         r"kartoteket|"
                         r"kartotek|nyhedsbrevet|systemet|udsendelser|udsendelserne)\b"),
    ("da.stop-med-at", C, r"{NEG}\b(?:stop|hold op|lad vaere|stoppe|hor op|hold jer fra|lade "
                          r"vaere|holde op|stopper|stop dog|lad nu vaere)(?! ikke| aldrig) med "
                          r"(?:at )?(?:sende|skrive|smse|kontakte|spamme|ringe|maile|"
                          r"genere|forstyrre|plage|bombardere)\b"),
    ("da.stop-med-x", C, r"{NEG}\b(?:stop|hold op|stoppe|hor op|holde op|stopper|lad vaere|lade "
                         r"vaere)(?! ikke| aldrig) med (?:\w+ ){0,2}" + _DA_NOUN + r"\b"),
    ("da.skriv-ikke", C, r"\b(?:ikke|aldrig) (?:\w+ )?(?:skrive|sende|kontakte|ringe|maile|sms e|"
                         r"smse|spamme|genere|forstyrre|skriv|send|kontakt|ring) (?:til )?(?:mig|"
                         r"os) (?:\w+ ){0,2}(?:igen|mere|laengere)\b|\b(?:skriv|send|ring|kontakt|"
                         r"sms|mail|"
                         r"spam|kontakte|skrive)(?: \w+){0,2} (?:ikke|aldrig) (?:mere|flere|igen|"
                         r"til mig igen|mig igen|mig flere|mig mere|til mig mere|laengere)\b|"
                         r"\bikke (?:\w+ ){0,2}(?:kontaktes|kontaktet|forstyrres|ringes op)\b"),
    ("da.vil-ikke-have", C, r"\b(?:vil|onsker|gider|behover|orker)(?: \w+)? (?:ikke|slet ikke)\b"
                            r"(?: \w+){0,5} " + _DA_NOUN + r"\b|\bvil (?:gerne )?(?:slippe for|"
                            r"undga|undvaere) (?:\w+ ){0,2}" + _DA_NOUN + r"\b"),
    ("da.ingen-flere", C, r"(?<!far )(?<!fik )(?<!modtager )(?<!modtog )\b(?:ingen (?:flere|mere)|"
                          r"ikke (?:flere|mere)) (?:\w+ )?" + _DA_NOUN + r"\b|(?<!far )(?<!fik )"
                          r"(?<!modtager )(?<!modtog )\bingen (?:\w+ )?" + _DA_NOUN + r" (?:mere|"
                          r"laengere|flere)\b|\bnummer\b.*\b(?:slet|fjern) (?:det|den)\b"),
    ("da.samtykke", C, r"\b(?:traekker|traek|tilbagekalder|tilbagekald|trak)\b(?: \w+){0,2} "
                       r"(?:samtykke|samtykket|tilladelse)\b|\bsamtykke (?:\w+ ){0,3}tilbage\b"),
    ("da.det-skal-stoppe", L, r"(?<!hvornar )\bdet skal (?:stoppe|hore op|stop)\b"),
    ("da.nu-er-det-nok", L, r"^(?:nu er det|det er) nok(?: nu)?$"),
    ("da.ingen-sms", L, r"^(?:ingen|ikke flere|ingen flere|ingen mere) (?:\w+ )?" + _DA_NOUN
                        + r"(?: tak| venligst| til mig| hertil)*$"),
    ("da.stop-det", L, r"{NEG}\b(?:stop det|hold nu op|stop med det|hold op med det|stop "
                       r"dog)\b"),
    ("da.hold-op", L, r"^hold op(?: (?:nu|det|dog|venligst|tak|med det))*$"),
    ("da.vil-af-listen", C, r"\bvil (?:gerne )?(?:af|ud af|fjernes fra|"
                            r"slettes fra) (?:\w+ )?(?:liste|"
                            r"listen|lister|listerne|mailinglisten|maillisten)\b"),
    ("da.ikke-paa-listen", L, r"\bikke (?:vaere|sta) (?:med )?pa (?:\w+ )?(?:liste|listen|lister|"
                              r"listerne|mailinglisten)\b"),
    ("da.lad-mig-vaere", L, r"\blad (?:nu )?(?:mig|os) (?:vaere|i fred)\b"),
    ("da.ikke-interesseret-mere", L, r"\b(?:ikke interesseret (?:mere|laengere)|ikke laengere "
                                     r"interesseret)\b"),
    ("da.forkert-nummer", L, r"\b(?:forkert nummer|forkert person|ikke (?:laengere )?mit "
                             r"nummer)\b|\bnummer(?:et)? (?:\w+ ){0,2}ikke laengere\b"),
    ("da.aldrig", L, r"\baldrig (?:\w+ )?(?:tilmeldt|meldt mig|givet samtykke|sagt ja|bedt om|"
                     r"accepteret|abonneret|givet tilladelse)\b|\bikke (?:givet|giver) (?:mit |"
                     r"noget )?samtykke\b"),
    ("da.hvordan-afmelde", L, r"\bhvordan (?:afmelder|framelder|melder) (?:jeg|man|vi)(?: (?:mig|"
                              r"os|af|fra|ud|jeres|jer|dine|disse|de|alle|her|herfra|listen|"
                              r"nyhedsbrevet|sms er|sms|beskederne|beskeder|reklamerne|reklamer|"
                              r"tilbud|tilbuddene|mails|venligst|tak))*$"),
    ("da.bedt-jer-stoppe", L, r"\b(?:om at|at i skal|i skal) (?:stoppe|holde op)\b(?! med (?:at )?"
                              r"(?:udsalg|tilbuddet))"),
    ("da.nok-med", C, r"\b(?:nok med|det er nok med|nu er det nok med) (?:\w+ ){0,2}" + _DA_NOUN
                      + r"\b"),
    ("da.hvor-mange-gange", L, r"\bhvor (?:mange gange|tit|ofte)\b.*\b(?:stoppe|stop|holde op|"
                               r"afmelde|fjerne|lade vaere)\b"),
    ("da.trussel", L, r"\b(?:klager|klage|anmelder|forbrugerombudsmanden|datatilsynet|advokat|"
                      r"politianmelder)\b.*\b(?:ikke stopper|ikke holder op|fortsaetter|bliver "
                      r"ved|en gang til|skriver igen|sender igen)\b|\bhvis i (?:ikke stopper|"
                      r"fortsaetter|ikke holder op)\b"),
    ("da.ikke", VETO, r"\b(?:afmeld|stop|frameld) (?:mig )?ikke\b|\b(?:ved en fejl|tilmelde mig "
                      r"igen)\b"),
    ("da.pris", VETO, r"\b(?:wow|sikke|hvilken pris|hvilket tilbud|hvor billigt|"
                      r"fantastisk|vildt)\b"),
    ("da.for-mange", P, r"\bfor mange " + _DA_MSG + r"\b"),
    # ---- Romanian ---------------------------------------------------------------------------
    ("ro.nu-mai-trimiteti", C, r"\bnu(?!.*\b(?:hartie|factura|facturile|coletul|comanda)\b) (?:"
                               r"(?:mi |imi |ne |ma |mai |va rog |ma mai |mi mai |imi mai |"
                               r"ne mai )?(?:mai )?(?:" + _RO_SEND + r")(?: [a-z]+){0,3} (?:mai|"
                               r"niciodata|nimic|" + _RO_MSG + r")\b(?! (?:tarziu|devreme|tare|"
                               r"bine|ieftin|mult|multe|repede)\b)|(?:mi |imi |ne |ma )?mai "
                               r"(?:" + _RO_SEND + r")\b|(?:mai vreau|mai doresc)(?:$| sa "
                               r"primesc| sa fiu| nimic| de la voi| mesaje| " + _RO_MSG + r"\b))"),
    ("ro.nu-vreau-sa-primesc", C, r"\bnu (?:mai )?(?:vreau|doresc|as vrea|as dori|vrem|dorim|"
                                  r"mai vreau|mai doresc) (?:sa )?(?:mai )?(?:primesc|primim|"
                                  r"fiu contactat|fiu contactata|fiu deranjat|fiu deranjata|"
                                  r"fiu sunat|fiu sunata|" + _RO_MSG + r")\b"),
    ("ro.dezabonati-ma", C, r"{NEG}\b(?:ma dezabonez|dezabonati ma|dezaboneaza ma|dezabonati mi|"
                            r"dezabonare|dezabonarea|ma dezabonati|dezabonez|sa ma dezabonati|"
                            r"dezabonati ne|dezabonati)\b(?!.*\bde la (?:sala|abonament|"
                            r"abonamentul|curs|club|clasa|cursul|revista)\b)"),
    ("ro.stergeti-ma", C, r"{NEG}\b(?:stergeti|sterge|scoateti|scoate|eliminati|elimina|radiati|"
                          r"stergeti mi|scoateti mi) (?:ma|numarul meu|numarul|datele mele|"
                          r"adresa mea|emailul meu|contactul meu|telefonul meu)\b"
                          r"(?! (?:de pe|din) (?:comanda|cos|factura|cont)\b)"),
    ("ro.sa-ma-stergeti", C, r"{NEG}\b(?:sa |va rog )?(?:ma|mi) (?:stergeti|scoateti|eliminati|"
                             r"radiati|stergi|scoti|elimini)\b(?:.*\b(?:lista|liste|listele|baza|"
                             r"bazele|date|abonati|newsletter|newsletterul|evidenta|evidente|"
                             r"contacte|voastra|dumneavoastra)\b)"),
    ("ro.vreau-sa-fiu-sters", C, r"\b(?:vreau|doresc|as vrea|as dori|va rog)(?!.*\bde la (?:sala|"
                                 r"abonament|abonamentul|curs|club|clasa|cursul|revista)\b) "
                                 r"(?:sa fiu|sa ma|sa "
                                 r"imi|sa mi) (?:sters|stearsa|scos|scoasa|eliminat|eliminata|"
                                 r"dezabonat|dezabonata|dezabonez|stergeti|scoateti|radiat|"
                                 r"radiata|retrag consimtamantul|dezabonati)\b|\b(?:imi )?retrag "
                                 r"(?:consimtamantul|acordul)\b"),
    ("ro.opriti", C, r"{NEG}(?<!nu va )\b(?:opriti|oprire|opreste|opriti va|stop|gata cu|"
                     r"ajunge cu|destul cu|incetati cu|terminati cu|nu mai vreau) (?:cu )?"
                     r"(?:toate |"
                     r"odata |va rog )?(?:trimiterea|trimiterile|spam|spamul|" + _RO_MSG + r")\b"),
    ("ro.incetati-sa", C, r"{NEG}\b(?:incetati|inceteaza|opriti va|terminati|lasati|"
                          r"renuntati) (?:sa |cu |de a )?(?:mi |ma |imi |ne |mai )?(?:mai )?"
                          r"(?:trimiteti|scrieti|contactati|sunati|deranjati|trimiterea|"
                          r"trimite|contacta|deranja|suna|scrie|spamati|bateti la cap)\b"),
    ("ro.lasati-ma", L, r"\b(?:lasati ma|lasa ma|lasati ne) (?:in pace|naibii|linistit|"
                        r"linistita)\b"),
    ("ro.deja-dezabonat", L, r"\b(?:m am dezabonat|m am dezabonat deja|deja dezabonat)\b.*\b(?:tot|"
                             r"inca|din nou|continuati)\b|\bva (?:blochez|raportez|"
                             r"reclam)\b(?! (?:data|o|un|"
                             r"una|locul|ziua)\b)"),
    ("ro.gdpr", C, r"\b(?:gdpr|anspdcp|protectia datelor)\b.*\b(?:stergerea|stergere|opozitie|"
                   r"eliminarea|stergeti|sterge)\b|\bdreptul (?:de|la) (?:opozitie|stergere|a fi "
                   r"uitat)\b"),
    ("ro.un-cuvant", L, r"^(?:sterge|stergeti|sterge ma|stergeti ma|elimina|eliminati|ajunge|"
                        r"gata cu mesajele|opriti|opriti va)(?: va rog| multumesc)*$"),
    ("ro.nu-mai-e-numarul", L, r"\bnu mai (?:este|e) numarul\b|\bnumar nu (?:mai )?(?:este|e) al\b|"
                               r"\bnu mai sunt (?:client|clienta|clientul|clienta voastra|"
                               r"abonat|abonata)\b"),
    ("ro.abtineti-va", C, r"\b(?:abtineti va|abtineti va sa|va rog sa va abtineti) (?:sa |de la )?"
                          r"(?:ma |mi |imi )?(?:mai )?(?:" + _RO_SEND + r"|contacta|contactarea)\b|"
                          r"\bva rog (?:sa )?(?:incetati|opriti va|opriti)$"),
    ("ro.de-ce-tot", L, r"\bde ce (?:imi |mi |ma |ne )?(?:tot|mai|continuati sa) (?:" + _RO_SEND
                        + r")(?:$| (?:" + _RO_MSG + r"|asta|astea)\b)"),
    ("ro.m-am-saturat", L, r"\bm am (?:saturat|plictisit|saturat de tot) de (?:" + _RO_MSG + r")\b|"
                           r"\b(?:sunt|am ajuns) (?:satul|satula|satui|satule) de (?:" + _RO_MSG
                           + r")\b|"
                           r"\b(?:dezactivati|dezactiveaza|dezactivare) (?:" + _RO_MSG + r")\b(?!.*"
                           r"\baplicati)|\bcum (?:fac|pot) (?:sa )?nu mai primesc\b"),
    ("ro.nu-autorizez", L, r"\bnu (?:autorizez|sunt de acord|accept sa primesc|consimt)\b|"
                           r"\brefuz sa primesc\b"),
    ("ro.nu-mai-am-interes", L, r"\bnu mai am (?:niciun )?interes\b"),
    ("ro.nu-interesat", L, r"\bnu (?:mai sunt interesat|mai sunt interesata|ma mai intereseaza|"
                           r"ma mai intereseaza)\b|\bnu (?:sunt interesat|sunt interesata|ma "
                           r"intereseaza|ma intereseaza) (?:de )?(?:" + _RO_MSG + r")\b"),
    ("ro.numar-gresit", L, r"\bnumar gresit\b"),
    ("ro.cine-v-a-dat", L, r"\b(?:cine v a dat|de unde aveti|de unde ai) (?:numarul|datele|"
                           r"adresa)\b|\bnu (?:v )?am (?:autorizat|dat acordul)\b"),
    ("ro.nu-m-am-abonat", L, r"\bnu m am (?:abonat|inscris|inregistrat) niciodata\b|\bniciodata "
                             r"nu m am (?:abonat|inscris|inregistrat)\b|\bnu (?:mi )?am dat "
                             r"(?:niciodata )?(?:acordul|consimtamantul|numarul)\b"),
    ("ro.cum-ma-dezabonez", L, r"\bcum (?:ma pot dezabona|pot sa ma dezabonez|ma dezabonez|"
                               r"ma scot de pe lista|opresc mesajele|nu mai primesc)\b"),
    ("ro.nu", VETO, r"\bnu (?:ma |mi |va )?(?:dezabonati|opriti|stergeti|va opriti|opriti va)\b"),
    ("ro.de-cate-ori", L, r"\bde cate ori (?:trebuie|sa|va|ti|v am|ti am|am) (?:sa )?(?:va |iti "
                          r"|mai )?(?:spun|cer|repet|scriu|zic|spus|cerut|scris|zis)\b"),
    ("ro.reclam", L, r"\b(?:reclam|va reclam|reclamatie|plangere|raportez|va raportez|"
                     r"sesizare)\b.*\b(?:anpc|anspdcp|politie|avocat|protectia consumatorului|"
                     r"gdpr)\b|\bdaca (?:mai|continuati sa|veti mai) (?:" + _RO_SEND
                     + r"|primesc)\b"),
    ("ro.exclaim", VETO, r"\bstop (?:ce|cat de|ce pret|ce frumos|ce frumoasa|ce tare)\b|\bdin "
                         r"greseala\b|\bfara sa vreau\b|\b(?:abona din nou|abonati din nou|"
                         r"reabona|reabonati)\b"),
    ("ro.prea-multe", P, r"\bprea multe " + _RO_MSG + r"\b|\bm ati (?:sacait|saturat|enervat|"
                         r"innebunit)\b"),
    # ---- Turkish ----------------------------------------------------------------------------
    ("tr.listeden-cikarin", C, r"\b(?:listeden|listenizden|listenden|listelerinizden|bultenden|"
                               r"bulteninizden|bultenlerinizden|aboneliginizden|abonelikten|"
                               r"uyelikten|veritabanindan|veri tabanindan|sistemden|"
                               r"sisteminizden|listesinden|listenizden|rehberinizden|"
                               r"aboneligimden)(?: \w+)"
                               r"{0,2} (?:cikarin|cikar|cikartin|cikart|silin|sil|cikmak "
                               r"istiyorum|cikmak|cikayim|cikiyorum|kaldirin|kaldir|cikarilmak|"
                               r"silinmek|cikarir misiniz|siler misiniz|cikarabilir misiniz|"
                               r"silebilir misiniz|cikarmanizi|silmenizi|ayrilmak)\b"),
    ("tr.beni-silin", C, r"\bbeni (?:\w+ ){0,2}(?:silin|sil|cikarin|cikartin|kaldirin|silebilir "
                         r"misiniz|cikarir misiniz|cikarabilir misiniz)\b|\b(?:numarami|"
                         r"numaramizi|bilgilerimi|verilerimi|mailimi|e postami|epostami|kaydimi|"
                         r"telefonumu|iletisim bilgilerimi) (?:\w+ ){0,2}(?:silin|sil|kaldirin|"
                         r"kaldir|cikarin|siliniz|silebilir misiniz|siler misiniz)\b"),
    ("tr.mesaj-gondermeyin", C, r"(?<!kargoyu )(?<!urunu )(?<!siparisi )(?<!paketi )\b(?:"
                                + _TR_NOUN + r"|bana|bize|artik|bir daha|hic|asla|daha fazla|bu "
                                r"numaraya|numarama|bundan sonra)(?: (?!kargo|urun|siparis|paket|"
                                r"fatura|hediye)\w+){0,3} (?:gondermeyin|"
                                r"gondermeyiniz|gonderme|atmayin|atmayiniz|atma|yollamayin|"
                                r"yollamayiniz|yollama|yazmayin|yazmayiniz|yazma|iletmeyin|"
                                r"iletmeyiniz|aramayin|aramayiniz)\b|\b(?:gondermeyin|"
                                r"gondermeyiniz|atmayin|atmayiniz|yollamayin|yazmayin|yazmayiniz|"
                                r"aramayin|aramayiniz) (?:bana|bize|artik|bir daha)\b"),
    ("tr.istemiyorum", C, r"\b" + _TR_NOUN + r"(?: \w+){0,4} (?:istemiyorum|istemiyoruz|istemem|"
                          r"gelmesin|gelmesini istemiyorum|almayayim)\b"),
    ("tr.birakin", C, r"\b(?:gondermeyi|atmayi|yollamayi|yazmayi|aramayi|rahatsiz etmeyi|"
                      r"gondermeye|spamlamayi)(?: \w+)? (?:birakin|birak|kesin|kes|durdurun|durdur|"
                      r"birakir misiniz|keser misiniz|birakiniz|kesiniz|birakabilir misiniz)\b"),
    ("tr.durdurun", C, r"\b" + _TR_NOUN + r"(?: \w+){0,2} (?:durdurun|durdur|kesin|kapatin|"
                       r"kapat|iptal edin|sonlandirin|engelleyin|durdurunuz|kesiniz|"
                       r"durdurabilir misiniz|kesebilir misiniz)\b"),
    ("tr.abonelik", C, r"\b(?:abonelikten (?:cik|cikmak|cikar|cikarin|cikis|cikiyorum|cikayim|"
                       r"ayrilmak)|aboneligimi (?:iptal|sonlandir|sonlandirin|kapatin)|abonelik "
                       r"(?:iptal|iptali)|uyeligimi (?:iptal|sonlandir|sonlandirin)|bultenden "
                       r"(?:cik|cikar|cikmak))\b"),
    ("tr.izin", C, r"\b(?:iznimi|onayimi|rizami)(?: \w+){0,2} (?:geri aliyorum|geri cekiyorum|"
                   r"iptal ediyorum|kaldiriyorum|iptal edin|kaldirin|geri alin|geri cekin)\b"),
    ("tr.iletisim", C, r"\b(?:iletisime|irtibata) (?:gecmeyin|gecmeyiniz|gecilmemesini|gecmeyi "
                       r"birakin)\b|\b(?:verilerimin|bilgilerimin|numaramin|kayitlarimin) "
                       r"(?:silinmesini|imha edilmesini)\b|\b(?:silinmemi|cikarilmami|silinmeyi|"
                       r"cikarilmayi) (?:\w+ )?(?:talep|istiyorum|rica)\b"),
    ("tr.sms-iptal", C, r"^(?:sms|mesaj|reklam|kampanya|bildirim|e posta|mail|bulten)[a-z]* "
                        r"(?:iptal|ret|durdur|kapat)(?: lutfen)?$"),
    ("tr.ret-marka", C, r"^ret (?!mi\b|mu\b|edildi\b|edilmis\b|oldu\b|etti\b)[a-z0-9]+$"),
    ("tr.artik-istemiyorum", L, r"\bartik (?:istemiyorum|ilgilenmiyorum)\b"),
    ("tr.rahatsiz-etmeyin", L, r"\b(?:rahatsiz etmeyin|rahatsiz etmeyiniz|rahatsiz etme|rahat "
                               r"birakin|rahat birakiniz|rahat birak|beni aramayin|taciz "
                               r"etmeyin)\b"),
    ("tr.yeter", L, r"\b(?:yeter|biktim|biktik|bikdim|usandim)\b(?: \w+){0,2} " + _TR_NOUN
                    + r"\b|\b" + _TR_NOUN + r" (?:\w+ )?(?:yeter|biktim|biktik|bikdim|usandim)\b|"
                    r"\bilgilenmiyorum (?:\w+ )?(?:yazmayin|yazmayiniz|aramayin|gondermeyin|"
                    r"atmayin)\b|\b(?:birakin artik|artik birakin)\b"),
    ("tr.yazmayin-alone", L, r"^(?:lutfen )?(?:yazmayin|yazmayiniz|aramayin|aramayiniz|"
                             r"gondermeyin|gondermeyiniz)(?: lutfen| artik)?$"),
    ("tr.yeter-alone", L, r"^(?:yeter|yeter artik|bu kadar yeter|biktim artik|yeter ama)$"),
    ("tr.rahatsiz-ediyor", L, r"\b" + _TR_NOUN + r" (?:\w+ ){0,2}rahatsiz (?:ediyor|"
                       r"ediyorsunuz)\b"),
    ("tr.durmayin", L, r"\b(?:arayip|yazip|atip|gonderip|rahatsiz edip) durmayin\b"),
    ("tr.durun", L, r"(?<!onunde )(?<!orada )(?<!burada )(?<!kapida )\b(?:durun|yeter)(?: artik| "
                    r"lutfen| ama| dedim)*$|\b(?:birakin|kesin) artik$"),
    ("tr.kac-kere", L, r"\b(?:kac|kacinci) (?:kere|kez|defa)\b.*\b(?:birakin|soyleyecegim|"
                       r"soyledim|yazmayin|"
                       r"gondermeyin|istemiyorum|cikarin|silin)\b"),
    ("tr.yanlis-numara", L, r"\b(?:yanlis numara|yanlis kisi|numara yanlis|benim numaram degil|"
                            r"numaram degil)\b|\bnumara (?:\w+ ){0,3}ait degil\b"),
    ("tr.uye-olmadim", L, r"\b(?:uye olmadim|kayit olmadim|abone olmadim|izin vermedim|onay "
                          r"vermedim|iznim yok|iznim olmadan)\b"),
    ("tr.nasil-cikarim", L, r"\b(?:abonelikten|listeden|listenizden|bultenden) (?:nasil )?"
                            r"(?:cikarim|cikabilirim|cikilir)\b"),
    ("tr.sikayet", L, r"\b(?:sikayet|sikayetci|btk|avukatima|dava)\b.*\b(?:devam ederseniz|devam "
                      r"ederse|birakmazsaniz|kesmezseniz)\b|\b(?:devam ederseniz|birakmazsaniz|"
                      r"kesmezseniz)\b.*\b(?:sikayet|sikayetci|btk|avukatima|dava)\b"),
    ("tr.olumsuz", VETO, r"\b(?:cikarmayin|silmeyin|cikartmayin|birakmayin|durdurmayin)\b|"
                         r"\b(?:yanlislikla|tekrar ekler)\b"),
    ("tr.fiyat", VETO, r"\b(?:bu fiyat|ne fiyat|harika|muthis|super fiyat|cok ucuz|vay)\b"),
    ("tr.cok-fazla", P, r"\bcok fazla " + _TR_MSG + r"\b"),
)
# fmt: on

#: Keywords that mean something else in ordinary sentences ("the sale ends", "cancel my order",
#: "el precio baja", "vou sair"): inside a sentence they never make a ``possible`` on their own.
WEAK_KEYWORDS: Final[frozenset[str]] = frozenset(
    {
        "end", "quit", "cancel", "remove", "revoke", "yes", "alto", "basta", "ferma", "cancella",
        "baja", "salir", "cancelar", "detener", "halt", "parar", "sair", "dur", "ret", "iptal",
        "stoppen", "avsluta", "arret", "arrete", "arrett", "opreste", "oprire", "rezygnuje",
        "rezygnacja", "austragen", "dezabonare",
    }
)  # fmt: skip


#: Courtesy words: a keyword with these only ("stop please", "bitte abmelden") is still certain.
def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


COURTESY: Final[frozenset[str]] = _wordset(
    """please pls plz plse thanks thank you thx ty now asap ok okay just
    per favore favore grazie prego por favor gracias ya s il vous plait svp stp merci
    bitte danke sofort por obrigado obrigada alsjeblieft alstublieft aub graag dank bedankt
    prosze dziekuje tack snalla tak venligst va rog multumesc lutfen tesekkurler tesekkur"""
)

_STOPWORDS: Final[frozenset[str]] = _wordset(
    """a an the to of me my us i we you u it is in on at for and or no not this that these
    your ur do don t s d m n de la le les des du un une et en je il mi ci di da non che per
    con lo gli el los las por que se te ne pas ich mich mir sie die der das und zu mit nicht
    nao o os as e ao meu minha eu ik me mij het een van niet op te nie z do na mnie mi jag
    mig inte att och pa jeg ikke med at og nu ma sa cu din beni bu ve"""
)
_WORD = re.compile(r"[a-z]{2,}")
_ESCAPE = re.compile(r"\\[A-Za-z]")


# --- Which words wake a rule up ------------------------------------------------------------------
# A rule runs only when the reply contains one of its *cues*: a set of whole words at least one of
# which every match contains. The cues are read off the pattern (a small parser of the subset of
# regular expressions the rules use); the smallest set of the least common words wins.

#: ("lit", text) | ("alt", [seq...]) | ("opt", item) | ("edge", None) | ("other", None)
_Item = tuple[str, object]
_COMMON: Final[frozenset[str]] = _wordset(
    "stop sms mail email spam more mas plus mehr meer mai piu please mesaje"
)


def _parse(src: str, at: int = 0) -> tuple[list[list[_Item]], int]:
    """The alternatives of ``src`` from ``at`` up to the closing parenthesis (or the end)."""
    alternatives: list[list[_Item]] = [[]]
    seq = alternatives[0]
    while at < len(src):
        char = src[at]
        if char == ")":
            return alternatives, at + 1
        if char == "|":
            seq = []
            alternatives.append(seq)
            at += 1
            continue
        item: _Item
        if char == "(":
            if src.startswith(("(?!", "(?=", "(?<!", "(?<="), at):
                _, at = _parse(src, at + (4 if src[at + 2] == "<" else 3))
                item = ("edge", None)
            else:
                inner, at = _parse(src, at + (3 if src.startswith("(?:", at) else 1))
                item = ("alt", inner)
        elif char == "\\":
            escaped = src[at + 1]
            item = ("edge", None) if escaped in "bB" else ("other", None)
            at += 2
        elif char in "^$":
            item, at = ("edge", None), at + 1
        elif char == "[":
            item, at = ("other", None), src.index("]", at + 2) + 1
        elif char == ".":
            item, at = ("other", None), at + 1
        else:
            item, at = ("lit", char), at + 1
        # quantifiers
        if at < len(src) and src[at] in "?*+{":
            if src[at] == "{":
                end = src.index("}", at)
                low = src[at + 1 : end].split(",")[0]
                at = end + 1
                optional = low in ("", "0")
            else:
                optional = src[at] in "?*"
                at += 1
            if at < len(src) and src[at] == "?":  # lazy
                at += 1
            if optional:
                item = ("opt", item)
        if item[0] == "lit" and seq and seq[-1][0] == "lit":
            seq[-1] = ("lit", str(seq[-1][1]) + str(item[1]))
        else:
            seq.append(item)
    return alternatives, at


def _edge_char(item: _Item, last: bool) -> str | None:
    kind, value = item
    if kind == "lit":
        text = str(value)
        return text[-1] if last else text[0]
    if kind == "opt":
        return _edge_char(value, last)  # type: ignore[arg-type]
    if kind == "alt":  # a word edge when every alternative starts (ends) with a space or an edge
        ends = set()
        for seq in value:  # type: ignore[attr-defined]
            end = seq[-1 if last else 0] if seq else ("edge", None)
            ends.add(" " if end[0] == "edge" else _edge_char(end, last))
        return " " if ends == {" "} else None
    return None


def _bounded(seq: list[_Item], i: int, step: int, edge_ok: bool) -> bool:
    """Whether the item before (step -1) or after (step +1) index ``i`` ends a word there."""
    j = i + step
    if j < 0 or j >= len(seq):
        return edge_ok
    kind = seq[j][0]
    if kind == "edge":
        return True
    char = _edge_char(seq[j], last=step < 0)
    if char != " ":
        return False
    return kind != "opt" or _bounded(seq, j, step, edge_ok)


def _seq_cues(seq: list[_Item], bounded_left: bool, bounded_right: bool) -> frozenset[str] | None:
    found: list[frozenset[str]] = []
    for i, (kind, value) in enumerate(seq):
        if kind == "lit":
            words = str(value).split(" ")
            for j, word in enumerate(words):
                left = j > 0 or _bounded(seq, i, -1, bounded_left)
                right = j < len(words) - 1 or _bounded(seq, i, 1, bounded_right)
                if word and left and right and word not in _STOPWORDS and _WORD.fullmatch(word):
                    found.append(frozenset({word}))
        elif (
            kind == "alt"
            and _bounded(seq, i, -1, bounded_left)
            and _bounded(seq, i, 1, bounded_right)
        ):
            union = _alt_cues(value)  # type: ignore[arg-type]
            if union is not None:
                found.append(union)
    if not found:
        return None
    return min(found, key=lambda cues: len(cues) + 20 * len(cues & _COMMON) - len(max(cues)) / 100)


def _alt_cues(alternatives: list[list[_Item]]) -> frozenset[str] | None:
    union: set[str] = set()
    for seq in alternatives:
        cues = _seq_cues(seq, True, True)
        if cues is None:
            return None
        union |= cues
    return frozenset(union)


def _cues(pattern: str) -> frozenset[str]:
    """Words at least one of which every match of ``pattern`` contains (failing that, every
    word it names but the commonest: a superset is safe, only slower)."""
    alternatives, _ = _parse(pattern)
    cues = _alt_cues(alternatives)
    if cues:
        return cues
    text = _ESCAPE.sub(" ", pattern)
    return frozenset(w for w in _WORD.findall(text) if w not in _STOPWORDS)


def rules_for(language: str) -> tuple[Rule, ...]:
    """The rules of ``language`` ("any": those of the universal STOP, always on)."""
    negations = tuple(f" {w} " for w in _NEG[language])
    return tuple(
        Rule(rule_id, band, pattern.replace("{NEG}", ""), negations if "{NEG}" in pattern else ())
        for rule_id, band, pattern in _RULES
        if rule_id.split(".", 1)[0] == language
    )


def _search(rule: Rule, compiled: re.Pattern[str], padded: str) -> bool:
    """Whether ``rule`` matches the space-padded reply, not right after a negation."""
    match = compiled.search(padded)
    if match is None or not rule.negations:
        return match is not None
    while match is not None:  # the matches finditer would give, without its iterator
        if not padded.endswith(rule.negations, 0, match.start() + 1):
            return True
        match = compiled.search(padded, match.end())
    return False


#: Rules that read a bare keyword as a request, which a question is not ("Stop, is it in stock?").
_NOT_FOR_QUESTIONS: Final[frozenset[str]] = frozenset({"any.keyword-at-start", "en.stop-this"})

_BAND_RANK: Final[dict[Band, int]] = {Band.CERTAIN: 0, Band.LIKELY: 1, Band.POSSIBLE: 2}


class ReplyClassifier:
    """Keywords and plain language together; immutable, built once per process.

    ``keywords``: the keyword policy (languages, extra keywords). ``plain_language``: False
    keeps the keyword rules of old (exact keywords act, a contained opt-out keyword is
    ``possible``). ``band_policy``: band -> handling (:data:`DEFAULT_BAND_POLICY`).
    """

    __slots__ = (
        "_band_policy",
        "_by_cue",
        "_contained",
        "_courtesy",
        "_exact",
        "_keywords",
        "_plain",
        "_rules",
        "_stop_language",
        "_strong",
        "_strong_first",
        "_vetoes",
    )

    def __init__(
        self,
        keywords: KeywordPolicy,
        *,
        plain_language: bool = True,
        band_policy: Mapping[Band, Handling] | None = None,
    ) -> None:
        self._keywords = keywords
        self._plain = plain_language
        self._band_policy = dict(band_policy or DEFAULT_BAND_POLICY)
        # Exact keywords, answered from a dict with their band and rule already set.
        self._exact: dict[str, KeywordMatch] = {}
        for word in keywords.keywords:
            match = keywords.classify(word)
            self._exact[word] = replace(match, band=Band.CERTAIN.value, rule=f"keyword:{word}")
        self._courtesy = COURTESY
        # Strong opt-out keywords by first word: (keyword, words in it), longest first.
        strong: dict[str, list[tuple[str, int]]] = {}
        for word in sorted(keywords.opt_out_keywords, key=len, reverse=True):
            if word not in WEAK_KEYWORDS:
                strong.setdefault(word.split(" ")[0], []).append((word, word.count(" ") + 1))
        self._strong = {first: tuple(found) for first, found in strong.items()}
        self._strong_first = frozenset(strong)
        self._contained = {
            word: replace(match, exact=False, band=Band.POSSIBLE.value, rule="contains-keyword")
            for word, match in self._exact.items()
        }
        self._stop_language = self._exact["stop"].language or ""
        rules: list[tuple[Rule, re.Pattern[str], str]] = []
        by_cue: dict[str, list[int]] = {}
        veto_by_cue: dict[str, list[int]] = {}
        if plain_language:
            for language in (*keywords.languages, "any"):
                for rule in rules_for(language):
                    index = len(rules)
                    for cue in _cues(rule.pattern):
                        (by_cue if rule.band else veto_by_cue).setdefault(cue, []).append(index)
                    # A universal rule speaks the language its keyword resolves to.
                    rules.append((rule, rule.compile(), language if language != "any" else ""))
        self._rules = tuple(rules)
        self._by_cue = {cue: tuple(sorted(set(ids))) for cue, ids in by_cue.items()}
        self._vetoes = {cue: tuple(sorted(set(ids))) for cue, ids in veto_by_cue.items()}

    def __repr__(self) -> str:
        return (
            f"ReplyClassifier({self._keywords!r}, plain_language={self._plain}, "
            f"rules={len(self.rules)})"
        )

    # -- what the rest of the code asks of a keyword policy -------------------------------------

    @property
    def keywords(self) -> KeywordPolicy:
        return self._keywords

    @property
    def languages(self) -> tuple[str, ...]:
        return self._keywords.languages

    @property
    def band_policy(self) -> Mapping[Band, Handling]:
        return dict(self._band_policy)

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The plain-language rules in force (vetoes not included)."""
        return tuple(r for r, _, _ in self._rules if r.band is not None)

    def keyword_intent(self, keyword: str) -> Intent:
        return self._keywords.keyword_intent(keyword)

    # -- hot path ---------------------------------------------------------------------------

    def handling(self, match: KeywordMatch) -> Handling:
        """What the policy does with ``match``: opt-outs by band; an exact opt-in acts (a
        contained one never does); help and everything else change nothing."""
        if match.intent is Intent.OPT_OUT:
            band = Band(match.band) if match.band else Band.POSSIBLE
            return self._band_policy[band]
        if match.intent is Intent.OPT_IN and match.exact:
            return Handling.ACT
        return Handling.NONE

    def classify(self, text: str) -> KeywordMatch:
        """Classify one reply. Never raises for any ``str``."""
        tokens = _tokens(text)
        if not tokens:
            return NO_MATCH
        normalised = " ".join(tokens)
        exact = self._exact.get(normalised)
        if exact is not None:
            return exact
        kept = [t for t in tokens if t not in self._courtesy]
        if kept and len(kept) < len(tokens):
            core = self._exact.get(" ".join(kept))
            if core is not None and core.intent is not Intent.OPT_IN:
                return replace(core, exact=False, rule=f"keyword+courtesy:{core.keyword}")
        if not self._plain:
            contained = self._keywords.classify(text)
            if contained.intent is Intent.OPT_OUT:
                return replace(contained, band=Band.POSSIBLE.value, rule="contains-keyword")
            return contained
        return self._plain_language(normalised, tokens, "?" in text)

    def _plain_language(self, normalised: str, tokens: list[str], question: bool) -> KeywordMatch:
        words = set(tokens)
        candidates: set[int] = set()
        by_cue = self._by_cue
        for token in words:  # (set.intersection(dict) would walk the whole dict)
            if token in by_cue:
                candidates.update(by_cue[token])
        best: tuple[Rule, str] | None = None
        best_rank = 3
        rules = self._rules
        padded = " " + normalised
        for index in sorted(candidates):
            rule, compiled, language = rules[index]
            assert rule.band is not None
            if question and rule.id in _NOT_FOR_QUESTIONS:
                continue
            rank = _BAND_RANK[rule.band]
            if rank < best_rank and _search(rule, compiled, padded):
                best, best_rank = (rule, language), rank
                if rank == 0:
                    break
        if best is not None and best_rank == 0:
            return self._found(*best)
        # Only a weaker signal is left: a veto ("stop by", "don't stop", "by mistake") silences it.
        vetoes: set[int] = set()
        veto_by_cue = self._vetoes
        for token in words:
            if token in veto_by_cue:
                vetoes.update(veto_by_cue[token])
        for index in vetoes:
            rule, compiled, _ = rules[index]
            if _search(rule, compiled, padded):
                return NO_MATCH
        if best is not None:
            return self._found(*best)
        if question:
            return NO_MATCH  # "when do you stop serving breakfast?": a question, not a request
        # A strong opt-out keyword inside the sentence, the first one (the longest at that word).
        strong = self._strong
        if words.isdisjoint(self._strong_first):
            return NO_MATCH
        for i, token in enumerate(tokens):
            for keyword, length in strong.get(token, ()):
                if length == 1 or " ".join(tokens[i : i + length]) == keyword:
                    return self._contained[keyword]
        return NO_MATCH

    def _found(self, rule: Rule, language: str) -> KeywordMatch:
        return KeywordMatch(
            Intent.OPT_OUT, False, None, language or self._stop_language, None, rule.band, rule.id
        )


def supported(languages: Iterable[str]) -> tuple[str, ...]:
    """``languages`` checked (``all`` is every supported language), or a ValueError."""
    wanted = [language.strip().lower() for language in languages if language.strip()]
    if wanted == ["all"]:
        return SUPPORTED_LANGUAGES
    return KeywordPolicy(wanted).languages
