"""Family ``conversational_c``: a third, independently phrased set of healthcare
contact-center calls (ASR style) and written agent notes/chats. Callers volunteer their
details out of order, mid-sentence, wrapped in hedges and apologies; numbers arrive in
pieces over several turns or get corrected; names are spelled letter by letter; dates of
birth and of care come in many spoken and written shapes (a weekday said with its date is
part of the DATE span); phones are US and international; SSNs full and last four; member
ids, MRNs and account numbers mix letters and digits; e-mails spoken and written; street
addresses US and non-US; cities alone; ages over 89. Must-keep negatives: clinic names,
agent first names, medications, doses, times of day, counts, ages under 90.

Every phrasing here was written for this generator."""

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
    clock,
    digits_spoken,
    number_words,
    rand_digits,
    year_words,
)
from ._people import People, has_non_ascii, seeded_fakers

NAME = "conversational_c"
DEFAULT_SEED = 2417
DEFAULT_COUNT = 320

ASR_TAGS = [("rep", "patient"), ("Speaker 1", "Speaker 2"), ("AGENT", "CALLER"),
            ("nurse", "caller"), ("csr", "member"), ("agent", "daughter"),
            ("spk_0", "spk_1"), ("REP", "Speaker 2")]  # fmt: skip
WRITTEN_TAGS = [("AGENT", "Patient"), ("chat_agent", "visitor"), ("Nurse", "Pt"),
                ("support", "customer"), ("note", "note")]  # fmt: skip
CLINICS = [
    "Willow Creek Internal Medicine",
    "Saint Brigid Oncology Associates",
    "Copper Valley Urgent Care",
    "Eastshore Kidney Center",
    "Foxglove Pain Clinic",
    "Granite Peak Neurology",
    "Silverlake Maternal Health",
    "Three Rivers Dialysis",
]
AGENTS = ["Priya", "Marcus", "Delphine", "Tomasz", "Keisha", "Anil", "Rosalind", "Jun"]
MEDS = [("apixaban", "5 mg", "five milligrams"), ("gabapentin", "300 mg", "three hundred mg"),
        ("furosemide", "20 mg", "twenty milligrams"), ("insulin glargine", "12 units",
        "twelve units"), ("prednisone", "10 mg", "ten milligrams"),
        ("tamsulosin", "0.4 mg", "point four milligrams"), ("losartan", "25 mg",
        "twenty five milligrams")]  # fmt: skip
HEDGES = ["if that helps", "i think", "i'm pretty sure", "don't quote me", "sorry",
          "bear with me", "if i remember right"]  # fmt: skip
FILLERS = ["um", "uh", "hmm", "er", "you know", "like", "okay so"]
US_CITIES = [
    "Chillicothe",
    "Walla Walla",
    "Tuscaloosa",
    "Poughkeepsie",
    "Bakersfield",
    "Muncie",
    "Pueblo",
    "Scranton",
    "Eau Claire",
    "Abilene",
    "Lafayette",
    "Modesto",
]
INTL_CITIES = ["Wrocław", "Guadalajara", "Bergen", "Tampere", "Porto Alegre", "Đà Nẵng",
               "Clermont-Ferrand", "Debrecen", "Utrecht", "Izmir", "Osaka", "Pune",
               "Göteborg", "Brno", "Aarhus", "Valladolid", "Leipzig"]  # fmt: skip
INTL_PHONES = [  # (country code, written grouping of national digits)
    ("44", [4, 6]), ("49", [3, 4, 4]), ("33", [1, 2, 2, 2, 2]), ("52", [2, 4, 4]),
    ("91", [5, 5]), ("48", [3, 3, 3]), ("81", [2, 4, 4]), ("55", [2, 5, 4]), ("36", [2, 3, 4]),
]  # fmt: skip
STREET_LOCALES = ["de_DE", "fr_FR", "es_ES", "nl_NL", "pl_PL", "pt_BR", "en_GB", "da_DK"]
DOMAINS = [
    ("gmail", "com"),
    ("yahoo", "com"),
    ("outlook", "com"),
    ("proton", "me"),
    ("web", "de"),
    ("hotmail", "co dot uk"),
    ("icloud", "com"),
    ("comcast", "net"),
]
WDOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "proton.me", "web.de", "hotmail.co.uk",
            "icloud.com", "comcast.net", "orange.fr", "mail.ru"]  # fmt: skip
ORD_SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def ascii_fold(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", s) if c.isascii() and c.isalpha()
    ).lower()


