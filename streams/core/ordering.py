"""Event-time order across inputs: watermarks and the hold queue. Pure: no Kafka.

The inputs (replies, clicks, commands, send requests) arrive on different topics with different
partition counts and partitioners, and are routed by several workers onto one by-contact
partition each. Arrival order there says little about when things happened: a STOP acknowledged
by the broker before a campaign was produced can still reach the gate after it (a backlog on the
replies topic, another worker routing it). So the gate decides in **event time**:

* Every router publishes, for each input partition it consumes, a *watermark* ``w``: every record
  of that partition with a timestamp ``<= w`` has been routed already (it is earlier on the
  by-contact topic than the watermark). :func:`watermark` computes it.
* The gate holds what it reads in a :class:`HoldQueue` ordered by :class:`OrderKey` and releases a
  record once the watermarks it depends on have passed its timestamp: a CAMPAIGN send waits for
  every *consent* input partition (a STOP of the same instant or earlier must be applied first); a
  consent change waits for *every* input partition (an earlier send is decided on the state before
  the change). Ties go to consent changes first, then by (topic, partition, offset): a total order,
  so a replay of the same inputs gives the same decisions.
* A hold is bounded (``max_hold_ms``): when it expires the record is released anyway and the
  release says so (the gate counts it, and by default suppresses such a campaign).

The clock assumption: timestamps are the producers' (Kafka CreateTime), and within one input
partition a record's timestamp is at most ``grace_ms`` behind the highest timestamp before it,
and it reaches the broker within ``grace_ms`` of its timestamp (by the workers' clocks).
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

#: A watermark below every timestamp: nothing is known to be routed yet.
UNKNOWN = -(2**63)

InputPartition = tuple[str, int]


class OrderKey(NamedTuple):
    """The position of an input in event time; the total order of decisions (a tuple: compared
    field by field, in C)."""

    timestamp_ms: int
    rank: int  # CONSENT before SEND at the same instant
    topic: str
    partition: int
    offset: int


CONSENT = 0
SEND = 1


def watermark(
    max_timestamp_ms: int | None, caught_up: bool, now_ms: int, grace_ms: int
) -> int | None:
    """What a router may promise for one input partition it consumes: every record with a
    timestamp ``<=`` the result has been routed. None: nothing can be promised yet.

    ``max_timestamp_ms`` is the highest timestamp routed from the partition so far (None: none),
    ``caught_up`` says the partition was consumed to its end as of ``now_ms``. A later record may
    carry the same timestamp as the highest seen, or one up to ``grace_ms`` below it, or arrive
    up to ``grace_ms`` after its timestamp; a partition at its end is good up to ``now - grace``.
    """
    candidates = []
    if max_timestamp_ms is not None:
        candidates.append(max_timestamp_ms - 1)
    if caught_up:
        candidates.append(now_ms)
    if not candidates:
        return None
    return max(candidates) - grace_ms


@dataclass(slots=True)
class _Held(Generic[T]):
    key: OrderKey
    item: T
    arrived_ms: int
    released: bool = False


@dataclass(slots=True)
class Released(Generic[T]):
    key: OrderKey
    item: T
    expired: bool  # released because the hold bound was hit, not because order was proven


@dataclass
class HoldQueue(Generic[T]):
    """The records of one by-contact partition waiting for the watermarks to pass them.

    ``partitions`` maps every input topic to its partition count; ``consent_topics`` are the
    topics whose records change consent (everything else is a send request).

    A record whose turn has come already when it arrives, with nothing held, is not put on the
    heap: it waits in a list for the next :meth:`release`, which sorts that list (or, should
    something be held by then, pushes it onto the heap): the same decisions in the same order,
    at a fraction of the cost when the inputs are behind their watermarks (a backlog).
    """

    partitions: Mapping[str, int]
    consent_topics: frozenset[str]
    max_hold_ms: int
    max_held: int = 1_000_000
    marks: dict[InputPartition, int] = field(default_factory=dict)
    # (key, arrival number, held): keys are unique per input (topic, partition, offset); the
    # number orders two copies of one input (which only a fenced-out worker could have routed)
    # instead of comparing their helds.
    _heap: list[tuple[OrderKey, int, _Held[T]]] = field(default_factory=list)
    _pushed: int = 0
    _arrivals: deque[_Held[T]] = field(default_factory=deque)
    _size: int = 0
    _ready: list[tuple[OrderKey, T]] = field(default_factory=list)  # in turn on arrival
    _low: tuple[int, int] | None = None  # low_marks(), until a watermark moves

    def __len__(self) -> int:
        return self._size + len(self._ready)

    def set_partitions(self, partitions: Mapping[str, int]) -> None:
        self.partitions = dict(partitions)
        self._low = None

    def observe(self, topic: str, partition: int, mark: int) -> bool:
        """Take a router's watermark; True if it moved ours (watermarks only move forward)."""
        if mark > self.marks.get((topic, partition), UNKNOWN):
            self.marks[(topic, partition)] = mark
            self._low = None
            return True
        return False

    def low_marks(self) -> tuple[int, int]:
        """(lowest watermark of the consent inputs, lowest of all inputs). A topic whose
        partition count is unknown (0) holds everything back."""
        if self._low is None:
            self._low = self._low_marks()
        return self._low

    def _low_marks(self) -> tuple[int, int]:
        consent = every = 2**63 - 1
        for topic, count in self.partitions.items():
            is_consent = topic in self.consent_topics
            if count <= 0:
                every = UNKNOWN
                consent = UNKNOWN if is_consent else consent
            for p in range(count):
                m = self.marks.get((topic, p), UNKNOWN)
                every = min(every, m)
                if is_consent:
                    consent = min(consent, m)
        return consent, every

    def hold(self, key: OrderKey, item: T, now_ms: int) -> None:
        if not self._heap:
            consent_mark, every_mark = self.low_marks()
            if key[0] <= (consent_mark if key[1] == SEND else every_mark):
                self._ready.append((key, item))
                return
        self._push(key, item, now_ms)

    def _push(self, key: OrderKey, item: T, now_ms: int) -> None:
        held = _Held(key, item, now_ms)
        self._pushed += 1
        heapq.heappush(self._heap, (key, self._pushed, held))
        self._arrivals.append(held)
        self._size += 1

    def earliest_ms(self) -> int | None:
        """The earliest event time still held (None: nothing is held)."""
        times = [key.timestamp_ms for key, _ in self._ready]
        if self._heap:
            times.append(self._heap[0][0].timestamp_ms)
        return min(times, default=None)

    def held(self) -> Iterable[tuple[OrderKey, T]]:
        yield from self._ready
        yield from ((key, h.item) for key, _, h in self._heap)

    def release(self, now_ms: int) -> list[Released[T]]:
        """Everything that may be decided now, in order."""
        out: list[Released[T]] = []
        ready = self._ready
        if ready:
            self._ready = []
            if not self._heap:  # all of them in turn (watermarks only move on), none before
                ready.sort(key=_first)
                out = [Released(key, item, False) for key, item in ready]
            else:
                for key, item in ready:
                    self._push(key, item, now_ms)
        consent_mark, every_mark = self.low_marks()
        heap = self._heap
        while heap:
            top = heap[0][0]
            bound = consent_mark if top.rank == SEND else every_mark
            if top.timestamp_ms > bound:
                break
            out.append(self._pop(expired=False))
        # The hold bound: the record waiting longest, or the oldest beyond the size limit, goes
        # now, with everything that precedes it in event time.
        while self._arrivals:
            oldest = self._arrivals[0]
            if oldest.released:
                self._arrivals.popleft()
                continue
            if now_ms - oldest.arrived_ms < self.max_hold_ms and self._size <= self.max_held:
                break
            while not oldest.released:
                out.append(self._pop(expired=True))
        return out

    def _pop(self, *, expired: bool) -> Released[T]:
        _, _, held = heapq.heappop(self._heap)
        held.released = True
        self._size -= 1
        return Released(held.key, held.item, expired)


