"""``callvault redact``: JSON lines in, redacted JSON lines out.

Input lines carry ``id`` and ``text``, optionally ``words`` and ``known``; any other
field is ignored. Output lines are ``{"id", "spans", "redacted_text"}`` plus
``redacted_time_ranges`` when words were given. The stream is processed line by line
(constant memory); with several workers, chunks of lines go to a process pool with a
bounded number in flight and come back in input order. ``ner="spacy"`` adds the optional
statistical layer (``ner``) to the rules in every worker; it is off by default.

Errors name the line number and what is wrong with its shape, never its content:
the content is PHI.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, Any

from callvault.fsutil import replaced_atomically
from callvault.redaction.engine import analyze
from callvault.redaction.ner import ner_recognizers
from callvault.redaction.operators import apply
from callvault.redaction.spans import Context, Known, Recognizer
from callvault.redaction.timing import time_ranges

CHUNK_LINES = 64
IN_FLIGHT_PER_WORKER = 2
# The optional layer's recognizers for this process (``use_ner``): a worker of the pool
# sets its own, so the model is loaded once per process, not per chunk.
_extra: list[Recognizer] = []


class BadLine(ValueError):
    """An input line that is not a valid record; the message holds no content."""

    def __init__(self, lineno: int, reason: str) -> None:
        super().__init__(f"line {lineno}: {reason}")
        self.lineno = lineno
        self.reason = reason

    def __reduce__(self) -> tuple[type[BadLine], tuple[int, str]]:
        return BadLine, (self.lineno, self.reason)  # raised in a worker, re-raised here


def use_ner(choice: str) -> None:
    """Run the optional NER layer ``choice`` ("none" or "spacy") on every record this
    process redacts from now on. Raises ``ner.NerUnavailable`` when it is missing."""
    _extra[:] = ner_recognizers(choice)


def redact_record(
    record: Any, lineno: int, extra: Sequence[Recognizer] | None = None
) -> dict[str, Any]:
    """The output object for one parsed input record; ``extra``: recognizers beside the
    rules (default: the ones ``use_ner`` chose)."""
    if not isinstance(record, dict):
        raise BadLine(lineno, "not a JSON object")
    if "id" not in record or not isinstance(record["id"], (str, int)):
        raise BadLine(lineno, "missing or invalid 'id'")
    text = record.get("text")
    if not isinstance(text, str):
        raise BadLine(lineno, "missing or invalid 'text' (a string)")
    context = Context(known=_known(record.get("known"), lineno))
    spans = analyze(text, context, extra=_extra if extra is None else extra)
    out: dict[str, Any] = {
        "id": record["id"],
        "spans": [{"start": s.start, "end": s.end, "label": s.label.value} for s in spans],
        "redacted_text": apply(text, spans),
    }
    words = record.get("words")
    if words is not None:
        _check_words(words, lineno)
        out["redacted_time_ranges"] = time_ranges(text, spans, words)
    return out


def _known(value: Any, lineno: int) -> Known:
    if value is None:
        return Known()
    if not isinstance(value, dict):
        raise BadLine(lineno, "'known' must be an object")
    lists = {}
    for field in ("names", "phones", "ids"):
        items = value.get(field, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise BadLine(lineno, f"'known.{field}' must be a list of strings")
        lists[field] = tuple(items)
    return Known(**lists)


def _check_words(words: Any, lineno: int) -> None:
    ok = isinstance(words, list) and all(
        isinstance(w, dict)
        and isinstance(w.get("w"), str)
        and isinstance(w.get("start_s"), (int, float))
        and isinstance(w.get("end_s"), (int, float))
        for w in words
    )
    if not ok:
        raise BadLine(lineno, "'words' must be a list of {w, start_s, end_s}")


def process_line(line: str, lineno: int) -> str | None:
    """One output line (without newline) for one input line; None for a blank line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except ValueError:
        raise BadLine(lineno, "not valid JSON") from None
    return json.dumps(redact_record(record, lineno), ensure_ascii=False)


def _process_chunk(chunk: list[tuple[int, str]]) -> list[str]:
    return [out for lineno, line in chunk if (out := process_line(line, lineno)) is not None]


def _chunks(lines: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    numbered = enumerate(lines, 1)
    while chunk := list(islice(numbered, CHUNK_LINES)):
        yield chunk


def run(source: IO[str], sink: IO[str], workers: int = 1, ner: str = "none") -> None:
    """Redact every line of ``source`` into ``sink``. Raises ``BadLine``, and
    ``ner.NerUnavailable`` before reading anything when ``ner`` asks for a missing layer."""
    use_ner(ner)
    if workers <= 1:
        for chunk in _chunks(source):
            sink.writelines(out + "\n" for out in _process_chunk(chunk))
        return
    ctx = multiprocessing.get_context("spawn")  # no inherited state, same on every OS
    with ctx.Pool(workers, initializer=use_ner, initargs=(ner,)) as pool:
        pending: deque[Any] = deque()
        for chunk in _chunks(source):
            pending.append(pool.apply_async(_process_chunk, (chunk,)))
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                sink.writelines(out + "\n" for out in pending.popleft().get())
        while pending:
            sink.writelines(out + "\n" for out in pending.popleft().get())


@contextmanager
def open_streams(in_path: str, out_path: str) -> Iterator[tuple[IO[str], IO[str]]]:
    """The input and output streams; ``-`` means stdin/stdout (left open). A named
    output appears only once the run succeeded (``fsutil.replaced_atomically``): a
    failed run leaves no half-redacted file for a reader to take as complete."""
    with ExitStack() as stack:
        source = sys.stdin if in_path == "-" else stack.enter_context(_open(in_path, "r"))
        if out_path == "-":
            yield source, sys.stdout
            sys.stdout.flush()
            return
        try:
            partial = stack.enter_context(replaced_atomically(Path(out_path)))
        except OSError as exc:  # the directory is missing or not writable
            raise OSError(f"cannot open {out_path}: {exc.strerror}") from None
        sink = stack.enter_context(_open(str(partial), "w"))
        yield source, sink
        sink.flush()


def _open(path: str, mode: str) -> IO[str]:
    try:
        return open(path, mode, encoding="utf-8")  # closed by the caller's ExitStack
    except OSError as exc:
        raise OSError(f"cannot open {path}: {exc.strerror}") from None
