"""The reply classifier: keyword packs in twelve languages, plain-language opt-outs, bands and
policy, the rules' gating, and the labelled corpus's targets (tests/corpus)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any, cast

import avro.io
import avro.schema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.cli import main as cli
from streams.core import intents
from streams.core.consent import consent_event, read_reply
from streams.core.consent import default_state as default
from streams.core.intents import (
    Band,
    Handling,
    ReplyClassifier,
    parse_band_policy,
    rules_for,
)
from streams.core.keywords import (
    SUPPORTED_LANGUAGES,
    Intent,
    KeywordPolicy,
    keyword_sources,
)
from streams.core.replies import LANGUAGE_TEXTS, ReplyKind, ReplyPolicy
from streams.models import builders as b
from streams.models.contract import DEFAULT_SCHEMA_DIR, HEADER_LEN, Contract, RecordName
from streams.settings import Settings, SettingsError, load_settings
from tests.corpus import score

ALL = ReplyClassifier(KeywordPolicy(SUPPORTED_LANGUAGES))
EN = ReplyClassifier(KeywordPolicy(("en",)))


# --- Keyword packs --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_has_opt_out_opt_in_and_help_words_each_with_a_source(
    language: str,
) -> None:
    pack = keyword_sources(language)
    intents_in_pack = {intent for intent, _, _ in pack.values()}
    assert intents_in_pack == {Intent.OPT_OUT, Intent.OPT_IN, Intent.HELP}
    for word, (_, source, _) in pack.items():
        assert source.strip(), word
    scoped = [w for w, (_, _, scope) in pack.items() if scope == "MARKETING"]
    assert scoped, f"{language} has no scoped opt-out (STOP MARKETING and its equivalents)"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_stop_start_and_help_work_whatever_languages_are_on(language: str) -> None:
    alone = ReplyClassifier(KeywordPolicy((language,)))
    for word, intent in (("STOP", Intent.OPT_OUT), ("Start", Intent.OPT_IN), ("help", Intent.HELP)):
        match = alone.classify(word)
        assert (match.intent, match.band) == (intent, "certain"), (language, word)
        assert match.language == language  # a French-only program answers STOP in French


@pytest.mark.parametrize(
    ("text", "keyword", "language"),
    [
        ("ARRETE", "arrete", "fr"),
        ("Arrête", "arrete", "fr"),
        ("arrêt!", "arret", "fr"),
        ("UNSUB", "unsub", "en"),
        ("Baja", "baja", "es"),
        ("SALIR", "salir", "es"),
        ("Sair", "sair", "pt"),
        ("cancelar", "cancelar", "es"),  # es before pt in the order switched on
        ("BASTA", "basta", "it"),
        ("Cancellami", "cancellami", "it"),
        ("DISISCRIVIMI", "disiscrivimi", "it"),
        ("abmelden", "abmelden", "de"),
        ("ABBESTELLEN", "abbestellen", "de"),
        ("Afmelden", "afmelden", "nl"),
        ("ZATRZYMAJ", "zatrzymaj", "pl"),
        ("wypisz", "wypisz", "pl"),
        ("İPTAL", "iptal", "tr"),
        ("HJÆLP", "hjaelp", "da"),
    ],
)
def test_the_keywords_the_issue_found_missing_act(text: str, keyword: str, language: str) -> None:
    match = ALL.classify(text)
    assert (match.keyword, match.language, match.band) == (keyword, language, "certain")
    assert ALL.handling(match) is Handling.ACT or match.intent is Intent.HELP


@pytest.mark.parametrize(
    "text", ["STOP MARKETING", "Stop promo", "stop pub", "STOP WERBUNG", "baja publicidad"]
)
def test_scoped_keywords_opt_out_of_campaigns(text: str) -> None:
    match = ALL.classify(text)
    assert (match.intent, match.scope, ALL.handling(match)) == (
        Intent.OPT_OUT,
        "MARKETING",
        Handling.ACT,
    )


# --- Plain language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Don't text me anymore", "en"),
        ("take me off your list please", "en"),
        ("non scrivetemi più", "it"),
        ("quiero darme de baja", "es"),
        ("ne m'envoyez plus de SMS", "fr"),
        ("bitte abmelden", "de"),
    ],
)
def test_the_issues_plain_language_opt_outs_act(text: str, language: str) -> None:
    match = ALL.classify(text)
    assert (match.intent, match.language, ALL.handling(match)) == (
        Intent.OPT_OUT,
        language,
        Handling.ACT,
    )
    assert match.band in ("certain", "likely") and match.rule


@pytest.mark.parametrize(
    "text",
    [
        "I'll stop by the store",
        "don't stop sending me deals",
        "how do I cancel my order",
        "when does the sale end?",
    ],
)
def test_sentences_that_merely_contain_keywords_do_nothing(text: str) -> None:
    for classifier in (EN, ALL):
        match = classifier.classify(text)
        assert classifier.handling(match) is Handling.NONE, (text, match)


# en, es, pt, fr, it, ro: constructions (all persons, no accents, typos), not corpus sentences.
@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("please stop bugging me with these offers", "en"),
        ("no more of these messages", "en"),
        ("I no longer wish to be contacted", "en"),
        ("lose my number", "en"),
        ("I withdraw my consent", "en"),
        ("how many times do I have to ask", "en"),
        ("ya no me escriban", "es"),
        ("no me vuelvan a mandar nada", "es"),
        ("paren de mandarme mensajes", "es"),
        ("eliminen mis datos por favor", "es"),
        ("no kiero mas mensajes", "es"),
        ("deixem de me mandar mensagens", "pt"),
        ("me tira dessa lista", "pt"),
        ("nunca mais me mandem nada", "pt"),
        ("quero parar de receber mensagens", "pt"),
        ("n'envoyez plus rien à ce numéro", "fr"),
        ("veuillez cesser l'envoi de sms", "fr"),
        ("j'en ai assez de recevoir vos sms", "fr"),
        ("combien de fois faut-il vous dire d'arrêter", "fr"),
        ("piantatela di scrivermi", "it"),
        ("desidero non ricevere più comunicazioni", "it"),
        ("nn mandatemi + niente", "it"),
        ("vi chiedo di cancellare il mio numero", "it"),
        ("nu mă mai contactați", "ro"),
        ("încetați să-mi trimiteți mesaje", "ro"),
        ("vă rog să mă scoateți de pe listă", "ro"),
        ("vreau să fiu șters din listă", "ro"),
        ("I already unsubscribed, why am I still getting these?", "en"),
        ("Maria doesn't have this number anymore", "en"),
        ("según el RGPD solicito la supresión de mis datos", "es"),
        ("ya no soy cliente de ustedes", "es"),
        ("estou farto dessas mensagens", "pt"),
        ("não me enviem mais nada, obrigado", "pt"),
        ("Ce n'est plus le numéro de Paul", "fr"),
        ("j'exerce mon droit d'opposition", "fr"),
        ("mi cancelli dalla lista per favore", "it"),
        ("fatela finita con questi messaggi", "it"),
        ("nu mă mai sâcâiți cu mesaje", "ro"),
        ("cum fac să nu mai primesc mesaje?", "ro"),
        ("I request the removal of my number", "en"),
        ("Why do you keep texting me?", "en"),
        ("xfa ya no m manden msjs", "es"),
        ("Solicito la eliminación de mi número", "es"),
        ("pfv n me mandem + msg", "pt"),
        ("Je demande la suppression de mon numéro", "fr"),
        ("Chiedo la rimozione del mio numero", "it"),
        ("sunt sătul de mesajele voastre", "ro"),
    ],
)
def test_constructions_act_in_en_es_pt_fr_it_ro(text: str, language: str) -> None:
    match = ALL.classify(text)
    assert (match.intent, match.language, ALL.handling(match)) == (
        Intent.OPT_OUT,
        language,
        Handling.ACT,
    ), match
    assert match.rule and match.rule.startswith(f"{language}.")


@pytest.mark.parametrize(
    "text",
    [
        "not interested",
        "No me interesa",
        "Pas intéressé",
        "Não tenho interesse",
        "Non mi interessa",
        "Nu sunt interesat",
        "I never agreed to this price",
        "I gave you the wrong number, the right one is 555-1234",
        "how do I stop the auto renewal?",
        "How do I unsubscribe from Netflix on the TV bundle I got from you?",
        "Remove me from the waitlist for the shoes, I bought them elsewhere",
        "Stop! That price is crazy good",
        "Me di de baja por error, ¿me pueden volver a suscribir?",
        "no me envíen el pedido, mándenme un mensaje cuando llegue",
        "no quiero recibir la factura en papel",
        "não quero mais nada, obrigado",
        "não mandem o pedido ainda, mais tarde eu aviso",
        "arrêtez les frais de port !",
        "je ne veux plus de ce produit, je veux être remboursé",
        "je n'ai jamais demandé cette couleur",
        "non mandatemi il pacco a casa, più tardi passo in negozio",
        "non voglio ricevere la fattura cartacea",
        "nu mai vreau produsul",
        "Nu vă opriți, ofertele sunt bune",
        "Stop, ce preț! 😍",
        "Can I unsubscribe from the paper catalog only?",
        "Stop! I already bought it lol",
        "¿cómo desactivo las notificaciones de la app?",
        "quiero darme de baja del gimnasio, ¿cómo hago?",
        "je peux me désinscrire du cours de yoga ?",
        "Je vais vous bloquer une date pour le retrait",
        "posso cancellarmi dal corso di sabato?",
        "sono stufo di aspettare il pacco",
        "Não me tirem da lista VIP",
        "me tire uma dúvida: o frete é grátis?",
        "M-am dezabonat deja din greșeală, vreau să mă reabonați din nou",
        "nu mai trimiteti factura pe hârtie, doar pe email",
    ],
)
def test_hard_negatives_in_en_es_pt_fr_it_ro_do_nothing(text: str) -> None:
    match = ALL.classify(text)
    assert ALL.handling(match) is Handling.NONE, (text, match)


def test_not_interested_with_a_message_object_or_anymore_is_likely() -> None:
    for text in ("not interested in your texts", "ya no me interesa", "non mi interessa più"):
        match = ALL.classify(text)
        assert (match.band, ALL.handling(match)) == ("likely", Handling.ACT), (text, match)


def test_a_question_with_a_bare_keyword_is_not_a_request() -> None:
    assert ALL.handling(ALL.classify("Stop, is it in stock?")) is Handling.NONE
    assert ALL.handling(ALL.classify("Stop, who is this")) is Handling.ACT  # likely


def test_the_possible_band_goes_to_review_and_says_why() -> None:
    match = EN.classify("can you stop these please")
    assert (match.band, match.rule, EN.handling(match)) == (
        "possible",
        "contains-keyword",
        Handling.REVIEW,
    )
    assert EN.classify("too many messages").rule == "en.complaint"


def test_likely_can_be_sent_to_review() -> None:
    strict = ReplyClassifier(KeywordPolicy(), band_policy=parse_band_policy("likely=review"))
    assert strict.handling(strict.classify("leave me alone")) is Handling.REVIEW
    assert strict.handling(strict.classify("STOP")) is Handling.ACT


def test_keywords_only_keeps_the_old_rules() -> None:
    old = ReplyClassifier(KeywordPolicy(), plain_language=False)
    assert old.handling(old.classify("take me off your list")) is Handling.NONE
    assert old.classify("please stop texting me").band == "possible"
    assert old.handling(old.classify("STOP")) is Handling.ACT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sometimes=act", "not a band"),
        ("likely=maybe", "not a handling"),
        ("certain=review", "certain must act"),
    ],
)
def test_a_bad_band_policy_is_one_sentence(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_band_policy(text)


def test_the_policy_defaults() -> None:
    assert parse_band_policy("") == {
        Band.CERTAIN: Handling.ACT,
        Band.LIKELY: Handling.ACT,
        Band.POSSIBLE: Handling.REVIEW,
    }


# --- Gating: a rule only runs when the reply has one of its cue words -----------------------------


def _ungated(languages: tuple[str, ...]) -> ReplyClassifier:
    classifier = ReplyClassifier(KeywordPolicy(languages))
    every = tuple(range(len(classifier._rules)))
    positive = tuple(i for i in every if classifier._rules[i][0].band is not None)
    veto = tuple(i for i in every if classifier._rules[i][0].band is None)

    class Everything(dict[str, tuple[int, ...]]):
        def __init__(self, ids: tuple[int, ...]) -> None:
            super().__init__()
            self.ids = ids

        def __contains__(self, key: object) -> bool:
            return True

        def __getitem__(self, key: str) -> tuple[int, ...]:
            return self.ids

    classifier._by_cue = Everything(positive)
    classifier._vetoes = Everything(veto)
    return classifier


UNGATED = _ungated(SUPPORTED_LANGUAGES)
CORPUS = score.dev_rows() + score.held_out_rows() + score.second_held_out_rows()


def _reading(classifier: ReplyClassifier, text: str) -> tuple[object, ...]:
    match = classifier.classify(text)
    return (match.intent, match.band, match.rule, match.language)


def test_gating_changes_no_answer_on_the_corpus() -> None:
    for row in CORPUS:
        assert _reading(ALL, row.text) == _reading(UNGATED, row.text), row.text


_VOCABULARY = sorted(
    {
        word
        for language in (*SUPPORTED_LANGUAGES, "any")
        for rule in rules_for(language)
        for word in intents._WORD.findall(intents._ESCAPE.sub(" ", rule.pattern))
    }
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=8))
def test_gating_changes_no_answer_on_sentences_made_of_the_rules_words(words: list[str]) -> None:
    text = " ".join(words)
    assert _reading(ALL, text) == _reading(UNGATED, text)


@given(st.text(max_size=200))
def test_classify_never_raises(text: str) -> None:
    match = ALL.classify(text)
    assert ALL.handling(match) in tuple(Handling)


# --- The corpus ----------------------------------------------------------------------------------


def test_the_corpus_is_big_enough_and_a_third_hard_negatives() -> None:
    rows = score.dev_rows()
    assert len(rows) >= 600
    assert {r.language for r in rows} == set(SUPPORTED_LANGUAGES)
    hard = [r for r in rows if r.label == "hard"]
    assert len(hard) * 3 >= len(rows)


def test_the_corpus_meets_the_targets() -> None:
    overall, per_language = score.figures(score.classify(score.dev_rows()))
    assert score.meets_targets(overall.rates()) == []
    for language, figures in per_language.items():
        assert figures.rates()["keyword_acted"] == 1.0, language


def test_held_out_replies_keep_at_least_their_first_measured_figures() -> None:
    """Not tuned on: measured once (docs/languages.md). Exact keywords must all act; the rest may
    only get better than the first run's figures."""
    rates = score.figures(score.classify(score.held_out_rows()))[0].rates()
    assert rates["keyword_acted"] == 1.0
    assert rates["optout_acted_or_review"] is not None and rates["optout_acted_or_review"] >= 0.93
    assert rates["optout_acted"] is not None and rates["optout_acted"] >= 0.91
    assert rates["negative_acted_max"] is not None and rates["negative_acted_max"] <= 0.012
    assert rates["negative_review_max"] is not None and rates["negative_review_max"] <= 0.05


