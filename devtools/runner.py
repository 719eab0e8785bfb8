"""Running the worker as its own process, producing inputs and collecting outputs.

Used by the demo and by the integration tests, so both drive the real worker the same way.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pydantic import SecretStr

from streams.settings import Settings


def settings_env(settings: Settings) -> dict[str, str]:
    """Environment variables that reproduce ``settings`` in another process: those set
    explicitly (the rest are the same defaults there, derived the same way: a default that
    depends on another setting, such as the reply channels, must not become explicit)."""
    env: dict[str, str] = {}
    given = settings.model_fields_set
    for name, value in settings.model_dump().items():
        if name not in given:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, tuple | list):
            value = ",".join(value)
        elif isinstance(value, dict):  # a mapping setting is JSON in the environment
            value = json.dumps(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[f"CONSENT_GATE_{name.upper()}"] = str(value)
    return env


@dataclass
class WorkerProcess:
    """``consent-gate worker`` in a child process, its output in ``log_path``."""

    settings: Settings
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    _log: TextIO | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "streams.cli", "worker"]

    def start(self) -> WorkerProcess:
        env = {
            **os.environ,
            **settings_env(self.settings),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("a", encoding="utf-8")
        self.proc = subprocess.Popen(
            self.command(),
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout_s: float = 30.0) -> int | None:
        """Graceful stop (SIGTERM: it commits and leaves the group); SIGKILL after a timeout."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log:
            self._log.close()
            self._log = None
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class Produce:
    topic: str
    key: bytes | None
    value: bytes
    headers: Sequence[tuple[str, bytes]] = ()
    partition: int | None = None
    timestamp_ms: int | None = None  # None: now (the producer's clock)


async def produce(bootstrap: str, records: Iterable[Produce], **options: Any) -> None:
    """Produce ``records`` and wait until every one is acknowledged (``options``: more aiokafka
    settings, e.g. :func:`streams.kafka.security.client_options`)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", **options)
    await producer.start()
    try:
        futures = [
            await producer.send(
                r.topic,
                r.value,
                key=r.key,
                partition=r.partition,
                timestamp_ms=r.timestamp_ms,
                headers=list(r.headers),
            )
            for r in records
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


@dataclass(frozen=True, slots=True)
class Consumed:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


@dataclass
class Collector:
    """Reads topics from the beginning (no consumer group, committed records only) and keeps
    every record."""

    bootstrap: str
    topics: Sequence[str]
    options: dict[str, Any] = field(default_factory=dict)  # e.g. security.client_options
    records: dict[str, list[Consumed]] = field(default_factory=lambda: defaultdict(list))
    _consumer: AIOKafkaConsumer | None = None

    async def start(self) -> Collector:
        self._consumer = AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            isolation_level="read_committed",  # the worker writes in transactions
            **self.options,
        )
        await self._consumer.start()
        return self

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()

    async def poll(self, timeout_s: float = 0.5) -> int:
        assert self._consumer is not None
        batches = await self._consumer.getmany(timeout_ms=int(timeout_s * 1000))
        n = 0
        for tp, msgs in batches.items():
            for m in msgs:
                self.records[tp.topic].append(
                    Consumed(tp.topic, tp.partition, m.offset, m.key, m.value, tuple(m.headers))
                )
                n += 1
        return n

    async def wait_for(
        self,
        done: Callable[[Collector], bool],
        timeout_s: float = 60.0,
        settle_s: float = 0.0,
        abort: Callable[[], bool] = lambda: False,
    ) -> bool:
        """Poll until ``done(self)``; then keep polling ``settle_s`` more (to catch extras).
        False on timeout, or as soon as ``abort()`` (say, the worker died)."""
        deadline = time.monotonic() + timeout_s
        while not done(self):
            if time.monotonic() > deadline or abort():
                return False
            await self.poll()
        settle_end = time.monotonic() + settle_s
        while time.monotonic() < settle_end:
            await self.poll(min(0.5, max(0.05, settle_end - time.monotonic())))
        return True

    def count(self, topic: str) -> int:
        return len(self.records.get(topic, ()))

    def all(self, topic: str) -> list[Consumed]:
        return list(self.records.get(topic, ()))
