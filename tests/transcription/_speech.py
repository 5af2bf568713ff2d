"""Real speech for the recogniser tests, synthesised with espeak-ng.

espeak-ng's default voice is hard for pocketsphinx's model; its Klatt variant at 140
words a minute is recognised well at 16 kHz (measured: every digit of both sentences
below), poorly at 8 kHz (half the digits of the first, none of the second): the model
is wideband. The thresholds in the tests are set from those observations.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints

from callvault.transcription.resample import Resampler

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None, reason="espeak-ng is not installed (Debian package: espeak-ng)"
)
AGENT_SAYS = "my member id is four five six seven"
CALLER_SAYS = "yes it is seven six five four"
DIGITS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
LEAD_S = 0.5  # silence before the first sentence

Audio = npt.NDArray[np.float32]


def synth(text: str, rate: int) -> Audio:
    """``text`` spoken by espeak-ng, resampled to ``rate``."""
    assert ESPEAK is not None
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        subprocess.run(
            [ESPEAK, "-v", "en-us+klatt", "-s", "140", "-w", str(wav), text],
            check=True,
            capture_output=True,
        )
        samples, source_rate = sf.read(str(wav), dtype="float32")
    resampler = Resampler(source_rate, rate)
    return np.concatenate([resampler.push(samples), resampler.flush()])


def silence(seconds: float, rate: int) -> Audio:
    return np.zeros(int(seconds * rate), np.float32)


def digit_words(words: list[str]) -> list[str]:
    return [w for w in words if w in DIGITS]
