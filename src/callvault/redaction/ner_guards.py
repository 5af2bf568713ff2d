"""What the statistical layer (``ner``) may add: its PERSON and place entities, checked
against what the rules already know, so a small model trained on news text does not
redact the readable parts of a call.

A call transcript is not news. The model's typical mistakes there, and the check for each:

- the practice's side: the agent's own name ("this is Maria", said on the agent's line,
  and that name again later), the clinic's name (the tenant's ``clinic_names``, or a
  capitalised phrase ending in "Clinic", "Pharmacy", "Medical" ...) -> dropped;
- drug names ("Lisinopril" as a PERSON), weekdays and months, nationalities, countries
  and states (no geographic unit smaller than a state), speaker tags ("Dr. Lee:")
  -> dropped;
- everyday words: each word of a PERSON is weighed as the name rules weigh it
  (``names_strength.key_strength``: never, weak or strong). One word must be a strong
  name ("Perfect", "Grant", "Cancel" are weak: dropped); in a longer name every word must
  be a name and one of them strong;
- lower-case speech, where a small model guesses: a PERSON only when every word is a
  strong name, a place only when it is a listed city or town. A lower-case candidate on
  a line that has capitals is no name ("50 mcg", "tel."): writing capitalises names;
- a FAC (facility) only when it is a street ("Maple Street"), never a building or an
  airport; a LOC only when it is a listed city or town (regions and natural features
  are no Safe Harbor identifier).

- staff named by their role ("Agent Luis", "RN Ada") or answering the phone ("... Bettina
  speaking"), and a word before a colon (a field's label, "Tel:") -> dropped.

The model's spans also run over neighbouring words ("Caller Shelton, Jessica", "Diana
Guzman DOB", "Tell Leif"): words at either end that are titles, short abbreviations in
capitals, or hold a digit are trimmed off, and for a PERSON also words that are never a
name and an everyday word that is capitalised only for opening a sentence; a digit
inside drops the candidate (an identifier is the rules' business).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from callvault.redaction.lexicon import MONTHS
from callvault.redaction.medical import medication_words
from callvault.redaction.names_gazetteer import Gazetteer, fold, gazetteer
from callvault.redaction.names_scan import Scan, in_tag
from callvault.redaction.names_strength import STRONG, key_strength
from callvault.redaction.places import places, plain, regions
from callvault.redaction.spans import Context, Label, Span

PERSON = "PERSON"
PLACE_LABELS = frozenset(("GPE", "LOC", "FAC"))
_SCORE = 0.6  # below every rule's: the merge keeps a rule's reason first

# A whole word, digits included: an entity is trimmed by words, never inside one.
_WORD = re.compile(r"\w+(?:['\u2019.-]\w+)*")
_TITLES = frozenset(("dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "nurse", "the"))
# Role words before a staff member's name ("Agent Luis escalated", "RN Ada").
_STAFF_ROLES = frozenset((
    "agent", "rep", "representative", "csr", "operator", "receptionist", "scheduler",
    "coordinator", "navigator", "advocate", "pharmacist", "rn", "lpn", "cna", "cma", "np",
    "technician", "tech", "dispatcher", "interpreter", "supervisor",
))  # fmt: skip
_ANSWERING = re.compile(
    r"(?i)[ \t,]+(?:here[ \t]+)?speaking(?![\w'])"
    r"|(?:['\u2019]s)?[ \t]+(?:desk|office|station|queue|team|extension|voicemail)(?![\w'])"
)
_ROLE_BEFORE = re.compile(r"([^\W\d_]+)\.?[ \t]+\Z")
_WEEKDAYS = frozenset(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
_CALENDAR = _WEEKDAYS | frozenset(MONTHS)
# A capitalised phrase ending in one of these is the practice or another organisation.
_ORG_WORDS = frozenset((
    "clinic", "hospital", "medical", "medicine", "health", "healthcare", "pharmacy",
    "practice", "center", "centre", "associates", "group", "labs", "lab", "imaging",
    "dental", "pediatrics", "family", "care", "insurance", "services", "university",
    "college", "school", "bank", "inc", "llc", "ltd", "corp", "company", "ortho",
    "orthopedics", "cardiology", "dermatology", "endocrinology", "oncology", "neurology",
    "urology", "radiology", "gastroenterology", "obgyn", "gynecology", "psychiatry",
    "therapy", "rehab", "hospice", "urgent", "dentistry", "optometry", "wellness",
))  # fmt: skip
# A FAC is taken only as a street: its last word must be one of these.
_STREET_WORDS = frozenset((
    "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "boulevard",
    "blvd", "court", "ct", "way", "place", "pl", "terrace", "crescent", "close",
    "highway", "hwy", "parkway", "pkwy", "circle", "trail", "row", "square",
))  # fmt: skip
# Said on the agent's own line just before a name: the agent introducing themself.
_SELF_INTRO_BEFORE = re.compile(
    r"(?i)(?:this[ \t]+is|my[ \t]+name(?:[ \t]+is|'s)|name's|i'?m|i[ \t]+am|it'?s"
    r"|you(?:'re|[ \t]+are)[ \t]+(?:speaking|talking)[ \t]+(?:with|to)|you'?ve[ \t]+got)"
    r"[ \t,]*\Z"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entity the model proposed: offsets into the text and spaCy's label."""

    start: int
    end: int
    label: str


