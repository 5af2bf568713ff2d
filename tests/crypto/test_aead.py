from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.crypto import aead
from callvault.crypto.errors import DecryptionFailed, KeyUnavailable

KEY = bytes(range(32))
AD = b"tenant|object"

# Known answers from McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)",
# appendix B, test cases 13-16 (the 256-bit key cases), as hex.
_K16 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
_P16 = (
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
)
_C16 = (
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
)
GCM_VECTORS = {
    # name: (key, iv, plaintext, associated data, ciphertext, tag)
    "tc13-empty": ("00" * 32, "00" * 12, "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"),
    "tc14-one-block": (
        "00" * 32,
        "00" * 12,
        "00" * 16,
        "",
        "cea7403d4d606b6e074ec5d3baf39d18",
        "d0d1c8a799996bf0265b98b5d48ab919",
    ),
    "tc15-no-ad": (
        _K16,
        "cafebabefacedbaddecaf888",
        _P16 + "1aafd255",
        "",
        _C16 + "898015ad",
        "b094dac5d93471bdec1a502270e3cc6c",
    ),
    "tc16-with-ad": (
        _K16,
        "cafebabefacedbaddecaf888",
        _P16,
        "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        _C16,
        "76fc6ece0f4e1768cddf8853bb2d551b",
    ),
}


@pytest.mark.parametrize("vector", list(GCM_VECTORS.values()), ids=list(GCM_VECTORS))
def test_open_sealed_agrees_with_the_gcm_known_answers(vector: tuple[str, ...]) -> None:
    key, iv, plaintext, ad, ciphertext, tag = (bytes.fromhex(part) for part in vector)
    sealed = iv + ciphertext + tag
    assert aead.open_sealed(key, sealed, ad) == plaintext
    # One flipped tag bit and the known answer no longer opens.
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(key, sealed[:-1] + bytes([sealed[-1] ^ 0x80]), ad)


def test_seal_is_nonce_then_standard_gcm_output() -> None:
    sealed = aead.seal(KEY, b"payload", AD)
    assert len(sealed) == 12 + len(b"payload") + 16
    assert AESGCM(KEY).decrypt(sealed[:12], sealed[12:], AD) == b"payload"


def test_generated_keys_are_256_bit_and_fresh() -> None:
    keys = {aead.generate_key() for _ in range(100)}
    assert len(keys) == 100
    assert {len(key) for key in keys} == {aead.KEY_SIZE} == {32}


@settings(max_examples=50, deadline=None)
@given(plaintext=st.binary(max_size=4096), ad=st.binary(max_size=64))
def test_seal_round_trips(plaintext: bytes, ad: bytes) -> None:
    assert aead.open_sealed(KEY, aead.seal(KEY, plaintext, ad), ad) == plaintext


def test_every_seal_uses_a_fresh_nonce() -> None:
    nonces = {aead.seal(KEY, b"same", AD)[:12] for _ in range(10_000)}
    assert len(nonces) == 10_000


def _flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


SEALED_TAMPERS: dict[str, Callable[[bytes], bytes]] = {
    "truncated-tag": lambda s: s[:-1],
    "nonce-only": lambda s: s[:12],
    "shorter-than-nonce": lambda s: s[:11],
    "empty": lambda s: b"",
    "nonce": lambda s: _flip(s, 0),
    "body": lambda s: _flip(s, 12),
    "tag": lambda s: _flip(s, len(s) - 1),
    "extended": lambda s: s + b"\x00",
}


@pytest.mark.parametrize("tamper", list(SEALED_TAMPERS.values()), ids=list(SEALED_TAMPERS))
def test_any_change_fails_with_one_generic_error(tamper: Callable[[bytes], bytes]) -> None:
    sealed = aead.seal(KEY, b"payload", AD)
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(KEY, tamper(sealed), AD)


@pytest.mark.parametrize(
    ("key", "ad"),
    [(bytes(32), AD), (KEY[:16], AD), (b"", AD), (KEY, b"tenant|other-object"), (KEY, b"")],
    ids=["other-key", "short-key", "no-key", "other-ad", "missing-ad"],
)
def test_wrong_key_or_associated_data_fails(key: bytes, ad: bytes) -> None:
    sealed = aead.seal(KEY, b"payload", AD)
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(key, sealed, ad)


def test_errors_carry_no_plaintext_or_key() -> None:
    sealed = aead.seal(KEY, b"John Doe DOB 1970-01-01", AD)
    with pytest.raises(DecryptionFailed) as caught:
        aead.open_sealed(bytes(32), sealed, AD)
    message = str(caught.value)
    assert "John" not in message and KEY.hex() not in message
    assert message == DecryptionFailed.title


# -- versioned ciphertexts ------------------------------------------------------------


def test_versioned_layout_is_format_byte_version_then_sealed() -> None:
    sealed = aead.seal_versioned(KEY, 0x01020304, b"payload", AD)
    assert sealed[:5] == b"\x01\x01\x02\x03\x04"
    # The prefix is part of the AEAD associated data.
    assert AESGCM(KEY).decrypt(sealed[5:17], sealed[17:], sealed[:5] + AD) == b"payload"


@pytest.mark.parametrize("version", [0, 1, 2, 0xFFFFFFFF])
def test_versioned_ciphertexts_name_their_key_version(version: int) -> None:
    keys = {version: aead.generate_key(), version ^ 1: KEY}
    sealed = aead.seal_versioned(keys[version], version, b"payload", AD)
    assert aead.versioned_key_version(sealed) == version
    assert aead.open_versioned(keys.__getitem__, sealed, AD) == b"payload"


