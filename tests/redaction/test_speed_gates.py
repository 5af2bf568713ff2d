"""The cheap tests that spare a costly scan (issue 16 speed) must never change a result:
each is checked against the pattern it stands in front of, on examples and on generated
strings made of the characters that matter (line breaks, blanks, case-blind look-alikes).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.address import _STATE_BEFORE_RE, _may_end_in_state
from callvault.redaction.chains import _postcode_hint
from callvault.redaction.identifiers import _QUANTITY_BEFORE_RE, _QUANTITY_RE, _is_quantity
from callvault.redaction.normalize import Run

# The single pattern ``_postcode_hint`` replaced.
_POSTCODE_HINT = re.compile(r"\d{4,}[ \t]+[^\W\d_]|[^\W\d_][ \t]+\d{5,}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10115 Berlin", True),
        ("Berlin 10115", True),
        ("Berlin 1011", False),  # four digits after a word: not enough
        ("1011 Berlin", True),
        ("10115\nBerlin", False),  # a line break is no blank
        ("x_ 10115", False),  # an underscore is no letter
        ("call 555 0199", False),
        ("", False),
    ],
)
def test_postcode_hint(text: str, expected: bool) -> None:
    assert _postcode_hint(text, 0, len(text)) is expected
    assert bool(_POSTCODE_HINT.search(text)) is expected


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="1234 \t\nab_é²,", max_size=24), st.data())
def test_postcode_hint_agrees_with_the_pattern(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert _postcode_hint(text, start, end) is bool(_POSTCODE_HINT.search(text[start:end]))


def _quantity_by_pattern(lowered: str, run: Run) -> bool:
    if _QUANTITY_RE.match(lowered, run.end):
        return True
    return bool(_QUANTITY_BEFORE_RE.search(lowered, max(0, run.start - 10), run.start))


_BEFORE_PIECES = [
    "take", "takes", "taking", "qty", "x", "$", " ", "\t", ":", "#", ".", "\n", "a", "'",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BEFORE_PIECES), max_size=6))
def test_quantity_gate_agrees_with_the_pattern(pieces: list[str]) -> None:
    before = "".join(pieces)
    lowered = before + "7 apples"
    run = Run(len(before), len(before) + 1, "7", (len(before),), (len(before) + 1,), False)
    assert _is_quantity(lowered, run) is _quantity_by_pattern(lowered, run)


@pytest.mark.parametrize(
    "text",
    ["Columbus, OH", "Albany, New York, ", "Boise,ID", "texas\n", "Topeka KANSAS", "Texa\u017f"],
)
def test_state_gate_lets_states_through(text: str) -> None:
    assert _may_end_in_state(text, 0, len(text))


@pytest.mark.parametrize("text", ["my zip code is", "call me at", "Columbus, Oh", "in", "5 "])
def test_state_gate_stops_other_words(text: str) -> None:
    assert not _may_end_in_state(text, 0, len(text))
    assert _STATE_BEFORE_RE.search(text) is None


# With the long s, the Kelvin sign and the dotless and dotted i: case-blind look-alikes.
_STATE_PIECES = [
    "Ohio", "OH", "ohio", ", ", ",", " ", "\t", "\n", "New York", "YORK", "Texa\u017f",
    "\u212a", "ansas", "é", "ID", "Idaho", "\u0131", "\u0130", "IN", "In", "'", "_", "1",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_STATE_PIECES), max_size=7), st.data())
def test_state_gate_never_hides_a_match(pieces: list[str], data: st.DataObject) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    if _STATE_BEFORE_RE.search(text, start, end):
        assert _may_end_in_state(text, start, end)
