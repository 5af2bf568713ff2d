"""The cost every stored password hash carries in production: argon2id with RFC 9106's
low-memory profile (3 passes over 64 MiB, 4 lanes). Checked in a fresh interpreter,
because the test process itself hashes at a test cost (``tests/conftest.py``)."""

from __future__ import annotations

import subprocess
import sys
from typing import Literal

import pytest
from argon2 import PasswordHasher

from callvault.identity import passwords

PRODUCTION_PREFIX = "$argon2id$v=19$m=65536,t=3,p=4$"
HASH_ONE = (
    "from callvault.identity.passwords import hash_password; "
    "print(hash_password('correct horse battery staple 7'))"
)


def test_a_password_is_stored_at_the_rfc_9106_low_memory_cost() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HASH_ONE], capture_output=True, text=True, check=True, timeout=60
    )
    stored = done.stdout.strip()
    assert stored.startswith(PRODUCTION_PREFIX), stored.split("$")[:4]
    assert PasswordHasher().verify(stored, "correct horse battery staple 7")


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checked_against: list[str | bytes] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.checked_against.append(hash)
        return super().verify(hash, password)


def test_an_unusable_hash_matches_nothing_at_the_cost_of_a_real_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An account provisioned without a password answers a sign-in as slowly as any
    wrong password: its hash is never a shortcut that tells it apart."""
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    passwords._new_dummy_hash.cache_clear()  # made by the hasher in use
    unusable = passwords.unusable_password_hash()
    real = passwords.hash_password("correct horse battery staple 7")

    assert not passwords.verify_password(unusable, unusable)
    assert not passwords.verify_password(unusable, "correct horse battery staple 7")
    assert passwords.verify_password(real, "correct horse battery staple 7")
    assert len(hasher.checked_against) == 3  # each one argon2 verification...
    assert all(str(h).startswith("$argon2id$") for h in hasher.checked_against)  # ...in full
    passwords._new_dummy_hash.cache_clear()
