"""Person names in call transcripts, spoken (``asr``) or written.

A Census name alone proves little (88,799 surnames include "may", "long" and "still"), so
a name is taken when something vouches for it:

1. a cue before it ("my name is", "mr", "this is ... ", "for my mother", "hi"), or the
   previous turn asking for a name (``names_cues``);
2. a listed first name followed by a listed surname ("ada okafor", "Okafor, Ada");
3. letters spelling a name ("that's o k a f o r") (``names_spelled``);
4. the call record (``context.known.names``), or a name already found in this call: every
   later mention of its parts is redacted too, said whole or spelled.
5. written "SURNAME, First" / "Surname, First" ("GRAY, Andrea", "Munoz, Jose"): a known
   first name vouches for an unlisted surname, capitals for an unlisted first name;
6. a relation word ("my uncle", "her daughter", "my partner's name"): the next 1-3 words
   that are no common word, verb or adverb, listed or not ("my son kwabena asante");
7. the answer to "who am I speaking with?" on the same line or in the next turns;
8. written running text: a capitalised known first name as a subject ("Sophia called",
   "Why is Liisa ..."), inside a sentence ("spoke to Amara") or addressed ("..., Siobhan!").

Words are Unicode letters: the rules read a same-length copy of the text with diacritics
dropped (``fold_same_length``), so "Søren", "SOREN" and "soren" look up alike and spans
still index the original text. Speaker tags ("Dr. Smith:", "SPEAKER_00:") are no cue, and
"for" wants a first name ("songs for Entertainment Weekly" is no person).

It is not taken when the agent introduces themself ("this is dana", said by the agent,
and every later lone "dana"), when it names the practice ("pine ridge dermatology",
``context.clinic_names``) or when it is a medication.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from callvault.redaction import names_cues as cues
from callvault.redaction.medical import medication_words
from callvault.redaction.names_gazetteer import Gazetteer, fold_same_length, gazetteer
from callvault.redaction.names_spelled import (
    lower_same_length,
    mentions,
    spelled_runs,
)
from callvault.redaction.spans import Context, Label, Span
from callvault.redaction.trie import trie_regex

# Rules read the folded text (``fold_same_length``: "Søren" reads "Soren", same offsets);
# a letter NFKD cannot take apart (Cyrillic, Greek, CJK) is still a letter here.
_L = r"[^\W\d_]"
# The next word; a dot may come first only after an initial ("Harold J. Klein").
_NEXT = re.compile(
    rf"(?:(?<!{_L}{_L})(?<={_L})\.)?[ \t]*(,[ \t]*)?({_L}+(?:['\u2019-]{_L}+)*)(?!\w)"
)
# Two capitalised words in a row, maybe "Surname, First" or "SURNAME, First": a written
# name with no cue.
_CAPITAL_PAIR = re.compile(
    r"(?<![A-Za-z'\u2019])[A-Z](?:[a-z'\u2019-]+|[A-Z'\u2019-]+),?[ \t]+[A-Z][a-z.]"
)
# ", Gloria!" closing a written line, or "Gloria, ..." opening one: someone addressed.
_VOCATIVE = re.compile(r"(?m),[ \t]+([A-Z][a-z]+)[ \t]*[!.?]*[ \t]*$|:[ \t]+([A-Z][a-z]+),")
# A capitalised word in written running text: a known first name there is a person
# ("Why is Liisa so upset?", "Sophia called", "spoke to Amara").
_CAPITAL_WORD = re.compile(r"(?<![\w'\u2019.-])[A-Z][a-z]+(?![\w'\u2019-])")
# Words that make the capitalised word after them a subject ("is Liisa", "did Giorgos").
_AUX_WORDS = """
    is was does did has have had can could will would should may might isn't wasn't
    doesn't didn't hasn't can't won't
