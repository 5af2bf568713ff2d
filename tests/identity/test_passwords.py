"""The cost every stored password hash carries in production: argon2id with RFC 9106's
low-memory profile (3 passes over 64 MiB, 4 lanes). Checked in a fresh interpreter,
because the test process itself hashes at a test cost (``tests/conftest.py``)."""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher

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
