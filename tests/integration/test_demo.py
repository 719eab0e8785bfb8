"""The README's main job, on the test broker: the demo plays its traffic through a real worker and
its summary reports what the gate did."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

import devtools.demo as demo
from tests.integration.conftest import gate_settings


def test_demo_plays_its_traffic_and_summarises_it(
    kafka_bootstrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.txt"
    with out.open("w") as fh:
        console = Console(file=fh, width=160)
        monkeypatch.setattr(demo, "Console", lambda: console)
        monkeypatch.chdir(tmp_path)
        code = demo.run_demo(gate_settings(kafka_bootstrap, tmp_path), start_broker=False)
    text = out.read_text()
    assert code == 0, text
    assert "OPT_IN_WITHOUT_PROOF" in text and "UNKNOWN_CHANNEL" in text and "NOT_AVRO" in text
    assert "5 campaign message(s) suppressed" in text
    sms_row = next(line for line in text.splitlines() if line.startswith("│ SMS"))
    assert [c.strip() for c in sms_row.strip("│").split("│")] == [
        "SMS",
        "9",
        "2",
        "2",
        "2",
        "1",
        "0",
        "2",  # the confirmations of the two STOPs (the repeated one gets none)
    ]
    # The analyst's report at the end, from the worker's consent.stats (running rows: the day is
    # not over): spring-sale's 15 forwarded sends, and 4 opt-outs attributed to it (2 explicit,
    # 2 inferred from the last campaign message the contact got on that channel).
    report = text[text.index("consent-gate report") :]
    assert "RUNNING figures" in report
    spring = next(line for line in report.splitlines() if line.startswith("│ spring-sale"))
    assert [c.strip() for c in spring.strip("│").split("│")][2:5] == ["15", "0", "4"]