"""
_AUX = frozenset(_AUX_WORDS.split())
# Verbs whose object is a person: "Tell Simonetta ...", "ask Victoire to ...".
_ADDRESSEE_VERBS = frozenset({"tell", "ask", "remind", "let", "thank", "notify", "inform", "page"})
# Word shapes of verbs and adverbs: an unlisted word like these is no name.
_VERB_SHAPE = re.compile(r"(?:ed|ing|ly)$")
# Endings of English nouns and adjectives, rare in names: an unlisted word like these in a
# capitalised pair makes it a title or a place ("Entertainment Weekly").
_WORD_SHAPE = re.compile(
    r"(?:ment|tion|sion|ness|ity|ing|ed|ly|ance|ence|ship|ful|less|able|ible|ical|ive|"
    r"ous|ism|ist|ary|ory|ure|logy|graphy|ware|tech|care|land|ville|town|field|port)$"
)
_MAX_RUN = 5  # first, middle, last, second last, suffix


class _Tok(NamedTuple):  # a tuple, not a dataclass: built for every word a rule reads
    start: int
    end: int
    key: str  # lower case, possessive and apostrophes dropped
    cap: bool  # capitalised in written text (a signal only there)
    comma: bool  # a comma stands before it


@functools.cache
def _first_only() -> frozenset[str]:
    """First names that can open a name with no cue (not everyday words)."""
    gaz = gazetteer()
    return gaz.first - gaz.common - gaz.stop


@functools.cache
def _first_name_pattern() -> re.Pattern[str]:
    """Any of ``_first_only()`` as a word: one C-level scan finds the few pair openers.

    Run over " " + the lower-case text: led by the character before the name rather
    than a look-behind, the scan skips to candidates in C (1.4x faster); a name ends in a
    letter, so the next one never starts where one ends and the matches are the same.
    """
    body = trie_regex(sorted(_first_only()))
    return re.compile(rf"[^A-Za-z'\u2019](?:{body})(?![A-Za-z'\u2019])")


def _key(word: str) -> str:
    if "'" not in word and "\u2019" not in word:
        return word.lower()
    low = word.lower().replace("\u2019", "'")
    return (low[:-2] if low.endswith("'s") else low).replace("'", "")


class _Scan:
    """One transcript being read: token access and the name rules."""

    def __init__(self, text: str, gaz: Gazetteer) -> None:
        self.text = text
        self.fold = fold_same_length(text)  # what the rules read: diacritics dropped
        self.low = lower_same_length(self.fold)  # what the lower-case scans run over
        self.gaz = gaz
        self.written = not text.islower()
        self.meds = medication_words()
        self._agent_tags: set[str] | None = None
        self._toks: dict[int, _Tok | None] = {}  # rules re-read the same words

    def tok_at(self, pos: int, *, stop_ok: bool = True) -> _Tok | None:
        """The word starting at ``pos`` (after blanks and one comma), if any; with
        ``stop_ok=False``, None for a stop word too (most cues end there: "for the")."""
        if pos in self._toks:
            tok = self._toks[pos]
        else:
            tok = self._toks[pos] = self._read(pos)
        if tok is None or stop_ok:
            return tok
        return None if tok.key in self.gaz.stop and tok.key not in cues.FILLERS else tok

    def _read(self, pos: int) -> _Tok | None:
        m = _NEXT.match(self.fold, pos)
        if m is None:
            return None
        word = m[2]
        cap = self.written and word[0].isupper()
        return _Tok(m.start(2), m.end(2), _key(word), cap, m[1] is not None)

    def listed(self, tok: _Tok) -> bool:
        """A Census name and not a stop word (hyphenated: every part is)."""
        key = tok.key
        if key in self.gaz.stop or len(key) < 2:
            return False
        if "-" in key:
            return all(self.gaz.is_name(p) for p in key.split("-") if p)
        return self.gaz.is_name(key)

    def plain_name(self, tok: _Tok) -> bool:
        return self.listed(tok) and tok.key not in self.gaz.common

    def opens(self, tok: _Tok, nxt: _Tok | None, kind: str) -> bool:
        """May ``tok`` open a name after a cue of this ``kind``?"""
        key = tok.key
        if key in self.gaz.stop or len(key) < 2 or key in cues.FILLERS:
            return False
        backed = nxt is not None and not nxt.comma and self.plain_name(nxt)
        if kind == "strong":
            return True
        if kind in ("relation", "relation's"):  # "my uncle corey day", "her daughter Liisa"
            if key in self.gaz.common or key in self.meds or cues.NUMBERISH.match(key):
                if kind == "relation" and key in self.gaz.first and self._ends_name(nxt):
                    return True  # "my son chase usually ...": a name, then the sentence
                return backed or (tok.cap and key in self.gaz.first)
            if tok.cap or key in _first_only():
                return True
            if self.listed(tok) and backed:
                return True
            # "my son's school": after a possessive, an unlisted word is a thing
            return kind == "relation" and self._unlisted_word(tok)
        if kind == "answer":  # the turn before asked for a name: an unlisted word is one
            return self.listed(tok) or tok.cap or backed or not cues.NUMBERISH.match(key)
        if kind == "title":
            return (key in self.gaz.last or key in self.gaz.first) and (
                key not in self.gaz.common or tok.cap or backed
            )
        if tok.cap:  # not "for" + any capitalised phrase ("for Entertainment Weekly")
            if key in _first_only():
                return True
            if kind == "for" and key in self.gaz.common:  # "for Christmas"
                return nxt is not None and nxt.cap and self.plain_name(nxt)
            if kind != "for" or not self.listed(tok) or nxt is None or not nxt.cap:
                return self.listed(tok)
            # Two capitalised words: one must be a first name ("Mark Adams", "Okafor
            # Ada"), not a title ("for Rolling Stone", "for Entertainment Weekly").
            return key in self.gaz.first or nxt.key in self.gaz.first
        if key in self.gaz.first and key not in self.gaz.common:
            return True
        return self.listed(tok) and backed

    def follows(self, tok: _Tok, nxt: _Tok | None, lead: _Tok, kind: str, depth: int = 1) -> bool:
        """May ``tok`` continue a name opened by ``lead`` (``depth`` words taken)?"""
        key = tok.key
        if key in self.gaz.stop and self._name_at_end(tok, lead, kind):
            return True  # "this is Nguyen Van An.": a capitalised last word
        if key in self.gaz.stop or key in self.meds or key in cues.ORG_SUFFIX:
            return False
        if key in cues.MONTH_NAMES and nxt is not None and cues.NUMBERISH.match(nxt.key):
            return False  # "... may fourth": a date, not a surname
        if lead.cap and not tok.cap:  # "Pieter van Salmen": a particle between capitals
            return key in cues.NAME_SUFFIX or (
                key in _PARTICLES and nxt is not None and nxt.cap and not nxt.comma
            )
        if self.listed(tok) or tok.cap or key in cues.NAME_SUFFIX:
            return True
        if len(key) == 1:  # a middle initial
            return nxt is not None and self.listed(nxt)
        if key in cues.FILLERS or len(key) < 3 or key in self.gaz.common:
            return False
        if _VERB_SHAPE.search(key):
            return False  # "my son james picked it up"
        # An unlisted surname ("priya raghunathan") after someone introduces themself.
        if kind in ("relation", "relation's"):  # "siobhan tremblay handles": a verb
            return depth < 2 or self._unlisted_word(tok)
        if kind in ("strong", "answer"):
            return True
        return kind == "intro" and self.plain_name(lead)

    def _ends_name(self, nxt: _Tok | None) -> bool:
        """Does the word after a name end it (none, a function word, a verb or adverb)?"""
        if nxt is None:
            return True
        key = nxt.key
        return key in self.gaz.stop or bool(_VERB_SHAPE.search(key)) or key in _SUBJECT_VERBS

    def _unlisted_word(self, tok: _Tok) -> bool:
        """Could this lower-case word in no list be a name ("tavita") rather than a verb
        or adverb ("picked", "usually", "drives")? Only after a cue that wants a name."""
        key = tok.key
        return (
            len(key) >= 3
            and not _VERB_SHAPE.search(key)
            and not key.endswith("s")
            and key not in self.gaz.common
            and not cues.NUMBERISH.match(key)
        )

    def _name_at_end(self, tok: _Tok, lead: _Tok, kind: str) -> bool:
        """A capitalised stop word closing a capitalised name ("Nguyen Van An.")."""
        if not (lead.cap and tok.cap and kind in ("strong", "answer", "intro", "relation")):
            return False
        after = self.text[tok.end : tok.end + 1]
        return after in ("", "\n", ".", "!", "?", ",")

    def run(self, pos: int, kind: str) -> list[_Tok]:
        """The name tokens starting at ``pos`` (empty if none), read one word at a time."""
        first = self.tok_at(pos, stop_ok=False)
        while first is not None and first.key in cues.FILLERS:
            first = self.tok_at(first.end, stop_ok=False)  # "this is uh ..."
        if first is None:
            return []
        tok = self.tok_at(first.end)
        if not self.opens(first, tok, kind):
            return []
        taken = [first]
        while tok is not None and len(taken) < _MAX_RUN:
            after = self.tok_at(tok.end)
            if tok.key in cues.FILLERS and after is not None and self.plain_name(after):
                tok = after  # "ada uh okafor": the filler is swallowed with the name
                continue
            if tok.comma and not (taken[-1].cap and tok.cap):
                break
            if not self.follows(tok, after, first, kind, len(taken)):
                break
            taken.append(tok)
            tok = after
        return taken

    def pair(self, pos: int) -> list[_Tok]:
        """A listed first name plus a listed surname with no cue ("ada okafor")."""
        first = self.tok_at(pos)
        last = self.tok_at(first.end) if first else None
        if first is None or last is None or last.comma or first.cap != last.cap:
            return []
        if not (first.key in _first_only() or (last.cap and first.key in self.gaz.first)):
            return []  # a capitalised pair may open with "Grace", a spoken one may not
        if not self.listed(last) or last.key in self.meds or first.key in self.gaz.stop:
            return []
        return self.run(pos, "pair")

    def title_pair(self, pos: int) -> list[_Tok]:
        """Written "Nanami Kato", "Orsolya Toth": two capitalised words, one of them a
        listed first name or surname, neither a common word, and no organisation after."""
        first = self.tok_at(pos)
        last = self.tok_at(first.end) if first else None
        if first is None or last is None or last.comma or not (first.cap and last.cap):
            return []
        words = (first, last)
        if any(
            t.key in self.gaz.stop
            or t.key in self.gaz.common
            or t.key in self.meds
            or t.key in cues.ORG_SUFFIX
            or len(t.key) < 2
            or self.text[t.start : t.end].isupper()
            for t in words
        ):
            return []
        if not (first.key in self.gaz.first or last.key in self.gaz.last):
            return []
        if first.key not in self.gaz.first and first.key in self.gaz.last:
            return []  # two surnames that are words: a title ("Rolling Stone")
        if any(_WORD_SHAPE.search(t.key) for t in words if not self.listed(t)):
            return []  # "Entertainment Weekly", "National Geographic"
        return [first, last]

    def reversed_pair(self, pos: int) -> list[_Tok]:
        """Written "Surname, First" ("Okafor, Ada", "GRAY, Andrea", "Munoz, Jose"): the
        surname may be in no list when the first name is a known one, or when it is
        written in capitals ("KLEIST, Soren")."""
        last = self.tok_at(pos)
        first = self.tok_at(last.end) if last else None
        if last is None or first is None or not (last.cap and first.cap and first.comma):
            return []
        lkey, fkey = last.key, first.key
        if lkey in self.gaz.stop or fkey in self.gaz.stop or len(lkey) < 2:
            return []
        if lkey in self.meds or fkey in self.meds or lkey in cues.ORG_SUFFIX:
            return []
        upper = self.text[last.start : last.end].isupper()
        if len(fkey) == 1:  # "Smith, J.": a listed surname and an initial
            ok = lkey in self.gaz.last and lkey not in self.gaz.common
            ok = ok and self.text[first.end : first.end + 1] == "."
        elif fkey in _first_only():
            ok = lkey not in self.gaz.common or lkey in self.gaz.last
        else:
            ok = upper and fkey not in self.gaz.common
            # both in no list: "UUSITALO, Eemil called ...": a verb must follow
            after = self.tok_at(first.end)
            ok = ok and (lkey in self.gaz.last or (after is not None and self._ends_name(after)))
            ok = ok and len(lkey) > 2 and len(fkey) > 2 and not cues.NUMBERISH.match(fkey)
        if not ok:
            return []
        taken = [last, first]
        nxt = self.tok_at(first.end)  # a middle name or initial ("GRAY, Andrea M.")
        if (
            nxt is not None
            and nxt.cap
            and not nxt.comma
            and nxt.key not in self.gaz.stop
            and (len(nxt.key) == 1 or nxt.key in self.gaz.first)
        ):
            taken.append(nxt)
        return taken

    def _asked_about(self, tok: _Tok, word: str, before: str) -> bool:
        """An unlisted capitalised word right after a question's opening auxiliary ("Why
        is Witold so upset?", "Did Oddny call?"), followed by a lower-case word."""
        if word.lower() not in _AUX or _WORD_SHAPE.search(tok.key) or len(tok.key) < 3:
            return False
        opening = before[: len(before) - len(word)].rstrip(" \t")
        last = opening.split()[-1].lower() if opening.split() else ""
        if not (opening == "" or opening[-1] in ":.!?" or last in _WH):
            return False
        nxt = self.tok_at(tok.end)
        return nxt is not None and not nxt.cap and not nxt.comma

    def narrative(self, tok: _Tok) -> bool:
        """A capitalised known first name in written running text: a subject before a
        verb, after an auxiliary ("Why is Liisa"), or any word inside a sentence; any
        capitalised word after "tell", "ask", "remind" ("Tell Simonetta the ...")."""
        if tok.key in self.meds or tok.key in self.gaz.stop or tok.key in self.gaz.common:
            return False
        before = self.fold[max(0, tok.start - 24) : tok.start].rstrip(" \t")
        prev = re.search(r"([\w']+)?([^\w\s']*)$", before)
        word, punct = (prev[1] or "", prev[2]) if prev else ("", "")
        if word.lower() in _ADDRESSEE_VERBS and not punct and len(tok.key) > 2:
            return not self.org_after(tok.end)
        if tok.key not in _first_only() and not self._asked_about(tok, word, before):
            return False
        if cues.AGENT_TAG.fullmatch(word):
            return False  # "Agent Luis.": the practice's side
        if word[:1].isupper() and not punct and word.lower() not in self.gaz.stop:
            return False  # inside a capitalised phrase ("Good Morning America")
        if word.lower() in _AUX or (word.lower() in self.gaz.stop and not punct):
            pass
        elif not word or punct or before.endswith(":"):  # the sentence starts here
            nxt = self.tok_at(tok.end)
            if nxt is None or nxt.cap or nxt.comma or nxt.key in ("speaking", "here"):
                return False  # "..., Jordan speaking.": the agent's own name
            if not (
                nxt.key in _SUBJECT_VERBS
                or _VERB_SHAPE.search(nxt.key)
                or (nxt.key.endswith("s") and nxt.key not in self.gaz.stop)
            ):
                return False
        return not self.org_after(tok.end)

    def speaker(self, pos: int) -> str:
        return cues.speaker_tag(self.text, pos)

    def is_agent(self, tag: str) -> bool:
        if self._agent_tags is None:
            self._agent_tags = {
                self.speaker(m.start()) for m in cues.AGENT_PHRASE.finditer(self.low)
            }
        return bool(tag) and (tag in self._agent_tags or bool(cues.AGENT_TAG.search(tag)))

    def org_after(self, end: int) -> bool:
        """Do the next few words make this an organisation ("pine ridge family medicine")?"""
        for _ in range(3):
            tok = self.tok_at(end)
            if tok is None:
                return False
            if tok.key in cues.ORG_SUFFIX:
                return True
            if tok.key in self.gaz.stop:  # "... he had surgery": the sentence goes on
                return False
            end = tok.end
        return False


