"""Sampling the consent-gate worker with py-spy (``pip install py-spy`` into .venv) while it
works through the backlog: where its time goes, as the top frames (own time and with callees).

py-spy runs with ``--idle``, so the samples are of wall-clock time: those whose innermost frame
is the event loop's wait (asyncio's ``select``, or uvloop under ``Runner.run``) are the worker
waiting (on the broker: fetches, produce acks, transaction commits), the others are it working
(or waiting for a CPU: the machine is shared)."""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .common import PROJECT_PYTHON


def py_spy() -> str | None:
    local = PROJECT_PYTHON.parent / "py-spy"
    if local.exists():
        return str(local)
    return shutil.which("py-spy")


@dataclass
class Profile:
    samples: int = 0
    waiting: int = 0  # samples in the event loop's select: the worker had nothing to do
    own: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    raw: Path | None = None


class Sampler:
    """``py-spy record --nonblocking -f raw`` on one process, until stopped."""

    def __init__(self, pid: int, out: Path, rate: int = 97) -> None:
        exe = py_spy()
        if exe is None:
            raise RuntimeError("py-spy not found: .venv/bin/pip install py-spy")
        self.out = out
        self.log = out.with_suffix(".log")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [exe, "record", "--nonblocking", "--idle", "-r", str(rate), "-f", "raw",
                 "-o", str(out), "-p", str(pid)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

    def stop(self) -> Profile:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return parse(self.out)


def _frame(text: str) -> str:
    # "function (path/to/file.py:123)" -> "function (file.py)"
    name, _, where = text.partition(" (")
    file = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({Path(file).name})" if file else name


#: Innermost frames of a thread waiting for the event loop to have something: asyncio's selector,
#: or uvloop's loop (C code under ``asyncio.Runner.run``).
_WAITING = ("EpollSelector.select", "select (selectors.py)", "Runner.run (runners.py)")

#: Frames every sample goes through (start-up, the command line, the event loop): left out of the
#: "total" ranking, which is about where the work is.
_PLUMBING = (
    "(<frozen ",
    "(runners.py)",
    "(base_events.py)",
    "(events.py)",
    "(core.py)",
    "(cli.py)",
    "(worker.py)",
    "(selectors.py)",
)


_UVLOOP = ("run (__init__.py)", "run.<locals>.wrapper (__init__.py)")


def interesting(frame: str) -> bool:
    return not (
        frame.endswith(_PLUMBING)
        or "(<frozen " in frame
        or frame.startswith("<module>")
        or frame in _UVLOOP
    )


def parse(raw: Path) -> Profile:
    prof = Profile(raw=raw)
    if not raw.exists():
        return prof
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";") if f and not f.startswith("process ")]
        frames = [f for f in frames if not f.startswith("thread ")]
        if not frames:
            continue
        prof.samples += n
        prof.own[frames[-1]] += n
        if frames[-1].startswith(_WAITING):
            prof.waiting += n
        for f in set(frames):
            if interesting(f):
                prof.total[f] += n
    return prof
