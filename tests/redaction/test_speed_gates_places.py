"""The fifth pass's cheap tests in front of whole-text scans (issue 16 speed): a county
word, and the place cue before a capital. Each must let through every text
its pattern matches in; checked on examples (with explicit non-matches) and on
generated strings of the pieces that matter (case-blind look-alikes, line breaks).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.normalize import lower_same_length
from callvault.redaction.places import (
    _BLANKS_RE,
    _COUNTY_WORD_RE,
    _PREP_RE,
    _may_name_county,
    place_spans,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lives in Cook County", True),
        ("orleans parish", True),
        ("the Brooklyn Borough office", True),
        ("Cherry Hill Township", True),
        ("Countywide", True),  # the hint only: the pattern decides
        ("COUNTY", False),  # the pattern is case-sensitive
        ("parishioner", True),
        ("borough", False),  # only "Borough" is in the pattern
        ("township", False),
        ("", False),
        ("i live in springfield", False),
    ],
)
def test_county_gate(text: str, expected: bool) -> None:
    assert _may_name_county(text) is expected
    if not expected:
        assert _COUNTY_WORD_RE.search(text) is None


_COUNTY_PIECES = [
    "County", "county", "Parish", "parish", "Borough", "Township", "COUNTY", "Count",
    "ounty", "\u212aounty", "C", " ", "\t", "\n", "'s", "x", "é", "_",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_COUNTY_PIECES), max_size=6))
def test_county_gate_never_hides_a_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    if _COUNTY_WORD_RE.search(text):
        assert _may_name_county(text)


# ``place_spans`` reads a weak place cue only before an upper-case letter, so it skips
# that scan for a text that ``islower``. Dotted capital I, Kelvin sign, titlecase Dž and
# the long s are cased letters whose lower case is odd.
_PLACE_PIECES = [
    "in", "from", "near", " ", "\t", "\n", "Paris", "paris", "\u0130zmir", "\u212aiel",
    "\u01c5ur", "\u017f", "é", "É", "ß", "1", ":", "(", ",", "x",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PLACE_PIECES), max_size=7))
def test_lower_case_text_has_no_capital_after_a_cue(pieces: list[str]) -> None:
    text = "".join(pieces)
    if text.islower():
        for m in _PREP_RE.finditer(text):
            blanks = _BLANKS_RE.match(text, m.end())
            assert blanks is not None
            assert not text[blanks.end()].isupper()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("caller: we moved here from Springfield last year", True),
        ("caller: we moved here from springfield last year", True),  # a strong cue
        ("caller: the letter from paris came", False),  # lower case, no strong cue
        ("caller: flying in from \u0130zmir today", True),  # no "islower": scanned
    ],
)
def test_place_spans_with_and_without_capitals(text: str, found: bool) -> None:
    assert bool(list(place_spans(text, lower_same_length(text)))) is found
