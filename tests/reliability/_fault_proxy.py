"""A TCP fault proxy for the fault rows (RELIABILITY.md §2: no toxiproxy or netem here).

``FaultProxy(host, port)`` listens on a free loopback port and forwards each connection
to ``host:port``, applying the fault set with ``set()`` to the next connections:

    pass                  forward untouched
    latency(ms)           hold every chunk, both ways, for ``ms`` milliseconds
    reset(after, "up")    forward ``after`` bytes client->server, then RST both sides
    reset(after, "down")  ... server->client: the server did the work, the client
                          never hears of it (a lost response)
    blackhole             accept and read, never forward, never answer
    http500               read the request, answer a canned ``HTTP/1.1 500`` with an S3
                          ``InternalError`` body, close; the server never sees it

``times=N`` applies the fault to the next N connections, then passes again (``None``:
until changed). ``set()`` drops live connections, so a client's pooled keep-alive
connection cannot dodge the new fault. ``injected`` counts faulted connections and
``resets`` the connections a reset really cut, so a test can show its fault happened.
Runs its own event loop on a daemon thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

_CHUNK = 64 * 1024
_S3_500 = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>'
    b"<Message>injected by the fault proxy</Message></Error>"
)
CANNED_500 = (
    b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\n"
    + f"Content-Length: {len(_S3_500)}\r\nConnection: close\r\n\r\n".encode()
    + _S3_500
)


@dataclass(frozen=True)
class Fault:
    mode: str = "pass"  # pass | latency | reset | blackhole | http500
    ms: int = 0
    after: int = 0
    direction: str = "up"
    times: int | None = None


class _Reset(Exception):
    """The fault budget of a connection is spent: cut it with an RST."""


class FaultProxy:
    def __init__(self, host: str, port: int) -> None:
        self._upstream = (host, port)
        self._fault = Fault()
        self._lock = threading.Lock()
        self._live: set[asyncio.StreamWriter] = set()
        self.injected = 0
        self.resets = 0  # connections a reset fault actually cut
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *_: object) -> None:
        if self._server is not None:
            self._call(self._close(self._server))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(self, mode: str = "pass", **options: int | str | None) -> None:
        """The fault for the next connections (see the module docstring)."""
        fault = replace(Fault(mode=mode), **options)  # type: ignore[arg-type]
        with self._lock:
            self._fault = fault
        self._call(self._drop_live())

    @contextlib.contextmanager
    def fault(self, mode: str, **options: int | str | None) -> Iterator[FaultProxy]:
        self.set(mode, **options)
        try:
            yield self
        finally:
            self.set("pass")

    def _call(self, coroutine):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _close(self, server: asyncio.Server) -> None:
        # On the loop's thread: a connection ending there as the server closes would
        # otherwise wake the server's waiters twice (a TypeError inside asyncio).
        server.close()
        await self._drop_live()

    async def _drop_live(self) -> None:
        for writer in list(self._live):
            _rst(writer)
        self._live.clear()

    def _claim(self) -> Fault:
        """The fault a new connection carries. A reset's budget is spent when it cuts
        (``_may_cut``), not here: a connection may end before its byte count is reached."""
        with self._lock:
            fault = self._fault
            if fault.mode == "pass" or fault.times == 0:
                return Fault()
            if fault.mode != "reset":
                if fault.times is not None:
                    self._fault = replace(fault, times=fault.times - 1)
                self.injected += 1
            return fault

    def _may_cut(self) -> bool:
        """Whether a reset may fire now (the fault still set, its budget not spent)."""
        with self._lock:
            fault = self._fault
            if fault.mode != "reset" or fault.times == 0:
                return False
            if fault.times is not None:
                self._fault = replace(fault, times=fault.times - 1)
            self.injected += 1
            return True

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        fault = self._claim()
        self._live.add(writer)
        try:
            if fault.mode == "blackhole":
                while await reader.read(_CHUNK):
                    pass
            elif fault.mode == "http500":
                await _answer_500(reader, writer)
            else:
                await self._forward(reader, writer, fault)
        except _Reset:
            self.resets += 1
            _rst(writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            _rst(writer)
        finally:
            self._live.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    async def _forward(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, fault: Fault
    ) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        self._live.add(up_writer)
        try:
            await asyncio.gather(
                _pipe(reader, up_writer, fault, "up", self._may_cut),
                _pipe(up_reader, writer, fault, "down", self._may_cut),
            )
        except _Reset:
            _rst(up_writer)
            raise
        finally:
            self._live.discard(up_writer)
            with contextlib.suppress(Exception):
                up_writer.close()


async def _pipe(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    fault: Fault,
    direction: str,
    may_cut: Callable[[], bool],
) -> None:
    sent = 0
    cuts_here = fault.mode == "reset" and fault.direction == direction
    while True:
        data = await reader.read(_CHUNK)
        if not data:
            with contextlib.suppress(Exception):
                writer.write_eof()
            return
        if cuts_here and sent + len(data) > fault.after:
            cuts_here = may_cut()  # once; a spent budget lets the connection pass
        if cuts_here and sent + len(data) > fault.after:
            # Cut once bytes past the budget arrive: with after=0 going down, the server
            # has done the work and answered, and the client hears nothing.
            if fault.after > sent:
                writer.write(data[: fault.after - sent])
                await writer.drain()
            raise _Reset
        if fault.mode == "latency":
            await asyncio.sleep(fault.ms / 1000)
        writer.write(data)
        await writer.drain()
        sent += len(data)


async def _answer_500(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read one request (its head, and a body of known length unless the client waits
    for ``100 Continue``), then answer 500 and close."""
    head = await reader.readuntil(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    if length and headers.get("expect", "").lower() != "100-continue":
        await reader.readexactly(length)
    writer.write(CANNED_500)
    await writer.drain()


def _rst(writer: asyncio.StreamWriter) -> None:
    """Close with an RST (SO_LINGER 0), as a crashed peer or a middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
