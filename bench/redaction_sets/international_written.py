"""Family ``international_written``: written sentences in the manner of a PII generator's
templates, with international names and addresses from Faker's locales: street name then
number ("Hauptstraße 12"), multi-line addresses (street, unit, postcode and city on their
own lines), non-US postcodes, a city alone, and phones in E.164, international and
national formats of each country. All sentences written for this generator."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import phonenumbers
from faker import Faker

from ._build import Builder, nfc, rand_digits
from ._people import has_non_ascii, seeded_fakers

NAME = "international_written"
DEFAULT_SEED = 1603
DEFAULT_COUNT = 400

LOCALES = ["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "vi_VN", "hu_HU", "da_DK",
           "pt_BR", "en_GB", "en_IN", "ja_JP"]  # fmt: skip
REGION = {"de_DE": "DE", "fr_FR": "FR", "es_ES": "ES", "it_IT": "IT", "nl_NL": "NL",
          "pl_PL": "PL", "vi_VN": "VN", "hu_HU": "HU", "da_DK": "DK", "pt_BR": "BR",
          "en_GB": "GB", "en_IN": "IN", "ja_JP": "JP"}  # fmt: skip
COUNTRY = {"DE": "Germany", "FR": "France", "ES": "Spain", "IT": "Italy", "NL": "the Netherlands",
           "PL": "Poland", "VN": "Vietnam", "HU": "Hungary", "DK": "Denmark", "BR": "Brazil",
           "GB": "the UK", "IN": "India", "JP": "Japan"}  # fmt: skip
# Romanized Japanese places (Faker's ja_JP addresses are in kanji).
JA_TOWNS = ["Setagaya", "Kawasaki", "Sapporo", "Fukuoka", "Sendai", "Nerima", "Toyonaka",
            "Kanazawa", "Matsuyama", "Okayama", "Nagano", "Kumamoto"]  # fmt: skip
UNIT = {"de_DE": ["Wohnung {n}", "2. OG", "Hinterhaus"], "fr_FR": ["Appartement {n}", "Bât. B"],
        "es_ES": ["Piso {n}", "Puerta {n}"], "it_IT": ["Scala B, int. {n}", "Piano {n}"],
        "nl_NL": ["Unit {n}"], "pl_PL": ["m. {n}", "lok. {n}"], "vi_VN": ["Phòng {n}"],
        "hu_HU": ["{n}. emelet", "{n}. ajtó"], "da_DK": ["{n}. th.", "st. tv."],
        "pt_BR": ["Apto {n}", "Bloco B"], "en_GB": ["Flat {n}"], "en_IN": ["Flat No. {n}"],
        "ja_JP": ["Room {n}0{n}"]}  # fmt: skip
IT_TOWNS = ["Chiampo", "Stellanello", "Cremona", "Lecce", "Bergamo", "Rovereto", "Assisi",
            "Sassari", "Trapani", "Pordenone", "Faenza", "Vigevano"]  # fmt: skip
MEDS = ["ibuprofen", "omeprazole", "salbutamol", "paracetamol"]


class Place:
    def __init__(self, loc: str, f: Faker, rng: random.Random) -> None:
        self.loc = loc
        if loc == "ja_JP":
            block = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
            area = rng.choice(["Kitazawa", "Nakamachi", "Honcho", "Sakuragaoka"])
            self.street = f"{block} {area}"
            self.city = rng.choice(JA_TOWNS)
            self.postcode = f"{rand_digits(rng, 3)}-{rand_digits(rng, 4, False)}"
        else:
            street, num = nfc(f.street_name()), nfc(f.building_number())
            if loc in ("fr_FR", "en_GB", "en_IN", "vi_VN"):
                self.street = f"{num} {street}"
            elif loc == "pt_BR":
                self.street = f"{street}, {num}"
            elif loc == "hu_HU":
                self.street = f"{street} {num.rstrip('.')}."
            else:  # street name, then number
                self.street = f"{street} {num}"
            # Faker's it_IT city() varies with the interpreter's hash seed: a list instead
            city = rng.choice(IT_TOWNS) if loc == "it_IT" else f.city()
            self.city, self.postcode = nfc(city), nfc(f.postcode())
        self.unit = rng.choice(UNIT[loc]).format(n=rng.randint(1, 9))
        self.country = COUNTRY[REGION[loc]]
        # the postcode line in each country's order
        self.city_line = (
            [self.city, self.postcode] if loc in ("en_GB", "en_IN") else [self.postcode, self.city]
        )


class Ctx:
    def __init__(self, b: Builder, rng: random.Random, f: Faker, loc: str) -> None:
        self.b, self.rng, self.f, self.loc = b, rng, f, loc

    def name(self, family: str = "name_template") -> None:
        if self.loc == "ja_JP":
            s = f"{self.f.first_romanized_name()} {self.f.last_romanized_name()}"
        else:
            s = f"{self.f.first_name()} {self.f.last_name()}"
        s = nfc(s)
        self.b.phi(s, "NAME", family + (":nonascii" if has_non_ascii(s) else ""))

    def place(self) -> Place:
        return Place(self.loc, self.f, self.rng)

    def phone(self) -> None:
        region = REGION[self.loc]
        num = None
        for _ in range(20):
            raw = self.f.phone_number()
            try:
                cand = phonenumbers.parse(raw, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(cand):
                num = cand
                break
        if num is None:
            ex = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
            assert ex is not None
            num = ex
        fmt = self.rng.choice([phonenumbers.PhoneNumberFormat.E164,
                               phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                               phonenumbers.PhoneNumberFormat.NATIONAL])  # fmt: skip
        family = {0: "phone_e164", 1: "phone_international", 2: "phone_national"}[fmt]
        self.b.phi(phonenumbers.format_number(num, fmt), "PHONE", family)

    def email(self) -> None:
        self.b.phi(nfc(self.f.free_email()), "EMAIL", "email_locale")


def t_intro(c: Ctx) -> None:
    b = c.b
    b.line("customer").say(c.rng.choice(["My name is ", "Hi, I am ", "This is ", "Regards, "]))
    c.name()
    b.say(c.rng.choice([" and I need a copy of my records.", ".", ", writing from abroad."]))


def t_address_inline(c: Ctx) -> None:
    b, p = c.b, c.place()
    b.line("customer").say(
        c.rng.choice(
            ["Please send the letter to ", "My address is ", "I now live at ", "New address: "]
        )
    )
    eid = b.phi(p.street, "ADDRESS", "street_nonus_order")
    b.say(", ")
    b.phi(f"{p.city_line[0]} {p.city_line[1]}", "ADDRESS", "postcode_city", eid)
    b.say(f", {p.country}.")


def t_address_multiline(c: Ctx) -> None:
    b, p = c.b, c.place()
    tag = c.rng.choice(["note", "customer"])
    b.line(tag).say(c.rng.choice(["Mailing address on file:", "Ship to:", "Billing address"]))
    b.line(tag)
    c.name()
    b.line(tag)
    eid = b.phi(p.street, "ADDRESS", "multiline_street")
    if c.rng.random() < 0.6:
        b.line(tag)
        b.phi(p.unit, "ADDRESS", "multiline_unit", eid)
    b.line(tag)
    first, second = p.city_line
    b.phi(first, "ADDRESS", "multiline_postcode_city", eid)
    b.say(" " if c.rng.random() < 0.7 else ", ")
    b.phi(second, "ADDRESS", "multiline_postcode_city", eid)
    b.line(tag).say(p.country)


def t_city(c: Ctx) -> None:
    b, p = c.b, c.place()
    b.line("customer")
    c.name()
    b.say(c.rng.choice([" moved to ", " lives in ", " was treated in ", " is staying in "]))
    b.phi(p.city, "ADDRESS", "city_alone")
    b.say(c.rng.choice([" last year.", ".", " since March."]))


def t_postcode(c: Ctx) -> None:
    b, p = c.b, c.place()
    b.line("agent").say("Postcode on the account: ")
    b.phi(p.postcode, "ADDRESS", "postcode_alone")
    b.say(".")


def t_phone(c: Ctx) -> None:
    b = c.b
    b.line("customer").say(
        c.rng.choice(["You can call me on ", "Phone: ", "My number is ", "Fax the form to "])
    )
    c.phone()
    b.say(c.rng.choice(["", " after 6pm", ".", " (mobile)."]))


def t_contact(c: Ctx) -> None:
    b = c.b
    b.line("customer").say("Contact ")
    c.name()
    b.say(" at ")
    c.email()
    b.say(" or ")
    c.phone()
    b.say(".")


def t_narrative(c: Ctx) -> None:
    b = c.b
    b.line("note").say(c.rng.choice(["Spoke with ", "Left a message for ", "Forwarded to "]))
    c.name("name_narrative")
    b.say(" about the ").keep(c.rng.choice(MEDS), "MEDICATION").say(" prescription at ")
    b.keep(f"{c.rng.randint(8, 17)}:{c.rng.choice(['00', '30'])}", "TIME").say(".")


def t_full(c: Ctx) -> None:
    b, p = c.b, c.place()
    b.line("customer")
    c.name()
    b.say(", ")
    eid = b.phi(p.street, "ADDRESS", "street_nonus_order")
    b.say(", ")
    b.phi(p.unit, "ADDRESS", "unit_inline", eid)
    b.say(", ")
    b.phi(f"{p.city_line[0]} {p.city_line[1]}", "ADDRESS", "postcode_city", eid)
    b.say(", tel. ")
    c.phone()


TEMPLATES: list[tuple[Callable[[Ctx], None], int]] = [
    (t_intro, 3), (t_address_inline, 4), (t_address_multiline, 3), (t_city, 3), (t_postcode, 1),
    (t_phone, 3), (t_contact, 2), (t_narrative, 2), (t_full, 2),
]  # fmt: skip


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    fakers = seeded_fakers(LOCALES, seed * 100)
    fns = [t for t, _ in TEMPLATES]
    weights = [w for _, w in TEMPLATES]
    out = []
    for i in range(count):
        loc = LOCALES[i % len(LOCALES)] if i < len(LOCALES) else rng.choice(LOCALES)
        b = Builder(f"iw-{i:05d}", "written")
        c = Ctx(b, rng, fakers[loc], loc)
        chosen: list[Callable[[Ctx], None]] = []
        for _ in range(rng.randint(1, 3)):
            t = rng.choices(fns, weights)[0]
            if t not in chosen:
                chosen.append(t)
        for t in chosen:
            t(c)
        out.append(b.record())
    return out
