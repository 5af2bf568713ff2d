"""``heldout_i``: a ninth held-out set, WRITTEN BLIND. Its author never opened the
redactor (``src/callvault/redaction/``), its tests, the bench results, the redaction
docs or the other generators' phrasings; only the shared Builder, the seeded Faker
identities, the registry and the scorer's contract. Nobody has run the redactor on it
while it was written.

Datasheet
---------
Setting: the contact center of a hospital network with sites in North America and
Europe (Boston, Toronto, Manchester, Dublin, Munich, Vienna, Zurich, Lyon, Milan,
Rotterdam, Madrid, Kraków, ...). About 60 % of records are call transcripts as a speech
engine writes them, in two engine styles: ``lc`` (all lower case, no punctuation, numbers
as words, recogniser homophones "to/too/for/won/ate/oh") and ``sc`` (sentence case with
punctuation, numbers mostly as digits, as some engines write). About 40 % are written
material: agent call notes with time-and-initials tags, CRM case comments, ticket updates,
a filled-in discharge-follow-up call script, intake/release forms (field name as tag).

Scenarios (spoken): discharge follow-up call (outbound nurse), vaccine appointment line,
patient transport booking, medical-records release request from a lawyer's office, a
parent calling for a child, a neighbour calling about an elderly person, a patient
spelling a street and postcode for an address change, a cancelled-and-rebooked
appointment, a bill complaint with claim numbers, a wrong-number call. Written: call
notes, CRM case comments, ticket updates, discharge scripts, intake forms, release forms.

People: Faker identities (``_people.People``), about 45 % en_US and the rest from en_CA,
en_GB, en_IE, de_DE/AT/CH, fr_FR, es_ES, it_IT, nl_NL, pl_PL, sv_SE, da_DK, fi_FI, pt_PT,
cs_CZ, hu_HU, es_MX, vi_VN, tr_TR; plus surnames that are English words, particles
(van der, de la, O'), hyphenated double names and nicknames. Staff (agents, nurses,
doctors) are Faker names too, from a separate seed, so they look like patients.

Labels: NAME, ADDRESS, DATE, AGE, PHONE, EMAIL, SSN (US SSN, Canadian SIN, French NIR),
MEMBER_ID (insurer numbers, NHS/OHIP/health-card numbers), MRN (the hospital's patient
number), ACCOUNT (the patient's claim, case, invoice and billing-account numbers), CARD,
URL (patient-portal links that carry a patient id or a request token).

Negatives: AGENT_NAME (any staff member's name: agent, nurse, doctor), CLINIC_NAME
(hospitals, sites, departments, wards), MEDICATION, DOSAGE, AGE_UNDER_90, TIME, COUNT,
ORG_NAME (law firms, insurers, charities), CLINIC_PHONE (the hospital's own numbers).
Unmarked but deliberately present: years alone, weekdays alone, months alone, countries
and US states / Canadian provinces alone, amounts of money.

Gold conventions (applied everywhere):
- A date span covers day, month and (when said) year, and an in-line weekday
  ("Tuesday the 14th"); a leading "the", "on", "next", "this", "last", "coming" stays
  outside. A day of month alone that names a date of care ("on the 14th") is DATE.
- Years alone, months alone and weekdays alone are not PHI (left unmarked).
- Ages: only the number ("ninety three", "93", "93yo" in notes); "years old" outside.
  Under 90 -> AGE_UNDER_90 negative.
- Numbers read with fillers, restarts, corrections or over two turns: each digit run is
  its own span, all sharing one eid; fillers, "sorry", "no wait", "let me start again"
  and the agent's back-channel stay outside. Retracted digits are gold too (they still
  reveal the number).
- Spelling: the whole spelled run ("k as in kilo, o as in oscar") is one span, the
  connectors included; "that's" / "spelled" outside.
- Addresses: components separated by commas or line breaks are separate spans with one
  eid; the comma is outside; US state / Canadian province abbreviations and country
  names are outside (not PHI). A town or postcode alone is ADDRESS.
- Names: titles (Mr, Mrs, Dr, Frau, Madame) outside; "LAST, First" one span with the
  comma inside; initials are NAME; a nickname is its own NAME entity.
- Identifier label words ("MRN", "claim number", "D.O.B.") are outside; "+" / "plus" and
  the country calling code are inside the phone span.
- E-mail and URL: the whole address, spoken or written, one span; "<" ">" outside. The law
  firm's own mailbox is an ORG_NAME negative, the client's e-mail is EMAIL.
- Staff negatives keep their title ("Dr Okafor" is one AGENT_NAME negative).

Families: ``<kind>_<phenomenon>`` (``dob_spoken_numeric``, ``care_weekday_day``,
``claim_correction``, ``phone_intl_split_turns``, ``address_street_spelled_phonetic``...);
name families carry ``:wordsurname`` / ``:particle`` / ``:hyphen`` and ``:nonascii``.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple

from ._build import (
    HOMOPHONES,
    MONTHS,
    ONES,
    ORDINALS,
    WEEKDAYS,
    Builder,
    clock,
    nfc,
    number_words,
    rand_digits,
    two_digits,
    year_words,
)
from ._people import People, has_non_ascii

NAME = "heldout_i"
DEFAULT_SEED = 4417
DEFAULT_COUNT = 400

PERSON_LOCALES = [
    ("en_US", 45), ("en_CA", 6), ("en_GB", 6), ("en_IE", 2), ("de_DE", 5), ("de_AT", 2),
    ("de_CH", 2), ("fr_FR", 5), ("es_ES", 3), ("it_IT", 4), ("nl_NL", 3), ("pl_PL", 4),
    ("sv_SE", 2), ("da_DK", 2), ("fi_FI", 1), ("pt_PT", 2), ("cs_CZ", 2), ("hu_HU", 2),
    ("es_MX", 2), ("vi_VN", 1), ("tr_TR", 1),
]  # fmt: skip
RESIDENCE = {"es_MX": "en_US", "vi_VN": "en_US", "tr_TR": "de_DE"}
COUNTRY = {
    "en_US": "the US", "en_CA": "Canada", "en_GB": "the UK", "en_IE": "Ireland", "de_DE": "Germany",
    "de_AT": "Austria", "de_CH": "Switzerland", "fr_FR": "France", "es_ES": "Spain",
    "it_IT": "Italy", "nl_NL": "the Netherlands", "pl_PL": "Poland", "sv_SE": "Sweden",
    "da_DK": "Denmark", "fi_FI": "Finland", "pt_PT": "Portugal", "cs_CZ": "Czechia",
    "hu_HU": "Hungary",
}  # fmt: skip
NUMBER_FIRST = {"en_US", "en_CA", "en_GB", "en_IE", "fr_FR"}
MD_ORDER = {"en_US", "en_CA"}

# (site, its switchboard, the regions it serves)
SITES = [
    ("Northbridge Memorial Hospital", "617-555-0100", {"en_US"}),
    ("Lakeshore General", "416-555-0142", {"en_CA"}),
    ("St Aldhelm's Hospital", "0161 496 0750", {"en_GB", "en_IE"}),
    ("Klinikum Westpark", "+49 89 4471 2000", {"de_DE", "de_AT", "de_CH"}),
    ("Hôpital Saint-Roch", "04 72 11 30 00", {"fr_FR"}),
    ("Ospedale San Vitale", "02 5503 8100", {"it_IT", "es_ES", "pt_PT"}),
    ("Ziekenhuis Oosterpoort", "010 555 2300", {"nl_NL", "da_DK", "sv_SE", "fi_FI"}),
    ("Szpital Północny", "12 555 40 00", {"pl_PL", "cs_CZ", "hu_HU"}),
]
DEPARTMENTS = [
    "the cardiology ward", "the fracture clinic", "Ward 7B", "the oncology day unit",
    "the vaccination hub", "patient transport", "the medical records office",
    "paediatric outpatients", "the discharge lounge", "pre-op assessment",
    "the diabetes clinic", "radiology", "the billing office", "geriatric medicine",
]  # fmt: skip
MEDS = [
    ("apixaban", ["5 mg", "2.5 mg"]), ("metoprolol", ["25 mg", "50 mg"]),
    ("furosemide", ["40 mg", "20 mg"]), ("amoxicillin", ["500 mg"]),
    ("paracetamol", ["1 g", "500 mg"]), ("ramipril", ["5 mg", "10 mg"]),
    ("insulin glargine", ["18 units", "22 units"]), ("salbutamol", ["two puffs"]),
    ("Eliquis", ["5 mg"]), ("atorvastatin", ["40 mg", "20 mg"]),
    ("enoxaparin", ["40 mg"]), ("omeprazole", ["20 mg"]),
]  # fmt: skip
INSURERS = [
    "Techniker Krankenkasse", "Blue Cross", "Bupa", "the CPAM", "AOK", "Medicare", "Sun Life",
    "Aetna", "Allianz", "Zilveren Kruis", "NFZ", "Laya Healthcare", "Manulife", "Sanitas",
]  # fmt: skip
REGION_INSURERS = {
    "en_US": ["Blue Cross", "Aetna", "Medicare"], "en_CA": ["Sun Life", "Manulife"],
    "en_GB": ["Bupa"], "en_IE": ["Laya Healthcare"], "de_DE": ["Techniker Krankenkasse", "AOK"],
    "de_AT": ["Allianz"], "de_CH": ["Allianz"], "fr_FR": ["the CPAM"], "nl_NL": ["Zilveren Kruis"],
    "pl_PL": ["NFZ"], "es_ES": ["Sanitas"],
}  # fmt: skip


def insurer(rng: random.Random, home: str) -> str:
    return rng.choice(REGION_INSURERS.get(home, INSURERS))


CHARITIES = ["Age UK", "the Red Cross", "Meals on Wheels", "Caritas", "the Salvation Army"]
LAW_FIRMS = [
    "Hartley Voss LLP", "Brennan and Kaur", "Dufresne Avocats", "Kanzlei Obermaier",
    "Whitcombe Solicitors", "Lindqvist Legal", "Marchetti Studio Legale",
]  # fmt: skip
WORD_SURNAMES = [
    "Baker", "Hill", "Rose", "Page", "Young", "Wolf", "Bird", "Fox", "Long", "Black",
    "Frost", "Hope", "Church", "Field", "King", "Bishop", "Small", "May", "March", "Bell",
    "Winter", "Summers", "Stone", "Brook", "Mills", "Cook", "Bright", "Gay", "Pope", "Hunt",
]  # fmt: skip
PARTICLE_SURNAMES = [
    "van der Berg", "de la Cruz", "von Arnim", "di Stefano", "O'Neill", "da Silva",
    "de Vries", "ten Have", "Le Gall", "van Dijk", "dos Santos", "D'Angelo", "Mac Giolla",
    "del Rio", "St. John", "McAllister", "van den Heuvel", "de Jong",
]  # fmt: skip
NICKNAMES = [
    ("Margaret", "Peggy"), ("William", "Bill"), ("Elizabeth", "Liz"), ("Katarzyna", "Kasia"),
    ("Johannes", "Hannes"), ("Francesca", "Checca"), ("Robert", "Bobby"), ("Aleksander", "Olek"),
    ("Josephine", "Jo"), ("Giuseppe", "Beppe"), ("Dorothy", "Dot"), ("Wolfgang", "Wolfi"),
    ("Susannah", "Sukie"), ("Francisco", "Paco"), ("Theodore", "Ted"), ("Ekaterina", "Katya"),
]  # fmt: skip
FEMALE_FORMAL = [
    "Margaret", "Elizabeth", "Katarzyna", "Francesca", "Josephine", "Dorothy", "Susannah",
    "Ekaterina",
]  # fmt: skip
NATO = {
    "a": "alpha", "b": "bravo", "c": "charlie", "d": "delta", "e": "echo", "f": "foxtrot",
    "g": "golf", "h": "hotel", "i": "india", "j": "juliet", "k": "kilo", "l": "lima",
    "m": "mike", "n": "november", "o": "oscar", "p": "papa", "q": "quebec", "r": "romeo",
    "s": "sierra", "t": "tango", "u": "uniform", "v": "victor", "w": "whiskey", "x": "x-ray",
    "y": "yankee", "z": "zulu",
}  # fmt: skip
AS_IN = {
    "a": "apple", "b": "boy", "c": "cat", "d": "david", "e": "edward", "f": "frank",
    "g": "george", "h": "henry", "i": "ida", "j": "john", "k": "king", "l": "larry",
    "m": "mary", "n": "nancy", "o": "ocean", "p": "peter", "q": "queen", "r": "robert",
    "s": "sam", "t": "tom", "u": "umbrella", "v": "victor", "w": "william", "x": "xylophone",
    "y": "yellow", "z": "zebra",
}  # fmt: skip
FILLERS = ["uh", "um", "erm", "let me see", "hang on", "one second", "hmm", "where was i"]
ASR_TAGS = [
    ("agent", "caller"), ("AGENT", "CALLER"), ("SPEAKER_00", "SPEAKER_01"), ("S1", "S2"),
    ("spk 0", "spk 1"), ("Agent", "Patient"), ("A", "B"), ("ch 1", "ch 2"),
    ("Rep", "Customer"), ("operator", "caller"),
]  # fmt: skip
MAIL = {
    "en_US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "comcast.net"],
    "en_CA": ["gmail.com", "hotmail.ca", "rogers.com", "sympatico.ca", "shaw.ca"],
    "en_GB": ["btinternet.com", "yahoo.co.uk", "gmail.com", "sky.com"],
    "en_IE": ["eircom.net", "gmail.com", "outlook.ie"],
    "de_DE": ["web.de", "gmx.de", "t-online.de", "posteo.de"],
    "de_AT": ["gmx.at", "aon.at", "chello.at"], "de_CH": ["bluewin.ch", "gmx.ch"],
    "fr_FR": ["orange.fr", "free.fr", "laposte.net", "wanadoo.fr"],
    "es_ES": ["telefonica.net", "gmail.com", "yahoo.es"], "it_IT": ["libero.it", "virgilio.it"],
    "nl_NL": ["ziggo.nl", "kpnmail.nl", "hotmail.nl"], "pl_PL": ["wp.pl", "onet.pl", "o2.pl"],
    "sv_SE": ["telia.se", "gmail.com"], "da_DK": ["mail.dk", "jubii.dk"],
    "fi_FI": ["suomi24.fi", "elisa.fi"], "pt_PT": ["sapo.pt", "gmail.com"],
    "cs_CZ": ["seznam.cz", "email.cz"], "hu_HU": ["freemail.hu", "citromail.hu"],
    "other": ["proton.me", "tutanota.com", "mail.com", "fastmail.fm", "hey.com", "me.com"],
}  # fmt: skip
PORTALS = [
    "portal.northbridgehealth.org/patient/{id}/results", "mychart.lakeshoregeneral.ca/p/{id}",
    "patientenportal.klinikum-westpark.de/akte?pid={id}",
    "records.northbridgehealth.org/release/{id}", "monespace.hopital-saint-roch.fr/dossier/{id}",
    "northbridge.health/r/{id}", "app.oosterpoort.nl/mijn/{id}/afspraken",
]  # fmt: skip

_SPECIAL = {
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "đ": "d",
    "\u0131": "i",
    "Đ": "D",
}


def fold(s: str) -> str:
    """ASCII letters for spelling and e-mail local parts ("Łukasz" -> "Lukasz")."""
    s = "".join(_SPECIAL.get(c, c) for c in s)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


class P(NamedTuple):
    text: str
    label: str
    family: str
    eid: int | None = None


class K(NamedTuple):
    text: str
    kind: str


Part = str | P | K
_LC_DROP = re.compile(r"[,;!?\"()]|(?<![\w])\.|\.(?![\w])|:(?!\w)")
_NO_SPACE_BEFORE = tuple(",.?!;:)>")
_NO_SPACE_AFTER = tuple("(<")


class Person:
    def __init__(self, first: str, last: str, loc: str, kind: str = "plain") -> None:
        self.first, self.last, self.loc, self.kind = first, last, loc, kind
        self.home = RESIDENCE.get(loc, loc)

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    def fam(self, base: str) -> str:
        kind = "" if self.kind == "plain" else f":{self.kind}"
        return base + kind + (":nonascii" if has_non_ascii(self.first + self.last) else "")


class Rec:
    """One record: ``mode`` is ``lc`` / ``sc`` (spoken) or ``written``."""

    def __init__(self, rid: str, mode: str, rng: random.Random, g: Gen) -> None:
        self.b = Builder(rid, "written" if mode == "written" else "asr")
        self.mode = mode
        self.rng = rng
        self.minute = 0
        self.g = g

    @property
    def lc(self) -> bool:
        return self.mode == "lc"

    def eid(self) -> int:
        return self.b.new_eid()

    def _fx(self, s: str) -> str:
        if self.lc:
            s = _LC_DROP.sub(" ", s.lower())
        return " ".join(s.split())

    def line(self, tag: str, *parts: Part | list[Part]) -> Rec:
        flat: list[Part] = []
        for p in parts:
            flat.extend(p if isinstance(p, list) else [p])
        self.b.line(tag)
        prev = ""
        for p in flat:
            raw = p if isinstance(p, str) else p.text
            s = self._fx(raw)
            if not s:
                continue
            if prev and not s.startswith(_NO_SPACE_BEFORE) and not prev.endswith(_NO_SPACE_AFTER):
                self.b.say(" ")
            prev = s
            if isinstance(p, P):
                eid = self.b.phi(s, p.label, p.family, p.eid)
                assert eid is not None
            elif isinstance(p, K):
                self.b.keep(s, p.kind)
            else:
                self.b.say(s)
        return self

    def record(self) -> dict[str, Any]:
        return self.b.record()


# ----------------------------------------------------------------------------- speech


def speak_digits(r: Rec, ds: str, homo: float = 0.25) -> str:
    """Digits as an lc engine writes them: "double seven", "oh", "for", "ate"."""
    out: list[str] = []
    i = 0
    while i < len(ds):
        d = ds[i]
        run = 1
        while i + run < len(ds) and ds[i + run] == d and run < 3:
            run += 1
        if run >= 2 and r.rng.random() < 0.5:
            word = "oh" if d == "0" and r.rng.random() < 0.5 else ONES[int(d)]
            out.append(("triple " if run == 3 else "double ") + word)
            i += run
            continue
        if d in HOMOPHONES and r.rng.random() < homo:
            out.append(r.rng.choice(HOMOPHONES[d]))
        elif d == "0" and r.rng.random() < 0.4:
            out.append("oh")
        elif i + 1 < len(ds) and d != "0" and ds[i + 1].isdigit() and r.rng.random() < 0.15:
            out.append(two_digits(int(ds[i : i + 2])))
            i += 2
            continue
        else:
            out.append(ONES[int(d)])
        i += 1
    return " ".join(out)


def speak_chars(r: Rec, s: str, homo: float = 0.25) -> str:
    """An identifier with letters and digits, as spoken (lc) or as an sc engine writes it."""
    chunks = re.findall(r"[A-Za-z]+|\d+", s)
    out: list[str] = []
    for c in chunks:
        if c.isdigit():
            out.append(speak_digits(r, c, homo) if r.lc else c)
        else:
            for ch in c.lower():
                if r.rng.random() < 0.2:
                    c0 = ch if r.lc else ch.upper()
                    out.append(f"{c0} as in {NATO[ch]}" if r.rng.random() < 0.5 else NATO[ch])
                else:
                    out.append(ch if r.lc else ch.upper())
    return " ".join(out)


def spoken_id(
    r: Rec, canon: str, label: str, base: str, how: str | None = None
) -> tuple[list[Part], str]:
    """An identifier read aloud, maybe with a filler, restart or correction inside.
    Returns the parts (one eid) and the family used."""
    eid = r.eid()
    how = how or r.rng.choice(["plain", "plain", "filler", "correction", "restart", "groups"])
    toks = re.findall(r"[A-Za-z]|\d", canon)
    if how in ("filler", "correction", "restart") and len(toks) < 5:
        how = "plain"
    if how == "plain":
        fam = f"{base}_digits" + ("_homophone" if r.lc else "")
        return [P(speak_chars(r, canon), label, fam, eid)], fam
    if how == "groups":
        groups = re.findall(r"[A-Za-z]+|\d{1,4}", canon)
        text = " ".join(speak_chars(r, gr) for gr in groups)
        if not r.lc:
            text = "-".join(groups) if r.rng.random() < 0.5 else " ".join(groups)
        return [P(text, label, f"{base}_groups", eid)], f"{base}_groups"
    cut = r.rng.randint(2, len(toks) - 2)
    a, b = "".join(toks[:cut]), "".join(toks[cut:])
    if how == "filler":
        fill = r.rng.choice(FILLERS)
        if not r.lc:
            fill = f"{fill.capitalize()}..." if r.rng.random() < 0.5 else f"- {fill} -"
        fam = f"{base}_filler"
        return [
            P(speak_chars(r, a), label, fam, eid),
            fill,
            P(speak_chars(r, b), label, fam, eid),
        ], fam
    if how == "restart":
        fam = f"{base}_restart"
        say = r.rng.choice(["sorry let me start again", "no from the top", "wait again"])
        if not r.lc:
            say = r.rng.choice(["Sorry, let me start again.", "No, from the top:", "Wait, again:"])
        return [
            P(speak_chars(r, a), label, fam, eid),
            say,
            P(speak_chars(r, canon), label, fam, eid),
        ], fam
    # correction: a wrong digit run, then the right one
    wrong = list(b[:3])
    pos = next((i for i, c in enumerate(wrong) if c.isdigit()), None)
    if pos is None or len(b) < 3:
        return [P(speak_chars(r, canon), label, f"{base}_digits", eid)], f"{base}_digits"
    wrong[pos] = str((int(wrong[pos]) + r.rng.randint(1, 8)) % 10)
    fam = f"{base}_correction"
    say = r.rng.choice(["no sorry", "no wait", "sorry not that", "oops"])
    if not r.lc:
        say = r.rng.choice(["No, sorry,", "No wait,", "Sorry, that's wrong,", "Scratch that,"])
    return [
        P(speak_chars(r, a), label, fam, eid),
        P(speak_chars(r, "".join(wrong)), label, fam, eid),
        say,
        P(speak_chars(r, b), label, fam, eid),
    ], fam


def spell(r: Rec, word: str) -> tuple[str, str]:
    """A name or street spelled out: letters, phonetic words, "as in"."""
    letters = [c for c in fold(word).lower() if c.isalpha()]
    how = r.rng.choice(["letters", "nato", "as_in", "for", "dashes"])
    if how == "letters":
        out = " ".join(letters if r.lc else [c.upper() for c in letters])
    elif how == "nato":
        out = ", ".join(f"{c} as in {NATO[c]}" for c in letters)
    elif how == "as_in":
        out = ", ".join(f"{c} as in {AS_IN[c]}" for c in letters)
    elif how == "for":
        out = ", ".join(f"{c} for {AS_IN[c]}" for c in letters)
    else:
        out = "-".join(c.upper() for c in letters)
    if not r.lc and how in ("nato", "as_in", "for"):
        out = ", ".join(x[0].upper() + x[1:] for x in out.split(", "))
    return out, ("spelled_letters" if how in ("letters", "dashes") else "spelled_phonetic")


# ----------------------------------------------------------------------------- values


def suffix(d: int) -> str:
    return "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")


def date_said(r: Rec, d: dt.date, year: bool, weekday: bool = False) -> tuple[str | None, str, str]:
    """(leading word left outside or None, the date span, form) spoken or engine-written."""
    mon = MONTHS[d.month - 1]
    wd = WEEKDAYS[d.weekday()]
    if r.lc:
        o = ORDINALS[d.day]
        forms = [
            (None, f"{mon} {o}"),
            ("the", f"{o} of {mon}"),
            (None, f"{mon} the {o}"),
            (None, f"{o} of {mon}"),
            (None, f"{mon} {two_digits(d.day)}"),
            (None, f"{o} {mon}"),
        ]
        lead, s = r.rng.choice(forms)
        y = f" {year_words(d.year)}" if year else ""
        if weekday:
            return None, f"{wd} the {o}" if r.rng.random() < 0.6 else f"{wd} {mon} {o}", "weekday"
        return lead, s + y, "words"
    m, D = mon.capitalize(), d.day
    forms = [
        (None, f"{m} {D}{suffix(D)}"),
        ("the", f"{D}{suffix(D)} of {m}"),
        (None, f"{D} {m}"),
        (None, f"{m} {D}"),
    ]
    lead, s = r.rng.choice(forms)
    if weekday:
        return (
            None,
            (
                f"{wd.capitalize()} the {D}{suffix(D)}"
                if r.rng.random() < 0.6
                else f"{wd.capitalize()}, {m} {D}"
            ),
            "weekday",
        )
    if year:
        s = s + (f", {d.year}" if s[0].isalpha() and s[-1].isdigit() else f" {d.year}")
    return lead, s, "words"


def date_numeric(r: Rec, d: dt.date, home: str, year: bool) -> tuple[str, str]:
    """A short numeric date, in the writer's order: (text, order family)."""
    md = home in MD_ORDER
    if r.rng.random() < 0.15:
        md = not md  # a US-trained agent writing a European date
    a, b = (d.month, d.day) if md else (d.day, d.month)
    pad = r.rng.random() < 0.5
    sep = r.rng.choice(["/", "/", ".", "-"]) if not md else r.rng.choice(["/", "/", "-"])
    sa, sb = (f"{a:02d}", f"{b:02d}") if pad else (str(a), str(b))
    if year:
        y = str(d.year) if r.rng.random() < 0.6 else f"{d.year % 100:02d}"
        text = f"{sa}{sep}{sb}{sep}{y}"
    else:
        text = f"{sa}{sep}{sb}"
    return text, "md" if md else "dm"


