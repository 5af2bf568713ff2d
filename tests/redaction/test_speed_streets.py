"""The look-ahead in front of the written foreign-street scan (issue 16 speed, sixth
pass): it lets through only a capitalised word followed by a house number, or by a blank
and a street type, and gives the plain pattern's matches. Checked on examples with
explicit non-matches and on generated strings (case-blind look-alikes, other scripts'
digits, line breaks). Synthetic addresses only.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callvault.redaction.address_written import _STREET_AHEAD, _STREET_FOREIGN_RE

_PLAIN = re.compile(_STREET_FOREIGN_RE.pattern.replace(_STREET_AHEAD, ""))


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Hauptstraße 12", [(0, 14)]),
        ("at Keizersgracht 5, Amsterdam", [(3, 18)]),
        ("Hauptstr. 7b", [(0, 12)]),
        ("Kungsgatan, 8", [(0, 13)]),
        ("Baker Street 221", [(0, 16)]),
        ("Andrássy út 3", [(0, 13)]),
        ("Rue de Rivoli 45", [(0, 16)]),  # a street lead: not behind the look-ahead
        ("Hauptstraße\t\u0663", [(0, 13)]),  # a house number in another script's digits
        ("Hauptstraße is closed", []),  # no number after it
        ("Hauptstraße\n12", []),  # a line break is no blank
        ("Dr. Weg 12", []),  # "Dr." ends before the street word: no capitalised street
        ("Ringo 12", []),  # "ring" inside a word, not at its end
        ("mainstraße 12", []),  # not capitalised
        ("Baker Street", []),
    ],
)
def test_foreign_street_examples(text: str, spans: list[tuple[int, int]]) -> None:
    assert _spans(_STREET_FOREIGN_RE, text) == spans
    assert _spans(_PLAIN, text) == spans


_PIECES = [
    "Haupt", "straße", "STRASSE", "\u017ftrasse", "str.", "Str.", "gracht", "Kungs", "gatan",
    "Weg", "weg", "Street", "street", "Ring", "o", "Rue", "de", "Baker", " ", "  ", "\t",
    ",", ".", "-", "'", "\u2019", "\n", "12", "7b", "5/2", "\u0663", "apt 4", "\u212a",
    "\u00e9", "Andr\u00e1ssy", "\u00fat",
]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=9))
def test_foreign_street_generated(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert _spans(_STREET_FOREIGN_RE, text) == _spans(_PLAIN, text)
