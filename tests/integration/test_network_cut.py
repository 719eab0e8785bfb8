"""The HTTP API of a worker cut off the brokers by a network partition, not a refused connection:
its packets go nowhere and its connections stay open (tests/fault/netcut.py). A command answers
503 by ``CONSENT_GATE_API_TIMEOUT_MS`` instead of hanging, a lookup answers from the committed
table, readiness says not ready; once the network is back, commands are taken again.

The worker runs in a network namespace of its own, so the requests are made from inside it too
(``nsenter``). Needs root; skipped elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.runner import WorkerProcess
from tests.fault.netcut import Bridge, NetNamespace, available, broker_ports
from tests.integration.conftest import LiveGate
from tests.waiting import eventually

pytestmark = pytest.mark.skipif(available() is not None, reason=str(available()))

TOKEN = "network-cut-token-0123456789abcdef"
PORT = 18_480  # inside the worker's own namespace: nothing else listens there
TIMEOUT_MS = 3_000

_CALL = """
import json, sys, time, urllib.error, urllib.request
method, url, token = sys.argv[1:4]
request = urllib.request.Request(url, data=b"{}" if method == "POST" else None, method=method)
request.add_header("Authorization", "Bearer " + token)
started = time.monotonic()
try:
    with urllib.request.urlopen(request, timeout=60) as resp:
        status, body = resp.status, resp.read()
except urllib.error.HTTPError as err:
    status, body = err.code, err.read()
print(json.dumps([status, time.monotonic() - started, body.decode()]))
"""


@dataclass
class IsolatedWorker(WorkerProcess):
    netns: NetNamespace | None = None

    def command(self) -> list[str]:
        assert self.netns is not None
        return self.netns.wrap(super().command())


@dataclass
class Cut:
    gate: LiveGate
    netns: NetNamespace
    bridge: Bridge
    worker: IsolatedWorker

    def call(self, method: str, path: str) -> tuple[int, float, dict[str, Any]]:
        """(status, seconds, body) of a request made inside the worker's namespace."""
        done = subprocess.run(
            self.netns.wrap(
                [sys.executable, "-c", _CALL, method, f"http://127.0.0.1:{PORT}{path}", TOKEN]
            ),
            capture_output=True,
            text=True,
            timeout=90,
            check=True,
        )
        status, seconds, body = json.loads(done.stdout)
        return int(status), float(seconds), json.loads(body) if body else {}


@pytest.fixture
def cut(make_gate: Callable[..., LiveGate]) -> Iterator[Cut]:
    gate = make_gate(api_token=TOKEN, api_timeout_ms=TIMEOUT_MS)
    netns = NetNamespace()
    bridge = Bridge(netns, broker_ports(gate.s.bootstrap_servers))
    settings = gate.s.model_copy(update={"http_port": PORT, "http_host": "127.0.0.1"})
    worker = IsolatedWorker(settings, gate.tmp / "isolated.log", netns=netns)
    try:
        worker.start()
        yield Cut(gate, netns, bridge, worker)
    finally:
        bridge.heal()
        worker.stop()
        bridge.close()
        netns.close()


def test_the_api_answers_in_time_while_the_worker_is_cut_off_the_brokers(cut: Cut) -> None:
    def ready() -> bool:
        return cut.call("GET", "/readyz")[0] == 200

    eventually(ready, 90, interval_s=0.5, ignore=(subprocess.CalledProcessError,),
               details=cut.worker.log, what="the worker is ready")  # fmt: skip
    status, _, body = cut.call("POST", "/consent/c1/SMS/opt-out")
    assert status == 202, body
    cut.gate.wait(lambda g: len(g.events()) == 1)  # applied and committed

    cut.bridge.cut()
    status, seconds, body = cut.call("POST", "/consent/c2/SMS/opt-out")
    # Written to a connection that leads nowhere: it may yet arrive when the network is back.
    assert (status, body["error"]) == (503, "OUTCOME_UNKNOWN"), body
    assert seconds < TIMEOUT_MS / 1000 + 5, seconds  # by the API timeout, not a hang
    status, seconds, body = cut.call("GET", "/consent/c1")
    assert status == 200 and seconds < 5, body  # from the committed table
    assert body["channels"]["SMS"]["subscribed"] is False
    eventually(lambda: cut.call("GET", "/readyz")[0] == 503, 60, interval_s=1.0,
               details=cut.worker.log, what="readiness says not ready")  # fmt: skip

    cut.bridge.heal()
    started = time.monotonic()

    def taken() -> bool:
        return cut.call("POST", "/consent/c3/SMS/opt-out")[0] == 202

    eventually(taken, 90, interval_s=1.0, details=cut.worker.log, what="commands taken again")
    cut.gate.wait(lambda g: {e["contact_id"] for e in g.events()} >= {"c1", "c3"})
    assert time.monotonic() - started < 90
