"""The speech plan's fail-safe and review rule (``callvault.pipeline.speech``): tables
of recognised words with times and posteriors, and what gets bleeped or held."""

from __future__ import annotations

import json

import pytest

from callvault.calls.transcripts import RedactionSetup
from callvault.pipeline.speech import (
    SpeechOptions,
    failsafe_ranges,
    find_cues,
    merge,
    number_ranges,
    plan_speech,
    review_reason,
)
from callvault.redaction.policy import RedactionPolicy
from callvault.redaction.spans import Known
from callvault.transcription.models import Timing, Transcript, Turn, Word, build_transcript


def said(spec: str, sure: float = 0.9, step: float = 0.3) -> list[Word]:
    """``"my social is | seven for three"``: words 0.3 s apart, ``|`` a 1 s pause;
    ``word?`` is heard with posterior 0.05, others with ``sure``."""
    words: list[Word] = []
    at = 0.0
    for token in spec.split():
        if token == "|":
            at += 1.0
            continue
        guessed = token.endswith("?")
        words.append(Word(token.rstrip("?"), at, at + step - 0.05, 0.05 if guessed else sure))
        at += step
    return words


def spans(words: list[Word], ranges: list[tuple[float, float]]) -> list[str]:
    """The words each range covers (by their midpoints), as text."""
    return [
        " ".join(w.w for w in words if start <= (w.start_s + w.end_s) / 2 <= end)
        for start, end in ranges
    ]


@pytest.mark.parametrize(
    ("spec", "cues"),
    [
        ("my social is four", ["ssn"]),
        ("social security number", ["ssn", "ssn", "phone"]),
        ("what is your date of birth", ["dob", "dob"]),
        ("i was born on june", ["dob"]),
        ("can you spell that", ["spelling"]),
        ("my member id is", ["id", "id"]),
        ("the best callback", ["phone"]),
        ("my name is", ["name"]),
        # non-matches: cue words out of order or alone where they are not cues
        ("date night", []),
        ("of date", []),
        ("the weather is nice today", []),
        # left out: an introduction and a bare question are not cues
        ("this is the billing office", []),
        ("what is your question", []),
    ],
)
def test_cues_are_found_by_their_last_word(spec: str, cues: list[str]) -> None:
    assert [label for _, label in find_cues(said(spec))] == cues


@pytest.mark.parametrize(
    ("spec", "bleeped"),
    [
        # the answer right after the cue, up to the pause
        ("my social is seven? for? three? | thanks", ["seven for three"]),
        # a cue ending a question: the answer is the next stretch
        ("what is your date of birth | march? third? nineteen?", ["march third nineteen"]),
        # a short tail after the cue ("please") does not end the search for the answer
        ("your name please | okafor? | thanks", ["okafor"]),
        # confident common words at the edges are left alone
        ("my name is prya? and i need a refill", ["prya"]),
        # a stretch of only confident common words adds nothing
        ("my name is | thank you | okafor?", []),
        # the next cue ends the stretch: the agent's next question is not bleeped
        ("my name is priya? what is your social | four?", ["priya", "four"]),
    ],
)
def test_the_failsafe_bleeps_the_speech_after_a_cue(spec: str, bleeped: list[str]) -> None:
    words = said(spec)
    added = failsafe_ranges(words)
    assert spans(words, merge([(a.start_s, a.end_s) for a in added])) == bleeped
    for a in added:  # every range explains itself without transcript words
        assert a.cue in a.explanation and a.words >= 1
        assert not any(w.w in a.explanation for w in words if (w.confidence or 0) < 0.5)


def test_a_failsafe_range_never_starts_before_its_cue_ends() -> None:
    words = said("my social is seven?")
    [added] = failsafe_ranges(words)
    assert added.start_s >= words[1].end_s


def test_an_answer_long_after_the_cue_is_not_taken() -> None:
    words = [Word("social", 0.0, 0.5, 0.9), Word("four", 6.0, 6.3, 0.1)]
    assert failsafe_ranges(words) == []


@pytest.mark.parametrize(
    ("spec", "bleeped"),
    [
        ("it is five five for two one | thanks", ["five five for two one"]),
        ("to one six to | bye", ["to one six to"]),
        # non-matches: one digit word, or digits split by pauses
        ("i have one question", []),
        ("one | two | three", []),
        ("for two to", []),  # a single true digit among homophones
    ],
)
def test_a_number_read_out_is_bleeped_without_a_cue(spec: str, bleeped: list[str]) -> None:
    words = said(spec)
    added = number_ranges(words)
    assert spans(words, [(a.start_s, a.end_s) for a in added]) == bleeped


@pytest.mark.parametrize(
    ("confidences", "held"),
    [
        ([0.9] * 20, False),
        ([0.1] * 13 + [0.9] * 7, False),  # 65 % guessed
        ([0.1] * 14 + [0.9] * 6, True),  # 70 % guessed
        ([0.01] * 4, False),  # too few words to judge
        ([None] * 20, False),  # an importer's transcript: no posteriors
    ],
)
def test_a_call_is_held_when_most_words_are_guesses(
    confidences: list[float | None], held: bool
) -> None:
    words = [Word("word", i * 0.3, i * 0.3 + 0.25, c) for i, c in enumerate(confidences)]
    transcript = build_transcript([Turn("speaker", words)], Timing.WORD)
    reason = review_reason(transcript)
    assert (reason is not None) == held
    if held:
        assert reason == "LowRecognitionConfidence"


