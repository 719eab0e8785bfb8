"""Records per produced batch, read from the broker's log segments with Kafka's DumpLogSegments
(``org.apache.kafka.tools.DumpLogSegments``, the ``kafka-dump-log`` tool)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .common import java, kafka_classpath

_BATCH = re.compile(r"baseOffset: \d+ lastOffset: \d+ count: (\d+) .*?isControl: (true|false)")


@dataclass
class Batches:
    batches: int = 0  # data batches
    records: int = 0  # records in them
    control: int = 0  # transaction markers (one per partition per commit)

    @property
    def per_batch(self) -> float:
        return self.records / self.batches if self.batches else float("nan")


def segment_files(data_dir: Path, topics: list[str]) -> list[Path]:
    """The .log segment files of every partition of ``topics`` under a broker's log dir."""
    logs = data_dir / "data"
    files: list[Path] = []
    if not logs.is_dir():
        return files
    wanted = [re.compile(re.escape(t) + r"-\d+") for t in topics]
    for d in sorted(logs.iterdir()):
        if d.is_dir() and any(w.fullmatch(d.name) for w in wanted):
            files += sorted(d.glob("*.log"))
    return files


def batch_stats(data_dir: Path | None, topics: list[str]) -> Batches | None:
    """Batches and records of ``topics`` (None when the broker's log dir is not readable)."""
    if data_dir is None:
        return None
    files = segment_files(data_dir, topics)
    if not files:
        return None
    out = subprocess.run(
        [
            java(),
            "-Xmx512m",
            "-cp",
            kafka_classpath(),
            "org.apache.kafka.tools.DumpLogSegments",
            "--files",
            ",".join(str(f) for f in files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    stats = Batches()
    for m in _BATCH.finditer(out.stdout):
        if m.group(2) == "true":
            stats.control += 1
        else:
            stats.batches += 1
            stats.records += int(m.group(1))
    return stats
