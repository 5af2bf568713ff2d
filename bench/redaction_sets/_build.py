"""The record builder every generator shares: text is appended piece by piece and each
PHI piece's offsets are recorded as it is appended (spans by construction, never by
searching the finished text), plus spoken-number helpers for the ASR style."""

from __future__ import annotations

import random
import unicodedata
from typing import Any, TypeVar

T = TypeVar("T")

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = [
    "ten", "eleven", "twelve", "thirteen", "fourteen",
    "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINALS = [
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty first", "twenty second",
    "twenty third", "twenty fourth", "twenty fifth", "twenty sixth", "twenty seventh",
    "twenty eighth", "twenty ninth", "thirtieth", "thirty first",
]  # fmt: skip
MONTHS = [
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december",
]  # fmt: skip
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# What a speech recogniser writes for a digit it heard (issue 16: "seven for three").
HOMOPHONES = {"0": ["oh"], "1": ["won"], "2": ["to", "too"], "4": ["for", "fore"], "8": ["ate"]}


def nfc(s: str) -> str:
    """One code point per accented letter, so a token never breaks at a combining mark."""
    return unicodedata.normalize("NFC", " ".join(s.split()))


def two_digits(n: int) -> str:
    """0-99 as words: "seven", "fourteen", "ninety six"."""
    if n < 10:
        return ONES[n]
    if n < 20:
        return TEENS[n - 10]
    tens, ones = divmod(n, 10)
    return TENS[tens] if ones == 0 else f"{TENS[tens]} {ONES[ones]}"


def number_words(n: int) -> str:
    """0-9999 as a speaker says a count or an age: "ninety three", "four fifteen" style
    is not used here (see ``clock``)."""
    if n < 100:
        return two_digits(n)
    if n < 1000:
        h, rest = divmod(n, 100)
        return f"{ONES[h]} hundred" + (f" {two_digits(rest)}" if rest else "")
    return f"{two_digits(n // 100)} {two_digits(n % 100)}"


def year_words(y: int) -> str:
    if 2000 <= y < 2010:
        return "two thousand" + (f" {ONES[y - 2000]}" if y > 2000 else "")
    hi, lo = divmod(y, 100)
    return f"{two_digits(hi)} " + (f"oh {ONES[lo]}" if lo < 10 else two_digits(lo))


def clock(h: int, m: int) -> str:
    """A time of day as spoken: "four fifteen", "ten o'clock", "nine oh five"."""
    if m == 0:
        return f"{two_digits(h)} o'clock"
    return f"{two_digits(h)} " + (f"oh {ONES[m]}" if m < 10 else two_digits(m))


def digits_spoken(
    ds: str, rng: random.Random, *, homophones: float = 0.0, pairs: float = 0.0
) -> str:
    """A digit string read aloud: digit by digit, with some pairs read as two-digit
    numbers ("seventy ninety six" for 7096) and, in identifier contexts, some digits
    written as the recogniser's homophones ("to", "for", "oh")."""
    out: list[str] = []
    i = 0
    while i < len(ds):
        pair = ds[i : i + 2]
        if len(pair) == 2 and pair[0] != "0" and rng.random() < pairs:
            out.append(two_digits(int(pair)))
            i += 2
            continue
        d = ds[i]
        if d in HOMOPHONES and rng.random() < homophones:
            out.append(rng.choice(HOMOPHONES[d]))
        elif d == "0" and rng.random() < 0.3:
            out.append("oh")
        else:
            out.append(ONES[int(d)])
        i += 1
    return " ".join(out)


def rand_digits(rng: random.Random, n: int, first_nonzero: bool = True) -> str:
    first = str(rng.randint(1 if first_nonzero else 0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


class Builder:
    """One record under construction. ``line(tag)`` opens a turn; ``say`` appends plain
    text; ``phi`` appends a gold span (pieces sharing an ``eid`` are one entity);
    ``keep`` appends a must-keep negative."""

    def __init__(self, rid: str, style: str) -> None:
        self.rid = rid
        self.style = style
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[dict[str, Any]] = []
        self.negatives: list[dict[str, Any]] = []
        self._eid = 0
        self._line_open = False

    def _put(self, s: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(s)
        self.pos += len(s)
        return start, self.pos

    def new_eid(self) -> int:
        self._eid += 1
        return self._eid

    def line(self, tag: str) -> Builder:
        if self._line_open:
            self._put("\n")
        self._put(f"{tag}: ")
        self._line_open = True
        return self

    def say(self, s: str) -> Builder:
        assert "\n" not in s
        self._put(s)
        return self

    def phi(self, s: str, label: str, family: str, eid: int | None = None) -> int:
        assert s and s == s.strip() and "\n" not in s, repr(s)
        if eid is None:
            eid = self.new_eid()
        start, end = self._put(s)
        self.spans.append(
            {"start": start, "end": end, "label": label, "eid": eid, "family": family}
        )
        return eid

    def keep(self, s: str, kind: str) -> Builder:
        assert s and s == s.strip() and "\n" not in s, repr(s)
        start, end = self._put(s)
        self.negatives.append({"start": start, "end": end, "kind": kind})
        return self

    def record(self) -> dict[str, Any]:
        text = "".join(self.parts)
        return {
            "id": self.rid,
            "style": self.style,
            "text": text,
            "spans": self.spans,
            "negatives": self.negatives,
            "words": _words(text, self.rid),
        }


def _words(text: str, rid: str) -> list[dict[str, Any]]:
    """Whitespace tokens of the utterances (tags excluded) with plausible, seeded times."""
    rng = random.Random(rid)
    t = 0.3
    words: list[dict[str, Any]] = []
    for line in text.split("\n"):
        t += 0.4
        for w in line.split(": ", 1)[1].split():
            dur = round(0.12 + 0.05 * len(w) * rng.uniform(0.6, 1.2), 2)
            words.append({"w": w, "start_s": round(t, 2), "end_s": round(t + dur, 2)})
            t += dur + rng.uniform(0.03, 0.15)
    return words


def public(record: dict[str, Any]) -> dict[str, Any]:
    """The record in the shared dev set's format: the generator's ``family`` tag dropped."""
    out = dict(record)
    out["spans"] = [{k: v for k, v in s.items() if k != "family"} for s in record["spans"]]
    return out


def pick_distinct(rng: random.Random, table: list[tuple[T, int]], n: int) -> list[T]:
    """``n`` different entries of ``table`` (entry, weight), drawn by weight."""
    entries = [entry for entry, _ in table]
    weights = [weight for _, weight in table]
    chosen: list[T] = []
    while len(chosen) < n:
        entry = rng.choices(entries, weights)[0]
        if entry not in chosen:
            chosen.append(entry)
    return chosen
