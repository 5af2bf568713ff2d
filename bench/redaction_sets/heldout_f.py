"""Family ``heldout_f``: the held-out set of the fifth issue-16 pass, written before any
recognizer change of that pass and scored blind on the tree it started from, then
again at its end (its misses are read only after that).

Its phrasings are its own. Call transcripts in the style of a modern speech engine's
export: lower case, no punctuation, speaker labels "spk_0", "Speaker 1", "AGENT" or
"rep"; names said last name first, spelled with phonetic words ("k as in kilo") or
corrected mid-spelling; numbers broken by fillers and restarts ("four one two hang on
four one two five five"); visits said by weekday ("this coming tuesday the ninth");
towns answered alone; e-mail read out at national domains; ages of the very old said
several ways. Written side: CRM call notes ("LAST, First", "cb req", "re:", "@"),
chat transcripts, and moved-address notes in each locale's own order across lines.
Identities, towns, streets, postcodes and phones come from Faker's locales (seeded).
Must-keep negatives: agent names, clinic names, medications, doses, ages under 90,
organisations.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from typing import Any

from faker import Faker

from ._build import (
    MONTHS,
    ONES,
    ORDINALS,
    WEEKDAYS,
    Builder,
    digits_spoken,
    number_words,
    pick_distinct,
    rand_digits,
    year_words,
)
from ._people import People, has_non_ascii, seeded_fakers

NAME = "heldout_f"
DEFAULT_SEED = 6607
DEFAULT_COUNT = 360

ADDR_LOCALES = ["de_AT", "de_CH", "fr_CH", "it_IT", "es_ES", "pt_PT", "nl_BE", "da_DK",
                "fi_FI", "pl_PL", "en_GB", "en_NZ", "en_US", "en_US", "en_CA", "es_MX"]  # fmt: skip
SPEAKERS = [("spk_0", "spk_1"), ("Speaker 1", "Speaker 2"), ("AGENT", "CUSTOMER"),
            ("rep", "member")]  # fmt: skip
AGENTS = ["Marisol", "Dev", "Tomasz", "Keisha", "Anneliese", "Kwame"]
CLINICS = ["Riverside Sleep Clinic", "Pine Ridge Cardiology", "Eastbank Women's Health",
           "Summit Hearing Centre", "Bayfront Urgent Care"]  # fmt: skip
MEDS = [("lisinopril", "10 mg"), ("gabapentin", "300 mg"), ("omeprazole", "20 mg"),
        ("prednisone", "5 mg"), ("insulin glargine", "20 units"),
        ("losartan", "50 mg")]  # fmt: skip
PHONETIC = {"a": "alpha", "b": "bravo", "c": "charlie", "d": "delta", "e": "echo",
            "f": "frank", "g": "golf", "h": "hotel", "i": "india", "j": "juliet",
            "k": "kilo", "l": "lima", "m": "mike", "n": "nancy", "o": "oscar", "p": "paul",
            "r": "romeo", "s": "sam", "t": "tom", "v": "victor", "w": "william",
            "z": "zulu"}  # fmt: skip
KIN = ["wife", "husband", "mum", "dad", "son", "daughter", "grandma", "cousin", "partner",
       "sister", "roommate", "caregiver"]  # fmt: skip
TLDS = ["hu", "pt", "co.uk", "de", "nl", "fi", "ch", "be", "com.mx", "org", "net", "ie"]
ORGS = ["Blue Cross", "Medicare", "the Red Cross", "a 501(c)3 food bank", "Walgreens"]


def ascii_fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii())


class Call:
    """One record: a transcript (``asr``) or a note or chat (``written``)."""

    def __init__(self, b: Builder, rng: random.Random, people: People, fk: dict[str, Faker]):
        self.b, self.rng, self.people, self.fk = b, rng, people, fk
        self.asr = b.style == "asr"
        self.rep, self.caller = rng.choice(SPEAKERS)
        self.first, self.last = people.first_last()

    def pick(self, xs: list[Any]) -> Any:
        return self.rng.choice(xs)

    def spoken(self, s: str) -> str:
        """What the engine writes of a name: lower case, accents kept half the time."""
        s = s.lower()
        return ascii_fold(s) if self.rng.random() < 0.5 else s

    def rep_says(self, s: str) -> None:
        self.b.line(self.rep).say(s)

    def caller_line(self) -> Builder:
        return self.b.line(self.caller)

    def name(self, family: str, s: str) -> None:
        self.b.phi(s, "NAME", family + (":nonascii" if has_non_ascii(s) else ""))

    def place(self) -> tuple[str, Faker]:
        loc = self.pick(ADDR_LOCALES)
        return loc, self.fk[loc]


# ------------------------------------------------------------------ speech -----------
def a_open(c: Call) -> None:
    c.rep_says(f"thanks for holding you've reached {c.pick(CLINICS).lower()} my name's ")
    c.b.keep(c.pick(AGENTS).lower(), "AGENT_NAME")
    c.b.say(" what can i do for you")


def a_name_last_first(c: Call) -> None:
    c.rep_says("can i get the patient's full name please")
    form = c.rng.randrange(3)
    line = c.caller_line()
    if form == 0:
        line.say("last name ")
        c.name("a_last_first", c.spoken(c.last))
        line.say(" first name ")
        c.name("a_last_first", c.spoken(c.first))
    elif form == 1:
        line.say("it's under ")
        c.name("a_last_first", c.spoken(f"{c.last} {c.first}"))
        line.say(" last name first")
    else:
        line.say("sure yeah ")
        c.name("a_plain", c.spoken(f"{c.first} {c.last}"))


def a_spell(c: Call) -> None:
    c.rep_says("and how do you spell the last name")
    letters = [ch for ch in ascii_fold(c.last).lower() if ch.isalpha()][:9] or ["x"]
    said = []
    for ch in letters:
        word = PHONETIC.get(ch)
        said.append(f"{ch} as in {word}" if word and c.rng.random() < 0.45 else ch)
    if len(said) > 4 and c.rng.random() < 0.3:  # a correction in the middle
        said[3:3] = ["no sorry", said[2]]
    c.caller_line().say("okay that's ")
    c.b.phi(" ".join(said), "NAME", "a_spell_phonetic")


def a_callback(c: Call) -> None:
    c.rep_says("what's a good callback number")
    loc, f = c.place()
    ds = "".join(ch for ch in f.phone_number() if ch.isdigit())[:11]
    cut = c.rng.randint(3, max(3, len(ds) - 4))
    first = digits_spoken(ds[:cut], c.rng, homophones=0.3)
    rest = digits_spoken(ds[cut:], c.rng, homophones=0.3, pairs=0.3)
    filler = c.pick(["hang on", "uh let me check", "sorry", "you know", "wait"])
    c.caller_line().say("it's ")
    eid = c.b.phi(first, "PHONE", f"a_phone_interrupted_{loc}")
    c.b.say(f" {filler} ")
    c.b.phi(rest, "PHONE", f"a_phone_interrupted_{loc}", eid)


def a_birth(c: Call) -> None:
    c.rep_says("and the date of birth")
    y, m, d = c.rng.randint(1928, 2004), c.rng.randint(1, 12), c.rng.randint(1, 28)
    month_day = f"{digits_spoken(f'{m:02d}', c.rng)} {digits_spoken(f'{d:02d}', c.rng)}"
    forms = [f"{MONTHS[m - 1]} {ORDINALS[d]} {year_words(y)}",
             f"{month_day} {year_words(y)}",
             f"the {ORDINALS[d]} of {MONTHS[m - 1]} {number_words(y % 100)}"]  # fmt: skip
    k = c.rng.randrange(len(forms))
    c.caller_line().say(c.pick(["um ", "", "that'd be "]))
    c.b.phi(forms[k], "DATE", f"a_birth_{k}")


def a_visit(c: Call) -> None:
    c.rep_says("when would you like to come in")
    d = c.rng.randint(1, 28)
    day = WEEKDAYS[c.rng.randint(0, 4)]
    forms = [f"{day} the {ORDINALS[d]}", f"{day} the {ORDINALS[d]}",
             f"the {ORDINALS[d]} of {MONTHS[c.rng.randint(0, 11)]}"]  # fmt: skip
    k = c.rng.randrange(len(forms))
    # "this coming" says which week, not which day: readable, as "next" is.
    c.caller_line().say("could i do " + ("this coming " if k == 1 else ""))
    c.b.phi(forms[k], "DATE", f"a_visit_{k}")
    c.b.say(f" at {number_words(c.rng.randint(8, 11))} thirty")


def a_age(c: Call) -> None:
    c.rep_says("and how old is she")
    age = c.rng.randint(90, 104)
    line = c.caller_line()
    if c.rng.random() < 0.5:
        line.say(c.pick(["she's ", "she just turned ", "she'll be ", "mom is "]))
        c.b.phi(number_words(age), "AGE", "a_age_over_89")
        line.say(c.pick(["", " next month", " this year"]))
    else:
        line.say("she's ")
        c.b.keep(number_words(c.rng.randint(61, 88)), "AGE_UNDER_90")
        line.say(" but my uncle's ")
        c.b.phi(number_words(age), "AGE", "a_age_over_89_after_under")


def a_town(c: Call) -> None:
    c.rep_says(c.pick(["and what town is that", "where are you calling from"]))
    loc, f = c.place()
    c.caller_line().say(c.pick(["", "oh ", "we're just outside ", "i'm down in "]))
    c.b.phi(c.spoken(f.city()), "ADDRESS", f"a_town_alone_{loc}")


def a_address(c: Call) -> None:
    c.rep_says("what's the street address")
    loc, f = c.place()
    num = f.building_number()
    street = c.spoken(f.street_name())
    c.caller_line().say("it's ")
    said = digits_spoken("".join(ch for ch in num if ch.isdigit()) or "1", c.rng, pairs=0.5)
    text = f"{street} {said}" if loc[:2] in {"de", "it", "es", "pt", "nl", "da", "fi", "pl", "fr"} \
        else f"{said} {street}"  # fmt: skip
    if c.rng.random() < 0.4:
        text += f" unit {number_words(c.rng.randint(1, 40))}"
    eid = c.b.phi(text, "ADDRESS", f"a_street_{loc}")
    if c.rng.random() < 0.5:
        c.b.say(" and the postcode is ")
        pc = "".join(ch for ch in f.postcode() if ch.isalnum())
        c.b.phi(" ".join(ch if ch.isalpha() else ONES[int(ch)] for ch in pc.lower()),
                "ADDRESS", f"a_postcode_{loc}", eid)  # fmt: skip


def a_member(c: Call) -> None:
    c.rep_says("i'll need the member id off the card")
    letters = f"{c.pick('abcdefghjkmnprtwxyz')}{c.pick('abcdefghjkmnprtwxyz')}"
    digits = rand_digits(c.rng, c.rng.randint(7, 9))
    lead = " ".join(f"{ch} as in {PHONETIC[ch]}" if ch in PHONETIC else ch for ch in letters)
    c.caller_line().say("okay it's ")
    eid = c.b.phi(f"{lead} {digits_spoken(digits[:4], c.rng, homophones=0.3)}", "MEMBER_ID",
                  "a_member_phonetic")  # fmt: skip
    c.b.say(" um ")
    c.b.phi(digits_spoken(digits[4:], c.rng, homophones=0.3), "MEMBER_ID", "a_member_phonetic",
            eid)  # fmt: skip


def a_social(c: Call) -> None:
    c.rep_says("last four of the social")
    wrong, right = rand_digits(c.rng, 4), rand_digits(c.rng, 4)
    c.caller_line().say("")
    eid = c.b.phi(digits_spoken(wrong, c.rng), "SSN", "a_ssn_restart")
    c.b.say(" no scratch that ")
    c.b.phi(digits_spoken(right, c.rng, homophones=0.4), "SSN", "a_ssn_restart", eid)


def a_email(c: Call) -> None:
    c.rep_says("and an email for the portal")
    user = f"{c.spoken(ascii_fold(c.first))} {c.pick(['dot', 'underscore'])} "
    user += c.spoken(ascii_fold(c.last))
    if c.rng.random() < 0.4:
        user += " " + number_words(c.rng.randint(1, 99))
    host = c.pick(["gmail", "freemail", "posteo", "web", "sapo", "telenet", "xtra"])
    tld = " dot ".join(c.pick(TLDS).split("."))
    c.caller_line().say("yeah it's ")
    c.b.phi(f"{user} at {host} dot {tld}", "EMAIL", "a_email_spoken")


def a_kin(c: Call) -> None:
    first, last = c.people.first_last()
    kin = c.pick(KIN)
    c.caller_line().say(f"i'm actually calling for my {kin} ")
    c.name("a_kin_named", c.spoken(first if c.rng.random() < 0.5 else f"{first} {last}"))
    c.b.say(c.pick([" she's not feeling great", " he can't come to the phone", ""]))


def a_med(c: Call) -> None:
    med, dose = c.pick(MEDS)
    c.caller_line().say("it's about the ")
    c.b.keep(med, "MEDICATION")
    c.b.say(" ")
    c.b.keep(dose, "DOSAGE")
    c.b.say(" refill")


# ------------------------------------------------------------------ written ----------
def w_crm(c: Call) -> None:
    b = c.b
    b.line(c.pick(["NOTE", "CRM", "Call note"]))
    c.name("w_last_comma_first", f"{c.last.upper()}, {c.first}")
    b.say(f" - cb req re: {c.pick(MEDS)[0]} refill, DOB ")
    y, m, d = c.rng.randint(1930, 2004), c.rng.randint(1, 12), c.rng.randint(1, 28)
    b.phi(c.pick([f"{m}/{d}/{y}", f"{m:02d}-{d:02d}-{y}", f"{d}.{m}.{y}"]), "DATE", "w_dob")


def w_appt(c: Call) -> None:
    d, m = c.rng.randint(1, 28), c.rng.randint(1, 12)
    c.b.line("NOTE").say(f"appt moved to {c.pick(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])} ")
    c.b.phi(f"{m}/{d}", "DATE", "w_short_date")
    c.b.say(f" @ {c.rng.randint(8, 4 + 12) % 12 + 1}:{c.pick(['00', '15', '30', '45'])}p per pt")


def w_narrative(c: Call) -> None:
    first, last = c.people.first_last()
    forms = [("Why is ", first, " so upset about the bill?"),
             ("", first, " called about her refill and wants a call back."),
             ("Left vm for ", f"{first} {last}", ", will try again tomorrow."),
             ("Spoke w/ ", first, "'s daughter, she will bring the forms.")]  # fmt: skip
    before, who, after = c.pick(forms)
    c.b.line("NOTE").say(before)
    c.name("w_no_cue", who)
    c.b.say(after)


def w_moved(c: Call) -> None:
    loc, f = c.place()
    c.b.line("NOTE").say("Pt moved, new mailing address: ")
    addr = " ".join(f.address().replace("\n", ", ").split())
    c.b.phi(addr, "ADDRESS", f"w_address_oneline_{loc}")


def w_chat(c: Call) -> None:
    loc, f = c.place()
    c.b.line("Patient chat").say("hi my name is ")
    c.name("w_chat_intro", c.spoken(f"{c.first} {c.last}"))
    c.b.say(" and I live in ")
    c.b.phi(f.city(), "ADDRESS", f"w_chat_town_{loc}")
    c.b.say(", can I get a refill sent to ")
    c.b.keep(c.pick(ORGS[-1:]), "ORG_NAME")


def w_contact(c: Call) -> None:
    loc, f = c.place()
    c.b.line("NOTE").say("best contact ")
    c.b.phi(" ".join(f.phone_number().split(" x")[0].split()), "PHONE", f"w_phone_{loc}")
    c.b.say(" or ")
    user = ascii_fold(f"{c.first}.{c.last}").lower().replace(" ", "")
    c.b.phi(f"{user}@{c.pick(['posteo', 'web', 'sapo', 'tiscali'])}.{c.pick(TLDS)}",
            "EMAIL", "w_email")  # fmt: skip


def w_ids(c: Call) -> None:
    c.b.line("NOTE").say(c.pick(["MRN ", "Member #: ", "Policy no. ", "Acct "]))
    c.b.phi(f"{c.pick('ABCHKMPTXZ')}{rand_digits(c.rng, c.rng.randint(6, 9))}", "MEMBER_ID",
            "w_id")  # fmt: skip
    c.b.say(f", covered by {c.pick(ORGS[:2])}")


def w_age(c: Call) -> None:
    c.b.line("NOTE").say("Pt is ")
    c.b.phi(str(c.rng.randint(90, 103)), "AGE", "w_age_over_89")
    c.b.say(c.pick([" y/o", " yo", " years of age"]) + ", daughter is ")
    c.b.keep(str(c.rng.randint(55, 75)), "AGE_UNDER_90")


SPEECH: list[tuple[Callable[[Call], None], int]] = [
    (a_name_last_first, 4), (a_spell, 3), (a_callback, 3), (a_birth, 3), (a_visit, 3),
    (a_age, 2), (a_town, 3), (a_address, 3), (a_member, 2), (a_social, 2), (a_email, 2),
    (a_kin, 3), (a_med, 2),
]  # fmt: skip
WRITTEN: list[tuple[Callable[[Call], None], int]] = [
    (w_crm, 4), (w_appt, 3), (w_narrative, 4), (w_moved, 4), (w_chat, 3), (w_contact, 3),
    (w_ids, 2), (w_age, 2),
]  # fmt: skip


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    people = People(seed)
    fk = seeded_fakers(sorted(set(ADDR_LOCALES)), seed * 13)
    out = []
    for i in range(count):
        style = "asr" if rng.random() < 0.5 else "written"
        b = Builder(f"hf-{i:05d}", style)
        c = Call(b, rng, people, fk)
        if style == "asr":
            a_open(c)
            for part in pick_distinct(rng, SPEECH, rng.randint(3, 6)):
                part(c)
        else:
            for part in pick_distinct(rng, WRITTEN, rng.randint(2, 4)):
                part(c)
        out.append(b.record())
    return out
