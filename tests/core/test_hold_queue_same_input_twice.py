"""The hold queue given the same input twice (issue 14).

A worker frozen past the session timeout and continued, without fencing, commits its router's
copy of inputs the other worker routed too: the by-contact topic then holds two records of one
input, with the same order key. Held together, they crash the worker at every start (seen in the
fault run: ``TypeError: '<' not supported between instances of '_Held' and '_Held'``, both
workers in a crash loop). Fencing keeps such copies out; the queue survives them anyway, in
arrival order.
"""

from __future__ import annotations

from streams.core.ordering import SEND, HoldQueue, OrderKey

REPLIES, REQUESTS = "replies", "requests"


def test_the_same_input_held_twice_does_not_crash_the_queue() -> None:
    q: HoldQueue[str] = HoldQueue({REPLIES: 1, REQUESTS: 1}, frozenset({REPLIES}), 10**9)
    key = OrderKey(1_000, SEND, REQUESTS, 0, 42)
    q.hold(key, "first copy", 0)  # no watermark yet: held on the heap
    q.hold(key, "second copy", 0)
    q.observe(REPLIES, 0, 2_000)
    q.observe(REQUESTS, 0, 2_000)
    assert [r.item for r in q.release(0)] == ["first copy", "second copy"]
