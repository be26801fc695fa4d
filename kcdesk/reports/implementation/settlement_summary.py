"""Tổng hợp quyết toán kinh phí khuyến công năm …: one plan year, XLSX and PDF; no Qt.

One line per proposal followed through implementation (approved or later, and any
stopped one with money paid): approved support, advances, payments, total paid,
the settled amount, refund due and status. Totals in figures and, in the PDF, words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kcdesk.formatting import amount_in_words, format_date, format_money
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.implementation import Disbursement, DisbursementKind, Settlement
from kcdesk.reports.common import official_pdf as pdf
from kcdesk.reports.common import xlsx_style as xs
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import agency_from_settings, signer_name
from kcdesk.reports.common.xlsx_print import finish_workbook
from kcdesk.reports.common.xlsx_safe import secure_workbook
from kcdesk.services.core import settings
from kcdesk.services.core.id_lists import batches
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.implementation.progress import TRACKED
from kcdesk.services.implementation.views import settlement_due

S = ProposalStatus
HEADERS = [
    "TT",
    "Mã đề án",
    "Tên đề án",
    "Kinh phí hỗ trợ được duyệt",
    "Đã tạm ứng",
    "Đã thanh toán",
    "Tổng đã chi",
    "Quyết toán",
    "Phải hoàn trả",
    "Số, ngày quyết toán",
    "Trạng thái",
]
WIDTHS: list[float] = [6, 16, 48, 18, 16, 16, 16, 16, 14, 24, 16]
MONEY_COLUMNS = range(4, 10)  # 1-based columns D..I


@dataclass(frozen=True)
class SummaryLine:
    code: str
    title: str
    status_label: str
    approved: int
    advanced: int
    paid: int
    final_amount: int | None
    refund_due: int
    reference: str
    settled_on: date | None

    @property
    def disbursed(self) -> int:
        return self.advanced + self.paid


@dataclass(frozen=True)
class Summary:
    year: int
    due: date
    lines: list[SummaryLine]

    @property
    def total_approved(self) -> int:
        return sum(line.approved for line in self.lines)

    @property
    def total_advanced(self) -> int:
        return sum(line.advanced for line in self.lines)

    @property
    def total_paid(self) -> int:
        return sum(line.paid for line in self.lines)

    @property
    def total_disbursed(self) -> int:
        return sum(line.disbursed for line in self.lines)

    @property
    def total_settled(self) -> int:
        return sum(line.final_amount or 0 for line in self.lines)

    @property
    def total_refund(self) -> int:
        return sum(line.refund_due for line in self.lines)


def build_summary(session: Session, year: int) -> Summary:
    proposals = session.scalars(
        select(Proposal)
        .where(Proposal.plan_year == year)
        .where(or_(Proposal.status.in_(TRACKED), Proposal.disbursed > 0))
        .order_by(Proposal.code)
    ).all()
    ids = [p.id for p in proposals]
    sums: dict[tuple[int, DisbursementKind], int] = {}
    settled: dict[int, Settlement] = {}
    for chunk in batches(ids):
        for pid, kind, total in session.execute(
            select(Disbursement.proposal_id, Disbursement.kind, func.sum(Disbursement.amount))
            .where(Disbursement.proposal_id.in_(chunk))
            .group_by(Disbursement.proposal_id, Disbursement.kind)
        ):
            sums[(pid, kind)] = int(total)
        for row in session.scalars(select(Settlement).where(Settlement.proposal_id.in_(chunk))):
            settled[row.proposal_id] = row
    lines = []
    for p in proposals:
        st = settled.get(p.id)
        lines.append(
            SummaryLine(
                code=p.code,
                title=p.title,
                status_label=p.status.label,
                approved=p.approved_support if p.approved_support is not None else 0,
                advanced=sums.get((p.id, DisbursementKind.ADVANCE), 0),
                paid=sums.get((p.id, DisbursementKind.SETTLEMENT), 0),
                final_amount=st.final_amount if st else None,
                refund_due=st.refund_due if st else 0,
                reference=st.reference if st else "",
                settled_on=st.settled_on if st else None,
            )
        )
    return Summary(year=year, due=settlement_due(session, year), lines=lines)


def summary_dict(summary: Summary) -> dict[str, Any]:
    return {
        "year": summary.year,
        "due": summary.due.isoformat(),
        "lines": [
            {
                "code": line.code,
                "title": line.title,
                "status": line.status_label,
                "approved": line.approved,
                "advanced": line.advanced,
                "paid": line.paid,
                "disbursed": line.disbursed,
                "settled": line.final_amount,
                "refund_due": line.refund_due,
                "reference": line.reference,
                "settled_on": line.settled_on.isoformat() if line.settled_on else None,
            }
            for line in summary.lines
        ],
        "totals": {
            "approved": summary.total_approved,
            "advanced": summary.total_advanced,
            "paid": summary.total_paid,
            "disbursed": summary.total_disbursed,
            "settled": summary.total_settled,
            "refund_due": summary.total_refund,
        },
    }


def _reference(line: SummaryLine) -> str:
    if not line.reference:
        return ""
    when = f", {format_date(line.settled_on)}" if line.settled_on else ""
    return f"{line.reference}{when}"


def _values(n: int, line: SummaryLine) -> list[Any]:
    return [
        n,
        line.code,
        line.title,
        line.approved,
        line.advanced,
        line.paid,
        line.disbursed,
        line.final_amount,
        line.refund_due,
        _reference(line),
        line.status_label,
    ]


def write_xlsx(summary: Summary, target: Path) -> Path:
    """The summary as one sheet; the totals row uses SUM formulas over the lines."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"Quyết toán {summary.year}"
    first = xs.title_rows(
        ws,
        [
            (f"TỔNG HỢP QUYẾT TOÁN KINH PHÍ KHUYẾN CÔNG NĂM {summary.year}", xs.TITLE_FONT),
            (f"Hạn nộp hồ sơ quyết toán: {format_date(summary.due)}", xs.ITALIC),
            ("Đơn vị tính: đồng", xs.ITALIC),
        ],
        len(HEADERS),
    )
    header = first + 1
    xs.header_row(ws, header, HEADERS, WIDTHS)
    row = header
    for n, line in enumerate(summary.lines, start=1):
        row = header + n
        for col, value in enumerate(_values(n, line), start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font, cell.border = xs.NORMAL, xs.BORDER
            cell.alignment = xs.RIGHT if col in MONEY_COLUMNS else xs.WRAP
            if col in MONEY_COLUMNS:
                cell.number_format = xs.MONEY_FORMAT
    total_row = row + 1
    ws.cell(row=total_row, column=3, value="Tổng cộng").font = xs.BOLD
    for col in range(1, len(HEADERS) + 1):
        cell = ws.cell(row=total_row, column=col)
        cell.border = xs.BORDER
        if col in MONEY_COLUMNS:
            letter = cell.column_letter
            cell.value = f"=SUM({letter}{header + 1}:{letter}{row})" if summary.lines else 0
            cell.number_format = xs.MONEY_FORMAT
            cell.font = xs.BOLD
    xs.print_setup(ws, header)
    finish_workbook(wb)

    # openpyxl seeks while zipping: build in memory, then write atomically.
    buffer = BytesIO()
    secure_workbook(wb).save(buffer)
    atomic_write_bytes(target, buffer.getvalue())
    return target


def pdf_bytes(session: Session, summary: Summary) -> bytes:
    values = settings.get_all(session)
    agency = agency_from_settings(values, "centre")
    st = pdf.styles()
    buffer = BytesIO()
    doc = pdf.document(
        buffer, title_text=f"Tổng hợp quyết toán năm {summary.year}", landscape_page=True
    )
    width = pdf.content_width(doc)
    story: list[Flowable] = []
    story += pdf.header(agency, number=None, when=date.today(), width=width)
    story += pdf.title(
        f"Tổng hợp quyết toán kinh phí khuyến công năm {summary.year}",
        f"Hạn nộp hồ sơ quyết toán: {format_date(summary.due)}",
    )
    # The PDF leaves out "Tổng đã chi" (advances + payments) to give the title room.
    keep = [0, 1, 2, 3, 4, 5, 7, 8, 9, 10]
    heads = [
        "TT",
        "Mã đề án",
        "Tên đề án",
        "Được duyệt",
        "Tạm ứng",
        "Thanh toán",
        "Quyết toán",
        "Hoàn trả",
        "Số, ngày QT",
        "Trạng thái",
    ]
    rows: list[list[Flowable]] = [[pdf.p(h, st["cell_head"]) for h in heads]]
    for n, line in enumerate(summary.lines, start=1):
        values_row = _values(n, line)
        cells: list[Flowable] = []
        for index in keep:
            value, col = values_row[index], index + 1
            if col in MONEY_COLUMNS:
                text = "" if value is None else format_money(int(value))
                cells.append(pdf.p(text, st["cell_right"]))
            else:
                cells.append(pdf.p(str(value), st["cell_centre" if col == 1 else "cell"]))
        rows.append(cells)
    totals = [
        summary.total_approved,
        summary.total_advanced,
        summary.total_paid,
        summary.total_settled,
        summary.total_refund,
    ]
    rows.append(
        [pdf.p("", st["cell"]), pdf.p("", st["cell"]), pdf.p("Tổng cộng", st["cell_bold"])]
        + [pdf.p(format_money(t), st["cell_bold_right"]) for t in totals]
        + [pdf.p("", st["cell"]), pdf.p("", st["cell"])]
    )
    fixed = [9, 25, 0, 26, 25, 25, 26, 22, 28, 22]
    col_widths = [w * mm for w in fixed]
    col_widths[2] = width - sum(col_widths)
    table = Table(rows, colWidths=col_widths, repeatRows=1)
    table.setStyle(pdf.grid_style(1, bold_rows=[len(rows) - 1]))
    story.append(table)
    closing = [
        pdf.p(
            f"Tổng số quyết toán bằng chữ: {amount_in_words(summary.total_settled)}.",
            st["body_left"],
        ),
        pdf.signature_block(
            caption="",
            post=agency.signer_post,
            name=signer_name(agency, draft=False),
            recipients=["Sở Công Thương", "Lưu: VT, KT"],
            width=width,
        ),
    ]
    # The total row, the words and the signature stay with the table's last rows.
    keep_with_last(story, closing)
    pdf.build_document(doc, story)
    return buffer.getvalue()


def write_pdf(session: Session, summary: Summary, target: Path) -> Path:
    atomic_write_bytes(target, pdf_bytes(session, summary))
    return target