class Ctx:
    def __init__(self, b: Builder, rng: random.Random, people: People, fk: dict[str, Faker]):
        self.b, self.rng, self.people, self.fk = b, rng, people, fk
        asr = b.style == "asr"
        self.asr = asr
        self.ag, self.pt = rng.choice(ASR_TAGS if asr else WRITTEN_TAGS)
        self.first, self.last = people.first_last()

    def c(self, xs: list[Any]) -> Any:
        return self.rng.choice(xs)

    def cased(self, s: str) -> str:
        return s.lower() if self.asr else s

    def fam(self, family: str, s: str) -> str:
        return family + (":nonascii" if has_non_ascii(s) else "")

    def filler(self) -> str:
        return self.c(FILLERS) + " " if self.rng.random() < 0.5 else ""

    # ---- dates ---------------------------------------------------------------------
    def date(self, family: str, birth: bool, eid: int | None = None) -> int:
        r = self.rng
        y = r.randint(1928, 2004) if birth else r.randint(2019, 2025)
        m, d = r.randint(1, 12), r.randint(1, 28)
        if self.asr:
            forms = [
                f"{MONTHS[m - 1]} {ORDINALS[d]} {year_words(y)}",
                f"the {ORDINALS[d]} of {MONTHS[m - 1]} {year_words(y)}",
                f"{number_words(m)} {number_words(d)} {year_words(y)}",
                f"{digits_spoken(f'{m:02d}', r)} {digits_spoken(f'{d:02d}', r)} "
                f"{digits_spoken(str(y), r)}",
            ]
            if not birth:
                forms += [f"{WEEKDAYS[r.randint(0, 4)]} the {ORDINALS[d]}",
                          f"{WEEKDAYS[r.randint(0, 4)]} {MONTHS[m - 1]} {ORDINALS[d]}",
                          f"{MONTHS[m - 1]} {ORDINALS[d]}"]  # fmt: skip
        else:
            mon = MONTHS[m - 1].capitalize()
            sfx = ORD_SUFFIX.get(d, "th")
            forms = [f"{m}/{d}/{y}", f"{m:02d}/{d:02d}/{y % 100:02d}", f"{d:02d}.{m:02d}.{y}",
                     f"{y}-{m:02d}-{d:02d}", f"{mon} {d}{sfx}, {y}", f"{d} {mon[:3]} {y}",
                     f"{mon[:3]}. {d}, {y}"]  # fmt: skip
            if not birth:
                forms += [f"{WEEKDAYS[r.randint(0, 4)].capitalize()[:3]}, {mon[:3]} {d}",
                          f"{WEEKDAYS[r.randint(0, 4)].capitalize()} {m}/{d}"]  # fmt: skip
        k = r.randrange(len(forms))
        return self.b.phi(forms[k], "DATE", f"{family}_{k}", eid)

    # ---- phones --------------------------------------------------------------------
    def us_digits(self) -> str:
        return rand_digits(self.rng, 3) + str(self.rng.randint(2, 9)) + rand_digits(self.rng, 6)

    def phone_written(self, eid: int | None = None) -> int:
        r = self.rng
        if r.random() < 0.5:
            ds = self.us_digits()
            k = r.randrange(5)
            s = [f"({ds[:3]}) {ds[3:6]}-{ds[6:]}", f"{ds[:3]}.{ds[3:6]}.{ds[6:]}",
                 f"+1 {ds[:3]} {ds[3:6]} {ds[6:]}", f"{ds[:3]}-{ds[3:6]}-{ds[6:]}",
                 f"1-{ds[:3]}-{ds[3:6]}-{ds[6:]}"][k]  # fmt: skip
            return self.b.phi(s, "PHONE", f"phone_us_written_{k}", eid)
        cc, groups = self.c(INTL_PHONES)
        parts = [rand_digits(r, n, i == 0) for i, n in enumerate(groups)]
        s = (f"+{cc} " + " ".join(parts)) if r.random() < 0.6 else f"00{cc} {''.join(parts)}"
        return self.b.phi(s, "PHONE", f"phone_intl_written_{cc}", eid)

    # ---- names ---------------------------------------------------------------------
    def full_name(self, family: str) -> int:
        s = self.cased(f"{self.first} {self.last}")
        return self.b.phi(s, "NAME", self.fam(family, s))

    # ---- addresses -----------------------------------------------------------------
    def us_street(self) -> tuple[str, str, str]:
        f = self.fk["en_US"]
        return f.street_address(), f.city(), f"{f.state_abbr()} {f.zipcode()}"

    def intl_street(self) -> tuple[str, str]:
        loc = self.c(STREET_LOCALES)
        f = self.fk[loc]
        street, num = f.street_name(), f.building_number()
        s = f"{num} {street}" if loc in ("fr_FR", "en_GB") else f"{street} {num}"
        if loc == "pt_BR":
            s = f"{street}, {num}"
        return unicodedata.normalize("NFC", " ".join(s.split())), f"{f.postcode()} {f.city()}"


