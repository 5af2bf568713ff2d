"""Synthetic call payloads and audio. Numbers are in the 555-01xx fiction range."""

from __future__ import annotations

import io
import math
import struct
import wave
from typing import Any


def call_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "caller_number": "(202) 555-0147",
        "called_number": "+1 202 555 0100",
        "tracking_number": "+1-202-555-0111",
        "started_at": "2026-03-02T14:00:00Z",
        "ended_at": "2026-03-02T14:04:30+00:00",
        "direction": "inbound",
        "caller_name": "Quinn Fictional",
        "agent": "agent-07",
        "campaign": "spring-checkups",
        "disposition": "booked",
        "notes": "Synthetic note about a checkup request.",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def wav_bytes(seconds: float = 1.0, sample_rate: int = 8000, frequency: float = 440.0) -> bytes:
    frames = int(seconds * sample_rate)
    data = b"".join(
        struct.pack("<h", int(9000 * math.sin(2 * math.pi * frequency * n / sample_rate)))
        for n in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(data)
    return buffer.getvalue()


# Minimal but real headers of the other accepted formats.
MP3_FRAME_HEADER = bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(412)
ID3_HEADER = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(64)
OGG_HEADER = b"OggS\x00\x02" + bytes(64)