_Found = tuple[list[_Tok], str]

# Verbs that follow a subject's name at the start of a written sentence.
_VERB_WORDS = """
    is was has had will would can could did does called said says wants needs asked
    reports reported stated states came went got left took missed needed wanted spoke told
    isn't wasn't hasn't didn't doesn't won't can't
"""
_SUBJECT_VERBS = frozenset(_VERB_WORDS.split())


def _in_tag(text: str, pos: int) -> bool:
    """Is ``pos`` inside a speaker tag ("Dr. Smith:", "SPEAKER_00:")?"""
    line = text.rfind("\n", 0, pos) + 1
    colon = text.find(":", line, line + 40)
    return colon >= pos and "\n" not in text[pos:colon]


def _cued(scan: _Scan, agent_names: set[str]) -> Iterator[_Found]:
    for m in cues.CUES.finditer(scan.low):
        if _in_tag(scan.text, m.start()):
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
                agent_names.update((t.key, _key(lower_same_length(scan.text[t.start : t.end]))))
            continue
        yield toks, f"name after a {kind} cue"


def _answers(scan: _Scan) -> Iterator[_Found]:
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


_PARTICLES = frozenset(
    {"van", "von", "de", "da", "del", "della", "di", "du", "der", "den", "ter", "ten", "dos",
     "das", "la", "le", "bin", "ibn", "al", "el", "y"}
)  # fmt: skip
_WH = frozenset({"why", "how", "when", "where", "what", "so", "and", "but"})
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
    "relation" ("my uncle": an unlisted word may be a name) or "relation's" ("my son's",
    "the kid", "friend": a listed or capitalised first name only)."""
    if re.search(r"name(?:[ \t]+is|'s)?[ \t,:]*$", cue):
        return "strong"
    if _POSSESSIVE.search(cue) or not _KIN.match(cue):
        return "relation's"
    return "relation"


_INLINE_TAG = re.compile(r"[ \t]*[A-Za-z][\w .-]{0,20}:(?!//)")


def _pairs(scan: _Scan, seen: set[int]) -> Iterator[_Found]:
    """Cue-free pairs; ``seen`` holds the starts of words already taken by a cue."""
    for m in _first_name_pattern().finditer(" " + scan.low):
        # m.start() is the character before the name in the padded text: the name's start
        if m.start() not in seen and (toks := scan.pair(m.start())):
            yield toks, "first name and surname"
    if scan.written:
        for m in _VOCATIVE.finditer(scan.fold):
            tok = scan.tok_at(m.start(m.lastindex or 1))
            if tok and tok.key in scan.gaz.first and scan.listed(tok):
                yield [tok], "first name said to someone"
        for m in _CAPITAL_PAIR.finditer(scan.fold):
            if m.start() in seen:
                continue
            if toks := scan.pair(m.start()) or scan.reversed_pair(m.start()):
                seen.update(t.start for t in toks)
                yield toks, "first name and surname"
            elif toks := scan.title_pair(m.start()):
                seen.update(t.start for t in toks)
                yield toks, "capitalised first name and surname"
        for m in _CAPITAL_WORD.finditer(scan.fold):
            if m.start() in seen or _in_tag(scan.text, m.start()):
                continue
            if (tok := scan.tok_at(m.start())) and scan.narrative(tok):
                toks, nxt = [tok], scan.tok_at(tok.end)
                if (  # and a surname ("Renee Ostergaard")
                    nxt
                    and nxt.cap
                    and not nxt.comma
                    and scan.follows(nxt, scan.tok_at(nxt.end), tok, "pair")
                ):
                    toks.append(nxt)
                yield toks, "first name in running text"


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


def _plausible_last_first(gaz: Gazetteer, last: str, first: str) -> bool:
    """A surname that is no everyday word, then a first name or an initial."""
    if last in gaz.stop or last in gaz.common or first in gaz.stop:
        return False
    return len(first) == 1 or (first in gaz.first and first not in gaz.common)


class NameRecognizer:
    """Person names (``Label.NAME``): cued, paired, spelled, or known from the record."""

    name = "names"

    def find(self, text: str, context: Context) -> list[Span]:
        scan = _Scan(text, gazetteer())
        agent_names: set[str] = set()
        found = [*_cued(scan, agent_names), *_answers(scan)]
        seen = {t.start for toks, _ in found for t in toks}
        found += _pairs(scan, seen)
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
                    said.update((t.key, _key(lower_same_length(text[t.start : t.end]))))
        said -= agent_names
        for start, end in spelled_runs(text, scan.gaz, frozenset(said | known)):
            if not (_alnum_at(text, start - 1) or _alnum_at(text, end)):  # not in "ñ a b"
                spans.setdefault((start, end), "name spelled out")
        for m in _SPOKEN_LAST_FIRST.finditer(scan.low):
            last, first = m.group(2), m.group(3)
            if _plausible_last_first(scan.gaz, _key(last), _key(first)):
                spans.setdefault((m.start(1), m.end(1)), "surname comma first name, spoken")
        for start, end in mentions(text, known):
            spans.setdefault((start, end), "name from the call record")
        for start, end in mentions(text, said - known):
            if not (scan.org_after(end) or any(s < end and start < e for s, e in blocked)):
                spans.setdefault((start, end), "name again")
        return list(_outermost(spans))

    @staticmethod
    def _keep(
        scan: _Scan, toks: list[_Tok], agent: set[str], blocked: list[tuple[int, int]]
    ) -> bool:
        """False for the practice's name, the agent's own name, or a medication."""
        start, end = toks[0].start, toks[-1].end
        if any(s < end and start < e for s, e in blocked) or scan.org_after(end):
            return False
        if len(toks) == 1 and toks[0].key in agent:
            return False
        return toks[0].key not in scan.meds
