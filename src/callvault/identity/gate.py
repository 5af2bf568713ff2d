"""The gate every request passes: who is asking, and may they do this?

``authorize_request`` authenticates the credentials, decides the permission, audits a
denial (committed before the 403 goes out) and a break-glass grant's use, and asks for
a recent step-up where the permission needs one. The web layer calls it through
``AppResources.gate`` and never imports identity: the app wires the two together.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callvault.audit.actions import DENIAL_RESOURCE_TYPE, AuditAction
from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.credentials import Credentials
from callvault.authz.decision import Denied, decide
from callvault.authz.permissions import STEP_UP_PERMISSIONS, Permission
from callvault.authz.principal import Principal
from callvault.db.tenancy import all_tenants, scope_to_tenant
from callvault.errors import PermissionDenied, StepUpRequired
from callvault.identity.authn import authenticate
from callvault.identity.elevation.service import record_grant_use
from callvault.identity.models import UserSession
from callvault.identity.sessions import is_stepped_up
from callvault.identity.training.rules import TrainingLapsed


def authorize_request(
    session: Session,
    credentials: Credentials,
    permission: Permission,
    request: RequestInfo,
    route: str,
) -> Principal:
    with all_tenants(session):  # a secret's hash names the tenant: none is known before
        principal = authenticate(session, credentials)
    scope_to_tenant(session, principal.tenant_id)
    if isinstance(decide(principal.policy, permission), Denied):
        if permission in principal.training_suspended:
            _deny(session, principal, AuditAction.TRAINING_LAPSED_DENY, request, route)
            raise TrainingLapsed(permission)
        _deny(session, principal, permission, request, route)
        raise PermissionDenied(f"the role does not grant {permission}")
    if permission in STEP_UP_PERMISSIONS and not _stepped_up(session, principal):
        _deny(session, principal, permission, request, route)
        raise StepUpRequired("re-enter a TOTP code (POST /api/v1/auth/step-up) first")
    record_grant_use(session, principal, permission, request)
    return principal


def _deny(
    session: Session,
    principal: Principal,
    action: Permission | AuditAction,
    request: RequestInfo,
    route: str,
) -> None:
    session.rollback()
    record_event(
        session,
        principal,
        action,
        resource_type=DENIAL_RESOURCE_TYPE,
        resource_id=route,
        outcome=Outcome.DENIED,
        request=request,
    )
    session.commit()


def _stepped_up(session: Session, principal: Principal) -> bool:
    """Sessions need a recent step-up; service tokens cannot step up and are refused."""
    if principal.session_id is None:
        return False
    row = session.get(UserSession, principal.session_id)
    return row is not None and is_stepped_up(row)
