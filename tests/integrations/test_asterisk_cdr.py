"""Parsing Master.csv lines (no database): columns, times, ids, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from callvault.integrations.asterisk_cdr import BadLine, CdrCall, read_cdr

BASE = [
    "", "2025550147", "2025550111", "from-trunk", '"Caller" <2025550147>', "PJSIP/a", "",
    "Dial", "", "2026-07-01 09:00:00", "", "2026-07-01 09:01:00", "60", "0", "ANSWERED",
    "DOCUMENTATION",
]  # fmt: skip


def line(fields: list[str]) -> str:
    return ",".join(f'"{f}"' for f in fields) + "\n"


def parse(*fields: list[str], zone: str = "UTC") -> list[CdrCall | BadLine]:
    return list(read_cdr([line(f) for f in fields], ZoneInfo(zone), lambda text: "h"))


def test_times_are_the_servers_local_time() -> None:
    (call,) = parse(BASE, zone="America/Chicago")
    assert isinstance(call, CdrCall)
    assert call.call.started_at.astimezone(UTC) == datetime(2026, 7, 1, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("extra", "external_id", "uniqueid"),
    [
        ([], "row:h", None),
        (["1764583200.5"], "1764583200.5", "1764583200.5"),
        (["1764583200.5", "userfield"], "1764583200.5", "1764583200.5"),
        (["", "userfield"], "row:h", None),
        (["1764583200.5", "", "peer", "1764583200.4", "3"], "1764583200.5", "1764583200.5"),
    ],
)
def test_the_id_is_uniqueid_when_logged(
    extra: list[str], external_id: str, uniqueid: str | None
) -> None:
    (call,) = parse(BASE + extra)
    assert isinstance(call, CdrCall)
    assert (call.external_id, call.uniqueid) == (external_id, uniqueid)


@pytest.mark.parametrize(
    ("index", "value", "reason"),
    [
        (1, "", "src is not a phone number"),
        (2, "s", "dst is not a phone number"),
        (9, "2026-07-01T09:00:00", "start is not"),
        (11, "yesterday", "end is not"),
        (11, "2026-07-01 08:00:00", "end is before start"),
        (14, "ANSWERED-ISH", "unknown disposition"),
    ],
)
def test_bad_columns_are_refused_with_a_reason(index: int, value: str, reason: str) -> None:
    fields = list(BASE)
    fields[index] = value
    (bad,) = parse(fields)
    assert isinstance(bad, BadLine)
    assert bad.line == 1 and reason in bad.reason


def test_column_counts_outside_16_to_21_are_refused() -> None:
    results = parse(BASE[:15], BASE + ["x"] * 6, BASE)
    assert [type(r) for r in results] == [BadLine, BadLine, CdrCall]
    assert [r.line for r in results] == [1, 2, 3]
