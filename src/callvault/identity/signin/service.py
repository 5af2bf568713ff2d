"""Sign-in: password, then a TOTP code (what a session then does with itself, logout,
step-up, who am I, is ``callvault.identity.signin.own_session``).

The flow:

1. ``login(email, password)`` checks the password and issues a *challenge*: a random
   secret whose SHA-256 is a ``LoginChallenge`` row (5 minutes, single use, dead after
   5 wrong codes). The answer also carries the CSRF token the coming session will use:
   ``HMAC-SHA256(challenge, "callvault/csrf/v1")``. The server sees the challenge again
   at step 2 and derives the same token, so the token the login answer gave is the one
   the session accepts, without storing anything extra.
2. ``complete_mfa(challenge, code)`` takes a TOTP code (each time step once: the last
   accepted step is kept on the user) or, once enrolled, an unused recovery code. For a
   user who has not confirmed an authenticator yet, the first valid code confirms it and
   ten recovery codes are returned, once. Only then is a session started, always with a
   freshly generated id.

Every step is throttled per source address and per account before any other work
(``callvault.identity.signin.throttle``) and holds no lock while argon2 runs
(``callvault.identity.signin.flow``, which also describes the lockout). Only a completed
sign-in (password *and* code) resets the failure count, so alternating a correct
password with guessed codes gains nothing. A locked or deactivated account, an unknown
e-mail and a wrong password all get the same 401 with the same message; the password
is not checked while locked, but a dummy hash is, so all these answers take the same
time. A temporary password (an admin reset) signs in once, before it expires; the
session it leads to may only change it (``callvault.identity.authn``).

Every outcome with a known tenant is audited: ids only, never the e-mail address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome
from callvault.db.base import utcnow
from callvault.errors import InvalidInput, NotAuthenticated
from callvault.identity import totp
from callvault.identity.models import LoginChallenge, RecoveryCode, User
from callvault.identity.policy.access import load_access_policy
from callvault.identity.sessions import (
    IssuedSession,
    new_secret,
    secret_hash,
    start_session,
)
from callvault.identity.signin.flow import (
    AuthFlow,
    SeenUser,
    is_locked,
    lockout_for,
)
from callvault.identity.signin.schemas import LoginOut
from callvault.identity.signin.throttle import Reservation
from callvault.identity.users import normalise_email, totp_secret

__all__ = ["AuthService", "SignedIn", "lockout_for"]

CHALLENGE_LIFETIME = timedelta(minutes=5)
MAX_CODE_ATTEMPTS = 5

LOGIN_FAILED = "the e-mail address or password is not correct, or the account cannot sign in"
CHALLENGE_GONE = "the sign-in has expired or was already used: sign in again"
CODE_INVALID = "the code is not valid"


@dataclass(frozen=True)
class SignedIn:
    """A new session, and the recovery codes if this sign-in completed enrolment."""

    session: IssuedSession
    recovery_codes: list[str] | None


def csrf_for_challenge(challenge: str) -> str:
    """The CSRF token of the session a challenge leads to (see the module docstring)."""
    digest = hmac.new(challenge.encode("utf-8"), b"callvault/csrf/v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def temporary_password_usable(user: User, now: datetime) -> bool:
    """A temporary password signs in once, before it expires; any other always may."""
    expires = user.temp_password_expires_at
    return expires is None or (user.temp_password_used_at is None and now < expires)


class AuthService(AuthFlow):
    """The sign-in flow; commits its own outcomes (a failure is committed, with its
    audit event, before the error is raised)."""

    # -- step 1: password ---------------------------------------------------------

    def login(self, email: str, password: str) -> LoginOut:
        address = _normalised(email)
        # The account is throttled by what was typed, whether or not an account has it.
        reservation = self._reserve(address or email)
        seen = None if address is None else self._read(lambda db: self._seen(db, address))
        reference = seen.password_hash if seen is not None and seen.may_try else None
        correct = self._verify(reservation, reference, password)
        if seen is None:
            raise NotAuthenticated(LOGIN_FAILED)
        return self._record_login(seen, correct, reservation)

    def _seen(self, db: Session, address: str) -> SeenUser | None:
        user = db.execute(select(User).where(User.email == address)).scalar_one_or_none()
        if user is None:
            return None
        may_try = self._may_try_password(db, user, utcnow())
        return SeenUser(user.id, user.email, user.password_hash, may_try)

    def _may_try_password(self, db: Session, user: User, now: datetime) -> bool:
        if not user.active or is_locked(user, now):
            return False
        return load_access_policy(db, user.tenant_id).allows_ip(self._request.source_ip)

    def _record_login(self, seen: SeenUser, correct: bool, reservation: Reservation) -> LoginOut:
        user = self._lock_user(seen.id)
        now = utcnow()
        if user is None:
            self._db.rollback()
            raise NotAuthenticated(LOGIN_FAILED)
        # Locked, deactivated, off the allowlist or a new password, before or during
        # the check: refused, and not counted (outsiders cannot lock users out).
        unchanged = user.password_hash == seen.password_hash
        if not (seen.may_try and unchanged and self._may_try_password(self._db, user, now)):
            self._refuse(user, AuditAction.AUTH_LOGIN, LOGIN_FAILED)
        if not correct or not temporary_password_usable(user, now):
            self._count_failure(user, now)
            self._refuse(user, AuditAction.AUTH_LOGIN, LOGIN_FAILED)
        if user.temp_password_expires_at is not None:
            user.temp_password_used_at = now  # its one sign-in
        challenge = new_secret()
        self._db.add(
            LoginChallenge(
                id=secret_hash(challenge),
                user_id=user.id,
                created_at=now,
                expires_at=now + CHALLENGE_LIFETIME,
            )
        )
        self._throttle.refund(self._db, reservation)
        self._audit(user, AuditAction.AUTH_LOGIN, Outcome.ALLOWED)
        answer = self._login_answer(user, challenge)
        self._db.commit()
        return answer

    def _login_answer(self, user: User, challenge: str) -> LoginOut:
        answer = LoginOut(
            challenge=challenge,
            csrf_token=csrf_for_challenge(challenge),
            enrolment_required=user.totp_confirmed_at is None,
            password_change_required=user.password_change_required,
        )
        if answer.enrolment_required:
            uri = totp.provisioning_uri(totp_secret(self._keyring, user), user.email)
            answer.otpauth_uri, answer.qr_svg = uri, totp.qr_svg(uri)
        return answer

    # -- step 2: code -------------------------------------------------------------

    def complete_mfa(self, challenge: str, code: str) -> SignedIn:
        challenge_id = secret_hash(challenge)
        reservation = self._reserve(self._read(lambda db: _challenge_account(db, challenge_id)))
        row = self._db.get(LoginChallenge, challenge_id, with_for_update=True)
        now = utcnow()
        if row is None or not _challenge_open(row, now):
            raise NotAuthenticated(CHALLENGE_GONE)
        user = self._lock_user(row.user_id)
        if user is None:
            raise NotAuthenticated(CHALLENGE_GONE)
        if not user.active or is_locked(user, now):
            row.consumed_at = now
            self._refuse(user, AuditAction.AUTH_MFA, CHALLENGE_GONE)
        enrolling = user.totp_confirmed_at is None
        method = self._check_code(user, code, allow_recovery=not enrolling)
        if method is None:
            row.failed_codes += 1
            if row.failed_codes >= MAX_CODE_ATTEMPTS:
                row.consumed_at = now  # this challenge is spent: sign in again
            self._count_failure(user, now)
            self._refuse(user, AuditAction.AUTH_MFA, CODE_INVALID)
        row.consumed_at = now
        self._throttle.refund(self._db, reservation)
        return self._sign_in(user, challenge, method, enrolling, now)

    def _sign_in(
        self, user: User, challenge: str, method: AuditAction, enrolling: bool, now: datetime
    ) -> SignedIn:
        user.failed_logins, user.locked_until = 0, None
        codes = None
        if enrolling:
            user.totp_confirmed_at = now
            codes = self._new_recovery_codes(user)
            self._audit(user, AuditAction.AUTH_ENROL, Outcome.ALLOWED)
        issued = start_session(
            self._db,
            user,
            load_access_policy(self._db, user.tenant_id),
            source_ip=self._request.source_ip,
            csrf_token=csrf_for_challenge(challenge),
        )
        self._audit(user, method, Outcome.ALLOWED)
        self._db.commit()
        return SignedIn(issued, codes)

    def _new_recovery_codes(self, user: User) -> list[str]:
        codes = totp.new_recovery_codes()
        self._db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        self._db.add_all(
            RecoveryCode(user_id=user.id, code_hash=totp.recovery_code_hash(c)) for c in codes
        )
        return codes


def _normalised(email: str) -> str | None:
    try:
        return normalise_email(email)
    except InvalidInput:
        return None


def _challenge_account(db: Session, challenge_id: str) -> str | None:
    """The e-mail of the account a challenge belongs to (for the throttle), if any."""
    return db.execute(
        select(User.email)
        .join(LoginChallenge, LoginChallenge.user_id == User.id)
        .where(LoginChallenge.id == challenge_id)
    ).scalar_one_or_none()


def _challenge_open(row: LoginChallenge, now: datetime) -> bool:
    return row.consumed_at is None and row.expires_at > now and row.failed_codes < MAX_CODE_ATTEMPTS
