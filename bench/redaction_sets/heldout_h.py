"""Held-out set ``heldout_h``: contact-center conversations, written blind.

Written by an author who never opened the redactor (``src/callvault/redaction``), its
tests, ``bench/RESULTS.md``, ``docs/redaction.md`` or the other generators' phrase
content, and who never ran the redactor or a scorer on this set: nothing here is tuned
to what the engine catches. Only ``_build`` (Builder), ``_people`` (seeded Faker), the
registry and the shared scorer's README were read. (The branch's recent commit subjects,
seen in ``git log``, were not used to pick phrasings.)

    .venv/bin/python -m bench.redaction_sets --set heldout_h --out /tmp/hh.jsonl

Size: 400 records (seed 9173), 70 % ``asr`` (280) and 30 % ``written`` (120), about
2,500 gold entities. Identities come from 31 Faker locales, about 54 % of people non-US
(en_GB/IE/AU/IN/NG, de_DE/AT/CH, fr_FR/CA, es_ES/CO/AR, pt_BR/PT, it, nl, pl, ro, hr, cs,
sk, sv, no, fi, tr, vi, id, ga_IE, ja_JP romanized); a quarter of them live in the US,
the rest at a home in their locale (towns, streets, postcodes, national phone formats).

Spoken scenarios (lower case, no punctuation but apostrophes, numbers as words,
fillers, false starts, back-channels from the other side): an appointment reminder
called back (or the outbound reminder itself), a lab-results line, a billing dispute
(account, claim, card), a ride booked for a patient, a hospital switchboard transfer,
a caregiver calling for a parent with dementia, insurance member services, a pharmacy
prior authorization, telehealth tech support (a personal visit link read out), a
non-emergency ambulance booking, a call dropped and resumed, a three-way call with an
interpreter (the caller in Spanish: names, a Spanish date of birth and phone digits,
then the interpreter's English rendering). Speaker tags vary by record: Agent/Caller,
A/C, spk_0/spk_1, Speaker 1/2, Rep/Customer, CSR/Member, S1/S2, SPEAKER_01/02, Nurse,
Pharmacist, Dispatcher, Interpreter/INT/spk_2.

Written notes: structured after-call summaries (one field a line), the agent's prose
shorthand ("Spoke w/ pt's dtr ...", "LM for ..."), transport bookings with multi-line
pickup addresses, billing-dispute memos, prior-auth records and telehealth tickets.

Families (``family`` on each span; ``.kind`` on names is plain/particle/hyphen/word/
wordfirst, ``:nonascii`` marks a non-ASCII surface, ``:homophone`` a number with
"to/too/for/fore/won/ate"):
- dates of birth spoken in ten shapes (month ordinal, "the Nth of month", "month the
  Nth", cardinal day, day-first, numeric m-d-y / d-m-y with "oh/zero", year first, the
  year asked for in a second turn, a corrected day, the agent's read-back), in Spanish
  and through the interpreter, and written in nine (03/04/1952, 3/4/52, 04.03.1952, ISO,
  04-Mar-1952, 4 Mar 1952, March 4, 1952, 4th March 1952, Mar 4 '52);
- dates of care: a weekday with "last / this past / next / just gone / week / before
  last", "tuesday the ninth", "the ninth" alone, "the ninth of may", "may ninth", a
  corrected weekday; in notes 3/14, 14/3, 14.03., Tue 3/14, Tues, the 14th, Mar 14,
  14-Mar, Monday the 2nd;
- ages over 89 said plainly ("she's ninety three") or indirectly ("just turned ninety",
  "going on ninety four", "pushing a hundred", "at ninety one he doesn't drive"), written
  92 y/o, 94yo, aged 97, (96), age 91; ages under 90 (eighty nine included) as negatives;
- identifiers (SSN and its last four, MRN, member id incl. Medicare-style MBI, account,
  claim, prior-auth / case / booking references, card and its last four) read plain,
  with fillers between pieces, corrected, restarted, split over two turns around a
  back-channel, interrupted by crosstalk, with the agent's "mhm" bled into the caller's
  line, cut off by a dropped call and read again, and read back by the agent (with a
  caller's fix); letters spelled NATO, "k as in king", "k for kilo", "k like kite",
  "k kilo", bare, and as sound-alike words (bee, see, oh, are, why, you);
- phones: US formats, national non-US formats (07700 900123, 06 12 34 56 78, 0151 ...),
  +CC, E.164 and 00CC forms; spoken with "plus", "double oh", "double/triple seven";
- names: answer on the next line or on the question's line, first and surname in two
  turns, "surname comma first" said aloud, "LAST, First" and "Last, First" in notes,
  initials, after relationship words (mother in law, godmother, lodger, landlady, ward,
  foster son, late husband's sister, pop pop, HCP, POA, DIL, court-appointed guardian),
  with no cue mid-sentence, on an outbound "am i speaking with", spelled (also split over
  two turns), read back; surnames that are English words (Brown, Hope, Church, Frost),
  first names that are words or months (Will, June, April), particles (van der, de la,
  dos, von, bin/binti, di), hyphenated surnames, accented letters (ł, ő, ă, ü, ø, ễ);
- places: a town alone, US street addresses said with the town and zip in separate
  pieces, non-US order ("kochstrasse sixty five" then "postcode ... herisau"), postcodes
  and zips alone, two-line written addresses (state and country lines left readable);
- e-mail read out at national domains ("... at o two dot pl", spelled local parts) and
  written; patient-specific telehealth URLs spoken and written.

Hard negatives (``negatives``): AGENT_NAME (the agent, interpreters, prescribers,
accented names too), CLINIC_NAME, ORG_NAME (insurers, pharmacies, transport firms,
LanguageLine, Zoom, hospital units), MEDICATION, DOSAGE, TIME, COUNT ("ninety day
supply", "three refills", an interpreter id), CLINIC_PHONE, AGE_UNDER_90. Years alone
("since two thousand eleven", "CHF dx 2019"), countries and US states stay readable
and unmarked.

Gold conventions:
- A span holds only the identifying words. Fillers, corrections' cue words ("no sorry",
  "scratch that"), restart words, back-channels and "comma" said aloud sit between
  pieces, outside the span; the pieces share one ``eid``.
- A corrected or abandoned attempt (the wrong digits, the first half before "let me
  start again", the half said before the call dropped) belongs to the same entity.
- The agent's read-back, a caller's fix of it, the interpreter's rendering and a
  spelled-out name are new mentions with their own ``eid``.
- A spelled run is one span from its first letter to its last gloss word, "as in" /
  "for" / "like" / "hyphen" / "with an accent" included.
- Dates: "the" before a day and "last/next/this/on" before a weekday are outside;
  "the" inside "tuesday the ninth" or "march the fourth" is inside; a DOB's year said in
  a second turn is a piece of the DOB. "today/yesterday/tomorrow" are not marked.
- Ages: only the number ("ninety three", "94yo", "a hundred"); "years old" outside.
- Names: titles (mr, mrs, dr) and relationship words outside; particles and hyphenated
  parts inside; "LAST, First" one span with its comma.
- Addresses: one entity per address; street line, town and postcode may be separate
  pieces; states, countries and connecting words ("in", "postcode") and the comma
  between street line and town are outside; a comma inside a street line ("Rua X, 957")
  is inside.
- Phones: country code ("plus four four", "+44", "0044") inside; an e-mail spans from
  the local part to the top-level domain, "at" and "dot" inside.
- Claim, case, prior-auth and booking references of the patient are ACCOUNT.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from ._build import (
    MONTHS,
    ONES,
    ORDINALS,
    WEEKDAYS,
    Builder,
    clock,
    nfc,
    number_words,
    two_digits,
    year_words,
)
from ._people import People, has_non_ascii

NAME = "heldout_h"
DEFAULT_SEED = 9173
DEFAULT_COUNT = 400

# ---------------------------------------------------------------------------------------
# Identities: (locale, weight). About 54 % of callers come from a non-US locale.
LOCALES = [
    ("en_US", 48), ("en_GB", 4), ("en_IE", 2), ("en_AU", 2), ("en_IN", 3), ("en_NG", 2),
    ("de_DE", 3), ("de_AT", 2), ("de_CH", 1), ("fr_FR", 3), ("fr_CA", 2), ("es_ES", 2),
    ("es_CO", 3), ("es_AR", 1), ("pt_BR", 3), ("pt_PT", 2), ("it_IT", 2), ("nl_NL", 2),
    ("pl_PL", 3), ("ro_RO", 2), ("hr_HR", 1), ("cs_CZ", 1), ("sk_SK", 1), ("sv_SE", 1),
    ("no_NO", 1), ("fi_FI", 1), ("tr_TR", 2), ("vi_VN", 2), ("id_ID", 1), ("ga_IE", 1),
    ("ja_JP", 1),
]  # fmt: skip
# Locales whose Faker towns are invented English-looking names: their callers' homes use
# a neighbouring locale's towns and streets.
HOME_OF = {"en_NG": "en_GB", "ga_IE": "en_IE", "ja_JP": "en_US", "tr_TR": "de_DE",
           "vi_VN": "fr_FR", "en_AU": "en_AU"}  # fmt: skip
COUNTRY = {
    "en_US": "USA", "en_GB": "UK", "en_IE": "Ireland", "en_AU": "Australia", "en_IN": "India",
    "de_DE": "Germany", "de_AT": "Austria", "de_CH": "Switzerland", "fr_FR": "France",
    "fr_CA": "Canada", "es_ES": "Spain", "es_CO": "Colombia", "es_AR": "Argentina",
    "pt_BR": "Brazil", "pt_PT": "Portugal", "it_IT": "Italy", "nl_NL": "the Netherlands",
    "pl_PL": "Poland", "ro_RO": "Romania", "hr_HR": "Croatia", "cs_CZ": "Czechia",
    "sk_SK": "Slovakia", "sv_SE": "Sweden", "no_NO": "Norway", "fi_FI": "Finland",
}  # fmt: skip

# Phone formats by home locale: country code, national written forms, international form.
# N = a digit 2-9, X = any digit.
PHONES: dict[str, tuple[str, list[str], str]] = {
    "en_US": ("+1", ["(NXX) NXX-XXXX", "NXX-NXX-XXXX", "NXX.NXX.XXXX"], "NXX NXX XXXX"),
    "en_GB": ("+44", ["07NXX XXXXXX", "01NXX XXXXXX", "020 NXXX XXXX"], "7NXX XXXXXX"),
    "en_IE": ("+353", ["08N XXX XXXX"], "8N XXX XXXX"),
    "en_AU": ("+61", ["04XX XXX XXX"], "4XX XXX XXX"),
    "en_IN": ("+91", ["09XXXX XXXXX"], "9XXXX XXXXX"),
    "de_DE": ("+49", ["015X XXXXXXXX", "0NXX XXXXXXX"], "15X XXXXXXXX"),
    "de_AT": ("+43", ["066X XXXXXXX"], "66X XXXXXXX"),
    "de_CH": ("+41", ["07N XXX XX XX"], "7N XXX XX XX"),
    "fr_FR": ("+33", ["06 XX XX XX XX", "07 XX XX XX XX"], "6 XX XX XX XX"),
    "fr_CA": ("+1", ["NXX-NXX-XXXX", "(NXX) NXX-XXXX"], "NXX NXX XXXX"),
    "es_ES": ("+34", ["6XX XX XX XX", "6XX XXX XXX"], "6XX XXX XXX"),
    "es_CO": ("+57", ["3XX XXX XXXX"], "3XX XXX XXXX"),
    "es_AR": ("+54", ["011 XXXX-XXXX"], "9 11 XXXX XXXX"),
    "pt_BR": ("+55", ["(NX) 9XXXX-XXXX"], "NX 9XXXX XXXX"),
    "pt_PT": ("+351", ["9XX XXX XXX"], "9XX XXX XXX"),
    "it_IT": ("+39", ["3XX XXX XXXX"], "3XX XXXXXXX"),
    "nl_NL": ("+31", ["06-XXXXXXXX", "06 XXXX XXXX"], "6 XXXXXXXX"),
    "pl_PL": ("+48", ["NXX XXX XXX", "NXX-XXX-XXX"], "NXX XXX XXX"),
    "ro_RO": ("+40", ["07XX XXX XXX"], "7XX XXX XXX"),
    "hr_HR": ("+385", ["09X XXX XXXX"], "9X XXX XXXX"),
    "cs_CZ": ("+420", ["NXX XXX XXX"], "NXX XXX XXX"),
    "sk_SK": ("+421", ["09XX XXX XXX"], "9XX XXX XXX"),
    "sv_SE": ("+46", ["07X-XXX XX XX"], "7X XXX XX XX"),
    "no_NO": ("+47", ["9XX XX XXX", "4XX XX XXX"], "9XX XX XXX"),
    "fi_FI": ("+358", ["04X XXX XXXX"], "4X XXX XXXX"),
}
# Where the caller is said to be calling from when the home is not in PHONES.
PHONE_HOME = {"en_NG": "en_GB", "ga_IE": "en_IE", "tr_TR": "de_DE", "vi_VN": "fr_FR",
              "id_ID": "en_AU", "ja_JP": "en_US"}  # fmt: skip
COMMONWEALTH = {"en_GB", "en_IE", "en_AU", "en_IN"}

MAIL_DOMAINS = {
    "en_US": ["gmail.com", "yahoo.com", "aol.com", "comcast.net", "icloud.com"],
    "en_GB": ["btinternet.com", "yahoo.co.uk", "sky.com"], "en_IE": ["eircom.net", "gmail.com"],
    "en_AU": ["bigpond.com", "optusnet.com.au"], "en_IN": ["rediffmail.com", "yahoo.co.in"],
    "de_DE": ["gmx.de", "web.de", "t-online.de"], "de_AT": ["gmx.at", "aon.at"],
    "de_CH": ["bluewin.ch", "gmx.ch"], "fr_FR": ["orange.fr", "free.fr", "laposte.net"],
    "fr_CA": ["videotron.ca", "sympatico.ca"], "es_ES": ["hotmail.es", "telefonica.net"],
    "es_CO": ["hotmail.com.co", "une.net.co"], "es_AR": ["fibertel.com.ar", "yahoo.com.ar"],
    "pt_BR": ["uol.com.br", "bol.com.br"], "pt_PT": ["sapo.pt", "netcabo.pt"],
    "it_IT": ["libero.it", "virgilio.it"], "nl_NL": ["ziggo.nl", "kpnmail.nl"],
    "pl_PL": ["wp.pl", "o2.pl", "onet.pl"], "ro_RO": ["yahoo.ro"], "hr_HR": ["net.hr"],
    "cs_CZ": ["seznam.cz", "centrum.cz"], "sk_SK": ["azet.sk"], "sv_SE": ["telia.com"],
    "no_NO": ["online.no"], "fi_FI": ["elisanet.fi"], "tr_TR": ["hotmail.com.tr"],
    "vi_VN": ["yahoo.com.vn"], "id_ID": ["yahoo.co.id"], "ga_IE": ["eircom.net"],
    "ja_JP": ["docomo.ne.jp"], "en_NG": ["yahoo.com.ng"],
}  # fmt: skip

# Surnames and first names that are also ordinary English words (or months).
WORD_SURNAMES = [
    "Brown", "White", "Young", "Hope", "Church", "Bell", "Wood", "Hill", "Park", "Rose", "Fox",
    "Baker", "Cook", "Rich", "Small", "Frost", "Stone", "Little", "Strong", "Sharp", "Best",
    "Hunt", "Black", "Green", "Long", "Short", "Day", "Knight", "Page", "Banks", "Field",
    "Lamb", "Mills", "Cross", "Moss", "Swift", "Bird", "Marsh", "Street", "Waters", "Gold",
]  # fmt: skip
WORD_FIRSTS = ["Hope", "Grace", "Faith", "Will", "Mark", "June", "April", "Joy", "Dawn", "Bill",
               "Pat", "Sandy", "Hunter", "Art", "Iris", "Ivy", "Summer", "Rusty"]  # fmt: skip
PARTICLES = [("nl_NL", "van der"), ("nl_NL", "van den"), ("nl_NL", "de"), ("es_CO", "de la"),
             ("es_ES", "del"), ("pt_BR", "dos"), ("pt_PT", "da"), ("fr_FR", "le"),
             ("de_DE", "von"), ("id_ID", "bin"), ("id_ID", "binti"), ("it_IT", "di")]  # fmt: skip

# Hard negatives.
AGENTS = ["Priya", "Dolores", "Kwame", "Tomás", "Ingrid", "Marcus", "Beatriz", "Yusuf",
          "Siobhán", "Renée", "Darnell", "Mei", "Oksana", "Luis", "Hannah", "Jorge", "Fatima",
          "Bjørn", "Chloé", "Andre", "Keisha", "Rohan", "Gwen", "Teodor"]  # fmt: skip
CLINICS = ["Northgate Family Medicine", "St. Brigid's Hospital", "Lakeside Dialysis Center",
           "Riverbend Pediatrics", "Harbor View Cardiology", "Cedar Ridge Orthopedics",
           "Mercy Valley Medical Center", "Bayshore Women's Health", "Pinecrest Rehab",
           "Summit Oncology Associates", "Willow Creek Memory Clinic", "Eastfield Urgent Care",
           "Good Shepherd Hospice", "Meadowbrook Sleep Lab"]  # fmt: skip
ORGS = ["Keystone Mutual", "Meridian Health Plan", "Medicare", "Medicaid", "Blue Harbor Insurance",
        "TriCounty Transit", "Uber Health", "LanguageLine", "Walgreens", "CVS", "Express Scripts",
        "the VA", "Social Security", "Zoom", "AARP"]  # fmt: skip
MEDS = [("metformin", ["five hundred milligrams", "500 mg", "1000 mg"]),
        ("lisinopril", ["ten milligrams", "10 mg", "20mg"]),
        ("apixaban", ["five milligrams", "5 mg", "2.5 mg"]),
        ("Eliquis", ["five milligrams", "5 mg"]), ("Ozempic", ["point five milligrams", "0.5 mg"]),
        ("atorvastatin", ["forty milligrams", "40 mg"]),
        ("levothyroxine", ["fifty micrograms", "50 mcg", "75 mcg"]),
        ("sertraline", ["fifty milligrams", "50 mg"]), ("donepezil", ["ten milligrams", "10 mg"]),
        ("memantine", ["ten milligrams twice a day", "10 mg BID"]),
        ("insulin glargine", ["twenty units", "20 units"]),
        ("Humira", ["forty milligrams", "40 mg"]), ("furosemide", ["forty milligrams", "40 mg"]),
        ("warfarin", ["three milligrams", "3 mg"]),
        ("gabapentin", ["three hundred milligrams", "300 mg"]), ("Entresto", ["49/51 mg"]),
]  # fmt: skip
CLINIC_PHONES = [("eight hundred five five five oh one nine nine", "(800) 555-0199"),
                 ("one eight eight eight five five five oh one four two", "1-888-555-0142"),
                 ("eight seven seven five five five oh one six six", "877-555-0166")]  # fmt: skip

NATO = {"a": "alpha", "b": "bravo", "c": "charlie", "d": "delta", "e": "echo", "f": "foxtrot",
        "g": "golf", "h": "hotel", "i": "india", "j": "juliet", "k": "kilo", "l": "lima",
        "m": "mike", "n": "november", "o": "oscar", "p": "papa", "q": "quebec", "r": "romeo",
        "s": "sierra", "t": "tango", "u": "uniform", "v": "victor", "w": "whiskey",
        "x": "x ray", "y": "yankee", "z": "zulu"}  # fmt: skip
WORDS = {"a": ["apple", "adam"], "b": ["boy", "bob"], "c": ["cat", "charles"],
         "d": ["david", "dog"],
         "e": ["edward", "egg"], "f": ["frank", "fox"], "g": ["george", "girl"],
         "h": ["harry", "henry"], "i": ["ida", "ice cream"], "j": ["john", "jack"],
         "k": ["king", "kate"], "l": ["larry", "lion"], "m": ["mary", "mother"],
         "n": ["nancy", "nora"], "o": ["orange", "otto"], "p": ["peter", "paul"],
         "q": ["queen"], "r": ["robert", "rabbit"], "s": ["sam", "sugar"], "t": ["tom", "tiger"],
         "u": ["umbrella", "uncle"], "v": ["victor", "violin"], "w": ["william", "water"],
         "x": ["x ray"], "y": ["yellow", "yoyo"], "z": ["zebra"]}  # fmt: skip
# How a recogniser sometimes writes a letter that was said on its own.
LETTER_SOUNDS = {"b": "bee", "c": "see", "i": "eye", "o": "oh", "q": "queue", "r": "are",
                 "t": "tea", "u": "you", "y": "why"}  # fmt: skip
DIGIT_SOUNDS = {"0": ["oh"], "1": ["won"], "2": ["to", "too"], "4": ["for", "fore"], "8": ["ate"]}
HOMOPHONE_WORDS = {"won", "to", "too", "for", "fore", "ate"}

FILLERS = ["uh", "um", "er", "hmm", "uhh", "erm", "ah"]
BACKCHANNELS = ["mhm", "mm hm", "okay", "yep", "uh huh", "got it", "go on", "right", "yes",
                "okay go ahead", "mhm and then", "sure"]  # fmt: skip

TRIGGER_GROUPS = [
    ("Agent", "Caller"),
    ("A", "C"),
    ("spk_0", "spk_1"),
    ("Speaker 1", "Speaker 2"),
    ("Rep", "Customer"),
    ("AGENT", "CALLER"),
    ("agent", "caller"),
    ("CSR", "Member"),
    ("Operator", "Caller"),
    ("S1", "S2"),
    ("SPEAKER_01", "SPEAKER_02"),
    ("Agent 7", "Inbound"),
    ("Rep", "Caller"),
]
# Role tags for the scenarios they belong to.
ROLE_TAGS = {
    "lab": [("Nurse", "Caller"), ("RN", "Pt")],
    "pa": [("Pharmacist", "Caller"), ("PA desk", "Office")],
    "amb": [("Dispatcher", "Caller"), ("Dispatch", "Nurse")],
}


# ---------------------------------------------------------------------------------------
# Small text helpers.
def fold(s: str) -> str:
    """ASCII letters only (what an English recogniser or an e-mail address would carry)."""
    s = s.replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("ø", "o")
    s = s.replace("Ø", "O").replace("æ", "ae").replace("đ", "d").replace("Đ", "D")
    s = s.replace("\u0131", "i").replace("\u0130", "I")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def asr_words(s: str, rng: random.Random, keep_accents: bool = True) -> str:
    """A written string as a recogniser would print it: lower case, digits as words,
    no punctuation but apostrophes."""
    if not keep_accents:
        s = fold(s)
    out: list[str] = []
    s = s.replace("\u0130", "I")
    s = "".join(ch if ch.isalnum() or ch in "' " else " " for ch in s)
    for tok in s.split():
        if tok.isdigit():
            n = int(tok)
            out.append(house_words(n, rng))
        elif any(c.isdigit() for c in tok):
            out.extend(spoken_digits(c, rng) if c.isdigit() else c.lower() for c in tok)
        else:
            out.append(tok.lower())
    return unicodedata.normalize("NFC", " ".join(out))


def spoken_digits(ds: str, rng: random.Random, homo: float = 0.0, doubles: bool = False) -> str:
    """Digits read one by one: "oh" for some zeros, homophones ("to", "for", "won") at
    rate ``homo``, and in the Commonwealth style "double seven" / "triple oh"."""
    out: list[str] = []
    i = 0
    while i < len(ds):
        d = ds[i]
        run = 1
        while i + run < len(ds) and ds[i + run] == d and run < 3:
            run += 1
        word = "oh" if d == "0" and rng.random() < 0.5 else ONES[int(d)]
        if doubles and run >= 2 and rng.random() < 0.8:
            out.append(("triple " if run == 3 else "double ") + word)
            i += run
            continue
        if d in DIGIT_SOUNDS and rng.random() < homo:
            word = rng.choice(DIGIT_SOUNDS[d])
        out.append(word)
        i += 1
    return " ".join(out)


def spoken_pairs(ds: str, rng: random.Random, homo: float = 0.0) -> str:
    """Digits read two at a time where a pair does not start with 0 ("forty seven")."""
    out: list[str] = []
    i = 0
    while i < len(ds):
        pair = ds[i : i + 2]
        if len(pair) == 2 and pair[0] != "0" and rng.random() < 0.6:
            out.append(two_digits(int(pair)))
            i += 2
        else:
            out.append(spoken_digits(ds[i], rng, homo))
            i += 1
    return " ".join(out)


def house_words(n: int, rng: random.Random) -> str:
    """A house number as said: "seventeen seventy seven", "twenty oh five", digit by digit
    past four digits."""
    if n < 1000:
        return number_words(n)
    if n >= 10000:
        return spoken_digits(str(n), rng)
    hi, lo = divmod(n, 100)
    if lo == 0:
        return f"{two_digits(hi)} hundred"
    return f"{two_digits(hi)} " + (f"oh {ONES[lo]}" if lo < 10 else two_digits(lo))


def has_homophone(s: str) -> bool:
    return any(w in HOMOPHONE_WORDS for w in s.split())


def fill(pattern: str, rng: random.Random) -> str:
    out = []
    for ch in pattern:
        if ch == "N":
            out.append(str(rng.randint(2, 9)))
        elif ch == "X":
            out.append(str(rng.randint(0, 9)))
        else:
            out.append(ch)
    return "".join(out)


def digits_of(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def groups_of(s: str) -> list[str]:
    """The digit groups of a written number ("+49 151 2345" -> ["49", "151", "2345"])."""
    out, cur = [], ""
    for c in s:
        if c.isdigit():
            cur += c
        elif cur:
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


# ---------------------------------------------------------------------------------------
@dataclass
class P:
    """A gold PHI piece (pieces sharing ``eid`` are one entity)."""

    text: str
    label: str
    family: str
    eid: int | None = None


@dataclass
class K:
    """A must-keep negative."""

    text: str
    kind: str


Piece = str | P | K
NO_SPACE_BEFORE = (",", ".", "?", "!", ";", ":", ")", "'s ", "'s")


@dataclass
class Person:
    first: str
    last: str
    loc: str
    home: str  # locale of the address and phone
    female: bool
    kind: str  # plain, particle, hyphen, word, nonascii...

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    def fam(self, family: str) -> str:
        return family + (":nonascii" if has_non_ascii(self.full) else "")


class Call:
    """One record under construction, spoken (``asr``) or written."""

    def __init__(self, rid: str, asr: bool, rng: random.Random, ppl: People) -> None:
        self.b = Builder(rid, "asr" if asr else "written")
        self.asr = asr
        self.rng = rng
        self.ppl = ppl
        self.A, self.C = rng.choice(TRIGGER_GROUPS)
        self.agent = rng.choice(AGENTS)
        self.clinic = rng.choice(CLINICS)
        self.accents = rng.random() < 0.55
        self.pt: Person | None = None
        self.self_call = False  # the caller is the patient

    @property
    def she(self) -> str:
        if self.self_call:
            return "i"
        return "he" if self.pt and not self.pt.female else "she"

    @property
    def shes(self) -> str:
        return "i'm" if self.self_call else f"{self.she}'s"

    @property
    def her(self) -> str:
        if self.self_call:
            return "my"
        return "his" if self.pt and not self.pt.female else "her"

    @property
    def them(self) -> str:
        if self.self_call:
            return "me"
        return "him" if self.pt and not self.pt.female else "her"

    def patient(self, **kw: Any) -> Person:
        """The record's patient: the pronouns follow them."""
        self.pt = self.person(**kw)
        return self.pt

    # -- emitting ------------------------------------------------------------------
    def eid(self) -> int:
        return self.b.new_eid()

    def line(self, who: str, *pieces: Piece) -> None:
        """A turn, or a note's field: the tag keeps letters, digits, "_" and spaces."""
        who = "".join(ch for ch in who if ch.isalnum() or ch in "_ ").strip()
        self.b.line(who)
        self.put(list(pieces))

    def put(self, pieces: list[Piece]) -> None:
        prev = ""
        for p in pieces:
            s = p if isinstance(p, str) else p.text
            if not s:
                continue
            if prev and not s.startswith(NO_SPACE_BEFORE) and not prev.endswith(("(", "#")):
                self.b.say(" ")
            prev = s
            if isinstance(p, P):
                self.b.phi(p.text, p.label, p.family, p.eid)
            elif isinstance(p, K):
                self.b.keep(p.text, p.kind)
            else:
                self.b.say(p)

    def ch(self, *options: Any) -> Any:
        return self.rng.choice(options)

    def maybe(self, p: float, s: str) -> str:
        return s if self.rng.random() < p else ""

    def filler(self, p: float = 0.35) -> str:
        return self.rng.choice(FILLERS) if self.rng.random() < p else ""

    def n(self, s: str) -> str:
        """A name or place as this record's recogniser prints it."""
        return asr_words(s, self.rng, self.accents) if self.asr else s

    # -- identities ----------------------------------------------------------------
    def person(self, kind: str | None = None, female: bool | None = None) -> Person:
        """A Faker identity; one whose words do not all start with a letter ("van 't
        Erve") is drawn again."""
        while True:
            p = self._person(kind, female)
            if all(w[0].isalpha() for w in p.full.replace("-", " ").split()):
                return p

    def _person(self, kind: str | None = None, female: bool | None = None) -> Person:
        rng = self.rng
        locs = [loc for loc, _ in LOCALES]
        loc = rng.choices(locs, [w for _, w in LOCALES])[0]
        fem = rng.random() < 0.55 if female is None else female
        f = self.ppl.fakers[loc]
        if loc == "ja_JP":
            first = f.first_romanized_name_female() if fem else f.first_romanized_name_male()
            last = f.last_romanized_name()
        else:
            first = (f.first_name_female() if fem else f.first_name_male()).split()[0]
            last = f.last_name()
        kind = (
            kind
            or rng.choices(["plain", "particle", "hyphen", "word", "wordfirst"], [70, 9, 8, 9, 4])[
                0
            ]
        )
        if kind == "particle":
            ploc, particle = rng.choice(PARTICLES)
            pf = self.ppl.fakers[ploc]
            base = pf.first_name_male() if particle in {"bin", "binti"} else pf.last_name()
            base = base.split()[-1]
            if particle in {"bin", "binti"}:
                particle = "binti" if fem else "bin"
                first = (pf.first_name_female() if fem else pf.first_name_male()).split()[0]
            last = f"{particle} {base}"
            loc = ploc
        elif kind == "hyphen":
            other = self.ppl.fakers[loc].last_name() if loc != "ja_JP" else "Mori"
            last = f"{last.split()[-1]}-{other.split()[-1]}"
        elif kind == "word":
            last = rng.choice(WORD_SURNAMES)
        elif kind == "wordfirst":
            first = rng.choice(WORD_FIRSTS)
            fem = first not in {"Will", "Mark", "Bill", "Art", "Hunter", "Rusty"}
        home = HOME_OF.get(loc, loc) if rng.random() < 0.75 else "en_US"
        first, last = (nfc(x).replace("\u2019", "'") for x in (first, last))
        return Person(first, last, loc, home, fem, kind)

    def town(self, home: str) -> str:
        t = self.ppl.fakers[home].city()
        for pre in ("TP. ", "thành phố "):
            t = t.removeprefix(pre)
        return t

    # -- number helpers --------------------------------------------------------------
    def phone_written(self, home: str, intl: bool | None = None) -> tuple[str, str]:
        """A phone number as written at home ``home`` and the family it belongs to."""
        key = home if home in PHONES else PHONE_HOME.get(home, "en_US")
        cc, nats, intl_pat = PHONES[key]
        if intl is None:
            intl = key != "en_US" and self.rng.random() < 0.5
        if not intl:
            fam = {"en_US": "phone_us", "fr_CA": "phone_nanp"}.get(key, "phone_nonus_national")
            return fill(self.rng.choice(nats), self.rng), fam
        body = fill(intl_pat, self.rng)
        style = self.rng.random()
        if style < 0.5:
            return f"{cc} {body}", "phone_nonus_intl"
        if style < 0.75:
            return cc + body.replace(" ", ""), "phone_nonus_e164"
        return "00" + cc[1:] + " " + body, "phone_nonus_00"

    def phone_spoken_groups(self, written: str, homo: float) -> list[str]:
        """A written phone number as the groups a caller says ("plus four four", ...)."""
        doubles = self.rng.random() < 0.6
        out = []
        for i, g in enumerate(groups_of(written)):
            if i == 0 and written.startswith("+"):
                out.append("plus " + spoken_digits(g, self.rng))
            elif i == 0 and written.startswith("00"):
                out.append("double oh " + spoken_digits(g[2:], self.rng))
            elif len(g) == 4 and g[0] != "0" and self.rng.random() < 0.25:
                out.append(spoken_pairs(g, self.rng, homo))
            else:
                out.append(spoken_digits(g, self.rng, homo, doubles))
        return out

    def letters_spoken(self, s: str, style: str | None = None) -> str:
        """Letters (and digits) of an id or name spelled aloud in one of several styles."""
        rng = self.rng
        style = style or rng.choice(["nato", "as_in", "for", "like", "pair", "bare", "mixed"])
        out: list[str] = []
        for ch in s:
            lo = fold(ch).lower()
            if ch.isdigit():
                out.append(spoken_digits(ch, rng, 0.2))
                continue
            if lo in {"-"}:
                out.append(rng.choice(["hyphen", "dash"]))
                continue
            if lo == "'":
                out.append("apostrophe")
                continue
            if lo == " ":
                out.append(rng.choice(["space", "new word"]))
                continue
            if not lo.isalpha():
                continue
            st = style if style != "mixed" else rng.choice(["nato", "as_in", "bare", "bare"])
            gloss = NATO[lo] if st in {"nato", "pair"} or rng.random() < 0.4 else None
            gloss = gloss or rng.choice(WORDS[lo])
            if st == "nato":
                out.append(NATO[lo])
            elif st == "as_in":
                out.append(f"{lo} as in {gloss}")
            elif st == "for":
                out.append(f"{lo} for {gloss}")
            elif st == "like":
                out.append(f"{lo} like {gloss}")
            elif st == "pair":
                out.append(f"{lo} {gloss}")
            else:
                out.append(LETTER_SOUNDS.get(lo, lo) if rng.random() < 0.12 else lo)
            if fold(ch) != ch and rng.random() < 0.5:
                out.append(rng.choice(["with an accent", "with the little mark"]))
        return " ".join(out)

    # -- spoken segments -----------------------------------------------------------
    def greet(self, reason: list[Piece]) -> None:
        c = self
        clinic = K(c.n(c.clinic), "CLINIC_NAME")
        agent = K(c.n(c.agent), "AGENT_NAME")
        c.line(
            c.A,
            *c.ch(
                ["thank you for calling", clinic, "this is", agent, "how can i help you today"],
                ["good morning", clinic, "patient line you're speaking with", agent],
                [clinic, "scheduling", agent, "speaking"],
                ["hi you've reached", clinic, "my name is", agent, "what can i do for you"],
                ["hello this is", agent, "with", clinic, "how may i direct your call"],
            ),
        )
        c.line(c.C, *reason)

    def ask_name(self, p: Person, whose: str = "the patient's") -> None:
        """The patient's or caller's name asked and given."""
        c = self
        full = c.n(p.full)
        style = c.rng.choice(["nextline", "nextline", "sameline", "firstlast_split", "lastfirst"])
        if style == "nextline":
            c.line(
                c.A,
                c.ch(
                    f"can i get {whose} full name",
                    f"and {whose} first and last name",
                    f"what's {whose} name please",
                    f"okay and {whose} name",
                ),
            )
            c.line(
                c.C,
                c.filler(0.4),
                c.ch("", "it's", "yeah it's", "that's"),
                P(full, "NAME", p.fam(f"name_answer_nextline.{p.kind}")),
            )
        elif style == "sameline":
            c.line(
                c.A,
                c.ch(
                    "and who's the patient", "who am i speaking about today", "name on the account"
                ),
            )
            c.line(
                c.C,
                c.ch("oh the patient's name", "you want the name", "the name on it"),
                c.ch("is", "it's", "that'd be", "um"),
                P(full, "NAME", p.fam(f"name_answer_sameline.{p.kind}")),
                c.ch("", "yeah", "that's right"),
            )
        elif style == "firstlast_split":
            e = c.eid()
            c.line(c.A, c.ch("first name", "can i have the first name"))
            c.line(c.C, P(c.n(p.first), "NAME", p.fam(f"name_answer_nextline.{p.kind}"), e))
            c.line(c.A, c.ch("and the surname", "and last name", "and the family name"))
            c.line(
                c.C,
                c.filler(0.5),
                P(c.n(p.last), "NAME", p.fam(f"name_answer_nextline.{p.kind}"), e),
            )
        else:
            e = c.eid()
            c.line(c.A, c.ch("last name first please", "surname then first name"))
            c.line(
                c.C,
                P(c.n(p.last), "NAME", p.fam(f"name_last_first_spoken.{p.kind}"), e),
                c.ch("comma", "", "and then"),
                P(c.n(p.first), "NAME", p.fam(f"name_last_first_spoken.{p.kind}"), e),
            )
        if c.rng.random() < 0.45:
            self.spell_name(p)

    def spell_name(self, p: Person) -> None:
        c = self
        style = c.rng.choice(["nato", "as_in", "for", "like", "pair", "bare", "mixed"])
        surname = fold(p.last) if c.rng.random() < 0.7 else p.last
        c.line(
            c.A,
            c.ch(
                "can you spell the last name for me",
                "how do you spell that",
                "and the spelling",
                "sorry could you spell it",
            ),
        )
        spelled = c.letters_spoken(surname, style)
        if len(surname) > 6 and c.rng.random() < 0.4:
            # spelled over two turns with the agent typing in between
            words = spelled.split()
            cut = len(words) // 2
            while cut < len(words) - 1 and words[cut] in {"as", "in", "for", "like", "ray"}:
                cut += 1
            if words[cut - 1] in {"x", "as", "for", "like"}:
                cut += 1
            e = c.eid()
            fam = p.fam(f"name_spelled_{style}_split")
            c.line(c.C, c.filler(0.3), P(" ".join(words[:cut]), "NAME", fam, e))
            c.line(c.A, c.ch(*BACKCHANNELS))
            c.line(c.C, P(" ".join(words[cut:]), "NAME", fam, e))
        else:
            c.line(
                c.C,
                c.ch("", "sure it's", "yeah", "okay"),
                P(spelled, "NAME", p.fam(f"name_spelled_{style}")),
            )
        if c.rng.random() < 0.35:
            c.line(
                c.A,
                "so that's",
                P(c.n(p.last), "NAME", p.fam("name_readback")),
                c.ch("got it", "perfect", "okay"),
            )
            c.line(c.C, c.ch("yes", "yep", "that's right", "mhm"))

    def mention(self, p: Person, agent_side: bool = False) -> None:
        """A name said with no cue word before it, mid-sentence."""
        c = self
        fam = p.fam(f"name_nocue.{p.kind}")
        first, full = c.n(p.first), c.n(p.full)
        if agent_side:
            c.line(
                c.A,
                *c.ch(
                    ["is", P(first, "NAME", fam), "there with you right now"],
                    ["okay so", P(full, "NAME", fam), "was discharged on the ward"],
                    ["i'll leave a note for", P(first, "NAME", fam)],
                ),
            )
            c.line(c.C, c.ch("yes", "mhm", "no not at the moment"))
        else:
            c.line(
                c.C,
                *c.ch(
                    [c.filler(0.5), P(first, "NAME", fam), "keeps forgetting the tablets"],
                    ["honestly", P(full, "NAME", fam), "won't use the phone"],
                    ["and", P(first, "NAME", fam), "gets confused in the afternoons"],
                    [P(first, "NAME", fam), "said the nurse never called back"],
                ),
            )

    def relation_intro(self, caller: Person, pt: Person) -> str:
        """The caller names themself and the patient after a relationship word."""
        c = self
        rel = c.ch(
            *(
                [
                    "mother",
                    "mum",
                    "mom",
                    "dad",
                    "father",
                    "grandmother",
                    "nan",
                    "aunt",
                    "stepmother",
                    "mother in law",
                    "godmother",
                    "great aunt",
                    "foster mum",
                    "landlady",
                    "neighbour",
                    "goddaughter's grandma",
                    "late husband's sister",
                    "sister in law",
                    "grandma",
                ]
                if pt.female
                else [
                    "father",
                    "dad",
                    "husband",
                    "grandfather",
                    "grandad",
                    "uncle",
                    "stepfather",
                    "father in law",
                    "godfather",
                    "great uncle",
                    "partner",
                    "lodger",
                    "neighbour",
                    "brother in law",
                    "ward",
                    "half brother",
                    "foster son",
                    "pop pop",
                    "fiancé",
                ]
            )
        )
        full = c.n(pt.full)
        fam = pt.fam(f"name_relation.{pt.kind}")
        style = c.rng.randrange(5)
        if style == 0:
            c.line(
                c.C,
                c.filler(0.3),
                f"hi i'm calling about my {rel}",
                P(full, "NAME", fam),
                c.ch(f"{c.shes} a patient there", "", f"{c.shes} on your list"),
            )
        elif style == 1:
            c.line(
                c.C,
                f"yeah it's for my {rel} um",
                P(c.n(pt.first), "NAME", fam),
                c.ch(
                    f"{c.she} has dementia so i do the calls",
                    f"{c.she} can't hear on the phone",
                    f"i'm {c.her} carer",
                    f"{c.she} doesn't speak much english",
                ),
            )
        elif style == 2:
            c.line(c.C, f"my {rel}'s name is", P(full, "NAME", fam))
        elif style == 3:
            c.line(
                c.C,
                "i look after",
                P(full, "NAME", fam),
                f"she's my {rel}" if pt.female else f"he's my {rel}",
            )
        else:
            c.line(
                c.C,
                f"so my {rel}",
                P(full, "NAME", fam),
                c.ch("uh", "um", ""),
                c.ch(
                    "had a fall",
                    "got a letter from you",
                    f"missed {c.her} appointment",
                    "needs a refill",
                ),
            )
        if c.rng.random() < 0.6:
            c.line(
                c.A,
                c.ch(
                    "and your name",
                    "and who am i speaking with",
                    "and you are",
                    "can i take your name too",
                ),
            )
            c.line(
                c.C,
                c.ch("", "oh sorry", "i'm"),
                P(
                    c.n(caller.full if c.rng.random() < 0.7 else caller.first),
                    "NAME",
                    caller.fam(f"name_caller_self.{caller.kind}"),
                ),
            )
        return rel

    def dob(self, p: Person, d: date) -> None:
        c = self
        rng = c.rng
        c.line(
            c.A,
            c.ch(
                "and date of birth",
                "can you verify the date of birth",
                "for security what's the dob",
                f"{c.her} birthday please".replace("my", "your"),
                "date of birth on the account",
                "and when were you born" if c.self_call else f"when was {c.she} born",
                "what's the birth date we'll have on file",
            ),
        )
        y_long = year_words(d.year)
        y = (
            y_long
            if rng.random() < 0.7
            else (two_digits(d.year % 100) if d.year % 100 >= 10 else f"oh {ONES[d.year % 10]}")
        )
        mon = MONTHS[d.month - 1]
        ordn = ORDINALS[d.day]
        us = p.home == "en_US"

        def d2(n: int) -> str:
            return (
                f"{rng.choice(['oh', 'zero'])} {ONES[n]}"
                if n < 10 and rng.random() < 0.6
                else two_digits(n)
            )

        form = rng.choice(
            [
                "month_ord",
                "ord_of_month",
                "month_the_ord",
                "month_cardinal",
                "ord_month",
                "numeric",
                "numeric",
                "split_year",
                "correction",
                "year_first",
            ]
        )
        lead = c.ch(
            "",
            "it's",
            "i was born" if c.self_call else f"{c.she} was born",
            "uh",
            "that's",
            "birthday is",
            "um it'd be",
        )
        if form == "month_ord":
            c.line(c.C, lead, P(f"{mon} {ordn} {y}", "DATE", "dob_spoken_month_ordinal"))
        elif form == "ord_of_month":
            c.line(c.C, lead, "the", P(f"{ordn} of {mon} {y}", "DATE", "dob_spoken_ordinal_of"))
        elif form == "month_the_ord":
            c.line(c.C, lead, P(f"{mon} the {ordn} {y}", "DATE", "dob_spoken_month_the"))
        elif form == "month_cardinal":
            c.line(c.C, lead, P(f"{mon} {two_digits(d.day)} {y}", "DATE", "dob_spoken_cardinal"))
        elif form == "ord_month":
            c.line(c.C, lead, P(f"{ordn} {mon} {y}", "DATE", "dob_spoken_ordinal_month"))
        elif form == "year_first":
            c.line(c.C, lead, P(f"{y_long} {mon} {ordn}", "DATE", "dob_spoken_year_first"))
        elif form == "numeric":
            parts = [d2(d.month), d2(d.day)] if us else [d2(d.day), d2(d.month)]
            c.line(
                c.C,
                lead,
                P(
                    f"{parts[0]} {parts[1]} {y}",
                    "DATE",
                    "dob_spoken_numeric_" + ("mdy" if us else "dmy"),
                ),
            )
        elif form == "split_year":
            e = c.eid()
            c.line(c.C, lead, P(f"{mon} {ordn}", "DATE", "dob_spoken_split_year", e))
            c.line(c.A, c.ch("and the year", "what year", "mhm and year"))
            c.line(c.C, c.filler(0.5), P(y_long, "DATE", "dob_spoken_split_year", e))
        else:
            e = c.eid()
            wrong = (d.day % 28) + 1
            c.line(
                c.C,
                lead,
                P(f"{mon} {ORDINALS[wrong]}", "DATE", "dob_spoken_correction", e),
                c.ch("no sorry", "no wait that's my brother's", "sorry i mean", "no no"),
                P(f"{ordn} {y}", "DATE", "dob_spoken_correction", e),
            )
        if rng.random() < 0.3:
            c.line(
                c.A,
                c.ch("so", "i have", "just confirming"),
                P(
                    f"{two_digits(d.month)} {two_digits(d.day)} {year_words(d.year)}"
                    if us
                    else f"{ordn} of {mon} {year_words(d.year)}",
                    "DATE",
                    "dob_spoken_readback",
                ),
                c.ch("", "correct", "is that right"),
            )
            c.line(c.C, c.ch("yes", "correct", "mhm yeah"))

    def age(self, p: Person, over: bool | None = None) -> None:
        c = self
        he = "she" if p.female else "he"
        if over is None:
            over = c.rng.random() < 0.65
        if over:
            n = c.rng.choice([90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 104])
            w = (
                number_words(n)
                if n < 100
                else c.ch("a hundred", "one hundred") + (f" and {ONES[n - 100]}" if n > 100 else "")
            )
            if c.rng.random() < 0.5:
                c.line(
                    c.C,
                    c.ch(f"{he}'s", f"{he} is", f"{he}'s actually"),
                    P(w, "AGE", "age_over_89_plain"),
                    c.ch("", "years old", "so you know", "and very frail"),
                )
            else:
                opts = [
                    [f"{he} just turned", P(w, "AGE", "age_over_89_indirect"), "last month"],
                    [f"{he}'ll be", P(w, "AGE", "age_over_89_indirect"), "at christmas"],
                    [
                        "well at",
                        P(w, "AGE", "age_over_89_indirect"),
                        f"{he} doesn't drive anymore obviously",
                    ],
                    [f"{he}'s going on", P(w, "AGE", "age_over_89_indirect")],
                    [f"{he}'s pushing", P("a hundred", "AGE", "age_over_89_indirect"), "you know"],
                    [f"{he}'s", P(w, "AGE", "age_over_89_indirect"), "and still sharp as a tack"],
                ]
                c.line(c.C, *c.rng.choice(opts))
        else:
            n = c.rng.choice([34, 41, 58, 63, 67, 71, 74, 78, 82, 85, 87, 88, 89, 89])
            c.line(
                c.C,
                c.ch(f"{he}'s", f"{he}'s only", f"i think {he}'s", f"{he} turned"),
                K(number_words(n), "AGE_UNDER_90"),
                c.ch("", "this year", "years old"),
            )

    def say_number(
        self,
        value: str,
        chunks: list[str],
        label: str,
        kind: str,
        mode: str,
        lead: str,
        homo: float = 0.3,
    ) -> None:
        """An identifier read aloud by the caller in pieces, as ``mode`` says."""
        c = self
        rng = c.rng
        letter_style = rng.choice(["nato", "as_in", "for", "like", "pair", "bare"])

        def sp(ch: str) -> str:
            if ch.isdigit():
                return (
                    spoken_pairs(ch, rng, homo)
                    if len(ch) == 4 and rng.random() < 0.3
                    else spoken_digits(ch, rng, homo)
                )
            return " ".join(
                c.letters_spoken(x, letter_style) if x.isalpha() else spoken_digits(x, rng, homo)
                for x in ch
            )

        spoken = [sp(x) for x in chunks]
        fam_base = f"{kind}_{mode}"
        if any(x.isalpha() for x in value):
            fam_base += f"_{letter_style}"
        fam = fam_base + (":homophone" if any(has_homophone(s) for s in spoken) else "")
        e = c.eid()
        if mode in {"plain", "readback"} or len(spoken) < 2:
            c.line(c.C, lead, P(" ".join(spoken), label, fam, e))
        elif mode == "filler":
            pieces: list[Piece] = [lead]
            for i, s in enumerate(spoken):
                if i:
                    pieces.append(
                        c.ch(
                            "uh",
                            "um",
                            "hang on",
                            "let me see",
                            "er",
                            "sorry",
                            "one sec",
                            "i think it's",
                            "hmm",
                        )
                    )
                pieces.append(P(s, label, fam, e))
            c.line(c.C, *pieces)
        elif mode == "correction":
            i = rng.randrange(1, len(spoken))
            wrong_digits = "".join(str((int(x) + 1) % 10) if x.isdigit() else x for x in chunks[i])
            wrong = sp(wrong_digits)
            c.line(
                c.C,
                lead,
                P(" ".join(spoken[:i]), label, fam, e),
                P(wrong, label, fam, e),
                c.ch("no sorry", "no wait", "scratch that", "sorry i mean", "no no it's"),
                P(" ".join(spoken[i:]), label, fam, e),
            )
        elif mode == "bleed":
            # the agent's back-channel picked up on the caller's channel mid-number
            pieces = [lead]
            for i, s in enumerate(spoken):
                if i:
                    pieces.append(c.ch("mhm", "yep", "okay", "uh huh", "right"))
                pieces.append(P(s, label, fam, e))
            c.line(c.C, *pieces)
        elif mode == "restart":
            c.line(
                c.C,
                lead,
                P(spoken[0], label, fam, e),
                c.ch(
                    "sorry let me start again",
                    "oh hang on i'm reading the wrong line",
                    "wait let me start over",
                    "no from the beginning",
                ),
                P(" ".join(spoken), label, fam, e),
            )
        elif mode == "split_turns":
            cut = max(1, len(spoken) // 2)
            c.line(c.C, lead, P(" ".join(spoken[:cut]), label, fam, e))
            c.line(c.A, c.ch(*BACKCHANNELS))
            c.line(c.C, c.filler(0.3), P(" ".join(spoken[cut:]), label, fam, e))
        elif mode == "crosstalk":
            cut = max(1, len(spoken) // 2)
            c.line(c.C, lead, P(" ".join(spoken[:cut]), label, fam, e), c.ch("and", "then"))
            c.line(
                c.A,
                c.ch(
                    "sorry you broke up",
                    "sorry go ahead i talked over you",
                    "wait say that again",
                    "sorry was that",
                ),
            )
            c.line(c.C, c.ch("i said", "sorry", "okay"), P(" ".join(spoken), label, fam, e))
        elif mode == "dropped":
            cut = max(1, len(spoken) // 2)
            c.line(c.C, lead, P(" ".join(spoken[:cut]), label, fam, e))
            c.line(
                c.A,
                c.ch("hello", "are you still there", "hello can you hear me"),
                c.ch("i think we lost them", "hello", ""),
            )
            c.line(
                c.C,
                c.ch(
                    "hi sorry it's me again the call dropped",
                    "hello sorry i went through a tunnel",
                    "hi i got cut off we were doing the number",
                ),
            )
            c.line(
                c.A,
                c.ch(
                    "no problem let's start that number again",
                    "no worries from the top",
                    "welcome back go ahead",
                ),
            )
            c.line(c.C, P(" ".join(spoken), label, fam, e))
        if mode == "readback" or (mode == "plain" and rng.random() < 0.35):
            rb = " ".join(
                spoken_digits(x, rng)
                if x.isdigit()
                else " ".join(
                    c.letters_spoken(y, "bare") if y.isalpha() else spoken_digits(y, rng) for y in x
                )
                for x in chunks
            )
            c.line(
                c.A,
                c.ch("let me read that back", "okay i have", "so that's"),
                P(rb, label, f"{kind}_readback"),
                c.ch("", "correct", "yeah"),
            )
            if rng.random() < 0.3 and len(chunks) > 1:
                c.line(
                    c.C,
                    c.ch("no the last bit is", "not quite the end is"),
                    P(sp(chunks[-1]), label, f"{kind}_readback_fix"),
                )
            else:
                c.line(c.C, c.ch("yes", "that's it", "yep", "correct"))

    def ident(self, kind: str, mode: str | None = None) -> str:
        """A patient identifier asked for and read out; returns its written form."""
        c = self
        rng = c.rng
        mode = mode or rng.choice(
            [
                "plain",
                "filler",
                "correction",
                "restart",
                "split_turns",
                "readback",
                "crosstalk",
                "filler",
                "split_turns",
                "bleed",
            ]
        )
        if kind == "ssn":
            while True:
                ds = (
                    f"{rng.randint(100, 899):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
                )
                if not ds.startswith("666"):
                    break
            chunks, label = [ds[:3], ds[3:5], ds[5:]], "SSN"
            written = f"{ds[:3]}-{ds[3:5]}-{ds[5:]}"
            ask = c.ch(
                "i'll need the social security number",
                "and the full social please",
                f"can you give me {c.her} social",
                "what's the ssn on the account",
            )
        elif kind == "ssn_last4":
            ds = f"{rng.randint(1, 9999):04d}"
            chunks, label, written = [ds[:2], ds[2:]], "SSN", ds
            ask = c.ch(
                "last four of the social",
                "and the last four digits of the social",
                "can you confirm the last four of the ssn",
            )
        elif kind == "mrn":
            if rng.random() < 0.5:
                ds = "".join(str(rng.randint(0, 9)) for _ in range(8))
                chunks = [ds[:4], ds[4:]] if rng.random() < 0.5 else [ds[:2], ds[2:5], ds[5:]]
            else:
                ds = rng.choice("EHKMPRTW") + "".join(str(rng.randint(0, 9)) for _ in range(7))
                chunks = [ds[:1], ds[1:4], ds[4:]]
            label, written = "MRN", ds
            ask = c.ch(
                "do you have the medical record number",
                "the m r n is on the wristband",
                "can you read me the mrn off the discharge papers",
                "what's the hospital number on the letter",
            )
        elif kind == "member_id":
            if rng.random() < 0.5:  # a Medicare-style beneficiary id
                al = "ACDEFGHJKMNPQRTUVWXY"
                ds = (
                    str(rng.randint(1, 9))
                    + rng.choice(al)
                    + rng.choice(al + "0123456789")
                    + str(rng.randint(0, 9))
                    + "-"
                    + rng.choice(al)
                    + rng.choice(al)
                    + str(rng.randint(0, 9))
                    + "-"
                    + rng.choice(al)
                    + rng.choice(al)
                    + str(rng.randint(0, 9))
                    + str(rng.randint(0, 9))
                )
                chunks = ds.split("-")
            else:
                pre = "".join(rng.choice("BCDFGHJKLMNPRSTWXZ") for _ in range(3))
                num = "".join(str(rng.randint(0, 9)) for _ in range(9))
                ds = pre + num
                chunks = [pre, num[:3], num[3:6], num[6:]]
            label, written = "MEMBER_ID", ds
            ask = c.ch(
                "can i get the member id from the front of the card",
                "what's the subscriber id",
                "the id number on the insurance card",
                "member number please",
            )
        elif kind == "account":
            ds = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([7, 8, 10])))
            chunks = [ds[i : i + 3] for i in range(0, len(ds), 3)]
            label, written = "ACCOUNT", ds
            ask = c.ch(
                "what's the account number at the top of the statement",
                "the guarantor account number",
                "account number please",
                "can you give me the patient account number",
            )
        elif kind == "claim":
            ds = "".join(str(rng.randint(0, 9)) for _ in range(12))
            chunks = [ds[:4], ds[4:8], ds[8:]]
            label, written = "ACCOUNT", ds
            ask = c.ch(
                "the claim number on the explanation of benefits",
                "do you have the claim number",
                "what's the claim id",
            )
        elif kind == "ref":
            ds = rng.choice(["PA", "CS", "TR", "RX"]) + "".join(
                str(rng.randint(0, 9)) for _ in range(7)
            )
            chunks = [ds[:2], ds[2:5], ds[5:]]
            label, written = "ACCOUNT", ds
            ask = c.ch(
                "do you have the reference number they gave you",
                "what's the case number",
                "the confirmation number for the booking",
                "the authorization reference",
            )
        elif kind == "card":
            amex = rng.random() < 0.2
            ds = (
                ("37" + "".join(str(rng.randint(0, 9)) for _ in range(13)))
                if amex
                else rng.choice("45") + "".join(str(rng.randint(0, 9)) for _ in range(15))
            )
            chunks = (
                [ds[:4], ds[4:10], ds[10:]] if amex else [ds[i : i + 4] for i in range(0, 16, 4)]
            )
            label, written = "CARD", ds
            ask = c.ch(
                "go ahead with the card number when you're ready",
                "and the long number on the card",
                "the sixteen digits on the front",
                "okay card number please",
            )
        else:  # card_last4
            ds = f"{rng.randint(0, 9999):04d}"
            chunks, label, written = [ds], "CARD", ds
            ask = c.ch(
                "which card is on file can you give me the last four",
                "the card ending in what",
                "last four of the card you used",
            )
            mode = "plain"
        c.line(c.A, ask)
        lead = c.ch("", "it's", "okay", "yeah so", "um", "sure", "right it's", "that's")
        c.say_number(written, chunks, label, kind, mode, lead)
        return written

    def phone(self, p: Person, whose: str = "") -> None:
        c = self
        rng = c.rng
        w, fam_kind = c.phone_written(p.home)
        intl = "+" in w or w.startswith("00")
        groups = c.phone_spoken_groups(w, 0.25)
        # each piece of a phone number said in turns holds at least two words
        merged: list[str] = []
        for g in groups:
            if merged and len(merged[-1].split()) < 2:
                merged[-1] += " " + g
            else:
                merged.append(g)
        if len(merged) > 1 and len(merged[-1].split()) < 2:
            merged[-2] += " " + merged.pop()
        c.line(
            c.A,
            c.ch(
                "what's the best number to reach you",
                "and a callback number",
                f"what number can the driver call {whose}"
                if whose
                else "where can we call you back",
                "is there a good phone number for you",
                "and your phone number",
            ),
        )
        if intl and rng.random() < 0.5:
            c.line(
                c.C,
                c.ch(
                    "it's a foreign number is that okay",
                    "it's my mobile from home",
                    f"it's a number in {COUNTRY.get(p.home, 'the uk')}".lower(),
                ),
            )
            c.line(c.A, c.ch("that's fine go ahead", "sure no problem", "mhm"))
        mode = rng.choice(
            [
                "plain",
                "split_turns",
                "split_turns",
                "filler",
                "correction",
                "crosstalk",
                "dropped",
                "readback",
                "bleed",
            ]
        )
        e = c.eid()
        fam = fam_kind + "_" + mode
        fam += ":homophone" if any(has_homophone(g) for g in merged) else ""
        lead = c.ch("", "yeah it's", "my cell is", "it's", "the mobile is", "um")
        if mode in {"plain", "readback"} or len(merged) < 2:
            c.line(c.C, lead, P(" ".join(merged), "PHONE", fam, e))
            if mode == "readback":
                c.line(
                    c.A,
                    c.ch("so that's", "reading back"),
                    P(
                        " ".join(spoken_digits(g, rng) for g in groups_of(w)),
                        "PHONE",
                        fam_kind + "_readback_agent",
                    ),
                    c.ch("", "right"),
                )
                c.line(c.C, c.ch("yep", "that's the one", "yes"))
        elif mode == "split_turns":
            cut = rng.randrange(1, len(merged))
            c.line(c.C, lead, P(" ".join(merged[:cut]), "PHONE", fam, e))
            c.line(c.A, c.ch(*BACKCHANNELS))
            c.line(c.C, c.filler(0.3), P(" ".join(merged[cut:]), "PHONE", fam, e))
        elif mode in {"filler", "bleed"}:
            pieces: list[Piece] = [lead]
            for i, g in enumerate(merged):
                if i and mode == "bleed":
                    pieces.append(c.ch("mhm", "yep", "okay", "uh huh"))
                elif i:
                    pieces.append(c.ch("uh", "um", "hold on", "let me think", "er"))
                pieces.append(P(g, "PHONE", fam, e))
            c.line(c.C, *pieces)
        elif mode == "correction":
            i = rng.randrange(1, len(merged))
            wrong = " ".join([*merged[i].split()[:-1], rng.choice(["five", "six", "nine"])])
            if len(wrong.split()) < 2:
                wrong = merged[i] + " " + "nine"
            c.line(
                c.C,
                lead,
                P(" ".join(merged[:i]), "PHONE", fam, e),
                P(wrong, "PHONE", fam, e),
                c.ch("no sorry that's my old one", "no wait", "sorry i mean"),
                P(" ".join(merged[i:]), "PHONE", fam, e),
            )
        elif mode == "crosstalk":
            c.line(c.C, lead, P(merged[0], "PHONE", fam, e))
            c.line(c.A, c.ch("sorry is that a", "sorry go on", "wait was that the country code"))
            c.line(c.C, c.ch("yeah", "sorry", ""), P(" ".join(merged), "PHONE", fam, e))
        else:
            c.line(c.C, lead, P(merged[0], "PHONE", fam, e))
            c.line(c.A, c.ch("hello", "hello are you there"), c.ch("", "i lost you"))
            c.line(
                c.C,
                c.ch(
                    "sorry the call dropped",
                    "hi i'm back it cut out",
                    "hello it's me again we got cut off",
                ),
            )
            c.line(
                c.A,
                c.ch(
                    "no problem you were giving me your number",
                    "welcome back go ahead with the number",
                ),
            )
            c.line(c.C, P(" ".join(merged), "PHONE", fam, e))

    def address(self, p: Person, how: str | None = None) -> None:
        c = self
        rng = c.rng
        f = c.ppl.fakers[p.home]
        town = c.town(p.home)
        how = how or rng.choice(["town", "town", "full", "full", "postcode"])
        if how == "town":
            fam = "city_alone" + (":nonascii" if has_non_ascii(town) else "")
            c.line(
                c.C,
                *c.ch(
                    [
                        c.ch(
                            f"{c.she} lives in", f"{c.shes} living in", "we're out in", "we're in"
                        ),
                        P(c.n(town), "ADDRESS", fam),
                        c.ch("now", "", "these days"),
                    ],
                    [
                        c.ch(
                            "we moved to", f"they put {c.them} in a home in", f"{c.shes} staying in"
                        ),
                        P(c.n(town), "ADDRESS", fam),
                        c.ch("last year", "", "near my sister"),
                    ],
                    ["no it's", P(c.n(town), "ADDRESS", fam), "not the one here"],
                ),
            )
            if p.home != "en_US" and rng.random() < 0.4:
                c.line(c.A, "is that in", COUNTRY.get(p.home, "the uk").lower())
                c.line(c.C, "yes", COUNTRY.get(p.home, "the uk").lower())
            elif rng.random() < 0.3:
                c.line(
                    c.C,
                    c.ch("it's in", "that's up in", "over in"),
                    c.ch("ohio", "arizona", "new jersey", "maine", "oregon", "the state"),
                )
            return
        c.line(
            c.A,
            c.ch(
                "can i confirm the address",
                "what's the pickup address",
                "and the home address",
                "where should we send it",
                "and the address on file",
            ),
        )
        e = c.eid()
        if how == "postcode":
            pc = f.postcode()
            fam = "postcode_spoken" if p.home != "en_US" else "zip_spoken"
            sp = " ".join(
                spoken_digits(ch, rng, 0.2) if ch.isdigit() else ch.lower()
                for ch in pc
                if ch.isalnum()
            )
            c.line(
                c.C,
                c.ch("the postcode is", "zip is", "it's", "postal code"),
                P(sp, "ADDRESS", fam, e),
            )
            return
        if p.home == "en_US":
            house = house_words(int(f.building_number()), rng)
            street = c.n(f.street_name())
            apt = rng.choice(
                [
                    "",
                    "",
                    f"apartment {number_words(rng.randint(1, 40))}",
                    f"unit {number_words(rng.randint(1, 9))} b",
                ]
            )
            fam = "addr_spoken_us"
            c.line(
                c.C,
                c.filler(0.4),
                P(f"{house} {street} {apt}".strip(), "ADDRESS", fam, e),
                c.ch("in", "that's in", ""),
                P(c.n(town), "ADDRESS", fam, e),
            )
            if rng.random() < 0.5:
                c.line(c.A, "zip code")
                c.line(c.C, P(spoken_digits(f.postcode()[:5], rng), "ADDRESS", fam, e))
        else:
            bn = "".join(ch for ch in f.building_number() if ch.isdigit())[:3] or "12"
            street = c.n(f.street_name())
            pc = f.postcode()
            pc_sp = " ".join(
                spoken_digits(ch, rng, 0.2) if ch.isdigit() else ch.lower()
                for ch in pc
                if ch.isalnum()
            )
            fam = "addr_spoken_nonus_order" + (":nonascii" if has_non_ascii(street + town) else "")
            num = house_words(int(bn), rng)
            if p.home in {"en_GB", "en_IE", "en_AU", "en_IN", "fr_FR", "fr_CA"}:
                c.line(c.C, P(f"{num} {street}", "ADDRESS", fam, e))
            else:
                c.line(
                    c.C,
                    P(f"{street} {num}", "ADDRESS", fam, e),
                    c.ch("", "second floor", "flat three"),
                )
            c.line(c.A, c.ch("mhm", "and the town", "and the postcode"))
            if rng.random() < 0.5:
                c.line(
                    c.C,
                    P(f"{pc_sp} {c.n(town)}", "ADDRESS", fam, e),
                    COUNTRY.get(p.home, "").lower(),
                )
            else:
                c.line(
                    c.C,
                    P(c.n(town), "ADDRESS", fam, e),
                    c.ch("and", "postcode"),
                    P(pc_sp, "ADDRESS", fam, e),
                )

    def email(self, p: Person) -> None:
        c = self
        rng = c.rng
        dom = rng.choice(
            MAIL_DOMAINS.get(p.home if rng.random() < 0.7 else p.loc, MAIL_DOMAINS["en_US"])
        )
        first, last = fold(p.first).lower(), fold(p.last).lower().replace(" ", "")
        last = last.replace("'", "")
        local = rng.choice(
            [
                f"{first}.{last}",
                f"{first[0]}{last}",
                f"{last}{rng.randint(1, 99)}",
                f"{first}_{last}",
                f"{first}{last[:4]}{rng.randint(50, 99)}",
            ]
        )
        c.line(
            c.A,
            c.ch(
                "and an email for the portal",
                "what email should i put",
                "can i get an email address",
                "where do we send the link",
            ),
        )

        def say(s: str) -> str:
            out = []
            for part in s.replace(".", " . ").replace("_", " _ ").replace("-", " - ").split():
                if part == ".":
                    out.append("dot")
                elif part == "_":
                    out.append("underscore")
                elif part == "-":
                    out.append(rng.choice(["dash", "hyphen"]))
                elif part.isdigit():
                    out.append(
                        spoken_digits(part, rng)
                        if len(part) > 2 or rng.random() < 0.5
                        else number_words(int(part))
                    )
                elif any(ch.isdigit() for ch in part):
                    out.append(
                        " ".join(spoken_digits(ch, rng) if ch.isdigit() else ch for ch in part)
                    )
                else:
                    out.append(part)
            return " ".join(out)

        if rng.random() < 0.3:
            sp_local = c.letters_spoken(local.replace(".", "").replace("_", ""), "bare")
            fam = "email_spoken_spelled"
        else:
            sp_local = say(local)
            fam = "email_spoken_tld"
        c.line(
            c.C,
            c.ch("", "it's", "sure it's", "um"),
            P(f"{sp_local} at {say(dom)}", "EMAIL", fam),
            c.ch("", "all lower case", "no capitals"),
        )

    def care_date(self, when: str = "seen") -> None:
        """A date of care said relative to a weekday or as a day of the month."""
        c = self
        rng = c.rng
        wd = rng.choice(WEEKDAYS[:6])
        day = rng.randint(1, 28)
        mon = rng.choice(MONTHS)
        form = rng.randrange(8)
        lead = {
            "seen": c.ch(
                "i was seen",
                "i went in",
                "the blood draw was",
                "they took the blood",
                "the visit was",
            ),
            "book": c.ch(
                "can we do", "the appointment's", "can i come in", "is there anything", "what about"
            ),
            "ride": c.ch(
                "the ride is for",
                f"{c.shes} booked in for",
                f"{c.she} needs picking up",
                "the dialysis is",
                "could they come",
            ),
            "tele": c.ch(
                "the video visit is",
                "my telehealth is",
                "it was supposed to be",
                "they moved it to",
            ),
            "bill": c.ch(
                "the charge is from", "the visit on the bill was", "i was billed for a visit"
            ),
        }[when]
        if form == 0:
            c.line(
                c.C, lead, c.ch("last", "this past", "on"), P(wd, "DATE", "care_weekday_relative")
            )
        elif form == 1:
            c.line(
                c.C,
                lead,
                "on",
                P(wd, "DATE", "care_weekday_relative"),
                c.ch("just gone", "before last", "week", "gone"),
            )
        elif form == 2:
            c.line(
                c.C,
                lead,
                c.ch("next", "this coming", "a week on"),
                P(wd, "DATE", "care_weekday_relative"),
            )
        elif form == 3:
            c.line(c.C, lead, P(f"{wd} the {ORDINALS[day]}", "DATE", "care_weekday_ordinal"))
        elif form == 4:
            c.line(c.C, lead, "on the", P(ORDINALS[day], "DATE", "care_ordinal_alone"))
        elif form == 5:
            c.line(
                c.C, lead, "the", P(f"{ORDINALS[day]} of {mon}", "DATE", "care_ordinal_of_month")
            )
        elif form == 6:
            c.line(c.C, lead, P(f"{mon} {ORDINALS[day]}", "DATE", "care_month_ordinal"))
        else:
            c.line(
                c.C,
                lead,
                c.ch("oh um", "on", "i want to say"),
                P(wd, "DATE", "care_weekday_relative"),
                c.ch("no", "sorry", "or was it"),
                P(
                    rng.choice([x for x in WEEKDAYS[:6] if x != wd]),
                    "DATE",
                    "care_weekday_correction",
                ),
            )
        if rng.random() < 0.4:
            h = rng.choice([8, 9, 10, 11, 1, 2, 3, 4])
            m = rng.choice([0, 15, 30, 45, 10, 40])
            c.line(
                c.A,
                c.ch("at", "and that's at", "i have you down for"),
                K(clock(h, m), "TIME"),
                c.ch("", "is that okay", "in the morning" if h >= 8 else "in the afternoon"),
            )

    def meds(self, p: Person | None = None) -> None:
        c = self
        he = "he" if p and not p.female else "she"
        med, doses = c.rng.choice(MEDS)
        dose = c.rng.choice([x for x in doses if not any(ch.isdigit() for ch in x)] or doses)
        if c.asr and any(ch.isdigit() for ch in dose):
            dose = asr_words(dose, c.rng)
        count = c.ch("thirty", "ninety", "sixty", "one hundred and twenty", "twenty eight")
        c.line(
            c.C,
            c.ch("it's the", f"{he} takes the", f"{he}'s on", "the refill for the"),
            K(med.lower(), "MEDICATION"),
            K(dose, "DOSAGE"),
            c.ch("", "and it ran out", "every morning"),
        )
        c.line(
            c.A,
            c.ch("okay i can send a", "i see a", "there's a"),
            K(f"{count} day", "COUNT"),
            c.ch("supply on file", "supply with", "supply"),
            K(c.ch("two refills", "three refills", "one refill", "no refills"), "COUNT"),
            c.ch("left", "remaining", ""),
        )

    def closing(self) -> None:
        c = self
        cp_sp, _ = c.rng.choice(CLINIC_PHONES)
        if c.rng.random() < 0.5:
            c.line(
                c.A,
                c.ch(
                    "if anything changes call us on",
                    "our direct line is",
                    "you can reach the nurse line at",
                ),
                K(cp_sp, "CLINIC_PHONE"),
            )
        c.line(
            c.A,
            c.ch(
                "anything else i can help with",
                "is there anything else today",
                "alright you're all set",
            ),
        )
        c.line(
            c.C,
            c.ch(
                "no that's everything thanks",
                "no thank you",
                "that's it bye",
                "thanks so much",
                "no you've been great",
            ),
        )


# ---------------------------------------------------------------------------------------
# Spoken scenarios. Each takes a fresh Call and fills it.
def dob_for(c: Call, old: bool = False) -> date:
    y = c.rng.randint(1922, 1934) if old else c.rng.randint(1938, 2004)
    return date(y, c.rng.randint(1, 12), c.rng.randint(1, 28))


def sc_reminder_callback(c: Call) -> None:
    pt = c.patient()
    c.self_call = True
    if c.rng.random() < 0.4:  # the outbound reminder call itself
        c.line(
            c.A,
            "hi this is",
            K(c.n(c.agent), "AGENT_NAME"),
            "calling from",
            K(c.n(c.clinic), "CLINIC_NAME"),
            c.ch("am i speaking with", "is this", "may i speak to"),
            P(c.n(c.ch(pt.full, pt.first)), "NAME", pt.fam(f"name_outbound_ask.{pt.kind}")),
        )
        c.line(c.C, c.ch("yes speaking", "this is", "yeah who's this", "uh yes"))
        c.line(c.A, "great i just need to verify a couple of things")
    else:
        c.greet(
            [
                c.filler(0.5),
                c.ch(
                    "yeah hi i got a voicemail from you about an appointment",
                    "hi someone called me this morning to confirm something",
                    "hello i'm returning a call i missed a reminder call",
                ),
            ]
        )
        c.ask_name(pt, "your")
    c.dob(pt, dob_for(c))
    c.line(
        c.A,
        c.ch("okay i see you with", "you're booked with"),
        K(c.n(c.clinic), "CLINIC_NAME"),
        c.ch("and i need to confirm or move it", "we're calling to confirm"),
    )
    c.care_date("book")
    if c.rng.random() < 0.6:
        c.line(c.C, c.ch("i can't do that can we move it", "that doesn't work for me anymore"))
        c.care_date("book")
    if c.rng.random() < 0.6:
        c.phone(pt)
    c.closing()


def sc_lab_results(c: Call) -> None:
    if c.rng.random() < 0.5:
        c.A, c.C = c.rng.choice(ROLE_TAGS["lab"])
    pt = c.patient()
    c.self_call = True
    c.greet(
        [
            c.ch(
                "hi i'm calling about my blood test results",
                "i'm waiting on lab results",
                "um hi the lab line i think i'm calling for results",
            )
        ]
    )
    c.ask_name(pt, "your")
    c.dob(pt, dob_for(c))
    c.ident("mrn")
    c.line(c.A, c.ch("and when was the draw", "which test was it", "when did you go in"))
    c.care_date("seen")
    c.line(
        c.A,
        c.ch(
            "i see the a one c and the lipid panel are back",
            "the results are in but the nurse needs to go over them",
            "i can see the culture came back and the doctor has signed off",
        ),
    )
    if c.rng.random() < 0.5:
        c.meds(pt)
    if c.rng.random() < 0.5:
        c.phone(pt)
    c.closing()


def sc_billing(c: Call) -> None:
    pt = c.patient()
    c.greet(
        [
            c.ch(
                "hi i got a bill that i don't think is right",
                "i'm calling to dispute a charge",
                "yeah i was charged twice for one visit",
            )
        ]
    )
    c.ident(c.ch("account", "claim", "account"))
    c.ask_name(pt, c.ch("the patient's", "the guarantor's"))
    c.dob(pt, dob_for(c))
    c.care_date("bill")
    c.line(
        c.A,
        c.ch("that went to", "it was billed to"),
        K(c.n(c.ch(*ORGS[:5])), "ORG_NAME"),
        c.ch("and they denied it", "and they paid part"),
    )
    if c.rng.random() < 0.5:
        c.ident("claim")
    if c.rng.random() < 0.55:
        c.line(c.C, c.ch("fine i'll pay the difference", "can i just pay it now"))
        c.ident(c.ch("card", "card", "card_last4"))
    if c.rng.random() < 0.5:
        c.address(pt, c.ch("full", "postcode"))
    c.closing()


def sc_ride(c: Call) -> None:
    pt = c.patient()
    caller = c.person()
    c.greet(
        [
            c.ch(
                "hi i need to book a ride for",
                "i need transport to dialysis for",
                "yeah i'm trying to set up a pickup for",
            ),
            c.ch("a family member", "a patient", "my client", "someone"),
        ]
    )
    if c.rng.random() < 0.6:
        c.relation_intro(caller, pt)
    else:
        c.ask_name(pt)
    c.ident("member_id")
    c.dob(pt, dob_for(c, old=c.rng.random() < 0.4))
    if c.rng.random() < 0.4:
        c.mention(pt)
    c.address(pt, c.ch("full", "full", "town"))
    c.care_date("ride")
    c.line(
        c.A,
        c.ch(
            f"does {c.she} need a wheelchair van",
            "is it ambulatory or wheelchair",
            "how many riders",
        ),
    )
    c.line(
        c.C,
        c.ch("wheelchair and", "yes and"),
        K(c.ch("one escort", "two bags", "one walker"), "COUNT"),
    )
    c.line(
        c.A,
        "okay that's booked with",
        K(c.ch("TriCounty Transit", "Uber Health").lower(), "ORG_NAME"),
    )
    c.phone(caller, "on the day")
    if c.rng.random() < 0.4:
        c.ident("ref", "readback")
    c.closing()


def sc_switchboard(c: Call) -> None:
    pt = c.patient()
    rel = (
        c.ch("grandmother", "sister", "aunt") if pt.female else c.ch("grandad", "brother", "uncle")
    )
    c.greet(
        [
            c.ch(
                "hi can you put me through to a patient's room",
                f"yeah i'm looking for my {rel} {c.she} came in last night",
                "hello which ward is my friend on",
            )
        ]
    )
    c.line(c.A, c.ch("who are you trying to reach", "patient name", "what's the name"))
    c.line(
        c.C,
        c.filler(0.4),
        P(c.n(pt.full), "NAME", pt.fam(f"name_answer_nextline.{pt.kind}")),
        c.ch("", "through a and e", "by ambulance"),
    )
    if c.rng.random() < 0.5:
        c.spell_name(pt)
    c.line(c.A, c.ch("and do you have a date of birth", "i have two with that name"))
    c.dob(pt, dob_for(c, old=c.rng.random() < 0.5))
    c.line(c.A, c.ch("and are you family", "what's your relationship"))
    c.line(
        c.C,
        c.ch("i'm his", "i'm the"),
        c.ch("daughter", "neighbour", "nephew", "wife", "niece by marriage"),
    )
    if c.rng.random() < 0.5:
        c.age(pt)
    if c.rng.random() < 0.5:
        c.mention(pt, agent_side=True)
    c.line(
        c.A,
        c.ch("i'll transfer you to the nurses' station on", "putting you through to"),
        K(c.ch("four west", "the cardiac step down unit", "ward seven"), "ORG_NAME"),
    )
    c.line(c.C, c.ch("thanks", "okay thank you"))


def sc_caregiver(c: Call) -> None:
    pt = c.patient()
    caller = c.person()
    c.greet(
        [
            c.ch(
                "hi i'm calling on behalf of someone i look after",
                "hello um this is about a family member with dementia",
                "hi i do the calls for a relative they're very confused lately",
                "yes hello it's about a patient i'm the caregiver",
            )
        ]
    )
    c.relation_intro(caller, pt)
    c.line(
        c.A,
        c.ch(
            "are you on the hipaa form",
            "do we have you listed as a contact",
            "is there a power of attorney on file",
        ),
    )
    c.line(c.C, c.ch("yes i'm the poa", "i should be on there", "i think so i filled it out"))
    c.dob(pt, dob_for(c, old=True))
    c.age(pt, over=c.rng.random() < 0.8)
    if c.rng.random() < 0.5:
        c.mention(pt)
    if c.rng.random() < 0.3:
        c.line(
            c.C,
            c.ch(
                f"{c.shes} been with you since two thousand eleven",
                f"{c.she} had the hip done back in twenty nineteen",
                "they diagnosed it in two thousand and twenty two",
            ),
        )
    if c.rng.random() < 0.7:
        c.meds(pt)
    c.address(pt)
    if c.rng.random() < 0.5:
        c.email(caller)
    if c.rng.random() < 0.5:
        c.phone(caller)
    c.closing()


def sc_member_services(c: Call) -> None:
    pt = c.patient()
    c.self_call = True
    c.line(
        c.A,
        c.ch("thank you for calling", "welcome to"),
        K(
            c.ch("Keystone Mutual", "Meridian Health Plan", "Blue Harbor Insurance").lower(),
            "ORG_NAME",
        ),
        "member services this is",
        K(c.n(c.agent), "AGENT_NAME"),
    )
    c.line(
        c.C,
        c.ch(
            "hi i need to update my address",
            "i'm calling about my coverage",
            "yeah my card never came",
        ),
    )
    c.ident("member_id")
    c.ask_name(pt, "the member's")
    c.dob(pt, dob_for(c))
    c.ident(c.ch("ssn_last4", "ssn_last4", "ssn"))
    c.address(pt, c.ch("full", "full", "postcode", "town"))
    if c.rng.random() < 0.6:
        c.email(pt)
    if c.rng.random() < 0.4:
        c.phone(pt)
    c.closing()


def sc_prior_auth(c: Call) -> None:
    if c.rng.random() < 0.5:
        c.A, c.C = c.rng.choice(ROLE_TAGS["pa"])
    pt = c.patient()
    c.line(
        c.A,
        K(c.ch("express scripts", "cvs", "walgreens"), "ORG_NAME"),
        "prior authorization this is",
        K(c.n(c.agent), "AGENT_NAME"),
    )
    c.line(
        c.C,
        c.ch("hi i'm calling from", "yes this is the office at"),
        K(c.n(c.clinic), "CLINIC_NAME"),
        c.ch("about a pa for a patient", "re a denied script"),
    )
    c.ask_name(pt)
    c.dob(pt, dob_for(c))
    c.ident("member_id")
    c.meds(pt)
    c.ident("ref", c.ch("readback", "plain", "split_turns"))
    if c.rng.random() < 0.4:
        c.age(pt)
    c.line(
        c.A,
        c.ch("the decision is usually within", "you should hear back in"),
        K(c.ch("seventy two hours", "three business days", "two days"), "COUNT"),
    )
    c.closing()


def sc_telehealth(c: Call) -> None:
    pt = c.patient()
    c.self_call = True
    c.greet(
        [
            c.ch(
                "hi my video visit link isn't working",
                "i can't get into the telehealth thing",
                "um the zoom won't let me in for my appointment",
            )
        ]
    )
    c.ask_name(pt, "your")
    c.dob(pt, dob_for(c))
    c.email(pt)
    if c.rng.random() < 0.5:
        code = "".join(c.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
        c.line(c.A, c.ch("what does the link say after the slash", "read me the link in the email"))
        sp = c.letters_spoken(code.lower(), "bare")
        c.line(
            c.C,
            c.ch("it says", "um"),
            P(f"visit dot carebridge health dot com slash p slash {sp}", "URL", "url_spoken"),
        )
    c.care_date("tele")
    c.line(
        c.A,
        c.ch("try closing", "let's reinstall"),
        K("zoom", "ORG_NAME"),
        c.ch("and use the app", "and rejoin"),
    )
    if c.rng.random() < 0.6:
        c.phone(pt)
    c.closing()


def sc_ambulance(c: Call) -> None:
    if c.rng.random() < 0.5:
        c.A, c.C = c.rng.choice(ROLE_TAGS["amb"])
    pt = c.patient()
    c.line(
        c.A,
        K(c.ch("metro medical transport", "lifeline non emergency"), "ORG_NAME"),
        "dispatch",
        c.ch("this is", "you've got"),
        K(c.n(c.agent), "AGENT_NAME"),
    )
    c.line(
        c.C,
        c.ch(
            "hi i need a stretcher transfer for a patient",
            "we need a non emergency transport from home to",
            "i'm a nurse at",
        ),
        K(c.n(c.clinic), "CLINIC_NAME"),
    )
    c.ask_name(pt)
    c.age(pt)
    c.dob(pt, dob_for(c, old=True))
    c.address(pt, "full")
    c.care_date("ride")
    if c.rng.random() < 0.5:
        c.ident("member_id")
    c.phone(pt)
    c.closing()


def sc_resumed(c: Call) -> None:
    pt = c.patient()
    c.self_call = True
    c.greet(
        [
            c.ch(
                "hi i was just on with someone and the call dropped",
                "yeah we got cut off a minute ago",
                "sorry i was talking to someone and lost signal",
            )
        ]
    )
    c.line(c.A, c.ch("no problem do you know who you spoke with", "sorry about that"))
    c.line(
        c.C,
        c.ch("i think it was", "it was a lady called", "i didn't get the name maybe"),
        K(c.n(c.rng.choice(AGENTS)), "AGENT_NAME"),
    )
    c.ask_name(pt, "your")
    c.dob(pt, dob_for(c))
    c.ident(c.ch("mrn", "account", "member_id", "ssn"), "dropped")
    c.care_date(c.ch("seen", "book"))
    c.phone(pt)
    c.closing()


ES_ONES = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
ES_TEENS = ["diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete",
            "dieciocho", "diecinueve"]  # fmt: skip
ES_TENS = ["", "", "veinte", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta",
           "ochenta", "noventa"]  # fmt: skip
ES_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre"]  # fmt: skip


def es_num(n: int) -> str:
    if n < 10:
        return ES_ONES[n]
    if n < 20:
        return ES_TEENS[n - 10]
    if n < 30:
        return (
            "veinte"
            if n == 20
            else "veinti"
            + ES_ONES[n - 20]
            .replace("dos", "dós")
            .replace("tres", "trés")
            .replace("seis", "séis")
            .replace("uno", "uno")
        )
    t, o = divmod(n, 10)
    return ES_TENS[t] + (f" y {ES_ONES[o]}" if o else "")


def es_year(y: int) -> str:
    if y >= 2000:
        return "dos mil" + (f" {es_num(y - 2000)}" if y > 2000 else "")
    return "mil novecientos " + es_num(y - 1900)


def sc_interpreter(c: Call) -> None:
    """A three-way call: agent, interpreter, and a caller speaking Spanish (or answering
    in English words the interpreter repeats)."""
    pt = c.patient()
    rng = c.rng
    I = c.ch("Interpreter", "INT", "spk_2", "Speaker 3", "Interp")  # noqa: E741
    c.line(
        c.A,
        c.ch("thank you for calling", "hello this is"),
        K(c.n(c.clinic), "CLINIC_NAME"),
        c.ch("i have an interpreter on the line from", "we're joined by"),
        K("languageline", "ORG_NAME"),
    )
    c.line(
        I,
        c.ch("hello interpreter", "good morning this is the spanish interpreter"),
        K(c.n(rng.choice(["Marisol", "Ernesto", "Lucía", "Pablo"])), "AGENT_NAME"),
        c.ch("id", "number"),
        K(number_words(rng.randint(2000, 9999)), "COUNT"),
    )
    spanish = rng.random() < 0.6
    rel = c.ch(
        *(
            [("mamá", "mother"), ("abuela", "grandmother"), ("esposa", "wife")]
            if pt.female
            else [("papá", "father"), ("esposo", "husband"), ("abuelo", "grandfather")]
        )
    )
    d = dob_for(c, old=rng.random() < 0.5)
    full = c.n(pt.full)
    if spanish:
        c.line(
            c.C,
            c.ch("sí buenos días llamo por mi", "hola es sobre mi"),
            rel[0],
            c.ch("se llama", "su nombre es"),
            P(full, "NAME", pt.fam(f"name_interpreted_es.{pt.kind}")),
        )
        c.line(
            I,
            c.ch("yes good morning i'm calling about my", "hello it's about my"),
            rel[1],
            c.ch(f"{c.her} name is", "named"),
            P(full, "NAME", pt.fam(f"name_interpreted_en.{pt.kind}")),
        )
        c.line(c.A, "and the date of birth")
        c.line(I, "and the date of birth")
        c.line(
            c.C,
            c.ch("nació el", "es el"),
            P(
                f"{es_num(d.day) if d.day != 1 else 'primero'} de {ES_MONTHS[d.month - 1]} de "
                f"{es_year(d.year)}",
                "DATE",
                "dob_spoken_spanish",
            ),
        )
        c.line(
            I,
            c.ch("born on the", "it's the"),
            P(
                f"{ORDINALS[d.day]} of {MONTHS[d.month - 1]} {year_words(d.year)}",
                "DATE",
                "dob_interpreted",
            ),
        )
        c.line(c.A, "and a phone number")
        c.line(I, "y un número de teléfono")
        w, fam = c.phone_written(pt.home)
        groups = groups_of(w)
        if len(groups) < 2:
            ds = digits_of(w)
            groups = [ds[: len(ds) // 2], ds[len(ds) // 2 :]]
        e = c.eid()
        cut = max(1, len(groups) // 2)
        es_sp = [" ".join(ES_ONES[int(x)] for x in g) for g in groups]
        c.line(c.C, P(" ".join(es_sp[:cut]), "PHONE", "phone_spoken_spanish_split", e))
        c.line(I, c.ch("mhm", "sí"))
        c.line(c.C, P(" ".join(es_sp[cut:]), "PHONE", "phone_spoken_spanish_split", e))
        c.line(I, P(" ".join(spoken_digits(g, rng) for g in groups), "PHONE", f"{fam}_interpreted"))
        if rng.random() < 0.6:
            town = c.town(pt.home)
            c.line(
                c.C,
                c.ch("vive en", "ahora está en"),
                P(c.n(town), "ADDRESS", "city_alone_spanish"),
                c.ch("con mi hermana", "", "en una residencia"),
            )
            c.line(
                I,
                c.ch(f"{c.she} lives in", f"{c.shes} now in"),
                P(c.n(town), "ADDRESS", "city_alone_interpreted"),
            )
    else:
        c.line(
            I,
            c.ch("the caller says this is about their", "the caller is calling for their"),
            rel[1],
            c.ch("named", "whose name is"),
            P(full, "NAME", pt.fam(f"name_interpreted_en.{pt.kind}")),
        )
        c.line(c.A, "can the caller spell the last name")
        c.line(
            c.C,
            P(
                c.letters_spoken(fold(pt.last), "bare"),
                "NAME",
                pt.fam("name_spelled_bare_interpreted"),
            ),
        )
        c.line(
            I,
            c.ch("the caller spelled", "that's"),
            P(
                c.letters_spoken(fold(pt.last), "bare"),
                "NAME",
                pt.fam("name_spelled_bare_interpreted"),
            ),
        )
        c.line(c.A, "date of birth")
        c.line(
            I,
            "the caller says",
            P(
                f"{MONTHS[d.month - 1]} {ORDINALS[d.day]} {year_words(d.year)}",
                "DATE",
                "dob_interpreted",
            ),
        )
        c.age(pt)
        c.ident(c.ch("member_id", "mrn"), "plain")
    c.line(c.A, c.ch("okay i've got everything", "thank you both"))
    c.line(I, c.ch("the caller says thank you", "they say thank you very much"))


SPOKEN_SCENARIOS = [
    (sc_reminder_callback, 10), (sc_lab_results, 9), (sc_billing, 10), (sc_ride, 10),
    (sc_switchboard, 7), (sc_caregiver, 11), (sc_member_services, 10), (sc_prior_auth, 8),
    (sc_telehealth, 8), (sc_ambulance, 7), (sc_resumed, 6), (sc_interpreter, 7),
]  # fmt: skip


# ---------------------------------------------------------------------------------------
# Written notes: the agent's call notes and after-call summaries.
MON3 = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WD3 = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WD4 = ["Mon", "Tues", "Wed", "Thurs", "Fri", "Sat", "Sun"]


def th(n: int) -> str:
    """The written ordinal's suffix: 1st, 2nd, 3rd, 4th, 11th, 21st."""
    return "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def w_name(c: Call, p: Person, style: str | None = None) -> P:
    style = style or c.ch("last_first_caps", "last_first", "plain", "plain", "initial")
    if style == "last_first_caps":
        return P(f"{p.last.upper()}, {p.first}", "NAME", p.fam(f"name_last_first.{p.kind}"))
    if style == "last_first":
        return P(f"{p.last}, {p.first}", "NAME", p.fam(f"name_last_first.{p.kind}"))
    if style == "initial":
        return P(f"{p.first[0]}. {p.last}", "NAME", p.fam(f"name_initial.{p.kind}"))
    return P(p.full, "NAME", p.fam(f"name_written_nocue.{p.kind}"))


def w_dob(c: Call, d: date, us: bool) -> P:
    m, dd, y = d.month, d.day, d.year
    forms = {
        "slash": f"{m:02d}/{dd:02d}/{y}" if us else f"{dd:02d}/{m:02d}/{y}",
        "slash_short": f"{m}/{dd}/{y % 100:02d}" if us else f"{dd}/{m}/{y % 100:02d}",
        "dotted": f"{dd:02d}.{m:02d}.{y}",
        "iso": f"{y}-{m:02d}-{dd:02d}",
        "dmy_abbrev": f"{dd:02d}-{MON3[m - 1]}-{y}",
        "d_mon_y": f"{dd} {MON3[m - 1]} {y}",
        "month_d_y": f"{MONTHS[m - 1].title()} {dd}, {y}",
        "ordinal": f"{dd}{th(dd)} {MONTHS[m - 1].title()} {y}",
        "mon_apos": f"{MON3[m - 1]} {dd} '{y % 100:02d}",
    }
    k = c.rng.choice(sorted(forms))
    return P(forms[k], "DATE", f"dob_written_{k}")


def w_care(c: Call, us: bool) -> list[Piece]:
    rng = c.rng
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    wd = rng.randrange(6)
    k = rng.randrange(9)
    if k == 0:
        return [P(f"{m}/{d}" if us else f"{d}/{m}", "DATE", "care_written_short_slash")]
    if k == 1:
        return [P(f"{d:02d}.{m:02d}.", "DATE", "care_written_short_dotted")]
    if k == 2:
        return [
            P(
                f"{WD3[wd]} {m}/{d}" if us else f"{WD3[wd]} {d}/{m}",
                "DATE",
                "care_written_weekday_short",
            )
        ]
    if k == 3:
        return [
            rng.choice(["last", "this", "next", "on"]),
            P(rng.choice([WD4[wd], WEEKDAYS[wd].title()]), "DATE", "care_written_weekday"),
        ]
    if k == 4:
        return [
            "the",
            P(
                f"{d}{th(d)}",
                "DATE",
                "care_written_ordinal_alone",
            ),
        ]
    if k == 5:
        return [P(f"{MON3[m - 1]} {d}", "DATE", "care_written_mon_day")]
    if k == 6:
        return [P(f"{d}-{MON3[m - 1]}", "DATE", "care_written_day_mon")]
    if k == 7:
        return [P(f"{m:02d}/{d:02d}", "DATE", "care_written_short_slash")]
    return [
        P(
            f"{WEEKDAYS[wd].title()} the {d}{th(d)}",
            "DATE",
            "care_written_weekday_ordinal",
        )
    ]


def w_time(c: Call) -> K:
    h = c.rng.choice([8, 9, 10, 11, 12, 1, 2, 3, 4])
    m = c.rng.choice([0, 15, 30, 45, 20])
    return K(
        c.ch(
            f"{h}:{m:02d}",
            f"{h}:{m:02d}{c.ch('am', 'pm', ' pm', '')}".strip(),
            f"{h}{c.ch('am', 'pm')}" if m == 0 else f"{h}:{m:02d}",
        ),
        "TIME",
    )


def w_age(c: Call, over: bool | None = None) -> list[Piece]:
    over = c.rng.random() < 0.7 if over is None else over
    if over:
        n = c.rng.choice([90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 103])
        k = c.rng.randrange(5)
        if k == 0:
            return [P(str(n), "AGE", "age_over_89_written"), "y/o"]
        if k == 1:
            return [P(f"{n}yo", "AGE", "age_over_89_written")]
        if k == 2:
            return ["aged", P(str(n), "AGE", "age_over_89_written")]
        if k == 3:
            return ["(", P(str(n), "AGE", "age_over_89_written_parens"), ")"]
        return ["age", P(str(n), "AGE", "age_over_89_written")]
    n = c.rng.choice([45, 52, 66, 71, 77, 80, 84, 88, 89])
    return [c.ch("aged", "age", ""), K(str(n), "AGE_UNDER_90"), c.ch("y/o", "yrs", "")]


def w_phone(c: Call, p: Person) -> P:
    w, fam = c.phone_written(p.home)
    return P(w, "PHONE", fam + "_written")


def w_id(c: Call, kind: str) -> tuple[str, P]:
    rng = c.rng
    if kind == "mrn":
        v = c.ch("", "E", "H", "MR") + "".join(str(rng.randint(0, 9)) for _ in range(8))
        return c.ch("MRN", "MRN#", "Med rec #", "Hosp no."), P(v, "MRN", "mrn_written")
    if kind == "member_id":
        pre = "".join(rng.choice("BCDFGHJKLMNPRSTWXZ") for _ in range(3))
        v = c.ch(
            pre + "".join(str(rng.randint(0, 9)) for _ in range(9)),
            f"{rng.randint(1, 9)}{rng.choice('EGHKMT')}{rng.choice('ADKR')}{rng.randint(0, 9)}-"
            f"{rng.choice('TWX')}{rng.choice('EGK')}{rng.randint(0, 9)}-"
            f"{rng.choice('MNP')}{rng.choice('KRT')}{rng.randint(10, 99)}",
        )
        return c.ch("Member ID", "Mbr ID", "Sub ID", "MBI"), P(v, "MEMBER_ID", "member_id_written")
    if kind == "account":
        v = "".join(str(rng.randint(0, 9)) for _ in range(8))
        v = c.ch(v, f"{v[:4]}-{v[4:]}")
        return c.ch("Acct", "Acct#", "Guarantor acct", "Account"), P(
            v, "ACCOUNT", "account_written"
        )
    if kind == "claim":
        v = "".join(str(rng.randint(0, 9)) for _ in range(12))
        return c.ch("Claim #", "Claim", "ICN"), P(v, "ACCOUNT", "claim_written")
    if kind == "ref":
        v = c.ch("PA", "TR", "CS") + "".join(str(rng.randint(0, 9)) for _ in range(7))
        return c.ch("Ref", "Ref#", "Case", "Conf#"), P(v, "ACCOUNT", "ref_written")
    if kind == "ssn_last4":
        return c.ch("SSN last 4", "SS# ending", "last4 SSN"), P(
            f"{rng.randint(0, 9999):04d}", "SSN", "ssn_last4_written"
        )
    if kind == "ssn":
        v = f"{rng.randint(100, 665):03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
        return c.ch("SSN", "SS#"), P(v, "SSN", "ssn_written")
    if kind == "card_last4":
        return c.ch("card ending", "Visa x", "MC ending"), P(
            f"{rng.randint(0, 9999):04d}", "CARD", "card_last4_written"
        )
    raise ValueError(kind)


def w_address(c: Call, p: Person) -> tuple[list[list[Piece]], str]:
    """A home address as written lines (each a list of pieces), one entity."""
    f = c.ppl.fakers[p.home]
    e = c.eid()
    town = c.town(p.home)
    bn = f.building_number()
    street = f.street_name()
    pc = f.postcode()
    na = ":nonascii" if has_non_ascii(street + town) else ""
    if p.home == "en_US":
        fam = "addr_written_us"
        apt = c.ch("", "", f", Apt {c.rng.randint(1, 40)}", f" Unit {c.rng.randint(1, 9)}B")
        l1 = [P(f"{bn} {street}{apt}", "ADDRESS", fam + na, e)]
        l2 = [
            P(town, "ADDRESS", fam + na, e),
            ",",
            f.state_abbr(),
            P(pc[:5], "ADDRESS", fam + na, e),
        ]
        return [l1, l2], fam
    fam = "addr_written_nonus"
    if p.home in {"en_GB", "en_IE", "en_AU", "en_IN", "fr_FR"}:
        l1 = [P(f"{bn} {street}", "ADDRESS", fam + na, e)]
    elif p.home == "pt_BR":
        l1 = [P(f"{street}, {bn}", "ADDRESS", fam + na, e)]
    else:
        l1 = [P(f"{street} {bn}", "ADDRESS", fam + na, e)]
    if p.home in {"en_GB", "en_IE", "en_AU", "en_IN"}:
        l2 = [P(f"{town} {pc}", "ADDRESS", fam + na, e)]
    else:
        l2 = [P(f"{pc} {town}", "ADDRESS", fam + na, e)]
    return [l1, l2], fam


def w_email(c: Call, p: Person) -> P:
    dom = c.rng.choice(MAIL_DOMAINS.get(p.home, MAIL_DOMAINS["en_US"]))
    first, last = fold(p.first).lower(), fold(p.last).lower().replace(" ", "").replace("'", "")
    local = c.ch(
        f"{first}.{last}",
        f"{first[0]}{last}",
        f"{last}.{first[0]}{c.rng.randint(1, 99)}",
        f"{first}_{last}",
    )
    return P(f"{local}@{dom}", "EMAIL", "email_written")


def w_rel(c: Call, female: bool) -> str:
    return c.ch(
        *(
            [
                "dtr",
                "daughter",
                "step-daughter",
                "niece",
                "HCP",
                "POA",
                "DIL",
                "wife",
                "granddaughter",
                "goddaughter",
                "neighbor",
                "ex-wife (still POA)",
                "legal guardian",
            ]
            if female
            else [
                "son",
                "SIL",
                "husband",
                "grandson",
                "nephew",
                "stepson",
                "godson",
                "POA",
                "brother-in-law",
                "partner",
                "court-appointed guardian",
                "lodger",
            ]
        )
    )


def wn_summary(c: Call) -> None:
    """A structured after-call summary, one field a line."""
    pt = c.patient()
    cg = c.person()
    us = pt.home == "en_US"
    ts = c.ch(
        ("Call type", "Caller", "Patient", "DOB", "Reason", "Action", "Callback", "Agent"),
        ("Type", "Spoke with", "Pt", "DOB", "Issue", "Outcome", "CB", "Rep"),
        (
            "Category",
            "Contact",
            "Member",
            "Birthdate",
            "Summary",
            "Next step",
            "Phone",
            "Handled by",
        ),
    )
    c.line(
        ts[0],
        c.ch("Inbound - caregiver", "Inbound", "Outbound reminder", "Callback"),
        c.ch("", "(3-way w/ interpreter)"),
    )
    c.line(ts[1], w_name(c, cg), "(", w_rel(c, cg.female), ")")
    old = c.rng.random() < 0.5
    c.line(
        ts[2], w_name(c, pt), c.maybe(0.5, "-"), *(w_age(c, old) if c.rng.random() < 0.5 else [])
    )
    c.line(ts[3], w_dob(c, dob_for(c, old=old), us))
    if c.rng.random() < 0.25:
        c.line(c.ch("History", "Hx"), c.ch("Pt since 2016.", "CHF dx 2019.", "Hip repl. 2021."))
    if c.rng.random() < 0.7:
        label, pid = w_id(c, c.ch("mrn", "member_id", "account"))
        c.line(label, pid)
    med, doses = c.rng.choice(MEDS)
    c.line(
        ts[4],
        *c.ch(
            [
                "Requesting refill of",
                K(med, "MEDICATION"),
                K(c.ch(*doses), "DOSAGE"),
                ", last seen",
                *w_care(c, us),
            ],
            ["Missed appt", *w_care(c, us), "at", K(c.clinic, "CLINIC_NAME"), "; wants to rebook"],
            ["Dispute re: DOS", *w_care(c, us), "billed to", K(c.ch(*ORGS[:5]), "ORG_NAME")],
            [
                "Transport needed for",
                *w_care(c, us),
                "@",
                w_time(c),
                "to",
                K(c.clinic, "CLINIC_NAME"),
            ],
        ),
    )
    c.line(
        ts[5],
        c.ch("Rebooked", "Booked", "Scheduled f/u"),
        *w_care(c, us),
        c.ch("@", "at"),
        w_time(c),
        c.ch("with", "at"),
        K(c.clinic, "CLINIC_NAME"),
    )
    c.line(ts[6], w_phone(c, cg), c.ch("(mobile)", "(home)", "", "- prefers text"))
    if c.rng.random() < 0.4:
        lines, _ = w_address(c, pt)
        for i, ln in enumerate(lines):
            c.line(
                c.ch("Address", "Addr") if i == 0 else c.ch("Address 2", "Addr line 2", "City"), *ln
            )
        if pt.home != "en_US" and c.rng.random() < 0.6:
            c.line("Country", COUNTRY.get(pt.home, "UK"))
    c.line(ts[7], K(c.agent, "AGENT_NAME"))


def wn_freetext(c: Call) -> None:
    """One or two lines of the agent's shorthand prose."""
    pt = c.patient()
    cg = c.person()
    us = pt.home == "en_US"
    tag = c.ch("Note", "Call note", "ACW", "Notes", "Agent note", "Comment")
    med, doses = c.rng.choice(MEDS)
    k = c.rng.randrange(5)
    if k == 0:
        c.line(
            tag,
            "Spoke w/ pt's",
            w_rel(c, cg.female),
            P(cg.full, "NAME", cg.fam(f"name_relation_written.{cg.kind}")),
            ". Pt",
            P(pt.full, "NAME", pt.fam(f"name_written_nocue.{pt.kind}")),
            *w_age(c, True),
            "seen",
            *w_care(c, us),
            "at",
            K(c.clinic, "CLINIC_NAME"),
            ", DOB",
            w_dob(c, dob_for(c, True), us),
            "verified. CB",
            w_phone(c, cg),
            ".",
        )
    elif k == 1:
        c.line(
            tag,
            P(pt.full, "NAME", pt.fam(f"name_written_nocue.{pt.kind}")),
            "called back re results from",
            *w_care(c, us),
            ". Advised",
            K(med, "MEDICATION"),
            K(c.ch(*doses), "DOSAGE"),
            "unchanged per",
            K(c.ch("Dr. Osei", "NP Larkin", "Dr. Vance"), "AGENT_NAME"),
            ". Next lab",
            *w_care(c, us),
            w_time(c),
            ".",
        )
    elif k == 2:
        label, pid = w_id(c, c.ch("ssn_last4", "member_id", "mrn"))
        c.line(
            tag,
            "Caller (",
            P(cg.full, "NAME", cg.fam(f"name_relation_written.{cg.kind}")),
            ",",
            w_rel(c, cg.female),
            "of",
            w_name(c, pt, "plain"),
            ") verified via",
            label,
            pid,
            "and DOB",
            w_dob(c, dob_for(c), us),
            ".",
        )
        c.line(
            tag,
            c.ch("Lives alone in", "Moved to", "Now staying in"),
            P(c.town(pt.home), "ADDRESS", "city_alone_written"),
            ",",
            c.ch(COUNTRY.get(pt.home, "Ohio"), "Texas", "Florida", "n/a"),
            "; needs",
            K(c.ch("2", "3", "two"), "COUNT"),
            "rides/wk.",
        )
    elif k == 3:
        c.line(
            tag,
            "3-way call w/",
            K("LanguageLine", "ORG_NAME"),
            "interpreter",
            K(c.ch("Marisol", "Ernesto", "Dương", "Agnieszka"), "AGENT_NAME"),
            "(",
            K(f"#{c.rng.randint(1000, 9999)}", "COUNT"),
            "). Pt",
            w_name(c, pt, c.ch("last_first_caps", "last_first")),
            ",",
            *w_age(c, True),
            ", DOB",
            w_dob(c, dob_for(c, True), us),
            ".",
        )
        c.line(
            tag,
            "Son",
            P(cg.first, "NAME", cg.fam(f"name_relation_written.{cg.kind}")),
            "reachable at",
            w_phone(c, cg),
            "or",
            w_email(c, cg),
            ".",
        )
    else:
        c.line(
            tag,
            "LM for",
            P(pt.full, "NAME", pt.fam(f"name_written_nocue.{pt.kind}")),
            "to confirm",
            *w_care(c, us),
            w_time(c),
            "appt. Our #",
            K(c.rng.choice(CLINIC_PHONES)[1], "CLINIC_PHONE"),
            "left on VM at",
            w_phone(c, pt),
            ".",
        )
        c.line(tag, "2nd attempt", *w_care(c, us), "- no answer, mailbox full.")


def wn_transport(c: Call) -> None:
    pt = c.patient()
    cg = c.person()
    us = pt.home == "en_US"
    c.line(
        "Booking",
        c.ch("Non-emergency stretcher", "Wheelchair van", "Ambulatory sedan"),
        "via",
        K(c.ch("TriCounty Transit", "Uber Health", "Metro Medical Transport"), "ORG_NAME"),
    )
    c.line(
        c.ch("Patient", "Rider", "Pt name"),
        w_name(c, pt),
        *(w_age(c) if c.rng.random() < 0.6 else []),
    )
    lines, _ = w_address(c, pt)
    for i, ln in enumerate(lines):
        c.line(c.ch("Pickup", "From") if i == 0 else c.ch("Pickup 2", "Pickup line 2", "Town"), *ln)
    if pt.home != "en_US":
        c.line(c.ch("Pickup 3", "Country"), COUNTRY.get(pt.home, "UK"))
    c.line("Appt", *w_care(c, us), w_time(c), K(c.clinic, "CLINIC_NAME"))
    label, pid = w_id(c, c.ch("member_id", "member_id", "ref"))
    c.line(label, pid)
    c.line(
        "Contact",
        w_rel(c, cg.female),
        P(cg.full, "NAME", cg.fam(f"name_relation_written.{cg.kind}")),
        ",",
        w_phone(c, cg),
    )
    c.line(
        "Notes",
        c.ch("O2", "Walker", "Needs escort"),
        K(c.ch("x1", "x2", "2 bags"), "COUNT"),
        c.ch("; gate code at door", "; ring twice", ""),
    )


def wn_billing(c: Call) -> None:
    pt = c.patient()
    us = pt.home == "en_US"
    label, pid = w_id(c, c.ch("account", "claim"))
    c.line("Subject", "Billing dispute -", w_name(c, pt, c.ch("last_first_caps", "last_first")))
    c.line(
        "Body",
        "Guarantor disputes charge for DOS",
        *w_care(c, us),
        ".",
        label,
        pid,
        "denied by",
        K(c.ch(*ORGS[:5]), "ORG_NAME"),
        c.ch("as OON", "(no auth)", ""),
        ".",
    )
    if c.rng.random() < 0.6:
        l2, p2 = w_id(c, "claim")
        c.line("Body", "Resubmitted under", l2, p2, ".")
    lab3, p3 = w_id(c, "card_last4")
    c.line("Body", "Paid copay", K(c.ch("$40", "$25", "$150"), "COUNT"), "by", lab3, p3, ".")
    if c.rng.random() < 0.5:
        lines, _ = w_address(c, pt)
        c.line("Body", "Statement address updated:", *lines[0], ",", *lines[1])
    c.line("Signed", K(c.agent, "AGENT_NAME"), c.ch("", "(billing)", "- Patient Accounts"))


def wn_pa(c: Call) -> None:
    pt = c.patient()
    us = pt.home == "en_US"
    med, doses = c.rng.choice(MEDS)
    lab, pid = w_id(c, "member_id")
    c.line(
        "PA",
        K(med, "MEDICATION"),
        K(c.ch(*doses), "DOSAGE"),
        K(c.ch("28-day", "90-day", "30 day"), "COUNT"),
        "supply for",
        w_name(c, pt),
        ", DOB",
        w_dob(c, dob_for(c), us),
    )
    c.line(lab, pid)
    lab2, pid2 = w_id(c, "ref")
    c.line(
        "Status",
        c.ch("Submitted", "Pending clinicals", "Approved"),
        *w_care(c, us),
        ";",
        lab2,
        pid2,
    )
    c.line(
        "Prescriber",
        K(c.ch("Dr. Osei", "Dr. Lindqvist", "NP Larkin"), "AGENT_NAME"),
        "at",
        K(c.clinic, "CLINIC_NAME"),
        ", fax back to",
        K(c.rng.choice(CLINIC_PHONES)[1], "CLINIC_PHONE"),
    )


def wn_telehealth(c: Call) -> None:
    pt = c.patient()
    us = pt.home == "en_US"
    code = "".join(c.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
    c.line("Ticket", "Telehealth join failure -", w_name(c, pt, "plain"))
    c.line(
        "Detail",
        "Pt on",
        c.ch("iPad", "Android phone", "laptop"),
        ", could not join",
        K("Zoom", "ORG_NAME"),
        "visit",
        *w_care(c, us),
        w_time(c),
        ".",
    )
    c.line(
        "Detail",
        "Resent link",
        P(f"https://visit.carebridge-health.com/p/{code}", "URL", "url_written"),
        "to",
        w_email(c, pt),
        ".",
    )
    if c.rng.random() < 0.5:
        c.line(
            "Detail",
            "Grandson",
            P(c.person().first, "NAME", "name_relation_written.plain"),
            "helps with tech; CB",
            w_phone(c, pt),
            ".",
        )
    c.line("Resolved by", K(c.agent, "AGENT_NAME"))


WRITTEN_NOTES = [(wn_summary, 30), (wn_freetext, 30), (wn_transport, 15), (wn_billing, 10),
                 (wn_pa, 8), (wn_telehealth, 7)]  # fmt: skip


def _mark_nonascii(rec: dict[str, Any]) -> None:
    """``:nonascii`` follows the span's surface (a recogniser may have dropped accents)."""
    for sp in rec["spans"]:
        fam = sp["family"].replace(":nonascii", "")
        surface = rec["text"][sp["start"] : sp["end"]]
        if sp["label"] in {"NAME", "ADDRESS"} and has_non_ascii(surface):
            fam += ":nonascii"
        sp["family"] = fam


def _check(rec: dict[str, Any]) -> None:
    """Spoken records carry no punctuation but apostrophes."""
    if rec["style"] == "asr":
        for line in rec["text"].split("\n"):
            utt = line.split(": ", 1)[1]
            assert not any(ch in utt for ch in ",.?!;:/()-@#$"), (rec["id"], utt)
            assert utt == utt.lower(), (rec["id"], utt)


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    ppl = People(seed, [loc for loc, _ in LOCALES])
    rng = ppl.rng
    n_asr = round(count * 0.7)
    styles = [True] * n_asr + [False] * (count - n_asr)
    rng.shuffle(styles)
    records = []
    for i, asr in enumerate(styles):
        c = Call(f"hh-{i + 1:05d}", asr, rng, ppl)
        table = SPOKEN_SCENARIOS if asr else WRITTEN_NOTES
        fn = rng.choices([f for f, _ in table], [w for _, w in table])[0]
        fn(c)
        rec = c.b.record()
        _mark_nonascii(rec)
        _check(rec)
        records.append(rec)
    return records
