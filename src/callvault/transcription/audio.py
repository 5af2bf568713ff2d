"""Read an audio file as 16 kHz 16-bit PCM, block by block, one column per channel.

``soundfile`` (libsndfile, bundled in its wheel) decodes WAV, MP3 and Ogg; blocks of
one second keep memory flat however long the call is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf  # type: ignore[import-untyped]  # ships no type information

from callvault.transcription.errors import UnsupportedAudio
from callvault.transcription.resample import TARGET_RATE, Resampler

MIN_RATE, MAX_RATE = 8_000, 48_000
MAX_CHANNELS = 2

Pcm = npt.NDArray[np.int16]


@dataclass(frozen=True, slots=True)
class AudioInfo:
    rate: int
    channels: int
    frames: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate


def probe(path: Path) -> AudioInfo:
    """The file's layout; ``UnsupportedAudio`` if it cannot be read or is out of range."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as exc:
        raise UnsupportedAudio("the audio file cannot be read as WAV, MP3 or Ogg") from exc
    if not MIN_RATE <= info.samplerate <= MAX_RATE:
        raise UnsupportedAudio("the audio sample rate must be between 8 and 48 kHz")
    if not 1 <= info.channels <= MAX_CHANNELS:
        raise UnsupportedAudio("the audio must be mono or stereo")
    return AudioInfo(info.samplerate, info.channels, info.frames)


def read_16k(path: Path, info: AudioInfo) -> Iterator[tuple[Pcm, float]]:
    """``(pcm, done_s)``: 16 kHz int16 blocks of shape (n, channels) and how far into
    the file they reach. Raises ``UnsupportedAudio`` on a decoding error or a file
    that ends before its header says it should (truncated upload)."""
    resamplers = [Resampler(info.rate, TARGET_RATE) for _ in range(info.channels)]
    read = 0
    try:
        for block in sf.blocks(str(path), blocksize=info.rate, dtype="float32", always_2d=True):
            read += len(block)
            yield _pcm([r.push(block[:, c]) for c, r in enumerate(resamplers)]), read / info.rate
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise UnsupportedAudio("the audio file is damaged and cannot be decoded") from exc
    if read < info.frames:
        raise UnsupportedAudio("the audio file is truncated")
    yield _pcm([r.flush() for r in resamplers]), read / info.rate


def _pcm(columns: list[npt.NDArray[np.float32]]) -> Pcm:
    stacked = np.stack(columns, axis=1)
    return np.round(np.clip(stacked, -1.0, 1.0) * 32767.0).astype(np.int16)
