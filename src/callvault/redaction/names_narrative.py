"""Names in written narrative that no cue word announces: the sentence says "person".

A capitalised word that a name list knows, or that is in no everyday-English list, is
taken where the sentence's structure puts a person:

- a middle initial between two name words ("Quinn A Campbell", "Gabriel R. Dias");
- a possessive ("Christian's kid", "the Wallin novel's end");
- after a word that takes a person ("said Abellona to Joseph", "call me Rikke",
  "directed by ...", "had given Lily his address"), or inside a sentence at all when the
  word is no English word ("the Wallin novel");
- opening a sentence before a subject's verb ("Milovan shouted at ...", "Grant lives
  on ...") or addressed ("Virginia, can I ...", "Remember me, Austin?");
- an item of a list of such words ("They had 6: Ruriko, Paul, Shelby and Angela.");
- a listed first name in lower case after a speech word ("said maria to ...").

A word is "weak" when it is also an everyday word or an English surname ("Frank", "Joy",
"Little"): it needs one of the strongest signs (a possessive, a person word before it, a
speech verb after it, a list of names, an address). Countries, nationalities, months,
medications and a company's legal form never count (``strength``); a word inside a
longer capitalised phrase ("Entertainment Weekly", "University of Oslo") is left to the
pair rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from callvault.redaction import names_cues as cues
from callvault.redaction.names_scan import (
    SUBJECT_VERBS,
    Found,
    Scan,
    Tok,
    first_only,
)
from callvault.redaction.names_strength import (
    DOTTED_INITIAL,
    NOT_NAMES,
    STRONG,
    WEAK,
    before_initial,
    first_before,
    key_strength,
    name_only,
    strength,
    surname_after,
)

# Where a capitalised word starts (over the folded text); the look-behind comes after
# the class so ``re`` skips to capitals in C. A word before a colon opening a line is
# its tag ("Agent:", "Velimir:"): ``names_lines`` reads those.
_CAPITAL = re.compile(r"([A-Z](?<![\w'\u2019.-].)[a-z]++)(:?)")
# Words after which a capitalised name word is someone: speech, giving, calling, "by".
_PERSON_BEFORE_WORDS = """
    said says asked told tell shouted yelled screamed whispered replied answered to
    me by with given gave heard met call called calls named leave married between
    under thank thanks dear hi hello hey ask starring featuring"""
_PERSON_BEFORE = frozenset(_PERSON_BEFORE_WORDS.split())
# "shouted at Nicholas" (but "at Walmart", "at Anil's desk": a place).
_AT_SOMEONE = re.compile(r"(?:shouted|yelled|screamed|smiled|laughed|stared|waved)[ \t]+at[ \t]+\Z")
# "said Hollis to Frank", "talked to Grant": a "to" that someone is spoken to after.
_SPOKEN_TO = re.compile(
    r"(?:said|says|spoke|speak|talked|talking|wrote|written|replied|shouted|yelled"
    r"|whispered|lied|explained)(?![\w'])[^.!?\n]*to[ \t]+\Z"
)
# A subject's verbs that vouch even for a weak word ("Grant lives on ...", "Frank said").
_PERSON_VERBS_WORDS = """
    said says shouted yelled screamed whispered replied answered told asked lives lived
    married smiled laughed wrote sang spent began gave thinks thought knows knew loves
    loved likes liked works worked joined writes sings cried bought sold brought made found
    met saw heard felt kept built drove flew ran won lost paid sent visited"""
_PERSON_VERBS = frozenset(_PERSON_VERBS_WORDS.split())
# Of those, the ones a thing cannot do ("Bill says it's late": an invoice).
_HUMAN_VERBS = _PERSON_VERBS - {"said", "says"}
_SUBJECT_VERBS = SUBJECT_VERBS | _PERSON_VERBS | frozenset(("were", "are", "and"))
# Aux verbs asking someone something after "Name,": "Virginia, can I ...".
_ADDRESSED = re.compile(
    r",[ \t]+(?:can|could|would|will|please|do|did|are|is|have|what|where|how|why|i|you)\b"
)
_SENTENCE_END = ".!?:;\"'(\u201c\u2018"
_PARTICLES_WORDS = "van von de da del della di du der den ter ten dos das do la le bin al el"
_PARTICLES = frozenset(_PARTICLES_WORDS.split())
# A comma, then a house number: an address after the name that opens the sentence.
_ADDRESS_AFTER = re.compile(r",[ \t]*\d")
# Words after which even a lower-case listed first name is someone ("call me rikke").
_LOWER_CUES = frozenset(("said", "says", "told", "asked", "me", "named", "dear", "thank"))
_TITLES_WORDS = "dr mr mrs ms mx miss prof sir dame madam madame monsieur mme herr frau"
_TITLES = frozenset(_TITLES_WORDS.split())
_ARTICLES = frozenset(("the", "a", "an", "this", "that"))
_POSSESSIVES = ("'s", "\u2019s")
_WORD_MARKS = frozenset("_'\u2019-")


class _Run:
    """Capitalised name words in a row, maybe with an initial or particles between."""

    __slots__ = ("best", "dotted", "initial", "toks")

    def __init__(self, toks: list[Tok], strengths: list[int], initial: bool, dotted: bool) -> None:
        self.toks = toks
        self.best = max(strengths)
        self.initial = initial
        self.dotted = dotted  # "Brodie H. Walker": the initial has its dot


def _read_run(scan: Scan, first: Tok, sure: int) -> tuple[_Run, Tok | None]:
    """The run opened by ``first`` and the word after it (None at a line's end)."""
    toks, strengths, initial, dotted = [first], [sure], False, False
    nxt = scan.tok_at(first.end)
    while nxt is not None and not nxt.comma and len(toks) < 5:
        if scan.text[toks[-1].end - 2 : toks[-1].end] in _POSSESSIVES:
            break  # "Maria Luusua's Cautionary Tales": the name ends at its "'s"
        after = scan.tok_at(nxt.end)
        if nxt.cap and len(nxt.key) == 1 and after is not None and after.cap:
            s = strength(scan, after) or surname_after(scan, after, strengths)
            if not s:  # "Quinn A Campbell", "Leon R. Ilić", "Hideko F Chiba"
                break
            toks += [nxt, after]
            strengths.append(s)
            initial = True
            dotted = dotted or scan.text[nxt.end : nxt.end + 1] == "."
        elif nxt.cap and (s := strength(scan, nxt) or surname_after(scan, nxt, strengths)):
            toks.append(nxt)
            strengths.append(s)
        elif nxt.key in _PARTICLES and after is not None:
            parts = [nxt]  # "Isaiah van der Rest", "Gilles Da Silva"
            while after is not None and after.key in _PARTICLES:
                parts.append(after)
                after = scan.tok_at(after.end)
            if after is None or not after.cap or not (s := strength(scan, after) or WEAK):
                break  # after particles, any capitalised word ends the name ("van der Rest")
            if after.key in cues.ORG_SUFFIX or after.key in scan.gaz.peoples:
                break
            toks += [*parts, after]
            strengths.append(s)
        else:
            break
        nxt = scan.tok_at(toks[-1].end)
    return _Run(toks, strengths, initial, dotted), nxt


def _before(scan: Scan, pos: int) -> tuple[str, str]:
    """The word before ``pos`` on its line and the punctuation between ("" if none)."""
    line = scan.fold.rfind("\n", 0, pos) + 1
    head = scan.fold[max(line, pos - 40) : pos].rstrip(" \t")
    chunk = head[head.rfind(" ") + 1 :]  # the last blank-separated piece: "me,", "(by"
    end = len(chunk)
    while end and not _word_char(chunk[end - 1]):
        end -= 1
    start = end
    while start and _word_char(chunk[start - 1]):
        start -= 1
    return chunk[start:end], chunk[end:]


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in _WORD_MARKS


def _possessive(scan: Scan, tok: Tok, several: bool) -> bool | None:
    """ "Christian's kid", "Ana Ruiz's Cautionary Tales": True for a thing someone has,
    False for a staff member's workplace ("at Anil's desk") or a single word's title
    ("Nahar Limited's Hanna"), None for no possessive."""
    if scan.text[tok.end - 2 : tok.end] not in _POSSESSIVES:
        return None
    nxt = scan.tok_at(tok.end)
    if nxt is None:
        return None
    return several if nxt.cap else nxt.key not in _WORKPLACE


# "at Anil's desk", "Keisha's line": a staff member's workplace, not a patient's.
_WORKPLACE_WORDS = "desk office team line extension queue station department clinic practice shift"
_WORKPLACE = frozenset(_WORKPLACE_WORDS.split())


def _reason(scan: Scan, run: _Run, nxt: Tok | None) -> str | None:
    """Why this run is a person here, or None."""
    last = run.toks[-1]
    if run.initial:  # "Tamsin Q Halvorsen", "Brodie H. Walker", not "Vitamin D Daily"
        sure = run.best == STRONG or run.toks[0].key in scan.gaz.first or run.dotted
        return "name with a middle initial" if sure else None
    word, punct = _before(scan, run.toks[0].start)
    low = word.lower()
    if low in _TITLES and punct in ("", "."):
        return "name after a title"  # "Ask Dr Lindqvist", "Herr Oberholzer"
    if (owned := _possessive(scan, last, len(run.toks) > 1)) is not None:
        if owned and (run.best == STRONG or low not in _ARTICLES):  # not "the Devil's"
            return "name before a possessive"
        return None
    if word[:1].isupper() and not punct and low not in scan.gaz.stop and low in scan.gaz.english:
        word, low = "", ""  # a sentence's opening word ("Maybe Hideko ...")
    if nxt is not None and nxt.cap and not nxt.comma:
        return None  # inside a longer capitalised phrase ("Fuse TV", "Gore Street")
    if scan.text[last.end : last.end + 2].strip(" \t")[:1] in ("&", "+"):
        return None  # "Flaherty & Crumrine": a firm's partners
    if word and not (punct and punct[-1] in _SENTENCE_END):
        if word[:1].isupper() and punct in ("", ","):
            return None  # a capitalised phrase's tail, a list's item ("COVID, Flu")
        if low in _PERSON_BEFORE or _AT_SOMEONE.search(
            scan.low, max(0, run.toks[0].start - 24), run.toks[0].start
        ):
            # A weak word after "to" is more often a place or a thing ("returned to
            # Work", "went to Church") than a person, unless someone speaks to it.
            weak_ok = (
                low != "to"
                or _SPOKEN_TO.search(scan.low, max(0, run.toks[0].start - 32), run.toks[0].start)
            ) and (nxt is None or nxt.comma or scan.ends_name(nxt))
            if run.best == STRONG or weak_ok:
                return "name after a word that takes a person"  # not "and Grant money"
            return None
        if punct.endswith(",") and _vocative_end(scan, last):
            return "name said to someone"
        if run.best == STRONG and not (low == "of" and _of_phrase(scan, run.toks[0].start)):
            return "name inside a sentence"  # "the gender of Zlata", not "Bank of Oslo"
        return None
    return _sentence_start(scan, run, nxt)


def _of_phrase(scan: Scan, pos: int) -> bool:
    """Is the "of" before ``pos`` inside a capitalised phrase ("University of ...")?"""
    before = scan.fold[max(0, pos - 40) : pos].rstrip(" \t")[:-2].rstrip(" \t")
    word = before.rsplit(None, 1)[-1] if before.split() else ""
    return word[:1].isupper()


def _vocative_end(scan: Scan, last: Tok) -> bool:
    """ ", Austin?" / ", Eric!" / ", Anna." closing a sentence."""
    return scan.fold[last.end : last.end + 1] in ("?", "!")


def _sentence_start(scan: Scan, run: _Run, nxt: Tok | None) -> str | None:
    """A run opening a sentence: a subject before its verb, or someone addressed."""
    last = run.toks[-1]
    if _ADDRESSED.match(scan.low, last.end):
        return "name said to someone"
    if len(run.toks) > 1 and _ADDRESS_AFTER.match(scan.fold, last.end):
        return "name before an address"  # "Gilles Da Silva, 33 chemin ..."
    if nxt is None or nxt.cap or nxt.comma:
        return None
    if nxt.key in _HUMAN_VERBS or (
        run.best == STRONG
        and (nxt.key in _SUBJECT_VERBS or (nxt.key.endswith("ed") and _full_or_first(run)))
    ):
        return "name as the subject of a sentence"  # "Ivo Kauko listed", not "Appt moved"
    return None


def _full_or_first(run: _Run) -> bool:
    """Two words or more, or a listed first name: "-ed" after it is its verb."""
    return len(run.toks) > 1 or run.toks[0].key in first_only()


def _list_names(scan: Scan, first: Tok) -> list[list[Tok]]:
    """Items of a list of single name words ("Ruriko, Paul, Shelby and Angela", "Kadiev
    and Cobb were"): three or more, or two and a verb after them."""
    items: list[Tok] = [first]
    tok = scan.tok_at(first.end)
    while tok is not None and len(items) < 12:
        if tok.key == "and" and not tok.cap:
            tok = scan.tok_at(tok.end)
        if tok is None or not tok.cap or not strength(scan, tok):
            break
        items.append(tok)
        tok = scan.tok_at(tok.end)
        if tok is not None and not tok.comma and tok.key != "and":
            break
    if len(items) < 2 or not _joined_as_list(scan, items):
        return []
    if len(items) == 2 and (tok is None or tok.key not in _SUBJECT_VERBS):
        return []
    return [[t] for t in items]


def _joined_as_list(scan: Scan, items: list[Tok]) -> bool:
    """Each item after the first follows a comma or "and"; the last one an "and"."""
    text = scan.text
    gap = text[items[-2].end : items[-1].start]
    named = sum(strength(scan, t) == STRONG or name_only(scan, t.key) for t in items)
    return gap.strip(" \t,") == "and" and 2 * named >= len(items)  # not "Frank and Joy"


def _tag_word(scan: Scan, start: int) -> bool:
    """Does the word at ``start`` (a colon after it) open its line, maybe after a title
    ("Velimir:", "Dr. Smith:")? ``names_lines`` reads those tags."""
    if start == 0 or scan.fold[start - 1] == "\n":
        return True  # the common case, "Patient:" opening its line
    line = scan.fold.rfind("\n", 0, start) + 1
    return _TAG_PREFIX.fullmatch(scan.fold, line, start) is not None


_TAG_PREFIX = re.compile(r"[ \t}>*-]*(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof)\.?[ \t]+)?")
_LOWER_BEFORE = re.compile(r"(?<=[a-z][ \t])")
_MAY_GO_ON = re.compile(r"[ \t]*(?:,|and\b|[A-Z])|[ \t]+(?:van|von|de|da|der|den|di|du)\b")
_CAPITAL_NEXT = re.compile(r"[ \t]+[A-Z]")


def _plainly_no_name(scan: Scan, m: re.Match[str]) -> bool:
    """A capitalised word whose letters alone say it is no name, with no hyphen or
    apostrophe going on and no capital or initial after it (most capitals: "Hi",
    "What"); but "was Władysław Szpilman": a first name an English list has."""
    if key_strength(m[1].lower()):
        return False
    end = m.end(1)
    if scan.fold[end : end + 1] in _WORD_GOES_ON:
        return False
    if not _CAPITAL_NEXT.match(scan.fold, end):
        return True  # the common case: a lower-case word or punctuation after it
    return not (DOTTED_INITIAL.match(scan.fold, end) or _LOWER_BEFORE.match(scan.fold, m.start()))


def _taken_already(scan: Scan, m: re.Match[str], seen: set[int]) -> bool:
    """A word another rule took, with nothing after it that could make more of it (a
    capitalised word or an initial, a list's comma or "and")."""
    return m.start() in seen and not _MAY_GO_ON.match(scan.fold, m.end(1))


_WORD_GOES_ON = frozenset(("-", "'", "\u2019"))


def narrative_names(scan: Scan, seen: set[int]) -> Iterator[Found]:
    """Names the sentence's structure vouches for; ``seen`` holds words already taken."""
    taken: set[int] = set()  # words of the lists and runs found here
    for m in _CAPITAL.finditer(scan.fold):
        start = m.start()
        if start in taken or (m[2] and _tag_word(scan, start)):
            continue  # a word of a list or run found here, a speaker's tag ("Dr. Smith:")
        if _taken_already(scan, m, seen) or _plainly_no_name(scan, m):
            continue  # the common cases, read cheaply: "Hi", "What", "Agent"
        tok = scan.tok_at(start)
        if tok is None or tok.start != start:
            continue
        sure = strength(scan, tok) or before_initial(scan, tok) or first_before(scan, tok)
        if not sure:
            continue
        run, nxt = _read_run(scan, tok, sure)
        listing = len(run.toks) == 1 and nxt is not None and (nxt.comma or nxt.key == "and")
        if listing and (items := _list_names(scan, tok)):
            taken.update(t[0].start for t in items)
            for item in items:
                yield item, "name in a list of names"
            continue
        if start in seen and len(run.toks) == 1:
            continue  # taken whole already; a longer run may still add to it
        # Found or not, the run's later words need no reading of their own: after the
        # run's first word they are a capitalised phrase's tail ("Cedar Hills Clinic").
        taken.update(t.start for t in run.toks)
        if why := _reason(scan, run, nxt):
            yield run.toks, why
    yield from _lower_case_names(scan, seen)


def _lower_case_names(scan: Scan, seen: set[int]) -> Iterator[Found]:
    """A listed first name written in lower case in written text, where only a person
    fits: after a speech word ("said maria to ...", "call me joseph") or opening a
    sentence before a human verb ("peter shouted at ...")."""
    for pos in scan.lower_firsts:
        tok = scan.tok_at(pos)
        if tok is None or pos in seen or tok.key in NOT_NAMES or len(tok.key) < 3:
            continue
        word, punct = _before(scan, pos)
        low = word.lower()
        if not punct and (
            low in _LOWER_CUES or _AT_SOMEONE.search(scan.low, max(0, pos - 24), pos)
        ):
            yield [tok], "name in lower case after a speech word"
            continue
        nxt = scan.tok_at(tok.end)
        if (
            (not word or punct[-1:] in _SENTENCE_END)
            and nxt is not None
            and nxt.key in _HUMAN_VERBS
        ):
            yield [tok], "name in lower case as the subject of a sentence"
