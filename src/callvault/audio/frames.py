"""Short-time spectra at the eight DTMF frequencies, for every frame of a block.

One matrix product does the Goertzel work for all frames at once: each frame (a
strided view, no copy of the signal) is multiplied by a window-weighted cosine and
sine per frequency. Higher sample rates are first low-passed and decimated to
8-12 kHz, where the DTMF band is well inside Nyquist and the work is cheap.

Powers are *sine powers* (A**2 / 2 for a sine of amplitude A, so a full-scale sine
reads 0 dBFS) and are corrected for the window's loss when a tone sits off the bin
centre, using the frequency offset measured from the phase advance between frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

ROWS = (697.0, 770.0, 852.0, 941.0)
COLS = (1209.0, 1336.0, 1477.0, 1633.0)
FREQS = np.array(ROWS + COLS)
FRAME_S = 0.0256  # 205 samples at 8 kHz: adjacent DTMF frequencies fall near a Hann null
HOP_S = 0.005  # fine enough to measure a 40 ms tone's length to a few ms
TARGET_RATE = 8000.0
LOWPASS_TAPS = 63
MAX_CORRECTED_OFFSET = 0.016

F32 = NDArray[np.float32]
F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Frames:
    """Per-frame measurements of one channel; frame ``j`` covers original samples
    ``[start[j], start[j] + length)``."""

    start: NDArray[np.int64]
    length: int
    power: F64  # (frames, 8) sine power per DTMF frequency, off-centre loss corrected
    total: F64  # (frames,) mean power of the windowed frame, same scale
    offset: F64  # (frames, 8) relative frequency offset measured against the previous frame
    bins: NDArray[np.complex128]  # (frames, 8) the raw DFT values (phase included)


@dataclass(frozen=True)
class _Plan:
    decimation: int
    rate: float
    frame: int
    hop: int
    lowpass: F32
    basis: F32  # (frame, 16): window * cos, window * sin
    window_sq: F32
    window_sq_sum: float
    window_sum: float


@lru_cache(maxsize=16)
def plan_for(sample_rate: int) -> _Plan:
    decimation = max(1, int(sample_rate // TARGET_RATE))
    rate = sample_rate / decimation
    frame = round(FRAME_S * rate)
    window = np.hanning(frame + 2)[1:-1]  # no zero end points: every sample counts
    angle = 2 * np.pi * np.outer(np.arange(frame), FREQS) / rate
    basis = np.concatenate([np.cos(angle), np.sin(angle)], axis=1) * window[:, None]
    return _Plan(
        decimation=decimation,
        rate=rate,
        frame=frame,
        hop=round(HOP_S * rate),
        lowpass=_lowpass(decimation),
        basis=basis.astype(np.float32),
        window_sq=(window**2).astype(np.float32),
        window_sq_sum=float(np.sum(window**2)),
        window_sum=float(np.sum(window)),
    )


def _lowpass(decimation: int) -> F32:
    """Windowed-sinc anti-alias filter cutting at 0.45 of the decimated rate."""
    if decimation == 1:
        return np.ones(1, dtype=np.float32)
    n = np.arange(LOWPASS_TAPS) - (LOWPASS_TAPS - 1) / 2
    cutoff = 0.45 / decimation
    taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.blackman(LOWPASS_TAPS)
    return np.asarray(taps / taps.sum(), dtype=np.float32)


def analyse(signal: F32, sample_rate: int) -> Frames:
    """Measure every full frame of one channel (float samples in [-1, 1))."""
    plan = plan_for(sample_rate)
    x, delay = _decimate(signal, plan)
    if len(x) < plan.frame:
        empty = np.zeros((0, 8))
        return Frames(np.zeros(0, np.int64), 0, empty, np.zeros(0), empty, empty.astype(complex))
    view = np.lib.stride_tricks.sliding_window_view(x, plan.frame)[:: plan.hop]
    spectrum = view @ plan.basis
    re, im = spectrum[:, :8].astype(np.float64), spectrum[:, 8:].astype(np.float64)
    squares = np.lib.stride_tricks.sliding_window_view(x * x, plan.frame)[:: plan.hop]
    total = squares @ plan.window_sq / plan.window_sq_sum
    bins = re - 1j * im  # sum of x * exp(-j w n)
    offset = _frequency_offset(bins, plan)
    power = 2 * (re**2 + im**2) / plan.window_sum**2 / _hann_gain(offset, plan) ** 2
    starts = np.arange(len(view), dtype=np.int64) * plan.hop * plan.decimation - delay
    length = plan.frame * plan.decimation
    return Frames(starts, length, power, total.astype(np.float64), offset, bins)


def _decimate(signal: F32, plan: _Plan) -> tuple[F32, int]:
    """The band-limited, decimated signal and its delay in original samples."""
    if plan.decimation == 1:
        return signal, 0
    filtered = np.convolve(signal, plan.lowpass, mode="full")[: len(signal)]
    return filtered[:: plan.decimation].astype(np.float32), (LOWPASS_TAPS - 1) // 2


def _frequency_offset(z: NDArray[np.complex128], plan: _Plan) -> F64:
    """Relative offset (f - f0) / f0 from the phase advance between consecutive frames;
    the first frame copies the second's estimate."""
    if len(z) < 2:
        return np.zeros(z.shape)
    step = 2 * np.pi * FREQS * plan.hop / plan.rate
    advance = np.angle(z[1:] * np.conj(z[:-1]) * np.exp(-1j * step))
    hz = advance * plan.rate / (2 * np.pi * plan.hop)
    rel = hz / FREQS
    return np.concatenate([rel[:1], rel], axis=0)


def _hann_gain(offset: F64, plan: _Plan) -> F64:
    """Amplitude response of the Hann window ``offset`` away from the bin centre. The
    correction is capped at the accepted deviation so that it can never lift a
    far-off component (speech, noise) by more than ~2.5 dB."""
    rel = np.minimum(np.abs(offset), MAX_CORRECTED_OFFSET)
    bins = rel * FREQS * plan.frame / plan.rate
    safe = np.where(bins < 1e-6, 1e-6, bins)
    gain = np.sinc(safe) / (1 - safe**2)
    return np.asarray(gain, dtype=np.float64)
