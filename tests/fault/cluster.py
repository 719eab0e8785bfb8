"""A three-broker Kafka cluster on this machine for the fault run's broker faults.

The harness only needs the small ``BrokerCluster`` interface: the bootstrap servers, the node ids
and PIDs, and kill -9 / SIGSTOP / SIGCONT / restart of one broker. ``LocalCluster`` implements it
minimally with the Kafka jars ``scripts/kafka-local fetch`` puts in its cache: N brokers in KRaft
combined mode (each also a controller of a static quorum of N), their own generated
server.properties, replication factor N and ``min.insync.replicas`` N-1 by default (the internal
topics too). It has no SASL listener and no TLS; once ``scripts/kafka-local`` starts a cluster
itself (``KAFKA_BROKERS=3``), another implementation of the interface can drive that one.

    .venv/bin/python -m tests.fault.cluster start   (ports KAFKA_PORT+10..; Enter stops it)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Protocol

from confluent_kafka.admin import AdminClient

from tests.harness_common import REPO, HarnessError
from tests.waiting import eventually

KAFKA_LOCAL = REPO / "scripts" / "kafka-local"


class BrokerCluster(Protocol):
    """What the fault driver needs of a cluster of brokers."""

    @property
    def bootstrap(self) -> str: ...

    def node_ids(self) -> list[int]: ...

    def pids(self) -> dict[int, int | None]:
        """Node id -> the PID of its broker process (None when it is down)."""
        ...

    def kill(self, node: int) -> None:
        """kill -9 the broker."""
        ...

    def freeze(self, node: int) -> None:
        """SIGSTOP the broker."""
        ...

    def thaw(self, node: int) -> None:
        """SIGCONT the broker."""
        ...

    def restart(self, node: int) -> None:
        """Start a killed broker again (same data), without waiting for it."""
        ...

    def is_up(self, node: int) -> bool:
        """The broker runs and has finished starting."""
        ...


def kafka_libs() -> Path:
    """The jars of ``scripts/kafka-local`` (fetched into its cache if they are not there)."""
    proc = subprocess.run(
        [str(KAFKA_LOCAL), "fetch"], capture_output=True, text=True, timeout=900, check=False
    )
    if proc.returncode != 0:
        raise HarnessError(f"kafka-local fetch failed: {proc.stdout}{proc.stderr}")
    # "Kafka 4.4.0 jars: <dir>"
    line = proc.stdout.strip().splitlines()[-1]
    libs = Path(line.split("jars: ", 1)[-1])
    if not libs.is_dir():
        raise HarnessError(f"kafka-local fetch named no jar directory: {line!r}")
    return libs


LOG4J = """status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = {log}
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.statechange.name = state.change.logger
logger.statechange.level = warn
"""


class LocalCluster:
    """``brokers`` KRaft brokers (combined broker + controller) on 127.0.0.1.

    Node ``i`` (1..N) listens for clients on ``base_port + 2 * (i - 1)`` and as a controller on
    the port after it. Its data, config and logs are under ``data_dir / f"node{i}"``."""

    def __init__(
        self,
        base_port: int,
        data_dir: Path,
        brokers: int = 3,
        min_insync: int | None = None,
        heap: str = "-Xms128m -Xmx512m",
        java: str = "java",
        start_timeout_s: float = 180.0,
    ) -> None:
        if brokers < 1:
            raise HarnessError("a cluster needs at least one broker")
        self.base_port = base_port
        self.data_dir = data_dir
        self.brokers = brokers
        self.min_insync = max(1, brokers - 1) if min_insync is None else min_insync
        self.heap = heap
        self.java = java
        self.start_timeout_s = start_timeout_s
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._libs: Path | None = None

    # --- the interface --------------------------------------------------------------------------
    @property
    def bootstrap(self) -> str:
        return ",".join(f"localhost:{self.port(n)}" for n in self.node_ids())

    def node_ids(self) -> list[int]:
        return list(range(1, self.brokers + 1))

    def pids(self) -> dict[int, int | None]:
        return {
            n: (p.pid if (p := self._procs.get(n)) is not None and p.poll() is None else None)
            for n in self.node_ids()
        }

    def kill(self, node: int) -> None:
        proc = self._procs.get(node)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGCONT)  # a frozen one too
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)

    def freeze(self, node: int) -> None:
        proc = self._procs.get(node)
        if proc is None or proc.poll() is not None:
            raise HarnessError(f"broker {node} is not running")
        os.kill(proc.pid, signal.SIGSTOP)

    def thaw(self, node: int) -> None:
        proc = self._procs.get(node)
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGCONT)

    def restart(self, node: int) -> None:
        self.kill(node)
        self._launch(node)

    def is_up(self, node: int) -> bool:
        proc, log = self._procs.get(node), self._log(node)
        return (
            proc is not None
            and proc.poll() is None
            and log.exists()
            and "Kafka Server started" in log.read_text(errors="replace")
        )

    # --- life cycle ------------------------------------------------------------------------------
    def port(self, node: int) -> int:
        return self.base_port + 2 * (node - 1)

    def controller_port(self, node: int) -> int:
        return self.port(node) + 1

    def node_dir(self, node: int) -> Path:
        return self.data_dir / f"node{node}"

    def start(self) -> LocalCluster:
        """Write the configs, format the storage once, start every broker and wait until the
        cluster has them all."""
        self._libs = kafka_libs()
        cluster_id_file = self.data_dir / "cluster.id"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not cluster_id_file.exists():
            cluster_id_file.write_text(_cluster_id())
        cluster_id = cluster_id_file.read_text().strip()
        for n in self.node_ids():
            self._write_config(n)
            if not (self.node_dir(n) / "data" / "meta.properties").exists():
                self._java(
                    n, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", self._conf(n)
                )
        for n in self.node_ids():
            self._launch(n)
        self._wait_started(self.node_ids())
        return self

    def stop(self) -> None:
        """SIGTERM every broker (SIGCONT first), SIGKILL what is left after 30 s."""
        for proc in self._procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGCONT)
                    os.kill(proc.pid, signal.SIGTERM)
        for proc in self._procs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(30)
        self._procs.clear()

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- internals -------------------------------------------------------------------------------
    def _conf(self, node: int) -> str:
        return str(self.node_dir(node) / "server.properties")

    def _log(self, node: int) -> Path:
        return self.node_dir(node) / "server.log"

    def _write_config(self, node: int) -> None:
        d = self.node_dir(node)
        (d / "data").mkdir(parents=True, exist_ok=True)
        voters = ",".join(f"{n}@127.0.0.1:{self.controller_port(n)}" for n in self.node_ids())
        rf, isr = self.brokers, self.min_insync
        (d / "server.properties").write_text(
            f"""# Generated by tests/fault/cluster.py on every start.