def date_spoken_numeric(r: Rec, d: dt.date, home: str) -> str:
    md = home in MD_ORDER
    a, b = (d.month, d.day) if md else (d.day, d.month)

    def w(n: int) -> str:
        return (f"oh {ONES[n]}" if r.rng.random() < 0.5 else ONES[n]) if n < 10 else two_digits(n)

    y = two_digits(d.year % 100) if d.year % 100 >= 10 else f"oh {ONES[d.year % 100]}"
    if r.rng.random() < 0.4:
        y = year_words(d.year)
    return f"{w(a)} {w(b)} {y}"


def date_written(r: Rec, d: dt.date, home: str, year: bool) -> tuple[str, str]:
    k = r.rng.randint(0, 5)
    mon = MONTHS[d.month - 1].capitalize()
    if k <= 1:
        t, order = date_numeric(r, d, home, year)
        return t, f"numeric_{order}"
    if k == 2 and year:
        return d.isoformat(), "iso"
    if k == 3:
        return (f"{d.day:02d}-{mon[:3]}-{d.year}" if year else f"{d.day} {mon[:3]}"), "abbrev"
    if k == 4:
        return (f"{mon[:3]} {d.day}, {d.year}" if year else f"{mon[:3]} {d.day}"), "abbrev"
    return (f"{d.day} {mon} {d.year}" if year else f"{d.day} {mon}"), "words"