def test_the_fourth_held_out_set_meets_the_targets() -> None:
    """Written blind, scored once after the rules were final, never tuned on (docs/languages.md:
    95.8 % of opt-outs acted, 0.8 % of non-opt-outs acted and 0.8 % reviewed): it must stay so."""
    rates = score.figures(score.classify(score.load([score.HERE / "heldout4.tsv"])))[0].rates()
    assert score.meets_targets(rates) == []
    assert rates["optout_acted"] is not None and rates["optout_acted"] >= 0.958


def test_the_second_held_out_set_keeps_at_least_its_first_measured_figures() -> None:
    """Written before the rules were changed for the first held-out run's misses; measured once
    (docs/languages.md: 98.0 % of opt-outs acted, 2.0 % of non-opt-outs acted)."""
    rates = score.figures(score.classify(score.second_held_out_rows()))[0].rates()
    assert rates["keyword_acted"] == 1.0
    assert rates["optout_acted"] is not None and rates["optout_acted"] >= 0.98
    assert rates["negative_acted_max"] is not None and rates["negative_acted_max"] <= 0.021
    assert rates["negative_review_max"] is not None and rates["negative_review_max"] <= 0.05


def test_the_score_script_prints_per_language_and_band() -> None:
    text = score.report(score.classify(score.dev_rows()), "dev")
    for language in SUPPORTED_LANGUAGES:
        assert f"\n{language} " in text
    for band in ("certain", "likely", "possible"):
        assert f"\n{band}" in text
    assert "targets: all met" in text


