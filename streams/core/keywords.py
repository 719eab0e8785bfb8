"""Keyword classification of inbound replies (STOP / START / HELP and friends).

Pure module: standard library only, no I/O. ``KeywordPolicy.classify`` is on the hot path (one
call per inbound reply), so everything that can be is computed once in ``KeywordPolicy.__init__``.

Matching model (see /work/shared/REFERENCES.md, "Matching in practice"):

* exact match: the whole message, after :func:`normalise`, is one keyword. This is what Twilio
  and Braze act on ("STOP", " stop! ", full-width "STOP").
* contained match: the message is not an exact keyword but contains an opt-out keyword as a whole
  token sequence ("please stop texting me", "STOP PLEASE"). Klaviyo acts on these and the FCC
  accepts "any reasonable means", so they are reported as ``OPT_OUT`` with ``exact=False`` and the
  caller decides (act, or flag for review). Contained opt-in / help words are never reported:
  "yes I'd like the info" is not a re-subscription.

Packs for twelve languages, every word with its source; STOP, START and HELP whatever languages
are on; scoped opt-outs ("STOP MARKETING", scope MARKETING). What a whole reply asks for, plain
language included, is decided by ``streams.core.intents.ReplyClassifier``, built on this policy.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = [
    "DEFAULT_LANGUAGES",
    "SUPPORTED_LANGUAGES",
    "Intent",
    "KeywordMatch",
    "KeywordPolicy",
    "normalise",
]


class Intent(enum.StrEnum):
    """What an inbound reply asks for."""

    OPT_OUT = "OPT_OUT"
    OPT_IN = "OPT_IN"
    HELP = "HELP"
    NONE = "NONE"


# --------------------------------------------------------------------------------------------------
# Keyword packs. One row per (language, intent, source): every word says where it comes from (a
# provider's documentation, a regulator, or "native usage": words people write that no provider
# page lists; see /work/shared/REFERENCES.md). Spellings are written as people type them; they are
# normalised with `normalise` when a policy is built, so "OPT-OUT" / "OPT OUT", "ARRET" / "ARRÊT"
# and "HJÆLP" / "hjaelp" collapse to one keyword each. Forms without a separator ("STOPALL",
# "OPTOUT") are different tokens and are listed on their own.
# --------------------------------------------------------------------------------------------------
TWILIO = "Twilio Advanced Opt-Out defaults (twilio.com docs)"
TWILIO_PROXY = "Twilio Proxy opt-out keywords (twilio.com/docs/proxy/opt-out-keywords)"
TWILIO_ES = "Twilio Spanish short codes"
FCC = "US FCC order 24-24, 47 CFR 64.1200(a)(10) (TCPA revocation words)"
TELNYX_AWS = "Telnyx, AWS and Sakari docs"
AWS = "AWS End User Messaging required keywords (docs.aws.amazon.com)"
CWTA = "Canada CWTA: every program answers STOP/HELP and ARRET/AIDE"
PLIVO = "Plivo docs (Canada's mandatory list)"
SINCH = "Sinch Conversation API consent management (developers.sinch.com)"
BIRD = "Bird SMS opt-in/opt-out docs (docs.bird.com)"
BRAZE = "Braze docs"
IYS = "Turkey IYS national registry: RET to opt out"
NATIVE = "native usage"

#: Scope of a scoped keyword ("STOP MARKETING"): it opts the channel out of campaigns, which is
#: what a channel's consent governs (INBOX messages always go through, streams.core.decision).
MARKETING = "MARKETING"

# fmt: off
_KEYWORD_TABLE: Final[tuple[tuple[str, Intent, str, tuple[str, ...]], ...]] = (
    ("en", Intent.OPT_OUT, TWILIO, ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                                    "REVOKE", "OPTOUT")),
    ("en", Intent.OPT_OUT, FCC, ("OPT OUT",)),
    ("en", Intent.OPT_OUT, TELNYX_AWS, ("STOP ALL", "OPT-OUT", "REMOVE")),
    ("en", Intent.OPT_OUT, PLIVO, ("UNSUB",)),
    ("en", Intent.OPT_IN, TWILIO, ("START", "YES", "UNSTOP")),
    ("en", Intent.OPT_IN, SINCH, ("SUBSCRIBE",)),
    ("en", Intent.OPT_IN, PLIVO, ("RESUME",)),
    ("en", Intent.HELP, TWILIO, ("HELP", "INFO")),
    ("it", Intent.OPT_OUT, BIRD, ("FERMA",)),
    ("it", Intent.OPT_OUT, NATIVE, ("BASTA", "CANCELLAMI", "DISISCRIVIMI", "DISISCRIVI",
                                    "DISISCRIZIONE", "CANCELLA")),
    ("it", Intent.OPT_IN, NATIVE, ("ISCRIVIMI", "RIATTIVA")),
    ("it", Intent.HELP, BIRD, ("AIUTO",)),
    ("es", Intent.OPT_OUT, TWILIO_ES, ("ALTO",)),
    ("es", Intent.OPT_OUT, SINCH, ("DETENER", "SALIR")),
    ("es", Intent.OPT_OUT, NATIVE, ("BAJA", "CANCELAR", "DARME DE BAJA", "DESUSCRIBIR",
                                    "DESUSCRIBIRME")),
    ("es", Intent.OPT_IN, SINCH, ("VOLVER", "RECIBIR")),
    ("es", Intent.OPT_IN, NATIVE, ("ALTA",)),
    ("es", Intent.HELP, TWILIO_ES, ("AYUDA",)),
    ("fr", Intent.OPT_OUT, AWS, ("ARRET",)),
    ("fr", Intent.OPT_OUT, TWILIO_PROXY, ("ARRETE", "ARRETT")),
    ("fr", Intent.OPT_OUT, NATIVE, ("DESABONNER", "DESINSCRIRE", "DESINSCRIPTION")),
    ("fr", Intent.OPT_IN, BIRD, ("NONARRET",)),
    ("fr", Intent.OPT_IN, NATIVE, ("REABONNER",)),
    ("fr", Intent.HELP, CWTA, ("AIDE",)),
    ("de", Intent.OPT_OUT, BIRD, ("HALT",)),
    ("de", Intent.OPT_OUT, NATIVE, ("STOPP", "ABMELDEN", "ABBESTELLEN", "AUSTRAGEN")),
    ("de", Intent.OPT_IN, NATIVE, ("ANMELDEN",)),
    ("de", Intent.HELP, BIRD, ("HILFE",)),
    ("pt", Intent.OPT_OUT, BIRD, ("PARAR",)),
    ("pt", Intent.OPT_OUT, SINCH, ("CANCELAR",)),
    ("pt", Intent.OPT_OUT, NATIVE, ("SAIR", "DESCADASTRAR")),
    ("pt", Intent.OPT_IN, SINCH, ("VOLTAR", "RECEBER")),
    ("pt", Intent.HELP, BIRD, ("AJUDA",)),
    ("nl", Intent.OPT_OUT, NATIVE, ("AFMELDEN", "UITSCHRIJVEN", "STOPPEN")),
    ("nl", Intent.OPT_IN, NATIVE, ("AANMELDEN",)),
    ("nl", Intent.HELP, BIRD, ("HULP",)),
    ("pl", Intent.OPT_OUT, BIRD, ("ZATRZYMAJ",)),
    ("pl", Intent.OPT_OUT, NATIVE, ("WYPISZ", "WYPISZ MNIE", "REZYGNUJE", "REZYGNACJA")),
    ("pl", Intent.OPT_IN, NATIVE, ("ZAPISZ",)),
    ("pl", Intent.HELP, BIRD, ("POMOCY",)),
    ("pl", Intent.HELP, NATIVE, ("POMOC",)),
    ("sv", Intent.OPT_OUT, NATIVE, ("STOPPA", "AVSLUTA", "AVREGISTRERA", "SLUTA")),
    ("sv", Intent.OPT_IN, NATIVE, ("STARTA",)),
    ("sv", Intent.HELP, NATIVE, ("HJÄLP",)),
    ("da", Intent.OPT_OUT, NATIVE, ("AFMELD", "FRAMELD", "STOPP")),
    ("da", Intent.OPT_IN, NATIVE, ("TILMELD",)),
    ("da", Intent.HELP, NATIVE, ("HJÆLP",)),
    ("ro", Intent.OPT_OUT, NATIVE, ("DEZABONARE", "DEZABONEAZA", "DEZABONEAZĂ-MĂ", "OPRESTE",
                                    "OPRIRE", "DEZABONAȚI-MĂ")),
    ("ro", Intent.OPT_IN, NATIVE, ("ABONARE",)),
    ("ro", Intent.HELP, NATIVE, ("AJUTOR",)),
    ("tr", Intent.OPT_OUT, IYS, ("RET",)),
    ("tr", Intent.OPT_OUT, NATIVE, ("DUR", "IPTAL", "ABONELIKTEN CIK")),
    ("tr", Intent.OPT_IN, NATIVE, ("BASLAT",)),
    ("tr", Intent.HELP, NATIVE, ("YARDIM",)),
)

#: Recognised whatever languages are switched on (Canada and France require them everywhere, and
#: STOP is understood in every European language): CWTA, French operator practice, Twilio.
UNIVERSAL: Final[tuple[tuple[Intent, str], ...]] = (
    (Intent.OPT_OUT, "STOP"), (Intent.OPT_IN, "START"), (Intent.HELP, "HELP"),
)

#: Scoped opt-outs ("stop the marketing, not my receipts"): Sinch's "STOP MARKETING" and its
#: equivalents. They opt the channel out of campaigns (scope MARKETING).
_SCOPED_TABLE: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    ("en", SINCH, ("STOP MARKETING",)),
    ("en", NATIVE, ("STOP PROMO", "STOP PROMOS", "STOP PROMOTIONS", "STOP ADS", "STOP OFFERS")),
    ("it", NATIVE, ("STOP PUBBLICITA", "STOP PROMOZIONI", "BASTA PUBBLICITA")),
    ("es", NATIVE, ("STOP PUBLICIDAD", "BAJA PUBLICIDAD", "STOP PROMOCIONES")),
    ("fr", NATIVE, ("STOP PUB", "STOP PUBLICITE", "STOP PROMOS", "ARRET PUB")),
    ("de", NATIVE, ("STOP WERBUNG", "STOPP WERBUNG", "KEINE WERBUNG")),
    ("pt", NATIVE, ("STOP PROMOCOES", "PARAR PROMOCOES", "STOP PUBLICIDADE")),
    ("nl", NATIVE, ("STOP RECLAME", "GEEN RECLAME")),
    ("pl", NATIVE, ("STOP REKLAMY", "STOP REKLAMA")),
    ("sv", NATIVE, ("STOPPA REKLAM", "STOP REKLAM")),
    ("da", NATIVE, ("STOP REKLAME", "STOP REKLAMER")),
    ("ro", NATIVE, ("STOP RECLAME", "STOP PUBLICITATE")),
    ("tr", NATIVE, ("STOP REKLAM", "RET REKLAM")),
)
# fmt: on

SUPPORTED_LANGUAGES: Final[tuple[str, ...]] = tuple(dict.fromkeys(r[0] for r in _KEYWORD_TABLE))
DEFAULT_LANGUAGES: Final[tuple[str, ...]] = ("en",)


def keyword_sources(language: str) -> dict[str, tuple[Intent, str, str | None]]:
    """Every built-in keyword of ``language`` (normalised) -> (intent, source, scope): the pack
    as documented, for the docs and the tests."""
    pack: dict[str, tuple[Intent, str, str | None]] = {}
    for row_language, intent, source, words in _KEYWORD_TABLE:
        if row_language == language:
            for word in words:
                pack.setdefault(normalise(word), (intent, source, None))
    for row_language, source, words in _SCOPED_TABLE:
        if row_language == language:
            for word in words:
                pack.setdefault(normalise(word), (Intent.OPT_OUT, source, MARKETING))
    return pack


# When one normalised keyword sits in several lists, the first intent here wins. Opt-out first
# (safest); help before opt-in so an ambiguous word never re-subscribes anyone.
_PRECEDENCE: Final[tuple[Intent, ...]] = (Intent.OPT_OUT, Intent.HELP, Intent.OPT_IN)


# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------


#: Letters NFKD does not split into a base letter and a mark, folded the way people type them
#: on a keyboard without them (Polish l with stroke, Danish o with stroke and ae, Turkish
#: dotless i, Croatian d with stroke).
_LETTER_FOLDS: Final[dict[str, str]] = {"ł": "l", "ø": "o", "æ": "ae", "\u0131": "i", "đ": "d"}


def _char_rule(char: str) -> str | None:
    """Per-character step of `normalise`, applied after NFKC, casefold and NFKD.

    A few letters are folded (`_LETTER_FOLDS`); combining marks (M*) are dropped (accents, after
    NFKD has split them off); punctuation (P*),
    symbols (S*, incl. emoji), separators (Z*) and control / format / unassigned characters (C*,
    e.g. zero-width space, ZWJ in emoji sequences, BOM) become a space; everything else is kept.
    """
    folded = _LETTER_FOLDS.get(char)
    if folded is not None:
        return folded
    category = unicodedata.category(char)[0]
    if category == "M":
        return None
    if category in "PSZC":
        return " "
    return char


class _UncachedTable:
    """`str.translate` mapping that applies `_char_rule` on every lookup (cache-full fallback)."""

    __slots__ = ()

    def __getitem__(self, codepoint: int) -> str | None:
        return _char_rule(chr(codepoint))


_ASCII_TABLE: Final[dict[int, str | None]] = {cp: _char_rule(chr(cp)) for cp in range(128)}
# Plain dicts translate about twice as fast as a dict subclass with __missing__, so the table for
# non-ASCII text is filled ahead of each translate with the characters it has not seen yet.
_TABLE: Final[dict[int, str | None]] = dict(_ASCII_TABLE)
_KNOWN_CHARS: Final[set[str]] = {chr(cp) for cp in range(128)}
_TABLE_LIMIT: Final = 65536  # bounds memory against adversarial input (~a few MB at most)
_UNCACHED: Final = _UncachedTable()


def _drop_marks_and_separate(text: str) -> str:
    unseen = set(text).difference(_KNOWN_CHARS)
    if unseen:
        if len(_KNOWN_CHARS) + len(unseen) > _TABLE_LIMIT:
            return text.translate(_UNCACHED)
        for char in unseen:
            _TABLE[ord(char)] = _char_rule(char)
        _KNOWN_CHARS.update(unseen)  # after _TABLE, so a known char is always in the table
    return text.translate(_TABLE)


def _normalise_unicode_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _drop_marks_and_separate(unicodedata.normalize("NFKD", text))
    return " ".join(text.split())


def normalise(text: str) -> str:
    """Canonical form used for matching: a space-separated sequence of casefolded word tokens.

    NFKC (folds full-width / compatibility forms: full-width "STOP" -> "stop"), casefold, accents
    stripped (NFKD then drop combining marks: "ARRÊT" -> "arret"), punctuation / symbols / emoji /
    control characters become separators, whitespace runs collapse to one space, ends stripped.
    "  Stop!!! " -> "stop", "opt-out" -> "opt out", "¡ALTO!" -> "alto". Idempotent.
    """
    if text.isascii():  # fast path: NFKC/NFKD are the identity and casefold is lower on ASCII
        return " ".join(text.lower().translate(_ASCII_TABLE).split())
    result = _normalise_unicode_once(text)
    # Casefolding and Unicode normalisation are not guaranteed to commute, so iterate to a fixed
    # point: normalise(normalise(x)) == normalise(x). In practice this is one extra, confirming
    # pass, and only for text that is still non-ASCII after the first one (e.g. CJK, Cyrillic).
    for _ in range(8):
        if result.isascii():
            break
        again = _normalise_unicode_once(result)
        if again == result:
            break
        result = again
    return result


# --------------------------------------------------------------------------------------------------
# Policy
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeywordMatch:
    """Result of `KeywordPolicy.classify`."""

    intent: Intent
    """What the message asks for."""
    exact: bool
    """True: the whole (normalised) message is one keyword. False: contained match, or no match."""
    keyword: str | None
    """The normalised keyword that matched; None when `intent` is NONE."""
    language: str | None
    """Language of the built-in list the keyword came from; None for extra keywords or NONE."""
    scope: str | None = None
    """MARKETING for a scoped opt-out ("STOP MARKETING"); None otherwise."""
    band: str | None = None
    """Confidence band (certain / likely / possible) when a `streams.core.intents` classifier
    made the match; None from `KeywordPolicy.classify` alone."""
    rule: str | None = None
    """The rule or phrase that matched (``streams.core.intents``); None otherwise."""


NO_MATCH: Final[KeywordMatch] = KeywordMatch(Intent.NONE, exact=False, keyword=None, language=None)


def _as_iterable(values: Iterable[str]) -> Iterable[str]:
    # A bare string is a single value, not an iterable of one-letter values: "stop" must not
    # silently become the keywords "s", "t", "o", "p" (or the language codes "e", "n").
    return (values,) if isinstance(values, str) else values


class KeywordPolicy:
    """An immutable set of keywords; `classify` maps an inbound reply to a `KeywordMatch`.

    ``languages``: built-in lists to enable (codes from `SUPPORTED_LANGUAGES`, case-insensitive).
    ``extra_*``: additional keywords from configuration, normalised like the built-in ones; their
    matches report ``language=None`` unless the same keyword is also in an enabled built-in list.
    """

    __slots__ = (
        "_exact",
        "_help",
        "_languages",
        "_multi_opt_out",
        "_opt_in",
        "_opt_out",
        "_single_opt_out",
    )

    _languages: tuple[str, ...]
    _opt_out: frozenset[str]
    _opt_in: frozenset[str]
    _help: frozenset[str]
    _exact: dict[str, KeywordMatch]
    _single_opt_out: frozenset[str]
    _multi_opt_out: tuple[tuple[str, str], ...]

    def __init__(
        self,
        languages: Iterable[str] = DEFAULT_LANGUAGES,
        *,
        extra_opt_out: Iterable[str] = (),
        extra_opt_in: Iterable[str] = (),
        extra_help: Iterable[str] = (),
    ) -> None:
        enabled = _validate_languages(languages)

        # keyword -> language per intent; the first enabled language to list a keyword wins.
        sources: dict[Intent, dict[str, str | None]] = {intent: {} for intent in _PRECEDENCE}
        scoped: dict[str, str] = {}
        for language in enabled:
            for row_language, intent, _source, words in _KEYWORD_TABLE:
                if row_language == language:
                    for word in words:
                        sources[intent].setdefault(_normalise_keyword(word), language)
            for row_language, _source, words in _SCOPED_TABLE:
                if row_language == language:
                    for word in words:
                        keyword = _normalise_keyword(word)
                        sources[Intent.OPT_OUT].setdefault(keyword, language)
                        scoped[keyword] = MARKETING
        # STOP, START and HELP whatever is switched on; when no enabled pack lists one, it
        # speaks the first enabled language (a French-only program answers STOP in French).
        first = enabled[0] if enabled else None
        for intent, word in UNIVERSAL:
            sources[intent].setdefault(_normalise_keyword(word), first)
        for intent, extras in (
            (Intent.OPT_OUT, extra_opt_out),
            (Intent.OPT_IN, extra_opt_in),
            (Intent.HELP, extra_help),
        ):
            for word in _as_iterable(extras):
                sources[intent].setdefault(_normalise_keyword(word), None)

        exact: dict[str, KeywordMatch] = {}
        for intent in _PRECEDENCE:
            for keyword, origin in sources[intent].items():
                if keyword not in exact:
                    exact[keyword] = KeywordMatch(
                        intent, True, keyword, origin, scoped.get(keyword)
                    )

        opt_out = frozenset(sources[Intent.OPT_OUT])
        set_ = object.__setattr__
        set_(self, "_languages", enabled)
        set_(self, "_opt_out", opt_out)
        set_(self, "_opt_in", frozenset(sources[Intent.OPT_IN]))
        set_(self, "_help", frozenset(sources[Intent.HELP]))
        set_(self, "_exact", exact)
        set_(self, "_single_opt_out", frozenset(k for k in opt_out if " " not in k))
        # Multi-token keywords with the space-padded needle searched for in " normalised text ".
        multi = sorted(k for k in opt_out if " " in k)
        set_(self, "_multi_opt_out", tuple((k, f" {k} ") for k in multi))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(languages={self._languages!r}, "
            f"opt_out={len(self._opt_out)}, opt_in={len(self._opt_in)}, help={len(self._help)})"
        )

    # -- introspection -------------------------------------------------------------------------

    @property
    def languages(self) -> tuple[str, ...]:
        """Enabled built-in languages, in the order given, without duplicates."""
        return self._languages

    @property
    def opt_out_keywords(self) -> frozenset[str]:
        """Normalised opt-out keywords (built-in for the enabled languages, plus extras)."""
        return self._opt_out

    @property
    def opt_in_keywords(self) -> frozenset[str]:
        """Normalised opt-in keywords. May overlap other lists; see `keyword_intent`."""
        return self._opt_in

    @property
    def help_keywords(self) -> frozenset[str]:
        """Normalised help keywords. May overlap other lists; see `keyword_intent`."""
        return self._help

    @property
    def keywords(self) -> frozenset[str]:
        """Every normalised keyword that yields an exact match."""
        return frozenset(self._exact)

    def keyword_intent(self, keyword: str) -> Intent:
        """Intent an exact message `keyword` resolves to (after precedence); NONE if not one."""
        match = self._exact.get(normalise(keyword))
        return Intent.NONE if match is None else match.intent

    # -- hot path ------------------------------------------------------------------------------

    def classify(self, text: str) -> KeywordMatch:
        """Classify one inbound reply. Never raises for any `str`."""
        tokens = _tokens(text)
        if not tokens:
            return NO_MATCH
        normalised = " ".join(tokens)
        match = self._exact.get(normalised)
        if match is not None:
            return match
        # Contained opt-out: the leftmost opt-out keyword found as a whole token sequence, the
        # longest one when several start at the same token. Everything below runs in C: a set
        # intersection for one-token keywords, a substring search in " text " for " key word ".
        padded = f" {normalised} "
        found: str | None = None
        found_at = len(padded)
        for keyword in self._single_opt_out.intersection(tokens):
            position = padded.find(f" {keyword} ")
            if position < found_at or (position == found_at and len(keyword) > len(found or "")):
                found, found_at = keyword, position
        for keyword, needle in self._multi_opt_out:
            position = padded.find(needle)
            if position != -1 and (
                position < found_at or (position == found_at and len(keyword) > len(found or ""))
            ):
                found, found_at = keyword, position
        if found is None:
            return NO_MATCH
        exact_match = self._exact[found]
        return KeywordMatch(Intent.OPT_OUT, False, found, exact_match.language, exact_match.scope)


def _tokens(text: str) -> list[str]:
    """`normalise(text).split(" ")` without building the joined string twice ([] when empty)."""
    if text.isascii():
        return text.lower().translate(_ASCII_TABLE).split()
    return normalise(text).split()


def _normalise_keyword(word: str) -> str:
    keyword = normalise(word)
    if not keyword:
        raise ValueError(f"keyword {word!r} is empty after normalisation")
    return keyword


def _validate_languages(languages: Iterable[str]) -> tuple[str, ...]:
    enabled: list[str] = []
    for raw in _as_iterable(languages):
        code = raw.strip().lower()
        if code not in SUPPORTED_LANGUAGES:
            raise ValueError(
                f"unsupported keyword language {raw!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}"
            )
        if code not in enabled:
            enabled.append(code)
    return tuple(enabled)
