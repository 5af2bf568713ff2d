from __future__ import annotations

import numpy as np
import pytest

from callvault.transcription.resample import Resampler


def _run(rate_in: int, signal: np.ndarray, block: int, rate_out: int = 16_000) -> np.ndarray:
    r = Resampler(rate_in, rate_out)
    parts = [r.push(signal[i : i + block]) for i in range(0, len(signal), block)]
    return np.concatenate([*parts, r.flush()])


def _sine(freq: float, rate: int, seconds: float = 1.0) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * freq * np.arange(int(rate * seconds)) / rate)).astype(
        np.float32
    )


@pytest.mark.parametrize("rate", [8_000, 11_025, 16_000, 22_050, 44_100, 48_000])
def test_a_tone_in_the_passband_comes_out_the_same(rate: int) -> None:
    out = _run(rate, _sine(1000.0, rate), block=3000)
    assert len(out) == 16_000
    expected = _sine(1000.0, 16_000)
    assert np.max(np.abs(out[300:-300] - expected[300:-300])) < 1e-3


@pytest.mark.parametrize(("rate", "freq"), [(44_100, 12_000.0), (48_000, 10_000.0)])
def test_content_above_8_khz_does_not_alias(rate: int, freq: float) -> None:
    out = _run(rate, _sine(freq, rate), block=rate)
    assert np.max(np.abs(out[300:-300])) < 0.005  # -40 dB below the 0.5 input


@pytest.mark.parametrize("block", [1, 37, 4096, 100_000])
def test_block_size_does_not_change_the_output(block: int) -> None:
    signal = np.random.default_rng(1).normal(0, 0.1, 22_050).astype(np.float32)
    assert np.array_equal(_run(22_050, signal, block), _run(22_050, signal, 22_050))


def test_output_length_covers_every_input_sample() -> None:
    assert len(_run(8_000, np.zeros(8_001, np.float32), block=500)) == 16_002
    assert len(_run(44_100, np.zeros(100, np.float32), block=7)) == 37  # ceil(100*160/441)


def test_rates_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Resampler(0)
