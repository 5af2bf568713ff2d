"""Guards against blocking work where it stalls others: on an event loop thread, and
(for slow work) inside a write transaction.

The server answers every request from one event loop; a database call or an argon2
hash made on it stalls every other request for as long as it takes (a sign-in burst
used to freeze the whole server for 15 s). The web layer's rule (``web/bodies.py``)
keeps such work in the worker pool; this guard is how the rule is held.

A write transaction on SQLite holds the database's one write lock from its first
statement: an argon2 hash or a scrypt derivation made inside one makes every other
writer wait (on a loaded host past the 5 s lock timeout: 503s for everyone). Such work
runs before the transaction begins or after it ends.

``check_off_event_loop(what)`` is called by the blocking primitives themselves (each
database statement); ``check_slow_work(what)`` by the slow ones (password hashes, key
derivations, transcription, audio rewriting), which also must not run inside a write
transaction its own request (or, outside a request, its own thread) holds open: the
transactions are tracked by ``callvault.db.base``, their owners by
``new_owner()``, which the web layer calls once per request. A request moves between
pool threads across its awaits, so a thread is the wrong owner there: it blamed one
request's upload for another's open transaction on the same thread, and missed a
request's own transaction begun on another thread. What they do depends on
``CALLVAULT_LOOP_GUARD``, read once per process:

- ``off`` (the default): nothing, at no cost.
- ``record``: the call is logged and kept in ``violations()``; the test suite turns
  this on and fails any test during which a violation happened.
- ``raise``: ``BlockingOnEventLoop`` is raised (for debugging one path).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import threading
import traceback
from dataclasses import dataclass
from functools import cache

ENV = "CALLVAULT_LOOP_GUARD"
MODES = ("off", "record", "raise")

log = logging.getLogger("callvault.blocking")


ON_EVENT_LOOP = "on the event loop"
IN_WRITE_TRANSACTION = "inside a write transaction"


class BlockingOnEventLoop(RuntimeError):
    """Blocking work was started where it stalls others (the message says where)."""


@dataclass(frozen=True)
class Violation:
    what: str
    where: str  # the innermost frames of our own code, file:line only
    place: str = ON_EVENT_LOOP

    def __str__(self) -> str:
        return f"{self.what} {self.place} at {self.where}"


_violations: list[Violation] = []
# The write transactions open now: connection -> the owner that began it.
_writing: dict[int, object] = {}
_writing_lock = threading.Lock()
# The request running now (copied into the pool threads it calls); None outside one.
_request: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "callvault_blocking_request", default=None
)


@cache
def mode() -> str:
    value = os.environ.get(ENV, "off").strip().lower() or "off"
    return value if value in MODES else "off"


def enabled() -> bool:
    return mode() != "off"


def on_event_loop() -> bool:
    """True on a thread whose event loop is running right now."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def check_off_event_loop(what: str) -> None:
    """Report ``what`` (a blocking call about to start) if it runs on an event loop."""
    if mode() != "off" and on_event_loop():
        _report(Violation(what, _our_frames(), ON_EVENT_LOOP))


def check_slow_work(what: str) -> None:
    """Report ``what`` (slow work about to start) if it runs on an event loop or while
    its thread holds a write transaction open."""
    if mode() == "off":
        return
    check_off_event_loop(what)
    owner = _owner()
    with _writing_lock:
        writing = owner in _writing.values()
    if writing:
        _report(Violation(what, _our_frames(), IN_WRITE_TRANSACTION))


def new_owner() -> None:
    """From here on, in this task and the pool calls it makes, transactions and slow
    work belong to one new owner (a request) rather than to the thread they run on."""
    if mode() != "off":
        _request.set(object())


def _owner() -> object:
    return _request.get() or threading.get_ident()


def write_transaction_began(connection: object) -> None:
    owner = _owner()
    with _writing_lock:
        _writing[id(connection)] = owner


def write_transaction_ended(connection: object) -> None:
    with _writing_lock:
        _writing.pop(id(connection), None)


def _report(violation: Violation) -> None:
    if mode() == "raise":
        raise BlockingOnEventLoop(str(violation))
    _violations.append(violation)
    log.error(f"blocking call {violation.place}", extra={"error": str(violation)})


def violations() -> list[Violation]:
    return list(_violations)


def clear() -> None:
    _violations.clear()


def _our_frames(limit: int = 4) -> str:
    frames = [
        f"{frame.filename.rsplit('/src/', 1)[-1]}:{frame.lineno}"
        for frame in traceback.extract_stack()
        if "/callvault/" in frame.filename and not frame.filename.endswith("blocking.py")
    ]
    return " <- ".join(reversed(frames[-limit:])) or "?"