process.roles=broker,controller
node.id={node}
controller.quorum.voters={voters}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:{self.port(node)},CONTROLLER://127.0.0.1:{self.controller_port(node)}
advertised.listeners=PLAINTEXT://localhost:{self.port(node)}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs={d / "data"}
num.partitions=1
default.replication.factor={rf}
min.insync.replicas={isr}
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor={rf}
offsets.topic.num.partitions=4
transaction.state.log.replication.factor={rf}
transaction.state.log.min.isr={isr}
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor={rf}
share.coordinator.state.topic.min.isr={isr}
num.network.threads=2
num.io.threads=2
log.segment.bytes=104857600
""",
            encoding="utf-8",
        )
        (d / "log4j2.properties").write_text(LOG4J.format(log=self._log(node)), encoding="utf-8")

    def _java_cmd(self, node: int, heap: str, main: str, *args: str) -> list[str]:
        assert self._libs is not None
        d = self.node_dir(node)
        return [
            self.java,
            *heap.split(),
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={d / 'log4j2.properties'}",
            f"-Dkafka.logs.dir={d}",
            "-cp",
            f"{self._libs}/*",
            main,
            *args,
        ]

    def _java(self, node: int, main: str, *args: str) -> None:
        proc = subprocess.run(
            self._java_cmd(node, "-Xmx256m", main, *args),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if proc.returncode != 0:
            raise HarnessError(f"{main} {' '.join(args)} failed: {proc.stdout}{proc.stderr}")

    def _launch(self, node: int) -> None:
        log = self._log(node)
        if log.exists():
            log.replace(log.with_suffix(".log.1"))
        out = (self.node_dir(node) / "kafka.out").open("ab")
        with out:
            self._procs[node] = subprocess.Popen(
                self._java_cmd(node, self.heap, "kafka.Kafka", self._conf(node)),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def _wait_started(self, nodes: list[int]) -> None:

        def up() -> bool:
            for n in nodes:
                proc = self._procs[n]
                if proc.poll() is not None:
                    tail = self._log(n).read_text(errors="replace").splitlines()[-30:]
                    raise HarnessError(f"broker {n} exited at start:\n" + "\n".join(tail))
            return all(self.is_up(n) for n in nodes) and self._brokers_seen() >= self.brokers

        if not eventually(up, self.start_timeout_s, interval_s=0.5, fail=False):
            raise HarnessError(f"brokers {nodes} not up after {self.start_timeout_s:.0f} s")

    def _brokers_seen(self) -> int:
        try:
            meta = AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 0}).list_topics(
                timeout=5
            )
        except Exception:
            return 0
        return len(meta.brokers)


def _cluster_id() -> str:
    """A Kafka Uuid (16 random bytes, URL-safe base64, no padding, not starting with '-')."""
    import base64

    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def main(argv: list[str]) -> int:
    """``start`` a cluster under KAFKA_CLUSTER_DIR, wait for Enter, stop it."""
    port = int(os.environ.get("KAFKA_PORT") or 9092) + 10
    data = Path(os.environ.get("KAFKA_CLUSTER_DIR") or REPO / ".local" / "kafka-cluster")
    cluster = LocalCluster(port, data)
    if argv[1:] != ["start"]:
        print("usage: python -m tests.fault.cluster start", file=sys.stderr)
        return 2
    with cluster:
        print(f"cluster up: {cluster.bootstrap} pids {cluster.pids()}", flush=True)
        with contextlib.suppress(KeyboardInterrupt, EOFError):
            input()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
