"""The bytes an audit event's leaf hash is taken over (format ``cv-audit-v1``).

Each field in a fixed order, as a 4-byte big-endian length and its UTF-8 bytes, with
the length ``0xFFFFFFFF`` for a missing value: unambiguous, so no two different events
encode alike, and cheap enough for ``audit verify`` to redo for every event.
Changing anything here is a new format version, never an edit.
"""

from __future__ import annotations

from collections.abc import Sequence

FORMAT = b"cv-audit-v1"
_NONE = b"\xff\xff\xff\xff"

# Column order of the encoding; ``audit verify`` selects exactly these.
FIELDS = (
    "tenant_id",
    "seq",
    "at_ms",
    "actor_type",
    "actor_id",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "source_ip",
    "user_agent",
    "request_id",
    "reason",
    "hashed_terms",
)


def encode_event(values: Sequence[object]) -> bytes:
    """``values`` in ``FIELDS`` order (integers for seq and at_ms, text or None else)."""
    parts = [FORMAT]
    for value in values:
        if value is None:
            parts.append(_NONE)
            continue
        raw = str(value).encode("utf-8")
        parts.append(len(raw).to_bytes(4, "big"))
        parts.append(raw)
    return b"".join(parts)
