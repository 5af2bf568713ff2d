"""Errors of :mod:`callvault.audio`.

    callvault.errors.InvalidInput
    └── AudioError              base of everything below; no output file is left behind
        ├── BadAudio            unreadable, truncated or empty-headed input audio
        ├── UnsupportedOutput   the output format cannot hold this audio (e.g. Opus at 44.1 kHz)
        └── BadRanges           a redact-ranges document that is not [[start_s, end_s], ...]

Messages name the file and what is wrong with it, never sample values or digits.
"""

from __future__ import annotations

from callvault.errors import InvalidInput


class AudioError(InvalidInput):
    title = "Invalid audio"


class BadAudio(AudioError):
    title = "Unreadable or truncated audio"


class UnsupportedOutput(AudioError):
    title = "Unsupported output format"


class BadRanges(AudioError):
    title = "Invalid redact ranges"
