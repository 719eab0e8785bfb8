"""End-to-end benchmark of consent-gate: the real worker process (RocksDB store) on the real broker.

1. Creates its own topics (prefix ``bench-<run>.``, app id ``cg-bench-<run>``, 8 partitions for the
   by-contact topic and the table), starts ``consent-gate worker`` with ``WorkerProcess``.
2. Opt-out phase: produces one STOP reply for ~10% of the contacts (on a channel drawn with the
   same weights as the sends) and waits for every consent event (this includes worker start-up).
3. Burst phase: produces N outbound requests (CAMPAIGN and INBOX) as fast as it can and counts
   every output (forwarded on the channel topics + suppressed) until all N have arrived.
4. Paced phase (optional): a few sends at a steady low rate, for the latency of an idle gate.

Figures: produce rate, end-to-end records/s, latency percentiles (Kafka CreateTime of the output
record, stamped by the worker's producer, minus the CreateTime the benchmark gave the input; and the
wall-clock arrival at the benchmark's consumer), CPU used by the worker/broker/benchmark, the
worker's peak RSS (VmHWM), and the correctness check (suppressed == expected from the opt-outs).

The worker is stopped cleanly, its state dir removed and (unless --keep-topics) the run's topics
deleted. Figures are printed, never asserted. Run:

    .venv/bin/python benchmarks/bench_end_to_end.py [--records 50000] [--contacts 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import CHANNEL_WEIGHTS
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from devtools.runner import WorkerProcess
from streams.kafka.admin import create_topics
from streams.models import builders as b
from streams.models.contract import HEADER_LEN, Contract, RecordName
from streams.settings import Settings

R = RecordName
console = Console(width=None if sys.stdout.isatty() else 110)
REPO = Path(__file__).resolve().parents[1]

BODY = (
    "Spring sale: 20% off everything in store and online until Sunday. Show this message at "
    "the till or use code SPRING20. Reply STOP to opt out."
)


# --- /proc helpers ----------------------------------------------------------------------------


def proc_status(pid: int, field_name: str) -> int | None:
    """A ``kB`` field of /proc/<pid>/status (VmRSS, VmHWM), in bytes; None when unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def proc_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process (/proc/<pid>/stat fields 14 and 15)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def self_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def broker_pid() -> int | None:
    """The local broker's pid from scripts/kafka-local's pid file (read only, for CPU figures)."""
    data_dir = Path(os.environ.get("KAFKA_DATA_DIR", REPO / ".local" / "kafka"))
    try:
        pid = int((data_dir / "kafka.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if proc_cpu_s(pid) is not None else None


class CpuMeter:
    """CPU seconds used by the worker, the broker and this process between start() and stop()."""

    def __init__(self, worker_pid: int, broker: int | None) -> None:
        self.pids = {"worker": worker_pid, "broker": broker}
        self.start_at: dict[str, float] = {}
        self.used: dict[str, float] = {}
        self.wall = 0.0

    def _read(self) -> dict[str, float]:
        now = {"benchmark": self_cpu_s()}
        for name, pid in self.pids.items():
            cpu = proc_cpu_s(pid) if pid else None
            if cpu is not None:
                now[name] = cpu
        return now

    def start(self) -> None:
        self.start_at = self._read()
        self._t0 = time.monotonic()

    def stop(self) -> None:
        end = self._read()
        self.wall = time.monotonic() - self._t0
        self.used = {k: end[k] - v for k, v in self.start_at.items() if k in end}


# --- records ----------------------------------------------------------------------------------


def first_string(value: bytes) -> str:
    """The first field of an Avro single-object value when it is a string: the message_id of
    both OutboundMessage and SuppressedMessage. Cheap, so the consumer keeps up."""
    pos, shift, acc = HEADER_LEN, 0, 0
    while True:
        byte = value[pos]
        pos += 1
        acc |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
    length = (acc >> 1) ^ -(acc & 1)
    return value[pos : pos + length].decode()


def msg_index(message_id: str) -> int | None:
    prefix, _, number = message_id.rpartition("-")
    return int(number) if prefix == "bench" else None


def pick_channel(rng: random.Random) -> str:
    return rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]


@dataclass
class Send:
    key: bytes
    value: bytes
    suppress: bool


def make_sends(
    contract: Contract,
    rng: random.Random,
    start: int,
    count: int,
    contacts: int,
    opted_out: set[tuple[str, str]],
    inbox_share: float,
) -> list[Send]:
    sends = []
    for i in range(start, start + count):
        contact = f"contact-{rng.randrange(contacts):07d}"
        channel = pick_channel(rng)
        origin = "INBOX" if rng.random() < inbox_share else "CAMPAIGN"
        record = b.outbound_message(
            contact,
            channel,
            origin,
            message_id=f"bench-{i}",
            campaign_id="spring-sale" if origin == "CAMPAIGN" else None,
            message_type="promotion" if origin == "CAMPAIGN" else "conversation",
            recipient=f"+4915{rng.randint(10**8, 10**9 - 1)}",
            template_id="tpl-spring-01",
            body=BODY,
            attributes={"locale": "en-GB"},
        )
        suppress = origin == "CAMPAIGN" and (contact, channel) in opted_out
        sends.append(Send(contact.encode(), contract.encode(R.OUTBOUND_MESSAGE, record), suppress))
    return sends


# --- the output counter -----------------------------------------------------------------------


@dataclass
class Arrivals:
    """Per send index: input CreateTime, output CreateTime, wall-clock arrival; plus counters."""

    size: int
    in_ts: list[int] = field(default_factory=list)
    out_ts: list[int] = field(default_factory=list)
    seen_at: list[float] = field(default_factory=list)
    suppressed_ids: set[int] = field(default_factory=set)
    unique: int = 0
    duplicates: int = 0
    events: int = 0
    dead_letters: int = 0
    per_topic: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.in_ts = [0] * self.size
        self.out_ts = [0] * self.size
        self.seen_at = [0.0] * self.size


class OutputCounter:
    """A lean consumer of every output topic (no group, from the beginning): counts, and keeps
    three numbers per send for the latency figures. Runs as a task in the benchmark's loop."""

    def __init__(self, settings: Settings, arrivals: Arrivals) -> None:
        self.s = settings
        self.a = arrivals
        self.send_topics = {*settings.channel_topics.values(), settings.suppressed_topic}
        self.consumer = AIOKafkaConsumer(
            *settings.output_topics,
            bootstrap_servers=settings.bootstrap_servers,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
            max_partition_fetch_bytes=4 * 2**20,
        )
        self.task: asyncio.Task[None] | None = None
        self.changed = asyncio.Event()

    async def start(self) -> None:
        await self.consumer.start()
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.consumer.stop()

    async def _run(self) -> None:
        a, s = self.a, self.s
        while True:
            batches = await self.consumer.getmany(timeout_ms=100, max_records=5000)
            now = time.time()
            for tp, msgs in batches.items():
                topic = tp.topic
                a.per_topic[topic] += len(msgs)
                if topic == s.events_topic:
                    a.events += len(msgs)
                elif topic == s.deadletter_topic:
                    a.dead_letters += len(msgs)
                elif topic in self.send_topics:
                    suppressed = topic == s.suppressed_topic
                    for m in msgs:
                        i = msg_index(first_string(m.value))
                        if i is None or i >= a.size:
                            continue
                        if a.out_ts[i]:
                            a.duplicates += 1
                            continue
                        a.out_ts[i] = m.timestamp
                        a.seen_at[i] = now
                        a.unique += 1
                        if suppressed:
                            a.suppressed_ids.add(i)
            if batches:
                self.changed.set()


# --- phases -----------------------------------------------------------------------------------


def new_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all", linger_ms=5)


async def produce_sends(
    producer: AIOKafkaProducer,
    topic: str,
    sends: list[Send],
    first_index: int,
    arrivals: Arrivals,
    rate: float | None = None,
) -> float:
    """Produce ``sends`` as fast as possible (or at ``rate``/s); seconds until all are acked."""
    t0 = time.monotonic()
    futures = []
    for n, send in enumerate(sends):
        if rate:
            delay = t0 + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        ts = int(time.time() * 1000)
        arrivals.in_ts[first_index + n] = ts
        futures.append(await producer.send(topic, send.value, key=send.key, timestamp_ms=ts))
    await asyncio.gather(*futures)
    return time.monotonic() - t0


async def wait_until(
    counter: OutputCounter,
    done: Any,
    timeout_s: float,
    worker: WorkerProcess,
    progress: Progress | None = None,
    task: Any = None,
    value: Any = None,
) -> bool:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline or not worker.alive:
            return False
        counter.changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(counter.changed.wait(), 0.5)
        if progress is not None:
            progress.update(task, completed=value())
    if progress is not None:
        progress.update(task, completed=value())
    return True


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    v = sorted(values)

    def q(p: float) -> float:
        return v[min(len(v) - 1, round(p * (len(v) - 1)))]

    return {"p50": q(0.50), "p95": q(0.95), "p99": q(0.99), "max": v[-1]}


async def delete_run_topics(settings: Settings, run: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if run in t]
        if mine:
            await admin.delete_topics(mine)
        return len(mine)
    finally:
        await admin.close()


def _bar(label: str) -> Progress:
    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    )  # fmt: skip


