"""Benchmark of ``consent-gate import``: generates a suppression list of N rows (default one
million), runs the real command as its own process against the real broker, and prints the wall
time, the rate, and what the commands topic holds afterwards (its end offsets must grow by N).

Topics get a fresh prefix (``bench-import-<run>.``) and are deleted afterwards unless
--keep-topics. Figures are printed, never asserted. Run:

    .venv/bin/python benchmarks/import_1m.py [--rows 1000000] [--bootstrap localhost:9092]
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

from _common import CHANNEL_WEIGHTS
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from devtools.runner import settings_env
from streams.kafka.admin import create_topics
from streams.settings import Settings


def write_csv(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    channels = list(CHANNEL_WEIGHTS)
    weights = list(CHANNEL_WEIGHTS.values())
    start = 1_600_000_000_000
    with path.open("w", encoding="utf-8") as f:
        f.write("contact,channel,when,source,reason\n")
        for i in range(rows):
            channel = rng.choices(channels, weights)[0]
            when = start + rng.randrange(100_000_000_000)
            # Half ISO-8601, half epoch ms, as legacy exports mix them.
            when_text = (
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when / 1000))
                if i % 2
                else str(when)
            )
            reason = "too_frequent" if i % 7 == 0 else ""
            f.write(f"contact-{i:08d},{channel},{when_text},legacy-crm,{reason}\n")


async def end_total(settings: Settings) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None)
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()
        topic = settings.commands_topic
        tps = [TopicPartition(topic, p) for p in cluster.partitions_for_topic(topic) or ()]
        ends = await consumer.end_offsets(tps)
        return int(sum(ends.values()))
    finally:
        await consumer.stop()


async def delete_topics(settings: Settings) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(settings.topic_prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows in the list (1000000)")
    ap.add_argument(
        "--bootstrap",
        default=os.environ.get("CONSENT_GATE_BOOTSTRAP_SERVERS", "localhost:9092"),
        help="Kafka bootstrap servers",
    )
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--keep-topics", action="store_true", help="do not delete the run's topics")
    args = ap.parse_args()

    run = uuid.uuid4().hex[:8]
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bootstrap_servers=args.bootstrap,
        topic_prefix=f"bench-import-{run}.",
        app_id=f"cg-bench-import-{run}",
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "suppressions.csv"
        t0 = time.perf_counter()
        write_csv(path, args.rows, args.seed)
        print(
            f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        asyncio.run(create_topics(settings))
        before = asyncio.run(end_total(settings))
        env = {**os.environ, **settings_env(settings)}
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "streams.cli", "import", str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        print(proc.stdout.strip())
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            sys.exit(f"consent-gate import failed with exit code {proc.returncode}")
        on_topic = asyncio.run(end_total(settings)) - before
    print(
        f"consent-gate import: {args.rows:,} rows in {wall:.1f} s wall "
        f"({args.rows / wall:,.0f} rows/s), process start and topic check included; "
        f"{cpu:.1f} s CPU ({cpu / args.rows * 1e6:.1f} µs/row); load average "
        f"{os.getloadavg()[0]:.1f}; "
        f"{on_topic:,} offsets added to {settings.commands_topic} "
        f"({'ok' if on_topic == args.rows else 'MISMATCH'})"
    )
    if not args.keep_topics:
        asyncio.run(delete_topics(settings))


if __name__ == "__main__":
    main()
