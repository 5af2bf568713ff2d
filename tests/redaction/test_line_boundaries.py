"""Look-back checks and line breaks: what the text before a candidate says about it.

In ``re``, "$" also matches just before a last line break, so a check that keeps a
number readable ("take 2", "room 92F") once saw the line above: a number opening a line
under one ending in "take", "x" or "$" stayed readable. Such checks now read the
candidate's own line ("\\Z"). The checks that make something PHI (a state above a ZIP,
"Age:" above an age) still look across one line break, on purpose: a written address or
form may be laid out that way, and a match there only redacts more. Likewise a capitalised
word ending the line above no longer hides a name opening the next. Synthetic text only:
phone numbers in 555-01XX, invented names.
"""

from __future__ import annotations

import re

import pytest

from callvault.redaction.address import _CITY_BEFORE_RE, _PO_BOX_RE, _STATE_BEFORE_RE
from callvault.redaction.dates import (
    _AGE_BEFORE_RE,
    _AGE_OF_PERSON_RE,
    _DAY_CUE_RE,
    _NOT_AGE_BEFORE_RE,
    _NOT_BEFORE_SHORT_RE,
)
from callvault.redaction.engine import analyze
from callvault.redaction.identifiers import _PLUS_BEFORE_RE, _QUANTITY_BEFORE_RE


def _ends(pattern: re.Pattern[str], before: str) -> bool:
    """Whether ``pattern`` matches at the end of ``before`` (as the recognizers search)."""
    return pattern.search(before, 0, len(before)) is not None


# (pattern, text before a candidate that matches, text before one that must not)
_OWN_LINE_ONLY = [
    (_QUANTITY_BEFORE_RE, "take ", "take\n"),
    (_QUANTITY_BEFORE_RE, "qty: ", "qty:\n"),
    (_QUANTITY_BEFORE_RE, "2 x", "2 x\n"),
    (_QUANTITY_BEFORE_RE, "paid $", "paid $\n"),
    (_QUANTITY_BEFORE_RE, "taking\t", "taking #\n"),
    (_PLUS_BEFORE_RE, "call plus ", "copay plus\n"),
    (_PLUS_BEFORE_RE, "+", "+\n"),
    (_NOT_BEFORE_SHORT_RE, "take ", "take\n"),
    (_NOT_BEFORE_SHORT_RE, "bp: ", "bp:\n"),
    (_NOT_BEFORE_SHORT_RE, "pain ", "pain\n"),
    (_NOT_AGE_BEFORE_RE, "room ", "room\n"),
    (_NOT_AGE_BEFORE_RE, "unit: ", "unit\n"),
    (_NOT_AGE_BEFORE_RE, "#", "#\n"),
]


@pytest.mark.parametrize(("pattern", "match", "non_match"), _OWN_LINE_ONLY)
def test_readable_checks_read_the_candidates_line_only(
    pattern: re.Pattern[str], match: str, non_match: str
) -> None:
    assert _ends(pattern, match)
    assert not _ends(pattern, non_match)


# Checks that make a candidate PHI: one line break is crossed on purpose, two are not.
_ACROSS_ONE_LINE_BREAK = [
    (_STATE_BEFORE_RE, "Springfield, IL\n", "Springfield, IL\n\n"),
    (_STATE_BEFORE_RE, "Austin, Texas \n", "Texas\nnote "),
    (_CITY_BEFORE_RE, "springfield \n", "springfield\n\n"),
    (_PO_BOX_RE, "p.o. box\n", "po box\n\n"),
    (_AGE_BEFORE_RE, "age:\n", "age:\n\n"),
    (_DAY_CUE_RE, "dos:\n", "dos:\nnote "),
    (_AGE_OF_PERSON_RE, "elderly pt,\n", "elderly pt,\n\n"),
]


@pytest.mark.parametrize(("pattern", "match", "non_match"), _ACROSS_ONE_LINE_BREAK)
def test_phi_cues_look_across_one_line_break(
    pattern: re.Pattern[str], match: str, non_match: str
) -> None:
    assert _ends(pattern, match)
    assert not _ends(pattern, non_match)


def _redacted(text: str) -> list[str]:
    return [text[s.start : s.end] for s in analyze(text)]


def _hidden(text: str, secret: str) -> bool:
    start = text.index(secret)
    mask = bytearray(len(text))
    for s in analyze(text):
        mask[s.start : s.end] = b"\x01" * (s.end - s.start)
    return all(mask[i] for i in range(start, start + len(secret)) if text[i].isalnum())


# Multi-line notes: the line above ends in a quantity or room word, the PHI opens the
# next line.
@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Refill: take\n5550123 is the pharmacy callback", "5550123"),
        ("Plan: take\n555 0147 9921 member id on file", "555 0147 9921"),
        ("Dispensed 30 x\n5550168 for callback", "5550168"),
        ("Copay paid $\n5550188 ref", "5550188"),
        ("Refill qty:\n5550134", "5550134"),
        ("Bed note: take\n7/20 follow-up", "7/20"),
        ("Transferred to unit\n92F with falls", "92F"),
        ("Moved to room\n97M, hard of hearing", "97M"),
        # a capitalised word ending the line above hides no name opening the next
        ("Seen at Lakeside Ortho\nAmara called about the bill", "Amara"),
        ("Seen at Lakeside Ortho\nKauko called about the bill", "Kauko"),
        ("Seen by Lakeside Ortho\nLuuk Smeets called", "Luuk Smeets"),
        ("Seen at Lakeside Ortho\nDid Witold call back?", "Witold"),
        # kept on purpose: a ZIP or an age under its cue's line
        ("Lives in Springfield, IL\n62704", "62704"),
        ("Age:\n94", "94"),
    ],
)
def test_phi_opening_a_line_is_redacted(text: str, secret: str) -> None:
    assert _hidden(text, secret), _redacted(text)


# The same cue on the number's own line still keeps a quantity, a room or an amount
# readable; a "plus" on the line above stays readable.
@pytest.mark.parametrize(
    ("text", "readable"),
    [
        ("Dispense qty 90 tabs", "90"),
        ("Take 2 tabs daily", "2"),
        ("Costs $ 120 total", "120"),
        ("Moved to room 92F", "92F"),
        ("BP 120/80, pain 3/4", "3/4"),
        ("Copay plus\n5550123", "plus"),
        ("Good Morning America is on", "America"),
    ],
)
def test_same_line_cues_still_keep_text_readable(text: str, readable: str) -> None:
    start = text.index(readable)
    assert not any(s.start < start + len(readable) and start < s.end for s in analyze(text))
