"""Danh mục đề án khuyến công as an Excel workbook (openpyxl), ready to print.

Title rows, "Kèm theo Quyết định số … ngày …", the unit note, the header from
``forms/catalogue_columns.toml``, group rows I, II, III… whose money cells are
live SUM formulas over their proposals, a grand total summing the group rows,
"#,##0" money, A4 landscape fit to width with the header repeated, page numbers
and a frozen header. Excel and LibreOffice recalculate the formulas to the same
numbers kcdesk shows (the values are written as plain integers).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from kcdesk.formatting import amount_in_words, format_money
from kcdesk.reports.catalogue.wording import decision_line, is_draft, reference_line
from kcdesk.reports.common import xlsx_fast as fast
from kcdesk.reports.common import xlsx_style as xs
from kcdesk.reports.common.official_pdf import MOTTO_1, MOTTO_2
from kcdesk.reports.common.org import Agency, Issuer, signer_name
from kcdesk.reports.common.xlsx_safe import guard_cell, needs_guard, secure_workbook
from kcdesk.services.catalogue.build import CatalogueView, Entry
from kcdesk.services.catalogue.columns import CatalogueForm, label_span

SHEET_TITLE = "Danh mục"
TOTAL_LABEL = "TỔNG CỘNG"
LINE_HEIGHT = 14.5
_SMALL = Font(name=xs.FONT_NAME, size=11)
_SMALL_BOLD = Font(name=xs.FONT_NAME, size=11, bold=True)
_TOP_CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)
_RIGHT_TOP = Alignment(horizontal="right", vertical="top")


_Style = fast.PreparedStyle


@dataclass(frozen=True)
class _Styles:
    """Prepared cell styles, shared by the cells (much cheaper than setting each part)."""

    text: _Style
    centre: _Style
    money: _Style
    group_text: _Style
    group_centre: _Style
    group_money: _Style


def _prototype(ws: Any, font: Font, align: Alignment, number_format: str | None) -> _Style:
    return fast.prepare(ws, font, align, border=xs.BORDER, number_format=number_format)


def _styles(ws: Any) -> _Styles:
    return _Styles(
        text=_prototype(ws, _SMALL, xs.WRAP, None),
        centre=_prototype(ws, _SMALL, _TOP_CENTRE, None),
        money=_prototype(ws, _SMALL, _RIGHT_TOP, xs.MONEY_FORMAT),
        group_text=_prototype(ws, _SMALL_BOLD, xs.WRAP, None),
        group_centre=_prototype(ws, _SMALL_BOLD, _TOP_CENTRE, None),
        group_money=_prototype(ws, _SMALL_BOLD, _RIGHT_TOP, xs.MONEY_FORMAT),
    )


def _per_line(width: float) -> float:
    """Characters on one line of a column ``width`` units wide.

    openpyxl cannot measure text and LibreOffice keeps the stored height, so rows get
    a height from an estimate (Times New Roman 11 pt is narrower than the width unit).
    """
    return max(1.0, width * 1.15)


def _wrapped(text: str, per_line: float) -> int:
    """Estimated lines of ``text`` wrapped ``per_line`` characters to a line."""
    if len(text) <= per_line and "\n" not in text:
        return 1  # most cells: one short line
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _row_height(values: Sequence[object], per_lines: Sequence[float]) -> float:
    """A row as tall as the most lines one of its texts needs (a number: one line),
    each column's ``_per_line`` worked out once by the caller; the texts that fit on a
    line are passed over without a call (the estimate was asked 22,000 times for a
    catalogue of 2,000 rows)."""
    most = 1
    for value, per_line in zip(values, per_lines, strict=True):
        if not isinstance(value, str):
            continue
        if "\n" in value:
            most = max(most, _wrapped(value, per_line))
        elif len(value) > per_line:  # _wrapped's one part, more than one line
            most = max(most, math.ceil(len(value) / per_line))
    return LINE_HEIGHT * most + 3


def _entry_reader(keys: Sequence[str], index_key: str | None) -> Callable[[Entry, int], list[Any]]:
    """An entry's cells in column order, its number in the index column: each key's
    ``Entry.value`` (an attribute), all read in one ``attrgetter`` call."""
    value_keys = [k for k in keys if k != index_key]
    if index_key is None or len(value_keys) < 2:
        return lambda entry, number: [
            number if key == index_key else entry.value(key) for key in keys
        ]
    pick = attrgetter(*value_keys)
    at = keys.index(index_key)

    def read(entry: Entry, number: int) -> list[Any]:
        cells = list(pick(entry))
        cells.insert(at, number)
        return cells

    return read


def _set_height(ws: Any, row: int, height: float) -> None:
    """The row's height as the attributes its XML element carries.

    A streamed sheet only reads ``row_dimensions[row]`` back as attributes when it
    writes the row, so a plain dict does; a RowDimension object per row (a dozen
    validated fields, each read back when written) cost a tenth of the export.
    """
    ws.row_dimensions[row] = {"ht": repr(height), "customHeight": "1"}


def _merge_label(ws: Any, row: int, span: tuple[int, int]) -> None:
    if span[1] > span[0]:
        start, end = get_column_letter(span[0] + 1), get_column_letter(span[1] + 1)
        ws.merged_cells.add(f"{start}{row}:{end}{row}")


def _styled(ws: Any, values: Sequence[object], styles: tuple[_Style, ...]) -> list[Any]:
    """A row carrying its prepared styles; ``ws.append`` places it (one pass, no lookups)."""
    # User text that a spreadsheet would run (=, +, -, @ …) is stored as text
    # (reports.common.xlsx_safe); such a cell does not share a prepared style.
    return fast.styled_row(ws, values, styles, plain_for=needs_guard, guard=guard_cell)


@dataclass(frozen=True)
class Layout:
    """Where things landed, for callers and tests: header row, group rows, total row."""

    header_row: int
    group_rows: tuple[int, ...]
    total_row: int
    first_data_row: int


def _print_setup(ws: Any, header_row: int) -> None:
    """xlsx_style.print_setup for a streamed (write-only) sheet, which has no paper-size
    constants: A4 landscape, one page wide, header repeated, margins, page numbers, and
    the frozen header. Must run before the first row is written."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = 30 / 25.4
    ws.page_margins.right = 15 / 25.4
    ws.page_margins.top = 20 / 25.4
    ws.page_margins.bottom = 20 / 25.4
    # Page numbers at the top from page 2 (NĐ 30/2020), as the PDF.
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.evenHeader.center.text = "&P"
    ws.freeze_panes = f"A{header_row + 1}"


