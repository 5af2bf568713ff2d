"""ASR half of ``callcenter_d``: what a speech engine writes for a contact-center call."""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from faker import Faker

from ._build import MONTHS, ONES, ORDINALS, WEEKDAYS, Builder, number_words, two_digits
from ._people import People, has_non_ascii

TAGS = [("A", "C"), ("SPEAKER_00", "SPEAKER_01"), ("agent", "customer"), ("S1", "S2"),
        ("operator", "caller"), ("Agent", "Member")]  # fmt: skip
AGENTS = ["Bongani", "Ingrid", "Mateus", "Farah", "Olu", "Chen", "Renée", "Siobhan"]
CLINICS = ["bayview family practice", "northgate cardiology", "lakeside ortho",
           "saint agnes imaging", "hillcrest pediatrics", "meadowbrook renal care"]  # fmt: skip
FILLERS = ["uh", "um", "er", "i mean", "you know", "hold on", "sorry", "let me see", "like"]
PHONETIC = {"a": "alpha", "b": "bravo", "c": "charlie", "d": "delta", "e": "echo",
            "f": "frank", "g": "george", "h": "henry", "j": "john", "k": "kilo",
            "m": "mike", "n": "nancy", "p": "peter", "r": "romeo", "s": "sam", "t": "tom",
            "v": "victor", "w": "william", "x": "x-ray", "z": "zebra"}  # fmt: skip
MEDS = [("metoprolol", "twenty five milligrams"), ("warfarin", "two and a half mg"),
        ("levothyroxine", "fifty micrograms"), ("sertraline", "a hundred milligrams"),
        ("amoxicillin", "five hundred milligrams")]  # fmt: skip
RELATIONS = ["mother", "dad", "wife", "husband", "grandson", "aunt", "brother", "neighbor"]
DOMAINS = ["gmail dot com", "yahoo dot co dot uk", "gmx dot de", "wp dot pl", "seznam dot cz",
           "freemail dot hu", "orange dot fr", "libero dot it", "bigpond dot com dot au",
           "hotmail dot com", "t online dot de", "icloud dot com"]  # fmt: skip
INTL = [("44", "7", 9), ("49", "15", 9), ("33", "6", 8), ("61", "4", 8), ("353", "8", 8),
        ("48", "5", 8), ("31", "6", 8), ("34", "6", 8), ("39", "3", 9)]  # fmt: skip


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii() and c.isalpha())


class Call:
    def __init__(self, b: Builder, rng: random.Random, people: People, fk: dict[str, Faker]):
        self.b, self.rng, self.people, self.fk = b, rng, people, fk
        self.ag, self.cl = rng.choice(TAGS)
        self.first, self.last = people.first_last()

    def c(self, xs: list[Any]) -> Any:
        return self.rng.choice(xs)

    def fam(self, family: str, s: str) -> str:
        return family + (":nonascii" if has_non_ascii(s) else "")

    def spoken(self, ds: str) -> str:
        """Digits as read aloud: "oh" for most zeros, "double"/"triple", some pairs."""
        r, out, i = self.rng, [], 0
        while i < len(ds):
            run = len(ds[i:]) - len(ds[i:].lstrip(ds[i]))
            d = ds[i]
            word = "oh" if d == "0" and r.random() < 0.7 else ONES[int(d)]
            if run >= 3 and r.random() < 0.6:
                out.append(f"triple {word}")
                i += 3
            elif run >= 2 and r.random() < 0.6:
                out.append(f"double {word}")
                i += 2
            elif d != "0" and i + 1 < len(ds) and r.random() < 0.15:
                out.append(two_digits(int(ds[i : i + 2])))
                i += 2
            else:
                out.append(word)
                i += 1
        return " ".join(out)

    def digits_phi(self, ds: str, label: str, family: str, cut: int = 0) -> int:
        """A number said with a filler or a restart at ``cut`` (one entity, two pieces)."""
        b = self.b
        if not cut:
            return b.phi(self.spoken(ds), label, family)
        eid = b.phi(self.spoken(ds[:cut]), label, family)
        b.say(f" {self.c(FILLERS)} ")
        b.phi(self.spoken(ds[cut:]), label, family, eid)
        return eid

    def rand(self, n: int, first: str = "123456789") -> str:
        return self.rng.choice(first) + "".join(self.rng.choice("0123456789") for _ in range(n - 1))


