from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from callvault.crypto.errors import DecryptionFailed, KeyUnavailable
from callvault.crypto.keyprovider import LocalKeyFileProvider, RootKeyProvider


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    path = tmp_path / "root.key"
    assert LocalKeyFileProvider.create(path) is True
    return path


def _document(path: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads(path.read_text("utf-8"))
    return document


def test_a_new_root_key_file_is_private_and_well_formed(key_path: Path) -> None:
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    document = _document(key_path)
    key = base64.b64decode(str(document["key"]), validate=True)
    assert set(document) == {"format", "version", "key_id", "key"}
    assert (document["format"], document["version"], len(key)) == ("callvault-root-key", 1, 32)
    expected_id = hashlib.sha256(b"callvault/key-id" + key).digest()[:8].hex()
    assert document["key_id"] == expected_id == LocalKeyFileProvider(key_path).key_id


def test_create_never_overwrites(key_path: Path) -> None:
    before = key_path.read_bytes()
    assert LocalKeyFileProvider.create(key_path) is False
    assert key_path.read_bytes() == before
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_each_created_key_is_new(tmp_path: Path) -> None:
    ids = set()
    for name in ("a.key", "b.key", "c.key"):
        LocalKeyFileProvider.create(tmp_path / name)
        ids.add(LocalKeyFileProvider(tmp_path / name).key_id)
    assert len(ids) == 3


def test_create_is_0600_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        LocalKeyFileProvider.create(tmp_path / "root.key")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "root.key").stat().st_mode) == 0o600


def test_create_needs_an_existing_directory(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        LocalKeyFileProvider.create(tmp_path / "missing" / "root.key")


def test_a_failed_create_leaves_no_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("callvault.crypto.keyprovider.os.write", disk_full)
    with pytest.raises(OSError, match="No space"):
        LocalKeyFileProvider.create(tmp_path / "root.key")
    assert not (tmp_path / "root.key").exists()


def test_the_local_provider_fits_the_protocol(key_path: Path) -> None:
    provider: RootKeyProvider = LocalKeyFileProvider(key_path)
    assert provider.unwrap(provider.wrap(b"k" * 32, b"ad"), b"ad") == b"k" * 32


@pytest.mark.parametrize("key", [b"", b"k", b"k" * 32, bytes(range(256))])
def test_wrap_round_trips(key_path: Path, key: bytes) -> None:
    provider = LocalKeyFileProvider(key_path)
    assert provider.unwrap(provider.wrap(key, b"tenant-1"), b"tenant-1") == key


def test_wrapped_keys_name_the_root_key_and_are_fresh(key_path: Path) -> None:
    provider = LocalKeyFileProvider(key_path)
    first, second = provider.wrap(b"k" * 32, b"ad"), provider.wrap(b"k" * 32, b"ad")
    assert first[:17] == b"\x01" + provider.key_id.encode("ascii")
    assert first != second  # fresh nonce each time
    assert b"k" * 32 not in first


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


WRAP_TAMPERS: dict[str, Callable[[bytes], bytes]] = {
    "format-byte": lambda w: _flip(w, 0),
    "key-id": lambda w: _flip(w, 5),
    "nonce": lambda w: _flip(w, 17),
    "body": lambda w: _flip(w, 30),
    "tag": lambda w: _flip(w, len(w) - 1),
    "truncated": lambda w: w[:-1],
    "prefix-only": lambda w: w[:17],
    "empty": lambda w: b"",
}


@pytest.mark.parametrize("tamper", list(WRAP_TAMPERS.values()), ids=list(WRAP_TAMPERS))
def test_a_tampered_wrapped_key_fails(key_path: Path, tamper: Callable[[bytes], bytes]) -> None:
    provider = LocalKeyFileProvider(key_path)
    with pytest.raises(DecryptionFailed):
        provider.unwrap(tamper(provider.wrap(b"k" * 32, b"ad")), b"ad")


@pytest.mark.parametrize("ad", [b"tenant-2", b"", b"tenant-1 "])
def test_unwrap_binds_associated_data(key_path: Path, ad: bytes) -> None:
    provider = LocalKeyFileProvider(key_path)
    with pytest.raises(DecryptionFailed):
        provider.unwrap(provider.wrap(b"k" * 32, b"tenant-1"), ad)


def test_another_root_key_cannot_unwrap(key_path: Path, tmp_path: Path) -> None:
    other_path = tmp_path / "other.key"
    LocalKeyFileProvider.create(other_path)
    mine, other = LocalKeyFileProvider(key_path), LocalKeyFileProvider(other_path)
    assert other.key_id != mine.key_id
    wrapped = mine.wrap(b"k" * 32, b"ad")
    with pytest.raises(DecryptionFailed):
        other.unwrap(wrapped, b"ad")
    # Even relabelled with the other key's id, the AES-GCM tag still refuses it.
    relabelled = wrapped[:1] + other.key_id.encode("ascii") + wrapped[17:]
    with pytest.raises(DecryptionFailed):
        other.unwrap(relabelled, b"ad")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o666, 0o660, 0o610, 0o601, 0o700 | 0o020])
