"""``GET /api/v1/compliance/status`` and ``callvault compliance status``."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from callvault.audit.models import AuditEvent
from callvault.cli.vault import open_keyring
from callvault.identity.training.models import TrainingPolicy
from callvault.settings import Settings
from callvault.web.tls import ensure_self_signed_certificate
from tests._vault import TENANT_A, TENANT_B, TokenFactory
from tests.safeguards._state import (
    add_rows,
    alert_webhook,
    retention_period,
    run_cli,
    tenant_id,
)

STATUS = "/api/v1/compliance/status"
CHECK_NAMES = [
    "baa",
    "totp",
    "session_limits",
    "tls",
    "keys",
    "audit_verified",
    "retention",
    "backup",
    "alert_delivery",
    "training",
    "break_glass",
]


def status_reads(vault: Settings) -> int:
    with open_keyring(vault) as (session, _):
        stmt = select(AuditEvent.id).where(AuditEvent.action == "compliance:status_read")
        return len(session.scalars(stmt).all())


def test_the_officer_and_the_admin_read_every_check_and_the_read_is_audited(
    client: TestClient, auth: TokenFactory, vault: Settings
) -> None:
    for role in ("compliance_officer", "admin"):
        answer = client.get(STATUS, headers=auth(role))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert [c["name"] for c in body["checks"]] == CHECK_NAMES
        assert body["status"] == "fail"  # a fresh vault: no backup, never verified
        assert all(c["section"].startswith("164.3") for c in body["checks"])
    assert status_reads(vault) == 2


def test_other_roles_are_refused(client: TestClient, auth: TokenFactory) -> None:
    for role in ("agent", "supervisor", "marketing", "integration"):
        assert client.get(STATUS, headers=auth(role)).status_code == 403


def make_all_pass(vault: Settings, tmp_path: Path, tenant: str) -> None:
    """The state of a vault in order: a certificate, a verified audit log and backup,
    a retention period, an alert webhook, training enforced."""
    ensure_self_signed_certificate(vault.tls_dir)
    tenant_key = tenant_id(vault, tenant)
    add_rows(
        vault,
        TrainingPolicy(tenant_id=tenant_key, required=True),
        alert_webhook(vault, tenant),
    )
    add_rows(vault, retention_period(vault))
    out = tmp_path / "vault.cvbak"
    assert run_cli(vault, "backup", "create", "--out", str(out))[0] == 0
    assert run_cli(vault, "backup", "verify", str(out), database=False)[0] == 0
    assert run_cli(vault, "audit", "verify")[0] == 0


def test_the_command_exits_1_listing_each_check_until_all_pass(
    vault: Settings, tmp_path: Path
) -> None:
    code, output = run_cli(vault, "compliance", "status", "--tenant", TENANT_A)
    assert code == 1
    lines = output.splitlines()
    assert lines[0] == f"tenant {TENANT_A}: FAIL"
    assert lines[1].startswith("PASS  baa  ") and lines[1].endswith(")")
    assert any(line.startswith("FAIL  backup  no backup recorded") for line in lines)
    make_all_pass(vault, tmp_path, TENANT_A)
    code, output = run_cli(vault, "compliance", "status", "--tenant", TENANT_A)
    assert code == 0, output
    assert len(output.splitlines()) == 1 + len(CHECK_NAMES)


def test_the_command_checks_every_tenant_by_default(vault: Settings, tmp_path: Path) -> None:
    make_all_pass(vault, tmp_path, TENANT_A)
    code, output = run_cli(vault, "compliance", "status")
    assert code == 1  # clinic-b has no retention period nor webhook
    assert f"tenant {TENANT_A}: PASS" in output and f"tenant {TENANT_B}: WARN" in output


def test_an_unknown_tenant_is_refused(vault: Settings) -> None:
    code, output = run_cli(vault, "compliance", "status", "--tenant", "no-such-clinic")
    assert code == 2 and "no such tenant" in output
