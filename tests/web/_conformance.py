"""Runs the schemathesis CLI against a live server and turns its JUnit report into a
list of findings a person can act on: which run, which operation, which check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

# The checks issue 13 requires to pass without a single failure, and those that hold
# the rest of what it asks: 405 answers name the allowed methods in `Allow`, and the
# documented headers (WWW-Authenticate, Content-Range, Retry-After) are sent.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "unsupported_method",
    "allow_header_conformance",
    "response_headers_conformance",
)
SEED = 20261205
HOOKS = Path(__file__).with_name("_schemathesis_hooks.py")
_CHECK_LINE = re.compile(r"^- (ST\d+ .+)$", re.MULTILINE)
_RECEIVED = re.compile(r"Received: (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    """One schemathesis invocation: who it is, and which operations it covers
    (``--include-path-regex`` / ``--exclude-path-regex`` values)."""

    name: str
    headers: dict[str, str]
    include: str | None = None
    exclude: str | None = None
    skip: tuple[str, ...] = ()  # operations left out by name ("PUT /api/v1/x")
    examples: int = 10
    args: list[str] = field(default_factory=list)


CLI = Path(sys.executable).with_name("schemathesis")


def command(url: str, run: Run, report: Path) -> list[str]:
    cmd = [
        str(CLI),
        "run",
        f"{url}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(run.examples),
        "--workers",
        "1",
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        *run.args,
    ]
    if run.include:
        cmd += ["--include-path-regex", run.include]
    if run.exclude:
        cmd += ["--exclude-path-regex", run.exclude]
    for name in run.skip:
        cmd += ["--exclude-name", name]
    for name, value in run.headers.items():
        cmd += ["--header", f"{name}: {value}"]
    return cmd


def run_schemathesis(url: str, run: Run, workdir: Path) -> list[str]:
    """The findings of ``run``: one line per failing or erroring operation."""
    if not CLI.exists():  # a missing tool must fail the test, never skip it
        return [f"{run.name}: {CLI} is missing: pip install 'schemathesis>=4.32'"]
    report = workdir / f"junit-{run.name}.xml"
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(HOOKS)}
    done = subprocess.run(
        command(url, run, report), capture_output=True, text=True, cwd=workdir, env=env
    )
    (workdir / f"schemathesis-{run.name}.txt").write_text(done.stdout + done.stderr)
    if not report.exists():
        tail = (done.stdout + done.stderr)[-2000:]
        return [f"{run.name}: schemathesis exited with {done.returncode} and no report:\n{tail}"]
    return [f"{run.name}: {finding}" for finding in findings(report)]


def findings(junit: Path) -> list[str]:
    """``"PUT /api/v1/x: ST103 Undocumented status code (received 418)"`` lines."""
    found = []
    root = ET.parse(junit).getroot()  # noqa: S314  # our own run's report, not untrusted input
    for case in root.iter("testcase"):
        for outcome in [*case.iter("failure"), *case.iter("error")]:
            text = outcome.text or outcome.get("message") or ""
            checks = _CHECK_LINE.findall(text) or [text.strip().splitlines()[0]]
            received = sorted(set(_RECEIVED.findall(text)))
            suffix = f" (received {', '.join(received)})" if received else ""
            found += [f"{case.get('name')}: {check}{suffix}" for check in sorted(set(checks))]
    return found
