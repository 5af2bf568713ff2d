"""Reading and writing audio files through ``soundfile`` (libsndfile).

PCM input is read as left-aligned ``int32`` so that untouched samples are written
back bit for bit; lossy and float input is read as ``float32``. Output goes to a
temporary file next to the destination and is renamed over it only when complete
(fsync first), so a failure leaves no output file at all.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints
from numpy.typing import NDArray

from callvault.audio.errors import BadAudio, UnsupportedOutput
from callvault.fsutil import replaced_atomically

PCM_SUBTYPES = frozenset({"PCM_S8", "PCM_U8", "PCM_16", "PCM_24", "PCM_32", "ULAW", "ALAW"})
WAV_SUBTYPES = frozenset(
    {"PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE", "ULAW", "ALAW"}
)
BY_EXTENSION = {
    ".wav": ("WAV", None),
    ".mp3": ("MP3", "MPEG_LAYER_III"),
    ".ogg": ("OGG", None),
    ".oga": ("OGG", None),
    ".opus": ("OGG", "OPUS"),
    ".flac": ("FLAC", None),
}
# One pass over a file (decoding plus what the caller does with each block) is given up
# with BadAudio past this: a crafted file that decodes slowly must not hold the pipeline's
# one worker for hours. Checked between blocks, so it bounds slow decoding, not a decoder
# stuck inside one call. Set far above a real call's scan (decoding alone runs at
# hundreds of MB a second).
DECODE_TIME_LIMIT_SECONDS = 1800.0
# Below 4 kHz no keypad tone (the highest is 1,633 Hz) and no speech is left to find, and
# no recorder writes above 384 kHz: a header outside says the file is damaged. The tone
# scan's block sizes come from the rate (a 64 Hz header once made them zero).
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 4_000, 384_000


@dataclass(frozen=True)
class AudioInfo:
    sample_rate: int
    channels: int
    frames: int
    format: str
    subtype: str

    @property
    def exact(self) -> bool:
        """Whether samples can round-trip bit for bit (integer PCM)."""
        return self.subtype in PCM_SUBTYPES


def probe(path: Path) -> AudioInfo:
    """Header facts of ``path``; :class:`BadAudio` if unreadable or truncated."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise BadAudio(f"{path.name}: not a readable audio file") from exc
    if info.format in {"WAV", "WAVEX"}:
        _check_wav_complete(path)
    if info.channels < 1:
        raise BadAudio(f"{path.name}: no channels")
    if not MIN_SAMPLE_RATE <= info.samplerate <= MAX_SAMPLE_RATE:
        raise BadAudio(f"{path.name}: damaged header (sample rate out of range)")
    return AudioInfo(info.samplerate, info.channels, info.frames, info.format, info.subtype)


def _check_wav_complete(path: Path) -> None:
    """libsndfile quietly shortens a WAV whose data chunk runs past the end of the file;
    a cut-off recording must be an error, not a shorter scrubbed copy."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        position, header = 12, handle.read(12)
        while position + 8 <= size:
            handle.seek(position)
            chunk, length = struct.unpack("<4sI", handle.read(8))
            if chunk == b"data":
                if length != 0xFFFFFFFF and position + 8 + length > size:
                    raise BadAudio(f"{path.name}: truncated (data chunk runs past end of file)")
                return
            position += 8 + length + (length & 1)
    if header[:4] == b"RIFF":
        raise BadAudio(f"{path.name}: no data chunk")


def read_blocks(
    path: Path, info: AudioInfo, blocksize: int, dtype: str, overlap: int = 0
) -> Iterator[tuple[int, NDArray[Any]]]:
    """``(first_frame, block)`` pairs of shape ``(n, channels)``; raises :class:`BadAudio`
    when the file yields fewer frames than its header promised, or when the pass takes
    longer than ``DECODE_TIME_LIMIT_SECONDS``."""
    seen, start = 0, 0
    limit = DECODE_TIME_LIMIT_SECONDS
    deadline = time.monotonic() + limit
    try:
        with sf.SoundFile(str(path)) as handle:
            for block in handle.blocks(blocksize, overlap=overlap, dtype=dtype, always_2d=True):
                if time.monotonic() > deadline:
                    raise BadAudio(f"{path.name}: decoding took over {limit:.0f} s")
                yield start, np.asarray(block)
                seen = start + len(block)
                start += blocksize - overlap
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise BadAudio(f"{path.name}: decoding failed") from exc
    if seen < info.frames:
        raise BadAudio(f"{path.name}: truncated ({seen} of {info.frames} frames)")


def output_format(info: AudioInfo, destination: Path, force_wav: bool = False) -> tuple[str, str]:
    """``(format, subtype)`` for the output: WAV if asked, else by the destination's
    extension, keeping the input's encoding whenever that format can hold it."""
    fmt, subtype = (
        ("WAV", None)
        if force_wav
        else BY_EXTENSION.get(destination.suffix.lower(), (info.format, None))
    )
    if subtype is None:
        subtype = _keep_subtype(info, fmt)
    if not sf.check_format(fmt, subtype):
        raise UnsupportedOutput(f"{destination.name}: cannot write {fmt}/{subtype}")
    return fmt, subtype


def _keep_subtype(info: AudioInfo, fmt: str) -> str:
    if fmt == info.format or (fmt == "WAV" and info.subtype in WAV_SUBTYPES):
        return info.subtype
    if fmt == "OGG":
        return "VORBIS"
    return "PCM_24" if info.subtype in {"PCM_24", "PCM_32", "FLOAT", "DOUBLE"} else "PCM_16"


@contextmanager
def atomic_output(destination: Path, info: AudioInfo, fmt: str, subtype: str) -> Iterator[Any]:
    """An open output file that appears at ``destination`` only if the block succeeds."""
    with replaced_atomically(destination) as tmp:
        try:
            handle = sf.SoundFile(
                str(tmp), "w", info.sample_rate, info.channels, subtype, format=fmt
            )
        except (sf.LibsndfileError, RuntimeError) as exc:
            raise UnsupportedOutput(
                f"{destination.name}: cannot write {fmt}/{subtype} at this rate"
            ) from exc
        with handle:
            yield handle
