"""Segmented streaming AES-256-GCM for recordings and transcripts (see docs/blob-format.md).

A blob is a header followed by segments. Each segment is sealed on its own with a
nonce made of a random per-blob prefix, the segment's index and a last-segment flag,
and with the whole header plus the caller's associated data (tenant and object id)
as AD. So a blob streams in constant memory both ways, any range decrypts without
reading the rest, and edits, reordering, truncation, extension or a move to another
object all fail with ``DecryptionFailed``.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from callvault.crypto.errors import DecryptionFailed

MAGIC = b"CVB1"
FORMAT_VERSION = 1
DEFAULT_SEGMENT_SIZE = 256 * 1024
MIN_SEGMENT_SIZE = 4 * 1024
MAX_SEGMENT_SIZE = 8 * 1024 * 1024
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 7
_FIXED = struct.Struct(">4sBIB")  # magic, format version, segment size, key id length
_SEGMENT_NONCE = struct.Struct(">7sIB")  # prefix, index, last flag
MAX_HEADER_SIZE = _FIXED.size + 255 + NONCE_PREFIX_SIZE

ReadRange = Callable[[int, int], Iterable[bytes]]


def blob_associated_data(tenant_id: str, object_id: str) -> bytes:
    return f"callvault/blob/v1|{tenant_id}|{object_id}".encode()


def _check_segment_size(segment_size: int) -> None:
    if not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE:
        raise ValueError("segment size must be between 4 KiB and 8 MiB")


def _encode_key_id(key_id: str) -> bytes:
    encoded = key_id.encode("ascii")
    if not 1 <= len(encoded) <= 255:
        raise ValueError("key id must be 1-255 ASCII characters")
    return encoded


def header_size(key_id: str) -> int:
    return _FIXED.size + len(_encode_key_id(key_id)) + NONCE_PREFIX_SIZE


def _segment_count(plaintext_size: int, segment_size: int) -> int:
    return max(1, -(-plaintext_size // segment_size))


def ciphertext_size(
    plaintext_size: int, *, key_id: str, segment_size: int = DEFAULT_SEGMENT_SIZE
) -> int:
    segments = _segment_count(plaintext_size, segment_size)
    return header_size(key_id) + plaintext_size + segments * TAG_SIZE


class BlobEncryptor:
    """Encrypts a stream. Buffers at most one segment: a segment is sealed only once
    the next byte is seen, because the last one must carry the last-segment flag."""

    def __init__(
        self,
        dek: bytes,
        *,
        key_id: str,
        associated_data: bytes,
        segment_size: int = DEFAULT_SEGMENT_SIZE,
    ) -> None:
        _check_segment_size(segment_size)
        key_id_bytes = _encode_key_id(key_id)
        self._aead = AESGCM(dek)
        self._segment_size = segment_size
        self._prefix = os.urandom(NONCE_PREFIX_SIZE)
        self._header = (
            _FIXED.pack(MAGIC, FORMAT_VERSION, segment_size, len(key_id_bytes))
            + key_id_bytes
            + self._prefix
        )
        self._ad = self._header + associated_data
        self._buffer = bytearray()
        self._index = 0
        self._header_sent = False
        self._finished = False

    def _seal(self, segment: bytes | bytearray | memoryview, last: bool) -> bytes:
        nonce = _SEGMENT_NONCE.pack(self._prefix, self._index, 1 if last else 0)
        self._index += 1
        return self._aead.encrypt(nonce, segment, self._ad)

    def _take_header(self) -> list[bytes]:
        if self._header_sent:
            return []
        self._header_sent = True
        return [self._header]

    def update(self, data: bytes) -> bytes:
        """Ciphertext of every segment known not to be the last one."""
        if self._finished:
            raise ValueError("the encryptor is finalized")
        if not data:
            return b""
        size, out = self._segment_size, self._take_header()
        view = memoryview(data)
        if self._buffer:
            fill = size - len(self._buffer)
            self._buffer += view[:fill]
            if len(view) <= fill:
                return b"".join(out)
            out.append(self._seal(self._buffer, False))
            self._buffer = bytearray()
            view = view[fill:]
        # Seal straight from the caller's bytes: no copy into the buffer on the hot path.
        while len(view) > size:
            out.append(self._seal(view[:size], False))
            view = view[size:]
        self._buffer = bytearray(view)
        return b"".join(out)

    def finalize(self) -> bytes:
        if self._finished:
            raise ValueError("the encryptor is finalized")
        self._finished = True
        out = self._take_header()
        out.append(self._seal(self._buffer, True))
        self._buffer = bytearray()
        return b"".join(out)


class SegmentedBlob:
    """Random-access decryption of a stored blob; every segment is verified before any
    of its bytes are returned."""

    def __init__(
        self,
        dek: bytes,
        *,
        associated_data: bytes,
        ciphertext_size: int,
        read: ReadRange,
    ) -> None:
        self._aead = AESGCM(dek)
        self._read = read
        self._size = ciphertext_size
        header = b"".join(read(0, min(MAX_HEADER_SIZE, ciphertext_size)))
        self._parse_header(header)
        self._ad = self._header + associated_data
        self._segments, self._plaintext_size = self._layout()

    def _parse_header(self, header: bytes) -> None:
        if len(header) < _FIXED.size:
            raise DecryptionFailed()
        magic, version, segment_size, key_id_len = _FIXED.unpack_from(header)
        segment_size = int(segment_size)
        end = _FIXED.size + key_id_len + NONCE_PREFIX_SIZE
        if (
            magic != MAGIC
            or version != FORMAT_VERSION
            or not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE
            or key_id_len == 0
            or len(header) < end
        ):
            raise DecryptionFailed()
        try:
            self._key_id = header[_FIXED.size : _FIXED.size + key_id_len].decode("ascii")
        except UnicodeDecodeError:
            raise DecryptionFailed() from None
        self._segment_size = segment_size
        self._prefix = header[end - NONCE_PREFIX_SIZE : end]
        self._header = header[:end]

    def _layout(self) -> tuple[int, int]:
        body = self._size - len(self._header)
        sealed = self._segment_size + TAG_SIZE
        segments = max(1, -(-body // sealed))
        last = body - (segments - 1) * sealed
        if last < TAG_SIZE or (last == TAG_SIZE and segments > 1):
            raise DecryptionFailed()  # truncated, or a stray empty segment
        return segments, body - segments * TAG_SIZE

    @property
    def key_id(self) -> str:
        return self._key_id

    @property
    def segment_size(self) -> int:
        return self._segment_size

    @property
    def plaintext_size(self) -> int:
        return self._plaintext_size

    def iter_plaintext(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Plaintext bytes ``[start, end)``, reading only the segments that hold them."""
        if start < 0 or (end is not None and end < 0):
            raise ValueError("negative range")
        end = self._plaintext_size if end is None else min(end, self._plaintext_size)
        if start >= end:
            if self._plaintext_size == 0:  # still prove the (empty) blob is intact
                self._open_segment(0, b"".join(self._read_segments(0, 1)))
            return
        size = self._segment_size
        first, stop = start // size, (end - 1) // size + 1
        index = first
        for sealed in self._segment_stream(first, stop):
            plaintext = self._open_segment(index, sealed)
            offset = index * size
            yield plaintext[max(start - offset, 0) : end - offset]
            index += 1
        if index != stop:  # the store returned less than its size promised
            raise DecryptionFailed()

    def _read_segments(self, first: int, stop: int) -> Iterable[bytes]:
        sealed = self._segment_size + TAG_SIZE
        begin = len(self._header) + first * sealed
        return self._read(begin, min(len(self._header) + stop * sealed, self._size))

    def _segment_stream(self, first: int, stop: int) -> Iterator[bytes]:
        """Whole sealed segments from the stored chunks, holding at most one segment."""
        sealed = self._segment_size + TAG_SIZE
        buffer = bytearray()
        for chunk in self._read_segments(first, stop):
            buffer += chunk
            while len(buffer) >= sealed:
                yield bytes(buffer[:sealed])
                del buffer[:sealed]
        if buffer:
            yield bytes(buffer)

    def _open_segment(self, index: int, sealed: bytes) -> bytes:
        last = index == self._segments - 1
        nonce = _SEGMENT_NONCE.pack(self._prefix, index, 1 if last else 0)
        try:
            return self._aead.decrypt(nonce, sealed, self._ad)
        except InvalidTag:
            raise DecryptionFailed() from None
