from __future__ import annotations

import os
import struct
import tracemalloc
from collections.abc import Callable, Iterable, Iterator

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.crypto import blobformat
from callvault.crypto.blobformat import (
    DEFAULT_SEGMENT_SIZE,
    MAX_SEGMENT_SIZE,
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
SEALED = SEG + 16
AD = blob_associated_data("tenant-a", "object-1")
KEY_ID = "dk-1"
HEADER = header_size(KEY_ID)


def encrypt(
    plaintext: bytes, step: int = 1000, ad: bytes = AD, dek: bytes = DEK, seg: int = SEG
) -> bytes:
    encryptor = BlobEncryptor(dek, key_id=KEY_ID, associated_data=ad, segment_size=seg)
    parts = [encryptor.update(plaintext[i : i + step]) for i in range(0, len(plaintext), step)]
    return b"".join(parts) + encryptor.finalize()


class Reads:
    """A ``read(start, end)`` over bytes that records every call and byte handed out."""

    def __init__(self, data: bytes, chunk: int = 3000) -> None:
        self.data, self.chunk = data, chunk
        self.calls: list[tuple[int, int]] = []
        self.bytes_read = 0

    def __call__(self, start: int, end: int) -> Iterable[bytes]:
        self.calls.append((start, end))
        return self._chunks(start, end)

    def _chunks(self, start: int, end: int) -> Iterator[bytes]:
        for offset in range(start, end, self.chunk):
            piece = self.data[offset : min(offset + self.chunk, end)]
            self.bytes_read += len(piece)
            yield piece


def open_blob(
    ciphertext: bytes, ad: bytes = AD, dek: bytes = DEK, chunk: int = 3000
) -> SegmentedBlob:
    return SegmentedBlob(
        dek, associated_data=ad, ciphertext_size=len(ciphertext), read=Reads(ciphertext, chunk)
    )


def decrypt(ciphertext: bytes, ad: bytes = AD, dek: bytes = DEK) -> bytes:
    return b"".join(open_blob(ciphertext, ad, dek).iter_plaintext())


def flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


# -- round trips ----------------------------------------------------------------------

SIZES = [0, 1, SEG - 1, SEG, SEG + 1, 2 * SEG, 3 * SEG, 3 * SEG + 17]
# Byte-at-a-time writes only for the small sizes: they are slow and add nothing more.
CASES = [
    (size, step)
    for size in SIZES
    for step in (1, 777, SEG, SEG + 1, 10 * SEG)
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
@given(
    plaintext=st.binary(max_size=4 * SEG + 100),
    writes=st.lists(st.integers(0, 2 * SEG + 3), min_size=1, max_size=8),
    read_chunk=st.integers(1, 3 * SEALED),
)
def test_random_sizes_writes_and_read_chunks_round_trip(
    plaintext: bytes, writes: list[int], read_chunk: int
) -> None:
    encryptor = BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=SEG)
    parts, offset, turn = [], 0, 0
    while offset < len(plaintext):
        step = writes[turn % len(writes)]
        parts.append(encryptor.update(plaintext[offset : offset + step]))
        offset, turn = offset + step, turn + 1
        if step == 0 and turn > len(writes):
            parts.append(encryptor.update(plaintext[offset:]))
            offset = len(plaintext)
    ciphertext = b"".join(parts) + encryptor.finalize()
    assert len(ciphertext) == ciphertext_size(len(plaintext), key_id=KEY_ID, segment_size=SEG)
    blob = open_blob(ciphertext, chunk=read_chunk)
    assert b"".join(blob.iter_plaintext()) == plaintext


def test_update_returns_every_complete_segment_at_once() -> None:
    encryptor = BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=SEG)
    assert encryptor.update(b"") == b""  # nothing, not even the header
    assert len(encryptor.update(b"x" * (SEG - 1))) == HEADER  # header comes first
    assert len(encryptor.update(b"x")) == SEALED  # that byte completed segment 0
    assert len(encryptor.update(b"x" * (2 * SEG + 5))) == 2 * SEALED
    assert len(encryptor.finalize()) == 5 + 16


