"""Each live check passes on a vault in order and fails (or warns) on one that is not,
with the state made for real: rows as the services store them, files as the commands
leave them, time moved on by asking at a later moment."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from callvault.alerts.models import DeliveryStatus
from callvault.crypto.models import TenantKey
from callvault.db.base import utcnow
from callvault.identity.models import Elevation, User
from callvault.identity.training.models import TrainingPolicy
from callvault.safeguards import checks
from callvault.safeguards.checks import Status
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind
from callvault.tenants.models import TenantPolicy
from callvault.web.tls import KEY_FILENAME, ensure_self_signed_certificate
from tests._vault import TENANT_A
from tests.compliance._helpers import close_gate, set_agreements
from tests.identity.conftest import UserFactory
from tests.safeguards._state import (
    add_rows,
    alert,
    alert_webhook,
    check,
    retention_period,
    run_cli,
    set_rows,
    tenant_id,
)


def enrol(vault: Settings, user_id: str, **values: object) -> None:
    set_rows(vault, User, User.id == user_id, totp_confirmed_at=utcnow(), **values)


# -- BAA --------------------------------------------------------------------------------


def test_baa_passes_with_the_clinic_agreement_and_fails_without(vault: Settings) -> None:
    passed = check(vault, checks.covered_entity_baa)
    assert passed.status is Status.PASS and "164.308(b)(1)" in passed.section
    close_gate(vault)
    failed = check(vault, checks.covered_entity_baa)
    assert failed.status is Status.FAIL and "no covered-entity BAA" in failed.evidence


def test_baa_warns_within_its_reminder_window(vault: Settings) -> None:
    ends = utcnow().date() + timedelta(days=10)
    set_agreements(vault, TENANT_A, AgreementKind.COVERED_ENTITY, ends_on=ends)
    result = check(vault, checks.covered_entity_baa)
    assert result.status is Status.WARN and "10 day(s)" in result.evidence


# -- TOTP -------------------------------------------------------------------------------


def test_totp_fails_while_a_phi_user_is_not_enrolled(
    vault: Settings, make_user: UserFactory
) -> None:
    agent = make_user("agent")
    make_user("marketing")  # no PHI permission: not counted
    failed = check(vault, checks.totp_enrolled)
    assert failed.status is Status.FAIL
    assert failed.evidence.startswith("1 of 1 ") and failed.section == "164.312(d)"
    enrol(vault, agent.id)
    assert check(vault, checks.totp_enrolled).status is Status.PASS


def test_totp_ignores_deactivated_users(vault: Settings, make_user: UserFactory) -> None:
    agent = make_user("agent")
    set_rows(vault, User, User.id == agent.id, active=False)
    assert check(vault, checks.totp_enrolled).status is Status.PASS


# -- session limits ---------------------------------------------------------------------


def test_session_limits_pass_by_default_and_fail_above_the_maxima(vault: Settings) -> None:
    passed = check(vault, checks.session_limits)
    assert passed.status is Status.PASS and "idle timeout 15 min" in passed.evidence
    add_rows(vault, TenantPolicy(tenant_id=tenant_id(vault), session_idle_minutes=60))
    failed = check(vault, checks.session_limits)
    assert failed.status is Status.FAIL and "idle timeout 60 min" in failed.evidence


# -- TLS --------------------------------------------------------------------------------


def test_tls_passes_with_a_private_key_and_a_valid_certificate(vault: Settings) -> None:
    ensure_self_signed_certificate(vault.tls_dir)
    result = check(vault, checks.tls_settings)
    assert result.status is Status.PASS, result.evidence
    assert "AEAD ciphers only" in result.evidence and "164.312(e)(1)" in result.section


def test_tls_fails_when_the_key_is_readable_by_others(vault: Settings) -> None:
    ensure_self_signed_certificate(vault.tls_dir)
    (vault.tls_dir / KEY_FILENAME).chmod(0o644)
    assert check(vault, checks.tls_settings).status is Status.FAIL


def test_tls_fails_once_the_certificate_has_expired(vault: Settings) -> None:
    ensure_self_signed_certificate(vault.tls_dir)
    result = check(vault, checks.tls_settings, later=timedelta(days=20 * 365))
    assert result.status is Status.FAIL and "expired" in result.evidence


def test_tls_warns_without_a_certificate(vault: Settings) -> None:
    assert check(vault, checks.tls_settings).status is Status.WARN


# -- keys -------------------------------------------------------------------------------


def test_keys_fail_past_the_rotation_period_and_pass_after_a_rotation(vault: Settings) -> None:
    assert check(vault, checks.keys_rotated).status is Status.PASS
    old = utcnow() - timedelta(days=400)
    set_rows(vault, TenantKey, TenantKey.tenant_id == tenant_id(vault), created_at=old)
    failed = check(vault, checks.keys_rotated)
    assert failed.status is Status.FAIL and "400 days ago" in failed.evidence
    code, _ = run_cli(vault, "keys", "rotate", "--tenant", TENANT_A)
    assert code == 0
    assert check(vault, checks.keys_rotated).status is Status.PASS


# -- audit verification -----------------------------------------------------------------


def test_audit_fails_until_verified_and_again_a_day_later(vault: Settings) -> None:
    never = check(vault, checks.audit_verified)
    assert never.status is Status.FAIL and "never been verified" in never.evidence
    code, output = run_cli(vault, "audit", "verify", "--tenant", TENANT_A)
    assert code == 0, output
    assert check(vault, checks.audit_verified).status is Status.PASS
    stale = check(vault, checks.audit_verified, later=timedelta(hours=25))
    assert stale.status is Status.FAIL and "verified 25 h ago" in stale.evidence


# -- retention --------------------------------------------------------------------------


def test_retention_warns_without_a_period_and_passes_with_one(vault: Settings) -> None:
    assert check(vault, checks.retention_configured).status is Status.WARN
    add_rows(vault, retention_period(vault))
    assert check(vault, checks.retention_configured).status is Status.PASS


# -- backups ----------------------------------------------------------------------------


def test_backup_fails_without_one_then_warns_until_verified_then_passes(
    vault: Settings, tmp_path: Path
) -> None:
    assert check(vault, checks.backup_recent).status is Status.FAIL
    out = tmp_path / "vault.cvbak"
    code, output = run_cli(vault, "backup", "create", "--out", str(out))
    assert code == 0, output
    unverified = check(vault, checks.backup_recent)
    assert unverified.status is Status.WARN and "not verified" in unverified.evidence
    code, output = run_cli(vault, "backup", "verify", str(out), database=False)
    assert code == 0, output
    assert check(vault, checks.backup_recent).status is Status.PASS
    too_old = check(vault, checks.backup_recent, later=timedelta(days=8))
    assert too_old.status is Status.FAIL


# -- alert delivery ---------------------------------------------------------------------


def test_alert_delivery_warns_without_a_webhook(vault: Settings) -> None:
    assert check(vault, checks.alert_delivery).status is Status.WARN


def test_alert_delivery_fails_on_a_recent_failure_and_passes_when_delivered(
    vault: Settings,
) -> None:
    add_rows(vault, alert_webhook(vault), alert(vault, DeliveryStatus.DELIVERED))
    passed = check(vault, checks.alert_delivery)
    assert passed.status is Status.PASS and passed.evidence.startswith("1 delivered, 0 failed")
    add_rows(vault, alert(vault, DeliveryStatus.FAILED))
    assert check(vault, checks.alert_delivery).status is Status.FAIL
    old_failure_forgotten = check(vault, checks.alert_delivery, later=timedelta(days=8))
    assert old_failure_forgotten.status is Status.PASS


# -- training ---------------------------------------------------------------------------


def test_training_fails_for_an_untrained_phi_user_and_passes_when_enforced_and_current(
    vault: Settings, make_user: UserFactory
) -> None:
    agent = make_user("agent")
    failed = check(vault, checks.training_current)
    assert failed.status is Status.FAIL and failed.section == "164.308(a)(5)(i)"
    enrol(vault, agent.id, training_valid_until=utcnow().date() + timedelta(days=200))
    off = check(vault, checks.training_current)
    assert off.status is Status.WARN and "not enforced" in off.evidence
    add_rows(vault, TrainingPolicy(tenant_id=tenant_id(vault), required=True))
    assert check(vault, checks.training_current).status is Status.PASS
    soon = check(vault, checks.training_current, later=timedelta(days=180))
    assert soon.status is Status.WARN and "lapse within 30 days" in soon.evidence


# -- break-glass ------------------------------------------------------------------------


def elevation(vault: Settings, requester: str, **values: object) -> Elevation:
    return Elevation(
        tenant_id=tenant_id(vault),
        requester_id=requester,
        permission="call:read",
        minutes=30,
        reason="synthetic reason",
        **values,
    )


def test_break_glass_fails_on_a_live_grant_of_a_deactivated_user(
    vault: Settings, make_user: UserFactory
) -> None:
    admin = make_user("admin")
    now = utcnow()
    grant = elevation(vault, admin.id, status="approved", decided_at=now)
    grant.expires_at = now + timedelta(minutes=30)
    add_rows(vault, grant)
    assert check(vault, checks.break_glass).status is Status.PASS
    set_rows(vault, User, User.id == admin.id, active=False)
    failed = check(vault, checks.break_glass)
    assert failed.status is Status.FAIL and "deactivated" in failed.evidence


def test_break_glass_warns_on_a_request_left_undecided(
    vault: Settings, make_user: UserFactory
) -> None:
    admin = make_user("admin")
    add_rows(vault, elevation(vault, admin.id, created_at=utcnow() - timedelta(hours=3)))
    result = check(vault, checks.break_glass)
    assert result.status is Status.WARN and "1 undecided" in result.evidence


def test_no_check_echoes_a_secret_or_an_address(vault: Settings, make_user: UserFactory) -> None:
    person = make_user("agent")
    text = json.dumps([vars(check(vault, run)) for run in checks.CHECKS], default=str)
    assert person.email not in text and "siem.example" not in text
