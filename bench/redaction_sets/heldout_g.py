"""``heldout_g``: the seventh held-out set for the transcript PHI redactor, written blind.

Datasheet
---------
*Authorship.* Written by an author who never opened the redactor's code, its tests, its
results or its documentation, nor the phrase content of the earlier generators; only the
shared record format (``../shared/eval``), ``_build.Builder`` and ``_people`` were read.
Nothing here was run through the redactor or a scorer while it was written, so no phrasing
is tuned to what the engine catches.

*Shape.* 360 records (seed 8831), alternating ``asr`` (lowercase, no punctuation but
apostrophes, numbers as words, fillers, restarts, digit homophones) and ``written``.
Every span is recorded while its text is appended (never by searching the finished text).

*Scenarios.* ASR: after-hours answering-service messages, pharmacy refill lines,
home-health visit scheduling, prior-authorisation calls from a provider's office (the
office caller and the patient both carry PHI), interpreter-relayed calls ("she says her
date of birth is ...", with the patient's own words in her language), callback voicemails
with "[00:00:07]" offsets, billing calls, nurse triage calls, payer eligibility calls.
Written: patient-portal secure messages, SMS threads, SOAP-style triage notes, intake
forms pasted as "Field: value", forwarded e-mails with headers, eligibility notes,
home-health visit notes, web chats, carrier voicemail transcripts, prior-auth fax covers.
Speaker tags vary ("operator", "CALLER", "AGENT 2", "spk1", "Interpreter", "NURSE",
"Pt", "Fwd From", "S", "P", form field names). The shared format puts ``tag: `` before
every line, so a free-text note is one tagged line (a SOAP letter, a field name).

*Families* (the ``family`` tag of each span; ``:nonascii`` is appended to names with
non-ASCII letters): care dates relative to a weekday, short numeric dates ("7/20",
"20.07."), written months, dates of birth in spoken and written forms (years alone are
never spans); ages over 89 said plainly or indirectly ("turned ninety four", "a
102-year-old", "ninety something"); digit strings read with fillers, corrections, restarts,
homophones, "seventy ninety six" pairs, "double four", or split over turns (gold: one span
from the identifier's first to its last digit, the words inside included); phonetic
spelling ("b as in bravo", "m like mary"); names as "LAST, First", after relation words
(stepdaughter, her carer, my husband's brother ...), answering a question on the same or
the next line, with no cue at all, common-word surnames (Young, Hope, May ...),
multi-part surnames (van der Berg, de la Cruz, O'Neill), names said in the patient's own
language; a city alone, non-US street order, multi-line addresses, non-US postcodes;
e-mails at many TLDs, written and spoken; phone and fax numbers in national and
international formats; SSN, MRN, member id, account and card numbers; personal URLs.

*Names.* A drawn name whose word starts with a non-letter (Dutch "van 't Erve") is
drawn again, to keep the shared set's name shape.

*Locales.* About half of the people come from non-US Faker locales (en_GB, en_AU, en_IE,
en_NZ, de_DE, de_AT, fr_FR, nl_NL, it_IT, es_ES, es_MX, pt_BR, pt_PT, pl_PL, cs_CZ,
hu_HU, da_DK, fi_FI, sv_SE, tr_TR, vi_VN, ja_JP romanized, ro_RO); Japanese, Turkish
and Vietnamese addresses are composed here from small romanized/native lists.

*Negatives* (must stay readable): AGENT_NAME (staff and interpreter first names, some
accented), CLINIC_NAME (clinics, hospitals, pharmacies), MEDICATION, DOSAGE, COUNT
("three refills", "a ninety day supply"), TIME, AGE_UNDER_90 (including 89), ORG_NAME
(payers, charities, "a 501(c)(3)", publications), CLINIC_PHONE (the practice's own line).
Country names, US state names and bare years are left outside every span.
"""

from __future__ import annotations

import datetime
import random
import re
import unicodedata
from typing import Any, NamedTuple

from ._build import (
    MONTHS,
    ONES,
    ORDINALS,
    WEEKDAYS,
    Builder,
    digits_spoken,
    nfc,
    number_words,
    rand_digits,
    two_digits,
    year_words,
)
from ._people import People, has_non_ascii

NAME = "heldout_g"
DEFAULT_SEED = 8831
DEFAULT_COUNT = 360
YEAR = 2025  # the calls' year: ages and weekdays are consistent with it

US = "en_US"
# Non-US locales (weight) for the other half of the people.
ABROAD = [
    ("en_GB", 6), ("en_AU", 4), ("en_IE", 3), ("en_NZ", 2), ("de_DE", 5), ("de_AT", 2),
    ("fr_FR", 4), ("nl_NL", 4), ("it_IT", 4), ("es_ES", 4), ("es_MX", 3), ("pt_BR", 4),
    ("pt_PT", 2), ("pl_PL", 5), ("cs_CZ", 3), ("hu_HU", 4), ("da_DK", 3), ("fi_FI", 3),
    ("sv_SE", 2), ("tr_TR", 3), ("vi_VN", 4), ("ja_JP", 3), ("ro_RO", 2),
]  # fmt: skip
LOCALES = [US] + [loc for loc, _ in ABROAD]
COUNTRY = {
    "en_GB": "England", "en_AU": "Australia", "en_IE": "Ireland", "en_NZ": "New Zealand",
    "de_DE": "Germany", "de_AT": "Austria", "fr_FR": "France", "nl_NL": "the Netherlands",
    "it_IT": "Italy", "es_ES": "Spain", "es_MX": "Mexico", "pt_BR": "Brazil",
    "pt_PT": "Portugal", "pl_PL": "Poland", "cs_CZ": "Czechia", "hu_HU": "Hungary",
    "da_DK": "Denmark", "fi_FI": "Finland", "sv_SE": "Sweden", "tr_TR": "Turkey",
    "vi_VN": "Vietnam", "ja_JP": "Japan", "ro_RO": "Romania", "en_US": "the States",
}  # fmt: skip
US_STATES = ["Ohio", "Arizona", "Vermont", "Oregon", "Florida", "Michigan", "Texas", "Maine"]

