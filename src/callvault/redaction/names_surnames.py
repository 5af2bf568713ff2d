"""Surname-first forms of a name (spoken or written) and the other written forms that the
cues in ``names`` miss:

- spoken "under sato first name nanami", "under freitas and then daniela";
- written "SURNAME, First" with the surname in capitals ("Caller: ÖCALAN, Nazlihan",
  "DA ROSA, Ravy"), and log lines' "VALDEZ Omar" (no comma);
- a name after an agent's note verb opening a sentence ("Per Âdem re: copay.");
- the sender after a message's sign-off ("Kind regards, M. Balogh");
- the initial after a name found ("Lewicz, L.").

``plausible_last_first`` also vouches for the spoken "gray comma andrea" in ``names``.
"""

from __future__ import annotations

import re

from callvault.redaction import names_cues as cues
from callvault.redaction.names_gazetteer import Gazetteer, fold
from callvault.redaction.names_scan import Scan, first_only, in_tag, medical_words, word_key

# "under sato um first name nanami", "under freitas and then daniela": the surname, then
# a first name announced by "first name" (any word) or by "and then" (a listed one).
_SPOKEN_SURNAME_THEN_FIRST = re.compile(
    r"(?<![\w'])(?:under|as|name's|file|chart)[ \t]+([^\W\d_][\w'-]*)[ \t,]+"
    r"((?:(?:um|uh|er|and)[ \t]+)?first[ \t]+name(?:[ \t]+is|'s)?|and[ \t]+then)[ \t]+"
    r"([^\W\d_][\w'-]*)(?![\w'])"
)
# Notes: "Caller: ÖCALAN, Nazlihan", "DARA, Ekani" (a surname in capitals, a first name).
# Speed: found from the comma (a literal, which ``re`` skips to), the surname read back.
_COMMA_FIRST = re.compile(r",[ \t]+([^\W\d_][\w'-]*)(?![\w'])")
_SURNAME_BEFORE = re.compile(r"(?<![\w'-])([^\W\d_][^\W\d_'-]+)\Z")
_NOT_CAPS_SURNAME = frozenset(
    [
        "ID",
        "DOB",
        "SSN",
        "MRN",
        "USA",
        "UK",
        "US",
        "PT",
        "CSR",
        "NOTE",
        "RE",
        "FYI",
        "ASAP",
        "HIPAA",
        "PHI",
        "OK",
        "ER",
        "ICU",
        "MD",
        "RN",
        "NP",
        "PA",
        "DR",
        "MR",
        "MRS",
        "MS",
        "INC",
        "LLC",
        "LTD",
        "CB",
        "VM",
        "TBD",
        "NA",
        "FAX",
        "TEL",
        "EMAIL",
        "URGENT",
        "NB",
        "PS",
    ]
)
_CAPS_PARTICLE_BEFORE = re.compile(
    r"(?<![\w'-])(?:(?:VAN|VON|DE|DA|DOS|DAS|DO|DI|DEL|DELLA|DU|LE|LA|DER|DEN|TER|TEN|AL|EL)"
    r"[ \t]+)+\Z"
)
# Log lines: "cb req from VALDEZ Omar", "FU w BERGSTRÖM Hassan" (a surname in capitals,
# then a first name, no comma).
_CAPS_THEN_FIRST_RE = re.compile(
    r"([^\W\d_a-z](?<![\w'-].)(?:[^\W\d_a-z]|['-])+)[ \t]+([^\W\d_a-z][^\W\d_A-Z]+)(?![\w'-])"
)
# A text message signed with initials: "thx D.A.", "ok thank u, L.J.", "ty! - T.D." (found
# from the initials ending a line; the thanks before them read back).
_LINE_END_INITIALS_RE = re.compile(r"(?m)(?<![\w.])([A-Z]\.[ \t]?[A-Z]\.(?:[ \t]?[A-Z]\.)?)[ \t]*$")
_THANKS_BEFORE_RE = re.compile(
    r"(?i)(?<![\w'])(?:thx|thanks|thank[ \t]+(?:you|u)|ty|cheers|regards)[!.]?"
    r"[ \t]*[,\u2013\u2014-]?[ \t]*\Z"
)
_NOT_INITIALS = frozenset(("A.M.", "P.M.", "U.S.", "D.C.", "N.P.", "R.N.", "M.D."))
# A summary names the caller in brackets after the role: "Caller (João C.) called ...".
_BRACKETED_NAME_RE = re.compile(r"\(([^\W\d_][\w'-]*(?:[ \t]+[A-Z]\.?)?)\)")
_ROLE_BEFORE_RE = re.compile(
    r"(?i)(?<![\w'])(?:caller|patient|pt|member|parent|guardian|subscriber|client)[ \t]*\Z"
)
# A written message's sign-off, then the sender alone on the rest of the line: "Kind
# regards, M. Balogh", "Cheers, Nathan", "Best wishes - R. Miura".
_SIGN_OFF_RE = re.compile(
    r"(?im)(?:^|:[ \t]+)(?:(?:kind|best|warm|warmest)[ \t]+regards|regards|cheers|many[ \t]+thanks"
    r"|thanks|thank[ \t]+you|best[ \t]+wishes|best|sincerely|yours[ \t]+(?:sincerely|truly)"
    r"|all[ \t]+the[ \t]+best|take[ \t]+care)[ \t]*[,\u2013\u2014-][ \t]*"
    r"((?-i:[A-Z]\.?[ \t]+)?(?-i:[A-Z][^\W\d_'-]*(?:['-][^\W\d_]+)*)"
    r"(?:[ \t]+(?-i:[A-Z][^\W\d_'-]*(?:['-][^\W\d_]+)*)){0,2})[ \t]*[.!]?[ \t]*$"
)
_PERSON_BEFORE = re.compile(
    r"(?i)(?:caller|pt|patient|member|name|client|re|contact|spoke[ \t]+with|for|guarantor"
    r"|subscriber|referral,)[ \t]*[:=]?[ \t]*\Z"
)
# Notes name someone by an initial and a surname: "Pt: R. Duncan", "for A. Pospíšilová";
# a germ's genus initial is no one's ("E. coli", "H. pylori").
_SPECIES = frozenset(("coli", "pylori", "diff", "difficile", "aureus", "faecalis", "pneumoniae"))
_INITIAL_SURNAME_RE = re.compile(
    r"(?<![\w.])[A-Z]\.[ \t]?([A-Z][^\W\d_]+(?:[-'][A-Z][^\W\d_]+)?)(?![\w'.])"
)
# Agents' notes: a note verb opening a sentence, then someone ("Per Âdem re: copay.",
# "Advised Endre to call back"): any capitalised word that is no common word.
_NOTE_VERB_NAME = re.compile(
    r"(?:Advised|Told|Per|Informed|Reminded|Notified|Instructed|Asked|Emailed|Texted)[ \t]+"
    r"([^\W\d_][\w'-]*)(?=[ \t]+(?:to|that|re:?|about|of|regarding|on)\b|[ \t]*[,.;])"
)
_SENTENCE_START = re.compile(r"(?:^|[.;!?][ \t]+|:[ \t]+)\Z", re.MULTILINE)
_NOT_NOTE_NAME = frozenset(
    ("pt", "patient", "caller", "member", "billing", "pharmacy", "provider", "office", "staff",
     "nurse", "doctor", "dr", "mom", "dad", "family", "daughter", "son", "wife", "husband",
     "spouse", "insurance", "clinic", "team", "them", "him", "her", "agent", "supervisor",
     "policy", "diem")
)  # fmt: skip
# "pt Lewicz, L.": a name found, then its initial.
_INITIAL_AFTER = re.compile(r",[ \t]+([A-Z])\.?(?![\w'])")


