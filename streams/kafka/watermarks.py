"""The router's side of the watermark protocol (``docs/architecture.md``): what it may promise
for each input partition it consumes, published into every by-contact partition each commit.

A watermark ``W`` for input partition ``i`` says: every record of ``i`` with a timestamp ``<= W``
has been routed (its copy is on the by-contact topic, in this or an earlier transaction). The
gate decides a held record only when every input partition's watermark has passed it
(:mod:`streams.core.ordering`). Watermarks travel in the same transaction as the routed copies
and the input offsets, so a worker that lost its partitions cannot publish one (fencing,
:mod:`streams.kafka.aiokafka_internals`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition

from streams.core.ordering import ProducerLag, watermark
from streams.kafka.aiokafka_internals import fetched_end
from streams.logs import log_event

logger = logging.getLogger("consent_gate.engine")

#: How often an idle worker (nothing routed since its last watermarks) publishes watermarks.
IDLE_MARKS_MS = 1000


@dataclass(slots=True)
class InputProgress:
    """What the router has routed of one input partition."""

    max_timestamp_ms: int | None = None
    #: The last watermark published for it: a record at or below it came later than the clock
    #: assumption allows (CONSENT_GATE_ORDER_GRACE_MS), and may be decided out of order.
    published_ms: int | None = None

    def seen(self, timestamp_ms: int) -> bool:
        """Take a routed record's timestamp; False if it is late (at or below the published
        watermark)."""
        if self.max_timestamp_ms is None or timestamp_ms > self.max_timestamp_ms:
            self.max_timestamp_ms = timestamp_ms
        return self.published_ms is None or timestamp_ms > self.published_ms


class Watermarks:
    """Per input partition the worker owns: how far it has routed, when it was last seen at its
    end, how late producers are (the grace widens while they lag)."""

    def __init__(
        self,
        grace_ms: int,
        max_hold_ms: int,
        state_of: Callable[[TopicPartition], Any],
        counters: Counter[str],
        floor_ms: int | None = None,
    ) -> None:
        self.configured_grace_ms = grace_ms
        #: The adaptive grace's floor (CONSENT_GATE_ORDER_GRACE_MIN_MS); None: a fixed grace.
        self.floor_ms = floor_ms if floor_ms is not None and floor_ms < grace_ms else None
        self.max_hold_ms = max_hold_ms
        self.state_of = state_of  # aiokafka's fetch state of a partition (or None)
        self.counters = counters
        self.progress: dict[TopicPartition, InputProgress] = {}
        self.lag = ProducerLag()  # every input's producers
        self.lags: dict[str, ProducerLag] = {}  # each input topic's producers
        self.grace_ms = grace_ms  # the widest grace in use now (ProducerLag)
        self.graces: dict[str, int] = {}  # the grace of each input topic's marks
        self._fallback_ms = grace_ms  # the grace of a topic not in graces
        self.last_routed_ms = 0
        self.published_ms = 0
        self._late_logged = -60.0

    # --- ownership ------------------------------------------------------------------------
    def own(self, tp: TopicPartition) -> None:
        self.progress[tp] = InputProgress()

    def drop(self, tp: TopicPartition) -> None:
        self.progress.pop(tp, None)

    def reset(self) -> None:
        """After a rewind: nothing routed since the last commit counts any more."""
        for tp in self.progress:
            self.progress[tp] = InputProgress()

    # --- while routing --------------------------------------------------------------------
    def routed(self, tp: TopicPartition, msgs: list[Any], now_ms: int) -> InputProgress | None:
        """Note a batch of ``tp`` about to be routed; its progress (None: not ours)."""
        progress = self.progress.get(tp)
        if progress is None:
            return None
        self.last_routed_ms = now_ms
        self._observe_lag(tp, msgs, now_ms)
        return progress

    def _observe_lag(self, tp: TopicPartition, msgs: list[Any], now_ms: int) -> None:
        """Note how late these records (of the latest fetch) reached Kafka at least: after the
        previous fetch of ``tp`` was sent (:class:`ProducerLag`)."""
        state = self.state_of(tp)
        before: int | None = getattr(state, "cg_prev_heard_ms", None)
        end: int | None = getattr(state, "cg_prev_end", None)
        if before is None or end is None:
            return
        # Only records past the end the previous fetch saw were not in the partition when it was
        # sent (a backlog was there all along: reading it late says nothing of its producers).
        new = [m.timestamp_ms for m in msgs if m.offset >= end and m.timestamp_ms is not None]
        if new:
            lag = before - min(new)
            self.lag.observe(lag, now_ms)
            if self.floor_ms is not None:  # a fixed grace uses the measure of every input alone
                topic = self.lags.get(tp.topic)
                if topic is None:
                    topic = self.lags[tp.topic] = ProducerLag()
                topic.observe(lag, now_ms)
            if 2 * lag > self.grace_ms:
                # Longer than the grace allows: wider at once, for the marks of this very batch
                # (the local path gives them to the gate before the next commit).
                self._set_grace(now_ms)

    def late(self, tp: TopicPartition, timestamp_ms: int, progress: InputProgress) -> None:
        """An input older than the watermark already published for its partition: the clock
        assumption failed for it (produced too long before it reached Kafka, or with a clock too
        far behind). Counted (``late_inputs``), and said in a warning at most once a minute."""
        self.counters["late_inputs"] += 1
        now = time.monotonic()
        if now - self._late_logged >= 60:
            self._late_logged = now
            log_event(
                logger,
                "input.late",
                logging.WARNING,
                topic=tp.topic,
                partition=tp.partition,
                behind_ms=(progress.published_ms or 0) - timestamp_ms,
                late_inputs=self.counters["late_inputs"],
                hint="raise CONSENT_GATE_ORDER_GRACE_MS above the producers' delay",
            )

    # --- at a commit ----------------------------------------------------------------------
    def caught_up(self, tp: TopicPartition) -> int | None:
        """When the partition was last seen consumed to its end (the time the fetch that told
        its end was sent), or None if it is not at its end."""
        state = self.state_of(tp)
        if state is None or not state.has_valid_position:
            return None
        end = fetched_end(state)
        heard: int | None = getattr(state, "cg_heard_ms", None)
        if end is None or heard is None or state.position < end:
            return None
        return heard

    def _set_grace(self, now_ms: int) -> None:
        """The grace of each input topic's marks. Fixed (no floor): the configured grace,
        widened while producers lag behind their timestamps. Adaptive: twice the delay measured
        on the topic in the last 30 s (at least the floor); a topic with too few records to
        measure borrows the measure of every input together; with nothing measured, the
        configured grace as when fixed. One log line each time the widest grace goes above the
        configured one, and one when it comes back."""
        configured = self.configured_grace_ms
        cap = self.max_hold_ms // 2
        fallback = self.lag.grace(configured, now_ms, cap_ms=cap)
        graces: dict[str, int] = {}
        if self.floor_ms is not None:
            every = self.lag.adaptive(self.floor_ms, now_ms, cap)
            if every is not None:
                fallback = every
            for topic, lag in self.lags.items():
                own = lag.adaptive(self.floor_ms, now_ms, cap)
                graces[topic] = fallback if own is None else own
        self.graces = graces
        grace = max([fallback, *graces.values()])
        widened = grace > configured
        if widened and self.grace_ms <= configured:
            log_event(
                logger,
                "order.grace_widened",
                logging.WARNING,
                grace_ms=grace,
                configured_ms=configured,
                reason="inputs reach Kafka later than their timestamps allow; decisions wait "
                "for them",
            )
        elif not widened and self.grace_ms > configured:
            log_event(logger, "order.grace_restored", grace_ms=grace)
        self.grace_ms = grace
        self._fallback_ms = fallback

    def due(self, now_ms: int) -> list[dict[str, Any]]:
        """The marks to publish now (empty: none due). Each commit while routing, and for a
        while after (what it routed waits for watermarks past its timestamp, the grace later);
        when idle, once a second: what waits for an idle worker's watermarks waits that much
        longer, but an idle gate keeps quiet."""
        busy = now_ms - self.last_routed_ms <= self.configured_grace_ms + IDLE_MARKS_MS
        if not busy and now_ms - self.published_ms < IDLE_MARKS_MS:
            return []
        self.published_ms = now_ms
        self._set_grace(now_ms)
        return [
            {"topic": topic, "partition": partition, "timestamp_ms": wm}
            for topic, partition, wm in self.current(now_ms)
        ]

    def current(self, now_ms: int) -> list[tuple[str, int, int]]:
        """The mark of every input partition the worker routes, as of now (topic, partition,
        timestamp): published into the by-contact topic at a commit (:meth:`due`), and given at
        once to the gate partitions of the local path (``streams.kafka.local_path``). A record
        at or below a mark given is late (:meth:`late`)."""
        marks = []
        fallback = self._fallback_ms
        graces = self.graces
        for tp, progress in self.progress.items():
            heard = self.caught_up(tp)
            wm = watermark(
                progress.max_timestamp_ms,
                heard is not None,
                heard if heard is not None else now_ms,
                graces.get(tp.topic, fallback),
            )
            if wm is not None:
                if progress.published_ms is None or wm > progress.published_ms:
                    progress.published_ms = wm
                marks.append((tp.topic, tp.partition, wm))
        return marks
