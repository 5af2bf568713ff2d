"""A one-line address in comma-separated parts: the parts between and around those the
recognizers found are the same address."""

from __future__ import annotations

import pytest

from callvault.redaction.engine import analyze

CHAINS = [
    (
        "customer: Alex Dufour, 40 rue Martinez, Appartement 5, 86836 Gros, tel. 555",
        ["Appartement 5"],
    ),
    (
        "customer: Akira Sato, 1-10-3 Honcho, Room 404, 204-7029 Nerima, tel. +81 70-2733-0479",
        ["1-10-3 Honcho", "Room 404", "204-7029 Nerima"],
    ),
    (
        "customer: Please send the letter to Morro Duarte, 97, 53332038 Jesus de Goiás, Brazil.",
        ["Morro Duarte", "97", "53332038 Jesus de Goiás"],
    ),
    ("customer: I now live at 22 Gupta Marg, Nandyal 378073, India.", ["22 Gupta Marg"]),
]
NOT_CHAINS = [
    "note: Tylenol 500, Advil 200, Aleve 220",
    "agent: Room 4, Bed 2, Floor 3",
    "note: Follow up in Clinic B, Room 12, Bed 3",
]


def redacted(text: str) -> str:
    out = list(text)
    for span in analyze(text):
        out[span.start : span.end] = "#" * (span.end - span.start)
    return "".join(out)


@pytest.mark.parametrize(("text", "parts"), CHAINS)
def test_the_parts_of_a_one_line_address_go_together(text: str, parts: list[str]) -> None:
    hidden = redacted(text)
    for part in parts:
        start = text.index(part)
        assert set(hidden[start : start + len(part)]) <= {"#", " ", ","}, (part, hidden)
    assert hidden.startswith("customer: ")  # the speaker tag stays
    assert "tel." not in text or "tel." in hidden


@pytest.mark.parametrize("text", NOT_CHAINS)
def test_comma_lists_that_are_no_address_stay(text: str) -> None:
    assert redacted(text) == text