# --- Replies in the contact's language ------------------------------------------------------------


@pytest.mark.parametrize("language", [lang for lang in SUPPORTED_LANGUAGES if lang != "en"])
def test_every_language_has_its_confirmation_and_help_text(language: str) -> None:
    policy = ReplyPolicy.build(("SMS",))
    for kind in ReplyKind:
        text = policy.text(kind, "SMS", language)
        assert text == LANGUAGE_TEXTS[f"{kind.value}.{language}"]
        assert "START" in text


def test_an_operators_own_text_is_kept_for_every_language() -> None:
    policy = ReplyPolicy.build(("SMS",), {"opt-out-confirmation": "Brand: unsubscribed."})
    assert policy.text(ReplyKind.OPT_OUT_CONFIRMATION, "SMS", "fr") == "Brand: unsubscribed."
    assert policy.text(ReplyKind.HELP, "SMS", "fr") == LANGUAGE_TEXTS["help.fr"]


# --- Settings -------------------------------------------------------------------------------------


def test_settings_take_all_languages_and_a_band_policy() -> None:
    s = Settings(_env_file=None, keyword_languages="all", plain_language_policy="likely=review")  # type: ignore[call-arg, arg-type]
    assert s.keyword_languages == SUPPORTED_LANGUAGES
    classifier = s.keyword_policy()
    assert classifier.band_policy[Band.LIKELY] is Handling.REVIEW


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CONSENT_GATE_KEYWORD_LANGUAGES": "en,xx"}, "unknown language 'xx'"),
        ({"CONSENT_GATE_PLAIN_LANGUAGE_POLICY": "sure=act"}, "not a band"),
        ({"CONSENT_GATE_EXTRA_OPT_OUT_KEYWORDS": "!!!"}, "empty"),
        (
            {
                "CONSENT_GATE_ACT_ON_CONTAINED_KEYWORD": "true",
                "CONSENT_GATE_PLAIN_LANGUAGE_POLICY": "possible=review",
            },
            "ACT_ON_CONTAINED_KEYWORD",
        ),
    ],
)
def test_bad_language_settings_are_one_sentence(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], says: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=says) as info:
        load_settings(_env_file=None)
    assert "\n" not in str(info.value)


