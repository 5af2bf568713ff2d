"""Person names in written narrative text (issue: international written sentences).

Every sentence and name here was written for these tests. Each row runs the whole
engine and says which substrings must be hidden (every letter covered) and which must
stay readable: each rule's non-matches sit beside its matches.
"""

from __future__ import annotations

import re

import pytest

from callvault.redaction.engine import analyze

# (rule, text, must be hidden, must stay readable)
ROWS: list[tuple[str, str, list[str], list[str]]] = [
    # a company's legal form or business word after capitalised words: no person
    ("company", "She joined Velmora Tessin Inc. last spring.", [], ["Velmora", "Tessin", "Inc"]),
    ("company", "Shares of Quorvath Holdings AG fell.", [], ["Quorvath", "Holdings"]),
    ("company", "A deal with Dalgren Okafor PLC closed.", [], ["Dalgren", "Okafor"]),
    ("company", "Invest in Hoth Therapeutics Inc. today.", [], ["Hoth", "Therapeutics"]),
    ("company", "He left Lindqvist Capital Ltd in May.", [], ["Lindqvist", "Capital"]),
    # nationalities, languages and countries are no person
    ("peoples", "caller: I'm argentinian and I moved here.", [], ["argentinian"]),
    ("peoples", "It is a Swedish film about France.", [], ["Swedish", "France"]),
    # a possessive's "s" is no part of the name
    ("possessive", "note: updated Tobias Okonkwo's address", ["Tobias Okonkwo"], ["s address"]),
]


def _covered(text: str) -> list[bool]:
    mask = [False] * len(text)
    for span in analyze(text):
        for i in range(span.start, span.end):
            mask[i] = True
    return mask


def _words(text: str, phrase: str) -> list[tuple[int, int]]:
    start = text.index(phrase)
    return [(m.start() + start, m.end() + start) for m in re.finditer(r"[^\W_]+", phrase)]


@pytest.mark.parametrize(("rule", "text", "hidden", "kept"), ROWS, ids=[r[0] for r in ROWS])
def test_written_names(rule: str, text: str, hidden: list[str], kept: list[str]) -> None:
    mask = _covered(text)
    for phrase in hidden:
        assert all(all(mask[a:b]) for a, b in _words(text, phrase)), (rule, phrase)
    for phrase in kept:
        assert not any(any(mask[a:b]) for a, b in _words(text, phrase)), (rule, phrase)
