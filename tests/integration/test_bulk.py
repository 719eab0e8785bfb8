"""The bulk tools on the real broker, run as the `consent-gate` command: import (then a worker
applies it), segment export from the changelog (CSV and Parquet), dead-letter replay. Records
are produced by the tools or aiokafka and read back with Apache avro."""

from __future__ import annotations

import asyncio
import csv
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from devtools.runner import Collector, Produce, settings_env
from streams.models import builders as b
from streams.settings import Settings
from streams.tools.importer import command_id
from tests.harness_common import AvroCodec
from tests.integration.conftest import LiveGate

APACHE = AvroCodec()

GOOD_AND_BAD = """contact,channel,when,source,reason,evidence
alice,SMS,2024-03-01T12:00:00Z,sms-stop,,ticket-1
bob,email,1709294400000,complaint,too many,
,SMS,2024-03-01T12:00:00Z,x,,
carol,FAX,2024-03-01T12:00:00Z,x,,
dave,SMS,yesterday,x,,
erin,SMS,2024-03-01T12:00:00Z,x,,,surplus
frank,WHATSAPP,2024-03-01T13:00:00+01:00,,,
"""


def cli(settings: Settings, *args: str, **overrides: Any) -> subprocess.CompletedProcess[str]:
    s = settings.model_copy(update=overrides) if overrides else settings
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env={**os.environ, **settings_env(s)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_commands(gate: LiveGate, n: int) -> list[dict[str, Any]]:
    collector = Collector(gate.s.bootstrap_servers, [gate.s.commands_topic])

    async def run() -> bool:
        await collector.start()
        try:
            return await collector.wait_for(
                lambda c: c.count(gate.s.commands_topic) >= n, 30, settle_s=1.0
            )
        finally:
            await collector.stop()

    assert asyncio.run(run())
    return [APACHE.decode(r.value, "consent_command") for r in collector.all(gate.s.commands_topic)]


def test_import_publishes_opt_outs_and_rejects_bad_rows(
    make_gate: Callable[..., LiveGate], tmp_path: Path
) -> None:
    gate = make_gate()
    path = tmp_path / "list.csv"
    path.write_text(GOOD_AND_BAD, encoding="utf-8")
    done = cli(gate.s, "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "read 7 rows, published 3 opt-out commands, rejected 4" in done.stdout

    got = {c["contact_id"]: c for c in read_commands(gate, 3)}
    assert set(got) == {"alice", "bob", "frank"}
    for c in got.values():
        assert (c["action"], c["source"]) == ("OPT_OUT", "IMPORT")
        assert c["issued_at_ms"] == 1_709_294_400_000
        assert c["command_id"] == command_id(c["contact_id"], c["channel"], c["issued_at_ms"])
    assert got["bob"]["channel"] == "EMAIL" and got["bob"]["reason"] == "too many"
    assert got["alice"]["proof"]["method"] == "sms-stop"
    assert got["alice"]["proof"]["evidence"] == "ticket-1"
    assert got["bob"]["proof"]["evidence"] == "list.csv:3"

    with path.with_suffix(".rejected.csv").open(encoding="utf-8", newline="") as f:
        rejected = list(csv.DictReader(f))
    assert [(r["line"], r["reason"].split(":")[0]) for r in rejected] == [
        ("4", "INVALID_FIELD"),
        ("5", "UNKNOWN_CHANNEL"),
        ("6", "BAD_TIME"),
        ("7", "FIELD_COUNT"),
    ]
    lines = GOOD_AND_BAD.splitlines()
    assert [r["original"] for r in rejected] == lines[3:7]

    # Importing the same list again publishes the very same commands (same ids).
    again = cli(gate.s, "import", str(path))
    assert again.returncode == 0, again.stderr
    ids = [c["command_id"] for c in read_commands(gate, 6)]
    assert len(ids) == 6 and len(set(ids)) == 3


def test_import_refuses_a_file_without_the_required_columns(
    make_gate: Callable[..., LiveGate], tmp_path: Path
) -> None:
    gate = make_gate()
    path = tmp_path / "bad.csv"
    path.write_text("contact,chanel,when\nalice,SMS,1709294400000\n", encoding="utf-8")
    done = cli(gate.s, "import", str(path))
    assert done.returncode == 2
    assert "unknown column 'chanel'" in done.stderr


def segment(
    gate: LiveGate, tmp_path: Path, status: str, fmt: str
) -> tuple[list[dict[str, Any]], str]:
    out = tmp_path / f"segment-{status}.{fmt}"
    args = ["--channel", "sms", "--status", status, "--format", fmt, "--output", str(out)]
    done = cli(gate.s, "export", "segment", *args)
    assert done.returncode == 0, done.stderr
    if fmt == "parquet":
        return pq.read_table(out).to_pylist(), done.stderr
    with out.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f)), done.stderr


