"""``python -m benchmarks.compare core``: what one worker core can do without Kafka, and what
the consent table costs in memory. Figures are printed, never asserted.

1. Per-call cost of the hot functions (gatebench/micro.py: best and median of 5 passes).
2. A generated mix pushed through router then gate with a dict as the consent table
   (gatebench/pipeline.py): records/s and µs/record of the whole pipeline, then of each stage.
3. Bytes per consent-table entry: N opted-out (contact, channel) entries in (a) a dict (RSS and
   tracemalloc growth) and (b) a RocksDB opened with the worker's options (RSS, on-disk size);
   each in a fresh child process, so the RSS deltas are clean.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from streams.core.consent import ConsentState, state_record
from streams.models import builders as b
from streams.models.contract import Contract, RecordName
from streams.processing.records import Output, SourceRecord
from streams.settings import DEFAULT_CHANNELS, Settings
from streams.state.consent_store import state_key

from .common import CHANNEL_WEIGHTS, proc_status_bytes
from .inputs import contact_name, outbound, pick_channel
from .micro import STOP_TEXTS, TEXT_160, TEXT_160_UNICODE, MicroContext
from .micro import run as run_micro
from .pipeline import Pipe, bench_settings, source

R = RecordName
assert set(CHANNEL_WEIGHTS) == set(DEFAULT_CHANNELS)
CHANNELS = list(CHANNEL_WEIGHTS)
REPLY_TEXTS_OTHER = [
    "Thanks!",
    "ok",
    "What time is my appointment tomorrow?",
    "Can I change my delivery address?",
    TEXT_160,
    TEXT_160_UNICODE,
]


def rss() -> int:
    """This process's resident set size (VmRSS), bytes."""
    return proc_status_bytes(os.getpid(), "VmRSS") or 0


# --- the pipeline over a mix ------------------------------------------------------------------


def generate_mix(
    settings: Settings, contract: Contract, records: int, contacts: int, seed: int
) -> tuple[list[SourceRecord], Counter[str]]:
    """90% CAMPAIGN sends, 7% INBOX sends, 2% replies (~30% STOP), 1% link clicks."""
    rng = random.Random(seed)
    out: list[SourceRecord] = []
    kinds: Counter[str] = Counter()
    for i in range(records):
        contact = contact_name(rng.randrange(contacts))
        channel = pick_channel(rng, CHANNELS)
        r = rng.random()
        if r < 0.97:
            origin = "CAMPAIGN" if r < 0.90 else "INBOX"
            kind, topic = f"{origin.lower()} send", settings.requests_topic
            value = outbound(contract, rng, i, contact, channel, origin)
        elif r < 0.99:
            topic = settings.replies_topic
            q = rng.random()
            if q < 0.30:
                kind, text = "reply STOP", rng.choice(STOP_TEXTS)
            elif q < 0.38:
                kind, text = "reply START", rng.choice(["START", "start", "Yes"])
            elif q < 0.43:
                kind, text = "reply HELP", "HELP"
            elif q < 0.50:
                kind, text = "reply contains stop", "please stop texting me"
            else:
                kind, text = "reply other", rng.choice(REPLY_TEXTS_OTHER)
            value = contract.encode(R.INBOUND_REPLY, b.inbound_reply(contact, channel, text))
        else:
            topic = settings.clicks_topic
            q = rng.random()
            fields: dict[str, Any]
            if q < 0.7:
                kind, fields = "click unsubscribe", {"kind": "UNSUBSCRIBE"}
            elif q < 0.9:
                kind, fields = "click prefetch", {"kind": "UNSUBSCRIBE", "prefetch": True}
            else:
                kind = "click one-click POST"
                fields = {"kind": "ONE_CLICK_UNSUBSCRIBE", "http_method": "POST"}
                channel = "EMAIL"
            value = contract.encode(R.LINK_CLICK, b.link_click(contact, channel, **fields))
        kinds[kind] += 1
        out.append(source(topic, i, contact, value))
    return out, kinds