def accepted(text: str, candidates: Iterable[Candidate], context: Context) -> list[Span]:
    """The candidates the checks keep, as spans (see the module docstring)."""
    gaz = gazetteer()
    scan = Scan(text, gaz)  # for who speaks: the agent's tag, as the name rules read it
    blocked = _clinic_ranges(text, context.clinic_names)
    agents = _agent_names(scan)
    kept: list[Span] = []
    for cand in sorted(candidates, key=lambda c: c.start):
        if cand.label != PERSON and cand.label not in PLACE_LABELS:
            continue
        label = cand.label
        words = _trimmed_words(text, cand, gaz, person=False)
        if label == PERSON and _place_not_name([_key(text[s:e]) for s, e in words], gaz):
            label = "GPE"  # the model's usual confusion on a foreign town: "moved to Kraków"
        elif label != PERSON and text[cand.end : cand.end + 2] in ("'s", "\u2019s"):
            label = PERSON  # "Julia's daughter": someone's, not somewhere's
        if label == PERSON:
            words = _trimmed_words(text, cand, gaz, person=True)
        if not words or any(s < words[-1][1] and words[0][0] < e for s, e in blocked):
            continue
        start, end = words[0][0], words[-1][1]
        keys = [_key(text[s:e]) for s, e in words]
        if _never_phi(text, start, end, keys) or _staff_or_field(text, start, end):
            continue
        if not all(text[s].isupper() for s, _ in words) and not _speech_line(text, start):
            continue
        if _agent_introduced(scan, start):
            agents.update(keys)
            continue
        if agents.issuperset(keys):
            continue
        if label == PERSON:
            if _person_ok(text, words, keys):
                kept.append(Span(start, end, Label.NAME, _SCORE, "spaCy PERSON, checked"))
        elif _place_ok(text, words, keys, label, gaz):
            kept.append(Span(start, end, Label.ADDRESS, _SCORE, f"spaCy {label}, checked"))
    return kept


