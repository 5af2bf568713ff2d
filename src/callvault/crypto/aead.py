"""Bytes-in, bytes-out AES-256-GCM with associated data on every call.

Every failure to open is the same ``DecryptionFailed``: callers (and attackers) learn
nothing about which check failed.
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

KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
_VERSIONED_FORMAT = b"\x01"
_VERSION = struct.Struct(">I")
_VERSIONED_PREFIX = len(_VERSIONED_FORMAT) + _VERSION.size


def generate_key() -> bytes:
    return os.urandom(KEY_SIZE)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """``nonce || ciphertext || tag`` with a fresh random 96-bit nonce."""
    nonce = os.urandom(NONCE_SIZE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    if len(key) != KEY_SIZE or len(sealed) < NONCE_SIZE + TAG_SIZE:
        raise DecryptionFailed()
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_SIZE], sealed[NONCE_SIZE:], associated_data)
    except InvalidTag:
        raise DecryptionFailed() from None


def _versioned_ad(prefix: bytes, associated_data: bytes) -> bytes:
    # The format byte and key version are authenticated too: editing them fails to open.
    return prefix + associated_data


def seal_versioned(key: bytes, key_version: int, plaintext: bytes, associated_data: bytes) -> bytes:
    """``0x01 || key_version (u32 BE) || seal(...)``: the key version travels with the
    ciphertext, so keys can rotate and old ciphertexts still find their key."""
    prefix = _VERSIONED_FORMAT + _VERSION.pack(key_version)
    return prefix + seal(key, plaintext, _versioned_ad(prefix, associated_data))


def versioned_key_version(ciphertext: bytes) -> int:
    if len(ciphertext) < _VERSIONED_PREFIX or ciphertext[:1] != _VERSIONED_FORMAT:
        raise DecryptionFailed()
    version: int = _VERSION.unpack_from(ciphertext, 1)[0]
    return version


def open_versioned(
    keys: Callable[[int], bytes], ciphertext: bytes, associated_data: bytes
) -> bytes:
    version = versioned_key_version(ciphertext)
    try:
        key = keys(version)
    except KeyError:
        raise DecryptionFailed() from None
    prefix = ciphertext[:_VERSIONED_PREFIX]
    return open_sealed(key, ciphertext[_VERSIONED_PREFIX:], _versioned_ad(prefix, associated_data))


def derive_subkey(key: bytes, purpose: str) -> bytes:
    """An independent 256-bit key for one purpose (HKDF-SHA256)."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_SIZE,
        salt=None,
        info=b"callvault/" + purpose.encode("ascii"),
    )
    return hkdf.derive(key)


def blind_index(index_key: bytes, value: str) -> str:
    """A keyed hash for equality search over an encrypted column."""
    return hmac.new(index_key, value.encode("utf-8"), hashlib.sha256).hexdigest()
