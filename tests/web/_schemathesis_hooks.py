"""Schemathesis hooks (``SCHEMATHESIS_HOOKS``): how to make bodies of the audio media
types the recording upload documents. Schemathesis cannot serialise those on its own,
so without this it never sends a recording at all.

Loaded by file path into the schemathesis process, so it imports nothing from tests/."""

from __future__ import annotations

import io
import wave

import schemathesis
from hypothesis import strategies as st


def _tone(frames: int) -> bytes:
    """A short synthetic 8 kHz mono WAV: silence with a square wave."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"".join(b"\x00\x10" if i % 16 < 8 else b"\x00\xf0" for i in range(frames)))
    return buffer.getvalue()


# Real audio now and then (so an upload can succeed), otherwise bytes that are not.
_AUDIO = st.one_of(
    st.sampled_from([_tone(800), _tone(4000)]),
    st.binary(max_size=256),
    st.binary(max_size=64).map(lambda tail: b"OggS\x00\x02" + tail),
)

schemathesis.openapi.media_type(
    "audio/wav", _AUDIO, aliases=["audio/wave", "audio/x-wav", "audio/vnd.wave"]
)
schemathesis.openapi.media_type("audio/mpeg", _AUDIO, aliases=["audio/mp3"])
schemathesis.openapi.media_type("audio/ogg", _AUDIO)