def test_the_old_contained_keyword_setting_still_acts_on_possible() -> None:
    s = Settings(_env_file=None, act_on_contained_keyword=True)  # type: ignore[call-arg]
    assert s.keyword_policy().band_policy[Band.POSSIBLE] is Handling.ACT


# --- The event's proof and its schema (v3, readable by v2 readers) -------------------------------


def _event(text: str) -> dict[str, Any]:
    reply = b.inbound_reply("c1", "SMS", text, event_id="r1")
    trigger, _ = read_reply(reply, ALL)
    assert trigger is not None
    from streams.core.consent import apply

    outcome = apply(default(True), trigger)
    return consent_event(
        contact_id="c1",
        channel="SMS",
        trigger=trigger,
        before=default(True),
        outcome=outcome,
        recorded_at_ms=1,
    )


def test_the_event_proof_says_how_the_reply_was_read(contract: Contract) -> None:
    event = _event("non scrivetemi più")
    proof = event["proof"]
    assert isinstance(proof, dict)
    assert (proof["method"], proof["band"], proof["language"], proof["rule"]) == (
        "plain_language",
        "certain",
        "it",
        "it.non-scrivetemi-piu",
    )
    encoded = contract.encode(RecordName.CONSENT_EVENT, event)
    assert contract.decode(RecordName.CONSENT_EVENT, encoded) == event
    scoped = _event("STOP MARKETING")["proof"]
    assert isinstance(scoped, dict) and scoped["scope"] == "MARKETING"


