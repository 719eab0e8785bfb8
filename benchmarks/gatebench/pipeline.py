"""Router then gate in memory, with a dict as the consent table, as the worker runs them on one
record (no Kafka, no transaction): what the ``core`` benchmark times."""

from __future__ import annotations

from streams.models.contract import Contract
from streams.processing.gate import Gate
from streams.processing.records import Output, SourceRecord
from streams.processing.router import Router
from streams.settings import Settings
from streams.state.consent_store import ConsentStore, DictTable

BASE_TS_MS = 1_700_000_000_000


def bench_settings() -> Settings:
    """The defaults, without reading a .env file."""
    return Settings(_env_file=None)  # type: ignore[call-arg]


def source(topic: str, offset: int, key: str, value: bytes) -> SourceRecord:
    return SourceRecord(topic, 0, offset, BASE_TS_MS + offset, key.encode(), value, [])


class Pipe:
    """Router then gate with a dict table (the in-memory pipeline of tests/processing)."""

    def __init__(self, settings: Settings, contract: Contract) -> None:
        self.settings = settings
        self.table = DictTable()
        self.router = Router(settings, contract)
        self.gate = Gate(
            settings, contract, ConsentStore(self.table, contract, settings.default_subscribed)
        )
        self.internal = settings.by_contact_topic

    def routed(self, src: SourceRecord, routed: Output) -> SourceRecord:
        """What the gate reads back of ``routed`` (the router's output for ``src``)."""
        return SourceRecord(
            routed.topic, routed.partition or 0, src.offset, src.timestamp_ms, routed.key,
            routed.value, routed.headers,
        )  # fmt: skip

    def to_gate(self, src: SourceRecord) -> SourceRecord:
        """``src`` routed, as the gate reads it (it must go to the by-contact topic)."""
        routed = self.router.route(src)
        assert routed.topic == self.internal, routed.topic
        return self.routed(src, routed)

    def feed(self, src: SourceRecord) -> list[Output]:
        routed = self.router.route(src)
        if routed.topic != self.internal:
            return [routed]
        return self.gate.handle(self.routed(src, routed))
