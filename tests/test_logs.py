"""Logs are one logfmt line per event."""

from __future__ import annotations

import logging

import pytest

from streams.logs import log_event


def test_log_event_is_one_logfmt_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("consent_gate.test")
    with caplog.at_level(logging.INFO, logger="consent_gate.test"):
        log_event(logger, "worker.start", broker="localhost:9092", state_dir="/tmp/a b", n=3)
    assert caplog.messages == ['event=worker.start broker=localhost:9092 state_dir="/tmp/a b" n=3']


def test_log_event_costs_nothing_when_disabled(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("consent_gate.quiet")
    logger.setLevel(logging.WARNING)
    log_event(logger, "progress", routed=1)
    assert caplog.messages == []
