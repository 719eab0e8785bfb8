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
    ("de.abmelden", C, r"{NEG}\b(?:melden sie mich (?:bitte )?ab|melde mich (?:bitte )?ab|meldet "
                       r"mich (?:bitte )?ab|mich abmelden|mich austragen|tragen sie mich (?:bitte "
                       r")?aus|tragt mich aus|abmelden|abbestellen|austragen|abmeldung|"
                       r"abbestellung)\b"),
    ("de.keine-mehr", C, r"\b(?:keine|keinerlei) (?:weiteren |weitere )?" + _DE_MSG
                         + r" mehr\b|\bnichts mehr\b.*\b(?:schicken|senden|schreiben)\b"),
    ("de.nicht-mehr-schreiben", C, r"\b(?:nicht mehr|nie wieder) (?:schreiben|kontaktieren|"
                                   r"anschreiben|schicken|senden|belastigen|zuschicken|"
                                   r"zusenden)\b|\b(?:schreib|schreibt|schreiben sie|schick|"
                                   r"schickt|schicken sie|sendet|senden sie) mir (?:nicht mehr|"
                                   r"keine|nichts mehr)\b"),
    ("de.hort-auf", C, r"\b(?:hort|horen sie|hor|hoert|hoeren sie) (?:endlich )?(?:auf|damit auf)"
                       r"\b.*\b(?:schreiben|schicken|senden|nerven|spammen|belastigen|sms|"
                       r"nachrichten|kontaktieren|anzuschreiben|anzurufen|zu kontaktieren)\b"),
    ("de.entfernen", C, r"\b(?:entfernen|loschen|streichen|nehmen) sie (?:mich|meine nummer|"
                        r"meine daten|meinen kontakt)\b|\b(?:entfernt|loscht|streicht) (?:mich|"
                        r"meine nummer)\b"),
    ("de.keine-werbung", L, r"^(?:bitte )?(?:keine|kein) " + _DE_MSG + r"(?: bitte| danke)?$"),
    ("de.in-ruhe", L, r"\b(?:lassen sie mich|lasst mich|lass mich) in ruhe\b"),
    ("de.kein-interesse", L, r"\b(?:kein interesse|nicht interessiert)\b"),
    ("de.falsche-nummer", L, r"\bfalsche nummer\b"),
    ("de.nie-angemeldet", L, r"\bnie (?:angemeldet|registriert|eingetragen|zugestimmt)\b"),
    ("de.wie-abmelden", L, r"\bwie (?:kann ich mich|melde ich mich) (?:abmelden|ab)\b"),
    ("de.nicht-abmelden", VETO, r"\b(?:nicht|nie) (?:abmelden|austragen|abbestellen|stoppen)\b|"
                                r"\bversehen\b"),
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
    ("nl.geen-meer", C, r"\b(?:geen|niet langer|nooit meer) (?:sms|smsjes|berichten|berichtjes|"
                        r"mails|e mails|emails|reclame|nieuwsbrief|aanbiedingen|appjes|"
                        r"whatsapps|spam)(?: meer)?\b.*\b(?:meer|ontvangen|sturen|toesturen)\b"),
    ("nl.stuur-me-geen", C, r"\b(?:stuur|stuurt|sturen|app|mail|bel) (?:me|mij|ons) (?:geen|"
                            r"niets|niks|niet) ?(?:meer|berichten|sms|smsjes|reclame)?\b"),
    ("nl.schrijf-me-uit", C, r"{NEG}\b(?:schrijf|schrijft|meld|meldt) (?:me|mij|ons) (?:uit|af)\b"
                             r"|{NEG}\b(?:uitschrijven|afmelden|afmelding|uitschrijving)\b"),
    ("nl.verwijder-me", C, r"{NEG}\b(?:verwijder|verwijderen|haal|schrap) (?:me|mij|mijn nummer|"
                           r"mijn gegevens)\b"),
    ("nl.stop-met", C, r"{NEG}\b(?:stop|stoppen|stopt|hou op|houd op) (?:maar |nu |alsjeblieft |"
                       r"aub )?"
                       r"met (?:sturen|smsen|sms en|berichten|appen|mailen|spammen|me|mij|het "
                       r"sturen|die|deze|jullie)\b"),
    ("nl.laat-me-met-rust", L, r"\blaat (?:me|mij|ons) (?:met rust|in rust|gerust)\b"),
    ("nl.geen-interesse", L, r"\b(?:geen interesse|niet geinteresseerd)\b"),
    ("nl.verkeerd-nummer", L, r"\b(?:verkeerd nummer|verkeerde nummer)\b"),
    ("nl.nooit-aangemeld", L, r"\bnooit (?:aangemeld|ingeschreven|toestemming)\b"),
    ("nl.te-veel", P, r"\b(?:te veel|teveel) (?:sms|smsjes|berichten|mails|reclame)\b"),
    ("nl.niet-stoppen", VETO, r"\b(?:niet stoppen|stop niet|stoppen niet|niet afmelden|niet "
                              r"uitschrijven)\b"),
    # ---- Polish -----------------------------------------------------------------------------
    ("pl.wypisz-mnie", C, r"{NEG}\b(?:wypisz|wypiszcie|wypisac|wypisanie|usun|usuncie|usunac|"
                          r"usuniecie|wykresl|wykreslcie|wykreslic|skasujcie|skasuj) (?:mnie|moj "
                          r"numer|moje dane|moj kontakt|z listy|z bazy)\b|\bmnie (?:wypisac|"
                          r"usunac|wykreslic)\b"),
    ("pl.nie-piszcie", C, r"\bnie (?:piszcie|pisz|wysylajcie|wysylaj|przysylajcie|przysylaj|"
                          r"spamujcie|dzwoncie|zawracajcie) (?:do mnie|mi|juz|wiecej|tu|na ten "
                          r"numer)\b"),
    ("pl.prosze-nie", C, r"\bprosze (?:o )?nie (?:wysylac|pisac|przysylac|dzwonic|spamowac|"
                         r"kontaktowac|wysylanie)\b"),
    ("pl.nie-chce", C, r"\bnie chce (?:juz |wiecej |dostawac |otrzymywac |zadnych |tych |"
                       r"waszych )*" + _PL_MSG + r"\b"),
    ("pl.przestancie", C, r"{NEG}\b(?:przestancie|przestan|prosze przestac|dosc|koniec z|koniec|"
                          r"stop|skonczcie z) (?:mi |do mnie |z )?(?:pisac|wysylac|przysylac|"
                          r"spamowac|dzwonic|wysylania|pisania|" + _PL_MSG + r")\b"),
    ("pl.rezygnuje", C, r"\b(?:rezygnuje|rezygnacja|rezygnacje) (?:z )?(?:subskrypcji|"
                        r"newslettera|listy|" + _PL_MSG + r")\b"),
    ("pl.nie-chce-alone", L, r"^nie chce(?: juz)?(?: tego| tych)?(?: dziekuje)?$"),
    ("pl.dajcie-spokoj", L, r"\b(?:dajcie|daj) mi (?:spokoj|swiety spokoj)\b"),
    ("pl.nie-interesuje", L, r"\b(?:nie jestem zainteresowany|nie jestem zainteresowana|"
                             r"nie interesuje mnie|nie interesuja mnie)\b"),
    ("pl.zly-numer", L, r"\b(?:zly numer|pomylka)\b"),
    ("pl.nie", VETO, r"\bnie (?:wypisujcie|przestawajcie|usuwajcie|wypisuj)\b"),
    ("pl.za-duzo", P, r"\b(?:za duzo|za wiele) " + _PL_MSG + r"\b"),
    # ---- Swedish ----------------------------------------------------------------------------
    ("sv.sluta-skicka", C, r"{NEG}\b(?:sluta|sluta att) (?:skicka|smsa|messa|maila|mejla|hora av "
                           r"er|kontakta|spamma|ringa|skriva)\b"),
    ("sv.avregistrera-mig", C, r"{NEG}\b(?:avregistrera|avsluta|ta bort|stryk|avanmal|avanmala|"
                               r"radera) (?:mig|mitt nummer|min prenumeration|mina uppgifter)\b"),
    ("sv.inga-fler", C, r"\b(?:inga fler |inte fler |inga mer |(?:inte ha|inte fa) (?:nagra |fler |"
                        r"mer |era )+)" + _SV_MSG + r"\b"),
    ("sv.vill-avsluta", C, r"\bvill (?:avregistrera|avsluta|avanmala|sluta fa|inte fa|inte ha) "
                           r"(?:mig|prenumerationen|min prenumeration|" + _SV_MSG + r")\b"),
    ("sv.inga-sms", L, r"^(?:inga|ingen) " + _SV_MSG + r"(?: tack)?$"),
    ("sv.lat-mig-vara", L, r"\blat mig vara(?: ifred| i fred)?\b"),
    ("sv.inte-intresserad", L, r"\binte (?:intresserad|intresserade)\b"),
    ("sv.fel-nummer", L, r"\bfel nummer\b"),
    ("sv.inte", VETO, r"\b(?:avregistrera|stoppa|ta bort|sluta) (?:mig )?inte\b|\binte "
                      r"(?:avregistrera|stoppa|sluta)\b"),
    ("sv.for-manga", P, r"\bfor manga " + _SV_MSG + r"\b"),
    # ---- Danish -----------------------------------------------------------------------------
    ("da.afmeld-mig", C, r"{NEG}\b(?:afmeld|frameld|fjern|slet|afmelde|framelde) (?:venligst |"
                         r"lige )?(?:mig|mit nummer|mine oplysninger)\b(?! ikke)"),
    ("da.stop-med-at", C, r"\b(?:stop|hold op|lad vaere|stoppe) med at (?:sende|skrive|sms e|"
                          r"smse|kontakte|spamme|ringe)\b"),
    ("da.vil-ikke-have", C, r"\bvil ikke (?:have|modtage|fa) (?:flere|mere|nogen|jeres|nogle) "
                            + _DA_MSG + r"\b"),
    ("da.ingen-flere", C, r"\bingen (?:flere|mere) " + _DA_MSG + r"\b"),
    ("da.lad-mig-vaere", L, r"\blad mig vaere(?: i fred)?\b"),
    ("da.ikke-interesseret", L, r"\bikke interesseret\b"),
    ("da.forkert-nummer", L, r"\bforkert nummer\b"),
    ("da.ikke", VETO, r"\b(?:afmeld|stop|frameld) (?:mig )?ikke\b"),
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
    ("tr.listeden-cikarin", C, r"\b(?:listeden|listenizden|listenden|listelerinizden) "
                               r"(?:cikarin|cikar|cikartin|silin|sil|cikmak istiyorum|cikmak)\b"),
    ("tr.beni-silin", C, r"\bbeni (?:silin|cikarin|cikartin)\b|\bnumarami (?:silin|"
                         r"sil|kaldirin)\b"),
    ("tr.mesaj-gondermeyin", C, r"\b(?:reklam |kampanya )?" + _TR_MSG + r" (?:gondermeyin|"
                                r"gonderme|atmayin|atma|yollamayin|yollama|istemiyorum|"
                                r"gelmesin)\b"),
    ("tr.abonelik", C, r"\b(?:abonelikten (?:cik|cikmak|cikar|cikarin|cikis)|aboneligimi iptal|"
                       r"abonelik iptal|uyeligimi iptal)\b"),
    ("tr.artik-istemiyorum", L, r"\bartik (?:istemiyorum|gondermeyin|yazmayin)\b"),
    ("tr.rahatsiz-etmeyin", L, r"\b(?:rahatsiz etmeyin|rahatsiz etme|beni aramayin)\b"),
    ("tr.ilgilenmiyorum", L, r"\bilgilenmiyorum\b"),
    ("tr.yanlis-numara", L, r"\byanlis numara\b"),
    ("tr.olumsuz", VETO, r"\b(?:cikarmayin|silmeyin|cikartmayin)\b"),
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
    if not rule.negations:
        return compiled.search(padded) is not None
    for match in compiled.finditer(padded):
        if not padded.endswith(rule.negations, 0, match.start() + 1):
            return True
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
