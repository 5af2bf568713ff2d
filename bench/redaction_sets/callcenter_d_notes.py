"""Notes half of ``callcenter_d``: an agent's shorthand after a call, pasted into a CRM."""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from faker import Faker

from ._build import MONTHS, WEEKDAYS, Builder
from ._people import People, has_non_ascii

TAGS = ["NOTE", "Agent note", "CSR", "agent_1402", "Summary", "tier2"]
AGENTS = ["Bongani", "Ingrid", "Mateus", "Farah", "Olu", "Chen", "Renée", "Siobhan"]
CLINICS = ["Bayview Family Practice", "Northgate Cardiology", "Lakeside Ortho",
           "St. Agnes Imaging", "Hillcrest Pediatrics"]  # fmt: skip
MEDS = [
    ("metoprolol", "25mg"),
    ("warfarin", "2.5 mg"),
    ("levothyroxine", "50 mcg"),
    ("sertraline", "100mg"),
    ("amoxicillin", "500 mg"),
    ("atorvastatin", "40mg"),
]
RELATIONS = ["daughter", "son", "wife", "husband", "POA", "caregiver", "niece", "sister"]
ID_CUES = [("MEMBER_ID", "Sub ID"), ("MEMBER_ID", "Policy #"), ("MEMBER_ID", "MBI"),
           ("MEMBER_ID", "Ins ID:"), ("ACCOUNT", "Acct no."), ("ACCOUNT", "Ref no."),
           ("ACCOUNT", "Claim#"), ("MRN", "MRN:"), ("MRN", "Chart #"),
           ("MEMBER_ID", "Member no")]  # fmt: skip
EMAIL_DOMAINS = ["gmx.at", "freemail.hu", "seznam.cz", "wp.pl", "web.de", "orange.fr",
                 "libero.it", "telia.se", "xs4all.nl", "bigpond.com.au", "xtra.co.nz",
                 "eircom.net", "sapo.pt", "gmail.com", "outlook.com", "proton.me"]  # fmt: skip
PHONE_LOCALES = ["en_GB", "de_DE", "fr_FR", "nl_NL", "it_IT", "es_ES", "pl_PL", "pt_PT", "sv_SE",
                 "en_AU", "cs_CZ", "fi_FI", "de_AT", "de_CH", "hu_HU", "en_NZ"]  # fmt: skip
SFX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if c.isascii() and c.isalpha())


class Note:
    def __init__(self, b: Builder, rng: random.Random, people: People, fk: dict[str, Faker]):
        self.b, self.rng, self.people, self.fk = b, rng, people, fk
        self.tag = rng.choice(TAGS)
        self.first, self.last = people.first_last()

    def c(self, xs: list[Any]) -> Any:
        return self.rng.choice(xs)

    def fam(self, family: str, s: str) -> str:
        return family + (":nonascii" if has_non_ascii(s) else "")

    def line(self) -> Builder:
        return self.b.line(self.tag)

    def date(self, family: str, birth: bool) -> None:
        r = self.rng
        y = r.randint(1930, 2004) if birth else r.randint(2023, 2026)
        m, d = r.randint(1, 12), r.randint(1, 28)
        mon = MONTHS[m - 1].capitalize()
        forms = [f"{m}/{d}/{y % 100:02d}", f"{m:02d}/{d:02d}/{y}", f"{d:02d}{mon[:3].upper()}{y}",
                 f"{d}{SFX.get(d, 'th')} {mon} {y}", f"{mon[:3]} {d} '{y % 100:02d}",
                 f"{d}-{mon[:3]}-{y}", f"{y}/{m:02d}/{d:02d}", f"{d}.{m}.{y}"]  # fmt: skip
        if not birth:
            forms += [f"{m}/{d}", f"{WEEKDAYS[r.randrange(5)][:3].capitalize()} {m}/{d}",
                      f"{mon} {d}{SFX.get(d, 'th')}", f"{d}{SFX.get(d, 'th')} {mon}",
                      f"{mon[:3]} {d}"]  # fmt: skip
        k = r.randrange(len(forms))
        self.b.phi(forms[k], "DATE", f"{family}_{k}")

    def phone(self) -> None:
        for _ in range(20):
            s = self.fk_phone()
            if "x" not in s and sum(ch.isdigit() for ch in s) >= 8:
                break
        self.b.phi(s, "PHONE", "phone_locale_format")

    def fk_phone(self) -> str:
        loc = self.c(PHONE_LOCALES + ["en_US"] * 4)
        if loc not in self.fk:
            f = Faker(loc)
            f.seed_instance(self.rng.randrange(10**9))
            self.fk[loc] = f
        return str(self.fk[loc].phone_number())

    def name_phi(self, s: str, family: str, eid: int | None = None) -> int:
        return self.b.phi(s, "NAME", self.fam(family, s), eid)