def test_a_key_file_others_can_reach_is_refused_and_left_alone(key_path: Path, mode: int) -> None:
    os.chmod(key_path, mode)
    with pytest.raises(KeyUnavailable, match="0600"):
        LocalKeyFileProvider(key_path)
    assert stat.S_IMODE(key_path.stat().st_mode) == mode  # refused, not "fixed"


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_owner_only_modes_are_accepted(key_path: Path, mode: int) -> None:
    os.chmod(key_path, mode)
    assert len(LocalKeyFileProvider(key_path).key_id) == 16


def _valid(key: bytes = b"\x07" * 32) -> dict[str, object]:
    key_id = hashlib.sha256(b"callvault/key-id" + key).hexdigest()[:16]
    encoded = base64.b64encode(key).decode()
    return {"format": "callvault-root-key", "version": 1, "key_id": key_id, "key": encoded}


MALFORMED: dict[str, str] = {
    "empty": "",
    "garbage": "not json",
    "not-utf8": "\udcff",
    "list": "[]",
    "short-key": json.dumps({**_valid(), "key": "c2hvcnQ="}),
    "long-key": json.dumps({**_valid(), "key": base64.b64encode(bytes(33)).decode()}),
    "bad-base64": json.dumps({**_valid(), "key": "!!"}),
    "key-not-string": json.dumps({**_valid(), "key": 7}),
    "no-key": json.dumps({k: v for k, v in _valid().items() if k != "key"}),
    "wrong-format": json.dumps({**_valid(), "format": "other"}),
    "wrong-version": json.dumps({**_valid(), "version": 2}),
    "wrong-key-id": json.dumps({**_valid(), "key_id": "0" * 16}),
    "huge": json.dumps({**_valid(), "padding": "x" * 10_000}),
}


def test_a_well_formed_key_file_written_by_hand_loads(tmp_path: Path) -> None:
    path = tmp_path / "root.key"
    path.write_text(json.dumps(_valid()))
    os.chmod(path, 0o600)
    assert LocalKeyFileProvider(path).key_id == _valid()["key_id"]


@pytest.mark.parametrize("content", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_key_file_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "root.key"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    os.chmod(path, 0o600)
    with pytest.raises(KeyUnavailable) as caught:
        LocalKeyFileProvider(path)
    assert str(_valid()["key"]) not in str(caught.value)
    # No chained parser error (whose message could quote the file) reaches a log.
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_a_missing_key_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyUnavailable, match="does not exist"):
        LocalKeyFileProvider(tmp_path / "absent.key")


def test_a_directory_or_fifo_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.key").mkdir(mode=0o700)
    os.mkfifo(tmp_path / "fifo.key", 0o600)
    for name in ("dir.key", "fifo.key"):
        with pytest.raises(KeyUnavailable):
            LocalKeyFileProvider(tmp_path / name)


def test_an_unreadable_key_file_is_refused(key_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file regardless of mode")
    os.chmod(key_path, 0o000)
    with pytest.raises(KeyUnavailable):
        LocalKeyFileProvider(key_path)


def test_the_key_never_shows_in_repr_or_errors(key_path: Path) -> None:
    provider = LocalKeyFileProvider(key_path)
    key_b64 = str(_document(key_path)["key"])
    assert repr(provider) == f"LocalKeyFileProvider(key_id={provider.key_id!r})"
    os.chmod(key_path, 0o644)
    with pytest.raises(KeyUnavailable) as caught:
        LocalKeyFileProvider(key_path)
    assert key_b64 not in str(caught.value) and key_b64 not in repr(caught.value)
