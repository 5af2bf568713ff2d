"""Test signals: keypad tones at given level/twist/offset, and the talk-off hazards
(speech-like vowels, whistles, chords, call-progress tones), plus file helpers.

Levels are sine-referenced dBFS (a full-scale sine is 0 dBFS); a tone's level is
the combined power of its two components and its twist is high minus low, in dB.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints
from numpy.typing import NDArray

Signal = NDArray[np.float64]
ROWS = (697.0, 770.0, 852.0, 941.0)
COLS = (1209.0, 1336.0, 1477.0, 1633.0)
KEYS = ("123A", "456B", "789C", "*0#D")


def freqs(digit: str) -> tuple[float, float]:
    row = next(r for r, keys in enumerate(KEYS) if digit in keys)
    return ROWS[row], COLS[KEYS[row].index(digit)]


def tone(
    digit: str,
    seconds: float,
    rate: int = 8000,
    level_dbfs: float = -10.0,
    twist_db: float = 0.0,
    deviation: tuple[float, float] = (0.0, 0.0),
) -> Signal:
    """A keypad tone with 3 ms raised-cosine ramps."""
    lo, hi = freqs(digit)
    power = 10 ** (level_dbfs / 10)
    p_lo = power / (1 + 10 ** (twist_db / 10))
    t = np.arange(round(seconds * rate)) / rate
    x = np.sqrt(p_lo) * np.sin(2 * np.pi * lo * (1 + deviation[0]) * t)
    x += np.sqrt(power - p_lo) * np.sin(2 * np.pi * hi * (1 + deviation[1]) * t + 1.0)
    return x * _ramps(len(t), rate)


def _ramps(n: int, rate: int, seconds: float = 0.003) -> Signal:
    k = min(n // 2, round(seconds * rate))
    env = np.ones(n)
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(k) / k)
    env[:k], env[n - k :] = ramp, ramp[::-1]
    return env


def sines(
    freq_list: list[float], seconds: float, rate: int = 8000, level_dbfs: float = -10.0
) -> Signal:
    """Equal-power sines (a single tone, dial tone, busy tone, a pure chord)."""
    t = np.arange(round(seconds * rate)) / rate
    amp = np.sqrt(10 ** (level_dbfs / 10) / len(freq_list))
    x = sum(amp * np.sin(2 * np.pi * f * t + i) for i, f in enumerate(freq_list))
    return np.asarray(x) * _ramps(len(t), rate)


def vowel(
    f0: float, seconds: float, rate: int = 8000, level_dbfs: float = -12.0, seed: int = 0
) -> Signal:
    """A voiced, vowel-like sound: harmonics of a wobbling f0 under two formants."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * rate)) / rate
    pitch = f0 * (1 + 0.04 * np.sin(2 * np.pi * 3 * t) + 0.02 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    formants = rng.uniform(500, 900), rng.uniform(1100, 1800)
    x = np.zeros_like(t)
    for k in range(1, int(3800 / f0)):
        fk = k * f0
        gain = sum(1 / (1 + ((fk - fm) / 120) ** 2) for fm in formants) + 0.05
        x += gain * np.sin(k * phase)
    return _at_level(x * _ramps(len(t), rate, 0.02), level_dbfs)


def whistle(
    seconds: float, rate: int = 8000, centre: float = 1400.0, level_dbfs: float = -10.0
) -> Signal:
    """A whistled melody: one gliding sine with vibrato and a weak second harmonic."""
    t = np.arange(round(seconds * rate)) / rate
    f = centre * (1 + 0.25 * np.sin(2 * np.pi * 0.7 * t)) * (1 + 0.01 * np.sin(2 * np.pi * 6 * t))
    phase = 2 * np.pi * np.cumsum(f) / rate
    return _at_level(np.sin(phase) + 0.1 * np.sin(2 * phase), level_dbfs)


def chord(
    notes_hz: list[float], seconds: float, rate: int = 8000, level_dbfs: float = -10.0
) -> Signal:
    """An instrument chord: each note with decaying harmonics and a plucked envelope."""
    t = np.arange(round(seconds * rate)) / rate
    x = sum((0.6**k) * np.sin(2 * np.pi * f * (k + 1) * t + k) for f in notes_hz for k in range(5))
    return _at_level(np.asarray(x) * np.exp(-1.5 * t) * _ramps(len(t), rate), level_dbfs)


def noise(seconds: float, rate: int = 8000, level_dbfs: float = -45.0, seed: int = 1) -> Signal:
    rng = np.random.default_rng(seed)
    return _at_level(rng.normal(size=round(seconds * rate)), level_dbfs)


def _at_level(x: Signal, level_dbfs: float) -> Signal:
    # sine-referenced: mean power 0.5 is 0 dBFS
    return x * np.sqrt(0.5 * 10 ** (level_dbfs / 10) / np.mean(x**2))


def place(base: Signal, part: Signal, at_s: float, rate: int = 8000) -> Signal:
    start = round(at_s * rate)
    base[start : start + len(part)] += part
    return base


def write(
    path: Path, x: NDArray[np.float64], rate: int, subtype: str = "PCM_16", fmt: str | None = None
) -> Path:
    sf.write(str(path), np.clip(x, -1, 1 - 2**-15), rate, subtype=subtype, format=fmt)
    return path


def multimon_digits(path: Path, channel: int = 0) -> str:
    """What an independent decoder hears (sox to 22.05 kHz s16, then multimon-ng)."""
    sox = subprocess.Popen(
        [
            "sox",
            "-V1",
            str(path),
            "-t",
            "raw",
            "-e",
            "signed-integer",
            "-b",
            "16",
            "-c",
            "1",
            "-r",
            "22050",
            "-",
            "remix",
            str(channel + 1),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert sox.stdout is not None
    out = subprocess.run(
        ["multimon-ng", "-c", "-a", "DTMF", "-t", "raw", "-"],
        stdin=sox.stdout,
        capture_output=True,
        text=True,
        check=False,
    )
    sox.stdout.close()
    sox.wait()
    lines = out.stdout.splitlines()
    return "".join(line.split(":", 1)[1].strip() for line in lines if line.startswith("DTMF:"))


def have_decoder() -> bool:
    return shutil.which("multimon-ng") is not None and shutil.which("sox") is not None
