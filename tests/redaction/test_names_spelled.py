"""Spelled letters with a gloss: "k like kilo", "x as in x-ray" read as one letter each."""

from __future__ import annotations

import pytest

from callvault.redaction.names_gazetteer import gazetteer
from callvault.redaction.names_spelled import _letters, spelled_runs


@pytest.mark.parametrize(
    ("run", "letters"),
    [
        ("x as in x-ray u as in umbrella", "xu"),
        ("k like kilo o w", "kow"),
        ("j as in juliett o n", "jon"),
    ],
)
def test_glosses_read_as_their_letter(run: str, letters: str) -> None:
    assert _letters(run) == letters


@pytest.mark.parametrize(
    ("text", "run"),
    [
        ("caller: spelled x as in x-ray u as in umbrella", "x as in x-ray u as in umbrella"),
        ("caller: that's k like kilo o w a l s k i", "k like kilo o w a l s k i"),
    ],
)
def test_glossed_spelling_is_one_run(text: str, run: str) -> None:
    found = [text[s:e] for s, e in spelled_runs(text, gazetteer(), frozenset())]
    assert run in found
