"""The local path: a record routed to a by-contact partition this worker owns is held by that
partition at once, instead of being written to the by-contact topic and read back after the
router's commit; and the router's watermarks reach those partitions at once, instead of at the
next commit and the fetch after it. It saves a commit and a fetch on the way of every decision,
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

from collections.abc import Callable, Iterable
from typing import Any

from aiokafka import TopicPartition


class LocalPath:
    """Which gate partitions may take this worker's watermarks directly (see the module)."""

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

    def assigned(self, partitions: Iterable[int], ends: dict[int, int] | None) -> None:
        """The by-contact partitions of a new assignment, with their ends (None: unknown)."""
        self._ends = {p: (ends or {}).get(p) for p in partitions}
        self._live.clear()

    def unknown(self) -> list[int]:
        """The owned partitions whose end is not known yet."""
        return [p for p, end in self._ends.items() if end is None]

    def learned(self, ends: dict[int, int]) -> None:
        for p, end in ends.items():
            if p in self._ends and self._ends[p] is None:
                self._ends[p] = end

    def rewound(self) -> None:
        """Positions went back to the last commit: each partition passes its end again first."""
        self._live.clear()

    def forget(self) -> None:
        self._ends.clear()
        self._live.clear()

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
