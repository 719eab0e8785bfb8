"""Per-call micro benchmarks: what one call of a hot function costs on one core (no Kafka).

Each group is a function ``(MicroContext) -> list[MicroRow]`` listed in :data:`GROUPS`, run in
that order by ``python -m benchmarks.compare core`` into one table ("Per-call cost"). To measure
another function, write a group here (time it with :func:`per_call`, or fill a
:class:`MicroRow` yourself, say with percentiles in ``note``) and add it to :data:`GROUPS`:
nothing else needs to change.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams.core.consent import ConsentState
from streams.core.partitioner import partition_for
from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.settings import Settings

from .common import CHANNEL_WEIGHTS
from .inputs import outbound, pick_channel
from .pipeline import Pipe, source

R = RecordName

TEXT_160 = (
    "Hi! Thanks for the reminder about my appointment on Thursday at 10:30. Could you move it "
    "to Friday afternoon instead? I will bring the documents you asked for. Thanks."
)[:160]
TEXT_160_CONTAINED = (
    "Hello, I have received far too many of these offers this month, so please stop sending "
    "me the weekly promotions; I will check the website myself when I need something."
)[:160]
TEXT_160_UNICODE = (
    "Bonjour ! Merci pour le rappel 😊 Pourriez-vous décaler mon rendez-vous de jeudi à "
    "vendredi après-midi ? J'apporterai les documents demandés. Très cordialement, Zoé"
)[:160]
STOP_TEXTS = ["STOP", "stop", "Stop.", "STOP ", "UNSUBSCRIBE", "Stop!", "cancel"]
PASSES = 5


@dataclass(frozen=True)
class MicroRow:
    label: str
    best_us: float  # the fastest pass, µs per call
    median_us: float  # the middle pass
    note: str = ""


@dataclass
class MicroContext:
    settings: Settings
    contract: Contract
    calls: int  # calls per pass
    seed: int = 1

    @property
    def channels(self) -> list[str]:
        return list(CHANNEL_WEIGHTS)


def per_call_us(fn: Callable[[Any], Any], items: Sequence[Any]) -> tuple[float, float]:
    """(best, median) µs per call of ``fn(item)`` over ``items``, :data:`PASSES` passes."""
    times = []
    for _ in range(PASSES):
        gc.collect()
        t0 = time.perf_counter_ns()
        for item in items:
            fn(item)
        times.append((time.perf_counter_ns() - t0) / len(items) / 1000)
    return min(times), statistics.median(times)


def per_call(label: str, fn: Callable[[Any], Any], items: Sequence[Any], note: str) -> MicroRow:
    return MicroRow(label, *per_call_us(fn, items), note)


# --- pure functions ---------------------------------------------------------------------------


def keywords(ctx: MicroContext) -> list[MicroRow]:
    policy = ctx.settings.keyword_policy()
    return [
        per_call(label, policy.classify, [text] * ctx.calls, str(policy.classify(text).intent))
        for label, text in [
            ("classify 'STOP' (exact keyword)", "STOP"),
            ("classify ' Stop! ' (punctuated keyword)", " Stop! "),
            ("classify 160-char ASCII text, no keyword", TEXT_160),
            ("classify 160-char ASCII text, contains 'stop'", TEXT_160_CONTAINED),
            ("classify 160-char non-ASCII text (accents, emoji)", TEXT_160_UNICODE),
        ]
    ]


def sends(ctx: MicroContext) -> list[tuple[str, str, bytes]]:
    """(contact, channel, encoded CAMPAIGN OutboundMessage) x calls, the input of compare's."""
    rng = random.Random(ctx.seed)
    out = []
    for i in range(ctx.calls):
        contact, channel = f"contact-{i:07d}", pick_channel(rng, ctx.channels)
        out.append((contact, channel, outbound(ctx.contract, rng, i, contact, channel, "CAMPAIGN")))
    return out


def codec_and_partitioner(ctx: MicroContext) -> list[MicroRow]:
    encoded = [v for _, _, v in sends(ctx)]
    records = [ctx.contract.decode(R.OUTBOUND_MESSAGE, v) for v in encoded]
    size = f"{len(encoded[0])} B"
    return [
        per_call("Contract.encode OutboundMessage",
                 lambda m: ctx.contract.encode(R.OUTBOUND_MESSAGE, m), records, size),
        per_call("Contract.decode OutboundMessage",
                 lambda v: ctx.contract.decode(R.OUTBOUND_MESSAGE, v), encoded, size),
        per_call("partition_for (murmur2, pure Python)",
                 lambda m: partition_for(m["contact_id"], 8), records, "8 partitions"),
    ]  # fmt: skip


# --- router and gate, one record each ---------------------------------------------------------


