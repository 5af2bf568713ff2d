"""The one context every service receives, from a web request, the CLI or a job.

It holds the session (scoped to the actor's tenant, so a forgotten ``tenant_id``
filter still cannot cross tenants: ``callvault.db.tenancy``), who acts (a signed-in
user, a token, or a ``system`` actor for the CLI and jobs), the request facts the
audit trail records, and the tenant's keyring. ``audit()`` records an event in the
session's transaction, with the action's resource type unless told otherwise.

A new service takes a ``ServiceContext`` and nothing else it could get from one:

    class RetentionService:
        def __init__(self, ctx: ServiceContext) -> None:
            self._ctx = ctx
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from callvault.audit.actions import DENIAL_RESOURCE_TYPE, AuditAction
from callvault.audit.service import Outcome, RequestInfo, record_event, record_read
from callvault.authz.permissions import Permission
from callvault.authz.principal import Principal
from callvault.crypto.keyring import Keyring
from callvault.db.tenancy import scope_to_tenant


@dataclass
class ServiceContext:
    session: Session
    principal: Principal
    request: RequestInfo
    keyring: Keyring

    def __post_init__(self) -> None:
        scope_to_tenant(self.session, self.principal.tenant_id)

    @property
    def tenant_id(self) -> str:
        return self.principal.tenant_id

    def may(self, permission: Permission) -> bool:
        return self.principal.may(permission)

    def audit(
        self,
        action: AuditAction | Permission,
        resource_id: str | None,
        *,
        outcome: Outcome = Outcome.ALLOWED,
        resource_type: str | None = None,
        reason: str | None = None,
        phi_terms: Sequence[str] = (),
    ) -> int:
        """Record ``action`` in the session's transaction (fail closed: it raises
        ``AuditUnavailable`` when it cannot, and the work must not commit)."""
        return record_event(
            self.session,
            self.principal,
            action,
            resource_type=resource_type or _resource_type(action),
            resource_id=None if resource_id is None else resource_id[:64],
            outcome=outcome,
            request=self.request,
            reason=reason,
            phi_terms=phi_terms,
        )

    def audit_refusal(
        self,
        action: AuditAction | Permission,
        resource_id: str | None,
        *,
        outcome: Outcome,
        resource_type: str | None = None,
        reason: str | None = None,
        phi_terms: Sequence[str] = (),
    ) -> None:
        """A refused request on record, on its own: whatever the request began is
        rolled back first, so the refusal commits and nothing else does."""
        self.session.rollback()
        self.audit(
            action,
            resource_id,
            outcome=outcome,
            resource_type=resource_type,
            reason=reason,
            phi_terms=phi_terms,
        )
        self.session.commit()

    def audit_read(
        self, action: AuditAction, resource_id: str | None, phi_terms: Sequence[str] = ()
    ) -> None:
        """An allowed read, durably on record (or queued with a receipt the web layer
        settles) before this returns: ``callvault.audit.service.record_read``."""
        record_read(
            self.session,
            self.principal,
            action,
            resource_type=action.resource_type,
            resource_id=resource_id,
            request=self.request,
            phi_terms=phi_terms,
        )


def _resource_type(action: AuditAction | Permission) -> str:
    return action.resource_type if isinstance(action, AuditAction) else DENIAL_RESOURCE_TYPE