CLINICS = [
    "Lakeshore Family Medicine", "Harbourview Cardiology", "Mercy Home Health",
    "Northgate Pharmacy", "St. Aidan's Hospital", "Riverbend Dialysis Center",
    "Cedar Hollow Clinic", "Bayside Women's Health", "Pinecrest Memory Care",
    "Westfield Urgent Care", "Summit Orthopedics", "Greenway Community Health",
    "Copper Ridge Pharmacy", "Old Mill Pediatrics", "Tri-County Hospice",
]  # fmt: skip
PHARMACIES = [
    "Northgate Pharmacy",
    "Copper Ridge Pharmacy",
    "Walgreens",
    "CVS",
    "Hilltop Apothecary",
    "Rite Aid",
]
AGENTS = [
    "Renata", "Dwayne", "Siobhán", "Marisol", "Kwame", "Priya", "Tomás", "Joanna", "Bryce",
    "Halima", "Søren", "Leilani", "Oksana", "Declan", "Inès", "Chidi", "Mårten", "Beatriz",
]  # fmt: skip
ORGS = [
    ("Blue Cross", "blue cross"), ("Medicare", "medicare"), ("Aetna", "aetna"),
    ("Humana", "humana"), ("Meals on Wheels", "meals on wheels"),
    ("the Alzheimer's Association", "the alzheimer's association"),
    ("a 501(c)(3)", "a five oh one c three"), ("AARP", "a a r p"),
    ("Reader's Digest", "reader's digest"), ("The Guardian", "the guardian"),
    ("the VA", "the v a"), ("Kaiser", "kaiser"), ("Medicaid", "medicaid"),
    ("United Healthcare", "united healthcare"), ("the Red Cross", "the red cross"),
]  # fmt: skip
PAYERS = [
    o
    for o in ORGS
    if o[0]
    in {"Blue Cross", "Medicare", "Aetna", "Humana", "Kaiser", "Medicaid", "United Healthcare"}
]
# (name, written dose, spoken dose, how often written, how often spoken)
MEDS = [
    ("metformin", "500 mg", "five hundred milligrams", "twice a day", "twice a day"),
    ("lisinopril", "10 mg", "ten milligrams", "once daily", "once a day"),
    ("atorvastatin", "40 mg", "forty milligrams", "at night", "at night"),
    ("warfarin", "5 mg", "five milligrams", "daily", "every day"),
    ("levothyroxine", "75 mcg", "seventy five micrograms", "mornings", "in the morning"),
    ("amlodipine", "5 mg", "five milligrams", "od", "once a day"),
    ("furosemide", "40 mg", "forty milligrams", "bd", "two times a day"),
    ("apixaban", "2.5 mg", "two point five milligrams", "BID", "twice a day"),
    ("donepezil", "10 mg", "ten milligrams", "at bedtime", "at bedtime"),
    ("sertraline", "50 mg", "fifty milligrams", "daily", "once a day"),
    ("gabapentin", "300 mg", "three hundred milligrams", "TID", "three times a day"),
    ("tamsulosin", "0.4 mg", "point four milligrams", "nightly", "at night"),
    ("insulin glargine", "20 units", "twenty units", "at 22:00", "at night"),
    ("prednisone", "10 mg", "ten milligrams", "with breakfast", "with breakfast"),
    ("omeprazole", "20 mg", "twenty milligrams", "before meals", "before breakfast"),
    ("methotrexate", "15 mg", "fifteen milligrams", "weekly", "once a week"),
    ("salbutamol", "100 mcg", "a hundred micrograms", "2 puffs prn", "two puffs as needed"),
]  # fmt: skip
RELATIONS = [
    "my stepdaughter", "my husband's brother", "my sister in law", "my godson", "our lodger",
    "my partner", "my neighbour", "my late wife's cousin", "my great grandson",
    "my ex husband", "my foster son", "my mum's carer", "my twin brother", "my son in law",
    "my aunt", "my grandmother", "my father", "my wife's nephew", "my goddaughter",
    "my half sister", "my mother in law", "my flatmate",
]  # fmt: skip
THIRD_RELATIONS = [
    "her carer", "his power of attorney", "her home help", "his nephew", "her daughter",
    "his stepson", "her granddaughter", "his landlady", "her companion", "his key worker",
]  # fmt: skip
COMMON_FIRST = [
    "Hope",
    "Rose",
    "May",
    "June",
    "Grace",
    "Faith",
    "Joy",
    "Will",
    "Bill",
    "Dawn",
    "Iris",
    "Ivy",
    "Pearl",
    "Frank",
    "Sunny",
    "Hunter",
]
COMMON_LAST = [
    "Brown",
    "Baker",
    "Hope",
    "Rose",
    "May",
    "Young",
    "Bell",
    "Frost",
    "Hill",
    "Page",
    "Lamb",
    "Wise",
    "Best",
    "Little",
    "Mills",
    "Strong",
    "King",
    "Church",
    "Green",
    "White",
    "Summer",
    "Short",
    "Moody",
    "Cook",
]
MULTI_LAST = [
    "van der Berg",
    "de la Cruz",
    "O'Neill",
    "dos Santos",
    "van den Heuvel",
    "de Vries",
    "ter Steege",
    "Al-Masri",
    "García-López",
    "Smith-Okafor",
    "Le Roux",
    "della Rovere",
    "von Bülow",
    "Nguyen-Tran",
    "D'Angelo",
    "Ní Bhriain",
    "bin Yusof",
    "St. Clair",
    "Mac Giolla Phádraig",
    "da Costa",
]
NATIVE_NAME_PHRASE = {
    "es_ES": "me llamo", "es_MX": "me llamo", "pl_PL": "nazywam się", "fr_FR": "je m'appelle",
    "vi_VN": "tên tôi là", "de_DE": "ich heiße", "de_AT": "ich heiße", "hu_HU": "a nevem",
    "tr_TR": "benim ad\u0131m", "cs_CZ": "jmenuji se", "pt_BR": "meu nome é", "pt_PT": "chamo me",
    "it_IT": "mi chiamo", "ro_RO": "mă numesc", "da_DK": "jeg hedder", "fi_FI": "nimeni on",
    "sv_SE": "jag heter", "nl_NL": "ik heet", "ja_JP": "watashi wa",
}  # fmt: skip
LANGUAGE = {
    "es_ES": "spanish", "es_MX": "spanish", "pl_PL": "polish", "fr_FR": "french",
    "vi_VN": "vietnamese", "de_DE": "german", "de_AT": "german", "hu_HU": "hungarian",
    "tr_TR": "turkish", "cs_CZ": "czech", "pt_BR": "portuguese", "pt_PT": "portuguese",
    "it_IT": "italian", "ro_RO": "romanian", "da_DK": "danish", "fi_FI": "finnish",
    "sv_SE": "swedish", "nl_NL": "dutch", "ja_JP": "japanese",
}  # fmt: skip
MAIL = {
    "en_US": ["gmail.com", "yahoo.com", "outlook.com", "comcast.net", "icloud.com", "aol.com"],
    "en_GB": ["btinternet.com", "sky.com", "yahoo.co.uk", "talktalk.net"],
    "en_AU": ["bigpond.com", "optusnet.com.au", "outlook.com.au", "iinet.net.au"],
    "en_IE": ["eircom.net", "iol.ie"], "en_NZ": ["xtra.co.nz", "slingshot.co.nz"],
    "de_DE": ["gmx.de", "web.de", "t-online.de"], "de_AT": ["aon.at", "gmx.at"],
    "fr_FR": ["orange.fr", "free.fr", "laposte.net"], "nl_NL": ["ziggo.nl", "kpnmail.nl"],
    "it_IT": ["libero.it", "tiscali.it"], "es_ES": ["telefonica.net", "yahoo.es"],
    "es_MX": ["prodigy.net.mx", "hotmail.com.mx"], "pt_BR": ["uol.com.br", "bol.com.br"],
    "pt_PT": ["sapo.pt"], "pl_PL": ["wp.pl", "onet.pl", "o2.pl", "interia.pl"],
    "cs_CZ": ["seznam.cz", "email.cz"], "hu_HU": ["freemail.hu", "citromail.hu"],
    "da_DK": ["mail.dk", "jubii.dk"], "fi_FI": ["elisanet.fi", "luukku.com"],
    "sv_SE": ["telia.com", "bredband.net"], "tr_TR": ["yandex.com.tr", "superonline.com"],
    "vi_VN": ["yahoo.com.vn", "fpt.vn"], "ja_JP": ["docomo.ne.jp", "yahoo.co.jp"],
    "ro_RO": ["yahoo.ro", "rdslink.ro"],
}  # fmt: skip
ODD_MAIL = [
    "fastmail.fm",
    "posteo.de",
    "mailbox.org",
    "pm.me",
    "tuta.io",
    "hey.com",
    "nordiska.museum",
    "hanko.io",
    "{last}.family",
    "{last}.name",
]
PHONE_FMT = {
    "en_US": ["(NNN) NNN-NNNN", "NNN-NNN-NNNN", "NNN.NNN.NNNN", "+1 NNN NNN NNNN"],
    "en_GB": ["+44 20 NNNN NNNN", "07NNN NNNNNN", "+44 7NNN NNNNNN", "01NNN NNNNNN"],
    "nl_NL": ["06-NNNNNNNN", "+31 6 NNNN NNNN", "020-NNNNNNN", "010 NNN NNNN"],
    "en_AU": ["(02) NNNN NNNN", "04NN NNN NNN", "+61 4NN NNN NNN", "(03) NNNN NNNN"],
    "de_DE": ["030 NNNNNNNN", "+49 15N NNNNNNNN", "0171/NNNNNNN", "089 NNNN NNNN"],
    "de_AT": ["+43 664 NNN NNNN", "0664/NNN NN NN"],
    "fr_FR": ["06 NN NN NN NN", "+33 6 NN NN NN NN", "01 NN NN NN NN"],
    "pl_PL": ["+48 60N NNN NNN", "60N-NNN-NNN", "+48 22 NNN NN NN"],
    "hu_HU": ["+36 30 NNN NNNN", "06 20 NNN NNNN", "06-1-NNN-NNNN"],
    "it_IT": ["347 NNN NNNN", "+39 06 NNNN NNNN", "+39 3NN NNN NNNN"],
    "es_ES": ["6NN NN NN NN", "+34 6NN NNN NNN", "91 NNN NN NN"],
    "es_MX": ["+52 55 NNNN NNNN", "55 NNNN NNNN"],
    "en_IE": ["087 NNN NNNN", "+353 8N NNN NNNN", "(01) NNN NNNN"],
    "en_NZ": ["021 NNN NNNN", "+64 21 NNN NNNN", "(09) NNN NNNN"],
    "pt_BR": ["(11) 9NNNN-NNNN", "+55 21 9NNNN NNNN"],
    "pt_PT": ["+351 91N NNN NNN", "21N NNN NNN"],
    "ja_JP": ["090-NNNN-NNNN", "+81 80 NNNN NNNN", "03-NNNN-NNNN"],
    "da_DK": ["+45 NN NN NN NN", "NN NN NN NN"],
    "cs_CZ": ["+420 60N NNN NNN", "60N NNN NNN"],
    "tr_TR": ["0532 NNN NN NN", "+90 5NN NNN NN NN"],
    "vi_VN": ["091 NNN NN NN", "+84 9N NNN NNNN"],
    "fi_FI": ["040 NNN NNNN", "+358 40 NNN NNNN"],
    "sv_SE": ["070-NNN NN NN", "+46 70 NNN NN NN"],
    "ro_RO": ["07NN NNN NNN", "+40 7NN NNN NNN"],
}  # fmt: skip
JA_TOWNS = [
    "Nishi-Shinjuku",
    "Higashi-Ikebukuro",
    "Minami-Aoyama",
    "Kita-Shinagawa",
    "Honcho",
    "Sakae",
    "Tenjin",
    "Umeda",
    "Kamiyamacho",
    "Motomachi",
]
JA_WARDS = [
    ("Shinjuku-ku", "Tokyo"),
    ("Toshima-ku", "Tokyo"),
    ("Minato-ku", "Tokyo"),
    ("Naka-ku", "Nagoya"),
    ("Kita-ku", "Osaka"),
    ("Chuo-ku", "Fukuoka"),
    ("Naka-ku", "Yokohama"),
    ("Chuo-ku", "Sapporo"),
]
JA_CITIES = ["Kawasaki", "Sendai", "Kobe", "Nara", "Kanazawa", "Matsuyama", "Hakodate"]
TR_PLACES = [
    ("Kad\u0131köy", "İstanbul"),
    ("Çankaya", "Ankara"),
    ("Konak", "İzmir"),
    ("Nilüfer", "Bursa"),
    ("Muratpaşa", "Antalya"),
    ("Selçuklu", "Konya"),
]
TR_STREETS = ["Bağdat Cad.", "Atatürk Blv.", "Gül Sok.", "Menekşe Sok.", "Cumhuriyet Cad."]
VN_STREETS = ["Lý Tự Trọng", "Nguyễn Huệ", "Trần Hưng Đạo", "Lê Lợi", "Hai Bà Trưng"]
VN_PLACES = [
    ("Phường Bến Nghé", "Quận 1", "TP. Hồ Chí Minh"),
    ("Phường Hàng Bài", "Quận Hoàn Kiếm", "Hà Nội"),
    ("Phường Thạch Thang", "Quận Hải Châu", "Đà Nẵng"),
]
VN_CITIES = ["Huế", "Cần Thơ", "Hải Phòng", "Nha Trang", "Đà Lạt", "Vũng Tàu"]

FILLERS = [
    "uh",
    "um",
    "er",
    "like",
    "sorry",
    "hold on",
    "let me see",
    "hang on a sec",
    "what is it",
    "one second",
    "uh hm",
    "okay",
]
CORRECTIONS = [
    "no sorry",
    "no wait",
    "i mean",
    "scratch that",
    "sorry no",
    "no no",
    "wait that's wrong",
]
RESTARTS = [
    "sorry let me start again",
    "hang on i'll start over",
    "no wait from the top",
    "let me read it again",
    "ugh okay again",
    "sorry i lost my place",
]
PHONETIC = {
    "a": ["alpha", "apple"], "b": ["bravo", "boy"], "c": ["charlie", "cat"],
    "d": ["delta", "david"], "e": ["echo", "edward"], "f": ["foxtrot", "frank"],
    "g": ["golf", "george"], "h": ["hotel", "henry"], "i": ["india", "ida"],
    "j": ["juliet", "john"], "k": ["kilo", "king"], "l": ["lima", "lucy"],
    "m": ["mike", "mary"], "n": ["november", "nancy"], "o": ["oscar", "ocean"],
    "p": ["papa", "peter"], "q": ["quebec", "queen"], "r": ["romeo", "robert"],
    "s": ["sierra", "sam"], "t": ["tango", "tom"], "u": ["uniform", "umbrella"],
    "v": ["victor", "violet"], "w": ["whiskey", "william"], "x": ["xray", "xylophone"],
    "y": ["yankee", "yellow"], "z": ["zulu", "zebra"],
}  # fmt: skip
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "\u0131": "i",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
    }
)


# Every word of a name starts with a letter (the shared set's name shape).
NAME_SHAPE = re.compile(r"[^\W\d_][\w'.-]*(?: [^\W\d_][\w'.-]*)*")


class Phi(NamedTuple):
    text: str
    label: str
    family: str
    eid: int | None = None


class Keep(NamedTuple):
    text: str
    kind: str


Part = str | Phi | Keep


class Person(NamedTuple):
    first: str
    last: str
    loc: str

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def emit(b: Builder, *parts: Part) -> None:
    """Append text, gold spans (``Phi``) and must-keep negatives (``Keep``) in order."""
    for p in parts:
        if isinstance(p, Phi):
            b.phi(p.text, p.label, p.family, p.eid)
        elif isinstance(p, Keep):
            b.keep(p.text, p.kind)
        else:
            b.say(p)


def asr(s: str) -> str:
    """A written string as the recogniser prints it: lower case, punctuation but
    apostrophes gone (hyphens, dots and commas become spaces)."""
    s = s.replace("İ", "I").lower()
    return nfc(re.sub(r"[^\w\s']|_", " ", s))


def fold(s: str) -> str:
    """ASCII letters only (for e-mail local parts and spelled names)."""
    s = unicodedata.normalize("NFKD", s.translate(_FOLD))
    return "".join(c for c in s if c.isascii() and c.isalpha()).lower()


def name_fam(base: str, text: str) -> str:
    return base + (":nonascii" if has_non_ascii(text) else "")


def asr_number_run(s: str, rng: random.Random, postcode: bool = False) -> str:
    """An address piece read aloud: runs of up to three digits as numbers, longer runs
    digit by digit, letters and words lowercased."""
    out: list[str] = []
    for tok in re.findall(r"\d+|[^\W\d_]+", s.replace("İ", "I")):
        if tok.isupper() and len(tok) <= 3 and tok.isascii():
            out.append(" ".join(tok.lower()))
        elif tok.isdigit():
            n = int(tok)
            out.append(
                number_words(n)
                if len(tok) <= 3 and tok[0] != "0" and not postcode
                else digits_spoken(tok, rng)
            )
        else:
            out.append(tok.lower())
    return nfc(" ".join(out))