def test_an_empty_blob_is_a_header_and_one_empty_final_segment() -> None:
    encryptor = BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=SEG)
    ciphertext = encryptor.finalize()
    assert len(ciphertext) == HEADER + 16 == ciphertext_size(0, key_id=KEY_ID, segment_size=SEG)
    assert decrypt(ciphertext) == b""
    with pytest.raises(DecryptionFailed):
        decrypt(flip(ciphertext, len(ciphertext) - 1))


def test_one_large_update_round_trips_through_several_scratch_batches() -> None:
    plaintext = os.urandom(5 * 1024 * 1024 + 3)  # more than one 1 MiB output batch
    ciphertext = encrypt(plaintext, step=len(plaintext), seg=64 * 1024)
    blob = SegmentedBlob(
        DEK, associated_data=AD, ciphertext_size=len(ciphertext), read=Reads(ciphertext, 1 << 20)
    )
    assert b"".join(blob.iter_plaintext()) == plaintext


# -- the byte layout, checked against docs/blob-format.md with raw AES-GCM ------------


def build_by_hand(
    segments: list[bytes], flags: list[int], prefix: bytes = b"P" * 7, key_id: bytes = b"dk-1"
) -> bytes:
    header = b"CVB1" + b"\x01" + struct.pack(">I", SEG) + bytes([len(key_id)]) + key_id + prefix
    gcm = AESGCM(DEK)
    body = [
        gcm.encrypt(prefix + struct.pack(">I", index) + bytes([flag]), segment, header + AD)
        for index, (segment, flag) in enumerate(zip(segments, flags, strict=True))
    ]
    return header + b"".join(body)


def test_the_encryptor_writes_the_documented_layout() -> None:
    plaintext = os.urandom(2 * SEG + 10)
    ciphertext = encrypt(plaintext)
    assert ciphertext[:10] == b"CVB1\x01" + struct.pack(">I", SEG) + b"\x04"
    assert ciphertext[10:14] == b"dk-1"
    prefix = ciphertext[14:21]
    expected = build_by_hand(
        [plaintext[:SEG], plaintext[SEG : 2 * SEG], plaintext[2 * SEG :]], [0, 0, 1], prefix
    )
    assert ciphertext == expected


def test_a_blob_built_by_hand_from_the_spec_decrypts() -> None:
    segments = [b"a" * SEG, b"b" * SEG, b"tail"]
    assert decrypt(build_by_hand(segments, [0, 0, 1])) == b"".join(segments)


@pytest.mark.parametrize(
    ("segments", "flags"),
    [
        ([b"a" * SEG, b"tail"], [0, 0]),  # final segment without the last flag
        ([b"a" * SEG, b"tail"], [1, 1]),  # a middle segment claiming to be last
        ([b"a" * SEG, b"tail"], [1, 0]),
        ([b"a" * SEG, b"tail"], [0, 2]),  # a flag byte other than 0/1
        ([b""], [0]),  # empty blob without the last flag
        ([b"a" * SEG, b""], [0, 0]),
    ],
    ids=["final-not-flagged", "middle-flagged", "both-wrong", "flag-2", "empty", "empty-final"],
)
def test_last_flag_semantics_are_enforced(segments: list[bytes], flags: list[int]) -> None:
    with pytest.raises(DecryptionFailed):
        decrypt(build_by_hand(segments, flags))


def test_blob_associated_data_is_the_documented_bytes() -> None:
    assert blob_associated_data("t-1", "o-ü") == b"callvault/blob/v1|t-1|o-\xc3\xbc"


def test_a_tenant_id_that_could_shift_the_separator_is_refused() -> None:
    # ("a|b", "c") and ("a", "b|c") would otherwise bind to the same bytes.
    with pytest.raises(ValueError, match="tenant id"):
        blob_associated_data("a|b", "c")


# -- tampering ------------------------------------------------------------------------

BASE_SIZE = 3 * SEG + 500  # four segments, the last one partial


def _swap(c: bytes, i: int, j: int) -> bytes:
    seg = [c[HEADER + k * SEALED : HEADER + (k + 1) * SEALED] for k in range(4)]
    seg[i], seg[j] = seg[j], seg[i]
    return c[:HEADER] + b"".join(seg)