def test_a_v2_reader_still_reads_a_v3_event(contract: Contract) -> None:
    event = _event("take me off your list")
    encoded = contract.encode(RecordName.CONSENT_EVENT, event)
    folder = Path(DEFAULT_SCHEMA_DIR) / "consent_event"
    v2 = avro.schema.parse((folder / "v2.avsc").read_text(encoding="utf-8"))
    v3 = avro.schema.parse((folder / "v3.avsc").read_text(encoding="utf-8"))
    assert encoded[2:HEADER_LEN] == v3.fingerprint()
    body = avro.io.BinaryDecoder(io.BytesIO(encoded[HEADER_LEN:]))
    old = cast(dict[str, Any], avro.io.DatumReader(v3, v2).read(body))
    assert old["proof"] == {
        "captured_at_ms": event["proof"]["captured_at_ms"],
        "method": "plain_language",
        "evidence": "reply r1",
        "ip_address": None,
    }
    assert old["raw_text"] == "take me off your list"


def test_a_v2_event_still_decodes(contract: Contract) -> None:
    folder = Path(DEFAULT_SCHEMA_DIR) / "consent_event"
    v2 = avro.schema.parse((folder / "v2.avsc").read_text(encoding="utf-8"))
    event = _event("STOP")
    event["proof"] = None
    buf = io.BytesIO()
    buf.write(b"\xc3\x01" + v2.fingerprint())
    avro.io.DatumWriter(v2).write(event, avro.io.BinaryEncoder(buf))
    assert contract.decode(RecordName.CONSENT_EVENT, buf.getvalue())["proof"] is None


