"""A network partition between one worker and the brokers: the fault run's ``cut`` flavour.

The worker runs in a network namespace of its own (``unshare -n``: nothing but a loopback), where
a :class:`Bridge` listens on each broker's port and forwards to that broker in the machine's
namespace. Cutting the bridge stops every byte both ways and keeps every connection open, as a
partition does: no reset, no error, the worker's requests just get no answer, and a connection
it opens meanwhile is accepted but reaches no broker. Healing it lets the data through again, as
TCP delivers what it retransmits once a partition heals. The brokers and the other worker never
notice anything but the cut-off worker's silence.

Needs root (network namespaces, ``setns``) and util-linux's ``unshare`` and ``nsenter``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Sequence

CLONE_NEWNET = 0x40000000


def available() -> str | None:
    """Why network cuts cannot run here (None: they can)."""
    if os.geteuid() != 0:
        return "network cuts need root (a network namespace per worker)"
    missing = [tool for tool in ("unshare", "nsenter", "ip") if shutil.which(tool) is None]
    return f"network cuts need {', '.join(missing)}" if missing else None


def _setns(fd: int) -> None:
    """This thread into the network namespace open as ``fd``."""
    if ctypes.CDLL("libc.so.6", use_errno=True).setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


class NetNamespace:
    """A network namespace with only its loopback up, kept alive by a sleeping process."""

    def __init__(self) -> None:
        mine = os.readlink("/proc/self/ns/net")
        self.holder = subprocess.Popen(["unshare", "-n", "sleep", "infinity"])
        self.path = f"/proc/{self.holder.pid}/ns/net"
        deadline = time.monotonic() + 10
        while os.readlink(self.path) == mine:  # until the holder is in its own namespace
            if time.monotonic() > deadline:
                raise RuntimeError("unshare -n did not make a network namespace")
            time.sleep(0.01)
        subprocess.run(self.wrap(["ip", "link", "set", "lo", "up"]), check=True)

    def wrap(self, command: Sequence[str]) -> list[str]:
        """``command`` run inside the namespace."""
        return ["nsenter", f"--net={self.path}", *command]

    def close(self) -> None:
        self.holder.kill()
        self.holder.wait(10)


class Bridge:
    """Forwards ``127.0.0.1:port`` inside ``ns`` to ``127.0.0.1:port`` outside, for each port,
    until :meth:`cut`; again after :meth:`heal`."""

    def __init__(self, ns: NetNamespace, ports: Sequence[int]) -> None:
        self.ports = list(ports)
        self._loop = asyncio.new_event_loop()
        self._open = asyncio.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._servers: list[asyncio.AbstractServer] = []
        self._thread = threading.Thread(
            target=self._run, args=(ns.path,), name="net-bridge", daemon=True
        )
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise self._error

    def _run(self, ns_path: str) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            home = os.open(f"/proc/self/task/{threading.get_native_id()}/ns/net", os.O_RDONLY)
            worker = os.open(ns_path, os.O_RDONLY)
            try:
                _setns(worker)  # listening sockets inside the worker's namespace
                sockets = [socket.create_server(("127.0.0.1", port)) for port in self.ports]
                _setns(home)  # connections to the brokers: outside
            finally:
                os.close(worker)
                os.close(home)
            for sock, port in zip(sockets, self.ports, strict=True):
                serve = functools.partial(self._serve, port=port)
                server = self._loop.run_until_complete(asyncio.start_server(serve, sock=sock))
                self._servers.append(server)
            self._open.set()
        except BaseException as exc:  # reported to the constructor
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        await self._open.wait()  # opened during a cut: it reaches no broker until it heals
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await self._open.wait()
                data = await reader.read(65536)
                if not data:
                    break
                await self._open.wait()  # cut meanwhile: held, as TCP holds what it resends
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(ConnectionError, OSError, RuntimeError):
                writer.close()

    def cut(self) -> None:
        self._loop.call_soon_threadsafe(self._open.clear)

    def heal(self) -> None:
        self._loop.call_soon_threadsafe(self._open.set)

    def close(self) -> None:
        def stop() -> None:
            for server in self._servers:
                server.close()
            self._open.set()
            self._loop.stop()

        self._loop.call_soon_threadsafe(stop)
        self._thread.join(10)


def broker_ports(bootstrap: str) -> list[int]:
    """The ports of ``host:port,host:port`` (every broker of the fault run is on this host)."""
    return [int(hp.rsplit(":", 1)[1]) for hp in bootstrap.split(",") if hp.strip()]