def opening(k: Call) -> None:
    b = k.b
    b.line(k.ag).say(k.c(["thanks for calling ", "good afternoon ", "hi you've got "]))
    b.keep(k.c(CLINICS), "CLINIC_NAME").say(" this is ")
    b.keep(k.c(AGENTS).lower(), "AGENT_NAME").say(" speaking")


def closing(k: Call) -> None:
    k.b.line(k.cl).say(k.c(["okay thank you so much", "alright bye bye", "great thanks"]))


def name_spelled(k: Call) -> None:
    b, last = k.b, k.last
    b.line(k.ag).say(k.c(["can i have your last name", "and the surname on the account"]))
    b.line(k.cl).say(k.c(["yeah it's ", "", "uh "]))
    eid = b.phi(last.lower(), "NAME", k.fam("spelled_word", last))
    letters = [ch for ch in fold(last)]
    mode = k.rng.randrange(3)
    if mode == 0:
        spelled = " ".join(ch.upper() for ch in letters)
    elif mode == 1:
        spelled = "-".join(ch.lower() for ch in letters)
    else:
        spelled = " ".join(f"{ch} as in {PHONETIC[ch]}" if ch in PHONETIC and k.rng.random()
                           < 0.5 else ch for ch in (x.lower() for x in letters))  # fmt: skip
    b.say(k.c([" ", " that's ", " spelled "]))
    b.phi(spelled, "NAME", f"spelled_letters_{mode}", eid)
    b.line(k.ag).say("and your first name")
    b.line(k.cl).say(k.c(["", "it's ", "oh "]))
    b.phi(k.first.lower(), "NAME", k.fam("first_answer", k.first))


def name_intro(k: Call) -> None:
    b = k.b
    who = k.c(["", f"my {k.c(RELATIONS)} "])
    b.line(k.cl).say(k.c(["hi yes ", "hello ", "yeah hi um "]))
    if who:
        b.say(f"i'm calling about {who}")
    else:
        b.say(k.c(["this is ", "my name is ", "i'm "]))
    b.phi(f"{k.first} {k.last}".lower(), "NAME", k.fam("intro_" + ("rel" if who else "self"),
                                                    k.first + k.last))  # fmt: skip
    b.say(k.c([" and i had a question", " about a bill", ""]))


def dob(k: Call) -> None:
    b, r = k.b, k.rng
    y, m, d = r.randint(1931, 2003), r.randint(1, 12), r.randint(1, 28)
    yy = two_digits(y % 100) if y % 100 >= 10 else f"oh {ONES[y % 100]}"
    full = f"nineteen {yy}" if y < 2000 else f"two thousand {ONES[y % 10]}"
    forms = [f"the {ORDINALS[d]} of {MONTHS[m - 1]} {full}", f"{MONTHS[m - 1]} {ORDINALS[d]} {yy}",
             f"{k.spoken(f'{m:02d}')} {k.spoken(f'{d:02d}')} {yy}",
             f"{ORDINALS[d]} {MONTHS[m - 1]} {yy}", f"{MONTHS[m - 1]} {number_words(d)} {full}",
             f"{number_words(m)} {number_words(d)} {full}"]  # fmt: skip
    kk = r.randrange(len(forms))
    b.line(k.ag).say(k.c(["can you verify the date of birth", "and your birthday please",
                          "what's the dob on the policy"]))  # fmt: skip
    b.line(k.cl).say(k.c(["it's ", "uh ", "sure ", "born "]))
    b.phi(forms[kk], "DATE", f"dob_{kk}")


