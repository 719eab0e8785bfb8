"""The systems compared, and how each is started on a given set of input and output topics."""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from devtools.runner import WorkerProcess
from streams.core.keywords import KeywordPolicy
from streams.settings import Settings

from .common import (
    BENCH,
    CHANNELS,
    FAUST_PYTHON,
    KSTREAMS_JAR,
    PROJECT_PYTHON,
    QUIX_PYTHON,
    SCHEMAS,
    java,
)
from .inputs import InputTopics
from .topics import OUTPUT_CONFIG, create

Kind = Literal["gate", "copy"]

#: Every system the comparison knows, in the order they run.
ALL_SYSTEMS = (
    "consent-gate",
    "consent-gate-2w",
    "aiokafka",
    "confluent",
    "quix",
    "faust",
    "faust-eos",
    "kstreams",
    "kstreams-eos",
)
LABELS = {
    "consent-gate": "consent-gate, 1 worker",
    "consent-gate-2w": "consent-gate, 2 workers",
    "aiokafka": "aiokafka copy",
    "confluent": "confluent-kafka copy",
    "quix": "Quix Streams gate",
    "faust": "Faust gate ALOS",
    "faust-eos": "Faust gate EOS",
    "kstreams": "Kafka Streams gate ALOS",
    "kstreams-eos": "Kafka Streams gate EOSv2",
}


def unavailable(name: str) -> str | None:
    """Why ``name`` cannot run here (None: it can)."""
    if name == "quix" and not QUIX_PYTHON.exists():
        return f"{QUIX_PYTHON.relative_to(BENCH.parent)} missing (benchmarks/compare installs it)"
    if name.startswith("faust") and not FAUST_PYTHON.exists():
        return f"{FAUST_PYTHON.relative_to(BENCH.parent)} missing (benchmarks/compare installs it)"
    if name.startswith("kstreams") and not KSTREAMS_JAR.exists():
        return (
            f"{KSTREAMS_JAR.relative_to(BENCH.parent)} not built "
            "(benchmarks/compare builds it: mvn -q -f benchmarks/kstreams/pom.xml package)"
        )
    return None


@dataclass
class Proc:
    """A child process of the comparison, its output in ``log``."""

    argv: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    popen: subprocess.Popen[bytes] | None = None
    worker: WorkerProcess | None = None  # consent-gate's own runner, when it is one

    def start(self) -> Proc:
        if self.worker is not None:
            self.worker.start()
            self.popen = self.worker.proc
            return self
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout_s: float = 60.0) -> int | None:
        if self.worker is not None:
            return self.worker.stop(timeout_s)
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(10)
        return self.popen.returncode

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""


@dataclass
class Outputs:
    """A system's own output topics."""

    prefix: str
    kind: Kind

    @property
    def channel_topics(self) -> dict[str, str]:
        return {c: f"{self.prefix}{c.lower()}" for c in CHANNELS}

    @property
    def suppressed(self) -> str:
        return f"{self.prefix}suppressed"

    @property
    def events(self) -> str:
        return f"{self.prefix}events"

    @property
    def deadletter(self) -> str:
        return f"{self.prefix}deadletter"

    @property
    def copy(self) -> str:
        return f"{self.prefix}copy"

    @property
    def stats(self) -> str:
        return f"{self.prefix}stats"

    def created(self) -> list[str]:
        """The topics to create: those watched (:meth:`all`) and consent-gate's statistics,
        which go on after the last send is decided (running rows), so are not watched."""
        return [*self.all(), self.stats] if self.kind == "gate" else self.all()

    def all(self) -> list[str]:
        if self.kind == "copy":
            return [self.copy]
        return [*self.channel_topics.values(), self.suppressed, self.events, self.deadletter]

    def sends(self) -> list[str]:
        """Where each send ends up (forwarded or suppressed)."""
        if self.kind == "copy":
            return [self.copy]
        return [*self.channel_topics.values(), self.suppressed]


@dataclass
class Launch:
    name: str
    procs: list[Proc]
    outputs: Outputs
    state_dirs: list[Path]
    #: Internal topics the harness creates for the system (the rest it creates itself).
    internal_topics: list[str] = field(default_factory=list)

    def create_topics(self, bootstrap: str, partitions: int) -> None:
        """The output topics (LogAppendTime) and the internal topics the system needs made."""
        create(bootstrap, self.outputs.created(), partitions, OUTPUT_CONFIG)
        if self.internal_topics:
            create(bootstrap, self.internal_topics, partitions)


def opt_out_keywords() -> list[str]:
    """The normalised English opt-out keywords of streams.core.keywords (for Kafka Streams)."""
    policy = KeywordPolicy(("en",))
    words = {
        "STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
        "OPTOUT", "OPT OUT", "OPT-OUT", "REMOVE",
    }  # fmt: skip
    found = sorted({m.keyword for w in words if (m := policy.classify(w)).keyword and m.exact})
    return found


