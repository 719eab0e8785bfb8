"""What every part of the comparison shares: paths, /proc readings, percentiles, topic names."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "benchmarks"
PROJECT_PYTHON = REPO / ".venv" / "bin" / "python"
QUIX_PYTHON = BENCH / ".venv-quix" / "bin" / "python"
FAUST_PYTHON = BENCH / ".venv-faust" / "bin" / "python"
KSTREAMS_JAR = BENCH / "kstreams" / "target" / "kstreams-gate.jar"
SCHEMAS = REPO / "schemas"
KAFKA_VERSION = os.environ.get("KAFKA_VERSION", "4.4.0")
KAFKA_LIBS = (
    Path(
        os.environ.get(
            "KAFKA_CACHE_DIR",
            Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
            / "consent-gate"
            / f"kafka-{KAFKA_VERSION}",
        )
    )
    / "libs"
)

#: Share of sends / replies per channel (SMS-heavy, as in most messaging stacks); the ``core``
#: benchmark uses all six channels.
CHANNEL_WEIGHTS = {
    "SMS": 35,
    "WHATSAPP": 25,
    "EMAIL": 25,
    "MESSENGER": 5,
    "INSTAGRAM": 5,
    "TELEGRAM": 5,
}
#: The channels of the benchmarks that run on Kafka (the three of the brief), with the same
#: weights (SMS 35, WHATSAPP 25, EMAIL 25).
CHANNELS = ("SMS", "WHATSAPP", "EMAIL")
HEADER_LEN = 10  # C3 01 + 8-byte fingerprint


def broker_args(ap: argparse.ArgumentParser) -> None:
    """--bootstrap and --broker-data-dir, for every subcommand that runs on a broker."""
    ap.add_argument(
        "--bootstrap",
        default=os.environ.get("CONSENT_GATE_BOOTSTRAP_SERVERS", "localhost:9092"),
        help="the broker (localhost:9092; benchmarks/compare starts its own on 49092)",
    )
    ap.add_argument(
        "--broker-data-dir",
        type=Path,
        default=Path(os.environ.get("KAFKA_DATA_DIR", REPO / ".local" / "kafka")),
        help="the broker's KAFKA_DATA_DIR, for its pid (broker CPU) and log segments (batches)",
    )


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return str(Path(home, "bin", "java"))
    return os.environ.get("JAVA", "java")


def kafka_classpath() -> str:
    return f"{KAFKA_LIBS}/*"


# --- /proc -----------------------------------------------------------------------------------


def proc_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process (/proc/<pid>/stat utime + stime)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_status_bytes(pid: int, name: str) -> int | None:
    """A kB field of /proc/<pid>/status (VmHWM, VmRSS) in bytes."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def cpu_of(pids: Iterable[int]) -> float:
    return sum(proc_cpu_s(p) or 0.0 for p in pids)


def broker_pid(data_dir: Path | None) -> int | None:
    if data_dir is None:
        return None
    try:
        pid = int((data_dir / "kafka.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if proc_cpu_s(pid) is not None else None


def machine() -> str:
    """One line: CPU model, cores, memory, kernel."""
    model = "unknown CPU"
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        if found:
            model = found.group(1).strip()
    except OSError:
        pass
    mem = proc_meminfo_gib()
    return f"{model}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Linux {os.uname().release}"


def proc_meminfo_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def java_version() -> str:
    try:
        out = subprocess.run([java(), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "no java"
    first = (out.stderr or out.stdout).splitlines()
    return first[0] if first else "java"


# --- figures ---------------------------------------------------------------------------------


def percentile(sorted_values: Sequence[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, round(p * (len(sorted_values) - 1)))]


@dataclass
class Latency:
    """Percentiles of a list of latencies in ms."""

    values: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        v = sorted(self.values)
        return {
            "n": len(v),
            "p50": percentile(v, 0.50),
            "p99": percentile(v, 0.99),
            "max": v[-1] if v else float("nan"),
        }


def first_string(value: bytes) -> str:
    """The first field of a single-object Avro value when it is a string (the message_id of an
    OutboundMessage and of a SuppressedMessage, the event_id of a reply or consent event)."""
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


def wait_for(check: object, timeout_s: float, every_s: float = 0.1) -> bool:
    """Poll ``check()`` (a callable returning bool) until true or timeout."""
    assert callable(check)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every_s)
    return bool(check())
