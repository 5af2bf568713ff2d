"""``heldout_j``: a tenth held-out set, WRITTEN BLIND. Contact-center material for US
healthcare organizations as other tools and people write it: diarized speech-engine output
(sentence case, punctuation, digits formatted by the engine), voicemail transcriptions, IVR
logs, SMS and web-chat threads, AI after-call summaries, faxes read in, scheduling audit trails.

Its author never opened the redactor (``src/callvault/redaction/``), its tests (other than
``tests/redaction/test_generators.py``), the bench results, the redaction docs, the bench
redaction scripts, the shared dev transcripts or the other generators in this package; only
``_build.py``, ``_people.py``, ``__init__.py``, ``__main__.py``, the scorer and its README,
the generator checks and Faker were read. Scenarios and phrasings are the author's own.

Datasheet
---------
Setting: contact centers of US healthcare organizations (behavioral health, pediatrics,
  dentistry, pharmacy, home health, durable medical equipment, telehealth, labs, occupational
  health, primary care), calls dated 2024-2025.
Scenarios (weights per 400): behavioral-health intake, sometimes a relative calling (28);
  a parent calling a pediatric office for a child, sometimes a sibling too (28); dental
  rescheduling with the subscriber's identity and a card payment (24); pharmacy refill line:
  Rx numbers, prior auth, mail-out or someone else picking up (24); home-health agency called
  by the child of a patient aged 90-103 (22); DME supplier (20); telehealth tech support with
  e-mail, IP address and a join link carrying a patient id (20); lab-result callback, sometimes
  the spouse answers (22); workers' compensation: date of injury, claim number, SSN (20);
  voicemail transcripts (30); IVR logs with ANI and keypad entries (26); SMS threads with
  shorthand and automated reminders (32); portal web chat with a bot hand-off (22); AI
  after-call summaries (30); fax cover sheet plus referral letter read in (26); scheduling
  audit trails with notes (26).
People: patients, parents, children, spouses, neighbours drawn from ``People``'s 18 Faker
  locales with Faker's gendered first names (pronouns and kinship words agree); about one in
  eight first names and one in eight surnames are also English words ("Hope", "Frank", "Stone",
  "Little"), one in eight surnames hyphenated across locales; particles ("van der Laan",
  "da Costa"), middle initials, nicknames ("Teddy"), initials ("Jane D.", "A.R."), "LAST, FIRST"
  in capitals, names lower-cased by an engine or a texter. Staff (agents, nurses, doctors,
  pharmacists, clinicians) come from a second ``People`` seeded ``seed + 7919``, so they look
  like patients. Names Faker spells with a leading apostrophe word ("van 't Hof") are redrawn.
Labels: NAME, DATE, PHONE, EMAIL, ADDRESS, SSN, MRN, MEMBER_ID (plan, Medicaid, Medicare MBI),
  ACCOUNT (account, Rx, claim, order, request and reference numbers), CARD, AGE (90 and over),
  URL (only with a patient id in it), IP. The scorer has no label for device serials or plates,
  so none are written.
Negatives (``negatives``): CLINIC_NAME (practice, pharmacy, agency, lab); AGENT_NAME (the name
  words of any staff member, provider codes like "PARK, J" in audit lines, the chat bot's
  name); MEDICATION; DOSAGE; COUNT; TIME; AGE_UNDER_90; CLINIC_PHONE (the organization's own
  numbers, IVR DNIS, toll-free lines, 988); ORG_NAME (insurers, hospitals). Left unmarked,
  neither gold nor negative: clinic street addresses, portal URLs without a patient id, prices,
  percentages, weights, temperatures, lab values, years alone, weekdays alone, turn timestamps,
  log clock times, session ids, staff user names, US state abbreviations.
Gold conventions:
  - names: the name words only; titles (Mr., Ms., Dr.) and kinship words outside; a middle
    initial with its period inside; "LAST, FIRST" one span, comma inside; "'s" outside; a
    name as an engine misheard it ("Car valho", "Hançer Perez") is NAME all the same.
  - a name spelled letter by letter ("O-K-A-F-O-R") is its own entity, separators inside.
  - each complete rendering (a statement, a read-back, a repeat, a caller-id header) is its
    own entity; pieces of one rendering split over turns, by a filler, by [inaudible] or by a
    correction share its eid, and the words between them stay outside. A correction ("No,
    0143. Not 0134.", "No, the 15th, not the 25th") joins the read-back it corrects, the
    repeated wrong fragment included.
  - DATE: every calendar date with a day (each here is a person's birth, visit, appointment,
    admission, discharge, injury, fill, draw, delivery, or the date of their call, chat, fax
    or log line), with or without a year, any format; ordinal suffix and inner comma or
    apostrophe ("'88") inside; weekday, "the", "on" outside; a day of month alone ("the
    9th") is DATE on "9th"; a year is DATE only as the second piece of a date split over
    turns; a DOB keyed on a keypad ("0 3 0 4 1 9 6 1") is one span, the "#" outside.
  - PHONE: from "+1"/"1-"/"(" to the last digit; a last four said alone is PHONE.
  - ADDRESS: the street line (number, street, unit) one span, the town one, the ZIP one, all
    of one address sharing an eid; the state abbreviation outside.
  - identifiers: the identifier with its inner hyphens/spaces; "#", "MRN", "ID", "acct",
    "mrn=" outside; keyed digits one span.
  - AGE: the number only ("94", "ninety-four"); "77" in "Age: 77" is AGE_UNDER_90.
  - CARD: the number; its expiry and CVV share its eid; "ending in 4417" is CARD on "4417".
  - SSN: full or last four.
  - negatives: DOSAGE is number plus unit, COUNT the number only, TIME the clock plus am/pm.
Mix: 238 spoken records (style ``asr``, about 60 %): four engine styles chosen per call,
  "SPEAKER_00"/"SPEAKER_01" diarization (the caller is sometimes SPEAKER_00), a contact-center
  platform export with per-turn timestamps after the tag ("Agent: [00:01:23] ...", tags
  Agent/Customer, Rep/Member, Staff/Caller ...), "Speaker 1"/"Speaker 2" with [crosstalk] and
  [inaudible], and a lower-case stereo-channel engine ("ch0"/"ch1", punctuation dropped, digits
  still numerals); plus voicemail transcripts (one run-on line under an optional From/Received
  header, some lower case, misheard words). 162 written records (style ``written``): IVR logs,
  SMS, web chat, AI summaries, faxes/referrals, audit trails. Tags follow
  ``^[A-Za-z0-9_ ]+: `` (form fields such as "DOB", "Patient Name", "Page 2" are the tags).
Seed and count: ``generate(seed=20417, count=400)``; ids ``hj-0000`` to ``hj-0399``.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from faker.providers.person.en_US import Provider as EnPerson

from ._build import Builder, nfc
from ._people import ROMANIZED, People

NAME = "heldout_j"
SEED = 20_417
COUNT = 400

# ---------------------------------------------------------------------------- vocabularies

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
]  # fmt: skip
MON3 = [m[:3] for m in MONTHS]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

WORD_FIRST = {
    "amber", "april", "autumn", "bill", "crystal", "dawn", "destiny", "drew", "earl",
    "faith", "frank", "grace", "guy", "holly", "hunter", "jack", "joy", "mark", "ray",
    "rose", "sandy", "summer", "hope", "june", "will", "ivy",
}  # fmt: skip
WORD_LAST = {
    "baker", "banks", "bell", "bird", "black", "brown", "cook", "day", "fox", "gray",
    "green", "hill", "house", "hunt", "king", "lamb", "little", "long", "love", "moody",
    "page", "price", "rice", "rose", "short", "small", "snow", "stone", "strong", "walker",
    "white", "wise", "wood", "young",
}  # fmt: skip
NICKS = {
    "William": "Billy", "Robert": "Bobby", "Elizabeth": "Liz", "Katherine": "Katie",
    "Margaret": "Peggy", "Richard": "Rick", "James": "Jimmy", "Jennifer": "Jen",
    "Michael": "Mikey", "Patricia": "Trish", "Christopher": "Topher", "Anthony": "Tony",
    "Alexander": "Xander", "Rebecca": "Becca", "Joseph": "Joey", "Susan": "Suzy",
    "Deborah": "Debbie", "Nicholas": "Nico", "Samantha": "Sam", "Theodore": "Teddy",
    "Dorothy": "Dot", "Charles": "Chuck", "Edward": "Eddie", "Victoria": "Tori",
}  # fmt: skip

AREA_CODES = [
    "312", "773", "708", "630", "847", "414", "262", "219", "317", "614", "216", "313",
    "248", "612", "651", "314", "816", "402", "515", "319", "608", "920", "502", "615",
    "901", "404", "678", "305", "786", "713", "832", "214", "469", "512", "210", "602",
    "480", "702", "303", "720", "801", "206", "253", "503", "415", "510", "408", "213",
    "323", "818", "619", "916", "718", "917", "646", "201", "973", "215", "267", "412",
    "617", "857", "401", "860", "203", "802", "603", "207",
]  # fmt: skip
MAIL_DOMAINS = [
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com",
    "comcast.net", "att.net", "sbcglobal.net", "msn.com", "live.com", "protonmail.com",
]  # fmt: skip
STREET_SUFFIX = ["St", "Ave", "Rd", "Blvd", "Dr", "Ln", "Ct", "Pl", "Way", "Ter", "Pkwy"]
STREET_SUFFIX_LONG = ["Street", "Avenue", "Road", "Drive", "Lane", "Court", "Circle"]
UNITS = ["Apt 3B", "Apt 2", "#204", "Unit 12", "Apt. 5C", "Unit B", "#1R", "Apt 411"]

INSURERS = [
    "Blue Cross Blue Shield", "Aetna", "Cigna", "UnitedHealthcare", "Humana", "Medicaid",
    "Ambetter", "Meridian", "Molina", "Tricare", "Oscar", "Kaiser",
]  # fmt: skip
DENTAL_INSURERS = ["Delta Dental", "MetLife", "Guardian", "Cigna Dental", "Aetna Dental"]
HOSPITALS = [
    "St. Brendan's", "Mercy General", "Lakeside Memorial", "Good Samaritan",
    "Riverside Methodist", "Holy Cross", "Northwestern", "Advocate Christ",
]  # fmt: skip

CLINICS: dict[str, list[str]] = {
    "bh": ["Harborview Behavioral Health", "Lakeview Counseling Center",
           "Crossroads Behavioral Health", "Bridgeway Mental Health Services"],
    "peds": ["Little Oaks Pediatrics", "Maple Grove Children's Clinic",
             "Sunrise Pediatric Associates", "Kidsfirst Pediatrics"],
    "dental": ["Brightwater Family Dental", "Prairie Smiles Dentistry",
               "Elm Street Dental Group", "Lakeshore Orthodontics"],
    "pharm": ["Cedar Street Pharmacy", "Riverbend Specialty Pharmacy",
              "Hometown Apothecary", "Northgate Pharmacy"],
    "home": ["Heartland Home Health", "Gentle Hands Home Care",
             "Visiting Nurses of the Valley", "Evergreen Home Health"],
    "dme": ["Keystone Medical Supply", "Apex Respiratory", "Breathe Easy Home Medical",
            "MobilityPlus DME"],
    "tele": ["Northstar Telehealth", "CareLink Virtual Visits", "Westfield Medical Group",
             "Beacon Virtual Care"],
    "lab": ["Clearpath Diagnostics", "Midstate Reference Lab", "Westfield Medical Group",
            "Summit Family Medicine"],
    "wc": ["Summit Occupational Health", "Ironworks Occupational Medicine",
           "WorkWell Clinic", "Lakeshore Urgent Care & Occupational Health"],
    "general": ["Westfield Medical Group", "Summit Family Medicine", "Oak Park Internal Medicine",
                "Riverside Primary Care"],
}  # fmt: skip
PORTALS = {
    "tele": ["visit.northstartelehealth.org", "join.carelinkvirtual.com", "video.westfieldmed.org"],
    "general": ["mychart.westfieldmed.org", "portal.summitfamilymed.com", "my.riversidepc.org"],
}  # fmt: skip
CLINIC_STREETS = [
    "1450 Lake Cook Road, Suite 200", "2200 W Harrison St", "900 N Michigan Ave, 3rd floor",
    "4100 Main Street", "77 Commerce Drive", "615 Medical Center Blvd",
]  # fmt: skip

BH_MEDS = [("sertraline", "100 milligrams"), ("Lexapro", "10 mg"), ("Wellbutrin", "150"),
           ("trazodone", "50 milligrams"), ("Abilify", "5 mg"), ("lithium", "300 mg"),
           ("buspirone", "15 mg"), ("Seroquel", "25")]  # fmt: skip
PHARM_MEDS = [
    ("metformin", "500 mg"), ("lisinopril", "10 milligram"), ("atorvastatin", "40 mg"),
    ("levothyroxine", "75 micrograms"), ("amlodipine", "5 mg"), ("Eliquis", "5 mg"),
    ("Januvia", "100 mg"), ("omeprazole", "20 mg"), ("losartan", "50 mg"),
    ("gabapentin", "300 mg"), ("Jardiance", "10 mg"), ("rosuvastatin", "10 mg"),
]  # fmt: skip
KID_MEDS = [("Children's Tylenol", "5 mL"), ("Motrin", "7.5 mL"), ("ibuprofen", "100 mg"),
            ("amoxicillin", "400 mg"), ("Zyrtec", "2.5 mL")]  # fmt: skip
DME_ITEMS = ["CPAP supplies", "the oxygen concentrator", "a hospital bed", "the wheelchair cushion",
             "nebulizer tubing", "a rollator walker", "the portable oxygen tanks",
             "compression stockings", "a shower chair"]  # fmt: skip
CLINICIAN_ROLES = ["LCSW", "therapist", "nurse practitioner", "psychiatrist", "counselor"]


# ---------------------------------------------------------------------------- small helpers


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ascii_fold(s: str) -> str:
    table = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "\u0131": "i", "ß": "ss"}
    s = "".join(table.get(ch, ch) for ch in s)
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def low(s: str) -> str:
    """Lower case without the combining dot Python gives Turkish capital I with a dot."""
    return unicodedata.normalize("NFC", s.replace("İ", "i").lower().replace("i\u0307", "i"))


def slug(s: str) -> str:
    return re.sub(r"[^a-z]", "", ascii_fold(s).lower())


def spell(word: str, sep: str) -> str:
    return sep.join(ch.upper() for ch in ascii_fold(word) if ch.isalpha())


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


AGE_WORDS_TENS = {9: "ninety", 10: "one hundred"}
SMALL = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def age_words(n: int) -> str:
    if n < 100:
        return "ninety" + (f"-{SMALL[n - 90]}" if n > 90 else "")
    return "one hundred" + (f" and {SMALL[n - 100]}" if n > 100 else "")


@dataclass
class K:
    """A must-keep negative slot."""

    text: str
    kind: str


@dataclass
class P:
    """A gold PHI slot; ``same`` ties it to the entity of an earlier slot."""

    text: str
    label: str
    fam: str
    same: P | None = None
    eid: int | None = None


Slot = K | P | str


@dataclass(frozen=True)
class Engine:
    key: str
    agent: str
    caller: str
    third: str
    stamps: bool
    lower: bool
    markers: bool


ENGINES = [
    Engine("diarized", "SPEAKER_00", "SPEAKER_01", "SPEAKER_02", False, False, False),
    Engine("platform", "Agent", "Customer", "Customer", True, False, False),
    Engine("numbered", "Speaker 1", "Speaker 2", "Speaker 3", False, False, True),
    Engine("channels", "ch0", "ch1", "ch1", False, True, False),
]
PLATFORM_TAGS = [
    ("Agent", "Customer"),
    ("Agent", "Caller"),
    ("Rep", "Member"),
    ("Agent", "Patient"),
    ("Staff", "Caller"),
]


# Words of a name as the set writes them ("van 't Hof", "'s Gravensande" are redrawn).
NAME_WORDS = re.compile(r"[^\W\d_][\w'.-]*(?: [^\W\d_][\w'.-]*)*")
AFTER_FILLER = re.compile(r"^((?:Um|Uh|So|Um, uh), )([A-Z])(?=[a-z])")


class Talk:
    """Writes one record through a ``Builder``: turns, plain text, gold and negatives; a
    speech engine (if any) decides the tags, timestamps and casing."""

    def __init__(
        self, b: Builder, rng: random.Random, eng: Engine | None, tags: dict[str, str]
    ) -> None:
        self.b = b
        self.rng = rng
        self.eng = eng
        self.tags = tags
        self.clock = rng.uniform(1.0, 6.0)
        self.stamp = rng.choice(
            ["[{h:02d}:{m:02d}:{s:02d}] ", "[{m:02d}:{s:02d}] ", "({m}:{s:02d}) "]
        )

    @property
    def lower(self) -> bool:
        return bool(self.eng and self.eng.lower)

    def to(self, who: str) -> Talk:
        self.b.line(self.tags.get(who, who))
        if self.eng and self.eng.stamps:
            sec = int(self.clock)
            self.b.say(self.stamp.format(h=sec // 3600, m=(sec // 60) % 60, s=sec % 60))
            self.clock += self.rng.uniform(2.0, 14.0)
        return self

    def s(self, text: str) -> Talk:
        text = AFTER_FILLER.sub(lambda m: m.group(1) + m.group(2).lower(), text)
        if self.lower:
            text = re.sub(r"[,?!;]|\.+(?=\s|$)", "", low(text))
        if text:
            self.b.say(text)
        return self

    def k(self, text: str, kind: str) -> Talk:
        self.b.keep(low(text) if self.lower else text, kind)
        return self

    def p(self, text: str, label: str, fam: str, eid: int | None = None) -> int:
        return self.b.phi(low(text) if self.lower else text, label, f"{fam}", eid)

    def x(self, tmpl: str, **slots: Slot) -> Talk:
        tmpl = AFTER_FILLER.sub(lambda m: m.group(1) + m.group(2).lower(), tmpl)
        for i, part in enumerate(re.split(r"\{(\w+)\}", tmpl)):
            if i % 2 == 0:
                if part:
                    self.s(part)
                continue
            v = slots[part]
            if isinstance(v, str):
                self.s(v)
            elif isinstance(v, K):
                self.k(v.text, v.kind)
            else:
                eid = v.eid if v.eid is not None else (v.same.eid if v.same else None)
                v.eid = self.p(v.text, v.label, v.fam, eid)
        return self

    def um(self) -> str:
        """A hesitation to open an utterance (the word after it loses its capital)."""
        return self.rng.choice(["", "", "Um, ", "Uh, ", "So, ", "Um, uh, "])

    def mark(self) -> str:
        if self.eng and self.eng.markers and self.rng.random() < 0.5:
            return self.rng.choice(["[crosstalk] ", "[inaudible] ", "[crosstalk] "])
        return ""


@dataclass
class Person:
    first: str
    last: str
    loc: str
    dob: date
    sex: str = "f"
    middle: str = ""
    nick: str = ""

    @property
    def he(self) -> str:
        return "she" if self.sex == "f" else "he"

    @property
    def his(self) -> str:
        return "her" if self.sex == "f" else "his"

    @property
    def him(self) -> str:
        return "her" if self.sex == "f" else "him"

    def rel(self, female: str, male: str) -> str:
        return female if self.sex == "f" else male

    @property
    def full(self) -> str:
        return f"{self.first} {self.middle + ' ' if self.middle else ''}{self.last}"


@dataclass
class Address:
    street: str
    city: str
    state: str
    zip: str


class Ctx:
    """Seeded sources for one generated set: the record RNG, patient and staff identities."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = People(seed)
        self.staff = People(seed + 7_919)
        self.us = self.people.fakers["en_US"]
        self.word_first = {
            "f": [n for n in EnPerson.first_names_female if n.lower() in WORD_FIRST],
            "m": [n for n in EnPerson.first_names_male if n.lower() in WORD_FIRST],
        }
        self.word_last = [n for n in EnPerson.last_names if n.lower() in WORD_LAST]
        self.nick_first = {
            "f": [n for n in EnPerson.first_names_female if n in NICKS],
            "m": [n for n in EnPerson.first_names_male if n in NICKS],
        }
        self.now = date(2024, 6, 1)

    # -- dates
    def day_between(self, a: date, b: date) -> date:
        return a + timedelta(days=self.rng.randrange((b - a).days + 1))

    def new_call(self) -> None:
        self.now = self.day_between(date(2024, 1, 8), date(2025, 8, 29))

    def dob_for_age(self, lo: int, hi: int) -> date:
        start = date(self.now.year - hi - 1, self.now.month, min(self.now.day, 28))
        end = date(self.now.year - lo, self.now.month, min(self.now.day, 28))
        d = self.day_between(start + timedelta(days=1), end)
        while not lo <= age_on(d, self.now) <= hi:
            d = self.day_between(start + timedelta(days=1), end)
        return d

    def future(self, lo: int = 1, hi: int = 30) -> date:
        """An appointment-like day ahead (Monday to Friday)."""
        return self.later(self.now, lo, hi)

    def later(self, day: date, lo: int, hi: int) -> date:
        d = day + timedelta(days=self.rng.randint(lo, hi))
        return d + timedelta(days=7 - d.weekday() if d.weekday() >= 5 else 0)

    def past(self, lo: int = 1, hi: int = 45) -> date:
        return self.now - timedelta(days=self.rng.randint(lo, hi))

    # -- people
    def person(
        self, lo: int = 19, hi: int = 84, last: str | None = None, sex: str | None = None
    ) -> Person:
        rng = self.rng
        sex = sex or rng.choice("fm")
        first, surname = "", ""
        while not (NAME_WORDS.fullmatch(first) and NAME_WORDS.fullmatch(surname)):
            loc = self.people.locale()
            f = self.people.fakers[loc]
            if loc in ROMANIZED:
                first = (f.first_romanized_name_female() if sex == "f"
                         else f.first_romanized_name_male())  # fmt: skip
                surname = f.last_romanized_name()
            else:
                first = f.first_name_female() if sex == "f" else f.first_name_male()
                surname = f.last_name()
            first = nfc(first).replace("\u2019", "'").split()[0]
            surname = nfc(surname).replace("\u2019", "'")
        nick = ""
        u = rng.random()
        if u < 0.13:
            first = rng.choice(self.word_first[sex])
        elif u < 0.20 and lo >= 18:
            first = rng.choice(self.nick_first[sex])
            nick = NICKS[first]
        v = rng.random()
        if v < 0.12:
            surname = rng.choice(self.word_last)
        elif v < 0.24 and " " not in surname:
            other = self.people.first_last(rng.choice([loc, "en_US"]))[1]
            if " " not in other and other != surname and NAME_WORDS.fullmatch(other):
                surname = f"{surname}-{other}"
        if last is not None:
            surname = last
        middle = f"{rng.choice('ABCDEFGHJKLMNPRSTW')}." if rng.random() < 0.12 else ""
        return Person(first, surname, loc, self.dob_for_age(lo, hi), sex, middle, nick)

    def staff_name(self) -> tuple[str, str]:
        return self.staff.first_last()

    # -- contact data
    def phone(self) -> str:
        rng = self.rng
        area = rng.choice(AREA_CODES)
        if rng.random() < 0.5:
            return f"{area}555{rng.randint(100, 199):04d}"
        exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
        return f"{area}{exchange}{rng.randint(0, 9999):04d}"

    def clinic_phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.4:
            free = rng.choice(["800", "833", "844", "855", "866", "877", "888"])
            return f"1-{free}-555-0{rng.randint(100, 199)}"
        a = rng.choice(AREA_CODES)
        return rng.choice(
            [f"({a}) 555-0{rng.randint(100, 199)}", f"{a}-555-0{rng.randint(100, 199)}"]
        )

    def email(self, p: Person) -> str:
        rng = self.rng
        f, last = slug(p.first) or "pt", slug(p.last) or "home"
        yy = f"{p.dob.year % 100:02d}"
        local = rng.choice(
            [
                f"{f}.{last}",
                f"{f[0]}{last}{yy}",
                f"{f}{last}{rng.randint(1, 99)}",
                f"{last}.{f}{yy}",
                f"{f}_{last[:4]}",
                f"{f}{p.dob.year}",
            ]
        )
        return f"{local}@{rng.choice(MAIL_DOMAINS)}"

    def address(self) -> Address:
        rng, f = self.rng, self.us
        num = f.building_number()
        r = rng.random()
        if r < 0.3:
            street = f"{num} {f.street_name()}"
        elif r < 0.7:
            way = rng.choice(["N ", "S ", "E ", "W ", ""])
            street = f"{num} {way}{f.last_name()} {rng.choice(STREET_SUFFIX)}"
        else:
            street = f"{num} {f.last_name()} {rng.choice(STREET_SUFFIX_LONG)}"
        if rng.random() < 0.35:
            street += f" {rng.choice(UNITS)}"
        zipc = f.zipcode_plus4() if rng.random() < 0.15 else f.zipcode()
        return Address(street, f.city(), f.state_abbr(include_territories=False), zipc)

    def member_id(self) -> str:
        rng = self.rng
        letters = "ABCDEFGHJKMNPQRTUVWXY"
        kind = rng.randrange(5)
        if kind == 0:
            return "".join(rng.choice(letters) for _ in range(3)) + f"{rng.randrange(10**9):09d}"
        if kind == 1:
            return f"W{rng.randrange(10**9):09d}"
        if kind == 2:  # Medicare MBI shape
            a = "ACDEFGHJKMNPQRTUVWXY"
            return (
                f"{rng.randint(1, 9)}{rng.choice(a)}{rng.choice(a)}{rng.randint(0, 9)}-"
                f"{rng.choice(a)}{rng.choice(a)}{rng.randint(0, 9)}-"
                f"{rng.choice(a)}{rng.choice(a)}{rng.randint(10, 99)}"
            )
        if kind == 3:
            return f"{rng.randrange(10**10, 10**11)}"
        return f"{rng.choice(letters)}{rng.choice(letters)}{rng.randrange(10**8):08d}01"

    def mrn(self) -> str:
        rng = self.rng
        return rng.choice(
            [
                f"{rng.randrange(10**7):08d}",
                f"E{rng.randrange(10**6, 10**7)}",
                f"{rng.randrange(10**6, 10**7)}",
                f"MR{rng.randrange(10**5, 10**6)}",
                f"{rng.randrange(100, 999)}-{rng.randrange(100, 999)}-{rng.randrange(100, 999)}",
            ]
        )

    def account(self, kind: str) -> str:
        rng = self.rng
        if kind == "rx":
            return rng.choice(
                [
                    f"{rng.randrange(10**6, 10**7)}",
                    f"RX{rng.randrange(10**6, 10**7)}",
                    f"{rng.randrange(1000, 9999)}-{rng.randrange(100, 999)}",
                ]
            )
        if kind == "claim":
            return rng.choice(
                [
                    f"WC-{self.now.year % 100}-{rng.randrange(10**5, 10**6)}",
                    f"{rng.randrange(10**9, 10**10)}",
                    f"C{rng.randrange(10**7, 10**8)}",
                ]
            )
        if kind == "order":
            return rng.choice(
                [
                    f"SO-{rng.randrange(10**6, 10**7)}",
                    f"{rng.randrange(10**7, 10**8)}",
                    f"ORD{rng.randrange(10**5, 10**6)}",
                ]
            )
        if kind == "case":
            return rng.choice(
                [
                    f"CS{rng.randrange(10**6, 10**7):07d}",
                    f"{rng.randrange(10**5, 10**6)}",
                    f"INC-{rng.randrange(10**5, 10**6)}",
                ]
            )
        return rng.choice(
            [
                f"{rng.randrange(10**7, 10**8)}",
                f"A{rng.randrange(10**6, 10**7)}",
                f"{rng.randrange(100, 999)}-{rng.randrange(10**4, 10**5)}",
            ]
        )

    def card(self) -> tuple[str, str, str]:
        ctype = self.rng.choice(["visa", "visa", "mastercard", "discover", "amex"])
        num = self.us.credit_card_number(card_type=ctype)
        if len(num) == 15:
            grouped = f"{num[:4]} {num[4:10]} {num[10:]}"
        else:
            grouped = " ".join(num[i : i + 4] for i in range(0, 16, 4))
        exp = f"{self.rng.randint(1, 12):02d}/{self.rng.randint(26, 30)}"
        cvv = (
            f"{self.rng.randrange(1000, 9999)}"
            if len(num) == 15
            else f"{self.rng.randrange(100, 999)}"
        )
        return grouped, exp, cvv

    def ssn(self) -> str:
        rng = self.rng
        area = rng.choice([n for n in range(1, 900) if n != 666])
        return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"

    def clinic(self, kind: str) -> str:
        return self.rng.choice(CLINICS[kind])

    def time(self) -> str:
        rng = self.rng
        h = rng.choice([8, 9, 10, 11, 1, 2, 3, 4])
        m = rng.choice([0, 0, 15, 30, 45, 20, 40, 10])
        ampm = "AM" if h >= 8 else "PM"
        return rng.choice([f"{h}:{m:02d} {ampm}", f"{h}:{m:02d}", f"{h}:{m:02d} {ampm.lower()}"])


