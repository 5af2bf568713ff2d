"""Segmented streaming AES-256-GCM for recordings and transcripts (docs/blob-format.md).

A blob is a header followed by segments. Each segment is sealed on its own with a
nonce made of a random per-blob prefix, the segment's index and a last-segment flag,
and with the whole header plus the caller's associated data (tenant and object id)
as AD. So a blob streams in constant memory both ways, any range decrypts without
reading the rest, and edits, reordering, truncation, extension or a move to another
object all fail with ``DecryptionFailed``.

Every segment but the final one holds exactly ``segment_size`` plaintext bytes; the
final one holds the remainder, 0 to ``segment_size - 1`` bytes (so an empty blob, or
one an exact multiple of the segment size long, ends with an empty final segment).
That lets ``update`` emit every full segment at once.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from callvault.blocking import check_slow_work
from callvault.crypto.errors import DecryptionFailed

MAGIC = b"CVB1"
FORMAT_VERSION = 1
DEFAULT_SEGMENT_SIZE = 256 * 1024
MIN_SEGMENT_SIZE = 4 * 1024
MAX_SEGMENT_SIZE = 8 * 1024 * 1024
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 7
MAX_SEGMENTS = 2**32  # the segment index is a u32 in the nonce
_FIXED = struct.Struct(">4sBIB")  # magic, format version, segment size, key id length
_SEGMENT_NONCE = struct.Struct(">7sIB")  # nonce prefix, segment index, last flag
MAX_HEADER_SIZE = _FIXED.size + 255 + NONCE_PREFIX_SIZE
_BATCH_BYTES = 1024 * 1024  # ciphertext sealed per reused scratch buffer
_BLOB_AD = b"callvault/blob/v1|"

ReadRange = Callable[[int, int], Iterable[bytes]]
Buffer = bytes | bytearray | memoryview


def blob_associated_data(tenant_id: str, object_id: str) -> bytes:
    """``b"callvault/blob/v1|" + tenant_id + b"|" + object_id`` (UTF-8): binds a
    ciphertext to its tenant and object."""
    if "|" in tenant_id:
        # The separator in a tenant id would make ("a|b", "c") and ("a", "b|c") collide.
        raise ValueError("tenant id must not contain '|'")
    return _BLOB_AD + tenant_id.encode("utf-8") + b"|" + object_id.encode("utf-8")


def _check_segment_size(segment_size: int) -> None:
    if not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE:
        raise ValueError("segment size must be between 4 KiB and 8 MiB")


def _encode_key_id(key_id: str) -> bytes:
    if not key_id.isascii() or not 1 <= len(key_id) <= 255:
        raise ValueError("key id must be 1-255 ASCII characters")
    return key_id.encode("ascii")


def header_size(key_id: str) -> int:
    """Bytes of the header for ``key_id``: ``10 + len(key_id) + 7``."""
    return _FIXED.size + len(_encode_key_id(key_id)) + NONCE_PREFIX_SIZE


def _segment_count(plaintext_size: int, segment_size: int) -> int:
    return plaintext_size // segment_size + 1  # the final segment may be empty


def ciphertext_size(
    plaintext_size: int, *, key_id: str, segment_size: int = DEFAULT_SEGMENT_SIZE
) -> int:
    """Stored size of a blob: header + plaintext + 16 per segment."""
    _check_segment_size(segment_size)
    if plaintext_size < 0:
        raise ValueError("plaintext size must not be negative")
    segments = _segment_count(plaintext_size, segment_size)
    if segments > MAX_SEGMENTS:
        raise ValueError("plaintext too large for one blob")
    return header_size(key_id) + plaintext_size + segments * TAG_SIZE


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return _SEGMENT_NONCE.pack(prefix, index, 1 if last else 0)


class BlobEncryptor:
    """Encrypts one blob as a stream.

    Memory is constant: less than one segment of plaintext is buffered, and output is
    sealed into one reused scratch buffer of about ``_BATCH_BYTES`` (or one segment,
    if larger), then copied once into the returned ``bytes``.
    """

    def __init__(
        self,
        dek: bytes,
        *,
        key_id: str,
        associated_data: bytes,
        segment_size: int = DEFAULT_SEGMENT_SIZE,
    ) -> None:
        """``key_id`` names the DEK's row (not secret); ``associated_data`` is
        :func:`blob_associated_data`. Invalid configuration raises ``ValueError``."""
        _check_segment_size(segment_size)
        key_id_bytes = _encode_key_id(key_id)
        self._aead = AESGCM(dek)  # one object per blob: no per-segment key setup
        self._segment_size = segment_size
        self._prefix = os.urandom(NONCE_PREFIX_SIZE)
        self._header = (
            _FIXED.pack(MAGIC, FORMAT_VERSION, segment_size, len(key_id_bytes))
            + key_id_bytes
            + self._prefix
        )
        self._ad = self._header + associated_data
        self._buffer = bytearray()
        self._scratch = bytearray()
        self._index = 0
        self._header_sent = False
        self._finished = False

    def __repr__(self) -> str:
        return f"BlobEncryptor(segment_size={self._segment_size}, segments={self._index})"

    def update(self, data: bytes) -> bytes:
        """Feed plaintext; returns the header (on the first non-empty output) and the
        ciphertext of every segment completed so far."""
        check_slow_work("blob encryption")
        if self._finished:
            raise ValueError("the encryptor is finalized")
        if not data:
            return b""
        view = memoryview(data)
        size = self._segment_size
        segments: list[Buffer] = []
        if self._buffer:
            take = size - len(self._buffer)
            self._buffer += view[:take]
            view = view[take:]
            if len(self._buffer) == size:
                segments.append(self._buffer)
                self._buffer = bytearray()
        # Seal straight from the caller's bytes: no copy into the buffer on the hot path.
        whole = len(view) - len(view) % size
        segments.extend(view[offset : offset + size] for offset in range(0, whole, size))
        self._buffer += view[whole:]
        return self._seal_all(segments, last=False)

    def finalize(self) -> bytes:
        """The rest of the blob: the header if not yet sent, and the final segment
        (0 to ``segment_size - 1`` bytes of plaintext, sealed with the last flag)."""
        if self._finished:
            raise ValueError("the encryptor is finalized")
        self._finished = True
        final, self._buffer = self._buffer, bytearray()
        return self._seal_all([final], last=True)

    def _seal_all(self, segments: list[Buffer], *, last: bool) -> bytes:
        """Header (first time) plus ``segments`` sealed in order; with ``last`` the
        final one carries the last-segment flag."""
        head = b"" if self._header_sent else self._header
        self._header_sent = True
        needed = len(head) + sum(len(segment) + TAG_SIZE for segment in segments)
        scratch = self._scratch_view(needed)
        scratch[: len(head)] = head
        parts: list[bytes] = []
        position = len(head)
        for number, segment in enumerate(segments, start=1):
            end = position + len(segment) + TAG_SIZE
            if end > len(scratch):  # scratch full: hand this batch out, start again
                parts.append(bytes(scratch[:position]))
                position, end = 0, end - position
            self._seal_into(segment, scratch[position:end], last=last and number == len(segments))
            position = end
        parts.append(bytes(scratch[:position]))
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def _scratch_view(self, needed: int) -> memoryview:
        # Reusing one buffer keeps the allocator out of the hot path (fresh multi-MiB
        # allocations cost more than the AES itself); it is capped, so memory is constant.
        cap = MAX_HEADER_SIZE + max(1, _BATCH_BYTES // self._segment_size) * (
            self._segment_size + TAG_SIZE
        )
        wanted = min(needed, cap)
        if len(self._scratch) < wanted:
            self._scratch = bytearray(wanted)
        return memoryview(self._scratch)

    def _seal_into(self, segment: Buffer, out: memoryview, *, last: bool) -> None:
        if self._index >= MAX_SEGMENTS:
            raise ValueError("plaintext too large for one blob")
        nonce = _nonce(self._prefix, self._index, last)
        self._index += 1
        self._aead.encrypt_into(nonce, segment, self._ad, out)  # cryptography >= 47


class _Header(NamedTuple):
    raw: bytes
    key_id: str
    segment_size: int
    nonce_prefix: bytes


def _parse_header(data: bytes) -> _Header:
    if len(data) < _FIXED.size:
        raise DecryptionFailed()
    magic, version, segment_size, key_id_len = _FIXED.unpack_from(data)
    end = _FIXED.size + key_id_len + NONCE_PREFIX_SIZE
    if (
        magic != MAGIC
        or version != FORMAT_VERSION
        or not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE
        or key_id_len == 0
        or len(data) < end
    ):
        raise DecryptionFailed()
    key_id = data[_FIXED.size : end - NONCE_PREFIX_SIZE]
    if not key_id.isascii():
        raise DecryptionFailed()
    return _Header(
        data[:end], key_id.decode("ascii"), segment_size, data[end - NONCE_PREFIX_SIZE : end]
    )


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
        """Read and check the header (``DecryptionFailed`` if bad). ``read(start, end)``
        yields the stored bytes ``[start, end)`` in chunks of any size."""
        self._aead = AESGCM(dek)
        self._read = read
        self._size = ciphertext_size
        head = self._read_exact(0, max(0, min(MAX_HEADER_SIZE, ciphertext_size)))
        self._header = _parse_header(head)
        self._ad = self._header.raw + associated_data
        self._segments, self._plaintext_size = self._layout()

    def __repr__(self) -> str:
        return f"SegmentedBlob(key_id={self.key_id!r}, plaintext_size={self._plaintext_size})"

    def _read_exact(self, start: int, end: int) -> bytes:
        data = b"".join(self._read(start, end))
        if len(data) != end - start:  # the store broke its promise: treat as damage
            raise DecryptionFailed()
        return data

    def _layout(self) -> tuple[int, int]:
        """(segment count, plaintext size) from the stored size; only one plaintext
        size fits any valid stored size, and sizes no blob can have are refused."""
        body = self._size - len(self._header.raw)
        full, final = divmod(body, self._header.segment_size + TAG_SIZE)
        if final < TAG_SIZE or full >= MAX_SEGMENTS:
            raise DecryptionFailed()
        segments = full + 1
        return segments, body - segments * TAG_SIZE

    @property
    def key_id(self) -> str:
        """The id of the DEK row named in the header (not secret)."""
        return self._header.key_id

    @property
    def segment_size(self) -> int:
        """Plaintext bytes per full segment."""
        return self._header.segment_size

    @property
    def plaintext_size(self) -> int:
        """Plaintext length, derived from the stored size."""
        return self._plaintext_size

    def iter_plaintext(self, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Verified plaintext bytes ``[start, end)`` (``end`` clamped to the size).

        Reads only the segments holding the range; a range reaching the end of the
        plaintext also opens the final segment, so truncation and extension are caught.
        """
        check_slow_work("blob decryption")
        if start < 0 or (end is not None and end < 0):
            raise ValueError("negative range")
        end = self._plaintext_size if end is None else min(end, self._plaintext_size)
        first, stop = self._span(start, end)
        size = self.segment_size
        index = first
        for sealed in self._sealed_segments(first, stop):
            plaintext = self._open(index, sealed)
            offset = index * size
            piece = plaintext[max(start - offset, 0) : max(end - offset, 0)]
            if piece:
                yield piece
            index += 1
        if index != stop:
            raise DecryptionFailed()

    def _span(self, start: int, end: int) -> tuple[int, int]:
        """Segment indexes ``[first, stop)`` to open for plaintext ``[start, end)``."""
        size = self.segment_size
        if end == self._plaintext_size:
            # Always open the final segment: only its last flag proves nothing is missing.
            return min(start, end) // size, self._segments
        if start >= end:
            return 0, 0
        return start // size, (end - 1) // size + 1

    def _sealed_segments(self, first: int, stop: int) -> Iterator[Buffer]:
        """Whole sealed segments ``[first, stop)`` from the store's chunks, copying only
        the bytes of a segment split across chunks."""
        if first >= stop:
            return
        sealed = self.segment_size + TAG_SIZE
        begin = len(self._header.raw) + first * sealed
        expected = min(len(self._header.raw) + stop * sealed, self._size) - begin
        received, partial = 0, bytearray()
        for chunk in self._read(begin, begin + expected):
            received += len(chunk)
            if received > expected:
                raise DecryptionFailed()
            view = memoryview(chunk)
            if partial:
                take = sealed - len(partial)
                partial += view[:take]
                view = view[take:]
                if len(partial) < sealed:
                    continue
                yield partial
                partial = bytearray()
            while len(view) >= sealed:
                yield view[:sealed]
                view = view[sealed:]
            partial += view
        if received != expected:
            raise DecryptionFailed()
        if partial:
            yield partial

    def _open(self, index: int, sealed: Buffer) -> bytes:
        nonce = _nonce(self._header.nonce_prefix, index, index == self._segments - 1)
        try:
            return self._aead.decrypt(nonce, sealed, self._ad)
        except InvalidTag:
            raise DecryptionFailed() from None
