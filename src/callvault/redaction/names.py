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
9. surname-first forms and written forms the cues miss: spoken "under sato first name
   nanami", "ÖCALAN, Nazlihan", "Per Âdem re: copay.", the sender after a sign-off and the
   initial after a name (``names_surnames``).
10. written narrative: the sentence's structure around a name word ("Quinn A Campbell",
   "said Abellona to Joseph", "Christian's kid", "Milovan shouted") (``names_narrative``),
   and a line's shape (a dialogue tag, a "Name:" field, a name atop an address block)
   (``names_lines``).

The rules read the transcript through ``names_scan``. Speaker tags ("Dr. Smith:",
"SPEAKER_00:") are no cue, and "for" wants a first name ("songs for Entertainment
Weekly" is no person).

It is not taken when the agent introduces themself ("this is dana", said by the agent,
and every later lone "dana"), when it names the practice ("pine ridge dermatology",
``context.clinic_names``) or a company ("Hoth Therapeutics Inc."), when it is a
medication, a country or a nationality ("I'm argentinian").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from callvault.redaction import names_cues as cues
from callvault.redaction.names_gazetteer import fold_same_length, gazetteer
from callvault.redaction.names_lines import line_names
from callvault.redaction.names_narrative import narrative_names
from callvault.redaction.names_pairs import pairs
from callvault.redaction.names_scan import Found, Scan, Tok, in_tag, word_key
from callvault.redaction.names_spelled import (
    lower_same_length,
    mentions,
    spelled_runs,
)
from callvault.redaction.names_surnames import more_surname_forms, plausible_last_first
from callvault.redaction.normalize import SPEAKER_TAG_RE
from callvault.redaction.scan_lead import led, led_matches
from callvault.redaction.spans import Context, Label, Span

# The cue scans over every transcript, led by the character before the word (the same
# matches, faster: ``scan_lead``).
_CUES_LED = led(cues.CUES)
_ASKS_NAME_LED = led(cues.ASKS_NAME)


# "you're speaking with nicole": the speaker's own name, as "this is nicole" is.
_YOURE_SPEAKING_WITH = re.compile(
    r"you(?:'re|[ \t]+are)[ \t]+(?:speaking|talking)[ \t]+(?:with|to)[ \t]+\Z"
)


def _cued(scan: Scan, agent_names: set[str], staff: set[str]) -> Iterator[Found]:
    for cue_start, start, m in led_matches(_CUES_LED, scan.low):
        said = scan.low[cue_start:start]
        kind = m.lastgroup or "weak"
        if kind == "weak" and said.startswith("for"):
            kind = "for"  # "songs for Entertainment Weekly": wants a first name
        elif kind == "relation":
            kind = _relation_kind(said)
        if kind.startswith("relation") and (skip := scan.tok_at(start)) and skip.key in _TOO:
            start = skip.end  # "you can talk to my aunt too hanako nakajima"
        toks = scan.run(start, kind)  # most cues end here ("for the", "it's a")
        if not toks or in_tag(scan.text, cue_start):
            continue  # "Dr. Smith:" names who speaks, never a patient
        if (
            kind == "title"
            and said.startswith(("dr", "doctor"))
            and _in_a_turn(scan, cue_start)
            and not _RELATIVE_BEFORE.search(scan.low, max(0, cue_start - 40), cue_start)
        ):
            # "Dr. Rowe" in a call or its notes: the practice's staff, no identifier of
            # the patient (Safe Harbor names the individual, relatives, employers and
            # household members). Elsewhere ("Hello, this is Dr. Edson ...") a person.
            staff.update(_keys(scan, toks))
            continue
        if (
            (
                cues.SELF_INTRO.match(said)
                or _YOURE_SPEAKING_WITH.search(scan.low, max(0, start - 32), start)
            )
            and scan.is_agent(scan.speaker(cue_start))
            and "?" not in scan.text[scan.text.rfind("\n", 0, cue_start) + 1 : cue_start]
        ):
            agent_names.update(_keys(scan, toks))  # the agent's own name: never PHI
            continue
        yield toks, f"name after a {kind} cue"


# "my husband is dr. john smith": a relative who is a doctor is the caller's relative.
_RELATIVE_BEFORE = re.compile(
    rf"(?<![\w'])(?:{cues._RELATION})(?:'s)?(?:[ \t]+(?:is|was|who's|who[ \t]+is))?[ \t,]*\Z"
)


def _in_a_turn(scan: Scan, pos: int) -> bool:
    """Is ``pos`` on a line that opens with a speaker's or a field's tag ("Agent:")?"""
    return SPEAKER_TAG_RE.match(scan.text, scan.text.rfind("\n", 0, pos) + 1) is not None


def _keys(scan: Scan, toks: list[Tok]) -> Iterator[str]:
    """Each word's key as said and folded: a staff name is known in both forms."""
    for t in toks:
        yield t.key
        yield word_key(lower_same_length(scan.text[t.start : t.end]))


def _keys_between(scan: Scan, start: int, end: int) -> Iterator[str]:
    for m in _NAME_WORD.finditer(scan.fold, start, end):
        yield word_key(m.group())
        yield word_key(lower_same_length(scan.text[m.start() : m.end()]))


# Staff named in a note's own attribution ("Verified by Priya.", "RN Inès.") or a message
# left for them at the practice ("this message is for inès at old mill pediatrics").
_STAFF_RE = re.compile(
    r"(?:(?<![\w'])(?i:verified|reviewed|entered|documented|signed|completed|processed"
    r"|triaged|updated|handled|care|opened|closed|assigned|created|logged)[ \t]+by"
    r"|(?<![\w'])(?:RN|LPN|NP|CNA|CMA)\.?)[ \t]+"
    r"([^\W\d_][\w'-]*)(?=[ \t]*(?:[.,;]|$|(?:on|at)[ \t]))"
    r"|(?i:message[ \t]+is[ \t]+for)[ \t]+([^\W\d_][\w'-]*)[ \t]+(?:at|from)[ \t]",
    re.MULTILINE,
)


# Staff named with their credential or their role at the practice: "Jill Hayes, LCSW",
# "Sincerely, Zita Nagy, MD", "our pharmacist Kristina", "I have Jane from our team",
# "this is Giampaolo calling from Clearpath Diagnostics". Each is found from a literal
# ("from our", a credential after a comma) and the name read back: ``re`` skips to it.
_STAFF_WORD = r"[^\W\d_][\w'-]*"
_CREDENTIAL_AFTER_RE = re.compile(
    r",[ \t]+(?:MD|DO|RN|NP|PA-C|LCSW|LPC|LMFT|LMHC|LCPC|PhD|PsyD|DDS|DMD|PharmD|FNP(?:-C)?"
    r"|APRN|CNM|DPM|(?i:counselor|therapist|nurse[ \t]+practitioner|psychiatrist"
    r"|psychologist|pharmacist|hygienist|social[ \t]+worker))(?![\w-])"
)
_STAFF_NAME_BEFORE_RE = re.compile(
    rf"(?<![\w'-])({_STAFF_WORD}(?:[ \t]+(?:[A-Z]\.[ \t]+)?{_STAFF_WORD})?)\Z"
)
_FROM_OUR_RE = re.compile(r"from[ \t]+our[ \t]+(?:team|office|clinic|practice|staff)\b")
_STAFF_WORD_BEFORE_RE = re.compile(rf"(?<![\w'-])({_STAFF_WORD})[ \t]+\Z")
_STAFF_ROLE_RE = re.compile(
    r"(?<![\w'])(?i:our[ \t]+(?:pharmacist|nurse|therapist|counselor|doctor|provider"
    r"|hygienist|dentist|coordinator|care[ \t]+coordinator|social[ \t]+worker|navigator"
    rf"|scheduler)[ \t]+)({_STAFF_WORD}(?:[ \t]+{_STAFF_WORD})?)"
    rf"|(?<![\w'])(?i:this[ \t]+is[ \t]+)({_STAFF_WORD})(?i:[ \t]+calling[ \t]+from[ \t]+)"
    r"(?:the[ \t]+)?(?=[A-Z])"
)


def _staff_signing(scan: Scan) -> set[str]:
    """Names of staff the text names as such: never PHI (as said, and folded)."""
    names: set[str] = set()
    text, low = scan.text, scan.low
    for m in _STAFF_RE.finditer(text) if " by " in low or "message" in low or scan.written else ():
        if tok := scan.tok_at(m.start(m.lastindex or 1)):
            names.add(tok.key)
    for after, before in (
        (_CREDENTIAL_AFTER_RE, _STAFF_NAME_BEFORE_RE),
        (_FROM_OUR_RE, _STAFF_WORD_BEFORE_RE),
    ):
        for m in after.finditer(text):
            if name := before.search(text, max(0, m.start() - 50), m.start()):
                # the credential too: a name run read on may end with it ("Hayes, LCSW")
                names.update(_keys_between(scan, name.start(1), m.end()))
    for m in _STAFF_ROLE_RE.finditer(text) if " our " in low or "calling from" in low else ():
        group = m.lastindex or 1
        names.update(_keys_between(scan, m.start(group), m.end(group)))
    return names


def _answers(scan: Scan) -> Iterator[Found]:
    """The opening words of the turn that answers "can I get your name"."""
    text = scan.text
    for ask, end, _ in led_matches(_ASKS_NAME_LED, scan.low):
        asker, pos = scan.speaker(ask), text.find("\n", end)
        mark = text.find("?", end, end + 40 if pos < 0 else min(pos, end + 40))
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
_NAME_AT_END = re.compile(r"name(?:[ \t]+is|'s)?[ \t,:]*$")
_CHILD_AT_END = re.compile(r"(?:baby|kid|child)(?:'?s)?[ \t,:]*$")
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
    if _NAME_AT_END.search(cue):
        return "strong"
    if _CHILD_AT_END.search(cue):
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
    spans: list[tuple[int, int]] = []
    if not clinic_names:
        return spans  # the common case: no lower-case copy
    low = text.lower()
    for clinic in clinic_names:
        needle = clinic.strip().lower()
        start = low.find(needle) if needle else -1
        while start >= 0:
            spans.append((start, start + len(needle)))
            start = low.find(needle, start + 1)
    return spans


_POSSESSIVE_TAIL = re.compile(r"['\u2019][sS]?\Z")


def _capitalised_mentions(text: str, words: set[str]) -> Iterator[tuple[int, int]]:
    """Every whole-word mention of these capitalised words, as written: a name that is
    also an everyday word ("Walker", "Hope") is found again only with its capital."""
    for word in words:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if not (_alnum_at(text, start - 1) or _alnum_at(text, end)):
                yield start, end
            start = text.find(word, end)


def _outermost(text: str, spans: dict[tuple[int, int], str]) -> Iterator[Span]:
    """The spans not inside another one (a repeat inside a cued name says nothing new)."""
    reach = -1
    for (start, end), why in sorted(spans.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        if end > reach:
            reach = end
            particles = text[start].isupper() and _PARTICLES_BEFORE.search(
                text, max(0, start - 16), start
            )
            if particles:
                start = particles.start()  # "starring van Gameren": the particle too
            if text[end - 2 : end] in _POSSESSIVE_ENDS and end - 2 > start:
                end -= 2  # "Dam's song": the "s" is no part of the name
            yield Span(start, end, Label.NAME, 0.85, why)


# Dutch and German name particles right before a capitalised name ("van der Berg"), an
# Italian "della" and a saint's "St." ("della Rovere", "St. Clair"): a Romance "de" or
# "da" reads as a preposition as often ("la casa de Pedro").
_PARTICLES_BEFORE = re.compile(
    r"(?<![\w'])(?:(?:van|von|der|den|ter|ten|della|dello|degli|St\.|Saint)[ \t]+)+\Z"
)
_POSSESSIVE_ENDS = ("'s", "\u2019s", "'S")


# "LAST, First" read out: "it's under gray comma andrea", "listed as okafor comma j".
_SPOKEN_LAST_FIRST = re.compile(
    r"(?:(?<![\w'])(?:under|as|is|name's|file|chart)[ \t]+|^(?:[^\n:]{1,30}:)?[ \t]*)"
    r"(([^\W\d_][\w'-]*)[ \t]+comma[ \t]+([^\W\d_][\w'-]*)(?:[ \t]+([^\W\d_][\w'-]*))?)"
    r"(?![\w'])",
    re.MULTILINE,
)


def _both_names(scan: Scan, last: str, first: str) -> bool:
    """A surname and a first name, each listed as one or in no English list ("louws
    comma pepijn", "wagner comma hans detlef")."""
    gaz = scan.gaz
    return (last in gaz.last or scan.foreign_word_key(last)) and (
        first in gaz.first or scan.foreign_word_key(first)
    )


class NameRecognizer:
    """Person names (``Label.NAME``): cued, paired, spelled, or known from the record."""

    name = "names"

    def find(self, text: str, context: Context) -> list[Span]:
        scan = Scan(text, gazetteer())
        staff = _staff_signing(scan)
        agent_names = set(staff)
        found = [*_cued(scan, agent_names, staff), *_answers(scan)]
        seen = {t.start for toks, _ in found for t in toks}
        found += pairs(scan, seen)
        if scan.written:
            found += narrative_names(scan, {t.start for toks, _ in found for t in toks})
            found += line_names(scan)
        blocked = _blocked(text, tuple(context.clinic_names))
        known = _known_parts(context.known.names)
        spans: dict[tuple[int, int], str] = {}
        said: set[str] = set()
        said_capitalised: set[str] = set()  # "Walker": a name that is also a word
        for toks, why in found:
            if not self._keep(scan, toks, agent_names - known, staff - known, blocked):
                continue
            spans.setdefault((toks[0].start, toks[-1].end), why)
            for t in toks:
                if t.key not in scan.gaz.common and len(t.key) > 2:  # as said, and folded
                    said.update((t.key, word_key(lower_same_length(text[t.start : t.end]))))
                elif t.cap and len(t.key) > 2 and t.key not in agent_names:
                    said_capitalised.add(_POSSESSIVE_TAIL.sub("", text[t.start : t.end]))
        said -= agent_names
        for start, end in spelled_runs(
            scan.fold, scan.gaz, frozenset(said | known)
        ):  # "m ø l l e r"
            if not (_alnum_at(text, start - 1) or _alnum_at(text, end)):  # not in "ñ a b"
                spans.setdefault((start, end), "name spelled out")
        for m in _SPOKEN_LAST_FIRST.finditer(scan.low) if "comma" in scan.low else ():
            last, first, second = (word_key(w) if w else "" for w in m.group(2, 3, 4))
            if plausible_last_first(scan.gaz, last, first) or _both_names(scan, last, first):
                end = m.end(1) if second and _both_names(scan, last, second) else m.end(3)
                # the word "comma" says no name: the two names apart
                spans.setdefault((m.start(2), m.end(2)), "surname comma first name, spoken")
                spans.setdefault((m.start(3), end), "surname comma first name, spoken")
        more_surname_forms(scan, text, spans)
        for start, end in mentions(text, known):
            spans.setdefault((start, end), "name from the call record")
        for start, end in mentions(text, said - known):
            if not (scan.org_after(end) or any(s < end and start < e for s, e in blocked)):
                spans.setdefault((start, end), "name again")
        for start, end in _capitalised_mentions(text, said_capitalised) if said_capitalised else ():
            if not scan.org_after(end):
                spans.setdefault((start, end), "name again, as written")
        return list(_outermost(text, spans))

    @staticmethod
    def _keep(
        scan: Scan,
        toks: list[Tok],
        agent: set[str],
        staff: set[str],
        blocked: list[tuple[int, int]],
    ) -> bool:
        """False for the practice's name, the agent's own name, or a medication."""
        start, end = toks[0].start, toks[-1].end
        if any(s < end and start < e for s, e in blocked) or scan.org_after(end):
            return False
        if (len(toks) == 1 and toks[0].key in agent) or all(t.key in staff for t in toks):
            return False
        if toks[0].key in cues.ORG_SUFFIX:
            return False  # "Partners LP": a company's legal form
        peoples = scan.gaz.peoples
        if toks[0].key in peoples and all(t.key in peoples for t in toks):
            return False  # "I'm argentinian", "France": a people or a place, no person
        return toks[0].key not in scan.meds
