"""One function per safeguard: each reads the system and answers pass, warn or fail,
with evidence (counts and ages, never PHI or secrets) and the HIPAA section it serves.

A check takes a ``Facts`` (the tenant-scoped session, the settings, the time) so tests
can run them on a real vault at a chosen moment."""

from __future__ import annotations

import json
import ssl
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from cryptography import x509
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callvault.alerts.models import Alert, AlertSettings, DeliveryStatus
from callvault.audit.models import AuditLog
from callvault.audit.verify import verified_stamp_path
from callvault.authz.permissions import PHI_PERMISSIONS
from callvault.authz.roles import policy_for
from callvault.backup.status import read_backup_status
from callvault.crypto.models import TenantKey
from callvault.identity.custom_roles import resolve_roles
from callvault.identity.elevation.service import DECISION_WINDOW
from callvault.identity.models import Elevation, User, UserRole
from callvault.identity.policy.access import (
    MAX_ABSOLUTE_MINUTES,
    MAX_IDLE_MINUTES,
    load_access_policy,
)
from callvault.identity.training.rules import WARNING_DAYS, is_lapsed
from callvault.identity.training.service import training_policy
from callvault.lifecycle.models import RetentionPolicy
from callvault.settings import Settings
from callvault.tenants.agreements import (
    AgreementKind,
    BusinessAssociateAgreement,
    covers_on,
)
from callvault.tlsconfig import MINIMUM_VERSION, harden_server_context
from callvault.web.tls import CERT_FILENAME, KEY_FILENAME

KEY_MAX_AGE = timedelta(days=365)
KEY_WARN_AGE = KEY_MAX_AGE - timedelta(days=30)
AUDIT_VERIFY_MAX_AGE = timedelta(days=1)
BACKUP_WARN_AGE = timedelta(days=1, hours=2)  # a daily backup, with some slack
BACKUP_MAX_AGE = timedelta(days=7)
ALERT_WINDOW = timedelta(days=7)
CERT_WARN_DAYS = 30
AEAD_CIPHER_MARKERS = ("GCM", "CHACHA20", "CCM")


class Status(StrEnum):
    PASS = "pass"  # noqa: S105  # a check status, not a secret
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: Status
    evidence: str
    section: str


@dataclass(frozen=True)
class Facts:
    """What every check may read: the session (scoped to the tenant), settings, now."""

    session: Session
    settings: Settings
    tenant_id: str
    now: datetime

    @property
    def today(self) -> date:
        return self.now.date()


Check = Callable[[Facts], CheckResult]


def _result(name: str, section: str) -> Callable[[Status, str], CheckResult]:
    return lambda status, evidence: CheckResult(name, status, evidence, section)


def covered_entity_baa(facts: Facts) -> CheckResult:
    result = _result("baa", "164.308(b)(1), 164.314(a)")
    baa = BusinessAssociateAgreement
    rows = facts.session.scalars(
        select(baa).where(
            baa.tenant_id == facts.tenant_id,
            baa.kind == AgreementKind.COVERED_ENTITY.value,
            covers_on(facts.today),
        )
    ).all()
    if not rows:
        return result(Status.FAIL, "no covered-entity BAA in force: PHI ingest is refused")
    ends = [(row.ends_on, row.reminder_days) for row in rows if row.ends_on is not None]
    if len(ends) < len(rows):
        return result(Status.PASS, f"{len(rows)} covered-entity BAA(s) in force, open-ended")
    last_end, reminder_days = max(ends)  # the agreement that covers longest
    left = (last_end - facts.today).days
    if left <= reminder_days:
        return result(Status.WARN, f"the covered-entity BAA ends in {left} day(s): renew it")
    return result(Status.PASS, f"covered-entity BAA in force, {left} days before it ends")


def _phi_users(facts: Facts) -> list[User]:
    """Active users whose roles grant a PHI permission (deny wins, as in the gate)."""
    users = facts.session.scalars(
        select(User).where(User.tenant_id == facts.tenant_id, User.active.is_(True))
    ).all()
    role_rows = facts.session.execute(
        select(UserRole.user_id, UserRole.role)
        .join(User, User.id == UserRole.user_id)
        .where(User.tenant_id == facts.tenant_id, User.active.is_(True))
    ).all()
    names: dict[str, list[str]] = {}
    for user_id, role in role_rows:
        names.setdefault(user_id, []).append(role)
    phi = []
    for user in users:
        policy = policy_for(resolve_roles(facts.session, facts.tenant_id, names.get(user.id, [])))
        if (policy.allow - policy.deny) & PHI_PERMISSIONS:
            phi.append(user)
    return phi


