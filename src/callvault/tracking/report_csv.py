"""The attribution report as CSV, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a
formula to Excel and LibreOffice (CSV injection); such a cell gets a leading ``'``
so it is shown as text. Group labels (campaign names, sources) are typed by people,
so every text cell goes through ``escape_cell``.
"""

from __future__ import annotations

import csv
import io

from callvault.tracking.report_table import AttributionReport, AttributionRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIXED_COLUMNS = (
    "calls",
    "first_time_callers",
    "repeat_callers",
    "unidentified_callers",
    "answered",
    "total_duration_seconds",
    "mean_duration_seconds",
)


def escape_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def report_csv(report: AttributionReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = [report.group_by.value, *FIXED_COLUMNS]
    header += [f"disposition: {d}" for d in report.dispositions]
    writer.writerow([escape_cell(name) for name in header])
    for row in [*report.rows, report.total]:
        writer.writerow([escape_cell(cell) for cell in _cells(row, report.dispositions)])
    return buffer.getvalue()


def _cells(row: AttributionRow, dispositions: list[str]) -> list[object]:
    fixed = [getattr(row, column) for column in FIXED_COLUMNS]
    return [row.group, *fixed, *[row.dispositions[d] for d in dispositions]]
