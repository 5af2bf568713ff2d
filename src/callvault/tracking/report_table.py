"""The attribution report as shown: raw group figures laid out as a table, its
equations listed, and every cell that suppression hides replaced by its label.

Cells are keyed ``(row, column)``; the total row is ``TOTAL``. Equations (what a
reader could subtract):
  per row     calls = first-time + repeat + unidentified
              calls = sum of its dispositions
              answered = sum of its answered dispositions
              calls - answered = sum of its unanswered dispositions
  per column  total = sum of the groups (every count, and the total duration)
A group whose calls are hidden has its total and mean duration hidden too; a hidden
total duration hides the mean (mean times calls would give it back).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel

from callvault.tracking.report import (
    COUNT_COLUMNS,
    NO_VALUE,
    GroupBy,
    GroupCounts,
    is_answered,
)
from callvault.tracking.suppression import shown, suppress

TOTAL = "\x00total"  # a row key no group label can be (labels are printable)
DURATION = "total_duration_seconds"
MEAN = "mean_duration_seconds"


class AttributionRow(BaseModel):
    group: str
    calls: int | str
    first_time_callers: int | str
    repeat_callers: int | str
    unidentified_callers: int | str
    answered: int | str
    total_duration_seconds: int | str
    mean_duration_seconds: float | str | None  # None: no calls
    dispositions: dict[str, int | str]


class AttributionReport(BaseModel):
    group_by: GroupBy
    since: datetime | None
    until: datetime | None
    dispositions: list[str]
    rows: list[AttributionRow]
    total: AttributionRow


def build_report(
    group_by: GroupBy,
    since: datetime | None,
    until: datetime | None,
    groups: dict[str, GroupCounts],
) -> AttributionReport:
    labels = sorted(groups, key=lambda label: (label == NO_VALUE, label))
    total = GroupCounts()
    for counts in groups.values():
        total.add(counts)
    table = {**{label: groups[label] for label in labels}, TOTAL: total}
    dispositions = sorted(total.dispositions)
    values = _cells(table, dispositions)
    hidden = suppress(
        values,
        counts=[cell for cell in values if cell[1] not in (DURATION, MEAN)],
        equations=_equations(list(table), dispositions),
        linked=_links(list(table)),
    )
    rows = [_row(label, values, hidden, dispositions) for label in table]
    return AttributionReport(
        group_by=group_by,
        since=since,
        until=until,
        dispositions=dispositions,
        rows=rows[:-1],
        total=rows[-1],
    )


def _cells(table: dict[str, GroupCounts], dispositions: list[str]) -> dict[tuple[str, str], float]:
    values: dict[tuple[str, str], float] = {}
    for row, counts in table.items():
        for column in (*COUNT_COLUMNS, DURATION):
            values[row, column] = getattr(counts, column)
        for disposition in dispositions:
            values[row, _disp(disposition)] = counts.dispositions[disposition]
        calls = counts.calls
        values[row, MEAN] = round(counts.total_duration_seconds / calls, 1) if calls else 0
    return values


def _equations(rows: Sequence[str], dispositions: list[str]) -> list[list[tuple[str, str]]]:
    answered = [_disp(d) for d in dispositions if is_answered(None if d == NO_VALUE else d)]
    unanswered = [_disp(d) for d in dispositions if _disp(d) not in answered]
    per_row = [
        ["calls", "first_time_callers", "repeat_callers", "unidentified_callers"],
        ["calls", *[_disp(d) for d in dispositions]],
        ["answered", *answered],
        ["calls", "answered", *unanswered],
    ]
    equations = [[(row, column) for column in columns] for row in rows for columns in per_row]
    groups = [row for row in rows if row != TOTAL]
    for column in (*COUNT_COLUMNS, DURATION, *[_disp(d) for d in dispositions]):
        equations.append([(TOTAL, column), *[(row, column) for row in groups]])
    return equations


def _links(rows: Sequence[str]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    links: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in rows:
        links[row, "calls"] = [(row, DURATION), (row, MEAN)]
        links[row, DURATION] = [(row, MEAN)]
    return links


def _row(
    label: str,
    values: dict[tuple[str, str], float],
    hidden: set[tuple[str, str]],
    dispositions: list[str],
) -> AttributionRow:
    def cell(column: str) -> int | str:
        return shown(int(values[label, column]), (label, column) in hidden)

    mean = shown(values[label, MEAN], (label, MEAN) in hidden) if values[label, "calls"] else None
    return AttributionRow(
        group="Total" if label == TOTAL else label,
        **{column: cell(column) for column in (*COUNT_COLUMNS, DURATION)},
        mean_duration_seconds=mean,
        dispositions={d: cell(_disp(d)) for d in dispositions},
    )


def _disp(disposition: str) -> str:
    return f"disposition:{disposition}"
