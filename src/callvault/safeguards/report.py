"""The risk analysis report (issue 19 part 6): the live checks, the configuration and the
audit statistics, mapped to the Security Rule's standards with evidence references.

It holds counts, settings and configuration ids, never caller data: it is a document
handed to auditors and kept six years (164.316(b)(2)(i)), so no PHI may enter it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callvault.alerts.models import Alert, AlertSettings
from callvault.audit.context import ServiceContext
from callvault.audit.models import AuditEvent, AuditTreeHead
from callvault.audit.service import Outcome
from callvault.crypto.models import TenantKey
from callvault.identity.policy.access import load_access_policy
from callvault.identity.training.service import training_policy
from callvault.integrations.models import TwilioSettings
from callvault.lifecycle.models import RetentionPolicy
from callvault.safeguards.checks import Status, last_verification, tls_version_name
from callvault.safeguards.schemas import CheckOut
from callvault.safeguards.service import checks_now
from callvault.settings import Settings
from callvault.tenants.agreements import BusinessAssociateAgreement
from callvault.tenants.models import Tenant

STANDARDS: tuple[tuple[str, str], ...] = (
    ("164.308", "Administrative safeguards"),
    ("164.310", "Physical safeguards"),
    ("164.312", "Technical safeguards"),
    ("164.314", "Organizational requirements"),
    ("164.316", "Policies, procedures and documentation requirements"),
)
STATISTICS_WINDOWS = (30, 90)  # days
BREAK_GLASS_GRANT = "elevation:approve"

# What to do about a check that warns or fails (the evidence says what was found).
RECOMMENDED_ACTIONS = {
    "baa": "Record and activate the covered-entity BAA (callvault baa, or the BAAs page).",
    "totp": "Have every user with PHI permissions enrol TOTP before their next sign-in.",
    "session_limits": "Set the idle and absolute session timeouts within policy.",
    "tls": "Install a valid certificate with a key readable only by the service account.",
    "keys": "Rotate the tenant key: callvault keys rotate.",
    "audit_verified": "Verify the audit log daily: callvault audit verify (a timer).",
    "retention": "Set a retention period for each data type (the Retention page).",
    "backup": "Back up daily and verify each backup: callvault backup create / verify.",
    "alert_delivery": "Configure the alert webhook and fix failed deliveries.",
    "training": "Record current training for every user with PHI permissions; enforce it.",
    "break_glass": "Decide or revoke the outstanding break-glass grants and requests.",
}


@dataclass(frozen=True)
class EvidenceRow:
    status: str  # a check's pass, warn, fail; "info" for configuration and statistics
    name: str
    evidence: str
    section: str


@dataclass(frozen=True)
class StandardTable:
    standard: str  # "164.308"
    title: str
    rows: list[EvidenceRow]


@dataclass(frozen=True)
class Finding:
    status: str
    name: str
    evidence: str
    section: str
    action: str


@dataclass(frozen=True)
class WindowStatistics:
    days: int
    events_by_family: dict[str, int]
    denied: int
    not_found: int
    break_glass_grants: int
    alerts_raised: int


@dataclass(frozen=True)
class AuditStatistics:
    first_seq: int | None
    last_seq: int | None
    head_size: int | None
    head_signed_at: datetime | None
    verified_at: datetime | None
    verified_events: int | None
    windows: list[WindowStatistics] = field(default_factory=list)

    @property
    def range_reference(self) -> str:
        if self.first_seq is None:
            return "no audit events yet"
        head = (
            f"head over {self.head_size} events signed at {_stamp(self.head_signed_at)}"
            if self.head_signed_at
            else "no signed head yet"
        )
        # seq as the Audit page and /audit/events/{seq} name them
        return f"audit events seq {self.first_seq} to {self.last_seq}, {head}"

    @property
    def verified_label(self) -> str:
        if self.verified_at is None:
            return "never (callvault audit verify)"
        return f"{_stamp(self.verified_at)} over {self.verified_events} events"

    def table_rows(self) -> list[tuple[str, list[int]]]:
        """The appendix's rows, one value per window: the totals, then each family."""
        families = sorted({name for w in self.windows for name in w.events_by_family})
        rows = [
            ("events in all", [sum(w.events_by_family.values()) for w in self.windows]),
            ("events denied", [w.denied for w in self.windows]),
            ("events not found", [w.not_found for w in self.windows]),
            ("break-glass grants", [w.break_glass_grants for w in self.windows]),
            ("alerts raised", [w.alerts_raised for w in self.windows]),
        ]
        rows += [
            (f"{name} events", [w.events_by_family.get(name, 0) for w in self.windows])
            for name in families
        ]
        return rows


