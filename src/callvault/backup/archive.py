"""The backup file format, version 1 (docs/backups.md, "The file").

::

    file    = prefix record* manifest-record        (then end of file)
    prefix  = "CVBACKUP" | u32 length | header (UTF-8 JSON, in clear)
    record  = u32 length | sealed info | member ciphertext

The header names the format version, the backup id, the root key id, the creation time,
the source database kind and the backup key wrapped by the root key. The wrap's
associated data is every other header field, so a header changed in any way no longer
unwraps: the header is authenticated before anything else is read, and ``prune`` can
trust a creation time without decrypting the content.

Each record ``i`` has keys of its own, derived from the backup key (HKDF, purpose
names ``i``): its info (``{"path", "size", "segment_size"}``) is sealed with AES-GCM,
and its bytes are a ``callvault.crypto.blobformat`` segmented stream (constant memory
both ways) whose associated data holds the backup id, ``i`` and the path. So a damaged
byte fails exactly the member that holds it, records cannot be reordered, dropped or
moved between backups, and a truncated file ends at a record boundary we can name. The
last record is the manifest (``manifest.py``), whose index closes the sequence.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from callvault.backup.errors import BackupDamaged, WrongRootKey
from callvault.crypto import aead
from callvault.crypto.blobformat import BlobEncryptor, ReadRange, SegmentedBlob, ciphertext_size
from callvault.crypto.errors import DecryptionFailed
from callvault.crypto.keyprovider import RootKeyProvider

MAGIC = b"CVBACKUP"
FORMAT = "callvault-backup"
VERSION = 1
SEGMENT_SIZE = 1024 * 1024
CHUNK_SIZE = 1024 * 1024
BLOB_KEY_ID = "backup"  # the stream's key is the record's derived key, named in its info
DATABASE_KINDS = ("sqlite", "postgresql")
_LENGTH = struct.Struct(">I")
_MAX_HEADER = 64 * 1024
_MAX_INFO = 64 * 1024
_WRAP_AD = b"callvault/backup-key/v1|"
_RECORD_AD = b"callvault/backup/v1|"


@dataclass(frozen=True)
class BackupHeader:
    backup_id: str
    root_key_id: str
    created_at: datetime
    database: str
    wrapped_key: bytes = b""

    def authenticated_fields(self) -> bytes:
        """Everything but the wrapped key, canonically: the wrap's associated data."""
        fields = {
            "format": FORMAT,
            "version": VERSION,
            "backup_id": self.backup_id,
            "root_key_id": self.root_key_id,
            "created_at": self.created_at.isoformat(),
            "database": self.database,
        }
        return _WRAP_AD + json.dumps(fields, sort_keys=True).encode("utf-8")

    def encode(self) -> bytes:
        document = json.loads(self.authenticated_fields()[len(_WRAP_AD) :])
        document["wrapped_key"] = base64.b64encode(self.wrapped_key).decode("ascii")
        body = json.dumps(document, sort_keys=True).encode("utf-8")
        return MAGIC + _LENGTH.pack(len(body)) + body


def seal_header(root: RootKeyProvider, header: BackupHeader, backup_key: bytes) -> BackupHeader:
    """``header`` with ``backup_key`` wrapped under the root key, bound to its fields."""
    wrapped = root.wrap(backup_key, header.authenticated_fields())
    return BackupHeader(**{**header.__dict__, "wrapped_key": wrapped})


def _record_keys(backup_key: bytes, index: int) -> tuple[bytes, bytes]:
    """(info key, data key) of record ``index``: each used for one record only."""
    info = aead.derive_subkey(backup_key, f"backup/v1/record-info/{index}")
    data = aead.derive_subkey(backup_key, f"backup/v1/record-data/{index}")
    return info, data


def _record_ad(backup_id: str, index: int, path: str = "") -> bytes:
    return _RECORD_AD + f"{backup_id}|{index}|{path}".encode()


class ArchiveWriter:
    """Writes records after the prefix; each member streams through in 1 MiB chunks."""

    def __init__(self, out: BinaryIO, header: BackupHeader, backup_key: bytes) -> None:
        self._out = out
        self._header = header
        self._key = backup_key
        self._index = 0
        out.write(header.encode())

    def add(self, path: str, size: int, chunks: Iterator[bytes]) -> int:
        """Write one member of exactly ``size`` bytes; returns the bytes written."""
        info_key, data_key = _record_keys(self._key, self._index)
        info = json.dumps({"path": path, "size": size, "segment_size": SEGMENT_SIZE})
        ad = _record_ad(self._header.backup_id, self._index, path)
        sealed = aead.seal(
            info_key, info.encode("utf-8"), _record_ad(self._header.backup_id, self._index)
        )
        self._out.write(_LENGTH.pack(len(sealed)) + sealed)
        encryptor = BlobEncryptor(
            data_key, key_id=BLOB_KEY_ID, associated_data=ad, segment_size=SEGMENT_SIZE
        )
        written = 0
        for chunk in chunks:
            written += len(chunk)
            self._out.write(encryptor.update(chunk))
        if written != size:  # the file changed under us: never write a record that lies
            raise ValueError("member size changed while it was read")
        self._out.write(encryptor.finalize())
        self._index += 1
        return written


