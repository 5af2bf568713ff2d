"""Audio formats are recognised from the bytes; the declared Content-Type is not trusted."""

from __future__ import annotations

SNIFF_BYTES = 16

ACCEPTED_CONTENT_TYPES = frozenset(
    {
        "audio/wav",
        "audio/wave",
        "audio/x-wav",
        "audio/vnd.wave",
        "audio/mpeg",
        "audio/mp3",
        "audio/ogg",
        "application/ogg",
        "application/octet-stream",
    }
)

_MPEG_LAYER_BITS = {0b01, 0b10, 0b11}


def _is_mpeg_frame(head: bytes) -> bool:
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    sample_rate = (head[2] >> 2) & 0b11
    return version != 0b01 and layer in _MPEG_LAYER_BITS and bitrate != 0xF and sample_rate != 0b11


def sniff_audio(head: bytes) -> str | None:
    """The media type of an audio stream from its first bytes, or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[:3] == b"ID3" or _is_mpeg_frame(head):
        return "audio/mpeg"
    return None


def declared_type_acceptable(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() in ACCEPTED_CONTENT_TYPES
