"""DTMF scrub speed on one core: ``callvault.audio.scrub_file`` on a synthetic 8 kHz
mono 16-bit WAV (speech-like noise with keypad tones), as x real time, vs a plain
``soundfile`` read-and-write of the same WAV measured in the same run. Then the
built-in transcriber's real-time factor on espeak-ng speech at 16 and 8 kHz.

    .venv/bin/python bench/audio.py [--minutes 10] [--repeats 3] [--dir /tmp]

BLAS and OpenMP are pinned to one thread before numpy loads: the target (>= 500x
real time) is per core, and batch mode scales by processes.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402  # after pinning the thread count
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import soundfile as sf  # type: ignore[import-untyped]  # noqa: E402  # no type hints

from callvault.audio.service import scrub_file  # noqa: E402

RATE = 8000
LOW = (697.0, 770.0, 852.0, 941.0)
HIGH = (1209.0, 1336.0, 1477.0, 1633.0)


def synthetic_call(seconds: float, seed: int = 7) -> np.ndarray:
    """Noise shaped like speech bursts, with a 16-digit keypad entry every 20 s."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    x = rng.normal(0, 0.02, n) * (1 + np.sin(2 * np.pi * 3 * np.arange(n) / RATE))
    for at in np.arange(5.0, seconds - 5, 20.0):
        for k in range(16):
            start = int((at + 0.15 * k) * RATE)
            t = np.arange(int(0.08 * RATE)) / RATE
            lo, hi = rng.choice(LOW), rng.choice(HIGH)
            x[start : start + len(t)] = 0.2 * (
                np.sin(2 * np.pi * lo * t) + np.sin(2 * np.pi * hi * t)
            )
    return np.clip(x, -1, 1)


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def plain_copy(src: Path, dst: Path) -> None:
    data, rate = sf.read(str(src), dtype="int16")
    sf.write(str(dst), data, rate, subtype="PCM_16")


# A clinic call's worth of words, said by espeak-ng: real speech for the transcriber.
SPEECH = (
    "thank you for calling the clinic, how can i help you today. "
    "i would like to book an appointment for next tuesday morning. "
    "can i have your member id please. my member id is four five six seven eight. "
    "and your date of birth. march third nineteen eighty two. "
    "thank you, we will call you back on the number on file. "
)


def transcription_rtf(tmp: Path, rate: int, seconds: float) -> float | None:
    """The built-in transcriber's real-time factor (CPU seconds of this process per
    second of audio) on espeak-ng speech at ``rate``; None without espeak-ng or sox."""
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    if espeak is None or sox is None:
        return None
    from callvault.transcription.sphinx import PocketsphinxTranscriber

    said, wav = Path(tmp, "said.wav"), Path(tmp, f"speech{rate}.wav")
    repeats = max(1, round(seconds / 25))  # one pass of SPEECH is about 25 s
    subprocess.run(
        [espeak, "-v", "en-us+klatt", "-s", "140", "-w", str(said), SPEECH * repeats], check=True
    )
    subprocess.run([sox, str(said), "-r", str(rate), "-c", "1", "-b", "16", str(wav)], check=True)
    transcriber = PocketsphinxTranscriber()
    started = time.process_time()
    transcriber.transcribe(wav)
    return (time.process_time() - started) / sf.info(str(wav)).duration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--speech", type=float, default=75.0, help="seconds of speech")
    args = parser.parse_args()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        src, out, copy = Path(tmp, "call.wav"), Path(tmp, "scrubbed.wav"), Path(tmp, "copy.wav")
        sf.write(str(src), synthetic_call(seconds), RATE, subtype="PCM_16")
        scrub = best_of(args.repeats, lambda: scrub_file(src, out))
        plain = best_of(args.repeats, lambda: plain_copy(src, copy))
        tones = scrub_file(src, out).tones
        rtfs = {rate: transcription_rtf(Path(tmp), rate, args.speech) for rate in (16000, 8000)}
    print(f"audio: {seconds:.0f} s, 8 kHz mono 16-bit; {tones} keypad tones found")
    print(f"dtmf scrub:     {scrub:.3f} s  = {seconds / scrub:,.0f}x real time")
    print(f"plain read+write: {plain:.3f} s = {seconds / plain:,.0f}x real time")
    print(f"scrub / plain time ratio: {scrub / plain:.1f}")
    for rate, rtf in rtfs.items():
        found = "not measured (needs espeak-ng and sox)" if rtf is None else f"{rtf:.3f}"
        print(f"transcription RTF, {rate // 1000} kHz mono speech (aim <= 0.5): {found}")


if __name__ == "__main__":
    main()
