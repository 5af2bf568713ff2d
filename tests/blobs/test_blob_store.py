"""The BlobStore contract, run against every store (``store`` is parametrized)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

import pytest

from callvault.blobs.errors import BlobNotFound, InvalidBlobKey
from callvault.blobs.interface import BlobStore

MIB = 1024 * 1024
KEY = "0a1b2c/3d4e5f"


def put(store: BlobStore, key: str, data: bytes, chunk: int = MIB + 7) -> None:
    """Write in odd-sized chunks so part boundaries fall mid-write."""
    with store.writer(key) as writer:
        for offset in range(0, len(data), chunk):
            writer.write(data[offset : offset + chunk])
        writer.commit()


def get(store: BlobStore, key: str, start: int = 0, end: int | None = None) -> bytes:
    chunks = list(store.read(key, start, end))
    assert all(0 < len(chunk) <= MIB for chunk in chunks)
    return b"".join(chunks)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("size", [0, 1, 1000, 20 * MIB + 3], ids=["empty", "1B", "1KB", "20MiB"])
def test_round_trip(store: BlobStore, size: int) -> None:
    data = os.urandom(size)
    put(store, KEY, data)
    assert store.exists(KEY)
    assert store.size(KEY) == size
    assert sha(get(store, KEY)) == sha(data)


def test_one_write_larger_than_several_parts(store: BlobStore) -> None:
    data = os.urandom(17 * MIB)
    put(store, KEY, data, chunk=len(data))
    assert sha(get(store, KEY)) == sha(data)


RANGE_SIZE = 3 * MIB + 5


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (0, None),
        (0, RANGE_SIZE),
        (10, 20),
        (0, 1),
        (MIB - 1, 2 * MIB + 1),
        (RANGE_SIZE - 1, None),
        (RANGE_SIZE - 1, RANGE_SIZE),
        (10, RANGE_SIZE + 100),  # clamped to the end
        (7, 7),  # empty
        (RANGE_SIZE, None),  # empty: starts at the end
        (RANGE_SIZE + 10, None),  # empty: starts past the end
        (RANGE_SIZE + 10, RANGE_SIZE + 20),
    ],
)
def test_ranged_read(store: BlobStore, start: int, end: int | None) -> None:
    data = os.urandom(RANGE_SIZE)
    put(store, KEY, data)
    assert get(store, KEY, start, end) == data[start:end]


def test_ranged_read_of_empty_object(store: BlobStore) -> None:
    put(store, KEY, b"")
    assert get(store, KEY, 0, None) == b""
    assert get(store, KEY, 0, 10) == b""
    assert get(store, KEY, 3, None) == b""


@pytest.mark.parametrize(("start", "end"), [(-1, None), (5, 4), (-3, -1)])
def test_invalid_range_is_rejected(store: BlobStore, start: int, end: int | None) -> None:
    put(store, KEY, b"0123456789")
    with pytest.raises(ValueError, match="range"):
        store.read(KEY, start, end)


def test_nothing_visible_without_commit(store: BlobStore) -> None:
    with store.writer(KEY) as writer:
        writer.write(b"x" * 1000)
        assert not store.exists(KEY)
    assert not store.exists(KEY)
    with pytest.raises(BlobNotFound):
        store.read(KEY)


def test_exception_inside_with_discards(store: BlobStore) -> None:
    with pytest.raises(RuntimeError, match="boom"), store.writer(KEY) as writer:
        writer.write(os.urandom(9 * MIB))
        raise RuntimeError("boom")
    assert not store.exists(KEY)
    with pytest.raises(BlobNotFound):
        store.size(KEY)


def test_explicit_abort_discards_and_closes(store: BlobStore) -> None:
    writer = store.writer(KEY)
    writer.write(b"abc")
    writer.abort()
    writer.abort()  # idempotent
    assert not store.exists(KEY)
    with pytest.raises(ValueError, match="closed"):
        writer.write(b"more")
    with pytest.raises(ValueError, match="closed"):
        writer.commit()


def test_writer_closed_after_commit(store: BlobStore) -> None:
    with store.writer(KEY) as writer:
        writer.write(b"abc")
        writer.commit()
        with pytest.raises(ValueError, match="closed"):
            writer.write(b"more")
        writer.abort()  # a no-op after commit
    assert get(store, KEY) == b"abc"


def test_commit_replaces_previous_object(store: BlobStore) -> None:
    put(store, KEY, b"first version")
    with store.writer(KEY) as writer:
        writer.write(b"second")
        assert get(store, KEY) == b"first version"  # old object until commit
        writer.commit()
    assert get(store, KEY) == b"second"
    assert store.size(KEY) == len(b"second")


def test_aborted_replacement_keeps_previous_object(store: BlobStore) -> None:
    put(store, KEY, b"keep me")
    with store.writer(KEY) as writer:
        writer.write(b"discard me")
    assert get(store, KEY) == b"keep me"


def test_delete_is_idempotent(store: BlobStore) -> None:
    put(store, KEY, b"data")
    store.delete(KEY)
    assert not store.exists(KEY)
    store.delete(KEY)
    store.delete("never/written")


def test_keys_are_independent(store: BlobStore) -> None:
    put(store, "aa/01", b"one")
    put(store, "aa/02", b"two")
    put(store, "bb/01", b"three")
    store.delete("aa/01")
    assert get(store, "aa/02") == b"two"
    assert get(store, "bb/01") == b"three"
    assert not store.exists("aa")  # a prefix is not an object


@pytest.mark.parametrize(
    "call",
    [
        lambda s, k: s.read(k),
        lambda s, k: s.read(k, 5, 10),
        lambda s, k: s.size(k),
    ],
    ids=["read", "read-range", "size"],
)
def test_missing_key_raises_not_found(
    store: BlobStore, call: Callable[[BlobStore, str], object]
) -> None:
    with pytest.raises(BlobNotFound) as info:
        call(store, "dead/beef")
    assert info.value.status == 404
    assert not store.exists("dead/beef")


BAD_KEYS = [
    "",
    "../x",
    "/abs",
    "a//b",
    "a/../b",
    "a/./b",
    "..",
    "a/",
    "%2e%2e",
    "%2e%2e/x",
    "a\x00b",
    "ABC/def",
    "a b",
    "a\\b",
    "a/b\n",
    "\u0430bc",  # Cyrillic a
    "a" * 201,
]


@pytest.mark.parametrize("key", BAD_KEYS)
@pytest.mark.parametrize(
    "call",
    [
        lambda s, k: s.writer(k),
        lambda s, k: s.read(k),
        lambda s, k: s.read(k, 0, 0),
        lambda s, k: s.size(k),
        lambda s, k: s.exists(k),
        lambda s, k: s.delete(k),
    ],
    ids=["writer", "read", "read-empty", "size", "exists", "delete"],
)
def test_bad_key_rejected_by_every_method(
    store: BlobStore, call: Callable[[BlobStore, str], object], key: str
) -> None:
    with pytest.raises(InvalidBlobKey):
        call(store, key)


def test_longest_valid_key(store: BlobStore) -> None:
    key = "a" * 100 + "/" + "b" * 99
    put(store, key, b"ok")
    assert get(store, key) == b"ok"


def test_check_passes_on_a_working_store_and_leaves_nothing_behind(store: BlobStore) -> None:
    store.check()
    store.check()
    assert not store.exists(KEY)
