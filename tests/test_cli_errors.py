"""Every CLI error is one sentence on stderr and exit code 2, never a traceback, and no library
log line comes before it (aiokafka logs an ERROR per failed connection): with the broker down
(bootstrap at a closed port), a path that cannot be written, a bad option value. Each command
runs as a user runs it (a subprocess), all at once, and each answers within seconds."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from streams.cli import problem


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the test uses it: refused


def run(args: list[str], cwd: Path, port: int) -> tuple[int, str, str, float]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CONSENT_GATE_")},
        "CONSENT_GATE_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
        "PYTHONWARNINGS": "default",  # an unclosed client's ResourceWarning would show
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


SEGMENT = ["export", "segment", "--channel", "SMS", "--status", "unsubscribed"]


def test_every_error_is_one_sentence_and_exit_code_2(tmp_path: Path) -> None:
    port = closed_port()
    rows = tmp_path / "list.csv"
    rows.write_text("contact,channel,when\n+15550100001,SMS,2025-01-02T03:04:05Z\n")
    (tmp_path / "a-file").write_text("")
    cases = {
        # the broker down (today rc 1 and "Unclosed AIOKafkaConsumer", or an ERROR line first)
        "report": ["report"],
        "export events": ["export", "events"],
        "export stats": ["export", "stats", "--format", "csv"],
        "consent history": ["consent", "history", "+15550100001"],
        "import": ["import", str(rows)],
        "deadletter replay": ["deadletter", "replay"],
        "export segment": SEGMENT,
        "topics list": ["topics", "list"],
        # a path that cannot be written (today a 62-line traceback), said before any reading
        "report --html": ["report", "--html", "a-file/report.html"],
        "export --output": ["export", "stats", "--output", "/proc/no/such/dir/stats.csv"],
        "segment --output": [*SEGMENT, "--output", "a-file/segment.csv"],
        # a bad option value (today --code NOPE was accepted and matched nothing)
        "--code NOPE": ["deadletter", "replay", "--code", "NOPE"],
        "--since": ["report", "--since", "last tuesday"],
        "--format": ["report", "--format", "xml"],
    }
    with ThreadPoolExecutor(4) as pool:  # 2 cores shared: a few at a time
        results = dict(
            zip(cases, pool.map(lambda a: run(a, tmp_path, port), cases.values()), strict=True)
        )
    for name, (rc, out, err, seconds) in results.items():
        lines = err.splitlines()
        assert rc == 2, (name, err)
        assert len(lines) == 1 and lines[0].startswith("consent-gate: "), (name, err)
        assert "Traceback" not in err and "Unclosed" not in err, name
        assert seconds < 45, (name, seconds)  # seconds, not a client's minutes of retries
        assert out == "", name
    assert "127.0.0.1:" in results["report"][2] and "broker" in results["report"][2]
    assert "a-file is a file, not a folder" in results["report --html"][2]
    assert "/proc/no/such/dir/stats.csv" in results["export --output"][2]
    assert "a-file is a file, not a folder" in results["segment --output"][2]  # before reading
    assert "'NOPE' is no dead-letter code" in results["--code NOPE"][2]
    assert "UNKNOWN_CHANNEL" in results["--code NOPE"][2]


def test_the_worker_with_the_broker_down_says_so_once_without_aiokafkas_errors(
    tmp_path: Path,
) -> None:
    rc, out, err, seconds = run(["worker"], tmp_path, closed_port())
    lines = err.splitlines()
    assert rc == 2 and seconds < 45 and out == "", err
    assert lines[-1].startswith("consent-gate: ") and "127.0.0.1:" in lines[-1], err
    # Before it, only its own start line (structured, info): no ERROR of the client library.
    assert [line for line in lines[:-1] if "worker.start" not in line] == [], err
    assert "Unable connect" not in err and "Traceback" not in err


def test_library_log_lines_show_only_when_asked(tmp_path: Path) -> None:
    rc, _, err, _ = run(["--verbose", "consent", "history", "c1"], tmp_path, closed_port())
    assert rc == 2 and err.splitlines()[-1].startswith("consent-gate: ")
    assert "aiokafka" in err  # its own account of the failed connection, asked for


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (PermissionError(13, "Permission denied", "/x/y"), "Cannot use /x/y: Permission denied."),
        (TimeoutError(), "The Kafka broker did not answer as expected (TimeoutError)"),
    ],
)
def test_other_expected_errors_are_one_sentence(exc: BaseException, said: str) -> None:
    assert (problem(exc) or "").startswith(said)
    assert problem(ValueError("a bug")) is None  # unexpected: named, with --verbose for more


def test_an_unexpected_error_is_named_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import streams.cli as cli

    def broken() -> None:
        raise ValueError("a bug\nwith a second line")

    monkeypatch.setattr(cli, "_settings", broken)
    monkeypatch.setattr(cli, "cli_logging", lambda verbose: None)  # this process's logging stays
    done = CliRunner().invoke(cli.main, ["settings"])
    assert done.exit_code == 2
    assert done.output.strip() == (
        "consent-gate: unexpected ValueError: a bug (run with --verbose for the traceback)"
    )
    verbose = CliRunner().invoke(cli.main, ["--verbose", "settings"])
    assert isinstance(verbose.exception, ValueError)  # the traceback, asked for


def test_another_avro_library_version_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command starts by checking the fastavro and Apache avro versions the codec's
    internals were written for (streams/models/avro_internals.py)."""
    from importlib import metadata

    from click.testing import CliRunner

    import streams.cli as cli

    real = metadata.version
    monkeypatch.setattr(
        metadata, "version", lambda name: "1.14.0" if name == "fastavro" else real(name)
    )
    monkeypatch.setattr(cli, "cli_logging", lambda verbose: None)
    done = CliRunner().invoke(cli.main, ["settings"])
    assert done.exit_code == 2
    assert done.output.strip() == (
        "consent-gate: consent-gate's Avro codec was written for fastavro 1.13.x (it relies on "
        "its internals: streams/models/avro_internals.py) but 1.14.0 is installed: install "
        "fastavro==1.13.*."
    )