def may_be_accepted(text: str, start: int, end: int) -> bool:
    """Could any entity in ``text[start:end]`` (one line, or a piece of a long one) pass
    ``accepted``? A line with a capital after its speaker tag could hold one; a line in
    lower case only where a word is a strong name, or a listed place (not one everyday
    word) starts, or a street word follows a word that is no everyday word: what the
    checks ask of a lower-case candidate. The layer skips the other lines (speech is most
    of a call, and the model costs per word), which changes nothing it returns: the
    lines are read one by one."""
    at_line_start = start == 0 or text[start - 1] == "\n"
    colon = text.find(":", start, min(end, start + 40)) if at_line_start else -1
    body = text[colon + 1 if colon >= 0 else start : end]
    if not body.islower():
        return any(ch.isupper() for ch in body)
    english = gazetteer().english
    keys = [_key(m.group()) for m in _WORD.finditer(body)]
    for i, key in enumerate(keys):
        if key_strength(key) == STRONG:
            return True
        if key in _STREET_WORDS and i and keys[i - 1] not in english:
            return True
        if key not in english and _known_place(keys[i : i + 1]):
            return True
        if any(_known_place(keys[i : i + n]) for n in (2, 3) if i + n <= len(keys)):
            return True
    return False


def _key(word: str) -> str:
    """A word as the name lists spell it: folded, lower case, no possessive."""
    return fold(word).lower().replace("\u2019", "'").removesuffix("'s").replace("'", "")


def _trimmed_words(
    text: str, cand: Candidate, gaz: Gazetteer, *, person: bool
) -> list[tuple[int, int]]:
    """The entity's whole words on its first line, without the edge words that are no
    part of a name or place (see the module docstring); none if a digit is left inside."""
    stop = text.find("\n", cand.start, cand.end)
    line_end = len(text) if (nl := text.find("\n", cand.start)) < 0 else nl
    # whole words: the model's offsets may cut one ("ID XB163342-08" ending at "XB")
    left = cand.start
    while left > 0 and (text[left - 1].isalnum() or text[left - 1] == "_"):
        left -= 1
    words = [m.span() for m in _WORD.finditer(text, left, line_end if stop < 0 else stop)]
    words = [(s, e) for s, e in words if s < cand.end]

    def edge(span: tuple[int, int]) -> bool:
        word = text[span[0] : span[1]]
        key = _key(word)
        if (
            any(ch.isdigit() for ch in word)
            or key in _TITLES
            or (word.isupper() and len(word) <= 3)
        ):
            return True
        if not person:
            return False
        strength = key_strength(key)
        return not strength or (
            strength < STRONG and key in gaz.english and _opens_sentence(text, span[0])
        )

    while words and edge(words[0]):
        words.pop(0)
    while words and edge(words[-1]):
        words.pop()
    if any(ch.isdigit() for s, e in words for ch in text[s:e]):
        return []
    return words


def _speech_line(text: str, pos: int) -> bool:
    """Is the line holding ``pos`` lower case after its speaker tag (a recogniser's)?"""
    line = text.rfind("\n", 0, pos) + 1
    stop = text.find("\n", pos)
    colon = text.find(":", line, line + 40)
    start = colon + 1 if 0 <= colon < pos else line
    return not any(ch.isupper() for ch in text[start : len(text) if stop < 0 else stop])


def _staff_or_field(text: str, start: int, end: int) -> bool:
    """Staff named by role ("Agent Luis", "RN Ada"), whoever answers the phone and
    where they work ("Bettina speaking", "at Tomasz's desk"), a field's label ("Tel:")."""
    if text[end : end + 1] == ":" or _ANSWERING.match(text, end):
        return True
    role = _ROLE_BEFORE.search(text, max(0, start - 24), start)
    return bool(role and role.group(1).lower() in _STAFF_ROLES)


def _never_phi(text: str, start: int, end: int, keys: Sequence[str]) -> bool:
    """Speaker tags, drugs, calendar words, peoples and regions, organisations."""
    if in_tag(text, start):
        return True
    meds, peoples = medication_words(), gazetteer().peoples
    if any(k in meds or k in _CALENDAR or k in _ORG_WORDS for k in keys):
        return True
    phrase = " ".join(keys)
    if phrase in regions() or plain(phrase) in regions() or all(k in peoples for k in keys):
        return True
    return _org_follows(text, end)


