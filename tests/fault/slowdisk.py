"""A slow disk under the workers' state directories: the fault run's ``--slow-disk MS``.

``slowdisk.c``, built here with the machine's C compiler and preloaded into each worker
(``LD_PRELOAD``), makes every write and sync of a regular file under one directory sleep first:
RocksDB's write-ahead log, its flushes and compactions. The gate writes RocksDB once a commit
(``StateStore.apply``), on its event loop, so a slow disk stalls the whole worker for that long:
heartbeats, fetches and commits wait with it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOURCE = Path(__file__).with_name("slowdisk.c")


def available() -> str | None:
    """Why a slow disk cannot be made here (None: it can)."""
    return None if shutil.which("gcc") else "a slow disk needs gcc (it builds an LD_PRELOAD shim)"


def build(where: Path) -> Path:
    """The shim, compiled into ``where``."""
    where.mkdir(parents=True, exist_ok=True)
    lib = where / "slowdisk.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O2", "-o", str(lib), str(SOURCE), "-ldl"],
        check=True,
        capture_output=True,
    )
    return lib


def environment(lib: Path, directory: Path, delay_ms: float) -> dict[str, str]:
    """What a worker's environment needs for every write and sync under ``directory`` to take
    ``delay_ms`` longer."""
    return {
        "LD_PRELOAD": str(lib),
        "CG_SLOW_DISK_DIR": str(directory.resolve()),
        "CG_SLOW_DISK_US": str(round(delay_ms * 1000)),
    }