# --- main -------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    run_id = uuid.uuid4().hex[:10]
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bootstrap_servers=args.bootstrap,
        topic_prefix=f"bench-{run_id}.",
        app_id=f"cg-bench-{run_id}",
        data_dir=tmp / "state",
        partitions=args.partitions,
        output_partitions=args.topic_partitions,
        log_level="info",
        http_port=0,
    )
    contract = Contract()
    rng = random.Random(args.seed)
    res: dict[str, Any] = {"run_id": run_id, "settings": settings}

    # Inputs, built before anything is timed.
    n_stop = max(1, round(args.contacts * args.stop_share))
    stoppers = rng.sample(range(args.contacts), n_stop)
    opted_out = {(f"contact-{c:07d}", pick_channel(rng)) for c in stoppers}
    stops = [
        (
            contact.encode(),
            contract.encode(R.INBOUND_REPLY, b.inbound_reply(contact, channel, "STOP")),
        )
        for contact, channel in sorted(opted_out)
    ]
    with console.status(f"encoding {args.records:,} + {args.paced:,} outbound requests..."):
        burst = make_sends(
            contract, rng, 0, args.records, args.contacts, opted_out, args.inbox_share
        )
        paced = make_sends(
            contract, rng, args.records, args.paced, args.contacts, opted_out, args.inbox_share
        )
    total = args.records + args.paced
    arrivals = Arrivals(total)
    res.update(n_stop=len(stops), expected_suppressed=sum(s.suppress for s in burst))
    res["expected_suppressed_paced"] = sum(s.suppress for s in paced)

    with console.status("creating topics..."):
        created = await create_topics(settings)
    res["topics_created"] = len(created)
    worker = WorkerProcess(settings, tmp / "worker.log").start()
    assert worker.proc is not None
    pid = worker.proc.pid
    console.print(
        f"worker pid {pid}, app id {settings.app_id}, state {settings.data_dir}, "
        f"log {worker.log_path}"
    )
    counter = OutputCounter(settings, arrivals)
    await counter.start()
    producer = new_producer(settings)
    await producer.start()
    try:
        # --- phase 1: opt-outs (includes worker start-up and partition assignment) -----------
        t0 = time.monotonic()
        futures = [await producer.send(settings.replies_topic, v, key=k) for k, v in stops]
        await asyncio.gather(*futures)
        with _bar(f"opt-out phase: {len(stops):,} STOP replies -> consent events") as progress:
            task = progress.add_task("stops", total=len(stops))
            ok = await wait_until(
                counter, lambda: arrivals.events >= len(stops), args.timeout, worker,
                progress, task, lambda: arrivals.events,
            )  # fmt: skip
        res["stop_phase_s"] = time.monotonic() - t0
        if not ok:
            raise RuntimeError(
                f"opt-out phase: {arrivals.events}/{len(stops)} consent events "
                f"(worker alive: {worker.alive}); tail of the worker log:\n{worker.log()[-3000:]}"
            )

        # --- phase 2: burst -------------------------------------------------------------------
        cpu = CpuMeter(pid, broker_pid())
        cpu.start()
        t_first = time.time()
        with _bar(f"burst phase: {args.records:,} sends -> outputs") as progress:
            task = progress.add_task("burst", total=args.records)
            produce_s = await produce_sends(producer, settings.requests_topic, burst, 0, arrivals)
            ok = await wait_until(
                counter, lambda: arrivals.unique >= args.records, args.timeout, worker,
                progress, task, lambda: arrivals.unique,
            )  # fmt: skip
        t_done = time.time()
        cpu.stop()
        res.update(produce_s=produce_s, burst_wall_s=t_done - t_first, burst_ok=ok, cpu=cpu)
        burst_idx = [i for i in range(args.records) if arrivals.out_ts[i]]
        res["burst_unique"] = len(burst_idx)
        if burst_idx:
            first_in = min(arrivals.in_ts[i] for i in range(args.records))
            last_out = max(arrivals.out_ts[i] for i in burst_idx)
            res["burst_kafka_span_s"] = (last_out - first_in) / 1000
        res["burst_lat_kafka"] = percentiles(
            [arrivals.out_ts[i] - arrivals.in_ts[i] for i in burst_idx]
        )
        res["burst_lat_seen"] = percentiles(
            [arrivals.seen_at[i] * 1000 - arrivals.in_ts[i] for i in burst_idx]
        )
        res["suppressed_burst"] = sum(1 for i in arrivals.suppressed_ids if i < args.records)
        res["wrong_route"] = sum(
            1 for i in burst_idx if (i in arrivals.suppressed_ids) != burst[i].suppress
        )

        # --- phase 3: paced sends on an idle gate ---------------------------------------------
        if args.paced and ok:
            with _bar(f"paced phase: {args.paced:,} sends at {args.paced_rate:g}/s") as progress:
                task = progress.add_task("paced", total=args.paced)
                await produce_sends(
                    producer, settings.requests_topic, paced, args.records, arrivals,
                    rate=args.paced_rate,
                )  # fmt: skip
                ok3 = await wait_until(
                    counter, lambda: arrivals.unique >= total, args.timeout, worker,
                    progress, task, lambda: arrivals.unique - args.records,
                )  # fmt: skip
            idx = [i for i in range(args.records, total) if arrivals.out_ts[i]]
            res["paced_ok"] = ok3
            res["paced_lat_kafka"] = percentiles(
                [arrivals.out_ts[i] - arrivals.in_ts[i] for i in idx]
            )
            res["paced_lat_seen"] = percentiles(
                [arrivals.seen_at[i] * 1000 - arrivals.in_ts[i] for i in idx]
            )
            res["suppressed_paced"] = sum(1 for i in arrivals.suppressed_ids if i >= args.records)

        # a short settle to catch duplicates / strays, then the worker's memory
        await asyncio.sleep(1.0)
        res["worker_hwm"] = proc_status(pid, "VmHWM")
        res["worker_rss"] = proc_status(pid, "VmRSS")
        res["duplicates"] = arrivals.duplicates
        res["dead_letters"] = arrivals.dead_letters
        res["events"] = arrivals.events
        state_dir = settings.data_dir
        res["state_bytes"] = sum(
            p.stat().st_size for p in state_dir.rglob("*") if p.is_file()
        ) if state_dir.exists() else 0  # fmt: skip
    finally:
        await producer.stop()
        await counter.stop()
        with console.status("stopping the worker (SIGTERM)..."):
            t0 = time.monotonic()
            res["worker_rc"] = worker.stop(timeout_s=60)
            res["worker_stop_s"] = time.monotonic() - t0
        if not args.keep_topics:
            with contextlib.suppress(Exception):
                res["topics_deleted"] = await delete_run_topics(settings, run_id)
    res["worker_log_errors"] = sum(
        1 for line in worker.log().splitlines() if "ERROR" in line or "Traceback" in line
    )
    return res


