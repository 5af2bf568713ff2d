"""From text spans to audio time ranges, for the audio scrubber.

``words`` are the whitespace-separated tokens of the utterances in order, each with
its start and end time; speaker tags ("agent:") at line starts are in the text but not
in ``words``. Tokens are aligned by content, so a tag is skipped wherever it appears.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from callvault.redaction.spans import Span

_TOKEN_RE = re.compile(r"\S+")
_TAG_RE = re.compile(r"[^\s:]{1,30}:")


def align(text: str, words: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, float, float]]:
    """(start, end, start_s, end_s) for every word, located in ``text``."""
    out: list[tuple[int, int, float, float]] = []
    k = 0
    for m in _TOKEN_RE.finditer(text):
        if k >= len(words):
            break
        word = words[k]
        at_line_start = m.start() == 0 or text[m.start() - 1] == "\n"
        if m.group() != word["w"] and at_line_start and _TAG_RE.fullmatch(m.group()):
            continue
        out.append((m.start(), m.end(), float(word["start_s"]), float(word["end_s"])))
        k += 1
    return out


def time_ranges(
    text: str, spans: Sequence[Span], words: Sequence[Mapping[str, Any]]
) -> list[list[float]]:
    """Merged ``[start_s, end_s]`` ranges covering every word a span touches."""
    located = align(text, words)
    ranges: list[list[float]] = []
    i = 0
    for span in spans:  # both sorted by position: one pass
        while i < len(located) and located[i][1] <= span.start:
            i += 1
        j = i
        while j < len(located) and located[j][0] < span.end:
            j += 1
        if j > i:  # the words of one span form one range, pauses included
            _add(ranges, located[i][2], max(w[3] for w in located[i:j]))
    return ranges


def _add(ranges: list[list[float]], start: float, end: float) -> None:
    if ranges and start <= ranges[-1][1]:
        ranges[-1][1] = max(ranges[-1][1], end)
    else:
        ranges.append([start, end])
