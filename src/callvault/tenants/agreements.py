"""A tenant's business associate agreements (BAAs), and the PHI gate they open.

The registry itself (drafting, activating, terminating, the API, the CLI and the
dashboard page) is ``callvault.compliance``, and so is the audited refusal the
ingest paths call (``compliance.gate``). The table and the check itself live here, in
the core, because the paths that take PHI in or send it out stand at every layer,
down to the SIEM forwarder of the audit trail.

An agreement covers PHI when it is active and today (UTC) falls within its dates:
``effective_on <= today < ends_on``. ``ends_on`` is the first day it no longer covers,
so the gate closes on that day; it is computed from the dates each time, never from a
stored "expired" flag. See ``docs/compliance.md``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, bindparam, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from callvault.db.base import Base, UTCDateTime, new_id, utcnow
from callvault.errors import PermissionDenied

NO_ACTIVE_BAA_TYPE = "urn:callvault:problem:no-active-baa"
DEFAULT_REMINDER_DAYS = 30


class AgreementKind(StrEnum):
    """Who the agreement is with: the covered entity (the clinic whose patients call)
    or a subcontractor that receives PHI from CallVault."""

    COVERED_ENTITY = "covered_entity"
    STORAGE = "storage"
    TRANSCRIPTION = "transcription"
    SIEM = "siem"
    TELEPHONY = "telephony"
    AD_PLATFORM = "ad_platform"


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    TERMINATED = "terminated"


class BusinessAssociateAgreement(Base):
    __tablename__ = "baas"
    __table_args__ = (Index("ix_baas_tenant_kind_status", "tenant_id", "kind", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    kind: Mapped[str] = mapped_column(String(24))
    counterparty: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=AgreementStatus.DRAFT.value)
    effective_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # SHA-256 of the signed document, hex: the registry holds the fingerprint, not the PDF.
    document_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signers: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{"name", "role"}]
    reminder_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_REMINDER_DAYS)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NoActiveBaa(PermissionDenied):
    """403 ``urn:callvault:problem:no-active-baa``: the tenant has no agreement in force
    of the kind this needs. The message names the kind, never the counterparty."""

    title = "No active business associate agreement"
    problem_type = NO_ACTIVE_BAA_TYPE

    def __init__(self, kind: AgreementKind) -> None:
        super().__init__(_refusal(kind))
        self.kind = kind


def _refusal(kind: AgreementKind) -> str:
    if kind is AgreementKind.COVERED_ENTITY:
        return (
            "this tenant has no active covered-entity BAA, so it cannot take in PHI:"
            " record and activate one (callvault baa, or /api/v1/baas)"
        )
    return (
        f"this needs an active BAA with the {kind.value} subcontractor:"
        " record and activate one (callvault baa, or /api/v1/baas)"
    )


def today_utc() -> date:
    return utcnow().date()


def covers_on(today: date | BindParameter[date]) -> ColumnElement[bool]:
    """The agreements in force on ``today``."""
    baa = BusinessAssociateAgreement
    return (
        (baa.status == AgreementStatus.ACTIVE.value)
        & (baa.effective_on <= today)
        & or_(baa.ends_on.is_(None), baa.ends_on > today)
    )


def is_in_force(baa: BusinessAssociateAgreement, today: date) -> bool:
    """``covers_on`` for one agreement already read."""
    return (
        baa.status == AgreementStatus.ACTIVE.value
        and baa.effective_on <= today
        and (baa.ends_on is None or today < baa.ends_on)
    )


def has_active_agreement(session: Session, tenant_id: str, kind: AgreementKind) -> bool:
    """One indexed lookup, no cache: an agreement activated a moment ago opens the next
    request, and one that ends today closes it. It runs on every PHI ingest: a statement
    built once, on the session's connection (the tenant named here, not added by the
    session's scoping, whose hook cost more than the lookup)."""
    values = {"tenant_id": tenant_id, "kind": kind.value, "today": today_utc()}
    found = session.connection().execute(_IN_FORCE_OF_KIND, values).first()
    return found is not None


_IN_FORCE_OF_KIND = (
    select(BusinessAssociateAgreement.id)
    .where(
        BusinessAssociateAgreement.tenant_id == bindparam("tenant_id"),
        BusinessAssociateAgreement.kind == bindparam("kind"),
        covers_on(bindparam("today", type_=Date)),
    )
    .limit(1)
)
