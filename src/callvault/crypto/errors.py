"""Crypto errors.

CallVaultError
├── DecryptionFailed   one generic error for every failed open: wrong key, tampered
│                      bytes, moved ciphertext, truncation. It never says which.
└── ServiceUnavailable
    └── KeyUnavailable the root key (or a tenant key) cannot be read or was destroyed
"""

from __future__ import annotations

from callvault.errors import CallVaultError, ServiceUnavailable


class DecryptionFailed(CallVaultError):
    status = 500
    title = "Stored data failed its integrity check"


class KeyUnavailable(ServiceUnavailable):
    title = "Encryption key unavailable"
