"""A file sealed under a passphrase: how an access-export bundle leaves the vault.

The bundle goes to a person outside CallVault (the patient, or whoever acts for them),
who holds no CallVault key; so its key comes from a passphrase the requester chooses
and passes on by another channel. Layout (docs/right-of-access.md):

    header  "CVXB" | version (1) | kdf (1 = scrypt) | log2 N | r | p | salt (16 bytes)
    body    the project's segmented AES-256-GCM blob (``callvault.crypto.blobformat``),
            key = scrypt(passphrase, salt, N, r, p), associated data = the header

So the scrypt parameters travel with the file (and cannot be edited: they are
authenticated), and a wrong passphrase, a damaged or truncated file all fail alike
with ``DecryptionFailed``.
"""

from __future__ import annotations

import os
import struct
import threading

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from callvault.blocking import check_slow_work
from callvault.crypto.blobformat import BlobEncryptor, SegmentedBlob
from callvault.crypto.errors import DecryptionFailed

MAGIC = b"CVXB"
VERSION = 1
KDF_SCRYPT = 1
SALT_SIZE = 16
# scrypt N = 2**17, r = 8, p = 1: the interactive-login strength OWASP advises
# (128 MiB, well under a second); opening a file refuses anything much dearer, so a
# crafted header cannot make the reader spend unbounded memory.
LOG2_N, R, P = 17, 8, 1
MAX_LOG2_N = 20
MIN_PASSPHRASE = 16
_HEADER = struct.Struct(">4sBBBBB16s")
_KEY_ID = "passphrase"  # the blob names no stored key: the passphrase is the key
# Derivations at once in this process: each holds 128 MiB while it runs, so a burst of
# export requests queues here instead of taking the host's memory (forty pool threads
# deriving at once would want 5 GiB).
MAX_CONCURRENT_DERIVATIONS = 2
_DERIVING = threading.BoundedSemaphore(MAX_CONCURRENT_DERIVATIONS)


def new_header(log2_n: int = LOG2_N) -> bytes:
    """A fresh header (random salt): with ``derive_key``, the key a bundle is sealed
    under, which an approved export derives when it is requested and uses when built."""
    return _HEADER.pack(MAGIC, VERSION, KDF_SCRYPT, log2_n, R, P, os.urandom(SALT_SIZE))


def derive_key(passphrase: str, header: bytes) -> bytes:
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    return _derive(passphrase, header)


def seal_with_key(plaintext: bytes, header: bytes, key: bytes) -> bytes:
    encryptor = BlobEncryptor(key, key_id=_KEY_ID, associated_data=header)
    return header + encryptor.update(plaintext) + encryptor.finalize()


def open_bundle(sealed: bytes, passphrase: str) -> bytes:
    """The plaintext of a sealed bundle; ``DecryptionFailed`` for a wrong passphrase or
    a file that is not one, damaged or cut short."""
    header, body = sealed[: _HEADER.size], sealed[_HEADER.size :]
    key = _derive(passphrase, header)
    blob = SegmentedBlob(
        key,
        associated_data=header,
        ciphertext_size=len(body),
        read=lambda start, end: [body[start:end]],
    )
    return b"".join(blob.iter_plaintext())


def _derive(passphrase: str, header: bytes) -> bytes:
    if len(header) != _HEADER.size:
        raise DecryptionFailed()
    magic, version, kdf, log2_n, r, p, salt = _HEADER.unpack(header)
    if (magic, version, kdf) != (MAGIC, VERSION, KDF_SCRYPT):
        raise DecryptionFailed()
    if not (1 <= log2_n <= MAX_LOG2_N and r == R and p == P):
        raise DecryptionFailed()
    scrypt = Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p)
    check_slow_work("a scrypt key derivation")
    with _DERIVING:
        return scrypt.derive(passphrase.encode("utf-8"))
