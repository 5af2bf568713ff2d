"""Reading audio for the recogniser: layouts we refuse, damaged files, and the
16 kHz blocks the rest is built on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints

from callvault.transcription.audio import probe, read_16k
from callvault.transcription.errors import UnsupportedAudio


def _write(path: Path, rate: int, channels: int, seconds: float = 1.0) -> Path:
    frames = np.zeros((int(rate * seconds), channels), np.float32)
    sf.write(str(path), frames, rate, subtype="PCM_16")
    return path


@pytest.mark.parametrize(("rate", "channels"), [(8_000, 1), (44_100, 2), (48_000, 1)])
def test_blocks_are_16_khz_int16_per_channel(tmp_path: Path, rate: int, channels: int) -> None:
    path = _write(tmp_path / "a.wav", rate, channels, seconds=2.5)
    info = probe(path)
    blocks = list(read_16k(path, info))
    pcm = np.concatenate([b for b, _ in blocks])
    assert pcm.dtype == np.int16 and pcm.shape == (40_000, channels)
    assert blocks[-1][1] == pytest.approx(2.5)


@pytest.mark.parametrize(
    ("rate", "channels", "why"),
    [(96_000, 1, "8 and 48 kHz"), (4_000, 1, "8 and 48 kHz"), (16_000, 3, "mono or stereo")],
)
def test_layouts_we_do_not_take(tmp_path: Path, rate: int, channels: int, why: str) -> None:
    with pytest.raises(UnsupportedAudio, match=why):
        probe(_write(tmp_path / "a.wav", rate, channels))


def test_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really")
    with pytest.raises(UnsupportedAudio, match="cannot be read"):
        probe(path)
    with pytest.raises(UnsupportedAudio):
        probe(tmp_path / "missing.wav")


def test_truncated_upload(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.wav", 16_000, 1, seconds=3.0)
    info = probe(path)
    path.write_bytes(path.read_bytes()[: 44 + 16_000])  # header says 3 s, half a second left
    with pytest.raises(UnsupportedAudio, match="truncated"):
        list(read_16k(path, info))
