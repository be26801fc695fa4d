"""Biên bản nghiệm thu đề án khuyến công (acceptance minutes), ND 30/2020 page; no Qt.

The content follows the shape of Mẫu số 5a Phụ lục 1 Thông tư 36/2013/TT-BCT:
participants, the proposal, the achieved outputs against the plan, the evidence
checked, the money, the conclusion and the signatures of both sides.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from kcdesk.formatting import amount_in_words, format_date, format_money
from kcdesk.models import Proposal
from kcdesk.reports.common import official_pdf as pdf
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.services.core import settings
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.implementation.acceptance import measure_label
from kcdesk.services.implementation.money import get_acceptance, money_state
from kcdesk.services.implementation.progress import evidence_checklist
from kcdesk.services.proposals.lookup import facility_names

TITLE = "Biên bản nghiệm thu đề án khuyến công"


def _signatures(left: str, right: str, post: str, name: str, width: float) -> Flowable:
    st = pdf.styles()
    cell = [pdf.p(left, st["sign_caption"]), Spacer(1, 24 * mm)]
    cell_r = [
        pdf.p(right, st["sign_caption"]),
        pdf.p(post.upper(), st["sign_caption"]),
        Spacer(1, 20 * mm),
        pdf.p(name or " ", st["sign_name"]),
    ]
    table = Table([[cell, cell_r]], colWidths=[width / 2, width / 2], spaceBefore=6 * mm)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def minutes_bytes(session: Session, proposal: Proposal) -> bytes:
    """The minutes of ``proposal``'s recorded acceptance as PDF bytes."""
    acc = get_acceptance(session, proposal)
    if acc is None:
        raise ValidationError(f"Đề án {proposal.code} chưa có biên bản nghiệm thu để in.")
    values = settings.get_all(session)
    agency = agency_from_settings(values, "centre")
    st = pdf.styles()
    buffer = BytesIO()
    doc = pdf.document(buffer, title_text=f"{TITLE} {proposal.code}")
    width = pdf.content_width(doc)
    story: list[Flowable] = []
    story += pdf.header(agency, number=acc.minutes_no, when=acc.accepted_on, width=width)
    story += pdf.title(TITLE, f"Đề án: {proposal.title} (mã {proposal.code})")
    story.append(
        pdf.p(
            f"Hôm nay, {format_date(acc.accepted_on)}, tại {proposal.location or agency.place}, "
            "chúng tôi gồm:",
            st["body"],
        )
    )
    story.append(pdf.p("I. THÀNH PHẦN THAM DỰ", st["heading"]))
    for n, person in enumerate(acc.participants or ["(không ghi)"], start=1):
        story.append(pdf.p(f"{n}. {person}", st["body_left"]))

    story.append(pdf.p("II. NỘI DUNG ĐỀ ÁN", st["heading"]))
    approved = proposal.approved_support or 0
    beneficiaries = facility_names(proposal)
    lines = [
        f"Tên đề án: {proposal.title}",
        f"Đơn vị thực hiện: {proposal.implementing_unit or '—'}",
        *([f"Đơn vị thụ hưởng: {beneficiaries}"] if beneficiaries else []),
        f"Địa điểm: {proposal.location or '—'}",
        f"Kinh phí khuyến công hỗ trợ được duyệt: {format_money(approved)} đồng "
        f"(Bằng chữ: {amount_in_words(approved)}).",
    ]
    story += [pdf.p(text, st["body_left"]) for text in lines]

    story.append(pdf.p("III. KẾT QUẢ THỰC HIỆN", st["heading"]))
    rows: list[list[Flowable]] = [
        [pdf.p(h, st["cell_head"]) for h in ("TT", "Kết quả", "Kế hoạch", "Thực hiện")]
    ]
    for n, output in enumerate(proposal.outputs, start=1):
        rows.append(
            [
                pdf.p(str(n), st["cell_centre"]),
                pdf.p(measure_label(output.measure), st["cell"]),
                pdf.p(format_money(output.planned), st["cell_right"]),
                pdf.p(
                    "—" if output.achieved is None else format_money(output.achieved),
                    st["cell_right"],
                ),
            ]
        )
    table = Table(rows, colWidths=[12 * mm, width - 72 * mm, 30 * mm, 30 * mm], repeatRows=1)
    table.setStyle(pdf.grid_style())
    story.append(table)

    story.append(pdf.p("IV. HỒ SƠ, TÀI LIỆU NGHIỆM THU", st["heading"]))
    checked = acc.evidence or {}
    ev_rows: list[list[Flowable]] = [
        [pdf.p(h, st["cell_head"]) for h in ("TT", "Tài liệu", "Bắt buộc", "Đã có")]
    ]
    for n, item in enumerate(evidence_checklist(session, proposal), start=1):
        received = bool(checked.get(item.code, item.received))
        ev_rows.append(
            [
                pdf.p(str(n), st["cell_centre"]),
                pdf.p(item.label, st["cell"]),
                pdf.p("Có" if item.required else "Nếu có", st["cell_centre"]),
                pdf.p("Có" if received else "Chưa", st["cell_centre"]),
            ]
        )
    ev_table = Table(ev_rows, colWidths=[12 * mm, width - 62 * mm, 25 * mm, 25 * mm], repeatRows=1)
    ev_table.setStyle(pdf.grid_style())
    story.append(ev_table)

    state = money_state(session, proposal)
    story.append(pdf.p("V. KINH PHÍ", st["heading"]))
    story.append(
        pdf.p(
            f"Đã tạm ứng: {format_money(state.advanced)} đồng; đã thanh toán: "
            f"{format_money(state.paid)} đồng; còn lại theo kinh phí được duyệt: "
            f"{format_money(state.remaining)} đồng.",
            st["body_left"],
        )
    )
    story.append(pdf.p("VI. KẾT LUẬN", st["heading"]))
    story.append(pdf.p(acc.result, st["body"]))
    story.append(
        pdf.p(
            "Biên bản được lập thành 04 bản có giá trị pháp lý như nhau, mỗi bên giữ 02 bản.",
            st["body"],
        )
    )
    signatures = _signatures(
        "ĐẠI DIỆN ĐƠN VỊ THỤ HƯỞNG" if beneficiaries else "ĐẠI DIỆN ĐƠN VỊ PHỐI HỢP",
        "ĐẠI DIỆN ĐƠN VỊ THỰC HIỆN",
        agency.signer_post,
        agency.signer_name,
        width,
    )
    keep_with_last(story, [signatures], paragraphs=2)
    pdf.build_document(doc, story)
    return buffer.getvalue()


def write_acceptance_minutes(session: Session, proposal: Proposal, target: Path) -> Path:
    """Write the minutes atomically (temp file, fsync, rename, verify)."""
    atomic_write_bytes(target, minutes_bytes(session, proposal))
    return target
