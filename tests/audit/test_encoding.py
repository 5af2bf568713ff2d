"""The leaf encoding (``cv-audit-v1``) is a stored format: every path through
``encode_event`` must give the bytes the format defines, or old logs stop verifying."""

from __future__ import annotations

import hashlib

import pytest

from callvault.audit.encoding import FIELDS, encode_event


def by_the_format(values: list[object]) -> bytes:
    """The format as documented: each field as a 4-byte big-endian length and its UTF-8
    bytes, 0xFFFFFFFF for a missing one, after the format name."""
    out = b"cv-audit-v1"
    for value in values:
        if value is None:
            out += b"\xff\xff\xff\xff"
        else:
            raw = str(value).encode("utf-8")
            out += len(raw).to_bytes(4, "big") + raw
    return out


def event(**changes: object) -> list[object]:
    values: dict[str, object] = {name: None for name in FIELDS}
    values.update(
        tenant_id="t-0001",
        seq=7,
        at_ms=1_700_000_000_123,
        actor_type="user",
        actor_id="u-0001",
        action="call:read",
        resource_type="call",
        outcome="allowed",
    )
    values.update(changes)
    return [values[name] for name in FIELDS]


def test_an_ascii_event_encodes_to_pinned_bytes() -> None:
    encoded = encode_event(event())
    assert encoded == by_the_format(event())
    # SHA-256 of the bytes the first implementation of the format produced.
    pinned = "ccdae07dd69c490fc0384c1824e6491396f5bcf08d8d5e7ea58830250cb01926"
    assert hashlib.sha256(encoded).hexdigest() == pinned


@pytest.mark.parametrize(
    "changes",
    [
        {"reason": "patient\u2019s daughter asked"},  # non-ASCII: UTF-8, length in bytes
        {"user_agent": "x" * 1023},  # the longest short value
        {"hashed_terms": "h" * 5000},  # a long value
        {"source_ip": ""},  # empty is not missing
        {"reason": "\u00e9" * 600},  # 600 characters, 1,200 bytes
    ],
    ids=["non-ascii", "1023-chars", "5000-chars", "empty", "long-non-ascii"],
)
def test_every_kind_of_value_encodes_by_the_format(changes: dict[str, object]) -> None:
    values = event(**changes)
    assert encode_event(values) == by_the_format(values)


def test_empty_and_missing_encode_differently() -> None:
    assert encode_event(event(source_ip="")) != encode_event(event(source_ip=None))
