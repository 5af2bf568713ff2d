"""Errors raised by transcription and the transcript importers.

    callvault.errors.InvalidInput
    ├── UnsupportedAudio           unreadable or truncated audio, or a layout we do not take
    │                              (rate outside 8-48 kHz, more than two channels)
    └── TranscriptFormatError      an imported transcript is malformed; the message names
                                   the vendor and the field path, never a value
    callvault.errors.ServiceUnavailable
    └── TranscriberUnavailable     transcription is switched off, or the engine failed

Transcripts are PHI, and so is audio: messages say where and what kind of thing is
wrong, never what was said. The underlying exception, if any, is kept as ``__cause__``.
"""

from __future__ import annotations

from callvault.errors import InvalidInput, ServiceUnavailable


class UnsupportedAudio(InvalidInput):
    """The audio cannot be decoded, or its rate or channel layout is not supported."""


class TranscriptFormatError(InvalidInput):
    """An imported transcript does not have the vendor's documented shape."""


class TranscriberUnavailable(ServiceUnavailable):
    """No transcriber is configured, or the engine could not run."""
