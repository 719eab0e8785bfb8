"""A small fault-injection run for CI: 6,000 inputs through 2 workers, two of them killed with
SIGKILL (one stays down past the session timeout, one restarts without its state directory) and
one restarted gracefully. Every input must be accounted for, exactly once, no campaign may reach an
opted-out contact, and the consent table must equal the replay's. And the same of a run with one
worker frozen (SIGSTOP) past the session timeout, then continued (issue 14).

The full run (200,000 inputs, 10 kills, a broker restart) is ``scripts/fault-run``; both drive
``tests/fault/harness.py``. ``CONSENT_GATE_TEST_WORKER_SRC=<dir>`` runs the workers from another
source tree (an exported older commit, say).
"""

from __future__ import annotations

from pathlib import Path

from tests.fault.harness import LoadSpec, RunConfig, format_report, run, worker_src_from_env


def test_fault_run_loses_nothing_duplicates_nothing_and_never_leaks_a_campaign(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    log: list[str] = []
    report = run(
        RunConfig(
            bootstrap=kafka_bootstrap,
            load=LoadSpec(inputs=6_000, contacts=600, opt_outs=300, rate=250),
            workers=2,
            kills=2,
            graceful=1,
            wipe=True,
            broker_restart=False,
            settle_timeout_s=150,
            work_dir=tmp_path / "run",
            worker_src=worker_src_from_env(),
            log=log.append,
        )
    )
    summary = "\n".join([*log, format_report(report, strict=True)])
    assert report.faults["kills"] == 2 and report.faults["graceful"] == 1, summary
    assert report.missing == 0, summary
    assert report.violation_total == 0, summary
    assert report.duplicate_total == 0, summary
    assert report.table["mismatches"] == 0, summary
    assert report.table["changelog keys"] == report.table["expected keys"] > 0, summary
    assert report.produce_errors == 0, summary


def test_a_worker_frozen_past_the_session_timeout_makes_nothing_of_its_lost_partitions_visible(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """One worker of two SIGSTOPped 7-9 s (session timeout 6 s, transaction timeout 10 s) and
    continued, while STOPs from one client and CAMPAIGNs to the same contacts right after them
    from another land: nothing lost, no duplicate on any output topic, no campaign forwarded
    after its STOP, the table equal to the replay."""
    log: list[str] = []
    report = run(
        RunConfig(
            bootstrap=kafka_bootstrap,
            load=LoadSpec(inputs=3_000, contacts=300, opt_outs=100, rate=250, freeze_race_rate=25),
            workers=2,
            kills=0,
            graceful=0,
            freezes=1,
            freeze_kinds=("session",),
            broker_restart=False,
            settle_timeout_s=120,
            work_dir=tmp_path / "run",
            worker_src=worker_src_from_env(),
            log=log.append,
        )
    )
    summary = "\n".join([*log, format_report(report, strict=True)])
    assert report.faults["freezes"] == {"session": 1}, summary
    assert report.faults["freeze_s"][0] > report.run["session_timeout_s"], summary
    assert report.run["freeze_races"] > 100, summary
    assert report.missing == 0, summary
    assert report.duplicate_total == 0, summary
    assert report.violations["campaign forwarded while opted out"] == 0, summary
    assert report.violation_total == 0, summary
    assert report.table["mismatches"] == 0, summary
    assert report.table["changelog keys"] == report.table["expected keys"] > 0, summary


def test_a_producer_client_with_a_skewed_clock_stamps_its_records_with_its_own_time(
    kafka_bootstrap: str,
) -> None:
    """``--clock-skew``: the second client's records carry its clock (here 5 s behind), the
    first client's the true time; a record acknowledged past the grace after its timestamp counts
    as late."""
    import time
    import uuid

    from tests.fault.harness import InputProducer, Planned, create_topics, read_all

    topic = f"skew-{uuid.uuid4().hex[:8]}"
    create_topics(kafka_bootstrap, {topic: 1})
    producer = InputProducer(kafka_bootstrap, grace_ms=200, skews_ms=(0, -5_000))
    before = int(time.time() * 1000)
    producer.send(Planned(topic, b"k", b"true clock", via=0))
    producer.send(Planned(topic, b"k", b"behind", via=1))
    assert producer.flush(30) == 0
    after = int(time.time() * 1000)
    stamps = {r.value: r.timestamp_ms for r in read_all(kafka_bootstrap, [topic])}
    assert before <= stamps[b"true clock"] <= after
    assert before - 5_000 <= stamps[b"behind"] <= after - 5_000
    assert producer.max_ack_ms >= 5_000  # the skewed one: acknowledged 5 s after its timestamp