class Ctx:
    """The seeded state one set is written from."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = People(seed, locales=LOCALES)
        self.f = self.people.fakers
        self.ts = 0  # seconds into a call, for "[00:01:14]" offsets (0: none)

    # -- small choices ------------------------------------------------------------------
    def pick(self, seq: list[Any]) -> Any:
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def loc(self) -> str:
        if self.chance(0.5):
            return US
        return self.rng.choices([x for x, _ in ABROAD], [w for _, w in ABROAD])[0]

    def person(self, loc: str | None = None, kind: str = "plain") -> Person:
        loc = loc or self.loc()
        first, last = self.people.first_last(loc)
        while not NAME_SHAPE.fullmatch(f"{first} {last}"):  # e.g. Dutch "van 't Erve"
            first, last = self.people.first_last(loc)
        if kind == "common":
            loc = US if self.chance(0.6) else "en_GB"
            if self.chance(0.5):
                first = self.pick(COMMON_FIRST)
            last = self.pick(COMMON_LAST)
        elif kind == "multi":
            last = self.pick(MULTI_LAST)
        return Person(first, last, loc)

    def agent(self) -> str:
        return str(self.pick(AGENTS))

    def clinic(self) -> str:
        return str(self.pick(CLINICS))

    def turn(self, b: Builder, tag: str) -> None:
        b.line(tag)
        if self.ts:
            self.ts += self.rng.randint(2, 14)
            m, s = divmod(self.ts, 60)
            b.say(f"[00:{m:02d}:{s:02d}] ")

    # -- dates ------------------------------------------------------------------------
    def care_day(self) -> datetime.date:
        return datetime.date(YEAR, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def dob(self, age: int | None = None) -> datetime.date:
        age = age if age is not None else self.rng.randint(19, 88)
        return datetime.date(YEAR - age - 1, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def care_date_asr(self) -> tuple[str, str, str]:
        """(lead-in, date, family) for a day of care as spoken."""
        d = self.care_day()
        wd, day, mon = WEEKDAYS[d.weekday()], ORDINALS[d.day], MONTHS[d.month - 1]
        forms = [
            (
                self.pick(["next ", "this ", "this coming ", "on ", ""]),
                f"{wd} the {day}",
                "date_weekday",
            ),
            ("on ", f"{wd} {mon} {day}", "date_weekday_month"),
            ("on ", f"the {day} of {mon}", "date_written_month"),
            ("", f"{mon} {day}", "date_written_month"),
            ("on ", f"the {day}", "date_day_only"),
            (self.pick(["", "that's "]), f"{wd} the {day} of {mon}", "date_weekday_month"),
        ]
        return self.pick(forms)  # type: ignore[no-any-return]

    def care_date_written(self, us: bool) -> tuple[str, str]:
        d = self.care_day()
        wd = WEEKDAYS[d.weekday()][:3].capitalize()
        mon = MONTHS[d.month - 1].capitalize()
        md = f"{d.month}/{d.day}" if us else f"{d.day}/{d.month}"
        forms = [
            (f"{wd} {md}", "date_weekday_numeric"),
            (md, "date_short_numeric"),
            (f"{d.day:02d}.{d.month:02d}.", "date_short_numeric"),
            (f"{d.day}.{d.month}.", "date_short_numeric"),
            (f"{wd} {d.day:02d}.{d.month:02d}.", "date_weekday_numeric"),
            (f"{WEEKDAYS[d.weekday()].capitalize()} {d.day} {mon}", "date_weekday_month"),
            (f"{mon[:3]} {d.day}", "date_written_month"),
            (f"{d.day} {mon}", "date_written_month"),
            (f"{d.isoformat()}", "date_iso"),
            (f"{wd}, {mon[:3]} {d.day}", "date_weekday_month"),
            (f"the {d.day}{_suffix(d.day)}", "date_day_only"),
        ]
        return self.pick(forms)  # type: ignore[no-any-return]

    def dob_asr(self, d: datetime.date) -> tuple[str, str]:
        mon, day, y = MONTHS[d.month - 1], ORDINALS[d.day], d.year
        yy = two_digits(y % 100) if y % 100 >= 10 else f"oh {ONES[y % 10]}"
        forms = [
            (f"{mon} {day} {year_words(y)}", "dob_spoken_month"),
            (f"the {day} of {mon} {year_words(y)}", "dob_spoken_month"),
            (f"{mon} {two_digits(d.day)} {yy}", "dob_spoken_month"),
            (f"{day} of {mon} {yy}", "dob_spoken_month"),
            (f"{two_digits(d.month)} {two_digits(d.day)} {yy}", "dob_spoken_numeric"),
            (
                f"{digits_spoken(f'{d.month:02d}{d.day:02d}', self.rng)} {year_words(y)}",
                "dob_spoken_numeric",
            ),
            (f"{mon} {self.pick(['uh', 'um', 'the'])} {day} {year_words(y)}", "dob_spoken_filler"),
            (
                f"{two_digits(d.month)} {self.pick(['uh', 'um'])} {two_digits(d.day)} "
                f"{year_words(y)}",
                "dob_spoken_filler",
            ),
        ]
        return self.pick(forms)  # type: ignore[no-any-return]

    def dob_written(self, d: datetime.date, us: bool) -> tuple[str, str]:
        mon = MONTHS[d.month - 1].capitalize()
        first, second = (d.month, d.day) if us else (d.day, d.month)
        forms = [
            (f"{first:02d}/{second:02d}/{d.year}", "dob_written_numeric"),
            (f"{first}/{second}/{d.year % 100:02d}", "dob_written_numeric"),
            (f"{d.day:02d}.{d.month:02d}.{d.year}", "dob_written_dotted"),
            (f"{d.day}.{d.month}.{d.year}", "dob_written_dotted"),
            (d.isoformat(), "dob_written_iso"),
            (f"{d.day} {mon} {d.year}", "dob_written_month"),
            (f"{mon} {d.day}, {d.year}", "dob_written_month"),
            (f"{d.day:02d}-{mon[:3]}-{d.year}", "dob_written_month"),
            (f"{d.day}{_suffix(d.day)} {mon} {d.year}", "dob_written_month"),
            (f"{d.day:02d} {mon[:3].upper()} {d.year}", "dob_written_month"),
            (f"{d.year}{d.month:02d}{d.day:02d}", "dob_written_compact"),
            (f"{d.day}-{d.month}-{d.year}", "dob_written_numeric"),
        ]
        return self.pick(forms)  # type: ignore[no-any-return]

    # -- ages -------------------------------------------------------------------------
    def old_age(self) -> int:
        return self.rng.choice([90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 104])

    def age_asr(self, age: int) -> list[Part]:
        """Parts saying an age over 89."""
        w = number_words(age)
        if age >= 100 and self.chance(0.5):
            w = "a hundred" + (f" and {number_words(age - 100)}" if age > 100 else "")
        forms: list[list[Part]] = [
            ["she turned ", Phi(w, "AGE", "age_over_89_indirect")],
            ["he's ", Phi(w, "AGE", "age_over_89_plain"), " now"],
            ["she's ", Phi(w, "AGE", "age_over_89_plain"), " years old"],
            ["he'll be ", Phi(w, "AGE", "age_over_89_indirect"), " in a couple of weeks"],
            ["she's ", Phi(w, "AGE", "age_over_89_plain"), " you know so"],
            ["he's going on ", Phi(w, "AGE", "age_over_89_indirect")],
            ["she's ", Phi(w, "AGE", "age_over_89_plain"), " and sharp as a tack"],
        ]
        if age != 90:
            forms.append(
                [
                    "she just had her ",
                    Phi(_ordinal_words(w), "AGE", "age_over_89_indirect"),
                    " birthday",
                ]
            )
        vague = "ninety something" if age < 100 else "a hundred and something"
        forms.append(["she's ", Phi(vague, "AGE", "age_over_89_vague"), " we think"])
        return self.pick(forms)  # type: ignore[no-any-return]

    def young_age_asr(self) -> list[Part]:
        a = self.rng.choice([self.rng.randint(45, 88), 89, 89, 85, 86, 87, 88])
        return [
            self.pick(["she's ", "he's only ", "she is ", "he just turned "]),
            Keep(number_words(a), "AGE_UNDER_90"),
        ]

    # -- numbers ----------------------------------------------------------------------
    def read_digits(
        self, ds: str, groups: list[int] | None = None, mode: str | None = None
    ) -> tuple[str, str]:
        """A digit string read aloud in one of the interrupted ways: (words, family).
        The words start with the first digit and end with the last."""
        rng = self.rng
        if groups is None:
            groups = _even_groups(len(ds), rng)
        chunks, i = [], 0
        for g in groups:
            chunks.append(ds[i : i + g])
            i += g
        if i < len(ds):
            chunks.append(ds[i:])
        mode = mode or rng.choice(
            [
                "filler",
                "filler",
                "correction",
                "restart",
                "homophone",
                "homophone",
                "mixed",
                "double",
                "plain",
            ]
        )
        say = lambda c, **kw: digits_spoken(c, rng, **kw)  # noqa: E731
        if mode == "homophone":
            if not any(ch in "01248" for ch in ds):
                mode = "plain"
            else:
                words = [say(c, homophones=0.7) for c in chunks]
                return " ".join(words), "digits_homophone"
        if mode == "mixed":
            words = [say(c, pairs=0.8) for c in chunks]
            return " ".join(words), "digits_mixed_grouping"
        if mode == "double":
            text = _doubles(ds, chunks)
            if text is not None:
                return text, "digits_double"
            mode = "filler"
        if mode == "filler" and len(chunks) > 1:
            words = [say(c, homophones=0.1) for c in chunks]
            k = rng.randint(1, len(chunks) - 1)
            words.insert(k, rng.choice(FILLERS))
            if len(words) > 3 and rng.random() < 0.4:
                words.insert(rng.randint(1, len(words) - 1), rng.choice(FILLERS))
            return " ".join(words), "digits_filler"
        if mode == "correction" and len(chunks) > 1:
            k = rng.randint(1, len(chunks) - 1)
            bad = chunks[k][:-1] + str((int(chunks[k][-1]) + rng.randint(1, 8)) % 10)
            words = [say(c) for c in chunks[:k]]
            words += [say(bad), rng.choice(CORRECTIONS), say(chunks[k])]
            words += [say(c) for c in chunks[k + 1 :]]
            return " ".join(words), "digits_correction"
        if mode == "restart" and len(chunks) > 1:
            words = [say(c) for c in chunks[: rng.randint(1, len(chunks) - 1)]]
            words.append(rng.choice(RESTARTS))
            words += [say(c) for c in chunks]
            return " ".join(words), "digits_restart"
        return " ".join(say(c) for c in chunks), "digits_plain_spoken"

    def phonetic(self, letters: str, share: float = 0.6) -> str:
        """Letters spelled aloud, some with a phonetic word ("b as in bravo")."""
        out = []
        for ch in letters.lower():
            if ch in PHONETIC and self.rng.random() < share:
                word = self.pick(PHONETIC[ch])
                how = self.pick(["{c} as in {w}", "{c} like {w}", "{c} for {w}", "{c} as in {w}"])
                out.append(how.format(c=ch, w=word))
            else:
                out.append(ch)
        return " ".join(out)

    # -- identities -------------------------------------------------------------------
    def phone(self, loc: str) -> tuple[str, str, str]:
        """(written, country-code words, national digits) for a number of ``loc``."""
        fmt = self.pick(PHONE_FMT.get(loc, PHONE_FMT[US]))
        written = "".join(str(self.rng.randint(0, 9)) if ch == "N" else ch for ch in fmt)
        cc = ""
        rest = written
        if written.startswith("+"):
            code, rest = written[1:].split(" ", 1)
            cc = "plus " + " ".join(ONES[int(x)] for x in code)
        return written, cc, re.sub(r"\D", "", rest)

    def email(self, p: Person) -> str:
        f, last = fold(p.first), fold(p.last)
        local = self.pick(
            [
                f"{f}.{last}",
                f"{last}.{f[0]}",
                f"{f[0]}{last}{self.rng.randint(1, 99)}",
                f"{f}_{last[:4]}",
                f"{f}{last}",
                f"nana.{f}",
                f"{last}{self.rng.randint(40, 79)}",
            ]
        )
        if self.chance(0.25):
            dom = self.pick(ODD_MAIL).format(last=last)
        else:
            dom = self.pick(MAIL.get(p.loc, MAIL[US]))
        return f"{local}@{dom}"

    def email_asr(self, written: str) -> str:
        out = []
        for tok in re.findall(r"[a-z]+|\d+|[._@-]", written):
            out.append(
                {".": "dot", "_": "underscore", "-": "dash", "@": "at"}.get(tok)
                or (number_words(int(tok)) if tok.isdigit() else tok)
            )
        return " ".join(out)

    def address(self, loc: str) -> list[str]:
        """A postal address of ``loc`` as written lines (no country)."""
        f = self.f.get(loc)
        r = self.rng
        if loc == "ja_JP":
            ward, city = self.pick(JA_WARDS)
            return [
                f"{r.randint(1, 5)}-{r.randint(1, 30)}-{r.randint(1, 20)} {self.pick(JA_TOWNS)}",
                f"{ward}, {city} {r.randint(100, 999)}-{r.randint(1000, 9999)}",
            ]
        if loc == "tr_TR":
            dist, city = self.pick(TR_PLACES)
            return [
                f"{self.pick(TR_STREETS)} No:{r.randint(1, 140)} D:{r.randint(1, 24)}",
                f"{r.randint(10, 81)}{r.randint(100, 999)} {dist}/{city}",
            ]
        if loc == "vi_VN":
            ward, dist, city = self.pick(VN_PLACES)
            return [f"Số {r.randint(2, 180)} {self.pick(VN_STREETS)}", f"{ward}, {dist}, {city}"]
        if loc in {"es_MX", "ro_RO"} or f is None:
            loc, f = US, self.f[US]
        street = nfc(f.street_address())
        post, city = nfc(f.postcode()), nfc(f.city())
        if loc == US:
            return [street, f"{city}, {f.state_abbr()} {f.zipcode()}"]
        if loc == "en_AU":
            return [street, f"{city} {f.state_abbr()} {post}"]
        if loc in {"en_GB", "en_IE", "en_NZ"}:
            return [street, f"{city} {post}"] if self.chance(0.6) else [street, city, post]
        if loc == "nl_NL" and self.chance(0.4):
            return [street, post, city]
        return [street, f"{post} {city}"]

    def city(self, loc: str) -> str:
        if loc == "ja_JP":
            return str(self.pick(JA_CITIES))
        if loc == "tr_TR":
            return str(self.pick(TR_PLACES)[1])
        if loc == "vi_VN":
            return str(self.pick(VN_CITIES))
        if loc in {"es_MX"}:
            return str(self.pick(["Guadalajara", "Puebla", "Mérida", "Querétaro", "Toluca"]))
        return nfc(self.f[loc].city())

    def url(self, p: Person) -> str:
        f, last = fold(p.first), fold(p.last)
        return str(
            self.pick(
                [
                    f"https://www.gofundme.com/f/help-{f}-{last}-recover",
                    f"instagram.com/{f}.{last}",
                    f"https://photos.app.goo.gl/{rand_alnum(self.rng, 10)}",
                    f"www.caringbridge.org/visit/{f}{last}",
                    f"https://drive.google.com/file/d/{rand_alnum(self.rng, 16)}/view",
                    f"linkedin.com/in/{f}-{last}-{self.rng.randint(10, 99)}",
                    f"https://{last}-family.blogspot.com",
                ]
            )
        )

    def ssn(self) -> str:
        return f"{self.rng.randint(101, 899)}{rand_digits(self.rng, 2)}{rand_digits(self.rng, 4)}"

    def member_id(self) -> str:
        r = self.rng
        return str(
            self.pick(
                [
                    "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
                    + rand_digits(r, 9),
                    r.choice("WXYZ") + rand_digits(r, 9),
                    rand_digits(r, 9) + "-0" + str(r.randint(1, 4)),
                    "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
                    + rand_digits(r, 7),
                ]
            )
        )


def _ordinal_words(w: str) -> str:
    """ "ninety four" -> "ninety fourth", "a hundred and two" -> "a hundred and second"."""
    head, _, last = w.rpartition(" ")
    special = {
        "one": "first",
        "two": "second",
        "three": "third",
        "five": "fifth",
        "eight": "eighth",
        "nine": "ninth",
        "twelve": "twelfth",
    }
    last = special.get(last, last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return f"{head} {last}".strip()


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def rand_alnum(rng: random.Random, n: int) -> str:
    return "".join(
        rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(n)
    )


def _even_groups(n: int, rng: random.Random) -> list[int]:
    out = []
    while n > 0:
        g = min(n, rng.choice([2, 3, 3, 4]))
        out.append(g)
        n -= g
    return out


def _doubles(ds: str, chunks: list[str]) -> str | None:
    """ "double four", "triple seven" for repeated digits inside a chunk, or None."""
    if not any(c[i] == c[i + 1] for c in chunks for i in range(len(c) - 1)):
        return None
    words = []
    for c in chunks:
        i = 0
        while i < len(c):
            j = i
            while j < len(c) and c[j] == c[i]:
                j += 1
            run, w = j - i, ("oh" if c[i] == "0" else ONES[int(c[i])])
            if run == 2:
                words.append(f"double {w}")
            elif run == 3:
                words.append(f"triple {w}")
            else:
                words.extend([w] * run)
            i = j
    return " ".join(words)


def id_spoken(c: Ctx, ident: str) -> tuple[str, str]:
    """An alphanumeric identifier read aloud: letters spelled (some phonetically),
    digits read in one of the interrupted ways."""
    m = re.match(r"([A-Z]*)(\d+)(?:-(\d+))?$", ident)
    assert m, ident
    letters, digits, tail = m.group(1), m.group(2), m.group(3) or ""
    words, fam = c.read_digits(digits + tail)
    if letters:
        fam = "spelled_phonetic_id" if c.chance(0.6) else fam
        return f"{c.phonetic(letters, 0.7 if fam.startswith('spelled') else 0.0)} {words}", fam
    return words, fam


# --------------------------------------------------------------------------------------
# ASR scenarios
# --------------------------------------------------------------------------------------


def name_spoken(c: Ctx, p: Person) -> str:
    return asr(p.full)


def spell_name_asr(c: Ctx, p: Person) -> str:
    return c.phonetic(fold(p.last), share=c.pick([0.3, 0.6, 1.0]))


def say_phone_asr(c: Ctx, b: Builder, me: str, them: str, p: Person, lead: str) -> str:
    """The caller gives a phone number, sometimes split over two turns (never when
    ``me == them``, a voicemail); returns its national digits."""
    _, cc, digits = c.phone(p.loc)
    if p.loc != US and not cc and digits.startswith("0") and c.chance(0.3):
        cc, digits = "plus " + " ".join(ONES[int(x)] for x in _cc(p.loc)), digits[1:]
    split = me != them and c.chance(0.25)
    mode = c.pick(["plain", "homophone"]) if split else None
    if not split and p.loc in {"en_GB", "en_IE", "en_AU", "en_NZ"} and c.chance(0.5):
        mode = "double"  # "oh seven double four ..." as people there say it
    words, fam = c.read_digits(digits, mode=mode)
    fam += ":phone_nonus" if p.loc != US else ":phone_us"
    words = f"{cc} {words}" if cc else words
    emit(b, lead)
    if split:
        toks = words.split()
        k = len(toks) // 2
        eid = b.new_eid()
        emit(b, Phi(" ".join(toks[:k]), "PHONE", "digits_split_turns", eid))
        c.turn(b, them)
        emit(b, c.pick(["mhm", "okay go on", "yep", "got that", "uh huh"]))
        c.turn(b, me)
        emit(b, Phi(" ".join(toks[k:]), "PHONE", "digits_split_turns", eid))
    else:
        emit(b, Phi(words, "PHONE", fam))
    return digits


def _cc(loc: str) -> str:
    codes = {
        "en_GB": "44",
        "en_AU": "61",
        "en_IE": "353",
        "en_NZ": "64",
        "de_DE": "49",
        "de_AT": "43",
        "fr_FR": "33",
        "nl_NL": "31",
        "it_IT": "39",
        "es_ES": "34",
        "es_MX": "52",
        "pt_BR": "55",
        "pt_PT": "351",
        "pl_PL": "48",
        "cs_CZ": "420",
        "hu_HU": "36",
        "da_DK": "45",
        "fi_FI": "358",
        "sv_SE": "46",
        "tr_TR": "90",
        "vi_VN": "84",
        "ja_JP": "81",
        "ro_RO": "40",
    }
    return codes.get(loc, "1")


def say_meds_asr(c: Ctx) -> list[Part]:
    med, _, dose, _, freq = c.pick(MEDS)
    return [
        c.pick(["she takes ", "he's on ", "he's only on the ", "she's been on "]),
        Keep(med, "MEDICATION"),
        " ",
        Keep(dose, "DOSAGE"),
        " ",
        freq,
    ]


def say_city_asr(c: Ctx, loc: str) -> list[Part]:
    city = asr(c.city(loc))
    lead = c.pick(
        [
            "we're over in ",
            "she lives near ",
            "he's staying out in ",
            "i'm up in ",
            "they moved to ",
            "she's down in ",
            "i'm calling from ",
        ]
    )
    tail = f" in {asr(COUNTRY[loc])}" if loc != US and c.chance(0.3) else ""
    if loc == US and c.chance(0.3):
        tail = f" {asr(c.pick(US_STATES))}"
    return [lead, Phi(city, "ADDRESS", "city_alone"), tail + c.pick([" now", "", " these days"])]


def say_address_asr(c: Ctx, loc: str) -> Phi:
    """An address read aloud: house numbers as numbers, postcode digits one by one."""
    lines = c.address(loc)
    fam = "address_spoken_us" if loc == US else "address_spoken_nonus"
    said = [asr_number_run(lines[0], c.rng)]
    said += [asr_number_run(x, c.rng, postcode=True) for x in lines[1:]]
    return Phi(" ".join(said), "ADDRESS", fam)


def asr_answering(c: Ctx, b: Builder) -> None:
    op, me = c.pick(
        [
            ("operator", "caller"),
            ("OPERATOR", "CALLER"),
            ("ANS", "caller"),
            ("answering service", "caller"),
            ("spk0", "spk1"),
        ]
    )
    pat = c.person()
    caller = c.person(loc=pat.loc if c.chance(0.6) else None)
    old = c.chance(0.55)
    age = c.old_age() if old else c.rng.randint(50, 88)
    c.turn(b, op)
    emit(
        b,
        c.pick(
            [
                "you've reached the after hours line for ",
                "this is the answering service for ",
                "thank you for calling ",
                "after hours for ",
            ]
        ),
        Keep(asr(c.clinic()), "CLINIC_NAME"),
        " this is ",
        Keep(asr(c.agent()), "AGENT_NAME"),
        c.pick(
            [
                " is this a medical emergency",
                " are you calling about an emergency tonight",
                " how can i help",
            ]
        ),
    )
    c.turn(b, me)
    rel = c.pick(RELATIONS)
    emit(
        b,
        c.pick(
            ["no it's not an emergency ", "um no i don't think so ", "not really no ", "no no "]
        ),
        "i'm calling about ",
        rel,
        " ",
        Phi(name_spoken(c, pat), "NAME", name_fam("name_relation", pat.full)),
    )
    if old:
        emit(b, " ", *c.age_asr(age))
    elif c.chance(0.6):
        emit(b, " ", *c.young_age_asr())
    emit(
        b,
        c.pick(
            [
                " and she's had a fall",
                " he's really confused tonight",
                " she can't keep anything down",
                " his leg is all swollen",
            ]
        ),
    )
    c.turn(b, op)
    emit(
        b,
        c.pick(
            [
                "okay and the patient's date of birth",
                "i'm sorry to hear that what's their date of birth",
                "can i get a birthday for the patient",
            ]
        ),
    )
    c.turn(b, me)
    text, fam = c.dob_asr(c.dob(age))
    emit(b, c.pick(["it's ", "", "um ", "that's "]), Phi(text, "DATE", fam))
    c.turn(b, op)
    emit(b, c.pick(["and your name", "and who am i speaking with", "and you are"]))
    c.turn(b, me)
    if c.chance(0.4):
        emit(
            b,
            "",
            Phi(asr(caller.first), "NAME", name_fam("name_answer", caller.first)),
            " ",
            Phi(asr(caller.last), "NAME", name_fam("name_answer", caller.last)),
            " that's ",
            Phi(spell_name_asr(c, caller), "NAME", "spelled_phonetic"),
        )
    else:
        emit(
            b,
            c.pick(["", "oh it's ", "this is ", "sorry yeah "]),
            Phi(name_spoken(c, caller), "NAME", name_fam("name_answer", caller.full)),
        )
    c.turn(b, op)
    emit(b, "and a callback number for the doctor on call")
    c.turn(b, me)
    say_phone_asr(c, b, me, op, caller, c.pick(["yeah it's ", "my mobile is ", "", "um "]))
    if c.chance(0.6):
        c.turn(b, me)
        emit(b, *say_meds_asr(c))
    if c.chance(0.5):
        emit(b, " and ", *say_city_asr(c, pat.loc))
    c.turn(b, op)
    h = c.rng.randint(8, 11)
    emit(
        b,
        "okay the on call should ring you before ",
        Keep(two_digits(h) + " o'clock", "TIME"),
        c.pick([" tonight", "", " if not call us back"]),
    )


def asr_pharmacy(c: Ctx, b: Builder) -> None:
    ph, me = c.pick(
        [("pharmacist", "caller"), ("PHARM", "PT"), ("tech", "customer"), ("AGENT 2", "CALLER")]
    )
    p = c.person()
    med, _, dose, _, _ = c.pick(MEDS)
    c.turn(b, ph)
    emit(
        b,
        c.pick(["refill line at ", "thanks for calling ", "you're through to "]),
        Keep(asr(c.pick(PHARMACIES)), "CLINIC_NAME"),
        " ",
        c.pick(["this is ", "you've got "]),
        Keep(asr(c.agent()), "AGENT_NAME"),
    )
    c.turn(b, me)
    emit(
        b,
        c.pick(
            [
                "hi um i need a refill on my ",
                "yeah hi calling to refill the ",
                "hello i'm nearly out of my ",
            ]
        ),
        Keep(med, "MEDICATION"),
        c.pick([" the ", " "]),
        Keep(dose, "DOSAGE"),
    )
    c.turn(b, ph)
    emit(
        b,
        c.pick(
            [
                "sure what's the date of birth",
                "no problem birthday please",
                "okay can i have your date of birth",
            ]
        ),
    )
    c.turn(b, me)
    text, fam = c.dob_asr(c.dob())
    emit(b, Phi(text, "DATE", fam))
    c.turn(b, ph)
    emit(b, "and the last name")
    c.turn(b, me)
    emit(
        b,
        Phi(asr(p.last), "NAME", name_fam("name_answer", p.last)),
        " ",
        c.pick(["spelled ", "that's ", "", "it's "]),
        Phi(spell_name_asr(c, p), "NAME", "spelled_phonetic"),
    )
    c.turn(b, ph)
    n = c.rng.randint(1, 5)
    emit(
        b,
        "okay i see it you've got ",
        Keep(ONES[n] + (" refills" if n > 1 else " refill"), "COUNT"),
        " left do you want the ",
        Keep("ninety", "COUNT"),
        " day supply",
    )
    c.turn(b, me)
    emit(b, "yes please and my insurance changed the new member id is ")
    words, fam = id_spoken(c, c.member_id())
    emit(b, Phi(words, "MEMBER_ID", fam))
    c.turn(b, ph)
    lead, date, fam = c.care_date_asr()
    emit(
        b,
        "got it it'll be ready ",
        lead,
        Phi(date, "DATE", fam),
        " after ",
        Keep(c.pick(["two", "three", "four"]) + " o'clock", "TIME"),
    )
    if c.chance(0.6):
        c.turn(b, me)
        q = c.person(loc=p.loc if c.chance(0.5) else None)
        kind = c.pick(["relation", "nocue", "common"])
        if kind == "common":
            q = c.person(kind="common")
            emit(
                b,
                "great mrs ",
                Phi(asr(q.last), "NAME", "name_common_word"),
                " from next door might grab it for me",
            )
        elif kind == "nocue":
            emit(
                b,
                "okay ",
                Phi(asr(q.first), "NAME", name_fam("name_no_cue", q.first)),
                " will pick it up she drives past anyway",
            )
        else:
            emit(
                b,
                "thanks ",
                c.pick(RELATIONS),
                " ",
                Phi(asr(q.full), "NAME", name_fam("name_relation", q.full)),
                " is collecting it",
            )


def asr_home_health(c: Ctx, b: Builder) -> None:
    sch, fam_tag = c.pick(
        [
            ("scheduler", "daughter"),
            ("AGENT 2", "CALLER"),
            ("HH", "family"),
            ("coordinator", "son"),
            ("spk0", "spk1"),
        ]
    )
    pat = c.person()
    carer = c.person(kind=c.pick(["plain", "common", "multi"]))
    c.turn(b, sch)
    emit(
        b,
        Keep(
            asr(c.pick(["Mercy Home Health", "Tri-County Hospice", "Greenway Community Health"])),
            "CLINIC_NAME",
        ),
        " scheduling ",
        Keep(asr(c.agent()), "AGENT_NAME"),
        " speaking",
    )
    c.turn(b, fam_tag)
    emit(
        b,
        "hi i'm ringing to set up the nurse visits for ",
        c.pick(["my mum ", "my dad ", "my gran ", ""]),
        Phi(asr(pat.full), "NAME", name_fam("name_relation", pat.full)),
    )
    if c.chance(0.6):
        emit(b, " ", *c.age_asr(c.old_age()))
    c.turn(b, sch)
    emit(b, "of course and what's the address we're visiting")
    c.turn(b, fam_tag)
    emit(
        b,
        c.pick(["it's ", "um ", "she's at ", ""]),
        say_address_asr(c, pat.loc if c.chance(0.7) else US),
    )
    if c.chance(0.3):
        emit(b, " the buzzer doesn't work")
    c.turn(b, sch)
    lead, date, fam = c.care_date_asr()
    hh = c.rng.randint(8, 16)
    emit(
        b,
        "i can send someone ",
        lead,
        Phi(date, "DATE", fam),
        " around ",
        Keep(c.pick([clock(hh), two_digits(hh % 12 or 12) + " thirty"]), "TIME"),
    )
    c.turn(b, fam_tag)
    rel = c.pick(THIRD_RELATIONS)
    if carer.last in COMMON_LAST:
        rel = c.pick(["the carer", "the neighbour", "her carer", "the home help"])
    emit(b, "that works ", rel, " ")
    if carer.last in COMMON_LAST:
        emit(b, c.pick(["mrs ", "mr ", "miss "]), Phi(asr(carer.last), "NAME", "name_common_word"))
    else:
        fam = "name_multipart" if carer.last in MULTI_LAST else "name_relation"
        emit(b, Phi(asr(carer.full), "NAME", name_fam(fam, carer.full)))
    emit(b, " will let them in")
    c.turn(b, sch)
    emit(b, "and a number for ", c.pick(["them", "the carer", "whoever's there"]))
    c.turn(b, fam_tag)
    say_phone_asr(
        c,
        b,
        fam_tag,
        sch,
        carer if carer.loc != US or c.chance(0.5) else pat,
        c.pick(["", "it's ", "yeah ", "the landline is "]),
    )
    if c.chance(0.5):
        c.turn(b, sch)
        emit(b, "is she still on the ", *say_meds_asr(c)[1:])


def clock(h: int) -> str:
    return f"{two_digits(h % 12 or 12)} o'clock"


def asr_prior_auth(c: Ctx, b: Builder) -> None:
    rep, off = c.pick(
        [
            ("rep", "office"),
            ("UM", "CALLER"),
            ("agent", "provider office"),
            ("PAYER", "CLINIC"),
            ("S0", "S1"),
        ]
    )
    staff = c.person()
    pat = c.person()
    clinic = c.clinic()
    payer = c.pick(PAYERS)
    c.turn(b, rep)
    emit(
        b,
        Keep(payer[1], "ORG_NAME"),
        " utilization management this is ",
        Keep(asr(c.agent()), "AGENT_NAME"),
    )
    c.turn(b, off)
    emit(
        b,
        c.pick(["hi this is ", "hey it's ", "good morning my name's "]),
        Phi(asr(staff.full), "NAME", name_fam("name_office_caller", staff.full)),
        " calling from ",
        Keep(asr(clinic), "CLINIC_NAME"),
        c.pick([" about a prior auth", " for a prior authorization", " to check on an auth"]),
    )
    c.turn(b, rep)
    emit(b, "okay can you spell your last name for me")
    c.turn(b, off)
    emit(
        b, c.pick(["sure ", "yep ", ""]), Phi(spell_name_asr(c, staff), "NAME", "spelled_phonetic")
    )
    c.turn(b, rep)
    emit(b, "and the member")
    c.turn(b, off)
    emit(
        b,
        c.pick(["patient is ", "the patient's name is ", "it's for "]),
        Phi(asr(pat.full), "NAME", name_fam("name_answer", pat.full)),
        " date of birth ",
    )
    text, fam = c.dob_asr(c.dob())
    emit(b, Phi(text, "DATE", fam))
    c.turn(b, rep)
    emit(b, "member id")
    c.turn(b, off)
    words, fam = id_spoken(c, c.member_id())
    emit(b, c.pick(["", "uh ", "okay it's "]), Phi(words, "MEMBER_ID", fam))
    c.turn(b, off)
    med, _, dose, _, _ = c.pick(MEDS)
    lead, date, dfam = c.care_date_asr()
    emit(
        b,
        "it's for ",
        Keep(med, "MEDICATION"),
        " ",
        Keep(dose, "DOSAGE"),
        " and she was seen ",
        lead,
        Phi(date, "DATE", dfam),
    )
    if c.chance(0.5):
        words, fam = c.read_digits(rand_digits(c.rng, 8))
        emit(b, " her chart number with us is ", Phi(words, "MRN", fam))
    c.turn(b, rep)
    emit(b, "okay and a callback number for your office")
    c.turn(b, off)
    clinic_no = digits_spoken("800" + rand_digits(c.rng, 7), c.rng)
    emit(b, "our main line is ", Keep(clinic_no, "CLINIC_PHONE"))
    if c.chance(0.5):
        emit(b, " or my direct line ")
        words, fam = c.read_digits(rand_digits(c.rng, 10))
        emit(b, Phi(words, "PHONE", fam))
    if c.chance(0.4):
        c.turn(b, rep)
        emit(b, "great we'll fax a determination within ", Keep("three", "COUNT"), " business days")


def asr_interpreter(c: Ctx, b: Builder) -> None:
    loc = c.pick([x for x in LANGUAGE])
    pat = c.person(loc=loc)
    ag, itp, pt = c.pick(
        [
            ("agent", "interpreter", "patient"),
            ("AGENT", "INTERPRETER", "PT"),
            ("rep", "Interpreter", "caller"),
            ("spk0", "spk1", "spk2"),
        ]
    )
    c.turn(b, ag)
    iname = c.agent()
    emit(
        b,
        "thanks for holding i have ",
        Keep(asr(iname), "AGENT_NAME"),
        " on the line for ",
        LANGUAGE[loc],
        " go ahead",
    )
    c.turn(b, itp)
    emit(b, "hello this is the interpreter i'll relay in third person")
    c.turn(b, ag)
    emit(b, "can you ask her full name please")
    c.turn(b, pt)
    emit(
        b,
        NATIVE_NAME_PHRASE[loc],
        " ",
        Phi(asr(pat.full), "NAME", name_fam("name_foreign_phrase", pat.full)),
    )
    c.turn(b, itp)
    emit(
        b,
        c.pick(["she says her name is ", "her name is ", "she says it's "]),
        Phi(asr(pat.full), "NAME", name_fam("name_interpreted", pat.full)),
    )
    if c.chance(0.5):
        emit(
            b,
            " and she spells the last name ",
            Phi(spell_name_asr(c, pat), "NAME", "spelled_phonetic"),
        )
    c.turn(b, ag)
    emit(b, "and date of birth")
    c.turn(b, itp)
    old = c.chance(0.45)
    age = c.old_age() if old else c.rng.randint(30, 88)
    text, fam = c.dob_asr(c.dob(age))
    emit(
        b,
        c.pick(["she says her date of birth is ", "she says she was born ", "date of birth "]),
        Phi(text, "DATE", fam),
    )
    if old:
        emit(b, " she says she's ", Phi(number_words(age), "AGE", "age_over_89_plain"))
    c.turn(b, itp)
    host = c.person(loc=loc)
    emit(
        b,
        "she says she's staying with her ",
        c.pick(["son", "granddaughter", "brother in law", "carer"]),
        " ",
        Phi(asr(host.first), "NAME", name_fam("name_relation_interpreted", host.first)),
    )
    if c.chance(0.6):
        emit(b, " in ", Phi(asr(c.city(loc)), "ADDRESS", "city_alone"))
    else:
        emit(b, " at ", say_address_asr(c, loc))
    c.turn(b, ag)
    emit(b, "and a phone number")
    c.turn(b, itp)
    say_phone_asr(c, b, itp, ag, pat, "she says ")
    c.turn(b, ag)
    emit(b, "tell her the appointment is ")
    lead, date, fam = c.care_date_asr()
    emit(b, lead, Phi(date, "DATE", fam), " at ", Keep(clock(c.rng.randint(8, 15)), "TIME"))


def asr_voicemail(c: Ctx, b: Builder) -> None:
    c.ts = c.rng.randint(1, 5)
    tag = c.pick(["spk1", "vm", "VM 1", "voicemail"])
    me = c.person()
    pat = c.person(loc=me.loc if c.chance(0.7) else None)
    c.turn(b, tag)
    emit(
        b,
        c.pick(["hi ", "hey um ", "hello ", "yeah hi "]),
        "this message is for ",
        Keep(asr(c.agent()), "AGENT_NAME"),
        " at ",
        Keep(asr(c.clinic()), "CLINIC_NAME"),
    )
    c.turn(b, tag)
    emit(
        b,
        "it's ",
        Phi(asr(me.full), "NAME", name_fam("name_self_intro", me.full)),
        " calling back about ",
        c.pick(["my mom's", "my dad's", "my wife's", "my brother's"]),
        " results",
    )
    c.turn(b, tag)
    text, fam = c.dob_asr(c.dob())
    emit(
        b,
        c.pick(["the patient is ", "that's ", "it's for "]),
        Phi(asr(pat.full), "NAME", name_fam("name_relation", pat.full)),
        " date of birth ",
        Phi(text, "DATE", fam),
    )
    if c.chance(0.5):
        c.turn(b, tag)
        lead, date, dfam = c.care_date_asr()
        emit(
            b,
            "she's booked for a scan ",
            lead,
            Phi(date, "DATE", dfam),
            " and nobody's called since",
        )
    c.turn(b, tag)
    lead = c.pick(["you can reach me on ", "my cell is ", "call me back at "])
    digits = say_phone_asr(c, b, tag, tag, me, lead)
    if c.chance(0.6):
        c.turn(b, tag)
        words, _ = c.read_digits(digits, mode=c.pick(["plain", "mixed"]))
        emit(b, "again that's ", Phi(words, "PHONE", "phone_repeat"))
    if c.chance(0.4):
        c.turn(b, tag)
        e = c.email(me)
        emit(b, "or email me ", Phi(c.email_asr(e), "EMAIL", "email_spoken"))
    if c.chance(0.2):
        c.turn(b, tag)
        slug = f"{asr(pat.first)} {asr(pat.last)}"
        emit(
            b,
            "the family set up a page it's ",
            Phi(f"gofundme dot com slash f slash help {slug}", "URL", "url_spoken"),
        )
    c.turn(b, tag)
    emit(b, c.pick(["okay thanks bye", "thank you bye bye", "anyway thanks"]))
    c.ts = 0


def asr_billing(c: Ctx, b: Builder) -> None:
    ag, me = c.pick(
        [("billing", "patient"), ("AGENT 2", "CALLER"), ("agent", "guarantor"), ("rep", "caller")]
    )
    p = c.person()
    c.turn(b, ag)
    emit(
        b,
        Keep(asr(c.clinic()), "CLINIC_NAME"),
        " billing office ",
        Keep(asr(c.agent()), "AGENT_NAME"),
        " speaking do you have your account number",
    )
    c.turn(b, me)
    words, fam = c.read_digits(rand_digits(c.rng, c.pick([7, 8, 9, 10])))
    emit(b, c.pick(["yeah it's ", "um ", "i think it's ", ""]), Phi(words, "ACCOUNT", fam))
    c.turn(b, ag)
    emit(b, "and who's the guarantor on the account")
    c.turn(b, me)
    g = c.person(loc=p.loc)
    emit(
        b,
        c.pick(["it's under ", "that'd be "]),
        c.pick(RELATIONS),
        " ",
        Phi(asr(g.full), "NAME", name_fam("name_relation", g.full)),
    )
    c.turn(b, ag)
    emit(b, "to verify the last four of the social")
    c.turn(b, me)
    words, fam = c.read_digits(rand_digits(c.rng, 4, False), groups=[2, 2])
    emit(b, Phi(words, "SSN", fam + ":ssn_last4"))
    if c.chance(0.4):
        c.turn(b, me)
        words, fam = c.read_digits(c.ssn(), groups=[3, 2, 4])
        emit(b, "actually the full one is ", Phi(words, "SSN", fam))
    c.turn(b, ag)
    lead, date, dfam = c.care_date_asr()
    emit(
        b,
        "thank you the balance is from the visit ",
        lead,
        Phi(date, "DATE", dfam),
        " ",
        Keep(c.pick(PAYERS)[1], "ORG_NAME"),
        " paid part of it",
    )
    c.turn(b, me)
    emit(b, "okay i'll pay the rest on a card")
    c.turn(b, ag)
    emit(b, "go ahead with the card number")
    c.turn(b, me)
    words, fam = c.read_digits(
        str(c.rng.choice([4, 5])) + rand_digits(c.rng, 15, False), groups=[4, 4, 4, 4]
    )
    emit(b, Phi(words, "CARD", fam))
    if c.chance(0.5):
        c.turn(b, ag)
        emit(b, "and the billing address")
        c.turn(b, me)
        emit(b, say_address_asr(c, p.loc))


def asr_triage(c: Ctx, b: Builder) -> None:
    rn, me = c.pick(
        [
            ("NURSE", "Pt"),
            ("RN", "caller"),
            ("nurse", "daughter in law"),
            ("triage", "CALLER"),
            ("spk0", "spk1"),
        ]
    )
    p = c.person(kind=c.pick(["plain", "plain", "common", "multi"]))
    c.turn(b, rn)
    emit(b, "nurse line this is ", Keep(asr(c.agent()), "AGENT_NAME"), " who am i speaking with")
    c.turn(b, me)
    fam = (
        "name_common_word"
        if p.last in COMMON_LAST
        else "name_multipart"
        if p.last in MULTI_LAST
        else "name_answer"
    )
    emit(
        b,
        c.pick(["hi it's ", "this is ", "", "uh "]),
        Phi(asr(p.full), "NAME", name_fam(fam, p.full)),
    )
    if c.chance(0.5):
        relp = c.person(loc=p.loc)
        emit(
            b,
            " i'm calling for ",
            c.pick(RELATIONS),
            " ",
            Phi(asr(relp.first), "NAME", name_fam("name_relation", relp.first)),
        )
    c.turn(b, rn)
    emit(b, "what's going on")
    c.turn(b, me)
    lead, date, dfam = c.care_date_asr()
    emit(
        b,
        c.pick(["he's been dizzy since ", "she's had a fever since ", "the cough started "]),
        "" if lead == "on " else lead,
        Phi(date, "DATE", dfam),
    )
    if c.chance(0.6):
        emit(b, " and ", *c.age_asr(c.old_age()))
    else:
        emit(b, " and ", *c.young_age_asr())
    c.turn(b, rn)
    emit(b, "any medications")
    c.turn(b, me)
    emit(b, *say_meds_asr(c))
    c.turn(b, rn)
    emit(b, c.pick(["do you have the medical record number", "is there an m r n on the letter"]))
    c.turn(b, me)
    words, fam = c.read_digits(rand_digits(c.rng, c.pick([7, 8])))
    emit(b, c.pick(["yeah ", "hang on ", ""]), Phi(words, "MRN", fam))
    c.turn(b, rn)
    emit(b, "best callback")
    c.turn(b, me)
    say_phone_asr(c, b, me, rn, p, "")
    if c.chance(0.4):
        emit(b, " ", *say_city_asr(c, p.loc))


def asr_eligibility(c: Ctx, b: Builder) -> None:
    rep, off = c.pick([("payer", "provider"), ("REP", "OFFICE"), ("agent", "caller")])
    staff = c.person()
    sub = c.person()
    dep = c.person(loc=sub.loc)
    payer = c.pick(PAYERS)
    c.turn(b, rep)
    emit(
        b,
        Keep(payer[1], "ORG_NAME"),
        " provider services this is ",
        Keep(asr(c.agent()), "AGENT_NAME"),
        " may i have your name",
    )
    c.turn(b, off)
    emit(
        b,
        Phi(asr(staff.first), "NAME", name_fam("name_answer", staff.first)),
        " ",
        Phi(asr(staff.last), "NAME", name_fam("name_answer", staff.last)),
        " with ",
        Keep(asr(c.clinic()), "CLINIC_NAME"),
    )
    c.turn(b, rep)
    emit(b, "and the member id")
    c.turn(b, off)
    mid = c.member_id()
    words, fam = id_spoken(c, mid)
    emit(b, Phi(words, "MEMBER_ID", fam))
    c.turn(b, rep)
    emit(b, "i have the subscriber as")
    c.turn(b, rep)
    emit(
        b,
        Phi(asr(sub.last), "NAME", name_fam("name_last_first_spoken", sub.last)),
        " comma ",
        Phi(asr(sub.first), "NAME", name_fam("name_last_first_spoken", sub.first)),
    )
    c.turn(b, off)
    emit(
        b,
        "right and the patient is the ",
        c.pick(["daughter", "stepson", "spouse", "grandchild"]),
        " ",
        Phi(asr(dep.first), "NAME", name_fam("name_relation", dep.first)),
        " born ",
    )
    text, fam = c.dob_asr(c.dob(c.rng.randint(3, 40)))
    emit(b, Phi(text, "DATE", fam))
    c.turn(b, rep)
    lead, date, dfam = c.care_date_asr()
    emit(b, "coverage is active for the date of service ", lead, Phi(date, "DATE", dfam))
    if c.chance(0.5):
        emit(b, " copay is ", Keep(c.pick(["twenty", "thirty five", "forty"]), "COUNT"), " dollars")


# --------------------------------------------------------------------------------------
# Written scenarios
# --------------------------------------------------------------------------------------


def last_first(p: Person) -> str:
    """ "KOWALSKA, Anna" (mostly) or "Kowalska, Anna"."""
    return f"{p.last.upper() if len(p.last) % 3 else p.last}, {p.first}"


def w_phone(c: Ctx, p: Person) -> Phi:
    written, _, _ = c.phone(p.loc)
    fam = (
        "phone_us_written"
        if p.loc == US
        else ("phone_international" if written.startswith("+") else "phone_national")
    )
    return Phi(written, "PHONE", fam)


def w_address_lines(c: Ctx, b: Builder, p: Person, tags: list[str]) -> None:
    """A multi-line address, one piece per line (same eid), country outside."""
    lines = c.address(p.loc)
    eid = b.new_eid()
    fam = "address_multiline_us" if p.loc == US else "address_multiline_nonus"
    for i, line in enumerate(lines):
        b.line(tags[min(i, len(tags) - 1)])
        emit(b, Phi(line, "ADDRESS", fam, eid))
    if p.loc != US and c.chance(0.6):
        b.line("Country")
        emit(b, COUNTRY[p.loc])


def w_address_one_line(c: Ctx, p: Person) -> list[Part]:
    lines = c.address(p.loc)
    fam = "address_us" if p.loc == US else "address_nonus_order"
    parts: list[Part] = [Phi(", ".join(lines), "ADDRESS", fam)]
    if p.loc != US and c.chance(0.5):
        parts.append(f", {COUNTRY[p.loc]}")
    return parts


def w_portal(c: Ctx, b: Builder) -> None:
    writer = c.person()
    pat = c.person(loc=writer.loc if c.chance(0.6) else None)
    us = writer.loc == US
    b.line("Subject")
    emit(
        b,
        c.pick(
            [
                "Question about mum's refill",
                "Re: test results",
                "Appointment request",
                "Please call me",
                "Form for my father",
            ]
        ),
    )
    b.line(c.pick(["Patient", "Regarding", "Patient name"]))
    emit(b, Phi(last_first(pat), "NAME", name_fam("name_last_first", last_first(pat))))
    b.line(c.pick(["DOB", "Date of birth", "Born"]))
    old = c.chance(0.5)
    age = c.old_age() if old else c.rng.randint(20, 88)
    text, fam = c.dob_written(c.dob(age), us)
    emit(b, Phi(text, "DATE", fam))
    b.line("Message")
    emit(
        b,
        c.pick(["Hello, ", "Hi, ", "Good morning, ", "Dear nurse, "]),
        "I'm writing on behalf of my ",
        c.pick(["mother", "aunt", "stepmother", "grandmother", "godmother"]),
        ", who is ",
    )
    if old:
        emit(b, Phi(str(age), "AGE", "age_over_89_plain"), c.pick([" now", " this year", ""]), ". ")
    else:
        emit(b, Keep(str(age), "AGE_UNDER_90"), ". ")
    med, dose, *_ = c.pick(MEDS)
    emit(b, "She ran out of ", Keep(med, "MEDICATION"), " ", Keep(dose, "DOSAGE"), " on ")
    date, dfam = c.care_date_written(us)
    emit(
        b,
        Phi(date, "DATE", dfam),
        " and ",
        Keep(c.pick(PHARMACIES), "CLINIC_NAME"),
        " says they need a new script. ",
    )
    if c.chance(0.5):
        q = c.person(loc=writer.loc)
        emit(
            b,
            "Did ",
            Phi(q.first, "NAME", name_fam("name_no_cue", q.first)),
            c.pick([" get the letter I sent in ", " ever send the form from "]),
            str(c.rng.randint(2015, 2024)),
            "? ",
        )
    if c.chance(0.25):
        emit(b, "Her discharge letter is here: ", Phi(c.url(pat), "URL", "url_written"), " ")
    emit(b, "You can reach me on ", w_phone(c, writer))
    if c.chance(0.7):
        emit(b, " or at ", Phi(c.email(writer), "EMAIL", "email_written_tld"))
    emit(
        b,
        ". We are in ",
        Phi(c.city(pat.loc), "ADDRESS", "city_alone"),
        c.pick(["", f", {COUNTRY[pat.loc]}", " for now"]),
        ".",
    )
    b.line(c.pick(["Sent by", "Proxy", "From"]))
    emit(
        b,
        Phi(writer.full, "NAME", name_fam("name_signature", writer.full)),
        c.pick([" (daughter, proxy access)", " (son)", " - carer", ""]),
    )


def w_sms(c: Ctx, b: Builder) -> None:
    clin, me = c.pick(
        [("Clinic", "Patient"), ("SMS out", "SMS in"), ("Them", "Me"), ("Reminder", "Reply")]
    )
    p = c.person()
    us = p.loc == US
    clinic = c.clinic()
    b.line(clin)
    date, dfam = c.care_date_written(us)
    hh, mm = c.rng.randint(8, 17), c.pick([0, 15, 30, 45])
    tm = f"{hh}:{mm:02d}" if not us else f"{hh % 12 or 12}:{mm:02d}{'am' if hh < 12 else 'pm'}"
    emit(
        b,
        Keep(clinic, "CLINIC_NAME"),
        ": Hi ",
        Phi(p.first, "NAME", name_fam("name_greeting", p.first)),
        ", reminder of your appt ",
        Phi(date, "DATE", dfam),
        " at ",
        Keep(tm, "TIME"),
        ". Reply C to confirm or call ",
        Keep(c.pick(["(800) 555-0134", "1-888-555-0177", "0800 555 0199"]), "CLINIC_PHONE"),
        ".",
    )
    b.line(me)
    emit(b, c.pick(["C", "c thx", "Confirmed", "ok"]))
    b.line(me)
    kind = c.pick(["nocue", "relation", "common"])
    q = c.person(kind="common") if kind == "common" else c.person(loc=p.loc)
    if kind == "nocue":
        emit(
            b,
            *c.pick(
                [
                    [
                        "Is ",
                        Phi(q.first, "NAME", name_fam("name_no_cue", q.first)),
                        " still coming with me?",
                    ],
                    [
                        "Can ",
                        Phi(q.first, "NAME", name_fam("name_no_cue", q.first)),
                        " drive me? She has the car.",
                    ],
                ]
            ),
        )
    elif kind == "common":
        emit(
            b,
            "Also Dr said to ask for ",
            Phi(q.first + " " + q.last, "NAME", "name_common_word"),
            " at the front desk?",
        )
    else:
        emit(
            b,
            "My ",
            c.pick(["stepdaughter", "carer", "husband's brother", "neighbour"]),
            " ",
            Phi(q.full, "NAME", name_fam("name_relation", q.full)),
            " will bring me",
        )
    b.line(clin)
    emit(b, "Thanks! Please bring your insurance card")
    if c.chance(0.5):
        emit(b, " (", Keep(c.pick(PAYERS)[0], "ORG_NAME"), ")")
    emit(b, ".")
    b.line(me)
    ch = c.rng.random()
    if ch < 0.35:
        emit(b, "Photos of the rash here ", Phi(c.url(p), "URL", "url_written"))
    elif ch < 0.7:
        d2, f2 = c.care_date_written(us)
        emit(
            b,
            "Can we move to ",
            Phi(d2, "DATE", f2),
            "? ",
            c.pick(["Working till 5", "Bus strike"]),
        )
    else:
        emit(b, "New number pls use ", w_phone(c, p))


def w_triage_note(c: Ctx, b: Builder) -> None:
    p = c.person(kind=c.pick(["plain", "plain", "multi", "common"]))
    us = p.loc == US
    old = c.chance(0.6)
    age = c.old_age() if old else c.rng.randint(30, 89)
    tags = c.pick(
        [
            ("S", "O", "A", "P"),
            ("CC", "HPI", "Assessment", "Plan"),
            ("NURSE", "NURSE", "NURSE", "NURSE"),
            ("Triage", "Hx", "Impression", "Disposition"),
        ]
    )
    b.line(tags[0])
    name = last_first(p)
    fam = (
        "name_multipart"
        if p.last in MULTI_LAST
        else "name_common_word"
        if p.last in COMMON_LAST
        else "name_last_first"
    )
    emit(b, Phi(name, "NAME", name_fam(fam, name)))
    sex = c.pick(["F", "M"])
    if old:
        form = c.pick(["{a} y/o", "{a}yo", "aged {a}", "a {a}-year-old", "({a})"])
        pre, post = form.split("{a}")
        if post == "yo":
            pre, post, age_text = "", "", f"{age}yo"
        else:
            age_text = str(age)
        emit(b, " ", pre, Phi(age_text, "AGE", "age_over_89_written"), post, f" {sex}")
    else:
        emit(b, f" {sex}, ", Keep(str(age), "AGE_UNDER_90"), " y/o")
    text, dfam = c.dob_written(c.dob(age), us)
    emit(
        b,
        ", DOB ",
        Phi(text, "DATE", dfam),
        c.pick([", MRN ", ", MR# ", ", chart "]),
        Phi(
            c.pick([rand_digits(c.rng, 8, False), "A" + rand_digits(c.rng, 7)]),
            "MRN",
            "mrn_written",
        ),
        ". Caller: ",
        c.pick(["daughter", "carer", "stepson", "neighbour", "husband's brother"]),
        " ",
    )
    caller = c.person(loc=p.loc)
    emit(
        b,
        Phi(caller.full, "NAME", name_fam("name_relation", caller.full)),
        ", cb ",
        w_phone(c, caller),
        ".",
    )
    b.line(tags[1])
    date, df = c.care_date_written(us)
    emit(
        b,
        c.pick(["Fall at home ", "SOB since ", "Confusion worse since ", "Fever onset "]),
        Phi(date, "DATE", df),
        ". Lives ",
        c.pick(["alone in ", "with son in ", "in a flat in "]),
        Phi(c.city(p.loc), "ADDRESS", "city_alone"),
        ".",
    )
    med, dose, _, freq, _ = c.pick(MEDS)
    emit(b, " Meds: ", Keep(med, "MEDICATION"), " ", Keep(dose, "DOSAGE"), " ", freq, ".")
    b.line(tags[2])
    emit(
        b,
        c.pick(
            [
                "Stable, no red flags.",
                "Possible UTI.",
                "Likely dehydration.",
                "Needs same-day review.",
            ]
        ),
    )
    b.line(tags[3])
    d2, f2 = c.care_date_written(us)
    emit(
        b,
        "Appt ",
        Phi(d2, "DATE", f2),
        " ",
        Keep(f"{c.rng.randint(8, 16)}:{c.pick(['00', '20', '40'])}", "TIME"),
        " with ",
        Keep(c.clinic(), "CLINIC_NAME"),
        ". Advised to call back if worse. RN ",
        Keep(c.agent(), "AGENT_NAME"),
        ".",
    )


def w_intake(c: Ctx, b: Builder) -> None:
    p = c.person()
    us = p.loc == US
    old = c.chance(0.35)
    age = c.old_age() if old else c.rng.randint(18, 89)
    b.line(c.pick(["Patient name", "Name", "Full name", "Patient"]))
    if c.chance(0.5):
        emit(b, Phi(last_first(p), "NAME", name_fam("name_last_first", last_first(p))))
    else:
        emit(b, Phi(p.full, "NAME", name_fam("name_field", p.full)))
    b.line(c.pick(["Date of birth", "DOB", "Birth date"]))
    text, fam = c.dob_written(c.dob(age), us)
    emit(b, Phi(text, "DATE", fam))
    b.line("Age")
    emit(b, Phi(str(age), "AGE", "age_over_89_field") if old else Keep(str(age), "AGE_UNDER_90"))
    w_address_lines(
        c,
        b,
        p,
        c.pick(
            [
                ["Address", "Address line 2", "Address line 3"],
                ["Street", "Town and postcode"],
                ["Home address", "City", "Postcode"],
            ]
        ),
    )
    b.line(c.pick(["Mobile", "Phone", "Phone number", "Tel"]))
    emit(b, w_phone(c, p))
    b.line(c.pick(["Email", "Email address"]))
    emit(b, Phi(c.email(p), "EMAIL", "email_written_tld"))
    if c.chance(0.5):
        b.line(c.pick(["SSN", "Social Security", "SSN last 4"]))
        s = c.ssn()
        emit(
            b,
            Phi(
                c.pick([f"{s[:3]}-{s[3:5]}-{s[5:]}", f"{s[:3]} {s[3:5]} {s[5:]}", s]),
                "SSN",
                "ssn_written",
            ),
        )
    ec = c.person(kind=c.pick(["plain", "common", "multi"]), loc=p.loc)
    b.line(c.pick(["Emergency contact", "Next of kin", "NOK"]))
    emit(b, Phi(ec.full, "NAME", name_fam("name_field", ec.full)))
    b.line("Relationship")
    emit(
        b, c.pick(["Stepdaughter", "Carer", "Husband's brother", "Partner", "Godson", "Neighbour"])
    )
    b.line(c.pick(["Contact phone", "NOK phone"]))
    emit(b, w_phone(c, ec))
    b.line(c.pick(["Insurance", "Insurer", "Payer"]))
    emit(b, Keep(c.pick(PAYERS)[0], "ORG_NAME"))
    b.line(c.pick(["Member ID", "Policy number", "Member number"]))
    emit(b, Phi(c.member_id(), "MEMBER_ID", "member_id_written"))
    b.line(c.pick(["Preferred pharmacy", "Pharmacy"]))
    emit(b, Keep(c.pick(PHARMACIES), "CLINIC_NAME"))
    if c.chance(0.4):
        b.line(c.pick(["Pharmacy location", "Pharmacy town"]))
        emit(b, Phi(c.city(p.loc), "ADDRESS", "city_alone"))
    b.line(c.pick(["Current medications", "Medications", "Meds"]))
    m1, m2 = c.rng.sample(MEDS, 2)
    emit(
        b,
        Keep(m1[0], "MEDICATION"),
        " ",
        Keep(m1[1], "DOSAGE"),
        " ",
        m1[3],
        "; ",
        Keep(m2[0], "MEDICATION"),
        " ",
        Keep(m2[1], "DOSAGE"),
        " ",
        m2[3],
    )
    b.line(c.pick(["Referred by", "How did you hear about us"]))
    emit(b, c.pick(["GP", "Friend", "Website"]))
    if c.chance(0.4):
        emit(
            b,
            " (saw the piece in ",
            Keep(c.pick(["Reader's Digest", "The Guardian", "Entertainment Weekly"]), "ORG_NAME"),
            ")",
        )


def w_forwarded(c: Ctx, b: Builder) -> None:
    sender = c.person()
    pat = c.person(loc=sender.loc if c.chance(0.5) else None)
    us = sender.loc == US
    fwd = c.agent()
    b.line("From")
    emit(b, Keep(fwd, "AGENT_NAME"), " (Front Desk)")
    b.line("Sent")
    emit(
        b,
        c.pick(["Tuesday", "Monday", "Friday"]),
        " ",
        Keep(f"{c.rng.randint(8, 17)}:{c.rng.randint(10, 59)}", "TIME"),
    )
    b.line("Subject")
    emit(b, "Fwd: ", c.pick(["records request", "change of address", "about my mother"]))
    b.line("Note")
    emit(b, "FYI - see below, can someone in records action? Thx")
    b.line("Fwd From")
    e = c.email(sender)
    emit(
        b,
        Phi(sender.full, "NAME", name_fam("name_email_header", sender.full)),
        " <",
        Phi(e, "EMAIL", "email_header"),
        ">",
    )
    b.line("Fwd To")
    emit(b, "Records team, ", Keep(c.clinic(), "CLINIC_NAME"))
    b.line("Fwd Subject")
    emit(
        b,
        c.pick(["Records for ", "Re: ", "Change of details - "]),
        Phi(pat.full, "NAME", name_fam("name_subject", pat.full)),
    )
    b.line("Fwd Body")
    emit(
        b,
        c.pick(["Dear Sir or Madam, ", "Hi there, ", "Hello, "]),
        "please update the file for my ",
        c.pick(["mother", "uncle", "father-in-law", "grandmother"]),
        " ",
        Phi(pat.first, "NAME", name_fam("name_relation", pat.first)),
        " (born ",
    )
    old = c.chance(0.5)
    age = c.old_age() if old else c.rng.randint(40, 88)
    text, fam = c.dob_written(c.dob(age), us)
    emit(b, Phi(text, "DATE", fam), "). ")
    if old:
        form = c.pick(
            [
                "At {a} she can no longer manage the stairs",
                "She is {a} and has moved",
                "As a {a}-year-old he now lives with us",
            ]
        )
        pre, post = form.split("{a}")
        emit(b, pre, Phi(str(age), "AGE", "age_over_89_written"), post, ". ")
    emit(b, "The new address is ", *w_address_one_line(c, pat), ". ")
    if c.chance(0.5):
        emit(b, "Her hospital number was ", Phi(rand_digits(c.rng, 7), "MRN", "mrn_written"), ". ")
    emit(b, "Letters can also go to ", Phi(c.email(pat), "EMAIL", "email_written_tld"), ".")
    if c.chance(0.3):
        emit(b, " Updates on ", Phi(c.url(pat), "URL", "url_written"), " if anyone asks.")
    b.line("Fwd Body")
    emit(
        b,
        c.pick(["Kind regards,", "Thanks,", "Best,", "Cheers,"]),
        " ",
        Phi(sender.first, "NAME", name_fam("name_signature", sender.first)),
    )
    if c.chance(0.6):
        emit(b, " | ", w_phone(c, sender))


def w_eligibility(c: Ctx, b: Builder) -> None:
    sub = c.person(kind=c.pick(["plain", "plain", "multi"]))
    dep = c.person(loc=sub.loc)
    us = sub.loc == US
    payer = c.pick(PAYERS)[0]
    b.line(c.pick(["Elig", "Eligibility", "ELIG NOTE"]))
    emit(b, "Verified via portal with ", Keep(payer, "ORG_NAME"), ". Plan active.")
    b.line("Subscriber")
    name = last_first(sub)
    emit(
        b,
        Phi(
            name,
            "NAME",
            name_fam("name_multipart" if sub.last in MULTI_LAST else "name_last_first", name),
        ),
    )
    b.line(c.pick(["Member ID", "Subscriber ID", "ID"]))
    emit(b, Phi(c.member_id(), "MEMBER_ID", "member_id_written"))
    b.line(c.pick(["Subscriber DOB", "DOB"]))
    text, fam = c.dob_written(c.dob(), us)
    emit(b, Phi(text, "DATE", fam))
    b.line(c.pick(["Patient", "Dependent"]))
    emit(
        b,
        Phi(dep.full, "NAME", name_fam("name_field", dep.full)),
        " (",
        c.pick(["child", "spouse", "stepchild", "domestic partner"]),
        ") DOB ",
    )
    text, fam = c.dob_written(c.dob(c.rng.randint(1, 60)), us)
    emit(b, Phi(text, "DATE", fam))
    b.line(c.pick(["DOS", "Date of service"]))
    d, df = c.care_date_written(us)
    emit(b, Phi(d, "DATE", df))
    b.line("Notes")
    emit(
        b,
        "Copay ",
        Keep(f"${c.pick([20, 25, 40])}", "COUNT"),
        ", ",
        Keep(c.pick(["2", "3", "12"]), "COUNT"),
        " PT visits left this year. Since ",
        str(c.rng.randint(2018, 2024)),
        " on file. ",
    )
    if c.chance(0.5):
        emit(b, "Secondary: ", Keep(c.pick(["Medicaid", "Medicare", "the VA"]), "ORG_NAME"), ". ")
    emit(b, "Verified by ", Keep(c.agent(), "AGENT_NAME"), ".")


def w_home_visit(c: Ctx, b: Builder) -> None:
    p = c.person()
    carer = c.person(kind=c.pick(["common", "multi", "plain"]))
    us = p.loc == US
    b.line(c.pick(["Visit", "Home visit", "HH visit"]))
    d, df = c.care_date_written(us)
    emit(
        b,
        Phi(d, "DATE", df),
        " ",
        Keep(f"{c.rng.randint(8, 16)}:{c.pick(['00', '30'])}", "TIME"),
        ", ",
        Keep(c.pick(["Mercy Home Health", "Tri-County Hospice"]), "CLINIC_NAME"),
    )
    b.line("Client")
    emit(b, Phi(p.full, "NAME", name_fam("name_field", p.full)))
    if c.chance(0.6):
        pre, post = c.pick([", a {}-year-old", " ({})", ", aged {}", " - {} yrs"]).split("{}")
        emit(b, pre, Phi(str(c.old_age()), "AGE", "age_over_89_written"), post)
    w_address_lines(c, b, p, c.pick([["Visit address"], ["Where"], ["Addr", "Town"]]))
    b.line("Access")
    emit(
        b,
        c.pick(
            ["Key safe by the back door.", "Ring twice, hard of hearing.", "Dog in the garden."]
        ),
        " ",
    )
    fam = (
        "name_common_word"
        if carer.last in COMMON_LAST
        else "name_multipart"
        if carer.last in MULTI_LAST
        else "name_relation"
    )
    title = c.pick(["Mrs ", "Mr ", "", "Ms "])
    emit(
        b,
        c.pick(["Her carer ", "Carer ", "Neighbour ", "His daughter-in-law "]),
        title,
        Phi(carer.last if title else carer.full, "NAME", name_fam(fam, carer.full)),
        " has a spare key, ",
        w_phone(c, carer),
        ".",
    )
    b.line("Notes")
    med, dose, _, freq, _ = c.pick(MEDS)
    emit(
        b,
        Keep(med, "MEDICATION"),
        " ",
        Keep(dose, "DOSAGE"),
        " ",
        freq,
        ", ",
        Keep(f"{c.rng.randint(2, 6)} refills", "COUNT"),
        " left. ",
    )
    d2, f2 = c.care_date_written(us)
    emit(
        b,
        "Next visit ",
        Phi(d2, "DATE", f2),
        ". Wound care by ",
        Keep(c.agent(), "AGENT_NAME"),
        ".",
    )


def w_chat(c: Ctx, b: Builder) -> None:
    ag, me = c.pick(
        [("Agent", "Visitor"), ("AGENT 2", "Guest"), ("Support", "Customer"), ("Bot", "User")]
    )
    p = c.person(kind=c.pick(["plain", "plain", "plain", "multi", "common"]))
    us = p.loc == US
    b.line(ag)
    emit(
        b,
        "Hi, you're chatting with ",
        Keep(c.agent(), "AGENT_NAME"),
        " from ",
        Keep(c.clinic(), "CLINIC_NAME"),
        ". What's your full name?",
    )
    b.line(me)
    fam = (
        "name_multipart"
        if p.last in MULTI_LAST
        else "name_common_word"
        if p.last in COMMON_LAST
        else "name_answer_next_line"
    )
    emit(b, Phi(c.pick([p.full, p.full.lower(), p.full]), "NAME", name_fam(fam, p.full)))
    if c.chance(0.4):
        emit(b, " (", Phi("-".join(fold(p.last).upper()), "NAME", "spelled_hyphen"), ")")
    b.line(ag)
    emit(b, "Thanks. And your date of birth?")
    b.line(me)
    text, fam = c.dob_written(c.dob(), us)
    emit(b, Phi(text, "DATE", fam))
    b.line(ag)
    emit(b, "How can I help today?")
    b.line(me)
    ch = c.rng.random()
    if ch < 0.35:
        acct = f"{rand_digits(c.rng, 4)}-{rand_digits(c.rng, 4)}-{rand_digits(c.rng, 2, False)}"
        emit(
            b,
            "I was charged twice on account ",
            Phi(acct, "ACCOUNT", "account_written"),
            ". Card ending ",
            Phi(rand_digits(c.rng, 4, False), "CARD", "card_last4"),
        )
    elif ch < 0.65:
        s = c.ssn()
        wrong = s[:-2] + s[-1] + s[-2]
        emit(
            b,
            "Billing asked for my SSN: ",
            Phi(f"{wrong[:3]}-{wrong[3:5]}-{wrong[5:]}", "SSN", "ssn_written"),
        )
        b.line(me)
        emit(b, "sorry typo ", Phi(f"{s[:3]}-{s[3:5]}-{s[5:]}", "SSN", "digits_typo_fix"))
    else:
        emit(b, "I moved, new address: ", *w_address_one_line(c, p))
    b.line(ag)
    emit(b, "Got it. Best email for the receipt?")
    b.line(me)
    emit(b, Phi(c.email(p), "EMAIL", "email_written_tld"))
    if c.chance(0.5):
        emit(b, " or text ", w_phone(c, p))
    if c.chance(0.4):
        b.line(me)
        q = c.person(loc=p.loc)
        emit(
            b,
            c.pick(["btw ", "Also, ", ""]),
            Phi(q.first, "NAME", name_fam("name_no_cue", q.first)),
            c.pick(
                [
                    " says the portal link doesn't work",
                    " still hasn't had the letter",
                    " wants to know if the 2024 bill was paid",
                ]
            ),
        )


def w_voicemail(c: Ctx, b: Builder) -> None:
    me = c.person()
    pat = c.person(loc=me.loc if c.chance(0.7) else None)
    us = me.loc == US
    hh = c.rng.randint(7, 21)
    b.line(c.pick(["Voicemail", "VM", "New voicemail"]))
    emit(
        b,
        "From ",
        w_phone(c, me),
        ", ",
        c.pick(["Tue", "Wed", "Sat", "Sun"]),
        " ",
        Keep(f"{hh:02d}:{c.rng.randint(0, 59):02d}", "TIME"),
        ", ",
        str(c.rng.randint(18, 95)),
        " sec",
    )
    b.line("Transcript")
    emit(
        b,
        '"Hi, this is ',
        Phi(me.full, "NAME", name_fam("name_self_intro", me.full)),
        ", I'm calling about ",
        c.pick(["my mother ", "my husband's aunt ", "my stepdaughter ", "my client "]),
        Phi(pat.full, "NAME", name_fam("name_relation", pat.full)),
        ", date of birth ",
    )
    age = c.old_age() if c.chance(0.5) else c.rng.randint(60, 89)
    text, fam = c.dob_written(c.dob(age), us)
    emit(b, Phi(text, "DATE", fam), ". ")
    if age >= 90:
        emit(b, "She's ", Phi(str(age), "AGE", "age_over_89_written"), " and ")
    else:
        emit(b, "She's ", Keep(str(age), "AGE_UNDER_90"), " and ")
    d, df = c.care_date_written(us)
    emit(
        b,
        "missed her appointment on ",
        Phi(d, "DATE", df),
        ". Please call me back on ",
        w_phone(c, me),
        '. Thanks."',
    )
    b.line("Confidence")
    emit(b, c.pick(["low", "medium", "high"]))


def w_fax(c: Ctx, b: Builder) -> None:
    pat = c.person()
    staff = c.person()
    us = pat.loc == US
    clinic = c.clinic()
    b.line("FAX TO")
    emit(b, Keep(c.pick(PAYERS)[0], "ORG_NAME"), " Pharmacy Prior Auth")
    b.line("FROM")
    emit(
        b,
        Keep(clinic, "CLINIC_NAME"),
        ", attn ",
        Phi(staff.full, "NAME", name_fam("name_office_caller", staff.full)),
    )
    b.line("Fax")
    emit(b, Keep(c.pick(["(312) 555-0148", "1-877-555-0100", "(617) 555-0190"]), "CLINIC_PHONE"))
    b.line("Pages")
    emit(b, Keep(str(c.rng.randint(2, 9)), "COUNT"))
    b.line("RE")
    name = last_first(pat)
    emit(b, Phi(name, "NAME", name_fam("name_last_first", name)), ", DOB ")
    text, fam = c.dob_written(c.dob(c.old_age() if c.chance(0.3) else None), us)
    emit(b, Phi(text, "DATE", fam))
    b.line("Member ID")
    emit(b, Phi(c.member_id(), "MEMBER_ID", "member_id_written"))
    b.line("Patient phone")
    emit(b, w_phone(c, pat))
    b.line("Request")
    med, dose, _, freq, _ = c.pick(MEDS)
    d, df = c.care_date_written(us)
    emit(
        b,
        Keep(med, "MEDICATION"),
        " ",
        Keep(dose, "DOSAGE"),
        " ",
        freq,
        ", qty ",
        Keep(c.pick(["30", "90"]), "COUNT"),
        ". Failed step therapy. Last seen ",
        Phi(d, "DATE", df),
        ".",
    )
    if c.chance(0.5):
        emit(
            b,
            " Pt lives in ",
            Phi(c.city(pat.loc), "ADDRESS", "city_alone"),
            " and travels for care.",
        )


ASR_SCENARIOS = [
    asr_answering,
    asr_pharmacy,
    asr_home_health,
    asr_prior_auth,
    asr_interpreter,
    asr_voicemail,
    asr_billing,
    asr_triage,
    asr_eligibility,
]
WRITTEN_SCENARIOS = [
    w_portal,
    w_sms,
    w_triage_note,
    w_intake,
    w_forwarded,
    w_eligibility,
    w_home_visit,
    w_chat,
    w_voicemail,
    w_fax,
]


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    c = Ctx(seed)
    records = []
    for i in range(count):
        style = "asr" if i % 2 == 0 else "written"
        pool = ASR_SCENARIOS if style == "asr" else WRITTEN_SCENARIOS
        scenario = pool[(i // 2 + seed) % len(pool)]
        b = Builder(f"hg-{i:05d}", style)
        scenario(c, b)
        records.append(b.record())
    return records
