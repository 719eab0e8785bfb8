"""The router's watermarks (streams/kafka/watermarks.py) with fake fetch states: the grace of each
input topic's marks, fixed or following the producers' measured delay."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from aiokafka import TopicPartition

from streams.core.ordering import MEASURED
from streams.kafka.watermarks import Watermarks

pytestmark = pytest.mark.unit

REPLIES = TopicPartition("replies", 0)
CLICKS = TopicPartition("clicks", 0)


@dataclass
class State:
    """What the fetch patches note on aiokafka's partition state."""

    position: int = 0
    highwater: int = 0
    lso: int | None = None
    cg_heard_ms: int | None = None
    cg_prev_heard_ms: int | None = None
    cg_prev_end: int | None = None
    has_valid_position: bool = True


@dataclass
class Msg:
    offset: int
    timestamp_ms: int


def marks(floor_ms: int | None) -> tuple[Watermarks, dict[TopicPartition, State]]:
    states = {REPLIES: State(), CLICKS: State()}
    w = Watermarks(200, 60_000, states.get, Counter(), floor_ms=floor_ms)
    w.own(REPLIES)
    w.own(CLICKS)
    return w, states


def arrive(w: Watermarks, states: dict[TopicPartition, State], delay_ms: int, now_ms: int) -> None:
    """A record of replies reached Kafka ``delay_ms`` after its timestamp; the router reads it
    and is at the end again."""
    st = states[REPLIES]
    st.cg_prev_heard_ms, st.cg_prev_end = now_ms - 1, st.highwater
    msg = Msg(st.highwater, now_ms - 1 - delay_ms)
    st.highwater += 1
    st.position = st.highwater
    st.cg_heard_ms = now_ms
    progress = w.routed(REPLIES, [msg], now_ms)
    assert progress is not None
    progress.seen(msg.timestamp_ms)


def published(w: Watermarks, now_ms: int) -> dict[str, int]:
    return {m["topic"]: m["timestamp_ms"] for m in w.due(now_ms)}


def test_a_fixed_grace_stays_whatever_the_producers_measure() -> None:
    w, states = marks(floor_ms=None)
    states[CLICKS].cg_heard_ms = 0
    for n in range(MEASURED * 2):
        arrive(w, states, delay_ms=3, now_ms=1_000 + n)
    assert w.grace_ms == 200
    at = 1_000 + MEASURED * 2
    states[CLICKS].cg_heard_ms = states[REPLIES].cg_heard_ms = at
    assert published(w, at) == {"replies": at - 200, "clicks": at - 200}


def test_the_adaptive_grace_follows_each_topic_and_an_unmeasured_one_borrows() -> None:
    w, states = marks(floor_ms=20)
    states[CLICKS].cg_heard_ms = 0
    arrive(w, states, delay_ms=3, now_ms=1_000)
    at = 1_001
    states[CLICKS].cg_heard_ms = states[REPLIES].cg_heard_ms = at
    # Not enough measured yet: the configured grace for every topic.
    assert published(w, at) == {"replies": at - 200, "clicks": at - 200}
    for n in range(MEASURED):
        arrive(w, states, delay_ms=15, now_ms=2_000 + n)
    at = 2_000 + MEASURED
    states[CLICKS].cg_heard_ms = states[REPLIES].cg_heard_ms = at
    got = published(w, at)
    # Twice the largest delay seen (15 ms, measured from the previous fetch: 14-16): ~30 ms;
    # clicks has no record of its own and borrows the measure of every input.
    assert 20 <= at - got["replies"] <= 40
    assert got["clicks"] == got["replies"]
    assert w.grace_ms == at - got["replies"]


def test_the_adaptive_grace_never_goes_below_its_floor_and_widens_on_a_late_producer() -> None:
    w, states = marks(floor_ms=50)
    for n in range(MEASURED):
        arrive(w, states, delay_ms=0, now_ms=1_000 + n)
    w.due(1_100)
    assert w.grace_ms == 50
    arrive(w, states, delay_ms=400, now_ms=1_200)  # one STOP 400 ms late
    w.due(1_300)
    assert w.grace_ms >= 800 and w.graces["replies"] >= 800


def test_a_floor_at_or_above_the_grace_means_a_fixed_grace() -> None:
    w, _ = marks(floor_ms=200)
    assert w.floor_ms is None
