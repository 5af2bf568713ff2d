"""Twilio transcription callbacks (``transcribeCallback`` of ``<Record>``).

The callback is a form post: ``TranscriptionText``, ``TranscriptionStatus``
(``completed`` or ``failed``), ``TranscriptionSid`` (``TR`` + 32 hex), ``RecordingSid``
(``RE`` + 32 hex), ``RecordingUrl``, ``CallSid``, ``AccountSid``, ...

It carries no word times. Spreading the words evenly over the recording would put a
redacted number seconds away from where it was said, and the bleep would miss it. So
every word gets the whole recording as its interval (``Timing.RECORDING``): the text
is still redacted normally, and any redaction silences the whole recording, which is
the only audio range known to contain the word. Re-transcribing the recording with
the built-in transcriber gives word times, and the pipeline should prefer that.
For this the recording's duration must be known: passed in, or a
``RecordingDuration`` field (seconds). Without it the import is refused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from callvault.transcription.importers._shape import Shape
from callvault.transcription.models import (
    SPEAKER,
    Timing,
    Transcript,
    Turn,
    build_transcript,
    split_word,
)

_SHAPE = Shape("Twilio")
_TRANSCRIPTION_SID = re.compile(r"TR[0-9a-fA-F]{32}")
_RECORDING_SID = re.compile(r"RE[0-9a-fA-F]{32}")


def import_twilio(form: Mapping[str, str], duration_s: float | None = None) -> Transcript:
    """The transcript in a Twilio transcription callback's form fields."""
    _sid(form, "TranscriptionSid", _TRANSCRIPTION_SID)
    _sid(form, "RecordingSid", _RECORDING_SID)
    if form.get("TranscriptionStatus") != "completed":
        _SHAPE.fail("TranscriptionStatus", "is not 'completed'")
    text = _SHAPE.text(form.get("TranscriptionText"), "TranscriptionText")
    duration = _duration(form, duration_s)
    words = split_word(text, 0.0, duration)
    return build_transcript([Turn(SPEAKER, words)], Timing.RECORDING)


def _sid(form: Mapping[str, str], field: str, pattern: re.Pattern[str]) -> None:
    value = form.get(field)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        _SHAPE.fail(field, "is missing or not a Twilio SID of its kind")


def _duration(form: Mapping[str, str], duration_s: float | None) -> float:
    if duration_s is None:
        if "RecordingDuration" not in form:
            _SHAPE.fail(
                "RecordingDuration",
                "is missing: Twilio transcripts have no word times, so the recording's"
                " duration is needed (pass it in)",
            )
        duration_s = _SHAPE.seconds(form["RecordingDuration"], "RecordingDuration")
    if not math.isfinite(duration_s) or duration_s <= 0:
        _SHAPE.fail("RecordingDuration", "must be a positive number of seconds")
    return duration_s
