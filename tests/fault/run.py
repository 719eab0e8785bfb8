"""The fault-injection run: a steady load through N workers while they are killed and restarted,
then a check of every output against a replay of the inputs in event-time order.

    .venv/bin/python -m tests.fault.run [--inputs 200000 --contacts 10000 --opt-outs 1000
                                         --workers 2 --kills 10 --rate 600 --json out.json]

or ``scripts/fault-run`` (sets up .venv and starts the local broker if it is not running). The
broker is restarted once in the middle of the run (``scripts/kafka-local stop`` and ``start``, so
only the local broker; ``--no-broker-restart`` to skip).

Freezes (``--freezes N``): a worker's process group is stopped with SIGSTOP and continued with
SIGCONT later, in turn below the session timeout (short), past it (session) and past the
transaction timeout too (txn); ``--freeze-kinds`` picks the mix, ``--freeze-seconds`` the
durations. While a worker is frozen, STOP -> CAMPAIGN races land: a STOP from another producer
client and a CAMPAIGN to the same contact right after it, neither waiting.

Broker faults (``--brokers 3 --broker-kills N --broker-freezes N``) start a cluster of the run's
own (tests/fault/cluster.py; ports KAFKA_PORT+10 and up, data in the work dir), kill -9 the
broker leading the most by-contact and changelog partitions, or SIGSTOP it for 30 s.

``--system faust`` or ``faust-eos`` runs the benchmark's Faust gate (at-least-once or
exactly_once) through the same inputs and faults instead of consent-gate's workers, and counts
its outputs by its own rules (tests/fault/peers.py says how; the report's ``note:`` lines too).

The report ends with the figures per fault kind. Exit status 0 when nothing is missing, there is
no violation and the consent table equals the replay's; 1 otherwise; 2 when the run itself could
not be carried out.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from tests.fault.cluster import LocalCluster
from tests.fault.harness import (
    ALL_FREEZE_FLAVOURS,
    DEFAULT_INPUT_PARTITIONS,
    FREEZE_FLAVOURS,
    HarnessError,
    LoadSpec,
    RunConfig,
    format_report,
    run,
)
from tests.fault.peers import FAUST_PYTHON, SYSTEMS, peer


def _partitions(text: str) -> dict[str, int]:
    """``reply=5,click=3,command=2,request=4``."""
    out = dict(DEFAULT_INPUT_PARTITIONS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, n = part.partition("=")
        if name not in out or not n.isdigit() or int(n) < 1:
            raise argparse.ArgumentTypeError(f"bad partition count {part!r}")
        out[name] = int(n)
    return out


def _flavours(text: str) -> tuple[str, ...]:
    """``session,txn,short`` (taken in turn)."""
    kinds = tuple(filter(None, (k.strip() for k in text.split(","))))
    bad = [k for k in kinds if k not in ALL_FREEZE_FLAVOURS]
    if bad or not kinds:
        raise argparse.ArgumentTypeError(
            f"freeze kinds are {', '.join(ALL_FREEZE_FLAVOURS)}; got {text!r}"
        )
    return kinds


def _freeze_seconds(text: str) -> dict[str, tuple[float, float]]:
    """``session=7-9,txn=12-20,short=1-3`` (or one number: always that long)."""
    out: dict[str, tuple[float, float]] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, span = part.partition("=")
        low, _, high = span.partition("-")
        try:
            lo, hi = float(low), float(high or low)
        except ValueError:
            lo = hi = -1.0
        if name not in ALL_FREEZE_FLAVOURS or not 0 < lo <= hi:
            raise argparse.ArgumentTypeError(f"bad freeze seconds {part!r} (e.g. session=7-9)")
        out[name] = (lo, hi)
    return out


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"--set wants NAME=VALUE, got {text!r}")
    return name.strip().lower().removeprefix("consent_gate_"), value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m tests.fault.run",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument(
        "--system",
        choices=SYSTEMS,
        default="consent-gate",
        help="whose gate runs: consent-gate's workers, or the Faust gate of the benchmark "
        "(benchmarks/.venv-faust) at-least-once (faust) or exactly_once (faust-eos)",
    )
    p.add_argument("--bootstrap", default=None, help="Kafka (default: the local broker's)")
    p.add_argument("--inputs", type=int, default=200_000)
    p.add_argument("--contacts", type=int, default=10_000)
    p.add_argument("--opt-outs", type=int, default=1_000, help="opt-outs by reply/click/command")
    p.add_argument("--rate", type=float, default=600.0, help="inputs per second")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--kills", type=int, default=10, help="kill -9 (and restart) this many times")
    p.add_argument("--graceful", type=int, default=1, help="graceful (SIGTERM) restarts")
    p.add_argument("--no-wipe", action="store_true", help="never delete a worker's state dir")
    p.add_argument(
        "--broker-restart",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="restart the local broker once (scripts/kafka-local stop/start)",
    )
    p.add_argument("--freezes", type=int, default=0, help="SIGSTOP/SIGCONT a worker N times")
    p.add_argument(
        "--freeze-kinds",
        type=_flavours,
        default=FREEZE_FLAVOURS,
        help="freeze flavours taken in turn: short (below the session timeout), session (past "
        "it, below the transaction timeout), txn (past the transaction timeout), cut (not in "
        "the default: the worker cut off the brokers, awake, past the transaction timeout; a "
        "network namespace per worker, needs root)",
    )
    p.add_argument(
        "--freeze-seconds",
        type=_freeze_seconds,
        default={},
        help="durations per flavour, e.g. session=7-9,txn=12-20,short=1-3 (default: from the "
        "session and transaction timeouts)",
    )
    p.add_argument(
        "--freeze-race-rate",
        type=float,
        default=20.0,
        help="STOP -> CAMPAIGN races per second during a freeze and 3 s after it",
    )
    p.add_argument(
        "--brokers",
        type=int,
        default=1,
        help="3: run against a three-broker cluster of the run's own (KAFKA_PORT+10..+15)",
    )
    p.add_argument("--broker-kills", type=int, default=0, help="kill -9 the leading broker")
    p.add_argument("--broker-freezes", type=int, default=0, help="SIGSTOP the leading broker")
    p.add_argument("--broker-freeze-seconds", type=float, default=30.0)
    p.add_argument("--partitions", type=int, default=8, help="CONSENT_GATE_PARTITIONS")
    p.add_argument(
        "--input-partitions",
        type=_partitions,
        default=dict(DEFAULT_INPUT_PARTITIONS),
        help="partitions of the input topics, e.g. reply=5,click=3,command=2,request=4",
    )
    p.add_argument("--session-timeout", type=float, default=6.0, help="seconds")
    p.add_argument(
        "--slow-disk",
        type=float,
        default=0.0,
        metavar="MS",
        help="every write and sync under the workers' state directories takes MS longer (an "
        "LD_PRELOAD shim built with gcc)",
    )
    p.add_argument(
        "--clock-skew",
        type=int,
        default=0,
        metavar="MS",
        help="the clock of the producer client that sends the STOPs of the freeze races is MS "
        "off (negative: behind); its records carry its time",
    )
    p.add_argument(
        "--set",
        dest="settings",
        type=_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other setting, e.g. --set max_hold_ms=30000 (repeatable)",
    )
    p.add_argument("--settle-timeout", type=float, default=240.0, help="seconds")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--worker-src", type=Path, help="run the worker from this source tree")
    p.add_argument(
        "--mixed-src",
        type=Path,
        help="run every second worker (w1, w3, ...) from this source tree: two versions in one "
        "group, as in a rolling upgrade",
    )
    p.add_argument("--work-dir", type=Path, help="logs and state (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the topics and the work dir")
    p.add_argument("--json", type=Path, help="write the figures to this file")
    p.add_argument(
        "--strict", action="store_true", help="also fail on duplicates and consent-event diffs"
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import confluent_kafka  # noqa: F401
    except ImportError:
        print(
            "fault-run: needs confluent-kafka: .venv/bin/pip install confluent-kafka",
            file=sys.stderr,
        )
        return 2
    if args.system.startswith("faust") and not FAUST_PYTHON.exists():
        print(
            f"fault-run: --system {args.system} needs {FAUST_PYTHON} (benchmarks/compare "
            "--systems faust installs it)",
            file=sys.stderr,
        )
        return 2
    local = f"localhost:{os.environ.get('KAFKA_PORT') or 9092}"  # scripts/kafka-local's
    bootstrap = args.bootstrap or local
    if (args.broker_kills or args.broker_freezes) and args.brokers < 2:
        print("fault-run: broker kills and freezes need --brokers 3", file=sys.stderr)
        return 2
    if args.brokers > 1 and (args.bootstrap or args.broker_restart):
        print(
            "fault-run: --brokers runs a cluster of its own: drop --bootstrap, add "
            "--no-broker-restart",
            file=sys.stderr,
        )
        return 2
    if args.broker_restart and bootstrap != local:
        print(
            "fault-run: --broker-restart needs the local broker (scripts/kafka-local); "
            "add --no-broker-restart",
            file=sys.stderr,
        )
        return 2
    t0 = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - t0:7.1f}s] {message}", flush=True)

    settings = dict(args.settings)
    settings.update(partitions=args.partitions, session_timeout_s=args.session_timeout)
    cluster: LocalCluster | None = None
    if args.brokers > 1:
        port = int(os.environ.get("KAFKA_PORT") or 9092) + 10
        where = args.work_dir or Path(tempfile.mkdtemp(prefix="cg-fault-cluster-"))
        cluster = LocalCluster(port, where / "cluster", brokers=args.brokers)
    config = RunConfig(
        bootstrap=bootstrap,
        load=LoadSpec(
            inputs=args.inputs,
            contacts=args.contacts,
            opt_outs=args.opt_outs,
            rate=args.rate,
            freeze_race_rate=args.freeze_race_rate,
            seed=args.seed,
        ),
        workers=args.workers,
        kills=args.kills,
        graceful=args.graceful,
        wipe=not args.no_wipe,
        broker_restart=args.broker_restart,
        freezes=args.freezes,
        freeze_kinds=args.freeze_kinds,
        freeze_seconds=args.freeze_seconds,
        cluster=cluster,
        broker_kills=args.broker_kills,
        broker_freezes=args.broker_freezes,
        broker_freeze_s=args.broker_freeze_seconds,
        clock_skew_ms=args.clock_skew,
        slow_disk_ms=args.slow_disk,
        input_partitions=args.input_partitions,
        settings=settings,
        settle_timeout_s=args.settle_timeout,
        worker_src=args.worker_src,
        mixed_src=args.mixed_src,
        peer=peer(args.system),
        work_dir=args.work_dir,
        keep=args.keep,
        log=log,
    )
    try:
        if cluster is not None:
            log(f"cluster: starting {args.brokers} brokers in {cluster.data_dir}")
            cluster.start()
            config.bootstrap = cluster.bootstrap
            log(f"cluster: up on {cluster.bootstrap}, pids {cluster.pids()}")
        report = run(config)
    except HarnessError as exc:
        print(f"fault-run: the run could not be carried out: {exc}", file=sys.stderr)
        return 2
    finally:
        if cluster is not None:
            cluster.stop()
    print(format_report(report, strict=args.strict))
    if args.json:
        args.json.write_text(report.to_json() + "\n", encoding="utf-8")
    if report.failures(strict=args.strict):
        print(f"logs and state kept in {report.work_dir}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