# ---------------------------------------------------------------------------- formats


def phone_fmt(d: str, rng: random.Random, written: bool = False) -> str:
    styles = ["{a}-{b}-{c}", "({a}) {b}-{c}", "{a}-{b}-{c}", "{a} {b} {c}", "{a}.{b}.{c}"]
    if written:
        styles += ["{a}{b}{c}", "+1 {a}-{b}-{c}", "1-{a}-{b}-{c}", "+1{a}{b}{c}"]
    return rng.choice(styles).format(a=d[:3], b=d[3:6], c=d[6:])


def date_spoken(d: date, rng: random.Random, year: bool = True) -> str:
    m, day = MONTHS[d.month - 1], d.day
    if not year:
        return rng.choice([f"{m} {ordinal(day)}", f"{m} {day}", f"{d.month}/{day}"])
    return rng.choice(
        [
            f"{m} {ordinal(day)}, {d.year}",
            f"{m} {day}, {d.year}",
            f"{d.month}/{day}/{d.year}",
            f"{m} {ordinal(day)} {d.year}",
            f"{m} {ordinal(day)}, '{d.year % 100:02d}",
            f"{d.month}/{day}/{d.year % 100:02d}",
        ]
    )


def date_written(d: date, rng: random.Random, year: bool = True) -> str:
    if not year:
        return rng.choice(
            [
                f"{d.month}/{d.day}",
                f"{d.month:02d}/{d.day:02d}",
                f"{MON3[d.month - 1]} {d.day}",
                f"{d.month}-{d.day}",
            ]
        )
    return rng.choice(
        [
            f"{d.month:02d}/{d.day:02d}/{d.year}",
            f"{d.month}/{d.day}/{d.year % 100:02d}",
            f"{d.month}/{d.day}/{d.year}",
            f"{d.month:02d}-{d.day:02d}-{d.year}",
            d.isoformat(),
            f"{MON3[d.month - 1]} {d.day}, {d.year}",
            f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
            f"{d.day:02d}-{MON3[d.month - 1].upper()}-{d.year}",
        ]
    )


