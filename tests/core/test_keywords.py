"""Behaviour of the keyword module: normalisation, exact and contained matches, policies."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from streams.core import keywords
from streams.core.keywords import (
    DEFAULT_LANGUAGES,
    SUPPORTED_LANGUAGES,
    Intent,
    KeywordMatch,
    KeywordPolicy,
    normalise,
)

DEFAULT = KeywordPolicy()
ALL_LANGUAGES = KeywordPolicy(SUPPORTED_LANGUAGES)

EN_OPT_OUT = [
    "STOP",
    "STOPALL",
    "STOP ALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
    "OPT OUT",
    "OPT-OUT",
    "REMOVE",
]


def no_match() -> KeywordMatch:
    return KeywordMatch(Intent.NONE, exact=False, keyword=None, language=None)


# -- normalise -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Stop!!! ", "stop"),
        ("opt-out", "opt out"),
        ("¡ALTO!", "alto"),
        ("STOP ALL", "stop all"),
        ("Stop. ", "stop"),
        ("ARRÊT", "arret"),
        ("\uff33\uff34\uff2f\uff30", "stop"),  # full-width STOP
        ("ｽﾄｯﾌﾟ", "ストッフ"),  # half-width katakana: NFKC folds, then the dakuten is dropped
        ("stop\t\n\u00a0\u3000please", "stop please"),
        ("STOP 🛑🙏", "stop"),
        ("\ufeffSTOP\u200b", "stop"),  # BOM and zero-width space
        ("Straße", "strasse"),
        ("", ""),
        (" \t\n ", ""),
        ("?!…", ""),
    ],
)
def test_normalise_examples(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_normalise_still_works_when_the_character_cache_is_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(keywords, "_TABLE_LIMIT", 0)
    assert normalise("¡ARRÊT, s\u2019il vous plaît! 🛑") == "arret s il vous plait"


# -- exact matches ---------------------------------------------------------------------------------


def test_stop_is_exact_opt_out() -> None:
    assert DEFAULT.classify("STOP") == KeywordMatch(Intent.OPT_OUT, True, "stop", "en")


@pytest.mark.parametrize("keyword", EN_OPT_OUT)
def test_every_english_opt_out_keyword_is_exact_opt_out(keyword: str) -> None:
    match = DEFAULT.classify(keyword)
    assert (match.intent, match.exact, match.language) == (Intent.OPT_OUT, True, "en")
    assert match.keyword == normalise(keyword)


@pytest.mark.parametrize(
    "text", ["stop", "Stop", "  STOP  ", "Stop!!!", "Stop.", "\tstop\n", "STOP 🛑"]
)
def test_case_whitespace_and_punctuation_are_ignored(text: str) -> None:
    assert DEFAULT.classify(text) == KeywordMatch(Intent.OPT_OUT, True, "stop", "en")


def test_accents_and_fullwidth_are_folded() -> None:
    french = KeywordPolicy(["fr"])
    for text in ("ARRÊT", "arrêt", "Arret !", "ARRE\u0302T"):  # last one: decomposed circumflex
        assert french.classify(text) == KeywordMatch(Intent.OPT_OUT, True, "arret", "fr")
    assert DEFAULT.classify("\uff33\uff34\uff2f\uff30") == KeywordMatch(
        Intent.OPT_OUT, True, "stop", "en"
    )


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("STOP ALL", "stop all"),
        ("stop-all", "stop all"),
        ("StopAll", "stopall"),
        ("OPT OUT", "opt out"),
        ("opt-out", "opt out"),
        ("Opt_Out!", "opt out"),
        ("OPTOUT", "optout"),
    ],
)
def test_multi_word_keywords_match_with_any_separator(text: str, keyword: str) -> None:
    assert DEFAULT.classify(text) == KeywordMatch(Intent.OPT_OUT, True, keyword, "en")


def test_help_and_opt_in() -> None:
    assert DEFAULT.classify("help") == KeywordMatch(Intent.HELP, True, "help", "en")
    assert DEFAULT.classify("Info?") == KeywordMatch(Intent.HELP, True, "info", "en")
    assert DEFAULT.classify("START") == KeywordMatch(Intent.OPT_IN, True, "start", "en")
    assert DEFAULT.classify("Yes!") == KeywordMatch(Intent.OPT_IN, True, "yes", "en")
    assert DEFAULT.classify("unstop") == KeywordMatch(Intent.OPT_IN, True, "unstop", "en")


def test_contained_opt_in_and_help_words_do_not_count() -> None:
    for text in ("yes I'd like the info", "start sending please", "help me out", "unstop please"):
        assert DEFAULT.classify(text) == no_match(), text


# -- contained matches -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("STOP PLEASE", "stop"),
        ("please stop texting me", "stop"),
        ("Please, STOP!", "stop"),
        ("I want to opt-out now", "opt out"),
        ("stop all of these", "stop all"),  # the longest keyword at a position wins
        ("yes stop", "stop"),
        ("remove me from the list, unsubscribe", "remove"),  # the leftmost keyword is reported
    ],
)
def test_stop_please_is_only_a_possible_opt_out(text: str, keyword: str) -> None:
    assert DEFAULT.classify(text) == KeywordMatch(Intent.OPT_OUT, False, keyword, "en")


@pytest.mark.parametrize(
    "text",
    [
        "stopwatch",
        "unstoppable",
        "weekend",
        "the ending",
        "quitting",
        "cancellation policy",
        "optout2",
        "opt outside",
        "stopp",  # German, off by default
    ],
)
def test_keyword_inside_a_word_never_matches(text: str) -> None:
    assert DEFAULT.classify(text) == no_match()


def test_multi_word_keyword_must_be_a_token_sequence() -> None:
    assert DEFAULT.classify("opt in or out") == no_match()
    assert DEFAULT.classify("adopt out") == no_match()
    assert DEFAULT.classify("I opt outward") == no_match()
    match = DEFAULT.classify("kindly opt out")
    assert (match.intent, match.exact, match.keyword) == (Intent.OPT_OUT, False, "opt out")


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "!!!", "...?", "🙂🙂", "\u200b"])
def test_empty_whitespace_and_punctuation_only_text_is_no_match(text: str) -> None:
    assert DEFAULT.classify(text) == no_match()


# -- languages and configuration -------------------------------------------------------------------


def test_other_languages_are_off_by_default() -> None:
    assert DEFAULT.languages == DEFAULT_LANGUAGES == ("en",)
    assert DEFAULT.classify("ALTO") == no_match()
    spanish = KeywordPolicy(["es"])
    assert spanish.classify("¡ALTO!") == KeywordMatch(Intent.OPT_OUT, True, "alto", "es")
    # STOP, START and HELP are on whatever the languages (Canada, France): in the pack's language.
    assert spanish.classify("STOP") == KeywordMatch(Intent.OPT_OUT, True, "stop", "es")
    assert spanish.classify("start").intent is Intent.OPT_IN
    assert spanish.classify("UNSUBSCRIBE") == no_match()  # English is not implied
    assert KeywordPolicy(["en", "es"]).classify("ayuda") == KeywordMatch(
        Intent.HELP, True, "ayuda", "es"
    )


@pytest.mark.parametrize(
    ("language", "opt_out", "help_word"),
    [
        ("fr", "ARRET", "AIDE"),
        ("es", "DETENER", "AYUDA"),
        ("it", "FERMA", "AIUTO"),
        ("de", "STOPP", "HILFE"),
        ("de", "HALT", "HILFE"),
        ("pt", "PARAR", "AJUDA"),
    ],
)
def test_each_supported_language_has_its_lists(language: str, opt_out: str, help_word: str) -> None:
    policy = KeywordPolicy([language])
    assert policy.classify(opt_out) == KeywordMatch(Intent.OPT_OUT, True, opt_out.lower(), language)
    assert policy.classify(help_word) == KeywordMatch(
        Intent.HELP, True, help_word.lower(), language
    )
    assert DEFAULT.classify(opt_out) == no_match()


def test_supported_languages() -> None:
    assert SUPPORTED_LANGUAGES == (
        "en", "it", "es", "fr", "de", "pt", "nl", "pl", "sv", "da", "ro", "tr"
    )  # fmt: skip
    assert KeywordPolicy(["EN", " fr ", "en"]).languages == ("en", "fr")
    assert KeywordPolicy("es").languages == ("es",)  # a bare string is one code, not "e", "s"


def test_unknown_language_is_rejected() -> None:
    with pytest.raises(ValueError, match="xx") as info:
        KeywordPolicy(["en", "xx"])
    for code in SUPPORTED_LANGUAGES:
        assert code in str(info.value)


def test_extra_keywords_from_configuration() -> None:
    policy = KeywordPolicy(
        extra_opt_out=["Basta", "Leave me alone"], extra_opt_in=["Join"], extra_help=["Menu"]
    )
    assert policy.classify("BASTA!") == KeywordMatch(Intent.OPT_OUT, True, "basta", None)
    assert policy.classify("leave-me-alone") == KeywordMatch(
        Intent.OPT_OUT, True, "leave me alone", None
    )
    assert policy.classify("please leave me alone") == KeywordMatch(
        Intent.OPT_OUT, False, "leave me alone", None
    )
    assert policy.classify("join") == KeywordMatch(Intent.OPT_IN, True, "join", None)
    assert policy.classify("menu") == KeywordMatch(Intent.HELP, True, "menu", None)
    assert policy.classify("STOP") == KeywordMatch(Intent.OPT_OUT, True, "stop", "en")
    assert {"basta", "leave me alone", "stop"} <= policy.opt_out_keywords
    assert DEFAULT.classify("basta") == no_match()


def test_extra_keyword_in_a_builtin_list_keeps_the_builtin_language() -> None:
    policy = KeywordPolicy(extra_opt_out=["STOP"])
    assert policy.classify("stop") == KeywordMatch(Intent.OPT_OUT, True, "stop", "en")


def test_extra_keyword_given_as_a_bare_string_is_one_keyword() -> None:
    policy = KeywordPolicy(extra_opt_out="basta")
    assert "basta" in policy.opt_out_keywords
    assert "b" not in policy.opt_out_keywords


@pytest.mark.parametrize("bad", ["", "   ", "!!!", "🛑"])
def test_extra_keyword_that_normalises_to_nothing_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="empty"):
        KeywordPolicy(extra_help=[bad])


def test_opt_out_wins_when_a_keyword_is_in_several_lists() -> None:
    policy = KeywordPolicy(extra_opt_in=["stop"], extra_help=["cancel"])
    assert policy.classify("STOP").intent is Intent.OPT_OUT
    assert policy.classify("cancel").intent is Intent.OPT_OUT
    assert policy.keyword_intent("stop") is Intent.OPT_OUT
    # Help is preferred to opt-in, so an ambiguous word never re-subscribes anyone.
    assert KeywordPolicy(extra_help=["yes"]).classify("yes").intent is Intent.HELP


def test_keyword_sets_are_normalised() -> None:
    assert DEFAULT.opt_out_keywords == frozenset(
        {
            "stop",
            "stopall",
            "stop all",
            "unsubscribe",
            "cancel",
            "end",
            "quit",
            "revoke",
            "optout",
            "opt out",
            "remove",
            "unsub",
            "stop marketing",
            "stop promo",
            "stop promos",
            "stop promotions",
            "stop ads",
            "stop offers",
        }
    )
    assert DEFAULT.opt_in_keywords == frozenset({"start", "yes", "unstop", "subscribe", "resume"})
    assert DEFAULT.help_keywords == frozenset({"help", "info"})
    assert {"arret", "arrete", "arrett", "stop", "stop pub"} <= KeywordPolicy(
        ["fr"]
    ).opt_out_keywords
    assert DEFAULT.keywords == (
        DEFAULT.opt_out_keywords | DEFAULT.opt_in_keywords | DEFAULT.help_keywords
    )


def test_policy_is_immutable() -> None:
    with pytest.raises(AttributeError):
        DEFAULT._opt_out = frozenset()
    with pytest.raises(AttributeError):
        DEFAULT.classify("x").exact = True  # type: ignore[misc]


# -- properties ------------------------------------------------------------------------------------

ALL_KEYWORDS = sorted(ALL_LANGUAGES.keywords)
OPT_OUT_KEYWORDS = sorted(ALL_LANGUAGES.opt_out_keywords)
SEPARATORS = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u3000", "-", "_", ".", "/"])
DECORATION = st.text(alphabet=" \t\n\u00a0\u3000!?.,;:-_*#()[]'\"¡¿…🛑🙏👍", max_size=6)


@st.composite
def disguised(draw: st.DrawFn, keywords: list[str]) -> tuple[str, str]:
    """A keyword in random case, with random separators between its words and decoration around."""
    keyword = draw(st.sampled_from(keywords))
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in keyword)
    words = cased.split(" ")
    body = words[0]
    for word in words[1:]:
        body += draw(SEPARATORS) + word
    return keyword, draw(DECORATION) + body + draw(DECORATION)


@given(st.text())
@example("ǰ")
@example("ᾈ")
@example("\u0345")
@example("ｽﾄｯﾌﾟ")
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_normalised_text_is_single_spaced_tokens(text: str) -> None:
    result = normalise(text)
    assert result == result.strip()
    assert "  " not in result
    for char in result.replace(" ", ""):
        assert unicodedata.category(char)[0] not in "MPSZC", repr(char)


@given(st.text())
@example("stop")
@example("STOP ALL please")
def test_classify_never_raises(text: str) -> None:
    for policy in (DEFAULT, ALL_LANGUAGES):
        match = policy.classify(text)
        assert isinstance(match, KeywordMatch)
        assert (match.intent is Intent.NONE) == (match.keyword is None)
        if match.intent is Intent.NONE:
            assert not match.exact and match.language is None
        if not match.exact and match.intent is not Intent.NONE:
            assert match.intent is Intent.OPT_OUT


@given(disguised(ALL_KEYWORDS))
def test_disguised_keyword_keeps_the_same_exact_match(case: tuple[str, str]) -> None:
    keyword, text = case
    assert ALL_LANGUAGES.classify(text) == ALL_LANGUAGES.classify(keyword)
    match = ALL_LANGUAGES.classify(text)
    assert match.exact and match.keyword == keyword


@given(
    disguised(OPT_OUT_KEYWORDS),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12),
    st.booleans(),
)
def test_opt_out_keyword_with_another_word_is_a_possible_opt_out(
    case: tuple[str, str], word: str, before: bool
) -> None:
    keyword, text = case
    combined = f"{word} {text}" if before else f"{text} {word}"
    if normalise(combined) in ALL_LANGUAGES.keywords:  # e.g. "stop" + "all" is itself a keyword
        return
    match = ALL_LANGUAGES.classify(combined)
    assert match.intent is Intent.OPT_OUT
    assert not match.exact
    # The leftmost opt-out keyword is reported: ours, or the added word if it is one too.
    assert match.keyword in {keyword, normalise(word)}
    assert match.keyword in ALL_LANGUAGES.opt_out_keywords


@given(st.one_of(st.text(), disguised(ALL_KEYWORDS).map(lambda case: case[1])))
def test_exact_match_means_the_normalised_text_is_a_keyword(text: str) -> None:
    match = DEFAULT.classify(text)
    keywords = DEFAULT.opt_out_keywords | DEFAULT.opt_in_keywords | DEFAULT.help_keywords
    if match.exact:
        assert normalise(text) in keywords
        assert match.keyword == normalise(text)
    else:
        assert normalise(text) not in keywords


def reference_classify(policy: KeywordPolicy, text: str) -> KeywordMatch:
    """Slow, obvious version of `classify`: scan every token window, leftmost then longest."""
    tokens = normalise(text).split()
    whole = " ".join(tokens)
    for intent, words in (
        (Intent.OPT_OUT, policy.opt_out_keywords),
        (Intent.HELP, policy.help_keywords),
        (Intent.OPT_IN, policy.opt_in_keywords),
    ):
        if whole in words:
            return KeywordMatch(intent, True, whole, policy.classify(whole).language)
    longest = max(keyword.count(" ") + 1 for keyword in policy.opt_out_keywords)
    for start in range(len(tokens)):
        for size in range(longest, 0, -1):
            window = " ".join(tokens[start : start + size])
            if start + size <= len(tokens) and window in policy.opt_out_keywords:
                return KeywordMatch(Intent.OPT_OUT, False, window, policy.classify(window).language)
    return no_match()


VOCABULARY = ["stop", "STOP", "all", "opt", "out", "Opt-Out", "yes", "help", "please", "end", "x"]


@given(st.lists(st.sampled_from(VOCABULARY), max_size=8), st.lists(SEPARATORS, min_size=8))
def test_classify_agrees_with_a_naive_token_window_scan(words: list[str], gaps: list[str]) -> None:
    text = "".join(gap + word for gap, word in zip(gaps, words, strict=False))
    assert DEFAULT.classify(text) == reference_classify(DEFAULT, text)
