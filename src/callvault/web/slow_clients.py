"""Slow clients are cut off: uvicorn's HTTP protocol with a header and a body timeout
(and its writes coalesced, ``callvault.web.coalesced``).

uvicorn times out only an idle keep-alive connection. A client that connects and sends
nothing, dribbles its request head a byte at a time, or stops sending a body it
announced (slow-loris, RELIABILITY.md B2) holds its connection, and a slot under
``limit_concurrency``, for ever; a few hundred of them and every other client gets 503.
This protocol closes such connections:

- the request head (request line and headers) must arrive within
  ``CALLVAULT_HTTP_HEADER_TIMEOUT_SECONDS`` (default 10) of the connection or of the
  request's first byte: a 408 is sent and the connection closed;
- once the head is in, the body may pause at most
  ``CALLVAULT_HTTP_BODY_IDLE_SECONDS`` (default 30) between bytes, counted only while the
  application is waiting for more (not while uvicorn's flow control holds reading): the
  connection is closed, so the application sees a client disconnect and stores nothing;
- a request answered before its body ended (a 413 for a body over the limit, sent as
  soon as the limit is passed or a Content-Length says so) is closed
  ``LINGER_SECONDS`` later: long enough for the client to read the answer, and an
  endless body is not read and discarded for ever.

The defaults leave room for any real client (a request head is one packet; a body keeps
flowing); a reverse proxy in front (nginx's ``client_header_timeout`` and
``client_body_timeout``) applies its own as well. The environment variables exist for
tests and for operators behind very slow links.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from callvault.web.coalesced import CoalescedWrites

# What uvicorn.Config(http=...) is given: a string, so that worker processes import it.
GUARDED_HTTP = "callvault.web.slow_clients:GuardedHttpToolsProtocol"
HEADER_TIMEOUT_ENV = "CALLVAULT_HTTP_HEADER_TIMEOUT_SECONDS"
BODY_IDLE_ENV = "CALLVAULT_HTTP_BODY_IDLE_SECONDS"
DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_BODY_IDLE = 30.0
LINGER_SECONDS = 2.0
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 15\r\n"
    b"connection: close\r\n\r\n"
    b"Request Timeout"
)


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` plus the header timeout and the body idle timeout above."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, object],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._header_timeout = _seconds(HEADER_TIMEOUT_ENV, DEFAULT_HEADER_TIMEOUT)
        self._body_idle = _seconds(BODY_IDLE_ENV, DEFAULT_BODY_IDLE)
        self._guard: asyncio.TimerHandle | None = None
        self._in_body = False
        self._answered = False  # the response went out while the body was still coming

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # Head and body in one TLS record and one send (``callvault.web.coalesced``).
        super().connection_made(CoalescedWrites(transport, self.loop))  # type: ignore[arg-type]
        self._arm(self._header_timeout, self._head_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_body and not self._answered:  # the body moved: its idle clock starts again
            self._arm(self._body_idle, self._body_stalled)
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_body = self._answered = False
        self._arm(self._header_timeout, self._head_too_slow)

    def on_headers_complete(self) -> None:
        self._in_body = True
        self._arm(self._body_idle, self._body_stalled)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_body = self._answered = False
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._in_body and not self.transport.is_closing():
            self._answered = True
            self._arm(LINGER_SECONDS, self._close)

    def _arm(self, seconds: float, handler: Callable[[], None]) -> None:
        self._disarm()
        self._guard = self.loop.call_later(seconds, handler)

    def _disarm(self) -> None:
        if self._guard is not None:
            self._guard.cancel()
            self._guard = None

    def _head_too_slow(self) -> None:
        self._guard = None
        if self.cycle is not None and not self.cycle.response_complete:
            # A pipelined head behind a response still going out: wait for that one.
            self._arm(self._header_timeout, self._head_too_slow)
            return
        if not self.transport.is_closing():
            self.transport.write(_TIMEOUT_RESPONSE)
            self._close()

    def _close(self) -> None:
        self._guard = None
        if not self.transport.is_closing():
            self.transport.close()

    def _body_stalled(self) -> None:
        self._guard = None
        if self.transport.is_closing():
            return
        if self.flow.read_paused:  # we are not reading: the client is not to blame
            self._arm(self._body_idle, self._body_stalled)
            return
        self._close()
