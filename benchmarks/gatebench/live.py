"""Latency while the input is being produced: a system on fresh topics of its own, a few STOPs to
warm it up, then sends (and, for the load run, fresh STOPs among them) at a steady rate."""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from streams.models.contract import RecordName

from .common import Latency, cpu_of, first_string, percentile
from .inputs import InputTopics, Paced, contact_name, outbound, pick_channel, producer, stop_reply
from .outputs import Rec, Watcher
from .runner import Env
from .systems import Outputs, launch
from .topics import create

WARM = 20  # STOPs and INBOX sends before the clock starts
#: Where to keep each latency run's process logs (``--keep-logs``; None: deleted with the run).
KEEP_LOGS: Path | None = None


@dataclass
class LiveResult:
    name: str
    rate: float
    label: str = ""
    sends: int = 0
    sends_out: int = 0
    send_latency: Latency = field(default_factory=Latency)
    forward_latency: Latency = field(default_factory=Latency)
    suppress_latency: Latency = field(default_factory=Latency)
    optout_latency: Latency = field(default_factory=Latency)
    cpu_percent: float = float("nan")
    #: the harness's own CPU meanwhile (its producer and readers): it shares the machine
    harness_cpu_percent: float = float("nan")
    violations: int = 0  # CAMPAIGN sends produced after their contact's STOP, yet forwarded
    note: str = ""
    #: consent-gate's timeline of a send, each from its publication (CreateTime): the input
    #: acknowledged to the harness's producer (every input, sends and STOPs), the routed
    #: copy visible on the by-contact topic, the decision appended / visible (visible: a
    #: read_committed poll returned it, so its transaction had committed). The routed copy
    #: keeps the input's timestamp, so when it was appended is not known.
    stages: dict[str, Latency] = field(default_factory=dict)

    @property
    def visible_latency(self) -> Latency:
        return self.stages.get(STAGES[-1], Latency())


STAGES = ("input acked", "routed visible", "decision appended", "decision visible")


