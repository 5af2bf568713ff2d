"""Forwarding the audit trail to a syslog receiver: RFC 5424 messages over TLS
(RFC 5425: TLS 1.2+, certificate verified, octet-counted frames ``<len> <msg>``).

Delivery is at least once. Events go out in rounds, one TLS connection per round (up
to ``round_events`` events). Syslog has no acknowledgements, so a round is confirmed by
closing it: the forwarder sends its TLS ``close_notify`` and a TCP FIN, then waits for
the receiver to close cleanly and for its TCP stack to acknowledge every byte. A
receiver that closes with bytes it has not read, or that gets bytes after it closed,
answers with a TCP reset instead; so a clean close after full acknowledgement means it
read the whole round. Only then does the cursor
(``DATA_DIR/audit-forward/<host>_<port>.json``) move. A refused, reset or unanswered
round leaves the cursor where it was and is sent again after a capped exponential
backoff: events may arrive twice, never not at all. A certificate the trust store does
not accept stops the forwarder at once, before anything is sent: that is a
configuration error, not an outage.

The messages themselves: ``callvault.audit.siem.rfc5424``.
"""

from __future__ import annotations

import fcntl
import os
import random
import socket
import ssl
import sys
import termios
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from callvault.audit.siem.cursor import CursorFile, Position
from callvault.audit.siem.events import ExportedEvent, RecordRead, TenantRef, list_tenants
from callvault.audit.siem.rfc5424 import MessageStyle, octet_frame, rfc5424_message
from callvault.audit.siem.sink import Span, pump
from callvault.errors import InvalidInput, ServiceUnavailable
from callvault.tlsconfig import client_context


class SyslogUnreachable(ServiceUnavailable):
    """The receiver could not be reached or did not confirm a round: retried."""

    title = "Syslog receiver unavailable"


class SyslogRefused(ServiceUnavailable):
    """The receiver's certificate was not trusted: not retried, nothing was sent."""

    title = "Syslog receiver refused"


# -- the TLS connection ---------------------------------------------------------


@dataclass(frozen=True)
class TlsTarget:
    host: str
    port: int
    ca_file: Path | None = None  # a private CA; default: the system's trust store
    client_cert: Path | None = None
    client_key: Path | None = None
    timeout: float = 10.0

    @property
    def name(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def context(self) -> ssl.SSLContext:
        """Certificate and host name verified; TLS 1.2+; on 1.2 only ECDHE with AEAD."""
        try:
            return client_context(self.ca_file, self.client_cert, self.client_key)
        except (OSError, ssl.SSLError) as exc:
            raise InvalidInput(f"cannot load the TLS files: {_reason(exc)}") from None


def _reason(exc: OSError) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return exc.verify_message or "certificate verify failed"
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or exc.strerror or type(exc).__name__)
    if isinstance(exc, TimeoutError):
        return "timed out"
    return exc.strerror or type(exc).__name__


def _wait_acknowledged(sock: socket.socket, deadline: float) -> None:
    """Wait until the peer's TCP stack acknowledged every byte sent, or raise. Linux
    reports unacknowledged bytes (``TIOCOUTQ``); elsewhere the clean close must do."""
    while True:
        error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise OSError(error, os.strerror(error))
        try:
            queued = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
        except OSError:
            return  # not reported on this platform
        if int.from_bytes(queued, sys.byteorder) == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.005)


class TlsConnection:
    def __init__(self, sock: ssl.SSLSocket, name: str) -> None:
        self._sock = sock
        self._name = name

    @classmethod
    def open(cls, target: TlsTarget, context: ssl.SSLContext) -> TlsConnection:
        """Connect and finish the handshake; nothing is sent to an untrusted peer."""
        try:
            raw = socket.create_connection((target.host, target.port), timeout=target.timeout)
        except OSError as exc:
            raise SyslogUnreachable(f"cannot connect to {target.name}: {_reason(exc)}") from None
        try:
            return cls(context.wrap_socket(raw, server_hostname=target.host), target.name)
        except ssl.SSLCertVerificationError as exc:
            raw.close()
            raise SyslogRefused(
                f"the certificate of {target.name} was not accepted ({_reason(exc)});"
                " nothing was sent"
            ) from None
        except OSError as exc:
            raw.close()
            raise SyslogUnreachable(
                f"TLS handshake with {target.name} failed: {_reason(exc)}"
            ) from None

    def send(self, frames: Iterable[bytes]) -> None:
        try:
            self._sock.sendall(b"".join(frames))
        except OSError as exc:
            raise SyslogUnreachable(f"sending to {self._name} failed: {_reason(exc)}") from None

    def confirm(self, timeout: float) -> None:
        """End the session and make sure the receiver read everything (module doc).

        Syslog has no acknowledgements, so TCP gives them: a peer that closes while bytes
        it has not read are queued (or arrive later) answers with a reset, not a clean
        close. So: send close_notify and a FIN, wait for the receiver's clean close, then
        for every byte to be acknowledged. Anything else leaves the round unconfirmed."""
        deadline = time.monotonic() + timeout
        try:
            raw = self._sock.unwrap()  # our close_notify
            raw.shutdown(socket.SHUT_WR)
            while raw.recv(4096):  # anything the receiver still says, up to its close
                pass
            _wait_acknowledged(raw, deadline)
        except OSError as exc:
            raise SyslogUnreachable(
                f"{self._name} did not confirm what was sent: {_reason(exc)}"
            ) from None

    def close(self) -> None:
        self._sock.close()


