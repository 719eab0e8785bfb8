"""The harness's entry point (``python -m benchmarks.compare [peers|core|import] ...``) and the
``peers`` comparison, start to end: see benchmarks/README.md."""

from __future__ import annotations

import argparse
import hashlib
import math
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from importlib import metadata
from pathlib import Path
from typing import Any

from rich.console import Console

from streams.models.contract import Contract

from . import live as live_module
from .common import BENCH, FAUST_PYTHON, QUIX_PYTHON, REPO, broker_args, java_version, machine
from .inputs import InputTopics, make_workload, produce_workload
from .live import LiveResult, run_live
from .perftools import PerfResult, consumer_perf, producer_perf
from .profile import Profile, py_spy
from .report import (
    live_table,
    main_table,
    markdown,
    print_skips,
    restore_table,
    rounds_markdown,
    rounds_table,
    timeline_markdown,
    timeline_table,
)
from .restore import run_restore
from .runner import Env, Result, run_backlog
from .systems import ALL_SYSTEMS, GATE_OVERRIDES, LABELS, unavailable
from .topics import create, delete_matching

#: The subcommands besides ``peers`` (the default), each a module with ``main(argv) -> int``.
SUBCOMMANDS = {
    "core": "per-call cost of the hot functions, router + gate on one core, memory per "
    "consent-table entry (no Kafka)",
    "import": "the throughput of `consent-gate import` (a generated suppression list)",
}


