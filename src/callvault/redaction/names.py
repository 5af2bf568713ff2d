"""Person names in call transcripts, spoken (``asr``) or written.

A Census name alone proves little (88,799 surnames include "may", "long" and "still"), so
a name is taken when something vouches for it:

1. a cue before it ("my name is", "mr", "this is ... ", "for my mother", "hi"), or the
   previous turn asking for a name (``names_cues``);
2. a listed first name followed by a listed surname ("ada okafor", "Okafor, Ada");
3. letters spelling a name ("that's o k a f o r") (``names_spelled``);
4. the call record (``context.known.names``), or a name already found in this call: every
   later mention of its parts is redacted too, said whole or spelled.

It is not taken when the agent introduces themself ("this is dana", said by the agent,
and every later lone "dana"), when it names the practice ("pine ridge dermatology",
``context.clinic_names``) or when it is a medication.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

from callvault.redaction import names_cues as cues
from callvault.redaction.medical import medication_words
from callvault.redaction.names_gazetteer import Gazetteer, gazetteer
from callvault.redaction.names_spelled import (
    lower_same_length,
    mentions,
    name_parts,
    spelled_runs,
)
from callvault.redaction.spans import Context, Label, Span
from callvault.redaction.trie import trie_regex

# The next word; a dot may come first only after an initial ("Harold J. Klein").
_NEXT = re.compile(
    r"(?:(?<![A-Za-z]{2})(?<=[A-Za-z])\.)?[ \t]*(,[ \t]*)?([A-Za-z]+(?:['\u2019-][A-Za-z]+)*)"
)
# Two capitalised words in a row, maybe "Surname, First": a written name with no cue.
_CAPITAL_PAIR = re.compile(r"(?<![A-Za-z'\u2019])[A-Z][a-z'\u2019-]+,?[ \t]+[A-Z][a-z]")
# ", Gloria!" closing a written line: someone addressed by first name.
_VOCATIVE = re.compile(r"(?m),[ \t]+([A-Z][a-z]+)[ \t]*[!.?]*[ \t]*$")
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
        self.low = lower_same_length(text)  # what the lower-case scans run over
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
        m = _NEXT.match(self.text, pos)
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
        if kind == "answer":  # the turn before asked for a name: an unlisted word is one
            return self.listed(tok) or tok.cap or backed or not cues.NUMBERISH.match(key)
        if kind == "title":
            return (key in self.gaz.last or key in self.gaz.first) and (
                key not in self.gaz.common or tok.cap or backed
            )
        if tok.cap:
            return self.listed(tok) or (nxt is not None and nxt.cap and self.listed(nxt))
        if key in self.gaz.first and key not in self.gaz.common:
            return True
        return self.listed(tok) and backed

    def follows(self, tok: _Tok, nxt: _Tok | None, lead: _Tok, kind: str) -> bool:
        """May ``tok`` continue a name opened by ``lead``?"""
        key = tok.key
        if key in self.gaz.stop or key in self.meds or key in cues.ORG_SUFFIX:
            return False
        if key in cues.MONTH_NAMES and nxt is not None and cues.NUMBERISH.match(nxt.key):
            return False  # "... may fourth": a date, not a surname
        if lead.cap and not tok.cap:
            return key in cues.NAME_SUFFIX
        if self.listed(tok) or tok.cap or key in cues.NAME_SUFFIX:
            return True
        if len(key) == 1:  # a middle initial
            return nxt is not None and self.listed(nxt)
        if key in cues.FILLERS or len(key) < 3 or key in self.gaz.common:
            return False
        # An unlisted surname ("priya raghunathan") after someone introduces themself.
        return kind in ("strong", "answer") or (kind == "intro" and self.plain_name(lead))

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
            if not self.follows(tok, after, first, kind):
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

    def reversed_pair(self, pos: int) -> list[_Tok]:
        """Written "Surname, First" ("Okafor, Ada")."""
        last = self.tok_at(pos)
        first = self.tok_at(last.end) if last else None
        if last is None or first is None or not (last.cap and first.cap and first.comma):
            return []
        if last.key in self.gaz.last and first.key in _first_only():
            return [last, first]
        return []

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
            end = tok.end
        return False


_Found = tuple[list[_Tok], str]


def _cued(scan: _Scan, agent_names: set[str]) -> Iterator[_Found]:
    for m in cues.CUES.finditer(scan.low):
        kind = m.lastgroup or "weak"
        toks = scan.run(m.end(), kind)
        if not toks:
            continue
        if cues.SELF_INTRO.match(m[0]) and scan.is_agent(scan.speaker(m.start())):
            agent_names.update(t.key for t in toks)  # the agent's own name: never PHI
            continue
        yield toks, f"name after a {kind} cue"


def _answers(scan: _Scan) -> Iterator[_Found]:
    """The opening words of the turn that answers "can I get your name"."""
    text = scan.text
    for m in cues.ASKS_NAME.finditer(scan.low):
        asker, pos = scan.speaker(m.start()), text.find("\n", m.end())
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


def _pairs(scan: _Scan, seen: set[int]) -> Iterator[_Found]:
    """Cue-free pairs; ``seen`` holds the starts of words already taken by a cue."""
    for m in _first_name_pattern().finditer(" " + scan.low):
        # m.start() is the character before the name in the padded text: the name's start
        if m.start() not in seen and (toks := scan.pair(m.start())):
            yield toks, "first name and surname"
    if scan.written:
        for m in _VOCATIVE.finditer(scan.text):
            tok = scan.tok_at(m.start(1))
            if tok and tok.key in scan.gaz.first and scan.listed(tok):
                yield [tok], "first name said to someone"
        for m in _CAPITAL_PAIR.finditer(scan.text):
            if m.start() in seen:
                continue
            if toks := scan.pair(m.start()) or scan.reversed_pair(m.start()):
                yield toks, "first name and surname"


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
        known = name_parts(context.known.names)
        spans: dict[tuple[int, int], str] = {}
        said: set[str] = set()
        for toks, why in found:
            if not self._keep(scan, toks, agent_names - known, blocked):
                continue
            spans.setdefault((toks[0].start, toks[-1].end), why)
            said.update(t.key for t in toks if t.key not in scan.gaz.common and len(t.key) > 2)
        said -= agent_names
        for start, end in spelled_runs(text, scan.gaz, frozenset(said | known)):
            spans.setdefault((start, end), "name spelled out")
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
