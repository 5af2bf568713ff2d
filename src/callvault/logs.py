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