def router_and_gate(ctx: MicroContext) -> list[MicroRow]:
    s, contract = ctx.settings, ctx.contract
    rng = random.Random(ctx.seed + 1)
    rows = []
    pipe = Pipe(s, contract)
    items = sends(ctx)
    srcs = [source(s.requests_topic, i, c, v) for i, (c, _, v) in enumerate(items)]
    rows.append(per_call("Router.route CAMPAIGN send", pipe.router.route, srcs,
                         "-> by-contact topic"))  # fmt: skip
    at_gate = [pipe.to_gate(x) for x in srcs]

    def gate_row(label: str) -> MicroRow:
        return per_call(label, pipe.gate.handle, at_gate, pipe.gate.handle(at_gate[0])[0].topic)

    rows.append(gate_row("Gate.handle CAMPAIGN send, forwarded (no entry)"))
    resub = ConsentState(True, 1_700_000_000_000, "KEYWORD", "reply-0123456789ab", "START", None)
    for contact, channel, _ in items:
        pipe.gate.store.put(contact, channel, resub)
    rows.append(gate_row("Gate.handle CAMPAIGN send, forwarded (entry)"))  # + a state decode
    opted_out = ConsentState(
        False, 1_700_000_000_000, "KEYWORD", "reply-0123456789ab", "STOP", "spring-sale-01", None, 1
    )
    for contact, channel, _ in items:
        pipe.gate.store.put(contact, channel, opted_out)
    rows.append(gate_row("Gate.handle CAMPAIGN send, suppressed"))  # + a SuppressedMessage

    # A STOP reply that changes the state: a fresh contact each call, a fresh table each pass.
    stops = []
    for i in range(ctx.calls):
        contact = f"stopper-{i:07d}"
        reply = b.inbound_reply(contact, pick_channel(rng, ctx.channels), rng.choice(STOP_TEXTS))
        value = contract.encode(R.INBOUND_REPLY, reply)
        stops.append(pipe.to_gate(source(s.replies_topic, i, contact, value)))
    times = []
    for _ in range(PASSES):
        fresh = Pipe(s, contract)
        gc.collect()
        t0 = time.perf_counter_ns()
        for x in stops:
            fresh.gate.handle(x)
        times.append((time.perf_counter_ns() - t0) / ctx.calls / 1000)
    first = ", ".join(o.topic for o in Pipe(s, contract).gate.handle(stops[0]))
    again = ", ".join(o.topic for o in fresh.gate.handle(stops[0])) or "nothing"
    label = "Gate.handle STOP reply (opt-out + event)"
    rows.append(MicroRow(label, min(times), statistics.median(times), first))
    rows.append(per_call("Gate.handle repeated STOP (no change)", fresh.gate.handle, stops, again))
    return rows


def corpus_replies() -> list[str]:
    """Every reply of the labelled corpus (tests/corpus/*.tsv: twelve languages, opt-outs,
    keywords and sentences that only look like them)."""
    folder = Path(__file__).resolve().parents[2] / "tests" / "corpus"
    texts = []
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(line.split("\t", 2)[2])
    return texts


def classify_percentiles(
    classify: Callable[[str], Any],
    texts: Sequence[str],
    passes: int = 20,
    clock: Callable[[], int] = time.perf_counter_ns,
) -> tuple[float, float, float]:
    """(p50, p99, max) µs of one ``classify`` call, each call timed alone, over ``texts``
    (``passes`` times each). ``clock``: wall time by default; ``time.thread_time_ns`` counts
    only this thread's CPU time (on a shared machine the wall time's tail is other processes'
    turns)."""
    for text in texts:  # warm the normaliser's character table
        classify(text)
    samples = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(passes):
            for text in texts:
                t0 = clock()
                classify(text)
                samples.append(clock() - t0)
    finally:
        gc.enable()
    samples.sort()
    n = len(samples)
    return samples[n // 2] / 1000, samples[int(n * 0.99)] / 1000, samples[-1] / 1000


def classify_cost(ctx: MicroContext) -> list[MicroRow]:
    """Issue 15's cost: a reply classified (keywords and plain language, every language on)
    over the labelled corpus, p50 and p99 per call, by wall clock and by thread CPU time
    (target: p99 <= 30 µs)."""
    from streams.core.keywords import SUPPORTED_LANGUAGES

    texts = corpus_replies()
    policy = ctx.settings.model_copy(
        update={"keyword_languages": SUPPORTED_LANGUAGES}
    ).keyword_policy()
    rows = []
    for name, clock in (("wall", time.perf_counter_ns), ("thread CPU", time.thread_time_ns)):
        p50, p99, worst = classify_percentiles(policy.classify, texts, clock=clock)
        verdict = "met" if p99 <= 30 else "MISSED"
        rows.append(
            MicroRow(
                f"classify a reply, 12 languages ({name})",
                p50,
                p50,
                f"{len(texts):,} corpus replies x20: p50 {p50:.1f}, p99 {p99:.1f}, max "
                f"{worst:.0f} µs; p99 <= 30 µs {verdict}",
            )
        )
    return rows


#: The per-call table, in this order (add a group here).
GROUPS: list[Callable[[MicroContext], list[MicroRow]]] = [
    keywords,
    classify_cost,
    codec_and_partitioner,
    router_and_gate,
]


def run(ctx: MicroContext) -> list[MicroRow]:
    return [row for group in GROUPS for row in group(ctx)]
