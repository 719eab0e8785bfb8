"""The worker killed at its failure points (``CG_TEST_CRASH_AT``: the process ends as with
``kill -9``, at a chosen place): after a transaction's records were sent but before it committed,
after it committed but before RocksDB was written, and in the middle of a restore. After a restart
every send comes out exactly once, every STOP is remembered, and a restore from the changelog
alone (state directory wiped) still remembers every STOP."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable

import pytest

from devtools.runner import WorkerProcess
from tests.integration.conftest import LiveGate, R, without_replies
from tests.waiting import eventually

CONTACTS = [f"x{i}" for i in range(240)]
STOPPERS = set(CONTACTS[::2])


def _start(gate: LiveGate, name: str, crash_at: str | None = None) -> WorkerProcess:
    env = {"CG_TEST_CRASH_AT": crash_at} if crash_at else {}
    log = gate.tmp / f"{name}.log"
    gate.worker = WorkerProcess(gate.s, log, extra_env=env).start()
    return gate.worker


def _died(proc: WorkerProcess, timeout_s: float = 90) -> None:
    assert proc.proc is not None
    eventually(lambda: not proc.alive, timeout_s, what="the worker reached its crash point")
    assert proc.proc.returncode == 137, proc.log()[-2000:]
    assert "test crash at" in proc.log()


def _outputs(gate: LiveGate) -> Counter[str]:
    raw = without_replies(gate.collector.all(gate.s.channel_topic("SMS")))
    ids = [gate.c.decode(R.OUTBOUND_MESSAGE, r.value)["message_id"] for r in raw]
    sup = gate.collector.all(gate.s.suppressed_topic)
    ids += [gate.c.decode(R.SUPPRESSED_MESSAGE, r.value)["message_id"] for r in sup]
    return Counter(ids)


def _sends(gate: LiveGate, n_each: int) -> list[str]:
    sends = [gate.send(c, "SMS") for _ in range(n_each) for c in CONTACTS]
    gate.produce(*sends)
    return [gate.c.decode(R.OUTBOUND_MESSAGE, p.value)["message_id"] for p in sends]


def _check_exactly_once(gate: LiveGate, sent: list[str]) -> None:
    gate.wait(lambda g: set(_outputs(g)) >= set(sent), timeout_s=120, settle_s=2)
    counts = _outputs(gate)
    assert {i: n for i, n in counts.items() if n > 1} == {}
    forwarded = [
        gate.c.decode(R.OUTBOUND_MESSAGE, r.value)
        for r in without_replies(gate.collector.all(gate.s.channel_topic("SMS")))
    ]
    assert not [m for m in forwarded if m["contact_id"] in STOPPERS]
    events = [
        gate.c.decode(R.CONSENT_EVENT, r.value) for r in gate.collector.all(gate.s.events_topic)
    ]
    assert sorted(e["contact_id"] for e in events) == sorted(STOPPERS)  # once each


@pytest.mark.parametrize("point", ["produced:4", "committed:4"])
def test_killed_between_produce_and_commit_or_commit_and_rocksdb(
    make_gate: Callable[..., LiveGate], point: str
) -> None:
    gate = make_gate()
    crashing = _start(gate, "crashing", point)
    gate.produce(*(gate.reply(c, "SMS", "STOP") for c in sorted(STOPPERS)))
    sent = _sends(gate, 2)
    _died(crashing)
    _start(gate, "after")
    _check_exactly_once(gate, sent)

    # The changelog alone (state wiped) still remembers every STOP.
    gate.stop_worker()
    shutil.rmtree(gate.s.data_dir)
    _start(gate, "restored")
    sent += _sends(gate, 1)
    _check_exactly_once(gate, sent)


def test_killed_in_the_middle_of_a_restore(make_gate: Callable[..., LiveGate]) -> None:
    gate = make_gate(partitions=2)
    _start(gate, "first")
    gate.produce(*(gate.reply(c, "SMS", "STOP") for c in sorted(STOPPERS)))
    sent = _sends(gate, 1)
    _check_exactly_once(gate, sent)
    gate.stop_worker()
    shutil.rmtree(gate.s.data_dir)
    crashing = _start(gate, "crashing", "restoring:1")
    _died(crashing)
    _start(gate, "after")
    sent += _sends(gate, 1)
    _check_exactly_once(gate, sent)
