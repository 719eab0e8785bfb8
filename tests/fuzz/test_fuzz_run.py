"""A small fuzz run for CI (``python -m tests.fuzz.run`` is the full one): 1,500 malformed records
(two of about 1 MB, one of 3 MB, four legal ones at the worker's size limit) and 500 valid ones
through the real worker. Its lane is `integration` (tests/conftest.py: LANES)."""

from __future__ import annotations

from tests.fuzz.run import FuzzConfig, Report, run


def _why(report: Report) -> str:
    lines = [*report.failures()]
    for label, examples in (
        ("accepted", report.accepted_examples),
        ("vanished", report.vanished_examples),
        ("legal but rejected", report.legal_rejected_examples),
        ("wrong", report.wrong_examples),
        ("valid traffic", report.valid_examples),
    ):
        lines += [f"{label}: {e}" for e in examples[:5]]
    if report.worker_fatal:
        lines.append(f"worker: {report.worker_fatal}")
    lines.append(f"worker log and state: {report.work_dir}")
    return "\n".join(lines)


def test_malformed_input_is_dead_lettered_and_valid_traffic_decided(kafka_bootstrap: str) -> None:
    report = run(
        FuzzConfig(
            bootstrap=kafka_bootstrap,
            malformed=1_500,
            valid=500,
            big_sizes=(1_000_000, 1_048_576, 3_000_000),
            edge=4,
            rate=2_000,
            seed=7,
            quiet_s=30,
            timeout_s=120,
            log=lambda message: print(message, flush=True),
        )
    )
    why = _why(report)
    assert report.produce_failures == 0, why
    assert report.worker_alive, why
    assert report.reject["n"] >= 1_000, why
    assert report.reject["accepted"] == 0, why
    vanished = report.reject["vanished"] + report.accept["vanished"] + report.either["vanished"]
    assert vanished == 0, why
    assert report.dead_letters_without_reason == 0, why
    assert report.accept["dead_lettered"] == 0 and report.accept["wrong"] == 0, why
    assert report.either["wrong"] == 0, why
    assert report.valid["n"] == 500 and report.valid["correct"] == 500, why
