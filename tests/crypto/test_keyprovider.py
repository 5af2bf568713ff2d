from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from callvault.crypto.errors import DecryptionFailed, KeyUnavailable
from callvault.crypto.keyprovider import LocalKeyFileProvider


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    path = tmp_path / "root.key"
    assert LocalKeyFileProvider.create(path) is True
    return path


def test_a_new_root_key_is_private_and_never_overwritten(key_path: Path) -> None:
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    before = key_path.read_bytes()
    assert LocalKeyFileProvider.create(key_path) is False
    assert key_path.read_bytes() == before


def test_wrap_round_trips_and_binds_associated_data(key_path: Path) -> None:
    provider = LocalKeyFileProvider(key_path)
    wrapped = provider.wrap(b"k" * 32, b"tenant-1")
    assert provider.unwrap(wrapped, b"tenant-1") == b"k" * 32
    with pytest.raises(DecryptionFailed):
        provider.unwrap(wrapped, b"tenant-2")


def test_another_root_key_cannot_unwrap(key_path: Path, tmp_path: Path) -> None:
    other_path = tmp_path / "other.key"
    LocalKeyFileProvider.create(other_path)
    wrapped = LocalKeyFileProvider(key_path).wrap(b"k" * 32, b"ad")
    other = LocalKeyFileProvider(other_path)
    assert other.key_id != LocalKeyFileProvider(key_path).key_id
    with pytest.raises(DecryptionFailed):
        other.unwrap(wrapped, b"ad")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o666])
def test_a_key_file_others_can_read_is_refused(key_path: Path, mode: int) -> None:
    os.chmod(key_path, mode)
    with pytest.raises(KeyUnavailable):
        LocalKeyFileProvider(key_path)


@pytest.mark.parametrize(
    "content",
    ["", "not json", '{"format": "callvault-root-key", "key": "c2hvcnQ="}', '{"key": "!!"}', "[]"],
    ids=["empty", "garbage", "short-key", "bad-base64", "wrong-shape"],
)
def test_a_malformed_key_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "root.key"
    path.write_text(content)
    os.chmod(path, 0o600)
    with pytest.raises(KeyUnavailable):
        LocalKeyFileProvider(path)


def test_a_missing_key_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyUnavailable):
        LocalKeyFileProvider(tmp_path / "absent.key")


def test_the_key_never_shows_in_repr(key_path: Path) -> None:
    provider = LocalKeyFileProvider(key_path)
    assert "key_id" in repr(provider)
    assert provider._key.hex() not in repr(provider)
