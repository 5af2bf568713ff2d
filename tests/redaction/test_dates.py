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
    ("Date: 1972-12-07 16:57:53.192230\nName:", "1972-12-07 16:57:53.192230"),
    ("logged 2021-11-06T14:03Z by", "2021-11-06T14:03Z"),
    ("seen 2021-11-06 09:15+01:00 in", "2021-11-06 09:15+01:00"),
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
    "the 14:03 train",
    "version 2021-11-06x4",
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


# Dates of care (Safe Harbor: every date element but the year), not only dates of birth.
CARE_DATES = [
    ("caller: can i come in tuesday the twenty second", ["tuesday the twenty second"]),
    ("agent: we have you on monday the fourth at nine thirty", ["monday the fourth"]),
    ("caller: the scan was on wed the 11th", ["wed the 11th"]),
    ("agent: how about this friday, the 9th?", ["this friday, the 9th"]),
    ("caller: thursday the 18 at noon", ["thursday the 18"]),
    ("caller: i can come in on the twelfth.", ["the twelfth"]),
    ("agent: the results should be back by the 3rd or so", ["the 3rd"]),
    (
        "caller: i was meant to be seen next friday the twenty second",
        ["next friday the twenty second"],
    ),
    ("caller: could i do this coming monday the sixth", ["this coming monday the sixth"]),
    ("portal: Can we move 8/6 at 9:15, thank you.", ["8/6"]),
    ("Note: appt pushed to 7/3 per pt", ["7/3"]),
    ("caller: they moved it to september twelfth", ["september twelfth"]),
    ("caller: it was the thirtieth of october", ["the thirtieth of october"]),
    ("Note: labs drawn 9/14, follow up 10/02", ["9/14", "10/02"]),
    ("Note: seen on 3/4 for cough", ["3/4"]),
    ("Note: Rx filled 14.08. at pharmacy", ["14.08"]),
    ("Note: next appt Aug 14", ["Aug 14"]),
    ("Note: discharged 3 March, stable", ["3 March"]),
    ("Note: seen 11/03/25", ["11/03/25"]),
    ("Note: Imaging done 11-10, results discussed with pt 5-28.", ["11-10", "5-28"]),
    ("Note: Referral faxed 4-2", ["4-2"]),
    ("Note: Appt moved to Wednesday 8/22 at 7:30.", ["Wednesday 8/22"]),
    ("Notes: Next visit 6.5.. Wound care by RN", ["6.5"]),
    ("Status: Approved the 7th; case open", ["the 7th"]),
    ("Action: Rebooked the 25th @ 12:20 with the sleep lab", ["the 25th"]),
    (
        "office: date of birth may uh seventeenth nineteen eighty nine",
        ["may uh seventeenth nineteen eighty nine"],
    ),
    ("Hx: Fall at home Sat 11.10.. Lives alone", ["Sat 11.10"]),
    ("agent: it'll be ready on the twenty seventh after two o'clock", ["the twenty seventh"]),
    ("Notes: Next visit the 13th. Last seen the 2nd.", ["the 13th", "the 2nd"]),
    # a day corrected or confirmed right after its date was said
    ("agent: born june 19th?\ncaller: No, 29th, not the 19th.", ["june 19th", "29th", "the 19th"]),
    ("agent: that's march 11th?\ncaller: no no, 1st.", ["march 11th", "1st"]),
    ("agent: I have you on May 5th.\ncaller: great, my 4th visit", ["May 5th"]),
    # the year asked for right after a date's day and month completes it
    ("S1: September 22nd...\nS2: And the year?\nS1: 1933, sorry.", ["September 22nd", "1933"]),
    (
        "ch1: march third\nch0: what year\nch1: nineteen eighty two",
        ["march third", "nineteen eighty two"],
    ),
    ("agent: what year is your car?\ncaller: 2012", []),
]
NOT_CARE_DATES = [
    "Note: take 1-2 tablets for 5-10 days",
    "caller: ages 5-12 welcome",
    "Note: BP 120-80, pain 3-4",
    "agent: we open at four fifteen",
    "agent: we close on friday at five thirty",
    "caller: i was on the first floor",
    "agent: after the second dose you may feel tired",
    "caller: i have 3/4 of a bottle left",
    "agent: take 1/2 tablet",
    "caller: the pain is 8/10 today",
    "agent: pain 7/10",
    "agent: we are open 24/7",
    "caller: it cost $14.08.",
    "caller: the score was 7.5 out of 10",
    "caller: give me 12/24 hours",
    "agent: on the first page of the form",
    "caller: monday the first thing i do is call",
    "Note: version 1.2.3. ok",
    "caller: may um i ask something",
    "Note: the 2nd attempt failed",
    "Note: per the 21st century cures act",
    "Note: she is in the 3rd trimester",
    "caller: after the second dose before bed",
    "agent: switch to 1/2 tablet at night",
    "caller: i booked 3/4 of the rooms",
    "caller: next friday works",
    "agent: is it on the 3rd floor?\ncaller: the 2nd floor, 1st door.",
]