def age_text(r: Rec, n: int) -> tuple[str, bool]:
    """An age over 89 (span) -- returns (text, indirect?)."""
    if r.lc:
        if n >= 100:
            return r.rng.choice(["a hundred", "one hundred"]) + (
                f" and {two_digits(n - 100)}" if n > 100 else ""
            ), False
        return two_digits(n), False
    return str(n), False


PHONES: dict[str, tuple[str, str, list[tuple[str, list[int]]]]] = {
    "en_US": ("1", "", []), "en_CA": ("1", "", []),
    "en_GB": ("44", "0", [("7700", [6]), ("7911", [6]), ("161", [3, 4]), ("20", [4, 4])]),
    "en_IE": ("353", "0", [("87", [3, 4]), ("1", [3, 4]), ("85", [3, 4])]),
    "de_DE": ("49", "0", [("151", [8]), ("170", [7]), ("30", [8]), ("89", [7])]),
    "de_AT": ("43", "0", [("664", [7]), ("1", [6])]),
    "de_CH": ("41", "0", [("79", [3, 2, 2]), ("44", [3, 2, 2])]),
    "fr_FR": ("33", "0", [("6", [2, 2, 2, 2]), ("7", [2, 2, 2, 2]), ("4", [2, 2, 2, 2])]),
    "es_ES": ("34", "", [("6", [2, 2, 2, 2]), ("91", [3, 2, 2])]),
    "it_IT": ("39", "", [("347", [3, 4]), ("02", [4, 4])]),
    "nl_NL": ("31", "0", [("6", [8]), ("10", [3, 4])]),
    "pl_PL": ("48", "", [("512", [3, 3]), ("12", [3, 2, 2])]),
    "sv_SE": ("46", "0", [("70", [3, 2, 2]), ("8", [3, 3, 2])]),
    "da_DK": ("45", "", [("20", [2, 2, 2]), ("33", [2, 2, 2])]),
    "fi_FI": ("358", "0", [("40", [3, 4]), ("9", [3, 4])]),
    "pt_PT": ("351", "", [("912", [3, 3]), ("21", [3, 4])]),
    "cs_CZ": ("420", "", [("601", [3, 3]), ("2", [4, 4])]),
    "hu_HU": ("36", "06", [("30", [3, 4]), ("1", [3, 4])]),
}  # fmt: skip


def phone_groups(r: Rec, loc: str) -> tuple[list[str], list[str]]:
    """(national groups, international groups) of one number of that country."""
    cc, trunk, firsts = PHONES.get(loc, PHONES["en_US"])
    if cc == "1":
        area = str(r.rng.randint(2, 9)) + rand_digits(r.rng, 2, False)
        rest = [rand_digits(r.rng, 3, True), rand_digits(r.rng, 4, False)]
        return [area, *rest], ["+1", area, *rest]
    first, lens = r.rng.choice(firsts)
    rest = [rand_digits(r.rng, n, False) for n in lens]
    return [trunk + first, *rest], [f"+{cc}", first, *rest]


def phone_written(r: Rec, groups: list[str], intl: bool) -> str:
    if not intl and len(groups) == 3 and len(groups[0]) == 3 and r.rng.random() < 0.6:
        return r.rng.choice(
            [f"({groups[0]}) {groups[1]}-{groups[2]}", "-".join(groups), ".".join(groups)]
        )
    if intl and r.rng.random() < 0.2:
        return "".join(groups)  # E.164
    if intl and r.rng.random() < 0.2:
        return "00" + groups[0][1:] + " " + " ".join(groups[1:])
    return " ".join(groups)


def phone_ok(s: str) -> bool:
    return sum(c.isdigit() for c in s) >= 4 or len(s.split()) >= 2


