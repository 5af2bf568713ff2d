"""Structured JSON logs with allowlisted fields: a log line carries ids, routes, statuses
and error types, never request bodies, query strings or exception messages (PHI)."""

from __future__ import annotations

import atexit
import json
import logging
import sys
import threading
from collections import deque
from datetime import UTC, datetime
from typing import TextIO

# Every field a log call may pass in ``extra``: ids, routes, statuses, timings and error
# class names, never a value a client sent (PHI). The formatter drops anything else, and
# tests/test_logs.py holds every ``extra={...}`` in the source to this list, so a new
# field is added here on purpose (or refused at test time), never dropped silently.
ALLOWED_FIELDS = (
    "request_id",
    "method",
    "route",  # a route template, not the path a client asked for
    "status",
    "ms",
    "error",  # an exception's class name, or a short fixed reason
    "path",  # likewise the route template (web.problems)
    "job",  # a background job's name, or a pipeline job's id
    "attempt",  # a pipeline job's attempt number
    "alert",  # an alert's id
    "tenant_id",  # a tenant's id
    "dni_session",  # a website visitor session's id (callvault.tracking.dni)
    "baa",  # a business associate agreement's id (callvault.compliance.reminders)
    "baa_kind",  # its kind: covered_entity, storage, ...
    "days_left",  # days until it ends
    "export",  # an approved export's id (callvault.lifecycle.exports_build)
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.msg if isinstance(record.msg, str) else "log",
        }
        for name in ALLOWED_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        return json.dumps(entry, default=str)


class BatchedLogWriter(logging.Handler):
    """Writes the records logged here from a thread of its own, in batches.

    ``emit`` only appends to a deque: it neither formats nor wakes anybody. The writer
    thread wakes every ``interval`` seconds and writes what has gathered in one go. A
    queue that woke its consumer per record (``QueueHandler``) cost the event loop a
    thread switch for every request it logged, about a fifth of a signed-in read's CPU
    (bench/RESULTS.md, "load")."""

    def __init__(self, stream: TextIO, interval: float = 0.05) -> None:
        super().__init__()
        self._stream = stream
        self._interval = interval
        self._records: deque[logging.LogRecord] = deque()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="log-writer", daemon=True)
        self._thread.start()

    def emit(self, record: logging.LogRecord) -> None:
        self._records.append(record)

    def _run(self) -> None:
        while not self._stopping.wait(self._interval):
            self._write_gathered()
        self._write_gathered()

    def _write_gathered(self) -> None:
        lines = []
        while self._records:
            record = self._records.popleft()
            try:
                lines.append(self.format(record))
            except Exception:  # a bad record must not end the writer
                self.handleError(record)
        if lines:
            self._stream.write("\n".join(lines) + "\n")
            self._stream.flush()

    def close(self) -> None:
        """Write out what is queued and stop (at exit)."""
        self._stopping.set()
        self._thread.join(timeout=5)
        super().close()


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr, written by a thread of their own: a log call only queues
    the record, so a slow log pipe (journald under load, say) never stalls the event
    loop that logs every request. Queued lines are written out at exit."""
    writer = BatchedLogWriter(sys.stderr)
    writer.setFormatter(JsonFormatter())
    atexit.register(writer.close)
    root = logging.getLogger("callvault")
    root.handlers[:] = [writer]
    root.setLevel(level)
    root.propagate = False
