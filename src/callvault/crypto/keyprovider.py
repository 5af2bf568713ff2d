"""The root key (KEK) seam.

``RootKeyProvider`` is the shape of a KMS: wrap and unwrap small keys with an
encryption context (associated data). AWS KMS (Encrypt/Decrypt with an
EncryptionContext) and Vault transit (encrypt/decrypt with ``context``) fit it; the
embedded default is a local key file made by ``callvault init``.

Local key file (UTF-8 JSON, mode 0600)::

    {"format": "callvault-root-key", "version": 1,
     "key_id": "<16 hex: SHA-256(b'callvault/key-id' || key)[:8]>", "key": "<base64, 32 bytes>"}

Wrapped key: ``0x01 || key_id (16 ASCII) || nonce (12) || ciphertext || tag (16)``,
AES-256-GCM with AD ``b"callvault/root-wrap|" + key_id + b"|" + associated_data``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any, Protocol

from callvault.crypto import aead
from callvault.crypto.errors import DecryptionFailed, KeyUnavailable
from callvault.fsutil import fsync_dir
from callvault.metrics import KEY_PROVIDER_ERRORS

_FORMAT = "callvault-root-key"
_FILE_VERSION = 1
_MAX_FILE_SIZE = 4096  # a real key file is ~150 bytes; refuse to slurp anything big
_WRAP_FORMAT = b"\x01"
_KEY_ID_SIZE = 16
_WRAP_AD = b"callvault/root-wrap|"


class RootKeyProvider(Protocol):
    """Root key (KEK) seam; must fit AWS KMS Encrypt/Decrypt with an EncryptionContext
    and Vault transit encrypt/decrypt with context later."""

    @property
    def key_id(self) -> str:
        """A stable, non-secret name of the root key."""
        ...

    def wrap(self, key: bytes, associated_data: bytes) -> bytes:
        """Encrypt a small key, bound to ``associated_data``."""
        ...

    def unwrap(self, wrapped: bytes, associated_data: bytes) -> bytes:
        """Decrypt what ``wrap`` made; ``DecryptionFailed`` if bytes or AD do not verify."""
        ...


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"callvault/key-id" + key).hexdigest()[:_KEY_ID_SIZE]


class LocalKeyFileProvider:
    """A root key in a local file that only its owner may read (mode 0600)."""

    def __init__(self, path: Path) -> None:
        """Load the key; ``KeyUnavailable`` if the file is missing, unreadable,
        malformed, or readable by group or others (refused, never fixed)."""
        try:
            self._key = _parse(_read_private(path))
        except KeyUnavailable:
            KEY_PROVIDER_ERRORS.labels("local", "load").inc()
            raise
        self._key_id = _key_id(self._key)
        self._wrap_prefix = _WRAP_FORMAT + self._key_id.encode("ascii")

    def __repr__(self) -> str:
        return f"LocalKeyFileProvider(key_id={self._key_id!r})"

    @property
    def key_id(self) -> str:
        """First 8 bytes of ``SHA-256(b"callvault/key-id" || key)``, hex."""
        return self._key_id

    @staticmethod
    def create(path: Path) -> bool:
        """Create a new random root key file with mode 0600, atomically.

        Returns False, leaving the file untouched, if ``path`` already exists: running
        ``init`` twice must never destroy a key. The parent directory must exist.
        """
        key = aead.generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            return False
        try:
            os.fchmod(fd, 0o600)  # the umask can only narrow it; pin it exactly
            _write_all(fd, _encode(key))
            os.fsync(fd)
        except BaseException:
            # We created it (O_EXCL), so removing a half-written file is safe, and
            # leaving one would make every later start fail as "malformed".
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        os.close(fd)
        fsync_dir(path.parent)
        return True

    def _ad(self, associated_data: bytes) -> bytes:
        return _WRAP_AD + self._key_id.encode("ascii") + b"|" + associated_data

    def wrap(self, key: bytes, associated_data: bytes) -> bytes:
        """Seal ``key`` under the root key; the output names the root key id."""
        return self._wrap_prefix + aead.seal(self._key, key, self._ad(associated_data))

    def unwrap(self, wrapped: bytes, associated_data: bytes) -> bytes:
        """Open a wrapped key; ``DecryptionFailed`` if it is from another root key,
        was changed, or ``associated_data`` differs."""
        prefix_size = len(self._wrap_prefix)
        try:
            if wrapped[:prefix_size] != self._wrap_prefix:
                raise DecryptionFailed()
            return aead.open_sealed(self._key, wrapped[prefix_size:], self._ad(associated_data))
        except DecryptionFailed:
            KEY_PROVIDER_ERRORS.labels("local", "unwrap").inc()
            raise


def _encode(key: bytes) -> bytes:
    document = {
        "format": _FORMAT,
        "version": _FILE_VERSION,
        "key_id": _key_id(key),
        "key": base64.b64encode(key).decode("ascii"),
    }
    return (json.dumps(document) + "\n").encode("utf-8")


def _read_private(path: Path) -> bytes:
    """The file's bytes, checked on the open descriptor (no stat-then-open race)."""
    try:
        # O_NONBLOCK: a FIFO planted at the path must not hang start-up.
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        raise KeyUnavailable("the root key file does not exist") from None
    except OSError:
        raise KeyUnavailable("the root key file cannot be opened") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyUnavailable("the root key file is not a regular file")
        if stat.S_IMODE(info.st_mode) & 0o077:
            raise KeyUnavailable("the root key file must be readable by its owner only (0600)")
        return os.read(fd, _MAX_FILE_SIZE + 1)
    except OSError:
        raise KeyUnavailable("the root key file cannot be read") from None
    finally:
        os.close(fd)


def _malformed() -> KeyUnavailable:
    return KeyUnavailable("the root key file is not a valid CallVault root key")


def _parse(raw: bytes) -> bytes:
    if len(raw) > _MAX_FILE_SIZE:
        raise _malformed()
    try:
        document: Any = json.loads(raw.decode("utf-8"))
    except ValueError:  # includes UnicodeDecodeError and JSONDecodeError
        raise _malformed() from None
    if (
        not isinstance(document, dict)
        or document.get("format") != _FORMAT
        or document.get("version") != _FILE_VERSION
        or not isinstance(document.get("key"), str)
    ):
        raise _malformed()
    try:
        key = base64.b64decode(document["key"], validate=True)
    except (binascii.Error, ValueError):
        raise _malformed() from None
    # The stored id must match the key: catches a corrupted or hand-edited key.
    if len(key) != aead.KEY_SIZE or document.get("key_id") != _key_id(key):
        raise _malformed()
    return key


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