def main(argv: list[str] | None = None) -> int:
    """``peers`` (the default, also when the first argument is an option), ``core``, ``import``."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args and not args[0].startswith("-") else "peers"
    if command == "core":
        from .core import main as core_main

        return core_main(args)
    if command == "import":
        from .import_run import main as import_main

        return import_main(args)
    if command != "peers":
        known = ", ".join(["peers", *SUBCOMMANDS])
        print(f"unknown subcommand {command!r}; known: {known}", file=sys.stderr)
        return 2
    return peers(args)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.compare [peers]",
        description="consent-gate against raw Kafka clients, Quix Streams, Faust and Kafka "
        "Streams, on one broker and the same pre-produced input. Other subcommands: "
        + "; ".join(f"{name}: {what}" for name, what in SUBCOMMANDS.items())
        + " (python -m benchmarks.compare SUBCOMMAND --help).",
    )
    ap.add_argument("--records", type=int, default=200_000, help="input records (200000)")
    ap.add_argument("--contacts", type=int, default=10_000, help="contacts (10000)")
    ap.add_argument("--stops", type=int, default=1_000, help="STOP replies first (1000)")
    ap.add_argument("--inbox-share", type=float, default=0.07, help="INBOX sends (0.07)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--partitions", type=int, default=8, help="partitions of every topic (8)")
    ap.add_argument(
        "--systems",
        default=",".join(ALL_SYSTEMS),
        help=f"comma-separated, in this order: {','.join(ALL_SYSTEMS)} (all)",
    )
    broker_args(ap)
    ap.add_argument("--timeout", type=float, default=900.0, help="max s per system run (900)")
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the systems this many times, one after the other in turn, and print each "
        "round's ratios with their median (this machine's speed drifts between runs)",
    )
    ap.add_argument("--no-perf", action="store_true", help="skip Kafka's perf tools")
    ap.add_argument("--live-rate", type=float, default=200.0, help="latency runs: records/s")
    ap.add_argument(
        "--live-seconds", type=float, default=10.0, help="latency runs: seconds (0: none)"
    )
    ap.add_argument(
        "--load-seconds",
        type=float,
        default=30.0,
        help="consent-gate at half its measured throughput: seconds (0: none)",
    )
    ap.add_argument(
        "--load-stop-share", type=float, default=0.01, help="fresh STOPs among the load (0.01)"
    )
    ap.add_argument(
        "--load-low-latency",
        default="20:20",
        help="the load run again with CONSENT_GATE_ORDER_GRACE_MS:COMMIT_INTERVAL_MS set to "
        "these (default 20:20; 'none': only the defaults)",
    )
    ap.add_argument(
        "--load-rate",
        type=float,
        default=0.0,
        help="the load run's records/s (default: half of consent-gate's measured throughput)",
    )
    ap.add_argument(
        "--load-set",
        action="append",
        default=[],
        metavar="NAME=VALUE[,NAME=VALUE]",
        help="the load run again with these worker settings (e.g. order_grace_ms=50,"
        "commit_interval_ms=50); repeat for more variants",
    )
    ap.add_argument(
        "--restore-entries",
        type=int,
        default=10_000_000,
        help="memory/restore run: consent entries in the changelog (0: none)",
    )
    ap.add_argument("--profile", action="store_true", help="an extra consent-gate run under py-spy")
    ap.add_argument("--keep-topics", action="store_true")
    ap.add_argument("--keep-logs", type=Path, help="keep the latency runs' worker logs there")
    ap.add_argument("--markdown", type=Path, help="also write the main table there (Markdown)")
    return ap.parse_args(argv)


def load_setting(text: str) -> dict[str, Any]:
    """``order_grace_ms=50,commit_interval_ms=50`` as worker settings (checked by Settings)."""
    out: dict[str, Any] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--load-set wants NAME=VALUE pairs, not {item!r}")
        out[name.strip()] = value.strip()
    return out


def versions() -> str:
    def v(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "-"

    return (
        f"Python {platform.python_version()}, aiokafka {v('aiokafka')}, confluent-kafka "
        f"{v('confluent-kafka')}, fastavro {v('fastavro')}, quixstreams "
        f"{venv_version(QUIX_PYTHON, 'quixstreams')}, faust-streaming "
        f"{venv_version(FAUST_PYTHON, 'faust_streaming')} (rocksdict "
        f"{venv_version(FAUST_PYTHON, 'rocksdict')}), {java_version()}, Kafka Streams and "
        "broker 4.4.0"
    )


def venv_version(python: Path, dist: str) -> str:
    """The version of ``dist`` installed in the virtualenv of ``python`` ('-': none)."""
    site = sorted(python.parent.parent.glob(f"lib/python*/site-packages/{dist}-*.dist-info"))
    return site[-1].name.removesuffix(".dist-info").split("-")[1] if site else "-"


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # so the clean-up (stop every process started) runs


def code_state() -> str:
    """Which consent-gate was measured: HEAD, and a digest of uncommitted changes under streams/."""

    def git(*a: str) -> str:
        out = subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True, check=False)
        return out.stdout

    head = git("rev-parse", "--short", "HEAD").strip() or "?"
    diff = git("diff", "HEAD", "--", "streams", "schemas")
    if not diff:
        return f"consent-gate at {head} (streams/ as committed)"
    digest = hashlib.sha256(diff.encode()).hexdigest()[:8]
    return f"consent-gate at {head} + uncommitted changes to streams/ (diff {digest})"


def peers(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    console = Console(width=None if sys.stdout.isatty() else 160)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in systems if s not in ALL_SYSTEMS]
    if unknown:
        console.print(f"unknown system(s) {unknown}; known: {', '.join(ALL_SYSTEMS)}")
        return 2
    run_id = uuid.uuid4().hex[:8]
    tmp = Path(tempfile.mkdtemp(prefix="gatebench-"))
    live_module.KEEP_LOGS = args.keep_logs
    data_dir = args.broker_data_dir if (args.broker_data_dir / "data").is_dir() else None
    env = Env(args.bootstrap, run_id, tmp, args.partitions, data_dir, Contract(), console,
              args.timeout)  # fmt: skip
    console.print(f"[bold]consent-gate vs peers[/]  run {run_id}, broker {args.bootstrap}")
    console.print(f"machine: {machine()}")
    console.print(f"software: {versions()}")
    console.print(f"code: {code_state()}")
    if data_dir is None:
        console.print(
            f"[yellow]no broker log dir at {args.broker_data_dir}/data: broker CPU and "
            "records/batch will show '-' (pass --broker-data-dir)[/]"
        )
    t_start = time.monotonic()
    skipped: dict[str, str] = {}
    results: list[Result] = []  # the first round's
    rounds: list[tuple[int, Result]] = []
    live: dict[str, LiveResult] = {}
    perf: list[PerfResult] = []
    profile: Profile | None = None
    restore = None
    try:
        with console.status(f"encoding {args.records:,} records"):
            w = make_workload(
                env.contract, args.records, args.contacts, args.stops, args.inbox_share, args.seed
            )
        inputs = InputTopics.named(f"gb-{run_id}.")
        create(args.bootstrap, inputs.all(), args.partitions)
        with console.status("producing the input"):
            produce_s = produce_workload(args.bootstrap, inputs, w)
        console.print(
            f"input: {w.mix()}, {args.contacts:,} contacts, channels SMS/WHATSAPP/EMAIL, "
            f"{args.partitions} partitions; produced once in {produce_s:.1f} s "
            f"({w.total / produce_s:,.0f}/s)"
        )
        if not args.no_perf:
            size = round(sum(len(s.value) for s in w.sends) / len(w.sends))
            with console.status("kafka-producer-perf-test"):
                perf.append(producer_perf(args.bootstrap, f"gb-{run_id}.perf", w.total, size,
                                          args.partitions, tmp / "perf-producer.log"))  # fmt: skip
            with console.status("kafka-consumer-perf-test"):
                perf.append(consumer_perf(args.bootstrap, inputs.requests, len(w.sends),
                                          tmp / "perf-consumer.log"))  # fmt: skip
        available = []
        for name in systems:
            why = unavailable(name)
            if why:
                skipped[name] = why
                console.print(f"[yellow]SKIPPED {LABELS[name]}: {why}[/]")
            else:
                available.append(name)
        for n, name in ((n, name) for n in range(args.rounds) for name in available):
            r = run_backlog(env, name, inputs, w, slug_suffix=f"r{n + 1}" if n else "")
            rounds.append((n + 1, r))
            if n == 0:
                results.append(r)
            status = "[green]OK[/]" if r.check and r.check.ok else "[red]FAILED[/]"
            console.print(
                (f"round {n + 1}: " if args.rounds > 1 else "")
                + f"{LABELS[name]}: {r.records_per_s:,.0f} records/s, "
                f"{r.cpu_us_per_record:,.1f} µs CPU/record (broker "
                f"{r.broker_us_per_record:,.1f}), outputs {status}"
                + ("" if r.check is None or r.check.ok else f" ({r.check.summary()})")
            )
            if not r.completed or not (r.check and r.check.ok):
                console.print(f"[dim]{r.log_tail[-2500:]}[/]")
        if args.live_seconds > 0:
            for name in systems:
                if name in skipped:
                    continue
                live[name] = run_live(env, name, args.live_rate, args.live_seconds)
        base = next((r for r in results if r.name == "consent-gate" and r.completed), None)
        rate = args.load_rate
        if not rate and base is not None and not math.isnan(base.records_per_s):
            rate = base.records_per_s / 2
        if args.load_seconds > 0 and rate:
            share = f"{args.load_stop_share:.0%} fresh STOPs"
            how = f"at {rate:,.0f}/s"
            if not args.load_rate:
                how = f"at half its throughput ({rate:,.0f}/s)"
            variants: list[tuple[str, dict[str, Any]]] = [("load", {})]
            if args.load_low_latency != "none":
                grace, commit = (int(v) for v in args.load_low_latency.split(":"))
                variants.append(("lowlat", {"order_grace_ms": grace, "commit_interval_ms": commit}))
            variants += [(f"set{n}", load_setting(text)) for n, text in enumerate(args.load_set)]
            for slug, overrides in variants:
                GATE_OVERRIDES.update(overrides)
                shown = " ".join(f"{k}={v}" for k, v in overrides.items())
                try:
                    live[f"consent-gate@{slug}"] = run_live(
                        env, "consent-gate", rate, args.load_seconds,
                        stop_share=args.load_stop_share, slug_suffix=slug,
                        label=f"consent-gate {how}, {share}" + (f", {shown}" if shown else ""),
                    )  # fmt: skip
                finally:
                    GATE_OVERRIDES.clear()
        if args.restore_entries > 0 and "consent-gate" in systems:
            restore = run_restore(env, args.restore_entries)
        if args.profile and "consent-gate" in systems:
            if py_spy() is None:
                skipped["py-spy profile"] = "py-spy not installed (.venv/bin/pip install py-spy)"
            else:
                r = run_backlog(env, "consent-gate", inputs, w, profile=tmp / "cg.pyspy.txt",
                                slug_suffix="prof")  # fmt: skip
                profile = r.profile
    finally:
        if not args.keep_topics:
            with console.status("deleting the run's topics"):
                delete_matching(args.bootstrap, run_id)
        shutil.rmtree(tmp, ignore_errors=True)

    title = (
        f"{w.total:,} records ({w.mix()}), {args.partitions} partitions, one broker, "
        "each system alone on the same input"
    )
    console.print(main_table(results, live, perf, title))
    text = markdown(results, live, perf)
    if args.rounds > 1:
        console.print(rounds_table(rounds))
        text += "\n\n" + rounds_markdown(rounds)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    console.print(
        "records/s: inputs ÷ (last output - first output) by the output topics' "
        "LogAppendTime; CPU µs/rec: the system's processes (utime+stime) over that window ÷ "
        "inputs; broker µs/rec: the broker's CPU likewise; peak RSS: VmHWM of its largest "
        "process; rec/batch: records per data batch on its output topics (DumpLogSegments); "
        "lat.: the latency run below; cg ÷ this: consent-gate's figure ÷ the system's "
        "(records/s) and the system's ÷ consent-gate's (CPU), so below 1 means consent-gate "
        "is slower / costlier; #: digest of the forwarded (message id, value bytes)."
    )
    if live:
        console.print(
            live_table(live, f"Latency runs: fresh topics, {args.live_rate:,.0f} records/s for "
                       f"{args.live_seconds:,.0f} s (publish CreateTime → output LogAppendTime)")
        )  # fmt: skip
        timed = {name: lv for name, lv in live.items() if lv.stages}
        if timed:
            console.print(timeline_table(timed))
            text += "\n\n" + timeline_markdown(timed)
            if args.markdown:
                args.markdown.write_text(text + "\n", encoding="utf-8")
    if restore is not None:
        console.print(restore_table(restore))
    if profile is not None:
        print_profile(console, profile)
    print_skips(console, skipped)
    for r in results:
        if r.check is not None and not r.check.ok:
            console.print(f"[bold red]WARNING: {LABELS[r.name]}: {r.check.summary()}[/]")
    console.print(f"[dim]total {time.monotonic() - t_start:,.0f} s; scripts in {BENCH}[/]")
    return 0 if all(r.check is not None and r.check.ok for r in results) else 1


def print_profile(console: Console, prof: Profile, top: int = 15) -> None:
    if not prof.samples:
        console.print("[yellow]py-spy recorded no samples[/]")
        return
    console.print(
        f"[bold]py-spy --idle, consent-gate worker: {prof.samples:,} samples of wall time, "
        f"{prof.waiting / prof.samples:.0%} of them waiting in the event loop's select[/]"
    )
    console.print("own time (the frame itself):")
    for frame, n in prof.own.most_common(top):
        console.print(f"  {n / prof.samples:6.1%}  {frame}")
    console.print("total time (with what it calls; the event loop and start-up left out):")
    for frame, n in prof.total.most_common(top + 5):
        console.print(f"  {n / prof.samples:6.1%}  {frame}")