@dataclass(frozen=True)
class Member:
    """One record as read: its index, path and size; ``chunks`` yields its verified bytes."""

    index: int
    path: str
    size: int
    chunks: Iterator[bytes]


def read_header(file: BinaryIO) -> BackupHeader:
    """Parse the prefix; ``BackupDamaged("header", ...)`` if it is not a v1 header."""
    if file.read(len(MAGIC)) != MAGIC:
        raise BackupDamaged("header", "not a CallVault backup file")
    raw_length = file.read(_LENGTH.size)
    if len(raw_length) != _LENGTH.size or _LENGTH.unpack(raw_length)[0] > _MAX_HEADER:
        raise BackupDamaged("header", "damaged or truncated")
    body = file.read(_LENGTH.unpack(raw_length)[0])
    try:
        return _header_from(json.loads(body.decode("utf-8")))
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BackupDamaged("header", "damaged or truncated") from None


def _header_from(document: dict[str, Any]) -> BackupHeader:
    if document["format"] != FORMAT or document["version"] != VERSION:
        raise ValueError("unknown format")
    if document["database"] not in DATABASE_KINDS:
        raise ValueError("unknown database kind")
    created = datetime.fromisoformat(document["created_at"])
    if created.tzinfo is None:
        raise ValueError("naive creation time")
    return BackupHeader(
        backup_id=str(document["backup_id"]),
        root_key_id=str(document["root_key_id"]),
        created_at=created,
        database=document["database"],
        wrapped_key=base64.b64decode(document["wrapped_key"], validate=True),
    )


def unwrap_backup_key(root: RootKeyProvider, header: BackupHeader) -> bytes:
    """The backup key; proves the header is as written under this root key."""
    if header.root_key_id != root.key_id:
        raise WrongRootKey(
            f"the backup was made under root key {header.root_key_id},"
            f" the given root key is {root.key_id}"
        )
    try:
        return root.unwrap(header.wrapped_key, header.authenticated_fields())
    except DecryptionFailed:
        raise BackupDamaged("header", "failed authentication (altered)") from None


class ArchiveReader:
    """Reads the records after the prefix, in order, from a seekable file."""

    def __init__(self, file: BinaryIO, header: BackupHeader, backup_key: bytes) -> None:
        self._file = file
        self._header = header
        self._key = backup_key
        self._last_path: str | None = None

    def _where(self) -> str:
        return "the header" if self._last_path is None else f"member {self._last_path}"

    def next_member(self, index: int) -> Member | None:
        """Record ``index``, or None at a clean end of file. Its bytes must be consumed
        (or skipped with ``skip``) before the next call."""
        raw_length = self._file.read(_LENGTH.size)
        if not raw_length:
            return None
        if len(raw_length) != _LENGTH.size:
            raise BackupDamaged(f"record {index}", f"truncated after {self._where()}")
        length = _LENGTH.unpack(raw_length)[0]
        if not 0 < length <= _MAX_INFO:
            raise BackupDamaged(f"record {index} (after {self._where()})", "damaged length")
        sealed = self._file.read(length)
        if len(sealed) != length:
            raise BackupDamaged(f"record {index}", f"truncated after {self._where()}")
        info_key, data_key = _record_keys(self._key, index)
        try:
            info = json.loads(
                aead.open_sealed(info_key, sealed, _record_ad(self._header.backup_id, index))
            )
        except DecryptionFailed:
            raise BackupDamaged(
                f"record {index} (after {self._where()})", "failed authentication"
            ) from None
        path, size, segment_size = str(info["path"]), int(info["size"]), int(info["segment_size"])
        self._last_path = path
        return Member(
            index, path, size, self._member_chunks(index, path, size, segment_size, data_key)
        )

    def _member_chunks(
        self, index: int, path: str, size: int, segment_size: int, data_key: bytes
    ) -> Iterator[bytes]:
        start = self._file.tell()
        stored = ciphertext_size(size, key_id=BLOB_KEY_ID, segment_size=segment_size)
        if self._file.seek(0, 2) < start + stored:
            raise BackupDamaged(f"member {path}", "truncated: the file ends inside it")
        ad = _record_ad(self._header.backup_id, index, path)
        try:
            blob = SegmentedBlob(
                data_key, associated_data=ad, ciphertext_size=stored, read=self._range_reader(start)
            )
            yield from blob.iter_plaintext()
        except DecryptionFailed:
            raise BackupDamaged(f"member {path}", "failed authentication (altered)") from None
        finally:
            self._file.seek(start + stored)

    def _range_reader(self, base: int) -> ReadRange:
        def read(start: int, end: int) -> Iterator[bytes]:
            self._file.seek(base + start)
            remaining = end - start
            while remaining > 0:
                chunk = self._file.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

        return read
