"""RELIABILITY.md C5: the Wycheproof AES-GCM vectors through our AEAD wrapper.

``callvault.crypto.aead.seal``/``open_sealed`` is the lowest-level AES-GCM function we
own (envelope DEKs and PHI fields go through it; ``blobformat`` builds its own nonces
and associated data on the same ``AESGCM`` primitive). It fixes AES-256 keys and
96-bit nonces written in front of the ciphertext, so:

- 256-bit key, 96-bit IV groups run in full: a valid vector seals (nonce pinned to the
  vector's IV) to exactly ``ct || tag`` and opens to ``msg``; an invalid one is refused
  with ``DecryptionFailed``.
- 128- and 192-bit key groups: our wrapper must refuse every one of them, valid or not
  (a short key is a misconfiguration, never a weaker cipher).
- 256-bit key groups with other IV sizes (0 to 2056 bits, 39 vectors): skipped, since
  the sealed format has no way to carry them (the first 12 bytes are always the nonce).

Vectors: tests/crypto/data/README.md (source commit and licence).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from callvault.crypto import aead
from callvault.crypto.errors import DecryptionFailed

VECTORS = Path(__file__).parent / "data" / "wycheproof_aes_gcm_test.json"


def _load() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert data["algorithm"] == "AES-GCM"
    return [(group, test) for group in data["testGroups"] for test in group["tests"]]


ALL = _load()
FITS = [(g, t) for g, t in ALL if (g["keySize"], g["ivSize"], g["tagSize"]) == (256, 96, 128)]
SHORT_KEYS = [(g, t) for g, t in ALL if g["keySize"] != 256]
OTHER_IV = [(g, t) for g, t in ALL if g["keySize"] == 256 and g["ivSize"] != 96]


def _ids(cases: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    return [f"tc{t['tcId']}-{t['result']}" for _, t in cases]


def _bytes(test: dict[str, Any]) -> tuple[bytes, ...]:
    return tuple(bytes.fromhex(test[k]) for k in ("key", "iv", "aad", "msg", "ct", "tag"))


def test_the_vector_file_is_complete_and_partitioned() -> None:
    # A truncated or swapped file would silently shrink the run: pin what it holds.
    assert len(ALL) == 316
    assert len(FITS) + len(SHORT_KEYS) + len(OTHER_IV) == len(ALL)
    assert len(FITS) == 66 and len(OTHER_IV) == 39
    assert {t["result"] for _, t in FITS} == {"valid", "invalid"}


@pytest.mark.parametrize(("group", "test"), FITS, ids=_ids(FITS))
def test_aes256_96bit_nonce_vectors(
    group: dict[str, Any], test: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    key, iv, aad, msg, ct, tag = _bytes(test)
    sealed = iv + ct + tag
    if test["result"] == "valid":
        assert aead.open_sealed(key, sealed, aad) == msg
        # seal draws its nonce from os.urandom: pin it to the vector's IV.
        monkeypatch.setattr(os, "urandom", lambda n: iv if n == aead.NONCE_SIZE else b"")
        assert aead.seal(key, msg, aad) == sealed
    else:
        assert test["result"] == "invalid"
        with pytest.raises(DecryptionFailed):
            aead.open_sealed(key, sealed, aad)


@pytest.mark.parametrize(("group", "test"), SHORT_KEYS, ids=_ids(SHORT_KEYS))
def test_aes128_and_aes192_keys_are_always_refused(
    group: dict[str, Any], test: dict[str, Any]
) -> None:
    key, iv, aad, _msg, ct, tag = _bytes(test)
    with pytest.raises(DecryptionFailed):
        aead.open_sealed(key, iv + ct + tag, aad)
    with pytest.raises(ValueError):  # nor sealed with: it could never be opened again
        aead.seal(key, b"x", aad)


def test_other_iv_sizes_with_aes256_are_not_expressible() -> None:
    sizes = sorted({g["ivSize"] for g, _ in OTHER_IV})
    pytest.skip(
        f"{len(OTHER_IV)} AES-256 vectors with IV sizes {sizes} bits: the sealed format "
        "always carries a 96-bit nonce, so these cannot reach our wrapper"
    )
