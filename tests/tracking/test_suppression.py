"""Small-cell suppression: primary (1..10), complementary (no subtraction recovers a
hidden cell), and the report table built on it. Pure: no database."""

from __future__ import annotations

from collections import Counter
from itertools import product

import pytest

from callvault.tracking.report import GroupBy, GroupCounts
from callvault.tracking.report_table import AttributionReport, build_report
from callvault.tracking.suppression import SMALL_CELL_LABEL, primary, suppress

LABELS = ("<11", "suppressed")


@pytest.mark.parametrize(("value", "hidden"), [(0, False), (1, True), (10, True), (11, False)])
def test_primary_hides_counts_from_one_to_ten(value: int, hidden: bool) -> None:
    assert ("cell" in primary({"cell": value})) is hidden


def test_one_hidden_cell_of_a_sum_takes_the_next_smallest_with_it() -> None:
    # total = a + b + c: hiding a alone, total - b - c gives it back.
    values = {"total": 70, "a": 4, "b": 40, "c": 26}
    hidden = suppress(values, counts=values, equations=[["total", "a", "b", "c"]])
    assert hidden == {"a", "c"}


def test_the_total_goes_when_nothing_else_can() -> None:
    values = {"total": 5, "a": 5, "b": 0}
    assert suppress(values, counts=values, equations=[["total", "a", "b"]]) == {"a", "total"}


def test_a_complement_spreads_to_the_equations_it_is_in() -> None:
    # Rows r1, r2 and their total T; columns x, y and their sum s. r1.x is small.
    values = {
        ("r1", "x"): 3, ("r1", "y"): 30, ("r1", "s"): 33,
        ("r2", "x"): 20, ("r2", "y"): 25, ("r2", "s"): 45,
        ("T", "x"): 23, ("T", "y"): 55, ("T", "s"): 78,
    }  # fmt: skip
    rows, cols = ("r1", "r2", "T"), ("x", "y", "s")
    equations = [[(r, "s"), (r, "x"), (r, "y")] for r in rows]
    equations += [[("T", c), ("r1", c), ("r2", c)] for c in cols]
    hidden = suppress(values, counts=values, equations=equations)
    assert _no_equation_with_one_hidden(hidden, equations)


def _no_equation_with_one_hidden(hidden: set[object], equations: list[list[object]]) -> bool:
    return all(sum(cell in hidden for cell in eq) != 1 for eq in equations)


def _report(groups: dict[str, GroupCounts]) -> AttributionReport:
    return build_report(GroupBy.CAMPAIGN, None, None, groups)


def _group(calls: int, first: int, answered: int, **dispositions: int) -> GroupCounts:
    return GroupCounts(
        calls=calls,
        first_time_callers=first,
        repeat_callers=calls - first,
        answered=answered,
        total_duration_seconds=calls * 60,
        dispositions=Counter(dispositions),
    )


def test_one_small_group_is_not_recoverable_from_the_total() -> None:
    """The subtraction case: 5 calls of one campaign would be total - the others."""
    report = _report(
        {
            "big": _group(200, 150, 200, booked=200),
            "mid": _group(40, 30, 40, booked=40),
            "tiny": _group(5, 5, 5, booked=5),
        }
    )
    rows = {row.group: row for row in report.rows}
    assert rows["tiny"].calls == SMALL_CELL_LABEL
    assert rows["mid"].calls in LABELS  # the next smallest goes with it
    assert report.total.calls == 245  # the total itself may stay
    assert rows["tiny"].mean_duration_seconds in LABELS
    assert rows["tiny"].total_duration_seconds in LABELS
    assert rows["mid"].total_duration_seconds in LABELS  # durations sum to the total too
    # Nothing numeric that is left adds up to a hidden cell.
    shown_calls = [r.calls for r in report.rows if isinstance(r.calls, int)]
    assert shown_calls == [200]


def test_first_time_cannot_be_had_as_calls_minus_repeat() -> None:
    report = _report({"only": _group(50, 3, 50, booked=50)})
    row = report.rows[0]
    assert row.first_time_callers == SMALL_CELL_LABEL
    assert row.repeat_callers in LABELS  # 47 would give 50 - 47 = 3
    assert report.total.first_time_callers == SMALL_CELL_LABEL


def test_a_small_disposition_is_not_calls_minus_the_others() -> None:
    report = _report({"g": _group(40, 20, 38, booked=30, missed=2, rescheduled=8)})
    row = report.rows[0]
    assert row.dispositions["missed"] == SMALL_CELL_LABEL
    assert row.dispositions["rescheduled"] == SMALL_CELL_LABEL
    # answered = 38 = calls - missed: with only missed unanswered, answered must go too.
    assert row.answered in LABELS or row.calls in LABELS


def test_zero_is_shown_and_large_counts_stay() -> None:
    report = _report({"a": _group(30, 30, 30, booked=30), "b": _group(40, 20, 40, booked=40)})
    assert [r.calls for r in report.rows] == [30, 40]
    assert report.rows[0].repeat_callers == 0
    assert report.rows[0].mean_duration_seconds == 60.0


@pytest.mark.parametrize("sizes", list(product([0, 3, 12, 40], repeat=3)))
def test_no_equation_ever_holds_exactly_one_hidden_cell(sizes: tuple[int, ...]) -> None:
    """Every small table of three groups: no row or column sum gives back a hidden
    count (checked on the shown report, by the same equations a reader would use)."""
    groups = {f"g{i}": _group(n + 11, n, n + 11, booked=11, missed=n) for i, n in enumerate(sizes)}
    report = _report(groups)
    table = [*report.rows, report.total]
    columns = ["calls", "first_time_callers", "repeat_callers", "answered"]
    for column in columns:  # the column sums
        cells = [getattr(row, column) for row in table]
        assert sum(isinstance(c, str) for c in cells) != 1, (sizes, column, cells)
    for row in table:  # the row sums
        parts = [row.calls, row.first_time_callers, row.repeat_callers, row.unidentified_callers]
        assert sum(isinstance(c, str) for c in parts) != 1, (sizes, parts)
        disps = [row.calls, *row.dispositions.values()]
        assert sum(isinstance(c, str) for c in disps) != 1, (sizes, disps)
