"""The Faust app: two thin agents around the plain-Python router and gate.

    inputs (4 topics, any partitioning) --route--> <app_id>-by-contact (fixed partitioner,
    N partitions) --gate--> channel topics, suppressed, consent events, dead letters

The gate's consent table is co-partitioned with the by-contact topic (same N), so the RocksDB
store always holds the state of the event's contact. Both agents run with concurrency 1 (faust
#606) and at-least-once (faust commits offsets only after flushing the producer; exactly_once is
not used because of faust #323/#517). One agent per stage and one merged internal topic leave room
for event-time ordering across inputs in the gate, and for more workers (partitions spread).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections import Counter
from typing import Any, cast

import faust
from faust.types import StreamT

from streams.kafka.admin import StartupError, preflight
from streams.logs import log_event
from streams.models.contract import Contract
from streams.processing.gate import Gate
from streams.processing.records import Output, SourceRecord
from streams.processing.router import Router
from streams.settings import CONSENT_TABLE, Settings
from streams.state.consent_store import ConsentStore, KeyValue

logger = logging.getLogger("consent_gate.worker")


def _source(event: Any) -> SourceRecord:
    msg = event.message
    return SourceRecord(
        topic=msg.topic,
        partition=msg.partition,
        offset=msg.offset,
        timestamp_ms=int(msg.timestamp * 1000) if msg.timestamp else None,
        key=msg.key,
        value=msg.value,
        headers=list(msg.headers or ()),
    )


class ConsentGateApp(faust.App):
    """The Faust app, with the settings and counters it was built from."""

    settings: Settings
    counters: Counter[str]
    preflight_on_start: bool = False

    async def on_first_start(self) -> None:
        # `consent-gate worker` checks before Faust starts; `faust -A streams.app worker` here.
        if self.preflight_on_start:
            try:
                await preflight(self.settings)
            except StartupError as exc:
                logger.critical("%s", exc)
                sys.stderr.write(f"consent-gate: {exc}\n")
                sys.stderr.flush()
                os._exit(2)  # a plain sentence, not Faust's crash traceback
        await super().on_first_start()


def create_app(
    settings: Settings, contract: Contract | None = None, *, preflight_on_start: bool = False
) -> ConsentGateApp:
    contract = contract or Contract()
    app = ConsentGateApp(
        settings.app_id,
        broker=settings.broker_url,
        store=settings.store,
        datadir=str(settings.data_dir / settings.app_id),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_allow_declare=True,
        topic_disable_leader=True,
        processing_guarantee="at_least_once",
        producer_linger=settings.producer_linger_ms / 1000.0,
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_s / 3),
        consumer_auto_offset_reset="earliest",
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=settings.web_enabled,
        web_port=settings.web_port,
        web_in_thread=False,
        autodiscover=False,
    )
    app.settings = settings
    app.preflight_on_start = preflight_on_start
    app.counters = Counter()
    counters = app.counters

    raw: dict[str, Any] = {"key_type": bytes, "value_type": bytes}
    inputs = app.topic(*settings.input_topics, **raw)
    by_contact = app.topic(
        settings.by_contact_topic, partitions=settings.partitions, internal=True, **raw
    )
    table = app.Table(
        CONSENT_TABLE,
        partitions=settings.partitions,
        # bytes: Faust's raw serializer (any other type means JSON). Keys are "CHANNEL/contact_id"
        # (str keys are encoded as UTF-8), values single-object encoded ConsentState records.
        key_type=bytes,
        value_type=bytes,
        help="Consent per CHANNEL/contact_id",
    )
    router = Router(settings, contract)
    store = ConsentStore(cast(KeyValue, table), contract, settings.default_subscribed)
    gate = Gate(settings, contract, store)
    kind_of_topic = {t: k for k, t in settings.channel_topics.items()}

    async def produce(outputs: list[Output]) -> None:
        for out in outputs:
            await app.producer.send(
                out.topic, out.key, out.value, out.partition, None, cast(Any, out.headers)
            )
            counters[_counter_name(out.topic, settings, kind_of_topic)] += 1

    @app.agent(inputs, concurrency=1)
    async def route(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            await produce([router.route(_source(event))])

    async def changelog_handed_over() -> None:
        """Wait until Faust has handed the table's changelog writes to the Kafka producer.

        Faust queues them in a buffer of its own, and its flush before an offset commit gives up
        after 0.1 s without progress; a crash could then keep the commit and lose the write (a
        STOP forgotten). Once they are in the producer, the flush before each commit (and on
        shutdown) waits for them; and they are handed over before the consent event is produced.
        """
        buffer: Any = app.producer.buffer  # faust's ProducerBuffer (message_sent is not typed)
        while buffer.size:
            buffer.message_sent.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(buffer.message_sent.wait(), 1.0)

    @app.agent(by_contact, concurrency=1)
    async def gate_agent(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            outputs = gate.handle(_source(event))
            await changelog_handed_over()
            await produce(outputs)

    async def _assigned(sender: Any, assigned: Any, **kwargs: Any) -> None:
        log_event(logger, "partitions.assigned", count=len(assigned))

    app.on_partitions_assigned.connect(cast(Any, _assigned))

    last: dict[str, int] = {}

    @app.timer(interval=settings.progress_interval_s)  # type: ignore[untyped-decorator]
    async def progress() -> None:
        # Totals since start, logged only when something happened since the last line.
        if counters != last:
            last.clear()
            last.update(counters)
            log_event(logger, "progress", **dict(sorted(counters.items())))

    return app


def _counter_name(topic: str, settings: Settings, kind_of_topic: dict[str, str]) -> str:
    if topic == settings.by_contact_topic:
        return "routed"
    if topic in kind_of_topic:
        return f"forwarded.{kind_of_topic[topic]}"
    if topic == settings.suppressed_topic:
        return "suppressed"
    if topic == settings.events_topic:
        return "consent_events"
    return "dead_letters"
