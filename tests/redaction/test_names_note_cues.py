"""Agents' note verbs before a first name ("Advised Keith ...", "Told Maria ..."), and a
letter "addressed to" someone (issue 16, fourth dev set): weak cues, so a listed first
name must follow; other words after the same verbs stay readable."""

from __future__ import annotations

import pytest

from callvault.redaction.names import NameRecognizer

from ._helpers import covered


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("tier2: Advised Keith that the claim was reprocessed.", "Keith"),
        ("NOTE: Told Barbara to call back Mon.", "Barbara"),
        ("CSR: Per Maria re: copay.", "Maria"),
        ("CSR: Per Âdem re: copay.", "Âdem"),
        ("tier2: Advised Endre to call back Mon.", "Endre"),
        ("Summary: Reminded David of the copay.", "David"),
        ("caller: the letter's addressed to annabel and i don't know why", "annabel"),
    ],
)
def test_note_verbs_before_a_first_name(text: str, name: str) -> None:
    assert name in covered(NameRecognizer(), text)


@pytest.mark.parametrize(
    "text",
    [
        "NOTE: Advised pt that the claim was reprocessed.",
        "take one tablet per day",
        "Told the caller to call back Monday.",
        "caller: i told everyone already",
        "NOTE: Informed Billing of the error.",
        "NOTE: Per Policy, no refunds.",
        "Per Diem staff on call.",
        "NOTE: Asked Cardiology to fax it.",
        "We were told Monday that it was fine.",
    ],
)
def test_the_same_verbs_before_other_words(text: str) -> None:
    assert covered(NameRecognizer(), text) == []


def test_an_agent_greeting_with_the_practice_name_marks_the_agent() -> None:
    text = (
        "S1: good afternoon lakeside ortho this is renée speaking\n"
        "S2: hi yes my name is renée kowalski"
    )
    got = covered(NameRecognizer(), text)
    assert got == ["renée kowalski"]


def test_a_caller_saying_this_is_is_still_a_caller() -> None:
    text = "S1: thanks for calling\nS2: hi this is maria lopez speaking"
    assert covered(NameRecognizer(), text) == ["maria lopez"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Summary: Caller: ÖCALAN, Nazlihan (DOB 6.10.1946)", ["ÖCALAN", "Nazlihan"]),
        ("NOTE: Caller: DARA, Ekani - born 27.9.2003", ["DARA", "Ekani"]),
        ("spk_1: it'd be under williams and then brian the appointment was", ["williams", "brian"]),
        ("caller: it'd be under christian um first name brittany the appointment",
         ["christian", "brittany"]),
    ],
)  # fmt: skip
def test_surname_first_forms(text: str, names: list[str]) -> None:
    assert covered(NameRecognizer(), text) == names


@pytest.mark.parametrize(
    "text",
    [
        "NOTE: ID, Please verify the caller",
        "Note: COVID, Flu vaccines given.",
        "HIPAA, Privacy notice sent",
        "caller: it's under review and then some",
    ],
)
def test_capitals_and_commas_that_are_no_names(text: str) -> None:
    assert covered(NameRecognizer(), text) == []