TAMPERS: dict[str, Callable[[bytes], bytes]] = {
    "magic": lambda c: flip(c, 0),
    "format-version": lambda c: flip(c, 4),
    "segment-size-high": lambda c: flip(c, 5),
    "segment-size-low": lambda c: flip(c, 8),
    "segment-size-double": lambda c: c[:5] + struct.pack(">I", 2 * SEG) + c[9:],
    "key-id-length": lambda c: flip(c, 9),
    "key-id": lambda c: flip(c, 10),
    "key-id-non-ascii": lambda c: c[:10] + b"\xff" + c[11:],
    "nonce-prefix-first": lambda c: flip(c, HEADER - 7),
    "nonce-prefix-last": lambda c: flip(c, HEADER - 1),
    "first-body-byte": lambda c: flip(c, HEADER),
    "middle-body-byte": lambda c: flip(c, HEADER + SEALED + SEG // 2),
    "middle-tag": lambda c: flip(c, HEADER + 3 * SEALED - 1),
    "last-byte": lambda c: flip(c, len(c) - 1),
    "drop-final-segment": lambda c: c[: HEADER + 3 * SEALED],
    "drop-first-segment": lambda c: c[:HEADER] + c[HEADER + SEALED :],
    "drop-middle-segment": lambda c: c[: HEADER + SEALED] + c[HEADER + 2 * SEALED :],
    "truncate-mid-segment": lambda c: c[: HEADER + SEALED + 100],
    "truncate-tag": lambda c: c[:-1],
    "extend-1": lambda c: c + b"\x00",
    "extend-17": lambda c: c + b"\x00" * 17,
    "append-segment": lambda c: c + c[HEADER : HEADER + SEALED],
    "duplicate-segment": lambda c: c[: HEADER + SEALED] + c[HEADER:],
    "swap-first-two": lambda c: _swap(c, 0, 1),
    "swap-middle-and-last": lambda c: _swap(c, 2, 3),
    "header-only": lambda c: c[:HEADER],
    "short-header": lambda c: c[: HEADER - 1],
    "empty": lambda c: b"",
}


@pytest.mark.parametrize("tamper", list(TAMPERS.values()), ids=list(TAMPERS))
def test_any_tampering_fails_and_yields_no_unverified_plaintext(
    tamper: Callable[[bytes], bytes],
) -> None:
    plaintext = os.urandom(BASE_SIZE)
    yielded: list[bytes] = []
    with pytest.raises(DecryptionFailed):  # collect what streamed out first
        blob = open_blob(tamper(encrypt(plaintext)))
        yielded.extend(blob.iter_plaintext())
    # Whole segments before a damaged one may stream out (each verified), never more.
    out = b"".join(yielded)
    assert len(out) % SEG == 0 and plaintext.startswith(out)


@pytest.mark.parametrize("size", [3 * SEG, 3 * SEG + 1, 1, 0], ids=["multiple", "plus-1", "1", "0"])
def test_truncation_anywhere_fails(size: int) -> None:
    ciphertext = encrypt(os.urandom(size))
    cuts = set(range(0, len(ciphertext), 97)) | set(range(len(ciphertext) - 40, len(ciphertext)))
    cuts |= {HEADER + k * SEALED + d for k in range(4) for d in (-1, 0, 1, 16)}
    for cut in sorted(c for c in cuts if 0 <= c < len(ciphertext)):
        with pytest.raises(DecryptionFailed):
            decrypt(ciphertext[:cut])


@pytest.mark.parametrize("junk", [16, 17, 100], ids=lambda n: f"junk-{n}")
def test_dropping_the_empty_final_segment_and_forging_a_tail_fails(junk: int) -> None:
    # With 3 full segments the final segment is empty. Cut at a segment boundary and add
    # bytes so the sizes add up again: the reader must still open the final segment.
    ciphertext = encrypt(os.urandom(3 * SEG))
    forged = ciphertext[: HEADER + 2 * SEALED] + os.urandom(junk)
    with pytest.raises(DecryptionFailed):
        decrypt(forged)
    with pytest.raises(DecryptionFailed):
        b"".join(open_blob(forged).iter_plaintext(0, 2 * SEG + (junk - 16)))


@pytest.mark.parametrize(
    "ad",
    [
        blob_associated_data("tenant-a", "object-2"),
        blob_associated_data("tenant-b", "object-1"),
        blob_associated_data("tenant-a", "object-1 "),
        b"",
    ],
    ids=["other-object", "other-tenant", "near-miss", "no-ad"],
)
def test_a_ciphertext_moved_to_another_object_or_tenant_fails(ad: bytes) -> None:
    ciphertext = encrypt(os.urandom(2 * SEG))
    with pytest.raises(DecryptionFailed):
        decrypt(ciphertext, ad)


def test_another_dek_fails() -> None:
    ciphertext = encrypt(b"recording bytes")
    with pytest.raises(DecryptionFailed):
        decrypt(ciphertext, dek=bytes(32))


def test_a_segment_from_another_blob_under_the_same_dek_fails() -> None:
    first, second = encrypt(os.urandom(BASE_SIZE)), encrypt(os.urandom(BASE_SIZE))
    spliced = first[: HEADER + SEALED] + second[HEADER + SEALED : HEADER + 2 * SEALED]
    spliced += first[HEADER + 2 * SEALED :]
    with pytest.raises(DecryptionFailed):
        decrypt(spliced)


class Liar:
    """A store that hands back more, or fewer, bytes than asked for."""

    def __init__(self, data: bytes, extra: bytes = b"", short: int = 0) -> None:
        self.data, self.extra, self.short = data, extra, short

    def __call__(self, start: int, end: int) -> Iterable[bytes]:
        if start == 0:  # honest about the header
            return [self.data[start:end]]
        return [self.data[start : end - self.short] + self.extra]


@pytest.mark.parametrize(
    ("extra", "short"), [(b"\x00", 0), (b"", 1), (b"", 16)], ids=["extra", "short-1", "short-16"]
)
def test_a_store_returning_the_wrong_amount_fails(extra: bytes, short: int) -> None:
    ciphertext = encrypt(os.urandom(2 * SEG))
    blob = SegmentedBlob(
        DEK,
        associated_data=AD,
        ciphertext_size=len(ciphertext),
        read=Liar(ciphertext, extra, short),
    )
    with pytest.raises(DecryptionFailed):
        b"".join(blob.iter_plaintext())


def test_the_reader_stops_at_the_first_byte_past_what_it_asked_for() -> None:
    ciphertext = encrypt(os.urandom(2 * SEG))
    pulled_extra = 0

    def endless(start: int, end: int) -> Iterator[bytes]:
        nonlocal pulled_extra
        yield ciphertext[start:end]
        if start == 0:
            return
        while True:  # a broken or hostile store that never stops
            pulled_extra += 1
            yield b"\x00"

    blob = SegmentedBlob(DEK, associated_data=AD, ciphertext_size=len(ciphertext), read=endless)
    with pytest.raises(DecryptionFailed):
        b"".join(blob.iter_plaintext())
    assert pulled_extra == 1


def test_a_header_shorter_than_promised_fails() -> None:
    ciphertext = encrypt(b"x")
    with pytest.raises(DecryptionFailed):
        SegmentedBlob(
            DEK,
            associated_data=AD,
            ciphertext_size=len(ciphertext),
            read=lambda start, end: [ciphertext[start : end - 1]],
        )


# -- ranges ---------------------------------------------------------------------------

PLAIN = os.urandom(5 * SEG + 123)
CIPHER = encrypt(PLAIN)
RANGES = {
    "full": (0, None),
    "full-explicit": (0, len(PLAIN)),
    "past-the-end": (0, len(PLAIN) + 10_000),
    "first-segment": (0, SEG),
    "segment-boundaries": (SEG, 3 * SEG),
    "inside-one-segment": (SEG + 5, SEG + 50),
    "across-a-boundary": (2 * SEG - 10, 2 * SEG + 10),
    "from-a-boundary-to-end": (5 * SEG, None),
    "last-byte": (len(PLAIN) - 1, None),
    "one-byte": (SEG, SEG + 1),
    "empty-middle": (SEG + 7, SEG + 7),
    "empty-at-end": (len(PLAIN), None),
    "start-past-end": (len(PLAIN) + 5, None),
    "start-after-end": (300, 200),
}


@pytest.mark.parametrize(("start", "end"), list(RANGES.values()), ids=list(RANGES))
def test_a_range_equals_the_plaintext_slice(start: int, end: int | None) -> None:
    assert b"".join(open_blob(CIPHER).iter_plaintext(start, end)) == PLAIN[start:end]


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=5 * SEG), cut=st.data())
def test_any_range_equals_the_plaintext_slice(data: bytes, cut: st.DataObject) -> None:
    ciphertext = encrypt(data)
    start = cut.draw(st.integers(0, len(data) + 5))
    end = cut.draw(st.integers(0, len(data) + 10))
    assert b"".join(open_blob(ciphertext).iter_plaintext(start, end)) == data[start:end]