# ---------------------------------------------------------------- ASR templates ------
def a_open(c: Ctx) -> None:
    b = c.b
    b.line(c.ag).say(c.c(["good morning you've reached ", "thank you for holding this is ",
                          "hi there ", "you're speaking with "]))  # fmt: skip
    if c.rng.random() < 0.5:
        b.keep(c.c(AGENTS).lower(), "AGENT_NAME").say(" at ")
        b.keep(c.c(CLINICS).lower(), "CLINIC_NAME").say(" how can i help")
    else:
        b.keep(c.c(CLINICS).lower(), "CLINIC_NAME").say(" my name is ")
        b.keep(c.c(AGENTS).lower(), "AGENT_NAME").say(" who am i speaking with")


def a_name_late(c: Ctx) -> None:
    b = c.b
    b.line(c.pt).say(c.c(["yeah hi so the reason i'm calling and i apologize in advance "
                          "because this is a long story is that my ",
                          "okay so i've been trying to get through all week about my ",
                          "hi um it's about a bill for my "]))  # fmt: skip
    b.say(c.c(["late husband", "grandmother", "father in law", "partner", "stepson"]))
    b.say(" and the letter's addressed to ")
    c.full_name("name_mid_sentence")
    b.say(" " + c.c(HEDGES) + " but he goes by his middle name")


def a_name_spelled(c: Ctx) -> None:
    b = c.b
    last = c.last.lower()
    b.line(c.ag).say(c.c(["and can i get the last name please", "could you spell that for me"]))
    b.line(c.pt).say(c.filler())
    eid = b.phi(last, "NAME", c.fam("name_spelled_word", last))
    letters = [ch for ch in last if ch.isalpha()]
    b.say(c.c([" that's ", " spelled ", " uh "]))
    b.phi(" ".join(letters), "NAME", c.fam("name_spelled_letters", last), eid)
    if c.rng.random() < 0.5:
        b.say(" and first name ")
        f = c.first.lower()
        b.phi(f, "NAME", c.fam("name_first_after_spelling", f))
        b.say(" like it sounds")


def a_name_reversed(c: Ctx) -> None:
    b = c.b
    b.line(c.pt).say("it'd be under ")
    last = c.last.lower()
    eid = b.phi(last, "NAME", c.fam("name_surname_first", last))
    b.say(c.c([" comma ", " um first name ", " and then "]))
    b.phi(c.first.lower(), "NAME", c.fam("name_surname_first", c.first), eid)
    b.say(" the appointment was with ").keep(c.c(CLINICS).lower(), "CLINIC_NAME")


def a_dob(c: Ctx) -> None:
    b = c.b
    b.line(c.ag).say(c.c(["i just need to verify a date of birth",
                          "and for security what's the birthday on file"]))  # fmt: skip
    b.line(c.pt).say(c.c(["oh gosh okay it's ", "that would be ", "mine or hers oh hers it's ",
                          "born on "]))  # fmt: skip
    b.say(c.filler())
    c.date("dob_spoken", True)
    if c.rng.random() < 0.4:
        b.say(" so that makes her ")
        age = c.rng.randint(90, 104)
        b.phi(number_words(age), "AGE", "age_over_89_spoken")
        b.say(" this year believe it or not")


def a_care_date(c: Ctx) -> None:
    b = c.b
    b.line(c.pt).say(c.c(["so i was in there for the scan back on ",
                          "i think the visit was um ", "they drew blood on "]))  # fmt: skip
    c.date("care_spoken", False)
    b.say(" around ")
    h = c.rng.randint(1, 11)
    b.keep(clock(h, c.c([0, 15, 30, 45])), "TIME")
    b.say(c.c([" in the morning", " in the afternoon", ""]))
    b.say(" and they charged me ").keep(c.c(["twice", "two times", "three times"]), "COUNT")


