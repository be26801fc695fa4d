"""Shared openpyxl styling for exports: Vietnamese number format, title and header rows,
print set-up (A4 landscape, fit to width, repeated header rows, page numbers)."""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

# Excel shows this with the workbook's separators; in a Vietnamese locale it reads
# 36.383.000.000. The format itself is the standard thousands pattern.
MONEY_FORMAT = "#,##0"
FONT_NAME = "Times New Roman"

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
BOLD = Font(name=FONT_NAME, size=12, bold=True)
NORMAL = Font(name=FONT_NAME, size=12)
ITALIC = Font(name=FONT_NAME, size=12, italic=True)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="top")


def title_rows(ws: Worksheet, lines: list[tuple[str, Font]], last_column: int) -> int:
    """Merged, centred title lines from row 1; returns the next free row."""
    for row, (text, font) in enumerate(lines, start=1):
        ws.cell(row=row, column=1, value=text).font = font
        ws.cell(row=row, column=1).alignment = CENTRE
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    return len(lines) + 1


def header_row(ws: Worksheet, row: int, labels: list[str], widths: list[float]) -> None:
    for col, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.font = BOLD
        cell.alignment = CENTRE
        cell.border = BORDER
        ws.column_dimensions[cell.column_letter].width = width


def print_setup(ws: Worksheet, header_row_index: int, *, landscape: bool = True) -> None:
    """A4, fit to one page wide, header repeated, ND 30-like margins, page numbers."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row_index}:{header_row_index}"
    ws.page_margins.left = 30 / 25.4
    ws.page_margins.right = 15 / 25.4
    ws.page_margins.top = 20 / 25.4
    ws.page_margins.bottom = 20 / 25.4
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.freeze_panes = ws.cell(row=header_row_index + 1, column=1)