def header(n: Note) -> None:
    b = n.line()
    form = n.rng.randrange(4)
    if form == 0:
        b.say("Caller: ")
        eid = n.name_phi(n.last.upper(), "last_first_caps")
        b.say(", ")
        n.name_phi(n.first, "last_first_caps", eid)
    elif form == 1:
        b.say("Inbound call from pt ")
        n.name_phi(f"{n.first} {n.last}", "pt_full")
    elif form == 2:
        b.say(f"{n.c(RELATIONS).capitalize()} ")
        n.name_phi(n.first, "relation_first")
        b.say(" called on behalf of pt ")
        eid = n.name_phi(n.last, "pt_last_first")
        b.say(", ")
        n.name_phi(n.first[0], "pt_last_first", eid)
        b.say(".")
        return
    else:
        eid = n.name_phi(n.first, "narrative_first")
        b.say(" ")
        n.name_phi(n.last, "narrative_first", eid)
        b.say(n.c([" called re: billing", " phoned in upset about a denied claim",
                   " left a VM asking for records"]))  # fmt: skip
    opener = n.c([" (DOB ", ", DOB: ", ", d.o.b. ", " - born "])
    b.say(opener)
    n.date("dob", True)
    b.say(")" if "(" in opener else n.c(["", "."]))


def verify(n: Note) -> None:
    b = n.line().say(n.c(["ID verified w/ ", "Verified via ", "Auth'd caller using "]))
    if n.rng.random() < 0.5:
        b.say("last4 SSN ")
        b.phi(f"{n.rng.randint(0, 9999):04d}", "SSN", "ssn_last4")
    else:
        b.say("SSN ")
        ds = f"{n.rng.randint(100, 899)}{n.rng.randint(10, 99)}{n.rng.randint(1000, 9999)}"
        b.phi(n.c([f"{ds[:3]}-{ds[3:5]}-{ds[5:]}", f"{ds[:3]} {ds[3:5]} {ds[5:]}", ds]),
              "SSN", "ssn_full")  # fmt: skip
    b.say(" and DOB.")


def ids(n: Note) -> None:
    r = n.rng
    label, cue = n.c(ID_CUES)
    if cue == "MBI":
        s = f"{r.randint(1, 9)}{n.c(list('ACDEFGHJK'))}{n.c(list('ACDEFGHJK'))}{r.randint(0, 9)}-" \
            f"{n.c(list('ACDEFGHJK'))}{n.c(list('ACDEFGHJK'))}{r.randint(0, 9)}-" \
            f"{n.c(list('ACDEFGHJK'))}{n.c(list('ACDEFGHJK'))}{r.randint(10, 99)}"  # fmt: skip
    else:
        pre = "".join(n.c(list("ABCDEFGHJKLMNPQRSTUVWXYZ")) for _ in range(r.randint(0, 3)))
        num = "".join(str(r.randint(0, 9)) for _ in range(r.randint(6, 11)))
        s = n.c([f"{pre}{num}", f"{pre}-{num}", f"{pre} {num}".strip(), f"{num[:4]}-{num[4:]}"])
    b = n.line().say(f"{cue} ")
    b.phi(s, label, f"id_{cue.strip(':#. ').lower().replace(' ', '_')}")
    b.say(n.c([" on file.", "; plan active.", " (secondary)", ""]))


