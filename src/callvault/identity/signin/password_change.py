"""A person changes their own password: ``POST /api/v1/auth/password``.

It takes the current password and a fresh TOTP code (each time step once, as at
sign-in), from a signed-in session only (an API token is refused: it has no password).
The new password passes the same checks as at creation (422 naming ``new_password``).
A wrong current password or code is one answer, ``403`` "the current password or the
code is not correct" (the session itself is fine, so not a 401 that would send a client
back to sign-in), counted as a failure like a wrong sign-in (lockout included) and
throttled like one. A success ends the user's other sessions (this one stays) and
clears a pending change after an admin reset. Both outcomes are audited
(``auth:password_change``), with ids only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome
from callvault.authz.principal import Principal
from callvault.db.base import utcnow
from callvault.errors import InvalidInput, NotAuthenticated, PermissionDenied
from callvault.identity import totp
from callvault.identity.models import User, UserSession
from callvault.identity.passwords import check_password_policy, hash_password
from callvault.identity.signin.flow import AuthFlow, SeenUser, is_locked
from callvault.identity.signin.own_session import NOT_A_SESSION
from callvault.identity.signin.throttle import Reservation
from callvault.identity.users import totp_secret

WRONG_CREDENTIALS = "the current password or the code is not correct"
CANNOT_CHANGE = "the password cannot be changed now: the account is locked or was changed"


def field_error(field: str, message: str) -> InvalidInput:
    """A 422 that names the field (as a schema error would), never its value."""
    error = InvalidInput(f"{field}: {message}")
    error.errors = [{"field": field, "message": message}]  # type: ignore[attr-defined]
    return error


def check_new_password(current: str, new: str) -> None:
    try:
        check_password_policy(new)
    except InvalidInput as exc:
        raise field_error("new_password", exc.detail) from None
    if new == current:
        raise field_error("new_password", "the new password must differ from the current one")


class PasswordChange(AuthFlow):
    """Self-service password change; commits its own outcomes."""

    def change(self, principal: Principal, current: str, new: str, code: str) -> None:
        session_id = principal.session_id
        if session_id is None or principal.actor_type != "user":
            raise PermissionDenied(NOT_A_SESSION)
        check_new_password(current, new)
        seen = self._read(lambda db: _seen(db, principal.actor_id))
        if seen is None:
            raise NotAuthenticated("the session has ended: sign in again")
        reservation = self._reserve_signed_in(
            principal, AuditAction.AUTH_PASSWORD_CHANGE, seen.email
        )
        correct = self._verify(reservation, seen.password_hash, current)
        new_hash = self._in_pool(reservation, lambda: hash_password(new)) if correct else None
        self._record(seen, session_id, code, new_hash, reservation)

    def _record(
        self,
        seen: SeenUser,
        session_id: str,
        code: str,
        new_hash: str | None,
        reservation: Reservation,
    ) -> None:
        user = self._lock_user(seen.id)
        if user is None or not user.active:
            raise NotAuthenticated("the session has ended: sign in again")
        now = utcnow()
        if is_locked(user, now) or user.password_hash != seen.password_hash:
            self._refuse(
                user, AuditAction.AUTH_PASSWORD_CHANGE, CANNOT_CHANGE, error=PermissionDenied
            )
        step = totp.accepted_step(totp_secret(self._keyring, user), code, user.totp_last_step)
        if new_hash is None or step is None:
            self._count_failure(user, now)
            self._refuse(
                user, AuditAction.AUTH_PASSWORD_CHANGE, WRONG_CREDENTIALS, error=PermissionDenied
            )
        _set_password(user, new_hash, step)
        _end_other_sessions(self._db, user.id, session_id, now)
        self._throttle.refund(self._db, reservation)
        self._audit(user, AuditAction.AUTH_PASSWORD_CHANGE, Outcome.ALLOWED)
        self._db.commit()


def _seen(db: Session, user_id: str) -> SeenUser | None:
    user = db.get(User, user_id)
    if user is None or user.totp_secret_enc is None:
        return None
    return SeenUser(user.id, user.email, user.password_hash, may_try=user.active)


def _set_password(user: User, password_hash: str, step: int) -> None:
    user.password_hash = password_hash
    user.totp_last_step = step  # the code is used up, as at sign-in
    user.failed_logins, user.locked_until = 0, None
    user.password_change_required = False
    user.temp_password_expires_at = user.temp_password_used_at = None


def _end_other_sessions(db: Session, user_id: str, keep: str, now: datetime) -> None:
    db.execute(
        update(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.id != keep,
        )
        .values(revoked_at=now)
    )
