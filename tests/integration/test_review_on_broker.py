"""Review on the real broker: a POSSIBLE_OPT_OUT accepted through the CLI suppresses the next
campaign; a rejected one changes nothing; neither is listed again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from devtools.runner import settings_env
from tests.integration.conftest import LiveGate

CLI = [sys.executable, "-m", "streams.cli"]


def _cli(gate: LiveGate, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **settings_env(gate.s)}
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _listed(gate: LiveGate) -> list[dict[str, Any]]:
    out = _cli(gate, "review", "list", "--json")
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_a_possible_opt_out_accepted_through_the_cli_suppresses_the_next_campaign(
    gate: LiveGate,
) -> None:
    gate.produce(gate.reply("c1", "SMS", "too many messages"), gate.reply("c2", "SMS", "spam?!"))
    gate.wait(lambda g: len(g.events()) == 2)
    flagged = {e["contact_id"]: e for e in gate.events()}
    assert {e["type"] for e in flagged.values()} == {"POSSIBLE_OPT_OUT"}

    items = {i["contact_id"]: i for i in _listed(gate)}
    assert set(items) == {"c1", "c2"}
    first = items["c1"]
    assert first["event_id"] == flagged["c1"]["event_id"]
    assert (first["text"], first["band"], first["overdue"]) == (
        "too many messages",
        "possible",
        False,
    )

    accepted = _cli(gate, "review", "accept", first["event_id"], "--reviewer", "alice")
    assert accepted.returncode == 0, accepted.stderr
    rejected = _cli(gate, "review", "reject", items["c2"]["event_id"], "--note", "a question")
    assert rejected.returncode == 0, rejected.stderr

    gate.wait(lambda g: len(g.events()) == 3)
    [opt_out] = [e for e in gate.events() if e["type"] == "OPTED_OUT"]
    assert (opt_out["contact_id"], opt_out["channel"], opt_out["source"]) == (
        "c1",
        "SMS",
        "COMMAND",
    )
    assert opt_out["proof"]["method"] == "review"
    assert opt_out["proof"]["evidence"].endswith("too many messages")

    gate.produce(gate.send("c1", "SMS", campaign_id="next"), gate.send("c2", "SMS"))
    gate.wait(lambda g: len(g.suppressed()) == 1 and len(g.on("SMS")) == 1)
    [suppressed] = gate.suppressed()
    assert (suppressed["contact_id"], suppressed["reason"]) == ("c1", "OPTED_OUT")
    assert _listed(gate) == []

    again = _cli(gate, "review", "accept", first["event_id"])
    assert again.returncode == 2 and "No undecided possible opt-out" in again.stderr
