"""Event-time order on the real broker, adversarially: a STOP produced 0, 1, 10 or 100 ms before a
CAMPAIGN send to the same contact and channel must be applied first, even when the STOP sits behind
a backlog of 20,000 replies of other contacts (the campaign, on the idle requests topic, arrives
first), and when the sends are the ones backlogged. With one worker and with two.

A violation is a campaign forwarded although its record timestamp is not earlier than the STOP's
(same millisecond: the STOP first). The inputs are produced with confluent-kafka, read back, and
replayed in event-time order (``tests/fault/harness.py``); the STOPs are not awaited beyond the
gaps. Campaigns produced 100 ms *before* a STOP are in the mix too (they are due to be forwarded;
suppressing them is only counted, as conservative).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from streams.kafka.admin import create_topics as create_gate_topics
from tests.fault.harness import (
    DEFAULT_INPUT_PARTITIONS,
    AvroCodec,
    InputProducer,
    LoadGenerator,
    LoadSpec,
    Outputs,
    Planned,
    Report,
    TopicReader,
    check,
    create_topics,
    delete_topics,
    format_report,
    group_lag,
    input_topics,
    make_settings,
    make_workers,
    read_all,
    read_inputs,
    replay,
    settle,
    stop_workers,
    warm_up,
    worker_src_from_env,
)

BACKLOG = 20_000
GAPS_MS = (0, 1, 10, 100)
PAIRS_PER_GAP = 10
CHANNELS = ("SMS", "WHATSAPP", "EMAIL")
SMALL_TALK = ("thanks", "ok see you then", "what time is it open?", "great")


def _produce_pairs(
    gen: LoadGenerator, producer: InputProducer, stop_kinds: tuple[str, ...]
) -> None:
    """For each gap, STOP then (gap ms later) a CAMPAIGN to the same contact and channel; and,
    for a few contacts, a CAMPAIGN 100 ms *before* their STOP. Pairs start 20 ms apart."""
    seq = itertools.count()
    plan: list[tuple[float, int, Callable[[], Planned]]] = []
    start = time.monotonic() + 0.05
    k = 0
    for gap in GAPS_MS:
        for _ in range(PAIRS_PER_GAP):
            contact, channel = f"o{k:04d}-{gap}ms", CHANNELS[k % len(CHANNELS)]
            kind = stop_kinds[k % len(stop_kinds)]
            at = start + k * 0.02

            def stop(kind: str = kind, contact: str = contact, channel: str = channel) -> Planned:
                return gen.stop(kind, contact, channel)

            def send(contact: str = contact, channel: str = channel) -> Planned:
                return gen.send(contact, channel, "CAMPAIGN")

            heapq.heappush(plan, (at, next(seq), stop))
            heapq.heappush(plan, (at + gap / 1000, next(seq), send))
            if k % 4 == 0:  # control: the campaign first, 100 ms before another contact's STOP
                control = f"{contact}-control"

                def early(contact: str = control, channel: str = channel) -> Planned:
                    return gen.send(contact, channel, "CAMPAIGN")

                def late(
                    kind: str = kind, contact: str = control, channel: str = channel
                ) -> Planned:
                    return gen.stop(kind, contact, channel)

                heapq.heappush(plan, (at, next(seq), early))
                heapq.heappush(plan, (at + 0.1, next(seq), late))
            k += 1
    while plan:
        now = time.monotonic()
        while plan and plan[0][0] <= now:
            producer.send(heapq.heappop(plan)[2]())
        producer.poll()
        time.sleep(0.0002)


def _run_case(bootstrap: str, work: Path, workers: int, backlog_on: str) -> tuple[Report, str]:
    log: list[str] = []
    tag = uuid.uuid4().hex[:8]
    settings = make_settings(bootstrap, f"ord-{tag}", partitions=4, output_partitions=2)
    codec = AvroCodec()
    topics = input_topics(settings)
    create_topics(bootstrap, {topics[k]: n for k, n in DEFAULT_INPUT_PARTITIONS.items()})
    asyncio.run(create_gate_topics(settings))
    gen = LoadGenerator(LoadSpec(inputs=0, contacts=1, opt_outs=0), settings, codec)
    producer = InputProducer(bootstrap, getattr(settings, "order_grace_ms", 200))
    tail = TopicReader(bootstrap, settings.output_topics).start()
    pool = make_workers(settings, workers, work, worker_src_from_env())
    try:
        for w in pool:
            w.start()
        warm_up(gen, producer, tail, pool, log.append)
        backlog = []  # other contacts (every partition of the topic is behind), encoded first
        for i in range(BACKLOG):
            contact, channel = f"b{i % 5_000:05d}", CHANNELS[i % len(CHANNELS)]
            if backlog_on == "reply":
                backlog.append(gen.reply(contact, channel, SMALL_TALK[i % len(SMALL_TALK)]))
            else:
                backlog.append(gen.send(contact, channel, "CAMPAIGN" if i % 2 else "INBOX"))
        for p in backlog:
            producer.send(p)
        assert producer.flush(60) == 0
        lag = group_lag(bootstrap, settings.app_id, topics[backlog_on])
        stop_kinds = ("reply",) if backlog_on == "reply" else ("reply", "click", "command")
        _produce_pairs(gen, producer, stop_kinds)
        assert producer.flush(60) == 0 and producer.errors == 0
        log.append(f"backlog: {lag:,} of {BACKLOG:,} {backlog_on} records not committed yet")

        inputs = read_inputs(read_all(bootstrap, settings.input_topics), settings, codec)
        replay(inputs, settings)
        outputs = Outputs(settings, codec, inputs)

        def failed() -> str | None:
            dead = [w for w in pool if not w.alive]
            return f"{dead[0].name} exited:\n{dead[0].log_tail(30)}" if dead else None

        settled = settle(
            inputs, outputs, tail, timeout_s=150, quiet_s=2, log=log.append, failed=failed
        )
        report = check(inputs, outputs, {}, None, settings, codec, late=producer.late)
        report.late_inputs = {"count": len(producer.late), "max ack ms": producer.max_ack_ms}
        report.settled = settled
    finally:
        tail.stop()
        stop_workers(pool, log.append)
        delete_topics(bootstrap, [settings.topic_prefix, settings.app_id])
    return report, "\n".join([*log, format_report(report)])


def _assert_in_order(report: Report, summary: str) -> None:
    assert report.violations["campaign forwarded while opted out"] == 0, summary
    assert report.missing == 0, summary
    assert report.violation_total == 0, summary
    assert report.opt_out_inputs >= len(GAPS_MS) * PAIRS_PER_GAP, summary


@pytest.mark.parametrize("workers", [1, 2])
def test_stop_behind_a_backlog_of_replies_is_applied_before_a_later_campaign(
    kafka_bootstrap: str, tmp_path: Path, workers: int
) -> None:
    report, summary = _run_case(kafka_bootstrap, tmp_path, workers, backlog_on="reply")
    _assert_in_order(report, summary)


@pytest.mark.parametrize("workers", [1, 2])
def test_stop_is_applied_before_a_later_campaign_while_sends_are_backlogged(
    kafka_bootstrap: str, tmp_path: Path, workers: int
) -> None:
    report, summary = _run_case(kafka_bootstrap, tmp_path, workers, backlog_on="request")
    _assert_in_order(report, summary)