def report(args: argparse.Namespace, res: dict[str, Any]) -> None:
    n = args.records
    t = Table(title=f"End to end: {n:,} sends, {args.contacts:,} contacts, real broker + worker")
    t.add_column("figure")
    t.add_column("value", justify="right")
    s = res["settings"]
    t.add_row(
        "set-up",
        f"{s.partitions} by-contact/table partitions, {s.output_partitions} per input/output "
        "topic, RocksDB state",
    )
    t.add_row(
        "opt-out phase (start-up + STOPs -> events)",
        f"{res['n_stop']:,} STOPs in {res['stop_phase_s']:.1f} s",
    )
    t.add_row("produce: time until all acked", f"{res['produce_s']:.2f} s")
    t.add_row("produce rate (acks=all)", f"{n / res['produce_s']:,.0f} records/s")
    if res["burst_ok"]:
        t.add_row("first produce -> last output consumed", f"{res['burst_wall_s']:.2f} s")
        t.add_row("end-to-end throughput", f"{n / res['burst_wall_s']:,.0f} records/s")
    else:
        t.add_row(
            "[red]burst did not complete[/]",
            f"{res['burst_unique']:,}/{n:,} outputs in {res['burst_wall_s']:.1f} s",
        )
    if "burst_kafka_span_s" in res:
        t.add_row(
            "first input -> last output (Kafka CreateTimes)",
            f"{res['burst_kafka_span_s']:.2f} s = "
            f"{res['burst_unique'] / res['burst_kafka_span_s']:,.0f} records/s",
        )

    def lat(label: str, p: dict[str, float]) -> None:
        if p:
            t.add_row(
                label,
                f"p50 {p['p50']:,.0f} / p95 {p['p95']:,.0f} / p99 {p['p99']:,.0f} / "
                f"max {p['max']:,.0f} ms",
            )

    lat("burst latency, Kafka CreateTime out - in", res["burst_lat_kafka"])
    lat("burst latency, seen by consumer - produced", res["burst_lat_seen"])
    if "paced_lat_kafka" in res:
        lat(
            f"paced ({args.paced_rate:g}/s) latency, CreateTime out - in",
            res["paced_lat_kafka"],
        )
        lat(f"paced ({args.paced_rate:g}/s) latency, seen - produced", res["paced_lat_seen"])
    cpu: CpuMeter = res["cpu"]
    for name in ("worker", "broker", "benchmark"):
        if name in cpu.used:
            used = cpu.used[name]
            t.add_row(
                f"CPU during the burst: {name}",
                f"{used:.1f} s = {used / cpu.wall * 100:.0f}% of one core"
                + (f", {used / n * 1e6:,.0f} µs/record" if name == "worker" else ""),
            )
    hwm = res.get("worker_hwm")
    t.add_row(
        "worker peak RSS (VmHWM) / RSS at the end",
        f"{hwm / 2**20:,.0f} MiB / {res['worker_rss'] / 2**20:,.0f} MiB" if hwm else "n/a",
    )
    t.add_row("worker state dir (RocksDB) before stop", f"{res['state_bytes'] / 2**20:,.1f} MiB")
    exp, got = res["expected_suppressed"], res["suppressed_burst"]
    ok = exp == got and res["wrong_route"] == 0
    t.add_row(
        "suppressed (burst): got / expected",
        f"{got:,} / {exp:,} " + ("[green]OK[/]" if ok else "[bold red]MISMATCH[/]"),
    )
    if "suppressed_paced" in res:
        t.add_row(
            "suppressed (paced): got / expected",
            f"{res['suppressed_paced']:,} / {res['expected_suppressed_paced']:,}",
        )
    t.add_row("sends routed to the wrong side", f"{res['wrong_route']:,}")
    t.add_row("duplicate outputs (at-least-once) / dead letters",
              f"{res['duplicates']:,} / {res['dead_letters']:,}")  # fmt: skip
    t.add_row(
        "worker stop (SIGTERM): exit code, time",
        f"{res['worker_rc']}, {res['worker_stop_s']:.1f} s",
    )
    t.add_row("ERROR/Traceback lines in the worker log", f"{res['worker_log_errors']}")
    console.print(t)
    if not ok:
        console.print(
            f"[bold red]WARNING: suppressed count {got:,} != expected {exp:,} "
            f"({res['wrong_route']:,} sends on the wrong side) — the gate let through or "
            f"blocked the wrong messages![/]"
        )
    if res["duplicates"]:
        console.print(f"[yellow]note: {res['duplicates']:,} outputs were delivered twice[/]")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--records", type=int, default=50_000, help="sends in the burst (50000)")
    ap.add_argument("--contacts", type=int, default=10_000, help="contacts (10000)")
    ap.add_argument("--stop-share", type=float, default=0.10, help="contacts sending STOP (0.1)")
    ap.add_argument("--inbox-share", type=float, default=0.07, help="INBOX sends (0.07)")
    ap.add_argument("--paced", type=int, default=1000, help="sends in the paced phase (1000)")
    ap.add_argument("--paced-rate", type=float, default=200.0, help="paced sends/s (200)")
    ap.add_argument("--partitions", type=int, default=8, help="by-contact/table partitions (8)")
    ap.add_argument(
        "--topic-partitions", type=int, default=8, help="partitions of input/output topics (8)"
    )
    ap.add_argument("--bootstrap", default=os.environ.get("CONSENT_GATE_BOOTSTRAP_SERVERS",
                                                          "localhost:9092"))  # fmt: skip
    ap.add_argument("--timeout", type=float, default=150.0, help="max wait per phase, s (150)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--keep-topics", action="store_true", help="do not delete the run's topics")
    ap.add_argument("--keep-state", action="store_true", help="do not delete the temp dir")
    args = ap.parse_args(argv)
    # Fresh topics: this benchmark's own clients log NotLeaderForPartition retries (some at ERROR)
    # for a second or so after creation; they retry on their own. Real failures still show up as
    # a phase timing out (with the worker's log) or an exception.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

    tmp = Path(tempfile.mkdtemp(prefix="consent-gate-bench-"))
    console.print(
        f"[bold]consent-gate end-to-end benchmark[/]  broker {args.bootstrap}, "
        f"{os.cpu_count()} CPUs, temp dir {tmp}"
    )
    t0 = time.monotonic()
    try:
        res = asyncio.run(run(args, tmp))
    finally:
        if not args.keep_state:
            shutil.rmtree(tmp, ignore_errors=True)
    report(args, res)
    console.print(f"[dim]total run time {time.monotonic() - t0:.0f} s[/]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
