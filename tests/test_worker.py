"""The worker process's own set-up (streams/worker.py); its running is tested against a broker in
tests/integration/."""

from __future__ import annotations

import gc

import pytest

from streams import worker
from streams.settings import Settings


def test_the_worker_process_collects_garbage_less_often(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    seen: list[tuple[int, ...]] = []

    async def serve(settings: Settings) -> int:
        seen.append(gc.get_threshold())
        return 0

    before = gc.get_threshold()
    monkeypatch.setattr(worker, "serve", serve)
    try:
        assert worker.run(settings) == 0
    finally:
        gc.set_threshold(*before)
    assert [t[:2] for t in seen] == [worker.GC_THRESHOLDS[:2]]  # (3.14+ ignores the third)
    assert worker.GC_THRESHOLDS[0] > before[0]