@dataclass(frozen=True)
class RiskReport:
    tenant: str
    generated_at: datetime
    overall: Status
    standards: list[StandardTable]
    findings: list[Finding]
    configuration: list[tuple[str, str]]
    statistics: AuditStatistics

    @property
    def generated_label(self) -> str:
        return _stamp(self.generated_at)


def _stamp(at: datetime | None) -> str:
    return "never" if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def build_risk_report(ctx: ServiceContext, settings: Settings) -> RiskReport:
    """Everything the report says, gathered now (not audited: the caller records the
    document it makes of it, with the document's digest)."""
    status = checks_now(ctx, settings)
    statistics = audit_statistics(ctx.session, settings, ctx.tenant_id, status.checked_at)
    configuration = configuration_facts(ctx.session, settings, ctx.tenant_id)
    tenant = ctx.session.scalar(select(Tenant.name).where(Tenant.id == ctx.tenant_id))
    return RiskReport(
        tenant=tenant or ctx.tenant_id,
        generated_at=status.checked_at,
        overall=status.status,
        standards=_standards(status.checks, statistics, settings),
        findings=_findings(status.checks),
        configuration=configuration,
        statistics=statistics,
    )


def _standards(
    checks: list[CheckOut], statistics: AuditStatistics, settings: Settings
) -> list[StandardTable]:
    """Each check under every standard its sections name, then the standing evidence."""
    rows: dict[str, list[EvidenceRow]] = {standard: [] for standard, _ in STANDARDS}
    for check in checks:
        for standard in _standards_of(check.section):
            rows[standard].append(
                EvidenceRow(check.status.value, check.name, check.evidence, check.section)
            )
    rows["164.312"].append(
        EvidenceRow("info", "audit_trail", statistics.range_reference, "164.312(b)")
    )
    rows["164.316"].append(
        EvidenceRow(
            "info",
            "audit_retention",
            f"audit events kept {settings.audit_retention_days} days",
            "164.316(b)(2)(i)",
        )
    )
    return [StandardTable(standard, title, rows[standard]) for standard, title in STANDARDS]


def _standards_of(section: str) -> list[str]:
    """``"164.308(b)(1), 164.314(a)"`` -> ``["164.308", "164.314"]``."""
    found = [part.strip().split("(")[0] for part in section.split(",")]
    return sorted(set(found) & {standard for standard, _ in STANDARDS})


def _findings(checks: list[CheckOut]) -> list[Finding]:
    """The failing checks first, then the warnings."""
    order = {Status.FAIL: 0, Status.WARN: 1}
    flagged = sorted((c for c in checks if c.status in order), key=lambda c: order[c.status])
    return [
        Finding(c.status.value, c.name, c.evidence, c.section, RECOMMENDED_ACTIONS[c.name])
        for c in flagged
    ]


def audit_statistics(
    session: Session, settings: Settings, tenant_id: str, now: datetime
) -> AuditStatistics:
    first, last = session.execute(
        select(func.min(AuditEvent.seq), func.max(AuditEvent.seq)).where(
            AuditEvent.tenant_id == tenant_id
        )
    ).one()
    head = session.execute(
        select(AuditTreeHead.tree_size, AuditTreeHead.timestamp_ms)
        .where(AuditTreeHead.tenant_id == tenant_id)
        .order_by(AuditTreeHead.tree_size.desc())
        .limit(1)
    ).first()
    verified = last_verification(settings, tenant_id)
    return AuditStatistics(
        first_seq=first,
        last_seq=last,
        head_size=head.tree_size if head else None,
        head_signed_at=datetime.fromtimestamp(head.timestamp_ms / 1000, UTC) if head else None,
        verified_at=verified[0] if verified else None,
        verified_events=verified[1] if verified else None,
        windows=[_window(session, tenant_id, now, days) for days in STATISTICS_WINDOWS],
    )


