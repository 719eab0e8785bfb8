"""The fault run's plan, its STOP -> CAMPAIGN races during freezes and its figures per fault kind
(tests/fault/harness.py), without a broker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.fault.harness import (
    LEAK,
    NO_FAULT,
    AvroCodec,
    ByFault,
    LoadGenerator,
    LoadSpec,
    format_by_fault,
    freeze_ranges,
    make_settings,
    plan_faults,
)


def test_freeze_durations_follow_the_session_and_transaction_timeouts() -> None:
    assert freeze_ranges(6, 10) == {
        "short": (1, 3),
        "session": (7, 9),
        "txn": (12, 20),
        "cut": (12, 20),  # a network cut, as long as the txn freeze
    }
    assert freeze_ranges(6, 10, {"txn": (30, 40)})["txn"] == (30, 40)


def test_freezes_take_the_flavours_in_turn_within_their_durations() -> None:
    faults = plan_faults(60, 2, 0, 0, freezes=4, session_timeout_s=6, transaction_timeout_s=10)
    assert [f.kind for f in faults] == ["freeze"] * 4
    assert [f.flavour for f in faults] == ["session", "txn", "short", "session"]
    assert [f.worker for f in faults] == [0, 1, 0, 1]
    ranges = freeze_ranges(6, 10)
    for f in faults:
        low, high = ranges[f.flavour]
        assert low <= f.restart_after_s <= high
    times = [f.at_s for f in faults]
    assert times == sorted(times) and times[0] >= 0.12 * 60 and times[-1] <= 0.85 * 60


def test_freezes_and_broker_faults_mix_with_kills() -> None:
    faults = plan_faults(
        100, 2, 3, 1, freezes=2, freeze_kinds=("txn",), broker_kills=1, broker_freezes=1
    )
    kinds = [f.kind for f in faults]
    assert sorted(kinds) == sorted(
        ["kill"] * 3 + ["term", "freeze", "freeze", "broker-kill", "broker-freeze"]
    )
    assert {f.flavour for f in faults if f.kind == "freeze"} == {"txn"}
    assert next(f for f in faults if f.kind == "broker-freeze").restart_after_s == 30.0


def _window(kind: str, start: int, end: int) -> dict[str, Any]:
    return {"kind": kind, "target": "w0", "start_ms": start, "end_ms": end}


def test_problems_go_to_the_fault_whose_window_holds_them() -> None:
    by = ByFault(
        [
            _window("freeze > session timeout", 100_000, 108_000),
            _window("kill -9", 150_000, 151_000),
        ]
    )
    assert by.kind_at(99_000) == "freeze > session timeout"  # just before it
    assert by.kind_at(117_000) == "freeze > session timeout"  # until 10 s after it ended
    assert by.kind_at(130_000) == NO_FAULT
    assert by.kind_at(150_500) == "kill -9"
    by.add(104_000, "duplicates", 3, "messaging.outbound.sms")
    by.add(104_000, LEAK)
    by.add(130_000, "lost")
    figures = by.result()
    assert figures["freeze > session timeout"]["duplicates"] == {"messaging.outbound.sms": 3}
    assert figures["freeze > session timeout"][LEAK] == 1
    assert figures[NO_FAULT]["lost"] == 1 and figures[NO_FAULT]["faults"] == 0
    assert figures["kill -9"]["faults"] == 1
    lines = format_by_fault(figures)
    assert any("duplicates 3 (messaging.outbound.sms 3)" in line for line in lines)


def test_overlapping_windows_go_to_the_latest_fault_to_start() -> None:
    by = ByFault([_window("kill -9", 100_000, 101_000), _window("SIGTERM", 105_000, 106_000)])
    assert by.kind_at(104_000) == "kill -9"
    assert by.kind_at(105_500) == "SIGTERM"


@pytest.fixture
def generator() -> LoadGenerator:
    settings = make_settings("localhost:1", "unit")
    return LoadGenerator(
        LoadSpec(inputs=1_000, contacts=50, freeze_race_rate=10), settings, AvroCodec()
    )


def test_freeze_races_send_each_stop_from_the_other_client_then_its_campaign(
    generator: LoadGenerator,
) -> None:
    gen = generator
    assert gen.races_during(0.0, 3.0) == 30
    planned = gen.take(100.0, 0)  # everything due by then: the races only
    assert len(planned) == 60
    codec, topics = gen.codec, gen.topics
    stops: dict[bytes | None, int] = {}
    for i, p in enumerate(planned):
        if p.topic == topics["request"]:
            assert p.via == 0
            record = codec.decode(p.value, "outbound_message")
            assert record["origin"] == "CAMPAIGN"
            assert p.key in stops and stops[p.key] < i  # after a STOP to the same contact
        else:
            assert p.via == 1
            stops[p.key] = i
    assert gen.freeze_races == 30 and gen.opt_outs == 30


def test_freeze_races_stay_within_the_input_budget(generator: LoadGenerator) -> None:
    gen = generator
    gen.take(0.0, 990)
    assert gen.races_during(0.0, 10.0) <= 5
    assert gen.reserved <= gen.spec.inputs


def test_the_slow_disk_slows_writes_under_its_directory_only(tmp_path: Path) -> None:
    """``--slow-disk``: the preloaded shim sleeps before each write and sync of a regular file
    under the state directory; a file elsewhere is written at full speed."""
    import subprocess
    import sys

    from tests.fault import slowdisk

    if slowdisk.available() is not None:
        pytest.skip(str(slowdisk.available()))
    slow_dir, fast_dir = tmp_path / "state", tmp_path / "logs"
    slow_dir.mkdir()
    fast_dir.mkdir()
    lib = slowdisk.build(tmp_path / "shim")
    script = (
        "import os, sys, time\n"
        "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT)\n"
        "t = time.monotonic()\n"
        "for _ in range(10): os.write(fd, b'x'); os.fsync(fd)\n"
        "print(time.monotonic() - t)\n"
    )
    env = {**os.environ, **slowdisk.environment(lib, slow_dir, delay_ms=20)}

    def seconds(path: Path) -> float:
        done = subprocess.run(
            [sys.executable, "-c", script, str(path)], env=env, capture_output=True, text=True
        )
        return float(done.stdout)

    slow, fast = seconds(slow_dir / "db.log"), seconds(fast_dir / "w0.log")
    assert slow >= 10 * 2 * 0.020  # 10 writes and 10 syncs, 20 ms each
    assert slow - fast >= 0.9 * 10 * 2 * 0.020, (slow, fast)  # the other file: no sleeps
