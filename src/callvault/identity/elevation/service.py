"""Break-glass elevations (HIPAA 164.312(a)(2)(ii), emergency access).

A person asks for one permission for a few minutes, with a written reason; another
person of the same tenant holding ``elevation:approve`` approves or denies it. An
approved grant joins the requester's policy (``sessions.live_session``) until
``expires_at``; a deny in any of their roles still wins. The request, the decision
and every request that was allowed only because of the grant are audited.

The reason is a justification, not patient details: it goes into the audit trail
(which holds no PHI), so a reason with a run of 7 or more digits (a phone number, an
SSN, a record number) or an e-mail address is refused. It is returned to the
requester and approvers, never logged and never put in an error message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, cast

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.decision import Allowed, decide
from callvault.authz.permissions import Permission, parse_permission
from callvault.authz.principal import Principal
from callvault.authz.roles import policy_for
from callvault.db.base import utcnow
from callvault.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from callvault.identity.custom_roles import resolve_roles
from callvault.identity.models import Elevation

DECISION_WINDOW = timedelta(minutes=60)
MAX_LIST = 200

Status = Literal["pending", "approved", "denied", "expired"]
PENDING: Status = "pending"

# Seven or more digits, allowing the usual separators, or an e-mail address.
_LOOKS_LIKE_PHI = re.compile(r"(?:\d[\s().-]*){7,}|[^\s@]+@[^\s@]+\.[a-z]{2,}", re.IGNORECASE)
APPROVED: Status = "approved"
DENIED: Status = "denied"
EXPIRED: Status = "expired"

# Permissions that manage access itself: granted for minutes, any of them could be
# turned into lasting access (a role, a user, a token, an open allowlist) or into the
# power to approve one's own next grant. Break-glass is for reaching data, not these.
NOT_GRANTABLE = frozenset(
    {
        Permission.ELEVATION_APPROVE,
        Permission.ELEVATION_REQUEST,
        Permission.POLICY_ADMIN,
        Permission.ROLE_ADMIN,
        Permission.SCIM_PROVISION,
        Permission.TOKEN_ADMIN,
        # A training record lifts a lapse's suspension for a year: lasting access too.
        Permission.TRAINING_ADMIN,
        Permission.USER_ADMIN,
    }
)


@dataclass(frozen=True)
class ElevationRequest:
    permission: str
    minutes: int
    reason: str


def effective_status(row: Elevation) -> Status:
    """The stored status, read against the clock: a grant past ``expires_at`` and a
    request left undecided past the window both read as ``expired``."""
    now = utcnow()
    if row.status == APPROVED and row.expires_at is not None and row.expires_at <= now:
        return EXPIRED
    if row.status == PENDING and now - row.created_at > DECISION_WINDOW:
        return EXPIRED
    return cast(Status, row.status)  # only this module writes it: one of the four


def _status_clause(status: Status) -> ColumnElement[bool]:
    now = utcnow()
    stale = now - DECISION_WINDOW
    clauses: dict[str, ColumnElement[bool]] = {
        PENDING: and_(Elevation.status == PENDING, Elevation.created_at > stale),
        APPROVED: and_(Elevation.status == APPROVED, Elevation.expires_at > now),
        DENIED: Elevation.status == DENIED,
        EXPIRED: or_(
            and_(Elevation.status == PENDING, Elevation.created_at <= stale),
            and_(Elevation.status == APPROVED, Elevation.expires_at <= now),
        ),
    }
    return clauses[status]


class ElevationService:
    """Elevations of the principal's tenant only: another tenant's id is not found."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def _require_person(self) -> None:
        if self._ctx.principal.actor_type != "user":
            raise PermissionDenied("elevation is for people signed in on a session, not tokens")

    def _find(self, elevation_id: str, *, lock: bool = False) -> Elevation | None:
        query = select(Elevation).where(
            Elevation.id == elevation_id, Elevation.tenant_id == self._ctx.principal.tenant_id
        )
        # Two approvers at once: the second waits, then sees the request decided.
        return self._ctx.session.execute(
            query.with_for_update() if lock else query
        ).scalar_one_or_none()

    def ask(self, data: ElevationRequest) -> Elevation:
        """A pending request; 409 for a permission the requester already holds."""
        self._require_person()
        permission = parse_permission(data.permission)
        if permission is None:
            raise InvalidInput("permission is not a known permission")
        if permission in NOT_GRANTABLE:
            raise InvalidInput("permission cannot be granted by elevation")
        if self._ctx.principal.may(permission):
            raise Conflict("the requester already holds that permission")
        if _LOOKS_LIKE_PHI.search(data.reason):
            raise InvalidInput(
                "reason must describe the need, not the patient: no phone, record or"
                " social security numbers and no e-mail addresses"
            )
        row = Elevation(
            tenant_id=self._ctx.principal.tenant_id,
            requester_id=self._ctx.principal.actor_id,
            permission=permission.value,
            minutes=data.minutes,
            reason=data.reason,
            status=PENDING,
            created_at=utcnow(),
        )
        self._ctx.session.add(row)
        self._ctx.session.flush()
        self._ctx.audit(AuditAction.ELEVATION_REQUEST, row.id, reason=data.reason)
        self._ctx.session.commit()
        return row

    def decide(self, elevation_id: str, *, approve: bool) -> Elevation:
        """Approve (the grant starts now and lasts ``minutes``) or deny; never one's own."""
        self._require_person()
        action = AuditAction.ELEVATION_APPROVE if approve else AuditAction.ELEVATION_DENY
        row = self._find(elevation_id, lock=True)
        if row is None:
            self._refuse(action, elevation_id, Outcome.NOT_FOUND)
            raise NotFound("no such elevation")
        if row.requester_id == self._ctx.principal.actor_id:
            self._refuse(action, row.id, Outcome.DENIED)
            raise PermissionDenied("a request must be decided by someone other than its requester")
        if row.status != PENDING:
            raise Conflict("the request has already been decided")
        now = utcnow()
        if approve and now - row.created_at > DECISION_WINDOW:
            raise Conflict("the request is over 60 minutes old: ask again")
        row.status = APPROVED if approve else DENIED
        row.decided_at = now
        row.approver_id = self._ctx.principal.actor_id
        row.expires_at = now + timedelta(minutes=row.minutes) if approve else None
        self._ctx.audit(action, row.id)
        self._ctx.session.commit()
        return row

    def _refuse(self, action: AuditAction, elevation_id: str, outcome: Outcome) -> None:
        """Audit a refused decision on its own (an attempted self-approval is a finding)."""
        self._ctx.audit_refusal(action, elevation_id, outcome=outcome)

    def get(self, elevation_id: str) -> Elevation:
        """The requester sees their own requests; approvers see all of the tenant's."""
        row = self._find(elevation_id)
        if row is None or not (
            row.requester_id == self._ctx.principal.actor_id
            or self._ctx.principal.may(Permission.ELEVATION_APPROVE)
        ):
            raise NotFound("no such elevation")
        return row

    def queue(self, status: Status | None) -> list[Elevation]:
        """The tenant's requests, newest first; ``status`` as ``effective_status`` reads."""
        query = select(Elevation).where(Elevation.tenant_id == self._ctx.principal.tenant_id)
        if status is not None:
            query = query.where(_status_clause(status))
        query = query.order_by(Elevation.created_at.desc(), Elevation.id).limit(MAX_LIST)
        return list(self._ctx.session.execute(query).scalars())


