from __future__ import annotations

import ast
import io
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

import callvault
from callvault.logs import ALLOWED_FIELDS, BatchedLogWriter, JsonFormatter
from callvault.web.background import run_jobs_once


def test_only_allowlisted_fields_reach_the_log_line() -> None:
    record = logging.LogRecord("callvault.web", logging.ERROR, __file__, 1, "request", None, None)
    record.__dict__.update(
        route="/api/v1/calls/{call_id}", status=500, caller_number="+12025550147"
    )

    line = json.loads(JsonFormatter().format(record))

    assert line["event"] == "request" and line["route"] == "/api/v1/calls/{call_id}"
    assert line["status"] == 500 and line["level"] == "error"
    assert "caller_number" not in line and "5550147" not in json.dumps(line)


def test_the_batched_writer_writes_every_line_from_every_thread() -> None:
    stream = io.StringIO()
    writer = BatchedLogWriter(stream, interval=0.01)
    writer.setFormatter(JsonFormatter())
    logger = logging.getLogger("callvault.tests.batched")
    logger.handlers[:] = [writer]
    logger.propagate = False

    def log_some(thread: int) -> None:
        for n in range(250):
            logger.warning("request", extra={"request_id": f"{thread}-{n}", "status": 200})

    threads = [threading.Thread(target=log_some, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = time.monotonic() + 5
    while stream.getvalue().count("\n") < 1000 and time.monotonic() < deadline:
        time.sleep(0.01)  # written by its own thread, without waiting for close()
    writer.close()

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert sorted(line["request_id"] for line in lines) == sorted(
        f"{t}-{n}" for t in range(4) for n in range(250)
    )


def test_the_batched_writer_writes_what_is_left_when_closed() -> None:
    stream = io.StringIO()
    writer = BatchedLogWriter(stream, interval=60)  # it would not wake again in this test
    writer.setFormatter(JsonFormatter())
    writer.emit(logging.LogRecord("callvault.x", logging.INFO, __file__, 1, "shutdown", None, None))
    writer.close()
    assert json.loads(stream.getvalue())["event"] == "shutdown"


# -- every field a log call passes reaches the line, or the test refuses it ----------

SOURCE = Path(callvault.__file__).parent
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _extra_arguments() -> Iterator[tuple[str, ast.expr]]:
    """(where, the ``extra=`` expression) for every log call in the source tree."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in LOG_METHODS
            ):
                continue
            for keyword in node.keywords:
                if keyword.arg == "extra":
                    yield f"{path.relative_to(SOURCE.parent)}:{node.lineno}", keyword.value


def test_every_field_a_log_call_passes_is_allowlisted() -> None:
    found = list(_extra_arguments())
    assert found, "no log call with extra= found: is the scan looking in the right place?"
    refused = []
    for where, extra in found:
        if not isinstance(extra, ast.Dict) or not all(
            isinstance(key, ast.Constant) and isinstance(key.value, str) for key in extra.keys
        ):
            refused.append(f"{where}: extra must be a dict literal with literal keys")
            continue
        refused += [
            f"{where}: {key.value!r} is not in callvault.logs.ALLOWED_FIELDS"
            for key in extra.keys
            if isinstance(key, ast.Constant) and key.value not in ALLOWED_FIELDS
        ]
    assert not refused, "\n".join(refused)


def test_a_failed_background_job_is_logged_with_its_name() -> None:
    def sign_everything(session: Session) -> None:
        raise RuntimeError("synthetic failure for +12025550147")

    lines: list[dict[str, object]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(JsonFormatter().format(record)))

    logger = logging.getLogger("callvault.background")
    handler = Collect()
    logger.addHandler(handler)
    try:
        run_jobs_once(sessionmaker(), [sign_everything])
    finally:
        logger.removeHandler(handler)

    (line,) = lines
    assert line["event"] == "background job failed"
    assert line["job"] == "sign_everything" and line["error"] == "RuntimeError"
    assert "5550147" not in json.dumps(line)  # the exception's message stays out
