"""The PHI gate as the ingest paths and integration settings ask it: a refusal is
audited (``baa:gate_refuse``, the kind needed as its resource, committed on its own)
and raised as ``NoActiveBaa`` (403 ``urn:callvault:problem:no-active-baa``), before
anything of the request is written.
"""

from __future__ import annotations

from typing import NoReturn

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.blobs.interface import BlobStore
from callvault.tenants.agreements import AgreementKind, NoActiveBaa, has_active_agreement


def require_phi_ingest(ctx: ServiceContext, blobs: BlobStore) -> None:
    """PHI may come in: an active covered-entity agreement, and a storage one when the
    blobs go to a storage provider. Leaves the read transaction open for the caller."""
    require_agreement(ctx, AgreementKind.COVERED_ENTITY)
    if blobs.external:
        require_agreement(ctx, AgreementKind.STORAGE)


def require_agreement(ctx: ServiceContext, kind: AgreementKind) -> None:
    if not has_active_agreement(ctx.session, ctx.tenant_id, kind):
        refuse(ctx, kind)


def refuse(ctx: ServiceContext, kind: AgreementKind) -> NoReturn:
    """Drop whatever the request began, record the refusal, raise."""
    ctx.session.rollback()
    ctx.audit(AuditAction.BAA_GATE_REFUSE, kind.value, outcome=Outcome.DENIED)
    ctx.session.commit()
    raise NoActiveBaa(kind)