def _cell(ws: Any, value: object, font: Font, align: Alignment, border: bool = False) -> Cell:
    cell = Cell(ws, row=1, column=1, value=value)  # placed by append
    cell.font = font
    cell.alignment = align
    if border:
        cell.border = xs.BORDER
    return guard_cell(cell)


def build_workbook(
    view: CatalogueView,
    form: CatalogueForm,
    *,
    authority: str = "Chủ tịch Ủy ban nhân dân tỉnh",
    agency: Agency | None = None,
    issuer: Issuer = "centre",
) -> tuple[Workbook, Layout]:
    """A streamed (write-only) workbook, ready to save once: rows go straight to the
    sheet's XML, so whatever the XML holds before the rows (column widths, the frozen
    header, row heights) is set before each row is appended."""
    columns = form.columns
    ncols = len(columns)
    last_letter = get_column_letter(ncols)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    # Rows appended to this sheet are lists of Cells (or None).
    fast.accept_ready_cells(ws, guard=guard_cell)
    lines: list[tuple[str, Font]] = [(form.title_for(view.plan_year).upper(), xs.TITLE_FONT)]
    subtitle = form.subtitle_for(view.source_label)
    if subtitle:
        lines.append((subtitle, xs.BOLD))
    if agency is not None:
        # As printed: the issuer's own reference (its tờ trình, or the decision).
        lines.append((reference_line(view, issuer, agency), xs.ITALIC))
    else:
        lines.append((decision_line(view, authority), xs.ITALIC))
    top = 3 if agency is not None else 0  # the agency block and the motto, a blank row
    note_row = top + len(lines) + 1
    header = note_row + 1
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    _print_setup(ws, header)
    if agency is not None:
        _agency_rows(ws, agency, ncols, draft=is_draft(view))
    for row, (text, font) in enumerate(lines, start=top + 1):
        ws.append([_cell(ws, text, font, xs.CENTRE)])
        ws.merged_cells.add(f"A{row}:{last_letter}{row}")
    # Unit note on its own row, right-aligned over the last columns.
    note_start = max(1, ncols - 2)
    note = _cell(ws, form.unit_note, xs.ITALIC, Alignment(horizontal="right"))
    ws.append([*([None] * (note_start - 1)), note])
    ws.merged_cells.add(f"{get_column_letter(note_start)}{note_row}:{last_letter}{note_row}")
    ws.row_dimensions[header].height = 48
    ws.append([_cell(ws, c.label, xs.BOLD, xs.CENTRE, border=True) for c in columns])

    styles = _styles(ws)
    keys = [c.key for c in columns]
    letters = {c.key: get_column_letter(i) for i, c in enumerate(columns, start=1)}
    money_keys = [c.key for c in columns if c.kind == "money"]
    row_styles = tuple(
        styles.money if c.kind == "money" else styles.centre if c.kind == "index" else styles.text
        for c in columns
    )
    group_styles = tuple(
        styles.group_money
        if c.kind == "money"
        else styles.group_centre
        if c.kind == "index"
        else styles.group_text
        for c in columns
    )
    widths = [c.width for c in columns]
    span = label_span(form)
    # A group label spans the text columns after the title: shorter group rows.
    span_widths = [
        sum(widths[span[0] : span[1] + 1])
        if i == span[0]
        else (w if not span[0] < i <= span[1] else 1)
        for i, w in enumerate(widths)
    ]
    per_lines = [_per_line(w) for w in widths]
    span_lines = [_per_line(w) for w in span_widths]
    label_key = "title" if "title" in keys else keys[0]
    index_key = next((c.key for c in columns if c.kind == "index"), None)
    read = _entry_reader(keys, index_key)

    current = header + 1
    group_rows: list[int] = []
    for group in view.groups:
        group_row = current
        group_rows.append(group_row)
        first, last = group_row + 1, group_row + len(group.entries)
        values: list[object] = []
        for key in keys:
            if key == index_key:
                values.append(group.numeral)
            elif key == label_key:
                values.append(group.label)
            elif key in money_keys:
                col = letters[key]
                values.append(f"=SUM({col}{first}:{col}{last})" if group.entries else 0)
            else:
                values.append(None)
        _set_height(ws, group_row, _row_height(values, span_lines))
        ws.append(_styled(ws, values, group_styles))
        _merge_label(ws, group_row, span)
        for number, entry in enumerate(group.entries, start=1):
            cells = read(entry, number)
            _set_height(ws, group_row + number, _row_height(cells, per_lines))
            ws.append(_styled(ws, cells, row_styles))
        current = last + 1

    total_row = current
    total_values: list[object] = []
    for key in keys:
        if key == label_key:
            total_values.append(TOTAL_LABEL)
        elif key in money_keys:
            col = letters[key]
            refs = ",".join(f"{col}{r}" for r in group_rows)
            total_values.append(f"=SUM({refs})" if refs else 0)
        else:
            total_values.append(None)
    ws.append(_styled(ws, total_values, group_styles))
    _merge_label(ws, total_row, span)

    last_row = total_row
    if agency is not None:
        last_row = _closing_rows(ws, view, agency, ncols, total_row)
    # Print the whole table (title rows included) and nothing beyond it.
    ws.print_area = f"A1:{get_column_letter(ncols)}{last_row}"
    wb.calculation.fullCalcOnLoad = True
    ws.print_options.horizontalCentered = True
    wb.properties.title = form.title_for(view.plan_year)
    wb.properties.creator = "kcdesk"
    return wb, Layout(header, tuple(group_rows), total_row, header + 1)


