"""The conformance test's failure message: one line per failing operation and check,
read from the JUnit report schemathesis writes (shape copied from schemathesis 4.32)."""

from __future__ import annotations

from pathlib import Path

from tests.web._conformance import findings

REPORT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites errors="1" failures="1" skipped="0" tests="3" time="1.0">
  <testsuite name="schemathesis" errors="1" failures="1" skipped="0" tests="3" time="1.0">
    <testcase name="GET /api/v1/policy/redaction" time="0.1">
      <failure type="failure" message="ST101">1. Test Case ID: PSHneC

- ST101 Server error

- ST103 Undocumented status code

    Received: 500
    Documented: 200, 401, 403, 503

[500] Internal Server Error:

    `{"type":"about:blank","title":"Internal error","status":500}`</failure>
    </testcase>
    <testcase name="GET /api/v1/alerts/settings" time="0.1" />
    <testcase name="PUT /api/v1/calls/{call_id}/recording" time="0.1">
      <error type="error">Failed Health Check

Too many generated examples are filtered out for this operation</error>
    </testcase>
  </testsuite>
</testsuites>
"""


def test_each_failing_operation_and_check_is_one_line(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(REPORT)

    assert findings(report) == [
        "GET /api/v1/policy/redaction: ST101 Server error (received 500)",
        "GET /api/v1/policy/redaction: ST103 Undocumented status code (received 500)",
        "PUT /api/v1/calls/{call_id}/recording: Failed Health Check",
    ]
