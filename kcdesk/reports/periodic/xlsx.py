"""Báo cáo kết quả thực hiện chương trình khuyến công as XLSX (same tables as the PDF).

Sheets «Theo nội dung» (counts and money per activity, SUM totals) and
«Theo chỉ tiêu» (plan, done in the period, cumulative and the ratio as a formula);
after a merge, the same two sheets for each old province's programme beside it
(«Tỉnh cũ 1 - Theo nội dung», …), titled with its origin.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kcdesk.reports.common import xlsx_style as xs
from kcdesk.reports.common.xlsx_print import finish_workbook
from kcdesk.reports.common.xlsx_safe import secure_workbook
from kcdesk.reports.periodic.pdf import report_subtitle
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.dashboard.periodic import PeriodReport
from kcdesk.services.dashboard.report_text import SECTIONS

PERCENT_FORMAT = "0.0%"
ACTIVITY_COLUMNS = [
    "TT",
    "Nội dung hoạt động",
    "Số đề án trong kế hoạch",
    "Kinh phí hỗ trợ phê duyệt (đồng)",
    "Số đề án nghiệm thu trong kỳ",
    "Kinh phí hỗ trợ của đề án nghiệm thu trong kỳ (đồng)",
    "Lũy kế số đề án nghiệm thu",
    "Đã giải ngân (đồng)",
]
TARGET_COLUMNS = [
    "Mã",
    "Chỉ tiêu",
    "ĐVT",
    "Chỉ tiêu giai đoạn",
    "Kế hoạch năm (đã phê duyệt)",
    "Thực hiện trong kỳ",
    "Lũy kế giai đoạn",
    "Tỷ lệ lũy kế/chỉ tiêu",
]


def _put(ws: Worksheet, row: int, col: int, value: object, number: str | None = None) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = xs.NORMAL
    cell.border = xs.BORDER
    if number is not None:
        cell.number_format = number
        cell.alignment = xs.RIGHT
    else:
        cell.alignment = xs.WRAP


def _titles(ws: Worksheet, report: PeriodReport, columns: int) -> int:
    return (
        xs.title_rows(
            ws,
            [
                ("BÁO CÁO", xs.TITLE_FONT),
                (report_subtitle(report), xs.BOLD),
                (
                    f"{report.programme_name} — {report.origin}"
                    if report.origin
                    else report.programme_name,
                    xs.ITALIC,
                ),
            ],
            columns,
        )
        + 1
    )


def _activities(ws: Worksheet, report: PeriodReport) -> None:
    row = _titles(ws, report, len(ACTIVITY_COLUMNS))
    xs.header_row(ws, row, ACTIVITY_COLUMNS, [6, 40, 14, 22, 14, 24, 14, 20])
    xs.print_setup(ws, row)
    top = row + 1
    for n, a in enumerate(report.activities, start=1):
        row += 1
        _put(ws, row, 1, n)
        _put(ws, row, 2, a.label)
        values = (
            a.plan_count,
            a.plan_support,
            a.done_count,
            a.done_support,
            a.cumulative_count,
            a.disbursed,
        )
        for col, value in enumerate(values, start=3):
            _put(ws, row, col, value, xs.MONEY_FORMAT)
    bottom, row = row, row + 1
    _put(ws, row, 2, "Tổng cộng")
    ws.cell(row=row, column=2).font = xs.BOLD
    for col in range(3, len(ACTIVITY_COLUMNS) + 1):
        letter = get_column_letter(col)
        _put(ws, row, col, f"=SUM({letter}{top}:{letter}{bottom})", xs.MONEY_FORMAT)
        ws.cell(row=row, column=col).font = xs.BOLD


def _targets(ws: Worksheet, report: PeriodReport) -> None:
    row = _titles(ws, report, len(TARGET_COLUMNS))
    xs.header_row(ws, row, TARGET_COLUMNS, [10, 60, 12, 12, 14, 12, 12, 12])
    xs.print_setup(ws, row)
    for t in report.targets:
        row += 1
        _put(ws, row, 1, t.code)
        _put(ws, row, 2, t.display_name)
        _put(ws, row, 3, t.unit)
        for col, value in enumerate((t.planned, t.plan, t.done, t.cumulative), start=4):
            _put(ws, row, col, value, xs.MONEY_FORMAT)
        ratio = f"=G{row}/D{row}" if t.percent is not None else None
        _put(ws, row, 8, ratio, PERCENT_FORMAT)


def _assessment(ws: Worksheet, report: PeriodReport, texts: dict[str, str]) -> None:
    """Sections III–V as typed by the user (the same text as the PDF's)."""
    row = _titles(ws, report, 2)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 90
    xs.header_row(ws, row, ["Mục", "Nội dung"], [34, 90])
    xs.print_setup(ws, row, landscape=False)
    for code, label in SECTIONS.items():
        row += 1
        _put(ws, row, 1, label)
        _put(ws, row, 2, texts.get(code) or "(Chưa nhập nội dung.)")


def write_periodic_report_xlsx(
    report: PeriodReport, target: Path | BinaryIO, *, texts: dict[str, str] | None = None
) -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.title = "Theo nội dung"
    _activities(first, report)
    _targets(workbook.create_sheet("Theo chỉ tiêu"), report)
    for n, other in enumerate(report.beside, start=1):
        # Sheet names stay under Excel's 31 characters.
        _activities(workbook.create_sheet(f"Tỉnh cũ {n} - Theo nội dung"), other)
        _targets(workbook.create_sheet(f"Tỉnh cũ {n} - Theo chỉ tiêu"), other)
    _assessment(workbook.create_sheet("Đánh giá, kiến nghị"), report, texts or {})
    finish_workbook(workbook)
    secure_workbook(workbook).save(target)


def save_periodic_report_xlsx(
    report: PeriodReport, path: Path, *, texts: dict[str, str] | None = None
) -> None:
    # openpyxl seeks back while zipping: build in memory, then write once and verify.
    buffer = BytesIO()
    write_periodic_report_xlsx(report, buffer, texts=texts)
    atomic_write_bytes(path, buffer.getvalue())
