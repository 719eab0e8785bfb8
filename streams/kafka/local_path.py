"""The local path (opt-in): a record routed to a by-contact partition this worker owns is held by
that partition at once, instead of being written to the by-contact topic and read back after the
router's commit; and the router's watermarks reach those partitions one batch later, instead of at
the next commit and the fetch after it. It saves a commit and a fetch on the way of every decision,
and the writing, fetching and reading of the copy (``docs/architecture.md``, "The local path").

Why the order still holds. A watermark ``W`` of input partition ``i`` promises the gate partition
``q`` every record of ``i`` up to ``W``. Records of ``i`` reach ``q`` two ways: held at once by the
local path (from the moment this worker owns ``q``, it writes nothing of ``i`` to ``q`` on the
topic), or through the topic, written before: by this worker before it owned ``q``, or by an
earlier owner of ``i``. All of those lie below the end of ``q`` (its high watermark) as read just
after the assignment: this worker committed its own writes before the rebalance, and an earlier
owner's transaction that wrote them also committed ``i``'s offsets, which the stable offset fetch of
the assignment waited for. So the local marks are given to ``q`` only once the consumer's position
in ``q`` has passed that end (:meth:`LocalPath.live`); until then ``q`` waits for the watermarks
on the topic, which this worker keeps publishing to every partition.

What is held through a commit is written to the changelog as before (the gate partition's
``save``), in the transaction that commits the input's offset: a crash, a rewind or a new owner
of ``q`` finds it there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from aiokafka import TopicPartition

Mark = tuple[str, int, int]  # input topic, partition, watermark


class Marked(Protocol):
    def observe(self, marks: Iterable[Mark]) -> None: ...


class LocalPath:
    """Which gate partitions may take this worker's watermarks directly, and the marks they get
    (see the module)."""

    def __init__(
        self, enabled: bool, by_contact: str, state_of: Callable[[TopicPartition], Any]
    ) -> None:
        self.enabled = enabled
        self.by_contact = by_contact
        self.state_of = state_of  # aiokafka's fetch state of a partition (or None)
        #: The end of each owned by-contact partition read after its assignment (None: not
        #: known yet, asked again at the next commit).
        self._ends: dict[int, int | None] = {}
        self._live: set[int] = set()
        #: The marks of the previous batch, given after the next one (:meth:`give`).
        self._marks: list[Mark] = []

    def assigned(self, partitions: Iterable[int]) -> None:
        """The by-contact partitions of a new assignment (their ends: :meth:`learned`)."""
        self._ends = dict.fromkeys(partitions)
        self.rewound()

    def unknown(self) -> list[int]:
        """The owned partitions whose end is not known yet."""
        return [p for p, end in self._ends.items() if end is None]

    def learned(self, ends: dict[int, int]) -> None:
        for p, end in ends.items():
            if p in self._ends and self._ends[p] is None:
                self._ends[p] = end

    def rewound(self) -> None:
        """Positions went back to the last commit: each partition passes its end again first,
        and marks of what was routed since are void."""
        self._live.clear()
        self._marks = []

    def forget(self) -> None:
        self._ends.clear()
        self.rewound()

    def give(self, parts: Mapping[int, Marked], current: Callable[[], list[Mark]]) -> None:
        """After a batch was routed: the marks of the batch before go to the live partitions,
        now that the fetch after them is routed too (a record that reached Kafka just after its
        partition was seen at its end is held before they let anything go: the margin the
        topic's fetch gave); then ``current()`` are the marks kept for the next batch."""
        live = self.live()
        if live and self._marks:
            for p in live:
                parts[p].observe(self._marks)
        self._marks = current()

    def live(self) -> set[int]:
        """The partitions that take the local marks now: owned, and read past their end."""
        if len(self._live) < len(self._ends):
            for p, end in self._ends.items():
                if p in self._live or end is None:
                    continue
                state = self.state_of(TopicPartition(self.by_contact, p))
                if state is not None and state.has_valid_position and state.position >= end:
                    self._live.add(p)
        return self._live