@pytest.mark.parametrize(("start", "end"), [(-1, None), (0, -1)])
def test_a_negative_range_is_refused(start: int, end: int | None) -> None:
    with pytest.raises(ValueError, match="negative"):
        list(open_blob(CIPHER).iter_plaintext(start, end))


@pytest.mark.parametrize(
    ("start", "end", "segments"),
    [
        (SEG + 5, SEG + 50, [1]),
        (SEG, 2 * SEG, [1]),
        (SEG - 1, SEG + 1, [0, 1]),
        (0, 3 * SEG, [0, 1, 2]),
        (4 * SEG + 1, len(PLAIN), [4, 5]),  # reaches the end: the final segment is opened
        (5 * SEG, None, [5]),
        (SEG + 7, SEG + 7, []),
    ],
    ids=["inside", "one-whole", "straddle", "first-three", "to-end", "tail", "empty"],
)
def test_a_range_read_touches_only_the_segments_it_needs(
    start: int, end: int | None, segments: list[int]
) -> None:
    reads = Reads(CIPHER)
    blob = SegmentedBlob(DEK, associated_data=AD, ciphertext_size=len(CIPHER), read=reads)
    header_calls, header_bytes = len(reads.calls), reads.bytes_read
    assert header_calls == 1 and header_bytes <= blobformat.MAX_HEADER_SIZE
    assert b"".join(blob.iter_plaintext(start, end)) == PLAIN[start:end]
    if not segments:
        assert len(reads.calls) == header_calls
        return
    assert len(reads.calls) == header_calls + 1  # one contiguous read per range
    first, stop = segments[0], segments[-1] + 1
    begin, finish = HEADER + first * SEALED, min(HEADER + stop * SEALED, len(CIPHER))
    assert reads.calls[-1] == (begin, finish)
    assert reads.bytes_read - header_bytes == finish - begin