def care_date(k: Call) -> None:
    b, r = k.b, k.rng
    m, d = r.randint(1, 12), r.randint(1, 28)
    forms = [f"{WEEKDAYS[r.randrange(5)]} the {ORDINALS[d]}", f"the {ORDINALS[d]}",
             f"{MONTHS[m - 1]} {ORDINALS[d]}", f"the {ORDINALS[d]} of {MONTHS[m - 1]}",
             f"{WEEKDAYS[r.randrange(5)]} {MONTHS[m - 1]} {number_words(d)}"]  # fmt: skip
    kk = r.randrange(len(forms))
    b.line(k.cl).say(k.c(["i was supposed to come in on ", "the lab work was done ",
                          "they moved my procedure to ", "can i reschedule from "]))  # fmt: skip
    if kk in (1, 3) and r.random() < 0.5:
        b.say("um ")
    said = forms[kk]
    if kk == 1:  # a bare "the twelfth": the article is not PHI ("the twelfth of may" keeps it)
        b.say("the ")
        said = said[4:]
    b.phi(said, "DATE", f"care_{kk}")
    b.say(k.c([" at ", " around "]))
    b.keep(k.c(["nine thirty", "two fifteen", "eleven", "four o'clock"]), "TIME")


def phone(k: Call) -> None:
    b, r = k.b, k.rng
    b.line(k.ag).say(k.c(["best number to reach you", "what's a good callback number"]))
    b.line(k.cl)
    if r.random() < 0.5:
        ds = k.rand(3, "2345678") + k.rand(7, "23456789")
        b.say(k.c(["it's ", "area code ", "yeah ", ""]))
        k.digits_phi(ds, "PHONE", "phone_us", cut=r.choice([0, 3, 6]))
    else:
        cc, lead, n = k.c(INTL)
        ds = lead + k.rand(n - len(lead), "0123456789")
        b.say(k.c(["i'm in europe right now so it's ", "international it's ", "my mobile's "]))
        eid = b.phi("plus " + k.spoken(cc), "PHONE", "phone_intl")  # "+44" said aloud
        b.say(" ")
        b.phi(k.spoken(ds[:4]), "PHONE", "phone_intl", eid)
        b.say(k.c([" ", " uh ", " then "]))
        b.phi(k.spoken(ds[4:]), "PHONE", "phone_intl", eid)


def member_id(k: Call) -> None:
    b, r = k.b, k.rng
    label, cue = k.c([("MEMBER_ID", "subscriber id"), ("MEMBER_ID", "policy number"),
                      ("MEMBER_ID", "medicare number"), ("ACCOUNT", "account number"),
                      ("MRN", "patient id"), ("ACCOUNT", "claim number"),
                      ("MEMBER_ID", "insurance id")])  # fmt: skip
    b.line(k.ag).say(f"can i get the {cue}")
    b.line(k.cl).say(k.c(["okay it's ", "", "let me grab the card it's "]))
    letters = r.sample(sorted(PHONETIC), r.randint(1, 3))
    spoken = [f"{ch} as in {PHONETIC[ch]}" if r.random() < 0.4 else ch for ch in letters]
    eid = b.phi(" ".join(spoken), label, f"{label.lower()}_letters")
    b.say(k.c([" ", " then ", " and then the numbers "]))
    ds = k.rand(r.randint(6, 9), "0123456789")
    b.phi(k.spoken(ds), label, f"{label.lower()}_letters", eid)


def ssn(k: Call) -> None:
    b, r = k.b, k.rng
    last4 = r.random() < 0.5
    b.line(k.ag).say("and the last four of your social" if last4 else "for verification your ssn")
    b.line(k.cl).say(k.c(["", "it's ", "uh "]))
    if last4:
        k.digits_phi(k.rand(4, "0123456789"), "SSN", "ssn_last4")
    else:
        k.digits_phi(k.rand(9), "SSN", "ssn_full", cut=r.choice([0, 3, 5]))


