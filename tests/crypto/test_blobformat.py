from __future__ import annotations

import os
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.crypto.blobformat import (
    MIN_SEGMENT_SIZE,
    BlobEncryptor,
    SegmentedBlob,
    blob_associated_data,
    ciphertext_size,
    header_size,
)
from callvault.crypto.errors import DecryptionFailed

DEK = bytes(range(32))
SEG = MIN_SEGMENT_SIZE  # small segments make multi-segment cases cheap
AD = blob_associated_data("tenant-a", "object-1")
KEY_ID = "dk-1"


def encrypt(plaintext: bytes, step: int = 1000, ad: bytes = AD) -> bytes:
    encryptor = BlobEncryptor(DEK, key_id=KEY_ID, associated_data=ad, segment_size=SEG)
    parts = [encryptor.update(plaintext[i : i + step]) for i in range(0, len(plaintext), step)]
    return b"".join(parts) + encryptor.finalize()


class Reads:
    """A ``read(start, end)`` over bytes that records what was asked for."""

    def __init__(self, data: bytes, chunk: int = 3000) -> None:
        self.data, self.chunk, self.bytes_read = data, chunk, 0

    def __call__(self, start: int, end: int) -> Iterable[bytes]:
        for offset in range(start, end, self.chunk):
            piece = self.data[offset : min(offset + self.chunk, end)]
            self.bytes_read += len(piece)
            yield piece


def open_blob(ciphertext: bytes, ad: bytes = AD) -> SegmentedBlob:
    return SegmentedBlob(
        DEK, associated_data=ad, ciphertext_size=len(ciphertext), read=Reads(ciphertext)
    )


def decrypt(ciphertext: bytes, ad: bytes = AD) -> bytes:
    return b"".join(open_blob(ciphertext, ad).iter_plaintext())


SIZES = [0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 17]


# Byte-at-a-time writes only for the small sizes: they are slow and add nothing more.
CASES = [
    (size, step)
    for size in SIZES
    for step in (1, 777, SEG, 10 * SEG)
    if step > 1 or size <= SEG + 1
]


@pytest.mark.parametrize(("size", "step"), CASES)
def test_round_trip_for_any_size_and_write_pattern(size: int, step: int) -> None:
    plaintext = os.urandom(size)
    ciphertext = encrypt(plaintext, step)
    assert len(ciphertext) == ciphertext_size(size, key_id=KEY_ID, segment_size=SEG)
    blob = open_blob(ciphertext)
    assert (blob.plaintext_size, blob.key_id, blob.segment_size) == (size, KEY_ID, SEG)
    assert decrypt(ciphertext) == plaintext


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=5 * SEG), cut=st.data())
def test_any_range_equals_the_plaintext_slice(data: bytes, cut: st.DataObject) -> None:
    ciphertext = encrypt(data)
    start = cut.draw(st.integers(0, len(data)))
    end = cut.draw(st.integers(start, len(data) + 10))
    assert b"".join(open_blob(ciphertext).iter_plaintext(start, end)) == data[start:end]


def test_a_range_read_touches_only_the_segments_it_needs() -> None:
    ciphertext = encrypt(os.urandom(20 * SEG))
    reads = Reads(ciphertext)
    blob = SegmentedBlob(DEK, associated_data=AD, ciphertext_size=len(ciphertext), read=reads)
    header_read = reads.bytes_read
    assert b"".join(blob.iter_plaintext(10 * SEG + 5, 10 * SEG + 50))
    assert reads.bytes_read - header_read == SEG + 16


def flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


HEADER = header_size(KEY_ID)
TAMPERS = {
    "magic": lambda c: flip(c, 0),
    "format-version": lambda c: flip(c, 4),
    "segment-size": lambda c: flip(c, 7),
    "key-id": lambda c: flip(c, 10),
    "nonce-prefix": lambda c: flip(c, HEADER - 1),
    "first-body-byte": lambda c: flip(c, HEADER),
    "middle-tag": lambda c: flip(c, HEADER + 2 * SEG + 2 * 16 - 1),
    "last-byte": lambda c: flip(c, len(c) - 1),
    "drop-final-segment": lambda c: c[: HEADER + 3 * (SEG + 16)],
    "truncate-mid-segment": lambda c: c[: HEADER + SEG + 100],
    "truncate-tag": lambda c: c[:-1],
    "extend": lambda c: c + b"\x00" * 17,
    "append-segment": lambda c: c + c[HEADER : HEADER + SEG + 16],
    "swap-segments": lambda c: (
        c[:HEADER]
        + c[HEADER + SEG + 16 : HEADER + 2 * (SEG + 16)]
        + c[HEADER : HEADER + SEG + 16]
        + c[HEADER + 2 * (SEG + 16) :]
    ),
    "header-only": lambda c: c[:HEADER],
    "empty": lambda c: b"",
}


@pytest.mark.parametrize("tamper", list(TAMPERS.values()), ids=list(TAMPERS))
def test_any_tampering_fails_and_yields_no_plaintext(tamper: object) -> None:
    ciphertext = tamper(encrypt(os.urandom(3 * SEG + 500)))  # type: ignore[operator]
    yielded: list[bytes] = []
    with pytest.raises(DecryptionFailed):
        for chunk in open_blob(ciphertext).iter_plaintext():
            yielded.append(chunk)
    # Segments before a damaged one may stream out (each verified); never damaged bytes.
    assert len(b"".join(yielded)) % SEG == 0


@pytest.mark.parametrize(
    "ad",
    [blob_associated_data("tenant-a", "object-2"), blob_associated_data("tenant-b", "object-1")],
    ids=["other-object", "other-tenant"],
)
def test_a_ciphertext_moved_to_another_object_or_tenant_fails(ad: bytes) -> None:
    ciphertext = encrypt(b"recording bytes")
    with pytest.raises(DecryptionFailed):
        decrypt(ciphertext, ad)


def test_an_empty_blob_is_still_verified() -> None:
    ciphertext = encrypt(b"")
    assert decrypt(ciphertext) == b""
    with pytest.raises(DecryptionFailed):
        decrypt(flip(ciphertext, len(ciphertext) - 1))


def test_nonce_prefixes_do_not_repeat_across_blobs() -> None:
    prefixes = {encrypt(b"x")[HEADER - 7 : HEADER] for _ in range(10_000)}
    assert len(prefixes) == 10_000


@pytest.mark.parametrize("segment_size", [0, MIN_SEGMENT_SIZE - 1, 8 * 1024 * 1024 + 1])
def test_segment_size_is_validated(segment_size: int) -> None:
    with pytest.raises(ValueError, match="segment size"):
        BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=segment_size)


def test_a_finalized_encryptor_refuses_more_data() -> None:
    encryptor = BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=SEG)
    encryptor.finalize()
    with pytest.raises(ValueError, match="finalized"):
        encryptor.update(b"more")