@pytest.mark.parametrize(("text", "dates_said"), CARE_DATES)
def test_dates_of_care(text: str, dates_said: list[str]) -> None:
    assert covered(DateRecognizer(), text) == dates_said


@pytest.mark.parametrize("text", NOT_CARE_DATES)
def test_not_dates_of_care(text: str) -> None:
    assert covered(DateRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("caller: my dad is 93 and can't drive", "93"),
        ("caller: my grandmother's ninety six", "ninety six"),
        ("caller: my aunt is now ninety two", "ninety two"),
        ("caller: she just turned one hundred", "one hundred"),
        ("Note: pt aged 95, lives alone", "95"),
        ("caller: she's a 99 year old lady", "99"),
        ("Note: 94yo F with cough", "94"),
        ("Note: 91F, fall at home", "91"),
        ("caller: my husband was 90 last week", "90"),
        ("Note: Smith-Okafor, Bence aged 92 F, DOB on file", "92"),
        ("Client: Mark Lopez (95)", "95"),
        ("S: WISE, Bill (98) M, lives alone", "98"),
        ("Body: At 101 she can no longer manage the stairs.", "101"),
    ],
)
def test_ages_over_89_said_plainly(text: str, age: str) -> None:
    assert covered(AgeRecognizer(), text) == [age]


@pytest.mark.parametrize(
    "text",
    [
        "caller: I'm 45",
        "agent: it takes about 90 minutes",
        "caller: she is 88",
        "caller: my mother is ninety percent better",
        "caller: she is 95 percent sure",
        "caller: her oxygen is 92",
        "caller: my dad's 95 pounds lighter",
        "caller: it's 98 degrees",
        "agent: the copay is 95",
        "Note: room 91F",
        "Note: room 92 F",
        "Note: take exit (95) north",
        "caller: we got there at 95 miles an hour",
    ],
)
def test_plain_numbers_stay(text: str) -> None:
    assert covered(AgeRecognizer(), text) == []


# Issue 16, fourth dev set (callcenter_d): ages said with "will be", "a hundred", in
# note shorthand; days of care after a filler; weekdays with their dates; compact dates.
@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("she'll be ninety three and very hard of hearing", "ninety three"),
        ("my mother's a hundred and one", "a hundred and one"),
        ("he just turned a hundred so", "a hundred"),
        ("Pt's mother (104 yrs) on speaker.", "104"),
        ("Elderly pt, 99 - lives alone.", "99"),
        ("he will be 95 next week", "95"),
        ("so that makes her ninety two this year", "ninety two"),
        ("she'd be ninety five now", "ninety five"),
        ("Pt is 92 years of age, daughter is 64", "92"),
        ("Pt is 101, lives alone", "101"),
        ("the donor is 97 yrs of age", "97"),
    ],
)
def test_ages_over_89_in_other_phrasings(text: str, age: str) -> None:
    assert covered(AgeRecognizer(), text) == [age]


@pytest.mark.parametrize(
    "text",
    [
        "about 90 yrs ago the clinic opened",
        "patient, 95 tablets left in the bottle",
        "she'll be 9 tomorrow",
        "he takes 100 mg twice a day",
        "a hundred dollars is the copay",
        "she is 45 years of age",
        "Pt is 95 percent sure",
    ],
)
def test_other_hundreds_and_nineties_stay(text: str) -> None:
    assert covered(AgeRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "dates_said"),
    [
        ("they moved my procedure to um the fourteenth around nine thirty", ["the fourteenth"]),
        ("the lab work was done the twenty sixth at nine thirty", ["the twenty sixth"]),
        ("can i reschedule from uh the third around eleven", ["the third"]),
        ("i was supposed to come in on tuesday march four around two", ["tuesday march four"]),
        ("Seen 03NOV2024 @ 1515 w/ clinic", ["03NOV2024"]),
        ("Pt no-show Thu 9/5 @ 10am", ["Thu 9/5"]),
        ("Fri, Jun 7 works", ["Fri, Jun 7"]),
    ],
)
def test_dates_of_care_in_other_phrasings(text: str, dates_said: list[str]) -> None:
    assert covered(DateRecognizer(), text) == dates_said


@pytest.mark.parametrize(
    "text",
    [
        "it was the second time i called",
        "he was the first to call back",
        "i need to talk to the second one",
        "for the first week take one tablet",
        "take 3/4 of a tablet",
        "the code is 12AB2024",
    ],
)
def test_ordinals_and_fractions_that_are_no_dates(text: str) -> None:
    assert covered(DateRecognizer(), text) == []
