"""When a gate partition may take the worker's own watermarks directly (the local path): only
once the consumer has read it past the end it had at the assignment, and again after a rewind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aiokafka import TopicPartition

from streams.kafka.local_path import LocalPath

TOPIC = "cg-by-contact"


@dataclass
class State:
    position: int
    has_valid_position: bool = True


def test_a_partition_is_live_once_read_past_its_end_at_the_assignment() -> None:
    states = {0: State(5), 1: State(0), 2: State(0, has_valid_position=False)}
    path = LocalPath(True, TOPIC, lambda tp: states.get(tp.partition))
    path.assigned([0, 1, 2, 3])
    assert path.live() == set()  # no end known yet: the topic's watermarks only
    assert path.unknown() == [0, 1, 2, 3]
    path.learned({0: 5, 1: 7, 2: 0})
    assert path.unknown() == [3]
    assert path.live() == {0}  # 1 is still behind its end; 2 has no position; 3 no end
    states[1].position = 7
    assert path.live() == {0, 1}
    states[1].position = 3  # a live partition stays live until a rewind...
    assert path.live() == {0, 1}
    path.rewound()  # ...which moves the positions back: it must pass its end again
    assert path.live() == {0}
    path.learned({3: 1, 0: 99})  # an end once known is kept
    states[3] = State(1)
    assert path.live() == {0, 3}


def test_a_new_assignment_or_a_loss_forgets_everything() -> None:
    asked: list[TopicPartition] = []

    def state_of(tp: TopicPartition) -> State:
        asked.append(tp)
        return State(10)

    path = LocalPath(True, TOPIC, state_of)
    path.assigned([0, 1])
    path.learned({0: 1, 1: 2})
    assert path.live() == {0, 1}
    assert sorted(asked) == [TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 1)]
    path.assigned([1])
    path.learned({1: 20})
    assert path.live() == set()
    path.forget()
    assert path.live() == set() and path.unknown() == []


class Part:
    def __init__(self) -> None:
        self.seen: list[list[tuple[str, int, int]]] = []

    def observe(self, marks: Iterable[tuple[str, int, int]]) -> None:
        self.seen.append(list(marks))


def test_marks_reach_a_live_partition_one_batch_after_they_were_computed() -> None:
    path = LocalPath(True, TOPIC, lambda tp: State(10))
    path.assigned([0])
    path.learned({0: 0})
    parts = {0: Part()}
    path.give(parts, lambda: [("in", 0, 100)])
    assert parts[0].seen == []  # computed after this batch: kept for the next
    path.give(parts, lambda: [("in", 0, 200)])
    assert parts[0].seen == [[("in", 0, 100)]]
    path.rewound()  # what was routed since the last commit is void: so are its marks
    path.give(parts, lambda: [("in", 0, 300)])
    assert parts[0].seen == [[("in", 0, 100)]]