def phone_parts(r: Rec, loc: str, base: str = "phone") -> tuple[list[Part], list[Part], str]:
    """A caller's phone number as spoken, maybe over two turns: (first turn parts,
    second turn parts or [], family)."""
    intl = r.rng.random() < 0.45
    nat, itl = phone_groups(r, loc)
    groups = itl if intl else nat
    fam = f"{base}_{'intl' if intl else 'national'}"
    eid = r.eid()

    def say(gs: list[str]) -> str:
        if not r.lc:
            return phone_written(r, gs, intl) if len(gs) > 1 else gs[0]
        out = []
        for gi in gs:
            if gi.startswith("+"):
                out.append("plus " + speak_digits(r, gi[1:], 0.2))
            else:
                out.append(speak_digits(r, gi, 0.3))
        return " ".join(out)

    split = r.rng.random()
    if split < 0.3 and len(groups) >= 3:
        k = r.rng.randint(1, len(groups) - 1)
        a, b = say(groups[:k]), say(groups[k:])
        if phone_ok(a) and phone_ok(b):
            return (
                [P(a, "PHONE", fam + "_split_turns", eid)],
                [P(b, "PHONE", fam + "_split_turns", eid)],
                fam + "_split_turns",
            )
    if split < 0.5 and len(groups) >= 3:
        k = r.rng.randint(1, len(groups) - 1)
        a, b = say(groups[:k]), say(groups[k:])
        fill = r.rng.choice(FILLERS) if r.lc else r.rng.choice(["Um,", "Uh...", "let me check,"])
        if phone_ok(a) and phone_ok(b):
            return (
                [P(a, "PHONE", fam + "_filler", eid), fill, P(b, "PHONE", fam + "_filler", eid)],
                [],
                fam + "_filler",
            )
    return [P(say(groups), "PHONE", fam, eid)], [], fam


def email_of(r: Rec, p: Person) -> tuple[str, str]:
    f, last = fold(p.first).lower(), fold(p.last).lower().replace(" ", "").replace("'", "")
    local = r.rng.choice(
        [
            f"{f}.{last}",
            f"{f[0]}{last}",
            f"{f}{last[:1]}{r.rng.randint(1, 99)}",
            f"{last}.{f}",
            f"{f}_{last}{r.rng.randint(50, 99)}",
            f"{f}{last}",
        ]
    )
    doms = MAIL.get(p.home, MAIL["other"])
    if r.rng.random() < 0.25:
        doms = MAIL["other"]
    return local, r.rng.choice(doms)


def email_spoken(r: Rec, local: str, dom: str) -> str:
    def part(s: str, is_dom: bool) -> str:
        out = []
        for chunk in re.findall(r"[a-z]+|\d+|[._-]", s):
            if chunk == ".":
                out.append("dot")
            elif chunk == "_":
                out.append("underscore")
            elif chunk == "-":
                out.append(r.rng.choice(["dash", "hyphen"]))
            elif chunk.isdigit():
                out.append(
                    speak_digits(r, chunk, 0.1)
                    if r.rng.random() < 0.5
                    else number_words(int(chunk))
                )
            elif is_dom and len(chunk) <= 3 and chunk not in ("com", "net", "org", "aol"):
                out.append(" ".join(chunk))
            else:
                out.append(chunk)
        return " ".join(out)

    return f"{part(local, False)} at {part(dom, True)}"


def street_line(r: Rec, p: Person) -> str:
    f = r.g.people.fakers[p.home]
    name = f.street_name().replace("- ", "-")
    num = f.building_number().rstrip(".")
    if p.home in ("en_US", "en_CA"):
        num = str(r.rng.randint(2, 9999))
    if p.home in NUMBER_FIRST:
        return f"{num} {name}" if p.home != "fr_FR" or r.rng.random() < 0.5 else f"{num}, {name}"
    if p.home == "es_ES" and r.rng.random() < 0.5:
        return f"{name}, {num}"
    return f"{name} {num}"


def postcode(r: Rec, p: Person) -> str:
    pc = r.g.people.fakers[p.home].postcode()
    if p.home == "en_CA" and " " not in pc:
        pc = f"{pc[:3]} {pc[3:]}"
    return pc


def town(r: Rec, p: Person) -> str:
    return r.g.people.city(p.home).replace("- ", "-")


def region_abbr(r: Rec, p: Person) -> str | None:
    f = r.g.people.fakers[p.home]
    if p.home == "en_US":
        return f.state_abbr()
    if p.home == "en_CA":
        return f.province_abbr()
    return None


# ----------------------------------------------------------------------------- generator


class Gen:
    def __init__(self, seed: int) -> None:
        locs = [loc for loc, _ in PERSON_LOCALES] + ["en_GB", "en_IE"]
        self.people = People(seed, locales=locs)
        self.staff = People(seed + 7919, locales=locs)
        self.rng = random.Random(seed)

    def person(self, rng: random.Random, kind: str | None = None, sex: str | None = None) -> Person:
        loc = rng.choices([x for x, _ in PERSON_LOCALES], [w for _, w in PERSON_LOCALES])[0]
        first, last = self.people.first_last(loc)
        if sex:
            first = self.first(loc, sex)
        kind = kind or rng.choices(["plain", "wordsurname", "particle", "hyphen"], [78, 9, 8, 5])[0]
        if kind == "wordsurname":
            last = rng.choice(WORD_SURNAMES)
        elif kind == "particle":
            last = rng.choice(PARTICLE_SURNAMES)
        elif kind == "hyphen":
            last = f"{last}-{self.people.first_last(loc)[1].split()[0]}"
        return Person(first, last, loc, kind)

    def first(self, loc: str, sex: str) -> str:
        """A first name of the given sex ("f"/"m") from that locale."""
        f = self.people.fakers[loc]
        name = f.first_name_female() if sex == "f" else f.first_name_male()
        return nfc(name).split()[0]

    def staff_name(self, rng: random.Random) -> str:
        loc = rng.choice(["en_US", "en_GB", "de_DE", "fr_FR", "pl_PL", "nl_NL", "en_CA", "it_IT"])
        return self.staff.first_last(loc)[0]

    def staff_last(self, rng: random.Random) -> str:
        loc = rng.choice(["en_US", "en_GB", "de_DE", "fr_FR", "sv_SE", "hu_HU", "es_ES", "fi_FI"])
        return self.staff.first_last(loc)[1].split()[0]


def site_for(rng: random.Random, p: Person) -> tuple[str, str]:
    for name, phone, regions in SITES:
        if p.home in regions:
            return name, phone
    return SITES[0][0], SITES[0][1]


def dob(rng: random.Random, old: bool = False) -> dt.date:
    if old:
        return dt.date(rng.randint(1921, 1934), rng.randint(1, 12), rng.randint(1, 28))
    return dt.date(rng.randint(1936, 2006), rng.randint(1, 12), rng.randint(1, 28))


def care_date(rng: random.Random) -> dt.date:
    return dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 420))


def med(rng: random.Random) -> tuple[str, str]:
    name, doses = rng.choice(MEDS)
    return name, rng.choice(doses)


def dose_said(r: Rec, dose: str) -> str:
    if not r.lc:
        return dose
    n, unit = dose.split(" ", 1)
    unit = {"mg": "milligrams", "g": "gram"}.get(unit, unit)
    if "." in n:
        a, b = n.split(".")
        return f"{ONES[int(a)]} point {ONES[int(b)]} {unit}"
    return f"{number_words(int(n))} {unit}" if n.isdigit() else f"{n} {unit}"


def time_said(r: Rec, h: int, m: int) -> str:
    if r.lc:
        return clock(h if h <= 12 else h - 12, m) + r.rng.choice(["", " in the morning", ""])
    if r.rng.random() < 0.5:
        return f"{h}:{m:02d}"
    return f"{h if h <= 12 else h - 12}:{m:02d} {'a.m.' if h < 12 else 'p.m.'}"


def mrn(rng: random.Random) -> str:
    return rng.choice(["", "NB", "LG"]) + rand_digits(rng, rng.choice([7, 8]))


def member_id(rng: random.Random, home: str) -> str:
    if home in ("de_DE", "de_AT", "de_CH"):
        return rng.choice("ABKMRT") + rand_digits(rng, 9)
    if home in ("en_GB",):
        return rand_digits(rng, 10)  # NHS number
    if home == "en_CA":
        return rand_digits(rng, 10) + rng.choice(["AB", "KT", "XP"])  # health card
    letters = "".join(rng.choice("BCDHJKMQRWXZ") for _ in range(3))
    return letters + rand_digits(rng, rng.choice([8, 9]))


def claim_no(rng: random.Random) -> str:
    return rng.choice(["CLM", "C", "CS", "INV", ""]) + rand_digits(rng, rng.choice([7, 8, 9]))


def nameparts(r: Rec, p: Person, how: str | None = None, eid: int | None = None) -> list[Part]:
    """The person's name in one of several shapes; family names the shape."""
    how = how or r.rng.choice(["full", "full", "last_first", "first"])
    if how == "last_first":
        return [
            P(
                f"{p.last.upper() if r.rng.random() < 0.5 else p.last}, {p.first}",
                "NAME",
                p.fam("name_last_first"),
                eid,
            )
        ]
    if how == "first":
        return [P(p.first, "NAME", p.fam("name_first_only"), eid)]
    return [P(p.full, "NAME", p.fam("name_full"), eid)]


# ----------------------------------------------------------------------------- spoken calls


def opening(r: Rec, site: str, tag: str) -> None:
    agent = r.g.staff_name(r.rng)
    if r.rng.random() < 0.5:
        r.line(
            tag,
            "Thank you for calling",
            K(site, "CLINIC_NAME"),
            ", this is",
            K(agent, "AGENT_NAME"),
            ". How can I help?",
        )
    else:
        r.line(
            tag,
            "Good morning,",
            K(site, "CLINIC_NAME"),
            "patient line, you're speaking with",
            K(agent, "AGENT_NAME"),
            ".",
        )


def verify(r: Rec, a: str, c: str, p: Person, b: dt.date) -> None:
    """Identity check: name (maybe spelled), date of birth."""
    if r.rng.random() < 0.5:
        r.line(a, "Can I take the patient's full name and date of birth?")
        lead, ds, _ = date_said(r, b, year=True)
        if r.rng.random() < 0.3 and r.lc:
            ds, lead = date_spoken_numeric(r, b, p.home), None
            fam = "dob_spoken_numeric"
        else:
            fam = "dob_said"
        r.line(
            c,
            "Yes, it's",
            nameparts(r, p, r.rng.choice(["full", "full", "last_first"])),
            ", born",
            *([lead] if lead else []),
            P(ds, "DATE", fam),
            ".",
        )
    else:
        r.line(a, "Who am I speaking with?")
        e = r.eid()
        r.line(
            c,
            r.rng.choice(["Oh,", "Hi,", ""]),
            P(p.first, "NAME", p.fam("name_answer"), e),
            "...",
            P(p.last, "NAME", p.fam("name_answer"), e),
            ".",
        )
        if r.rng.random() < 0.6:
            r.line(a, "And how do you spell the last name?")
            sp, fam = spell(r, p.last)
            r.line(c, "It's", P(sp, "NAME", p.fam("name_" + fam), e), ".")
        r.line(a, "Date of birth?")
        lead, ds, _ = date_said(r, b, year=True)
        r.line(c, *([lead] if lead else []), P(ds, "DATE", "dob_answer"), ".")