def test_an_exact_multiple_reaching_the_end_opens_the_empty_final_segment() -> None:
    plaintext = os.urandom(3 * SEG)
    ciphertext = encrypt(plaintext)
    reads = Reads(ciphertext)
    blob = SegmentedBlob(DEK, associated_data=AD, ciphertext_size=len(ciphertext), read=reads)
    assert b"".join(blob.iter_plaintext(2 * SEG)) == plaintext[2 * SEG :]
    assert reads.calls[-1] == (HEADER + 2 * SEALED, len(ciphertext))


def test_damage_outside_the_range_is_not_read() -> None:
    damaged = flip(CIPHER, HEADER + 4 * SEALED + 3)  # inside segment 4
    blob = open_blob(damaged)
    assert b"".join(blob.iter_plaintext(0, 4 * SEG)) == PLAIN[: 4 * SEG]
    with pytest.raises(DecryptionFailed):
        b"".join(blob.iter_plaintext(4 * SEG, 4 * SEG + 1))


# -- nonces, configuration, memory ----------------------------------------------------


def test_nonce_prefixes_do_not_repeat_across_blobs() -> None:
    prefixes = {encrypt(b"x")[HEADER - 7 : HEADER] for _ in range(10_000)}
    assert len(prefixes) == 10_000


def test_the_same_plaintext_never_encrypts_the_same_way() -> None:
    plaintext = os.urandom(2 * SEG)
    assert encrypt(plaintext)[HEADER:] != encrypt(plaintext)[HEADER:]


