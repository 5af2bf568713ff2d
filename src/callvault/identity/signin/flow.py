"""What every step that checks a secret shares (sign-in, MFA, step-up, password change).

A step runs in up to four short pieces, so that no lock is held while argon2 runs:

1. ``reserve``: the throttle counts the attempt (its own short write transaction), or
   refuses with 429 before any password work;
2. ``read``: the user is read in a read-only session (no write lock);
3. the password is checked with no transaction open, in the bounded argon2 pool;
4. one short write transaction re-reads the user row ``FOR UPDATE`` (SQLite: under
   ``BEGIN IMMEDIATE``), checks again what may have changed meanwhile (active, locked,
   network, failure count, password), and records the outcome: the failure count and
   lockout, a challenge or a session, the audit event, and on success the throttle's
   refund.

Brute force: every wrong password or wrong code counts against the user; the 5th
consecutive failure locks the account for 15 minutes, the 10th for 30, and so on
(doubling, at most 24 hours). Failures are counted on the locked row, so two
concurrent wrong passwords both count, and a lockout recorded while a verification
ran wins over its result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callvault.audit.actions import AuditAction
from callvault.audit.service import Outcome, RequestInfo, record_event
from callvault.authz.principal import Principal
from callvault.authz.roles import Policy
from callvault.crypto.keyring import Keyring
from callvault.db.base import utcnow
from callvault.errors import CallVaultError, NotAuthenticated, TooManyRequests
from callvault.identity import totp
from callvault.identity.models import RecoveryCode, User
from callvault.identity.passwords import verify_password
from callvault.identity.signin.throttle import Reservation, SignInThrottle
from callvault.identity.users import totp_secret

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_LOCKOUT = timedelta(hours=24)

T = TypeVar("T")


# Steps taken inside a session: their events name the user as the actor.
SIGNED_IN_ACTIONS = frozenset({AuditAction.AUTH_STEP_UP, AuditAction.AUTH_PASSWORD_CHANGE})


def lockout_for(failures: int) -> timedelta | None:
    """How long the ``failures``-th consecutive failure locks the account, if at all."""
    if failures < MAX_FAILURES or failures % MAX_FAILURES:
        return None
    doublings = min(failures // MAX_FAILURES - 1, 10)
    period: timedelta = LOCKOUT * (1 << doublings)
    return min(period, MAX_LOCKOUT)


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


@dataclass(frozen=True)
class SeenUser:
    """The user as read before the password check (no lock held)."""

    id: str
    email: str
    password_hash: str
    may_try: bool  # active, not locked, and (for sign-in) from an allowed network


def _actor(user: User, *, authenticated: bool) -> Principal:
    """Who an event is about: the user once proven, else an anonymous caller."""
    if authenticated:
        return Principal(user.tenant_id, "user", user.id, (), Policy(frozenset()))
    return Principal(user.tenant_id, "anonymous", "-", (), Policy(frozenset()))


class AuthFlow:
    """The shared pieces; ``db`` is a write session with no transaction open."""

    def __init__(
        self,
        db: Session,
        keyring: Keyring,
        request: RequestInfo,
        *,
        reads: sessionmaker[Session],
        throttle: SignInThrottle,
    ) -> None:
        self._db = db
        self._keyring = keyring
        self._request = request
        self._reads = reads
        self._throttle = throttle

    def _reserve(self, account: str | None) -> Reservation:
        return self._throttle.reserve(self._db, self._request.source_ip, account)

    def _reserve_signed_in(
        self, principal: Principal, action: AuditAction, account: str | None
    ) -> Reservation:
        """``_reserve`` for a step taken in a session: a throttled one is audited too
        (the caller is known; an anonymous sign-in's refusal stays a cheap 429)."""
        try:
            return self._reserve(account)
        except TooManyRequests:
            self._audit_principal(principal, action, Outcome.DENIED, reason="throttled")
            self._db.commit()
            raise

    def _read(self, work: Callable[[Session], T]) -> T:
        """``work`` in a read-only session of its own, closed before returning."""
        with self._reads() as session:
            return work(session)

    def _verify(self, reservation: Reservation, password_hash: str | None, password: str) -> bool:
        """argon2, with no transaction open; a busy pool gives the attempt back."""
        return self._in_pool(reservation, lambda: verify_password(password_hash, password))

    def _in_pool(self, reservation: Reservation, work: Callable[[], T]) -> T:
        try:
            return work()
        except TooManyRequests:
            self._throttle.refund_now(self._db, reservation)  # it never ran: no attempt
            raise

    def _check_code(self, user: User, code: str, *, allow_recovery: bool) -> AuditAction | None:
        """``MFA`` for a fresh TOTP code, ``RECOVERY_CODE`` for an unused recovery
        code (then used up), None for anything else. The user row must be locked."""
        step = totp.accepted_step(totp_secret(self._keyring, user), code, user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            return AuditAction.AUTH_MFA
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
        return AuditAction.AUTH_RECOVERY_CODE

    def _lock_user(self, user_id: str) -> User | None:
        """The user row, locked and re-read: two requests cannot both see the old
        ``totp_last_step`` (replay), nor both miss a failure."""
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
            self._audit(user, AuditAction.AUTH_LOCKOUT, Outcome.DENIED, authenticated=False)

    def _refuse(
        self,
        user: User,
        action: AuditAction,
        message: str,
        error: type[CallVaultError] = NotAuthenticated,
    ) -> NoReturn:
        """Audit a refusal, commit it (with any failure count) and raise."""
        authenticated = action in SIGNED_IN_ACTIONS
        self._audit(user, action, Outcome.DENIED, authenticated=authenticated)
        self._db.commit()
        raise error(message)

    def _audit(
        self, user: User, action: AuditAction, outcome: Outcome, *, authenticated: bool = True
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

    def _audit_principal(
        self,
        principal: Principal,
        action: AuditAction,
        outcome: Outcome = Outcome.ALLOWED,
        reason: str | None = None,
    ) -> None:
        record_event(
            self._db,
            principal,
            action,
            resource_type="user",
            resource_id=principal.actor_id,
            outcome=outcome,
            request=self._request,
            reason=reason,
        )


def email_of(db: Session, user_id: str) -> str | None:
    return db.execute(select(User.email).where(User.id == user_id)).scalar_one_or_none()
