"""Scrub one recording: find keypad tones, then rewrite the file without them.

Two streaming passes, so memory stays flat however long the call:

1. **scan**: overlapping 4 s blocks (0.3 s each side) through the detector; a tone is
   kept by the block whose core it touches, and duplicates from the overlaps merge.
   Only the tone list (a few integers per tone) survives the pass.
2. **rewrite**: the file again in plain blocks; blocks that no edit touches are written
   unchanged (bit for bit for PCM input), the others get their tones silenced and
   the requested time ranges bleeped.

Two reads of the input cost little next to detection, and they keep each pass simple:
an edit near a block edge never needs samples that were already written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callvault.audio.audiofile import AudioInfo, atomic_output, output_format, probe, read_blocks
from callvault.audio.dtmf import Tone, detect
from callvault.audio.edits import Edit, apply_edits, bleep_edits, pause_edits, tone_edits
from callvault.audio.errors import AudioError
from callvault.audio.ranges import TimeRange
from callvault.blocking import check_slow_work

SCAN_BLOCK_S = 4.0
SCAN_OVERLAP_S = 0.3  # longer than a tone's edge search plus the echo window
WRITE_BLOCK_S = 4.0
INT32_FULL_SCALE = 2.0**31


@dataclass(frozen=True)
class ScrubReport:
    """What was done, in counts only: digits and times are PHI."""

    tones: int
    bleeped_ranges: int
    frames: int
    sample_rate: int
    channels: int


def scrub_file(
    source: Path,
    destination: Path,
    redact_ranges: Sequence[TimeRange] = (),
    force_wav: bool = False,
) -> ScrubReport:
    """Write ``source`` to ``destination`` with keypad tones silenced and
    ``redact_ranges`` bleeped; raise :class:`AudioError` and leave no output on failure."""
    check_slow_work("audio scrubbing")
    if source.resolve() == destination.resolve():
        raise AudioError(f"{source.name}: output must not overwrite the input")
    info = probe(source)
    fmt, subtype = output_format(info, destination, force_wav)
    tones = scan(source, info)
    edits = tone_edits(tones, info.sample_rate, info.frames)
    bleeps = bleep_edits(redact_ranges, info.sample_rate, info.frames)
    with atomic_output(destination, info, fmt, subtype) as sink:
        rewrite(source, info, edits + bleeps, sink.write)
    return ScrubReport(len(tones), len(bleeps), info.frames, info.sample_rate, info.channels)


def silence_file(
    source: Path, destination: Path, ranges: Sequence[TimeRange], force_wav: bool = False
) -> None:
    """Write ``source`` to ``destination`` with ``ranges`` silenced (``pause_edits``) and
    nothing else changed; AudioError and no output on failure."""
    check_slow_work("audio silencing")
    if source.resolve() == destination.resolve():
        raise AudioError(f"{source.name}: output must not overwrite the input")
    info = probe(source)
    fmt, subtype = output_format(info, destination, force_wav)
    edits = pause_edits(ranges, info.sample_rate, info.frames)
    with atomic_output(destination, info, fmt, subtype) as sink:
        rewrite(source, info, edits, sink.write)


def scan(source: Path, info: AudioInfo) -> list[Tone]:
    """Every tone in the file, from overlapping blocks."""
    block = round(SCAN_BLOCK_S * info.sample_rate)
    overlap = round(SCAN_OVERLAP_S * info.sample_rate)
    found: set[Tone] = set()
    for start, samples in read_blocks(source, info, block + 2 * overlap, "float32", 2 * overlap):
        core_lo = start + overlap if start > 0 else 0
        core_hi = start + block + overlap
        for t in detect(_as_float(samples), info.sample_rate):
            shifted = Tone(t.channel, t.digit, t.start + start, t.end + start)
            if shifted.end > core_lo and shifted.start < core_hi:
                found.add(shifted)
    return merge_tones(found)


def merge_tones(tones: set[Tone]) -> list[Tone]:
    """One tone per (channel, digit) stretch: blocks overlap, so a tone near a block
    edge is found twice with slightly different edges."""
    merged: list[Tone] = []
    for t in sorted(tones, key=lambda t: (t.channel, t.digit, t.start)):
        last = merged[-1] if merged else None
        if last and (last.channel, last.digit) == (t.channel, t.digit) and t.start <= last.end:
            merged[-1] = Tone(t.channel, t.digit, last.start, max(last.end, t.end))
        else:
            merged.append(t)
    return sorted(merged, key=lambda t: (t.start, t.channel))


def rewrite(
    source: Path, info: AudioInfo, edits: list[Edit], write: Callable[[NDArray[Any]], object]
) -> None:
    """Copy ``source`` block by block through ``write``, applying ``edits``."""
    dtype = "int32" if info.exact else "float32"
    full_scale = INT32_FULL_SCALE if info.exact else 1.0
    block = round(WRITE_BLOCK_S * info.sample_rate)
    ordered = sorted(edits, key=lambda e: e.start)
    for start, samples in read_blocks(source, info, block, dtype):
        touching = [e for e in ordered if e.start < start + len(samples) and e.end > start]
        if touching:
            apply_edits(samples, start, touching, info.sample_rate, full_scale)
        write(samples)


def _as_float(samples: NDArray[Any]) -> NDArray[np.float32]:
    return np.asarray(samples, dtype=np.float32)
