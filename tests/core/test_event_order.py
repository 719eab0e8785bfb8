"""Event-time order: watermarks and the hold queue, including a property test that simulates
routers interleaving several input partitions in any order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.core.ordering import (
    CONSENT,
    MEASURED,
    SEND,
    HoldQueue,
    OrderKey,
    ProducerLag,
    watermark,
)

REPLIES, REQUESTS = "replies", "requests"
PARTITIONS = {REPLIES: 2, REQUESTS: 2}


def queue(max_hold_ms: int = 10**9, max_held: int = 10**9) -> HoldQueue[str]:
    return HoldQueue(PARTITIONS, frozenset({REPLIES}), max_hold_ms, max_held)


def key(ts: int, topic: str, partition: int = 0, offset: int = 0) -> OrderKey:
    return OrderKey(ts, CONSENT if topic == REPLIES else SEND, topic, partition, offset)


def test_watermark_of_a_partition_behind_is_just_below_its_highest_timestamp_less_grace() -> None:
    # The next record may carry the same millisecond as the last one.
    assert watermark(1_000, caught_up=False, now_ms=5_000, grace_ms=200) == 799


def test_watermark_of_a_partition_at_its_end_is_now_less_grace() -> None:
    assert watermark(1_000, caught_up=True, now_ms=5_000, grace_ms=200) == 4_800
    assert watermark(None, caught_up=True, now_ms=5_000, grace_ms=0) == 5_000


def test_nothing_routed_and_not_at_the_end_promises_nothing() -> None:
    assert watermark(None, caught_up=False, now_ms=5_000, grace_ms=0) is None


def test_a_send_waits_for_every_consent_partition() -> None:
    q = queue()
    q.hold(key(100, REQUESTS), "send", now_ms=0)
    q.observe(REPLIES, 0, 500)
    assert q.release(now_ms=1) == []  # replies partition 1 has said nothing yet
    q.observe(REPLIES, 1, 99)
    assert q.release(now_ms=1) == []  # ... and then not enough
    q.observe(REPLIES, 1, 100)
    assert [r.item for r in q.release(now_ms=1)] == ["send"]


def test_a_consent_change_waits_for_the_send_partitions_too() -> None:
    q = queue()
    q.hold(key(100, REPLIES), "stop", now_ms=0)
    for p in range(2):
        q.observe(REPLIES, p, 1_000)
    assert q.release(now_ms=1) == []
    for p in range(2):
        q.observe(REQUESTS, p, 100)
    assert [r.item for r in q.release(now_ms=1)] == ["stop"]


def test_at_the_same_instant_consent_goes_first() -> None:
    q = queue()
    q.hold(key(100, REQUESTS, offset=1), "send", now_ms=0)
    q.hold(key(100, REPLIES, offset=9), "stop", now_ms=0)
    for t in PARTITIONS:
        for p in range(2):
            q.observe(t, p, 100)
    assert [r.item for r in q.release(now_ms=1)] == ["stop", "send"]


def test_watermarks_never_go_back() -> None:
    q = queue()
    assert q.observe(REPLIES, 0, 500)
    assert not q.observe(REPLIES, 0, 400)
    assert q.marks[(REPLIES, 0)] == 500


def test_an_expired_hold_releases_it_and_everything_before_it_marked_expired() -> None:
    q = queue(max_hold_ms=1_000)
    q.hold(key(200, REQUESTS), "late send", now_ms=0)
    q.hold(key(100, REQUESTS, offset=1), "earlier send", now_ms=500)
    assert q.release(now_ms=999) == []
    released = q.release(now_ms=1_000)
    assert [(r.item, r.expired) for r in released] == [("earlier send", True), ("late send", True)]
    assert len(q) == 0


def test_the_size_bound_releases_the_oldest() -> None:
    q = queue(max_held=2)
    for i in range(3):
        q.hold(key(100 + i, REQUESTS, offset=i), f"s{i}", now_ms=i)
    released = q.release(now_ms=3)
    assert [(r.item, r.expired) for r in released] == [("s0", True)]
    assert len(q) == 2


# --- The property: interleave partitions arbitrarily, publish honest watermarks at random -------


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[tuple[str, int], list[int]], list[int]]:
    streams: dict[tuple[str, int], list[int]] = {}
    for topic, count in PARTITIONS.items():
        for p in range(count):
            steps = draw(st.lists(st.integers(0, 5), max_size=12))
            ts, out = 0, []
            for s in steps:
                ts += s
                out.append(ts)
            streams[(topic, p)] = out
    total = sum(len(v) for v in streams.values())
    # A schedule: which partition acts next (route its next record, or publish its watermark).
    choices = draw(st.lists(st.integers(0, 3), min_size=total * 2, max_size=total * 3))
    return streams, choices


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_released_order_is_event_time_order_and_no_send_overtakes_an_earlier_stop(
    scenario: tuple[dict[tuple[str, int], list[int]], list[int]],
) -> None:
    streams, choices = scenario
    names = sorted(streams)
    cursor = dict.fromkeys(names, 0)
    q = queue()
    released: list[OrderKey] = []
    clock = 0

    def publish(name: tuple[str, int]) -> None:
        topic, p = name
        done = cursor[name]
        seen = streams[name][done - 1] if done else None
        caught_up = done == len(streams[name])
        wm = watermark(seen, caught_up, now_ms=clock, grace_ms=0)
        if wm is not None:
            # Honest only for a caught-up partition if nothing later can be earlier than now:
            # the simulated clock is past every timestamp produced so far.
            q.observe(topic, p, wm if not caught_up else min(wm, clock))

    clock = max((ts[-1] for ts in streams.values() if ts), default=0)
    for i, c in enumerate(choices):
        name = names[c % len(names)]
        if i % 2 == 0 and cursor[name] < len(streams[name]):
            offset = cursor[name]
            topic, p = name
            q.hold(key(streams[name][offset], topic, p, offset), "x", now_ms=0)
            cursor[name] += 1
        else:
            publish(name)
        released.extend(r.key for r in q.release(now_ms=0))
    for name in names:  # route the rest, then everything is at its end
        while cursor[name] < len(streams[name]):
            topic, p = name
            offset = cursor[name]
            q.hold(key(streams[name][offset], topic, p, offset), "x", now_ms=0)
            cursor[name] += 1
        publish(name)
    released.extend(r.key for r in q.release(now_ms=0))

    assert len(released) == sum(len(v) for v in streams.values())
    consent = [k for k in released if k.rank == CONSENT]
    for i, k in enumerate(released):
        before = set(released[:i])
        if k.rank == SEND:  # every consent input of its time or earlier was applied first
            assert all(c in before for c in consent if c.timestamp_ms <= k.timestamp_ms)
        else:  # a consent change comes after everything earlier in event time
            assert all(o in before for o in released if o < k)


def test_a_topic_of_unknown_size_holds_everything() -> None:
    q: HoldQueue[str] = HoldQueue({REPLIES: 0, REQUESTS: 1}, frozenset({REPLIES}), 10**9)
    q.hold(key(100, REQUESTS), "send", now_ms=0)
    q.observe(REQUESTS, 0, 10**6)
    assert q.release(now_ms=1) == []


# --- ProducerLag: the grace widens while inputs reach Kafka late ---------------------------------


def test_producer_lag_widens_the_grace_for_its_window_then_lets_it_go() -> None:
    lag = ProducerLag(window_ms=30_000, buckets=30)
    assert lag.grace(200, now_ms=0, cap_ms=30_000) == 200  # nothing seen: the configured grace
    lag.observe(50, now_ms=1_000)  # below half the grace: no change
    assert lag.grace(200, now_ms=1_000, cap_ms=30_000) == 200
    lag.observe(400, now_ms=2_000)  # a record at least 400 ms late: twice that
    lag.observe(-5, now_ms=2_000)  # arrived in time: says nothing
    assert lag.grace(200, now_ms=2_500, cap_ms=30_000) == 800
    assert lag.grace(200, now_ms=2_500, cap_ms=500) == 500  # never past the cap
    assert lag.recent(now_ms=31_000) == 400  # still within the window
    assert lag.grace(200, now_ms=33_000, cap_ms=30_000) == 200  # out of it: back to the floor


@given(st.lists(st.tuples(st.integers(-1_000, 10_000), st.integers(0, 120_000)), max_size=50))
def test_producer_lag_recent_is_the_largest_lag_of_the_window(obs: list[tuple[int, int]]) -> None:
    lag = ProducerLag(window_ms=30_000, buckets=30)
    obs.sort(key=lambda o: o[1])
    for value, at in obs:
        lag.observe(value, at)
    now = obs[-1][1] if obs else 0
    in_window = [v for v, at in obs if at // 1_000 > now // 1_000 - 30 and v > 0]
    assert lag.recent(now) == max(in_window, default=0)


# --- The fast path (records in turn on arrival skip the heap) decides exactly as the heap -------


class _HeapOnly:
    """The hold queue without its fast path: every record on a sorted list, released from the
    front while its turn has come (the reference the fast path must match)."""

    def __init__(self) -> None:
        self.q = queue()
        self.held: list[tuple[OrderKey, str]] = []

    def release(self) -> list[OrderKey]:
        consent_mark, every_mark = self.q.low_marks()
        self.held.sort()
        out = []
        while self.held:
            k = self.held[0][0]
            if k.timestamp_ms > (consent_mark if k.rank == SEND else every_mark):
                break
            out.append(self.held.pop(0)[0])
        return out


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.tuples(
                st.just("hold"),
                st.integers(0, 40),
                st.sampled_from(sorted(PARTITIONS)),
                st.integers(0, 1),
            ),
            st.tuples(
                st.just("mark"),
                st.integers(-5, 45),
                st.sampled_from(sorted(PARTITIONS)),
                st.integers(0, 1),
            ),
            st.tuples(st.just("release"), st.just(0), st.just(REPLIES), st.just(0)),
        ),
        max_size=60,
    )
)
def test_the_fast_path_decides_the_same_records_in_the_same_order_as_the_heap(
    steps: list[tuple[str, int, str, int]],
) -> None:
    fast, reference = queue(), _HeapOnly()
    for topic, count in PARTITIONS.items():  # every partition heard of: the fast path can act
        for p in range(count):
            fast.observe(topic, p, 20)
            reference.q.observe(topic, p, 20)
    got: list[OrderKey] = []
    want: list[OrderKey] = []
    for offset, (action, ts, topic, p) in enumerate([*steps, ("release", 0, REPLIES, 0)]):
        if action == "hold":
            k = key(ts, topic, p, offset)
            fast.hold(k, "x", now_ms=0)
            reference.held.append((k, "x"))
        elif action == "mark":
            fast.observe(topic, p, ts)
            reference.q.observe(topic, p, ts)
        else:
            got.extend(r.key for r in fast.release(now_ms=0))
            want.extend(reference.release())
        assert len(fast) == len(reference.held) + len(want) - len(got)
    assert got == want
    assert sorted(k for k, _ in fast.held()) == sorted(k for k, _ in reference.held)


def test_adaptive_grace_follows_the_measured_delay_once_enough_is_measured() -> None:
    lag = ProducerLag(window_ms=30_000, buckets=30)
    assert lag.adaptive(50, now_ms=0, cap_ms=30_000) is None  # nothing measured: not known
    for n in range(MEASURED - 1):
        lag.observe(-3 if n % 2 else 12, now_ms=100 * n)  # in time, or at least 12 ms late
    assert lag.adaptive(50, now_ms=1_000, cap_ms=30_000) is None  # too few measurements
    lag.observe(40, now_ms=1_000)
    assert lag.measured(1_000) == MEASURED
    assert lag.adaptive(50, now_ms=1_000, cap_ms=30_000) == 80  # twice the largest delay
    assert lag.adaptive(100, now_ms=1_000, cap_ms=30_000) == 100  # never below the floor
    assert lag.adaptive(10, now_ms=1_000, cap_ms=60) == 60  # nor above the cap
    assert lag.adaptive(10, now_ms=40_000, cap_ms=30_000) is None  # out of the window
