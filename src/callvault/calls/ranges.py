"""HTTP Range (RFC 9110 section 14) for one byte range; other forms get the whole body."""

from __future__ import annotations

import re

from callvault.errors import RangeNotSatisfiable

_SINGLE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, end_exclusive)`` for a satisfiable single range; None means send all.

    Multi-range and malformed headers are ignored, as RFC 9110 allows; a well-formed
    range outside the object is a 416."""
    if header is None:
        return None
    match = _SINGLE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        length = int(last)
        if length == 0:
            raise RangeNotSatisfiable("empty suffix range", size=size)
        return max(size - length, 0), size
    start = int(first)
    end = size if not last else min(int(last) + 1, size)
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable("the range is outside the recording", size=size)
    return start, end