def date_typed(d: date, rng: random.Random) -> str:
    """A date as a patient thumbs it into a text message."""
    yy = f"{d.year % 100:02d}"
    return rng.choice([f"{d.month}/{d.day}/{yy}", f"{d.month}/{d.day}/{d.year}",
                       f"{d.month:02d}/{d.day:02d}/{d.year}", f"{d.month}-{d.day}-{yy}",
                       f"{d.month}.{d.day}.{yy}"])  # fmt: skip


# ---------------------------------------------------------------------------- spoken helpers


def greet(t: Talk, clinic: str, agent: str, rng: random.Random) -> None:
    t.to("a")
    c, a = K(clinic, "CLINIC_NAME"), K(agent, "AGENT_NAME")
    t.x(
        rng.choice(
            [
                "Thank you for calling {c}, this is {a}. How can I help you today?",
                "{c}, this is {a} speaking, how can I help?",
                "Hi, thanks for calling {c}. My name is {a}. Who am I speaking with?",
                "Good morning, {c}, {a} speaking.",
                "Thanks for holding, this is {a} with {c}. What can I do for you?",
                "{c} scheduling, this is {a}.",
            ]
        ),
        c=c,
        a=a,
    )


def ack(rng: random.Random) -> str:
    return rng.choice(
        [
            "Okay.",
            "Mm-hmm.",
            "Got it.",
            "Okay, perfect.",
            "Alright.",
            "Yep.",
            "Okay, one second.",
            "Thank you.",
        ]
    )


def give_name(t: Talk, c: Ctx, p: Person, fam: str, lead: str = "", own: bool = True) -> None:
    """The caller (already speaking) gives ``p``'s name (their own if ``own``)."""
    rng = c.rng
    v = rng.random()
    if lead:
        t.s(lead)
    if v < 0.35:
        forms = ["It's {n}.", "{n}.", "Yeah, it's {n}.", "Um, {n}."]
        t.x(rng.choice([*forms, "{n}, that's me."] if own else forms),
            n=P(p.full, "NAME", f"{fam}:full"))  # fmt: skip
    elif v < 0.5:
        first = P(p.first, "NAME", f"{fam}:last_first_spoken")
        forms = ["Last name {l}, first name {f}.", "It's {l}, {f}.", "{l}. First name {f}."]
        t.x(rng.choice(forms), l=P(p.last, "NAME", f"{fam}:last_first_spoken", first), f=first)
    elif v < 0.62:
        a = P(p.first, "NAME", f"{fam}:filler_inside")
        t.x("{a}, uh, {b}.", a=a, b=P(p.last, "NAME", f"{fam}:filler_inside", a))
    elif p.nick and v < 0.8:
        forms = (
            ["{n}, but everyone calls me {k}.", "{n}. I go by {k}, though."]
            if own
            else ["{n}, but we call " + p.him + " {k}.", "{n}. Everybody says {k}."]
        )
        t.x(rng.choice(forms), n=P(p.full, "NAME", f"{fam}:full"),
            k=P(p.nick, "NAME", f"{fam}:nickname"))  # fmt: skip
    elif v < 0.8 and spell(p.last, "") and len(spell(p.last, "")) <= 12:
        letters = spell(p.last, rng.choice(["-", " ", "-"]))
        t.x("{n}. " + rng.choice(["That's {s}.", "Last name is spelled {s}.", "{s}."]),
            n=P(p.full, "NAME", f"{fam}:full"), s=P(letters, "NAME", f"{fam}:spelled"))  # fmt: skip
    else:
        t.x(("My name is {n}." if own else "{n}."), n=P(p.full, "NAME", f"{fam}:full"))


def give_dob(t: Talk, c: Ctx, dob: date, fam: str, own: bool = True) -> None:
    """Agent asked already; the caller answers (turn opened here) with their own date of birth
    or, if not ``own``, someone else's."""
    rng = c.rng
    v = rng.random()
    if not own and v >= 0.76:
        v = rng.random() * 0.76
    t.to("c")
    if v < 0.4:
        t.x(t.um() + rng.choice(["{d}.", "It's {d}.", "Yeah, {d}."]),
            d=P(date_spoken(dob, rng), "DATE", f"{fam}:plain"))  # fmt: skip
    elif v < 0.58:
        a = P(date_spoken(dob, rng, year=False), "DATE", f"{fam}:split_turns")
        t.x("{a}...", a=a)
        t.to("a").s(rng.choice(["And the year?", "Mm-hmm, what year?", "Okay, and year?"]))
        t.to("c").x(rng.choice(["{y}.", "Oh, {y}.", "{y}, sorry."]),
                    y=P(str(dob.year), "DATE", f"{fam}:split_turns", a))  # fmt: skip
    elif v < 0.76:
        t.x("{d}.", d=P(date_spoken(dob, rng), "DATE", f"{fam}:plain"))
        wrong_day = dob.day + rng.choice([10, -10, 1, -1]) if dob.day < 19 else dob.day - 10
        wrong_day = max(1, min(28, wrong_day))
        if wrong_day == dob.day:
            wrong_day = dob.day + 1
        rb = P(date_spoken(dob.replace(day=wrong_day), rng), "DATE", f"{fam}:readback_wrong")
        t.to("a").x("I have {w}?", w=rb)
        t.to("c").x(rng.choice(["No, the {r}.", "No, {r}, not the {x}.", "No no, {r}."]),
                    r=P(ordinal(dob.day), "DATE", f"{fam}:correction", rb),
                    x=P(ordinal(wrong_day), "DATE", f"{fam}:correction", rb))  # fmt: skip
        t.to("a").s(rng.choice(["Sorry about that.", "Okay, fixed it.", "Got it, thank you."]))
    elif v < 0.88:
        other = dob + timedelta(days=rng.choice([-1, 1]) * rng.randint(400, 9000))
        whose = rng.choice(["my partner's", "my son's", "my mom's", "my sister's", "the kids'"])
        t.x("It's {o}, no, wait. That's " + whose + ". Mine's {d}.",
            o=P(date_spoken(other, rng, year=False), "DATE", f"{fam}:false_start"),
            d=P(date_spoken(dob, rng), "DATE", f"{fam}:plain"))  # fmt: skip
    else:
        age = age_on(dob, c.now)
        g: Slot = P(str(age), "AGE", f"{fam}:age") if age >= 90 else K(str(age), "AGE_UNDER_90")
        t.x("{d}. " + rng.choice(["I'm {g}.", "So I just turned {g}.", "I'm {g}, if that helps."]),
            d=P(date_spoken(dob, rng), "DATE", f"{fam}:plain"), g=g)  # fmt: skip


