"""From a recogniser's transcript to the stretches of the recording to bleep, and
whether the call can be vouched for at all (issue 16, item 4).

``plan_speech`` is what the pipeline does with a transcript it made itself:

1. the transcript is redacted like an uploaded one (``redact_transcript``), and the
   words of every span give a time range (``redaction.timing``);
2. the **fail-safe**: a recogniser mishears most PHI (names it has no entry for,
   digits heard as "for" or "to"), but it often hears the question or the lead-in
   ("date of birth", "my social", "member id", "spell that"). After such a cue, the
   speech that follows, up to the next pause, is bleeped unless every word there is
   confidently not PHI. Each added range says why (``AddedRange``: the cue's label,
   never its words, and the rule), like a span carries its explanation. Stretches
   that read like a number are bleeped with no cue, and so are those where the
   engine's second decoding with a grammar of number words was sure of a number
   (``heard_number_ranges``, ``Transcript.numbers``);
3. the **review rule**: a call whose recognition is too poor to vouch for is held
   (``review_reason``), not played as scrubbed, until a person has checked it.

Everything here is pure (no database, no audio): ``bench/speech_phi.py`` scores it on
synthetic calls, and the pipeline's job stores what it returns.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from callvault.audio.ranges import TimeRange
from callvault.calls.schemas import TranscriptIn
from callvault.calls.transcripts import RedactedTranscript, RedactionSetup, redact_transcript
from callvault.redaction.lexicon import ORDINALS, TEENS, TENS, UNITS
from callvault.transcription.models import Transcript, Word
from callvault.transcription.numbers import MIN_MEAN_POSTERIOR, WINDOW, number_spans

# --- the fail-safe -------------------------------------------------------------------

PAUSE_S = 0.6  # a gap between recognised words longer than this ends the stretch
ANSWER_WAIT_S = 4.0  # a cue at the end of a question: the answer may start this late
MAX_STRETCH_S = 8.0  # never bleep more than this after one cue
PAD_S = 0.12  # around the bleeped words: word edges from the decoder are rough
CONFIDENT = 0.5  # a word's posterior at or above this is believed

# Cues, by label: each a sequence of words that must appear in order, adjacent. The
# recogniser mishears even these, so the lists hold what it was seen to write for them
# on espeak-ng speech (bench/speech_phi.py) as well as the words themselves.
CUES: dict[str, tuple[tuple[str, ...], ...]] = {
    "ssn": (("social",), ("security",), ("last", "four"), ("socials",)),
    "dob": (("birth",), ("birthday",), ("born",), ("date", "of"), ("d", "o", "b")),
    "address": (("address",), ("street",), ("zip",)),
    "id": (("member",), ("i.d.",), ("id",), ("account", "number"), ("policy",), ("card",)),
    "spelling": (("spell",), ("spelled",), ("spelling",)),
    "phone": (("phone",), ("callback",), ("number",), ("reach", "you")),
    "name": (("name",), ("speaking", "with"), ("it's",), ("full", "name")),
}
# Left out (2026-12-07, bench/speech_phi.py): "this is" (an agent or an office introduces
# itself with it as often as a caller) and a bare question ("what is your", "what's
# your", "give me your": it precedes any question, and the detail asked for has its own
# cue). Together they bleeped 3.4 % of other speech and no PHI that nothing else did.
SHORT_TAIL = 2  # a cue followed by this few words before a pause: the answer comes next

# Words that, heard with confidence, are not PHI: function words and the small talk of
# a call. Digits, months, ordinals and their homophones ("to", "for", "won", "ate",
# "oh") are deliberately absent: in a stretch after a cue they may be the PHI.
_COMMON_WORDS = """
    a about again all am an and any anything are as at be been but by can could did
    do does doing don't else get go going good had has have help hello hi how i i'm
    if in is it just let's like me much my need no not of okay on or our please right
    see so sorry sure than thank thanks that that's the their them then there this
    today very want was we we'll well were what when where which will with would yes
    yeah you you're your appointment call calling clinic refill pharmacy bill
    billing office results visit doctor nurse