def _window(session: Session, tenant_id: str, now: datetime, days: int) -> WindowStatistics:
    since = now - timedelta(days=days)
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.outcome, func.count())
        .where(AuditEvent.tenant_id == tenant_id, AuditEvent.at_ms >= int(since.timestamp() * 1000))
        .group_by(AuditEvent.action, AuditEvent.outcome)
    ).all()
    families: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    grants = 0
    for action, outcome, count in rows:
        families[action.split(":")[0]] += count
        outcomes[outcome] += count
        if action == BREAK_GLASS_GRANT and outcome == Outcome.ALLOWED.value:
            grants += count
    alerts = session.scalar(
        select(func.count())
        .select_from(Alert)
        .where(Alert.tenant_id == tenant_id, Alert.created_at >= since)
    )
    return WindowStatistics(
        days=days,
        events_by_family=dict(sorted(families.items())),
        denied=outcomes[Outcome.DENIED.value],
        not_found=outcomes[Outcome.NOT_FOUND.value],
        break_glass_grants=grants,
        alerts_raised=alerts or 0,
    )


def configuration_facts(
    session: Session, settings: Settings, tenant_id: str
) -> list[tuple[str, str]]:
    """The settings the safeguards rest on, as label and value (ids and numbers only)."""
    policy = load_access_policy(session, tenant_id)
    key_versions = session.scalar(
        select(func.max(TenantKey.version)).where(TenantKey.tenant_id == tenant_id)
    )
    return [
        ("TLS", f"TLS {tls_version_name()} minimum, AEAD cipher suites only"),
        ("Database", "SQLite (embedded)" if settings.is_sqlite else "PostgreSQL"),
        ("Blob storage", f"{settings.blob_store}, AES-256-GCM envelope encryption"),
        (
            "Key provider",
            f"local root key file ({'present' if settings.root_key_path.exists() else 'MISSING'})"
            f", tenant key version {key_versions or 0}",
        ),
        (
            "Session policy",
            f"idle {policy.idle_minutes} min, absolute {policy.absolute_minutes} min",
        ),
        ("Retention periods", _retention(session, tenant_id)),
        ("Audit retention", f"{settings.audit_retention_days} days"),
        ("Integrations enabled", _integrations(session, settings, tenant_id)),
        ("Training", _training(session, tenant_id)),
        ("BAAs on record", _agreements(session, tenant_id)),
    ]


def _retention(session: Session, tenant_id: str) -> str:
    rows = session.execute(
        select(RetentionPolicy.data_type, RetentionPolicy.days)
        .where(RetentionPolicy.tenant_id == tenant_id)
        .order_by(RetentionPolicy.data_type)
    ).all()
    periods = [f"{kind} {days} days" for kind, days in rows if days is not None]
    return ", ".join(periods) or "none set (kept forever)"


def _integrations(session: Session, settings: Settings, tenant_id: str) -> str:
    enabled = [f"transcription ({settings.transcriber})"]
    if settings.blob_store == "s3":
        enabled.append("S3 storage")
    if session.get(TwilioSettings, tenant_id) is not None:
        enabled.append("Twilio telephony")
    webhook = session.scalar(
        select(AlertSettings.webhook_url).where(AlertSettings.tenant_id == tenant_id)
    )
    if webhook is not None:  # the URL itself may hold a secret: only that it is there
        enabled.append("alert webhook")
    return ", ".join(enabled)


def _training(session: Session, tenant_id: str) -> str:
    policy = training_policy(session, tenant_id)
    enforced = "enforced" if policy.required else "not enforced"
    return f"a course counts {policy.period_months} months; a lapse is {enforced}"


def _agreements(session: Session, tenant_id: str) -> str:
    baa = BusinessAssociateAgreement
    rows = session.execute(
        select(baa.id, baa.kind, baa.status, baa.effective_on, baa.ends_on)
        .where(baa.tenant_id == tenant_id)
        .order_by(baa.kind, baa.effective_on)
    ).all()
    if not rows:
        return "none"
    return "; ".join(
        f"{kind} {status} from {start.isoformat()}"
        f"{' to ' + end.isoformat() if end else ''} (id {baa_id})"
        for baa_id, kind, status, start, end in rows
    )