def run_mix(
    settings: Settings, contract: Contract, inputs: list[SourceRecord], repeat: int = 3
) -> dict[str, Any]:
    s = settings
    category = {s.by_contact_topic: "routed", s.suppressed_topic: "suppressed"}
    category.update({t: "forwarded" for t in s.channel_topics.values()})
    category.update({s.events_topic: "consent event", s.deadletter_topic: "dead letter"})
    best = float("inf")
    outputs: Counter[str] = Counter()
    table_size = 0
    for _ in range(repeat):
        pipe = Pipe(settings, contract)
        feed = pipe.feed
        outs: list[list[Output]] = []
        append = outs.append
        gc.collect()
        t0 = time.perf_counter_ns()
        for rec in inputs:
            append(feed(rec))
        best = min(best, (time.perf_counter_ns() - t0) / 1e9)
        outputs = Counter(category[o.topic] for batch in outs for o in batch)
        table_size = len(pipe.table)

    # Stage split: the router alone over every input, the gate alone over what it was sent.
    pipe = Pipe(settings, contract)
    t0 = time.perf_counter_ns()
    routed = [(r, pipe.router.route(r)) for r in inputs]
    router_s = (time.perf_counter_ns() - t0) / 1e9
    at_gate = [pipe.routed(r, o) for r, o in routed if o.topic == pipe.internal]
    t0 = time.perf_counter_ns()
    for r in at_gate:
        pipe.gate.handle(r)
    gate_s = (time.perf_counter_ns() - t0) / 1e9
    return {
        "elapsed_s": best,
        "outputs": outputs,
        "table_entries": table_size,
        "router_s": router_s,
        "gate_s": gate_s,
        "gate_inputs": len(at_gate),
    }


# --- memory -----------------------------------------------------------------------------------


