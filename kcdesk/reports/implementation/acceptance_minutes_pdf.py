"""Biên bản nghiệm thu đề án khuyến công (acceptance minutes), ND 30/2020 page; no Qt.

The content follows the shape of Mẫu số 5a Phụ lục 1 Thông tư 36/2013/TT-BCT:
participants, the proposal, the achieved outputs against the plan, the evidence
checked, the money, the conclusion and the signatures of both sides.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.formatting import amount_in_words, format_date, format_money
from kcdesk.models import Proposal
from kcdesk.models.implementation import Disbursement, DisbursementKind
from kcdesk.reports.common import official_pdf as pdf
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import agency_from_settings, signer_name
from kcdesk.services.communes.address import proposal_place
from kcdesk.services.core import settings
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.core.safe_write import atomic_write_bytes
from kcdesk.services.implementation.acceptance import measure_label
from kcdesk.services.implementation.money import get_acceptance
from kcdesk.services.implementation.progress import evidence_checklist
from kcdesk.services.proposals.lookup import facility_names

TITLE = "Biên bản nghiệm thu đề án khuyến công"


SELF_EVIDENCE = frozenset({"bien_ban_nghiem_thu"})


def split_participant(line: str) -> tuple[str, str]:
    """'Nông Văn Đức — Giám đốc, Trung tâm …' → (name, post); a line without a dash
    is a name only."""
    name, _sep, post = line.partition(" — ")
    return name.strip(), post.strip()


def paid_by(session: Session, proposal: Proposal, day: date) -> tuple[int, int]:
    """(advanced, paid) up to and including ``day``: the minutes state the figures as
    they stood when signed, not payments made later."""
    sums: dict[DisbursementKind, int] = {}
    for kind, total in session.execute(
        select(Disbursement.kind, func.coalesce(func.sum(Disbursement.amount), 0))
        .where(Disbursement.proposal_id == proposal.id, Disbursement.paid_on <= day)
        .group_by(Disbursement.kind)
    ):
        sums[kind] = int(total)
    return sums.get(DisbursementKind.ADVANCE, 0), sums.get(DisbursementKind.SETTLEMENT, 0)


def shortfalls(proposal: Proposal) -> list[str]:
    """Outputs recorded below their plan: 'Số máy móc, thiết bị (kế hoạch 4, thực hiện 3)'."""
    out = []
    for output in proposal.outputs:
        if output.achieved is not None and output.planned and output.achieved < output.planned:
            out.append(
                f"{measure_label(output.measure)} (kế hoạch {format_money(output.planned)}, "
                f"thực hiện {format_money(output.achieved)})"
            )
    return out


def conclusion_text(result: str, short: list[str]) -> str:
    """The council's conclusion; never "đạt" over an output below plan unless the
    council stated why it accepts it (its conclusion gives a reason: "lý do")."""
    text = (result or "").strip() or "(Biên bản chưa ghi kết luận.)"
    if short and "đạt" in text.lower() and "lý do" not in text.lower():
        return (
            "Chưa kết luận đạt: có kết quả thấp hơn kế hoạch mà biên bản chưa ghi lý do "
            "Hội đồng nghiệm thu chấp nhận."
        )
    return text


def _party_signatures(
    people: list[tuple[str, str]], centre_post: str, centre_name: str, width: float
) -> Flowable:
    """A signature cell for every person present (three to a row), the Centre's leader
    last when not among them. Captions, the space to sign and the names are rows of
    their own, so that names line up however many lines a caption takes."""
    st = pdf.styles()
    cells: list[tuple[list[Flowable], Flowable, Flowable]] = []
    for name, post in people:
        caption = post.split(",")[0] if post else "Đại diện"
        cells.append(
            (
                [pdf.p(caption.upper(), st["sign_caption"])],
                # The Centre's leader signs for the implementing unit: the digital
                # signature's place (reports.common.official_pdf.SignatureSpace).
                pdf.SignatureSpace(20 * mm) if name == centre_name else Spacer(1, 20 * mm),
                pdf.p(name, st["sign_name"]),
            )
        )
    if not any(name == centre_name for name, _ in people) or not centre_name:
        cells.append(
            (
                [
                    pdf.p("ĐẠI DIỆN ĐƠN VỊ THỰC HIỆN", st["sign_caption"]),
                    pdf.p(centre_post.upper(), st["sign_caption"]),
                ],
                pdf.SignatureSpace(20 * mm),  # where a digital signature's image goes
                pdf.p(centre_name or " ", st["sign_name"]),
            )
        )
    per_row = 3 if len(cells) > 2 else len(cells)
    rows: list[list[Any]] = []
    for first in range(0, len(cells), per_row):
        chunk = cells[first : first + per_row]
        pad: list[Any] = [""] * (per_row - len(chunk))
        rows.append([c[0] for c in chunk] + pad)
        rows.append([c[1] for c in chunk] + pad)
        rows.append([c[2] for c in chunk] + pad)
    table = Table(rows, colWidths=[width / per_row] * per_row)
    gaps = [("TOPPADDING", (0, r), (-1, r), 12) for r in range(3, len(rows), 3)]
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), *gaps]))
    # One row of an outer table: the block never splits between a caption and its name.
    outer = Table([[table]], colWidths=[width], spaceBefore=6 * mm)
    outer.setStyle(
        TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    )
    return outer


def minutes_bytes(session: Session, proposal: Proposal) -> bytes:
    """The minutes of ``proposal``'s recorded acceptance as PDF bytes."""
    acc = get_acceptance(session, proposal)
    if acc is None:
        raise ValidationError(f"Đề án {proposal.code} chưa có biên bản nghiệm thu để in.")
    values = settings.get_all(session)
    agency = agency_from_settings(values, "centre")
    place = proposal_place(
        proposal.location, proposal.commune_code, proposal.commune, agency.province
    )
    st = pdf.styles()
    buffer = BytesIO()
    doc = pdf.document(buffer, title_text=f"{TITLE} {proposal.code}")
    width = pdf.content_width(doc)
    story: list[Flowable] = []
    story += pdf.header(agency, number=acc.minutes_no, when=acc.accepted_on, width=width)
    story += pdf.title(TITLE, f"Đề án: {proposal.title} (mã {proposal.code})")
    story.append(
        pdf.p(
            f"Hôm nay, {format_date(acc.accepted_on)}, tại {place or agency.place}, chúng tôi gồm:",
            st["body"],
        )
    )
    story.append(pdf.p("I. THÀNH PHẦN THAM DỰ", st["heading"]))
    people = [split_participant(line) for line in acc.participants or []]
    if not people:
        story.append(pdf.p("(Biên bản chưa ghi thành phần tham dự.)", st["body_left"]))
    for n, (name, post) in enumerate(people, start=1):
        story.append(
            pdf.p(f"{n}. Ông/Bà {name} — {post}" if post else f"{n}. {name}", st["body_left"])
        )

    story.append(pdf.p("II. NỘI DUNG ĐỀ ÁN", st["heading"]))
    approved = proposal.approved_support or 0
    beneficiaries = facility_names(proposal)
    lines = [
        f"Tên đề án: {proposal.title}",
        f"Đơn vị thực hiện: {proposal.implementing_unit or '—'}",
        *([f"Đơn vị thụ hưởng: {beneficiaries}"] if beneficiaries else []),
        f"Địa điểm: {place or '—'}",
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
    # The minutes are not evidence of themselves.
    items = [i for i in evidence_checklist(session, proposal) if i.code not in SELF_EVIDENCE]
    for n, item in enumerate(items, start=1):
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

    advanced, paid = paid_by(session, proposal, acc.accepted_on)
    story.append(pdf.p("V. KINH PHÍ", st["heading"]))
    story.append(
        pdf.p(
            f"Đến ngày {format_date(acc.accepted_on)}: đã tạm ứng {format_money(advanced)} đồng; "
            f"đã thanh toán {format_money(paid)} đồng; còn lại theo kinh phí được duyệt: "
            f"{format_money(max(0, approved - advanced - paid))} đồng.",
            st["body_left"],
        )
    )
    story.append(pdf.p("VI. KẾT LUẬN", st["heading"]))
    short = shortfalls(proposal)
    if short:
        story.append(pdf.p("Các kết quả thấp hơn kế hoạch: " + "; ".join(short) + ".", st["body"]))
    story.append(pdf.p(conclusion_text(acc.result, short), st["body"]))
    story.append(
        pdf.p(
            "Biên bản được lập thành 04 bản có giá trị pháp lý như nhau, mỗi bên giữ 02 bản.",
            st["body"],
        )
    )
    signatures = _party_signatures(
        people, agency.signer_post, signer_name(agency, draft=False), width
    )
    keep_with_last(story, [signatures], paragraphs=2)
    pdf.build_document(doc, story)
    return buffer.getvalue()


def write_acceptance_minutes(session: Session, proposal: Proposal, target: Path) -> Path:
    """Write the minutes atomically (temp file, fsync, rename, verify)."""
    atomic_write_bytes(target, minutes_bytes(session, proposal))
    return target