class SyslogSink:
    """A ``Sink`` for one round: the connection opens at the first batch (nothing to
    send, no connection) and ``sync`` confirms the round (``TlsConnection.confirm``)."""

    def __init__(self, target: TlsTarget, context: ssl.SSLContext, style: MessageStyle) -> None:
        self._target = target
        self._context = context
        self._style = style
        self._connection: TlsConnection | None = None

    def send(self, batch: Sequence[ExportedEvent]) -> None:
        if self._connection is None:
            self._connection = TlsConnection.open(self._target, self._context)
        self._connection.send(octet_frame(rfc5424_message(e, self._style)) for e in batch)

    def sync(self) -> None:
        if self._connection is not None:
            self._connection.confirm(self._target.timeout)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


# -- forwarding -----------------------------------------------------------------


@dataclass(frozen=True)
class ForwardOptions:
    once: bool = False
    max_failures: int = 0  # consecutive failed rounds before giving up; 0: never
    poll_seconds: float = 1.0
    round_events: int = 5000
    batch_size: int = 500
    backoff_first: float = 0.5
    backoff_cap: float = 30.0


def backoff_delay(failures: int, first: float, cap: float) -> float:
    """Capped exponential backoff with jitter (between half and all of the step), so
    several forwarders do not reconnect in lockstep."""
    step = min(cap, first * (1 << min(failures - 1, 30)))
    return step / 2 + random.uniform(0, step / 2)  # noqa: S311  # timing, not secrets


# Worth another round: the receiver, the database or the audit store were unavailable.
_TRANSIENT = (ServiceUnavailable, SQLAlchemyError)


@dataclass
class Forwarder:
    """Sends each tenant's events after its cursor, round after round (module doc)."""

    session: Session
    target: TlsTarget
    style: MessageStyle
    cursor: CursorFile
    record_read: RecordRead
    options: ForwardOptions = field(default_factory=ForwardOptions)
    report: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep
    _positions: dict[str, Position] = field(default_factory=dict, init=False)
    _seen: set[str] = field(default_factory=set, init=False)

    def run(self) -> int:
        """Forward until stopped (or, with ``once``, until caught up); return the count.
        Gives up after ``max_failures`` consecutive failed rounds."""
        context = self.target.context()
        self._positions = self.cursor.load()
        delivered = failures = 0
        while True:
            try:
                count = self._round(context)
            except SyslogRefused:
                raise
            except _TRANSIENT as exc:
                self.session.rollback()
                failures += 1
                self._back_off(exc, failures)
                continue
            failures = 0
            delivered += count
            if count:
                self.report(f"delivered {count} audit events to {self.target.name}")
            if count >= self.options.round_events:
                continue  # more is waiting
            if self.options.once:
                return delivered
            self.sleep(self.options.poll_seconds)

    def _back_off(self, exc: Exception, failures: int) -> None:
        if self.options.max_failures and failures >= self.options.max_failures:
            raise exc
        delay = backoff_delay(failures, self.options.backoff_first, self.options.backoff_cap)
        detail = exc.detail if isinstance(exc, ServiceUnavailable) else "database unavailable"
        self.report(f"{detail}; retrying in {delay:.1f} s")
        self.sleep(delay)

    def _round(self, context: ssl.SSLContext) -> int:
        tenants = list_tenants(self.session)
        self.session.rollback()
        self._first_sight(tenants)
        spans = (Span(tenant, self._after(tenant)) for tenant in tenants)
        sink = SyslogSink(self.target, context, self.style)
        try:
            return pump(
                self.session, sink, spans, self._save,
                batch_size=self.options.batch_size, total=self.options.round_events,
            )  # fmt: skip
        finally:
            sink.close()

    def _after(self, tenant: TenantRef) -> int:
        start = self._positions.get(tenant.id)
        return -1 if start is None else start.last_seq

    def _save(self, reached: dict[str, Position]) -> None:
        """The round was confirmed: the cursor moves past it."""
        self._positions.update(reached)
        self.cursor.save(self._positions)

    def _first_sight(self, tenants: list[TenantRef]) -> None:
        """Check a tenant's cursor and record that its log is being read, once per run,
        before anything of it is sent."""
        for tenant in tenants:
            if tenant.id in self._seen:
                continue
            position = self._positions.get(tenant.id)
            if position is not None:
                self.cursor.check(self.session, tenant, position)
            self.record_read(self.session, tenant.id)
            self.session.commit()
            self._seen.add(tenant.id)
