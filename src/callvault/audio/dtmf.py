"""DTMF (keypad tone) detection in the spirit of ITU-T Q.23/Q.24.

Detection is pure: samples in, :class:`Tone` spans out. Three stages:

1. **Frames** (:mod:`callvault.audio.frames`): 25.6 ms Hann frames every 5 ms, sine
   power at the 8 DTMF frequencies and the frame's total power.
2. **Frame test**: the strongest row and column frequency each beat the other
   frequencies of their group by 10 dB, both are above the level floor, the twist is
   within +/-9 dB, and the pair holds most of the frame's energy. The energy ratio is
   what rejects talk-off: speech, music and whistles spread energy over harmonics
   (second harmonics included) or sit on one frequency only. An explicit
   second-harmonic bin is not used: 2 x 697 Hz lies inside the main lobe of 1336 Hz at
   this frame length, so it would reject genuine tones.
3. **Run test** (hysteresis): frames with the same digit, gaps of one frame bridged;
   a run is a tone when its median frequency deviation is within 2 % in both groups
   (2.5 % per frame), the frequencies do not drift by more than 0.6 % across it,
   its best frame puts 70 % of the energy in the pair, and its length, measured between
   the half-amplitude points of the pair's envelope,
   is at least 32 ms (40 ms tones with 3 ms ramps measure ~37 ms).

A tone found in one channel is then looked for in the other channels, delayed by up
to 150 ms, with a lower floor and no energy ratio (an echo is faint, maybe under the
other party's speech) but coherent with the source tone: an echo is a copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from callvault.audio.frames import Frames, analyse, plan_for

KEYS = ("123A", "456B", "789C", "*0#D")


@dataclass(frozen=True)
class Thresholds:
    """Frame and run criteria (powers in sine-referenced dBFS)."""

    floor_dbfs: float = -50.0
    group_margin_db: float = 10.0
    max_twist_db: float = 9.0
    min_pair_share: float = 0.6
    min_peak_share: float = 0.7
    max_deviation: float = 0.02
    max_frame_deviation: float = 0.025
    max_drift: float = 0.006
    min_duration_s: float = 0.032
    max_gap_frames: int = 1


DIRECT = Thresholds()
ECHO_DELAY_S = 0.15  # echo paths seen on calls: a few ms to ~100 ms
ECHO_COHERENCE = (0.35, 0.55)  # min and mean over the two frequencies
ECHO_FLOOR_DBFS = -65.0
MIN_ECHO_FRAMES = 3


@dataclass(frozen=True)
class Tone:
    """One keypad tone: ``digit`` on ``channel`` over samples ``[start, end)``."""

    channel: int
    digit: str
    start: int
    end: int


@dataclass(frozen=True)
class _Run:
    label: int
    first: int
    last: int  # inclusive frame indices


def detect(block: NDArray[np.float32], sample_rate: int) -> list[Tone]:
    """Every DTMF tone in ``block`` (shape ``(samples, channels)``, floats in [-1, 1))."""
    frames = [
        analyse(np.ascontiguousarray(block[:, ch]), sample_rate) for ch in range(block.shape[1])
    ]
    tones = [t for ch, f in enumerate(frames) for t in _channel_tones(f, ch, sample_rate)]
    echoes = [e for t in tones for e in _echoes(t, frames, sample_rate) if not _covered(e, tones)]
    return tones + echoes


def _covered(echo: Tone, tones: list[Tone]) -> bool:
    """Already found directly (a loud echo, or the source seen from its own echo)."""
    return any(
        t.channel == echo.channel
        and t.digit == echo.digit
        and t.start < echo.end
        and t.end > echo.start
        for t in tones
    )


def _channel_tones(frames: Frames, channel: int, sample_rate: int) -> list[Tone]:
    labels = frame_labels(frames, DIRECT)
    tones = []
    for run in _runs(labels, DIRECT.max_gap_frames):
        tone = _accept(run, frames, channel, sample_rate)
        if tone is not None:
            tones.append(tone)
    return tones


def frame_labels(frames: Frames, th: Thresholds) -> NDArray[np.int64]:
    """Per frame: the digit index ``row * 4 + col`` when the frame passes, else -1."""
    p = frames.power
    row, col = np.argmax(p[:, :4], axis=1), np.argmax(p[:, 4:], axis=1)
    idx = np.arange(len(p))
    pr, pc = p[idx, row], p[idx, 4 + col]
    runner_up_r = np.sort(p[:, :4], axis=1)[:, 2]
    runner_up_c = np.sort(p[:, 4:], axis=1)[:, 2]
    floor = 10 ** (th.floor_dbfs / 10)
    margin = 10 ** (th.group_margin_db / 10)
    twist = 10 ** (th.max_twist_db / 10)
    ok = (pr >= floor) & (pc >= floor)
    ok &= (pr >= margin * runner_up_r) & (pc >= margin * runner_up_c)
    ok &= (pc <= twist * pr) & (pr <= twist * pc)
    ok &= pr + pc >= th.min_pair_share * frames.total
    ok &= np.abs(frames.offset[idx, row]) <= th.max_frame_deviation
    ok &= np.abs(frames.offset[idx, 4 + col]) <= th.max_frame_deviation
    return np.where(ok, row * 4 + col, -1)


def _runs(labels: NDArray[np.int64], max_gap: int) -> list[_Run]:
    """Maximal stretches of one label, bridging gaps of up to ``max_gap`` frames."""
    runs: list[_Run] = []
    for j in np.flatnonzero(labels >= 0):
        label = int(labels[j])
        last = runs[-1] if runs else None
        if last is not None and last.label == label and j - last.last <= max_gap + 1:
            runs[-1] = _Run(label, last.first, int(j))
        else:
            runs.append(_Run(label, int(j), int(j)))
    return runs


def _accept(run: _Run, frames: Frames, channel: int, sample_rate: int) -> Tone | None:
    row, col = divmod(run.label, 4)
    deviation = frames.offset[run.first + 1 : run.last + 1][:, [row, 4 + col]]
    if len(deviation) == 0 or np.max(np.abs(np.median(deviation, axis=0))) > DIRECT.max_deviation:
        return None
    if _drift(deviation) > DIRECT.max_drift:
        return None
    span = slice(run.first, run.last + 1)
    share = (frames.power[span, row] + frames.power[span, 4 + col]) / frames.total[span]
    if np.max(share) < DIRECT.min_peak_share:
        return None
    start, end = _half_amplitude_edges(run, frames, row, col)
    if end - start < DIRECT.min_duration_s * sample_rate:
        return None
    return Tone(channel, KEYS[row][col], start, end)


def _drift(deviation: NDArray[np.float64]) -> float:
    """How far the frequencies move between the run's halves: a key's oscillator is
    steady, a voice's harmonic glides (the classic talk-off is a harmonic that slides
    through a DTMF frequency)."""
    half = len(deviation) // 2
    if half == 0:
        return 0.0
    moved = np.median(deviation[half:], axis=0) - np.median(deviation[:half], axis=0)
    return float(np.max(np.abs(moved)))


def _half_amplitude_edges(run: _Run, frames: Frames, row: int, col: int) -> tuple[int, int]:
    """Sample positions where the pair's amplitude envelope crosses half its peak: by the
    symmetry of the window, that is where the frame centre sits on the tone's edge."""
    amp = np.sqrt(frames.power[:, row] + frames.power[:, 4 + col])
    half = 0.5 * float(np.max(amp[run.first : run.last + 1]))
    centre = (frames.start + frames.length / 2).astype(np.float64)
    left, right = run.first, run.last
    while left > 0 and amp[left - 1] >= half:
        left -= 1
    while right + 1 < len(amp) and amp[right + 1] >= half:
        right += 1
    start = _crossing(amp, centre, left - 1, left, half) if left > 0 else centre[left]
    end = _crossing(amp, centre, right + 1, right, half) if right + 1 < len(amp) else centre[right]
    return int(np.floor(start)), int(np.ceil(end))


