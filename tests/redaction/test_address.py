from __future__ import annotations

import pytest

from callvault.redaction.address import AddressRecognizer
from callvault.redaction.spans import Context

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
    # a state's code after a town with no comma, then its ZIP
    ("SPEAKER_01: New Taylor IA 65434, the US.", ["65434"]),
]

NON_MATCHES = [
    "caller: i take two a day as well",
    "agent: thank you for calling maple hill family practice",
    "caller: i walk two miles every day in the park",
    "Member ID 12345",
    "agent: it takes three business days",
    "Note: he said OK 12345 is fine",  # a word in capitals is no state
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


# Places named alone, streets in other countries' order, non-US postcodes, multi-line
# blocks. Synthetic sentences; the place names are real towns or town-shaped inventions.
PLACES = [
    ("patient: Currently in Cádiz.", ["Cádiz"]),  # accents or none, the list knows it
    ("caller: he's up in cadiz so it's a drive", ["cadiz"]),
    ("caller: i'm staying with family in rønne now", ["rønne"]),
    ("Note: she lives in Groningen with her son.", ["Groningen"]),
    ("Chat: I'm in Springfield this week", ["Springfield"]),
    ("Chat: we moved to Kraków last year", ["Kraków"]),
    ("He is from São Paulo.", ["São Paulo"]),
    ("caller: i live in springfield", ["springfield"]),
    ("caller: yeah we moved to tampere in may", ["tampere"]),
    ("Pt based in Eindhoven, prefers e-mail.", ["Eindhoven"]),
    ("My hometown is Port Tylerfurt.", ["Port Tylerfurt"]),
    ("She lives in North Jasonbury.", ["North Jasonbury"]),
    ("He grew up in Lower Haddington.", ["Lower Haddington"]),  # unknown, strongly cued
    ("Visiting family near Leuven.", ["Leuven"]),
    ("Note: lives in Marion County with daughter.", ["Marion County"]),
    ("caller: we live out in cook county", ["cook county"]),
]
FOREIGN = [
    ("Address: Hauptstraße 12, 10115 Berlin", ["Hauptstraße 12", "10115 Berlin"]),
    ("Rue de Rivoli 45\n75001 Paris", ["Rue de Rivoli 45", "75001 Paris"]),
    ("Calle Mayor 7, 3º izq\n28013 Madrid", ["Calle Mayor 7, 3º izq", "28013 Madrid"]),
    ("Send it to 12 rue Victor Hugo, 33000 Bordeaux", ["12 rue Victor Hugo", "33000 Bordeaux"]),
    ("Keizersgracht 123\n1015 CJ Amsterdam", ["Keizersgracht 123", "1015 CJ Amsterdam"]),
    ("ul. Długa 12/3\n00-950 Warszawa", ["ul. Długa 12/3", "00-950 Warszawa"]),
    ("Via Garibaldi 22\n10122 Torino", ["Via Garibaldi 22", "10122 Torino"]),
    ("Post: 10 Downing Street\nLondon\nSW1A 2AA", ["10 Downing Street", "London", "SW1A 2AA"]),
    ("Ottawa ON K1A 0B1", ["Ottawa", "K1A 0B1"]),
    ("Postcode SW1A 1AA please", ["SW1A 1AA"]),
    (
        "Mailing address:\nFlat 2\n14 Wellington Road\nLeeds\nLS1 4AP",
        ["Flat 2", "14 Wellington Road", "Leeds", "LS1 4AP"],
    ),
    (
        "1200 Ridgeview Ave\nApt 5\nNorth Brendan, OR 97330",
        ["1200 Ridgeview Ave", "Apt 5", "North Brendan", "OR 97330"],
    ),
]
# A postcode line under address-like lines: the whole block, in any country's layout.
BLOCKS = [
    (
        "My new address is Mezi Sklady 393\n787 92 Miletín since May.",
        ["Mezi Sklady 393", "787 92 Miletín"],
    ),
    (
        "Address:\nStudio 8\nJeffrey Unions\nYatesburgh\nW4 1XB",
        ["Studio 8", "Jeffrey Unions", "Yatesburgh", "W4 1XB"],
    ),
    (  # a transcript: every line starts with its speaker's tag
        "note: Mailing address on file:\nnote: 595 Brady Ports\nnote: Flat 2\n"
        "note: Jessicatown G4 5PD",
        ["595 Brady Ports", "Flat 2", "Jessicatown G4 5PD"],
    ),
    (
        "Stretto Faugno, 38 Piano 4\n33043, Purgessimo (UD)",
        ["Stretto Faugno, 38 Piano 4", "33043, Purgessimo (UD)"],
    ),
    (
        "Pasadizo de Rita Falcó 88 Puerta 9\nBadajoz, 30267",
        ["Pasadizo de Rita Falcó 88 Puerta 9", "Badajoz, 30267"],
    ),
    (
        "Szerbtóti utca 48.\nH-9792 Békésmártonnádasd",
        ["Szerbtóti utca 48", "H-9792 Békésmártonnádasd"],
    ),
    (
        "Quadra de Machado, 393\nVista Do Sol\n92174-218 Peixoto / MG",
        ["Quadra de Machado, 393", "Vista Do Sol", "92174-218 Peixoto / MG"],
    ),
    ("Annehof 470\n9746FT\nKlazienaveen", ["Annehof 470", "9746FT", "Klazienaveen"]),
    ("Patient resides at Olympos Allé 4\n3879 Thisted.", ["Olympos Allé 4", "3879 Thisted"]),
]
BLOCK_NON_PARTS = [
    (
        "My new address is Mezi Sklady 393\n787 92 Miletín since May.",
        ["My", "address", "since", "May"],
    ),
    ("Patient resides at Olympos Allé 4\n3879 Thisted.", ["Patient", "resides"]),
    ("Visit 3 notes\n2019 Annual review", ["Visit", "Annual"]),
]
PLACE_NON_MATCHES = [
    "songs for Entertainment Weekly",
    "We can book you in March.",
    "Please wait in Room 4.",
    "She takes it in Advil form.",
    "The charity is a 501(c)3 group.",
    "Update to version 2.0 of the app.",
    "He moved to Texas last year.",  # a state alone is not PHI
    "I'm from Canada originally.",  # nor a country
    "She lives in fear of needles.",
    "caller: i moved to a new place",
    "Refer to Maple Hill Family Practice.",
    "Transfer to Springfield Clinic",
    "He is in Cardiology now.",
    "caller: it hurts in my back and in my county they have no clinic",
    "In 2019 she had surgery at 10:30.",
    "The dose went from 20 to 40 mg.",
    "Results came from Quest Diagnostics.",  # strong cue, but not one of residence
    "Transferred to Billing for the copay question.",
    "He moved to Medicare Advantage in January.",
    "He's in Surgery until 4.",
    "Flew in from Canada on Tuesday.",
    "caller: we're in the car right now",
    "Lives in Florida part of the year.",
    "Vitamin C. Take 2 tablets daily.",
    "Place 2 drops in each eye.",
    "It is true 5 of them came back.",
]


@pytest.mark.parametrize(("text", "parts"), PLACES + FOREIGN + BLOCKS)
def test_places_and_foreign_addresses(text: str, parts: list[str]) -> None:
    found = covered(R, text)
    for part in parts:
        assert hides(R, text, part), (part, found)


@pytest.mark.parametrize("text", PLACE_NON_MATCHES)
def test_not_places(text: str) -> None:
    assert covered(R, text) == []


def test_a_block_in_a_transcript_leaves_the_speaker_tags_and_heading_readable() -> None:
    text = "note: Billing\nnote: Kasprowicza 48\nnote: 73-161 Będzin\nagent: Thanks"
    found = covered(R, text)
    assert hides(R, text, "Kasprowicza 48") and hides(R, text, "73-161 Będzin"), found
    for readable in ("note", "Billing", "agent", "Thanks"):
        assert not any(readable in part for part in found), (readable, found)


def test_multi_line_block_stops_at_the_next_turn() -> None:
    text = "Agent: Hauptstraße 12\n10115 Berlin\nCaller: Thanks, Dana"
    assert "Thanks" not in " ".join(covered(R, text))


def test_place_explanations_do_not_quote_the_text() -> None:
    text = "She lives in Groningen, at Hauptstraße 12, 10115 Berlin."
    for span in R.find(text, Context()):
        assert "Groningen" not in span.explanation and "Berlin" not in span.explanation


@pytest.mark.parametrize(("text", "words"), BLOCK_NON_PARTS)
def test_address_blocks_leave_the_sentence_readable(text: str, words: list[str]) -> None:
    found = " ".join(covered(R, text)).split()
    assert not set(words) & set(found), found
