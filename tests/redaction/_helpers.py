"""Shared helpers for the redaction tests (synthetic text only)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from callvault.redaction.spans import Context, Recognizer


def covered(recognizer: Recognizer, text: str, context: Context | None = None) -> list[str]:
    """The texts a recognizer marks, in order."""
    spans = sorted(recognizer.find(text, context or Context()), key=lambda s: s.start)
    return [text[s.start : s.end] for s in spans]


def hides(recognizer: Recognizer, text: str, secret: str, context: Context | None = None) -> bool:
    """Whether every alphanumeric character of ``secret`` (found in ``text``) is covered."""
    start = text.index(secret)
    mask = bytearray(len(text))
    for s in recognizer.find(text, context or Context()):
        mask[s.start : s.end] = b"\x01" * (s.end - s.start)
    return all(mask[i] for i in range(start, start + len(secret)) if text[i].isalnum())


def first_words(pattern: str) -> set[str]:
    """Every lower-case letter run a match of ``pattern`` can open with ("i" for "i'm").

    Reads the pattern's parse tree (``re._parser``, fine in a test). Look-arounds are
    skipped and classes like ``\\w`` stand for every letter, so the set is a superset of
    what can really open a match; "" stands for an opening non-letter (a digit) and a
    trailing "*" for any further letters.
    """
    from re import _constants as c
    from re import _parser

    letters = set("abcdefghijklmnopqrstuvwxyz")
    State = set[tuple[str, bool]]  # (letters so far, word ended)

    anything = [*sorted(letters), "\0"]  # "\0": some character that is not a letter

    def chars(items: Any) -> list[str]:
        out = []
        for op, av in items:
            if op is c.LITERAL:
                out.append(chr(av))
            elif op is c.RANGE:
                out.extend(chr(i) for i in range(av[0], av[1] + 1))
            elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
                out.append("\0")
            else:  # another category (\w) or a negated class: assume it all
                assert op in (c.CATEGORY, c.NEGATE), op
                return anything
        return out

    def step(states: State, chs: list[str]) -> State:
        out: State = set()
        for word, done in states:
            if chs is anything and not done:  # any letters may follow: "word*"
                out.update(((word, True), (word + "*", True)))
                continue
            for ch in chs:
                out.add((word, True) if done or ch not in letters else (word + ch, False))
        return out

    def seq(data: Any, states: State) -> State:
        for op, av in data:
            if op is c.LITERAL:
                states = step(states, [chr(av)])
            elif op is c.IN:
                states = step(states, chars(av))
            elif op in (c.NOT_LITERAL, c.ANY):
                states = step(states, anything)
            elif op is c.SUBPATTERN:
                states = seq(av[3].data, states)
            elif op is c.BRANCH:
                states = set().union(*(seq(b.data, states) for b in av[1]))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                low, high, body = av
                result: State = set(states) if low == 0 else set()
                current = states
                for n in range(1, min(high, 8) + 1):
                    current = seq(body.data, current)
                    if n >= low:
                        result |= current
                states = result
            else:  # zero-width: look-arounds, anchors
                assert op in (c.ASSERT, c.ASSERT_NOT, c.AT), op
        return states

    return {word for word, _ in seq(_parser.parse(pattern).data, {("", False)})}


def word_span(text: str, word: str) -> tuple[int, int]:
    """Where ``word`` stands in ``text`` as a whole word."""
    m = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    assert m, word
    return m.span()


def token_scores(
    recognizer: Recognizer, rows: Iterable[tuple[str, list[str]]]
) -> tuple[float, float]:
    """Token recall and precision of ``recognizer`` over (text, secrets) rows, as the
    shared scorer counts them (tokens are runs of letters and digits)."""
    gold = hit = touched = good = 0
    for text, hidden in rows:
        mask = bytearray(len(text))
        for span in recognizer.find(text, Context()):
            mask[span.start : span.end] = b"\x01" * (span.end - span.start)
        phi = bytearray(len(text))
        for secret in hidden:
            start, end = word_span(text, secret)
            phi[start:end] = b"\x01" * (end - start)
        for m in re.finditer(r"[^\W_]+", text):
            s, e = m.span()
            if any(phi[s:e]):
                gold += 1
                hit += all(mask[s:e])
            if any(mask[s:e]):
                touched += 1
                good += any(phi[s:e])
    return hit / max(gold, 1), good / max(touched, 1)