def contact(n: Note) -> None:
    b = n.line().say(n.c(["CB# ", "Best contact: ", "Callback ", "Updated phone to "]))
    n.phone()
    if n.rng.random() < 0.6:
        b.say(n.c([", email ", " / ", "; e-mail: "]))
        first, last = fold(n.first).lower() or "ana", fold(n.last).lower() or "lee"
        local = n.c([f"{first}.{last}", f"{first[0]}{last}", f"{last}{n.rng.randint(1, 99)}",
                     f"{first}_{last}"])  # fmt: skip
        b.phi(f"{local}@{n.c(EMAIL_DOMAINS)}", "EMAIL", "email_locale")
    b.say(".")


def address(n: Note) -> None:
    loc = n.c([x for x in n.fk if x != "ja_JP"])
    lines = n.fk[loc].address().split("\n")
    b = n.line().say(n.c(["Address on file: ", "New addr: ", "Mail to "]))
    eid: int | None = None
    multi = n.rng.random() < 0.5
    for i, ln in enumerate(lines):
        s = unicodedata.normalize("NFC", " ".join(ln.split()))
        if i:
            if multi:
                b.line(n.tag)
            else:
                b.say(", ")
        eid = b.phi(s, "ADDRESS", n.fam(f"addr_{'multi' if multi else 'oneline'}_{loc}", s), eid)


def care(n: Note) -> None:
    med, dose = n.c(MEDS)
    b = n.line().say(n.c(["Appt r/s to ", "Seen ", "Labs drawn ", "Pt no-show "]))
    n.date("care", False)
    b.say(" @ ").keep(n.c(["2:30pm", "10am", "8:45", "1515"]), "TIME").say(" w/ ")
    b.keep(n.c(CLINICS), "CLINIC_NAME").say(". Refill ").keep(med, "MEDICATION").say(" ")
    b.keep(dose, "DOSAGE").say(" ").keep(f"x{n.rng.randint(2, 6)}", "COUNT").say(".")


def age(n: Note) -> None:
    a = str(n.rng.randint(90, 104))
    b = n.line().say(n.c(["Pt is ", "Elderly pt, ", "Pt's mother, "]))
    unit = n.c(["yo", " y/o", "", " yrs"])
    b.phi(a + unit if unit == "yo" else a, "AGE", "age_over_89")  # "94yo" is one token
    b.say(unit if unit != "yo" else "")
    b.say(n.c([", hard of hearing.", ", on speaker.", " - lives alone.", ", uses walker."]))
    n.line().say("Agent ").keep(n.c(AGENTS), "AGENT_NAME").say(" escalated; caller is ")
    b.keep(str(n.rng.randint(40, 85)), "AGE_UNDER_90").say(".")


def relation(n: Note) -> None:
    rel = n.c(RELATIONS)
    first, last = n.people.first_last()
    b = n.line().say(f"Spoke w/ pt's {rel} ")
    n.name_phi(n.c([first, f"{first} {last}"]), "relation_name")
    b.say(n.c([", who will bring the forms.", " - on HIPAA release.", "."]))


def narrative(n: Note) -> None:
    first, _ = n.people.first_last()
    b = n.line().say(n.c(["Per ", "Told ", "Advised "]))
    n.name_phi(first, "narrative_object")
    b.say(n.c([" to call back Mon.", " that the claim was reprocessed.", " re: copay."]))


def city(n: Note) -> None:
    loc = n.c(["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL", "en_AU", "nl_NL"])
    c = unicodedata.normalize("NFC", n.fk[loc].city()) if loc in n.fk else "Springfield"
    b = n.line().say(n.c(["Pt relocated to ", "Currently in ", "Travelling, staying in "]))
    n.b.phi(c, "ADDRESS", n.fam("city_alone", c))
    b.say(n.c([" until spring.", "; needs out-of-network auth.", "."]))


TEMPLATES = [
    (verify, 3), (ids, 4), (contact, 4), (address, 4), (care, 3), (age, 2), (relation, 2),
    (narrative, 2), (city, 2),
]  # fmt: skip
