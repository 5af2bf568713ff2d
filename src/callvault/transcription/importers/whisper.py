"""Whisper JSON: openai-whisper's ``transcribe()`` result, the OpenAI API's
``verbose_json`` (and whisper.cpp's server, which mirrors it), and whisper.cpp's
``--output-json``.

- ``segments[].words[]`` (``word``, ``start``, ``end``; word leading spaces are
  whisper's token separators): word timing.
- ``segments[]`` without words (``text``, ``start``, ``end``): every token of a
  segment carries the segment's interval (``Timing.SEGMENT``); a redacted word then
  silences its whole segment rather than a guessed slice of it.
- top-level ``words[]`` without segments (``timestamp_granularities=["word"]``).
- whisper.cpp ``transcription[]`` (``offsets.from``/``offsets.to`` in milliseconds,
  ``text``): segment timing.

Whisper does not tell speakers apart: every word is the ``speaker``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from callvault.transcription.importers._shape import Shape
from callvault.transcription.models import SPEAKER, Timing, Transcript, Turn, Word, build_transcript

_SHAPE = Shape("Whisper")


def import_whisper(data: Any) -> Transcript:
    """The transcript in a parsed Whisper JSON document."""
    doc = _SHAPE.obj(data, "document")
    if "segments" in doc:
        return _segments(_SHAPE.items(doc["segments"], "segments"))
    if "words" in doc:
        words = _timed_words(_SHAPE.items(doc["words"], "words"), "words")
        return build_transcript([Turn(SPEAKER, words)], Timing.WORD)
    if "transcription" in doc:
        return _whisper_cpp(_SHAPE.items(doc["transcription"], "transcription"))
    _SHAPE.fail("document", "has no 'segments', 'words' or 'transcription'")


def _segments(segments: Sequence[Any]) -> Transcript:
    words: list[Word] = []
    timing = Timing.WORD
    for i, value in enumerate(segments):
        path = f"segments[{i}]"
        segment = _SHAPE.obj(value, path)
        if segment.get("words"):
            words += _timed_words(_SHAPE.items(segment["words"], f"{path}.words"), path + ".words")
        else:  # segment-level only: the coarser timing wins for the whole transcript
            words += _segment_words(segment, path)
            timing = Timing.SEGMENT
    return build_transcript([Turn(SPEAKER, words)], timing)


def _timed_words(items: Sequence[Any], path: str) -> list[Word]:
    words: list[Word] = []
    for j, value in enumerate(items):
        at = f"{path}[{j}]"
        words += _segment_words(_SHAPE.obj(value, at), at, text_field="word")
    return words


def _segment_words(segment: Mapping[str, Any], path: str, text_field: str = "text") -> list[Word]:
    """A segment's (or a timed word's) text spread over its ``start``..``end``."""
    text = _SHAPE.text(segment.get(text_field), f"{path}.{text_field}")
    start = _SHAPE.seconds(segment.get("start"), f"{path}.start")
    return _SHAPE.words(text, start, _SHAPE.seconds(segment.get("end"), f"{path}.end"), path)


def _whisper_cpp(segments: Sequence[Any]) -> Transcript:
    words: list[Word] = []
    for i, value in enumerate(segments):
        path = f"transcription[{i}]"
        segment = _SHAPE.obj(value, path)
        text = _SHAPE.text(segment.get("text"), f"{path}.text")
        offsets = _SHAPE.obj(segment.get("offsets"), f"{path}.offsets")
        start = _SHAPE.seconds(offsets.get("from"), f"{path}.offsets.from") / 1000  # ms
        end = _SHAPE.seconds(offsets.get("to"), f"{path}.offsets.to") / 1000
        words += _SHAPE.words(text, start, end, path)
    return build_transcript([Turn(SPEAKER, words)], Timing.SEGMENT)
