"""Time ranges to bleep: the transcript redaction's ``redacted_time_ranges``."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from callvault.audio.errors import BadRanges

TimeRange = tuple[float, float]


def parse_ranges(document: Any) -> list[TimeRange]:
    """Validate ``[[start_s, end_s], ...]`` (finite, 0 <= start <= end) into tuples."""
    if not isinstance(document, list):
        raise BadRanges("redact ranges must be a JSON list of [start_s, end_s] pairs")
    return [_pair(item, i) for i, item in enumerate(document)]


def _pair(item: Any, index: int) -> TimeRange:
    if not isinstance(item, list | tuple) or len(item) != 2:
        raise BadRanges(f"redact range {index}: not a [start_s, end_s] pair")
    start, end = item
    if not all(_is_number(v) for v in (start, end)):
        raise BadRanges(f"redact range {index}: start and end must be finite numbers")
    if not 0 <= start <= end:
        raise BadRanges(f"redact range {index}: needs 0 <= start_s <= end_s")
    return float(start), float(end)


def _is_number(value: Any) -> bool:
    # bool is an int subclass; true/false in the JSON is a mistake, not a time
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def load_ranges(path: Path) -> list[TimeRange]:
    """Read and validate a RANGES.json file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRanges(
            f"cannot read redact ranges from {path.name}: {type(exc).__name__}"
        ) from exc
    return parse_ranges(document)
