"""An admin resets another person's credentials (``user:admin`` plus a step-up).

- ``POST /users/{id}/password-reset``: a random temporary password (generated here,
  never chosen by the admin, shown once, hashed like any password) that signs in once
  within ``TEMPORARY_PASSWORD_LIFETIME`` (its use is spent at the password step: a
  sign-in left unfinished needs another reset); the session that sign-in makes may only
  change it. The reset also lifts a lockout (the person is on the phone with the admin).
- ``POST /users/{id}/mfa-reset``: a new TOTP secret, unconfirmed, so the next sign-in
  enrols again; recovery codes and open sign-in challenges are gone.

Both end every session of the user. Nobody resets their own credentials this way
(``POST /auth/password`` is for that): an admin session taken over must not be enough
to take the account's second factor too. Allowed and refused attempts are audited,
ids only.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NoReturn

from sqlalchemy import delete

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome
from callvault.db.base import utcnow
from callvault.errors import CallVaultError, PermissionDenied, StepUpRequired
from callvault.identity import totp
from callvault.identity.admin.schemas import TemporaryPassword
from callvault.identity.admin.service import UserAdmin
from callvault.identity.models import LoginChallenge, RecoveryCode, User
from callvault.identity.passwords import hash_password, temporary_password
from callvault.identity.sessions import revoke_user_sessions, stepped_up_recently
from callvault.identity.users import totp_ad

TEMPORARY_PASSWORD_LIFETIME = timedelta(hours=24)
STEP_UP_FIRST = "re-enter a TOTP code (POST /api/v1/auth/step-up) first"


class CredentialReset(UserAdmin):
    """Password and MFA resets of the tenant's users; commits its own outcomes."""

    def reset_password(self, user_id: str) -> TemporaryPassword:
        self._allowed(user_id, AuditAction.USER_PASSWORD_RESET)
        password = temporary_password()
        hashed = hash_password(password)  # before any statement: no lock while it runs
        user = self._user(user_id, AuditAction.USER_PASSWORD_RESET)
        expires_at = utcnow() + TEMPORARY_PASSWORD_LIFETIME
        user.password_hash = hashed
        user.password_change_required = True
        user.temp_password_expires_at, user.temp_password_used_at = expires_at, None
        user.failed_logins, user.locked_until = 0, None
        self._end_access(user, AuditAction.USER_PASSWORD_RESET)
        return TemporaryPassword(temporary_password=password, expires_at=expires_at)

    def reset_mfa(self, user_id: str) -> None:
        self._allowed(user_id, AuditAction.USER_MFA_RESET)
        user = self._user(user_id, AuditAction.USER_MFA_RESET)
        secret = totp.new_secret()
        user.totp_secret_enc = self._ctx.keyring.encrypt_field(
            user.tenant_id, secret, totp_ad(user)
        )
        user.totp_confirmed_at, user.totp_last_step = None, None
        self._ctx.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        self._ctx.session.execute(delete(LoginChallenge).where(LoginChallenge.user_id == user.id))
        self._end_access(user, AuditAction.USER_MFA_RESET)

    def _allowed(self, user_id: str, action: AuditAction) -> None:
        """A fresh step-up (so never a token), and never one's own account."""
        if not stepped_up_recently(self._ctx.principal):
            self._denied(user_id, action, StepUpRequired, STEP_UP_FIRST)
        if self._ctx.principal.actor_type == "user" and self._ctx.principal.actor_id == user_id:
            self._denied(
                user_id,
                action,
                PermissionDenied,
                "you cannot reset your own credentials: use POST /api/v1/auth/password",
            )

    def _denied(
        self, user_id: str, action: AuditAction, error: type[CallVaultError], message: str
    ) -> NoReturn:
        self._ctx.audit(action, user_id, outcome=Outcome.DENIED)
        self._ctx.session.commit()
        raise error(message)

    def _end_access(self, user: User, action: AuditAction) -> None:
        revoke_user_sessions(self._ctx.session, user.id)
        self._ctx.audit(action, user.id)
        self._ctx.session.commit()
