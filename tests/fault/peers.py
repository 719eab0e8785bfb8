"""Peers in the fault run: the Faust gate of the benchmark driven through the same faults.

``python -m tests.fault.run --system faust|faust-eos`` runs N processes of
``benchmarks/gatebench/faust_gate.py`` (faust-streaming, agents and a RocksDB table, in
``benchmarks/.venv-faust``) instead of consent-gate's workers: the same input topics and inputs,
the same faults (kill -9 and restart, SIGSTOP / SIGCONT, the STOP -> CAMPAIGN races from a second
client), its outputs on the run's output topics (no consent-gate worker runs beside it), read
``read_committed`` and decoded with Apache avro by the same checker. What differs, and how it is
counted instead (each run's report repeats it in its ``note:`` lines):

* **The expected outcome** is a replay of the inputs in event-time order per contact (as
  consent-gate's) by *the Faust gate's rules* (``benchmarks/gatebench/peer_gate.py``, written here
  again, not imported): it reads replies and sends only; a reply that is exactly an English
  opt-out keyword (``streams.core.keywords``, ``KeywordPolicy(("en",))``) opts its channel out,
  once, with one ConsentEvent whose id is ``<reply event id>/<channel>/OPTED_OUT``; nothing opts
  back in; clicks, commands and records it cannot read give no output (no dead letters, no
  replies of its own); a reply written to the requests topic is read as a reply (it routes by
  schema, not by topic); a send to an unknown channel is dropped.
* **Forwarded copies** are compared by key and value: the Faust gate forwards no headers, counted
  apart ("headers dropped").
* **The table** is the Faust table's changelog (``<app>-consent-changelog``, JSON per contact):
  the opted-out (contact, channel) pairs and the reply that opted each out, against the replay.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from streams.core.keywords import Intent, KeywordPolicy
from streams.settings import Settings
from tests.fault.harness import (
    ByFault,
    Input,
    Outputs,
    Report,
    Worker,
    check,
    create_topics,
    read_all,
    topic_exists,
)
from tests.harness_common import REPO, AvroCodec, AvroError, Rec

FAUST_PYTHON = REPO / "benchmarks" / ".venv-faust" / "bin" / "python"
FAUST_GATE = REPO / "benchmarks" / "gatebench" / "faust_gate.py"
#: --system: consent-gate's own workers, or the Faust gate in either processing guarantee.
SYSTEMS = ("consent-gate", "faust", "faust-eos")
#: FaustTable: (contact, channel) -> the reply that opted it out.
FaustTable = dict[tuple[str, str], Input]


class FaustWorker(Worker):
    """One Faust gate process (``faust_gate.py``), with its own state directory."""

    def __init__(self, name: str, argv: list[str], settings: Settings, log: Path, cwd: Path):
        super().__init__(name, settings, log, cwd)
        self.argv = argv

    def command(self) -> list[str]:
        return self.argv

    def start(self) -> None:
        Path(self.settings.data_dir).mkdir(parents=True, exist_ok=True)  # Faust makes one level
        super().start()

    def environment(self) -> dict[str, str]:
        env = super().environment()
        env.pop("PYTHONPATH", None)  # its own virtualenv; faust_gate.py finds benchmarks/
        return env


@dataclass
class FaustPeer:
    """The Faust gate as a peer of the fault run (``harness.Peer``)."""

    guarantee: str = "at_least_once"  # or exactly_once
    python: Path = FAUST_PYTHON
    warm_up_s: float = 180.0  # two Faust workers join, rebalance and create topics slowly
    headers_dropped: int = 0

    @property
    def name(self) -> str:
        return f"faust ({self.guarantee}, benchmarks/gatebench/faust_gate.py)"

    @staticmethod
    def by_contact_topic(settings: Settings) -> str:
        return f"{settings.app_id}-by-contact"

    @staticmethod
    def changelog_topic(settings: Settings) -> str:
        return f"{settings.app_id}-consent-changelog"

    def argv(self, settings: Settings, state_dir: Path) -> list[str]:
        return [
            str(self.python), str(FAUST_GATE),
            "--bootstrap", settings.bootstrap_servers,
            "--group", settings.app_id,
            "--state-dir", str(state_dir),
            "--replies", settings.replies_topic,
            "--requests", settings.requests_topic,
            *(f"--channel={c}={t}" for c, t in settings.channel_topics.items()),
            "--suppressed", settings.suppressed_topic,
            "--events", settings.events_topic,
            "--partitions", str(settings.partitions),
            "--guarantee", self.guarantee,
            "--session-timeout", str(settings.session_timeout_s),
        ]  # fmt: skip

    def prepare(self, settings: Settings, replication: int) -> None:
        # Faust does not create the topic an agent sends to (the broker would, with 1 partition).
        create_topics(
            settings.bootstrap_servers,
            {self.by_contact_topic(settings): settings.partitions},
            replication=replication,
        )

    def make_workers(self, base: Settings, n: int, work: Path) -> list[Worker]:
        workers: list[Worker] = []
        for i in range(n):
            state = work / "state" / f"w{i}"
            settings = base.model_copy(update={"worker_id": f"w{i}", "data_dir": state})
            log = work / "logs" / f"w{i}.log"
            workers.append(FaustWorker(f"w{i}", self.argv(base, state), settings, log, work))
        return workers

    def replay(self, inputs: Sequence[Input], settings: Settings, codec: AvroCodec) -> FaustTable:
        return faust_replay(inputs, settings.channels, codec)

    def check(
        self,
        inputs: Sequence[Input],
        outputs: Outputs,
        table: Any,
        settings: Settings,
        codec: AvroCodec,
        late: Set[tuple[str, int, int]],
        windows: Sequence[Mapping[str, Any]],
    ) -> Report:
        self.headers_dropped = strip_headers(inputs, outputs)
        rep = check(inputs, outputs, {}, None, settings, codec, late=late, windows=windows)
        changelog: list[Rec] | None = None
        topic = self.changelog_topic(settings)
        if topic_exists(settings.bootstrap_servers, topic):
            changelog = read_all(settings.bootstrap_servers, [topic])
        if changelog is not None:
            mismatches, live, examples = compare_table(table, faust_table(changelog))
            rep.table = {
                "expected keys": len(table),
                "changelog keys": live,
                "mismatches": len(mismatches),
            }
            by_fault = ByFault(windows)
            for ts in mismatches:
                by_fault.add(ts, "table mismatches")
            merge_table_mismatches(rep.by_fault, by_fault.result())
            if examples:
                rep.examples["table"] = examples
        rep.notes = self.notes(rep)
        return rep

    def notes(self, rep: Report) -> list[str]:
        return [
            f"system: the Faust gate, processing_guarantee={self.guarantee}, one process per "
            "worker (benchmarks/gatebench/faust_gate.py, faust-streaming with a RocksDB table)",
            "expected outcome: the Faust gate's rules replayed in event-time order per contact: "
            "only replies that are exactly an English opt-out keyword opt out (clicks and commands "
            "are not read, nothing opts back in, no dead letters); see tests/fault/peers.py",
            "STOP -> CAMPAIGN races: the STOPs are replies, clicks and commands in turn; only the "
            "replies (one in three) are opt-outs the Faust gate reads, the rest expect forwarding",
            f"forwarded copies compared by key and value: the Faust gate forwards no headers "
            f"({self.headers_dropped:,} forwarded records lost theirs; not counted as altered)",
            "table: the Faust table's changelog (JSON per contact) against the replay: each "
            "opted-out (contact, channel) and the reply that opted it out",
        ]


def faust_replay(inputs: Sequence[Input], channels: Iterable[str], codec: AvroCodec) -> FaustTable:
    """Each input's expected outcome by the Faust gate's rules (module docstring), in event-time
    order per contact (ties as consent-gate's replay); the expected table."""
    policy = KeywordPolicy(("en",))
    known = set(channels)
    reply_v, send_v = codec.current["inbound_reply"], codec.current["outbound_message"]
    by_contact: dict[str, list[Input]] = defaultdict(list)
    for inp in inputs:
        inp.expect, inp.error, inp.reason = "none", None, None
        inp.event_type = inp.event_id = inp.state_by = None
        inp.contact = inp.channel = None
        if inp.kind not in ("reply", "request"):
            continue  # clicks and commands: not read
        try:
            version, record = codec.decode_versioned(inp.rec.value)
        except AvroError:
            continue  # route: neither a send nor a reply
        if version is reply_v:
            inp.kind, inp.ident = "reply", record["event_id"]  # also on the requests topic
        elif version is send_v:
            inp.ident = record["message_id"]
            if record["channel"] not in known:
                inp.error = "UNKNOWN_CHANNEL"  # dropped (check() looks at sends without error)
                continue
            inp.origin = record["origin"]
        else:
            continue
        inp.record = record
        inp.contact, inp.channel = record["contact_id"], record["channel"]
        by_contact[record["contact_id"]].append(inp)
    table: FaustTable = {}
    for contact, items in by_contact.items():
        items.sort(key=Input.order_key)
        for inp in items:
            assert inp.record is not None and inp.channel is not None
            key = (contact, inp.channel)
            by = table.get(key)
            if inp.kind == "request":
                if by is None or inp.origin == "INBOX":
                    inp.expect = "forward"
                else:
                    inp.expect, inp.reason, inp.state_by = "suppress", "OPTED_OUT", by
                continue
            match = policy.classify(inp.record["text"])
            if match.intent is not Intent.OPT_OUT or not match.exact or by is not None:
                continue  # not an opt-out the gate acts on, or a repeated one
            table[key] = inp
            inp.expect, inp.event_type = "event", "OPTED_OUT"
            inp.event_id = f"{inp.ident}/{inp.channel}/OPTED_OUT"
    return table


def strip_headers(inputs: Sequence[Input], outputs: Outputs) -> int:
    """Forwarded records that lost their input's headers; then compare without headers (the
    inputs' records lose theirs here, so ``check`` compares key and value)."""
    by_id = {i.ident: i for i in inputs if i.kind == "request" and i.ident is not None}
    dropped = 0
    for message_id, recs in outputs.forwarded.items():
        inp = by_id.get(message_id)
        if inp is not None:
            dropped += sum(1 for r in recs if r.headers != inp.rec.headers)
    for inp in inputs:
        if inp.rec.headers:
            inp.rec = replace(inp.rec, headers=())
    return dropped


def faust_table(changelog: Iterable[Rec]) -> dict[tuple[str, str], dict[str, Any] | None]:
    """(contact, channel) -> the entry the Faust table holds last (None: undecodable), from its
    changelog: key the contact id (raw), value JSON ``{channel: entry}`` or a tombstone."""
    per_contact: dict[str, Any] = {}
    for rec in changelog:
        if rec.key is None:
            continue
        contact = rec.key.decode("utf-8", "replace")
        if rec.value is None:
            per_contact[contact] = {}
            continue
        try:
            per_contact[contact] = json.loads(rec.value)
        except ValueError:
            per_contact[contact] = None
    out: dict[tuple[str, str], dict[str, Any] | None] = {}
    for contact, entries in per_contact.items():
        if not isinstance(entries, dict):
            out[(contact, "?")] = None
            continue
        for channel, entry in entries.items():
            out[(contact, channel)] = entry if isinstance(entry, dict) else None
    return out


def compare_table(
    expected: FaustTable, actual: Mapping[tuple[str, str], dict[str, Any] | None], examples: int = 5
) -> tuple[list[int], int, list[str]]:
    """(the time of each mismatching key: its reply's, or 0; keys opted out in the table;
    examples). A key matches when both opted it out with the same reply."""
    live = {k: v for k, v in actual.items() if v is None or v.get("subscribed") is False}
    times: list[int] = []
    notes: list[str] = []
    for key in sorted(set(live) | set(expected)):
        want, got = expected.get(key), live.get(key)
        if want is not None and got is not None and got.get("event_id") == want.ident:
            continue
        times.append(want.rec.timestamp_ms if want is not None else 0)
        if len(notes) < examples:
            wanted = f"opted out by {want.ident}" if want is not None else "not opted out"
            notes.append(f"{key[1]}/{key[0]}: changelog {got} vs replay {wanted}")
    return times, len(live), notes


def merge_table_mismatches(
    into: dict[str, dict[str, Any]], extra: Mapping[str, Mapping[str, Any]]
) -> None:
    """Add the table mismatches of ``extra`` (ByFault.result()) to ``into``'s rows."""
    for kind, row in extra.items():
        n = int(row["table mismatches"])
        if kind in into:
            into[kind]["table mismatches"] += n
        elif n:
            into[kind] = dict(row)


def peer(system: str) -> FaustPeer | None:
    """The peer ``--system`` names (None: consent-gate's own workers)."""
    if system == "consent-gate":
        return None
    if system in ("faust", "faust-eos"):
        return FaustPeer("exactly_once" if system == "faust-eos" else "at_least_once")
    raise ValueError(f"unknown system {system!r}; known: {', '.join(SYSTEMS)}")
