"""Written international addresses and towns (``address_cores``, ``address_runs``,
``places_written``): streets between numbers, units, address blocks under any line
prefix, addresses running to a clause's end, military addresses, cued postcodes, towns
after journey and home cues.

Every sentence, street and town here was written for these tests (invented or common
words; no generated or dev-set text). Each row runs the whole engine and says what must
be hidden (every letter covered) and what must stay readable, the explicit non-matches
of each rule beside its matches.
"""

# Greek and Cyrillic letters are the point of some rows, not look-alikes of Latin ones:
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from callvault.redaction.engine import analyze

# (rule, text, must be hidden, must stay readable)
ROWS: list[tuple[str, str, list[str], list[str]]] = [
    ("unit", "Please note Apt. 717 for the parcel.", ["Apt. 717"], ["Please", "parcel"]),
    ("unit", "Deliveries go to Suite 150 on weekdays.", ["Suite 150"], ["weekdays"]),
    ("unit", "She rents Unit 4B now.", ["Unit 4B"], ["rents"]),
    ("unit-no", "The Suite Life is a show; unit testing helps.", [], ["Suite", "Life", "unit"]),
    ("between-numbers", "Mail: 412 Vesterbrogade 17", ["412 Vesterbrogade 17"], ["Mail"]),
    (
        "between-numbers",
        "Our desk is at 6703 Via dalle Rondini 87.",
        ["6703 Via dalle Rondini 87"],
        ["desk"],
    ),
    ("between-numbers", "Send it to 1606 Καλαμπάκα 33", ["1606 Καλαμπάκα 33"], ["Send"]),
    ("between-numbers-no", "Chapter 12 Rules 20 apply.", [], ["Chapter", "Rules"]),
    ("between-numbers-no", "In 2019 Apple sold 500 units.", [], ["Apple", "sold"]),
    ("between-numbers-no", "In 2019 Microsoft bought 300 Startups.", [], ["Microsoft"]),
    ("between-numbers-no", "We ordered 2 Pizza Margherita 3 Coke.", [], ["2", "3 Coke"]),
    ("after-prep-no", "We stayed at Hotel Adlon 5 nights.", [], ["Hotel", "Adlon"]),
    ("after-prep", "Marta lives on Grønnegade 44 street.", ["Marta", "Grønnegade 44"], ["lives"]),
    ("after-prep", "Enter on Ποσειδώνος 254 after nine.", ["Ποσειδώνος 254"], ["nine"]),
    ("after-prep-no", "It runs on Windows 10 at Gate 12.", [], ["Windows", "Gate"]),
    ("after-in", "It's in Kromwater 38 Hafliðason Inlet", ["Kromwater 38"], []),
    ("after-in-no", "The games in Tokyo 2020 were late.", [], ["2020"]),
    ("after-prep-no", "Switched to Lipitor 20 mg daily.", [], ["Lipitor"]),
    ("after-prep-no", "Switched to Tylenol 500, it helps.", [], ["Tylenol"]),
    ("two-numbers", "Office at 8812 314 Harbor Road", ["8812 314 Harbor Road"], ["Office"]),
    (
        "two-numbers",
        "Meet at 096 2767 40th Street, Lakeview",
        ["096 2767 40th Street", "Lakeview"],
        [],
    ),
    ("two-numbers-no", "We sold 2019 units to Tom.", [], ["sold", "units"]),
    (
        "military",
        "How do I change my address to USNS Halvorsen\nFPO AE 11223 for mail?",
        ["USNS Halvorsen", "FPO AE 11223"],
        ["mail"],
    ),
    (
        "military",
        "Ship to PSC 1234, Box 5678\nAPO AA 33445",
        ["PSC 1234, Box 5678", "APO AA 33445"],
        [],
    ),
    ("zip-cue", "ZIP: 4410", ["4410"], ["ZIP"]),
    ("zip-cue", "Postcode 937 90, thanks", ["937 90"], ["thanks"]),
    ("zip-cue-no", "Zip it up, 4 of them.", [], ["Zip"]),
    (
        "block",
        "}} Karin Holm\n}} 771 Fjordvegen 12\n}} Apt. 31\n}} Brekkeby\n}} Norway 48213\n"
        "Thanks for your help",
        ["771 Fjordvegen 12", "Apt. 31", "Brekkeby", "48213"],
        ["Thanks", "help"],
    ),
    (
        "block",
        "??? 204 Rue des Tilleuls 9\n??? Suite 22\n??? VALMONT\n??? nan 937 90",
        ["204 Rue des Tilleuls 9", "Suite 22", "VALMONT", "937 90"],
        [],
    ),
    (
        "block-blank-line",
        "Ines Roca\n\n550 Carrer Nou 8\n Apt. 3\n Vilafort\n\n Andorra 19283",
        ["550 Carrer Nou 8", "Apt. 3", "Vilafort", "19283"],
        [],
    ),
    (
        "run",
        "Please return to 3321 Kirkevej 8 Apt. 12 ØSTERBY nan in case of trouble.",
        ["3321 Kirkevej 8 Apt. 12 ØSTERBY nan"],
        ["case", "trouble"],
    ),
    (
        "run",
        "Send a new one to 5543 Nørre Allé 42 Suite 789 Lindholt Region Syd?",
        ["5543 Nørre Allé 42 Suite 789 Lindholt Region Syd"],
        ["Send"],
    ),
    (
        "run-lines",
        "Meet me at 076 Fjellveien 70\nSolbakken\n, PA\n 66878 tomorrow.",
        ["076 Fjellveien 70", "Solbakken", "PA", "66878"],
        ["tomorrow"],
    ),
    (
        "run-lines-region-code",
        "Go to 894 Kuuse 53\nLAVIA\n, SA\n 03410. It is far.",
        ["894 Kuuse 53", "LAVIA", "SA", "03410"],
        ["far"],
    ),
    (
        "run-lines-country-last",
        "It arrived at 0979 Stubengraben 80\n Suite 212\n EBEN\n Austria last night.",
        ["0979 Stubengraben 80", "Suite 212", "EBEN", "Austria"],
        ["night"],
    ),
    (
        "run-connectors",
        "Meet at 2320 Fynshovedvej 33, Espinosa de los Monteros, Spain",
        ["2320 Fynshovedvej 33", "Espinosa de los Monteros"],
        ["Spain"],
    ),
    (
        "run-country-no",
        "New address: Kirkevej 8, 4410 Holmsted, Norway.",
        ["Kirkevej 8", "4410 Holmsted"],
        ["Norway"],
    ),
    (
        "corner",
        "I'll wait at the corner of Lindvej 14 and Maple Crossing tonight.",
        ["the corner of Lindvej 14 and Maple Crossing"],
        ["wait", "tonight"],
    ),
    (
        "restart-after-reject",
        "The address of Alpha Growth 2027 Term Fund is 326 Hraunás 21 Apt. 5",
        ["326 Hraunás 21 Apt. 5"],
        ["Growth", "Term", "Fund"],
    ),
    (
        "two-numbers-suffix",
        "Update it to 976 3240 Meadow Drive Apt. 875 Lakeview OK",
        ["976 3240 Meadow Drive Apt. 875 Lakeview OK"],
        ["Update"],
    ),
    (
        "name-before",
        "User: Rúa de San Pedro 19 Tokaryev Crossing\n Suite 637\n Valverde",
        ["Rúa de San Pedro 19 Tokaryev Crossing", "Suite 637", "Valverde"],
        ["User"],
    ),
    (
        "country-in-run",
        "It is 941 Waldgasse 27 Suite 660 WEIDING Austria",
        ["941 Waldgasse 27 Suite 660 WEIDING Austria"],
        ["It"],
    ),
    (
        "block-tight-prefix",
        "}}Ana Lima\n}}4791 Rua Diadema 1903\n}}Suite 150\n}}Recife\n}}Brazil 32215",
        ["4791 Rua Diadema 1903", "Suite 150", "Recife", "32215"],
        [],
    ),
    (
        "run-org-no",
        "We'll meet at Nordvik Energy Group Inc., 9147 Fjordgata 69, Brekkeby",
        ["9147 Fjordgata 69", "Brekkeby"],
        ["Nordvik", "Energy", "Group", "Inc"],
    ),
    (
        "run-org-no",
        "Sent to 12 Vestergade 4 Pactiv Evergreen Inc. staff",
        ["12 Vestergade 4"],
        ["Pactiv", "Evergreen"],
    ),
    (
        "nr-street",
        "Write to Intrarea Suciu Nr. 297 Bl. 40 Ap. 7, Blaj 810497",
        ["Intrarea Suciu Nr. 297 Bl. 40 Ap. 7", "Blaj 810497"],
        ["Write"],
    ),
    ("nr-street-no", "Please pay Invoice No. 4411 today.", [], ["Invoice"]),
    ("nr-street-no", "log: NHS No 557 140 4481 on file.", [], ["NHS"]),
    (
        "cyrillic",
        "Адрес: г. Тулуза, ул. Лесная, д. 12, кв. 5, 300041",
        ["г. Тулуза", "ул. Лесная, д. 12", "кв. 5", "300041"],
        ["Адрес"],
    ),
    (
        "cyrillic",
        "Пишіть: вулиця Рожева, буд. 4 кв. 9, Вербівка, 72793",
        ["вулиця Рожева, буд. 4 кв. 9", "Вербівка", "72793"],
        ["Пишіть"],
    ),
    ("cyrillic-no", "Позвоните в ООО Ромашка завтра.", [], ["Ромашка"]),
    (
        "run-state-slash",
        "Entregar em Sítio Oliveira 65, 97114-710 Ramos Verde / RO amanhã",
        ["97114-710 Ramos Verde / RO"],
        ["amanhã"],
    ),
    ("greek-postcode", "ΤΚ 46563 Γρεβενά", ["46563"], []),
    (
        "run-phone-no",
        "Write to Lindvej 14, 4410 Holmsted, tel. 91 72 13 38 now",
        ["Lindvej 14", "4410 Holmsted"],
        ["tel"],
    ),
    ("street-in-town", "It refers to Tamme 63 street in Uue-Saaluse.", ["Uue-Saaluse"], ["refers"]),
    ("town-landmark", "Frederiksberg C bridge is falling down.", ["Frederiksberg C"], ["bridge"]),
    ("town-cue", "The mayor arrived at Kvarnholt this morning.", ["Kvarnholt"], ["morning"]),
    ("town-cue", "We returned to ØSTERBY by ferry.", ["ØSTERBY"], ["ferry"]),
    ("town-cue", "Their home city Brekkeby: a port.", ["Brekkeby"], ["port"]),
    ("town-cue", "She studied at the University of Tarnowo.", ["Tarnowo"], ["University"]),
    ("town-cue", "Where: Holmvik Country Club.", ["Holmvik"], ["Country", "Club"]),
    ("town-prep", "He worked a year in Valmoreto, which he loved.", ["Valmoreto"], ["loved"]),
    ("town-prep", "The weather in Kvarnholt was fine.", ["Kvarnholt"], ["weather", "fine"]),
    ("town-prep-no", "Please send the refill to Walgreens", [], ["Walgreens"]),
    ("town-prep-no", "I got a letter from Amazon.", [], ["Amazon"]),
    ("town-prep", "Weather in Kvarnholt: sunny.", ["Kvarnholt"], ["Weather", "sunny"]),
    ("town-prep-no", "I visited Google last summer.", [], ["Google"]),
    ("town-prep-no", "The memo from Marketing was late.", [], ["Marketing"]),
    ("town-landmark", "Zorvikstad bridge is closed.", ["Zorvikstad"], ["bridge", "closed"]),
    ("town-postcode", "Looking to support them in Kaster 8572 soon.", ["Kaster 8572"], ["soon"]),
    ("town-no", "I'm originally from Switzerland.", [], ["Switzerland"]),
    ("town-no", "The team arrived at Siemens AG on time.", [], ["Siemens"]),
    ("town-no", "She returned to Work after lunch.", [], ["Work"]),
    ("town-no", "It was written in Dutch, which I read.", [], ["Dutch"]),
]


def _hidden_mask(text: str) -> bytearray:
    mask = bytearray(len(text))
    for span in analyze(text):
        mask[span.start : span.end] = b"\x01" * (span.end - span.start)
    return mask


def _all_hidden(text: str, mask: bytearray, part: str) -> bool:
    start = text.index(part)
    return all(mask[i] for i in range(start, start + len(part)) if text[i].isalnum())


def _untouched(text: str, mask: bytearray, part: str) -> bool:
    start = text.index(part)
    return not any(mask[start : start + len(part)])


@pytest.mark.parametrize(("rule", "text", "hidden", "readable"), ROWS, ids=[r[0] for r in ROWS])
def test_written_addresses(rule: str, text: str, hidden: list[str], readable: list[str]) -> None:
    mask = _hidden_mask(text)
    for part in hidden:
        assert _all_hidden(text, mask, part), (rule, part)
    for part in readable:
        assert _untouched(text, mask, part), (rule, part)
