"""The memory/restore run: a consent table of many entries written straight into a worker's
changelog topic, then a worker started with an empty state directory restores it.

The changelog records are what the worker itself writes (streams/state/store.py,
streams/kafka/engine.py ``_restore``): key ``CHANNEL/contact_id``, value a single-object Avro
``ConsentState`` (``Contract().encode(RecordName.CONSENT_STATE, ...)``), in the partition of the
contact (``streams.core.partitioner.partition_for``), so each lands where the gate would look.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import dataclass

from devtools.runner import WorkerProcess
from streams.core.consent import ConsentState, state_record
from streams.core.partitioner import partition_for
from streams.models.contract import RecordName

from .common import CHANNELS, cpu_of, proc_status_bytes
from .inputs import InputTopics, producer
from .runner import Env
from .systems import Outputs, gate_settings
from .topics import OUTPUT_CONFIG, create

_ID = "e{:011d}"  # fixed length, so one encoded template serves every entry


@dataclass
class RestoreResult:
    entries: int
    produce_s: float = 0.0
    restored: int = 0
    restore_s: float = 0.0
    start_to_ready_s: float = float("nan")
    cpu_s: float = float("nan")
    hwm_bytes: int = 0
    rss_bytes: int = 0
    state_bytes: int = 0
    exit_code: int | None = None
    note: str = ""


def state_value_maker(env: Env) -> tuple[bytes, bytes]:
    """(before, after) the event id in an encoded ConsentState: value = before + id + after."""
    marker = _ID.format(0).replace("0", "Z")
    state = ConsentState(
        subscribed=False,
        changed_at_ms=1_767_225_600_000,
        source="KEYWORD",
        event_id=marker,
        raw_text="STOP",
        changes=1,
    )
    encoded = env.contract.encode(RecordName.CONSENT_STATE, state_record(state))
    pos = encoded.index(marker.encode())
    return encoded[:pos], encoded[pos + len(marker) :]


def produce_changelog(env: Env, topic: str, entries: int, partitions: int) -> float:
    before, after = state_value_maker(env)
    # the template gives what Contract().encode gives
    for n in (0, 1, entries - 1):
        state = ConsentState(
            subscribed=False,
            changed_at_ms=1_767_225_600_000,
            source="KEYWORD",
            event_id=_ID.format(n),
            raw_text="STOP",
            changes=1,
        )
        assert before + _ID.format(n).encode() + after == env.contract.encode(
            RecordName.CONSENT_STATE, state_record(state)
        )
    p = producer(env.bootstrap, **{"linger.ms": 20, "compression.type": "none"})
    t0 = time.monotonic()
    n = 0
    contact = 0
    with env.console.status(f"producing {entries:,} changelog records") as status:
        while n < entries:
            name = f"contact-{contact:09d}"
            part = partition_for(name, partitions)
            contact += 1
            for channel in CHANNELS:
                if n >= entries:
                    break
                value = before + _ID.format(n).encode() + after
                while True:
                    try:
                        p.produce(topic, value, f"{channel}/{name}".encode(), partition=part)
                        break
                    except BufferError:
                        p.poll(0.05)
                n += 1
            if contact % 50_000 == 0:
                p.poll(0)
                status.update(f"producing {entries:,} changelog records: {n:,}")
        left = p.flush(300)
    if left:
        raise RuntimeError(f"{left} changelog records not delivered")
    return time.monotonic() - t0


_ASSIGNED = re.compile(r"event=partitions\.assigned .*?gate=(\d+).*?restore_s=([\d.]+)")
_RESTORED = re.compile(r"event=state\.restored .*?records=(\d+)")


def run_restore(env: Env, entries: int) -> RestoreResult:
    res = RestoreResult(entries)
    slug = "restore"
    inputs = InputTopics.named(f"gb-{env.run_id}.{slug}.")
    outputs = Outputs(f"gb-{env.run_id}.{slug}.out.", "gate")
    data_dir = env.tmp / slug / "state"
    s = gate_settings(
        env.bootstrap, inputs, outputs, f"gb-{env.run_id}-{slug}", data_dir, env.partitions
    )
    create(env.bootstrap, inputs.all(), env.partitions)
    create(env.bootstrap, outputs.created(), env.partitions, OUTPUT_CONFIG)
    create(env.bootstrap, [s.changelog_topic], env.partitions, {"cleanup.policy": "compact"})
    res.produce_s = produce_changelog(env, s.changelog_topic, entries, env.partitions)
    worker = WorkerProcess(s, env.tmp / slug / "worker.log").start()
    assert worker.proc is not None
    pid = worker.proc.pid
    t0 = time.monotonic()
    try:
        with env.console.status(f"worker restoring {entries:,} entries"):
            while worker.alive and time.monotonic() - t0 < max(env.timeout_s, 1800):
                log = worker.log()
                m = _ASSIGNED.search(log)
                if m and int(m.group(1)) > 0:
                    res.start_to_ready_s = time.monotonic() - t0
                    res.restore_s = float(m.group(2))
                    r = _RESTORED.search(log)
                    res.restored = int(r.group(1)) if r else 0
                    break
                time.sleep(0.2)
            else:
                res.note = "the worker did not finish restoring (see its log)"
        res.cpu_s = cpu_of([pid])
        res.hwm_bytes = proc_status_bytes(pid, "VmHWM") or 0
        res.rss_bytes = proc_status_bytes(pid, "VmRSS") or 0
        res.state_bytes = sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file())
    finally:
        res.exit_code = worker.stop(120)
        shutil.rmtree(env.tmp / slug, ignore_errors=True)
    return res