def a_phone_split(c: Ctx) -> None:
    b, r = c.b, c.rng
    ds = c.us_digits()
    b.line(c.ag).say("what's the best callback number")
    b.line(c.pt).say("sure it's ")
    eid = b.phi(digits_spoken(ds[:3], r, homophones=0.2), "PHONE", "phone_split_turns")
    b.line(c.ag).say(c.c(["okay", "mhm", "go ahead"]))
    b.line(c.pt)
    b.phi(digits_spoken(ds[3:6], r, homophones=0.2), "PHONE", "phone_split_turns", eid)
    b.say(" " + c.c(FILLERS) + " ")
    b.phi(digits_spoken(ds[6:], r, pairs=0.5), "PHONE", "phone_split_turns", eid)
    b.say(" that's my cell not the house")


def a_phone_corrected(c: Ctx) -> None:
    b, r = c.b, c.rng
    ds = c.us_digits()
    wrong = ds[:6] + str((int(ds[6]) + 3) % 10) + ds[7:]
    b.line(c.pt).say("you can reach me at ")
    eid = b.phi(digits_spoken(wrong, r), "PHONE", "phone_correction")
    b.say(c.c([" no hold on that's my old one it's ", " wait sorry ", " ugh no i mean "]))
    b.phi(digits_spoken(ds, r), "PHONE", "phone_correction", eid)


def a_phone_intl(c: Ctx) -> None:
    b, r = c.b, c.rng
    cc, groups = c.c(INTL_PHONES)
    b.line(c.pt).say("i'm visiting family abroad so the number is plus ")
    eid = b.phi(digits_spoken(cc, r) + " " + digits_spoken(rand_digits(r, groups[0]), r),
                "PHONE", "phone_intl_spoken")  # fmt: skip
    for n in groups[1:]:
        b.say(" " + c.c(["", "then", "and"]) + " " if r.random() < 0.5 else " ")
        b.phi(digits_spoken(rand_digits(r, n, False), r), "PHONE", "phone_intl_spoken", eid)


def a_ssn(c: Ctx) -> None:
    b, r = c.b, c.rng
    if r.random() < 0.5:
        b.line(c.ag).say("can you confirm the last four of the social")
        b.line(c.pt).say(c.c(["yeah it's ", "um ", "last four "]))
        b.phi(digits_spoken(rand_digits(r, 4, False), r, pairs=0.4), "SSN", "ssn_last4_spoken")
    else:
        ds = rand_digits(r, 9)
        b.line(c.pt).say("do you want the whole social okay it's ")
        eid = b.phi(digits_spoken(ds[:3], r), "SSN", "ssn_full_spoken")
        b.say(" " + c.c(FILLERS) + " ")
        b.phi(digits_spoken(ds[3:5], r), "SSN", "ssn_full_spoken", eid)
        b.line(c.ag).say("mhm")
        b.line(c.pt)
        b.phi(digits_spoken(ds[5:], r), "SSN", "ssn_full_spoken", eid)


def a_ident(c: Ctx) -> None:
    b, r = c.b, c.rng
    label, what = c.c([("MEMBER_ID", "member id on the card"), ("MRN", "chart number"),
                       ("ACCOUNT", "account number on the statement"),
                       ("MRN", "medical record number")])  # fmt: skip
    letters = " ".join(r.choice("abcdefghjkmnprstwxyz") for _ in range(r.randint(1, 3)))
    b.line(c.pt).say(f"hang on i've got the {what} here it starts with ")
    eid = b.phi(letters, label, f"{label.lower()}_letters_then_digits")
    b.say(c.c([" and then ", " then ", " um "]))
    b.phi(digits_spoken(rand_digits(r, r.randint(6, 9), False), r, homophones=0.3, pairs=0.2),
          label, f"{label.lower()}_letters_then_digits", eid)  # fmt: skip


def a_email(c: Ctx) -> None:
    b, r = c.b, c.rng
    first, last = ascii_fold(c.first) or "kim", ascii_fold(c.last) or "lee"
    dom, tld = c.c(DOMAINS)
    local = c.c([f"{first} dot {last}", f"{first[0]} {last}", f"{last} underscore {first}",
                 f"{first}{last[:1]} {number_words(r.randint(1, 99))}"])  # fmt: skip
    b.line(c.pt).say("for the portal the email they have is probably the old one ")
    b.phi(f"{local} at {dom} dot {tld}", "EMAIL", "email_spoken")
    b.say(" all lowercase")