def totp_enrolled(facts: Facts) -> CheckResult:
    result = _result("totp", "164.312(d)")
    users = _phi_users(facts)
    missing = sum(1 for user in users if user.totp_confirmed_at is None)
    if missing:
        return result(
            Status.FAIL,
            f"{missing} of {len(users)} active users with PHI permissions have not enrolled TOTP",
        )
    return result(Status.PASS, f"all {len(users)} active users with PHI permissions use TOTP")


def session_limits(facts: Facts) -> CheckResult:
    result = _result("session_limits", "164.312(a)(2)(iii)")
    policy = load_access_policy(facts.session, facts.tenant_id)
    evidence = (
        f"idle timeout {policy.idle_minutes} min (max {MAX_IDLE_MINUTES}), absolute"
        f" {policy.absolute_minutes} min (max {MAX_ABSOLUTE_MINUTES})"
    )
    within = (
        0 < policy.idle_minutes <= MAX_IDLE_MINUTES
        and 0 < policy.absolute_minutes <= MAX_ABSOLUTE_MINUTES
    )
    return result(Status.PASS if within else Status.FAIL, evidence)


def tls_settings(facts: Facts) -> CheckResult:
    """The listener's certificate and key in the data directory, and the cipher policy
    every listener is built with (``callvault.tlsconfig``)."""
    result = _result("tls", "164.312(e)(1), 164.312(e)(2)(ii)")
    weak = _non_aead_ciphers()
    if weak:
        return result(Status.FAIL, f"{weak} enabled cipher suite(s) are not AEAD")
    cert_path = facts.settings.tls_dir / CERT_FILENAME
    key_path = facts.settings.tls_dir / KEY_FILENAME
    if not cert_path.exists() or not key_path.exists():
        return result(
            Status.WARN,
            "no certificate in the data directory: TLS must end at a trusted proxy"
            " (serve --forwarded-allow-ips)",
        )
    if key_path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return result(Status.FAIL, "the TLS private key is readable by other accounts")
    days = _days_until_expiry(cert_path, facts.now)
    if days is None:
        return result(Status.FAIL, "the TLS certificate cannot be read")
    if days < 0:
        return result(Status.FAIL, f"the TLS certificate expired {-days} day(s) ago")
    status = Status.WARN if days <= CERT_WARN_DAYS else Status.PASS
    return result(
        status,
        f"TLS {tls_version_name()}+ with AEAD ciphers only; certificate valid {days} more days",
    )


def _non_aead_ciphers() -> int:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    harden_server_context(context)
    names = [cipher["name"] for cipher in context.get_ciphers()]
    return sum(1 for name in names if not any(m in name for m in AEAD_CIPHER_MARKERS))


def tls_version_name() -> str:
    return MINIMUM_VERSION.name.replace("TLSv", "").replace("_", ".")


def _days_until_expiry(cert_path: Path, now: datetime) -> int | None:
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError):
        return None
    return (cert.not_valid_after_utc - now).days


def keys_rotated(facts: Facts) -> CheckResult:
    result = _result("keys", "164.312(a)(2)(iv)")
    if not facts.settings.root_key_path.exists():
        return result(Status.FAIL, "the root key file is missing from the data directory")
    created = facts.session.scalar(
        select(func.max(TenantKey.created_at)).where(TenantKey.tenant_id == facts.tenant_id)
    )
    if created is None:
        return result(Status.FAIL, "the tenant has no encryption key")
    age = (facts.now - created).days
    evidence = f"tenant key last rotated {age} days ago (policy: every {KEY_MAX_AGE.days} days)"
    if facts.now - created > KEY_MAX_AGE:
        return result(Status.FAIL, evidence + ": run callvault keys rotate")
    return result(Status.WARN if facts.now - created > KEY_WARN_AGE else Status.PASS, evidence)


