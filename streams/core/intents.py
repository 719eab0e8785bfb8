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
    r"newsletters|newsletter|updates)"
)
_EN_SEND = (
    r"(?:texting|txting|messaging|msging|sending|emailing|contacting|calling|spamming|"
    r"bothering|harassing|pestering|mailing)"
)
_IT_MSG = (
    r"(?:messaggi|messaggio|sms|email|mail|pubblicita|promozioni|offerte|newsletter|notifiche|"
    r"spam|comunicazioni)"
)
_ES_MSG = (
    r"(?:mensajes|mensaje|sms|correos|correo|emails|publicidad|promociones|ofertas|"
    r"notificaciones|spam|whatsapps)"
)
_FR_MSG = r"(?:sms|messages|message|mails|mail|emails|e mails|pubs|pub|publicites|promos|offres)"
_DE_MSG = (
    r"(?:sms|nachrichten|nachricht|werbung|mails|emails|e mails|newsletter|angebote|"
    r"werbenachrichten|werbe sms|spam)"
)
_PT_MSG = (
    r"(?:mensagens|mensagem|sms|emails|e mails|promocoes|propaganda|propagandas|publicidade|"
    r"ofertas|spam|notificacoes)"
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
_RO_MSG = r"(?:mesaje|mesajele|sms|sms uri|sms urile|reclame|reclamele|oferte|notificari|emailuri)"
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
                             r"remove|delete|drop|erase) (?:me|us|my number|this number)\b"),
    ("en.opt-me-out", C, r"{NEG}\bopt (?:me|us|my number) out\b"),
    ("en.take-me-off", C, r"{NEG}\b(?:take|get|remove|delete|drop|erase|cross|scratch) (?:me|us|"
                          r"my number|this number|my name|my phone number|my email|my details) "
                          r"(?:off|from|out of)\b"),
    ("en.off-your-list", C, r"\b(?:off|from) (?:your|the|this|ur|yr|all your|ya) (?:mailing |"
                            r"texting |sms |contact |marketing |distribution |call )?"
                            r"(?:list|lists|database|system)\b"),
    ("en.stop-sending", C, r"{NEG}\b(?:stop|quit|cease|end) (?:all |the )?" + _EN_SEND + r"\b"),
    ("en.stop-the-texts", C, r"{NEG}\b(?:stop|quit|end|cancel|enough|no more) (?:with )?(?:the |"
                             r"these |those |your |all |all the |all these |this |ur )?"
                             + _EN_MSG + r"\b"),
    ("en.dont-text-me", C, r"\b(?:don t|dont|do not|pls don t|please don t|never) (?:ever )?"
                           r"(?:text|txt|message|msg|sms|email|e mail|contact|call|send|bother|"
                           r"spam|write to|write|reach out to|ping) (?:me|us|this number|"
                           r"my number|here)\b"),
    ("en.dont-want", C, r"\b(?:don t|dont|do not|no longer|never) (?:want|wish|need|like) (?:to "
                        r"(?:receive|get|be getting|get any|hear from you)|(?:any )?more|these|"
                        r"your|"
                        r"any|those|the|this|ur|u)\b(?:.*\b" + _EN_MSG + r"\b|.*\bfrom (?:you|u|"
                        r"your company)\b|.*\b(?:anymore|any more)\b)"),
    ("en.no-more", C, r"\bno (?:more|further) " + _EN_MSG + r"\b"),
    ("en.want-to-unsubscribe", C, r"\b(?:want|wish|like|need|wanna|trying|going) to (?:opt out|"
                                  r"optout|unsubscribe|unsub|be removed|be taken off|stop "
                                  r"(?:receiving|getting|these|this|the|your)|cancel (?:these|"
                                  r"this|the|my|your) " + _EN_MSG + r")\b"),
    ("en.unsubscribe-word", C, r"{NEG}\b(?:please |pls )?(?:unsubscribe|unsub|opt out|optout|"
                               r"stopall|stop all)(?: me| now| please| pls| thanks| asap| from "
                               r"(?:this|these|all|your|the)\b|$)"),
    ("en.sign-me-out", C, r"{NEG}\b(?:sign|count|leave) (?:me|us) out\b"),
    ("en.leave-me-alone", L, r"\b(?:leave me alone|leave us alone|go away|piss off|get lost|"
                             r"f off|bugger off)\b"),
    ("en.not-interested", L, r"^(?:i m |im |i am |am |we re |were |we are |sorry |nope |no |"
                             r"no thanks |no thank you )*not interested(?: anymore| any more| "
                             r"thanks| thank you| thx| sorry| at all| in this| in these| in your "
                             r"\w+)*$"),
    ("en.wrong-number", L, r"\bwrong (?:number|person|phone number|no)\b"),
    ("en.never-signed-up", L, r"\b(?:never|didn t|didnt|did not) (?:sign|signed|subscribe|"
                              r"subscribed|opt|opted|agree|agreed|consent|consented|ask|asked)"
                              r"(?: up)?(?: for| to)?(?: this| these| your| ur| any)\b"),
    ("en.how-unsubscribe", L, r"\bhow (?:do|can|would|should) (?:i|we|u|you) (?:unsubscribe|unsub|"
                              r"opt out|stop (?:these|this|the|getting|receiving|your|all)|get off|"
                              r"be removed)\b"),
    ("en.stop-this", L, r"{NEG}\b(?:stop|quit) (?:this|it|that|now|already|immediately)\b"
                        r"(?! (?:s|from|is|was|happening|hurting|again|with the)\b)"),
    ("en.complaint", P, r"\b(?:too many|so many|way too many|constant|stupid|annoying) " + _EN_MSG
                        + r"\b|\b(?:this is spam|spam|spammer|spamming|harassment)\b"),
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
                         r"levatemi|levami|disiscrivermi|cancellarmi)\b"),
    ("it.non-scrivetemi-piu", C, r"\bnon (?:mi |ci )?(?:scrivete|scrivetemi|scrivermi|scrivere|"
                                 r"mandate|mandatemi|mandarmi|mandare|inviate|inviatemi|inviarmi|"
                                 r"inviare|contattate|contattatemi|contattarmi|disturbate|"
                                 r"disturbatemi|cercatemi|chiamatemi|scrivi|mandi|mandarmi)\b"
                                 r"(?:.*\b(?:piu|mai piu|" + _IT_MSG + r")\b)"),
    ("it.non-voglio-piu", C, r"\bnon (?:voglio|desidero|vorrei) (?:piu |ricevere |altri |altre )*"
                             r"(?:ricevere|essere contattato|essere contattata|essere disturbato|"
                             r"essere disturbata|" + _IT_MSG + r")\b"),
    ("it.basta-messaggi", C, r"{NEG}\b(?:basta|stop|smettetela|smettete|finitela) (?:con |di "
                             r"mandare |di inviare |di scrivere )?(?:i |le |questi |queste |gli |"
                             r"tutti |tutte |mandarmi |inviarmi |scrivermi )?(?:" + _IT_MSG
                             + r"|mandare|inviare|scrivere|scrivermi|mandarmi|inviarmi)\b"),
    ("it.voglio-disiscrivermi", C, r"\b(?:voglio|vorrei|desidero) (?:disiscrivermi|cancellarmi|"
                                   r"annullare l iscrizione|essere rimosso|essere rimossa|"
                                   r"essere cancellato|essere cancellata|uscire dalla lista|"
                                   r"la disiscrizione)\b"),
    ("it.togliete-numero", C, r"\b(?:togliete|rimuovete|cancellate|eliminate) (?:il )?(?:mio )?"
                              r"(?:numero|contatto)\b"),
    ("it.smettete-di", C, r"{NEG}\b(?:smettete|smettetela|smettila|smetti|smettere|finitela|basta) "
                          r"di (?:mandare|mandarmi|inviare|inviarmi|scrivere|scrivermi|contattarmi|"
                          r"disturbarmi|spammare|mandarci|scriverci)\b"),
    ("it.lasciatemi-in-pace", L, r"\b(?:lasciatemi|lasciami) in pace\b"),
    ("it.non-interessa", L, r"\bnon (?:mi interessa|mi interessano|sono interessato|sono "
                            r"interessata)\b"),
    ("it.numero-sbagliato", L, r"\bnumero sbagliato\b"),
    ("it.mai-iscritto", L, r"\bnon mi sono mai (?:iscritto|iscritta|registrato|registrata)\b"),
    ("it.come-disiscrivermi", L, r"\bcome (?:faccio a |posso )?(?:disiscrivermi|cancellarmi)\b"),
    ("it.troppi", P, r"\b(?:troppi|troppe) " + _IT_MSG + r"\b"),
    ("it.non-smettete", VETO, r"\bnon (?:smettete|smettere|fermatevi|cancellate)\b"),
    # ---- Spanish ----------------------------------------------------------------------------
    ("es.darme-de-baja", C, r"{NEG}\b(?:darme|me doy|me quiero dar|dame|denme|darse|darnos|"
                            r"me den|me das|me di|me he dado|denos) de baja\b|\bdar de baja "
                            r"(?:mi|este) (?:numero|telefono|movil|correo)\b"),
    ("es.no-me-envien", C, r"\bno (?:me |nos )?(?:envien|manden|escriban|mandes|envies|escribas|"
                           r"contacten|molesten|llamen|sigan enviando|sigan mandando|"
                           r"envieis|mandeis|escribais)\b.*\b(?:mas|nunca)\b"),
    ("es.no-quiero", C, r"\bno (?:quiero|deseo|quiero seguir|deseo seguir) (?:recibir |mas |"
                        r"recibiendo )*" + _ES_MSG + r"\b"),
    ("es.no-mas", C, r"\b(?:no mas|basta de|alto a|stop a|stop|basta|nada mas de) " + _ES_MSG
                     + r"\b"),
    ("es.borrenme", C, r"{NEG}\b(?:borrenme|eliminenme|quitenme|sacadme|sacame|sacenme|saquenme|"
                       r"borrame|"
                       r"eliminame|quitame|borradme|eliminadme|quitadme)\b"),
    ("es.dejen-de", C, r"{NEG}\b(?:dejen|deja|dejad|dejar) de (?:enviar|mandar|escribir|molestar|"
                       r"enviarme|mandarme|escribirme|contactarme|llamarme)\b"),
    ("es.quiero-baja", C, r"\b(?:quiero|deseo|quisiera|solicito) (?:la |mi )?(?:baja|"
                          r"darme de baja|desuscribirme|desuscribir|salir de la lista|que me "
                          r"eliminen|que me borren|cancelar (?:la |mi )?suscripcion(?:$| (?:a "
                          r"los|de los|a las|de las) " + _ES_MSG + r"))\b"),
    ("es.de-la-lista", C, r"{NEG}\b(?:eliminar|eliminen|elimine|borrar|borren|borre|quitar|quiten|"
                          r"quite|sacar|saquen|saque)\b.*\bde (?:la|su|vuestra|tu|esta|sus) "
                          r"(?:lista|listas|base de datos)\b(?! vip)"),
    ("es.eliminen-numero", C, r"{NEG}\b(?:eliminen|elimine|borren|borre|quiten|quite|eliminar|"
                              r"borrar|quitar|dar de baja) (?:mi|este) (?:numero|telefono|movil|"
                              r"correo|contacto)\b"),
    ("es.dejenme-en-paz", L, r"\b(?:dejenme|dejame|dejadme) en paz\b"),
    ("es.no-me-interesa", L, r"\bno (?:me interesa|me interesan|estoy interesado|estoy interesada)"
                             r"\b"),
    ("es.numero-equivocado", L, r"\b(?:numero equivocado|numero incorrecto)\b"),
    ("es.nunca-me-suscribi", L, r"\bnunca me (?:suscribi|inscribi|registre|apunte)\b"),
    ("es.no-mas-alone", L, r"^(?:no mas|ya no mas)(?: por favor| gracias)?$"),
    ("es.como-baja", L, r"\bcomo (?:me doy|puedo darme|doy) de baja\b"),
    ("es.demasiados", P, r"\bdemasiados " + _ES_MSG + r"\b"),
    ("es.no-dejen", VETO, r"\bno (?:dejen|dejes|dejeis) de\b"),
    # ---- French -----------------------------------------------------------------------------
    ("fr.ne-m-envoyez-plus", C, r"\bne (?:m |me |nous )?(?:envoyez|envoie|envoyer|ecrivez|"
                                r"ecris|ecrire|contactez|contacte|contacter|appelez|appeler|"
                                r"spammez|derangez|deranger) (?:plus|jamais)\b"),
    ("fr.ne-plus-m-envoyer", C, r"\bne plus (?:m |me )?(?:envoyer|ecrire|contacter|recevoir|"
                                r"deranger)\b"),
    ("fr.je-ne-veux-plus", C, r"\bne (?:veux|souhaite|desire|voudrais|veut) plus (?:recevoir|"
                              r"de|d|vos|ces|vous|aucun|aucune|rien|etre)\b"),
    ("fr.desabonnez-moi", C, r"\b(?:desabonnez|desinscrivez|retirez|supprimez|enlevez|rayez|"
                             r"desabonne|desinscris|retire|supprime|enleve|effacez) moi\b"),
    ("fr.me-desabonner", C, r"{NEG}\b(?:me desabonner|me desinscrire|etre desabonne|etre "
                            r"desabonnee|etre desinscrit|etre desinscrite|etre retire|etre "
                            r"retiree|etre supprime|etre supprimee|desabonnement|desinscription)"
                            r"\b"),
    ("fr.arretez-de", C, r"{NEG}\b(?:arretez|arrete|arreter|cessez|stop|stoppez) (?:de |d )?"
                         r"(?:m |me |nous )?(?:envoyer|ecrire|spammer|harceler|contacter|"
                         r"appeler|deranger|m envoyer|m ecrire|vos|les|ces|ses)\b"),
    ("fr.stop-aux", C, r"\b(?:stop|arret|assez|marre) (?:aux|des|de vos|de ces|avec les|avec vos|"
                       r"de|a vos|la|les|vos|ces) " + _FR_MSG + r"\b"),
    ("fr.de-votre-liste", C, r"\b(?:de|sur) (?:votre|la|vos|cette) (?:liste|fichier|base|listes)"
                             r"(?: de diffusion| de contacts)?\b.*\b(?:retirer|supprimer|"
                             r"enlever|effacer|desinscrire|sortir)\b|\b(?:retirer|supprimer|"
                             r"enlever|effacer|rayer|sortir)\b.*\b(?:de|sur) (?:votre|la|vos|"
                             r"cette) (?:liste|fichier|base|listes)\b"),
    ("fr.retirez-mon-numero", C, r"{NEG}\b(?:retirez|supprimez|effacez|enlevez|rayez|retire|"
                                 r"supprime|efface|enleve) (?:mon numero|mes coordonnees|mon "
                                 r"contact|mon adresse|mes donnees)\b"),
    ("fr.laissez-moi", L, r"\b(?:laissez moi tranquille|laisse moi tranquille|foutez moi la paix|"
                          r"fichez moi la paix|laissez moi en paix)\b"),
    ("fr.pas-interesse", L, r"\bpas (?:interesse|interessee|interesses|interessant pour moi)\b|"
                            r"\bca ne m interesse (?:pas|plus)\b"),
    ("fr.mauvais-numero", L, r"\b(?:mauvais numero|faux numero|erreur de numero)\b"),
    ("fr.jamais-inscrit", L, r"\bjamais (?:inscrit|inscrite|abonne|abonnee)\b"),
    ("fr.comment-desabonner", L, r"\bcomment (?:me |se |on se |je me )?(?:desabonner|"
                                 r"desinscrire|arreter (?:ces|les|vos))\b"),
    ("fr.trop-de", P, r"\btrop de " + _FR_MSG + r"\b"),
    ("fr.arret-de-bus", VETO, r"\barret (?:de bus|du bus|de travail|maladie|de tram|du tram)\b|"
                              r"\b(?:n arretez pas|n arrete pas|ne vous arretez pas)\b"),
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
    ("de.wie-abmelden", P, r"\bwie (?:kann ich mich|kann man sich|melde ich mich|trage ich mich|"
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
                           r"descadastro|descadastramento|descadastrar me|me descadastrem)\b"),
    ("pt.sair-da-lista", C, r"{NEG}\b(?:sair|saia|retirar|retire|tirar|tire|tirem|remover|remova|"
                            r"removam|excluir|exclua|excluam|apagar|apague|apaguem)\b.*\b(?:da|"
                            r"desta|dessa|de sua|da sua|da vossa) (?:lista|base|newsletter|"
                            r"mailing)\b(?! vip)"),
    ("pt.tire-me", C, r"{NEG}\b(?:tire|tirem|remova|removam|exclua|excluam|apague|apaguem|retire|"
                      r"retirem) (?:me|o meu numero|meu numero|o meu contato|meu contato)\b"),
    ("pt.nao-mande-mais", C, r"\bnao (?:me )?(?:mande|mandem|envie|enviem|manda|envia|escreva|"
                             r"escrevam|contate|contatem|ligue|liguem|incomode|incomodem|"
                             r"perturbe)\b.*\b(?:mais|nunca)\b"),
    ("pt.nao-quero", C, r"\bnao (?:quero|desejo|gostaria de) (?:mais |receber |continuar "
                        r"recebendo |continuar a receber )*(?:receber|" + _PT_MSG + r")\b"),
    ("pt.parem-de", C, r"{NEG}\b(?:parem|pare|para|parar) de (?:me )?(?:mandar|enviar|mandarem|"
                       r"enviarem|escrever|encher|perturbar|incomodar|ligar|spammar)\b"),
    ("pt.chega-de", C, r"\b(?:chega de|basta de|stop|chega|parem com as|parem as) " + _PT_MSG
                       + r"\b"),
    ("pt.quero-sair", C, r"\b(?:quero|desejo|gostaria de) (?:me descadastrar|ser removido|ser "
                         r"removida|cancelar (?:a |minha )?(?:inscricao|assinatura)(?:$| (?:das|"
                         r"de|dos) " + _PT_MSG + r"))\b"),
    ("pt.me-deixem", L, r"\b(?:me deixem|me deixe|deixem me|deixe me) em paz\b"),
    ("pt.sem-interesse", L, r"\bnao (?:tenho interesse|me interessa|estou interessado|estou "
                            r"interessada)\b"),
    ("pt.numero-errado", L, r"\bnumero errado\b"),
    ("pt.nunca-me-cadastrei", L, r"\bnunca me (?:cadastrei|inscrevi|registrei)\b"),
    ("pt.como-sair", L, r"\bcomo (?:faco para |eu )?(?:me descadastr|descadastrar|sair da lista)"),
    ("pt.nao-parem", VETO, r"\bnao (?:parem|pare|para) de\b"),
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
    ("nl.hoe-afmelden", P, r"\bhoe (?:kan ik|kun je|moet ik|doe ik|meld ik|schrijf ik)(?: (?:me|"
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
    ("pl.jak-wypisac", P, r"\bjak (?:sie |moge sie |mam sie |mozna sie |moge |mam )?(?:wypisac|"
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
    ("sv.hur-avregistrera", P, r"\bhur (?:avregistrerar|avanmaler|avslutar|stoppar|slutar) "
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
    ("da.hvordan-afmelde", P, r"\bhvordan (?:afmelder|framelder|melder) (?:jeg|man|vi)(?: (?:mig|"
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
    ("ro.nu-mai-trimiteti", C, r"\bnu (?:mi |imi |ne )?mai (?:trimiteti|trimite|scrieti|scrie|"
                               r"contactati|sunati|deranjati|vreau|doresc)\b"),
    ("ro.dezabonati-ma", C, r"{NEG}\b(?:ma dezabonez|dezabonati ma|dezaboneaza ma|dezabonati mi|"
                            r"dezabonare|dezabonarea|ma dezabonati|dezabonez)\b"),
    ("ro.stergeti-ma", C, r"{NEG}\b(?:stergeti|sterge|scoateti|scoate|eliminati) (?:ma|numarul "
                          r"meu|datele mele)\b"),
    ("ro.opriti", C, r"{NEG}\b(?:opriti|oprire|opreste|stop|gata cu|ajunge cu) (?:mesajele|" +
                     r"sms urile|sms|reclamele|trimiterea|spam|mesaje|reclame)\b"),
    ("ro.lasati-ma", L, r"\b(?:lasati ma|lasa ma) (?:in pace|naibii)\b"),
    ("ro.nu-interesat", L, r"\bnu (?:sunt interesat|sunt interesata|ma intereseaza)\b"),
    ("ro.numar-gresit", L, r"\bnumar gresit\b"),
    ("ro.nu", VETO, r"\bnu (?:ma |mi )?(?:dezabonati|opriti|stergeti|va opriti)\b"),
    ("ro.prea-multe", P, r"\bprea multe " + _RO_MSG + r"\b"),
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
    ("tr.nasil-cikarim", P, r"\b(?:abonelikten|listeden|listenizden|bultenden) (?:nasil )?"
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
        "stoppen", "avsluta", "arret", "arrete", "arrett", "opreste", "rezygnuje",
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