@pytest.mark.parametrize("version", [-1, 2**32])
def test_a_version_outside_u32_is_refused(version: int) -> None:
    with pytest.raises(ValueError, match="key version"):
        aead.seal_versioned(KEY, version, b"payload", AD)


@pytest.mark.parametrize("offset", [1, 2, 3, 4], ids=lambda o: f"version-byte-{o}")
def test_an_edited_version_fails_even_when_both_versions_hold_the_same_key(
    offset: int,
) -> None:
    keys: dict[int, bytes] = {}
    sealed = aead.seal_versioned(KEY, 1, b"payload", AD)
    edited = _flip(sealed, offset)
    keys[1] = keys[aead.versioned_key_version(edited)] = KEY  # only the AD can tell
    with pytest.raises(DecryptionFailed):
        aead.open_versioned(keys.__getitem__, edited, AD)


VERSIONED_TAMPERS: dict[str, Callable[[bytes], bytes]] = {
    "format-byte": lambda s: b"\x02" + s[1:],
    "prefix-only": lambda s: s[:5],
    "short-prefix": lambda s: s[:4],
    "empty": lambda s: b"",
    "nonce": lambda s: _flip(s, 5),
    "body": lambda s: _flip(s, 17),
    "tag": lambda s: _flip(s, len(s) - 1),
    "truncated": lambda s: s[:-1],
}


@pytest.mark.parametrize("tamper", list(VERSIONED_TAMPERS.values()), ids=list(VERSIONED_TAMPERS))
def test_a_tampered_versioned_ciphertext_fails(tamper: Callable[[bytes], bytes]) -> None:
    sealed = aead.seal_versioned(KEY, 7, b"payload", AD)
    with pytest.raises(DecryptionFailed):
        aead.open_versioned({7: KEY}.__getitem__, tamper(sealed), AD)


@pytest.mark.parametrize("ciphertext", [b"", b"\x01\x00\x00\x00", b"\x00\x00\x00\x00\x01"])
def test_reading_the_version_of_garbage_fails(ciphertext: bytes) -> None:
    with pytest.raises(DecryptionFailed):
        aead.versioned_key_version(ciphertext)


def test_an_unknown_version_or_other_ad_fails() -> None:
    sealed = aead.seal_versioned(KEY, 3, b"payload", AD)
    no_keys: dict[int, bytes] = {}
    with pytest.raises(DecryptionFailed):
        aead.open_versioned(no_keys.__getitem__, sealed, AD)
    with pytest.raises(DecryptionFailed):
        aead.open_versioned({3: bytes(32)}.__getitem__, sealed, AD)
    with pytest.raises(DecryptionFailed):
        aead.open_versioned({3: KEY}.__getitem__, sealed, AD + b"x")


def test_a_destroyed_key_is_reported_as_such_not_as_tampering() -> None:
    def shredded(version: int) -> bytes:
        raise KeyUnavailable()

    sealed = aead.seal_versioned(KEY, 3, b"payload", AD)
    with pytest.raises(KeyUnavailable):
        aead.open_versioned(shredded, sealed, AD)


# -- subkeys and blind indexes --------------------------------------------------------


def _hkdf_sha256_one_block(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 written out with the stdlib: no salt means 32 zero bytes; 32 bytes of
    output is exactly one block, T(1) = HMAC(PRK, info || 0x01)."""
    prk = hmac.new(bytes(32), ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


@pytest.mark.parametrize("purpose", ["dek-wrap", "field", "blind-index", "ünïcode"])
def test_derive_subkey_is_hkdf_sha256_with_the_callvault_info(purpose: str) -> None:
    expected = _hkdf_sha256_one_block(KEY, b"callvault/" + purpose.encode("utf-8"))
    assert aead.derive_subkey(KEY, purpose) == expected


def test_subkeys_are_independent_and_stable() -> None:
    purposes = ["field", "dek-wrap", "blind-index", "field2", ""]
    subkeys = [aead.derive_subkey(KEY, purpose) for purpose in purposes]
    assert len(set(subkeys)) == len(purposes)
    assert all(len(subkey) == 32 and subkey != KEY for subkey in subkeys)
    assert aead.derive_subkey(KEY, "field") == subkeys[0]
    assert aead.derive_subkey(bytes(32), "field") != subkeys[0]


def test_blind_index_is_hmac_sha256_hex() -> None:
    expected = hmac.new(KEY, b"+12025550147", hashlib.sha256).hexdigest()
    assert aead.blind_index(KEY, "+12025550147") == expected


@pytest.mark.parametrize(
    ("key_a", "value_a", "key_b", "value_b", "equal"),
    [
        (KEY, "+12025550147", KEY, "+12025550147", True),
        (KEY, "+12025550147", KEY, "+12025550148", False),
        (KEY, "+12025550147", bytes(32), "+12025550147", False),
        (KEY, "Ana", KEY, "ana", False),
        (KEY, "", KEY, "", True),
    ],
    ids=["same", "other-value", "other-key", "case-sensitive", "empty"],
)
def test_blind_index_is_stable_and_keyed(
    key_a: bytes, value_a: str, key_b: bytes, value_b: str, equal: bool
) -> None:
    first, second = aead.blind_index(key_a, value_a), aead.blind_index(key_b, value_b)
    assert (first == second) is equal
    assert len(first) == 64 and int(first, 16) >= 0