def give_phone(t: Talk, c: Ctx, ph: str, fam: str, confirm: bool = True) -> None:
    """Caller gives a phone number (turn opened here); the agent may read it back."""
    rng = c.rng
    v = rng.random()
    full = phone_fmt(ph, rng)
    head, tail = f"{ph[:3]}-{ph[3:6]}", ph[6:]
    t.to("c")
    if v < 0.3:
        t.x(
            t.mark()
            + rng.choice(
                [
                    "It's {p}.",
                    "Yeah, it's {p}.",
                    "{p}.",
                    "Best number is {p}.",
                    "Um, {p}, that's my cell.",
                ]
            ),
            p=P(full, "PHONE", f"{fam}:plain"),
        )
    elif v < 0.45:
        a = P(head, "PHONE", f"{fam}:split_turns")
        t.x("It's {a}...", a=a)
        t.to("a").s(rng.choice(["Mm-hmm.", "Okay.", "Go ahead.", "Yep."]))
        t.to("c").x("{b}.", b=P(tail, "PHONE", f"{fam}:split_turns", a))
    elif v < 0.6:
        a = P(head, "PHONE", f"{fam}:filler_inside")
        t.x(
            "It's {a}, " + rng.choice(["um", "uh", "hold on", "sorry"]) + ", {b}.",
            a=a,
            b=P(tail, "PHONE", f"{fam}:filler_inside", a),
        )
    elif v < 0.78:
        t.x("{p}.", p=P(full, "PHONE", f"{fam}:plain"))
        wrong_tail = (
            tail[:2] + tail[3] + tail[2]
            if tail[2] != tail[3]
            else tail[:3] + str((int(tail[3]) + 1) % 10)
        )
        rb = P(phone_fmt(ph[:6] + wrong_tail, rng), "PHONE", f"{fam}:readback_wrong")
        t.to("a").x(rng.choice(["Let me read that back, {w}.", "Okay, {w}?", "I have {w}."]), w=rb)
        t.to("c").x(
            rng.choice(["No, {r}. Not {x}.", "It's {r} at the end.", "No, {r}."]),
            r=P(tail, "PHONE", f"{fam}:correction", rb),
            x=P(wrong_tail, "PHONE", f"{fam}:correction", rb),
        )
        t.to("a").x("{r}, got it.", r=P(tail, "PHONE", f"{fam}:correction", rb))
        return
    elif v < 0.88:
        a = P(head, "PHONE", f"{fam}:inaudible")
        t.x("It's {a} [inaudible].", a=a)
        t.to("a").x("Sorry, you broke up. {a} and then?", a=P(head, "PHONE", f"{fam}:inaudible", a))
        t.to("c").x("{b}.", b=P(tail, "PHONE", f"{fam}:inaudible", a))
    else:
        old = c.phone()
        t.x(
            "It's {o}, no, that's the old landline. Use my cell, {p}.",
            o=P(f"{old[:3]}-{old[3:6]}", "PHONE", f"{fam}:false_start"),
            p=P(full, "PHONE", f"{fam}:plain"),
        )
    if confirm and rng.random() < 0.4:
        t.to("a").x("So that's {p}?", p=P(phone_fmt(ph, rng), "PHONE", f"{fam}:readback"))
        t.to("c").s(rng.choice(["Yes.", "Yep, that's it.", "Correct."]))


def give_id(t: Talk, c: Ctx, ident: str, label: str, fam: str, lead: str, **slots: Slot) -> None:
    """Caller reads an identifier (turn opened here); ``lead`` may hold ``slots``."""
    rng = c.rng
    v = rng.random()
    t.to("c")
    head, _, rest = ident.rpartition("-")
    if not (head and len(rest) >= 3):
        cut = len(ident) // 2 + rng.choice([-1, 0, 1])
        head, rest = ident[:cut], ident[cut:]
    if v < 0.55 or len(ident) < 7:
        t.x(lead + "{i}.", i=P(ident, label, f"{fam}:plain"), **slots)
    elif v < 0.8:
        a = P(head, label, f"{fam}:split_turns")
        t.x(lead + "{a}...", a=a, **slots)
        t.to("a").s(rng.choice(["Mm-hmm.", "Okay, go ahead.", "Yep."]))
        t.to("c").x("{b}.", b=P(rest, label, f"{fam}:split_turns", a))
    else:
        a = P(head, label, f"{fam}:filler_inside")
        t.x(
            lead + "{a}, um, let me see, {b}.",
            **slots,
            a=a,
            b=P(rest, label, f"{fam}:filler_inside", a),
        )


def give_address(t: Talk, c: Ctx, ad: Address, fam: str) -> None:
    """Caller gives an address (turn opened here)."""
    rng = c.rng
    v = rng.random()
    t.to("c")
    s = P(ad.street, "ADDRESS", f"{fam}:street")
    if v < 0.45:
        t.x(
            t.um() + "{s}, {c}, " + ad.state + " {z}.",
            s=s,
            c=P(ad.city, "ADDRESS", f"{fam}:city", s),
            z=P(ad.zip, "ADDRESS", f"{fam}:zip", s),
        )
    elif v < 0.7:
        t.x("{s} in {c}.", s=s, c=P(ad.city, "ADDRESS", f"{fam}:city", s))
        t.to("a").s(rng.choice(["And the ZIP?", "ZIP code?", "What's the zip there?"]))
        t.to("c").x("{z}.", z=P(ad.zip, "ADDRESS", f"{fam}:zip", s))
    else:
        t.x("{s}.", s=s)
        t.to("a").s("And that's in...?")
        t.to("c").x(
            "{c}. {z}.",
            c=P(ad.city, "ADDRESS", f"{fam}:city", s),
            z=P(ad.zip, "ADDRESS", f"{fam}:zip", s),
        )


def email_spoken(e: str, rng: random.Random) -> str:
    local, dom = e.split("@")
    if rng.random() < 0.5:
        return e
    said = local.replace(".", " dot ").replace("_", " underscore ")
    return f"{said} at {dom.replace('.', ' dot ')}" if rng.random() < 0.6 else f"{said} at {dom}"


# ---------------------------------------------------------------------------- spoken scenarios


def open_spoken(c: Ctx, rid: str) -> Talk:
    rng = c.rng
    eng = rng.choices(ENGINES, [3, 3, 2, 2])[0]
    b = Builder(rid, "asr")
    if eng.key == "platform":
        a, cl = rng.choice(PLATFORM_TAGS)
        tags = {"a": a, "c": cl, "x": "Other"}
    elif eng.key == "diarized" and rng.random() < 0.3:
        tags = {"a": eng.caller, "c": eng.agent, "x": eng.third}
    else:
        tags = {"a": eng.agent, "c": eng.caller, "x": eng.third}
    return Talk(b, rng, eng, tags)


