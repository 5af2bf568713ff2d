"""Family ``heldout_e``: a held-out set for the third issue-16 pass, written before any
recognizer change of that pass and scored before and after without reading its misses
until the end (the honest generalisation figure of that pass).

Its phrasings are its own: patient-portal messages and triage e-mails (written, mixed
case, signatures, "Kind regards," lines, a name in a salutation, addresses on one line
in each locale's own order), pharmacy and transport call transcripts in ASR style (no
punctuation, fillers, digits in groups of two or three, "double", "oh", relatives and
carers named with their relationship, towns said alone with other verbs than the dev
sets' cues), and short dispatch-log lines ("14:05 cb req from ...", "pt d/o ..."). Names,
towns, streets, postcodes and phones come from Faker's locales (seeded).
Must-keep negatives: agent names, clinic names, medications, doses, times, counts,
ages under 90.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from typing import Any

from faker import Faker

from ._build import (
    MONTHS,
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

NAME = "heldout_e"
DEFAULT_SEED = 5501
DEFAULT_COUNT = 360

ADDR_LOCALES = ["en_GB", "en_IE", "de_DE", "fr_FR", "es_ES", "nl_NL", "pl_PL", "pt_BR",
                "sv_SE", "no_NO", "cs_CZ", "hu_HU", "en_AU", "en_US", "en_US", "en_CA"]  # fmt: skip
ASR_TAGS = [("pharmacist", "caller"), ("dispatcher", "caller"), ("A", "B"),
            ("SPEAKER_01", "SPEAKER_02"), ("tech", "client")]  # fmt: skip
WRITTEN_TAGS = [("message", "message"), ("portal", "portal"), ("email", "email"),
                ("log", "log")]  # fmt: skip
AGENTS = ["Bettina", "Olu", "Hamid", "Grace", "Svetlana", "Ruben"]
CLINICS = ["Harbourview Family Practice", "Northgate Pharmacy", "Lakeside Renal Unit",
           "Meadowbrook Physio", "Cedar Hill Dialysis"]  # fmt: skip
MEDS = [("metformin", "500 mg"), ("atorvastatin", "40 mg"), ("levothyroxine", "50 mcg"),
        ("sertraline", "100 mg"), ("amlodipine", "5 mg"), ("warfarin", "3 mg")]  # fmt: skip
RELATIONS = ["neighbour", "stepson", "carer", "niece", "brother in law", "grandson",
             "home help", "flatmate", "godmother", "fiancé"]  # fmt: skip
FILL = ["erm", "uh", "like", "sort of", "right", "yeah"]


def fold(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", s) if c.isascii() and (c.isalnum())
    ).lower()


class Ctx:
    def __init__(self, b: Builder, rng: random.Random, people: People, fk: dict[str, Faker]):
        self.b, self.rng, self.people, self.fk = b, rng, people, fk
        self.asr = b.style == "asr"
        self.ag, self.pt = rng.choice(ASR_TAGS if self.asr else WRITTEN_TAGS)
        self.first, self.last = people.first_last()

    def c(self, xs: list[Any]) -> Any:
        return self.rng.choice(xs)

    def lc(self, s: str) -> str:
        return s.replace("İ", "I").lower() if self.asr else s

    def fam(self, family: str, s: str) -> str:
        return family + (":nonascii" if has_non_ascii(s) else "")

    def fill(self) -> str:
        return self.c(FILL) + " " if self.asr and self.rng.random() < 0.4 else ""

    def name(self, family: str, s: str | None = None) -> None:
        s = self.lc(s or f"{self.first} {self.last}")
        self.b.phi(s, "NAME", self.fam(family, s))

    def other_name(self) -> tuple[str, str]:
        return self.people.first_last()

    def locale_addr(self) -> tuple[str, Faker]:
        loc = self.c(ADDR_LOCALES)
        return loc, self.fk[loc]

    def date(self, birth: bool) -> None:
        r = self.rng
        y = r.randint(1930, 2003) if birth else r.randint(2020, 2026)
        m, d = r.randint(1, 12), r.randint(1, 28)
        mon = MONTHS[m - 1]
        if self.asr:
            spoken_dmy = f"{digits_spoken(f'{d:02d}', r)} {digits_spoken(f'{m:02d}', r)}"
            forms = [f"{ORDINALS[d]} {mon} {year_words(y)}", f"{mon} the {ORDINALS[d]}",
                     f"{spoken_dmy} {year_words(y)}",
                     f"{WEEKDAYS[r.randint(0, 6)]} {mon} {ORDINALS[d]}"]  # fmt: skip
            if not birth:
                forms += [f"next {WEEKDAYS[r.randint(0, 4)]} the {ORDINALS[d]}",
                          f"the {ORDINALS[d]}"]  # fmt: skip
        else:
            forms = [f"{d:02d}/{m:02d}/{y}", f"{d} {mon.capitalize()} {y}",
                     f"{mon.capitalize()[:3]} {d} {y}", f"{y}.{m:02d}.{d:02d}",
                     f"{d}-{mon[:3]}-{y % 100:02d}"]  # fmt: skip
            if not birth:
                forms += [f"{d}/{m}", f"{WEEKDAYS[r.randint(0, 4)].capitalize()} {d}th"]
        k = r.randrange(len(forms))
        self.b.phi(forms[k], "DATE", f"date_{'birth' if birth else 'care'}_{k}")

    def phone(self) -> None:
        loc, f = self.locale_addr()
        if self.asr:
            ds = "".join(ch for ch in f.phone_number() if ch.isdigit())[:11] or "0"
            groups = [ds[i : i + self.rng.choice([2, 3])] for i in range(0, len(ds), 3)]
            s = " ".join(digits_spoken(g, self.rng, pairs=0.3) for g in groups if g)
            self.b.phi(s, "PHONE", f"phone_spoken_{loc}")
        else:
            s = " ".join(f.phone_number().split())
            s = s.split(" x")[0].split("x")[0].strip()
            self.b.phi(s, "PHONE", f"phone_written_{loc}")


# ------------------------------------------------------------------- written ---------
def w_salutation(c: Ctx) -> None:
    c.b.line(c.pt).say(c.c(["Dear ", "Hello ", "Hi "]))
    c.b.keep(c.c(AGENTS), "AGENT_NAME").say(", this is ")
    c.name("w_salutation")
    c.b.say(c.c([" writing about my repeat prescription.", " - following up on yesterday.",
                 ", just a quick question."]))  # fmt: skip


def w_signature(c: Ctx) -> None:
    c.b.line(c.pt).say(c.c(["Kind regards, ", "Many thanks, ", "Best wishes - ", "Cheers, "]))
    s = c.c([f"{c.first} {c.last}", f"{c.first[0]}. {c.last}", c.first])
    c.name("w_signature", s)


def w_address(c: Ctx) -> None:
    loc, f = c.locale_addr()
    c.b.line(c.pt).say(c.c(["Could you send the letter to ", "My new address is ",
                            "Post goes to ", "Please update my details: "]))  # fmt: skip
    street = " ".join(f.street_address().split())
    c.b.phi(street, "ADDRESS", f"w_street_{loc}")
    c.b.say(", ")
    c.b.phi(" ".join(f.postcode().split()), "ADDRESS", f"w_postcode_{loc}")
    c.b.say(" ")
    c.b.phi(" ".join(f.city().split()), "ADDRESS", f"w_city_{loc}")
    c.b.say(c.c([".", " - thanks.", ""]))


def w_town(c: Ctx) -> None:
    loc, f = c.locale_addr()
    c.b.line(c.pt).say(c.c(["I'm away visiting family near ", "We relocated to ",
                            "Currently working out of ", "I commute in from "]))  # fmt: skip
    c.b.phi(" ".join(f.city().split()), "ADDRESS", f"w_town_{loc}")
    c.b.say(c.c([" until March.", ", so phone is best.", " now."]))


def w_narrative(c: Ctx) -> None:
    f2, l2 = c.other_name()
    c.b.line(c.pt)
    k = c.rng.randrange(4)
    if k == 0:
        c.b.phi(f2, "NAME", c.fam("w_narr_first", f2))
        c.b.say(" will collect the ")
        med, dose = c.c(MEDS)
        c.b.keep(med, "MEDICATION").say(" ").keep(dose, "DOSAGE").say(" on my behalf.")
    elif k == 1:
        c.b.say("Has ")
        c.b.phi(f"{f2} {l2}", "NAME", c.fam("w_narr_full", f2 + l2))
        c.b.say(" been in touch about the referral?")
    elif k == 2:
        c.b.say("Spoke to Dr ")
        c.b.phi(l2, "NAME", c.fam("w_narr_dr", l2))
        c.b.say(" who said to ring back.")
    else:
        c.b.say("My mum ")
        c.b.phi(f2, "NAME", c.fam("w_narr_rel", f2))
        c.b.say(" is ")
        c.b.phi(str(c.rng.randint(90, 102)), "AGE", "w_age")
        c.b.say(" and can't manage the stairs.")


def w_dob(c: Ctx) -> None:
    c.b.line(c.pt).say(c.c(["D.O.B. ", "Born ", "date of birth: ", "dob "]))
    c.date(birth=True)
    c.b.say(c.c([" (for security).", ".", ""]))


def w_appt(c: Ctx) -> None:
    c.b.line(c.pt).say(c.c(["My slot on ", "Cancel ", "Can we move ", "Seen at clinic "]))
    c.date(birth=False)
    c.b.say(" at ")
    c.b.keep(f"{c.rng.randint(8, 17)}:{c.c(['00', '15', '30', '45'])}", "TIME")
    c.b.say(c.c([" please.", ", thank you.", "?"]))


def w_contact(c: Ctx) -> None:
    c.b.line(c.pt).say(c.c(["Best to reach me on ", "mob ", "Tel: ", "Phone me at "]))
    c.phone()
    c.b.say(c.c([" or ", " / email "]))
    loc, f = c.locale_addr()
    user = c.c([f"{fold(c.first)}.{fold(c.last)}", f"{fold(c.first)[0]}{fold(c.last)}",
                f"{fold(c.last)}{c.rng.randint(1, 99)}"])  # fmt: skip
    c.b.phi(f"{user}@{f.free_email_domain()}", "EMAIL", f"w_email_{loc}")


def w_ids(c: Ctx) -> None:
    c.b.line(c.pt)
    k = c.rng.randrange(4)
    if k == 0:
        c.b.say("NHS no ")
        d = rand_digits(c.rng, 10)
        c.b.phi(f"{d[:3]} {d[3:6]} {d[6:]}", "MEMBER_ID", "w_nhs")
    elif k == 1:
        c.b.say("hospital number ")
        c.b.phi(f"{c.c(['RX', 'K', 'H'])}{rand_digits(c.rng, 7)}", "MRN", "w_mrn")
    elif k == 2:
        c.b.say("policy ref ")
        c.b.phi(f"{rand_digits(c.rng, 4)}-{rand_digits(c.rng, 4, False)}", "MEMBER_ID", "w_pol")
    else:
        c.b.say("last 4 of SSN ")
        c.b.phi(rand_digits(c.rng, 4, False), "SSN", "w_ssn4")
    c.b.say(".")


def w_log(c: Ctx) -> None:
    c.b.line(c.pt)
    c.b.keep(f"{c.rng.randint(7, 19):02d}:{c.rng.randint(0, 59):02d}", "TIME")
    c.b.say(c.c([" cb req from ", " pt's d/o ", " msg left for ", " FU w "]))
    s = c.c([f"{c.last.upper()} {c.first}", f"{c.first} {c.last}", f"{c.last}"])
    c.name("w_log", s)
    c.b.say(c.c([" re BP readings", ", no answer", " x2", ""]))


WRITTEN: list[tuple[Callable[[Ctx], None], int]] = [
    (w_salutation, 3), (w_signature, 3), (w_address, 4), (w_town, 3), (w_narrative, 4),
    (w_dob, 3), (w_appt, 3), (w_contact, 3), (w_ids, 3), (w_log, 3),
]  # fmt: skip


# ----------------------------------------------------------------------- ASR ---------
def a_open(c: Ctx) -> None:
    c.b.line(c.ag).say("morning ")
    c.b.keep(c.c(CLINICS).lower(), "CLINIC_NAME").say(" ")
    c.b.keep(c.c(AGENTS).lower(), "AGENT_NAME").say(" speaking")
    c.b.line(c.pt).say(c.fill() + c.c(["hiya it's ", "oh hello yes it's ", "hello this is "]))
    c.name("a_intro")
    c.b.say(c.c([" here", " ringing about my mum", " again", ""]))


def a_spell(c: Ctx) -> None:
    c.b.line(c.ag).say("can i take the surname")
    c.b.line(c.pt).say(c.fill())
    c.name("a_surname_alone", c.last)
    c.b.say(" ")
    letters = [ch for ch in c.lc(c.last) if ch.isalpha()][:9]
    c.b.phi(" ".join(letters), "NAME", c.fam("a_spelled", c.last))


def a_relative(c: Ctx) -> None:
    f2, l2 = c.other_name()
    c.b.line(c.pt).say(c.fill() + f"my {c.c(RELATIONS)} ")
    s = c.c([f2, f"{f2} {l2}"])
    c.b.phi(c.lc(s), "NAME", c.fam("a_relative", s))
    c.b.say(c.c([" normally picks it up", " has power of attorney", " will ring you back",
                 " brings me in"]))  # fmt: skip


def a_dob(c: Ctx) -> None:
    c.b.line(c.ag).say(c.c(["and your birthday", "date of birth please", "and when were you born"]))
    c.b.line(c.pt).say(c.fill() + c.c(["it's ", "", "that'll be "]))
    c.date(birth=True)


def a_appt(c: Ctx) -> None:
    c.b.line(c.pt).say(c.fill() + c.c(["the pickup's booked for ", "they said come in on ",
                                       "i was meant to be seen "]))  # fmt: skip
    c.date(birth=False)
    c.b.say(" at " + c.c(["half ten", "two thirty", "nine"]))


def a_phone(c: Ctx) -> None:
    c.b.line(c.ag).say(c.c(["best number for you", "and a contact number",
                            "what number should the driver ring"]))  # fmt: skip
    c.b.line(c.pt).say(c.fill())
    c.phone()


def a_address(c: Ctx) -> None:
    loc, f = c.locale_addr()
    c.b.line(c.ag).say(c.c(["where are we collecting from", "and the address",
                            "what's the postal address"]))  # fmt: skip
    c.b.line(c.pt).say(c.fill())
    num = f.building_number()
    street = " ".join(f.street_name().split()).lower()
    nw = number_words(int(num)) if num.isdigit() and int(num) < 10000 else num
    s = f"{nw} {street}" if loc.startswith("en") else f"{street} {nw}"
    c.b.phi(s, "ADDRESS", f"a_street_{loc}")
    c.b.say(c.c([" in ", " over in ", " that's "]))
    c.b.phi(" ".join(f.city().split()).lower(), "ADDRESS", f"a_city_{loc}")


def a_town(c: Ctx) -> None:
    _, f = c.locale_addr()
    c.b.line(c.pt).say(c.fill() + c.c(["i'm stuck out at ", "we're based round ",
                                       "my daughter's place in ", "i'm from "]))  # fmt: skip
    c.b.phi(" ".join(f.city().split()).lower(), "ADDRESS", "a_town")
    c.b.say(c.c([" this week", " so it's a fair drive", ""]))


def a_age(c: Ctx) -> None:
    c.b.line(c.pt).say(c.fill() + c.c(["my nan's ", "he turned ", "she's coming up ",
                                       "dad is "]))  # fmt: skip
    c.b.phi(number_words(c.rng.randint(90, 104)), "AGE", "a_age")
    c.b.say(c.c([" now", " in may", " bless her"]))
    if c.rng.random() < 0.5:
        c.b.say(" and i'm ").keep(number_words(c.rng.randint(40, 70)), "AGE_UNDER_90")


def a_ids(c: Ctx) -> None:
    c.b.line(c.ag).say(c.c(["have you got your prescription number", "the member number please",
                            "and the nhs number"]))  # fmt: skip
    c.b.line(c.pt).say(c.fill() + "yeah ")
    ds = rand_digits(c.rng, c.rng.choice([8, 9, 10]))
    parts = [ds[i : i + 3] for i in range(0, len(ds), 3)]
    s = " ".join(digits_spoken(p, c.rng, homophones=0.2) for p in parts)
    c.b.phi(s, "MEMBER_ID", "a_id")


def a_email(c: Ctx) -> None:
    c.b.line(c.pt).say(c.fill() + "email's ")
    dom = c.c(["gmail dot com", "btinternet dot com", "gmx dot de", "wp dot pl",
               "hotmail dot co dot uk", "free dot fr", "live dot ie"])  # fmt: skip
    user = c.c([f"{fold(c.first)} dot {fold(c.last)}", f"{fold(c.last)} {c.rng.randint(1, 9)}"])
    c.b.phi(f"{user} at {dom}", "EMAIL", "a_email")


def a_med(c: Ctx) -> None:
    med, dose = c.c(MEDS)
    c.b.line(c.pt).say("it's the ").keep(med, "MEDICATION").say(" ")
    c.b.keep(dose.replace("mg", "milligrams").replace("mcg", "micrograms"), "DOSAGE")
    c.b.say(" i've got ").keep(number_words(c.rng.randint(2, 9)), "COUNT").say(" left")


ASR: list[tuple[Callable[[Ctx], None], int]] = [
    (a_spell, 3), (a_relative, 4), (a_dob, 3), (a_appt, 3), (a_phone, 3), (a_address, 4),
    (a_town, 3), (a_age, 2), (a_ids, 3), (a_email, 2), (a_med, 2),
]  # fmt: skip


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    people = People(seed)
    fk = seeded_fakers(sorted(set(ADDR_LOCALES)), seed * 11)
    out = []
    for i in range(count):
        style = "asr" if rng.random() < 0.5 else "written"
        b = Builder(f"he-{i:05d}", style)
        c = Ctx(b, rng, people, fk)
        if style == "asr":
            a_open(c)
            for t in pick_distinct(rng, ASR, rng.randint(3, 5)):
                t(c)
        else:
            for t in pick_distinct(rng, WRITTEN, rng.randint(2, 4)):
                t(c)
        out.append(b.record())
    return out
