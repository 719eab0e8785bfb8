"""What the HTTP API needs to know of the engine's health: a small read-only protocol.

``/readyz``, ``/status`` and the staleness of lookups decide from these members only, so the API
does not read the engine's private state; :class:`streams.kafka.engine.Engine` provides them.
"""

from __future__ import annotations

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


def engine_health(engine: Engine | EngineHealth) -> EngineHealth:
    """The engine's health: the engine provides :class:`EngineHealth` itself."""
    return engine


def kafka_down_ms(health: EngineHealth) -> int | None:
    """How long the worker has not reached Kafka, once that is longer than a blip; else None."""
    down = health.kafka_unreachable_ms()
    return down if down is not None and down >= KAFKA_BLIP_MS else None
