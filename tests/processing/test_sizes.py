"""Nothing the gate produces can exceed the producer's limit: a record too large to be held for
ordering is dead-lettered by the router, a suppression of a huge campaign keeps the beginning of
the original with its size and hash, and absurdly long fields are refused up front."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from hypothesis import example, given
from hypothesis import strategies as st

from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.oversize import record_size, within
from streams.processing.records import InputKind, Output, Rejected, SourceRecord
from streams.processing.router import HELD_OVERHEAD, Router
from streams.processing.validate import MAX_FIELD_LENGTH, Validator
from streams.settings import Settings
from tests.harness import InMemoryGate

R = RecordName
LIMIT = 100_000


def _settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"max_message_bytes": LIMIT})


def _src(
    s: Settings, c: Contract, topic: str, name: RecordName, rec: dict[str, object]
) -> SourceRecord:
    return SourceRecord(topic, 0, 7, 1_000, b"k", c.encode(name, rec), [("h", b"v")])


def test_a_record_that_would_not_fit_once_held_is_dead_lettered_by_the_router(
    settings: Settings, contract: Contract
) -> None:
    s = _settings(settings)
    body = "x" * (LIMIT - 200)
    src = _src(
        s,
        contract,
        s.requests_topic,
        R.OUTBOUND_MESSAGE,
        b.outbound_message("c1", "SMS", body=body),
    )
    out = Router(s, contract).route(src)
    assert out.topic == s.deadletter_topic
    letter = contract.decode(R.DEAD_LETTER, out.value)
    assert letter["error_code"] == "TOO_LARGE"
    assert record_size(out.key, out.value, out.headers) <= LIMIT
    assert letter["original_sha256"] == hashlib.sha256(src.value or b"").hexdigest()


def test_a_record_that_fits_once_held_is_routed(settings: Settings, contract: Contract) -> None:
    s = _settings(settings)
    src = _src(
        s,
        contract,
        s.requests_topic,
        R.OUTBOUND_MESSAGE,
        b.outbound_message("c1", "SMS", body="x" * 50_000),
    )
    out = Router(s, contract).route(src)
    assert out.topic == s.by_contact_topic
    assert record_size(out.key, out.value, out.headers) + HELD_OVERHEAD <= LIMIT


def test_a_huge_suppressed_campaign_keeps_its_beginning_size_and_hash(
    settings: Settings, contract: Contract
) -> None:
    s = _settings(settings)
    h = InMemoryGate(s, contract)

    def through(src: SourceRecord) -> list[Output]:
        return h.feed(src.topic, src.value, src.key, src.headers, src.timestamp_ms or 1_000)

    through(
        _src(s, contract, s.replies_topic, R.INBOUND_REPLY, b.inbound_reply("c1", "SMS", "STOP"))
    )
    # Fits once routed, but the suppression wraps it with more fields and a big campaign id.
    send = b.outbound_message("c1", "SMS", body="y" * (LIMIT - 5_000), campaign_id="z" * 4_000)
    src = _src(s, contract, s.requests_topic, R.OUTBOUND_MESSAGE, send)
    [out] = through(src)
    assert out.topic == s.suppressed_topic
    rec = contract.decode(R.SUPPRESSED_MESSAGE, out.value)
    assert record_size(out.key, out.value, out.headers) <= LIMIT
    assert rec["value_truncated"] is True and rec["reason"] == "OPTED_OUT"
    assert rec["original_size"] == len(src.value or b"")
    assert rec["original_sha256"] == hashlib.sha256(src.value or b"").hexdigest()
    assert (src.value or b"").startswith(rec["original_value"])


def test_an_absurdly_long_field_is_refused_before_it_reaches_an_output(
    settings: Settings, contract: Contract
) -> None:
    click = b.link_click("c1", "EMAIL", feedback_reason="r" * (MAX_FIELD_LENGTH + 1))
    out = Router(settings, contract).route(
        _src(settings, contract, settings.clicks_topic, R.LINK_CLICK, click)
    )
    letter = contract.decode(R.DEAD_LETTER, out.value)
    assert (letter["error_code"], letter["error"]) == (
        "INVALID_FIELD",
        f"feedback_reason is longer than {MAX_FIELD_LENGTH} characters",
    )


_SETTINGS = Settings(_env_file=None)  # type: ignore[call-arg]
_CONTRACT = Contract()
_VALIDATOR = Validator(_CONTRACT, _SETTINGS.channels, _SETTINGS.max_text_length)


def _outcome(check: Callable[[], object]) -> str:
    try:
        check()
    except Rejected as exc:
        return str(exc)
    return "valid"


@given(
    chars=st.text(min_size=1, max_size=3),
    length=st.integers(MAX_FIELD_LENGTH // 4, MAX_FIELD_LENGTH + 3),
    url=st.integers(0, 40),
)
@example(chars="a", length=MAX_FIELD_LENGTH - 100, url=0)  # the shortcut: ASCII, under the limit
@example(chars="é", length=MAX_FIELD_LENGTH - 100, url=0)  # two bytes each: the full rule
@example(chars="a", length=MAX_FIELD_LENGTH + 1, url=0)  # too long: refused either way
def test_the_length_rule_skipped_for_a_short_record_decides_as_the_full_rule(
    chars: str, length: int, url: int
) -> None:
    """``Validator.check`` skips the field-length rule when the whole encoded record is no
    longer than the limit: whatever the characters' widths, it decides exactly as the full
    rule does (both branches are taken: the examples)."""
    reason = (chars * MAX_FIELD_LENGTH)[:length]
    click = b.link_click("c1", "EMAIL", url="u" * url, feedback_reason=reason)
    value = _CONTRACT.encode(R.LINK_CLICK, click)
    decoded = _CONTRACT.decode(R.LINK_CLICK, value)
    assert _outcome(lambda: _VALIDATOR.check(InputKind.CLICK, value)) == _outcome(
        lambda: _VALIDATOR.check_record(InputKind.CLICK, decoded)
    )


def test_the_length_rule_is_skipped_only_for_a_record_short_enough() -> None:
    """The examples above take both branches: an ASCII reason 100 characters under the limit
    fits in the limit's bytes, a two-byte one does not."""
    ascii_reason = b.link_click("c1", "EMAIL", feedback_reason="a" * (MAX_FIELD_LENGTH - 100))
    wide_reason = b.link_click("c1", "EMAIL", feedback_reason="é" * (MAX_FIELD_LENGTH - 100))
    assert len(_CONTRACT.encode(R.LINK_CLICK, ascii_reason)) <= MAX_FIELD_LENGTH
    assert len(_CONTRACT.encode(R.LINK_CLICK, wide_reason)) > MAX_FIELD_LENGTH


_maybe_bytes = st.one_of(st.none(), st.binary(max_size=400))


@given(
    _maybe_bytes,
    _maybe_bytes,
    st.lists(st.tuples(st.text(max_size=20), _maybe_bytes), max_size=6),
    st.integers(0, 2_000),
)
def test_the_quick_bound_never_says_a_record_fits_when_it_does_not(
    key: bytes | None,
    value: bytes | None,
    headers: list[tuple[str, bytes | None]],
    limit: int,
) -> None:
    if within(key, value, headers, limit):
        assert record_size(key, value, headers) <= limit
