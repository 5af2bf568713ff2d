"""The second opinion of every piece of speech (``callvault.transcription.numbers``):
the windows of confident number words, the grammar, and the engine on real speech."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints
from pocketsphinx import Decoder  # type: ignore[import-untyped]  # no stubs shipped

from callvault.transcription.models import Transcript, Turn, Word, build_transcript
from callvault.transcription.numbers import (
    DIGIT_WORDS,
    NUMBER_AND_DATE_WORDS,
    NUMBER_WORDS,
    number_grammar,
    number_spans,
)
from callvault.transcription.sphinx import DECODER_OPTIONS, PocketsphinxTranscriber
from tests.transcription._speech import LEAD_S, Audio, needs_espeak, silence

Speech = Callable[[str, int], Audio]


def heard(*posteriors: float, step: float = 0.3) -> list[tuple[float, float, float]]:
    return [(k * step, k * step + 0.25, p) for k, p in enumerate(posteriors)]


def rounded(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(round(s, 6), round(e, 6)) for s, e in spans]


@pytest.mark.parametrize(
    ("posteriors", "spans"),
    [
        # four confident words: one stretch from the first word's start to the last's end
        ((0.9, 0.9, 0.8, 0.9), [(0.0, 1.15)]),
        # a long number: overlapping windows are joined
        ((0.9, 0.9, 0.9, 0.9, 0.9, 0.9), [(0.0, 1.75)]),
        # the mean decides: one doubtful word among sure ones is a number still
        ((1.0, 1.0, 0.3, 1.0), [(0.0, 1.15)]),
        # the confident run is found inside a guessed piece
        ((0.2, 0.3, 0.9, 0.95, 1.0, 0.9, 0.1), [(0.6, 1.75)]),
        # two runs apart stay two
        ((0.9,) * 4 + (0.1,) * 5 + (0.9,) * 4, [(0.0, 1.15), (2.7, 3.85)]),
        # non-matches: fewer words than a window, or a mean just under the threshold
        ((0.99, 0.99, 0.99), []),
        ((0.8, 0.8, 0.8, 0.79), []),
        ((0.5,) * 8, []),
        ((), []),
    ],
)
def test_number_spans_are_windows_of_confident_number_words(
    posteriors: tuple[float, ...], spans: list[tuple[float, float]]
) -> None:
    assert rounded(number_spans(heard(*posteriors), threshold=0.8)) == spans


def test_window_and_threshold_are_parameters() -> None:
    assert rounded(number_spans(heard(0.9, 0.9, 0.9), window=3, threshold=0.8)) == [(0.0, 0.85)]
    assert rounded(number_spans(heard(0.7, 0.7, 0.7, 0.7), threshold=0.7)) == [(0.0, 1.15)]
    assert number_spans(heard(0.9, 0.9, 0.9, 0.9), threshold=0.95) == []
    # the default bar: 0.95 (numbers.MIN_MEAN_POSTERIOR)
    assert number_spans(heard(1.0, 1.0, 0.95, 0.85)) != []
    assert number_spans(heard(0.95, 0.95, 0.95, 0.9)) == []


def test_the_grammar_parses_and_every_number_word_is_in_the_dictionary() -> None:
    decoder = Decoder(**DECODER_OPTIONS)
    decoder.add_jsgf_string("numbers", number_grammar())  # raises on a bad grammar
    decoder.add_jsgf_string("dates", number_grammar(NUMBER_AND_DATE_WORDS))
    assert all(decoder.lookup_word(w) is not None for w in NUMBER_AND_DATE_WORDS)
    assert {"oh", "zero", "nineteen", "twenty", "hundred"} <= set(NUMBER_WORDS)
    assert {"third", "march"} <= set(NUMBER_AND_DATE_WORDS) - set(NUMBER_WORDS)
    assert set(DIGIT_WORDS) < set(NUMBER_WORDS) < set(NUMBER_AND_DATE_WORDS)


def test_the_numbers_travel_with_the_transcript_but_not_into_its_stored_form() -> None:
    piece = [Word("five", 1.0, 1.2, 0.9), Word("five", 1.2, 1.4, 0.9)]
    t = build_transcript([Turn("speaker", [Word("hello", 0.0, 0.5)])], numbers=[piece, []])
    assert t.numbers == (tuple(piece),)  # empty pieces dropped
    assert "numbers" not in t.as_dict()
    assert Transcript("a", (Word("a", 0, 1),)).numbers == ()


PHONE = "three one two five five five nine nine zero one"
NOT_A_NUMBER = "i would like to move my appointment to next week please"


@needs_espeak
@pytest.mark.parametrize("rate", [16_000, 8_000])
def test_a_phone_number_read_out_is_found_and_a_request_is_not(
    rate: int, speech: Speech, transcriber: PocketsphinxTranscriber, tmp_path: Path
) -> None:
    """Observed (espeak-ng Klatt voice, windows of 4 at 0.95): see the bound below;
    nothing in the request at either rate."""
    number, other = speech(PHONE, rate), speech(NOT_A_NUMBER, rate)
    gap = silence(LEAD_S, rate)
    audio = np.concatenate([gap, number, gap, other, gap])
    path = tmp_path / "call.wav"
    sf.write(str(path), audio, rate, subtype="PCM_16")
    tr = transcriber.transcribe(path)
    number_end = LEAD_S + len(number) / rate
    spans = [
        span
        for piece in tr.numbers
        for span in number_spans([(w.start_s, w.end_s, w.confidence or 0.0) for w in piece])
    ]
    assert spans, "the phone number was not heard as a number"
    assert all(LEAD_S - 0.15 <= s < e <= number_end + 0.15 for s, e in spans)
    assert sum(e - s for s, e in spans) >= 0.35 * (number_end - LEAD_S)
    assert all(w.w in NUMBER_WORDS for piece in tr.numbers for w in piece)


@needs_espeak
def test_the_second_decoding_changes_nothing_the_first_hears(
    speech: Speech, transcriber: PocketsphinxTranscriber, tmp_path: Path
) -> None:
    """The dither is reseeded for every piece: a second search of each piece, or a
    file decoded before, leaves the language model's words as they were."""
    rate = 8_000
    gap = silence(LEAD_S, rate)
    audio = np.concatenate([gap, speech(NOT_A_NUMBER, rate), gap, speech(PHONE, rate), gap])
    path = tmp_path / "call.wav"
    sf.write(str(path), audio, rate, subtype="PCM_16")
    without = PocketsphinxTranscriber(number_words=None).transcribe(path)
    assert without.words and without.numbers == ()
    first, again = transcriber.transcribe(path), transcriber.transcribe(path)
    assert first.numbers
    for other in (first, again):
        assert other.text == without.text
        assert [(w.start_s, w.end_s) for w in other.words] == [
            (w.start_s, w.end_s) for w in without.words
        ]
