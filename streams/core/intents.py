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
