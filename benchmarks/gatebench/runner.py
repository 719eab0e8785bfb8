"""One system over the shared, pre-produced input: start it, watch its outputs until every input
has come out, measure, stop it, check what it wrote."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from streams.models.contract import Contract

from .common import broker_pid, cpu_of, proc_cpu_s, proc_status_bytes
from .dumplog import Batches, batch_stats
from .inputs import InputTopics, Workload
from .outputs import Check, Watcher, check_copy, check_gate
from .profile import Profile, Sampler
from .systems import Launch, launch


@dataclass
class Result:
    name: str
    inputs: int
    completed: bool = False
    error: str = ""
    start_to_first_output_s: float = float("nan")
    span_s: float = float("nan")  # first output -> last output (LogAppendTime)
    start_to_last_output_s: float = float("nan")
    cpu_s: float = float("nan")  # the system's processes, first output -> done
    cpu_total_s: float = float("nan")  # the system's processes, start -> done
    broker_cpu_s: float = float("nan")  # the broker, first output -> done
    hwm_bytes: list[int] = field(default_factory=list)  # VmHWM per process
    exit_codes: list[int | None] = field(default_factory=list)
    batches: Batches | None = None
    check: Check | None = None
    log_tail: str = ""
    profile: Profile | None = None

    @property
    def records_per_s(self) -> float:
        return self.inputs / self.span_s if self.span_s > 0 else float("nan")

    @property
    def cpu_us_per_record(self) -> float:
        return self.cpu_s / self.inputs * 1e6

    @property
    def broker_us_per_record(self) -> float:
        return self.broker_cpu_s / self.inputs * 1e6

    @property
    def peak_rss(self) -> int:
        return max(self.hwm_bytes) if self.hwm_bytes else 0


@dataclass
class Env:
    """What every run shares."""

    bootstrap: str
    run_id: str
    tmp: Path
    partitions: int
    broker_data_dir: Path | None
    contract: Contract
    console: Console
    timeout_s: float


def expected_done(launch_: Launch, w: Workload, watcher: Watcher) -> bool:
    o = launch_.outputs
    if o.kind == "copy":
        return watcher.count(o.copy) >= w.total
    return watcher.count(*o.sends()) >= len(w.sends) and watcher.count(o.events) >= len(w.stops)


def run_backlog(
    env: Env,
    name: str,
    inputs: InputTopics,
    w: Workload,
    *,
    profile: Path | None = None,
    slug_suffix: str = "",
) -> Result:
    """Run system ``name`` over the input already in ``inputs`` (``profile``: sample its first
    process with py-spy into that file; the result then has ``profile`` set)."""
    slug = name.replace("-", "") + slug_suffix
    tmp = env.tmp / slug
    ln = launch(
        name,
        bootstrap=env.bootstrap,
        inputs=inputs,
        prefix=f"gb-{env.run_id}.{slug}.",
        app_id=f"gb-{env.run_id}-{slug}",
        tmp=tmp,
        partitions=env.partitions,
    )
    res = Result(name, w.total)
    ln.create_topics(env.bootstrap, env.partitions)
    watcher = Watcher(env.bootstrap, ln.outputs.all())
    bpid = broker_pid(env.broker_data_dir)
    t_spawn = time.time()
    for p in ln.procs:
        p.start()
    pids = [p.pid for p in ln.procs]
    sampler: Sampler | None = None
    cpu_first = broker_first = 0.0
    deadline = time.monotonic() + env.timeout_s
    last_progress = time.monotonic()
    try:
        with env.console.status(f"{name}: starting") as status:
            while True:
                n = watcher.poll(0.2)
                if n and cpu_first == 0.0:
                    if profile is not None:  # from the first output on: not the start-up
                        sampler = Sampler(pids[0], profile)
                    cpu_first = cpu_of(pids)
                    broker_first = (proc_cpu_s(bpid) or 0.0) if bpid else 0.0
                if expected_done(ln, w, watcher):
                    res.completed = True
                    break
                if not all(p.alive for p in ln.procs):
                    res.error = "a process exited early"
                    break
                if time.monotonic() > deadline:
                    res.error = f"timed out after {env.timeout_s:.0f} s"
                    break
                if time.monotonic() - last_progress > 0.5:
                    out = watcher.count(*ln.outputs.all())
                    status.update(f"{name}: {out:,} outputs")
                    last_progress = time.monotonic()
            res.cpu_total_s = cpu_of(pids)
            res.cpu_s = res.cpu_total_s - cpu_first
            if bpid and cpu_first:  # no output: no window to measure
                res.broker_cpu_s = (proc_cpu_s(bpid) or 0.0) - broker_first
            res.hwm_bytes = [proc_status_bytes(pid, "VmHWM") or 0 for pid in pids]
            settle = time.monotonic() + 1.0  # catch duplicates
            while time.monotonic() < settle:
                watcher.poll(0.2)
    finally:
        if sampler is not None:
            res.profile = sampler.stop()
        res.exit_codes = [p.stop() for p in ln.procs]
        res.log_tail = "\n".join(p.tail() for p in ln.procs)
        watcher.close()
        for d in ln.state_dirs:
            shutil.rmtree(d, ignore_errors=True)
    stamps = [r.ts for r in watcher.all()]
    if stamps:
        res.span_s = (max(stamps) - min(stamps)) / 1000
        res.start_to_first_output_s = min(stamps) / 1000 - t_spawn
        res.start_to_last_output_s = max(stamps) / 1000 - t_spawn
    o = ln.outputs
    if o.kind == "copy":
        res.check = check_copy(w, o.copy, watcher)
    else:
        res.check = check_gate(
            w, env.contract, o.channel_topics, o.suppressed, o.events, o.deadletter, watcher
        )
    if res.error:
        res.check.problems.insert(0, res.error)
    res.batches = batch_stats(
        env.broker_data_dir, o.sends() + ([o.events] if o.kind == "gate" else [])
    )
    return res
