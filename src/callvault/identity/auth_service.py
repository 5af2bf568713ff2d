"""Sign-in: password, then a TOTP code; logout; step-up; who am I.

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

Brute force: every wrong password or wrong code counts against the user; the 5th
consecutive failure locks the account for 15 minutes, the 10th for 30, and so on
(doubling, at most 24 hours). Only a completed sign-in (password *and* code) resets the
count, so alternating a correct password with guessed codes gains nothing. A locked or
deactivated account, an unknown e-mail and a wrong password all get the same 401 with
the same message (a 429 only for real accounts would tell an attacker which e-mails
have one); the password is not checked while locked, but a dummy hash is, so all these
answers take the same time.

Every outcome with a known tenant is audited: ids only, never the e-mail address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NoReturn

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.roles import Policy
from callvault.crypto.keyring import Keyring
from callvault.db.base import utcnow
from callvault.errors import (
    CallVaultError,
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    StepUpRequired,
)
from callvault.identity import totp
from callvault.identity.auth_schemas import LoginOut, WhoAmI
from callvault.identity.models import LoginChallenge, RecoveryCode, User, UserSession
from callvault.identity.passwords import verify_password
from callvault.identity.principal import Principal
from callvault.identity.sessions import (
    STEP_UP_WINDOW,
    IssuedSession,
    is_stepped_up,
    new_secret,
    revoke_session,
    rotate_session,
    secret_hash,
    start_session,
)
from callvault.identity.tenant_policy import load_access_policy
from callvault.identity.users import normalise_email, totp_secret
from callvault.tenants.models import Tenant

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_LOCKOUT = timedelta(hours=24)
CHALLENGE_LIFETIME = timedelta(minutes=5)
MAX_CODE_ATTEMPTS = 5

LOGIN_FAILED = "the e-mail address or password is not correct, or the account cannot sign in"
CHALLENGE_GONE = "the sign-in has expired or was already used: sign in again"
CODE_INVALID = "the code is not valid"


class AuthAction(StrEnum):
    """Audit actions of the sign-in flow."""

    ENROL = "auth:enrol"
    LOCKOUT = "auth:lockout"
    LOGIN = "auth:login"
    LOGOUT = "auth:logout"
    MFA = "auth:mfa"
    RECOVERY_CODE = "auth:recovery_code"
    STEP_UP = "auth:step_up"


@dataclass(frozen=True)
class SignedIn:
    """A new session, and the recovery codes if this sign-in completed enrolment."""

    session: IssuedSession
    recovery_codes: list[str] | None


def csrf_for_challenge(challenge: str) -> str:
    """The CSRF token of the session a challenge leads to (see the module docstring)."""
    digest = hmac.new(challenge.encode("utf-8"), b"callvault/csrf/v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def lockout_for(failures: int) -> timedelta | None:
    """How long the ``failures``-th consecutive failure locks the account, if at all."""
    if failures < MAX_FAILURES or failures % MAX_FAILURES:
        return None
    doublings = min(failures // MAX_FAILURES - 1, 10)
    period: timedelta = LOCKOUT * (1 << doublings)
    return min(period, MAX_LOCKOUT)


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _actor(user: User, *, authenticated: bool) -> Principal:
    """Who an event is about: the user once proven, else an anonymous caller."""
    if authenticated:
        return Principal(user.tenant_id, "user", user.id, (), Policy(frozenset()))
    return Principal(user.tenant_id, "anonymous", "-", (), Policy(frozenset()))


class AuthService:
    """The sign-in flow over one database session; commits its own outcomes (a failure
    is committed, with its audit event, before the error is raised)."""

    def __init__(self, db: Session, keyring: Keyring, request: RequestInfo) -> None:
        self._db = db
        self._keyring = keyring
        self._request = request

    # -- step 1: password ---------------------------------------------------------

    def login(self, email: str, password: str) -> LoginOut:
        user = self._user_by_email(email)
        if user is None:
            verify_password(None, password)
            raise NotAuthenticated(LOGIN_FAILED)
        now = utcnow()
        if not self._may_try_password(user, now):
            verify_password(None, password)  # same work, real hash never consulted
            self._refuse(user, AuthAction.LOGIN, LOGIN_FAILED)
        if not verify_password(user.password_hash, password):
            self._count_failure(user, now)
            self._refuse(user, AuthAction.LOGIN, LOGIN_FAILED)
        challenge = new_secret()
        self._db.add(
            LoginChallenge(
                id=secret_hash(challenge),
                user_id=user.id,
                created_at=now,
                expires_at=now + CHALLENGE_LIFETIME,
            )
        )
        self._audit(user, AuthAction.LOGIN, Outcome.ALLOWED)
        self._db.commit()
        return self._login_answer(user, challenge)

    def _may_try_password(self, user: User, now: datetime) -> bool:
        if not user.active or is_locked(user, now):
            return False
        policy = load_access_policy(self._db, user.tenant_id)
        return policy.allows_ip(self._request.source_ip)

    def _login_answer(self, user: User, challenge: str) -> LoginOut:
        answer = LoginOut(
            challenge=challenge,
            csrf_token=csrf_for_challenge(challenge),
            enrolment_required=user.totp_confirmed_at is None,
        )
        if answer.enrolment_required:
            uri = totp.provisioning_uri(totp_secret(self._keyring, user), user.email)
            answer.otpauth_uri, answer.qr_svg = uri, totp.qr_svg(uri)
        return answer

    # -- step 2: code -------------------------------------------------------------

    def complete_mfa(self, challenge: str, code: str) -> SignedIn:
        row = self._db.get(LoginChallenge, secret_hash(challenge), with_for_update=True)
        now = utcnow()
        if row is None or not _challenge_open(row, now):
            raise NotAuthenticated(CHALLENGE_GONE)
        user = self._lock_user(row.user_id)
        if user is None:
            raise NotAuthenticated(CHALLENGE_GONE)
        if not user.active or is_locked(user, now):
            row.consumed_at = now
            self._refuse(user, AuthAction.MFA, CHALLENGE_GONE)
        enrolling = user.totp_confirmed_at is None
        method = self._check_code(user, code, allow_recovery=not enrolling)
        if method is None:
            row.failed_codes += 1
            if row.failed_codes >= MAX_CODE_ATTEMPTS:
                row.consumed_at = now  # this challenge is spent: sign in again
            self._count_failure(user, now)
            self._refuse(user, AuthAction.MFA, CODE_INVALID)
        row.consumed_at = now
        return self._sign_in(user, challenge, method, enrolling, now)

    def _sign_in(
        self, user: User, challenge: str, method: AuthAction, enrolling: bool, now: datetime
    ) -> SignedIn:
        user.failed_logins, user.locked_until = 0, None
        codes = None
        if enrolling:
            user.totp_confirmed_at = now
            codes = self._new_recovery_codes(user)
            self._audit(user, AuthAction.ENROL, Outcome.ALLOWED)
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

    def _check_code(self, user: User, code: str, *, allow_recovery: bool) -> AuthAction | None:
        """``MFA`` for a fresh TOTP code, ``RECOVERY_CODE`` for an unused recovery
        code (then used up), None for anything else. The user row must be locked."""
        step = totp.accepted_step(totp_secret(self._keyring, user), code, user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            return AuthAction.MFA
        if not allow_recovery:
            return None
        recovery = self._db.execute(
            select(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == totp.recovery_code_hash(code),
                RecoveryCode.used_at.is_(None),
            )
            .with_for_update()
        ).scalar_one_or_none()
        if recovery is None:
            return None
        recovery.used_at = utcnow()
        return AuthAction.RECOVERY_CODE

    def _new_recovery_codes(self, user: User) -> list[str]:
        codes = totp.new_recovery_codes()
        self._db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        self._db.add_all(
            RecoveryCode(user_id=user.id, code_hash=totp.recovery_code_hash(c)) for c in codes
        )
        return codes

    # -- signed in ----------------------------------------------------------------

    def logout(self, principal: Principal) -> None:
        row = self._own_session(principal)
        revoke_session(row)
        self._audit_principal(principal, AuthAction.LOGOUT)
        self._db.commit()

    def step_up(self, principal: Principal, code: str) -> IssuedSession:
        """Re-check a TOTP code and rotate the session id; the new session counts as
        stepped up for ``STEP_UP_WINDOW``."""
        row = self._own_session(principal)
        user = self._lock_user(principal.actor_id)
        if user is None:
            raise NotAuthenticated("the session has ended: sign in again")
        now = utcnow()
        if is_locked(user, now) or self._check_code(user, code, allow_recovery=False) is None:
            if not is_locked(user, now):
                self._count_failure(user, now)
            self._refuse(user, AuthAction.STEP_UP, CODE_INVALID, error=StepUpRequired)
        user.failed_logins = 0
        issued = rotate_session(self._db, row, stepped_up=True)
        self._audit(user, AuthAction.STEP_UP, Outcome.ALLOWED)
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
            raise PermissionDenied("this needs a signed-in session, not an API token")
        return row

    # -- helpers ------------------------------------------------------------------

    def _user_by_email(self, email: str) -> User | None:
        try:
            address = normalise_email(email)
        except InvalidInput:
            return None
        return self._db.execute(
            select(User)
            .where(User.email == address)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()

    def _lock_user(self, user_id: str) -> User | None:
        """The user row, locked and re-read: two requests with the same code cannot
        both see the old ``totp_last_step`` (replay), nor both miss a failure."""
        return self._db.execute(
            select(User)
            .where(User.id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()

    def _count_failure(self, user: User, now: datetime) -> None:
        user.failed_logins = (user.failed_logins or 0) + 1
        period = lockout_for(user.failed_logins)
        if period is not None:
            user.locked_until = now + period
            self._audit(user, AuthAction.LOCKOUT, Outcome.DENIED, authenticated=False)

    def _refuse(
        self,
        user: User,
        action: AuthAction,
        message: str,
        error: type[CallVaultError] = NotAuthenticated,
    ) -> NoReturn:
        """Audit a refusal, commit it (with any failure count) and raise."""
        authenticated = action is AuthAction.STEP_UP
        self._audit(user, action, Outcome.DENIED, authenticated=authenticated)
        self._db.commit()
        raise error(message)

    def _audit(
        self, user: User, action: AuthAction, outcome: Outcome, *, authenticated: bool = True
    ) -> None:
        record_event(
            self._db,
            _actor(user, authenticated=authenticated),
            action,
            resource_type="user",
            resource_id=user.id,
            outcome=outcome,
            request=self._request,
        )

    def _audit_principal(self, principal: Principal, action: AuthAction) -> None:
        record_event(
            self._db,
            principal,
            action,
            resource_type="user",
            resource_id=principal.actor_id,
            outcome=Outcome.ALLOWED,
            request=self._request,
        )


def _challenge_open(row: LoginChallenge, now: datetime) -> bool:
    return row.consumed_at is None and row.expires_at > now and row.failed_codes < MAX_CODE_ATTEMPTS


def stepped_up_until(row: UserSession) -> datetime | None:
    if not is_stepped_up(row) or row.stepped_up_at is None:
        return None
    return row.stepped_up_at + STEP_UP_WINDOW


def step_up_deadline(row: UserSession) -> datetime:
    """Until when a session that just stepped up counts as stepped up."""
    return (row.stepped_up_at or utcnow()) + STEP_UP_WINDOW