def a_address(c: Ctx) -> None:
    b, r = c.b, c.rng
    if r.random() < 0.6:
        num = r.randint(10, 9899)
        street = c.fk["en_US"].street_name().lower()
        b.line(c.pt).say("we're at ")
        eid = b.phi(f"{number_words(num)} {street}", "ADDRESS", "address_us_spoken")
        if r.random() < 0.5:
            b.say(" ")
            b.phi(f"apartment {number_words(r.randint(1, 40))}", "ADDRESS", "address_unit",
                  eid)  # fmt: skip
        b.say(" in ")
        city = c.c(US_CITIES).lower()
        b.phi(city, "ADDRESS", "address_us_spoken", eid)
        b.say(" " + c.c(HEDGES))
    else:
        street, _ = c.intl_street()
        b.line(c.pt).say("the letters should go to my daughter's place it's ")
        b.phi(street.lower(), "ADDRESS", c.fam("address_nonus_spoken", street))
        b.say(" in ")
        city = c.c(INTL_CITIES).lower()
        b.phi(city, "ADDRESS", c.fam("city_alone_spoken", city))


def a_city(c: Ctx) -> None:
    b = c.b
    city = c.c(US_CITIES + INTL_CITIES).lower()
    b.line(c.pt).say(c.c(["we moved down from ", "she's been living in ",
                          "oh i'm actually calling from "]))  # fmt: skip
    b.phi(city, "ADDRESS", c.fam("city_alone_spoken", city))
    b.say(" since the spring")


def a_meds(c: Ctx) -> None:
    b, r = c.b, c.rng
    med, _, dose = c.c(MEDS)
    b.line(c.ag).say("and are you still taking the ").keep(med, "MEDICATION")
    b.line(c.pt).say("yes ").keep(dose, "DOSAGE").say(" ")
    b.keep(c.c(["once", "twice", "three times"]), "COUNT").say(" a day and i'm ")
    b.keep(number_words(r.randint(40, 89)), "AGE_UNDER_90").say(" so they watch me closely")


def a_age(c: Ctx) -> None:
    b, r = c.b, c.rng
    b.line(c.pt).say(c.c(["mom is ", "he turned ", "she'll be "]))
    b.phi(number_words(r.randint(90, 106)), "AGE", "age_over_89_spoken")
    b.say(c.c([" next month", " and sharp as a tack", " so she can't drive in"]))


ASR_TEMPLATES: list[tuple[Callable[[Ctx], None], int]] = [
    (a_name_late, 3), (a_name_spelled, 3), (a_name_reversed, 2), (a_dob, 4), (a_care_date, 3),
    (a_phone_split, 3), (a_phone_corrected, 2), (a_phone_intl, 2), (a_ssn, 3), (a_ident, 3),
    (a_email, 3), (a_address, 3), (a_city, 2), (a_meds, 3), (a_age, 2),
]  # fmt: skip


# ------------------------------------------------------------ written templates ------
def w_intro(c: Ctx) -> None:
    b = c.b
    b.line(c.pt).say(
        c.c(
            [
                "Hello, apologies for the long message. I'm writing on behalf of ",
                "Hi! Quick question about ",
                "Good evening, this concerns ",
            ]
        )
    )
    c.full_name("name_written")
    b.say(c.c([" (my mother), DOB ", ", born ", " — date of birth "]))
    c.date("dob_written", True)
    b.say(".")


def w_note(c: Ctx) -> None:
    b, r = c.b, c.rng
    med, dose, _ = c.c(MEDS)
    b.line(c.ag).say(c.c(["Called pt back re: ", "Pt requests refill of ", "Reviewed "]))
    b.keep(med, "MEDICATION").say(" ").keep(dose, "DOSAGE").say(", last seen ")
    c.date("care_written", False)
    b.say(" at ").keep(c.c(AGENTS), "AGENT_NAME").say("'s desk; callback ")
    c.phone_written()
    b.say(" after ").keep(f"{r.randint(1, 5)}:{c.c(['00', '30'])} PM", "TIME").say(".")


