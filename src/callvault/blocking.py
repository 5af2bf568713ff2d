"""A guard against blocking work on an event loop thread.

The server answers every request from one event loop; a database call or an argon2
hash made on it stalls every other request for as long as it takes (a sign-in burst
used to freeze the whole server for 15 s). The web layer's rule (``web/bodies.py``)
keeps such work in the worker pool; this guard is how the rule is held.

``check_off_event_loop(what)`` is called by the blocking primitives themselves (each
database statement, each password hash). What it does depends on
``CALLVAULT_LOOP_GUARD``, read once per process:

- ``off`` (the default): nothing, at no cost.
- ``record``: the call is logged and kept in ``violations()``; the test suite turns
  this on and fails any test during which a violation happened.
- ``raise``: ``BlockingOnEventLoop`` is raised (for debugging one path).
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from dataclasses import dataclass
from functools import cache

ENV = "CALLVAULT_LOOP_GUARD"
MODES = ("off", "record", "raise")

log = logging.getLogger("callvault.blocking")


class BlockingOnEventLoop(RuntimeError):
    """Blocking work was started on a thread that runs an event loop."""


@dataclass(frozen=True)
class Violation:
    what: str
    where: str  # the innermost frames of our own code, file:line only

    def __str__(self) -> str:
        return f"{self.what} on the event loop at {self.where}"


_violations: list[Violation] = []


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
    if mode() == "off" or not on_event_loop():
        return
    violation = Violation(what, _our_frames())
    if mode() == "raise":
        raise BlockingOnEventLoop(str(violation))
    _violations.append(violation)
    log.error("blocking call on the event loop", extra={"error": str(violation)})


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
