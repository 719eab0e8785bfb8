"""Kafka's own perf tools, for the broker's raw ceiling on this machine:
``org.apache.kafka.tools.ProducerPerformance`` (kafka-producer-perf-test) and
``org.apache.kafka.tools.ConsumerPerformance`` (kafka-consumer-perf-test), from the Kafka jars
scripts/kafka-local fetched."""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .common import java, kafka_classpath, proc_cpu_s, proc_status_bytes
from .topics import create


@dataclass
class PerfResult:
    label: str
    records: int
    records_per_s: float = float("nan")
    cpu_s: float = float("nan")
    hwm_bytes: int = 0
    latency: str = "-"
    note: str = ""

    @property
    def cpu_us_per_record(self) -> float:
        return self.cpu_s / self.records * 1e6 if self.records else float("nan")


def _run(argv: list[str], log: Path, timeout_s: float) -> tuple[str, float, int]:
    """Run a JVM tool; (its output, CPU seconds, peak RSS), sampled from /proc while it runs."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w+b") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
        cpu, hwm = 0.0, 0
        deadline = time.monotonic() + timeout_s
        while proc.poll() is None:
            cpu = proc_cpu_s(proc.pid) or cpu
            hwm = max(hwm, proc_status_bytes(proc.pid, "VmHWM") or 0)
            if time.monotonic() > deadline:
                proc.kill()
            time.sleep(0.05)
        out.seek(0)
        return out.read().decode(errors="replace"), cpu, hwm


def producer_perf(
    bootstrap: str, topic: str, records: int, size: int, partitions: int, log: Path
) -> PerfResult:
    create(bootstrap, [topic], partitions)
    text, cpu, hwm = _run(
        [
            java(),
            "-Xmx512m",
            "-cp",
            kafka_classpath(),
            "org.apache.kafka.tools.ProducerPerformance",
            "--topic",
            topic,
            "--num-records",
            str(records),
            "--record-size",
            str(size),
            "--throughput",
            "-1",
            "--producer-props",
            f"bootstrap.servers={bootstrap}",
            "acks=all",
            "linger.ms=5",
        ],
        log,
        600,
    )
    res = PerfResult(f"kafka-producer-perf-test ({size} B, acks=all)", records, cpu_s=cpu)
    res.hwm_bytes = hwm
    m = re.search(
        r"(\d+) records sent, ([\d.]+) records/sec .*?([\d.]+) ms avg latency.*?"
        r"(\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th",
        text,
    )
    if m:
        res.records_per_s = float(m.group(2))
        res.latency = f"{m.group(4)} / {m.group(6)} (send→ack)"
        res.note = "producer only, to the broker"
    else:
        res.note = f"no summary line (see {log})"
    return res


def consumer_perf(bootstrap: str, topic: str, records: int, log: Path) -> PerfResult:
    text, cpu, hwm = _run(
        [
            java(),
            "-Xmx512m",
            "-cp",
            kafka_classpath(),
            "org.apache.kafka.tools.ConsumerPerformance",
            "--bootstrap-server",
            bootstrap,
            "--topic",
            topic,
            "--messages",
            str(records),
            "--group",
            f"perf-{time.time_ns()}",
            "--timeout",
            "60000",
        ],
        log,
        600,
    )
    res = PerfResult("kafka-consumer-perf-test (the sends)", records, cpu_s=cpu)
    res.hwm_bytes = hwm
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 10 and re.match(r"\d{4}-\d\d-\d\d", parts[0]):
            res.records_per_s = float(parts[9])  # fetch.nMsg.sec (without the group join)
            res.note = f"consumer only; {float(parts[5]):,.0f}/s with the group join"
            break
    else:
        res.note = f"no result line (see {log})"
    return res
