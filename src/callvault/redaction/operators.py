"""The transform step: turn detected spans into redacted text.

Three operators, each a small pure function of the span's text and label:
``redact`` ("[PHONE]"), ``mask`` (every letter and digit becomes "*", so the shape
stays readable) and ``tokenize`` ("[NAME-7f3a]": an HMAC of the normalised value under
the tenant's key, so a reader can follow "the same person" through a transcript
without seeing who it is, and the same value gets the same token across calls of one
tenant but not across tenants). The key is passed in as bytes: no I/O here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence

from callvault.redaction.normalize import number_runs
from callvault.redaction.spans import Label, Span

Operator = Callable[[str, Label], str]
_TOKEN_HEX = 4
_MIN_KEY = 16


def redact(original: str, label: Label) -> str:
    return f"[{label.value}]"


def mask(original: str, label: Label, char: str = "*") -> str:
    return "".join(char if c.isalnum() else c for c in original)


def canonical(original: str) -> str:
    """The value behind the words: "five five five" and "555" are the same number."""
    runs = number_runs(original)
    if runs and runs[0].start == 0 and runs[-1].end == len(original):
        return "".join(r.value for r in runs)
    return "".join(c for c in original.lower() if c.isalnum())


def tokenizer(tenant_key: bytes) -> Operator:
    """An operator that replaces each value with a stable per-tenant token."""
    if len(tenant_key) < _MIN_KEY:
        raise ValueError("the tenant key must be at least 16 bytes")

    def tokenize(original: str, label: Label) -> str:
        message = f"{label.value}\x00{canonical(original)}".encode()
        digest = hmac.new(tenant_key, message, hashlib.sha256).hexdigest()
        return f"[{label.value}-{digest[:_TOKEN_HEX]}]"

    return tokenize


def apply(text: str, spans: Sequence[Span], operator: Operator = redact) -> str:
    """``text`` with every span replaced by what ``operator`` makes of it.

    ``spans`` must be sorted and non-overlapping, as ``engine.analyze`` returns them."""
    out: list[str] = []
    pos = 0
    for span in spans:
        out.append(text[pos : span.start])
        out.append(operator(text[span.start : span.end], span.label))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
