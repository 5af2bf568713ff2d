"""``holds_digit`` spares the scans whose every match needs a digit (issue 16 speed, fifth
pass), and lets the number-run scan drop its digit branch (sixth pass): speech
transcripts hold none. Checked on examples with explicit non-matches, on
every code point (lower-casing neither makes nor removes a digit, so asking of the text
answers for its lower-case copy), and against each pattern it stands in front of.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.address_written import (
    _NUMBER_AFTER_SPACE_RE,
    _SPOKEN_POSTCODE_RE,
    spoken_foreign_addresses,
)
from callvault.redaction.contact import _IPV4_HINT_RE
from callvault.redaction.dates import (
    _AGE_NOTE_RE,
    _COMPACT_DATE_RE,
    _SHORT_DATE_RE,
    AgeRecognizer,
    DateRecognizer,
)
from callvault.redaction.engine import analyze
from callvault.redaction.identifiers_letters import MBI_RE
from callvault.redaction.normalize import (
    RUN_NO_DIGIT_RE,
    RUN_RE,
    holds_digit,
    lower_same_length,
    number_runs,
)
from callvault.redaction.scan_lead import led, led_matches
from callvault.redaction.spans import Context, Label

_DIGIT = re.compile(r"\d")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caller: it's oh three nov twenty twenty four", False),
        ("caller: my dob is 03NOV2024", True),
        ("\u0663\u0661/\u0660\u0667", True),  # Arabic-Indic digits are digits to ``\d``
        ("x\u00b2 and \u2460", False),  # a superscript two, a circled one: no ``\d``
        ("", False),
        ("SPEAKER_00: hello", True),  # a speaker tag's number counts too
    ],
)
def test_holds_digit(text: str, expected: bool) -> None:
    assert holds_digit(text) is expected
    assert holds_digit(lower_same_length(text)) is expected


def test_lower_case_neither_makes_nor_removes_a_digit() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates: no text holds them
        assert bool(_DIGIT.search(char.lower())) is bool(_DIGIT.match(char)), hex(code)


# Every pattern the gate stands in front of, with the string it reads.
_GATED = [
    (_COMPACT_DATE_RE, True),
    (_SHORT_DATE_RE, True),
    (_AGE_NOTE_RE, True),
    (_IPV4_HINT_RE, True),
    (_SPOKEN_POSTCODE_RE, False),
    (_NUMBER_AFTER_SPACE_RE, False),
    (MBI_RE, False),
]
_PIECES = [
    "1", "9", "0", "\u0663", "\u0967", "\u00b2", "\u2460", "nov", "/", "-", ".", " ", "\t",
    "\n", "yo", "f", "1EG4", "TE5MK73", "a", "K", "\u0130", "\u212a",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=8))
def test_gate_never_hides_a_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    for pattern, lowered in _GATED:
        if pattern.search(lower_same_length(text) if lowered else text):
            assert holds_digit(text), pattern.pattern


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("note: seen 03NOV2024 for follow up", Label.DATE),  # compact, written
        ("note: pt is 94yo", Label.AGE),
        ("note: MBI 1EG4-TE5-MK73 on file", Label.MEMBER_ID),
        ("caller: born march third nineteen forty", Label.DATE),  # no digit: still found
        ("caller: she is ninety four years old", Label.AGE),
    ],
)
def test_recognizers_still_find(text: str, label: Label) -> None:
    assert label in {s.label for s in analyze(text)}


@pytest.mark.parametrize(
    "text",
    ["caller: the third one works", "caller: ninety four percent", "caller: no numbers"],
)
def test_no_digit_texts_find_no_written_forms(text: str) -> None:
    spans = [*DateRecognizer().find(text, Context()), *AgeRecognizer().find(text, Context())]
    assert not any(s.explanation in ("short date", "age over 89 in a note") for s in spans)
    assert not list(spoken_foreign_addresses(text))


# ``number_runs`` scans a text holding no digit with ``RUN_NO_DIGIT_RE``: ``RUN_RE``
# without its branch for tokens with a digit, which cannot match there.
@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("caller: one two, x nine a", [(8, 25)]),
        ("hundred and five", [(0, 16)]),
        ("w one two: ok", [(0, 9)]),
        ("it's five dash oh", [(5, 17)]),
        ("double o seven", [(0, 14)]),
        ("a/b c", [(2, 5)]),  # a letter before a slash opens no run
        ("zone twofold", []),  # number words inside words: none
        ("someone's tone", []),
        ("x \u2460", [(0, 1)]),  # a circled one is no digit
        ("x\u00b2", []),  # a superscript two: no digit, but a word character
    ],
)
def test_run_scan_without_digits(text: str, spans: list[tuple[int, int]]) -> None:
    assert not holds_digit(text)
    assert [m.span() for m in RUN_NO_DIGIT_RE.finditer(text)] == spans
    assert [m.span() for m in RUN_RE.finditer(text)] == spans


def test_run_scan_without_digits_needs_the_gate() -> None:
    assert [m.span() for m in RUN_RE.finditer("s1: one x9")] == [(0, 2), (4, 10)]
    assert [m.span() for m in RUN_NO_DIGIT_RE.finditer("s1: one x9")] == [(4, 7)]
    assert [r.value for r in number_runs("s1: one x9")] == ["1X9"]


_RUN_PIECES = [
    "one", "two", "oh", "twenty", "hundred", "thousand", "and", "double", "first", "dash",
    "dot", "x", "a", "i", "w", "zone", "tone", "'s", "'", ":", "/", ".", ",", "-", "(", "#",
    " ", "\t", "\n", "\u00b2", "\u2460", "\u017f", "\u0131", "\u212a", "\u00e9",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_RUN_PIECES), max_size=10))
def test_run_scan_without_digits_generated(pieces: list[str]) -> None:
    text = lower_same_length("".join(pieces))
    assert not holds_digit(text)
    full = [(s, e) for s, e, _ in led_matches(led(RUN_RE), text)]
    assert [(s, e) for s, e, _ in led_matches(led(RUN_NO_DIGIT_RE), text)] == full
