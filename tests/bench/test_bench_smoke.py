"""The comparison harness (benchmarks/compare.py) runs end to end at a tiny size and prints its
table. Nothing here asserts a speed: only that every system that ran wrote the outputs a correct
gate (or copy) writes, and that a system that could not run is named as skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_harness_runs_end_to_end(kafka_bootstrap: str) -> None:
    data_dir = Path(os.environ.get("KAFKA_DATA_DIR", REPO / ".local" / "kafka"))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.compare",
            "--bootstrap",
            kafka_bootstrap,
            "--broker-data-dir",
            str(data_dir),
            "--records",
            "2000",
            "--contacts",
            "1000",
            "--stops",
            "100",
            # consent-gate and a raw pass-through always; Quix and Kafka Streams only when
            # benchmarks/compare has set them up here (otherwise they are reported as skipped)
            "--systems",
            "consent-gate,aiokafka,quix,kstreams",
            "--no-perf",
            "--live-seconds",
            "0",
            "--load-seconds",
            "0",
            "--restore-entries",
            "0",
            "--timeout",
            "60",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=85,
        check=False,
    )
    text = out.stdout + out.stderr
    assert out.returncode == 0, text[-6000:]
    assert "records/s" in text and "consent-gate, 1 worker" in text, text[-6000:]
    assert "aiokafka copy" in text
    for label, built in (
        ("Quix Streams gate", (REPO / "benchmarks/.venv-quix/bin/python").exists()),
        (
            "Kafka Streams gate ALOS",
            (REPO / "benchmarks/kstreams/target/kstreams-gate.jar").exists(),
        ),
    ):
        if not built:
            assert f"SKIPPED {label}" in text, text[-3000:]
    assert "WARNING" not in text, text[-6000:]