def _crossing(
    amp: NDArray[np.float64], centre: NDArray[np.float64], out: int, inside: int, half: float
) -> float:
    span = amp[inside] - amp[out]
    frac = (half - amp[out]) / span if span > 0 else 1.0
    return float(centre[out] + frac * (centre[inside] - centre[out]))


def _digit_index(digit: str) -> tuple[int, int]:
    row = next(r for r, keys in enumerate(KEYS) if digit in keys)
    return row, KEYS[row].index(digit)


def _echoes(tone: Tone, frames: list[Frames], sample_rate: int) -> list[Tone]:
    """The tone's faint copy in the other channels, if there is one."""
    found = []
    for ch, other in enumerate(frames):
        if ch != tone.channel:
            echo = _echo_in(tone, frames[tone.channel], other, ch, sample_rate)
            if echo is not None:
                found.append(echo)
    return found


def _echo_in(
    tone: Tone, source: Frames, other: Frames, channel: int, sample_rate: int
) -> Tone | None:
    """The source tone's copy in ``other``: for each delay up to ECHO_DELAY_S, the two
    frequencies' complex bins must be *coherent* with the source's (an echo is the same
    signal, scaled and rotated) and above the echo floor. Coherence, not dominance:
    the other party's voice may be louder than the echo in the same bins."""
    row, col = _digit_index(tone.digit)
    # every frame touching the tone: its rise and fall pin the delay down
    inside = np.flatnonzero((source.start + source.length > tone.start) & (source.start < tone.end))
    if len(inside) < MIN_ECHO_FRAMES:
        return None
    src = source.bins[inside][:, [row, 4 + col]]
    hop = int(source.start[1] - source.start[0]) if len(source.start) > 1 else 1
    best: tuple[float, int] = (0.0, 0)
    for lag in range(round(ECHO_DELAY_S * sample_rate / hop) + 1):
        if inside[-1] + lag >= len(other.start):
            break
        score = _coherence(other.bins[inside + lag][:, [row, 4 + col]], src, source)
        best = max(best, (score, lag))
    if best[0] <= 0.0:
        return None
    shift = best[1] * hop
    return Tone(channel, tone.digit, tone.start + shift, tone.end + shift)


def _coherence(echo: NDArray[np.complex128], src: NDArray[np.complex128], source: Frames) -> float:
    """Mean over the two frequencies of |<echo, src>|^2 / (|echo|^2 |src|^2); 0 when
    either is under ECHO_COHERENCE or the echo's implied level is under the floor (a
    loud voice harmonic in one bin lowers that bin's coherence, hence min and mean)."""
    cross = np.abs(np.sum(echo * np.conj(src), axis=0)) ** 2
    energy_e = np.sum(np.abs(echo) ** 2, axis=0)
    energy_s = np.sum(np.abs(src) ** 2, axis=0)
    gain_sq = cross / np.maximum(energy_s, 1e-30) ** 2
    level = gain_sq * energy_s / len(src) * 2 / (source.length / 2) ** 2
    if np.min(level) < 10 ** (ECHO_FLOOR_DBFS / 10):
        return 0.0
    coherence = cross / np.maximum(energy_e * energy_s, 1e-30)
    if np.min(coherence) < ECHO_COHERENCE[0] or np.mean(coherence) < ECHO_COHERENCE[1]:
        return 0.0
    return float(np.mean(coherence))


__all__ = ["DIRECT", "KEYS", "Thresholds", "Tone", "detect", "frame_labels", "plan_for"]
