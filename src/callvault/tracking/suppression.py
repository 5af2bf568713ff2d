"""Small-cell suppression (the CMS cell-size rule) for a table of counts. Pure.

Primary suppression hides every count from 1 to 10 (zero may be shown). Complementary
suppression then makes sure no hidden cell can be recomputed: the table is described
by its *equations* (sets of cells whose signed sum is zero, such as a column's total
and its rows, or a row's calls and its first-time plus repeat callers), and while an
equation holds exactly one hidden cell, the smallest nonzero visible cell of it is
hidden too (its total when nothing smaller is left). A cell of another kind can be
tied to a count (``linked``): a group's mean duration is hidden with its calls.

This closes every single-equation subtraction; it is not a full linear-programming
audit of combinations of equations (the report's equations are few and each hidden
cell ends up in at least two hidden cells of every equation that holds it).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

Cell = TypeVar("Cell", bound=Hashable)
Number = TypeVar("Number", int, float)
SMALL_CELL_MAX = 10
SMALL_CELL_LABEL = "<11"
SUPPRESSED_LABEL = "suppressed"


def primary(counts: Mapping[Cell, int]) -> set[Cell]:
    """The counts that may not be shown at all: 1 to 10."""
    return {cell for cell, value in counts.items() if 1 <= value <= SMALL_CELL_MAX}


def suppress(
    values: Mapping[Cell, float],
    counts: Iterable[Cell],
    equations: Sequence[Sequence[Cell]],
    linked: Mapping[Cell, Sequence[Cell]] | None = None,
) -> set[Cell]:
    """Every cell to hide: the small ``counts`` and their complements, until no
    equation has exactly one hidden cell. ``linked[cell]``: cells hidden with it."""
    hidden = primary({cell: int(values[cell]) for cell in counts})
    changed = True
    while changed:
        changed = _hide_linked(hidden, linked or {})
        for equation in equations:
            if sum(cell in hidden for cell in equation) == 1:
                hidden.add(_complement(values, equation, hidden))
                changed = True
    return hidden


def _hide_linked(hidden: set[Cell], linked: Mapping[Cell, Sequence[Cell]]) -> bool:
    before = len(hidden)
    for cell in list(hidden):
        hidden.update(linked.get(cell, ()))
    return len(hidden) != before


def _complement(values: Mapping[Cell, float], equation: Sequence[Cell], hidden: set[Cell]) -> Cell:
    """The visible cell of ``equation`` whose hiding costs least: the smallest nonzero
    one (a hidden zero would protect nothing: it is known to be 0 or the total says
    so), ties broken by position for a stable table; a zero only if nothing else is."""
    visible = [(i, cell) for i, cell in enumerate(equation) if cell not in hidden]
    nonzero = [(values[cell], i, cell) for i, cell in visible if values[cell] != 0]
    if nonzero:
        return min(nonzero, key=lambda item: (item[0], item[1]))[2]
    return visible[0][1]


def shown(value: Number, is_hidden: bool) -> Number | str:
    """How a cell is shown: its value, ``"<11"`` for a hidden count of 1 to 10, or
    ``"suppressed"`` for a hidden complement (a larger count, a duration or a mean)."""
    if not is_hidden:
        return value
    if isinstance(value, int) and 1 <= value <= SMALL_CELL_MAX:
        return SMALL_CELL_LABEL
    return SUPPRESSED_LABEL