def setup(*names: str) -> RedactionSetup:
    return RedactionSetup(RedactionPolicy(), Known(names=names))


def test_the_plan_stores_the_failsafe_ranges_and_their_explanations() -> None:
    words = said("my social is seven? for? three? | thanks")
    transcript = build_transcript([Turn("caller", words)], Timing.WORD)
    plan = plan_speech(transcript, setup())
    document = json.loads(plan.redacted.redacted)
    assert document["redacted_time_ranges"] == [list(r) for r in plan.ranges]
    assert plan.redacted.time_ranges == plan.ranges
    assert [a["cue"] for a in document["audio_failsafe"]] == ["ssn", "number"]
    assert "audio_review" not in document and plan.review_reason is None


def test_the_plan_records_why_a_call_is_held() -> None:
    words = said(" ".join(["mumble?"] * 10))
    plan = plan_speech(build_transcript([Turn("speaker", words)]), setup())
    assert plan.review_reason == "LowRecognitionConfidence"
    assert json.loads(plan.redacted.redacted)["audio_review"] == "LowRecognitionConfidence"


def test_without_the_failsafe_only_the_text_ranges_are_bleeped() -> None:
    words = said("my name is quinn fictional | seven? for? three?")
    transcript = build_transcript([Turn("caller", words)], Timing.WORD)
    off = plan_speech(transcript, setup("Quinn Fictional"), SpeechOptions(failsafe=False))
    on = plan_speech(transcript, setup("Quinn Fictional"))
    assert spans(words, list(off.ranges)) == ["quinn fictional"]
    assert spans(words, list(on.ranges)) == ["quinn fictional", "seven for three"]
    assert off.added == () and "audio_failsafe" not in json.loads(off.redacted.redacted)


def test_an_uploaded_transcripts_words_carry_no_confidence() -> None:
    transcript = Transcript("speaker: hello", (Word("hello", 0.0, 0.5),))
    assert transcript.words[0].confidence is None
    assert transcript.words[0].as_dict() == {"w": "hello", "start_s": 0.0, "end_s": 0.5}


def with_numbers(words: list[Word], *pieces: list[float]) -> Transcript:
    """A transcript of ``words`` whose second opinion heard number words with these
    posteriors, one piece per list, 0.3 s a word from 10 s on (pieces 5 s apart)."""
    numbers = [
        [
            Word("five", 10 + 5 * n + 0.3 * k, 10 + 5 * n + 0.3 * k + 0.25, p)
            for k, p in enumerate(ps)
        ]
        for n, ps in enumerate(pieces)
    ]
    return build_transcript([Turn("speaker", words)], Timing.WORD, numbers)


def test_a_number_the_second_opinion_is_sure_of_is_bleeped_whatever_the_words() -> None:
    words = said("thank you | like a gift to kill you")  # no cue, no digit word
    transcript = with_numbers(words, [1.0, 0.98, 0.95, 0.97, 0.2], [0.4, 0.5, 0.3, 0.6])
    plan = plan_speech(transcript, setup())
    [added] = plan.added
    assert added.cue == "number" and "number-grammar" in added.explanation
    # the sure piece, from its first word to the fourth, padded; the doubtful one left
    assert (added.start_s, added.end_s) == pytest.approx((10 - 0.12, 10.9 + 0.25 + 0.12))
    assert list(plan.ranges) == [(added.start_s, added.end_s)]


def test_a_window_never_spans_two_pieces() -> None:
    # two pieces of two sure words each: no window of four within one piece
    assert plan_speech(with_numbers(said("hello"), [0.99] * 2, [0.99] * 2), setup()).added == ()


@pytest.mark.parametrize(
    "options",
    [
        SpeechOptions(heard_numbers=False),
        SpeechOptions(failsafe=False),
        SpeechOptions(number_threshold=0.99),
    ],
)
def test_the_second_opinion_can_be_left_out(options: SpeechOptions) -> None:
    transcript = with_numbers(said("hello there"), [0.98] * 6)
    assert plan_speech(transcript, setup(), options).added == ()


@pytest.mark.parametrize(
    ("cue_at", "bleeped"),
    [
        (8.0, True),  # "social" 1.7 s before the piece: its answer
        (4.0, False),  # long before the piece (more than ANSWER_WAIT_S)
        (None, False),  # no cue at all
    ],
)
def test_after_a_number_cue_a_less_sure_number_is_believed(
    cue_at: float | None, bleeped: bool
) -> None:
    words = [Word("hello", 0.0, 0.3, 0.9)]
    if cue_at is not None:
        words.append(Word("social", cue_at, cue_at + 0.3, 0.9))
    transcript = with_numbers(words, [0.7] * 4)
    cued = plan_speech(transcript, setup(), SpeechOptions(cued_threshold=0.65))
    assert [a.cue for a in cued.added if a.words == 0] == (["number"] if bleeped else [])
    # without a cued threshold, the one bar (0.95) holds everywhere
    assert not [a for a in plan_speech(transcript, setup()).added if a.words == 0]


def test_a_cue_that_is_not_for_a_number_lowers_nothing() -> None:
    words = [Word("spell", 8.0, 8.3, 0.9)]
    transcript = with_numbers(words, [0.7] * 4)
    plan = plan_speech(transcript, setup(), SpeechOptions(cued_threshold=0.65))
    assert not [a for a in plan.added if a.cue == "number"]
