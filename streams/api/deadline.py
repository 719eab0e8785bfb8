"""A Kafka send with a deadline after which the record is never written.

aiokafka's idempotent producer never gives up on a record: while the partition's leader is known
but unreachable it keeps the batch and retries until the broker is back, however long that is
(a consent command sent just after the broker went down was acknowledged 13 minutes later). A
client that was told "not taken" would then see its command applied behind its back.

:class:`DeadlineProducer` answers by a deadline, and at the deadline makes sure of the rest: it
*kills* the producer (no produce request is written after that instant: its sender and every
produce task are cancelled, every record still waiting fails) and tells the record's fate:

* :class:`NotTaken`: no produce request carrying the record was written to a connection to a
  broker (the broker is down, refuses connections, or its metadata did not come): Kafka surely
  did not take it, and never will;
* :class:`MaybeTaken`: a produce request carrying it was written (it may have reached the broker
  and been appended, without an answer in time); it will not be sent again.

The next send starts a new producer. This relies on aiokafka 0.14's producer internals (the
sender, its ``_send_produce_req``, the client's ``send``, the accumulator's batches), checked when
the producer is made (:func:`_check_internals`) so that another version fails loudly instead of
silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable, Coroutine
from typing import Any

import aiokafka
from aiokafka import AIOKafkaProducer
from aiokafka.client import ConnectionGroup
from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, NodeNotReadyError
from aiokafka.protocol.produce import ProduceRequest

#: The aiokafka versions whose internals this module was written against and tested with.
SUPPORTED_AIOKAFKA = ("0.14.",)
#: The attribute a batch gets once a produce request carrying it was started.
_HANDED = "cg_handed"


class NotTaken(Exception):
    """Kafka did not take the record and never will (the message says why)."""


class MaybeTaken(Exception):
    """The record was on its way when the deadline came: Kafka may have taken it, or not; it
    will not be sent again."""


def _check_internals(producer: AIOKafkaProducer) -> None:
    sender = getattr(producer, "_sender", None)
    accumulator = getattr(producer, "_message_accumulator", None)
    if (
        not aiokafka.__version__.startswith(SUPPORTED_AIOKAFKA)
        or sender is None
        or not hasattr(sender, "_send_produce_req")
        or not hasattr(sender, "sender_task")
        or not hasattr(producer.client, "ready")
        or accumulator is None
        or not all(hasattr(accumulator, a) for a in ("_batches", "_pending_batches", "fail_all"))
    ):
        raise RuntimeError(
            f"aiokafka {aiokafka.__version__} is not a version the consent commands' deadline "
            f"was written for ({', '.join(SUPPORTED_AIOKAFKA)}x): pin it, or check "
            "streams/api/deadline.py against it"
        )


#: The batches of the produce request the running produce task is sending.
_BATCHES: contextvars.ContextVar[tuple[Any, ...]] = contextvars.ContextVar("_BATCHES", default=())


class DeadlineProducer:
    """One started aiokafka producer, killed at the first deadline it misses.

    Two hooks on the producer: its sender's produce tasks are tracked (to cancel them at a kill,
    and to do nothing if one starts after it), and its client's ``send`` connects first, then,
    unless the producer was killed meanwhile, notes the request's batches as handed and writes
    the request (aiokafka writes a request to a connected socket without yielding to the loop,
    so nothing is written after a kill, and whatever may have been written is noted)."""

    def __init__(self, make: Callable[[], AIOKafkaProducer]) -> None:
        self.producer = make()
        _check_internals(self.producer)
        self.dead = False
        self._tasks: set[asyncio.Task[Any]] = set()  # produce tasks running
        #: Records failed by the kill: whether a produce request carrying them was started.
        self._fates: dict[asyncio.Future[Any], bool] = {}
        sender = self.producer._sender
        produce: Callable[[int, dict[Any, Any]], Coroutine[Any, Any, Any]]
        produce = sender._send_produce_req

        async def tracked(node_id: int, batches: dict[Any, Any]) -> Any:
            # Created by the sender's loop, started here: after a kill, send nothing.
            if self.dead:
                return None
            task = asyncio.current_task()
            assert task is not None
            self._tasks.add(task)
            _BATCHES.set(tuple(batches.values()))  # this task's own context
            try:
                return await produce(node_id, batches)
            finally:
                self._tasks.discard(task)

        sender._send_produce_req = tracked
        client = self.producer.client
        send: Callable[..., Coroutine[Any, Any, Any]] = client.send

        async def guarded(
            node_id: int, request: Any, *, group: Any = ConnectionGroup.DEFAULT
        ) -> Any:
            if self.dead:
                raise KafkaConnectionError("the producer missed a deadline and was killed")
            if isinstance(request, ProduceRequest):
                if not await client.ready(node_id, group=group):
                    raise NodeNotReadyError(f"node {node_id} is not reachable")
                if self.dead:
                    raise KafkaConnectionError("the producer missed a deadline and was killed")
                for batch in _BATCHES.get():
                    setattr(batch, _HANDED, True)
            return await send(node_id, request, group=group)

        client.send = guarded

    async def start(self) -> None:
        await self.producer.start()

    async def send(
        self,
        topic: str,
        value: bytes,
        *,
        key: bytes,
        timestamp_ms: int,
        deadline: float,
    ) -> None:
        """Write the record, acknowledged as the producer's ``acks`` say, by ``deadline`` (the
        loop's clock); else :class:`NotTaken` or :class:`MaybeTaken`, and the producer is dead."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] | None = None
        try:
            async with asyncio.timeout_at(deadline):
                future = await self.producer.send(topic, value, key=key, timestamp_ms=timestamp_ms)
        except TimeoutError:
            # Cancelled before the record was queued (waiting for metadata or for room).
            self.kill()
            raise NotTaken("no Kafka broker answered in time") from None
        assert future is not None
        done, _ = await asyncio.wait({future}, timeout=max(0.0, deadline - loop.time()))
        if not done:
            self.kill()
        handed = self._fates.pop(future, None)  # set by a kill (this send's or another's)
        if handed is None and future.done():
            future.result()  # acknowledged, or the error Kafka answered (aiokafka's KafkaError)
            return
        if future.done() and not future.cancelled():
            future.exception()  # failed by the kill: retrieved, so not logged as forgotten
        if handed is False:
            raise NotTaken("no Kafka broker took it in time")
        raise MaybeTaken(
            "Kafka did not acknowledge it in time after it was sent: it may have been written"
        )

    def kill(self) -> None:
        """From now on write nothing: stop the sender and every produce request not yet
        written, fail every record still waiting, and note of each whether a produce request
        carrying it was started. Synchronous: nothing of the producer runs between the deadline
        and this."""
        if self.dead:
            return
        self.dead = True
        task = self.producer._sender.sender_task
        if task is not None:
            task.cancel()
        for produce in list(self._tasks):
            produce.cancel()
        accumulator = self.producer._message_accumulator
        queued = [b for batches in accumulator._batches.values() for b in batches]
        for batch in [*queued, *accumulator._pending_batches]:
            handed = bool(getattr(batch, _HANDED, False))
            for future, _ in batch._msg_futures:
                if not future.done():
                    self._fates[future] = handed
        accumulator.fail_all(KafkaTimeoutError("the deadline of a consent command passed"))

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Close the connections (flushes what is waiting unless :meth:`kill` was called)."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.producer.stop(), timeout_s)