@pytest.mark.parametrize("segment_size", [0, -1, MIN_SEGMENT_SIZE - 1, MAX_SEGMENT_SIZE + 1, 2**32])
def test_segment_size_is_validated(segment_size: int) -> None:
    with pytest.raises(ValueError, match="segment size"):
        BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=segment_size)
    with pytest.raises(ValueError, match="segment size"):
        ciphertext_size(10, key_id=KEY_ID, segment_size=segment_size)


@pytest.mark.parametrize("segment_size", [MIN_SEGMENT_SIZE, DEFAULT_SEGMENT_SIZE, MAX_SEGMENT_SIZE])
def test_segment_size_bounds_are_accepted(segment_size: int) -> None:
    plaintext = os.urandom(segment_size + 1)
    assert decrypt(encrypt(plaintext, 1 << 20, seg=segment_size)) == plaintext


@pytest.mark.parametrize("key_id", ["", "x" * 256, "dk-ü"], ids=["empty", "too-long", "non-ascii"])
def test_key_id_is_validated(key_id: str) -> None:
    with pytest.raises(ValueError, match="key id"):
        BlobEncryptor(DEK, key_id=key_id, associated_data=AD)


def test_key_id_of_255_characters_round_trips() -> None:
    encryptor = BlobEncryptor(DEK, key_id="k" * 255, associated_data=AD, segment_size=SEG)
    ciphertext = encryptor.update(b"abc") + encryptor.finalize()
    blob = open_blob(ciphertext)
    assert blob.key_id == "k" * 255
    assert b"".join(blob.iter_plaintext()) == b"abc"


@pytest.mark.parametrize(
    ("size", "expected"),
    [(0, 24 + 16), (1, 24 + 1 + 16), (SEG, 24 + SEG + 32), (3 * SEG + 5, 24 + 3 * SEG + 5 + 64)],
)
def test_the_size_formula(size: int, expected: int) -> None:
    assert ciphertext_size(size, key_id="k" * 7, segment_size=SEG) == expected


def test_a_negative_plaintext_size_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        ciphertext_size(-1, key_id=KEY_ID)


def test_a_finalized_encryptor_refuses_more_data() -> None:
    encryptor = BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=SEG)
    encryptor.finalize()
    with pytest.raises(ValueError, match="finalized"):
        encryptor.update(b"more")
    with pytest.raises(ValueError, match="finalized"):
        encryptor.update(b"")
    with pytest.raises(ValueError, match="finalized"):
        encryptor.finalize()


def test_reprs_name_no_key_material() -> None:
    encryptor = BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=SEG)
    blob = open_blob(encrypt(b"PHI: Jane Roe"))
    for text in (repr(encryptor), repr(blob)):
        assert DEK.hex() not in text and "Jane" not in text and "tenant-a" not in text
    assert repr(blob) == "SegmentedBlob(key_id='dk-1', plaintext_size=13)"


def _traced_peak(run: Callable[[], None]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_bounded_by_a_few_segments_both_ways() -> None:
    seg, total, chunk = 64 * 1024, 16 * 1024 * 1024, 300_000
    piece = os.urandom(chunk)
    stored: list[bytes] = []

    def write() -> None:
        encryptor = BlobEncryptor(DEK, key_id=KEY_ID, associated_data=AD, segment_size=seg)
        for _ in range(total // chunk):
            stored.append(encryptor.update(piece))
        stored.append(encryptor.finalize())

    # The stored list itself grows by the blob size; count only the working memory.
    write_peak = _traced_peak(write) - sum(len(part) for part in stored)
    ciphertext = b"".join(stored)
    blob = SegmentedBlob(
        DEK, associated_data=AD, ciphertext_size=len(ciphertext), read=Reads(ciphertext, 100_000)
    )

    def read() -> None:
        assert sum(len(piece) for piece in blob.iter_plaintext()) == total // chunk * chunk

    read_peak = _traced_peak(read)
    assert write_peak < 2 * 1024 * 1024 + 2 * chunk  # output scratch + one segment + a chunk
    assert read_peak < 4 * seg + 2 * 100_000
