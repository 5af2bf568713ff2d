"""The root key (KEK) seam.

``RootKeyProvider`` is the shape of a KMS: wrap and unwrap small keys with an
encryption context (associated data). AWS KMS (Encrypt/Decrypt with an
EncryptionContext) and Vault transit (encrypt/decrypt with ``context``) fit it; the
embedded default is a local key file made by ``callvault init``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Protocol

from callvault.crypto import aead
from callvault.crypto.errors import DecryptionFailed, KeyUnavailable

_FORMAT = "callvault-root-key"
_WRAP_FORMAT = b"\x01"


class RootKeyProvider(Protocol):
    @property
    def key_id(self) -> str: ...

    def wrap(self, key: bytes, associated_data: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes, associated_data: bytes) -> bytes: ...


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"callvault/key-id" + key).hexdigest()[:16]


class LocalKeyFileProvider:
    """A root key in a local file that only its owner may read (mode 0600)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._key = self._load(path)
        self._key_id = _key_id(self._key)

    def __repr__(self) -> str:
        return f"LocalKeyFileProvider(key_id={self._key_id!r})"

    @property
    def key_id(self) -> str:
        return self._key_id

    @staticmethod
    def _load(path: Path) -> bytes:
        try:
            mode = path.stat().st_mode
            if stat.S_IMODE(mode) & 0o077:
                raise KeyUnavailable("the root key file must be readable by its owner only (0600)")
            document = json.loads(path.read_text("utf-8"))
            key = base64.b64decode(document["key"], validate=True)
        except KeyUnavailable:
            raise
        except FileNotFoundError:
            raise KeyUnavailable("the root key file does not exist") from None
        except (OSError, ValueError, KeyError, TypeError, binascii.Error):
            raise KeyUnavailable("the root key file cannot be read") from None
        if document.get("format") != _FORMAT or len(key) != aead.KEY_SIZE:
            raise KeyUnavailable("the root key file is not a CallVault root key")
        return key

    @staticmethod
    def create(path: Path) -> bool:
        """Create a new root key file (0600); False, untouched, if one already exists."""
        key = aead.generate_key()
        document = {
            "format": _FORMAT,
            "version": 1,
            "key_id": _key_id(key),
            "key": base64.b64encode(key).decode("ascii"),
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        _fsync_dir(path.parent)
        return True

    def _ad(self, associated_data: bytes) -> bytes:
        return b"callvault/root-wrap|" + self._key_id.encode("ascii") + b"|" + associated_data

    def wrap(self, key: bytes, associated_data: bytes) -> bytes:
        return _WRAP_FORMAT + aead.seal(self._key, key, self._ad(associated_data))

    def unwrap(self, wrapped: bytes, associated_data: bytes) -> bytes:
        if wrapped[:1] != _WRAP_FORMAT:
            raise DecryptionFailed()
        return aead.open_sealed(self._key, wrapped[1:], self._ad(associated_data))


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
