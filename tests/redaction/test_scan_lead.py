"""``scan_lead``: a word-start scan led by the character before the word gives exactly
the matches of ``finditer`` (issue 16 speed, fifth pass). Checked for every pattern
led in ``src``, on examples (with matches that touch, and explicit non-matches) and on
generated strings of the pieces that matter.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction import cues, names_cues
from callvault.redaction.address_spoken import _SAID_CUE_RE
from callvault.redaction.dates import _DATE_RE
from callvault.redaction.normalize import RUN_RE
from callvault.redaction.places import _STRONG_PREP_RE, _UNKNOWN_CUE_RE
from callvault.redaction.scan_lead import led, led_matches

_LED = [
    RUN_RE,
    _DATE_RE,
    _STRONG_PREP_RE,
    _UNKNOWN_CUE_RE,
    _SAID_CUE_RE,
    names_cues.CUES,
    names_cues.ASKS_NAME,
    cues._CUE_RE,
]


def _both(
    pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None
) -> tuple[list[tuple[int, int]], ...]:
    stop = len(text) if end is None else end
    old = [m.span() for m in pattern.finditer(text, start, stop)]
    new = [(s, e) for s, e, _ in led_matches(led(pattern), text, start, end)]
    return old, new


@pytest.mark.parametrize(
    ("pattern", "text", "spans"),
    [
        (RUN_RE, "one two, x9 a", [(0, 13)]),  # a comma goes on a spoken number
        (RUN_RE, "zone twofold", []),  # inside words: none
        (RUN_RE, "5", [(0, 1)]),  # at the very start
        (names_cues.CUES, "hi thanks my name is", [(0, 3), (3, 10), (10, 20)]),  # touching
        (names_cues.CUES, "chi-chi tuna", []),
        (_DATE_RE, "mar.3rd of may", [(4, 14)]),
        (_DATE_RE, "primary 3rd", []),
        (_SAID_CUE_RE, "my address is my address is x", [(0, 14), (14, 28)]),
        (_UNKNOWN_CUE_RE, "we live in oslo", [(3, 11)]),
        (_UNKNOWN_CUE_RE, "olive in oslo", []),  # "live" inside a word
        (_STRONG_PREP_RE, "i'm from kyiv", [(0, 9)]),
        (_STRONG_PREP_RE, "aim from kyiv", []),
        (names_cues.ASKS_NAME, "your name?", [(0, 9)]),
        (cues._CUE_RE, "my phone number is", [(3, 8), (9, 15)]),
        (cues._CUE_RE, "microphone numbers", []),
    ],
)
def test_led_matches(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> None:
    old, new = _both(pattern, text)
    assert old == new == spans


def test_groups_read_through_the_lead() -> None:
    [(start, end, m)] = list(led_matches(led(_UNKNOWN_CUE_RE), "  i'm in agony"))
    assert (start, end) == (2, 9)
    assert m.group("weak") == "i'm in"


@pytest.mark.parametrize("source", [r"[a-z]+", r"(?<!x)y", r"\bfoo", r"(?<![\w])x"])
def test_other_patterns_are_refused(source: str) -> None:
    with pytest.raises(ValueError, match="word-start"):
        led(re.compile(source))


_PIECES = [
    "my", "name", "is", "i'm", "from", "live", "in", "my address is", "the", "3rd", "of",
    "may", "mar.", "one", "two", "x9", "a", "i", "hi", "thanks", "for", "your", "'", "\u2019",
    "phone", "number", "ssn", "dob", "card",
    " ", "  ", "\t", "\n", ",", ":", "-", ".", "/", "_", "1", "o", "\u00e9", "\u0130", "K",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.data())
def test_same_matches_as_finditer(pieces: list[str], data: st.DataObject) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for pattern in _LED:
        assert _both(pattern, text)[0] == _both(pattern, text)[1], pattern.pattern[:40]
        old, new = _both(pattern, text, start, end)  # a window, as ``CueIndex`` reads a line
        assert old == new, pattern.pattern[:40]
        kept = led_matches(led(pattern), text, start, end, padded=" " + text)
        assert [(s, e) for s, e, _ in kept] == old


def test_a_pattern_that_can_match_empty_is_stepped_past_not_looped_on() -> None:
    maybe_empty = led(re.compile(r"(?<![\w'])x*"))
    found = [(s, e) for s, e, _ in led_matches(maybe_empty, "ab xx c")]
    assert found == [(0, 0), (3, 5), (6, 6)]