def plausible_last_first(gaz: Gazetteer, last: str, first: str) -> bool:
    """A surname that is no everyday word, then a first name or an initial."""
    if last in gaz.stop or last in gaz.common or first in gaz.stop:
        return False
    return len(first) == 1 or (first in gaz.first and first not in gaz.common)


def _both_foreign(scan: Scan, last: str, first: str) -> bool:
    """Two words in no everyday-English list, no medical term, long enough to be names."""
    return all(
        len(w) >= 4 and scan.gaz.foreign(w) and w not in scan.meds and w not in medical_words()
        for w in (last, first)
    )


def more_surname_forms(scan: Scan, text: str, spans: dict[tuple[int, int], str]) -> None:
    """Surname-first forms the cues above miss: spoken "under X first name Y", written
    "LASTNAME, First", and the initial after a found name ("Lewicz, L.")."""
    gaz = scan.gaz
    low = scan.low
    forms = ("first name" in low or "and then" in low) and _SPOKEN_SURNAME_THEN_FIRST.finditer(low)
    for m in forms or ():
        last, first = word_key(m[1]), word_key(m[3])
        if "first" in m[2]:
            ok = last not in gaz.stop and last not in gaz.common and first not in gaz.stop
        else:
            ok = plausible_last_first(gaz, last, first)
        if ok:
            spans.setdefault(m.span(1), "surname then first name, spoken")
            spans.setdefault(m.span(3), "first name after a surname, spoken")
    if text != low:  # written: a surname in capitals
        for comma in _COMMA_FIRST.finditer(text):
            before = _SURNAME_BEFORE.search(text, max(0, comma.start() - 40), comma.start())
            if before is None:
                continue
            last, first = before[1], comma[1]
            start = before.start(1)
            particle = _CAPS_PARTICLE_BEFORE.search(text, max(0, start - 12), start)
            if particle:  # "DA ROSA, Ravy", "VAN DER BERG, Anouk"
                start = particle.start()
            # "pt=NAGY, JENNIFER", "Patient: FRANCIS, GUY": a log's or a form's person
            cued = _PERSON_BEFORE.search(text, max(0, start - 14), start)
            if (
                last.isupper()
                and last not in _NOT_CAPS_SURNAME
                and first[0].isupper()
                and (len(first) == 1 or first[1:].islower() or (cued and first.isupper()))
                and word_key(last) not in gaz.common | gaz.stop
                and (
                    word_key(first) not in gaz.common | gaz.stop
                    or (cued and word_key(first) in gaz.first)
                )
                and word_key(last) not in cues.ORG_SUFFIX  # "Confort SA, Eaton Vance"
                and not scan.org_after(comma.end(1))  # "WOODBRIDGE, Aguilar LLC"
                and (
                    word_key(first) in gaz.first
                    or fold(word_key(last)) in gaz.last
                    or cued
                    # "KAMDAR, Amaira": both words in no everyday-English list
                    or _both_foreign(scan, fold(word_key(last)), fold(word_key(first)))
                )
            ):
                spans.setdefault((start, before.end(1)), "surname in capitals, first name")
                spans.setdefault(comma.span(1), "first name after a surname in capitals")
    for m in _NOTE_VERB_NAME.finditer(text) if text != low else ():
        word = m[1]
        if (
            _SENTENCE_START.search(text, max(0, m.start() - 30), m.start())
            and word[0].isupper()
            and word[1:].islower()
            and word_key(word) not in _NOT_NOTE_NAME
            and word_key(word) not in gaz.common
            and word_key(word) not in gaz.stop
            and word_key(word) not in cues.ORG_SUFFIX
        ):
            spans.setdefault(m.span(1), "name after an agent's note verb")
    for m in _CAPS_THEN_FIRST_RE.finditer(text) if text != low else ():
        last, first = m[1], m[2]
        if (
            last not in _NOT_CAPS_SURNAME
            and len(last) >= 4  # "POA Carlos", "PCP Maria": a role's acronym, then a name
            and word_key(last) not in gaz.stop
            and word_key(last) not in gaz.english
            and (word_key(first) in first_only() or _both_foreign(scan, fold(word_key(first)),
                                                                   fold(word_key(first))))
            and not in_tag(text, m.start())
            and word_key(first) not in cues.ORG_SUFFIX
            and not scan.org_after(m.end(2))  # "HEXO Corp.", "LVMH Moet Hennessy ... SE"
        ):  # fmt: skip
            spans.setdefault(m.span(1), "surname in capitals before a first name")
            spans.setdefault(m.span(2), "first name after a surname in capitals")
    for m in _SIGN_OFF_RE.finditer(text) if text != low else ():
        words = re.findall(r"[^\W\d_][\w'-]*", m[1])
        if all(
            len(w) == 1
            or word_key(w) in gaz.first
            or (gaz.foreign(fold(word_key(w))) and word_key(w) not in scan.meds)
            for w in words
        ) and not any(word_key(w) in cues.ORG_SUFFIX for w in words):
            spans.setdefault(m.span(1), "name signing off a message")
    for m in _LINE_END_INITIALS_RE.finditer(text) if text != low else ():
        if m[1].replace(" ", "") not in _NOT_INITIALS and _THANKS_BEFORE_RE.search(
            text, max(0, m.start() - 20), m.start()
        ):
            spans.setdefault(m.span(1), "initials signing a message")
    for m in _BRACKETED_NAME_RE.finditer(text):
        first = fold(word_key(m[1].split()[0]))
        if (first in gaz.first or (gaz.foreign(first) and first not in scan.meds)) and (
            _ROLE_BEFORE_RE.search(text, max(0, m.start() - 16), m.start())
        ):
            spans.setdefault(m.span(1), "name in brackets after a role")
    for m in _INITIAL_SURNAME_RE.finditer(text) if text != low else ():
        key = fold(word_key(m[1]))
        listed = key in gaz.last and key not in gaz.english
        cued = _PERSON_BEFORE.search(text, max(0, m.start() - 16), m.start())
        if (
            (listed or _both_foreign(scan, key, key) or cued)
            and key not in gaz.stop
            and key not in gaz.common
            and key not in scan.gaz.peoples
            and key not in _SPECIES
            and key not in medical_words()
            and not scan.org_after(m.end(1))
        ):
            spans.setdefault(m.span(), "initial and surname")
    for _start, end in list(spans):
        initial = _INITIAL_AFTER.match(text, end)
        if initial:
            spans.setdefault(initial.span(1), "initial after a name")
