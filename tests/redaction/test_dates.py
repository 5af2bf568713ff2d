from __future__ import annotations

import pytest

from callvault.redaction import dates
from callvault.redaction.dates import AgeRecognizer, DateRecognizer

from ._helpers import covered, first_words

MATCHES = [
    ("date of birth july ninth nineteen sixty one ok", "july ninth nineteen sixty one"),
    (
        "born on the twenty first of june two thousand and five",
        "the twenty first of june two thousand and five",
    ),
    ("my birthday is august third", "august third"),
    ("born march nineteen eighty two", "march nineteen eighty two"),
    ("november tenth twenty ten", "november tenth twenty ten"),
    ("DOB March 3rd, 1982.", "March 3rd, 1982"),
    ("seen on 3 Feb 2024", "3 Feb 2024"),
    ("DOB 03/04/1982", "03/04/1982"),
    ("visit 2024-02-29", "2024-02-29"),
    ("on 7-4-91 at noon", "7-4-91"),
    ("Sept. 9, 1999", "Sept. 9, 1999"),
    ("born the second of february eighty eight", "the second of february eighty eight"),
    ("date of service was the fifteenth", "the fifteenth"),
    ("my appointment is on the 3rd at ten", "the 3rd"),
]

NON_MATCHES = [
    "may i have your name",
    "the next slot is at ten am",
    "we can meet at two thirty",
    "take 1/2 tablet at 2:30 PM",
    "march down the hall",
    "a second opinion",
    "ratio 13/45/2001",
    "i was seen by the first nurse",
    "i was seen on the first floor",
]


@pytest.mark.parametrize(("text", "date"), MATCHES)
def test_dates(text: str, date: str) -> None:
    assert covered(DateRecognizer(), text) == [date]


@pytest.mark.parametrize("text", NON_MATCHES)
def test_not_dates(text: str) -> None:
    assert covered(DateRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("for my mother she's ninety three", "ninety three"),
        ("he's one hundred one years old", "one hundred one"),
        ("patient age 97, DOB", "97"),
        ("a 102-year-old man", "102"),
        ("he is 91 y/o", "91"),
    ],
)
def test_ages_over_89(text: str, age: str) -> None:
    assert covered(AgeRecognizer(), text) == [age]


@pytest.mark.parametrize(
    "text",
    ["she's eighty five", "age 89", "ninety milligrams", "room ninety five", "he is 45 y/o"],
)
def test_younger_ages_and_other_numbers_stay(text: str) -> None:
    assert covered(AgeRecognizer(), text) == []


def test_date_starts_cover_every_date() -> None:
    """``DATE_STARTS`` (and a digit, "") is only a speed-up: every date opens with one."""
    words = first_words(dates._DATE_RE.pattern)
    assert not {w for w in words if w and not w.startswith(dates.DATE_STARTS)}