def audit_verified(facts: Facts) -> CheckResult:
    result = _result("audit_verified", "164.312(b), 164.312(c)(1)")
    stamp = last_verification(facts.settings, facts.tenant_id)
    if stamp is None:
        return result(Status.FAIL, "the audit log has never been verified: callvault audit verify")
    at, events = stamp
    size = facts.session.scalar(select(AuditLog.size).where(AuditLog.tenant_id == facts.tenant_id))
    hours = int((facts.now - at).total_seconds() // 3600)
    evidence = f"verified {hours} h ago over {events} of {size or 0} events"
    return result(Status.PASS if facts.now - at <= AUDIT_VERIFY_MAX_AGE else Status.FAIL, evidence)


def last_verification(settings: Settings, tenant_id: str) -> tuple[datetime, int] | None:
    """When ``callvault audit verify`` last passed for the tenant, and over how many events."""
    path = verified_stamp_path(settings.audit_checkpoint_dir, tenant_id)
    try:
        data = json.loads(path.read_text())
        return datetime.fromisoformat(data["at"]), int(data["events"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def retention_configured(facts: Facts) -> CheckResult:
    result = _result("retention", "164.310(d)(2)(i), 164.316(b)(2)(i)")
    periods = facts.session.scalar(
        select(func.count())
        .select_from(RetentionPolicy)
        .where(RetentionPolicy.tenant_id == facts.tenant_id, RetentionPolicy.days.is_not(None))
    )
    if not periods:
        return result(Status.WARN, "no retention period set: recordings are kept forever")
    return result(Status.PASS, f"{periods} data type(s) have a retention period")


def backup_recent(facts: Facts) -> CheckResult:
    result = _result("backup", "164.308(a)(7)(ii)(A), 164.308(a)(7)(ii)(D)")
    status = read_backup_status(facts.settings.data_dir)
    if status.created_at is None:
        return result(Status.FAIL, "no backup recorded: callvault backup create")
    age = facts.now - status.created_at
    evidence = f"last backup {int(age.total_seconds() // 3600)} h ago"
    if age > BACKUP_MAX_AGE:
        return result(Status.FAIL, evidence + f" (more than {BACKUP_MAX_AGE.days} days)")
    if not status.latest_verified:
        return result(Status.WARN, evidence + ", not verified: callvault backup verify")
    return result(Status.WARN if age > BACKUP_WARN_AGE else Status.PASS, evidence + ", verified")


def alert_delivery(facts: Facts) -> CheckResult:
    result = _result("alert_delivery", "164.308(a)(1)(ii)(D), 164.308(a)(6)(ii)")
    webhook = facts.session.scalar(
        select(AlertSettings.webhook_url).where(AlertSettings.tenant_id == facts.tenant_id)
    )
    if webhook is None:
        return result(Status.WARN, "no alert webhook: alerts are only shown on the dashboard")
    since = facts.now - ALERT_WINDOW
    counts = dict(
        facts.session.execute(
            select(Alert.delivery_status, func.count())
            .where(Alert.tenant_id == facts.tenant_id, Alert.created_at >= since)
            .group_by(Alert.delivery_status)
        ).all()
    )
    failed = counts.get(DeliveryStatus.FAILED.value, 0)
    evidence = (
        f"{counts.get(DeliveryStatus.DELIVERED.value, 0)} delivered, {failed} failed,"
        f" {counts.get(DeliveryStatus.PENDING.value, 0)} pending in {ALERT_WINDOW.days} days"
    )
    return result(Status.FAIL if failed else Status.PASS, evidence)


def training_current(facts: Facts) -> CheckResult:
    result = _result("training", "164.308(a)(5)(i)")
    required = training_policy(facts.session, facts.tenant_id).required
    users = _phi_users(facts)
    lapsed = [u for u in users if is_lapsed(True, u.training_valid_until, facts.today)]
    soon = [
        u
        for u in users
        if u.training_valid_until is not None
        and 0 < (u.training_valid_until - facts.today).days <= WARNING_DAYS
    ]
    enforcement = "enforced" if required else "not enforced"
    if lapsed:
        return result(
            Status.FAIL,
            f"{len(lapsed)} of {len(users)} users with PHI permissions have no current"
            f" training ({enforcement})",
        )
    if not required:
        return result(Status.WARN, f"all {len(users)} trained, but a lapse is {enforcement}")
    if soon:
        return result(Status.WARN, f"{len(soon)} of {len(users)} lapse within {WARNING_DAYS} days")
    return result(
        Status.PASS, f"all {len(users)} users with PHI permissions trained ({enforcement})"
    )


def break_glass(facts: Facts) -> CheckResult:
    result = _result("break_glass", "164.312(a)(2)(ii), 164.308(a)(4)")
    live = facts.session.execute(
        select(Elevation.id, User.active)
        .join(User, User.id == Elevation.requester_id)
        .where(
            Elevation.tenant_id == facts.tenant_id,
            Elevation.status == "approved",
            Elevation.expires_at > facts.now,
        )
    ).all()
    orphaned = sum(1 for _, active in live if not active)
    stale = facts.session.scalar(
        select(func.count())
        .select_from(Elevation)
        .where(
            Elevation.tenant_id == facts.tenant_id,
            Elevation.status == "pending",
            Elevation.created_at < facts.now - DECISION_WINDOW,
        )
    )
    evidence = f"{len(live)} live grant(s), {stale or 0} undecided request(s) past the window"
    if orphaned:
        return result(Status.FAIL, f"{orphaned} live grant(s) held by deactivated users")
    return result(Status.WARN if stale else Status.PASS, evidence)


CHECKS: tuple[Check, ...] = (
    covered_entity_baa,
    totp_enrolled,
    session_limits,
    tls_settings,
    keys_rotated,
    audit_verified,
    retention_configured,
    backup_recent,
    alert_delivery,
    training_current,
    break_glass,
)


def run_checks(facts: Facts) -> list[CheckResult]:
    return [check(facts) for check in CHECKS]
