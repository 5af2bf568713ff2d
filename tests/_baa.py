"""The covered-entity BAA every test tenant is made with, so its PHI ingest is open
(the gate's own tests, tests/compliance, make tenants without one)."""

from __future__ import annotations

from datetime import date

from callvault.audit.context import ServiceContext
from callvault.cli.options import CLI_REQUEST, cli_principal
from callvault.cli.vault import open_keyring
from callvault.compliance.schemas import BaaIn
from callvault.compliance.service import record_active_agreement
from callvault.db.base import utcnow
from callvault.settings import Settings
from callvault.tenants.agreements import (
    AgreementKind,
    AgreementStatus,
    BusinessAssociateAgreement,
)
from callvault.tenants.service import get_tenant

CLINIC_BAA = BaaIn(
    kind=AgreementKind.COVERED_ENTITY,
    counterparty="Test clinic",
    effective_on=date(2020, 1, 1),
    document_sha256="ab" * 32,
)


def record_agreement(
    settings: Settings,
    tenant: str,
    kind: AgreementKind,
    *,
    effective_on: date = date(2020, 1, 1),
    ends_on: date | None = None,
) -> str:
    """An active agreement of ``kind`` for ``tenant``, recorded as the CLI would."""
    with open_keyring(settings) as (session, keyring):
        tenant_id = get_tenant(session, tenant).id
        ctx = ServiceContext(session, cli_principal(tenant_id), CLI_REQUEST, keyring)
        data = BaaIn(
            kind=kind,
            counterparty=f"Test {kind.value}",
            effective_on=effective_on,
            ends_on=ends_on,
            document_sha256="cd" * 32,
        )
        return record_active_agreement(ctx, data)


def insert_clinic_agreement(settings: Settings, tenant: str) -> None:
    """``CLINIC_BAA`` active for ``tenant``, written as a bare row: the shared vault's
    audit trails stay as the tests that count their events expect (recording it through
    the registry, audited, is what tests/compliance tests)."""
    with open_keyring(settings) as (session, _):
        now = utcnow()
        session.add(
            BusinessAssociateAgreement(
                tenant_id=get_tenant(session, tenant).id,
                kind=CLINIC_BAA.kind.value,
                counterparty=CLINIC_BAA.counterparty,
                status=AgreementStatus.ACTIVE.value,
                effective_on=CLINIC_BAA.effective_on,
                document_sha256=CLINIC_BAA.document_sha256,
                created_by="test-fixture",
                created_at=now,
                updated_at=now,
            )
        )
        session.commit()
