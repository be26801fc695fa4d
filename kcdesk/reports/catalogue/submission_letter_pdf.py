"""Tờ trình: the Centre's letter that accompanies the draft catalogue to the Department.

ND 30/2020 portrait page: the Centre's header with the letter number and date, the
title, "Kính gửi", the legal grounds, a summary by activity group with the totals
(support also in words), the request, and the signature block with "Nơi nhận".
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.platypus import Flowable

from kcdesk.formatting import amount_in_words, format_money
from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.org import Agency
from kcdesk.services.catalogue.build import CatalogueView
from kcdesk.services.forms.load import load_activities

LEGAL_GROUNDS = (
    "Căn cứ Nghị định số 45/2012/NĐ-CP ngày 21 tháng 5 năm 2012 của Chính phủ về khuyến "
    "công và các văn bản sửa đổi, bổ sung;",
    "Căn cứ chương trình, kế hoạch khuyến công của tỉnh đã được phê duyệt;",
)


def letter_number(view: CatalogueView, agency: Agency) -> str:
    return view.letter_no or f"……/TTr-{agency.abbrev}"


def _addressee(settings_values: dict[str, Any]) -> str:
    name = str(settings_values.get("org.department_name", "Sở Công Thương")).strip()
    province = str(settings_values.get("org.province", "")).strip()
    name = name[:1].upper() + name[1:].lower() if name.isupper() else name
    # "Sở công thương" → "Sở Công Thương": the department's proper name.
    name = " ".join(word[:1].upper() + word[1:] for word in name.split())
    return f"{name} tỉnh {province}" if province else name


def _sentence_case(name: str) -> str:
    """'TRUNG TÂM KHUYẾN CÔNG VÀ …' → 'Trung tâm Khuyến công và …' (names are stored in
    capitals for the header; in a sentence the kind of body and its name's first word
    take capitals)."""
    if not name.isupper():
        return name
    words = name.lower().split()
    for i, word in enumerate(words):
        if i == 0 or (i == 2 and words[0].lower() == "trung"):
            words[i] = word[:1].upper() + word[1:]
    return " ".join(words)


def write_submission_letter(
    view: CatalogueView,
    agency: Agency,
    settings_values: dict[str, Any],
    target: Path | BinaryIO | BytesIO,
) -> None:
    """Write the tờ trình for ``view`` (normally the draft or submitted catalogue)."""
    year = view.plan_year
    subject = f"Về việc đề nghị thẩm định, phê duyệt danh mục đề án khuyến công năm {year}"
    doc = op.document(target, title_text=f"Tờ trình danh mục đề án khuyến công năm {year}")
    width = op.content_width(doc)
    st = op.styles()
    addressee = _addressee(settings_values)
    centre = _sentence_case(agency.name)
    activities = load_activities()
    story: list[Flowable] = []
    story += op.header(
        agency, number=letter_number(view, agency), when=view.letter_date, width=width
    )
    story += op.title("TỜ TRÌNH", subject)
    story.append(op.p(f"Kính gửi: {addressee}.", st["centre"]))
    story.append(op.p(" ", st["body"]))
    for line in LEGAL_GROUNDS:
        story.append(op.p(line, st["body"]))
    story.append(
        op.p(
            f"Trên cơ sở hồ sơ đề nghị hỗ trợ của các cơ sở, đơn vị và kết quả rà soát, "
            f"{centre} kính trình {addressee} danh mục đề án khuyến công năm {year}, nguồn "
            f"kinh phí: {view.source_label}, như sau:",
            st["body"],
        )
    )
    story.append(op.p(f"1. Tổng số đề án: {view.count} đề án, gồm:", st["body"]))
    for group in view.groups:
        spec = activities.get(group.activity)
        name = spec.short_label if spec is not None else group.label
        story.append(
            op.p(
                f"- {group.numeral}. {name}: {len(group.entries)} đề án, kinh phí khuyến công "
                f"hỗ trợ {format_money(group.total('support'))} đồng;",
                st["body"],
            )
        )
    support = view.total("support")
    story.append(
        op.p(
            f"2. Tổng kinh phí thực hiện các đề án: {format_money(view.total('total_cost'))} "
            f"đồng, trong đó kinh phí khuyến công hỗ trợ: {format_money(support)} đồng; vốn "
            f"đối ứng: {format_money(view.total('counterpart'))} đồng; nguồn khác: "
            f"{format_money(view.total('other_funds'))} đồng.",
            st["body"],
        )
    )
    story.append(op.p(f"(Bằng chữ kinh phí hỗ trợ: {amount_in_words(support)}.)", st["body"]))
    story.append(op.p("(Chi tiết tại danh mục đề án kèm theo.)", st["body"]))
    story.append(
        op.p(
            f"{centre} kính trình {addressee} xem xét, thẩm định, tổng hợp trình Chủ tịch "
            "Ủy ban nhân dân tỉnh phê duyệt./.",
            st["body"],
        )
    )
    story.append(
        op.signature_block(
            caption="",
            post=agency.signer_post,
            name=agency.signer_name,
            recipients=["Như trên", f"Lưu: VT, {agency.abbrev}"],
            width=width,
        )
    )
    op.build_document(doc, story)
