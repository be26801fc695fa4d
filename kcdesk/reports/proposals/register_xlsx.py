"""Export a selection of the register to XLSX (danh sách đề án đã chọn).

One row per proposal with the register's columns; money as integers with the
thousands format, a SUM formula under the money columns so the sheet stays live
when a user edits it in Excel.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kcdesk.reports.common import xlsx_style as xs
from kcdesk.reports.common.xlsx_print import finish_workbook
from kcdesk.reports.common.xlsx_safe import secure_workbook
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.proposals.register_query import RegisterRow

HEADERS = (
    "STT",
    "Mã đề án",
    "Tên đề án",
    "Đơn vị thụ hưởng",
    "Nội dung hoạt động",
    "Xã, phường",
    "Năm kế hoạch",
    "Trạng thái",
    "Tổng kinh phí (đồng)",
    "Kinh phí hỗ trợ (đồng)",
)
WIDTHS = (6, 15, 48, 36, 28, 20, 10, 20, 18, 18)
MONEY_COLUMNS = (9, 10)


def build_workbook(
    rows: Sequence[RegisterRow],
    *,
    organisation: str,
    title: str = "DANH SÁCH ĐỀ ÁN KHUYẾN CÔNG",
    subtitle: str = "",
    activity_labels: dict[str, str] | None = None,
) -> Workbook:
    labels = activity_labels or {}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Đề án"
    lines = [(organisation, xs.BOLD), (title, xs.TITLE_FONT)]
    if subtitle:
        lines.append((subtitle, xs.ITALIC))
    header_at = xs.title_rows(ws, lines, len(HEADERS)) + 1
    xs.header_row(ws, header_at, list(HEADERS), list(WIDTHS))
    first = header_at + 1
    for n, row in enumerate(rows, start=1):
        r = header_at + n
        values = (
            n,
            row.code,
            row.title,
            row.facility,
            labels.get(row.activity, row.activity),
            row.commune,
            row.plan_year,
            row.status.label,
            row.total_cost,
            row.support,
        )
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.font = xs.NORMAL
            cell.border = xs.BORDER
            cell.alignment = xs.RIGHT if col in MONEY_COLUMNS else xs.WRAP
            if col in MONEY_COLUMNS:
                cell.number_format = xs.MONEY_FORMAT
    total_row = header_at + len(rows) + 1
    ws.cell(row=total_row, column=3, value=f"Tổng cộng ({len(rows)} đề án)").font = xs.BOLD
    for col in MONEY_COLUMNS:
        letter = get_column_letter(col)
        formula = f"=SUM({letter}{first}:{letter}{total_row - 1})" if rows else 0
        cell = ws.cell(row=total_row, column=col, value=formula)
        cell.font = xs.BOLD
        cell.number_format = xs.MONEY_FORMAT
        cell.border = xs.BORDER
    xs.print_setup(ws, header_at, landscape=True)
    finish_workbook(wb)
    return wb


def write_register_xlsx(path: Path, rows: Sequence[RegisterRow], **kwargs: object) -> Path:
    """Write atomically (temp file, fsync, rename, verify) and return ``path``."""
    buffer = BytesIO()
    secure_workbook(build_workbook(rows, **kwargs)).save(buffer)  # type: ignore[arg-type]
    atomic_write_bytes(path, buffer.getvalue())
    return path
