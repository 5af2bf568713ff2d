"""A town given as the answer to a question about where someone is (issue 16: a city or
town named alone)."""

from __future__ import annotations

import pytest

from callvault.redaction.address import AddressRecognizer
from callvault.redaction.spans import Context

from ._helpers import covered


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("rep: and what town is that\nCUSTOMER: oh walkerville", "walkerville"),
        ("rep: where are you calling from\nspk_1: we're just outside brownhaven", "brownhaven"),
        ("AGENT: which city\nmember: west david", "west david"),
        ("rep: what town is that\ncaller: south adrianville and the zip is", "south adrianville"),
        ("rep: where is the patient living\ncaller: still kvarnholt", "kvarnholt"),
        ("Agent: What town is that?\nCaller: Oh, Kvarnholt, near the lake.", "Kvarnholt"),
        # a town, then its postcode, opening a turn
        ("rep: and the town\ncaller: cres postcode", "cres"),
        # after a street read back, with the ZIP code after the town
        ("S0: And that's in...?\nS1: New Oakbury. 46090.", "New Oakbury. 46090"),
        ("ch0: and that's in\nch1: south seanfort 69205", "south seanfort 69205"),
    ],
)
def test_a_town_answering_a_question(text: str, town: str) -> None:
    assert covered(AddressRecognizer(), text) == [town]


@pytest.mark.parametrize(
    "text",
    [
        "rep: where are you calling from\ncaller: from work actually",
        "rep: where are you calling from\ncaller: my car in the lot",
        "rep: where are you calling from\ncaller: ohio",  # a state stays
        "rep: which town is that\ncaller: it's in france",  # a country stays
        "rep: what town is that\nrep: walkerville",  # the same speaker: no answer
        "what town is that\nwalkerville",  # no speakers: a note's lines
        "rep: what area are you in\ncaller: the kitchen",
        "caller: same postcode as before",
        "caller: different zip code now",
        "agent: and that's in the file?\ncaller: yes it is",
    ],
)
def test_no_town_in_other_answers(text: str) -> None:
    assert covered(AddressRecognizer(), text) == []


def test_the_recognizer_needs_no_context() -> None:
    text = "rep: and what town is that\ncaller: walkerville"
    assert [s.explanation for s in AddressRecognizer().find(text, Context())] == [
        "town given when asked for one"
    ]
