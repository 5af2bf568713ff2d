"""Family ``callcenter_d``: a fourth author's contact-center data, written without reading
the recognizers or the other generators' templates. Two halves:

- ASR transcripts (``callcenter_d_asr``): lowercase, disfluent ("uh", "i mean", restarts),
  numbers spoken digit by digit with "oh" for zero, "double"/"triple", read as pairs;
  names spelled letter by letter in capitals ("O K A F O R", the way some engines
  print a spelled letter) or with phonetic words; dates of birth and of care in the
  many ways people say them ("the third of march", "march third eighty one",
  "oh three oh three eighty one"); international phones and spoken e-mails.
- Call-center notes (``callcenter_d_notes``): abbreviated agent shorthand ("pt", "w/",
  "re:", "cb#"), "LAST, First" headers, ages as "94yo" / "94 y/o", multi-line addresses
  from Faker's locales pasted into the note, phones in each country's own format, member
  and account ids behind many cues ("Sub ID", "Policy #", "MBI", "Ref no."), dates as
  "3/3/81", "03MAR1981", "3rd March", "Thu 3/21".

Identities come from Faker (``_people``); spans are recorded while the text is built.
"""

from __future__ import annotations

import random
from typing import Any

from . import callcenter_d_asr as asr
from . import callcenter_d_notes as notes
from ._build import Builder, pick_distinct
from ._people import People, seeded_fakers

NAME = "callcenter_d"
DEFAULT_SEED = 3163
DEFAULT_COUNT = 400
ADDRESS_LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "pl_PL",
                   "pt_PT", "sv_SE", "en_AU", "en_CA", "cs_CZ", "fi_FI", "de_AT", "de_CH",
                   "hu_HU", "en_NZ", "da_DK", "en_IN"]  # fmt: skip


def generate(seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    people = People(seed)
    fakers = seeded_fakers(ADDRESS_LOCALES, seed * 7)
    out = []
    for i in range(count):
        style = "asr" if rng.random() < 0.55 else "written"
        b = Builder(f"cd-{i:05d}", style)
        if style == "asr":
            call = asr.Call(b, rng, people, fakers)
            asr.opening(call)
            for t in pick_distinct(rng, asr.TEMPLATES, rng.randint(3, 5)):
                t(call)
            asr.closing(call)
        else:
            note = notes.Note(b, rng, people, fakers)
            notes.header(note)
            for t in pick_distinct(rng, notes.TEMPLATES, rng.randint(2, 4)):
                t(note)
        out.append(b.record())
    return out