# --- consent-gate classify ------------------------------------------------------------------------


def test_classify_prints_a_table_for_arguments() -> None:
    result = CliRunner().invoke(
        cli, ["classify", "--languages", "all", "STOP", "I'll stop by the store"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["intent", "action", "band", "lang", "rule"]
    assert lines[1].split()[:5] == ["OPT_OUT", "act", "certain", "en", "keyword:stop"]
    assert lines[2].split()[:4] == ["NONE", "none", "-", "-"]


def test_classify_reads_stdin_and_writes_json_lines() -> None:
    replies = "quiero darme de baja\n\nhow do I cancel my order\nAIUTO\n"
    result = CliRunner().invoke(cli, ["classify", "--json", "--languages", "es,it"], input=replies)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["intent"], r["action"], r["language"]) for r in rows] == [
        ("OPT_OUT", "act", "es"),
        ("NONE", "none", None),
        ("HELP", "none", "it"),
    ]
    assert set(rows[0]) == {"text", "intent", "action", "band", "language", "rule"}
    assert rows[0]["rule"] == "es.darme-de-baja"


def test_classify_refuses_an_unknown_language_in_one_sentence() -> None:
    result = CliRunner().invoke(cli, ["classify", "--languages", "en,klingon", "STOP"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "klingon" in result.output


# --- Constructions of de, nl, pl, sv, da, tr (issue #15, the rules generalised) -------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bitte melden Sie mich vom Newsletter ab", "de"),
        ("Meine Nummer bitte löschen", "de"),
        ("Bitte kei Werbig meh, merci", "de"),  # Swiss German
        ("Hiermit widerrufe ich meine Einwilligung zum Erhalt von Werbung.", "de"),
        ("Keine weiteren Nachrichten bitte", "de"),
        ("Ich möchte nicht mehr kontaktiert werden", "de"),
        ("Gelieve mij uit te schrijven van uw mailinglijst", "nl"),  # Flemish
        ("ik wil niks meer van jullie ontvangen", "nl"),
        ("Kunnen jullie me niet meer mailen? Dank je", "nl"),
        ("Ik trek mijn toestemming in voor marketingberichten", "nl"),
        ("Bardzo proszę, żadnych SMS-ów więcej na ten numer", "pl"),
        ("Nie życzę sobie kontaktu marketingowego", "pl"),
        ("Cofam zgodę na otrzymywanie informacji handlowych", "pl"),
        ("Dziękuję za rabat. Ale proszę już więcej nie pisać.", "pl"),
        ("inga fler reklamutskick tack", "sv"),  # a compound noun
        ("Hej, jag vill inte längre få marknadsföring från er", "sv"),
        ("slutaaa skicka", "sv"),
        ("Jag återkallar mitt samtycke till reklamutskick", "sv"),
        ("meld mig af nyhedsbrevet", "da"),
        ("I skal ikke skrive til mig igen!!", "da"),
        ("Kan I lade være med at skrive på WhatsApp? Tak", "da"),
        ("Jeg trækker mit samtykke til markedsføring tilbage", "da"),
        ("sms atmayi birakin artik", "tr"),
        ("Yeter art\u0131k, WhatsApp'tan yazmay\u0131n bana", "tr"),
        ("SMS gönderimini durdurun lütfen", "tr"),
        ("kişisel verilerimin silinmesini ve benimle iletişime geçilmemesini talep ediyorum", "tr"),
        ("Bitte stellen Sie jegliche Werbekommunikation ein", "de"),
        ("Ich möchte der Werbung widersprechen", "de"),
        ("Wie heeft jullie mijn nummer gegeven? Verwijder het", "nl"),
        ("Enligt GDPR begär jag att ni raderar mina uppgifter", "sv"),
        ("inga sms mer tack", "sv"),
        ("ingen sms mere tak", "da"),
        ("Chcę zrezygnować z newslettera", "pl"),
        ("sms iptal", "tr"),
    ],
)
def test_plain_language_opt_outs_of_the_northern_and_eastern_languages_act(
    text: str, language: str
) -> None:
    match = ALL.classify(text)
    assert (match.intent, ALL.handling(match)) == (Intent.OPT_OUT, Handling.ACT), match
    assert match.rule and match.rule.split(".")[0] in (language, "en", "any"), match.rule


