"""Fast styled rows for streamed (write-only) openpyxl sheets — the one place that
touches openpyxl's private internals (ghi nhanh bảng tính lớn).

A 2,000-row catalogue spends most of its time in openpyxl's per-cell style lookups
(hashing each cell's copy of the style array) and in its append path, which tries
each ready-made Cell as a plain value first. The fast path here gives cells a shared,
prepared style whose id is known, and places ready-made cells directly.

It relies on three private details of openpyxl 3.1: ``Cell._style`` (a StyleArray
slot), ``Cell.style_id``/``has_style`` being consulted by the writer, and the
write-only sheet looking ``_values_to_row`` up on the instance. :func:`fast_path_works`
checks them; when one is missing (a later openpyxl), every function falls back to
plain public openpyxl — slower, the same file. ``tests/test_xlsx_fast.py`` fails loudly
on an upgrade that breaks the fast path, so the fallback is never silent in CI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet


@dataclass(frozen=True)
class PreparedStyle:
    """A style shared by many cells: its parts, and (fast path) the array and its id."""

    font: Font
    alignment: Alignment
    border: Border | None
    number_format: str | None
    array: Any = None
    style_id: int | None = None


def fast_path_works() -> bool:
    """Whether this openpyxl still has the internals the fast path uses."""
    return (
        "_style" in getattr(Cell, "__slots__", ())
        or any("_style" in getattr(base, "__slots__", ()) for base in Cell.__mro__)
    ) and hasattr(WriteOnlyWorksheet, "_values_to_row")


FAST = fast_path_works()


class _StyledCell(Cell):
    """A cell wearing a prepared style whose id is known (no per-cell lookup)."""

    __slots__ = ("_style_id",)

    def __init__(self, ws: Any, value: object, style: PreparedStyle) -> None:
        super().__init__(ws, row=1, column=1)  # placed by append
        # (Both are slots of Cell's bases; the stubs only show this class's own.)
        self._style, self._style_id = style.array, int(style.style_id or 0)  # type: ignore[misc]
        self.value = value  # type: ignore[misc]

    @property
    def style_id(self) -> int:
        return self._style_id

    @property
    def has_style(self) -> bool:
        return True


def _dress(cell: Cell, style: PreparedStyle) -> Cell:
    cell.font = style.font
    cell.alignment = style.alignment
    if style.border is not None:
        cell.border = style.border
    if style.number_format:
        cell.number_format = style.number_format
    return cell


def prepare(
    ws: Any,
    font: Font,
    alignment: Alignment,
    *,
    border: Border | None = None,
    number_format: str | None = None,
) -> PreparedStyle:
    """A style to share between cells of ``ws``'s workbook."""
    plain = PreparedStyle(font, alignment, border, number_format)
    if not FAST:
        return plain
    cell = _dress(Cell(ws), plain)
    return PreparedStyle(font, alignment, border, number_format, cell._style, cell.style_id)


def styled_cells(
    ws: Any,
    values: Sequence[object],
    styles: Sequence[PreparedStyle],
    *,
    plain_for: Callable[[object], bool] | None = None,
) -> list[Cell]:
    """Cells carrying their prepared style, for ``ws.append``.

    A date sets its own number format, and a value for which ``plain_for`` is true will
    have its own style changed (e.g. made text): both get a cell of their own style."""
    out: list[Cell] = []
    for value, style in zip(values, styles, strict=True):
        own = isinstance(value, date | time | timedelta) or (plain_for and plain_for(value))
        if FAST and not own:
            out.append(_StyledCell(ws, value, style))
        else:
            cell = _dress(Cell(ws, row=1, column=1), style)
            cell.value = value  # after the style: a date sets its own number format
            out.append(cell)
    return out


def _place_cells(values: Sequence[Cell | None], row_idx: int) -> Iterator[Cell]:
    """Every value appended is already a Cell: place it (openpyxl's own path first
    tries each Cell as a plain value and formats an exception per cell)."""
    for col_idx, cell in enumerate(values, start=1):
        if cell is not None:
            cell.column = col_idx
            cell.row = row_idx
            yield cell


def accept_ready_cells(ws: Any, guard: Callable[[Cell], Cell] | None = None) -> None:
    """Let ``ws`` (a streamed sheet) take rows of ready-made Cells quickly; ``guard``
    sees every cell as it is placed (reports.common.xlsx_safe.guard_cell).

    Only for sheets whose every appended row is a list of Cells or None."""
    if not FAST:
        return
    if guard is None:
        ws._values_to_row = _place_cells
    else:
        ws._values_to_row = lambda values, row_idx: (
            guard(cell) for cell in _place_cells(values, row_idx)
        )