def run_live(
    env: Env,
    name: str,
    rate: float,
    seconds: float,
    *,
    stop_share: float = 0.0,
    contacts: int = 10_000,
    inbox_share: float = 0.07,
    label: str = "",
    slug_suffix: str = "",
) -> LiveResult:
    slug = f"live{name.replace('-', '')}{slug_suffix}"
    inputs = InputTopics.named(f"gb-{env.run_id}.{slug}.")
    create(env.bootstrap, inputs.all(), env.partitions)
    tmp = env.tmp / slug
    ln = launch(
        name,
        bootstrap=env.bootstrap,
        inputs=inputs,
        prefix=f"gb-{env.run_id}.{slug}.out.",
        app_id=f"gb-{env.run_id}-{slug}",
        tmp=tmp,
        partitions=env.partitions,
    )
    o = ln.outputs
    ln.create_topics(env.bootstrap, env.partitions)
    res = LiveResult(name, rate, label=label)
    watcher = Watcher(env.bootstrap, o.all())
    routed: Watcher | None = None  # consent-gate's by-contact topic, for the timeline
    rng = random.Random(7)
    p = producer(env.bootstrap, **{"linger.ms": 1})
    paced = Paced()
    optouts: dict[str, tuple[str, str]] = {}  # STOP event id -> (contact, channel)
    opted: set[tuple[str, str]] = set()
    must_suppress: set[str] = set()
    count = max(1, round(rate * seconds))

    def items() -> Iterator[tuple[str, str, bytes, bytes]]:
        n = 0
        while True:
            n += 1
            if stop_share and rng.random() < stop_share:
                contact, channel = contact_name(contacts + n), pick_channel(rng)
                eid = f"live-stop-{n}"
                optouts[eid] = (contact, channel)
                opted.add((contact, channel))
                value = stop_reply(env.contract, contact, channel, eid)
                yield eid, inputs.replies, contact.encode(), value
                continue
            if opted and rng.random() < 0.3:
                contact, channel = rng.choice(sorted(opted))
            else:
                contact, channel = contact_name(rng.randrange(contacts)), pick_channel(rng)
            origin = "INBOX" if rng.random() < inbox_share else "CAMPAIGN"
            mid = f"bench-{n}"  # the message id outbound() puts in the value
            if origin == "CAMPAIGN" and (contact, channel) in opted:
                must_suppress.add(mid)
            value = outbound(env.contract, rng, n, contact, channel, origin)
            res.sends += 1
            yield mid, inputs.requests, contact.encode(), value

    for proc in ln.procs:
        proc.start()
    pids = [proc.pid for proc in ln.procs]
    try:
        with env.console.status(f"latency run, {name}: warming up"):
            # STOPs and INBOX sends: the system has run every path, and the producer knows
            # both topics (a cold producer's first sends reach Kafka late, which consent-gate
            # measures and widens its grace for)
            warm_rng = random.Random(0)
            for k in range(WARM):
                contact = contact_name(contacts * 10 + k)
                p.produce(inputs.replies, stop_reply(env.contract, contact, "SMS", f"warm-{k}"),
                          contact.encode())  # fmt: skip
                send = outbound(env.contract, warm_rng, -1 - k, contact, "SMS", "INBOX")
                p.produce(inputs.requests, send, contact.encode())
            p.flush(30)
            deadline = time.monotonic() + env.timeout_s
            while not warm(watcher, o):
                watcher.poll(0.2)
                if time.monotonic() > deadline or not all(x.alive for x in ln.procs):
                    res.note = "did not start"
                    return res
            if name.startswith("consent-gate"):
                # one partition of the by-contact topic: its sends are a sample of every send
                routed = Watcher(env.bootstrap, [f"gb-{env.run_id}-{slug}-by-contact"], only=0)
                routed.poll(1.0)

        def poll(timeout_s: float) -> None:
            watcher.poll(timeout_s)
            if routed is not None:
                routed.poll(0.0)

        gen = items()
        done_topics = o.sends()
        before = watcher.count(*done_topics)  # the warm-up's
        ready = [next(gen) for _ in range(count)]  # encoded before the clock starts
        cpu0, own0, t0 = cpu_of(pids), time.process_time(), time.monotonic()
        with env.console.status(f"latency run, {name}: {count:,} records at {rate:,.0f}/s"):
            produce_s = paced.produce(p, iter(ready), rate, count, poll=poll)
        want = before + res.sends + (count - res.sends if o.kind == "copy" else 0)
        deadline = time.monotonic() + env.timeout_s
        while watcher.count(*done_topics) < want and time.monotonic() < deadline:
            poll(0.2)
        elapsed = time.monotonic() - t0
        res.cpu_percent = (cpu_of(pids) - cpu0) / elapsed * 100
        res.harness_cpu_percent = (time.process_time() - own0) / elapsed * 100
        if produce_s > seconds * 1.2:
            res.note = f"producer fell behind ({count / produce_s:,.0f}/s)"
    finally:
        for proc in ln.procs:
            proc.stop()
        watcher.close()
        if routed is not None:
            routed.close()
        for d in ln.state_dirs:
            shutil.rmtree(d, ignore_errors=True)
        if KEEP_LOGS is not None:
            shutil.copytree(tmp / "logs", KEEP_LOGS / slug, dirs_exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
    created = paced.created_ms
    timeline: list[tuple[int, float]] = []  # (published, latency) of each send
    for topic in o.sends():
        forwarded = topic != o.suppressed
        for r in watcher.records.get(topic, ()):
            ident = first_string(r.value)
            if ident not in created:
                continue
            res.sends_out += 1
            lat = r.ts - created[ident]
            res.send_latency.values.append(lat)
            timeline.append((created[ident], lat))
            if o.kind == "copy":
                continue
            (res.forward_latency if forwarded else res.suppress_latency).values.append(lat)
            if forwarded and ident in must_suppress:
                res.violations += 1
    if o.kind == "copy":
        res.sends_out = sum(1 for i in created if i.startswith("bench-"))
    if routed is not None:
        res.stages = timeline_of(created, paced.acked_ms, routed, watcher, o.sends())
    if len(timeline) >= 10:  # does it keep up? the latency early and late in the run
        timeline.sort()
        fifth = len(timeline) // 5
        early = sorted(lat for _, lat in timeline[:fifth])
        late = sorted(lat for _, lat in timeline[-fifth:])
        trend = (
            f"p50 {percentile(early, 0.5):,.0f} ms in the first fifth, "
            f"{percentile(late, 0.5):,.0f} ms in the last"
        )
        res.note = f"{res.note}; {trend}" if res.note else trend
        res.note += f"; the harness used {res.harness_cpu_percent:.0f}% of a core"
    for r in watcher.records.get(o.events, ()) if o.kind == "gate" else ():
        ev = env.contract.decode(RecordName.CONSENT_EVENT, r.value)
        trigger = ev["trigger_event_id"]
        if trigger in created:
            res.optout_latency.values.append(r.ts - created[trigger])
    return res


def warm(watcher: Watcher, o: Outputs) -> bool:
    """Every warm-up record is out."""
    if o.kind == "copy":
        return watcher.count(o.copy) >= 2 * WARM
    return watcher.count(o.events) >= WARM and watcher.count(*o.sends()) >= WARM


def timeline_of(
    created: dict[str, int],
    acked: list[int],
    routed: Watcher,
    out: Watcher,
    send_topics: list[str],
) -> dict[str, Latency]:
    """Where a send's time goes: each stage of :data:`STAGES`, from its publication (``acked``:
    every input's, already from its publication)."""
    stages = {name: Latency() for name in STAGES}
    stages["input acked"].values.extend(acked)
    copies: dict[str, Rec] = {}
    for r in routed.records.get(routed.topics[0], ()):
        try:
            copies[first_string(r.value)] = r
        except (UnicodeDecodeError, IndexError):  # a watermark or statistics delta
            continue
    for topic in send_topics:
        for r in out.records.get(topic, ()):
            ident = first_string(r.value)
            t0 = created.get(ident)
            copy = copies.get(ident)
            if t0 is None or copy is None:
                continue
            for name, t in zip(STAGES[1:], (copy.seen_ms, r.ts, r.seen_ms), strict=True):
                stages[name].values.append(t - t0)
    return stages
