"""The word-timed transcript every transcriber and importer produces.

``text`` is what the redaction engine reads: turns separated by ``"\\n"``, each line
``<speaker-tag>: <utterance>``. ``words`` are the whitespace-separated tokens of the
utterances in order (tags excluded), each with its start and end in seconds, so
``callvault.redaction.timing.align(text, words)`` can map text spans to audio.

``timing`` says how precise the times are. Where a source has no word times, each word
gets the interval it is known to lie in (its segment, or the whole recording) rather
than a guess: a redacted word then silences at least the audio where it was said.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

AGENT = "agent"  # stereo channel 0
CALLER = "caller"  # stereo channel 1
SPEAKER = "speaker"  # mono, no diarization
CHANNEL_TAGS = (AGENT, CALLER)


class Timing(StrEnum):
    """How precisely a transcript's word times place each word."""

    WORD = "word"  # each word's own interval
    SEGMENT = "segment"  # each word carries the interval of the segment it was said in
    RECORDING = "recording"  # each word carries the whole recording: no timing at all


@dataclass(frozen=True, slots=True)
class Word:
    """One token of an utterance and where it was said (seconds from the start)."""

    w: str = field(repr=False)  # PHI: kept out of reprs and logs
    start_s: float
    end_s: float
    # The engine's posterior for the word (0..1) where it gives one (pocketsphinx);
    # None for importers. Kept out of ``as_dict``: the stored form does not change.
    confidence: float | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.w or any(c.isspace() for c in self.w):
            raise ValueError("a word is one non-empty token without whitespace")
        if not (math.isfinite(self.start_s) and math.isfinite(self.end_s)):
            raise ValueError("word times must be finite")
        if not 0 <= self.start_s <= self.end_s:
            raise ValueError("word times must satisfy 0 <= start_s <= end_s")

    def as_dict(self) -> dict[str, Any]:
        return {"w": self.w, "start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3)}


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker's consecutive words, as one line of the transcript."""

    speaker: str
    words: Sequence[Word] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Transcript:
    """``text`` for the redaction engine and the ``words`` that place it in the audio."""

    text: str
    words: tuple[Word, ...]
    timing: Timing = Timing.WORD
    # The engine's second opinion (``numbers.py``): each piece of speech decoded again
    # with a grammar of number words only, one tuple of words (with posteriors) per
    # piece. Empty for importers; not in ``as_dict``: the stored form does not change.
    numbers: tuple[tuple[Word, ...], ...] = field(default=(), compare=False, repr=False)

    def __repr__(self) -> str:  # the text is PHI: say only how big it is
        return f"Transcript(words={len(self.words)}, timing={self.timing.value})"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: ``{"text", "words": [{"w", "start_s", "end_s"}], "timing"}``."""
        return {
            "text": self.text,
            "words": [w.as_dict() for w in self.words],
            "timing": self.timing.value,
        }


def split_word(w: str, start_s: float, end_s: float) -> list[Word]:
    """``w`` as tokens; a vendor "word" holding spaces gives each piece its interval."""
    return [Word(piece, start_s, end_s) for piece in w.split()]


def build_transcript(
    turns: Iterable[Turn],
    timing: Timing = Timing.WORD,
    numbers: Iterable[Sequence[Word]] = (),
) -> Transcript:
    """Join turns into lines, merging consecutive turns of one speaker; empty turns
    are dropped. ``numbers``: see ``Transcript.numbers``."""
    merged: list[tuple[str, list[Word]]] = []
    for turn in turns:
        if not turn.words:
            continue
        if merged and merged[-1][0] == turn.speaker:
            merged[-1][1].extend(turn.words)
        else:
            merged.append((turn.speaker, list(turn.words)))
    text = "\n".join(f"{tag}: {' '.join(w.w for w in words)}" for tag, words in merged)
    words_in_order = tuple(w for _, words in merged for w in words)
    pieces = tuple(tuple(piece) for piece in numbers if piece)
    return Transcript(text, words_in_order, timing, pieces)


def channel_tag(channel: int, channels: int) -> str:
    """The speaker tag of an audio channel: agent/caller on stereo, speaker on mono."""
    if channels == 1:
        return SPEAKER
    return CHANNEL_TAGS[channel] if channel < len(CHANNEL_TAGS) else f"channel_{channel}"
