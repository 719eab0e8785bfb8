"""docs/integrating.md's examples, run as an integrator would run them, against the local broker
and a running worker: examples/python (confluent-kafka + fastavro) and examples/java
(kafka-clients + Apache Avro's BinaryMessageEncoder/Decoder), neither importing consent-gate.

The example publisher sends a STOP reply, an unsubscribe click and send requests (one of them
twice, as an upstream retry would); the gate decides them; the example sender, a read_committed
consumer of the channel topics, prints each message it may send once, and nothing it may not.
The worker's real /metrics is then checked to serve every metric deploy/ names."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from streams.processing.records import REPLY_HEADER
from tests.deploy_checks import PROMETHEUS_SERIES, ROOT, deploy_exprs, promql_names, served_metrics
from tests.integration.conftest import LiveGate
from tests.integration.test_http_api import free_port

EXAMPLES = ROOT / "examples"
JAVA = EXAMPLES / "java"
JAR = JAVA / "target" / "consent-gate-examples.jar"
#: Seconds a first Maven build may take to fetch kafka-clients, Avro and the plugins.
MAVEN_TIMEOUT_S = 900
#: The Java run builds the jar in its setup: the first time on a machine, from Maven Central.
pytestmark = pytest.mark.timeout(MAVEN_TIMEOUT_S + 300)


def _maven_build() -> None:
    """Build the examples' jar: offline first (everything fetched before is in ~/.m2), then, the
    first time on a machine, from Maven Central."""
    base = ["mvn", "-B", "-q", "-Dstyle.color=never", "-f", str(JAVA / "pom.xml"), "package"]
    offline = subprocess.run([*base, "-o"], capture_output=True, text=True, timeout=600)
    if offline.returncode == 0:
        return
    online = subprocess.run(base, capture_output=True, text=True, timeout=MAVEN_TIMEOUT_S)
    assert online.returncode == 0, f"mvn package failed:\n{online.stdout[-3000:]}{online.stderr}"


@pytest.fixture(scope="session")
def java_examples() -> Path:
    if not (shutil.which("mvn") and shutil.which("java")):
        pytest.skip("mvn and java are needed for the Java examples")
    _maven_build()
    assert JAR.is_file()
    return JAR


class Example:
    """The publisher and the sender of one language, as command lines."""

    def __init__(self, lang: str, jar: Path | None) -> None:
        self.lang = lang
        self.jar = jar

    def command(self, program: str, args: list[str]) -> list[str]:
        if self.lang == "python":
            script = {"publish": "publish.py", "sender": "sender.py"}[program]
            return [sys.executable, str(EXAMPLES / "python" / script), *args]
        main = {"publish": "example.Publish", "sender": "example.Sender"}[program]
        return ["java", "-cp", str(self.jar), main, *args]

    def run(self, program: str, args: list[str], timeout_s: float = 120) -> tuple[str, str]:
        proc = subprocess.run(
            self.command(program, args),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            cwd=EXAMPLES / self.lang,  # the examples' default schemas/ is ../../schemas
        )
        assert proc.returncode == 0, f"{program} failed ({proc.returncode}): {proc.stderr[-3000:]}"
        return proc.stdout, proc.stderr


@pytest.fixture(params=["python", "java"])
def example(request: pytest.FixtureRequest) -> Example:
    if request.param == "java":
        return Example("java", request.getfixturevalue("java_examples"))
    return Example("python", None)


def test_the_examples_publish_inputs_and_send_only_what_the_gate_forwards(
    make_gate: Callable[..., LiveGate], example: Example, tmp_path: Path
) -> None:
    gate = make_gate()
    port = free_port()
    gate.start_worker(http_port=port, http_host="127.0.0.1")
    s = gate.s
    run = uuid.uuid4().hex[:8]
    stopped, clicked = f"+1555{run}1", f"+1555{run}2"
    common = ["--bootstrap", s.bootstrap_servers, "--topic-prefix", s.topic_prefix]

    def publish(*args: str) -> dict[str, Any]:
        out, _ = example.run("publish", [*args, *common])
        record: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return record

    reply = publish("reply", stopped, "SMS", "STOP", "--event-id", f"SM{run}")
    assert reply["topic"] == s.replies_topic and reply["event_id"] == f"SM{run}"
    click = publish(
        "click", clicked, "EMAIL", "--kind", "UNSUBSCRIBE", "--event-id", f"click-{run}"
    )
    assert click["topic"] == s.clicks_topic and click["kind"] == "UNSUBSCRIBE"
    # published after the opt-outs (CreateTime later): decided on them
    campaign = ["--campaign", "spring", "--type", "promotion"]
    publish("send", stopped, "SMS", *campaign, "--message-id", f"m1-{run}")
    publish("send", clicked, "EMAIL", *campaign, "--message-id", f"m2-{run}")
    for _ in range(2):  # the same send twice, as a publisher's retry would
        send = publish(
            "send", clicked, "SMS", *campaign, "--message-id", f"m3-{run}", "--header", "trace=t-1"
        )
    assert send["topic"] == s.requests_topic and send["origin"] == "CAMPAIGN"
    assert send["requested_at_ms"] >= reply["received_at_ms"]

    sms = s.channel_topic("SMS")
    gate.wait(lambda g: len(g.suppressed()) == 2 and len(g.collector.all(sms)) == 3)
    suppressed = {m["message_id"]: m["reason"] for m in gate.suppressed()}
    assert suppressed == {f"m1-{run}": "OPTED_OUT", f"m2-{run}": "OPTED_OUT"}
    (stop_event, click_event) = sorted(gate.events(), key=lambda e: e["channel"] != "SMS")
    assert stop_event["trigger_event_id"] == f"SM{run}"
    assert click_event["trigger_event_id"] == f"click-{run}"

    seen = tmp_path / f"seen-{example.lang}"
    sender = [*common, "--channels", "SMS,EMAIL", "--seen", str(seen), "--idle-s", "6"]
    out, err = example.run("sender", [*sender, "--group", f"sender-{run}"])
    sent = [json.loads(line) for line in out.splitlines() if line.strip()]
    by_id = {m["message_id"]: m for m in sent}
    assert len(by_id) == len(sent) == 2, sent  # m3 once, though it is on the topic twice
    assert f"duplicate m3-{run} skipped" in err
    m3 = by_id.pop(f"m3-{run}")
    assert (m3["contact_id"], m3["channel"], m3["campaign_id"]) == (clicked, "SMS", "spring")
    assert m3["reply"] is None and m3["headers"] == {"trace": "t-1"}  # forwarded untouched
    (confirmation,) = by_id.values()  # the gate's opt-out confirmation to the STOP
    assert confirmation["reply"] == "opt-out-confirmation"
    assert confirmation["headers"] == {REPLY_HEADER: "opt-out-confirmation"}
    assert (confirmation["contact_id"], confirmation["origin"]) == (stopped, "INBOX")

    # a redelivery (another group reads everything again): nothing is sent twice
    out, err = example.run("sender", [*sender, "--group", f"again-{run}"])
    assert out.strip() == ""
    assert err.count("duplicate") == 3

    # the worker's real /metrics serves every metric deploy/'s alerts and dashboard name
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    named = set().union(*(promql_names(expr)[0] for expr in deploy_exprs()))
    assert named - PROMETHEUS_SERIES <= set(served_metrics(text))
    assert re.search(r'^consent_gate_suppressed_total\{channel="EMAIL"\} 1\.0$', text, re.M)
