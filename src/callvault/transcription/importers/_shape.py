"""Checked access to vendor JSON: every failure names the vendor and the field path
(``results.items[3].start_time``) and what was expected, never the value, which may
be PHI."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

from callvault.transcription.errors import TranscriptFormatError
from callvault.transcription.models import Turn, Word, split_word

_TAG_RE = re.compile(r"[^\s:]{1,30}")


class Shape:
    """Typed getters for one vendor's document."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor

    def fail(self, path: str, problem: str) -> NoReturn:
        raise TranscriptFormatError(f"{self.vendor} transcript: {path} {problem}")

    def obj(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(path, "must be an object")
        return value

    def items(self, value: Any, path: str, *, non_empty: bool = False) -> Sequence[Any]:
        if not isinstance(value, list):
            self.fail(path, "must be a list")
        if non_empty and not value:
            self.fail(path, "must not be empty")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            self.fail(path, "must be a string")
        return value

    def seconds(self, value: Any, path: str) -> float:
        """A time in seconds: a JSON number, or a numeric string (AWS writes "1.23")."""
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.fail(path, "must be a number of seconds")
        try:
            number = float(value)
        except ValueError:
            self.fail(path, "must be a number of seconds")
        if not math.isfinite(number) or number < 0:
            self.fail(path, "must be a finite, non-negative number of seconds")
        return number

    def index(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(path, "must be a non-negative integer")
        return value

    def tag(self, value: Any, path: str) -> str:
        """A speaker label usable as a line's tag: no spaces or colons, 1-30 characters."""
        if not isinstance(value, str) or not _TAG_RE.fullmatch(value):
            self.fail(path, "must be a label of 1-30 characters without spaces or colons")
        return value

    def words(self, w: str, start: float, end: float, path: str) -> list[Word]:
        """``w`` as tokens timed ``[start, end]``."""
        if end < start:
            self.fail(path, "ends before it starts")
        return split_word(w, start, end)


def interleave(channels: Mapping[str, Sequence[Word]], pause_s: float = 1.0) -> list[Turn]:
    """Turns from per-speaker word streams: each stream is cut into phrases at pauses of
    ``pause_s`` or more, and phrases are ordered by their start time."""
    phrases = [
        (phrase[0].start_s, i, Turn(tag, phrase))
        for i, (tag, words) in enumerate(channels.items())
        for phrase in _phrases(words, pause_s)
    ]
    phrases.sort(key=lambda p: (p[0], p[1]))
    return [turn for _, _, turn in phrases]


def _phrases(words: Iterable[Word], pause_s: float) -> list[list[Word]]:
    out: list[list[Word]] = []
    for word in words:
        if out and word.start_s - out[-1][-1].end_s < pause_s:
            out[-1].append(word)
        else:
            out.append([word])
    return out
