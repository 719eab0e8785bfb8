"""Waiting in tests: the one wait-until helper, :func:`eventually` (and its twin for coroutines).

Every test or harness that waits for something to happen (a worker's log line, a record on a
topic, a broker coming up) asks the same question in a loop: is it true yet? Ask it here, so the
deadline, the pause between tries and what a timeout says are the same everywhere.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar, cast

T = TypeVar("T")


class _Wait:
    """The deadline, the last answer and the failure message of one wait."""

    def __init__(self, timeout_s: float, what: str, details: Callable[[], str] | None) -> None:
        self.deadline = time.monotonic() + timeout_s
        self.timeout_s = timeout_s
        self.what = what
        self.details = details
        self.last: Any = None

    def done(self, answer: Any) -> bool:
        self.last = answer
        return bool(answer)

    def over(self) -> bool:
        return time.monotonic() >= self.deadline

    def timed_out(self) -> AssertionError:
        message = f"timed out after {self.timeout_s:g} s waiting until {self.what}"
        message += f" (last: {self.last!r})"
        if self.details is not None:
            message += "\n" + self.details()
        return AssertionError(message)


def eventually(
    predicate: Callable[[], T | Literal[False] | None],
    timeout_s: float = 30.0,
    *,
    interval_s: float = 0.1,
    what: str = "the condition holds",
    details: Callable[[], str] | None = None,
    ignore: tuple[type[BaseException], ...] = (),
    fail: bool = True,
) -> T:
    """Call ``predicate`` every ``interval_s`` until it returns something true, and return
    that. An exception of a type in ``ignore`` counts as "not yet". Past ``timeout_s``: an
    AssertionError saying ``what`` was awaited, the last answer and ``details()`` (a log tail),
    or, with ``fail=False``, the last answer (false; None after an exception), for callers that
    report a timeout their own way."""
    wait = _Wait(timeout_s, what, details)
    while True:
        try:
            if wait.done(predicate()):
                return cast(T, wait.last)
        except ignore as exc:
            wait.last = exc
        if wait.over():
            if fail:
                raise wait.timed_out()
            return cast(T, None if isinstance(wait.last, BaseException) else wait.last)
        time.sleep(interval_s)


async def eventually_async(
    predicate: Callable[[], Awaitable[T | Literal[False] | None]],
    timeout_s: float = 30.0,
    *,
    interval_s: float = 0.1,
    what: str = "the condition holds",
    details: Callable[[], str] | None = None,
    ignore: tuple[type[BaseException], ...] = (),
) -> T:
    """:func:`eventually` for a coroutine ``predicate`` (``asyncio.sleep`` between tries)."""
    wait = _Wait(timeout_s, what, details)
    while True:
        try:
            if wait.done(await predicate()):
                return cast(T, wait.last)
        except ignore as exc:
            wait.last = exc
        if wait.over():
            raise wait.timed_out()
        await asyncio.sleep(interval_s)