@pytest.mark.parametrize(
    "text",
    [
        "Wie oft soll ich noch sagen, dass ihr aufhören sollt?",  # exasperation
        "Ich zeige euch an, wenn das weitergeht",  # a threat if it goes on
        "Hoe vaak moet ik nog vragen om te stoppen?",
        "Ik ga een klacht indienen als dit doorgaat",
        "Zgłoszę to do UODO jeśli nie przestaniecie",
        "Jag anmäler er om ni inte slutar",
        "Jeg klager til Forbrugerombudsmanden hvis I ikke stopper",
        "Kaç kere söyleyeceğim, b\u0131rak\u0131n art\u0131k!",
        "Devam ederseniz şikayet edeceğim",
        "Das ist nicht mehr meine Nummer, bitte aufhören",
    ],
)
def test_exasperation_threats_and_wrong_numbers_are_likely_opt_outs(text: str) -> None:
    match = ALL.classify(text)
    assert (match.intent, ALL.handling(match)) == (Intent.OPT_OUT, Handling.ACT), match


@pytest.mark.parametrize(
    "text",
    [
        "Kein Interesse",  # "not interested" alone is no request to stop
        "Geen interesse",
        "Nie jestem zainteresowany",
        "Inte intresserad",
        "Ikke interesseret",
        "İlgilenmiyorum",
        "Hört bloß nicht auf, mir Angebote zu schicken!",
        "Ich melde mich ab Montag wieder",
        "Ich habe keine SMS mit dem Code bekommen",
        "Wie melde ich mich bei Netflix ab?",
        "Stopp, das ist ja super!",
        "Halt, das ist ja super günstig!",
        "Ik stop met roken",
        "Stop maar, ik heb al besteld",
        "Stop niet met de aanbiedingen sturen, super handig!",
        "Haal de trui uit mijn winkelmandje aub",
        "Nie dostałem SMS-a z kodem",
        "Jak zrezygnować z subskrypcji boxa z kosmetykami?",
        "Stop, ale cena!",
        "Nie wysyłajcie paczki, zmieniam adres",
        "Sluta inte skicka erbjudanden, de är toppen!",
        "Jag avregistrerade mig av misstag, kan ni lägga till mig igen?",
        "Stopp, vilket pris!",
        "I må ikke stoppe med at sende rabatkoder, de er super",
        "Stop aldrig med de gode tilbud!",
        "Hvordan melder jeg mig af Netflix via jeres tv-pakke?",
        "Jeg fik ikke nogen sms med koden",
        "Kargoyu art\u0131k göndermeyin",
        "Kampanya göndermeyi b\u0131rakmay\u0131n, çok işime yar\u0131yor!",
        "Ret mi edildi siparişim?",
        "Sepetimden kazağ\u0131 ç\u0131kar\u0131n lütfen",
        "Ich melde mich ab und zu bei euch",
        "Ich möchte meine Bestellung abbestellen",
        "Ik ontvang geen berichten meer van de bezorger, is er iets mis?",
        "Ik wil niet dat jullie stoppen met de acties",
        "Przestańcie się spóźniać z dostawą",
        "Jeg får ikke flere sms'er fra budet, er der noget galt?",
        "Bana faturay\u0131 göndermeyin, e-posta yeterli",
    ],
)
def test_hard_negatives_of_the_northern_and_eastern_languages_do_nothing(text: str) -> None:
    match = ALL.classify(text)
    assert ALL.handling(match) is Handling.NONE, (text, match)


