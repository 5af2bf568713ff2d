"""Spelled letters with a gloss: "k like kilo", "x as in x-ray" read as one letter each."""

from __future__ import annotations

import pytest

from callvault.redaction.names_gazetteer import gazetteer
from callvault.redaction.names_spelled import _letters, letters_view, spelled_runs


@pytest.mark.parametrize(
    ("run", "letters"),
    [
        ("x as in x-ray u as in umbrella", "xu"),
        ("k like kilo o w", "kow"),
        ("j as in juliett o n", "jon"),
        ("t for tango r for robert a as in apple n like nancy", "tran"),
    ],
)
def test_glosses_read_as_their_letter(run: str, letters: str) -> None:
    assert _letters(run) == letters


@pytest.mark.parametrize(
    ("text", "run"),
    [
        ("caller: spelled x as in x-ray u as in umbrella", "x as in x-ray u as in umbrella"),
        ("caller: that's k like kilo o w a l s k i", "k like kilo o w a l s k i"),
        (
            "caller: yep t for tango r for robert a as in apple n like nancy",
            "t for tango r for robert a as in apple n like nancy",
        ),
    ],
)
def test_glossed_spelling_is_one_run(text: str, run: str) -> None:
    found = [text[s:e] for s, e in spelled_runs(text, gazetteer(), frozenset())]
    assert run in found


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        (
            "caller: that's s as in sam u z no sorry z u k i as in india",
            ["s as in sam u z", "no sorry", "z u k i as in india"],
        ),
        (
            "rep: spell that\nmember: r as in romeo i l no sorry l e y",
            ["r as in romeo i l", "no sorry", "l e y"],
        ),
        ("rep: how do you spell the last name\ncaller: okay v e d r a n", ["v e d r a n"]),
    ],
)
def test_a_corrected_spelling_and_an_answer_to_spell_that(text: str, runs: list[str]) -> None:
    assert [text[s:e] for s, e in spelled_runs(text, gazetteer(), frozenset())] == runs


@pytest.mark.parametrize(
    "text",
    [
        "caller: o k a f o r sorry i m late",  # two letters after a correction: a word
        "rep: can i help\ncaller: okay v e d r a n",  # no spelling asked for
    ],
)
def test_no_more_letters_than_that(text: str) -> None:
    found = [text[s:e] for s, e in spelled_runs(text, gazetteer(), frozenset())]
    assert "i m" not in found and "v e d r a n" not in found


@pytest.mark.parametrize(
    "text", ["caller: i for one think so", "caller: plan b for now", "caller: x for the win"]
)
def test_a_letter_for_a_word_alone_is_no_spelling(text: str) -> None:
    assert list(spelled_runs(text, gazetteer(), frozenset())) == []


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        # the word said, then spelled with its last letter or two left off
        ("caller: granatelli g r a n a t e l l", ["g r a n a t e l l", "granatelli"]),
        ("caller: yeah casa grande c a s a g r a n d", ["c a s a g r a n d", "casa grande"]),
        # a two-letter name said, then spelled (folded, as the recognizer reads it)
        ("caller: vu v u", ["v u", "vu"]),
        # two letters that spell no name stay readable
        ("caller: it was on the tv t v", []),
        ("caller: we were in the er e r", []),
    ],
)
def test_a_word_said_then_spelled(text: str, runs: list[str]) -> None:
    assert [text[s:e] for s, e in spelled_runs(text, gazetteer(), frozenset())] == runs


@pytest.mark.parametrize(
    ("text", "run"),
    [
        # phonetic words alone, a letter with its own phonetic word, a recogniser's
        # words for letters and a hyphen between spelled letters
        ("caller: sure it's romeo india charlie hotel", "romeo india charlie hotel"),
        ("caller: okay b bravo e echo h hotel l lima", "b bravo e echo h hotel l lima"),
        ("caller: that's c i s n e r oh s", "c i s n e r oh s"),
        ("caller: that's t a k a h a s h eye dash m o r i", "t a k a h a s h eye dash m o r i"),
    ],
)
def test_spelling_words_read_as_letters(text: str, run: str) -> None:
    found = [text[s:e] for s, e in spelled_runs(text, gazetteer(), frozenset())]
    assert run in found


@pytest.mark.parametrize(
    "text",
    ["caller: i see you later", "agent: we are at alpha bravo clinic", "caller: oh i see"],
)
def test_letter_words_in_plain_speech_stay_words(text: str) -> None:
    assert letters_view(text) == text


def test_a_spelled_name_read_back_as_a_word() -> None:
    text = "caller: that's c a m p a n e l l a\nagent: so that's campanella okay"
    found = [text[s:e] for s, e in spelled_runs(text, gazetteer(), frozenset())]
    assert "campanella" in found


def test_an_everyday_word_after_a_spelling_is_no_read_back() -> None:
    text = "caller: that's l o n g\nagent: long wait today huh"
    found = [text[s:e] for s, e in spelled_runs(text, gazetteer(), frozenset())]
    assert found == ["l o n g"]
