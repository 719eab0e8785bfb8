"""A gate partition without Kafka (tests/harness.py): routed records wait for the watermarks, go
in event-time order, and what is still held at a commit survives a restart (its offsets are in
the changelog writes, and so in RocksDB once they commit; the records are read again from the
by-contact topic)."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.partition import (
    HELD_OFFSETS_KEY,
    HELD_PREFIX,
    MARKS_KEY,
    held_offsets,
    held_record_encoder,
    offsets_of,
    runs_of,
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
    assert held_offsets(h.store, 0, h.c) == [2]  # the send's offset, not the record itself
    assert list(h.store.scan(0, HELD_PREFIX)) == []
    assert h.store.get(0, MARKS_KEY) is not None

    h.restart()  # a restart: the table from RocksDB, the send read again from the topic
    assert h.part.held() == 1
    assert h.part.release(now_ms=0) == []  # the restored watermark still holds the send
    h.watermark(3_000)
    assert topics(h.part.release(now_ms=0)) == [h.s.suppressed_topic]
    h.commit()
    assert h.store.get(0, HELD_OFFSETS_KEY) is None  # decided: nothing held any more
    h.restart()
    assert h.part.held() == 0


def test_the_held_offsets_are_written_at_a_commit_only_when_what_is_held_changed(
    h: InMemoryGate,
) -> None:
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), ts=2_000)
    h.part.save(now_ms=10_000, marks_every_ms=10_000)
    assert HELD_OFFSETS_KEY in h.part.state.pending
    h.commit()
    h.part.save(now_ms=10_000, marks_every_ms=10_000)
    assert HELD_OFFSETS_KEY not in h.part.state.pending  # the same record still held


def test_handed_over_the_held_records_go_to_the_changelog_themselves_and_are_decided_once(
    h: InMemoryGate,
) -> None:
    """A revocation or a stop (or a group with a worker of an earlier version) writes the held
    records, which every version reads back, instead of their offsets; the next owner decides
    each once and deletes it."""
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), ts=2_000)
    h.commit()
    assert held_offsets(h.store, 0, h.c) == [1]
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c2", "SMS"), ts=2_500)
    h.part.save(now_ms=10_000, marks_every_ms=0, as_records=True)
    h.commit()
    assert h.store.get(0, HELD_OFFSETS_KEY) is None
    assert len(list(h.store.scan(0, HELD_PREFIX))) == 2

    h.restart()
    assert h.part.held() == 2  # each once: from its HeldRecord, not also from an offset
    h.watermark(3_000)
    assert topics(h.part.release(now_ms=0)) == [h.s.channel_topic("SMS")] * 2
    h.commit()
    assert list(h.store.scan(0, HELD_PREFIX)) == []


def test_a_held_record_whose_old_entry_is_in_the_changelog_is_still_restored_and_deleted(
    h: InMemoryGate,
) -> None:
    # What the gate wrote before the offsets: the held record itself, under its offset.
    value = h.c.encode(R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"))
    routed = h.router.route(SourceRecord(h.s.requests_topic, 0, 7, 2_000, b"c1", value, []))
    src = SourceRecord(routed.topic, 0, 7, 2_000, routed.key, routed.value, routed.headers)
    h.put(HELD_PREFIX + (7).to_bytes(8, "big"), held_record_encoder(h.c)(src))
    h.restart()
    assert h.part.held() == 1
    h.watermark(3_000)
    assert topics(h.part.release(now_ms=0)) == [h.s.channel_topic("SMS")]
    h.commit()
    assert list(h.store.scan(0, HELD_PREFIX)) == []


@given(st.sets(st.integers(0, 2**40), max_size=200), st.sets(st.integers(0, 300), max_size=200))
def test_held_offsets_are_kept_as_runs_and_read_back_exactly(
    scattered: set[int], dense: set[int]
) -> None:
    offsets = sorted(scattered | dense)
    runs = runs_of(offsets)
    assert offsets_of(runs) == offsets
    assert len(runs) <= 2 * len(offsets)
    assert all(runs[i] + runs[i + 1] < runs[i + 2] for i in range(0, len(runs) - 2, 2))


def test_a_run_of_consecutive_offsets_is_one_pair() -> None:
    assert runs_of([5, 6, 7, 8, 10, 20, 21]) == [5, 4, 10, 1, 20, 2]
    assert runs_of([]) == []


def test_a_record_decided_within_one_transaction_never_reaches_the_changelog(
    h: InMemoryGate,
) -> None:
    h.watermark(10_000)
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), ts=2_000)
    assert topics(h.part.release(now_ms=0)) == [h.s.channel_topic("SMS")]
    h.part.save(now_ms=10_000, marks_every_ms=0)
    assert not [k for k in h.part.state.pending if k.startswith(HELD_PREFIX)]
    assert HELD_OFFSETS_KEY not in h.part.state.pending  # nothing held before or after


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


# --- the local path (streams.kafka.local_path) ----------------------------------------------


def test_a_copy_held_by_the_local_path_survives_a_restart_under_an_offset_of_its_own(
    h: InMemoryGate,
) -> None:
    h.hold(h.s.replies_topic, R.INBOUND_REPLY, b.inbound_reply("c1", "SMS", "STOP"), 1_000, True)
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c1", "SMS"), 2_000, True)
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c2", "SMS"), 2_500)
    h.commit()
    keys = [k for k, _ in h.store.scan(0, HELD_PREFIX)]
    held = sorted(int.from_bytes(k[1:], "big", signed=True) for k in keys)
    assert held == [-2, -1]  # the copies themselves; the topic's offsets are >= 0
    assert held_offsets(h.store, 0, h.c) == [h.offset]  # the third, read from the topic

    h.restart()
    assert h.part.held() == 3
    # A copy held after the restart gets an offset below every one held: nothing is overwritten.
    h.hold(h.s.requests_topic, R.OUTBOUND_MESSAGE, b.outbound_message("c3", "SMS"), 3_000, True)
    h.commit()
    assert len(list(h.store.scan(0, HELD_PREFIX))) == 3
    h.part.observe((t, 0, 5_000) for t in h.inputs)  # the router's marks, given directly
    out = h.part.release(now_ms=0)
    sms = h.s.channel_topic("SMS")
    assert topics(out) == [h.s.events_topic, sms, h.s.suppressed_topic, sms, sms]
    h.commit()
    assert list(h.store.scan(0, HELD_PREFIX)) == []


_kind = st.sampled_from(["STOP", "START", "send"])


@hsettings(deadline=None, max_examples=40)
@given(st.lists(st.tuples(_kind, st.integers(0, 20), st.booleans()), min_size=1, max_size=25))
def test_the_local_path_decides_as_the_topic_does(
    contract: Contract, inputs: list[tuple[str, int, bool]]
) -> None:
    """The same inputs, each held from the topic or given directly, in any mix: the same
    decisions in the same order (the hold queue orders by event time, not by how a record came)."""
    settings = Settings(_env_file=None)  # type: ignore[call-arg]

    def decide(local: list[bool]) -> list[tuple[str, bytes | None]]:
        with TemporaryDirectory() as tmp:
            g = InMemoryGate(settings, contract, Path(tmp) / "db")
            for (kind, second, _), here in zip(inputs, local, strict=True):
                ts = 1_000 + second * 100
                if kind == "send":
                    record = b.outbound_message("c1", "SMS")
                    g.hold(g.s.requests_topic, R.OUTBOUND_MESSAGE, record, ts, here)
                else:
                    record = b.inbound_reply("c1", "SMS", kind)
                    g.hold(g.s.replies_topic, R.INBOUND_REPLY, record, ts, here)
            g.watermark(10_000)
            return [(o.topic, o.key) for _, outs in g.release(now_ms=0) for o in outs]

    assert decide([here for *_, here in inputs]) == decide([False] * len(inputs))
