"""The fault-injection run: a steady load through N workers while they are killed and restarted,
then a check of every output against a replay of the inputs in event-time order.

    .venv/bin/python -m tests.fault.run [--inputs 200000 --contacts 10000 --opt-outs 1000
                                         --workers 2 --kills 10 --rate 600 --json out.json]

or ``scripts/fault-run`` (sets up .venv and starts the local broker if it is not running). The
broker is restarted once in the middle of the run (``scripts/kafka-local stop`` and ``start``, so
only the local broker; ``--no-broker-restart`` to skip). Exit status 0 when nothing is missing,
there is no violation and the consent table equals the replay's; 1 otherwise; 2 when the run
itself could not be carried out.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from tests.fault.harness import (
    DEFAULT_INPUT_PARTITIONS,
    HarnessError,
    LoadSpec,
    RunConfig,
    format_report,
    run,
)


def _partitions(text: str) -> dict[str, int]:
    """``reply=5,click=3,command=2,request=4``."""
    out = dict(DEFAULT_INPUT_PARTITIONS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, n = part.partition("=")
        if name not in out or not n.isdigit() or int(n) < 1:
            raise argparse.ArgumentTypeError(f"bad partition count {part!r}")
        out[name] = int(n)
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
    p.add_argument("--partitions", type=int, default=8, help="CONSENT_GATE_PARTITIONS")
    p.add_argument(
        "--input-partitions",
        type=_partitions,
        default=dict(DEFAULT_INPUT_PARTITIONS),
        help="partitions of the input topics, e.g. reply=5,click=3,command=2,request=4",
    )
    p.add_argument("--session-timeout", type=float, default=6.0, help="seconds")
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
    local = f"localhost:{os.environ.get('KAFKA_PORT') or 9092}"  # scripts/kafka-local's
    bootstrap = args.bootstrap or local
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
    config = RunConfig(
        bootstrap=bootstrap,
        load=LoadSpec(
            inputs=args.inputs,
            contacts=args.contacts,
            opt_outs=args.opt_outs,
            rate=args.rate,
            seed=args.seed,
        ),
        workers=args.workers,
        kills=args.kills,
        graceful=args.graceful,
        wipe=not args.no_wipe,
        broker_restart=args.broker_restart,
        input_partitions=args.input_partitions,
        settings=settings,
        settle_timeout_s=args.settle_timeout,
        worker_src=args.worker_src,
        work_dir=args.work_dir,
        keep=args.keep,
        log=log,
    )
    try:
        report = run(config)
    except HarnessError as exc:
        print(f"fault-run: the run could not be carried out: {exc}", file=sys.stderr)
        return 2
    print(format_report(report, strict=args.strict))
    if args.json:
        args.json.write_text(report.to_json() + "\n", encoding="utf-8")
    if report.failures(strict=args.strict):
        print(f"logs and state kept in {report.work_dir}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