def _agency_rows(ws: Any, agency: Agency, ncols: int, *, draft: bool) -> None:
    """Rows 1–3: the issuing agency left, the national motto right (as the PDF's
    header), "DỰ THẢO" in the last column while the catalogue is not approved."""
    half = max(2, ncols // 2)
    left_end, right_start = get_column_letter(half - 1), get_column_letter(half)
    last = get_column_letter(ncols)
    first_line = agency.parent or agency.name
    second_line = agency.name if agency.parent else ""
    centre = xs.CENTRE
    rows = [
        (first_line, xs.NORMAL if agency.parent else xs.BOLD, MOTTO_1, xs.BOLD),
        (second_line, xs.BOLD, MOTTO_2, xs.BOLD),
    ]
    for number, (left, left_font, right, right_font) in enumerate(rows, start=1):
        cells: list[Cell | None] = [_cell(ws, left, left_font, centre)]
        cells += [None] * (half - 2)
        cells.append(_cell(ws, right, right_font, centre))
        ws.append(cells)
        ws.merged_cells.add(f"A{number}:{left_end}{number}")
        ws.merged_cells.add(f"{right_start}{number}:{last}{number}")
    ws.append(
        [*([None] * (ncols - 1)), _cell(ws, "DỰ THẢO", xs.BOLD, centre, border=True)]
        if draft
        else [None]
    )


def _closing_rows(ws: Any, view: CatalogueView, agency: Agency, ncols: int, total_row: int) -> int:
    """After the total: the count and support in figures and words, then the signer's
    post, room to sign and the name on the right half (as the PDF). Returns the last row."""
    last = get_column_letter(ncols)
    half = max(2, ncols // 2)
    right = get_column_letter(half)
    support = view.total("support")
    row = total_row
    texts = [
        (
            f"Tổng số: {view.count} đề án. Tổng kinh phí khuyến công hỗ trợ: "
            f"{format_money(support)} đồng.",
            xs.NORMAL,
        ),
        (f"Bằng chữ: {amount_in_words(support)}.", xs.ITALIC),
    ]
    for text, font in texts:
        row += 1
        ws.append([_cell(ws, text, font, xs.WRAP)])
        ws.merged_cells.add(f"A{row}:{last}{row}")
    for text, font in (
        (agency.signer_post.upper(), xs.BOLD),
        ("", xs.NORMAL),
        ("", xs.NORMAL),
        ("", xs.NORMAL),
        (signer_name(agency, draft=is_draft(view)), xs.BOLD),
    ):
        row += 1
        ws.append([*([None] * (half - 1)), _cell(ws, text, font, xs.CENTRE)])
        ws.merged_cells.add(f"{right}{row}:{last}{row}")
    return row


def write_catalogue_xlsx(
    view: CatalogueView,
    form: CatalogueForm,
    target: Path | BinaryIO | BytesIO,
    *,
    authority: str = "Chủ tịch Ủy ban nhân dân tỉnh",
    agency: Agency | None = None,
    issuer: Issuer = "centre",
) -> Layout:
    """Write the catalogue workbook to ``target`` (a path or a binary handle); with
    ``agency``, the agency block, the totals in words and the signature area as in
    the PDF."""
    wb, layout = build_workbook(view, form, authority=authority, agency=agency, issuer=issuer)
    secure_workbook(wb).save(str(target) if isinstance(target, Path) else target)
    return layout
