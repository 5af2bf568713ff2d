from __future__ import annotations

import pytest

from callvault.redaction.address import AddressRecognizer

from ._helpers import covered, hides

R = AddressRecognizer()

MATCHES = [
    (
        "agent: the new address\ncaller: twelve oak hollow in ferndale ohio four four one two one",
        ["twelve oak hollow", "ferndale", "ohio four four one two one"],
    ),
    (
        "caller: it's three oh nine pine ridge lane springfield illinois six two seven oh four",
        ["three oh nine pine ridge lane", "springfield", "illinois six two seven oh four"],
    ),
    (
        "note: moved to 4411 Quarry Bend Rd, Apt 3B, Eastport, ME 04631.",
        ["4411 Quarry Bend Rd, Apt 3B", "Eastport", "ME 04631"],
    ),
    ("Patient: I live at 77 Elm St.", ["77 Elm St."]),
    (
        "caller: i live in fairview texas seven five oh one two",
        ["fairview", "texas seven five oh one two"],
    ),
    ("Mail it to Fairview, TX 75012-3344 please", ["Fairview", "TX 75012-3344"]),
    ("Patient: I live at 221B Quarry Ln.", ["221B Quarry Ln."]),
    ("caller: i'm at eighty eight maple drive", ["eighty eight maple drive"]),
    ("Chat: send it to P.O. Box 4412", ["P.O. Box 4412"]),
    ("Chat: my address is 55 W 12th St Apt 4C", ["55 W 12th St Apt 4C"]),
    ("caller: p o box four four one two", ["p o box four four one two"]),
]

NON_MATCHES = [
    "caller: i take two a day as well",
    "agent: thank you for calling maple hill family practice",
    "caller: i walk two miles every day in the park",
    "Member ID 12345",
    "agent: it takes three business days",
]


@pytest.mark.parametrize(("text", "parts"), MATCHES)
def test_addresses(text: str, parts: list[str]) -> None:
    found = covered(R, text)
    for part in parts:
        assert hides(R, text, part), (part, found)


@pytest.mark.parametrize("text", NON_MATCHES)
def test_not_addresses(text: str) -> None:
    assert covered(R, text) == []


def test_in_and_commas_stay_readable() -> None:
    text = "agent: address\ncaller: twelve oak hollow in ferndale ohio four four one two one"
    assert "in" not in [w for s in covered(R, text) for w in s.split()]
