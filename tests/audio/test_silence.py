"""``silence_file``: recording pauses made silent, every sample inside them zero, in
every channel; nothing else changed; a pause past the end is clipped to it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints

from callvault.audio.errors import AudioError
from callvault.audio.service import silence_file
from tests.audio._synth import noise, write

RATE = 16000


def stereo(path: Path, seconds: float = 2.0) -> Path:
    left, right = noise(seconds, RATE, -20.0, seed=1), noise(seconds, RATE, -20.0, seed=2)
    return write(path, np.stack([left, right], axis=1), RATE, subtype="PCM_24")


def test_pauses_are_zero_in_every_channel_and_the_rest_is_untouched(tmp_path: Path) -> None:
    source = stereo(tmp_path / "in.wav")
    out = tmp_path / "out.wav"

    silence_file(source, out, [(0.0, 0.1), (0.5, 0.75), (1.9, 5.0)])  # from the start, past the end

    before, _ = sf.read(str(source), dtype="int32")
    after, rate = sf.read(str(out), dtype="int32")
    assert (rate, after.shape, sf.info(str(out)).subtype) == (RATE, before.shape, "PCM_24")
    for start, end in ((0.0, 0.1), (0.5, 0.75), (1.9, 2.0)):
        assert not after[round(start * RATE) : round(end * RATE)].any()
    fade = round(0.004 * RATE)
    kept = np.ones(len(before), dtype=bool)
    kept[: round(0.1 * RATE) + fade] = False
    kept[round(0.5 * RATE) - fade : round(0.75 * RATE) + fade] = False
    kept[round(1.9 * RATE) - fade :] = False
    assert np.array_equal(after[kept], before[kept])


def test_no_pauses_copy_the_file_sample_for_sample(tmp_path: Path) -> None:
    source = stereo(tmp_path / "in.wav", 0.5)
    silence_file(source, tmp_path / "out.wav", [])
    assert np.array_equal(sf.read(str(tmp_path / "out.wav"))[0], sf.read(str(source))[0])


def test_a_bad_input_leaves_no_output(tmp_path: Path) -> None:
    source = tmp_path / "in.wav"
    source.write_bytes(b"RIFF not really a wave file")
    with pytest.raises(AudioError):
        silence_file(source, tmp_path / "out.wav", [(0.0, 1.0)])
    assert not (tmp_path / "out.wav").exists()
