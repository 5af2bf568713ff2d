"""An address said after an address cue, in any country's order (issue 16, fourth dev
set): the rest of the clause, split at "in", commas and fillers; a cue with no number
after it, or an answer about something else, is left alone."""

from __future__ import annotations

import pytest

from callvault.redaction.address_spoken import spoken_addresses
from callvault.redaction.engine import analyze
from callvault.redaction.normalize import lower_same_length


def said(text: str) -> list[str]:
    return [text[s.start : s.end] for s in spoken_addresses(text, lower_same_length(text))]


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("caller: we're at fifteen forty eight mack roads in lafayette if i remember right",
         ["fifteen forty eight mack roads", "lafayette"]),
        ("caller: we live at 103 kenneth anchorage in east jessicafort sa 0813",
         ["103 kenneth anchorage", "east jessicafort sa 0813"]),
        ("caller: i'm at boulevard maggie meyer 08352 petit",
         ["boulevard maggie meyer 08352 petit"]),
        ("agent: and the mailing address\ncaller: it's dörschnerweg 6-4 uh 31300 dieburg",
         ["dörschnerweg 6-4", "31300 dieburg"]),
        ("caller: my address is 12 rue de la paix, 75002 paris, france",
         ["12 rue de la paix", "75002 paris"]),
        ("Patient: My new address is Lipowa 744, 14-283 Szczecin. Thanks!",
         ["Lipowa 744", "14-283 Szczecin"]),
        ("rep: what's the street address\nmember: it's via adele seven unit three",
         ["via adele seven unit three"]),
        ("NOTE: Pt moved, new mailing address: Vial Nayara Ribas 3, Segovia, 27989",
         ["Vial Nayara Ribas 3", "Segovia", "27989"]),
        ("Address: Pietlei 8, 1571, Nokere", ["Pietlei 8", "1571", "Nokere"]),
        ("agent: and the rest\ncaller: rodriguezfurt ns p five c eight echo four",
         ["rodriguezfurt ns p five c eight echo four"]),
        ("interpreter: she's staying with her carer arne at skoltorget seventy eight trelleborg",
         ["skoltorget seventy eight trelleborg"]),
        ("caller: my new mailing address is avenue de broquet 81 8768 besse",
         ["avenue de broquet 81 8768 besse"]),
        ("tech: where are we collecting from\nclient: right kossuth út 154. that's veszprém",
         ["kossuth út 154.", "veszprém"]),
        ("agent: where should the driver pick you up\ncaller: sanderpad ninety one in ede",
         ["sanderpad ninety one", "ede"]),
        ("rep: where are you staying now\nmember: um bajkalská eight ninety three in brtnice",
         ["bajkalská eight ninety three", "brtnice"]),
    ],
)  # fmt: skip
def test_addresses_after_a_cue(text: str, pieces: list[str]) -> None:
    assert said(text) == pieces


@pytest.mark.parametrize(
    "text",
    [
        "caller: i'm at work until five",
        "caller: we're at two o'clock tomorrow",
        "caller: i'm at ninety percent on the deductible",
        "agent: what's the address on file\ncaller: so i was in there on the fifth",
        "agent: what's the email address\ncaller: jo smith at mail dot com",
        "agent: and the address\ncaller: she'll be ninety five next week",
        "agent: can i get the address\ncaller: hold on one second",
        "agent: and the address\ncaller: it's ten units a day of the insulin",
        "agent: where are we sending the refill\ncaller: right to the pharmacy at two",
        "Email address: jo.ruiz 12 at work",
        "caller: she's staying with her daughter at the moment until two",
        "agent: and the rest of your day\ncaller: two meetings",
        "IP address: 10 dot 1 dot 1 dot 1",
        "caller: my address is the same, i use 2 vials a week",
        "agent: where should the nurse meet you\ncaller: at the clinic at 3. thanks",
    ],
)
def test_cues_without_an_address_after_them(text: str) -> None:
    assert said(text) == []


def test_a_sentence_after_a_comma_address_stays_readable() -> None:
    text = "Patient: Please update my address to Jasna 81, 08-003 Nysa. Thanks!"
    got = [text[s.start : s.end] for s in analyze(text)]
    assert "Thanks" not in " ".join(got)
    assert "Jasna 81" in got and "08-003 Nysa" in got


def test_a_place_named_then_its_address() -> None:
    text = "caller: the letters should go to my daughter's place it's julieweg 505 in aarhus"
    assert said(text) == ["julieweg 505", "aarhus"]


def test_a_sentence_after_a_postcode_stays_readable() -> None:
    text = "Pt: My address is 41 Olivia Run, North Holly, AZ 11269. Thanks, Pt"
    got = " ".join(text[s.start : s.end] for s in analyze(text))
    assert "Thanks" not in got and "11269" in got and "Olivia Run" in got


def test_english_via_before_an_acronym_is_no_street() -> None:
    text = "agent: Verified via SSN 143 63 1537 and DOB."
    got = [text[s.start : s.end] for s in analyze(text)]
    assert got == ["143 63 1537"]