def test_imported_opt_outs_hold_at_the_gate_and_export_from_the_changelog(
    make_gate: Callable[..., LiveGate], tmp_path: Path
) -> None:
    gate = make_gate()
    contacts = [f"imp-{i}" for i in range(20)]
    path = tmp_path / "list.csv"
    path.write_text(
        "contact,channel,when\n" + "".join(f"{c},SMS,1709294400000\n" for c in contacts),
        encoding="utf-8",
    )
    done = cli(gate.s, "import", str(path))
    assert done.returncode == 0, done.stderr
    proof = b.consent_proof()
    gate.produce(
        # an import cannot lift an opt-out, even with proof ...
        gate.command("imp-0", "SMS", "OPT_IN", source="IMPORT", proof=proof),
        # ... an explicit opt-in with proof does
        gate.command("imp-1", "SMS", "OPT_IN", proof=proof),
    )
    gate.start_worker()

    def opted_out(g: LiveGate) -> bool:
        events = g.events()
        return len(events) >= 21 and len(g.dead_letters()) >= 1

    gate.wait(opted_out, settle_s=1.0)
    events = gate.events()
    outs = {e["contact_id"] for e in events if e["type"] == "OPTED_OUT"}
    assert outs == set(contacts)
    assert all(e["source"] == "IMPORT" for e in events if e["type"] == "OPTED_OUT")
    assert [(e["contact_id"], e["type"]) for e in events if e["type"] == "OPTED_IN"] == [
        ("imp-1", "OPTED_IN")
    ]
    [dead] = gate.dead_letters()
    assert dead["error_code"] == "IMPORT_CANNOT_LIFT_OPT_OUT"

    gate.produce(*(gate.send(c, "SMS") for c in contacts[:5]))
    gate.wait(lambda g: len(g.suppressed()) + len(g.on("SMS")) >= 5, settle_s=1.0)
    assert {s["contact_id"] for s in gate.suppressed()} == {"imp-0", "imp-2", "imp-3", "imp-4"}
    assert len(gate.on("SMS")) == 1  # imp-1 opted back in

    gate.stop_worker()  # the export reads the changelog, not a worker
    for fmt in ("csv", "parquet"):
        rows, said = segment(gate, tmp_path, "unsubscribed", fmt)
        assert [r["contact_id"] for r in rows] == sorted(set(contacts) - {"imp-1"})
        assert {(r["channel"], r["status"], r["source"]) for r in rows} == {
            ("SMS", "unsubscribed", "IMPORT")
        }
        assert all(int(r["changed_at_ms"]) == 1_709_294_400_000 for r in rows)
        assert "19 unsubscribed contacts on SMS (of 20 SMS entries" in said
        skipped = re.search(r"(\d+) internal ones skipped", said)
        assert skipped and int(skipped.group(1)) > 0  # the watermarks saved at the stop
        subscribed, _ = segment(gate, tmp_path, "subscribed", fmt)
        assert [(r["contact_id"], r["source"]) for r in subscribed] == [("imp-1", "COMMAND")]

    # The same list again, in another file, and one new row: the 20 rows are there already
    # (imp-1 opted in since, on new proof: its import must not opt it out again); the first
    # proof stands (the re-import overwrote it).
    again = tmp_path / "list-again.csv"
    again.write_text(path.read_text(encoding="utf-8") + "imp-new,SMS,1709294400000\n")
    done = cli(gate.s, "import", str(again))
    assert done.returncode == 0, done.stderr
    assert "read 21 rows, published 1 opt-out commands" in done.stdout
    assert "20 rows already there, not published (20 imported before, 0 contacts" in done.stdout
    history = cli(gate.s, "consent", "history", "imp-2")
    assert history.returncode == 0, history.stderr
    assert "proof import: list.csv:4" in history.stdout and "list-again" not in history.stdout


def test_deadletter_replay_republishes_once_after_a_fix(
    make_gate: Callable[..., LiveGate], tmp_path: Path
) -> None:
    gate = make_gate()
    gate.start_worker(channels=("SMS",))  # WhatsApp not configured yet: a bad deploy
    stop = gate.reply("wa-1", "WHATSAPP", "STOP")
    gate.produce(stop, Produce(gate.s.commands_topic, b"x", b"not avro"))
    gate.wait(lambda g: len(g.dead_letters()) >= 2, settle_s=1.0)
    codes = sorted(d["error_code"] for d in gate.dead_letters())
    assert codes == ["NOT_AVRO", "UNKNOWN_CHANNEL"]
    gate.stop_worker()

    dry = cli(gate.s, "deadletter", "replay", "--code", "unknown_channel", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "1 dead letters matched (of 2 read); would replay 1" in dry.stdout

    done = cli(
        gate.s,
        "deadletter",
        "replay",
        "--code",
        "UNKNOWN_CHANNEL",
        "--since",
        "1990-01-01T00:00:00Z",
    )
    assert done.returncode == 0, done.stderr
    assert f"replayed 1 ({gate.s.replies_topic}: 1); skipped 0" in done.stdout
    again = cli(gate.s, "deadletter", "replay", "--code", "UNKNOWN_CHANNEL")
    assert again.returncode == 0, again.stderr
    assert "replayed 0; skipped 1 (1 replayed before)" in again.stdout

    gate.start_worker()  # the fix: every channel
    gate.wait(lambda g: len(g.events()) >= 1, settle_s=1.0)
    [event] = gate.events()
    assert (event["contact_id"], event["channel"], event["type"]) == (
        "wa-1",
        "WHATSAPP",
        "OPTED_OUT",
    )
    assert event["raw_text"] == "STOP"
    assert len(gate.dead_letters()) == 2  # nothing new failed
