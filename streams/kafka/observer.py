"""What the engine tells about its work as it goes (the HTTP API's ``/metrics`` listens).

The engine calls these on its own loop, for every batch and record: an observer must be cheap and
must not raise. The default does nothing."""

from __future__ import annotations

from streams.processing.records import Output, SourceRecord


class Observer:
    def consumed(self, topic: str, count: int) -> None:
        """``count`` records of ``topic`` taken for processing."""

    def produced(self, out: Output) -> None:
        """``out`` sent in the open transaction (counted again if the transaction is retried)."""

    def decided(self, src: SourceRecord, now_ms: int) -> None:
        """The gate decided ``src`` (a record of the by-contact topic) at ``now_ms``."""
