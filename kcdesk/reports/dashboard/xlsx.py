"""The dashboard as an XLSX workbook (bảng theo dõi chương trình, Excel).

Sheets: «Chỉ tiêu» (targets, with one approved / implemented pair per plan year
and the percentage as a formula), «Kinh phí» (budget by source), «Theo năm»,
«Theo nội dung», «Theo xã». Money is int đồng with the "#,##0" format; totals are
SUM formulas so a user who edits a figure sees the total follow.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kcdesk.formatting import format_date
from kcdesk.reports.common import xlsx_style as xs
from kcdesk.reports.common.xlsx_print import finish_workbook
from kcdesk.reports.common.xlsx_safe import secure_workbook
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.dashboard.board import PACE_LABELS, Dashboard, MoneyRow

PERCENT_FORMAT = "0.0%"


def _put(ws: Worksheet, row: int, col: int, value: object, *, number: str | None = None) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = xs.NORMAL
    cell.border = xs.BORDER
    if number is not None:
        cell.number_format = number
        cell.alignment = xs.RIGHT
    else:
        cell.alignment = xs.WRAP


def _titles(ws: Worksheet, dashboard: Dashboard, heading: str, columns: int) -> int:
    scope = (
        f"Năm kế hoạch {dashboard.year}"
        if dashboard.year
        else (f"Giai đoạn {dashboard.start_year}-{dashboard.end_year}")
    )
    return (
        xs.title_rows(
            ws,
            [
                (heading, xs.TITLE_FONT),
                (dashboard.programme_name, xs.BOLD),
                (f"{scope}; số liệu đến ngày {format_date(dashboard.today)}", xs.ITALIC),
            ],
            columns,
        )
        + 1
    )


def _targets(ws: Worksheet, dashboard: Dashboard) -> None:
    years = dashboard.years
    labels = [
        "Mã",
        "Chỉ tiêu",
        "ĐVT",
        "Kế hoạch",
        "Đã phê duyệt",
        "Đã thực hiện",
        "Tỷ lệ",
        "Tiến độ",
    ]
    widths = [10.0, 60.0, 12.0, 11.0, 13.0, 13.0, 9.0, 22.0]
    for year in years:
        labels += [f"Phê duyệt {year}", f"Thực hiện {year}"]
        widths += [12.0, 12.0]
    row = _titles(ws, dashboard, "CHỈ TIÊU CỦA CHƯƠNG TRÌNH KHUYẾN CÔNG", len(labels))
    xs.header_row(ws, row, labels, widths)
    xs.print_setup(ws, row)
    for t in dashboard.targets:
        row += 1
        _put(ws, row, 1, t.code)
        _put(ws, row, 2, t.display_name)
        _put(ws, row, 3, t.unit)
        _put(ws, row, 4, t.planned, number=xs.MONEY_FORMAT)
        _put(ws, row, 5, t.approved, number=xs.MONEY_FORMAT)
        _put(ws, row, 6, t.implemented, number=xs.MONEY_FORMAT)
        formula = f'=IF(AND(ISNUMBER(D{row}),ISNUMBER(F{row}),D{row}>0),F{row}/D{row},"")'
        _put(ws, row, 7, formula if t.percent is not None else None, number=PERCENT_FORMAT)
        _put(ws, row, 8, PACE_LABELS[t.pace])
        for n, year in enumerate(years):
            approved, implemented = t.by_year.get(year, (None, None))
            _put(ws, row, 9 + 2 * n, approved, number=xs.MONEY_FORMAT)
            _put(ws, row, 10 + 2 * n, implemented, number=xs.MONEY_FORMAT)


def _money_sheet(
    ws: Worksheet, dashboard: Dashboard, heading: str, first: str, rows: list[MoneyRow]
) -> None:
    labels = [first, "Kinh phí chương trình", "Số đề án phê duyệt", "Đã nghiệm thu"]
    labels += ["Kinh phí hỗ trợ phê duyệt", "Đã giải ngân"]
    row = _titles(ws, dashboard, heading, len(labels))
    xs.header_row(ws, row, labels, [40.0, 20.0, 14.0, 14.0, 22.0, 20.0])
    xs.print_setup(ws, row)
    top = row + 1
    for r in rows:
        row += 1
        _put(ws, row, 1, r.label)
        _put(ws, row, 2, r.planned, number=xs.MONEY_FORMAT)
        _put(ws, row, 3, r.approved_count, number=xs.MONEY_FORMAT)
        _put(ws, row, 4, r.implemented_count, number=xs.MONEY_FORMAT)
        _put(ws, row, 5, r.approved_support, number=xs.MONEY_FORMAT)
        _put(ws, row, 6, r.disbursed, number=xs.MONEY_FORMAT)
    _total_row(ws, row + 1, top, row, 6)


def _total_row(ws: Worksheet, row: int, top: int, bottom: int, last_col: int) -> None:
    _put(ws, row, 1, "Tổng cộng")
    ws.cell(row=row, column=1).font = xs.BOLD
    for col in range(2, last_col + 1):
        letter = get_column_letter(col)
        value = f"=SUM({letter}{top}:{letter}{bottom})" if bottom >= top else 0
        _put(ws, row, col, value, number=xs.MONEY_FORMAT)
        ws.cell(row=row, column=col).font = xs.BOLD


def _budget(ws: Worksheet, dashboard: Dashboard) -> None:
    b = dashboard.budget
    labels = ["Nguồn kinh phí", "Kinh phí chương trình", "Đã phê duyệt hỗ trợ", "Đã giải ngân"]
    row = _titles(ws, dashboard, "KINH PHÍ THỰC HIỆN CHƯƠNG TRÌNH (đồng)", len(labels))
    xs.header_row(ws, row, labels, [44.0, 22.0, 22.0, 22.0])
    xs.print_setup(ws, row, landscape=False)
    planned_by = {"quoc_gia": b.planned_national, "dia_phuong": b.planned_local}
    top = row + 1
    for r in b.by_source:
        row += 1
        _put(ws, row, 1, r.label)
        _put(ws, row, 2, planned_by.get(r.key), number=xs.MONEY_FORMAT)
        _put(ws, row, 3, r.approved_support, number=xs.MONEY_FORMAT)
        _put(ws, row, 4, r.disbursed, number=xs.MONEY_FORMAT)
    if b.planned_other is not None:
        row += 1
        _put(ws, row, 1, "Nguồn khác")
        _put(ws, row, 2, b.planned_other, number=xs.MONEY_FORMAT)
    _total_row(ws, row + 1, top, row, 4)
    # The decision's own stated total may differ from the sum of its sources.
    _put(ws, row + 2, 1, "Tổng kinh phí ghi trong quyết định")
    _put(ws, row + 2, 2, b.planned, number=xs.MONEY_FORMAT)


def _warnings(ws: Worksheet, dashboard: Dashboard) -> None:
    row = _titles(ws, dashboard, "CẢNH BÁO SỐ LIỆU CỦA CHƯƠNG TRÌNH", 1)
    ws.column_dimensions["A"].width = 120
    if not dashboard.warnings:
        ws.cell(row=row, column=1, value="Các số liệu của chương trình khớp nhau.").font = xs.NORMAL
    for w in dashboard.warnings:
        _put(ws, row, 1, w.message)
        row += 1


def write_dashboard_xlsx(dashboard: Dashboard, path: Path | BinaryIO) -> None:
    workbook = Workbook()
    targets = workbook.active
    assert targets is not None
    targets.title = "Chỉ tiêu"
    _targets(targets, dashboard)
    _budget(workbook.create_sheet("Kinh phí"), dashboard)
    _money_sheet(
        workbook.create_sheet("Theo năm"), dashboard, "THEO NĂM KẾ HOẠCH", "Năm", dashboard.by_year
    )
    _money_sheet(
        workbook.create_sheet("Theo nội dung"),
        dashboard,
        "THEO NỘI DUNG HOẠT ĐỘNG",
        "Nội dung hoạt động",
        dashboard.by_activity,
    )
    _money_sheet(
        workbook.create_sheet("Theo xã"),
        dashboard,
        "THEO XÃ, PHƯỜNG",
        "Xã, phường",
        dashboard.by_commune,
    )
    _warnings(workbook.create_sheet("Cảnh báo"), dashboard)
    finish_workbook(workbook)
    secure_workbook(workbook).save(path)


def save_dashboard_xlsx(dashboard: Dashboard, path: Path) -> None:
    """Write the workbook atomically (temp file, fsync, rename, verify)."""
    # openpyxl seeks back while zipping: build in memory, then write once and verify.
    buffer = BytesIO()
    write_dashboard_xlsx(dashboard, buffer)
    atomic_write_bytes(path, buffer.getvalue())
