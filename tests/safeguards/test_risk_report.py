"""The risk analysis report (``GET /api/v1/compliance/report``, ``callvault compliance
report``): rendered to PDF and read back with poppler's ``pdftotext``, an independent
reader, so what an auditor sees is what is checked; HTML too. Neither holds PHI."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from tests._vault import TENANT_A, TokenFactory
from tests.calls.factories import call_payload
from tests.lifecycle.conftest import create_call
from tests.safeguards._state import run_cli

REPORT = "/api/v1/compliance/report"
STANDARD_HEADINGS = (
    "164.308 Administrative safeguards",
    "164.310 Physical safeguards",
    "164.312 Technical safeguards",
    "164.314 Organizational requirements",
    "164.316 Policies, procedures and documentation requirements",
)
# A fresh vault's audit log was never verified: that check fails, with this evidence.
FAILING_CHECK = "audit_verified"
FAILING_EVIDENCE = "the audit log has never been verified"
SYNTHETIC_CALLER = "+12025550147"  # tests.calls.factories' caller, normalised


@pytest.fixture(scope="module")
def pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found is None:
        message = "pdftotext (Debian poppler-utils) is needed to read the report back"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": scripts/test.sh installs it on CI")
        pytest.skip(message)
    return found


def pdf_text(pdftotext: str, pdf: bytes, tmp_path: Path) -> str:
    """The document's text as poppler reads it, whitespace made single spaces (a table
    cell wraps its lines)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([pdftotext, str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def assert_report_text(text: str) -> None:
    assert TENANT_A in text
    for heading in STANDARD_HEADINGS:
        assert heading in text
    assert f"FAIL {FAILING_CHECK} (164.312(b), 164.312(c)(1)): {FAILING_EVIDENCE}" in text
    assert "Recommended action: Verify the audit log daily" in text
    assert re.search(r"audit events seq 0 to \d+", text)
    assert "555-0147" not in text
    assert SYNTHETIC_CALLER[2:] not in text.replace(" ", "")  # not even split across lines


def report_events(vault: Settings) -> list[str | None]:
    """The resource id (the document's SHA-256) of each report made, oldest first."""
    with open_keyring(vault) as (session, _):
        stmt = (
            select(AuditEvent.resource_id)
            .where(AuditEvent.action == "compliance:report_create")
            .order_by(AuditEvent.seq)
        )
        return list(session.scalars(stmt))


@pytest.fixture
def seeded_call(client: TestClient, auth: TokenFactory) -> str:
    """A call with a synthetic caller in the vault: the report must not show it."""
    assert call_payload()["caller_number"] == "(202) 555-0147"
    return create_call(client, auth("integration"))


@pytest.mark.usefixtures("seeded_call")
def test_the_pdf_names_tenant_standards_and_the_failing_check_and_is_audited(
    client: TestClient, auth: TokenFactory, vault: Settings, pdftotext: str, tmp_path: Path
) -> None:
    answer = client.get(REPORT, params={"format": "pdf"}, headers=auth("compliance_officer"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert_report_text(pdf_text(pdftotext, answer.content, tmp_path))
    digest = hashlib.sha256(answer.content).hexdigest()
    assert answer.headers["x-content-sha256"] == digest
    assert report_events(vault) == [digest]


@pytest.mark.usefixtures("seeded_call")
def test_the_html_says_the_same_without_phi(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    answer = client.get(REPORT, params={"format": "html"}, headers=auth("admin"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    for standard in ("164.308", "164.310", "164.312", "164.314", "164.316"):
        assert f'id="standard-{standard}"' in page
    assert f'<tr data-check="{FAILING_CHECK}" data-status="fail">' in page
    text = " ".join(re.sub(r"<[^>]+>", " ", page.split("</style>")[1]).split())
    assert_report_text(text)
    assert report_events(vault) == [hashlib.sha256(answer.content).hexdigest()]


def test_roles_without_compliance_read_and_bad_formats_are_refused(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    for role in ("agent", "supervisor", "marketing", "integration"):
        assert client.get(REPORT, headers=auth(role)).status_code == 403
    bad = client.get(REPORT, params={"format": "docx"}, headers=auth("compliance_officer"))
    assert bad.status_code == 422
    assert report_events(vault) == []


@pytest.mark.parametrize("report_format", ["pdf", "html"])
def test_the_cli_writes_the_report(
    vault: Settings, pdftotext: str, tmp_path: Path, report_format: str
) -> None:
    out = tmp_path / f"risk.{report_format}"
    code, output = run_cli(
        vault, "compliance", "report", "--tenant", TENANT_A, "--out", str(out),
        "--format", report_format,
    )  # fmt: skip
    assert code == 0, output
    assert out.stat().st_mode & 0o077 == 0  # the vault's weak spots: for its owner only
    content = out.read_bytes()
    assert report_events(vault) == [hashlib.sha256(content).hexdigest()]
    if report_format == "pdf":
        assert TENANT_A in pdf_text(pdftotext, content, tmp_path)
    else:
        assert TENANT_A in content.decode()


def test_the_cli_refuses_an_unknown_tenant_and_a_missing_directory(
    vault: Settings, tmp_path: Path
) -> None:
    nowhere = tmp_path / "missing" / "risk.pdf"
    code, output = run_cli(
        vault, "compliance", "report", "--tenant", TENANT_A, "--out", str(nowhere)
    )
    assert code == 2 and "is not a directory" in output
    code, _ = run_cli(
        vault, "compliance", "report", "--tenant", "no-such-clinic", "--out", str(tmp_path / "r")
    )
    assert code != 0 and not (tmp_path / "r").exists()
    assert report_events(vault) == []


def test_the_appendix_counts_the_refusals_of_the_last_30_and_90_days(
    client: TestClient, auth: TokenFactory
) -> None:
    for _ in range(2):  # refusals the trail records as denied
        assert client.get(REPORT, headers=auth("agent")).status_code == 403
    answer = client.get(REPORT, params={"format": "html"}, headers=auth("compliance_officer"))
    assert answer.status_code == 200, answer.text
    assert '<th scope="row">events denied</th><td>2</td><td>2</td>' in answer.text
