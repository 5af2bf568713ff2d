"""Family ``conversational_b``: contact-center calls (ASR style) and agent notes/chats
(written style) built around issue 16's families of misses: relative dates of care,
short numeric dates, plainly stated ages over 89, digit strings broken by fillers,
corrections, mixed groupings and recogniser homophones, phonetic spelling, "LAST, First"
notes, names after relationship words or answering a question or with no cue, non-ASCII
names, a city named alone, speaker tags such as ``S1:``/``SPEAKER_00:``, e-mail at many
endings, non-US phones; and must-keep text (clinic and accented agent names, medications,
doses, times, ages under 90, "songs for Entertainment Weekly", "a 501(c)3").

Every phrasing here was written for this generator."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import phonenumbers

from ._build import (
    MONTHS,
    ORDINALS,
    WEEKDAYS,
    Builder,
    clock,
    digits_spoken,
    number_words,
    pick_distinct,
    rand_digits,
    year_words,
)
from ._people import People, has_non_ascii

NAME = "conversational_b"
DEFAULT_SEED = 1602
DEFAULT_COUNT = 420

CLINICS = [
    "lakeside family medicine", "northgate cardiology", "riverbend pediatrics",
    "harbor view dermatology", "cedar hill orthopedics", "bluewater sleep center",
    "pine ridge endocrinology", "meadowbrook women's health",
]  # fmt: skip
AGENTS = ["josé", "renée", "zoë", "andré", "inés", "björn", "chloé", "mónica", "raúl", "noémie"]
MEDS = [
    ("lisinopril", "10 mg", "ten milligrams"), ("metformin", "500 mg", "five hundred milligrams"),
    ("atorvastatin", "40 mg", "forty milligrams"), ("sertraline", "50 mg", "fifty milligrams"),
    ("levothyroxine", "75 mcg", "seventy five micrograms"),
    ("amlodipine", "5 mg", "five milligrams"),
]  # fmt: skip
FILLERS = ["you know", "um", "uh", "let me see", "hang on", "sorry", "like"]
CORRECTIONS = ["actually scratch that", "no wait", "sorry that's wrong it's", "let me start over"]
RELATIONS = ["uncle", "aunt", "mother", "father", "husband", "wife", "partner", "son",
             "daughter", "grandmother", "neighbor", "brother", "sister", "stepdad"]  # fmt: skip
PHONETIC = {
    "a": "alpha", "b": "bravo", "c": "charlie", "d": "david", "e": "echo", "f": "frank",
    "g": "george", "h": "hotel", "j": "john", "k": "kilo", "l": "lima", "m": "mary",
    "n": "nancy", "p": "peter", "r": "romeo", "s": "sam", "t": "tango", "v": "victor",
    "w": "whiskey", "x": "x-ray", "y": "yankee", "z": "zulu",
}  # fmt: skip
US_TOWNS = ["Springfield", "Tacoma", "Boise", "Dayton", "Greeley", "Yonkers", "Bozeman",
            "Kalamazoo", "Flagstaff", "Duluth", "Lowell", "Macon"]  # fmt: skip
REAL_CITY_LOCALES = ["de_DE", "es_ES", "pl_PL", "da_DK", "fi_FI", "nl_NL", "vi_VN"]
TLDS = ["hu", "co.uk", "io", "de", "fr", "nl", "pl", "com.br", "dk", "it", "es", "vn", "jp",
        "ca", "com.au", "health", "ai", "app", "me", "info", "net", "org", "fi", "cz",
        "ie"]  # fmt: skip
PHONE_REGIONS = ["GB", "DE", "FR", "HU", "NL", "PL", "BR", "IN", "MX", "DK", "IT", "ES", "VN",
                 "JP", "AU", "IE"]  # fmt: skip
ASR_TAGS = [("agent", "caller"), ("S1", "S2"), ("SPEAKER_00", "SPEAKER_01"), ("rep", "member")]
WRITTEN_TAGS = [("agent", "patient"), ("S1", "S2"), ("SPEAKER_00", "SPEAKER_01"),
                ("support", "customer")]  # fmt: skip


class Call:
    """State for one record: builder, seeded choices, the two speaker tags."""

    def __init__(self, b: Builder, rng: random.Random, people: People, a: str, c: str) -> None:
        self.b, self.rng, self.people, self.a, self.c = b, rng, people, a, c
        self.asr = b.style == "asr"

    def name(self, full: bool = True) -> tuple[str, str]:
        first, last = self.people.first_last()
        if self.asr:
            first, last = first.lower(), last.lower()
        return first, last

    def name_phi(self, s: str, family: str) -> None:
        fam = family + (":nonascii" if has_non_ascii(s) else "")
        self.b.phi(s, "NAME", fam)

    def city(self) -> str:
        r = self.rng.random()
        city = (
            self.rng.choice(US_TOWNS)
            if r < 0.35
            else self.people.city(self.rng.choice(REAL_CITY_LOCALES))
        )
        return city.lower() if self.asr else city

    def ident_spoken(self, ds: str, homophones: float = 0.0, pairs: float = 0.0) -> str:
        return digits_spoken(ds, self.rng, homophones=homophones, pairs=pairs)


# --- ASR episodes -------------------------------------------------------------------------


def asr_name_dob(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.a).say(
        rng.choice(
            [
                "who am i talking to today and your birthday please",
                "can i get the patient's full name and birth date",
                "let's start with your name and date of birth",
            ]
        )
    )
    first, last = k.name()
    b.line(k.c).say(rng.choice(["yeah it's ", "sure ", "this is ", ""]))
    k.name_phi(f"{first} {last}", "name_intro")
    b.say(rng.choice([" and i was born ", " birthday is ", " born on "]))
    y = rng.randint(1931, 2004)
    b.phi(
        f"{MONTHS[rng.randrange(12)]} {ORDINALS[rng.randint(1, 28)]} {year_words(y)}",
        "DATE",
        "dob_spoken",
    )


def asr_relative_date(k: Call) -> None:
    b, rng = k.b, k.rng
    wd, day = rng.choice(WEEKDAYS), ORDINALS[rng.randint(1, 31)]
    b.line(k.a).say(
        rng.choice(
            [
                "when did you come in for the procedure",
                "do you remember when they did the bloodwork",
                "when is the follow up scheduled",
                "what day works for you",
            ]
        )
    )
    b.line(k.c).say(
        rng.choice(["it was ", "i think ", "they said ", "um ", "they put me down for "])
    )
    b.phi(f"{wd} the {day}", "DATE", "relative_date")
    if rng.random() < 0.6:
        h, m = rng.randint(1, 11), rng.choice([0, 5, 15, 20, 30, 45])
        b.say(" at ").keep(clock(h, m), "TIME")
    b.say(rng.choice(["", " i believe", " with the nurse", " in the morning"]))


def asr_age_over(k: Call) -> None:
    b, rng = k.b, k.rng
    age = rng.randint(90, 104)
    who = rng.choice(
        [
            "my mother's ",
            "she is ",
            "my dad is ",
            "grandma just turned ",
            "he'll be ",
            "my aunt's ",
            "she's ",
        ]
    )
    b.line(k.c).say(rng.choice(["it's for my mom ", "the appointment is for my father ", ""]))
    b.say(who)
    b.phi(number_words(age), "AGE", "age_over_89_plain")
    b.say(rng.choice([" so she can't drive anymore", " and still pretty sharp", "", " now"]))


def asr_age_under(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.c).say(rng.choice(["my husband is ", "he's only ", "she turned ", "i'm "]))
    b.keep(number_words(rng.randint(18, 89)), "AGE_UNDER_90")
    b.say(rng.choice([" if that matters", " this year", ""]))


def asr_phone_filler(k: Call) -> None:
    b, rng = k.b, k.rng
    ds = rand_digits(rng, 10)
    cut = rng.choice([3, 5, 6])
    b.line(k.a).say(
        rng.choice(
            ["what's a good number to reach you", "and a callback number in case we get cut off"]
        )
    )
    b.line(k.c)
    eid = b.phi(k.ident_spoken(ds[:cut], pairs=0.2), "PHONE", "digits_filler")
    if rng.random() < 0.5:
        b.say(f" {rng.choice(FILLERS)} ")
    else:
        b.line(k.a).say(rng.choice(["mhm", "okay", "go on"]))
        b.line(k.c)
    b.phi(k.ident_spoken(ds[cut:], pairs=0.5), "PHONE", "digits_filler", eid)


def asr_ssn_homophone(k: Call) -> None:
    b, rng = k.b, k.rng
    ds = rand_digits(rng, 9)
    b.line(k.a).say(
        rng.choice(
            [
                "and your social security number",
                "i'll need your social",
                "can you verify the last four of your social",
            ]
        )
    )
    if "last four" in b.parts[-1]:
        ds = ds[-4:]
    b.line(k.c).say(rng.choice(["my social security number is ", "it's ", "sure "]))
    b.phi(k.ident_spoken(ds, homophones=0.6), "SSN", "digits_homophone")


def asr_correction(k: Call) -> None:
    b, rng = k.b, k.rng
    label, ask = rng.choice(
        [
            ("MEMBER_ID", "what's the member id on the card"),
            ("MRN", "do you have your medical record number"),
            ("ACCOUNT", "and the account number on the statement"),
        ]
    )
    ds = rand_digits(rng, rng.choice([7, 8, 9]), first_nonzero=False)
    wrong = ds[: len(ds) // 2]
    wrong = wrong[:-1] + str((int(wrong[-1]) + 3) % 10)
    b.line(k.a).say(ask)
    b.line(k.c)
    eid = b.phi(k.ident_spoken(wrong), label, "digits_correction")
    b.say(f" {rng.choice(CORRECTIONS)} ")
    b.phi(k.ident_spoken(ds), label, "digits_correction", eid)


def asr_mixed_grouping(k: Call) -> None:
    b, rng = k.b, k.rng
    label, cue = rng.choice(
        [
            ("CARD", "the card number is "),
            ("ACCOUNT", "account number "),
            ("MRN", "my chart number is "),
            ("PHONE", "call me back at "),
        ]
    )
    n = {"CARD": 16, "ACCOUNT": 8, "MRN": 8, "PHONE": 10}[label]
    ds = rand_digits(rng, n)
    b.line(k.c).say(cue)
    b.phi(k.ident_spoken(ds, pairs=0.7), label, "mixed_grouping")


def asr_phonetic(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.a).say(
        rng.choice(
            [
                "can you spell out the member id for me",
                "read me the id on the front of the card",
                "what's the policy number",
            ]
        )
    )
    letters = rng.sample(sorted(PHONETIC), rng.randint(2, 3))
    pieces = []
    for i, ch in enumerate(letters):
        pieces.append(f"{ch} as in {PHONETIC[ch]}" if i == 0 or rng.random() < 0.5 else ch)
    pieces.append(k.ident_spoken(rand_digits(rng, rng.randint(4, 6)), homophones=0.3))
    b.line(k.c).say(rng.choice(["okay ", "it's ", "", "um "]))
    b.phi(" ".join(pieces), "MEMBER_ID", "phonetic_spelling")


def asr_relation_name(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.name()
    rel = rng.choice(RELATIONS)
    form = rng.randrange(4)
    b.line(k.c)
    if form == 0:
        b.say(f"i'm calling for my {rel} ")
        k.name_phi(f"{first} {last}", "name_relation")
        b.say(" about the bill")
    elif form == 1:
        b.say(f"it's under my {rel}'s name ")
        k.name_phi(last, "name_relation")
    elif form == 2:
        b.say(f"my {rel} ")
        k.name_phi(first, "name_relation")
        b.say(" usually picks up the prescriptions")
    else:
        b.say(f"you can talk to my {rel} too ")
        k.name_phi(f"{first} {last}", "name_relation")


def asr_name_answer(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.name()
    b.line(k.c).say(
        rng.choice(
            ["my name? ", "the patient? that's ", "who's it for? oh ", "spell it? sure it's "]
        )
    )
    k.name_phi(f"{first} {last}" if rng.random() < 0.7 else first, "name_answer")


def asr_city(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.c).say(
        rng.choice(
            [
                "i'm in ",
                "she lives in ",
                "we moved out to ",
                "i'm staying with family in ",
                "he's up in ",
            ]
        )
    )
    b.phi(k.city(), "ADDRESS", "city_alone")
    b.say(rng.choice([" now", " since the spring", "", " so it's a drive"]))


def asr_address(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.a).say("and the street address")
    _, last = k.name()
    number = number_words(rng.randint(10, 9999))
    street = f"{number} {last} {rng.choice(['street', 'road', 'lane', 'avenue'])}"
    b.line(k.c)
    eid = b.phi(street, "ADDRESS", "address_spoken")
    if rng.random() < 0.5:
        b.say(" ")
        b.phi(f"apartment {number_words(rng.randint(1, 40))}", "ADDRESS", "address_spoken", eid)


def asr_email(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.name()
    local = rng.choice(
        [f"{first} dot {last}", f"{first}{rng.randint(1, 99)}", f"{last} underscore {first[0]}"]
    )
    dom = rng.choice(["posta", "freemail", "mail", "web", "correo", "gmx", "outlook"])
    tld = " dot ".join(rng.choice(TLDS).split("."))
    b.line(k.a).say("what email should we send the portal link to")
    b.line(k.c).say(rng.choice(["it's ", "", "okay "]))
    b.phi(f"{local} at {dom} dot {tld}", "EMAIL", "email_tld_spoken")


def asr_nonus_phone(k: Call) -> None:
    b, rng = k.b, k.rng
    num = _nonus_number(rng)
    ds = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)[1:]
    cc = str(num.country_code)
    b.line(k.c).say(rng.choice(["i'm abroad right now so call ", "my number over here is "]))
    eid = b.phi(f"plus {k.ident_spoken(cc)}", "PHONE", "phone_nonus")
    b.say(" ")
    b.phi(k.ident_spoken(ds[len(cc) :], pairs=0.3), "PHONE", "phone_nonus", eid)


def asr_medication(k: Call) -> None:
    b, rng = k.b, k.rng
    med, _, dose = rng.choice(MEDS)
    b.line(k.c).say("i need a refill on my ").keep(med, "MEDICATION").say(" ")
    b.keep(dose, "DOSAGE").say(" and i have ").keep(rng.choice(["two", "three", "no"]), "COUNT")
    b.say(" refills left")


def asr_other_negatives(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.c)
    if rng.random() < 0.5:
        b.say("i write songs for ").keep("entertainment weekly", "ORG_NAME")
        b.say(" so my hours are weird")
    else:
        b.say("the insurance is through my job at ").keep("a 501(c)3", "ORG_NAME")
        b.say(" nonprofit")


ASR_EPISODES: list[tuple[Callable[[Call], None], int]] = [
    (asr_name_dob, 3), (asr_relative_date, 4), (asr_age_over, 2), (asr_age_under, 1),
    (asr_phone_filler, 3), (asr_ssn_homophone, 3), (asr_correction, 3), (asr_mixed_grouping, 3),
    (asr_phonetic, 3), (asr_relation_name, 3), (asr_name_answer, 2), (asr_city, 2),
    (asr_address, 2), (asr_email, 2), (asr_nonus_phone, 2), (asr_medication, 2),
    (asr_other_negatives, 1),
]  # fmt: skip


# --- written episodes ---------------------------------------------------------------------


def _short_date(rng: random.Random) -> str:
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{m}/{d}", f"{m:02d}/{d:02d}", f"{m}-{d}"])


def w_last_first(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.people.first_last()
    med, dose, _ = rng.choice(MEDS)
    b.line(k.a).say(rng.choice(["Pt ", "Callback: ", "Chart note - ", ""]))
    k.name_phi(f"{last.upper()}, {first}", "name_last_first")
    b.say(rng.choice([" called re refill of ", " requests refill: "])).keep(med, "MEDICATION")
    b.say(" ").keep(dose, "DOSAGE").say(", seen ")
    b.phi(_short_date(rng), "DATE", "numeric_short_date")
    b.say(".")


def w_short_dates(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.a).say(rng.choice(["Labs drawn ", "Imaging done ", "Referral faxed "]))
    b.phi(_short_date(rng), "DATE", "numeric_short_date")
    b.say(", results discussed with pt ")
    b.phi(_short_date(rng), "DATE", "numeric_short_date")
    b.say(".")


def w_relative_date(k: Call) -> None:
    b, rng = k.b, k.rng
    wd = rng.choice(WEEKDAYS)
    d = rng.randint(1, 31)
    suf = "th" if 10 < d < 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    surface = rng.choice(
        [
            f"{wd.title()} the {d}{suf}",
            f"{wd[:3].title()} {d}{suf}",
            f"{wd.title()} {rng.randint(1, 12)}/{d}",
        ]
    )
    b.line(k.a).say(rng.choice(["Appt moved to ", "Pt rescheduled for ", "MRI booked "]))
    b.phi(surface, "DATE", "relative_date")
    b.say(" at ").keep(f"{rng.randint(1, 11)}:{rng.choice(['00', '15', '30', '45'])}", "TIME")
    b.say(rng.choice([".", " per pt request.", ", confirmed by text."]))


def w_age(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.c).say(rng.choice(["she is ", "My mother is ", "Dad's ", "Grandpa turned "]))
    b.phi(str(rng.randint(90, 106)), "AGE", "age_over_89_plain")
    b.say(rng.choice([" and lives alone.", ", can someone call her?", " this year."]))
    if rng.random() < 0.5:
        b.line(k.c).say("I'm ").keep(str(rng.randint(20, 89)), "AGE_UNDER_90").say(" myself.")


def w_no_cue(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.people.first_last()
    form = rng.randrange(4)
    b.line(k.c)
    if form == 0:
        b.say("Why is ")
        k.name_phi(first, "name_no_cue")
        b.say(" so upset about the bill?")
    elif form == 1:
        k.name_phi(first, "name_no_cue")
        b.say(" called about her refill again.")
    elif form == 2:
        k.name_phi(f"{first} {last}", "name_no_cue")
        b.say(" left a voicemail around ").keep(f"{rng.randint(1, 11)}pm", "TIME").say(".")
    else:
        b.say("Tell ")
        k.name_phi(first, "name_no_cue")
        b.say(" the forms are ready.")


def w_relation(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.people.first_last()
    rel = rng.choice(RELATIONS)
    b.line(k.a).say(f"Pt's {rel} ")
    k.name_phi(f"{first} {last}", "name_relation")
    b.say(rng.choice([" picked up Rx.", " is the contact on file.", " will bring her in."]))


def w_intro(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.people.first_last()
    b.line(k.c).say(rng.choice(["Hi, this is ", "Hello! ", "Good morning, my name is "]))
    k.name_phi(f"{first} {last}", "name_intro")
    b.say(rng.choice([" and I need to reschedule.", ".", ", question about my bill."]))


def w_answer(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.people.first_last()
    b.line(k.a).say("Who is the appointment for?")
    b.line(k.c).say(rng.choice(["For ", "It's for my son, ", "Patient: ", ""]))
    k.name_phi(f"{first} {last}", "name_answer")
    b.say(rng.choice([".", "", " please"]))


def w_city(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.c).say(rng.choice(["I'm in ", "She lives in ", "We just moved to ", "Currently in "]))
    b.phi(k.city(), "ADDRESS", "city_alone")
    b.say(rng.choice([".", " now.", ", is there a clinic closer?"]))


def w_email(k: Call) -> None:
    b, rng = k.b, k.rng
    first, last = k.people.first_last()
    local = rng.choice(
        [f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}", f"{last}_{first}"]
    )
    local = local.lower().replace(" ", "")
    host = rng.choice(["posta", "freemail", "startmail", "mailbox", "kpn", "wp"])
    email = f"{_ascii(local)}@{host}.{rng.choice(TLDS)}"
    b.line(k.c).say(rng.choice(["My email is ", "Send it to ", "Email: "]))
    b.phi(email, "EMAIL", "email_tld")
    b.say(rng.choice(["", " thanks", " please."]))


def w_nonus_phone(k: Call) -> None:
    b, rng = k.b, k.rng
    num = _nonus_number(rng)
    fmt = rng.choice(
        [
            phonenumbers.PhoneNumberFormat.E164,
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
            phonenumbers.PhoneNumberFormat.NATIONAL,
        ]
    )
    b.line(k.c).say(rng.choice(["Reach me at ", "Callback ", "My mobile abroad: "]))
    b.phi(phonenumbers.format_number(num, fmt), "PHONE", "phone_nonus")


def w_ids(k: Call) -> None:
    b, rng = k.b, k.rng
    label, cue, val = rng.choice([
        ("MRN", "MRN ", rand_digits(rng, 8, first_nonzero=False)),
        ("MEMBER_ID", "Member ID ",
         f"{rng.choice('XWQZ')}{rng.choice('BHK')}{rand_digits(rng, 6)}-0{rng.randint(1, 9)}"),
        ("ACCOUNT", "Acct# ", rand_digits(rng, 9)),
    ])  # fmt: skip
    b.line(k.a).say(cue)
    b.phi(val, label, "id_written")
    b.say(" verified.")


def w_negatives(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.c)
    form = rng.randrange(3)
    if form == 0:
        b.say("I write songs for ").keep("Entertainment Weekly", "ORG_NAME").say(
            " so mornings are hard."
        )
    elif form == 1:
        b.say("My employer is ").keep("a 501(c)3", "ORG_NAME").say(", does that change the copay?")
    else:
        med, dose, _ = rng.choice(MEDS)
        b.say("Still taking ").keep(med, "MEDICATION").say(" ").keep(dose, "DOSAGE")
        b.say(", ").keep(rng.choice(["two", "3", "one"]), "COUNT").say(" refills left.")


def w_signoff(k: Call) -> None:
    b, rng = k.b, k.rng
    b.line(k.a).say("Thanks for contacting ").keep(rng.choice(CLINICS).title(), "CLINIC_NAME")
    b.say(", this is ").keep(rng.choice(AGENTS).title(), "AGENT_NAME").say(".")


W_EPISODES: list[tuple[Callable[[Call], None], int]] = [
    (w_last_first, 4), (w_short_dates, 3), (w_relative_date, 3), (w_age, 2), (w_no_cue, 3),
    (w_relation, 2), (w_intro, 2), (w_answer, 2), (w_city, 2), (w_email, 3), (w_nonus_phone, 3),
    (w_ids, 2), (w_negatives, 2),
]  # fmt: skip


# --- records ------------------------------------------------------------------------------


def _ascii(s: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def _nonus_number(rng: random.Random) -> phonenumbers.PhoneNumber:
    region = rng.choice(PHONE_REGIONS)
    ex = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert ex is not None
    nsn = str(ex.national_number)
    for _ in range(50):  # vary the example's last digits until the number is still valid
        cand = nsn[:3] + rand_digits(rng, len(nsn) - 3, first_nonzero=False)
        num = phonenumbers.parse(f"+{ex.country_code}{cand}")
        if phonenumbers.is_valid_number(num):
            return num
    return ex


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    people = People(seed)
    out = []
    for i in range(count):
        style = "asr" if rng.random() < 0.55 else "written"
        b = Builder(f"cb-{i:05d}", style)
        if style == "asr":
            a, c = rng.choice(ASR_TAGS)
            k = Call(b, rng, people, a, c)
            b.line(a).say("thanks for calling ").keep(rng.choice(CLINICS), "CLINIC_NAME")
            b.say(" this is ").keep(rng.choice(AGENTS), "AGENT_NAME")
            b.say(rng.choice([" how can i help", " what can i do for you"]))
            for ep in pick_distinct(rng, ASR_EPISODES, rng.randint(3, 6)):
                ep(k)
            b.line(a).say(rng.choice(["anything else today", "okay you're all set"]))
        else:
            a, c = rng.choice(WRITTEN_TAGS)
            k = Call(b, rng, people, a, c)
            for ep in pick_distinct(rng, W_EPISODES, rng.randint(3, 5)):
                ep(k)
            if rng.random() < 0.6:
                w_signoff(k)
        out.append(b.record())
    return out
