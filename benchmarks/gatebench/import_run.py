"""``python -m benchmarks.compare import``: the throughput of ``consent-gate import``.

Generates a suppression list of N rows (default one million), runs the real command as its own
process against the broker, and prints the wall time, the rate, the CPU of the command and of
the broker, and what the commands topic holds afterwards (its end offsets must grow by N).
Topics get a fresh prefix (``bench-import-<run>.``) and are deleted afterwards unless
--keep-topics. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from devtools.runner import settings_env
from streams.kafka.admin import create_topics
from streams.settings import Settings

from .common import CHANNEL_WEIGHTS, broker_args, broker_pid, proc_cpu_s
from .inputs import pick_channel
from .topics import delete_matching, end_offsets_total


def write_csv(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    channels = list(CHANNEL_WEIGHTS)
    start = 1_600_000_000_000
    with path.open("w", encoding="utf-8") as f:
        f.write("contact,channel,when,source,reason\n")
        for i in range(rows):
            channel = pick_channel(rng, channels)
            when = start + rng.randrange(100_000_000_000)
            # Half ISO-8601, half epoch ms, as legacy exports mix them.
            when_text = (
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when / 1000))
                if i % 2
                else str(when)
            )
            reason = "too_frequent" if i % 7 == 0 else ""
            f.write(f"contact-{i:08d},{channel},{when_text},legacy-crm,{reason}\n")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.compare import",
        description="The throughput of `consent-gate import` on a generated suppression list.",
    )
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows in the list (1000000)")
    broker_args(ap)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--keep-topics", action="store_true", help="do not delete the run's topics")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run = uuid.uuid4().hex[:8]
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bootstrap_servers=args.bootstrap,
        topic_prefix=f"bench-import-{run}.",
        app_id=f"cg-bench-import-{run}",
    )
    topic = settings.commands_topic
    bpid = broker_pid(args.broker_data_dir)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "suppressions.csv"
            t0 = time.perf_counter()
            write_csv(path, args.rows, args.seed)
            print(
                f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) "
                f"in {time.perf_counter() - t0:.1f} s"
            )
            asyncio.run(create_topics(settings))
            before = end_offsets_total(args.bootstrap, topic)
            env = {**os.environ, **settings_env(settings)}
            cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            broker0 = proc_cpu_s(bpid) if bpid else None
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "streams.cli", "import", str(path)],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - t0
            broker1 = proc_cpu_s(bpid) if bpid else None
            cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        print(proc.stdout.strip())
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            print(f"consent-gate import failed with exit code {proc.returncode}", file=sys.stderr)
            return 1
        on_topic = end_offsets_total(args.bootstrap, topic) - before
        broker = (
            f"broker {broker1 - broker0:.1f} s CPU ({(broker1 - broker0) / args.rows * 1e6:.1f} "
            "µs/row)"
            if broker0 is not None and broker1 is not None
            else "broker CPU unknown (--broker-data-dir)"
        )
        print(
            f"consent-gate import: {args.rows:,} rows in {wall:.1f} s wall "
            f"({args.rows / wall:,.0f} rows/s), process start and topic check included; "
            f"{cpu:.1f} s CPU ({cpu / args.rows * 1e6:.1f} µs/row); {broker}; load average "
            f"{os.getloadavg()[0]:.1f}; {on_topic:,} offsets added to {topic} "
            f"({'ok' if on_topic == args.rows else 'MISMATCH'})"
        )
        return 0 if on_topic == args.rows else 1
    finally:
        if not args.keep_topics:
            delete_matching(args.bootstrap, run)
