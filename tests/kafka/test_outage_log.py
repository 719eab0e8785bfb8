"""The outage log: aiokafka's repeated connection errors become one line down and one line up."""

from __future__ import annotations

import logging
import time

import pytest

from streams.kafka.outage import KafkaLogFilter, Outage


def _record(name: str, msg: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, (), None)


def test_connection_errors_become_one_line_each_way(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    outage = Outage(quiet_s=2.0)
    f = KafkaLogFilter(outage)
    caplog.set_level(logging.INFO, logger="consent_gate.engine")
    for _ in range(50):
        assert not f.filter(_record("aiokafka", "Unable connect to node with id 1: refused"))
        clock[0] += 0.1
    outage.up()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert lines[0].startswith("event=kafka.unavailable")
    assert lines[1] == "event=kafka.available down_s=5.0"


def test_a_blip_shorter_than_the_quiet_time_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    outage = Outage(quiet_s=60.0)
    caplog.set_level(logging.INFO, logger="consent_gate.engine")
    KafkaLogFilter(outage).filter(_record("aiokafka", "Unable to update metadata from [1]"))
    outage.up()
    assert caplog.records == []


def test_other_records_pass_and_retry_notes_are_dropped_quietly() -> None:
    outage = Outage(quiet_s=0.0)
    f = KafkaLogFilter(outage)
    assert f.filter(_record("consent_gate.engine", "Unable connect to x"))  # not aiokafka's
    assert f.filter(_record("aiokafka.consumer", "Something else went wrong"))
    assert not f.filter(
        _record("aiokafka.producer.sender", "Got error produce response ...", logging.WARNING)
    )
    assert outage.since is None  # a retry note is no outage
