"""The HTTP API on the real broker, with two worker processes: any worker answers for every
contact (the owner's committed state, forwarded through the group's ownership directory), the
commands it publishes are applied by the gate, and the CLI reaches the same workers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.runner import WorkerProcess, settings_env
from streams.core.partitioner import partition_for
from streams.models import builders as b
from streams.models.contract import RecordName as R
from streams.settings import Settings
from tests.integration.conftest import LiveGate
from tests.waiting import eventually

TOKEN = "integration-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def call(
    url: str, method: str = "GET", body: dict[str, Any] | None = None, token: str | None = TOKEN
) -> tuple[int, dict[str, Any], dict[str, str]]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read()), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


#: What a worker's HTTP API answers while it is not up yet.
NOT_UP = (urllib.error.URLError, OSError)


class Workers:
    def __init__(self, gate: LiveGate) -> None:
        self.gate = gate
        self.procs: dict[str, WorkerProcess] = {}
        self.urls: dict[str, str] = {}
        self.settings: dict[str, Settings] = {}

    def start(self, name: str) -> None:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        settings = self.gate.s.model_copy(
            update={
                "worker_id": name,
                "data_dir": self.gate.tmp / name,
                "http_port": port,
                "http_host": "127.0.0.1",
                "advertised_url": url,
            }
        )
        self.settings[name], self.urls[name] = settings, url
        self.procs[name] = WorkerProcess(settings, self.gate.tmp / f"{name}.log").start()

    def logs(self) -> str:
        return "\n".join(f"--- {n}\n{p.log()[-3000:]}" for n, p in self.procs.items())

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.stop()


@pytest.fixture
def two_workers(make_gate: Callable[..., LiveGate]) -> Iterator[Workers]:
    gate = make_gate(api_token=TOKEN)
    workers = Workers(gate)
    try:
        workers.start("w1")
        workers.start("w2")
        yield workers
    finally:
        workers.stop()


def _directory(workers: Workers) -> dict[int, str] | None:
    """partition -> owner, once both workers are ready and agree that each owns some."""
    views = []
    for url in workers.urls.values():
        if call(f"{url}/readyz")[0] != 200:
            return None
        views.append(call(f"{url}/status")[1])
    owners = [{int(p): o["worker"] for p, o in v["directory"].items()} for v in views]
    if owners[0] != owners[1] or set(owners[0].values()) != {"w1", "w2"}:
        return None
    return owners[0]


def test_any_worker_answers_for_every_contact(two_workers: Workers) -> None:
    w = two_workers
    gate = w.gate
    partitions = gate.s.partitions
    owners = eventually(
        lambda: _directory(w), 90, interval_s=0.3, ignore=NOT_UP, details=w.logs,
        what="both workers are ready and own partitions",
    )  # fmt: skip
    assert sorted(owners) == list(range(partitions))

    # Two contacts per partition, so both workers' partitions are covered; opted out on SMS
    # through either worker's API (POST needs no forwarding: any worker publishes).
    contacts = [
        next(c for i in range(10_000) if partition_for(c := f"api-{k}-{i}", partitions) == p)
        for p in range(partitions)
        for k in range(2)
    ]
    commands: dict[str, str] = {}
    for i, contact in enumerate(contacts):
        url = w.urls["w1" if i % 2 else "w2"]
        status, body, _ = call(
            f"{url}/consent/{contact}/sms/opt-out", "POST", {"reason": f"reason of {contact}"}
        )
        assert status == 202, body
        assert body["status"] == "accepted" and body["channel"] == "SMS"
        commands[contact] = body["command_id"]

    # What the API refuses, on the real worker
    status, body, headers = call(
        f"{w.urls['w1']}/consent/{contacts[0]}/sms/opt-out", "POST", token=None
    )
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    status, body, _ = call(f"{w.urls['w2']}/consent/{contacts[0]}/SMS/opt-in", "POST", {})
    assert (status, body["field"]) == (422, "proof")
    status, body, _ = call(f"{w.urls['w2']}/consent/{contacts[0]}/FAX/opt-out", "POST", {})
    assert (status, body["error"]) == (422, "UNKNOWN_CHANNEL")
    assert call(f"{w.urls['w1']}/consent/{contacts[0]}", token=None)[0] == 401

    def all_opted_out() -> bool:
        for url in w.urls.values():
            for contact in contacts:
                status, body, _ = call(f"{url}/consent/{contact}")
                if status != 200 or body["channels"]["SMS"]["subscribed"]:
                    return False
        return True

    eventually(
        all_opted_out, 90, interval_s=0.3, ignore=NOT_UP, details=w.logs,
        what="every contact reads as opted out on SMS from both workers",
    )  # fmt: skip
    served_by = set()
    for url in w.urls.values():
        for contact in contacts:
            status, body, _ = call(f"{url}/consent/{contact}")
            assert status == 200
            p = partition_for(contact, partitions)
            assert body["partition"] == p
            assert body["worker"] == owners[p]  # the owner answered, whoever was asked
            served_by.add(body["worker"])
            sms = body["channels"]["SMS"]
            assert sms["source"] == "COMMAND" and sms["event_id"] == commands[contact]
            assert sms["reason"] == f"reason of {contact}" and sms["changes"] == 1
            assert body["channels"]["EMAIL"]["subscribed"] is True  # per channel
    assert served_by == {"w1", "w2"}

    # A contact never seen: the default state, from both workers, whoever owns it
    for url in w.urls.values():
        status, body, _ = call(f"{url}/consent/never-seen-anywhere")
        assert status == 200 and body["channels"]["SMS"]["default"] is True

    # The gate emitted one OPTED_OUT event per command, and the workers' metrics counted them
    gate.wait(lambda g: len(g.events()) >= len(contacts), settle_s=1.0)
    events = gate.events()
    assert sorted(e["trigger_event_id"] for e in events) == sorted(commands.values())
    assert {e["type"] for e in events} == {"OPTED_OUT"}

    def counted() -> float:
        total = 0.0
        for url in w.urls.values():
            with urllib.request.urlopen(f"{url}/metrics", timeout=10) as resp:
                for line in resp.read().decode().splitlines():
                    if line.startswith('consent_gate_consent_events_total{type="OPTED_OUT"}'):
                        total += float(line.split()[-1])
        return total

    assert counted() == len(contacts)

    # The CLI: opt-out published straight to Kafka, lookups and status through the HTTP API
    env = {**os.environ, **settings_env(w.settings["w1"])}
    cli = [sys.executable, "-m", "streams.cli"]
    late = next(
        c for i in range(10_000) if owners[partition_for(c := f"cli-{i}", partitions)] == "w2"
    )
    out = subprocess.run(
        [*cli, "consent", "opt-out", late, "--channel", "email", "--reason", "by cli"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    command_id = out.stdout.strip().rsplit(" ", 1)[-1]

    def cli_sees_it() -> dict[str, Any] | None:
        got = subprocess.run(
            [*cli, "consent", "get", late, "--url", w.urls["w1"]],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if got.returncode != 0:
            return None
        body: dict[str, Any] = json.loads(got.stdout)
        return body if not body["channels"]["EMAIL"]["subscribed"] else None

    body = eventually(
        cli_sees_it, 90, interval_s=0.3, ignore=NOT_UP, details=w.logs,
        what="the CLI's opt-out reads back through w1",
    )  # fmt: skip
    assert body["worker"] == "w2" and body["channels"]["EMAIL"]["event_id"] == command_id
    assert body["channels"]["EMAIL"]["reason"] == "by cli"

    out = subprocess.run(
        [*cli, "status", "--url", w.urls["w1"]],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    for name in ("w1", "w2"):
        assert f"{name} ({w.urls[name]}): ready" in out.stdout
    rows = [line.split() for line in out.stdout.splitlines() if line.startswith(("w1 ", "w2 "))]
    by_contact = {int(r[2]): (r[0], int(r[5])) for r in rows if r[1] == gate.s.by_contact_topic}
    assert {p: owner for p, (owner, _) in by_contact.items()} == owners
    assert sum(n for _, n in by_contact.values()) == len(contacts) + 1  # one entry each
    # Possible opt-outs waiting for review (none here: every command was an opt-out).
    assert "reviews: 0 possible opt-out(s) undecided, 0 older than 10 business days" in out.stdout


def test_readyz_and_a_taken_port(make_gate: Callable[..., LiveGate], tmp_path: Path) -> None:
    """One worker: /readyz turns 200 once it is assigned, restored and caught up; a second
    worker asked to listen on the same port stops at once, saying so in one sentence."""
    gate = make_gate()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    first = gate.start_worker(http_port=port, http_host="127.0.0.1")
    ready = eventually(
        lambda: call(f"{url}/readyz", token=None)[0] == 200, 90, interval_s=0.3,
        ignore=NOT_UP, what="the worker is ready", details=lambda: first.log()[-6000:],
    )  # fmt: skip
    assert ready
    status, body, _ = call(f"{url}/healthz", token=None)
    assert (status, body["status"]) == (200, "alive")
    status, body, _ = call(f"{url}/consent/alice/SMS/opt-out", "POST", token=None)
    assert (status, body["error"]) == (403, "MUTATIONS_OFF")  # no token configured

    second = WorkerProcess(
        gate.s.model_copy(
            update={"http_port": port, "http_host": "127.0.0.1", "worker_id": "second"}
        ),
        tmp_path / "second.log",
    ).start()
    assert second.proc is not None
    assert second.proc.wait(60) == 2
    second.stop()
    assert "The HTTP API cannot listen on 127.0.0.1:" in second.log()
    assert "set CONSENT_GATE_HTTP_PORT to a free port" in second.log()


def test_history_over_http_at_three_times_around_stop_start_stop(
    make_gate: Callable[..., LiveGate],
) -> None:
    """GET /consent/{contact}/history: every change with its proof, and with ?at= what was in
    force then (the question a TCPA dispute asks)."""
    gate = make_gate()
    t1 = int(time.time() * 1000) - 60_000
    t2, t3 = t1 + 10_000, t1 + 20_000
    texts = [("STOP", t1), ("START", t2), ("Stop!", t3)]
    gate.produce(
        *(
            gate.rec(
                gate.s.replies_topic,
                R.INBOUND_REPLY,
                b.inbound_reply("carol", "SMS", text, received_at_ms=ts),
                timestamp_ms=ts,
            )
            for text, ts in texts
        )
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}/consent/carol/history"
    worker = gate.start_worker(http_port=port, http_host="127.0.0.1")
    body = eventually(
        lambda: (r := call(url, token=None))[0] == 200 and len(r[1]["changes"]) == 3 and r[1],
        90, interval_s=0.3, ignore=NOT_UP, what="three changes in the history",
        details=lambda: worker.log()[-6000:],
    )  # fmt: skip
    assert [(c["subscribed"], c["proof"]["raw_text"]) for c in body["changes"]] == [
        (False, "STOP"),
        (True, "START"),
        (False, "Stop!"),
    ]

    def at(t: int) -> dict[str, Any]:
        status, answer, _ = call(f"{url}?at={t}&channel=sms", token=None)
        assert status == 200, answer
        state: dict[str, Any] = answer["state_at"]["SMS"]
        return state

    assert (at(t1 - 1)["subscribed"], at(t1 - 1)["proof"]) == (True, None)  # the default
    assert (at(t1 + 5_000)["subscribed"], at(t1 + 5_000)["proof"]["raw_text"]) == (False, "STOP")
    assert (at(t2 + 5_000)["subscribed"], at(t2 + 5_000)["proof"]["raw_text"]) == (True, "START")
    assert (at(t3 + 5_000)["subscribed"], at(t3 + 5_000)["proof"]["raw_text"]) == (False, "Stop!")
    status, answer, _ = call(f"{url}?at=yesterday", token=None)
    assert (status, answer["field"]) == (400, "at")
    status, answer, _ = call(f"{url}?channel=FAX", token=None)
    assert (status, answer["field"]) == (422, "channel")
    assert gate.stop_worker() == 0