def active_elevation_id(db: Session, user_id: str, permission: Permission) -> str | None:
    """The approved, unexpired elevation giving ``user_id`` this permission (the one
    expiring last, if several overlap)."""
    return db.execute(
        select(Elevation.id)
        .where(
            Elevation.requester_id == user_id,
            Elevation.permission == permission.value,
            Elevation.status == APPROVED,
            Elevation.expires_at > utcnow(),
        )
        .order_by(Elevation.expires_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def record_grant_use(
    db: Session, principal: Principal, permission: Permission, request: RequestInfo
) -> None:
    """Audit ``elevation:use`` (and commit it before the work starts, so a use is on
    record even if the request later fails) when ``permission`` was allowed only
    because of a break-glass grant, not by the principal's roles alone."""
    if principal.actor_type != "user" or permission not in principal.grants:
        return
    roles_only = policy_for(resolve_roles(db, principal.tenant_id, principal.roles))
    if isinstance(decide(roles_only, permission), Allowed):
        return
    elevation_id = active_elevation_id(db, principal.actor_id, permission)
    if elevation_id is None:
        return
    record_event(
        db,
        principal,
        AuditAction.ELEVATION_USE,
        resource_type="elevation",
        resource_id=elevation_id,
        outcome=Outcome.ALLOWED,
        request=request,
    )
    db.commit()
