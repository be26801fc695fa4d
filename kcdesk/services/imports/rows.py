"""Turn the data rows of an old list into checked import rows (kiểm tra từng dòng).

Every row keeps its Excel row number and all its errors, so the preview can show
exactly what is wrong where; a row with an error is never imported.

A row's stable identity (for idempotent re-import) is
``fold(title) | tax code, else fold(beneficiary name) | plan year``, stored as its SHA-256: the same file
imported again — or a second list holding the same proposal — creates nothing new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from kcdesk.formatting import format_money
from kcdesk.services.forms.load import ActivitySpec
from kcdesk.services.imports.header import Header
from kcdesk.services.imports.read import Sheet
from kcdesk.services.imports.values import (
    commune_of,
    group_label,
    is_total,
    match_activity,
    read_amount,
    read_period,
    read_year,
    split_name_address,
    tax_code,
    text_value,
)
from kcdesk.text import fold

_MONEY_FIELDS = {
    "total_cost": "tổng kinh phí",
    "support": "kinh phí khuyến công hỗ trợ",
    "counterpart": "vốn đối ứng",
    "other_funds": "nguồn khác",
}


@dataclass
class ImportRow:
    """One data row of the sheet, read and checked."""

    row: int  # Excel row number (1-based), as the user sees it
    title: str = ""
    activity: str | None = None
    group: str = ""
    plan_year: int | None = None
    implementing_unit: str = ""
    beneficiary: str = ""
    address: str = ""
    tax_code: str = ""
    commune: str = ""
    location: str = ""
    period: str = ""
    start_month: date | None = None
    end_month: date | None = None
    total_cost: int = 0
    support: int = 0
    counterpart: int = 0
    other_funds: int = 0
    note: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def facility_key(self) -> str:
        return self.tax_code or fold(self.beneficiary)

    @property
    def identity(self) -> str:
        return f"{fold(self.title)}|{self.facility_key}|{self.plan_year or ''}"

    @property
    def key(self) -> str:
        """SHA-256 of ``identity``: bounded length whatever the title (stored per row)."""
        return identity_key(self.identity)


def identity_key(identity: str) -> str:
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


@dataclass
class ParseResult:
    rows: list[ImportRow]
    group_rows: int
    total_rows: int


def _cell(sheet: Sheet, row: int, mapping: dict[str, int], name: str) -> object:
    col = mapping.get(name)
    return None if col is None else sheet.value(row, col)


def _amounts(
    item: ImportRow, sheet: Sheet, row: int, mapping: dict[str, int], multiplier: int
) -> None:
    values: dict[str, int | None] = {}
    for name, label in _MONEY_FIELDS.items():
        try:
            values[name] = read_amount(_cell(sheet, row, mapping, name), multiplier)
        except ValueError as exc:
            values[name] = None
            item.errors.append(f"{label} không đọc được: {exc}")
    total, support = values["total_cost"], values["support"]
    counterpart, other = values["counterpart"], values["other_funds"]
    parts = [v for v in (support, counterpart, other) if v is not None]
    if total is None and not parts:
        if not any(e.startswith("tổng") for e in item.errors):
            item.errors.append("thiếu tổng kinh phí")
        return
    if total is None:
        total = sum(parts)
    given_support = support or 0
    if given_support > total:
        item.errors.append(
            f"kinh phí hỗ trợ ({format_money(given_support)} đồng) lớn hơn tổng kinh phí "
            f"({format_money(total)} đồng)"
        )
    # A missing share is what is left of the total (lists often give only two of them).
    if counterpart is None and other is None:
        cp, ot = total - given_support, 0
    elif other is None:
        cp = counterpart or 0
        ot = total - given_support - cp
    elif counterpart is None:
        ot = other
        cp = total - given_support - ot
    else:
        cp, ot = counterpart, other
    if given_support <= total and (cp < 0 or ot < 0 or given_support + cp + ot != total):
        item.errors.append(
            f"hỗ trợ + đối ứng + nguồn khác ({format_money(given_support + max(cp, 0) + max(ot, 0))} "
            f"đồng) khác tổng kinh phí ({format_money(total)} đồng)"
        )
    item.total_cost, item.support = total, given_support
    item.counterpart, item.other_funds = max(cp, 0), max(ot, 0)


def parse_rows(
    sheet: Sheet,
    header: Header,
    activities: dict[str, ActivitySpec],
    *,
    year: int | None,
    default_activity: str | None,
    multiplier: int,
) -> ParseResult:
    """Read every row below the header: data rows, group rows, total rows."""
    mapping = header.mapping
    label_col = mapping.get("title", 0)
    first_col = mapping.get("stt", 0)
    activity = default_activity
    group = ""
    rows: list[ImportRow] = []
    groups = totals = 0
    seen: dict[str, int] = {}
    for index in range(header.first_data_row, len(sheet.rows)):
        texts = [text_value(v) for v in sheet.rows[index]]
        if not any(texts):
            continue
        if is_total(texts):
            totals += 1
            continue
        label = group_label(sheet.value(index, first_col), sheet.value(index, label_col))
        if label is not None:
            groups += 1
            group = label
            activity = match_activity(label, activities) or None
            continue
        item = ImportRow(row=index + 1, group=group)
        item.title = text_value(_cell(sheet, index, mapping, "title"))
        if not item.title:
            item.errors.append("thiếu tên đề án")
        item.activity = activity
        column_activity = text_value(_cell(sheet, index, mapping, "activity"))
        if column_activity:
            item.activity = match_activity(column_activity, activities) or activity
        if item.activity is None:
            where = f"nhóm «{group}»" if group else "dòng"
            item.errors.append(
                f"không xác định được nội dung hoạt động của {where}: hãy chọn nội dung mặc định"
            )
        item.plan_year = read_year(_cell(sheet, index, mapping, "year")) or year
        if item.plan_year is None:
            item.errors.append("không xác định được năm kế hoạch: hãy nhập năm")
        item.implementing_unit = text_value(_cell(sheet, index, mapping, "implementing_unit"))
        name, address = split_name_address(text_value(_cell(sheet, index, mapping, "beneficiary")))
        item.beneficiary = name
        item.address = text_value(_cell(sheet, index, mapping, "address")) or address
        item.tax_code = tax_code(_cell(sheet, index, mapping, "tax_code"))
        item.location = text_value(_cell(sheet, index, mapping, "location"))
        item.commune = commune_of(item.address) or commune_of(item.location)
        period_cell = _cell(sheet, index, mapping, "period")
        item.period = text_value(period_cell)
        try:
            item.start_month, item.end_month = read_period(period_cell)
        except ValueError as exc:
            item.errors.append(f"thời gian thực hiện «{item.period}» sai: {exc}")
        item.note = text_value(_cell(sheet, index, mapping, "note"))
        _amounts(item, sheet, index, mapping, multiplier)
        if item.title and item.plan_year is not None:
            if item.key in seen:
                item.errors.append(f"trùng với dòng {seen[item.key]} trong cùng tệp")
            else:
                seen[item.key] = item.row
        rows.append(item)
    return ParseResult(rows=rows, group_rows=groups, total_rows=totals)
