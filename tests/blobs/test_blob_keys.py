"""Key and range checks, table-driven with explicit non-matches."""

from __future__ import annotations

import pytest

from callvault.blobs.errors import BlobNotFound, BlobStoreUnavailable, InvalidBlobKey
from callvault.blobs.keys import validate_key, validate_range
from callvault.errors import NotFound, ServiceUnavailable

VALID = [
    "a",
    "0f3a",
    "0f3a/9c1d",
    "tenant_1/obj-2",
    "a/b/c/d",
    "-/_",
    "a" * 200,
    "0123456789abcdef" * 2 + "/" + "fedcba9876543210" * 2,
]

INVALID = [
    "",
    "/",
    "/a",
    "a/",
    "a//b",
    ".",
    "..",
    "../x",
    "a/..",
    "a/../b",
    "a/./b",
    ".tmp/x",
    "%2e%2e",
    "a%2fb",
    "a\x00",
    "A",
    "a/B",
    "a b",
    "a\tb",
    "a\\b",
    "a\n",
    "\n",
    "a:b",
    "~",
    "é",
    "\u0430",
    "a" * 201,
    "a/" * 100 + "a",  # 201 characters
]


@pytest.mark.parametrize("key", VALID)
def test_valid_keys_pass_unchanged(key: str) -> None:
    assert validate_key(key) == key


@pytest.mark.parametrize("key", INVALID)
def test_invalid_keys_are_rejected_without_echo(key: str) -> None:
    with pytest.raises(InvalidBlobKey) as info:
        validate_key(key)
    if len(key) > 2:
        assert key not in str(info.value)


def test_non_string_key_is_rejected() -> None:
    with pytest.raises(InvalidBlobKey):
        validate_key(b"abc")  # type: ignore[arg-type]


@pytest.mark.parametrize(("start", "end"), [(0, None), (0, 0), (5, 5), (5, 10), (10, None)])
def test_valid_ranges(start: int, end: int | None) -> None:
    validate_range(start, end)


@pytest.mark.parametrize(("start", "end"), [(-1, None), (-1, 5), (5, 4), (1, 0)])
def test_invalid_ranges(start: int, end: int | None) -> None:
    with pytest.raises(ValueError, match="range"):
        validate_range(start, end)


def test_errors_sit_in_the_callvault_tree() -> None:
    assert issubclass(BlobNotFound, NotFound)
    assert issubclass(BlobStoreUnavailable, ServiceUnavailable)
    assert issubclass(InvalidBlobKey, ValueError)
    assert BlobNotFound().status == 404
    assert BlobStoreUnavailable().status == 503
