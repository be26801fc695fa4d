"""Read an old Excel list into a plain grid of values (đọc tệp Excel cũ).

Merged cells matter in these lists: header labels span several columns, and a
unit or a commune is often merged down over several proposals. ``Sheet`` keeps the
raw grid plus the merged ranges; a value merged downwards is copied into every
row it covers (it belongs to each of them), a value merged across is copied only
where the header detection asks for it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kcdesk.services.core.errors import UserError
from kcdesk.text import strip_controls

# A list never needs more; this keeps a stray formatted cell far below from
# making the grid huge.
MAX_COLUMNS = 60
# An old list of proposals has hundreds of rows, a province's whole history a few
# thousand; one stray cell at row 1,048,576 once made the grid a million rows (4 GB).
MAX_ROWS = 20_000
# This many empty rows after the data: the list has ended (a stray cell far below is
# not part of it).
END_GAP = 500


@dataclass(frozen=True)
class Merge:
    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass
class Sheet:
    """Values by 0-based (row, column); Excel row n is index n-1."""

    name: str
    rows: list[list[Any]]
    merges: list[Merge]

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        if row >= len(self.rows) or col >= len(self.rows[row]):
            return None
        return self.rows[row][col]

    def filled_across(self, row: int) -> list[Any]:
        """Row ``row`` with each horizontally merged value copied over its whole span."""
        values = list(self.rows[row]) + [None] * (self.width - len(self.rows[row]))
        for m in self.merges:
            if m.min_row <= row <= m.max_row and m.max_col > m.min_col:
                top = self.value(m.min_row, m.min_col)
                for col in range(m.min_col, min(m.max_col, self.width - 1) + 1):
                    values[col] = top
        return values


def _open(path: Path) -> Any:
    if path.suffix.lower() == ".xls":
        raise UserError(
            f"Tệp {path.name} là định dạng Excel cũ (.xls). Hãy mở bằng Excel hoặc LibreOffice "
            "và lưu lại dạng .xlsx rồi nhập."
        )
    try:
        # Our own handle: closed even when openpyxl gives up half-way through the zip.
        with path.open("rb") as handle:
            return load_workbook(handle, data_only=True)
    except FileNotFoundError as exc:
        raise UserError(f"Không tìm thấy tệp {path}.") from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        # ValueError covers defusedxml's refusals (entity expansion, external entities);
        # SyntaxError is malformed XML (xml.etree's ParseError).
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise UserError(
            f"Tệp {path.name} không phải bảng tính Excel .xlsx đọc được (nội dung hỏng "
            f"hoặc có cấu trúc bị chặn: {detail})."
        ) from exc
    except OSError as exc:
        raise UserError(f"Không đọc được tệp {path.name}: {exc.strerror or exc}.") from exc


def _data_end(ws: Any, path: Path) -> int:
    """The last row of the list: rows holding a value, up to the first gap of END_GAP
    empty rows; more than MAX_ROWS rows of data is refused in one line."""
    filled = sorted({row for (row, _col), cell in ws._cells.items() if cell.value is not None})
    end = 0
    for row in filled:
        if end and row - end > END_GAP:
            break
        end = row
    if end > MAX_ROWS:
        raise UserError(
            f"Tệp {path.name} có hơn {MAX_ROWS:,} dòng dữ liệu: không phải một danh sách đề "
            "án; hãy tách tệp hoặc kiểm tra lại trang tính.".replace(",", ".")
        )
    return max(end, 1)


def _clean(value: Any) -> Any:
    """A text cell in NFC without control characters (line breaks kept as ``\\n``).

    An old list is someone else's file: a C1 escape (``\\x9b31m``) or a bidirectional
    override in a title would reach the terminal, the register export and every printed
    page; the fields that are single-line fold the kept line breaks into spaces later.
    """
    return strip_controls(value) if isinstance(value, str) else value


def sheet_names(path: Path) -> list[str]:
    return list(_open(path).sheetnames)


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """The named sheet (default: the first one that has data)."""
    wb = _open(path)
    if sheet is not None and sheet not in wb.sheetnames:
        raise UserError(
            f"Tệp {path.name} không có trang «{sheet}» (có: {', '.join(wb.sheetnames)})."
        )
    names = [sheet] if sheet is not None else wb.sheetnames
    ws = None
    for name in names:
        ws = wb[name]
        if ws.max_row > 1 or ws.max_column > 1:
            break
    assert ws is not None
    width = min(ws.max_column, MAX_COLUMNS)
    end = _data_end(ws, path)
    rows = [
        [_clean(v) for v in r]
        for r in ws.iter_rows(min_row=1, max_row=end, max_col=width, values_only=True)
    ]
    merges = [
        Merge(r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
        for r in ws.merged_cells.ranges
        if r.min_col - 1 < width
    ]
    result = Sheet(name=ws.title, rows=rows, merges=merges)
    # A value merged downwards belongs to every row it covers.
    for m in merges:
        if m.max_row > m.min_row:
            top = result.value(m.min_row, m.min_col)
            for row in range(m.min_row + 1, min(m.max_row, len(rows) - 1) + 1):
                if m.min_col < len(rows[row]):
                    rows[row][m.min_col] = top
    return result
