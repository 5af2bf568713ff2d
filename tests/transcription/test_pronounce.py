"""Letter-to-sound pronunciations for words pocketsphinx's dictionary lacks, and the
per-call decoder that takes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import soundfile as sf  # type: ignore[import-untyped]  # publishes no type hints

from callvault.transcription.interface import VocabularyTranscriber
from callvault.transcription.models import Word
from callvault.transcription.pronounce import name_words, pronounce
from callvault.transcription.sphinx import PocketsphinxTranscriber, merge_spotted
from tests.transcription._speech import Audio

Speech = Callable[[str, int], Audio]


@pytest.mark.parametrize(
    ("word", "phones"),
    [
        ("Okafor", "OW K AA F AO R"),
        ("priya", "P R IH Y AA"),
        ("Mensah", "M EH N S AA"),  # silent final h
        ("Grace", "G R AA S"),  # silent final e, soft c
        ("Whitfield", "W IH T F IY L D"),
        ("bennett", "B EH N EH T"),  # doubled letters: one phone
        ("Schmidt", "SH M IH D T"),
        ("o'brien", "OW B R IY N"),
        # non-matches: left to the dictionary
        ("José", None),
        ("4711", None),
        ("", None),
    ],
)
def test_pronunciations(word: str, phones: str | None) -> None:
    assert pronounce(word) == phones


def test_name_words_are_distinct_lowercase_and_sayable() -> None:
    assert name_words(["Priya Okafor", "OKAFOR, Priya", "José Muñoz-Díaz"]) == ["priya", "okafor"]


@pytest.fixture(scope="module")
def transcriber() -> PocketsphinxTranscriber:
    return PocketsphinxTranscriber()


def test_a_calls_names_reach_its_decoder_only(
    transcriber: PocketsphinxTranscriber, speech: Speech, tmp_path: Path
) -> None:
    assert isinstance(transcriber, VocabularyTranscriber)
    path = tmp_path / "a.wav"
    sf.write(str(path), speech("my name is priya okafor", 16_000), 16_000, subtype="PCM_16")
    heard = transcriber.transcribe_with_vocabulary(path, ["okafor", "priya"])
    assert heard.words  # decoded with the extra words
    spotting = PocketsphinxTranscriber(spot_keywords=True)
    spotted = spotting.transcribe_with_vocabulary(path, ["okafor", "priya"])
    assert spotted.words
    assert [f.name for f in tmp_path.iterdir()] == ["a.wav"]  # the keyword list is gone
    assert spotting._load().lookup_word("okafor") is None
    shared = transcriber._load()
    assert shared.lookup_word("okafor") is None  # not learnt by the shared decoder
    assert shared.lookup_word("daniel") is not None


def test_a_spotted_word_replaces_what_was_heard_in_its_place() -> None:
    heard = [
        Word("my", 0.0, 0.2),
        Word("pro", 0.3, 0.5),
        Word("car", 0.5, 0.8),
        Word("and", 1.0, 1.2),
    ]
    spotted = [Word("okafor", 0.28, 0.85)]
    merged = merge_spotted(heard, spotted)
    assert [w.w for w in merged] == ["my", "okafor", "and"]
    assert merge_spotted(heard, []) == heard
