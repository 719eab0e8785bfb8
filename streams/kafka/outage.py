"""Kafka outages, said once: one log line when Kafka goes away, one when it is back.

aiokafka logs every failed connection, metadata request and heartbeat again and again while a
broker is away; :class:`KafkaLogFilter` turns them into :class:`Outage`'s two lines. The outage
state is also what the HTTP API's readiness asks (:meth:`Outage.down_for_s`).
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Iterator

from streams.logs import log_event

logger = logging.getLogger("consent_gate.engine")


class Outage:
    """One log line when Kafka goes away, one when it is back (with how long). A blip shorter
    than ``quiet_s`` (a coordinator moving, a fresh broker loading) is not an outage."""

    def __init__(self, quiet_s: float = 2.0) -> None:
        self.quiet_s = quiet_s
        self.since: float | None = None
        self.reported = False

    def down(self, error: BaseException | str) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
        if not self.reported and now - self.since >= self.quiet_s:
            self.reported = True
            text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
            log_event(
                logger,
                "kafka.unavailable",
                logging.WARNING,
                error=text,
                action="retrying; nothing is committed until it is back",
            )

    def down_for_s(self) -> float | None:
        """How long Kafka has been unreachable without a break (None: it answers)."""
        return None if self.since is None else time.monotonic() - self.since

    def up(self) -> None:
        if self.since is not None and self.reported:
            log_event(logger, "kafka.available", down_s=round(time.monotonic() - self.since, 1))
        self.since = None
        self.reported = False


#: aiokafka's messages while a broker is away (each client logs them again and again) and its
#: notes on produce retries: the worker says it once (:class:`Outage`) instead.
_TRANSIENT = (
    "Unable connect to",
    "Unable to update metadata",
    "Unable to request metadata",
    "Failed fetch messages",
    "Failed fetch offsets",
    "Group Coordinator Request failed",
    "FindCoordinator Request failed",
    "Heartbeat failed",
    "Heartbeat send request failed",
    "Heartbeat session expired",
    "Got error produce response",
    "OffsetCommit failed",
    "LeaveGroup request failed",
    "Cannot send",
    "Could not send",
    "Error sending",
    "Marking the coordinator dead",
)
_NOISE = ("Got error produce response", "Heartbeat failed")


class KafkaLogFilter(logging.Filter):
    """Turns aiokafka's repeated connection errors into one :class:`Outage` line."""

    def __init__(self, outage: Outage) -> None:
        super().__init__()
        self.outage = outage

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not record.name.startswith("aiokafka"):
            return True
        message = str(record.msg)
        if not message.startswith(_TRANSIENT):
            return True
        if not message.startswith(_NOISE):
            self.outage.down(record.getMessage())
        return False


@contextlib.contextmanager
def connection_errors_unsaid() -> Iterator[None]:
    """aiokafka's connection errors left out of the log while the block runs: for a check that
    says itself, in one sentence, that the broker cannot be reached (the worker's start-up)."""
    unsaid = KafkaLogFilter(Outage(quiet_s=math.inf))
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(unsaid)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(unsaid)
