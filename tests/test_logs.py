from __future__ import annotations

import json
import logging

from callvault.logs import JsonFormatter


def test_only_allowlisted_fields_reach_the_log_line() -> None:
    record = logging.LogRecord("callvault.web", logging.ERROR, __file__, 1, "request", None, None)
    record.__dict__.update(
        route="/api/v1/calls/{call_id}", status=500, caller_number="+12025550147"
    )

    line = json.loads(JsonFormatter().format(record))

    assert line["event"] == "request" and line["route"] == "/api/v1/calls/{call_id}"
    assert line["status"] == 500 and line["level"] == "error"
    assert "caller_number" not in line and "5550147" not in json.dumps(line)
