"""Báo cáo kết quả thực hiện chương trình khuyến công (6 tháng / năm), ND 30/2020 layout.

The Centre reports to the Department of Industry and Trade (and through it to
the Ministry) every six months and every year: the plan of the year (proposals
in the approved catalogue and their support), what was accepted in the period,
the cumulative result since the programme began, per activity and per target,
with counts and money, the total in words, and the signature block.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from kcdesk.formatting import amount_in_words, format_date
from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import (
    Agency,
    agency_display_name,
    require_own_programme,
    signer_name,
)
from kcdesk.reports.dashboard.pdf import cells, count, grid, heading, money, percent
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.dashboard.periodic import PeriodReport
from kcdesk.services.dashboard.report_text import SECTIONS


def department_addressee(values: dict[str, Any]) -> str:
    """ "Sở Công Thương tỉnh Cao Bằng" from the settings (names are stored in capitals)."""
    name = str(values.get("org.department_name") or "Sở Công Thương")
    name = name.title() if name.isupper() else name
    province = str(values.get("org.province") or "")
    return f"{name} tỉnh {province}" if province and province not in name else name


def report_subtitle(report: PeriodReport) -> str:
    """ "Kết quả thực hiện chương trình khuyến công 6 tháng đầu năm 2027" and the like."""
    kind = report.kind
    if kind == "kỳ":
        return f"Kết quả thực hiện chương trình khuyến công {report.period_text}"
    return f"Kết quả thực hiện chương trình khuyến công {kind} {report.date_to.year}"


def activity_table(report: PeriodReport, width: float) -> list[Flowable]:
    head = [
        "TT",
        "Nội dung hoạt động",
        "Số đề án trong kế hoạch",
        "Kinh phí hỗ trợ phê duyệt (đồng)",
        "Số đề án nghiệm thu trong kỳ",
        "Kinh phí hỗ trợ của đề án nghiệm thu trong kỳ (đồng)",
        "Lũy kế số đề án nghiệm thu",
        "Đã giải ngân (đồng)",
    ]
    fractions = (0.04, 0.26, 0.09, 0.15, 0.09, 0.15, 0.09, 0.13)
    rows = [cells(head, ["cell_head"] * len(head))]
    numbers = ["cell_right"] * 6
    for n, a in enumerate(report.activities, start=1):
        rows.append(
            cells(
                [
                    str(n),
                    a.label,
                    count(a.plan_count),
                    money(a.plan_support),
                    count(a.done_count),
                    money(a.done_support),
                    count(a.cumulative_count),
                    money(a.disbursed),
                ],
                ["cell_centre", "cell", *numbers],
            )
        )
    t = report.totals()
    rows.append(
        cells(
            [
                "",
                "Tổng cộng",
                count(t.plan_count),
                money(t.plan_support),
                count(t.done_count),
                money(t.done_support),
                count(t.cumulative_count),
                money(t.disbursed),
            ],
            ["cell_bold", "cell_bold", *["cell_bold_right"] * 6],
        )
    )
    st = op.styles()
    return [
        grid(rows, [width * f for f in fractions], bold_rows=[len(rows) - 1]),
        op.p(
            f"Kinh phí hỗ trợ phê duyệt bằng chữ: {amount_in_words(t.plan_support)}.",
            st["small_italic"],
        ),
    ]


def target_table(report: PeriodReport, width: float) -> Flowable:
    head = [
        "Mã",
        "Chỉ tiêu",
        "ĐVT",
        "Chỉ tiêu giai đoạn",
        "Kế hoạch năm (đã phê duyệt)",
        "Thực hiện trong kỳ",
        "Lũy kế giai đoạn",
        "Tỷ lệ lũy kế/chỉ tiêu",
    ]
    fractions = (0.07, 0.41, 0.08, 0.09, 0.1, 0.08, 0.09, 0.08)
    rows = [cells(head, ["cell_head"] * len(head))]
    for t in report.targets:
        rows.append(
            cells(
                [
                    t.code,
                    t.display_name,
                    t.unit,
                    count(t.planned),
                    count(t.plan),
                    count(t.done),
                    count(t.cumulative),
                    percent(t.percent),
                ],
                ["cell", "cell", "cell", *["cell_right"] * 5],
            )
        )
    return grid(rows, [width * f for f in fractions])


def beside_section(report: PeriodReport, width: float, number: int) -> list[Flowable]:
    """The merged old provinces' programmes, each with its own tables (issue 25)."""
    st = op.styles()
    out: list[Flowable] = [
        op.p(f"{number}. Chương trình của tỉnh cũ đã hợp nhất (báo cáo riêng)", st["heading"])
    ]
    for letter, other in zip("abcdefghik", report.beside, strict=False):
        t = other.totals()
        out += [
            op.p(
                f"{letter}) {other.programme_name} — {other.origin}, giai đoạn "
                f"{other.start_year}-{other.end_year} (mã {other.programme_code}): trong kế "
                f"hoạch {count(t.plan_count)} đề án, kinh phí hỗ trợ {money(t.plan_support)} "
                f"đồng; trong kỳ nghiệm thu {count(t.done_count)} đề án; lũy kế "
                f"{count(t.cumulative_count)} đề án; đã giải ngân {money(t.disbursed)} đồng.",
                st["body"],
            ),
            *activity_table(other, width),
            target_table(other, width),
        ]
    return out


