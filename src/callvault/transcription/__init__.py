"""Offline transcription and transcript importers.

- ``Transcriber`` (``interface.py``): audio file in, word-timed ``Transcript`` out.
  The built-in ``PocketsphinxTranscriber`` (``sphinx.py``) runs here with the model
  in its wheel; ``create_transcriber(name)`` (``factory.py``) picks one by setting.
- ``importers``: Whisper, AWS Transcribe, Deepgram and Twilio transcripts in the same
  form.
- ``Transcript.text`` is the redaction engine's input and ``Transcript.words`` place
  its tokens in the audio (``callvault.redaction.timing``).

Errors (``errors.py``) never carry transcript text or audio content.
"""

from __future__ import annotations

from callvault.transcription.errors import (
    TranscriberUnavailable,
    TranscriptFormatError,
    UnsupportedAudio,
)
from callvault.transcription.factory import TRANSCRIBERS, create_transcriber
from callvault.transcription.interface import Progress, Transcriber
from callvault.transcription.models import Timing, Transcript, Word

__all__ = [
    "TRANSCRIBERS",
    "Progress",
    "Timing",
    "Transcriber",
    "TranscriberUnavailable",
    "Transcript",
    "TranscriptFormatError",
    "UnsupportedAudio",
    "Word",
    "create_transcriber",
]