def _first(pair: tuple[OrderKey, object]) -> OrderKey:
    return pair[0]


class ProducerLag:
    """How late inputs reach Kafka, as the router can tell: a record that was not yet in the
    partition when a fetch was sent at ``S`` (that fetch's end was below it) was appended after
    ``S``, so it took at least ``S - timestamp`` to arrive. The largest such lower bound over the
    last ``window_ms`` sets the grace the watermarks allow: :meth:`grace` widens a configured
    grace while producers lag (an overloaded machine, a slow broker), so decisions wait instead
    of letting a late STOP miss its turn; :meth:`adaptive` follows the measured delay both ways
    once enough records were measured (:data:`MEASURED`)."""

    def __init__(self, window_ms: int = 30_000, buckets: int = 30) -> None:
        self.bucket_ms = max(1, window_ms // buckets)
        self.buckets = buckets
        # (bucket, largest lag in it, measurements in it)
        self._peaks: deque[tuple[int, int, int]] = deque()

    def observe(self, lag_ms: int, now_ms: int) -> None:
        """One measurement: records took at least ``lag_ms`` (<= 0: arrived in time, which
        counts as a measurement too)."""
        lag = max(0, lag_ms)
        bucket = now_ms // self.bucket_ms
        if self._peaks and self._peaks[-1][0] == bucket:
            _, peak, count = self._peaks[-1]
            self._peaks[-1] = (bucket, max(peak, lag), count + 1)
        else:
            self._peaks.append((bucket, lag, 1))

    def _window(self, now_ms: int) -> deque[tuple[int, int, int]]:
        oldest = now_ms // self.bucket_ms - self.buckets
        while self._peaks and self._peaks[0][0] <= oldest:
            self._peaks.popleft()
        return self._peaks

    def recent(self, now_ms: int) -> int:
        """The largest lag seen within the window (0: none)."""
        return max((lag for _, lag, _ in self._window(now_ms)), default=0)

    def measured(self, now_ms: int) -> int:
        """How many measurements the window holds."""
        return sum(count for _, _, count in self._window(now_ms))

    def grace(self, configured_ms: int, now_ms: int, cap_ms: int) -> int:
        """The grace to allow now: the configured one, or twice the recent lag (a margin for
        producers lagging further still), at most ``cap_ms``."""
        return max(configured_ms, min(2 * self.recent(now_ms), cap_ms))

    def adaptive(self, floor_ms: int, now_ms: int, cap_ms: int) -> int | None:
        """Twice the recent lag, at least ``floor_ms`` and at most ``cap_ms``; None while the
        window holds fewer than :data:`MEASURED` measurements (the delay is not known)."""
        if self.measured(now_ms) < MEASURED:
            return None
        return self.grace(floor_ms, now_ms, cap_ms)


#: Measurements (batches of records that reached Kafka while the router watched) an input needs
#: within the window before its grace follows its measured delay.
MEASURED = 10
