"""Structured JSON logs with allowlisted fields: a log line carries ids, routes, statuses
and error types, never request bodies, query strings or exception messages (PHI)."""

from __future__ import annotations

import atexit
import json
import logging
import queue
import sys
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener

ALLOWED_FIELDS = ("request_id", "method", "route", "status", "ms", "error", "path")


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


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr, written by a thread of their own: a log call only queues
    the record, so a slow log pipe (journald under load, say) never stalls the event
    loop that logs every request. Queued lines are written out at exit."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    listener = QueueListener(records, handler)
    listener.start()
    atexit.register(listener.stop)
    root = logging.getLogger("callvault")
    root.handlers[:] = [QueueHandler(records)]
    root.setLevel(level)
    root.propagate = False
