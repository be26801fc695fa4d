"""Find the header of an old Excel list and map its columns (dòng tiêu đề, ghép cột).

Lists differ from year to year and office to office: "Tên đề án", "TÊN DỰ ÁN",
"Ten de an", a header in one row or in two (a merged "Kinh phí" over "Tổng số /
Khuyến công / Đối ứng"), a row of column numbers "(1) (2) (3)" under it. Labels
are folded (no diacritics, đ→d, lower-case) and matched by phrases, most specific
field first; the user can correct any column in the wizard or with ``--map``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from kcdesk.services.imports.read import Sheet
from kcdesk.text import fold, nfc

# Field → (label shown to the user, phrases that name it). Checked in this order,
# so the more specific fields win ("Tên đề án khuyến công" is a title, not support).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stt": ("STT", ("stt", "so tt", "so thu tu", "tt")),
    "tax_code": ("Mã số thuế", ("ma so thue", "mst", "ma so doanh nghiep")),
    "activity": (
        "Nội dung hoạt động",
        ("noi dung hoat dong", "linh vuc ho tro", "loai hinh ho tro"),
    ),
    "title": (
        "Tên đề án",
        ("ten de an", "ten du an", "ten nhiem vu", "noi dung de an", "de an", "noi dung"),
    ),
    "implementing_unit": (
        "Đơn vị thực hiện",
        ("don vi thuc hien", "don vi chu tri", "co quan thuc hien", "don vi to chuc"),
    ),
    "beneficiary": (
        "Đơn vị thụ hưởng",
        (
            "don vi thu huong",
            "co so thu huong",
            "doi tuong thu huong",
            "don vi huong loi",
            "ten co so",
            "ten doanh nghiep",
            "thu huong",
        ),
    ),
    "address": ("Địa chỉ", ("dia chi",)),
    "location": ("Địa điểm", ("dia diem",)),
    "period": ("Thời gian thực hiện", ("thoi gian", "tien do")),
    "counterpart": ("Vốn đối ứng", ("doi ung", "von cua co so", "von tu co")),
    "other_funds": ("Nguồn khác", ("nguon khac", "von khac", "khac")),
    "support": (
        "Kinh phí khuyến công hỗ trợ",
        ("khuyen cong", "kinh phi ho tro", "ho tro", "ngan sach", "kpkc", "kc ho tro"),
    ),
    "total_cost": ("Tổng kinh phí", ("tong kinh phi", "tong so", "tong cong", "tong muc", "tong")),
    "note": ("Ghi chú", ("ghi chu",)),
    "year": ("Năm kế hoạch", ("nam ke hoach", "nam thuc hien", "nam")),
}

# Fields that must be mapped for an import to make sense.
REQUIRED_FIELDS = ("title",)
_SCAN_ROWS = 40
_NUMBERISH = re.compile(r"^[\d.,\s]+(d|dong)?$")
_NUMBERING = re.compile(r"^\(?\s*(\d{1,2}|[a-z])\s*\)?$")


def match_field(label: str) -> str | None:
    """The field a header label names, or None."""
    text = f" {re.sub(r'[^0-9a-z]+', ' ', fold(label)).strip()} "
    if text.strip() == "":
        return None
    for field, (_label, phrases) in FIELDS.items():
        if any(f" {phrase} " in text for phrase in phrases):
            return field
    return None


def _label(value: object) -> str:
    if value is None:
        return ""
    return " ".join(nfc(str(value)).split())


@dataclass(frozen=True)
class ColumnInfo:
    index: int
    letter: str
    label: str
    field: str | None


@dataclass(frozen=True)
class Header:
    """Where the header is (0-based rows) and what each column holds."""

    rows: tuple[int, ...]
    columns: tuple[ColumnInfo, ...]
    first_data_row: int

    @property
    def mapping(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for column in self.columns:
            if column.field is not None and column.field not in out:
                out[column.field] = column.index
        return out


def _map(labels: list[str]) -> list[str | None]:
    """Field of each label; a field already taken by an earlier column is not reused."""
    taken: set[str] = set()
    out: list[str | None] = []
    for label in labels:
        field = match_field(label)
        if field is not None and field in taken:
            field = None
        if field is not None:
            taken.add(field)
        out.append(field)
    return out


def _score(fields: list[str | None]) -> int:
    found = {f for f in fields if f}
    return len(found) + (3 if "title" in found else 0)


def _is_numbering(values: list[object]) -> bool:
    """A row of column numbers under the header: (1) (2) (3)… or 1 2 3… or A B C…"""
    cells = [fold(str(v)) for v in values if v not in (None, "")]
    return len(cells) >= 3 and all(_NUMBERING.match(c) for c in cells)


def _spans_down(sheet: Sheet, row: int) -> bool:
    """A two-row header has merged cells in its first row (a parent over children,
    or a label merged down over both rows)."""
    return any(
        m.min_row == row and (m.max_col > m.min_col or m.max_row > m.min_row) for m in sheet.merges
    )


def _all_text(values: list[object]) -> bool:
    cells = [v for v in values if v not in (None, "")]
    return bool(cells) and all(isinstance(v, str) and not _NUMBERISH.match(fold(v)) for v in cells)


def _combine(parent: list[object], child: list[object]) -> list[str]:
    out = []
    for top, bottom in zip(parent, child, strict=True):
        a, b = _label(top), _label(bottom)
        out.append(a if not b or b == a else (b if not a else f"{a} {b}"))
    return out


def detect_header(sheet: Sheet) -> Header | None:
    """The best one- or two-row header in the first rows, or None when none is found."""
    best: tuple[int, tuple[int, ...], list[str]] | None = None
    limit = min(len(sheet.rows), _SCAN_ROWS)
    for row in range(limit):
        across = sheet.filled_across(row)
        one = [_label(v) for v in across]
        candidates: list[tuple[tuple[int, ...], list[str]]] = [((row,), one)]
        if row + 1 < len(sheet.rows) and _spans_down(sheet, row):
            below = sheet.filled_across(row + 1)
            if not _is_numbering(below) and _all_text(below):
                candidates.append(((row, row + 1), _combine(across, below)))
        for rows, labels in candidates:
            score = _score(_map(labels))
            # Prefer the one-row header unless the second row adds fields.
            if score >= 5 and (best is None or score > best[0]):
                best = (score, rows, labels)
    if best is None:
        return None
    _score_value, rows, labels = best
    fields = _map(labels)
    columns = tuple(
        ColumnInfo(i, get_column_letter(i + 1), label, field)
        for i, (label, field) in enumerate(zip(labels, fields, strict=True))
    )
    first = rows[-1] + 1
    while first < len(sheet.rows) and _is_numbering(sheet.rows[first]):
        first += 1
    return Header(rows=rows, columns=columns, first_data_row=first)


def apply_corrections(header: Header, corrections: dict[str, int | None]) -> Header:
    """Set ``field → column index`` (or None to unmap a field) as the user chose."""
    columns = list(header.columns)
    for field, index in corrections.items():
        if field not in FIELDS:
            raise ValueError(field)
        columns = [
            ColumnInfo(c.index, c.letter, c.label, None) if c.field == field else c for c in columns
        ]
        if index is not None:
            while index >= len(columns):
                i = len(columns)
                columns.append(ColumnInfo(i, get_column_letter(i + 1), "", None))
            c = columns[index]
            columns[index] = ColumnInfo(c.index, c.letter, c.label, field)
    return Header(rows=header.rows, columns=tuple(columns), first_data_row=header.first_data_row)


def column_index(ref: str) -> int:
    """'C' or '3' → 2 (0-based), for ``--map support=H``."""
    ref = ref.strip().upper()
    if ref.isdigit():
        return int(ref) - 1
    index = 0
    for ch in ref:
        if not "A" <= ch <= "Z":
            raise ValueError(ref)
        index = index * 26 + (ord(ch) - ord("A") + 1)
    return index - 1
