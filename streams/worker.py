"""The worker process: the engine (streams/kafka/engine.py), the HTTP API (streams/api/) and
signals, with progress lines and a plain exit code. It sits above both `kafka/` and `api/`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal

from streams.kafka.engine import STOP_TIMEOUT_S, Engine, FatalError
from streams.logs import log_event
from streams.settings import Settings

logger = logging.getLogger("consent_gate.worker")

#: The cyclic garbage collector's thresholds in the worker (Python's: 700, 10, 10). The hot path
#: allocates a few dozen objects per record and makes almost no cycles, yet with the default a
#: collection ran every ~60 records and a full one every few seconds, scanning everything alive:
#: 0.9-1.8 s of a 100,000-record backlog, 9-18 µs a record (measured with gc.callbacks, 5 runs);
#: with these and gc.freeze() after the start, 0.07-0.2 s. Cycles are still collected, later.
GC_THRESHOLDS = (50_000, 20, 20)


async def _progress(engine: Engine, interval_s: float) -> None:
    """Totals since start, one line each interval in which something happened (the worker's own
    watermarks do not count: an idle worker writes them too)."""
    last: dict[str, int] = {}
    while True:
        await asyncio.sleep(interval_s)
        now = {k: v for k, v in engine.counters.items() if k != "watermarks"}
        if now != last:
            last = now
            held = sum(p.held() for p in engine.parts.values())
            log_event(
                logger,
                "progress",
                held=held,
                grace_ms=engine.grace_ms,
                **dict(sorted(engine.counters.items())),
            )


def run(settings: Settings) -> int:
    """Run the worker on uvloop (a faster event loop) where it is installed, else asyncio's, as
    the whole process (its garbage collector tuned: :data:`GC_THRESHOLDS`)."""
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        import uvloop
    except ImportError:
        return asyncio.run(serve(settings))
    return uvloop.run(serve(settings))


async def _start_and_run(engine: Engine) -> None:
    await engine.start()
    # What start-up built mostly lives as long as the process: collections skip it from now on
    # (what of it becomes garbage later stays: a few objects, once). The garbage made so far is
    # collected first, or it would be frozen too.
    gc.collect()
    gc.freeze()
    await engine.run()


async def serve(settings: Settings) -> int:
    """Run until SIGINT/SIGTERM (then commit what was processed and leave the group); 0 on a
    clean stop, 2 when the worker cannot go on (the reason is logged in one sentence).
    Process-wide: once the engine has started, it calls ``gc.freeze()``."""
    engine = Engine(settings)
    api = None
    if settings.http_port:
        from streams.api.metrics import Metrics
        from streams.api.server import ConsentApi

        metrics = Metrics(engine)
        engine.observer = metrics
        api = ConsentApi(settings, engine, metrics)
        try:
            await api.start()  # /healthz answers while the engine starts
        except OSError as exc:
            logger.critical(
                "The HTTP API cannot listen on %s:%d (%s): set CONSENT_GATE_HTTP_PORT to a free "
                "port (0 turns the API off).",
                settings.http_host,
                settings.http_port,
                exc.strerror or exc,
            )
            return 2
    loop = asyncio.get_running_loop()
    code = 0
    progress = asyncio.create_task(_progress(engine, settings.progress_interval_s))
    main = asyncio.create_task(_start_and_run(engine))

    def stop() -> None:
        # The loop ends its batch and stops; if Kafka is down it may be waiting for it (a
        # recovery, a start): then it is cancelled, as a crash would end it (nothing more is
        # committed, the next start goes on from the last commit).
        engine.stop_soon()
        loop.call_later(STOP_TIMEOUT_S, main.cancel)

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        await main
    except FatalError as exc:
        logger.critical("%s", exc)
        code = 2
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if not main.cancelled() or (task is not None and task.cancelling()):
            raise  # serve itself was cancelled
        log_event(
            logger,
            "worker.stop_forced",
            logging.WARNING,
            waited_s=STOP_TIMEOUT_S,
            reason="the loop waited for Kafka; nothing more was committed",
        )
    finally:
        progress.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await progress
        if api is not None:
            await api.stop()  # before the engine closes the table it reads
        await engine.stop()
    return code
