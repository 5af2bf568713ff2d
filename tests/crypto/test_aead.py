from __future__ import annotations

import pytest

from callvault.crypto import aead
from callvault.crypto.errors import DecryptionFailed

KEY = bytes(range(32))
AD = b"tenant|object"

# NIST GCM test case 16 (McGrew & Viega), 256-bit key, with AD.
NIST_KEY = bytes.fromhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
NIST_NONCE = bytes.fromhex("cafebabefacedbaddecaf888")
NIST_PLAINTEXT = bytes.fromhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
)
NIST_AD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
NIST_CIPHERTEXT = bytes.fromhex(
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
)
NIST_TAG = bytes.fromhex("76fc6ece0f4e1768cddf8853bb2d551b")


def test_open_sealed_agrees_with_the_nist_vector() -> None:
    sealed = NIST_NONCE + NIST_CIPHERTEXT + NIST_TAG
    assert aead.open_sealed(NIST_KEY, sealed, NIST_AD) == NIST_PLAINTEXT


@pytest.mark.parametrize("plaintext", [b"", b"x", b"caller notes" * 1000])
def test_seal_round_trips(plaintext: bytes) -> None:
    assert aead.open_sealed(KEY, aead.seal(KEY, plaintext, AD), AD) == plaintext


def test_every_seal_uses_a_fresh_nonce() -> None:
    nonces = {aead.seal(KEY, b"same", AD)[:12] for _ in range(10_000)}
    assert len(nonces) == 10_000


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: s[:-1],  # truncated tag
        lambda s: s[:11],  # shorter than a nonce
        lambda s: bytes([s[0] ^ 1]) + s[1:],  # nonce
        lambda s: s[:12] + bytes([s[12] ^ 1]) + s[13:],  # body
        lambda s: s[:-1] + bytes([s[-1] ^ 1]),  # tag
        lambda s: s + b"\x00",  # extended
    ],
    ids=["truncated", "tiny", "nonce", "body", "tag", "extended"],
)
def test_any_change_fails_with_one_generic_error(tamper: object) -> None:
    sealed = aead.seal(KEY, b"payload", AD)
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(KEY, tamper(sealed), AD)  # type: ignore[operator]


def test_wrong_key_or_associated_data_fails() -> None:
    sealed = aead.seal(KEY, b"payload", AD)
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(bytes(32), sealed, AD)
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(KEY, sealed, b"tenant|other-object")


def test_versioned_ciphertexts_name_their_key_version() -> None:
    keys = {1: KEY, 2: bytes(32)}
    sealed = aead.seal_versioned(keys[2], 2, b"payload", AD)
    assert aead.versioned_key_version(sealed) == 2
    assert aead.open_versioned(keys.__getitem__, sealed, AD) == b"payload"


def test_an_edited_version_or_an_unknown_one_fails() -> None:
    keys = {1: KEY, 2: KEY}  # the same key under both versions: only the AD can tell
    sealed = aead.seal_versioned(KEY, 1, b"payload", AD)
    relabelled = sealed[:4] + b"\x02" + sealed[5:]
    with pytest.raises(DecryptionFailed):
        aead.open_versioned(keys.__getitem__, relabelled, AD)
    with pytest.raises(DecryptionFailed):
        aead.open_versioned({}.__getitem__, sealed, AD)
    with pytest.raises(DecryptionFailed):
        aead.versioned_key_version(b"\x02" + sealed[1:])


def test_subkeys_are_independent_and_stable() -> None:
    field, wrap = aead.derive_subkey(KEY, "field"), aead.derive_subkey(KEY, "dek-wrap")
    assert field != wrap and len(field) == len(wrap) == 32
    assert aead.derive_subkey(KEY, "field") == field
    assert aead.derive_subkey(bytes(32), "field") != field


def test_blind_index_is_keyed_and_deterministic() -> None:
    assert aead.blind_index(KEY, "+12025550147") == aead.blind_index(KEY, "+12025550147")
    assert aead.blind_index(KEY, "+12025550147") != aead.blind_index(KEY, "+12025550148")
    assert aead.blind_index(KEY, "+12025550147") != aead.blind_index(bytes(32), "+12025550147")
    assert len(aead.blind_index(KEY, "x")) == 64
