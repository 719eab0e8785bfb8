"""The tests' one wait-until helper (tests/waiting.py)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest

from tests.waiting import eventually, eventually_async


def test_returns_the_first_true_answer() -> None:
    answers: Iterator[object] = iter([None, 0, [], {"ready": True}])
    assert eventually(lambda: next(answers), 5, interval_s=0) == {"ready": True}


def test_an_ignored_exception_is_not_yet_and_another_propagates() -> None:
    tries = itertools.count()

    def flaky() -> int:
        n = next(tries)
        if n < 3:
            raise ConnectionError("not up")
        return n

    assert eventually(flaky, 5, interval_s=0, ignore=(ConnectionError,)) == 3
    with pytest.raises(KeyError):
        eventually(lambda: dict[str, int]()["x"], 5, interval_s=0, ignore=(ConnectionError,))


def test_a_timeout_says_what_was_awaited_the_last_answer_and_the_details() -> None:
    with pytest.raises(AssertionError) as err:
        eventually(lambda: 0, 0.05, interval_s=0.01, what="it is ready", details=lambda: "LOG")
    assert "waiting until it is ready (last: 0)\nLOG" in str(err.value)
    assert eventually(lambda: [], 0.05, interval_s=0.01, fail=False) == []


def test_the_coroutine_twin() -> None:
    answers: Iterator[str | bool] = iter([False, False, "done"])

    async def check() -> str | bool:
        return next(answers)

    assert asyncio.run(eventually_async(check, 5, interval_s=0)) == "done"

    async def never() -> bool:
        return False

    with pytest.raises(AssertionError, match="until never"):
        asyncio.run(eventually_async(never, 0.05, interval_s=0.01, what="never"))
