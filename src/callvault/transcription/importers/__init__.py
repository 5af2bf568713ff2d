"""Importers: transcripts made elsewhere, in the same word-timed form as ours.

Each takes the vendor's parsed document and returns a ``Transcript``, or raises
``TranscriptFormatError`` naming the field path that is wrong (never its value).
:func:`parse_import` takes the raw bytes of a file or request body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from callvault.transcription.errors import TranscriptFormatError
from callvault.transcription.importers.aws import import_aws
from callvault.transcription.importers.deepgram import import_deepgram
from callvault.transcription.importers.twilio import import_twilio
from callvault.transcription.importers.whisper import import_whisper
from callvault.transcription.models import Transcript

FORMATS = ("whisper", "aws", "deepgram", "twilio")
_VENDORS = {
    "whisper": "Whisper",
    "aws": "AWS Transcribe",
    "deepgram": "Deepgram",
    "twilio": "Twilio",
}
_JSON_IMPORTERS: dict[str, Callable[[Any], Transcript]] = {
    "whisper": import_whisper,
    "aws": import_aws,
    "deepgram": import_deepgram,
}

__all__ = [
    "FORMATS",
    "import_aws",
    "import_deepgram",
    "import_twilio",
    "import_whisper",
    "parse_import",
]


def parse_import(fmt: str, raw: bytes, duration_s: float | None = None) -> Transcript:
    """The transcript in ``raw``: JSON for whisper/aws/deepgram; for twilio the
    callback's form body (``application/x-www-form-urlencoded``) or a JSON object of
    its fields. ``duration_s`` is the recording's length (needed by twilio)."""
    if fmt == "twilio":
        return import_twilio(_form(raw), duration_s)
    if fmt not in _JSON_IMPORTERS:
        raise TranscriptFormatError(f"unknown transcript format (one of {', '.join(FORMATS)})")
    return _JSON_IMPORTERS[fmt](_json(raw, fmt))


def _json(raw: bytes, fmt: str) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        # the decoder's message is position-only, but say it ourselves to be sure
        raise TranscriptFormatError(f"{_VENDORS[fmt]} transcript: not valid UTF-8 JSON") from exc


def _form(raw: bytes) -> dict[str, str]:
    if raw.lstrip().startswith(b"{"):
        data = _json(raw, "twilio")
        if not all(isinstance(v, str) for v in data.values()):
            raise TranscriptFormatError("Twilio transcript: every field must be a string")
        return dict(data)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise TranscriptFormatError("Twilio transcript: not a form-encoded body") from exc
    form = dict(pairs)
    if len(form) != len(pairs):
        raise TranscriptFormatError("Twilio transcript: a form field is repeated")
    return form