def write_periodic_report_pdf(
    report: PeriodReport,
    agency: Agency,
    target: Path | BinaryIO | BytesIO,
    *,
    when: date | None = None,
    department: str = "Sở Công Thương",
    texts: dict[str, str] | None = None,
) -> None:
    """``texts``: the typed sections (``services.dashboard.report_text``)."""
    require_own_programme(agency, report.programme_code, report.province, report.origin)
    doc = op.document(target, title_text=report_subtitle(report), landscape_page=True)
    width = op.content_width(doc)
    st = op.styles()
    decision = (
        f" (Quyết định số {report.decision_no}"
        + (f" ngày {format_date(report.decision_date)}" if report.decision_date else "")
        + ")"
        if report.decision_no
        else ""
    )
    # The programme's name usually says its period already ("… giai đoạn 2026-2030").
    stage = (
        ""
        if "giai đoạn" in report.programme_name
        else f", giai đoạn {report.start_year}-{report.end_year}"
    )
    totals = report.totals()
    years = ", ".join(str(y) for y in report.plan_years) or "không có"
    planned_money = (
        f" Kinh phí chương trình dự kiến cho năm kế hoạch: {money(report.budget_planned)} đồng."
        if report.budget_planned is not None
        else ""
    )
    story: list[Flowable] = [
        *op.header(
            agency,
            number=f"......../BC-{agency.abbrev}" if agency.abbrev else None,
            when=when,
            width=width,
        ),
        *op.title("Báo cáo", report_subtitle(report)),
        op.p(f"Kính gửi: {department}.", st["centre"]),
        *heading("I. TÌNH HÌNH CHUNG"),
        op.p(
            f"Thực hiện {report.programme_name}{decision}{stage}, "
            f"{agency_display_name(agency)} "
            f"báo cáo kết quả thực hiện {report.period_text} (năm kế hoạch: {years}) như sau."
            f"{planned_money}",
            st["body"],
        ),
        *heading("II. KẾT QUẢ THỰC HIỆN"),
        op.p(
            f"Trong kế hoạch khuyến công đã được phê duyệt có {count(totals.plan_count)} đề án, "
            f"kinh phí hỗ trợ {money(totals.plan_support)} đồng. Trong kỳ đã nghiệm thu "
            f"{count(totals.done_count)} đề án; lũy kế từ đầu giai đoạn đã nghiệm thu "
            f"{count(totals.cumulative_count)} đề án; đã giải ngân {money(totals.disbursed)} đồng.",
            st["body"],
        ),
        op.p("1. Kết quả theo nội dung hoạt động khuyến công", st["heading"]),
        *activity_table(report, width),
        op.p("2. Kết quả theo chỉ tiêu của chương trình", st["heading"]),
        target_table(report, width),
        op.p(
            "Ghi chú: «–» là chỉ tiêu không đếm tự động được từ đề án (tỷ lệ, định mức); "
            "đơn vị báo cáo bổ sung bằng số liệu điều tra.",
            st["small_italic"],
        ),
    ]
    number = 3
    if report.beside:
        story += beside_section(report, width, number)
        number += 1
    if report.warnings:
        story.append(op.p(f"{number}. Số liệu chương trình cần rà soát", st["heading"]))
        story += [op.p(f"- {w.message}", st["body_left"]) for w in report.warnings]
    # The sections people write, typed in kcdesk and kept with the report.
    typed = texts or {}
    body = st["body_left"]
    dots = "." * int(width / stringWidth(".", body.fontName, body.fontSize) - 4)

    def typed_paragraphs(section: str) -> list[Flowable]:
        text = typed.get(section, "").strip()
        if not text:
            # Nothing typed yet: dotted lines to write on, never a note to the user.
            # One paragraph: the section's heading and its lines stay together.
            return [op.p("\n".join([dots] * 3), st["body_left"])]
        return [op.p(chunk, st["body"]) for chunk in text.split("\n") if chunk.strip()]

    story += heading("III. ĐÁNH GIÁ")
    for number, section in enumerate(("ket_qua", "ton_tai", "nguyen_nhan"), start=1):
        story.append(op.p(f"{number}. {SECTIONS[section]}", st["heading"]))
        story += typed_paragraphs(section)
    story += heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI")
    story += typed_paragraphs("phuong_huong")
    story += heading("V. KIẾN NGHỊ, ĐỀ XUẤT")
    story += typed_paragraphs("kien_nghi")
    signature = op.signature_block(
        caption="",
        post=agency.signer_post,
        name=signer_name(agency, draft=False),
        recipients=[department, "Lưu: VT"],
        width=width,
    )
    keep_with_last(story, [signature], paragraphs=2)
    op.build_document(doc, story)


def save_periodic_report_pdf(
    report: PeriodReport,
    agency: Agency,
    path: Path,
    *,
    when: date | None = None,
    department: str,
    texts: dict[str, str] | None = None,
) -> None:
    """Write the PDF atomically (temp file, fsync, rename, verify)."""
    buffer = BytesIO()
    write_periodic_report_pdf(report, agency, buffer, when=when, department=department, texts=texts)
    atomic_write_bytes(path, buffer.getvalue())