def opted_out_entries(n: int, seed: int = 7) -> Iterator[tuple[bytes, bytes]]:
    """(key, encoded ConsentState) of n opted-out (contact, channel) pairs, as the gate writes."""
    contract = Contract()
    rng = random.Random(seed)
    for i in range(n):
        state = ConsentState(
            subscribed=False,
            changed_at_ms=1_700_000_000_000 + rng.randrange(10**10),
            source="KEYWORD",
            event_id=f"reply-{rng.getrandbits(48):012x}",
            raw_text=rng.choice(STOP_TEXTS),
            campaign_id=None,
            reason=None,
            changes=1,
        )
        key = state_key(contact_name(i // len(CHANNELS)), CHANNELS[i % len(CHANNELS)])
        yield key, contract.encode(R.CONSENT_STATE, state_record(state))


def memory_child(kind: str, n: int) -> dict[str, Any]:
    """One memory experiment in a fresh process (run through a spawn process pool)."""
    result: dict[str, Any] = {"kind": kind, "n": n}
    gc.collect()
    if kind == "dict":
        rss0 = rss()
        table: dict[bytes, bytes] = {}
        key_bytes = value_bytes = 0
        for k, v in opted_out_entries(n):
            table[k] = v
            key_bytes += len(k)
            value_bytes += len(v)
        gc.collect()
        result.update(rss_delta=rss() - rss0, key_bytes=key_bytes, value_bytes=value_bytes)
    elif kind == "dict-tracemalloc":
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        table = dict(opted_out_entries(n))
        gc.collect()
        result.update(traced=tracemalloc.get_traced_memory()[0] - before)
        tracemalloc.stop()
    elif kind == "rocksdb":
        # The worker's store: one RocksDB per worker, opened with the worker's options.
        from rocksdict import Rdict

        from streams.state.store import db_options

        tmp = Path(tempfile.mkdtemp(prefix="bench-rocks-"))
        try:
            path = tmp / "consent-0.db"
            entries = list(opted_out_entries(n))
            keys = [k for k, _ in entries]
            random.Random(3).shuffle(keys)
            gc.collect()
            rss0 = rss()  # the entries are already in memory: only the store is measured
            db = Rdict(str(path), db_options())
            rss_open = rss()
            t0 = time.perf_counter()
            for k, v in entries:
                db[k] = v
            write_s = time.perf_counter() - t0
            rss_written = rss()
            db.flush()
            db.compact_range(None, None)
            rss_flushed = rss()
            t0 = time.perf_counter()
            hits = sum(1 for k in keys if db.get(k) is not None)
            read_s = time.perf_counter() - t0
            rss_read = rss()
            files = [p for p in path.iterdir() if p.is_file()]
            db.close()
            result.update(
                rss_open=rss_open - rss0,
                rss_written=rss_written - rss0,
                rss_flushed=rss_flushed - rss0,
                rss_read=rss_read - rss0,
                sst_bytes=sum(p.stat().st_size for p in files if p.suffix == ".sst"),
                dir_bytes=sum(p.stat().st_size for p in files),
                write_us=write_s / n * 1e6,
                read_us=read_s / n * 1e6,
                hits=hits,
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def run_memory(n: int) -> dict[str, dict[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    results: dict[str, dict[str, Any]] = {}
    for kind in ("dict", "dict-tracemalloc", "rocksdb"):
        with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
            results[kind] = pool.submit(memory_child, kind, n).result()
    return results


# --- the subcommand ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.compare core",
        description="What one worker core does without Kafka: per-call cost of the hot "
        "functions, router + gate throughput, memory per consent-table entry.",
    )
    ap.add_argument("--records", type=int, default=100_000, help="records in the mix (100000)")
    ap.add_argument("--contacts", type=int, default=50_000, help="contacts in the mix (50000)")
    ap.add_argument("--entries", type=int, default=200_000, help="opted-out table entries (200000)")
    ap.add_argument("--micro", type=int, default=20_000, help="calls per micro-benchmark pass")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--skip-memory", action="store_true")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 110)
    settings, contract = bench_settings(), Contract()
    console.print(
        f"[bold]consent-gate core benchmark[/]  python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, single core used, figures per call unless said otherwise"
    )
    with console.status("micro-benchmarks (best and median of 5 passes)..."):
        rows = run_micro(MicroContext(settings, contract, args.micro))
    t = Table(title=f"Per-call cost ({args.micro:,} calls x 5 passes)")
    t.add_column("operation")
    for col in ("best µs", "median µs", "calls/s (best)"):
        t.add_column(col, justify="right")
    t.add_column("note")
    for row in rows:
        t.add_row(row.label, f"{row.best_us:.2f}", f"{row.median_us:.2f}",
                  f"{1e6 / row.best_us:,.0f}", row.note)  # fmt: skip
    console.print(t)

    with console.status(f"generating {args.records:,} records"):
        inputs, kinds = generate_mix(settings, contract, args.records, args.contacts, args.seed)
    with console.status(f"router + gate over {len(inputs):,} records (best of 3)..."):
        mix = run_mix(settings, contract, inputs)
    n = len(inputs)
    t = Table(title=f"Pipeline: {n:,} records over {args.contacts:,} contacts, 6 channels")
    t.add_column("figure")
    t.add_column("value", justify="right")
    t.add_row("input mix", ", ".join(f"{k} {v:,}" for k, v in kinds.most_common()))
    t.add_row("outputs", ", ".join(f"{k} {v:,}" for k, v in mix["outputs"].most_common()))
    t.add_row("consent table entries after the run", f"{mix['table_entries']:,}")
    t.add_row("router + gate, records/s (best of 3)", f"{n / mix['elapsed_s']:,.0f}")
    t.add_row("router + gate, µs/record", f"{mix['elapsed_s'] / n * 1e6:.1f}")
    t.add_row("router alone, µs/input record", f"{mix['router_s'] / n * 1e6:.1f}")
    t.add_row(
        f"gate alone, µs/record it sees ({mix['gate_inputs']:,})",
        f"{mix['gate_s'] / max(1, mix['gate_inputs']) * 1e6:.1f}",
    )
    console.print(t)
    if not args.skip_memory:
        with console.status(f"memory: {args.entries:,} entries, a child process each"):
            mem = run_memory(args.entries)
        console.print(memory_table(mem, args.entries))
        console.print(
            "[dim]RocksDB opened with streams.state.store.db_options (what the worker uses; "
            "one DB per worker for all its partitions). RSS deltas are of a fresh child process.[/]"
        )
    return 0


def memory_table(mem: dict[str, dict[str, Any]], e: int) -> Table:
    d, tm, rk = mem["dict"], mem["dict-tracemalloc"], mem["rocksdb"]
    t = Table(title=f"Consent table memory: {e:,} opted-out (contact, channel) entries")
    t.add_column("figure")
    t.add_column("total", justify="right")
    t.add_column("per entry", justify="right")

    def row(label: str, total: float) -> None:
        t.add_row(label, f"{total / 2**20:,.1f} MiB", f"{total / e:,.0f} B")

    row("encoded key (CHANNEL/contact_id, UTF-8)", d["key_bytes"])
    row("encoded ConsentState value (Avro single-object)", d["value_bytes"])
    row("(a) dict: RSS growth", d["rss_delta"])
    row("(a) dict: tracemalloc growth", tm["traced"])
    t.add_row("(b) RocksDB: RSS growth after opening (empty)",
              f"{rk['rss_open'] / 2**20:,.1f} MiB", "-")  # fmt: skip
    row("(b) RocksDB: RSS growth after the writes (memtable)", rk["rss_written"])
    row("(b) RocksDB: RSS growth after flush + compaction", rk["rss_flushed"])
    row("(b) RocksDB: RSS growth after reading every key", rk["rss_read"])
    row("(b) RocksDB: on-disk SST files after compaction", rk["sst_bytes"])
    row("(b) RocksDB: whole DB directory (SST, WAL, LOG, MANIFEST)", rk["dir_bytes"])
    t.add_row("(b) RocksDB put / random get", f"{rk['write_us']:.1f} / {rk['read_us']:.1f} µs",
              f"{rk['hits']:,} hits")  # fmt: skip
    return t
