"""Tổng hợp kết quả thẩm định (XLSX): ranking, and every member's scores.

Sheet "Kết quả": one row per agenda item in ranking order; the average is a
formula over the member totals on sheet "Điểm chi tiết" (so a reader who
corrects a score in Excel sees the average follow), with the value computed by
kcdesk next to it for comparison. Sheet "Điểm chi tiết": one row per member and
item with each criterion's points and the total (a SUM formula).
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kcdesk.models.appraisal import AppraisalSession
from kcdesk.reports.common import xlsx_style as xs
from kcdesk.reports.common.xlsx_print import finish_workbook
from kcdesk.reports.common.xlsx_safe import secure_workbook
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.results import session_results

POINTS_FORMAT = "0.0"
AVERAGE_FORMAT = "0.00"


def _detail_sheet(wb: Workbook, s: AppraisalSession) -> dict[str, tuple[int, int]]:
    """Write the per-member sheet; returns {proposal code: (first row, last row)}."""
    spec = appraisal.criteria_of(s)
    ws = wb.create_sheet("Điểm chi tiết")
    labels = ["Mã đề án", "Thành viên", "Vai trò"] + [
        f"{c.label} (tối đa {c.max_points})" for c in spec.criteria
    ]
    labels += ["Tổng điểm", "Kết luận", "Ghi chú"]
    last_col = len(labels)
    row = xs.title_rows(ws, [(f"ĐIỂM CHI TIẾT — {s.name.upper()}", xs.TITLE_FONT)], last_col) + 1
    widths = [14.0, 26.0, 16.0] + [14.0] * len(spec.criteria) + [10.0, 24.0, 28.0]
    xs.header_row(ws, row, labels, widths)
    header = row
    spans: dict[str, tuple[int, int]] = {}
    first_score_col = 4
    total_col = first_score_col + len(spec.criteria)
    for item in s.items:
        start = row + 1
        for member in s.members:
            row += 1
            sheet = appraisal.find_sheet(item, member)
            scores = {sc.criterion: sc.points for sc in sheet.scores} if sheet else {}
            values: list[object] = [item.proposal.code, member.name, member.role.label]
            values += [float(scores[c.code]) if c.code in scores else None for c in spec.criteria]
            complete = bool(sheet) and all(c.code in scores for c in spec.criteria)
            first = get_column_letter(first_score_col)
            last = get_column_letter(total_col - 1)
            values.append(f"=SUM({first}{row}:{last}{row})" if complete else None)
            values.append(spec.conclusion_label(sheet.conclusion) if sheet else "")
            if sheet is not None and sheet.conflict:
                values.append(f"Xung đột lợi ích: {sheet.conflict_reason}")
            elif scores and not complete:
                values.append("Phiếu chưa đủ điểm (không tính)")
            else:
                values.append(sheet.comment if sheet else "")
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=col, value=value)
                cell.border = xs.BORDER
                cell.font = xs.NORMAL
                if first_score_col <= col <= total_col:
                    cell.number_format = POINTS_FORMAT
        spans[item.proposal.code] = (start, row)
    xs.print_setup(ws, header)
    return spans


def write_summary(s: AppraisalSession, target: Path | BytesIO) -> None:
    spec = appraisal.criteria_of(s)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Kết quả"
    labels = [
        "Hạng",
        "Mã đề án",
        "Tên đề án",
        "Kinh phí đề nghị hỗ trợ (đồng)",
        "Số thành viên chấm",
        "Điểm bình quân",
        "Điểm đạt",
        "Kết quả",
        "Kết luận",
        "Đã ghi kết quả",
    ]
    row = xs.title_rows(
        ws,
        [
            ("TỔNG HỢP KẾT QUẢ THẨM ĐỊNH", xs.TITLE_FONT),
            (s.name, xs.BOLD),
            (f"Bộ tiêu chí: {spec.label}; tổng điểm {spec.total}", xs.ITALIC),
        ],
        len(labels),
    )
    row += 1
    xs.header_row(ws, row, labels, [7, 14, 44, 18, 12, 12, 10, 12, 28, 12])
    header = row
    spans = _detail_sheet(wb, s)
    total_col = get_column_letter(4 + len(spec.criteria))
    results = session_results(s)
    first_row, last_row = header + 1, header + len(results)
    for r in results:
        row += 1
        first, last = spans[r.code]
        rng = f"'Điểm chi tiết'!{total_col}{first}:{total_col}{last}"
        # Rank and result follow the formulas (never a stored value beside a formula
        # that could disagree with it once a score is corrected in the sheet).
        average = f"F{row}"
        values: list[object] = [
            f'=IF({average}="","",RANK({average},$F${first_row}:$F${last_row}))',
            r.code,
            r.title,
            r.item.proposal.support,
            f"=COUNT({rng})",
            f'=IF(COUNT({rng})=0,"",ROUND(AVERAGE({rng}),2))',
            spec.pass_mark,
            f'=IF({average}="","Chưa chấm",IF({average}>=G{row},"Đạt","Không đạt"))',
            r.conclusion_label,
            "Có" if r.item.recorded_at else "Chưa",
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = xs.BORDER
            cell.font = xs.NORMAL
            cell.alignment = xs.WRAP
        ws.cell(row=row, column=4).number_format = xs.MONEY_FORMAT
        ws.cell(row=row, column=6).number_format = AVERAGE_FORMAT
    xs.print_setup(ws, header)
    finish_workbook(wb)
    buffer = BytesIO()
    secure_workbook(wb).save(buffer)
    data = buffer.getvalue()
    if isinstance(target, Path):
        from kcdesk.services.core.safe_write import atomic_write_bytes

        atomic_write_bytes(target, data)
    else:
        target.write(data)
