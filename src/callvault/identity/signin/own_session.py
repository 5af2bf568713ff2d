"""A signed-in session's own steps: log out, step up (a fresh TOTP code, a new session
id), who am I.

Step-up is throttled like sign-in (``callvault.identity.signin.throttle``) and its wrong codes
count towards the lockout (``callvault.identity.signin.flow``). A session made with a
temporary password cannot step up: it may only change the password.
"""

from __future__ import annotations

from datetime import datetime

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome
from callvault.authz.principal import Principal
from callvault.db.base import utcnow
from callvault.errors import NotAuthenticated, PermissionDenied, StepUpRequired
from callvault.identity.models import User, UserSession
from callvault.identity.sessions import (
    STEP_UP_WINDOW,
    IssuedSession,
    is_stepped_up,
    revoke_session,
    rotate_session,
)
from callvault.identity.signin.flow import AuthFlow, email_of, is_locked
from callvault.identity.signin.schemas import WhoAmI
from callvault.identity.training.rules import days_left
from callvault.identity.training.service import training_required
from callvault.tenants.models import Tenant

MUST_CHANGE_FIRST = "change your password first (POST /api/v1/auth/password)"
NOT_A_SESSION = "this needs a signed-in session, not an API token"
CODE_INVALID = "the code is not valid"


class SessionService(AuthFlow):
    """What a signed-in person does with their own session; commits its outcomes."""

    def logout(self, principal: Principal) -> None:
        row = self._own_session(principal)
        revoke_session(row)
        self._audit_principal(principal, AuditAction.AUTH_LOGOUT)
        self._db.commit()

    def step_up(self, principal: Principal, code: str) -> IssuedSession:
        """Re-check a TOTP code and rotate the session id; the new session counts as
        stepped up for ``STEP_UP_WINDOW``."""
        if principal.session_id is None:
            raise PermissionDenied(NOT_A_SESSION)
        account = self._read(lambda db: email_of(db, principal.actor_id))
        reservation = self._reserve_signed_in(principal, AuditAction.AUTH_STEP_UP, account)
        row = self._own_session(principal)
        user = self._lock_user(principal.actor_id)
        if user is None:
            raise NotAuthenticated("the session has ended: sign in again")
        if user.password_change_required:
            self._throttle.refund(self._db, reservation)
            self._refuse(user, AuditAction.AUTH_STEP_UP, MUST_CHANGE_FIRST, error=PermissionDenied)
        now = utcnow()
        if is_locked(user, now) or self._check_code(user, code, allow_recovery=False) is None:
            if not is_locked(user, now):
                self._count_failure(user, now)
            self._refuse(user, AuditAction.AUTH_STEP_UP, CODE_INVALID, error=StepUpRequired)
        user.failed_logins = 0
        issued = rotate_session(self._db, row, stepped_up=True)
        self._throttle.refund(self._db, reservation)
        self._audit(user, AuditAction.AUTH_STEP_UP, Outcome.ALLOWED)
        self._db.commit()
        return issued

    def whoami(self, principal: Principal) -> WhoAmI:
        row = self._own_session(principal)
        user = self._db.get_one(User, principal.actor_id)
        tenant = self._db.get_one(Tenant, principal.tenant_id)
        answer = WhoAmI(
            user_id=user.id,
            email=user.email,
            roles=sorted(principal.roles),
            tenant_id=tenant.id,
            tenant=tenant.name,
            expires_at=row.expires_at,
            idle_timeout_seconds=row.idle_seconds,
            stepped_up_until=stepped_up_until(row),
            password_change_required=user.password_change_required,
            training_required=training_required(self._db, tenant.id),
            training_expires_in_days=days_left(user.training_valid_until, utcnow().date()),
        )
        self._db.commit()  # keeps the session's refreshed idle clock
        return answer

    def _own_session(self, principal: Principal) -> UserSession:
        row = (
            None
            if principal.session_id is None
            else self._db.get(UserSession, principal.session_id)
        )
        if row is None:
            raise PermissionDenied(NOT_A_SESSION)
        return row


def stepped_up_until(row: UserSession) -> datetime | None:
    if not is_stepped_up(row) or row.stepped_up_at is None:
        return None
    return row.stepped_up_at + STEP_UP_WINDOW


def step_up_deadline(row: UserSession) -> datetime:
    """Until when a session that just stepped up counts as stepped up."""
    return (row.stepped_up_at or utcnow()) + STEP_UP_WINDOW
