"""Band-limited resampling to the recogniser's 16 kHz, block by block.

A polyphase windowed-sinc (Kaiser) filter in numpy: for the ratio ``up/down`` (16000
over the input rate, reduced) every output sample sits at one of ``up`` fractional
positions between input samples, so the ``up`` kernels are computed once. The cut-off
is just under the lower of the two Nyquist frequencies: downsampling 44.1 kHz does not
alias, and upsampling 8 kHz telephone audio adds no images above 4 kHz. Linear
interpolation would do both, and the recogniser's filter bank would hear them.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

TARGET_RATE = 16_000
_ZERO_CROSSINGS = 8  # kernel half-width in cut-off periods: ~-80 dB stop band with Kaiser
_BETA = 8.0
_BANDWIDTH = 0.92  # of the lower Nyquist: leaves room for the transition band

Floats = npt.NDArray[np.float32]


class Resampler:
    """Feed blocks of one channel with :meth:`push`, then :meth:`flush` once; the
    outputs, concatenated, are the whole signal at ``rate_out``."""

    def __init__(self, rate_in: int, rate_out: int = TARGET_RATE) -> None:
        if rate_in <= 0 or rate_out <= 0:
            raise ValueError("sample rates must be positive")
        g = math.gcd(rate_in, rate_out)
        self._up, self._down = rate_out // g, rate_in // g
        cutoff = min(1.0, self._up / self._down) * _BANDWIDTH  # of the input Nyquist
        self._half = math.ceil(_ZERO_CROSSINGS / cutoff)
        self._kernels = _kernels(self._up, self._half, cutoff)
        self._buf: Floats = np.zeros(self._half, np.float32)  # silence before the start
        self._buf_start = -self._half  # input index of _buf[0]
        self._next = 0  # index of the next output sample
        self._seen = 0  # input samples pushed

    @property
    def identity(self) -> bool:
        return self._up == self._down

    def push(self, block: npt.NDArray[np.floating]) -> Floats:
        """The output samples that ``block`` completes (may be empty)."""
        if self.identity:
            return np.asarray(block, np.float32)
        self._buf = np.concatenate([self._buf, np.asarray(block, np.float32)])
        self._seen += len(block)
        return self._emit(final=False)

    def flush(self) -> Floats:
        """The rest of the output, treating the signal as silent after its end."""
        if self.identity:
            return np.zeros(0, np.float32)
        self._buf = np.concatenate([self._buf, np.zeros(self._half, np.float32)])
        return self._emit(final=True)

    def _emit(self, final: bool) -> Floats:
        last_input = self._buf_start + len(self._buf) - 1 - self._half  # newest usable base
        stop = ((last_input + 1) * self._up - 1) // self._down + 1 if last_input >= 0 else 0
        if final:
            stop = min(stop, -(-self._seen * self._up // self._down))  # ceil: every input
        n = np.arange(self._next, max(stop, self._next), dtype=np.int64)
        base, phase = np.divmod(n * self._down, self._up)
        taps = base[:, None] + np.arange(1 - self._half, self._half + 1) - self._buf_start
        out: Floats = np.einsum("ij,ij->i", self._buf[taps], self._kernels[phase])
        self._next = max(stop, self._next)
        keep_from = (self._next * self._down) // self._up - self._half + 1 - self._buf_start
        if keep_from > 0:  # drop input no later output can reach
            self._buf = self._buf[keep_from:]
            self._buf_start += keep_from
        return out


def _kernels(up: int, half: int, cutoff: float) -> Floats:
    """Row ``p``: weights of inputs ``base-half+1 .. base+half`` for the output at
    ``base + p/up``; each row sums to 1 so silence and DC pass unchanged."""
    taps = np.arange(1 - half, half + 1, dtype=np.float64)
    dist = taps[None, :] - (np.arange(up, dtype=np.float64) / up)[:, None]
    inside = np.clip(1.0 - (dist / half) ** 2, 0.0, None)
    window = np.i0(_BETA * np.sqrt(inside)) / np.i0(_BETA)
    kernels = cutoff * np.sinc(cutoff * dist) * window
    kernels /= kernels.sum(axis=1, keepdims=True)
    return kernels.astype(np.float32)
