"""The detector, table-driven: what must be found, and what must not (talk-off)."""

from __future__ import annotations

import numpy as np
import pytest

from callvault.audio.dtmf import detect
from tests.audio import _synth as s

RATE = 8000


def _found(signal: s.Signal, rate: int = RATE) -> str:
    """Digits detected in ``signal`` placed in 0.5 s of low noise each side."""
    pad = round(0.5 * rate)
    x = s.noise(len(signal) / rate + 1.0, rate, -50.0)
    x[pad : pad + len(signal)] += signal
    return "".join(t.digit for t in detect(x[:, None].astype(np.float32), rate))


@pytest.mark.parametrize("digit", "123A456B789C*0#D")
def test_every_key(digit: str) -> None:
    assert _found(s.tone(digit, 0.07)) == digit


DETECTED = {
    "40 ms": s.tone("5", 0.040),
    "-25 dBFS": s.tone("8", 0.06, level_dbfs=-25),
    "40 ms at -25 dBFS": s.tone("1", 0.040, level_dbfs=-25),
    "+1.5 % both": s.tone("9", 0.06, deviation=(0.015, 0.015)),
    "-1.5 % both": s.tone("0", 0.06, deviation=(-0.015, -0.015)),
    "+1.5/-1.5 %": s.tone("D", 0.06, deviation=(0.015, -0.015)),
    "+8 dB twist": s.tone("3", 0.06, twist_db=8),
    "-8 dB twist": s.tone("7", 0.06, twist_db=-8),
    "-25 dBFS, 8 dB twist": s.tone("2", 0.06, level_dbfs=-25, twist_db=8),
    "in white noise at 10 dB SNR": s.tone("6", 0.06, level_dbfs=-20) + s.noise(0.06, RATE, -30),
    "long press (1.5 s)": s.tone("#", 1.5),
}


@pytest.mark.parametrize("name", DETECTED)
def test_detected(name: str) -> None:
    assert len(_found(DETECTED[name])) == 1, name


@pytest.mark.parametrize("rate", [8000, 11025, 16000, 22050, 44100, 48000])
def test_any_sample_rate(rate: int) -> None:
    assert _found(s.tone("4", 0.045, rate, level_dbfs=-20), rate) == "4"


NOT_DETECTED = {
    "30 ms tone": s.tone("5", 0.030),
    "3 % off (low group)": s.tone("5", 0.06, deviation=(0.03, 0.0)),
    "3 % off (high group)": s.tone("5", 0.06, deviation=(0.0, -0.03)),
    "single 697 Hz": s.sines([697.0], 0.5),
    "single 1336 Hz": s.sines([1336.0], 0.5),
    "two rows (697 + 852)": s.sines([697.0, 852.0], 0.3),
    "dial tone 350 + 440": s.sines([350.0, 440.0], 3.0),
    "busy 480 + 620": s.sines([480.0, 620.0], 0.5),
    "ringback 440 + 480": s.sines([440.0, 480.0], 2.0),
    "twist 14 dB": s.tone("5", 0.1, twist_db=14),
    "whistle": s.whistle(3.0),
    "whistle near 1477": s.whistle(3.0, centre=1477.0),
    "chord F5 F#6 A6 (near 697/1477)": s.chord([698.5, 1480.0, 1760.0], 1.5),
    "chord C5 E5 G5": s.chord([523.3, 659.3, 784.0], 1.5),
    "chord A#5 E6": s.chord([932.3, 1318.5], 1.5),
    "vowel f0 120": s.vowel(120.0, 1.5),
    "vowel f0 232 (3rd harmonic on 697)": s.vowel(232.3, 1.5, seed=3),
    "vowel f0 210": s.vowel(210.0, 1.5, seed=5),
    "noise": s.noise(2.0, RATE, -15.0),
}


@pytest.mark.parametrize("name", NOT_DETECTED)
def test_not_detected(name: str) -> None:
    assert _found(NOT_DETECTED[name]) == "", name


def test_tone_edges_are_measured() -> None:
    x = s.noise(1.0, RATE, -50.0)
    s.place(x, s.tone("6", 0.08), 0.4)
    [found] = detect(x[:, None].astype(np.float32), RATE)
    assert abs(found.start - 0.4 * RATE) < 0.006 * RATE
    assert abs(found.end - 0.48 * RATE) < 0.006 * RATE


def test_echo_in_the_other_channel_under_speech() -> None:
    caller = s.noise(2.0, RATE, -50.0, seed=2)
    agent = s.vowel(140.0, 2.0, level_dbfs=-22.0, seed=4)
    s.place(caller, s.tone("7", 0.08, level_dbfs=-10), 0.8)
    s.place(
        agent, s.tone("7", 0.08, level_dbfs=-30), 0.84
    )  # -20 dB, 40 ms later, 8 dB under speech
    tones = detect(np.stack([agent, caller], axis=1).astype(np.float32), RATE)
    assert sorted((t.channel, t.digit) for t in tones) == [(0, "7"), (1, "7")]


def test_no_echo_claimed_where_the_other_channel_has_none() -> None:
    caller = s.noise(2.0, RATE, -50.0, seed=2)
    agent = s.vowel(140.0, 2.0, level_dbfs=-18.0, seed=4)
    s.place(caller, s.tone("7", 0.08, level_dbfs=-10), 0.8)
    tones = detect(np.stack([agent, caller], axis=1).astype(np.float32), RATE)
    assert [(t.channel, t.digit) for t in tones] == [(1, "7")]
