"""Opaque keyset cursors for pages ordered by (a UTC time, an id)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from callvault.errors import InvalidInput

_NOT_OURS = "cursor is not one this server issued"


def encode_cursor(moment: datetime, row_id: str) -> str:
    raw = f"{moment.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (time, id) a cursor holds; 422 for anything this server did not issue,
    including a time without an offset (it could not be compared with stored times)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, row_id = raw.split("|", 1)
        moment = datetime.fromisoformat(stamp)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(_NOT_OURS) from None
    if moment.tzinfo is None:
        raise InvalidInput(_NOT_OURS)
    return moment, row_id
