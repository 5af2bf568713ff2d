"""Person names in call transcripts, spoken (``asr``) or written.

A Census name alone proves little (88,799 surnames include "may", "long" and "still"), so
a name is taken when something vouches for it:

1. a cue before it ("my name is", "mr", "this is ... ", "for my mother", "hi"), or the
   previous turn asking for a name (``names_cues``);
2. a listed first name followed by a listed surname ("ada okafor") (``names_pairs``);
3. letters spelling a name ("that's o k a f o r") (``names_spelled``);
4. the call record (``context.known.names``), or a name already found in this call: every
   later mention of its parts is redacted too, said whole or spelled.
5. written "SURNAME, First" / "Surname, First" ("GRAY, Andrea") (``names_pairs``);
6. a relation word ("my uncle", "her daughter", "my partner's name"): the next 1-3 words
   that are no common word, verb or adverb, listed or not ("my son kwabena asante");
7. the answer to "who am I speaking with?" on the same line or in the next turns;
8. written running text: a capitalised known first name ("Sophia called") (``names_pairs``).

The rules read the transcript through ``names_scan``. Speaker tags ("Dr. Smith:",
"SPEAKER_00:") are no cue, and "for" wants a first name ("songs for Entertainment
Weekly" is no person).

It is not taken when the agent introduces themself ("this is dana", said by the agent,
and every later lone "dana"), when it names the practice ("pine ridge dermatology",
``context.clinic_names``) or when it is a medication.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from callvault.redaction import names_cues as cues
from callvault.redaction.names_gazetteer import Gazetteer, fold, fold_same_length, gazetteer
from callvault.redaction.names_pairs import pairs
from callvault.redaction.names_scan import (
    Found,
    Scan,
    Tok,
    first_only,
    in_tag,
    medical_words,
    word_key,
)
from callvault.redaction.names_spelled import (
    lower_same_length,
    mentions,
    spelled_runs,
)
from callvault.redaction.spans import Context, Label, Span


def _cued(scan: Scan, agent_names: set[str]) -> Iterator[Found]:
    for m in cues.CUES.finditer(scan.low):
        if in_tag(scan.text, m.start()):
            continue  # "Dr. Smith:" names who speaks, never a patient
        kind = m.lastgroup or "weak"
        if kind == "weak" and m[0].startswith("for"):
            kind = "for"  # "songs for Entertainment Weekly": wants a first name
        elif kind == "relation":
            kind = _relation_kind(m[0])
        start = m.end()
        if kind.startswith("relation") and (skip := scan.tok_at(start)) and skip.key in _TOO:
            start = skip.end  # "you can talk to my aunt too hanako nakajima"
        toks = scan.run(start, kind)
        if not toks:
            continue
        if (
            cues.SELF_INTRO.match(m[0])
            and scan.is_agent(scan.speaker(m.start()))
            and "?" not in scan.text[scan.text.rfind("\n", 0, m.start()) + 1 : m.start()]
        ):
            for t in toks:  # the agent's own name: never PHI (as said, and folded)
                agent_names.update((t.key, word_key(lower_same_length(scan.text[t.start : t.end]))))
            continue
        yield toks, f"name after a {kind} cue"


def _answers(scan: Scan) -> Iterator[Found]:
    """The opening words of the turn that answers "can I get your name"."""
    text = scan.text
    for m in cues.ASKS_NAME.finditer(scan.low):
        asker, pos = scan.speaker(m.start()), text.find("\n", m.end())
        mark = text.find("?", m.end(), m.end() + 40 if pos < 0 else min(pos, m.end() + 40))
        if mark >= 0:  # answered on the same line ("who am I speaking with? this is ...")
            tag = _INLINE_TAG.match(text, mark + 1)
            preface = cues.PREFACE.match(text, tag.end() if tag else mark + 1)
            if toks := scan.run(preface.end() if preface else mark + 1, "answer"):
                yield toks, "name given when asked for one"
                continue
        for _ in range(2):  # the answer may come one turn later ("hold on ... it's ...")
            if pos < 0:
                break
            line, pos = pos + 1, text.find("\n", pos + 1)
            colon = text.find(":", line, min(line + 40, pos if pos >= 0 else len(text)))
            start = colon + 1 if colon >= 0 else line
            if scan.speaker(start) != asker:
                preface = cues.PREFACE.match(text, start)
                toks = scan.run(preface.end() if preface else start, "answer")
                if toks:
                    yield toks, "name given when asked for one"
                    break


_TOO = frozenset(("too", "also", "then", "actually"))
_POSSESSIVE = re.compile(r"'s?[ \t,:]*$")
# "my/her ... <family word>": a word in no list after it may still be a name ("my son
# kwabena"); after "friend", "partner", "baby" it is more often a thing ("friend request").
_KIN = re.compile(
    r"(?:my|his|her|our|their|your)[ \t]+(?!friend|partner|boyfriend|girlfriend|baby|kid|"
    r"child|neighbo|roommate|caregiver|guardian)"
)


def _relation_kind(cue: str) -> str:
    """How a relation cue reads the words after it: "strong" ("my partner's name"),
    "relation" ("my uncle": an unlisted word may be a name), "relation's" ("my son's",
    "friend": a listed or capitalised first name, or a word in no English list) or
    "child" ("baby", "the kid": a listed first name only)."""
    if re.search(r"name(?:[ \t]+is|'s)?[ \t,:]*$", cue):
        return "strong"
    if re.search(r"(?:baby|kid|child)(?:'?s)?[ \t,:]*$", cue):
        return "child"  # "baby formula", "child care": a listed first name only
    if _POSSESSIVE.search(cue) or not _KIN.match(cue):
        return "relation's"
    return "relation"


_INLINE_TAG = re.compile(r"[ \t]*[A-Za-z][\w .-]{0,20}:(?!//)")


_NAME_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def _known_parts(names: Sequence[str]) -> frozenset[str]:
    """Lower-case parts of the record's names, Unicode letters kept whole ("Ada-Mae O'Neil"
    gives ada, mae, ada-mae, o'neil, oneil; "José Muñoz" gives josé, muñoz and, for speech
    written without accents, jose, munoz)."""
    parts: set[str] = set()
    for name in names:
        for word in _NAME_WORD.findall(name):
            low = lower_same_length(word)
            for form in {low, fold_same_length(low)}:
                parts.update((form, form.replace("'", "")))
                parts.update(p for p in re.split(r"['-]", form) if len(p) >= 2)
    return frozenset(p for p in parts if len(p) >= 2)


def _alnum_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isalnum()


def _blocked(text: str, clinic_names: tuple[str, ...]) -> list[tuple[int, int]]:
    low = text.lower()
    spans: list[tuple[int, int]] = []
    for clinic in clinic_names:
        needle = clinic.strip().lower()
        start = low.find(needle) if needle else -1
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = low.find(needle, start + 1)
    return spans


def _outermost(spans: dict[tuple[int, int], str]) -> Iterator[Span]:
    """The spans not inside another one (a repeat inside a cued name says nothing new)."""
    reach = -1
    for (start, end), why in sorted(spans.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if end > reach:
            reach = end
            yield Span(start, end, Label.NAME, 0.85, why)


# "LAST, First" read out: "it's under gray comma andrea", "listed as okafor comma j".
_SPOKEN_LAST_FIRST = re.compile(
    r"(?<![\w'])(?:under|as|is|name's|file|chart)[ \t]+"
    r"(([^\W\d_][\w'-]*)[ \t]+comma[ \t]+([^\W\d_][\w'-]*))(?![\w'])"
)
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
# A written message's sign-off, then the sender alone on the rest of the line: "Kind
# regards, M. Balogh", "Cheers, Nathan", "Best wishes - R. Miura".
_SIGN_OFF_RE = re.compile(
    r"(?im)(?:^|:[ \t]+)(?:(?:kind|best|warm|warmest)[ \t]+regards|regards|cheers|many[ \t]+thanks"
    r"|thanks|thank[ \t]+you|best[ \t]+wishes|best|sincerely|yours[ \t]+(?:sincerely|truly)"
    r"|all[ \t]+the[ \t]+best|take[ \t]+care)[ \t]*[,\u2013\u2014-][ \t]*"
    r"((?-i:[A-Z]\.?[ \t]+)?(?-i:[A-Z][^\W\d_'-]*(?:['-][^\W\d_]+)*)"
    r"(?:[ \t]+(?-i:[A-Z][^\W\d_'-]*(?:['-][^\W\d_]+)*)){0,2})[ \t]*[.!]?[ \t]*$"
)
_PERSON_BEFORE = re.compile(r"(?i)(?:caller|pt|patient|member|name|client|re)[ \t]*:?[ \t]*\Z")
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


def _plausible_last_first(gaz: Gazetteer, last: str, first: str) -> bool:
    """A surname that is no everyday word, then a first name or an initial."""
    if last in gaz.stop or last in gaz.common or first in gaz.stop:
        return False
    return len(first) == 1 or (first in gaz.first and first not in gaz.common)


class NameRecognizer:
    """Person names (``Label.NAME``): cued, paired, spelled, or known from the record."""

    name = "names"

    def find(self, text: str, context: Context) -> list[Span]:
        scan = Scan(text, gazetteer())
        agent_names: set[str] = set()
        found = [*_cued(scan, agent_names), *_answers(scan)]
        seen = {t.start for toks, _ in found for t in toks}
        found += pairs(scan, seen)
        blocked = _blocked(text, tuple(context.clinic_names))
        known = _known_parts(context.known.names)
        spans: dict[tuple[int, int], str] = {}
        said: set[str] = set()
        for toks, why in found:
            if not self._keep(scan, toks, agent_names - known, blocked):
                continue
            spans.setdefault((toks[0].start, toks[-1].end), why)
            for t in toks:
                if t.key not in scan.gaz.common and len(t.key) > 2:  # as said, and folded
                    said.update((t.key, word_key(lower_same_length(text[t.start : t.end]))))
        said -= agent_names
        for start, end in spelled_runs(
            scan.fold, scan.gaz, frozenset(said | known)
        ):  # "m ø l l e r"
            if not (_alnum_at(text, start - 1) or _alnum_at(text, end)):  # not in "ñ a b"
                spans.setdefault((start, end), "name spelled out")
        for m in _SPOKEN_LAST_FIRST.finditer(scan.low):
            last, first = m.group(2), m.group(3)
            if _plausible_last_first(scan.gaz, word_key(last), word_key(first)):
                spans.setdefault((m.start(1), m.end(1)), "surname comma first name, spoken")
        _more_surname_forms(scan, text, spans)
        for start, end in mentions(text, known):
            spans.setdefault((start, end), "name from the call record")
        for start, end in mentions(text, said - known):
            if not (scan.org_after(end) or any(s < end and start < e for s, e in blocked)):
                spans.setdefault((start, end), "name again")
        return list(_outermost(spans))

    @staticmethod
    def _keep(scan: Scan, toks: list[Tok], agent: set[str], blocked: list[tuple[int, int]]) -> bool:
        """False for the practice's name, the agent's own name, or a medication."""
        start, end = toks[0].start, toks[-1].end
        if any(s < end and start < e for s, e in blocked) or scan.org_after(end):
            return False
        if len(toks) == 1 and toks[0].key in agent:
            return False
        return toks[0].key not in scan.meds


def _both_foreign(scan: Scan, last: str, first: str) -> bool:
    """Two words in no everyday-English list, no medical term, long enough to be names."""
    return all(
        len(w) >= 4 and scan.gaz.foreign(w) and w not in scan.meds and w not in medical_words()
        for w in (last, first)
    )


def _more_surname_forms(scan: Scan, text: str, spans: dict[tuple[int, int], str]) -> None:
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
            ok = _plausible_last_first(gaz, last, first)
        if ok:
            spans.setdefault(m.span(1), "surname then first name, spoken")
            spans.setdefault(m.span(3), "first name after a surname, spoken")
    if text != low:  # written: a surname in capitals
        for comma in _COMMA_FIRST.finditer(text):
            before = _SURNAME_BEFORE.search(text, max(0, comma.start() - 40), comma.start())
            if before is None:
                continue
            last, first = before[1], comma[1]
            if (
                last.isupper()
                and last not in _NOT_CAPS_SURNAME
                and first[0].isupper()
                and (len(first) == 1 or first[1:].islower())
                and not {word_key(last), word_key(first)} & (gaz.common | gaz.stop)
                and (
                    word_key(first) in gaz.first
                    or fold(word_key(last)) in gaz.last
                    or _PERSON_BEFORE.search(text, max(0, before.start() - 12), before.start())
                    # "KAMDAR, Amaira": both words in no everyday-English list
                    or _both_foreign(scan, fold(word_key(last)), fold(word_key(first)))
                )
            ):
                start = before.start(1)
                particle = _CAPS_PARTICLE_BEFORE.search(text, max(0, start - 12), start)
                if particle:  # "DA ROSA, Ravy", "VAN DER BERG, Anouk"
                    start = particle.start()
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
    for _start, end in list(spans):
        initial = _INITIAL_AFTER.match(text, end)
        if initial:
            spans.setdefault(initial.span(1), "initial after a name")