def address(k: Call) -> None:
    b, r = k.b, k.rng
    b.line(k.ag).say(k.c(["and the mailing address", "where should we send the card"]))
    b.line(k.cl)
    if r.random() < 0.5:
        f = k.fk["en_US"]
        num = r.randint(12, 9980)
        street = f"{number_words(num)} {f.street_name().lower()}"
        eid = b.phi(street, "ADDRESS", "addr_us_spoken")
        if r.random() < 0.4:
            b.say(" ")
            b.phi(f"unit {number_words(r.randint(2, 40))}", "ADDRESS", "addr_us_spoken", eid)
        b.say(" ")
        b.phi(f"{f.city().lower()} {f.state().lower()}", "ADDRESS", "addr_us_city", eid)
        b.say(k.c([" and the zip is ", " ", " zip code "]))
        b.phi(k.spoken(f.zipcode()), "ADDRESS", "addr_us_zip", eid)
    else:
        loc = k.c(["en_GB", "de_DE", "nl_NL", "fr_FR", "en_AU", "pl_PL", "es_ES"])
        lines = k.fk[loc].address().split("\n")
        b.say(k.c(["it's ", "i'm at ", "we live at "]))
        eid = 0
        for i, ln in enumerate(lines):
            s = unicodedata.normalize("NFC", ln.replace(",", "").lower()).strip()
            if i:
                b.say(k.c([" ", " in ", " uh "]))
            eid = b.phi(s, "ADDRESS", k.fam(f"addr_intl_spoken_{loc}", s), eid or None)


def email(k: Call) -> None:
    b, r = k.b, k.rng
    first, last = fold(k.first).lower() or "ana", fold(k.last).lower() or "lee"
    numbered = f"{last} {number_words(r.randint(1, 99))}"
    local = k.c([f"{first} dot {last}", f"{first[0]} {last}", numbered,
                 f"{first} underscore {last[0]}"])  # fmt: skip
    b.line(k.ag).say("and an email for the portal")
    b.line(k.cl).say(k.c(["yeah it's ", "sure ", ""]))
    b.phi(f"{local} at {k.c(DOMAINS)}", "EMAIL", "email_spoken")


def age(k: Call) -> None:
    b, r = k.b, k.rng
    a = r.randint(90, 104)
    said = number_words(a) if a < 100 else k.c(["a hundred", "a hundred and " + ONES[a - 100]])
    if a == 100:
        said = "a hundred"
    b.line(k.cl).say(k.c([f"my {k.c(RELATIONS)} is ", f"my {k.c(RELATIONS)}'s ", "he just turned ",
                          "she'll be "]))  # fmt: skip
    b.phi(said, "AGE", "age_over_89")
    b.say(k.c([" so she can't come to the phone", " and very hard of hearing", ""]))


def negatives(k: Call) -> None:
    b, r = k.b, k.rng
    med, dose = k.c(MEDS)
    b.line(k.ag).say("are you still on the ").keep(med, "MEDICATION")
    b.line(k.cl).say("yes ").keep(dose, "DOSAGE").say(" ")
    b.keep(k.c(["once", "twice"]), "COUNT").say(" a day i'm ")
    b.keep(number_words(r.randint(30, 88)), "AGE_UNDER_90").say(" you know")


def city_alone(k: Call) -> None:
    b = k.b
    loc = k.c(["en_US", "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL"])
    city = unicodedata.normalize("NFC", k.fk[loc].city().lower())
    b.line(k.cl).say(k.c(["i'm actually up in ", "we just moved to ", "i'm staying in ",
                          "my daughter drives me from "]))  # fmt: skip
    b.phi(city, "ADDRESS", k.fam("city_alone", city))
    b.say(k.c([" for now", " so it's far", ""]))


TEMPLATES = [
    (name_spelled, 3), (name_intro, 3), (dob, 4), (care_date, 3), (phone, 4), (member_id, 3),
    (ssn, 3), (address, 3), (email, 2), (age, 2), (negatives, 3), (city_alone, 2),
]  # fmt: skip
