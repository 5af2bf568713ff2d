"""The registry's state and the audit trail, read and set behind the app's back."""

from __future__ import annotations

from datetime import date

from httpx import Response
from sqlalchemy import func, select, update

from callvault.audit.models import AuditEvent
from callvault.calls.models import Call, StoredObject
from callvault.cli.vault import open_keyring
from callvault.settings import Settings
from callvault.tenants.agreements import AgreementKind, BusinessAssociateAgreement
from callvault.tenants.service import get_tenant
from tests._vault import TENANT_A

BAAS = "/api/v1/baas"


def close_gate(vault: Settings, tenant: str = TENANT_A) -> None:
    """The tenant's covered-entity agreements terminated."""
    set_agreements(vault, tenant, AgreementKind.COVERED_ENTITY, status="terminated")


def set_agreements(
    vault: Settings, tenant: str, kind: AgreementKind, **values: str | date | None
) -> None:
    with open_keyring(vault) as (session, _):
        tenant_id = get_tenant(session, tenant).id
        baa = BusinessAssociateAgreement
        session.execute(
            update(baa).where(baa.tenant_id == tenant_id, baa.kind == kind.value).values(**values)
        )
        session.commit()


def call_count(vault: Settings) -> int:
    return _count(vault, Call)


def object_count(vault: Settings) -> int:
    """Recordings and transcripts stored."""
    return _count(vault, StoredObject)


def _count(vault: Settings, model: type[Call] | type[StoredObject]) -> int:
    with open_keyring(vault) as (session, _):
        return session.scalar(select(func.count()).select_from(model)) or 0


def events(vault: Settings, action: str, resource_id: str | None = None) -> list[str]:
    """The outcome of each event with ``action`` (on ``resource_id``), oldest first."""
    stmt = select(AuditEvent.outcome).where(AuditEvent.action == action)
    if resource_id is not None:
        stmt = stmt.where(AuditEvent.resource_id == resource_id)
    with open_keyring(vault) as (session, _):
        return list(session.scalars(stmt.order_by(AuditEvent.at_ms, AuditEvent.seq)))


def assert_no_active_baa(response: Response, kind: AgreementKind) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"].endswith("no-active-baa")
    assert kind.value.replace("_", "-") in problem["detail"]  # names the agreement needed
