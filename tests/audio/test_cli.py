"""``callvault audio scrub`` end to end on real files, checked by an independent decoder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints
from typer.testing import CliRunner

from callvault.cli.main import app
from tests.audio import _synth as s

runner = CliRunner()
needs_decoder = pytest.mark.skipif(
    not s.have_decoder(), reason="multimon-ng and sox (Debian packages) are not installed"
)
DIGITS = "4929301"


def keyed_call(rate: int, seconds: float = 4.0) -> tuple[s.Signal, list[tuple[float, float]]]:
    """Speech-like audio with a PIN keyed in the middle; returns the tone times."""
    x = s.vowel(150.0, seconds, rate, level_dbfs=-26.0, seed=11) + s.noise(seconds, rate, -50.0)
    times = []
    for k, digit in enumerate(DIGITS):
        at = 1.0 + 0.16 * k
        s.place(x, s.tone(digit, 0.07, rate, level_dbfs=-12.0), at, rate)
        times.append((at, at + 0.07))
    return x, times


def scrub(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["audio", "scrub", *args])
    return result.exit_code, result.output


def outside(times: list[tuple[float, float]], n: int, rate: int, guard: float = 0.05) -> np.ndarray:
    keep = np.ones(n, bool)
    for a, b in times:
        keep[max(0, round((a - guard) * rate)) : round((b + guard) * rate)] = False
    return keep


@needs_decoder
@pytest.mark.parametrize(
    ("rate", "subtype"), [(8000, "PCM_16"), (16000, "PCM_24"), (8000, "PCM_U8")]
)
def test_mono_scrub(tmp_path: Path, rate: int, subtype: str) -> None:
    x, times = keyed_call(rate)
    src = s.write(tmp_path / "in.wav", x, rate, subtype)
    assert DIGITS in s.multimon_digits(src)  # the fixture really leaks
    code, out = scrub(str(src), str(tmp_path / "out.wav"))
    assert code == 0, out
    assert s.multimon_digits(tmp_path / "out.wav") == ""
    a, ra = sf.read(str(src), dtype="int32")
    b, rb = sf.read(str(tmp_path / "out.wav"), dtype="int32")
    info = sf.info(str(tmp_path / "out.wav"))
    assert (rb, len(b), info.subtype) == (ra, len(a), subtype)
    keep = outside(times, len(a), rate)
    assert np.array_equal(a[keep], b[keep])  # untouched parts are bit-identical


@needs_decoder
def test_stereo_with_echo(tmp_path: Path) -> None:
    rate = 8000
    caller, times = keyed_call(rate)
    agent = s.vowel(120.0, 4.0, rate, level_dbfs=-30.0, seed=3)
    for (a, _), digit in zip(times, DIGITS, strict=True):
        s.place(agent, s.tone(digit, 0.07, rate, level_dbfs=-34.0), a + 0.035, rate)  # echo
    src = s.write(tmp_path / "in.wav", np.stack([agent, caller], axis=1), rate)
    code, out = scrub(str(src), str(tmp_path / "out.wav"))
    assert code == 0, out
    assert s.multimon_digits(tmp_path / "out.wav", 0) == ""
    assert s.multimon_digits(tmp_path / "out.wav", 1) == ""
    assert sf.info(str(tmp_path / "out.wav")).channels == 2


@needs_decoder
@pytest.mark.parametrize(
    ("suffix", "fmt", "subtype"),
    [(".ogg", "OGG", "VORBIS"), (".opus", "OGG", "OPUS"), (".mp3", "MP3", "MPEG_LAYER_III")],
)
def test_lossy_input(tmp_path: Path, suffix: str, fmt: str, subtype: str) -> None:
    x, _ = keyed_call(16000)
    src = tmp_path / f"in{suffix}"
    sf.write(str(src), x, 16000, format=fmt, subtype=subtype)
    for out_name in (f"out{suffix}", "out.wav"):
        code, out = scrub(str(src), str(tmp_path / out_name))
        assert code == 0, out
        assert s.multimon_digits(tmp_path / out_name) == ""
    assert sf.info(str(tmp_path / "out.wav")).format == "WAV"
    assert sf.info(str(tmp_path / f"out{suffix}")).format == fmt


def test_redact_ranges_bleep(tmp_path: Path) -> None:
    rate = 8000
    x = s.vowel(150.0, 3.0, rate, level_dbfs=-20.0)
    src = s.write(tmp_path / "in.wav", x, rate)
    ranges = tmp_path / "ranges.json"
    ranges.write_text(json.dumps([[1.0, 1.5], [2.0, 2.25]]))
    code, out = scrub(str(src), str(tmp_path / "out.wav"), "--redact-ranges", str(ranges))
    assert code == 0, out
    a, _ = sf.read(str(src))
    b, _ = sf.read(str(tmp_path / "out.wav"))
    bleep = b[round(1.05 * rate) : round(1.45 * rate)]
    spectrum = np.abs(np.fft.rfft(bleep))
    assert abs(np.argmax(spectrum) * rate / len(bleep) - 1000) < 10  # a 1 kHz tone now
    assert np.corrcoef(bleep, a[round(1.05 * rate) : round(1.45 * rate)])[0, 1] < 0.1
    np.testing.assert_array_equal(a[:rate], b[:rate])


@pytest.mark.parametrize(
    "content", ["{}", "[[1, 0]]", "[[-1, 2]]", "[[1, 2, 3]]", '[["a", 2]]', "not json"]
)
def test_bad_ranges(tmp_path: Path, content: str) -> None:
    src = s.write(tmp_path / "in.wav", s.noise(1.0), 8000)
    (tmp_path / "r.json").write_text(content)
    code, out = scrub(
        str(src), str(tmp_path / "out.wav"), "--redact-ranges", str(tmp_path / "r.json")
    )
    assert code == 2 and "redact range" in out
    assert not (tmp_path / "out.wav").exists()


def _truncated(tmp_path: Path) -> Path:
    data = s.write(tmp_path / "full.wav", s.noise(2.0), 8000).read_bytes()
    path = tmp_path / "in.wav"
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: (p / "in.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 8),
            "not a readable",
        ),
        (lambda p: (p / "in.wav").write_bytes(b""), "not a readable"),
        (_truncated, "truncated"),
    ],
)
def test_bad_audio_leaves_no_output(tmp_path: Path, make: object, message: str) -> None:
    make(tmp_path)  # type: ignore[operator]
    code, out = scrub(str(tmp_path / "in.wav"), str(tmp_path / "out.wav"))
    assert code == 2 and message in out
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".out", "out"))) == []


def test_usage_errors(tmp_path: Path) -> None:
    assert scrub()[0] == 2
    assert scrub(str(tmp_path / "a.wav"))[0] == 2
    assert scrub("--in-dir", str(tmp_path))[0] == 2


@needs_decoder
def test_batch_with_two_workers(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    for k, rate in enumerate([8000, 16000, 8000]):
        x, _ = keyed_call(rate, 3.0)
        s.write(tmp_path / "in" / f"call{k}.wav", x, rate)
    (tmp_path / "in" / "broken.wav").write_bytes(b"RIFF....WAVE")
    (tmp_path / "in" / "notes.txt").write_text("ignored")
    code, out = scrub(
        "--in-dir", str(tmp_path / "in"), "--out-dir", str(tmp_path / "out"), "--workers", "2"
    )
    assert code == 2 and "3 of 4 files scrubbed" in out and "broken.wav" in out
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["call0.wav", "call1.wav", "call2.wav"]
    assert all(s.multimon_digits(tmp_path / "out" / n) == "" for n in names)
