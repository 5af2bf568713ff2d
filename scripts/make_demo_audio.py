#!/usr/bin/env python3
"""Regenerate the demo's spoken recordings and word-timed transcripts.

    .venv/bin/python scripts/make_demo_audio.py

Reads the scripts in ``src/callvault/demo/calls.json`` and writes, next to it, one
8 kHz mono 16-bit WAV per call (``<audio>.wav``) and, for a call with ``"transcript":
true``, its transcript as ``PUT /api/v1/calls/{id}/transcript`` takes it
(``<audio>.transcript.json``: text with speaker tags, and every word's start and end).
The results are committed: ``callvault demo`` only reads them. Everything is synthetic.

Needs ``espeak-ng`` and ``sox`` (Debian packages) and the project's .venv (numpy,
soundfile). Each line of a script is cut at its ``[bracketed]`` stretches (the PHI:
names, dates of birth, phone numbers, member ids); every piece is spoken on its own by
espeak-ng and the pieces are laid end to end, so the times where PHI starts and ends
are exact (the pipeline bleeps PHI by word times); the words inside a piece share its
time by their letters. ``keypad`` lines are DTMF digits (120 ms tones, 100 ms apart),
which the transcript leaves out, as a speech recogniser would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf  # type: ignore[import-untyped]

DEMO_DIR = Path(__file__).resolve().parent.parent / "src" / "callvault" / "demo"
RATE = 8000
VOICES = {"agent": "en-us", "caller": "en-us+f3"}
SPEED_WPM = 165
CHUNK_GAP_S = 0.06  # between the chunks of one line
TURN_GAP_S = 0.40  # between lines
EDGE_S = 0.30  # silence at the start and the end
SPEECH_PEAK = 0.6
SILENCE = 0.01  # below this (of the peak) counts as silence when trimming a word
DTMF_ON_S = 0.12
DTMF_OFF_S = 0.10
DTMF_LEVEL = 0.25  # each of the pair: about -12 dBFS
DTMF_ROWS = {"123A": 697.0, "456B": 770.0, "789C": 852.0, "*0#D": 941.0}
DTMF_COLS = {"147*": 1209.0, "2580": 1336.0, "369#": 1477.0, "ABCD": 1633.0}


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed (apt-get install espeak-ng sox)")
    return found


def speak(text: str, voice: str, work: Path) -> np.ndarray[Any, np.dtype[np.float64]]:
    """``text`` spoken by espeak-ng, at 8 kHz through a telephone band, silence trimmed."""
    raw, narrow = work / "raw.wav", work / "narrow.wav"
    espeak = [tool("espeak-ng"), "-v", voice, "-s", str(SPEED_WPM), "-w", str(raw), text]
    subprocess.run(espeak, check=True)  # noqa: S603  # our own script's words
    band = ["highpass", "300", "lowpass", "3400"]  # no dither (-D): silence stays silent
    sox = [tool("sox"), "-V1", "-D", str(raw), "-r", str(RATE), "-c", "1", "-b", "16"]
    subprocess.run([*sox, str(narrow), *band], check=True)  # noqa: S603
    samples, rate = sf.read(str(narrow), dtype="float64")
    assert rate == RATE
    loud = np.flatnonzero(np.abs(samples) > SILENCE * np.max(np.abs(samples)))
    if loud.size == 0:
        raise SystemExit(f"espeak-ng said nothing for {text!r}")
    return np.asarray(samples[loud[0] : loud[-1] + 1])


def dtmf(digit: str) -> np.ndarray[Any, np.dtype[np.float64]]:
    row = next(f for keys, f in DTMF_ROWS.items() if digit in keys)
    col = next(f for keys, f in DTMF_COLS.items() if digit in keys)
    t = np.arange(round(DTMF_ON_S * RATE)) / RATE
    ramp = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.004)  # 4 ms fades: no clicks
    tone = DTMF_LEVEL * (np.sin(2 * np.pi * row * t) + np.sin(2 * np.pi * col * t)) * ramp
    return np.concatenate([tone, np.zeros(round(DTMF_OFF_S * RATE))])


def silence(seconds: float) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.zeros(round(seconds * RATE))


def chunks(text: str) -> list[str]:
    """The line cut at its ``[bracketed]`` stretches (the PHI), brackets dropped."""
    found = [c.strip() for c in re.split(r"[\[\]]", text)]
    return [c for c in found if c]


def render(call: dict[str, Any], work: Path) -> tuple[np.ndarray[Any, Any], dict[str, Any]]:
    """The call's samples and its transcript (text and timed words)."""
    parts = [silence(EDGE_S)]
    at = EDGE_S
    lines: list[str] = []
    words: list[dict[str, Any]] = []
    for speaker, text in call["script"]:
        if speaker == "keypad":
            for digit in text:
                parts.append(dtmf(digit))
                at += DTMF_ON_S + DTMF_OFF_S
        else:
            pieces = chunks(text)
            lines.append(f"{speaker}: " + " ".join(pieces))
            for i, piece in enumerate(pieces):
                spoken = speak(piece, VOICES[speaker], work)
                spoken *= SPEECH_PEAK / np.max(np.abs(spoken))
                end = at + len(spoken) / RATE
                words += timed_words(piece.split(), at, end)
                parts.append(spoken)
                at = end
                if i < len(pieces) - 1:
                    parts.append(silence(CHUNK_GAP_S))
                    at += CHUNK_GAP_S
        parts.append(silence(TURN_GAP_S))
        at += TURN_GAP_S
    parts.append(silence(max(EDGE_S - TURN_GAP_S, 0.0)))
    transcript = {"text": "\n".join(lines), "words": words, "language": "en"}
    return np.concatenate(parts), transcript


def timed_words(tokens: list[str], start: float, end: float) -> list[dict[str, Any]]:
    """Times for the words of one spoken chunk: its span shared out by letters (plus
    one each, for the short words); exact at the chunk's edges."""
    weights = [len(t) + 1 for t in tokens]
    scale = (end - start) / sum(weights)
    out = []
    at = start
    for token, weight in zip(tokens, weights, strict=True):
        stop = at + weight * scale
        out.append({"word": token, "start": round(at, 3), "end": round(stop, 3)})
        at = stop
    return out


def transcript_json(transcript: dict[str, Any]) -> str:
    """The transcript as JSON, a word a line (readable in a diff)."""
    words = ",\n".join("  " + json.dumps(w) for w in transcript["words"])
    head = {k: v for k, v in transcript.items() if k != "words"}
    return json.dumps(head)[:-1] + ', "words": [\n' + words + "\n]}\n"


def main() -> int:
    calls = json.loads((DEMO_DIR / "calls.json").read_text("utf-8"))
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for call in calls:
            samples, transcript = render(call, Path(tmp))
            wav = DEMO_DIR / f"{call['audio']}.wav"
            sf.write(str(wav), np.clip(samples, -1.0, 1.0), RATE, subtype="PCM_16")
            words_file = DEMO_DIR / f"{call['audio']}.transcript.json"
            if call["transcript"]:
                words_file.write_text(transcript_json(transcript), "utf-8")
            else:
                words_file.unlink(missing_ok=True)
            size = wav.stat().st_size
            total += size
            print(f"{wav.name}: {len(samples) / RATE:.1f} s, {size} bytes")
    print(f"total: {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
