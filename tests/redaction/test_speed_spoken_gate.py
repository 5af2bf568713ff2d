"""The first test of ``may_hold_spoken_items`` (issue 16 speed, sixth pass): a trigger
word found by a pattern, as a whole word of the stretch split at blanks and ",.;:!?",
exactly as the list of words it replaced. Checked on examples with explicit
non-matches, on every code point (``\\s`` is ``str.split``'s blank) and on generated
strings. Synthetic text only.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.normalize_spoken import (
    _TRIGGER_AFTER,
    _TRIGGER_AT,
    _TRIGGER_WORDS,
    may_hold_spoken_items,
)

_PUNCT_TO_SPACE = str.maketrans(",.;:!?", "      ")


def _by_words(text: str, start: int, end: int) -> bool:
    """The test as it was: the stretch's words, then a set lookup."""
    return not _TRIGGER_WORDS.isdisjoint(text[start:end].translate(_PUNCT_TO_SPACE).split())


def _by_pattern(text: str, start: int, end: int) -> bool:
    return bool(_TRIGGER_AT.match(text, start, end) or _TRIGGER_AFTER.search(text, start, end))


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("for one two", 0, 11, True),  # opening the stretch
        ("seven,ate", 0, 9, True),  # after a comma
        ("m like mary", 0, 11, True),
        ("it's x-ray", 0, 10, True),
        ("(for) six", 0, 9, False),  # "(for)" is one word: no trigger
        ("format tomato", 0, 13, False),  # inside words
        ("therefore", 0, 9, False),
        ("one two too", 0, 10, True),  # "too" cut to "to" by the end: a word of the stretch
        ("one two too", 0, 9, False),  # "t"
        ("xfor five", 1, 9, True),  # a word opening the stretch, whatever is before it
        ("for", 1, 3, False),  # "or"
        ("", 0, 0, False),
    ],
)
def test_trigger_word(text: str, start: int, end: int, expected: bool) -> None:
    assert _by_words(text, start, end) is expected
    assert _by_pattern(text, start, end) is expected


def test_blank_is_str_split_blank() -> None:
    blank = re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(blank.match(char)) is (len(f"a{char}b".split()) == 2), hex(code)


_PIECES = [
    "for", "to", "too", "ate", "as", "like", "alpha", "x-ray", "xray", "x", "-", "ray",
    "one", "2", " ", "\t", "\n", "\u00a0", "\u2028", "\x1c", ",", ".", ";", ":", "!", "?",
    "(", "'", "a",
]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=8), st.integers(0, 4), st.integers(0, 4))
def test_trigger_word_generated(pieces: list[str], cut_start: int, cut_end: int) -> None:
    text = "".join(pieces)
    start, end = min(cut_start, len(text)), max(0, len(text) - cut_end)
    assert _by_pattern(text, start, end) is _by_words(text, start, end)
    if not _by_words(text, start, end):
        assert not may_hold_spoken_items(text, start, end)
