"""Several workers in one group: scaling out and in, and a worker killed, under load. Every send
must come out exactly once (forwarded or suppressed), and no campaign reaches a contact who said
STOP before it. Outputs are counted raw (read_committed), not de-duplicated."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

from devtools.runner import WorkerProcess
from tests.integration.conftest import LiveGate, R, without_replies

CONTACTS = [f"w{i}" for i in range(300)]
STOPPERS = set(CONTACTS[::3])


class Workers:
    def __init__(self, gate: LiveGate) -> None:
        self.gate = gate
        self.procs: dict[str, WorkerProcess] = {}
        self.sent: list[str] = []
        self.rng = random.Random(7)

    def start(self, name: str) -> None:
        settings = self.gate.s.model_copy(
            update={"worker_id": name, "data_dir": self.gate.tmp / name}
        )
        self.procs[name] = WorkerProcess(settings, self.gate.tmp / f"{name}.log").start()

    def sends(self, n: int) -> None:
        batch = [self.gate.send(self.rng.choice(CONTACTS), "SMS") for _ in range(n)]
        self.sent += [self.gate.c.decode(R.OUTBOUND_MESSAGE, p.value)["message_id"] for p in batch]
        self.gate.produce(*batch)

    def outputs(self) -> Counter[str]:
        g = self.gate
        raw_sms = without_replies(g.collector.all(g.s.channel_topic("SMS")))
        ids = [g.c.decode(R.OUTBOUND_MESSAGE, r.value)["message_id"] for r in raw_sms]
        ids += [
            g.c.decode(R.SUPPRESSED_MESSAGE, r.value)["message_id"]
            for r in g.collector.all(g.s.suppressed_topic)
        ]
        return Counter(ids)

    def check(self) -> None:
        g = self.gate
        g.wait(lambda _: set(self.outputs()) >= set(self.sent), timeout_s=180, settle_s=3)
        counts = self.outputs()
        assert set(counts) == set(self.sent)
        duplicates = {i: n for i, n in counts.items() if n > 1}
        assert not duplicates, f"{len(duplicates)} sends came out more than once"
        forwarded = [
            g.c.decode(R.OUTBOUND_MESSAGE, r.value)
            for r in without_replies(g.collector.all(g.s.channel_topic("SMS")))
        ]
        assert not [m for m in forwarded if m["contact_id"] in STOPPERS]
        for p in self.procs.values():
            p.stop()

    def wait_for_outputs(self, n: int) -> None:
        """Until ``n`` sends came out: the workers are busy, not still starting."""
        self.gate.wait(lambda _: sum(self.outputs().values()) >= n, timeout_s=120)

    def opt_out(self) -> None:
        self.gate.produce(*(self.gate.reply(c, "SMS", "STOP") for c in sorted(STOPPERS)))


def test_scaling_out_to_three_and_back_in_gives_each_send_exactly_once(
    make_gate: Callable[..., LiveGate],
) -> None:
    w = Workers(make_gate(partitions=6))
    w.start("a")
    w.opt_out()
    w.sends(400)
    w.wait_for_outputs(100)
    w.start("b")
    w.sends(400)
    w.start("c")
    w.sends(400)
    w.procs["b"].stop()  # graceful: commits, leaves the group, partitions move
    w.sends(400)
    w.procs["a"].stop()
    w.sends(400)
    w.start("a")
    w.sends(400)
    w.check()


def test_a_worker_killed_under_load_loses_and_repeats_nothing(
    make_gate: Callable[..., LiveGate],
) -> None:
    w = Workers(make_gate(partitions=6))
    w.start("a")
    w.start("b")
    w.opt_out()
    for _ in range(3):
        w.sends(3000)
        w.wait_for_outputs(len(w.sent) - 2500)
        w.procs["a"].kill()  # mid-stream: between a produce and its commit, most likely
        w.sends(300)
        w.start("a")
    w.sends(300)
    w.check()