"""
COMMON = frozenset(_COMMON_WORDS.split())


# Digit words and what the recogniser writes for them ("for", "to", "won", "ate").
DIGIT_WORDS = frozenset([*UNITS, *TEENS, *TENS, *ORDINALS, "hundred", "double", "triple"])
DIGIT_HOMOPHONES = frozenset(["to", "too", "for", "fore", "won", "ate", "oh", "tree", "free"])
MIN_DIGITS = 2  # a stretch with this many digit words (and a third, or a homophone) reads a number
MIN_NUMBER_WORDS = 3


@dataclass(frozen=True)
class AddedRange:
    """A stretch the fail-safe bleeps, and why (no transcript words: they are PHI)."""

    start_s: float
    end_s: float
    cue: str  # the cue's label: "ssn", "dob", "address", "id", "spelling", "phone", "name"
    words: int  # how many recognised words it covers
    explanation: str

    def as_dict(self) -> dict[str, object]:
        return {
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "cue": self.cue,
            "words": self.words,
            "explanation": self.explanation,
        }


def confidently_not_phi(word: Word) -> bool:
    """Heard with confidence, and a word that is never PHI on its own."""
    sure = word.confidence is not None and word.confidence >= CONFIDENT
    return sure and word.w.lower() in COMMON


def find_cues(words: Sequence[Word]) -> list[tuple[int, str]]:
    """(index of the cue's last word, label) for every cue heard, in order."""
    tokens = [w.w.lower() for w in words]
    found: list[tuple[int, str]] = []
    for i in range(len(tokens)):
        for label, patterns in CUES.items():
            if any(_ends_at(tokens, i, p) for p in patterns):
                found.append((i, label))
                break
    return found


def _cue_length(words: Sequence[Word], cue: tuple[int, str]) -> int:
    """How many words the cue ending at ``cue[0]`` spans (its longest pattern there)."""
    tokens = [w.w.lower() for w in words]
    return max(len(p) for p in CUES[cue[1]] if _ends_at(tokens, cue[0], p))


def _ends_at(tokens: Sequence[str], i: int, pattern: tuple[str, ...]) -> bool:
    start = i - len(pattern) + 1
    return start >= 0 and tuple(tokens[start : i + 1]) == pattern


def failsafe_ranges(words: Sequence[Word]) -> list[AddedRange]:
    """After each cue: the next stretch of speech (which may begin after one pause:
    the answer to a question), up to a pause longer than ``PAUSE_S``, trimmed to its
    words that are not confidently non-PHI. A stretch of only confident non-PHI words
    adds nothing. Ranges may overlap (``merge`` joins them)."""
    added: list[AddedRange] = []
    cues = find_cues(words)
    for n, (at, label) in enumerate(cues):
        stop = cues[n + 1][0] - _cue_length(words, cues[n + 1]) + 1 if n + 1 < len(cues) else None
        stretch = [k for k in _stretch_after(words, at) if stop is None or k < stop]
        doubtful = [k for k in stretch if not confidently_not_phi(words[k])]
        if not doubtful:
            continue
        first, last = doubtful[0], doubtful[-1]
        start = max(words[first].start_s - PAD_S, words[at].end_s)
        end = words[last].end_s + PAD_S
        if last + 1 < len(words):
            end = min(end, max(words[last + 1].start_s, words[last].end_s))
        added.append(
            AddedRange(
                start,
                end,
                label,
                last - first + 1,
                f"after a {label} cue: {last - first + 1} word(s) up to the next pause "
                f"over {PAUSE_S:g} s, not confidently non-PHI",
            )
        )
    return added


def number_ranges(words: Sequence[Word]) -> list[AddedRange]:
    """A stretch (between pauses over ``PAUSE_S``) that reads like a number, with no
    cue heard: at least ``MIN_DIGITS`` digit words and ``MIN_NUMBER_WORDS`` digit words
    or homophones, at any confidence. Bleeped from its first such word to its last."""
    added: list[AddedRange] = []
    for stretch in _stretches(words):
        numeric = [k for k in stretch if words[k].w.lower() in DIGIT_WORDS | DIGIT_HOMOPHONES]
        digits = sum(1 for k in numeric if words[k].w.lower() in DIGIT_WORDS)
        if digits < MIN_DIGITS or len(numeric) < MIN_NUMBER_WORDS:
            continue
        first, last = numeric[0], numeric[-1]
        start = words[first].start_s - PAD_S
        if first > 0:
            start = max(start, min(words[first - 1].end_s, words[first].start_s))
        end = words[last].end_s + PAD_S
        if last + 1 < len(words):
            end = min(end, max(words[last + 1].start_s, words[last].end_s))
        added.append(
            AddedRange(
                max(start, 0.0),
                end,
                "number",
                last - first + 1,
                f"{len(numeric)} digit words or homophones between pauses: a number read out",
            )
        )
    return added


# Cues after which a number is the expected answer: there the second opinion is
# believed at a lower mean posterior (``SpeechOptions.cued_threshold``).
NUMBER_CUES = frozenset(["ssn", "dob", "id", "phone", "address"])


def heard_number_ranges(
    transcript: Transcript,
    window: int = WINDOW,
    threshold: float = MIN_MEAN_POSTERIOR,
    cued_threshold: float | None = None,
) -> list[AddedRange]:
    """The stretches where the engine's second opinion (each piece decoded with a
    grammar of number words, ``transcription/numbers.py``) was sure a number was read
    out, whatever words the language model wrote there. In a piece that holds or
    follows (within ``ANSWER_WAIT_S``) a cue for a number, ``cued_threshold`` applies
    instead of ``threshold`` if it is given. Padded like the other ranges."""
    words = transcript.words
    cued_at = [words[k].end_s for k, label in find_cues(words) if label in NUMBER_CUES]
    added = []
    spans = []
    for piece in transcript.numbers:
        cued = any(piece[0].start_s - ANSWER_WAIT_S <= t <= piece[-1].end_s for t in cued_at)
        bar = cued_threshold if cued and cued_threshold is not None else threshold
        heard = [(w.start_s, w.end_s, w.confidence or 0.0) for w in piece]
        spans += number_spans(heard, window, bar)
    for start, end in spans:
        inside = sum(1 for w in words if start <= (w.start_s + w.end_s) / 2 <= end)
        added.append(
            AddedRange(
                max(start - PAD_S, 0.0),
                end + PAD_S,
                "number",
                inside,
                "number words heard with confidence by the number-grammar decoding",
            )
        )
    return added


def _stretches(words: Sequence[Word]) -> list[list[int]]:
    out: list[list[int]] = []
    for k, word in enumerate(words):
        if out and word.start_s - words[k - 1].end_s <= PAUSE_S:
            out[-1].append(k)
        else:
            out.append([k])
    return out


def _stretch_after(words: Sequence[Word], at: int) -> list[int]:
    """Indexes of the words after ``words[at]`` up to the next long pause."""
    out: list[int] = []
    k = at + 1
    if k < len(words) and words[k].start_s - words[at].end_s > ANSWER_WAIT_S:
        return out
    limit = words[at].end_s + MAX_STRETCH_S
    stretches = 0
    while k < len(words) and words[k].start_s < limit:
        if out and words[k].start_s - words[k - 1].end_s > PAUSE_S:
            # the cue ended a question ("your name please"): take the answer too
            if stretches or len(out) > SHORT_TAIL:
                break
            stretches += 1
        out.append(k)
        k += 1
    return out


def merge(ranges: Sequence[TimeRange]) -> list[TimeRange]:
    out: list[list[float]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


# --- the review rule -----------------------------------------------------------------

LOW_CONFIDENCE = 0.3  # a word whose posterior is below this is a guess
# More guessed words than this share, and the call is held. On bench/speech_phi.py
# (espeak-ng calls) every call has 35-70 % guessed words: recognition there is poor
# throughout, and this share hardly tells calls apart. 0.68 holds the worst call
# (70 %) and no other, within the bound of 1 call in 10 held; a site with a
# better recogniser sees far fewer guesses, and should lower it.
MAX_LOW_SHARE = 0.68
MIN_SCORED = 5  # fewer scored words than this: no share to judge by


def review_reason(transcript: Transcript) -> str | None:
    """Why the recognition of this call cannot be vouched for, or None. The reason is
    a fixed phrase (it is stored as the job's reason): never transcript content."""
    scored = [w.confidence for w in transcript.words if w.confidence is not None]
    if len(scored) < MIN_SCORED:
        return None  # an importer's transcript (no posteriors), or next to no speech
    low = sum(1 for c in scored if c < LOW_CONFIDENCE) / len(scored)
    if low > MAX_LOW_SHARE:
        return "LowRecognitionConfidence"
    return None


# --- the plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeechOptions:
    failsafe: bool = True
    review: bool = True
    heard_numbers: bool = True  # with the fail-safe: bleep ``Transcript.numbers`` too
    number_window: int = WINDOW
    number_threshold: float = MIN_MEAN_POSTERIOR
    cued_threshold: float | None = None  # after a number cue (``heard_number_ranges``)


@dataclass(frozen=True)
class SpeechPlan:
    """What to store and bleep for a transcript the pipeline made."""

    redacted: RedactedTranscript  # its document's redacted_time_ranges include ``added``
    ranges: tuple[TimeRange, ...]
    added: tuple[AddedRange, ...] = field(default=())
    review_reason: str | None = None


def transcript_in(transcript: Transcript) -> TranscriptIn:
    """A transcriber's output in the form an uploaded transcript takes."""
    words = [{"word": w.w, "start": w.start_s, "end": w.end_s} for w in transcript.words]
    return TranscriptIn.model_validate({"text": transcript.text, "words": words})


def plan_speech(
    transcript: Transcript,
    setup: RedactionSetup,
    options: SpeechOptions | None = None,
) -> SpeechPlan:
    """Redact ``transcript``, add the fail-safe's ranges, judge the recognition."""
    options = options or SpeechOptions()
    redacted = redact_transcript(transcript_in(transcript), setup)
    text_ranges = list(redacted.time_ranges or ())
    added = []
    if options.failsafe:
        added = failsafe_ranges(transcript.words) + number_ranges(transcript.words)
        if options.heard_numbers:
            added += heard_number_ranges(
                transcript, options.number_window, options.number_threshold, options.cued_threshold
            )
    ranges = merge([*text_ranges, *((a.start_s, a.end_s) for a in added)])
    reason = review_reason(transcript) if options.review else None
    if added or reason:
        redacted = _with_plan(redacted, ranges, added, reason)
    return SpeechPlan(redacted, tuple(ranges), tuple(added), reason)


def _with_plan(
    redacted: RedactedTranscript,
    ranges: Sequence[TimeRange],
    added: Sequence[AddedRange],
    reason: str | None,
) -> RedactedTranscript:
    """The stored document with the fail-safe's ranges in ``redacted_time_ranges`` (so
    a later scrub from the stored transcript bleeps them too), their explanations under
    ``audio_failsafe`` and the review reason under ``audio_review`` (so a retried job
    holds the call too)."""
    document = json.loads(redacted.redacted)
    document["redacted_time_ranges"] = [[s, e] for s, e in ranges]
    document["audio_failsafe"] = [a.as_dict() for a in added]
    if reason is not None:
        document["audio_review"] = reason
    return RedactedTranscript(
        json.dumps(document, ensure_ascii=False).encode(), redacted.original, tuple(ranges)
    )
