"""Sign-in throttling: per source address and per account, kept in the database so
that it holds across every worker process on it.

Each key is a GCRA bucket (one timestamp, the "theoretical arrival time"): a key
allows ``burst`` attempts at once and then one more per ``interval``. An attempt is
counted *before* any password work (``reserve``, a short transaction of its own), so a
throttled request costs one small write and no argon2; a step that succeeds gives its
attempt back (``refund``, in the transaction that records the success). In effect only
failures and attempts still in flight count: thirty agents signing in behind one NAT
address spend nothing, a client spraying passwords from it runs out.

Keys are HMAC-SHA256 under an instance key (wrapped by the root key, one row in
``auth_throttle_keys``) of the source address (an IPv6 address by its /64: one host
holds a whole /64) and of the normalised e-mail, whether or not an account has it:
a 429 only for real accounts would tell which exist. The table never holds an address
or an e-mail. Rows whose time has passed mean nothing and are purged now and then.

Dynamic number insertion's public endpoint (``callvault.tracking.dni_api``) throttles
its requests per address with the same machinery, in a namespace of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callvault.crypto import aead
from callvault.crypto.keyprovider import RootKeyProvider
from callvault.db.base import utcnow
from callvault.errors import TooManyRequests
from callvault.identity.models import ThrottleBucket, ThrottleKey
from callvault.settings import SignInThrottleSettings

THROTTLED = "too many sign-in attempts: wait before trying again"
PURGE_EVERY = timedelta(minutes=1)
_KEY_ROW = 1
_KEY_AD = b"callvault/throttle-key/v1"


@dataclass(frozen=True)
class Rate:
    """``burst`` attempts at once, then one more per ``interval``."""

    burst: int
    interval: timedelta

    @property
    def tolerance(self) -> timedelta:
        return self.interval * self.burst


@dataclass(frozen=True)
class Reservation:
    """The attempts ``reserve`` counted: (key, interval) pairs, refundable once."""

    charges: tuple[tuple[str, timedelta], ...]


def address_of(source_ip: str | None) -> str:
    """The unit an address is throttled by: an IPv4 address, an IPv6 /64."""
    try:
        ip = ipaddress.ip_address(source_ip or "")
    except ValueError:
        return source_ip or "-"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class SignInThrottle:
    """The throttle of one process; its state lives in the database."""

    def __init__(
        self,
        root: RootKeyProvider,
        address: Rate,
        account: Rate,
        clock: Callable[[], datetime] = utcnow,
        *,
        namespace: bytes = b"",
        message: str = THROTTLED,
    ) -> None:
        """``namespace`` keeps another use's keys apart from sign-in's (the same
        address is its own bucket in each); ``message`` is the 429's detail."""
        self._root = root
        self._namespace = namespace
        self._message = message
        self.address = address
        self.account = account
        self._clock = clock
        self._key: bytes | None = None
        self._lock = threading.Lock()
        self._next_purge = clock()

    @classmethod
    def from_settings(
        cls, settings: SignInThrottleSettings, root: RootKeyProvider
    ) -> SignInThrottle:
        return cls(
            root,
            Rate(settings.address_burst, timedelta(seconds=settings.address_interval_seconds)),
            Rate(settings.account_burst, timedelta(seconds=settings.account_interval_seconds)),
        )

    def reserve(self, db: Session, source_ip: str | None, account: str | None) -> Reservation:
        """Count one attempt against the address and, if given, the account (an
        e-mail), in a transaction of its own on ``db``, committed before returning.
        ``TooManyRequests`` (with the wait) if either is spent; then nothing is counted."""
        if db.in_transaction():
            raise RuntimeError("the throttle needs a session with no transaction open")
        try:
            reservation = self._charge_all(db, self._keys(db, source_ip, account))
            db.commit()
        except BaseException:
            db.rollback()
            raise
        return reservation

    def refund(self, db: Session, reservation: Reservation) -> None:
        """Give the attempts back (the step succeeded), in ``db``'s transaction."""
        for key, interval in sorted(reservation.charges):
            row = _locked_bucket(db, key)
            if row is not None:
                row.tat = row.tat - interval

    def refund_now(self, db: Session, reservation: Reservation) -> None:
        """``refund`` in a transaction of its own (the attempt never ran)."""
        try:
            self.refund(db, reservation)
            db.commit()
        except BaseException:
            db.rollback()
            raise

    def account_key(self, db: Session, account: str) -> str:
        return self._digest(db, b"account|" + account.strip().lower().encode("utf-8"))

    def address_key(self, db: Session, source_ip: str | None) -> str:
        return self._digest(db, b"address|" + address_of(source_ip).encode("utf-8"))

    # -- inside the reservation's transaction ---------------------------------------

    def _keys(
        self, db: Session, source_ip: str | None, account: str | None
    ) -> list[tuple[str, Rate]]:
        keys = [(self.address_key(db, source_ip), self.address)]
        if account is not None:
            keys.append((self.account_key(db, account), self.account))
        return keys

    def _charge_all(self, db: Session, keys: Iterable[tuple[str, Rate]]) -> Reservation:
        now = self._clock()
        self._purge_expired(db, now)
        waits = []
        # One order for every transaction: two reservations never wait on each other.
        for key, rate in sorted(keys, key=lambda pair: pair[0]):
            wait = _charge(db, key, rate, now)
            if wait is not None:
                waits.append(wait)
        if waits:
            raise TooManyRequests(self._message, retry_after=math.ceil(max(waits)))
        return Reservation(tuple((key, rate.interval) for key, rate in keys))

    def _purge_expired(self, db: Session, now: datetime) -> None:
        """At most once a minute per process: rows whose time has passed go."""
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_EVERY
        db.execute(delete(ThrottleBucket).where(ThrottleBucket.tat < now))

    def _digest(self, db: Session, value: bytes) -> str:
        key = self._key or self._load_key(db)
        return hmac.new(key, self._namespace + value, hashlib.sha256).hexdigest()

    def _load_key(self, db: Session) -> bytes:
        """The instance key: the first process to need it makes it; all share it."""
        row = db.get(ThrottleKey, _KEY_ROW)
        if row is None:
            wrapped = self._root.wrap(aead.generate_key(), _KEY_AD)
            _insert_ignore(db, ThrottleKey.__table__, id=_KEY_ROW, wrapped_key=wrapped)
            row = db.get_one(ThrottleKey, _KEY_ROW, populate_existing=True)
        key = self._root.unwrap(row.wrapped_key, _KEY_AD)
        with self._lock:
            self._key = key
        return key


def _charge(db: Session, key: str, rate: Rate, now: datetime) -> float | None:
    """Count one attempt on ``key``: None if allowed, else the seconds to wait."""
    _insert_ignore(db, ThrottleBucket.__table__, key=key, tat=now)
    row = _locked_bucket(db, key)
    assert row is not None  # just inserted, or already there
    tat = max(row.tat, now) + rate.interval
    excess = (tat - now - rate.tolerance).total_seconds()
    if excess > 0:
        return excess
    row.tat = tat
    return None


def _locked_bucket(db: Session, key: str) -> ThrottleBucket | None:
    return db.execute(
        select(ThrottleBucket)
        .where(ThrottleBucket.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _insert_ignore(db: Session, table: Any, **values: Any) -> None:
    """Insert a row unless its primary key is taken (by a concurrent process too)."""
    assert isinstance(table, Table)
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.execute(insert(table).values(**values).on_conflict_do_nothing())
