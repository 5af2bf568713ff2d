"""A connection's writes made in one turn of the event loop go out as one.

uvicorn writes a response's head and its body with two ``transport.write`` calls. Over
TLS each call is a TLS record of its own and a ``send`` system call of its own, and on
a loaded server those were about a third of the event loop's time on small answers
(``py-spy`` on ``bench/load.py``'s ``GET /healthz``): the head alone cost more than the
body. Writes gathered until the loop's next turn leave as one record and one ``send``;
nothing waits longer than the rest of the current turn, and a large stream is passed
on as soon as ``FLUSH_BYTES`` have gathered (so the real transport's flow control
still sees it).
"""

from __future__ import annotations

import asyncio
from typing import Any

FLUSH_BYTES = 64 * 1024


class CoalescedWrites:
    """Stands in for the connection's transport; everything but writing and closing is
    the real transport's."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._gathered: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._gathered:
            self._loop.call_soon(self.flush)
        self._gathered.append(bytes(data))
        self._size += len(data)
        if self._size >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._gathered:
            return
        data = self._gathered[0] if len(self._gathered) == 1 else b"".join(self._gathered)
        self._gathered.clear()
        self._size = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
