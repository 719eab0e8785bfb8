"""What the HTTP API needs to know of the engine's health: a small read-only protocol.

``/readyz``, ``/status`` and the staleness of lookups decide from these members only, so the API
does not read the engine's private state. The engine is to provide them itself
(:class:`EngineHealth`); until it does, :func:`engine_health` reads them from today's engine
(:class:`_TodaysEngine`, a stop-gap that reads its private fields, to be deleted then).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from streams.kafka.engine import Engine

#: A failure to reach Kafka shorter than this is a blip (a coordinator moving, a broker
#: restarting its listener), not an outage: the engine's own log line waits as long.
KAFKA_BLIP_MS = 2_000


@runtime_checkable
class EngineHealth(Protocol):
    """Read-only; every member is cheap and never raises (``/readyz`` asks on every probe)."""

    @property
    def failed(self) -> bool:
        """A fatal error: the worker commits nothing more and is going down."""
        ...

    @property
    def stopping(self) -> bool:
        """Asked to stop (SIGTERM, SIGINT) or stopping."""
        ...

    def kafka_unreachable_ms(self) -> int | None:
        """None while the worker reaches Kafka; else for how long (ms, monotonic) its clients
        have failed to: from the first failure (a connection refused or timed out, a fetch, a
        metadata request or a commit that failed) back to None at the first success after it
        (a fetch answered, a commit acknowledged)."""
        ...

    def last_commit_age_ms(self) -> int | None:
        """How old the committed table may be: milliseconds since Kafka last acknowledged this
        worker's commit, or since the worker last found it had nothing to commit while Kafka
        answered its fetches; None before the first."""
        ...


class _TodaysEngine:
    """:class:`EngineHealth` read from the engine as it is today (its ``Outage``, ``_failed``,
    ``_stopping``, ``_last_commit``).

    Approximations the engine itself should replace: ``Outage`` is told of failures by
    aiokafka's log lines (:class:`streams.kafka.engine.KafkaLogFilter`) and by the engine's
    retries, and of successes only by a non-empty fetch, a commit or a producer start, so an
    idle worker may stay "unreachable" after Kafka is back until its next commit of watermarks;
    ``_last_commit`` also moves when there was nothing to commit, so during an outage it is
    taken no later than the outage's start."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def failed(self) -> bool:
        return self._engine._failed

    @property
    def stopping(self) -> bool:
        return self._engine._stopping.is_set()

    def kafka_unreachable_ms(self) -> int | None:
        since = self._engine.outage.since
        return None if since is None else int((time.monotonic() - since) * 1000)

    def last_commit_age_ms(self) -> int | None:
        last = self._engine._last_commit
        since = self._engine.outage.since
        if since is not None:
            last = min(last, since)
        return int((time.monotonic() - last) * 1000)


def engine_health(engine: Engine | EngineHealth) -> EngineHealth:
    """The engine itself once it provides :class:`EngineHealth`, else today's stop-gap."""
    if isinstance(engine, EngineHealth):
        return engine
    return _TodaysEngine(engine)


def kafka_down_ms(health: EngineHealth) -> int | None:
    """How long the worker has not reached Kafka, once that is longer than a blip; else None."""
    down = health.kafka_unreachable_ms()
    return down if down is not None and down >= KAFKA_BLIP_MS else None
