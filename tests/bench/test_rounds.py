"""The rounds table of benchmarks/compare --rounds: ratios are taken within each round, and the
summary is their median with the lowest and highest (no broker: plain results)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The benchmarks import their code by its plain name (benchmarks/compare.py does the same).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from gatebench.outputs import Check
from gatebench.report import markdown, rounds_markdown, rounds_rows
from gatebench.runner import Result

pytestmark = pytest.mark.unit


def result(
    name: str, records_per_s: float, cpu_us: float = 50.0, ok: bool = True, broker_us: float = 80.0
) -> Result:
    r = Result(
        name,
        1000,
        completed=True,
        span_s=1000 / records_per_s,
        cpu_s=cpu_us / 1000,
        broker_cpu_s=broker_us / 1000,
    )
    r.check = Check(problems=[] if ok else ["wrong"])
    return r


def test_ratios_are_within_each_round_and_summarised_by_their_median() -> None:
    rounds = [
        (1, result("consent-gate", 10_000)),
        (1, result("quix", 5_000)),
        (2, result("consent-gate", 6_000)),  # a slow round for everyone
        (2, result("quix", 4_000)),
        (3, result("consent-gate", 12_000)),
        (3, result("quix", 6_000)),
    ]
    head, rows = rounds_rows(rounds)
    assert head[-1].startswith("cg ÷ ")
    assert [row[-1] for row in rows[:3]] == ["2.00x", "1.50x", "2.00x"]
    assert rows[-1][-1] == "2.00x (1.50 to 2.00)"
    assert rows[0][1] == "10,000 (50.0, 80.0)"
    assert "| 2 | 6,000 (50.0, 80.0) | 4,000 (50.0, 80.0) | 1.50x |" in rounds_markdown(rounds)


def test_the_summary_gives_each_systems_median_worker_and_broker_cpu() -> None:
    rounds = [
        (1, result("consent-gate", 10_000, cpu_us=40, broker_us=150)),
        (1, result("kstreams-eos", 8_000, cpu_us=200, broker_us=90)),
        (2, result("consent-gate", 6_000, cpu_us=60, broker_us=170)),
        (2, result("kstreams-eos", 4_000, cpu_us=220, broker_us=100)),
        (3, result("consent-gate", 12_000, cpu_us=50, broker_us=160)),
        (3, result("kstreams-eos", 9_000, cpu_us=210, broker_us=95)),
    ]
    head, rows = rounds_rows(rounds)
    assert head[1] == "consent-gate, 1 worker rec/s (µs/rec, broker µs/rec)"
    assert rows[-1][1] == "10,000 (50.0, 160.0)"
    assert rows[-1][2] == "8,000 (210.0, 95.0)"


def test_a_failed_run_shows_no_figure() -> None:
    _, rows = rounds_rows(
        [(1, result("consent-gate", 10_000)), (1, result("quix", 5_000, ok=False))]
    )
    assert rows[0][2] == "-"
    assert rows[0][3] == "-"  # and no ratio
    assert rows[-1][-1] == "-"


def test_the_main_table_puts_the_brokers_cpu_beside_the_systems() -> None:
    text = markdown(
        [result("consent-gate", 10_000, broker_us=150), result("kstreams-eos", 8_000)], {}, []
    )
    head, _, base, eos = text.splitlines()
    assert "| CPU µs/rec | broker µs/rec |" in head
    assert "| 50.0 | 150.0 |" in base and "| 50.0 | 80.0 |" in eos
