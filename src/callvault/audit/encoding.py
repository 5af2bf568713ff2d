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
    fast = _ascii_encoding(values)
    if fast is not None:
        return FORMAT + fast.encode("latin-1")
    parts = [FORMAT]
    for value in values:
        if value is None:
            parts.append(_NONE)
            continue
        raw = str(value).encode("utf-8")
        parts.append(len(raw).to_bytes(4, "big"))
        parts.append(raw)
    return b"".join(parts)


# The 4-byte lengths as the text characters that encode to them in Latin-1.
_SHORT = 1024
_LENGTHS = [n.to_bytes(4, "big").decode("latin-1") for n in range(_SHORT)]
_NONE_TEXT = _NONE.decode("latin-1")


def _ascii_encoding(values: Sequence[object]) -> str | None:
    """The same encoding built as one string and encoded once, or None unless every
    value is short ASCII text (as good as every event: ids, actions, addresses). ASCII
    is its own UTF-8, and each length's bytes are the Latin-1 code of one character;
    ``audit verify`` runs this once per event, and it takes about a third less time."""
    parts: list[str] = []
    append = parts.append
    for value in values:
        if value is None:
            append(_NONE_TEXT)
            continue
        text = value if isinstance(value, str) else str(value)
        if len(text) >= _SHORT or not text.isascii():
            return None
        append(_LENGTHS[len(text)])
        append(text)
    return "".join(parts)