def w_ids(c: Ctx) -> None:
    b, r = c.b, c.rng
    pre = "".join(r.choice("ABCDEFGHJKLMNPRSTUWXYZ") for _ in range(r.randint(2, 3)))
    mid = rand_digits(r, r.randint(5, 8))
    kind = r.randrange(4)
    s, label, lead = [
        (f"{pre}{mid}", "MEMBER_ID", "Member ID: "),
        (f"{pre}-{mid}-{rand_digits(r, 2, False)}", "MEMBER_ID", "my insurance number is "),
        (f"MRN{mid}", "MRN", "chart "),
        (f"{rand_digits(r, 4)}-{pre}{rand_digits(r, 3)}", "ACCOUNT", "acct # "),
    ][kind]
    b.line(c.c([c.pt, c.ag])).say(lead)
    b.phi(s, label, f"{label.lower()}_written_{kind}")
    b.say(c.c([" (the one on the new card)", ".", ", not sure if that's current"]))


def w_ssn(c: Ctx) -> None:
    b, r = c.b, c.rng
    b.line(c.pt)
    if r.random() < 0.5:
        b.say("SSN ends in ")
        b.phi(rand_digits(r, 4, False), "SSN", "ssn_last4_written")
    else:
        b.say("For the form, SSN ")
        b.phi(f"{rand_digits(r, 3)}-{rand_digits(r, 2)}-{rand_digits(r, 4)}", "SSN",
              "ssn_full_written")  # fmt: skip
    b.say(", hope that's ok to send here.")


def w_contact(c: Ctx) -> None:
    b, r = c.b, c.rng
    first, last = ascii_fold(c.first) or "kim", ascii_fold(c.last) or "lee"
    local = c.c([f"{first}.{last}", f"{first[0]}{last}{r.randint(1, 99)}", f"{last}_{first}"])
    b.line(c.pt).say("Best to email ")
    b.phi(f"{local}@{c.c(WDOMAINS)}", "EMAIL", "email_written")
    b.say(c.c([" or text ", ", or phone ", "; mobile "]))
    c.phone_written()
    b.say(".")


def w_address(c: Ctx) -> None:
    b, r = c.b, c.rng
    b.line(c.pt).say(c.c(["Please update my address to ", "New mailing address: ",
                          "Statements keep going to the old place, it should be "]))  # fmt: skip
    if r.random() < 0.55:
        street, city, st = c.us_street()
        eid = b.phi(street, "ADDRESS", "address_us_written")
        b.say(", ")
        b.phi(f"{city}, {st}", "ADDRESS", "address_us_written", eid)
    else:
        street, pc_city = c.intl_street()
        eid = b.phi(street, "ADDRESS", c.fam("address_nonus_written", street))
        b.say(", ")
        b.phi(pc_city, "ADDRESS", c.fam("address_nonus_written", pc_city), eid)
    b.say(". Thanks!")


def w_city_age(c: Ctx) -> None:
    b, r = c.b, c.rng
    city = c.c(US_CITIES + INTL_CITIES)
    b.line(c.ag).say("Caller's father, ")
    b.phi(str(r.randint(90, 103)), "AGE", "age_over_89_written")
    b.say("-year-old, recently relocated to ")
    b.phi(city, "ADDRESS", c.fam("city_alone_written", city))
    b.say("; daughter is ").keep(str(r.randint(45, 70)), "AGE_UNDER_90").say(", primary contact.")


def w_appt(c: Ctx) -> None:
    b = c.b
    b.line(c.ag).say("Rescheduled to ")
    c.date("care_written", False)
    b.say(" at ").keep(c.c(CLINICS), "CLINIC_NAME").say(", arrive by ")
    b.keep(c.c(["8:15 AM", "9:40 am", "1:00 PM", "noon"]), "TIME").say(".")


WRITTEN_TEMPLATES: list[tuple[Callable[[Ctx], None], int]] = [
    (w_intro, 4), (w_note, 3), (w_ids, 4), (w_ssn, 2), (w_contact, 3), (w_address, 4),
    (w_city_age, 2), (w_appt, 2),
]  # fmt: skip


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    people = People(seed)
    fk = seeded_fakers(["en_US", *STREET_LOCALES], seed * 10)
    out = []
    for i in range(count):
        style = "asr" if rng.random() < 0.6 else "written"
        b = Builder(f"cc-{i:05d}", style)
        c = Ctx(b, rng, people, fk)
        table = ASR_TEMPLATES if style == "asr" else WRITTEN_TEMPLATES
        fns, weights = [t for t, _ in table], [w for _, w in table]
        if style == "asr" and rng.random() < 0.6:
            a_open(c)
        chosen: list[Callable[[Ctx], None]] = []
        for _ in range(rng.randint(2, 4)):
            t = rng.choices(fns, weights)[0]
            if t not in chosen:
                chosen.append(t)
        for t in chosen:
            t(c)
        out.append(b.record())
    return out