def test_a_turkish_ret_with_the_brand_is_the_iys_keyword() -> None:
    match = ALL.classify("RET Markam")
    assert (match.band, match.rule, ALL.handling(match)) == (
        "certain",
        "tr.ret-marka",
        Handling.ACT,
    )
    assert ALL.classify("SLUTA!").keyword == "sluta"


@pytest.mark.parametrize(
    "text",
    [
        "Wie kann ich mich abmelden?",
        "Hoe kan ik me afmelden?",
        "Jak się wypisać?",
        "Hur avregistrerar jag mig?",
        "Hvordan afmelder jeg mig?",
        "nasıl abonelikten çıkarım?",  # noqa: RUF001
        "how do I unsubscribe?",
        "¿cómo me doy de baja?",
    ],
)
def test_asking_how_to_unsubscribe_acts_in_every_language(text: str) -> None:
    """A person asking how to unsubscribe wants to: a reasonable reading of a wish to stop
    (the FCC's "any reasonable means"), so it acts, the same in every language."""
    match = ALL.classify(text)
    assert match.band in ("certain", "likely") and ALL.handling(match) is Handling.ACT, match


def _search_by_finditer(rule: intents.Rule, compiled: re.Pattern[str], padded: str) -> bool:
    """The reference: any match of the rule not right after one of its negations."""
    return any(
        not padded.endswith(rule.negations, 0, m.start() + 1) for m in compiled.finditer(padded)
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_VOCABULARY, "not", "don t", "nie", "non"]), max_size=9))
def test_a_rule_is_searched_as_finditer_would(words: list[str]) -> None:
    padded = " " + " ".join(words)
    for rule, compiled, _ in ALL._rules:
        assert intents._search(rule, compiled, padded) == _search_by_finditer(
            rule, compiled, padded
        ), (rule.id, padded)