def call_discharge(r: Rec, tags: tuple[str, str]) -> None:
    a, c = ("NURSE", "PATIENT") if r.rng.random() < 0.4 else tags
    p = r.g.person(r.rng)
    nick = None
    if r.rng.random() < 0.3:
        p.first, nick = r.rng.choice(NICKNAMES)
    site, _ = site_for(r.rng, p)
    nurse = r.g.staff_name(r.rng)
    dr = r.g.staff_last(r.rng)
    gone = care_date(r.rng)
    r.line(
        a,
        "Hello, this is",
        K(nurse, "AGENT_NAME"),
        ", a nurse from",
        K(site, "CLINIC_NAME"),
        ". Am I speaking with",
        nameparts(r, p, r.rng.choice(["full", "first"])),
        "?",
    )
    if nick:
        r.line(c, "Yes, speaking, but call me", P(nick, "NAME", "name_nickname"), ".")
    else:
        r.line(c, "Yes, speaking.")
    b = dob(r.rng)
    lead, ds, _ = date_said(r, b, True)
    r.line(
        a,
        "Just to confirm, your date of birth is",
        *([lead] if lead else []),
        P(ds, "DATE", "dob_confirm_by_agent"),
        "?",
    )
    r.line(c, "That's right.")
    lead, ds, _ = date_said(r, gone, False)
    r.line(
        a,
        "You went home from",
        K(r.rng.choice(DEPARTMENTS), "CLINIC_NAME"),
        "on",
        *([lead] if lead else []),
        P(ds, "DATE", "care_discharge_date"),
        ". How have you been since?",
    )
    m, dose = med(r.rng)
    r.line(
        c,
        "Not bad. I'm taking the",
        K(m, "MEDICATION"),
        ",",
        K(dose_said(r, dose), "DOSAGE"),
        ", like",
        K(f"Dr {dr}", "AGENT_NAME"),
        "said.",
    )
    fu = gone + dt.timedelta(days=r.rng.randint(5, 20))
    _, ws, _ = date_said(r, fu, False, weekday=True)
    h = r.rng.choice([9, 10, 11, 14, 15])
    r.line(
        a,
        "Good. Your follow-up is",
        r.rng.choice(["next", "this coming", "on"]),
        P(ws, "DATE", "care_weekday_day"),
        "at",
        K(time_said(r, h, r.rng.choice([0, 15, 30])), "TIME"),
        ". Can you still make it?",
    )
    if r.rng.random() < 0.5:
        r.line(
            c,
            "Yes, my daughter",
            P(r.g.first(p.loc, "f"), "NAME", "name_relation"),
            "will drive me. She only works on",
            WEEKDAYS[r.rng.randint(0, 4)].capitalize(),
            "mornings.",
        )
    else:
        age = r.rng.randint(60, 89)
        ag = two_digits(age) if r.lc else str(age)
        r.line(
            c,
            "I'll try. I'm",
            K(ag, "AGE_UNDER_90"),
            "and the bus takes a while since",
            str(r.rng.randint(2015, 2023)) if not r.lc else year_words(r.rng.randint(2011, 2019)),
            ".",
        )
    if r.lc:
        r.line(a, "if anything changes call the ward on the number on your letter")
    else:
        r.line(
            a,
            "If anything changes, call the ward back on",
            K(site_for(r.rng, p)[1], "CLINIC_PHONE"),
            ".",
        )


