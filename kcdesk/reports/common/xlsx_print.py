"""Spreadsheets that print (docs/official-documents.md, "Bảng tính"): every XLSX kcdesk
writes gets, before it is saved,

- a row height for every row holding wrapped text, from the text's length, the
  column's (or merged range's) width and the font size — Excel and LibreOffice do
  not grow a row themselves when a file says nothing, so long text overlapped the
  next row on paper;
- page numbers centred at the top from page 2 (NĐ 30/2020), none on page 1;
- full calculation on load, so Excel and LibreOffice recompute every formula.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

# Width of one character of the column-width unit, against an average Vietnamese
# character in Times New Roman 12 (measured on the catalogue's texts; diacritics do
# not widen a letter).
_CHARS_PER_UNIT = 1.1
_DEFAULT_WIDTH = 8.43


def _column_widths(ws: Worksheet) -> dict[int, float]:
    from openpyxl.utils import column_index_from_string

    widths: dict[int, float] = {}
    for letter, dimension in ws.column_dimensions.items():
        if dimension.width:
            index = column_index_from_string(letter)
            for i in range(dimension.min or index, (dimension.max or index) + 1):
                widths[i] = float(dimension.width)
    return widths


def lines_needed(text: str, width_units: float, font_size: float) -> int:
    """How many lines ``text`` wraps into in a cell ``width_units`` wide."""
    per_line = max(1.0, width_units * _CHARS_PER_UNIT * 12 / font_size)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def fit_row_heights(ws: Worksheet) -> None:
    """Give each row holding wrapped (or multi-line) text the height its text needs."""
    widths = _column_widths(ws)
    spans: dict[tuple[int, int], float] = {}
    covered: set[tuple[int, int]] = set()
    for merged in ws.merged_cells.ranges:
        span = sum(widths.get(c, _DEFAULT_WIDTH) for c in range(merged.min_col, merged.max_col + 1))
        spans[(merged.min_row, merged.min_col)] = span
        if merged.max_row > merged.min_row:
            # Text spread over several rows has their height already: leave it.
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    covered.add((r, c))
    for row in ws.iter_rows():
        needed = 0.0
        for cell in row:
            value: Any = cell.value
            if not isinstance(value, str) or not value or (cell.row, cell.column) in covered:
                continue
            wrapped = bool(cell.alignment is not None and cell.alignment.wrap_text)
            if not wrapped and "\n" not in value:
                continue
            width = spans.get((cell.row, cell.column), widths.get(cell.column, _DEFAULT_WIDTH))
            size = float(cell.font.sz or 11) if cell.font is not None else 11.0
            lines = lines_needed(value, width, size) if wrapped else value.count("\n") + 1
            needed = max(needed, lines * size * 1.3 + 3)
        if needed:
            dimension = ws.row_dimensions[row[0].row]
            if dimension.height is None or dimension.height < needed:
                dimension.height = round(needed, 1)


def page_numbers_from_two(ws: Worksheet) -> None:
    """The page number centred at the top of every page but the first."""
    ws.HeaderFooter.differentFirst = True
    ws.oddFooter.center.text = None
    ws.evenFooter.center.text = None
    ws.oddHeader.center.text = "&P"
    ws.evenHeader.center.text = "&P"
    ws.firstHeader.center.text = None


def finish_workbook(wb: Workbook) -> None:
    """Row heights, page numbers and recalculation on load, for every sheet."""
    for ws in wb.worksheets:
        if isinstance(ws, Worksheet):
            fit_row_heights(ws)
            page_numbers_from_two(ws)
    wb.calculation.fullCalcOnLoad = True


def finish_xlsx_bytes(
    data: bytes, *, wrap_columns: dict[str, tuple[str, ...]] | None = None
) -> bytes:
    """``finish_workbook`` for a workbook written elsewhere (the programme's template,
    written by its service): wrap the long-text columns given per sheet, fit, save."""
    from io import BytesIO

    from openpyxl import load_workbook
    from openpyxl.styles import Alignment

    wb = load_workbook(BytesIO(data))
    for title, letters in (wrap_columns or {}).items():
        if title not in wb.sheetnames:
            continue
        ws = wb[title]
        for letter in letters:
            for cell in ws[letter]:
                if isinstance(cell.value, str):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    finish_workbook(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
