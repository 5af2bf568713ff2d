"""PHI in the recording, end to end: synthetic spoken calls with PHI at known times,
uploaded without transcripts, scored from the scrubbed audio (issue 16, item 4).

    .venv/bin/python bench/speech_phi.py [--dir DIR] [--calls 12] [--no-cache]

Each call is generated here with espeak-ng (several voices; 8 kHz telephone band or
16 kHz wideband, through sox): every line is cut at its ``[bracketed]`` PHI pieces,
each piece spoken on its own and the pieces laid end to end, so every PHI segment's
start and end are exact. The call record carries the caller's name, as an API upload
would.

Each call then goes through the pipeline's own speech path
(``callvault.pipeline.speech.plan_speech``: the built-in pocketsphinx transcriber,
the transcript redactor with the call record's known values, the mapping of spans to
time ranges, the fail-safe after PHI cues, the numbers heard by the engine's second
decoding with a grammar of number words, the review rule) and
``callvault.audio.scrub_file`` (what the job stores). The database, blob store and
audit trail of a job are not part of the measurement: they do not change which audio
is bleeped.

Scored per 10 ms frame of the original: a speech frame is one above -45 dBFS; a frame
is touched when the scrub differs from it by more than half its energy (bleeped or
silenced). Reported: the share of PHI-segment speech frames touched, the share of
other speech frames touched (in calls that play), the calls held for review (a held
call counts as silence: its PHI covered, its other speech lost), and each missed PHI
frame attributed to the recogniser (no word of that segment in the transcript at its
time) or to the redactor (a word of it was heard, and still not bleeped).

Transcripts are cached in ``DIR/cache`` by the audio's SHA-256, the vocabulary and the
number grammar (``--no-cache`` to transcribe again): the fail-safe, the number windows
and the review rule can then be tuned in seconds.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402  # after pinning the thread count
import hashlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import soundfile as sf  # type: ignore[import-untyped]  # noqa: E402  # no type hints

from callvault.audio.service import scrub_file  # noqa: E402
from callvault.calls.transcripts import RedactionSetup  # noqa: E402
from callvault.pipeline.speech import SpeechOptions, plan_speech  # noqa: E402
from callvault.redaction.policy import RedactionPolicy  # noqa: E402
from callvault.redaction.spans import Known  # noqa: E402
from callvault.transcription.models import (  # noqa: E402
    Timing,
    Transcript,
    Turn,
    Word,
    build_transcript,
)
from callvault.transcription.numbers import (  # noqa: E402
    DIGIT_WORDS,
    NUMBER_AND_DATE_WORDS,
    NUMBER_WORDS,
)
from callvault.transcription.pronounce import name_words  # noqa: E402

FRAME_S = 0.010
SPEECH_DBFS = -45.0
TOUCHED = 0.5  # difference energy over original energy
TURN_GAP_S = (0.45, 0.9)
CHUNK_GAP_S = 0.06
EDGE_S = 0.4
WPM = 160

# (label, caller name, voices (agent, caller), rate, script). PHI in [brackets],
# each bracket "label|spoken words".
CALLS: list[tuple[str, str, tuple[str, str], int, list[tuple[str, str]]]] = [
    (
        "c01",
        "Priya Okafor",
        ("en-us", "en-us+f3"),
        8000,
        [
            ("agent", "thank you for calling riverside clinic how can i help"),
            ("caller", "hi my name is [name|priya okafor] and i need a refill"),
            ("agent", "can you confirm your date of birth"),
            ("caller", "[dob|march third nineteen seventy two]"),
            ("agent", "and a phone number in case we get cut off"),
            ("caller", "sure it is [phone|five five five two one four eight eight three one]"),
            ("agent", "thanks the pharmacy will call you today"),
        ],
    ),
    (
        "c02",
        "Daniel Whitfield",
        ("en-gb", "en-us+m3"),
        16000,
        [
            ("agent", "good morning this is the billing office"),
            ("caller", "hello this is [name|daniel whitfield] calling about a bill"),
            ("agent", "what is your member id please"),
            ("caller", "my member id is [id|four five six seven eight nine two one]"),
            ("agent", "and your date of birth"),
            ("caller", "[dob|july twenty first nineteen eighty]"),
            ("agent", "i see the balance has been paid"),
        ],
    ),
    (
        "c03",
        "Maria Gonzalez",
        ("en-us+m1", "en-us+f2"),
        8000,
        [
            ("agent", "radiology scheduling how may i help you"),
            ("caller", "i want to move my appointment"),
            ("agent", "sure what is your full name"),
            ("caller", "[name|maria gonzalez]"),
            ("agent", "and the last four of your social"),
            ("caller", "[ssn|three three nine one]"),
            ("agent", "you are all set for next week"),
        ],
    ),
    (
        "c04",
        "Kwame Mensah",
        ("en-gb", "en-gb-x-rp"),
        16000,
        [
            ("agent", "patient services speaking"),
            (
                "caller",
                "my social security number is [ssn|seven four three two one six two nine eight]",
            ),
            ("agent", "thank you and your name"),
            ("caller", "my name is [name|kwame mensah]"),
            ("agent", "what is a good callback number"),
            ("caller", "[phone|two zero six five five five zero one four two]"),
            ("agent", "we will call you back this afternoon"),
        ],
    ),
    (
        "c05",
        "Ellen Brooks",
        ("en-us", "en-us+f4"),
        8000,
        [
            ("agent", "nurse line this is sam"),
            ("caller", "hi i was born on [dob|june fifth nineteen fifty nine]"),
            ("caller", "and my name is [name|ellen brooks]"),
            ("agent", "what seems to be the problem today"),
            ("caller", "i have a headache that will not go away"),
            ("agent", "can i have your member id"),
            ("caller", "[id|eight one one four two seven]"),
        ],
    ),
    (
        "c06",
        "Tomasz Nowak",
        ("en-us+m3", "en-gb-scotland"),
        16000,
        [
            ("agent", "thank you for holding"),
            ("caller", "yes this is [name|tomasz nowak]"),
            ("agent", "could you spell that for me"),
            ("caller", "[name|t o m a s z]"),
            ("agent", "and your date of birth"),
            ("caller", "[dob|october second nineteen ninety]"),
            ("agent", "perfect your results are ready"),
        ],
    ),
    (
        "c07",
        "Grace Liu",
        ("en-gb", "en-us+f3"),
        8000,
        [
            ("agent", "pharmacy refill line"),
            (
                "caller",
                "hi my phone number is [phone|four two five five five five six two one eight]",
            ),
            ("agent", "and who am i speaking with"),
            ("caller", "[name|grace liu]"),
            ("agent", "what is your date of birth"),
            ("caller", "it is [dob|december ninth nineteen sixty six]"),
            ("agent", "your refill is on the way"),
        ],
    ),
    (
        "c08",
        "Samuel Adeyemi",
        ("en-us", "en-us+m2"),
        16000,
        [
            ("agent", "billing department how can i help"),
            ("caller", "i got a letter about my account"),
            ("agent", "what is your member id"),
            ("caller", "[id|nine nine two zero four one five]"),
            ("agent", "and your name please"),
            ("caller", "[name|samuel adeyemi]"),
            ("agent", "and your social security number"),
            ("caller", "[ssn|five two three one eight four four zero six]"),
        ],
    ),
    (
        "c09",
        "Hannah Schmidt",
        ("en-us+f2", "en-gb"),
        8000,
        [
            ("agent", "appointments desk"),
            ("caller", "hello my name is [name|hannah schmidt]"),
            ("caller", "my date of birth is [dob|april fourteenth nineteen seventy eight]"),
            ("agent", "how can i help you today"),
            ("caller", "i need to cancel my visit"),
            ("agent", "and the best number to reach you"),
            ("caller", "[phone|three one two five five five nine nine zero one]"),
        ],
    ),
    (
        "c10",
        "Rafael Costa",
        ("en-gb-x-rp", "en-us+m1"),
        16000,
        [
            ("agent", "clinic front desk"),
            ("caller", "hi it is [name|rafael costa]"),
            ("agent", "can you give me your member id"),
            ("caller", "[id|six one six two seven three]"),
            ("agent", "and your date of birth"),
            ("caller", "[dob|may first nineteen eighty four]"),
            ("agent", "thank you we have updated your file"),
        ],
    ),
    (
        "c11",
        "Olivia Bennett",
        ("en-us", "en-us+f4"),
        8000,
        [
            ("agent", "lab results line"),
            ("caller", "my name is [name|olivia bennett]"),
            ("agent", "what is your social"),
            ("caller", "[ssn|four four one two nine eight three seven zero]"),
            ("agent", "and a phone number"),
            ("caller", "[phone|seven one eight five five five three two four four]"),
            ("agent", "your results are normal"),
        ],
    ),
    (
        "c12",
        "Yusuf Demir",
        ("en-gb-scotland", "en-us+m3"),
        16000,
        [
            ("agent", "good afternoon how can i help"),
            ("caller", "this is [name|yusuf demir] i am calling about a referral"),
            ("agent", "your date of birth please"),
            ("caller", "[dob|august eighteenth nineteen sixty two]"),
            ("agent", "and your member id"),
            ("caller", "[id|three zero zero seven one two]"),
            ("agent", "the referral was sent yesterday"),
        ],
    ),
]


@dataclass
class Segment:
    label: str
    words: list[str]
    start_s: float
    end_s: float


@dataclass
class Call:
    name: str
    caller_name: str
    rate: int
    path: Path
    segments: list[Segment] = field(default_factory=list)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed (apt-get install espeak-ng sox)")
    return found


def speak(text: str, voice: str, rate: int, work: Path) -> np.ndarray:
    raw, out = work / "raw.wav", work / "out.wav"
    run = [tool("espeak-ng"), "-v", voice, "-s", str(WPM), "-w", str(raw), text]
    subprocess.run(run, check=True)  # our own words
    band = ["highpass", "300", "lowpass", "3400"] if rate == 8000 else []
    sox = [tool("sox"), "-V1", "-D", str(raw), "-r", str(rate), "-c", "1", "-b", "16"]
    subprocess.run([*sox, str(out), *band], check=True)
    x, got = sf.read(str(out), dtype="float64")
    assert got == rate
    loud = np.flatnonzero(np.abs(x) > 0.01 * np.max(np.abs(x)))
    x = x[loud[0] : loud[-1] + 1]
    return np.asarray(0.5 * x / np.max(np.abs(x)))


def pieces(text: str) -> list[tuple[str | None, str]]:
    out: list[tuple[str | None, str]] = []
    for i, part in enumerate(re.split(r"[\[\]]", text)):
        part = part.strip()
        if not part:
            continue
        if i % 2:
            label, words = part.split("|", 1)
            out.append((label, words))
        else:
            out.append((None, part))
    return out


def render(spec: tuple[str, str, tuple[str, str], int, list[tuple[str, str]]], out: Path) -> Call:
    name, caller_name, voices, rate, script = spec
    rng = np.random.default_rng(int(hashlib.sha256(name.encode()).hexdigest()[:8], 16))
    call = Call(name, caller_name, rate, out / f"{name}.wav")
    parts = [np.zeros(round(EDGE_S * rate))]
    at = EDGE_S
    with tempfile.TemporaryDirectory() as tmp:
        for speaker, text in script:
            voice = voices[0] if speaker == "agent" else voices[1]
            for k, (label, words) in enumerate(pieces(text)):
                if k:
                    parts.append(np.zeros(round(CHUNK_GAP_S * rate)))
                    at += CHUNK_GAP_S
                spoken = speak(words, voice, rate, Path(tmp))
                if label is not None:
                    call.segments.append(Segment(label, words.split(), at, at + len(spoken) / rate))
                parts.append(spoken)
                at += len(spoken) / rate
            gap = float(rng.uniform(*TURN_GAP_S))
            parts.append(np.zeros(round(gap * rate)))
            at += gap
    x = np.concatenate(parts)
    x = x + rng.normal(0, 10 ** (-60 / 20), x.size)  # a faint line hiss
    sf.write(str(call.path), x, rate, subtype="PCM_16")
    return call


def transcribe(
    path: Path,
    cache: Path | None,
    vocabulary: Sequence[str] = (),
    spot: bool = False,
    number_words: Sequence[str] | None = None,
) -> Transcript:
    marks = "\nreseeded" + ("\nkws:" if spot else "")  # dither reseeded per piece
    if number_words is not None:  # the second decoding (None: the key is as before it)
        marks += "\nnumbers:" + " ".join(number_words) + "\n"
    key = path.read_bytes() + (marks + "\n".join(vocabulary)).encode()
    digest = hashlib.sha256(key).hexdigest()[:24]
    cached = cache / f"{digest}.json" if cache else None
    if cached is not None and cached.exists():
        return _load_transcript(json.loads(cached.read_text()))
    from callvault.transcription.sphinx import PocketsphinxTranscriber

    transcriber = PocketsphinxTranscriber(spot_keywords=spot, number_words=number_words)
    transcript = transcriber.transcribe_with_vocabulary(path, vocabulary)
    if cached is not None:
        cached.write_text(json.dumps(_dump_transcript(transcript)))
    return transcript


def _dump_transcript(t: Transcript) -> dict[str, Any]:
    turns: list[dict[str, Any]] = []
    words = iter(t.words)
    for line in t.text.split("\n"):
        tag, _, said = line.partition(": ")
        ws = [next(words) for _ in said.split()]
        turns.append(
            {"speaker": tag, "words": [[w.w, w.start_s, w.end_s, w.confidence] for w in ws]}
        )
    numbers = [[[w.w, w.start_s, w.end_s, w.confidence] for w in piece] for piece in t.numbers]
    return {"turns": turns, "numbers": numbers}


def _load_transcript(doc: dict[str, Any]) -> Transcript:
    turns = [
        Turn(turn["speaker"], [Word(w, s, e, c) for w, s, e, c in turn["words"]])
        for turn in doc["turns"]
    ]
    numbers = [[Word(w, s, e, c) for w, s, e, c in piece] for piece in doc.get("numbers", [])]
    return build_transcript(turns, Timing.WORD, numbers)


def frames(x: np.ndarray, rate: int) -> np.ndarray:
    n = round(FRAME_S * rate)
    usable = x[: x.size // n * n].astype(np.float64)
    return np.asarray((usable.reshape(-1, n) ** 2).sum(axis=1))


@dataclass
class Score:
    phi: int = 0
    phi_hit: int = 0
    miss_recognizer: int = 0
    miss_redactor: int = 0
    other: int = 0
    other_hit: int = 0
    other_playing: int = 0
    other_hit_playing: int = 0
    held: list[str] = field(default_factory=list)
    calls_no_phi_bleeped: int = 0
    phi_words: int = 0
    phi_words_heard: int = 0


def score_call(
    call: Call, transcript: Transcript, options: SpeechOptions, work: Path, s: Score
) -> None:
    setup = RedactionSetup(RedactionPolicy(), Known(names=(call.caller_name,)))
    plan = plan_speech(transcript, setup, options)
    out = work / f"{call.name}.scrubbed.wav"
    scrub_file(call.path, out, list(plan.ranges))
    orig, rate = sf.read(str(call.path), dtype="float64")
    scrubbed, _ = sf.read(str(out), dtype="float64")
    e = frames(orig, rate)
    d = frames(scrubbed - orig, rate)
    speech = e > (10 ** (SPEECH_DBFS / 10)) * round(FRAME_S * rate)
    touched = d > TOUCHED * e
    t = np.arange(e.size) * FRAME_S + FRAME_S / 2
    in_phi = np.zeros(e.size, dtype=bool)
    phi_hit_call = 0
    held = plan.review_reason is not None
    for seg in call.segments:
        mask = speech & (t >= seg.start_s) & (t < seg.end_s)
        in_phi |= (t >= seg.start_s) & (t < seg.end_s)
        n, hit = int(mask.sum()), int((mask & touched).sum())
        heard = [w.w for w in transcript.words if w.end_s > seg.start_s and w.start_s < seg.end_s]
        found = sum(1 for w in seg.words if w in heard)
        s.phi_words += len(seg.words)
        s.phi_words_heard += found
        s.phi += n
        if held:
            s.phi_hit += n
            continue
        s.phi_hit += hit
        phi_hit_call += hit
        if found:
            s.miss_redactor += n - hit
        else:
            s.miss_recognizer += n - hit
    other = speech & ~in_phi
    s.other += int(other.sum())
    s.other_hit += int(other.sum()) if held else int((other & touched).sum())
    if held:
        s.held.append(f"{call.name} ({plan.review_reason})")
    else:
        s.other_playing += int(other.sum())
        s.other_hit_playing += int((other & touched).sum())
        if phi_hit_call == 0:
            s.calls_no_phi_bleeped += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "speech_phi")
    parser.add_argument("--calls", type=int, default=len(CALLS))
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    cache = None if args.no_cache else args.dir / "cache"
    if cache:
        cache.mkdir(exist_ok=True)
    calls = [render(spec, args.dir) for spec in CALLS[: args.calls]]
    t0 = time.perf_counter()
    transcripts = [transcribe(c.path, cache) for c in calls]
    took = time.perf_counter() - t0
    t1 = time.perf_counter()
    hinted = [
        transcribe(c.path, cache, name_words([c.caller_name]), False, NUMBER_WORDS) for c in calls
    ]
    took_hinted = time.perf_counter() - t1
    t2 = time.perf_counter()
    spotted = [transcribe(c.path, cache, name_words([c.caller_name]), True) for c in calls]
    took_spotted = time.perf_counter() - t2
    hinted_dates = [
        transcribe(c.path, cache, name_words([c.caller_name]), False, NUMBER_AND_DATE_WORDS)
        for c in calls
    ]
    hinted_digits = [
        transcribe(c.path, cache, name_words([c.caller_name]), False, DIGIT_WORDS) for c in calls
    ]
    audio_s = sum(sf.info(str(c.path)).duration for c in calls)
    n_seg = sum(len(c.segments) for c in calls)
    print(
        f"{len(calls)} calls, {audio_s:.0f} s of audio, {n_seg} PHI segments; "
        f"transcribed in {took:.0f} s; with the caller's name in the dictionary "
        f"in {took_hinted:.0f} s; and spotted as keywords in {took_spotted:.0f} s"
    )
    plain = SpeechOptions(failsafe=False, review=False)
    before = SpeechOptions(heard_numbers=False)
    variants = [
        ("text ranges only (before)", plain, transcripts),
        ("+ fail-safe after cues", SpeechOptions(review=False, heard_numbers=False), transcripts),
        ("+ review rule", before, transcripts),
        ("caller name in the dictionary: text ranges only", plain, hinted),
        ("caller name in the dictionary: + fail-safe + review", before, hinted),
        ("+ keyword spotting: text ranges only", plain, spotted),
        ("+ keyword spotting: + fail-safe + review", before, spotted),
        (
            "names + fail-safe + review + number grammar 4 at 0.95 (default)",
            SpeechOptions(),
            hinted,
        ),
        ("  number grammar 4 at 0.9", SpeechOptions(number_threshold=0.9), hinted),
        ("  number grammar 4 at 0.85", SpeechOptions(number_threshold=0.85), hinted),
        ("  number grammar 3 at 0.95", SpeechOptions(number_window=3), hinted),
        ("  number grammar 5 at 0.9", SpeechOptions(number_window=5, number_threshold=0.9), hinted),
        ("  4 at 0.95, after a number cue 4 at 0.8", SpeechOptions(cued_threshold=0.8), hinted),
        ("  with ordinals and months, 4 at 0.9", SpeechOptions(number_threshold=0.9), hinted_dates),
        ("  digits only, 4 at 0.95", SpeechOptions(), hinted_digits),
        ("  digits only, 4 at 0.97", SpeechOptions(number_threshold=0.97), hinted_digits),
    ]
    print(
        "| variant | PHI frames bleeped | by recogniser missed | by redactor missed "
        "| other speech touched (playing) | calls held | playing calls with no PHI bleeped "
        "| PHI words heard |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, options, heard in variants:
        s = Score()
        for call, transcript in zip(calls, heard, strict=True):
            score_call(call, transcript, options, args.dir, s)
        missed = max(s.phi - s.phi_hit, 1)
        print(
            f"| {name} | {s.phi_hit / s.phi:.1%} | {s.miss_recognizer / missed:.0%} "
            f"| {s.miss_redactor / missed:.0%} "
            f"| {s.other_hit_playing / max(s.other_playing, 1):.1%} "
            f"| {len(s.held)} of {len(calls)} | {s.calls_no_phi_bleeped} "
            f"| {s.phi_words_heard}/{s.phi_words} |"
        )
        if s.held:
            print(f"  held: {', '.join(s.held)}")


if __name__ == "__main__":
    main()