def _org_follows(text: str, end: int) -> bool:
    """Do the next capitalised words end in an organisation word ("Lakeside Family
    Clinic")?"""
    for m in _WORD.finditer(text, end, min(len(text), end + 40)):
        if text[end : m.start()].strip(" \t-&"):
            return False  # punctuation or a line break between: the phrase ended
        word = m.group()
        if word.lower() in _ORG_WORDS:
            return True
        if not word[0].isupper():
            return False
        end = m.end()
    return False


# The same introductions read forwards: the word after one is the agent's name, whatever
# the model made of it ("this is Maria" may come back as a nationality).
_SELF_INTRO_AFTER = re.compile(
    r"(?i)(?<![\w'])(?:this[ \t]+is|my[ \t]+name(?:[ \t]+is|'s)|i'?m|i[ \t]+am"
    r"|you(?:'re|[ \t]+are)[ \t]+(?:speaking|talking)[ \t]+(?:with|to)|you'?ve[ \t]+got)"
    r"[ \t,]+([^\W\d_]+)"
)


def _agent_names(scan: Scan) -> set[str]:
    """The first word after each introduction on the practice's side (folded keys)."""
    names = set()
    for m in _SELF_INTRO_AFTER.finditer(scan.fold):
        if scan.is_agent(scan.speaker(m.start())):
            names.add(m.group(1).lower())
    return names


def _agent_introduced(scan: Scan, start: int) -> bool:
    """A name right after "this is", "my name is" ... on the practice's side of the call."""
    line = scan.text.rfind("\n", 0, start) + 1
    if not scan.is_agent(scan.speaker(start)):
        return False
    return bool(_SELF_INTRO_BEFORE.search(scan.text, max(line, start - 40), start))


def _place_not_name(keys: Sequence[str], gaz: Gazetteer) -> bool:
    """A listed city or town that no word of is a listed name."""
    phrase = plain(" ".join(keys))
    return bool(keys) and phrase in places() and not any(gaz.is_name(k) for k in keys)


def _opens_sentence(text: str, pos: int) -> bool:
    """Is the word at ``pos`` the first of its line (after a speaker tag) or sentence?"""
    before = text[max(0, pos - 40) : pos].rstrip(" \t\"'(")
    return not before or before.endswith(("\n", ".", "!", "?", ":", ";"))


def _person_ok(text: str, words: Sequence[tuple[int, int]], keys: Sequence[str]) -> bool:
    """Every word a name as the name rules weigh it; a strong one among them, and only
    strong ones in lower case (speech) or alone."""
    strengths = [key_strength(k) for k in keys]
    if not all(strengths) or STRONG not in strengths:
        return False
    if len(keys) == 1 or not all(text[s].isupper() for s, _ in words):
        return all(x == STRONG for x in strengths)
    return True


def _place_ok(
    text: str, words: Sequence[tuple[int, int]], keys: Sequence[str], label: str, gaz: Gazetteer
) -> bool:
    capitalised = all(text[s].isupper() for s, _ in words)
    if label == "FAC":  # a street, its name no everyday word in speech ("the long way")
        return (
            len(keys) >= 2
            and keys[-1] in _STREET_WORDS
            and (capitalised or keys[-2] not in gaz.english)
        )
    known = _known_place(keys)
    if not capitalised:  # speech: a listed place, and not one everyday word ("can", "mobile")
        return known and (len(keys) > 1 or keys[0] not in gaz.english)
    if label == "LOC":
        return known
    return known or not all(k in gaz.english for k in keys)


def _known_place(keys: Sequence[str]) -> bool:
    phrase = plain(" ".join(keys))
    return phrase in places() or phrase.replace(" ", "-") in places()


def _clinic_ranges(text: str, clinic_names: Sequence[str]) -> list[tuple[int, int]]:
    """Where the practice's own names are said (any case)."""
    if not clinic_names:
        return []
    low, found = text.lower(), []
    for clinic in clinic_names:
        needle = " ".join(clinic.lower().split())
        at = low.find(needle) if needle else -1
        while at >= 0:
            found.append((at, at + len(needle)))
            at = low.find(needle, at + 1)
    return found
