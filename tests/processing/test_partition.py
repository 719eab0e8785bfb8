"""A gate partition without Kafka (tests/harness.py): routed records wait for the watermarks, go
in event-time order, and what is still held at a commit survives a restart (it is in the
changelog writes, and so in RocksDB once they commit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.partition import (
    HELD_PREFIX,
    MARKS_KEY,
    held_record_encoder,
)
from streams.processing.records import Output, SourceRecord
from streams.settings import Settings
from tests.harness import InMemoryGate

R = RecordName


def topics(decided: list[tuple[SourceRecord, list[Output]]]) -> list[str]:
    return [o.topic for _, outs in decided for o in outs]


@pytest.fixture
def h(settings: Settings, contract: Contract, tmp_path: Path) -> InMemoryGate:
    return InMemoryGate(settings, contract, tmp_path / "db")


def test_a_send_read_before_an_earlier_stop_is_decided_after_it(h: InMemoryGate) -> None:
    # The send arrives first (another worker routed it sooner), but the STOP happened first.
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), ts=2_000)
    h.hold(h.s.replies_topic, R.INBOUND_REPLY, b.inbound_reply("c1", "SMS", "STOP"), ts=1_000)
    assert h.part.release(now_ms=0) == []  # no watermark yet: both held
    h.watermark(5_000)
    outs = h.part.release(now_ms=0)
    # the opt-out event and its confirmation, then the suppression
    sms = h.s.channel_topic("SMS")
    assert topics(outs) == [h.s.events_topic, sms, h.s.suppressed_topic]


def test_held_records_and_watermarks_survive_a_restart(h: InMemoryGate) -> None:
    h.hold(h.s.replies_topic, R.INBOUND_REPLY, b.inbound_reply("c1", "SMS", "STOP"), ts=1_000)
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), ts=2_000)
    h.watermark(1_500)  # lets the STOP go (event and confirmation), not the send
    assert topics(h.part.release(now_ms=0)) == [h.s.events_topic, h.s.channel_topic("SMS")]
    h.commit()
    assert [k for k, _ in h.store.scan(0, HELD_PREFIX)] != []
    assert h.store.get(0, MARKS_KEY) is not None

    h.restart()  # a restart: everything comes from RocksDB
    assert h.part.held() == 1
    assert h.part.release(now_ms=0) == []  # the restored watermark still holds the send
    h.watermark(3_000)
    assert topics(h.part.release(now_ms=0)) == [h.s.suppressed_topic]
    h.commit()
    assert list(h.store.scan(0, HELD_PREFIX)) == []  # decided: deleted from the changelog


def test_a_record_decided_within_one_transaction_never_reaches_the_changelog(
    h: InMemoryGate,
) -> None:
    h.watermark(10_000)
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), ts=2_000)
    assert topics(h.part.release(now_ms=0)) == [h.s.channel_topic("SMS")]
    h.part.save(now_ms=10_000, marks_every_ms=0)
    assert not [k for k in h.part.state.pending if k.startswith(HELD_PREFIX)]


def test_an_expired_campaign_is_suppressed_as_order_uncertain(
    settings: Settings, contract: Contract, tmp_path: Path
) -> None:
    h = InMemoryGate(settings.model_copy(update={"max_hold_ms": 1_000}), contract, tmp_path / "db")
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), ts=2_000)
    assert h.part.release(now_ms=999) == []
    [(_, [out])] = h.part.release(now_ms=1_000)
    assert h.c.decode(R.SUPPRESSED_MESSAGE, out.value)["reason"] == "ORDER_UNCERTAIN"
    assert h.counters["hold_expired"] == 1


def test_with_hold_expiry_decide_an_expired_campaign_is_decided_on_what_is_known(
    settings: Settings, contract: Contract, tmp_path: Path
) -> None:
    s = settings.model_copy(update={"max_hold_ms": 1_000, "hold_expiry": "decide"})
    h = InMemoryGate(s, contract, tmp_path / "db")
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), ts=2_000)
    assert topics(h.part.release(now_ms=1_000)) == [h.s.channel_topic("SMS")]


_CONTRACT = Contract()
_maybe_bytes = st.one_of(st.none(), st.binary(max_size=300))


@given(
    st.integers(0, 2**62),
    st.one_of(st.none(), st.integers(-(2**62), 2**62)),
    _maybe_bytes,
    _maybe_bytes,
    st.lists(st.tuples(st.text(max_size=30), _maybe_bytes), max_size=80),
)
def test_held_records_are_encoded_exactly_as_the_contract_encodes_them(
    offset: int,
    timestamp_ms: int | None,
    key: bytes | None,
    value: bytes | None,
    headers: list[tuple[str, bytes | None]],
) -> None:
    encode = held_record_encoder(_CONTRACT)
    src = SourceRecord("t", 0, offset, timestamp_ms, key, value, headers)
    expected = _CONTRACT.encode(
        R.HELD_RECORD,
        {
            "offset": offset,
            "timestamp_ms": timestamp_ms,
            "key": key,
            "value": value,
            "headers": [{"key": k, "value": v} for k, v in headers],
        },
    )
    assert encode(src) == expected
