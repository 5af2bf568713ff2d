"""Asterisk's ``cdr_csv`` Master.csv, parsed into calls: one CDR per line, no header.

The columns, in order (Asterisk's ``cdr_csv``): accountcode, src, dst, dcontext,
clid, channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec,
disposition, amaflags, then ``uniqueid`` when ``loguniqueid=yes`` and ``userfield``
when ``loguserfield=yes`` (and, with ``newcdrcolumns=yes``, peeraccount, linkedid and
sequence after them). Times are the server's local time unless ``usegmtime=yes``.

A line that cannot be a call becomes a ``BadLine`` with its number and a reason
that never quotes the line: it holds phone numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo

from pydantic import ValidationError

from callvault.calls.schemas import CallCreate, Direction
from callvault.errors import InvalidInput
from callvault.phone import to_e164

BASE_COLUMNS = 16  # accountcode .. amaflags
MAX_COLUMNS = 21  # with uniqueid, userfield and the three newcdrcolumns
SRC, DST, START, END, DISPOSITION, UNIQUEID = 1, 2, 9, 11, 14, 16
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

LineHash = Callable[[str], str]

# Asterisk's dispositions, as CallVault's ``disposition`` values.
DISPOSITIONS = {
    "ANSWERED": "answered",
    "NO ANSWER": "no_answer",
    "BUSY": "busy",
    "FAILED": "failed",
    "CONGESTION": "congestion",
}


@dataclass(frozen=True)
class CdrCall:
    """One good line: the call to create, and the id that makes it importable once."""

    line: int
    external_id: str
    uniqueid: str | None
    call: CallCreate


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


class _Refused(Exception):
    """One column's reason to skip the line (never the column's value)."""


def read_cdr(
    lines: Iterable[str], timezone: tzinfo, hash_line: LineHash
) -> Iterator[CdrCall | BadLine]:
    """Each CDR line of a Master.csv as a call or a reason to skip it. ``hash_line``
    makes a line's id when ``uniqueid`` is not logged: a keyed hash (the tenant's
    blind index), so the stored id cannot be brute-forced back to its phone numbers."""
    reader = csv.reader(_numbered(lines))
    for fields in reader:
        number = reader.line_num
        try:
            yield _cdr_call(number, fields, timezone, hash_line)
        except _Refused as refused:
            yield BadLine(number, str(refused))


def _numbered(lines: Iterable[str]) -> Iterator[str]:
    # A NUL byte would stop the csv module with an error for the whole file.
    for line in lines:
        yield line.replace("\0", "")


def _cdr_call(number: int, fields: list[str], timezone: tzinfo, hash_line: LineHash) -> CdrCall:
    if not BASE_COLUMNS <= len(fields) <= MAX_COLUMNS:
        raise _Refused(f"expected {BASE_COLUMNS} to {MAX_COLUMNS} columns, got {len(fields)}")
    started = _time(fields[START], "start", timezone)
    ended = _time(fields[END], "end", timezone)
    if ended < started:
        raise _Refused("end is before start")
    disposition = DISPOSITIONS.get(fields[DISPOSITION].strip().upper())
    if disposition is None:
        raise _Refused("unknown disposition")
    called = _number(fields[DST], "dst")
    try:
        call = CallCreate(
            caller_number=_number(fields[SRC], "src"),
            called_number=called,
            tracking_number=called,
            started_at=started,
            ended_at=ended,
            direction=Direction.INBOUND,  # a CDR does not say; tracked calls come in
            disposition=disposition,
        )
    except ValidationError:  # every field is checked above; this is the model's word
        raise _Refused("not a valid call") from None
    uniqueid = fields[UNIQUEID].strip() if len(fields) > UNIQUEID else ""
    external_id = uniqueid or "row:" + hash_line("\x1f".join(fields))
    if len(external_id) > 100:
        raise _Refused("uniqueid is over 100 characters")
    return CdrCall(number, external_id, uniqueid or None, call)


def _time(text: str, column: str, timezone: tzinfo) -> datetime:
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).replace(tzinfo=timezone)
    except ValueError:
        raise _Refused(f"{column} is not a YYYY-MM-DD HH:MM:SS time") from None


def _number(text: str, column: str) -> str:
    try:
        return to_e164(text.strip(), column)
    except InvalidInput:
        raise _Refused(f"{column} is not a phone number") from None