def sc_bh_intake(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic, agent = c.clinic("bh"), c.staff_name()[0]
    for_other = rng.random() < 0.25
    rel, mine, pt_sex, caller_sex = rng.choice([
        ("brother", "his sister", "m", "f"), ("son", "his mom", "m", "f"),
        ("daughter", "her dad", "f", "m"), ("sister", "her brother", "f", "m"),
        ("wife", "her husband", "f", "m"), ("husband", "his wife", "m", "f"),
    ])  # fmt: skip
    pt = c.person(18, 70, sex=pt_sex if for_other else None)
    caller = c.person(25, 75, sex=caller_sex)
    greet(t, clinic, agent, rng)
    if for_other:
        t.to("c").x(
            t.um()
            + "Hi. I'm calling for my "
            + rel
            + ", {n}. "
            + rng.choice(
                [
                    "They're not in a good place and they asked me to call.",
                    "I'm worried. I- I don't know who else to call.",
                ]
            ),
            n=P(pt.first, "NAME", "bh:patient_first"),
        )
    else:
        t.to("c").s(
            rng.choice(
                [
                    "Hi, um, I was told to call this number to get set up with, like, a therapist?",
                    "Yeah, hi. I- I'm not doing great. I need to talk to someone.",
                    "Hi, I'm calling to schedule an intake. My primary care doctor referred me.",
                    "Hey. My old counselor left the practice and I need a new one.",
                ]
            )
        )
    if for_other:
        t.to("a").s(f"Okay. First, is {pt.he} safe right now? Is {pt.he} talking about hurting "
                    f"{pt.him}self or anyone else?")  # fmt: skip
        t.to("c").s(
            t.mark()
            + rng.choice(
                [
                    f"No, {pt.he}'s safe. {pt.he.capitalize()}'s home.",
                    f"I don't think so. {pt.he.capitalize()} said no.",
                ]
            )
        )
    else:
        t.to("a").s("Okay. Before anything else, are you safe right now? Any thoughts of hurting "
                    "yourself or anyone else?")  # fmt: skip
        t.to("c").s(t.mark() + rng.choice(["No. No, nothing like that.", "Not right now, no.",
                                           "No, I'm safe. I just can't sleep."]))  # fmt: skip
    t.to("a").x(
        "Thank you for telling me. If that changes, you can call or text {n} any time, "
        "day or night.",
        n=K("988", "CLINIC_PHONE"),
    )
    t.to("a").s(
        rng.choice(
            [
                "Can I get the full name of the person we're scheduling?",
                "What's the patient's first and last name?",
            ]
        )
    )
    t.to("c")
    give_name(t, c, pt, "bh:patient", own=not for_other)
    if for_other:
        t.to("a").s("And your name, since you're calling for them?")
        t.to("c")
        give_name(t, c, caller, "bh:caller", lead="Oh, I'm " + mine + ". ")
    t.to("a").s("And date of birth?")
    give_dob(t, c, pt.dob, "bh:dob", own=not for_other)
    if rng.random() < 0.7:
        med, dose = rng.choice(BH_MEDS)
        t.to("a").s(f"Is {pt.he} on any medications?" if for_other
                    else "Are you currently on any medications?")  # fmt: skip
        t.to("c").x(
            t.um()
            + rng.choice(
                ["Just {m}, {d}.", "{m}, I think it's {d}.", "Yeah, {m} {d}. Every morning."]
            ),
            m=K(med, "MEDICATION"),
            d=K(dose, "DOSAGE"),
        )
    t.to("a").s("Best callback number?")
    give_phone(t, c, c.phone(), "bh:phone")
    ins = rng.choice(INSURERS)
    t.to("a").s("Do you have insurance?")
    give_id(
        t,
        c,
        c.member_id(),
        "MEMBER_ID",
        "bh:member",
        lead=rng.choice(["Yeah, ", "Uh-huh, "]) + "{ins}. The ID is ",
        ins=K(ins, "ORG_NAME"),
    )
    if rng.random() < 0.4:
        t.to("a").s("And your home address for the paperwork?")
        give_address(t, c, c.address(), "bh:address")
    sf, sl = c.staff_name()
    appt = c.future(2, 21)
    t.to("a").x(
        "Okay. I have an intake with {f} {l}, "
        + rng.choice(CLINICIAN_ROLES)
        + ", on "
        + WEEKDAYS[appt.weekday()]
        + ", {d} at {tm}. It's a video visit. Does that work?",
        f=K(sf, "AGENT_NAME"),
        l=K(sl, "AGENT_NAME"),
        d=P(date_spoken(appt, rng, year=False), "DATE", "bh:appt"),
        tm=K(c.time(), "TIME"),
    )
    t.to("c").s(
        rng.choice(
            [
                "Yeah. Yes, that works.",
                "That's fine.",
                "Can it be later? No, never mind, that's fine.",
            ]
        )
    )
    t.to("a").s("You'll get a text with a link for the forms. Anything else I can help with?")
    t.to("c").s("No. Thank you.")
    return t.b


def sc_peds(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic, agent = c.clinic("peds"), c.staff_name()[0]
    parent = c.person(24, 52)
    same_last = rng.random() < 0.7
    kid = c.person(1, 15, last=parent.last if same_last else None)
    kid.middle = ""
    he, his, him = kid.he, kid.his, kid.him
    rel = kid.rel("daughter", "son")
    greet(t, clinic, agent, rng)
    temp = f"{rng.randint(100, 103)}.{rng.randint(0, 9)}"
    t.to("c").x(
        t.um()
        + rng.choice(
            [
                "Hi, yeah, I need to get my "
                + rel
                + " in today, "
                + he
                + "'s had a fever since "
                + WEEKDAYS[c.past(1, 3).weekday()]
                + ".",
                "Hi, I'm calling about my "
                + rel
                + ", {k}. "
                + he.capitalize()
                + " was sent home from "
                "school with a " + temp + " fever.",
                "Hi, I need a well-child visit for my "
                + rel
                + ". "
                + he.capitalize()
                + " needs the "
                "school physical.",
            ]
        ),
        k=P(kid.first, "NAME", "peds:child_first"),
    )
    t.to("a").s("Okay, can I get the child's name and date of birth?")
    t.to("c")
    v = rng.random()
    if v < 0.5:
        t.x(
            "{n}, and " + he + " was born {d}.",
            n=P(f"{kid.first} {kid.last}", "NAME", "peds:child"),
            d=P(date_spoken(kid.dob, rng), "DATE", "peds:child_dob"),
        )
    else:
        give_name(t, c, kid, "peds:child", own=False)
        t.to("a").s("And " + his + " birthday?")
        give_dob(t, c, kid.dob, "peds:child_dob", own=False)
    age = age_on(kid.dob, c.now)
    if rng.random() < 0.6:
        t.to("a").s("And " + he + "'s how old now?")
        t.to("c").x(
            rng.choice(
                [he.capitalize() + "'s {g}.", he.capitalize() + " just turned {g}.", "{g}."]
            ),
            g=K(str(age), "AGE_UNDER_90"),
        )
    t.to("a").s("And are you mom or dad?")
    role = parent.rel("mom", "dad")
    t.to("c").s(rng.choice([f"{role.capitalize()}. ", f"I'm {his} {role}. ", f"I'm the {role}. "]))
    give_name(t, c, parent, "peds:parent")
    if rng.random() < 0.6:
        med, dose = rng.choice(KID_MEDS)
        t.to("a").s("Did you give " + him + " anything for it?")
        t.to("c").x(
            t.mark() + "I gave " + him + " {m}, {d}, at like {tm} this morning.",
            m=K(med, "MEDICATION"),
            d=K(dose, "DOSAGE"),
            tm=K(f"{rng.randint(5, 8)}:30", "TIME"),
        )
        t.to("a").s(f"Okay, and {he} weighs about?")
        t.to("c").s(f"{rng.randint(25, 90)} pounds? I think.")
    if rng.random() < 0.4:
        sib = c.person(1, 14, last=kid.last, sex="m")
        t.to("c").x(
            "Oh, and can I bring " + his + " brother too? {s}. He's due for his {g}-year checkup.",
            s=P(sib.first, "NAME", "peds:sibling"),
            g=K(str(max(1, age_on(sib.dob, c.now))), "AGE_UNDER_90"),
        )
        t.to("a").s("Sure, what's his date of birth?")
        t.to("c").x("{d}.", d=P(date_spoken(sib.dob, rng), "DATE", "peds:sibling_dob"))
    dr = c.staff_name()[1]
    t.to("a").x(
        "I can get "
        + him
        + " in with Dr. {dr} at {tm}"
        + rng.choice([" today.", " tomorrow.", ", is that okay?"]),
        dr=K(dr, "AGENT_NAME"),
        tm=K(c.time(), "TIME"),
    )
    t.to("c").s(rng.choice(["Perfect.", "Yes, thank you.", "Okay, we'll be there."]))
    t.to("a").s("And a good number in case we need to reach you?")
    give_phone(t, c, c.phone(), "peds:phone")
    if rng.random() < 0.3:
        t.to("a").x(
            "And just so you have it, " + his + " chart number is {m}.",
            m=P(c.mrn(), "MRN", "peds:mrn"),
        )
    return t.b


def sc_dental(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic, agent = c.clinic("dental"), c.staff_name()[0]
    pt = c.person(20, 80)
    old = c.future(1, 12)
    new = c.later(old, 3, 20)
    greet(t, clinic, agent, rng)
    t.to("c").x(
        "Hi, I need to move my "
        + rng.choice(["cleaning", "crown appointment", "filling", "consult"])
        + ". It's on "
        + WEEKDAYS[old.weekday()]
        + " the {o}.",
        o=P(ordinal(old.day), "DATE", "dental:day_alone"),
    )
    t.to("a").s("Sure, can I have your name and date of birth?")
    t.to("c")
    give_name(t, c, pt, "dental:patient")
    t.to("a").s("And the date of birth?")
    give_dob(t, c, pt.dob, "dental:dob")
    dr = c.staff_name()[1]
    t.to("a").x(
        "Okay, I see you " + WEEKDAYS[old.weekday()] + ", {d} at {tm} with Dr. {dr}. "
        "The next opening I have is " + WEEKDAYS[new.weekday()] + ", {n} at {tm2}.",
        d=P(date_spoken(old, rng, year=False), "DATE", "dental:appt_old"),
        tm=K(c.time(), "TIME"),
        dr=K(dr, "AGENT_NAME"),
        n=P(date_spoken(new, rng, year=False), "DATE", "dental:appt_new"),
        tm2=K(c.time(), "TIME"),
    )
    t.to("c").s(rng.choice(["That works.", "Yeah, I'll take it.", "Um, okay, yes."]))
    if rng.random() < 0.65:
        sub = c.person(22, 85, last=pt.last if rng.random() < 0.6 else None)
        who = sub.rel(rng.choice(["wife", "mom"]), rng.choice(["husband", "dad"]))
        ins = rng.choice(DENTAL_INSURERS)
        t.to("a").x("Is your insurance still {i}?", i=K(ins, "ORG_NAME"))
        t.to("c").s("Yeah, but it's under my " + who + " now. ")
        give_name(t, c, sub, "dental:subscriber", own=False)
        t.to("a").s("And the subscriber's date of birth?")
        give_dob(t, c, sub.dob, "dental:subscriber_dob", own=False)
        t.to("a").s("Member ID on the card?")
        give_id(t, c, c.member_id(), "MEMBER_ID", "dental:member", lead="It's ")
    bal = f"${rng.randint(12, 240)}.{rng.choice(['00', '20', '50', '75', '40'])}"
    t.to("a").s(f"There's also a balance of {bal} from your last visit. ")
    if rng.random() < 0.5:
        last4 = f"{rng.randrange(10**4):04d}"
        t.x(
            "Do you want to put that on the card on file, ending in {c}?",
            c=P(last4, "CARD", "dental:card_last4"),
        )
        t.to("c").s("Yes, that's fine.")
    else:
        num, exp, cvv = c.card()
        t.s("Would you like to take care of that today?")
        t.to("c").s("Sure. It's a new card. ")
        a = P(num, "CARD", "dental:card")
        t.x("{a}.", a=a)
        t.to("a").s("Expiration?")
        t.to("c").x(
            "{e}. And the code on the back is {v}.",
            e=P(exp, "CARD", "dental:card", a),
            v=P(cvv, "CARD", "dental:card", a),
        )
        t.to("a").s(f"Thank you, that went through. {bal} paid.")
    return t.b


def sc_pharmacy(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic, agent = c.clinic("pharm"), c.staff_name()[0]
    pt = c.person(30, 88)
    med, dose = rng.choice(PHARM_MEDS)
    greet(t, clinic, agent, rng)
    t.to("c").x(
        rng.choice(
            [
                "Hi, I'm calling to refill my {m}.",
                "Yeah, I need a refill on my {m} {d}.",
                "Hi. I'm trying to find out if my {m} is ready.",
            ]
        ),
        m=K(med, "MEDICATION"),
        d=K(dose, "DOSAGE"),
    )
    t.to("a").s("Do you have the prescription number? It's on the label, starts with the number.")
    give_id(
        t, c, c.account("rx"), "ACCOUNT", "pharm:rx", lead=rng.choice(["Yeah, ", "Hold on. ", ""])
    )
    t.to("a").s("And your name and date of birth, please.")
    t.to("c")
    give_name(t, c, pt, "pharm:patient")
    t.to("a").s(rng.choice(["Mm-hmm, and the date of birth?", "And your birthday?", "Okay. DOB?"]))
    give_dob(t, c, pt.dob, "pharm:dob")
    last_fill = c.past(20, 35)
    qty, refills = rng.choice(["30", "90", "60", "28"]), str(rng.randint(0, 5))
    t.to("a").x(
        "Okay, I see the {m}, {d}, {q} tablets, last filled {lf}. You have {r} refills left.",
        m=K(med, "MEDICATION"),
        d=K(dose, "DOSAGE"),
        q=K(qty, "COUNT"),
        lf=P(date_spoken(last_fill, rng, year=False), "DATE", "pharm:fill"),
        r=K(refills, "COUNT"),
    )
    if rng.random() < 0.45:
        ins = rng.choice(INSURERS)
        dr = c.staff_name()[1]
        t.to("a").x(
            "But {i} is asking for a prior authorization now, so we have to get that from "
            "Dr. {dr}'s office.",
            i=K(ins, "ORG_NAME"),
            dr=K(dr, "AGENT_NAME"),
        )
        t.to("c").s("Again? Ugh. Okay. How long does that take?")
        t.to("a").s(f"Usually {rng.randint(2, 5)} business days.")
    v = rng.random()
    if v < 0.4:
        t.to("c").s("Can you mail it instead? I can't really drive right now.")
        t.to("a").s("Sure, what address?")
        give_address(t, c, c.address(), "pharm:address")
    elif v < 0.75:
        nb = c.person(25, 80)
        who = rng.choice(["neighbor", nb.rel("daughter", "son"), nb.rel("sister", "brother")])
        t.to("c").s(rng.choice([f"My {who} is going to pick it up for me. ",
                                f"My {who}'s picking it up. "]))  # fmt: skip
        t.x("{n}.", n=P(nb.full, "NAME", "pharm:pickup"))
        t.to("a").x("Okay, I'll put a note. It'll be ready after {tm}.", tm=K(c.time(), "TIME"))
    else:
        t.to("a").x(
            "It'll be ready after {tm} " + WEEKDAYS[c.future(1, 4).weekday()] + ".",
            tm=K(c.time(), "TIME"),
        )
    pharmacist = c.staff_name()[0]
    if rng.random() < 0.5:
        t.to("a").x(
            "If you have questions on the dose, our pharmacist {p} is here until 6. Our "
            "direct line is {ph}.",
            p=K(pharmacist, "AGENT_NAME"),
            ph=K(c.clinic_phone(), "CLINIC_PHONE"),
        )
    t.to("c").s("Okay, thank you so much.")
    return t.b


def sc_home_health(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic, agent = c.clinic("home"), c.staff_name()[0]
    elder = c.person(90, 103)
    elder.nick = ""
    child = c.person(52, 75, last=elder.last if rng.random() < 0.5 else None)
    rel = elder.rel(rng.choice(["mother", "mom"]), rng.choice(["father", "dad"]))
    she, her = elder.he, elder.his
    greet(t, clinic, agent, rng)
    disc = c.past(1, 6)
    hosp = rng.choice(HOSPITALS)
    t.to("c").x(
        t.um()
        + "Hi, I'm calling about my "
        + rel
        + ". "
        + she.capitalize()
        + " came home from {h} on {d} and we were supposed to have a nurse come out, "
        "and nobody's called.",
        h=K(hosp, "ORG_NAME"),
        d=P(date_spoken(disc, rng, year=False), "DATE", "home:discharge"),
    )
    t.to("a").s("I'm sorry about that, let me look. What's the patient's name?")
    t.to("c")
    give_name(t, c, elder, "home:patient", own=False)
    t.to("a").s("And " + her + " date of birth?")
    give_dob(t, c, elder.dob, "home:dob", own=False)
    age = age_on(elder.dob, c.now)
    t.to("c").x(
        rng.choice(
            [
                she.capitalize()
                + "'s {g}, so, you know, "
                + she
                + " can't really be waiting around.",
                she.capitalize() + " just turned {g}.",
                "Sharp as a tack, and {g} years old.",
            ]
        ),
        g=P(str(age) if rng.random() < 0.6 else age_words(age), "AGE", "home:age"),
    )
    t.to("a").s("Okay, I found the referral. Is the address still the same?")
    ad = c.address()
    if rng.random() < 0.5:
        t.to("c").s("No, " + she + "'s staying with me now. ")
        t.x(
            "{s}, {c}.",
            s=(s := P(ad.street, "ADDRESS", "home:address_street")),
            c=P(ad.city, "ADDRESS", "home:address_city", s),
        )
    else:
        give_address(t, c, ad, "home:address")
    t.to("a").s("And who am I speaking with?")
    t.to("c")
    give_name(
        t, c, child, "home:caller", lead="I'm " + her + " " + child.rel("daughter", "son") + ". "
    )
    t.to("a").s("What's the best number for you?")
    give_phone(t, c, c.phone(), "home:phone")
    if rng.random() < 0.5:
        t.to("a").s("I need the Medicare number too, it's on the red, white and blue card.")
        give_id(t, c, c.member_id(), "MEMBER_ID", "home:mbi", lead="Okay, it says ")
    if rng.random() < 0.3:
        spouse = c.person(90, 99, last=elder.last, sex="m" if elder.sex == "f" else "f")
        sp_age = age_on(spouse.dob, c.now)
        t.to("c").x(
            her.capitalize()
            + " "
            + spouse.rel("wife", "husband")
            + " lives there too, {n}, "
            + spouse.he
            + "'s {g}, so if nobody "
            "answers the door just knock loud.",
            n=P(spouse.first, "NAME", "home:spouse"),
            g=P(str(sp_age), "AGE", "home:spouse_age"),
        )
    visit = c.future(1, 5)
    nurse = c.staff_name()[0]
    win = rng.choice([("9", "11"), ("10", "noon"), ("1", "3"), ("8", "10"), ("noon", "2")])
    t.to("a").x(
        "I have {n} from our team coming out " + WEEKDAYS[visit.weekday()] + ", {d}, "
        "between {t1} and {t2}.",
        n=K(nurse, "AGENT_NAME"),
        d=P(date_spoken(visit, rng, year=False), "DATE", "home:visit"),
        t1=K(win[0], "TIME"),
        t2=K(win[1], "TIME"),
    )
    t.to("c").s(rng.choice(["Thank you. Finally.", "Okay. Thank you.", "Great, thank you."]))
    return t.b


def sc_dme(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic, agent = c.clinic("dme"), c.staff_name()[0]
    pt = c.person(35, 89)
    item = rng.choice(DME_ITEMS)
    greet(t, clinic, agent, rng)
    t.to("c").s(
        t.um()
        + rng.choice(
            [
                f"I'm calling to check on an order for {item}.",
                f"Yeah, hi, I was supposed to get {item} delivered and it never came.",
                f"Hi, it's time to reorder {item}, I think.",
            ]
        )
    )
    t.to("a").s("Do you have an order number?")
    give_id(t, c, c.account("order"), "ACCOUNT", "dme:order", lead=rng.choice(["It's ", "Um, "]))
    t.to("a").s("And the patient's name?")
    t.to("c")
    give_name(t, c, pt, "dme:patient")
    t.to("a").s("Date of birth?")
    give_dob(t, c, pt.dob, "dme:dob")
    dr = c.staff_name()[1]
    v = rng.random()
    if v < 0.5:
        t.to("a").x(
            "Okay. We're still waiting on the signed order from Dr. {dr}. We faxed it {w} "
            "and again on {d}.",
            dr=K(dr, "AGENT_NAME"),
            w=WEEKDAYS[c.past().weekday()],
            d=P(date_spoken(c.past(1, 6), rng, year=False), "DATE", "dme:fax_date"),
        )
    elif "CPAP" in item:
        t.to("a").x(
            "Your last sleep study on file is from {d}, so you're good on that.",
            d=P(date_spoken(c.past(100, 600), rng), "DATE", "dme:study"),
        )
    else:
        t.to("a").x(
            "The prescription we have on file is from {d}, so that's still good.",
            d=P(date_spoken(c.past(30, 200), rng), "DATE", "dme:rx_date"),
        )
    t.to("c").s("Okay.")
    n, days = rng.choice(["2", "3", "4", "6"]), rng.choice(["30", "90"])
    if "CPAP" in item:
        t.to("a").x(
            "You're eligible for {n} cushions and a new mask every {d} days.",
            n=K(n, "COUNT"),
            d=K(days, "COUNT"),
        )
    else:
        t.to("a").s("Insurance covers it, your share is 20 percent.")
    t.to("a").s("Where should we ship it?")
    give_address(t, c, c.address(), "dme:address")
    if rng.random() < 0.6:
        t.to("a").s("Do you want tracking by email?")
        t.to("c").x("Sure, it's {e}.", e=P(email_spoken(c.email(pt), rng), "EMAIL", "dme:email"))
    deliv = c.future(2, 10)
    t.to("a").x(
        "You should have it by {d}. Anything else?",
        d=P(date_spoken(deliv, rng, year=False), "DATE", "dme:delivery"),
    )
    t.to("c").s("No, that's it.")
    return t.b


def sc_telehealth(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic, agent = c.clinic("tele"), c.staff_name()[0]
    pt = c.person(20, 85)
    greet(t, clinic, agent, rng)
    tm = c.time()
    t.to("c").x(
        t.um()
        + rng.choice(
            [
                "Hi, I have a video visit at {tm} and the link just keeps spinning.",
                "Yeah, I'm seeing the doctor at {tm} and it says my camera is blocked.",
                "Hi, I can't get into my appointment, it says the session expired.",
            ]
        ),
        tm=K(tm, "TIME"),
    )
    t.to("a").s("I can help with that. Can I have your full name and date of birth?")
    t.to("c")
    give_name(t, c, pt, "tele:patient")
    t.to("a").s(rng.choice(["Thank you. And date of birth?", "And your birthday?"]))
    give_dob(t, c, pt.dob, "tele:dob")
    t.to("a").s("And the email you registered with?")
    t.to("c").x(
        rng.choice(["It's {e}.", "{e}.", "I think it's {e}."]),
        e=P(email_spoken(c.email(pt), rng), "EMAIL", "tele:email"),
    )
    ip = c.us.ipv4_public()
    t.to("a").x(
        "Okay. I can see you tried to connect from {ip}, is that your home wifi?",
        ip=P(ip, "IP", "tele:ip"),
    )
    t.to("c").s(
        rng.choice(
            ["I guess? I don't know.", "Yeah, I'm at home.", "No, I'm on my phone, at work."]
        )
    )
    pid = f"{rng.randrange(10**6, 10**8)}"
    host = rng.choice(PORTALS["tele"])
    url = rng.choice(
        [f"{host}/join/{pid}", f"https://{host}/v/{pid}?lang=en", f"{host}/session?patient={pid}"]
    )
    t.to("a").s("What does the address bar say?")
    t.to("c").x("Um, it says {u}.", u=P(url, "URL", "tele:url"))
    t.to("a").s(
        "Okay, that's an old link. I'm going to text you a new one. Is this the number on file?"
    )
    if rng.random() < 0.5:
        t.to("a").x("Ending in {l}?", l=P(c.phone()[6:], "PHONE", "tele:phone_last4"))
        t.to("c").s("Yes.")
    else:
        give_phone(t, c, c.phone(), "tele:phone")
    dr = c.staff_name()
    t.to("a").x(
        "Sent. Dr. {dr} is running about {n} minutes behind anyway, so you're fine.",
        dr=K(dr[1], "AGENT_NAME"),
        n=K(rng.choice(["5", "10", "15"]), "COUNT"),
    )
    t.to("c").s("Oh, okay, great. It's working now. Thanks.")
    return t.b


def sc_lab_callback(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic = c.clinic("lab")
    nurse = c.staff_name()[0]
    pt = c.person(25, 89)
    t.to("a").x(
        t.um() + "Hi, this is {n} calling from {c}. I'm trying to reach {p}.",
        n=K(nurse, "AGENT_NAME"),
        c=K(clinic, "CLINIC_NAME"),
        p=P(pt.full, "NAME", "lab:patient_asked"),
    )
    draw = c.past(2, 10)
    if rng.random() < 0.3:
        sp = c.person(25, 89, last=pt.last, sex="m" if pt.sex == "f" else "f")
        t.to("c").x(
            "This is "
            + pt.his
            + " "
            + sp.rel("wife", "husband")
            + ", {s}. "
            + pt.he.capitalize()
            + "'s at work, can I take a message?",
            s=P(sp.first, "NAME", "lab:spouse"),
        )
        ref = c.account("case")
        t.to("a").x(
            "Sure, could you have " + pt.him + " call us back at {ph}? And mention reference "
            "number {r}.",
            ph=K(c.clinic_phone(), "CLINIC_PHONE"),
            r=P(ref, "ACCOUNT", "lab:reference"),
        )
        t.to("c").s("Okay, let me grab a pen. Okay, what was that number again?")
        t.to("a").x("The reference number is {r}.", r=P(ref, "ACCOUNT", "lab:reference_repeat"))
        t.to("c").s(rng.choice(["Got it. I'll tell them.", "Okay. Bye."]))
        return t.b
    t.to("c").s(rng.choice(["Speaking.", f"This is {pt.he}.", "Yeah, that's me."]))
    t.to("a").s("Great. Before I go over anything, can you verify your date of birth?")
    give_dob(t, c, pt.dob, "lab:dob")
    a1c = f"{rng.randint(5, 9)}.{rng.randint(0, 9)}"
    months = rng.choice(["3", "6"])
    t.to("a").x(
        "Thank you. So your blood work from {d} came back. Your A1C was "
        + a1c
        + ", and Dr. {dr} would like to recheck it in {m} months.",
        d=P(date_spoken(draw, rng, year=False), "DATE", "lab:draw"),
        dr=K(c.staff_name()[1], "AGENT_NAME"),
        m=K(months, "COUNT"),
    )
    t.to("c").s(rng.choice(["Okay. Is that bad?", "Oh. Okay.", "Is that higher than last time?"]))
    t.to("a").s("It's a little high, the doctor will go over it with you. ")
    if rng.random() < 0.5:
        t.x(
            "When you call back to schedule, give them your MRN, it's {m}.",
            m=P(c.mrn(), "MRN", "lab:mrn"),
        )
    nxt = c.future(60, 120)
    t.to("a").x(
        "I can put you down for {d} at {tm}?",
        d=P(date_spoken(nxt, rng, year=rng.random() < 0.3), "DATE", "lab:next"),
        tm=K(c.time(), "TIME"),
    )
    t.to("c").s("Sure.")
    return t.b


def sc_workers_comp(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    t = open_spoken(c, rid)
    clinic, agent = c.clinic("wc"), c.staff_name()[0]
    pt = c.person(19, 66)
    doi = c.past(3, 40)
    greet(t, clinic, agent, rng)
    t.to("c").x(
        t.um()
        + rng.choice(
            [
                "I hurt my back at work on {d} and my supervisor said to come to you guys.",
                "Hi, I have a work comp claim, I hurt my hand on {d}.",
                "Yeah, I need a follow-up for my workers' comp, the injury was {d}.",
            ]
        ),
        d=P(date_spoken(doi, rng, year=rng.random() < 0.3), "DATE", "wc:injury"),
    )
    t.to("a").s("Okay. Do you have a claim number from the carrier?")
    give_id(t, c, c.account("claim"), "ACCOUNT", "wc:claim", lead=rng.choice(["Yeah, ", "It's "]))
    t.to("a").s("Name and date of birth?")
    t.to("c")
    give_name(t, c, pt, "wc:patient")
    t.to("a").s(rng.choice(["And the date of birth?", "Okay, and birthday?", ack(rng)]))
    give_dob(t, c, pt.dob, "wc:dob")
    ssn = c.ssn()
    if rng.random() < 0.5:
        t.to("a").s("And the last four of your social?")
        t.to("c").x("{s}.", s=P(ssn[-4:], "SSN", "wc:ssn_last4"))
    else:
        t.to("a").s("The carrier needs your full social on the form.")
        t.to("c").x(t.mark() + "{s}.", s=P(ssn, "SSN", "wc:ssn_full"))
    lbs = rng.choice(["10", "15", "20", "25"])
    wc_med = rng.choice(
        [("naproxen", "500 mg"), ("cyclobenzaprine", "10 mg"), ("ibuprofen", "800 mg"),
         ("meloxicam", "15 mg"), ("tramadol", "50 mg")]
    )  # fmt: skip
    t.to("a").x(
        "Okay. The doctor's note from your last visit says no lifting over {l} pounds, "
        "and you're on {m} {d}.",
        l=K(lbs, "COUNT"),
        m=K(wc_med[0], "MEDICATION"),
        d=K(wc_med[1], "DOSAGE"),
    )
    if rng.random() < 0.5:
        t.to("a").s("Where should we mail the return-to-work form?")
        give_address(t, c, c.address(), "wc:address")
    fu = c.future(3, 14)
    t.to("a").x(
        "Your follow-up is " + WEEKDAYS[fu.weekday()] + ", {d} at {tm}.",
        d=P(date_spoken(fu, rng, year=False), "DATE", "wc:followup"),
        tm=K(c.time(), "TIME"),
    )
    t.to("c").s("Okay, thank you.")
    return t.b


def misheard(word: str, rng: random.Random) -> str:
    """A surname as a recogniser sometimes hears it: accents lost, a hyphenated name as two
    words, a long one split before a consonant-vowel pair into two word-like pieces."""
    if "-" in word:
        return word.replace("-", " ")
    w = ascii_fold(word).lower()
    vowels = "aeiouy"
    cuts = [
        i for i in range(2, len(w) - 2) if w[i] not in vowels and w[i + 1] in vowels
    ]  # fmt: skip
    if not (w.isalpha() and cuts):
        return word
    cut = min(cuts, key=lambda i: (abs(i - len(w) / 2), rng.random()))
    return f"{w[:cut].capitalize()} {w[cut:]}"


def sc_voicemail(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    b = Builder(rid, "asr")
    t = Talk(b, rng, None, {})
    pt = c.person(25, 89)
    ph = c.phone()
    if rng.random() < 0.6:
        t.to("From").x("{p}", p=P(phone_fmt(ph, rng, written=True), "PHONE", "vm:caller_id"))
        rec = c.now
        t.to("Received").x(
            "{d} " + rng.choice(["at ", ""]) + "{tm}",
            d=P(date_written(rec, rng, year=rng.random() < 0.5), "DATE", "vm:received"),
            tm=K(c.time(), "TIME"),
        )
    t.to(rng.choice(["Transcript", "Voicemail", "Transcription"]))
    lower = rng.random() < 0.3

    def s(x: str) -> None:
        t.s(low(x) if lower else x)

    def p(x: str, label: str, fam: str, eid: int | None = None) -> int:
        return t.p(low(x) if lower else x, label, fam, eid)

    def k(x: str, kind: str) -> None:
        t.k(low(x) if lower else x, kind)

    s(rng.choice(["Hi, ", "Hey, ", "Hello, ", "Yes, hi, ", "Good afternoon, "]))
    s("this is ")
    if rng.random() < 0.5 and misheard(pt.last, rng) != pt.last:
        p(f"{pt.first} {misheard(pt.last, rng)}", "NAME", "vm:name_misheard")
    else:
        p(pt.full if rng.random() < 0.7 else pt.first, "NAME", "vm:name")
    kind = rng.random()
    if kind < 0.4:
        other = c.person(30, 99, last=pt.last if rng.random() < 0.6 else None)
        rel = other.rel(rng.choice(["mom", "wife", "mother"]), rng.choice(["dad", "husband"]))
        s(f" uh calling about my {rel} ")
        p(f"{other.first} {other.last}", "NAME", "vm:other_name")
        s(
            " um "
            + other.his
            + rng.choice([" date of birth is ", " day of birth is ", " birthday is "])
        )
        p(date_spoken(other.dob, rng), "DATE", "vm:other_dob")
        if age_on(other.dob, c.now) >= 90:
            s(f" {other.he}'s ")
            p(str(age_on(other.dob, c.now)), "AGE", "vm:other_age")
            s(" so")
        s(
            " and "
            + rng.choice(
                [
                    "we need to reschedule the appointment on ",
                    "we got a letter about the visit on ",
                    "the doctor was supposed to call about the tests from ",
                ]
            )
        )
        p(
            date_spoken(c.past(1, 20) if rng.random() < 0.5 else c.future(2, 20), rng, year=False),
            "DATE",
            "vm:visit",
        )
    elif kind < 0.7:
        med, dose = rng.choice(PHARM_MEDS)
        s(" my date of birth is ")
        p(date_spoken(pt.dob, rng), "DATE", "vm:dob")
        s(" I'm calling for a " + rng.choice(["refill", "re-feel", "refuel"]) + " on my ")
        k(med, "MEDICATION")
        s(" the ")
        k(dose, "DOSAGE")
        s(" um I only have like ")
        k(str(rng.randint(2, 6)), "COUNT")
        s(" pills left")
    else:
        s(" I'm returning a call from ")
        k(c.staff_name()[0], "AGENT_NAME")
        s(" about my " + rng.choice(["test results", "bill", "referral", "mammogram", "x-ray"]))
        if rng.random() < 0.6:
            s(" my account number is ")
            p(c.account("acct"), "ACCOUNT", "vm:account")
    s(
        " "
        + rng.choice(
            ["you can call me back at ", "my number is ", "please call me at ", "call me back at "]
        )
    )
    p(phone_fmt(ph, rng), "PHONE", "vm:callback")
    if rng.random() < 0.5:
        s(" again that's ")
        p(phone_fmt(ph, rng), "PHONE", "vm:callback_repeat")
    s(rng.choice([" thank you bye", " thanks bye bye", " okay thank you", " have a good day bye"]))
    if not lower:
        s(".")
    return b


# ---------------------------------------------------------------------------- written


def sc_ivr(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    b = Builder(rid, "written")
    t = Talk(b, rng, None, {})
    pt = c.person(25, 89)
    ph = c.phone()
    clinic = c.clinic(rng.choice(["pharm", "general", "lab"]))
    sess = "".join(rng.choice("0123456789abcdef") for _ in range(8))
    start = f"{rng.randint(7, 19):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    t.to("CALL").x(
        f"{sess} start " + "{d} " + start + " app={c}",
        d=P(c.now.isoformat(), "DATE", "ivr:call_date"),
        c=K(clinic, "CLINIC_NAME"),
    )
    t.to("ANI").x("{p}", p=P(rng.choice([f"+1{ph}", ph, f"1{ph}"]), "PHONE", "ivr:ani"))
    t.to("DNIS").x("{p}", p=K(re.sub(r"\D", "", c.clinic_phone())[-10:], "CLINIC_PHONE"))
    t.to("PROMPT").s("main_menu.wav")
    pick = rng.choice(["2", "1", "3"])
    t.to("DTMF").s(f"{pick}")
    t.to("PROMPT").s(
        rng.choice(
            [
                "enter_dob_mmddyyyy.wav",
                "Please enter your date of birth, two digit month, two digit day, four digit year.",
            ]
        )
    )
    digits = f"{pt.dob.month:02d}{pt.dob.day:02d}{pt.dob.year}"
    keyed = " ".join(digits)
    t.to("DTMF").x("{d} #", d=P(keyed, "DATE", "ivr:dtmf_dob"))
    if rng.random() < 0.3:
        t.to("RESULT").s("no_match retry=1")
        t.to("DTMF").x("{d} #", d=P(keyed, "DATE", "ivr:dtmf_dob_retry"))
    t.to("RESULT").s("match conf=1.00")
    v = rng.random()
    if v < 0.5:
        rx = re.sub(r"\D", "", c.account("rx"))
        t.to("PROMPT").s("Enter the prescription number, then press pound.")
        t.to("DTMF").x("{r} #", r=P(" ".join(rx), "ACCOUNT", "ivr:dtmf_rx"))
        t.to("TTS").x(
            "Your prescription for {m} will be ready on {d} after {tm}.",
            m=K(rng.choice(PHARM_MEDS)[0], "MEDICATION"),
            d=P(
                date_written(c.future(1, 3), rng, year=False).replace("-", "/"),
                "DATE",
                "ivr:ready_date",
            ),
            tm=K(rng.choice(["2 PM", "4 PM", "11 AM"]), "TIME"),
        )
    else:
        mid = c.member_id().replace("-", "")
        digits_only = re.sub(r"\D", "", mid)
        t.to("PROMPT").s("Enter the numbers in your member ID, skip any letters.")
        t.to("DTMF").x("{m} #", m=P(" ".join(digits_only), "MEMBER_ID", "ivr:dtmf_member"))
        t.to("ASR").x(
            'utterance="{u}" conf=0.' + str(rng.randint(41, 97)),
            u=P(low(f"{pt.first} {pt.last}"), "NAME", "ivr:asr_name"),
        )
        t.to("TTS").x(
            "Thank you, {n}. Your next appointment is on {d}.",
            n=P(pt.first, "NAME", "ivr:tts_name"),
            d=P(date_spoken(c.future(2, 30), rng, year=False), "DATE", "ivr:tts_appt"),
        )
    t.to("XFER").s(
        f"queue={rng.choice(['PHARM_TECH', 'SCHED', 'NURSE_LINE', 'BILLING'])} "
        f"wait=00:0{rng.randint(0, 9)}:{rng.randint(10, 59)}"
    )
    if rng.random() < 0.5:
        t.to("AGENT").x("{a} answered", a=K(c.staff_name()[0], "AGENT_NAME"))
    t.to("CALL").s(
        f"{sess} end disposition={rng.choice(['transferred', 'self_served', 'abandoned'])}"
    )
    return b


def sc_sms(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    b = Builder(rid, "written")
    me, them = rng.choice(
        [("Inbound", "Outbound"), ("Patient", "Office"), ("Pt", "Clinic"), ("Customer", "Practice")]
    )
    t = Talk(b, rng, None, {"c": me, "a": them})
    clinic = c.clinic(rng.choice(["dental", "peds", "general", "bh"]))
    pt = c.person(18, 80)
    ph = c.phone()
    appt = c.future(1, 20)
    dr = c.staff_name()[1]
    if rng.random() < 0.5:
        t.to("a").x(
            "Reminder: {n} has an appt w/ Dr. {dr} on {d} at {tm} at {c}. Reply C to "
            "confirm, R to reschedule. Reply STOP to opt out.",
            n=P(pt.first, "NAME", "sms:reminder_first"),
            dr=K(dr, "AGENT_NAME"),
            d=P(date_written(appt, rng, year=False), "DATE", "sms:appt"),
            tm=K(c.time().replace(" ", "").lower(), "TIME"),
            c=K(clinic, "CLINIC_NAME"),
        )
        t.to("c").s(rng.choice(["R", "r", "need to reschedule", "R pls"]))
        t.to("a").s("Please reply with your full name and DOB and a team member will text you.")
    t.to("c")
    style = rng.random()
    first, last = low(pt.first), low(pt.last)
    if style < 0.5:
        t.x(
            "hi this is {n} dob {d} "
            + rng.choice(["need to r/s my appt", "can i move my appt", "cant make it thurs"])
            + " pls call back @ {p}",
            n=P(f"{first} {last}", "NAME", "sms:name_lower"),
            d=P(date_typed(pt.dob, rng), "DATE", "sms:dob"),
            p=P(f"{ph[:3]} {ph[3:6]} {ph[6:]}", "PHONE", "sms:phone"),
        )
    else:
        t.x(
            "Hi its {n}. DOB {d}. "
            + rng.choice(["I need to reschedule", "Can I come in earlier", "Running late sry"]),
            n=P(f"{pt.first} {pt.last[0]}.", "NAME", "sms:name_initial"),
            d=P(date_written(pt.dob, rng), "DATE", "sms:dob"),
        )
    new = c.later(appt, 2, 9)
    slots = [c.time(), c.time()]
    while slots[1].split()[0] == slots[0].split()[0]:
        slots[1] = c.time()
    t.to("a").x(
        "Hi {n}, we have {wd} {d} at {tm} or {tm2}. Which works?",
        n=P(pt.first, "NAME", "sms:first"),
        wd=WEEKDAYS[new.weekday()][:3],
        d=P(date_written(new, rng, year=False), "DATE", "sms:offer"),
        tm=K(slots[0], "TIME"),
        tm2=K(slots[1], "TIME"),
    )
    t.to("c").s(rng.choice(["the 1st one", "first one ty", "2nd pls", "either is fine"]))
    if rng.random() < 0.5:
        t.to("c").x(
            "also my email changed its {e} can u update",
            e=P(
                c.email(pt).replace(".com", rng.choice([".com", ".con", ".com"])),
                "EMAIL",
                "sms:email",
            ),
        )
    if rng.random() < 0.4:
        kid = c.person(1, 14, last=pt.last)
        t.to("c").x(
            "and can my " + kid.rel("daughter", "son") + " {k} get seen same day? dob {d}",
            k=P(low(kid.first), "NAME", "sms:child"),
            d=P(date_typed(kid.dob, rng), "DATE", "sms:child_dob"),
        )
    t.to("a").x("You're all set. Questions? Call us at {p}.", p=K(c.clinic_phone(), "CLINIC_PHONE"))
    if rng.random() < 0.6:
        t.to("c").x(
            rng.choice(["ty! - {i}", "thx {i}", "ok thank u, {i}"]),
            i=P(f"{pt.first[0]}.{pt.last[0]}.", "NAME", "sms:initials"),
        )
    return b


def sc_webchat(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    b = Builder(rid, "written")
    t = Talk(
        b,
        rng,
        None,
        {"c": rng.choice(["Visitor", "Guest", "You"]), "a": "Agent", "s": "System", "bot": "Bot"},
    )
    clinic = c.clinic("general")
    pt = c.person(20, 96)
    tm = c.time()
    t.to("s").x(
        "Chat started {d} {tm}",
        d=P(date_written(c.now, rng), "DATE", "chat:start"),
        tm=K(tm, "TIME"),
    )
    bot = rng.choice(["Ava", "Max", "Penny", "Sage"])
    t.to("bot").x(
        "Hi! I'm {b}, the {c} virtual assistant. What can I help you with?",
        b=K(bot, "AGENT_NAME"),
        c=K(clinic, "CLINIC_NAME"),
    )
    t.to("c").s(
        rng.choice(
            [
                "records request",
                "i need my records sent to a new doctor",
                "talk to a person",
                "billing question",
            ]
        )
    )
    t.to("bot").s("Connecting you with a team member.")
    agent = c.staff_name()[0]
    t.to("s").x("{a} joined the chat", a=K(agent, "AGENT_NAME"))
    t.to("a").x(
        "Hi, this is {a}. Can you give me the patient's full name and date of birth?",
        a=K(agent, "AGENT_NAME"),
    )
    t.to("c").x(
        rng.choice(["{n}, {d}", "{n} dob {d}", "its for my " + pt.rel("mom", "dad") + ". {n} {d}"]),
        n=P(pt.full if rng.random() < 0.5 else f"{pt.last}, {pt.first}", "NAME", "chat:patient"),
        d=P(date_typed(pt.dob, rng), "DATE", "chat:dob"),
    )
    if age_on(pt.dob, c.now) >= 90:
        t.to("c").x(
            pt.he + "s {g} so pls mail it, " + pt.he + " doesnt do email",
            g=P(str(age_on(pt.dob, c.now)), "AGE", "chat:age"),
        )
    pid = f"{rng.randrange(10**5, 10**7)}"
    host = rng.choice(PORTALS["general"])
    t.to("a").x(
        "Thanks. You can also submit it online here: {u}",
        u=P(f"https://{host}/records/request?patientId={pid}&src=chat", "URL", "chat:url"),
    )
    t.to("c").s(rng.choice(["that link says access denied", "ok", "i tried that, it doesnt work"]))
    t.to("a").s(
        f"No problem, I can do it here. You can also log in at https://{host} any time. "
        "What's the address it should go to?"
    )
    ad = c.address()
    t.to("c").x(
        "{s}, {c} " + ad.state + " {z}",
        s=(s := P(ad.street, "ADDRESS", "chat:street")),
        c=P(ad.city, "ADDRESS", "chat:city", s),
        z=P(ad.zip, "ADDRESS", "chat:zip", s),
    )
    if rng.random() < 0.5:
        t.to("c").x("or email is {e}", e=P(c.email(pt), "EMAIL", "chat:email"))
    t.to("a").x(
        "Got it. Your request number is {r}. It takes {n} to {m} business days.",
        r=P(c.account("case"), "ACCOUNT", "chat:request"),
        n=K("5", "COUNT"),
        m=K(rng.choice(["7", "10"]), "COUNT"),
    )
    t.to("s").s("Chat ended by visitor")
    return b


def sc_ai_summary(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    b = Builder(rid, "written")
    t = Talk(b, rng, None, {})
    pt = c.person(60, 99)
    caller = c.person(28, 60, last=pt.last if rng.random() < 0.5 else None)
    rel = caller.rel("daughter", "son")
    ins = rng.choice(INSURERS)
    clinic = c.clinic(rng.choice(["general", "home", "pharm", "dme"]))
    agent = c.staff_name()[0]
    age = age_on(pt.dob, c.now)
    h = rng.choice(["Call Summary", "Summary", "AI Summary"])
    v = rng.random()
    if v < 0.5:
        t.to(h).x(
            "Caller ({c}) called on behalf of "
            + caller.his
            + " "
            + pt.rel("mother", "father")
            + ", {p} (DOB {d}), to "
            + rng.choice(
                ["request a refill", "reschedule a visit", "ask about a bill", "report a fall"]
            )
            + ". Agent {a} verified identity.",
            c=P(f"{caller.first} {caller.last[0]}.", "NAME", "sum:caller_initial"),
            p=P(pt.full, "NAME", "sum:patient"),
            d=P(date_written(pt.dob, rng), "DATE", "sum:dob"),
            a=K(agent, "AGENT_NAME"),
        )
    else:
        t.to(h).x(
            "The patient, {p}, called "
            + rng.choice(
                [
                    "to follow up on a referral",
                    "about an order delay",
                    "with questions about " + pt.his + " new dose",
                ]
            )
            + ". "
            + rng.choice(["Patient was polite.", "Caller sounded frustrated.", "Call was brief."]),
            p=P(f"{pt.first} {pt.last}", "NAME", "sum:patient"),
        )
    t.to("Patient").x(
        "{n}", n=P(f"{pt.last.upper()}, {pt.first.upper()}", "NAME", "sum:last_first_caps")
    )
    if age >= 90:
        t.to("Age").x("{g}", g=P(str(age), "AGE", "sum:age"))
    else:
        t.to("Age").x("{g}", g=K(str(age), "AGE_UNDER_90"))
    t.to("Key details").x(
        "- Callback: {p} (" + rng.choice(["mobile", "home", "daughter's cell"]) + ")",
        p=P(phone_fmt(c.phone(), rng, written=True), "PHONE", "sum:phone"),
    )
    t.to("Key details").x(
        "- Member ID {m} ({i})", m=P(c.member_id(), "MEMBER_ID", "sum:member"), i=K(ins, "ORG_NAME")
    )
    if rng.random() < 0.5:
        med, dose = rng.choice(PHARM_MEDS)
        t.to("Key details").x(
            "- Medication discussed: {m} {d}, {q} day supply",
            m=K(med, "MEDICATION"),
            d=K(dose, "DOSAGE"),
            q=K(rng.choice(["30", "90"]), "COUNT"),
        )
    if rng.random() < 0.5:
        ad = c.address()
        t.to("Key details").x(
            "- Address confirmed: {s}, {c}, " + ad.state + " {z}",
            s=(s := P(ad.street, "ADDRESS", "sum:street")),
            c=P(ad.city, "ADDRESS", "sum:city", s),
            z=P(ad.zip, "ADDRESS", "sum:zip", s),
        )
    if rng.random() < 0.4:
        t.to("Key details").x(
            "- Related caller: {c} (" + rel + "), listed as emergency contact",
            c=P(f"{caller.first} {caller.last}", "NAME", "sum:related"),
        )
    nxt = c.future(1, 10)
    t.to("Action items").x(
        "1) {c} team to call back by {tm} "
        + WEEKDAYS[nxt.weekday()]
        + ". 2) Confirm appointment on {d}.",
        c=K(clinic, "CLINIC_NAME"),
        tm=K(rng.choice(["3 PM", "noon", "5:00 PM"]), "TIME"),
        d=P(date_written(nxt, rng, year=False), "DATE", "sum:appt"),
    )
    t.to("Sentiment").s(rng.choice(["Neutral", "Negative to neutral", "Positive"]))
    t.to("Disposition").s(rng.choice(["Resolved", "Follow-up required", "Escalated to nurse"]))
    return b


def sc_fax(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    b = Builder(rid, "written")
    t = Talk(b, rng, None, {})
    pt = c.person(20, 99)
    sender = c.clinic("general")
    recv = c.clinic(rng.choice(["bh", "dme", "home", "wc"]))
    dr_from, dr_to = c.staff_name(), c.staff_name()
    sent = c.now
    t.to("FAX").x(
        "{d} {tm} FROM {p} PAGE 001 OF 00" + str(rng.randint(2, 6)),
        d=P(date_written(sent, rng), "DATE", "fax:header_date"),
        tm=K(f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}", "TIME"),
        p=K(c.clinic_phone(), "CLINIC_PHONE"),
    )
    t.to("To").x("{c}, Attn: Intake", c=K(recv, "CLINIC_NAME"))
    t.to("From").x(
        "Dr. {f} {l}, {c}",
        f=K(dr_from[0], "AGENT_NAME"),
        l=K(dr_from[1], "AGENT_NAME"),
        c=K(sender, "CLINIC_NAME"),
    )
    t.to("Fax").x("{p}", p=K(c.clinic_phone(), "CLINIC_PHONE"))
    t.to("Pages").x("{n} including cover", n=K(str(rng.randint(2, 9)), "COUNT"))
    t.to("Re").x(
        "Referral, {n}", n=P(f"{pt.last.upper()}, {pt.first.upper()}", "NAME", "fax:re_caps")
    )
    t.to("Patient Name").x(
        "{n}",
        n=P(
            f"{pt.last}, {pt.first}" + (f" {pt.middle}" if pt.middle else ""),
            "NAME",
            "fax:last_first",
        ),
    )
    t.to("DOB").x("{d}", d=P(date_written(pt.dob, rng), "DATE", "fax:dob"))
    ad = c.address()
    t.to("Address").x("{s}", s=(s := P(ad.street, "ADDRESS", "fax:street")))
    t.to("City State Zip").x(
        "{c}, " + ad.state + " {z}",
        c=P(ad.city, "ADDRESS", "fax:city", s),
        z=P(ad.zip, "ADDRESS", "fax:zip", s),
    )
    t.to("Phone").x("{p}", p=P(phone_fmt(c.phone(), rng, written=True), "PHONE", "fax:phone"))
    t.to("Insurance").x(
        "{i} ID {m}",
        i=K(rng.choice(INSURERS), "ORG_NAME"),
        m=P(c.member_id(), "MEMBER_ID", "fax:member"),
    )
    if rng.random() < 0.6:
        t.to("MRN").x("{m}", m=P(c.mrn(), "MRN", "fax:mrn"))
    age = age_on(pt.dob, c.now)
    agek: Slot = P(str(age), "AGE", "fax:age") if age >= 90 else K(str(age), "AGE_UNDER_90")
    title = pt.rel(rng.choice(["Mrs.", "Ms."]), "Mr.")
    t.to("Page 2").x(
        "Dear Dr. {to}, I am referring {t} {n}, a {g} year old "
        + rng.choice(
            [
                "with worsening depression and poor sleep",
                "who needs home oxygen evaluation",
                "after a fall at home",
                "with a work-related wrist injury",
            ]
        )
        + ", seen in my office on {d}.",
        to=K(dr_to[1], "AGENT_NAME"),
        t=title,
        n=P(pt.last, "NAME", "fax:letter_title_last"),
        g=agek,
        d=P(date_written(c.past(1, 20), rng), "DATE", "fax:seen"),
    )
    med, dose = rng.choice(PHARM_MEDS)
    t.to("Page 2").x(
        "Current medications include {m} {d}. "
        + rng.choice(
            [
                "Please contact the patient directly at {p}.",
                pt.his.capitalize() + " daughter {r} helps with scheduling.",
                "Please call our office with any questions.",
            ]
        ),
        m=K(med, "MEDICATION"),
        d=K(dose, "DOSAGE"),
        p=P(phone_fmt(c.phone(), rng), "PHONE", "fax:letter_phone"),
        r=P(c.person(30, 70, sex="f").first, "NAME", "fax:letter_relative"),
    )
    t.to("Page 2").x(
        "Sincerely, {f} {l}, MD", f=K(dr_from[0], "AGENT_NAME"), l=K(dr_from[1], "AGENT_NAME")
    )
    t.to("CONFIDENTIALITY NOTICE").s(
        "This facsimile contains protected health information. If "
        "you received it in error, call the sender and destroy it."
    )
    return b


def sc_audit(c: Ctx, rid: str) -> Builder:
    rng = c.rng
    b = Builder(rid, "written")
    t = Talk(b, rng, None, {})
    pt = c.person(18, 99)
    mrn = c.mrn()
    clinic = c.clinic(rng.choice(["general", "dental", "peds", "bh"]))
    dr = c.staff_name()
    users = [
        f"{slug(c.staff_name()[0])[:1]}{slug(c.staff_name()[1])[:7]}" or "sched1" for _ in range(2)
    ]
    stamp = c.now - timedelta(days=rng.randint(0, 3))
    old = c.future(2, 15)
    new = c.later(old, 1, 14)

    def ts(day: date) -> P:
        return P(
            rng.choice([f"{day.month:02d}/{day.day:02d}/{day.year}", day.isoformat()]),
            "DATE",
            "audit:stamp",
        )

    tag = rng.choice(["Audit", "AUDIT", "Event"])
    pname = P(f"{pt.last.upper()}, {pt.first.upper()}", "NAME", "audit:last_first_caps")
    t.to(tag).x(
        "{s} " + f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d} user={users[0]} "
        "action=APPT_CREATE pt={n} mrn={m} loc={c} prov={p} slot={o} {tm}",
        s=ts(stamp),
        n=pname,
        m=P(mrn, "MRN", "audit:mrn"),
        c=K(clinic, "CLINIC_NAME"),
        p=K(f"{dr[1].upper()}, {dr[0][0].upper()}", "AGENT_NAME"),
        o=P(f"{old.month:02d}/{old.day:02d}/{old.year}", "DATE", "audit:slot"),
        tm=K(c.time(), "TIME"),
    )
    t.to(tag).x(
        "{s} " + f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d} user={users[1]} "
        "action=RESCHEDULE pt={n} from={o} to={w} reason="
        + rng.choice(["PT_REQUEST", "PROV_UNAVAIL", "WEATHER"]),
        s=ts(stamp + timedelta(days=1)),
        n=P(pname.text, "NAME", "audit:last_first_caps"),
        o=P(f"{old.month:02d}/{old.day:02d}/{old.year}", "DATE", "audit:slot"),
        w=P(f"{new.month:02d}/{new.day:02d}/{new.year}", "DATE", "audit:slot"),
    )
    if rng.random() < 0.7:
        ph = c.phone()
        t.to("Note").x(
            rng.choice(
                [
                    "LM for pt at {p} re new time, asked to call back.",
                    "Spoke w/ pt, confirmed new appt. Cell {p}.",
                    "Called {p}, no answer, VM full.",
                ]
            ),
            p=P(phone_fmt(ph, rng, written=True), "PHONE", "audit:phone"),
        )
    if rng.random() < 0.5:
        parent = c.person(25, 60)
        t.to("Note").x(
            "Guarantor {g} updated, relationship "
            + rng.choice(["MOTHER", "FATHER", "SPOUSE", "SELF"])
            + ", acct {a}.",
            g=P(f"{parent.first} {parent.last}", "NAME", "audit:guarantor"),
            a=P(c.account("acct"), "ACCOUNT", "audit:account"),
        )
    if rng.random() < 0.4:
        t.to("Note").x(
            "Pt emailed from {e}, wants portal reset.", e=P(c.email(pt), "EMAIL", "audit:email")
        )
    t.to(tag).x(
        "{s} " + f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d} user=system "
        "action=REMINDER_QUEUED channel=" + rng.choice(["SMS", "VOICE", "EMAIL"]) + " count={n}",
        s=ts(stamp + timedelta(days=1)),
        n=K(rng.choice(["1", "2", "3"]), "COUNT"),
    )
    return b


# ---------------------------------------------------------------------------- the set

Scenario = Callable[[Ctx, str], Builder]
SCENARIOS: list[tuple[Scenario, int]] = [
    (sc_bh_intake, 28),
    (sc_peds, 28),
    (sc_dental, 24),
    (sc_pharmacy, 24),
    (sc_home_health, 22),
    (sc_dme, 20),
    (sc_telehealth, 20),
    (sc_lab_callback, 22),
    (sc_workers_comp, 20),
    (sc_voicemail, 30),
    (sc_ivr, 26),
    (sc_sms, 32),
    (sc_webchat, 22),
    (sc_ai_summary, 30),
    (sc_fax, 26),
    (sc_audit, 26),
]


def generate(seed: int = SEED, count: int = COUNT) -> list[dict[str, Any]]:
    """``count`` records, seeded; the scenario mix follows the weights above."""
    c = Ctx(seed)
    deck: list[Scenario] = []
    while len(deck) < count:
        block = [sc for sc, w in SCENARIOS for _ in range(w)]
        c.rng.shuffle(block)
        deck.extend(block)
    records: list[dict[str, Any]] = []
    for i, sc in enumerate(deck[:count]):
        c.new_call()
        records.append(sc(c, f"hj-{i:04d}").record())
    return records
