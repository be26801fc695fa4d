"""Fast styled rows for streamed (write-only) openpyxl sheets — the one place that
touches openpyxl's private internals (ghi nhanh bảng tính lớn).

A 2,000-row catalogue spends most of its time in openpyxl's per-cell style lookups
(hashing each cell's copy of the style array) and in its append path, which tries
each ready-made Cell as a plain value first. The fast path here gives cells a shared,
prepared style whose id is known, and places ready-made cells directly.

Rows of values with prepared styles (:func:`styled_row`) go further: they are written
through one reused cell per sheet, as openpyxl's own streamed path reuses one cell for
unstyled values, so a 2,000-row catalogue makes no Cell object per value.

It relies on these private details of openpyxl 3.1: ``Cell._style`` (a StyleArray
slot), ``Cell.style_id``/``has_style`` being consulted by the writer, the write-only
sheet looking ``_values_to_row`` up on the instance and writing each cell it yields
before asking for the next. :func:`fast_path_works` checks the first three; when one
is missing (a later openpyxl), every function falls back to plain public openpyxl —
slower, the same file. ``tests/test_xlsx_fast.py`` fails loudly on an upgrade that
breaks the fast path, so the fallback is never silent in CI, and compares the two.
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
    """A cell wearing a prepared style whose id is known (no per-cell lookup).

    ``style_id`` and ``has_style`` are read by the writer for every cell: a slot and a
    constant here, where openpyxl's are properties that look the style up."""

    __slots__ = ("style_id",)
    has_style = True

    def __init__(self, ws: Any, value: object, style: PreparedStyle) -> None:
        super().__init__(ws, row=1, column=1)  # placed by append
        # (_style is a slot of Cell's bases; the stubs only show this class's own.)
        self._style = style.array  # type: ignore[misc]
        self.style_id = int(style.style_id or 0)
        self.value = value  # type: ignore[misc]


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

    A date sets its own number format, and a text for which ``plain_for`` is true will
    have its own style changed (e.g. made text): both get a cell of their own style."""
    out: list[Cell] = []
    for value, style in zip(values, styles, strict=True):
        own = isinstance(value, date | time | timedelta) or (
            plain_for is not None and isinstance(value, str) and plain_for(value)
        )
        if FAST and not own:
            out.append(_StyledCell(ws, value, style))
        else:
            cell = _dress(Cell(ws, row=1, column=1), style)
            cell.value = value  # after the style: a date sets its own number format
            out.append(cell)
    return out


class StyledRow(list[Any]):
    """Values to append with their prepared styles (:func:`styled_row`); a value that
    needs a style of its own is already a Cell here."""

    __slots__ = ("styles",)

    styles: Sequence[PreparedStyle]


# Values that never need a cell of their own (a date sets its own number format).
_NEVER_OWN = frozenset({int, float, bool, type(None)})


def _own_cell(ws: Any, value: object, style: PreparedStyle) -> Cell:
    cell = _dress(Cell(ws, row=1, column=1), style)
    cell.value = value  # after the style: a date sets its own number format
    return cell


def styled_row(
    ws: Any,
    values: Sequence[object],
    styles: Sequence[PreparedStyle],
    *,
    plain_for: Callable[[object], bool] | None = None,
    guard: Callable[[Cell], Cell] | None = None,
) -> list[Any]:
    """A row for ``ws.append`` on a sheet that accepts ready cells: as
    :func:`styled_cells` writes it, but the values sharing a prepared style go through
    one reused cell as the row is written (a Cell object per value cost as much as
    writing it). A date, or a text for which ``plain_for`` is true (it is asked about
    texts only), gets a cell of its own, passed through ``guard``."""
    if not FAST:
        cells = styled_cells(ws, values, styles, plain_for=plain_for)
        return [guard(c) for c in cells] if guard else cells
    row = StyledRow(values)
    row.styles = styles
    if len(row) != len(styles):
        raise ValueError("one style per value")
    for i, value in enumerate(values):
        kind = value.__class__
        if kind is str:  # most values: only ``plain_for`` can give one its own cell
            if plain_for is None or not plain_for(value):
                continue
        elif kind in _NEVER_OWN or not (
            isinstance(value, date | time | timedelta)
            or (plain_for is not None and isinstance(value, str) and plain_for(value))
        ):
            continue
        cell = _own_cell(ws, value, styles[i])
        row[i] = guard(cell) if guard else cell
    return row


def _place_cells(values: Sequence[Cell | None], row_idx: int) -> Iterator[Cell]:
    """Every value appended is already a Cell: place it (openpyxl's own path first
    tries each Cell as a plain value and formats an exception per cell)."""
    for col_idx, cell in enumerate(values, start=1):
        if cell is not None:
            cell.column = col_idx
            cell.row = row_idx
            yield cell


def _place_styled(
    row: StyledRow, row_idx: int, shared: _StyledCell, guard: Callable[[Cell], Cell] | None
) -> Iterator[Cell]:
    """A :class:`StyledRow`: each value in ``shared`` wearing its column's style, which
    the writer writes before asking for the next (openpyxl reuses its own cell for
    unstyled values the same way); the cells of their own as they are, guarded."""
    shared.row = row_idx
    for col_idx, (value, style) in enumerate(zip(row, row.styles, strict=True), start=1):
        if isinstance(value, Cell):
            value.column = col_idx
            value.row = row_idx
            yield guard(value) if guard else value
            continue
        shared._style = style.array
        shared.style_id = style.style_id  # type: ignore[assignment]  # set on the fast path
        if value is None:  # what binding None does, without the type lookup
            shared._value = None
            shared.data_type = "n"
        else:
            shared.value = value  # type: ignore[misc]
        shared.column = col_idx
        yield shared


def accept_ready_cells(ws: Any, guard: Callable[[Cell], Cell] | None = None) -> None:
    """Let ``ws`` (a streamed sheet) take rows of ready-made Cells (or None), and
    :func:`styled_row` rows, quickly; ``guard`` sees every ready-made cell as it is
    placed (reports.common.xlsx_safe.guard_cell). A styled row's shared values were
    judged when the row was made (its ``plain_for``).

    Only for sheets whose every appended row is a list of Cells or None, or a
    :func:`styled_row`."""
    if not FAST:
        return
    shared = _StyledCell(ws, None, PreparedStyle(Font(), Alignment(), None, None))

    def values_to_row(values: Sequence[Any], row_idx: int) -> Iterator[Cell]:
        if values.__class__ is StyledRow:
            return _place_styled(values, row_idx, shared, guard)  # type: ignore[arg-type]
        if guard is None:
            return _place_cells(values, row_idx)
        return (guard(cell) for cell in _place_cells(values, row_idx))

    ws._values_to_row = values_to_row