def call_vaccine(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    p = r.g.person(r.rng)
    site, _ = site_for(r.rng, p)
    opening(r, site, a)
    r.line(
        c,
        "Hi, I'd like to book my",
        K(r.rng.choice(["second", "third"]), "COUNT"),
        "dose of the flu and COVID shots.",
    )
    r.line(a, "Sure, what's your name?")
    sp, fam = spell(r, p.last)
    e = r.eid()
    r.line(
        c,
        P(p.full, "NAME", p.fam("name_answer"), e),
        ", that's",
        P(sp, "NAME", p.fam("name_" + fam), e),
        ".",
    )
    b = dob(r.rng, old=r.rng.random() < 0.3)
    r.line(a, "And your birthday?")
    if not r.lc and r.rng.random() < 0.5:
        t, order = date_numeric(r, b, p.home, True)
        r.line(c, P(t, "DATE", f"dob_numeric_{order}"), ".")
    else:
        lead, ds, _ = date_said(r, b, True)
        r.line(c, *([lead] if lead else []), P(ds, "DATE", "dob_said"), ".")
    if b.year < 1935:
        age = 2025 - b.year
        at, _ = age_text(r, age)
        r.line(a, "So you're", P(at, "AGE", "age_over_89_plain"), "- you'll get the high-dose one.")
    r.line(a, "Best number to text the confirmation to?")
    first, second, fam = phone_parts(r, p.home)
    r.line(c, first)
    if second:
        r.line(a, r.rng.choice(["Mm-hm.", "Go on.", "Okay."]))
        r.line(c, second)
    d = care_date(r.rng)
    lead, ds, _ = date_said(r, d, False)
    r.line(
        a,
        "I have",
        K(r.rng.choice(["two", "three", "four"]) + " slots", "COUNT"),
        "on",
        *([lead] if lead else []),
        P(ds, "DATE", "care_appointment"),
        ". The first is at",
        K(time_said(r, r.rng.randint(8, 16), r.rng.choice([0, 20, 40])), "TIME"),
        ".",
    )
    if r.rng.random() < 0.6:
        local, dom = email_of(r, p)
        r.line(a, "Do you want the reminder by email too?")
        if r.lc or r.rng.random() < 0.5:
            r.line(c, "Sure, it's", P(email_spoken(r, local, dom), "EMAIL", "email_spoken"), ".")
        else:
            r.line(c, "Sure, it's", P(f"{local}@{dom}", "EMAIL", "email_engine_written"), ".")


def call_transport(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    rel, sex = r.rng.choice(
        [
            ("my husband", "m"),
            ("my mother", "f"),
            ("my father", "m"),
            ("my wife", "f"),
            ("my uncle", "m"),
            ("my aunt", "f"),
        ]
    )
    p = r.g.person(r.rng, sex=sex)
    old = r.rng.random() < 0.5
    site, _ = site_for(r.rng, p)
    r.line(
        a,
        K("Patient transport", "CLINIC_NAME"),
        ",",
        K(r.g.staff_name(r.rng), "AGENT_NAME"),
        "speaking.",
    )
    if r.rng.random() < 0.5:
        r.line(
            c, "I need a ride booked for", rel, ",", P(p.full, "NAME", p.fam("name_relation")), "."
        )
    else:
        e = r.eid()
        r.line(
            c,
            "Hello, it's for",
            rel,
            ". Name's",
            P(p.last, "NAME", p.fam("name_relation"), e),
            ",",
            P(p.first, "NAME", p.fam("name_relation"), e),
            ".",
        )
    if old:
        n = r.rng.randint(90, 104)
        if r.lc and r.rng.random() < 0.5:
            r.line(
                c,
                {"f": "She's", "m": "He's"}[sex],
                P(age_text(r, n)[0], "AGE", "age_over_89_plain"),
                "and uses a wheelchair.",
            )
        else:
            r.line(
                c,
                {"f": "She turned", "m": "He turned"}[sex],
                P(str(n) if not r.lc else age_text(r, n)[0], "AGE", "age_over_89_indirect"),
                "in",
                MONTHS[r.rng.randint(0, 11)].capitalize(),
                ", so stairs are out.",
            )
    r.line(a, "What's the pick-up address?")
    st = street_line(r, p)
    e = r.eid()
    if r.rng.random() < 0.4:
        sp, fam = spell(r, max(re.findall(r"[^\W\d_]+", st), key=len))
        r.line(c, P(st, "ADDRESS", "address_street_local", e), ".")
        r.line(a, "Can you spell the street?")
        r.line(c, P(sp, "ADDRESS", "address_street_" + fam, e), ".")
    else:
        r.line(
            c,
            P(st, "ADDRESS", "address_street_local", e),
            ",",
            P(town(r, p), "ADDRESS", "address_street_local", e),
            *([",", region_abbr(r, p) or ""] if p.home in MD_ORDER else []),
            ".",
        )
    pc = postcode(r, p)
    r.line(a, "Postcode?")
    pcs = speak_chars(r, pc.replace(" ", ""), 0.1) if r.lc else pc
    r.line(
        c, P(pcs, "ADDRESS", "address_postcode_" + ("us" if p.home == "en_US" else "nonus"), e), "."
    )
    d = care_date(r.rng)
    lead, ds, _ = date_said(r, d, False)
    r.line(
        a,
        "And the appointment at",
        K(site, "CLINIC_NAME"),
        "is on",
        *([lead] if lead else []),
        P(ds, "DATE", "care_transport_date"),
        "?",
    )
    h = r.rng.randint(8, 15)
    r.line(
        c,
        "Yes, at",
        K(time_said(r, h, 30), "TIME"),
        ". Last year it was on a",
        WEEKDAYS[r.rng.randint(0, 4)].capitalize(),
        "and the car never came.",
    )
    r.line(a, "Sorry about that. Best contact number?")
    first, second, _ = phone_parts(r, p.home)
    r.line(c, first)
    if second:
        r.line(c, second)


def call_release(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    p = r.g.person(r.rng)
    firm = r.rng.choice(LAW_FIRMS)
    r.line(a, K("Medical records", "CLINIC_NAME"), ", how can I help?")
    r.line(
        c,
        "Hi, I'm calling from",
        K(firm, "ORG_NAME"),
        ". We represent a former patient and sent a signed release.",
    )
    r.line(a, "What's the client's name?")
    title = r.rng.choice(["Mr", "Mrs", "Ms", "Madame", "Herr", ""])
    how = r.rng.choice(["title_last_then_first", "full", "last_first"])
    if how == "title_last_then_first":
        e = r.eid()
        r.line(
            c,
            *([title] if title else []),
            P(p.last, "NAME", p.fam("name_title_last"), e),
            ", first name",
            P(p.first, "NAME", p.fam("name_title_last"), e),
            ".",
        )
    else:
        r.line(c, nameparts(r, p, how), ".")
    b = dob(r.rng)
    if r.lc:
        r.line(
            c, "Date of birth", P(date_spoken_numeric(r, b, p.home), "DATE", "dob_spoken_numeric")
        )
    else:
        t, order = date_numeric(r, b, p.home, True)
        r.line(c, "D.O.B.", P(t, "DATE", f"dob_numeric_{order}"), ".")
    r.line(a, "Do you have the hospital number?")
    parts, _ = spoken_id(r, mrn(r.rng), "MRN", "mrn")
    r.line(c, "Yes, MRN", parts, ".")
    d1 = care_date(r.rng)
    d2 = d1 + dt.timedelta(days=r.rng.randint(1, 9))
    _, s1, _ = date_said(r, d1, True)
    _, s2, _ = date_said(r, d2, False)
    r.line(
        c,
        "We need records from the admission",
        P(s1, "DATE", "care_range"),
        "to",
        P(s2, "DATE", "care_range"),
        ", including",
        K(f"{r.rng.randint(2, 6)} scans", "COUNT")
        if not r.lc
        else K(f"{ONES[r.rng.randint(2, 6)]} scans", "COUNT"),
        ".",
    )
    r.line(a, "Where should they go?")
    local, dom = email_of(r, p)
    firm_mail = re.sub(r"\W", "", firm.split()[0].lower())
    r.line(
        c,
        "To our office,",
        K(f"records at {firm_mail} dot law" if r.lc else f"records@{firm_mail}.law", "ORG_NAME"),
        ". Not to the client's own address,",
        P(
            email_spoken(r, local, dom) if r.lc else f"{local}@{dom}",
            "EMAIL",
            "email_" + ("spoken" if r.lc else "engine_written"),
        ),
        ".",
    )
    parts, _ = spoken_id(r, claim_no(r.rng), "ACCOUNT", "claim")
    r.line(c, "Reference our claim number for them,", parts, ".")


def call_parent(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    parent = r.g.person(r.rng)
    sex = r.rng.choice("fm")
    child = Person(r.g.first(parent.loc, sex), parent.last, parent.loc)
    site, _ = site_for(r.rng, parent)
    opening(r, site, a)
    r.line(
        c,
        "Hi, my name is",
        P(parent.full, "NAME", parent.fam("name_intro")),
        ". I'm calling about my",
        {"f": "daughter", "m": "son"}[sex],
        ",",
        P(child.first, "NAME", child.fam("name_relation")),
        ".",
    )
    r.line(a, "What's your child's date of birth?")
    cb = dt.date(r.rng.randint(2012, 2023), r.rng.randint(1, 12), r.rng.randint(1, 28))
    lead, ds, _ = date_said(r, cb, True)
    age = 2025 - cb.year
    r.line(
        c,
        *([lead] if lead else []),
        P(ds, "DATE", "dob_child"),
        ".",
        {"f": "She's", "m": "He's"}[sex],
        K(two_digits(age) if r.lc else str(age), "AGE_UNDER_90"),
        ".",
    )
    r.line(a, "Is there a hospital number on the letter?")
    parts, _ = spoken_id(r, mrn(r.rng), "MRN", "mrn")
    if r.rng.random() < 0.4 and len(parts) >= 2:
        half = len(parts) // 2
        r.line(c, parts[:half])
        r.line(a, "Uh-huh.")
        r.line(c, parts[half:])
    else:
        r.line(c, "It says", parts, ".")
    m, dose = med(r.rng)
    r.line(
        c,
        "The",
        K(r.rng.choice(DEPARTMENTS).removeprefix("the "), "CLINIC_NAME"),
        "gave",
        K(m, "MEDICATION"),
        K(dose_said(r, dose), "DOSAGE"),
        "but the pharmacy in",
        P(town(r, parent), "ADDRESS", "address_town_alone"),
        "says the prescription is for the wrong",
        P(child.last, "NAME", child.fam("name_no_cue")) if r.rng.random() < 0.3 else "child",
        ".",
    )
    if r.rng.random() < 0.5:
        r.line(
            a,
            "I'll send a corrected one. We'll call you at",
            K(r.rng.choice([s[1] for s in SITES]), "CLINIC_PHONE")
            if not r.lc
            else "the number we have",
            "if there's a problem.",
        )
    else:
        first, second, _ = phone_parts(r, parent.home)
        r.line(a, "What's a good number for you?")
        r.line(c, first, *second)


def call_neighbour(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    nb = r.g.person(r.rng)
    old = r.g.person(r.rng, sex="f")
    old.home = nb.home
    nick = None
    if r.rng.random() < 0.5:
        old.first, nick = r.rng.choice([n for n in NICKNAMES if n[0] in FEMALE_FORMAL])
    site, _ = site_for(r.rng, nb)
    opening(r, site, a)
    r.line(
        c,
        "I'm a neighbour of one of your patients. I'm",
        P(nb.full, "NAME", nb.fam("name_intro")),
        ", I live next door.",
    )
    n = r.rng.randint(90, 103)
    indirect = r.rng.random() < 0.5
    if indirect:
        r.line(
            c,
            P(old.full, "NAME", old.fam("name_no_cue")),
            "hasn't opened the door since",
            WEEKDAYS[r.rng.randint(0, 6)].capitalize(),
            ". She'll be",
            P(age_text(r, n)[0], "AGE", "age_over_89_indirect"),
            "next month.",
        )
    else:
        r.line(
            c,
            "It's",
            P(old.full, "NAME", old.fam("name_after_its")),
            ", she's",
            P(age_text(r, n)[0], "AGE", "age_over_89_plain"),
            "and lives alone.",
        )
    if nick:
        r.line(
            c,
            "Everyone calls her",
            P(nick, "NAME", "name_nickname"),
            ".",
            K(r.rng.choice(CHARITIES), "ORG_NAME"),
            "brings her lunch.",
        )
    st = street_line(r, old)
    e = r.eid()
    r.line(a, "What's her address?")
    tw = town(r, old)
    r.line(
        c,
        P(st, "ADDRESS", "address_street_local", e),
        "in",
        P(tw, "ADDRESS", "address_street_local", e),
        ".",
    )
    d = care_date(r.rng)
    lead, ds, _ = date_said(r, d, False)
    r.line(
        c,
        "She was discharged from",
        K(site, "CLINIC_NAME"),
        "on",
        *([lead] if lead else []),
        P(ds, "DATE", "care_discharge_date"),
        "and the district nurse hasn't come.",
    )
    r.line(a, "I'll flag it to", K(r.rng.choice(DEPARTMENTS), "CLINIC_NAME"), ". Can we reach you?")
    first, second, _ = phone_parts(r, nb.home)
    r.line(c, first)
    if second:
        r.line(a, "Yes?")
        r.line(c, second)
    r.line(
        c,
        "Her son",
        P(r.g.first(old.loc, "m"), "NAME", "name_relation"),
        "lives in",
        COUNTRY.get(r.rng.choice(list(COUNTRY)), "Canada"),
        "so it's just me.",
    )


def call_address_change(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    p = r.g.person(r.rng)
    site, _ = site_for(r.rng, p)
    opening(r, site, a)
    r.line(c, "I moved and need to update my address.")
    verify(r, a, c, p, dob(r.rng))
    st = street_line(r, p)
    e = r.eid()
    r.line(a, "Go ahead with the new address.")
    r.line(c, P(st, "ADDRESS", "address_street_local", e), ".")
    word = max(re.findall(r"[^\W\d_]+", st), key=len)
    sp, fam = spell(r, word)
    r.line(a, "Sorry, the street name again?")
    r.line(c, "Spelled", P(sp, "ADDRESS", "address_street_" + fam, e), ".")
    pc, tw = postcode(r, p), town(r, p)
    pcs = speak_chars(r, pc.replace(" ", "").replace("-", ""), 0.1) if r.lc else pc
    fam = "address_postcode_" + ("us" if p.home == "en_US" else "nonus")
    if p.home in ("en_GB", "en_IE", "en_US", "en_CA"):
        reg = region_abbr(r, p)
        r.line(
            c,
            P(tw, "ADDRESS", fam, e),
            *([reg] if reg else []),
            P(pcs, "ADDRESS", fam, e),
            ",",
            COUNTRY[p.home],
            ".",
        )
    else:
        r.line(c, P(pcs, "ADDRESS", fam, e), P(tw, "ADDRESS", fam, e), ",", COUNTRY[p.home], ".")
    if r.rng.random() < 0.7:
        local, dom = email_of(r, p)
        r.line(a, "And is your email still the same?")
        if r.lc or r.rng.random() < 0.5:
            r.line(c, "No, new one:", P(email_spoken(r, local, dom), "EMAIL", "email_spoken"), ".")
        else:
            r.line(c, "No, it's", P(f"{local}@{dom}", "EMAIL", "email_engine_written"), ".")


def call_rebook(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    p = r.g.person(r.rng)
    site, cp = site_for(r.rng, p)
    opening(r, site, a)
    old_d = care_date(r.rng)
    lead, ds, _ = date_said(r, old_d, False)
    r.line(
        c,
        "I got a text cancelling my appointment on",
        *([lead] if lead else []),
        P(ds, "DATE", "care_cancelled"),
        ".",
    )
    r.line(a, "I'm sorry. Can I have your member ID from the insurance card?")
    parts, _ = spoken_id(r, member_id(r.rng, p.home), "MEMBER_ID", "member")
    r.line(c, parts, ".")
    r.line(a, "And the name?")
    r.line(c, nameparts(r, p), ".")
    new_d = old_d + dt.timedelta(days=r.rng.randint(3, 30))
    if r.rng.random() < 0.5:
        _, ws, _ = date_said(r, new_d, False, weekday=True)
        r.line(
            a,
            "I can offer",
            P(ws, "DATE", "care_weekday_day"),
            "with",
            K(f"Dr {r.g.staff_last(r.rng)}", "AGENT_NAME"),
            ".",
        )
    else:
        ws = ORDINALS[new_d.day] if r.lc else f"{new_d.day}{suffix(new_d.day)}"
        r.line(
            a,
            "Same month, on the",
            P(ws, "DATE", "care_day_only"),
            ", at",
            K(time_said(r, r.rng.randint(8, 16), 45), "TIME"),
            ".",
        )
    r.line(
        c,
        "Not",
        WEEKDAYS[r.rng.randint(0, 4)].capitalize(),
        "though, I work then. Since",
        str(r.rng.randint(2009, 2022)) if not r.lc else year_words(r.rng.randint(2009, 2019)),
        "I've never had this happen.",
    )
    r.line(
        a,
        "Noted. The department line is",
        K(cp, "CLINIC_PHONE")
        if not r.lc
        else K(" ".join(speak_digits(r, g, 0) for g in re.findall(r"\d+", cp)), "CLINIC_PHONE"),
        "if you need it.",
    )


def call_bill(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    p = r.g.person(r.rng)
    site, _ = site_for(r.rng, p)
    r.line(a, K(site, "CLINIC_NAME"), K("billing office", "CLINIC_NAME"), ".")
    r.line(c, "I'm calling about a bill that's wrong. The claim number is")
    parts, _ = spoken_id(
        r,
        claim_no(r.rng),
        "ACCOUNT",
        "claim",
        r.rng.choice(["correction", "filler", "plain", "restart"]),
    )
    r.line(c, parts, ".")
    r.line(a, "Thanks. Whose account is it?")
    r.line(c, "Mine,", nameparts(r, p), ". There's a second claim too,")
    p1, _ = spoken_id(r, claim_no(r.rng), "ACCOUNT", "claim", "groups")
    r.line(c, p1, ".")
    d = care_date(r.rng)
    if r.lc:
        lead, ds, _ = date_said(r, d, False)
        r.line(
            c,
            "Both for the visit on",
            *([lead] if lead else []),
            P(ds, "DATE", "care_service_date"),
            ".",
        )
    else:
        t, order = date_numeric(r, d, p.home, False)
        r.line(c, "Both for the visit on", P(t, "DATE", f"care_numeric_short_{order}"), ".")
    r.line(c, "I was charged for", K("three" if r.lc else "3", "COUNT"), "X-rays but only had one.")
    org = insurer(r.rng, p.home)
    r.line(a, "Was it sent to", K(org, "ORG_NAME"), "first?")
    r.line(c, "Yes, my member number with them is")
    parts, _ = spoken_id(r, member_id(r.rng, p.home), "MEMBER_ID", "member")
    r.line(c, parts, ".")
    if r.rng.random() < 0.5:
        r.line(a, "To refund the card, can you read me the card number?")
        digs = rand_digits(r.rng, 16)
        groups = [digs[i : i + 4] for i in range(0, 16, 4)]
        e = r.eid()
        if r.lc:
            k = r.rng.randint(1, 3)
            r.line(c, P(" ".join(speak_digits(r, g) for g in groups[:k]), "CARD", "card_split", e))
            r.line(a, "Okay.")
            r.line(c, P(" ".join(speak_digits(r, g) for g in groups[k:]), "CARD", "card_split", e))
        else:
            r.line(c, P(" ".join(groups), "CARD", "card_groups", e), ".")
    else:
        r.line(a, "And the last four of your social, for verification?")
        ssn = rand_digits(r.rng, 4, False)
        r.line(c, P(speak_digits(r, ssn) if r.lc else ssn, "SSN", "ssn_last4"), ".")


def call_wrong_number(r: Rec, tags: tuple[str, str]) -> None:
    a, c = tags
    p = r.g.person(r.rng)
    site, cp = site_for(r.rng, p)
    opening(r, site, a)
    r.line(
        c,
        "Oh, is this not the pharmacy? I'm",
        P(p.full, "NAME", p.fam("name_intro")),
        ", I was calling about my prescription.",
    )
    r.line(a, "No, this is the hospital. The pharmacy number is different.")
    if not r.lc:
        r.line(
            a,
            "Our main line is",
            K(cp, "CLINIC_PHONE"),
            ", but for",
            K("the pharmacy", "CLINIC_NAME"),
            "you need the number on your bottle.",
        )
    else:
        r.line(
            a,
            "our main line is",
            K(" ".join(speak_digits(r, g, 0) for g in re.findall(r"\d+", cp)), "CLINIC_PHONE"),
            "but for the pharmacy you need the number on your bottle",
        )
    m, dose = med(r.rng)
    r.line(
        c,
        "It's for my",
        K(m, "MEDICATION"),
        ",",
        K(dose_said(r, dose), "DOSAGE"),
        ". I'm in",
        P(town(r, p), "ADDRESS", "address_town_alone"),
        ", in",
        COUNTRY.get(p.home, "Canada"),
        ".",
    )
    if r.rng.random() < 0.5:
        r.line(c, "Can you call me back? My number is")
        first, second, _ = phone_parts(r, p.home)
        r.line(c, first, *second)
        r.line(
            a,
            "I'm afraid we can't, but",
            K(r.g.staff_name(r.rng), "AGENT_NAME"),
            "at the desk can transfer you.",
        )
    else:
        r.line(
            a,
            "Let me transfer you.",
            "It's",
            K(
                str(r.rng.randint(2, 5)) + " minutes"
                if not r.lc
                else ONES[r.rng.randint(2, 5)] + " minutes",
                "COUNT",
            ),
            "wait.",
        )


SPOKEN: list[tuple[Callable[[Rec, tuple[str, str]], None], int]] = [
    (call_discharge, 14), (call_vaccine, 12), (call_transport, 12), (call_release, 10),
    (call_parent, 11), (call_neighbour, 10), (call_address_change, 11), (call_rebook, 10),
    (call_bill, 11), (call_wrong_number, 5),
]  # fmt: skip


# ----------------------------------------------------------------------------- written


def initials(name: str) -> str:
    return "".join(w[0] for w in fold(name).split()).upper()[:2] or "XX"


def stamp(r: Rec) -> str:
    """The next time of day in a record's notes (minutes only move forward)."""
    r.minute = max(r.minute, 7 * 60) + r.rng.randint(1, 90)
    h, m = divmod(min(r.minute, 23 * 60 + 59), 60)
    return f"{h:02d}{m:02d}"


def w_call_notes(r: Rec) -> None:
    """Agent call notes: tag = time + initials; a terse note style."""
    p = r.g.person(r.rng)
    ag = r.g.staff_name(r.rng) + " " + r.g.staff_last(r.rng)
    ini = initials(ag)
    _, cp = site_for(r.rng, p)
    b = dob(r.rng, old=r.rng.random() < 0.25)
    tb, fam = date_written(r, b, p.home, True)
    t1 = stamp(r)
    r.line(
        f"{t1} {ini}",
        "Inbound call from pt",
        nameparts(r, p, r.rng.choice(["last_first", "full"])),
        "(DOB",
        P(tb, "DATE", f"dob_{fam}"),
        ") re:",
        K(r.rng.choice(DEPARTMENTS), "CLINIC_NAME"),
        "appt.",
    )
    if b.year < 1935:
        n = 2025 - b.year
        r.line(
            f"{t1} {ini}",
            "Pt is",
            P(f"{n}yo" if r.rng.random() < 0.5 else str(n), "AGE", "age_over_89_notes"),
            ", hard of hearing, spoke with dtr",
            P(r.g.first(p.loc, "f"), "NAME", "name_relation"),
            ".",
        )
    else:
        n = r.rng.randint(30, 89)
        r.line(f"{t1} {ini}", "Pt", K(f"{n}yo", "AGE_UNDER_90"), ", called from work.")
    nat, itl = phone_groups(r, p.home)
    intl = r.rng.random() < 0.5
    r.line(
        f"{t1} {ini}",
        "Verified ID + callback no.",
        P(
            phone_written(r, itl if intl else nat, intl),
            "PHONE",
            "phone_written_" + ("intl" if intl else "national"),
        ),
        ". MRN",
        P(mrn(r.rng), "MRN", "mrn_written"),
        ".",
    )
    d = care_date(r.rng)
    td, fam = date_written(r, d, p.home, r.rng.random() < 0.4)
    m, dose = med(r.rng)
    r.line(
        f"{stamp(r)} {ini}",
        "Rebooked to",
        P(td, "DATE", f"care_{fam}"),
        K(f"{r.rng.randint(8, 16)}:{r.rng.choice(['00', '15', '30'])}", "TIME"),
        "w/",
        K(f"Dr {r.g.staff_last(r.rng)}", "AGENT_NAME"),
        ". Reminded to hold",
        K(m, "MEDICATION"),
        K(dose, "DOSAGE"),
        "48h before. Ward no.",
        K(cp, "CLINIC_PHONE"),
        "given.",
    )
    if r.rng.random() < 0.5:
        r.line(
            f"{stamp(r)} {ini}",
            "Left VM for",
            P(
                f"{p.first[0]}. {p.last}" if r.rng.random() < 0.5 else f"{p.first[0]}.{p.last[0]}.",
                "NAME",
                p.fam("name_initials"),
            ),
            ", no answer on",
            WEEKDAYS[r.rng.randint(0, 4)].capitalize(),
            ".",
        )


def w_crm_case(r: Rec) -> None:
    """CRM case comments pasted in; claim and case numbers of the patient."""
    p = r.g.person(r.rng)
    case = "CS-" + rand_digits(r.rng, 7)
    ag = r.g.staff_name(r.rng)
    tag = r.rng.choice(["Case comment", "CRM", "Comment", "Internal note"])
    r.line(
        tag,
        "Case",
        P(case, "ACCOUNT", "case_number_written"),
        "opened by",
        K(ag, "AGENT_NAME"),
        ". Billing dispute,",
        K(insurer(r.rng, p.home), "ORG_NAME"),
        ".",
    )
    r.line(
        tag,
        "Patient:",
        P(f"{p.last.upper()} {p.first}", "NAME", p.fam("name_form_last_first"))
        if r.rng.random() < 0.5
        else P(f"{p.last}, {p.first}", "NAME", p.fam("name_last_first")),
        ".",
    )
    c1, c2 = claim_no(r.rng), claim_no(r.rng)
    r.line(
        tag,
        "Disputes claims",
        P(c1, "ACCOUNT", "claim_written"),
        "and",
        P(c2, "ACCOUNT", "claim_written"),
        " (",
        K(f"{r.rng.randint(2, 5)} line items", "COUNT"),
        "). Says the visit on",
        P(date_written(r, care_date(r.rng), p.home, False)[0], "DATE", "care_written_short"),
        "was cancelled by us.",
    )
    if r.rng.random() < 0.6:
        local, dom = email_of(r, p)
        r.line(
            tag,
            "Statement to be re-sent to",
            P(f"{local}@{dom}", "EMAIL", "email_written"),
            "and to the postal address on file.",
        )
    if r.rng.random() < 0.5:
        acct = rand_digits(r.rng, 4) + " " + rand_digits(r.rng, 4)
        rel, sx = r.rng.choice([("wife", "f"), ("husband", "m"), ("son", "m"), ("daughter", "f")])
        r.line(
            tag,
            "Guarantor is the patient's",
            rel,
            P(r.g.first(p.loc, sx) + " " + p.last, "NAME", p.fam("name_relation")),
            ", billing acct",
            P(acct, "ACCOUNT", "billing_account_written"),
            ".",
        )
    if r.rng.random() < 0.4:
        r.line(
            tag,
            "Pt last 4 SSN",
            P(rand_digits(r.rng, 4, False), "SSN", "ssn_last4_written"),
            "verified; no card on file since",
            str(r.rng.randint(2016, 2023)),
            ".",
        )


def w_ticket(r: Rec) -> None:
    """Ticket updates with timestamps; a portal link, an e-mail, a phone."""
    p = r.g.person(r.rng)
    ag = r.g.staff_name(r.rng)
    ini = initials(ag + " " + r.g.staff_last(r.rng))
    day = f"2025 {r.rng.randint(1, 12):02d} {r.rng.randint(1, 28):02d}"
    tag1 = f"{day} {stamp(r)} {ini}"
    r.line(tag1, "Ticket update. Caller", nameparts(r, p, "full"), "cannot log in to the portal.")
    pid = mrn(r.rng)
    url = r.rng.choice(PORTALS).format(id=pid)
    if r.rng.random() < 0.6:
        url = "https://" + url
    r.line(tag1, "Link they were sent:", P(url, "URL", "url_portal"), "- returns 403.")
    local, dom = email_of(r, p)
    em = [P(f"{local}@{dom}", "EMAIL", "email_written")]
    if r.rng.random() < 0.3:
        em = ["<", P(f"{local}@{dom}", "EMAIL", "email_written_brackets"), ">"]
    r.line(
        f"{day} {stamp(r)} {ini}",
        "Reset sent to",
        em,
        ". Pt will call back after",
        K(f"{r.rng.randint(1, 5)} pm", "TIME"),
        ".",
    )
    _, itl = phone_groups(r, p.home)
    nat, _ = phone_groups(r, p.home)
    r.line(
        f"{day} {stamp(r)} {ini}",
        "SMS code goes to",
        P(phone_written(r, itl, True), "PHONE", "phone_written_intl"),
        "- pt says that's an old number, new one",
        P(phone_written(r, nat, False), "PHONE", "phone_written_national"),
        ".",
    )
    if r.rng.random() < 0.5:
        d = care_date(r.rng)
        td, fam = date_written(r, d, p.home, False)
        r.line(
            f"{day} {stamp(r)} {ini}",
            "Needs results from",
            P(td, "DATE", f"care_{fam}"),
            "before seeing",
            K(f"Dr. {r.g.staff_last(r.rng)}", "AGENT_NAME"),
            "in",
            K(r.rng.choice(DEPARTMENTS), "CLINIC_NAME"),
            ".",
        )


def w_script(r: Rec) -> None:
    """A filled-in discharge follow-up call script: Q/A lines."""
    p = r.g.person(r.rng)
    nick = None
    if r.rng.random() < 0.4:
        p.first, nick = r.rng.choice(NICKNAMES)
    site, cp = site_for(r.rng, p)
    nurse = r.g.staff_name(r.rng)
    r.line(
        "Script",
        "Discharge follow-up,",
        K(site, "CLINIC_NAME"),
        ". Caller:",
        K(nurse, "AGENT_NAME"),
        ".",
    )
    r.line(
        "Q1",
        "Patient name (Last First):",
        P(f"{p.last} {p.first}", "NAME", p.fam("name_form_last_first")),
    )
    if nick:
        r.line("Q1a", "Preferred name:", P(nick, "NAME", "name_nickname"))
    b = dob(r.rng, old=r.rng.random() < 0.3)
    tb, fam = date_written(r, b, p.home, True)
    r.line("Q2", "DOB confirmed:", P(tb, "DATE", f"dob_{fam}"))
    d = care_date(r.rng)
    td, fam = date_written(r, d, p.home, r.rng.random() < 0.5)
    r.line(
        "Q3",
        "Discharge date:",
        P(td, "DATE", f"care_{fam}"),
        "from",
        K(r.rng.choice(DEPARTMENTS), "CLINIC_NAME"),
    )
    m, dose = med(r.rng)
    r.line(
        "Q4",
        "Meds reviewed:",
        K(m, "MEDICATION"),
        K(dose, "DOSAGE"),
        "- taking as directed,",
        K(f"{r.rng.randint(2, 9)} tablets", "COUNT"),
        "left.",
    )
    if b.year < 1935:
        n = 2025 - b.year
        r.line(
            "Q5", "Lives alone? Yes, age", P(str(n), "AGE", "age_over_89_form"), ", carer visits."
        )
    else:
        r.line(
            "Q5",
            "Lives alone? No, lives with partner, aged",
            K(str(r.rng.randint(40, 89)), "AGE_UNDER_90"),
            ".",
        )
    fu = d + dt.timedelta(days=r.rng.randint(7, 21))
    r.line(
        "Q6",
        "Follow-up booked:",
        P(
            f"{WEEKDAYS[fu.weekday()].capitalize()[:3]} {date_numeric(r, fu, p.home, False)[0]}",
            "DATE",
            "care_weekday_numeric",
        ),
        K(f"{r.rng.randint(8, 15)}:{r.rng.choice(['00', '30'])}", "TIME"),
        ". Clinic line",
        K(cp, "CLINIC_PHONE"),
        "given.",
    )
    r.line(
        "Outcome", "No concerns. Next review in", K(f"{r.rng.randint(2, 6)} weeks", "COUNT"), "."
    )


def w_intake(r: Rec) -> None:
    """An intake / release form: the field name is the tag; multi-line address."""
    p = r.g.person(r.rng)
    fr = r.rng.random() < 0.5
    r.line("Form", "New patient registration" if fr else "Authorisation to release records")
    if r.rng.random() < 0.5:
        e = r.eid()
        r.line(
            "Surname",
            P(
                p.last.upper() if r.rng.random() < 0.4 else p.last,
                "NAME",
                p.fam("name_form_field"),
                e,
            ),
        )
        r.line("Given names", P(p.first, "NAME", p.fam("name_form_field"), e))
    else:
        r.line("Name", P(f"{p.last.upper()}, {p.first}", "NAME", p.fam("name_last_first")))
    b = dob(r.rng, old=r.rng.random() < 0.2)
    tb, fam = date_written(r, b, p.home, True)
    r.line("Date of birth", P(tb, "DATE", f"dob_{fam}"))
    if b.year < 1935:
        r.line("Age", P(str(2025 - b.year), "AGE", "age_over_89_form"))
    e = r.eid()
    st = street_line(r, p)
    r.line("Address line 1", P(st, "ADDRESS", "address_multiline", e))
    pc, tw = postcode(r, p), town(r, p)
    if p.home in ("en_US", "en_CA"):
        r.line("City", P(tw, "ADDRESS", "address_multiline", e))
        r.line("State or province", region_abbr(r, p) or "")
        r.line("ZIP or postal code", P(pc, "ADDRESS", "address_multiline", e))
    elif p.home in ("en_GB", "en_IE"):
        r.line("Address line 2", P(tw, "ADDRESS", "address_multiline", e))
        r.line("Postcode", P(pc, "ADDRESS", "address_postcode_nonus", e))
    else:
        r.line("Address line 2", P(f"{pc} {tw}", "ADDRESS", "address_postcode_town", e))
    r.line("Country", COUNTRY.get(p.home, "the US").removeprefix("the "))
    _, itl = phone_groups(r, p.home)
    r.line("Mobile", P(phone_written(r, itl, True), "PHONE", "phone_written_intl"))
    if r.rng.random() < 0.5:
        local, dom = email_of(r, p)
        r.line("E mail", P(f"{local}@{dom}", "EMAIL", "email_written"))
    mid = member_id(r.rng, p.home)
    r.line(
        "Insurer",
        K(insurer(r.rng, p.home), "ORG_NAME"),
        "no.",
        P(mid, "MEMBER_ID", "member_written"),
    )
    if p.home == "en_US" and r.rng.random() < 0.6:
        r.line(
            "SSN",
            P(
                f"{rand_digits(r.rng, 3)}-{rand_digits(r.rng, 2)}-{rand_digits(r.rng, 4)}",
                "SSN",
                "ssn_written",
            ),
        )
    elif p.home == "en_CA" and r.rng.random() < 0.6:
        r.line(
            "SIN",
            P(
                f"{rand_digits(r.rng, 3)} {rand_digits(r.rng, 3)} {rand_digits(r.rng, 3)}",
                "SSN",
                "sin_written",
            ),
        )
    elif p.home == "fr_FR" and r.rng.random() < 0.6:
        nir = (
            f"{r.rng.randint(1, 2)} {b.year % 100:02d} {b.month:02d} {rand_digits(r.rng, 2)} "
            f"{rand_digits(r.rng, 3)} {rand_digits(r.rng, 3)} {rand_digits(r.rng, 2)}"
        )
        r.line("No de securite sociale", P(nir, "SSN", "nir_written"))
    rel = r.g.person(r.rng)
    r.line(
        "Emergency contact",
        P(rel.full, "NAME", rel.fam("name_form_field")),
        r.rng.choice(["(daughter)", "(son)", "(neighbour)", "(partner)", "- friend"]),
    )
    if not fr:
        url = r.rng.choice(PORTALS).format(
            id=r.rng.choice([mrn(r.rng), "REQ-" + rand_digits(r.rng, 6)])
        )
        r.line("Upload link", P("https://" + url, "URL", "url_release_form"))
        r.line(
            "Release to",
            K(r.rng.choice(LAW_FIRMS), "ORG_NAME"),
            ", period",
            P(date_written(r, care_date(r.rng), p.home, True)[0], "DATE", "care_release_period"),
            "to",
            P(date_written(r, care_date(r.rng), p.home, True)[0], "DATE", "care_release_period"),
        )
    r.line(
        "Signed",
        P(p.full, "NAME", p.fam("name_signature")),
        ", entered by",
        K(r.g.staff_name(r.rng), "AGENT_NAME"),
        "on",
        str(r.rng.randint(2024, 2025)),
    )


WRITTEN: list[tuple[Callable[[Rec], None], int]] = [
    (w_call_notes, 25), (w_crm_case, 20), (w_ticket, 18), (w_script, 17), (w_intake, 20),
]  # fmt: skip


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    g = Gen(seed)
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(count):
        spoken = rng.random() < 0.58
        mode = ("lc" if rng.random() < 0.55 else "sc") if spoken else "written"
        r = Rec(f"heldout_i-{i:04d}", mode, random.Random(rng.getrandbits(64)), g)
        if spoken:
            fn = rng.choices([f for f, _ in SPOKEN], [w for _, w in SPOKEN])[0]
            tags = rng.choice(ASR_TAGS)
            if rng.random() < 0.3:
                tags = (
                    (tags[1], tags[0])
                    if tags[0].startswith(("SPEAKER", "S1", "spk", "ch"))
                    else tags
                )
            fn(r, tags)
        else:
            rng.choices([f for f, _ in WRITTEN], [w for _, w in WRITTEN])[0](r)
        out.append(r.record())
    return out
