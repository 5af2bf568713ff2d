"""What the audio steps take: a header whose sample rate no recording has is damaged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints

from callvault.audio import BadAudio
from callvault.audio.audiofile import probe
from callvault.audio.service import scan


def _wav(path: Path, rate: int) -> Path:
    sf.write(str(path), np.zeros(4000, np.float32), rate, subtype="PCM_16")
    return path


@pytest.mark.parametrize("rate", [4_000, 8_000, 48_000, 384_000])
def test_recording_rates_are_taken(tmp_path: Path, rate: int) -> None:
    path = _wav(tmp_path / "a.wav", rate)
    info = probe(path)
    assert info.sample_rate == rate
    assert scan(path, info) == []  # silence: no tones, and no error


@pytest.mark.parametrize("rate", [64, 3_999, 384_001])
def test_a_rate_no_recording_has_is_bad_audio(tmp_path: Path, rate: int) -> None:
    with pytest.raises(BadAudio, match="sample rate"):
        probe(_wav(tmp_path / "a.wav", rate))