#: Settings of the consent-gate runs besides the defaults (the low-latency load run sets some).
GATE_OVERRIDES: dict[str, Any] = {}


def gate_settings(
    bootstrap: str,
    inputs: InputTopics,
    outputs: Outputs,
    app_id: str,
    data_dir: Path,
    partitions: int,
    worker_id: str = "w1",
) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bootstrap_servers=bootstrap,
        topic_prefix="",
        topic_inbound_replies=inputs.replies,
        topic_link_clicks=inputs.clicks,
        topic_outbound_requests=inputs.requests,
        topic_consent_commands=inputs.commands,
        topic_delivery_reports=inputs.reports,
        topic_consent_stats=outputs.stats,
        topic_outbound_channel_prefix=outputs.prefix,
        topic_suppressed=outputs.suppressed,
        topic_consent_events=outputs.events,
        topic_deadletter=outputs.deadletter,
        channels=CHANNELS,
        app_id=app_id,
        worker_id=worker_id,
        data_dir=data_dir,
        partitions=partitions,
        output_partitions=partitions,
        log_level="info",
        http_port=0,  # no HTTP API: the peers have none, and two workers would share the port
        reply_channels=(),  # no STOP confirmations: the same work as the systems compared
        **GATE_OVERRIDES,
    )


def launch(
    name: str,
    *,
    bootstrap: str,
    inputs: InputTopics,
    prefix: str,
    app_id: str,
    tmp: Path,
    partitions: int,
) -> Launch:
    """The processes of system ``name`` (not started) reading ``inputs``, writing under
    ``prefix``, with consumer group / application id ``app_id`` and state under ``tmp``."""
    logs = tmp / "logs"
    if name in ("consent-gate", "consent-gate-2w"):
        outputs = Outputs(prefix, "gate")
        procs, dirs = [], []
        for n in range(2 if name.endswith("2w") else 1):
            data_dir = tmp / f"state-{n + 1}"
            s = gate_settings(bootstrap, inputs, outputs, app_id, data_dir, partitions, f"w{n + 1}")
            wp = WorkerProcess(s, logs / f"{app_id}-w{n + 1}.log")
            procs.append(Proc(wp.command(), wp.log_path, worker=wp))
            dirs.append(data_dir)
        return Launch(name, procs, outputs, dirs)
    if name in ("aiokafka", "confluent"):
        outputs = Outputs(prefix, "copy")
        argv = [
            str(PROJECT_PYTHON),
            str(BENCH / "gatebench" / "passthrough.py"),
            name,
            "--bootstrap", bootstrap,
            "--group", app_id,
            "--output", outputs.copy,
            inputs.replies, inputs.requests,
        ]  # fmt: skip
        return Launch(name, [Proc(argv, logs / f"{app_id}.log")], outputs, [])
    outputs = Outputs(prefix, "gate")
    state = tmp / "state"
    if name in ("quix", "faust", "faust-eos"):
        peer = [
            "--bootstrap", bootstrap,
            "--group", app_id,
            "--state-dir", str(state),
            "--replies", inputs.replies,
            "--requests", inputs.requests,
            *(f"--channel={c}={t}" for c, t in outputs.channel_topics.items()),
            "--suppressed", outputs.suppressed,
            "--events", outputs.events,
        ]  # fmt: skip
        log = logs / f"{app_id}.log"
        if name == "quix":
            argv = [str(QUIX_PYTHON), str(BENCH / "gatebench" / "quix_gate.py"), *peer]
            return Launch(name, [Proc(argv, log)], outputs, [state])
        argv = [
            str(FAUST_PYTHON), str(BENCH / "gatebench" / "faust_gate.py"), *peer,
            "--partitions", str(partitions),
            "--guarantee", "exactly_once" if name.endswith("eos") else "at_least_once",
        ]  # fmt: skip
        # Faust does not create the topic an agent sends to (the broker would, with 1 partition)
        return Launch(name, [Proc(argv, log)], outputs, [state], [f"{app_id}-by-contact"])
    if name in ("kstreams", "kstreams-eos"):
        argv = [
            java(),
            "-Xmx1g",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-jar", str(KSTREAMS_JAR),
            f"bootstrap={bootstrap}",
            f"app_id={app_id}",
            f"state_dir={state}",
            f"schemas={SCHEMAS}",
            f"replies={inputs.replies}",
            f"requests={inputs.requests}",
            "channel_topics=" + ",".join(f"{c}={t}" for c, t in outputs.channel_topics.items()),
            f"suppressed={outputs.suppressed}",
            f"events={outputs.events}",
            "opt_out=" + ",".join(opt_out_keywords()),
            "guarantee=" + ("exactly_once_v2" if name.endswith("eos") else "at_least_once"),
        ]  # fmt: skip
        return Launch(name, [Proc(argv, logs / f"{app_id}.log")], outputs, [state])
    raise ValueError(f"unknown system {name!r}; known: {', '.join(ALL_SYSTEMS)}")
