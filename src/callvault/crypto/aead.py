"""Bytes-in, bytes-out AES-256-GCM with associated data on every call.

Every failure to open is the same ``DecryptionFailed``: callers (and attackers) learn
nothing about which check failed. Also here: HKDF subkeys and HMAC blind indexes, the
two other keyed primitives CallVault builds on.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from callvault.crypto.errors import DecryptionFailed

KEY_SIZE = 32  # AES-256
NONCE_SIZE = 12
TAG_SIZE = 16
_VERSIONED_FORMAT = b"\x01"
_VERSION = struct.Struct(">I")
_VERSIONED_PREFIX = len(_VERSIONED_FORMAT) + _VERSION.size
_SUBKEY_INFO = b"callvault/"


def generate_key() -> bytes:
    """A fresh random 256-bit key from the OS CSPRNG."""
    return os.urandom(KEY_SIZE)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt to ``nonce (12) || ciphertext || tag (16)`` with a fresh random nonce.

    Random 96-bit nonces keep each key within NIST's bound of 2^32 messages: a key
    here seals DEKs or PHI fields of one tenant, and rotation starts a new key.
    ``ValueError`` for a key that is not 256 bits: ``open_sealed`` would refuse it.
    """
    if len(key) != KEY_SIZE:
        raise ValueError("the key must be 256 bits")
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    """Decrypt what :func:`seal` made; ``DecryptionFailed`` on any problem at all."""
    if len(key) != KEY_SIZE or len(sealed) < NONCE_SIZE + TAG_SIZE:
        raise DecryptionFailed()
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], associated_data)
    except InvalidTag:
        raise DecryptionFailed() from None


def _versioned_ad(prefix: bytes, associated_data: bytes) -> bytes:
    # The format byte and key version are authenticated too: editing them fails to open,
    # even when two versions happen to hold the same key.
    return prefix + associated_data


def seal_versioned(key: bytes, key_version: int, plaintext: bytes, associated_data: bytes) -> bytes:
    """Encrypt to ``0x01 || key_version (u32 BE) || seal(...)``.

    The key version travels with the ciphertext, so keys can rotate and old
    ciphertexts still find their key.
    """
    if not 0 <= key_version <= 0xFFFFFFFF:
        raise ValueError("key version must fit in an unsigned 32-bit integer")
    prefix = _VERSIONED_FORMAT + _VERSION.pack(key_version)
    return prefix + seal(key, plaintext, _versioned_ad(prefix, associated_data))


def versioned_key_version(ciphertext: bytes) -> int:
    """The key version a :func:`seal_versioned` ciphertext names (not yet verified)."""
    if len(ciphertext) < _VERSIONED_PREFIX or ciphertext[:1] != _VERSIONED_FORMAT:
        raise DecryptionFailed()
    version: int = _VERSION.unpack_from(ciphertext, len(_VERSIONED_FORMAT))[0]
    return version


def open_versioned(
    keys: Callable[[int], bytes], ciphertext: bytes, associated_data: bytes
) -> bytes:
    """Decrypt a :func:`seal_versioned` ciphertext with ``keys(version)``.

    An unknown version (``keys`` raises ``KeyError``) is a ``DecryptionFailed``; any
    other error from ``keys`` (say, ``KeyUnavailable``) propagates unchanged.
    """
    version = versioned_key_version(ciphertext)
    try:
        key = keys(version)
    except KeyError:
        raise DecryptionFailed() from None
    prefix = ciphertext[:_VERSIONED_PREFIX]
    return open_sealed(key, ciphertext[_VERSIONED_PREFIX:], _versioned_ad(prefix, associated_data))


def derive_subkey(key: bytes, purpose: str) -> bytes:
    """An independent 256-bit key for one purpose: HKDF-SHA256, no salt,
    ``info = b"callvault/" + purpose``. Distinct purposes give unrelated keys."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_SIZE,
        salt=None,
        info=_SUBKEY_INFO + purpose.encode("utf-8"),
    )
    return hkdf.derive(key)


def blind_index(index_key: bytes, value: str) -> str:
    """HMAC-SHA256 of ``value`` as 64 hex characters, for equality search over an
    encrypted column: equal values match, and without the key nothing can be guessed."""
    return hmac.new(index_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
