"""What the scrub pass does to the samples: silence tones, bleep PHI ranges.

Pure functions over one block at a time; a block knows its position in the file, so
edits that straddle blocks are applied piecewise and phase-continuously. Silence,
not attenuation: a decoder still reads a tone turned down by 40 dB.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from callvault.audio.dtmf import Tone
from callvault.audio.ranges import TimeRange

TONE_MARGIN_S = 0.03  # the tone's measured edges are good to a few ms; keep well inside 50 ms
FADE_S = 0.004  # short ramps: no click at the cut, and they fall inside the margin
BLEEP_HZ = 1000.0
BLEEP_DBFS = -20.0

Samples = NDArray[np.int32] | NDArray[np.float32]


class EditKind(StrEnum):
    SILENCE = "silence"
    BLEEP = "bleep"


@dataclass(frozen=True)
class Edit:
    """Replace samples ``[start, end)`` of ``channel`` (``None``: every channel)."""

    kind: EditKind
    start: int
    end: int
    channel: int | None = None


def tone_edits(tones: Iterable[Tone], sample_rate: int, frames: int) -> list[Edit]:
    """One silence edit per channel stretch: tones widened by the margin, overlaps merged."""
    margin = round(TONE_MARGIN_S * sample_rate)
    by_channel: dict[int, list[tuple[int, int]]] = {}
    for t in tones:
        by_channel.setdefault(t.channel, []).append(
            (max(0, t.start - margin), min(frames, t.end + margin))
        )
    edits = [
        Edit(EditKind.SILENCE, s, e, ch)
        for ch, spans in by_channel.items()
        for s, e in _merge(spans)
    ]
    return sorted(edits, key=lambda e: e.start)


def bleep_edits(ranges: Sequence[TimeRange], sample_rate: int, frames: int) -> list[Edit]:
    spans = [(round(s * sample_rate), min(frames, round(e * sample_rate))) for s, e in ranges]
    return [Edit(EditKind.BLEEP, s, e) for s, e in _merge(spans) if e > s]


def pause_edits(ranges: Sequence[TimeRange], sample_rate: int, frames: int) -> list[Edit]:
    """Silence over each range in every channel, its ramps *outside* the range: every
    sample inside it is zero (what was said while recording was paused is not kept, not
    even faded), and a few milliseconds of the audio either side fade out and back in.
    Not clipped to the file: a ramp that falls outside it must stay outside, or a pause
    running to the end (or from the start) would keep its last (first) few samples."""
    fade = max(1, round(FADE_S * sample_rate))
    spans = [(round(s * sample_rate) - fade, round(e * sample_rate) + fade) for s, e in ranges]
    return [Edit(EditKind.SILENCE, s, e) for s, e in _merge(spans) if s < frames and e > 0]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def apply_edits(
    block: Samples, offset: int, edits: Sequence[Edit], sample_rate: int, full_scale: float
) -> None:
    """Apply every edit that overlaps ``block`` (samples ``offset ..``) in place."""
    for edit in edits:
        lo, hi = max(edit.start, offset), min(edit.end, offset + len(block))
        if lo >= hi:
            continue
        channels = slice(None) if edit.channel is None else slice(edit.channel, edit.channel + 1)
        keep = _envelope(edit, np.arange(lo, hi), sample_rate)[:, None]
        segment = block[lo - offset : hi - offset, channels].astype(np.float64) * keep
        if edit.kind is EditKind.BLEEP:
            segment += (1 - keep) * _bleep(np.arange(lo, hi), sample_rate, full_scale)[:, None]
        block[lo - offset : hi - offset, channels] = _cast(segment, block.dtype)


def _envelope(edit: Edit, index: NDArray[np.int64], sample_rate: int) -> NDArray[np.float64]:
    """1 keeps the original, 0 replaces it; raised-cosine ramps at both ends."""
    fade = max(1, round(FADE_S * sample_rate))
    into = np.minimum(index - edit.start, edit.end - 1 - index) / fade
    ramp = np.clip(into, 0.0, 1.0)
    return np.asarray(0.5 + 0.5 * np.cos(np.pi * ramp), dtype=np.float64)


def _bleep(index: NDArray[np.int64], sample_rate: int, full_scale: float) -> NDArray[np.float64]:
    amplitude = full_scale * 10 ** (BLEEP_DBFS / 20)
    return np.asarray(
        amplitude * np.sin(2 * np.pi * BLEEP_HZ * index / sample_rate), dtype=np.float64
    )


def _cast(segment: NDArray[np.float64], dtype: np.dtype[np.generic]) -> Samples:
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)  # type: ignore[type-var]  # dtype is integer here
        return np.clip(np.round(segment), info.min, info.max).astype(np.int32)
    return segment.astype(np.float32)
