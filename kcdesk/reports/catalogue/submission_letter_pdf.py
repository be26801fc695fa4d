"""The document that goes with the catalogue, by its issuer (NĐ 30/2020, Phụ lục I):

- the Centre's tờ trình to the Department, asking it to appraise the catalogue
  (…/TTr-<the Centre's abbreviation>);
- the Department's tờ trình to the provincial chairman, asking for approval
  (…/TTr-<the Department's abbreviation>);
- the chairman's decision approving it (…/QĐ-UBND), whose appendix is the catalogue.

Each lists exactly the catalogue's entries and totals, and cites the programme's
decision (number and date from the database) among its grounds. The content is
built once by ``letter_content`` (a Word renderer can reuse it) and rendered here.
An unapproved catalogue's documents carry "DỰ THẢO".
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.platypus import Flowable

from kcdesk.formatting import amount_in_words, format_money, format_official_date
from kcdesk.reports.catalogue.pdf import is_draft
from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import Agency, Issuer, agency_display_name, signer_name
from kcdesk.services.catalogue.build import CatalogueView
from kcdesk.services.forms.load import load_activities

# The current texts (NĐ 45/2012 amended by NĐ 235/2025; TT 46/2012 amended by
# TT 20/2017; TT 28/2018 amended by TT 64/2024), worded as the provinces' own
# decisions cite them.
LEGAL_GROUNDS = (
    "Căn cứ Nghị định số 45/2012/NĐ-CP ngày 21 tháng 5 năm 2012 của Chính phủ về khuyến "
    "công; Nghị định số 235/2025/NĐ-CP ngày 27 tháng 8 năm 2025 của Chính phủ sửa đổi, bổ "
    "sung một số điều của Nghị định số 45/2012/NĐ-CP;",
    "Căn cứ Thông tư số 46/2012/TT-BCT ngày 28 tháng 12 năm 2012 của Bộ trưởng Bộ Công "
    "Thương quy định chi tiết một số nội dung của Nghị định số 45/2012/NĐ-CP; Thông tư số "
    "20/2017/TT-BCT ngày 29 tháng 9 năm 2017 sửa đổi, bổ sung một số điều của Thông tư số "
    "46/2012/TT-BCT;",
    "Căn cứ Thông tư số 28/2018/TT-BTC ngày 28 tháng 3 năm 2018 của Bộ trưởng Bộ Tài chính "
    "hướng dẫn lập, quản lý, sử dụng kinh phí khuyến công; Thông tư số 64/2024/TT-BTC ngày "
    "28 tháng 8 năm 2024 sửa đổi, bổ sung một số điều của Thông tư số 28/2018/TT-BTC;",
)
LOCAL_GOVERNMENT_LAW = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"


@dataclass(frozen=True)
class LetterContent:
    """Everything a tờ trình or decision prints, in order; renderers lay it out."""

    agency: Agency
    number: str
    kind: str  # "TỜ TRÌNH" | "QUYẾT ĐỊNH"
    subject: str
    draft: bool
    addressee: str | None  # "Kính gửi: …" (a decision has none)
    authority_line: str | None  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …" (a decision)
    grounds: tuple[str, ...]
    paragraphs: tuple[str, ...]
    decides: bool  # "QUYẾT ĐỊNH:" between the grounds and the articles
    recipients: tuple[str, ...]
    title_text: str
    when: Any = None


def letter_number(view: CatalogueView, agency: Agency, issuer: Issuer = "centre") -> str:
    if issuer == "committee":
        return view.decision_no or "……/QĐ-UBND"
    if issuer == "centre" and view.letter_no:
        return view.letter_no
    if issuer == "department" and view.department_letter_no:
        return view.department_letter_no
    return f"……/TTr-{agency.abbrev}"


def _department_request(view: CatalogueView, department: str, abbrev: str) -> str:
    """The decision's last ground: the Department's tờ trình, blanks until recorded."""
    if view.department_letter_no:
        when = (
            format_official_date(view.department_letter_date)
            if view.department_letter_date
            else "ngày …… tháng …… năm ……"
        )
        return f"Theo đề nghị của Giám đốc {department} tại Tờ trình số {view.department_letter_no} {when}."
    return f"Theo đề nghị của Giám đốc {department} tại Tờ trình số ……/TTr-{abbrev}."


def _department(settings_values: dict[str, Any]) -> str:
    name = str(settings_values.get("org.department_name") or "Sở Công Thương").strip()
    province = str(settings_values.get("org.province") or "").strip()
    return f"{name} tỉnh {province}" if province and province not in name else name


def _chairman(agency: Agency) -> str:
    return f"Chủ tịch Ủy ban nhân dân tỉnh {agency.province}".strip()


def _grounds(view: CatalogueView, *, decision: bool) -> tuple[str, ...]:
    programme = (
        f"Căn cứ {view.programme.citation()};"
        if view.programme is not None
        else "Căn cứ Chương trình khuyến công địa phương của tỉnh đã được phê duyệt;"
    )
    head = (LOCAL_GOVERNMENT_LAW,) if decision else ()
    return (*head, *LEGAL_GROUNDS, programme)


def _summary(view: CatalogueView) -> list[str]:
    activities = load_activities()
    support = view.total("support")
    out = [f"1. Tổng số đề án: {view.count} đề án, gồm:"]
    for group in view.groups:
        spec = activities.get(group.activity)
        name = spec.short_label if spec is not None else group.label
        out.append(
            f"- {group.numeral}. {name}: {len(group.entries)} đề án, kinh phí khuyến công "
            f"hỗ trợ {format_money(group.total('support'))} đồng;"
        )
    out.append(
        f"2. Tổng kinh phí thực hiện các đề án: {format_money(view.total('total_cost'))} "
        f"đồng, trong đó kinh phí khuyến công hỗ trợ: {format_money(support)} đồng; vốn "
        f"đối ứng: {format_money(view.total('counterpart'))} đồng; nguồn khác: "
        f"{format_money(view.total('other_funds'))} đồng."
    )
    out.append(f"(Bằng chữ kinh phí hỗ trợ: {amount_in_words(support)}.)")
    out.append("(Chi tiết tại danh mục đề án kèm theo.)")
    return out


def letter_content(
    view: CatalogueView, agency: Agency, settings_values: dict[str, Any], issuer: Issuer = "centre"
) -> LetterContent:
    """The tờ trình (Centre, Department) or the decision (committee) for ``view``."""
    year = view.plan_year
    who = agency_display_name(agency)
    department = _department(settings_values)
    chairman = _chairman(agency)
    source = f"nguồn kinh phí: {view.source_label}"
    number = letter_number(view, agency, issuer)
    draft = is_draft(view)
    if issuer == "committee":
        support = view.total("support")
        subject = f"Về việc phê duyệt danh mục đề án khuyến công năm {year}"
        articles = (
            f"Điều 1. Phê duyệt danh mục đề án khuyến công năm {year}, {source}, gồm "
            f"{view.count} đề án; tổng kinh phí khuyến công hỗ trợ: {format_money(support)} "
            f"đồng (Bằng chữ: {amount_in_words(support)}), chi tiết tại Phụ lục kèm theo.",
            f"Điều 2. Giao {department} chủ trì, phối hợp với các cơ quan, đơn vị liên quan "
            "tổ chức triển khai thực hiện các đề án theo quy định; gửi kết quả cho các tổ "
            "chức, cá nhân có tên trong danh mục.",
            "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng Ủy ban nhân "
            f"dân tỉnh; Giám đốc {department}; Thủ trưởng các cơ quan, đơn vị liên quan chịu "
            "trách nhiệm thi hành Quyết định này./.",
        )
        return LetterContent(
            agency=agency,
            number=number,
            kind="QUYẾT ĐỊNH",
            subject=subject,
            draft=draft,
            addressee=None,
            authority_line=f"CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH {agency.province}".upper().strip(),
            grounds=(
                *_grounds(view, decision=True),
                _department_request(
                    view, department, str(settings_values.get("org.department_abbrev") or "SCT")
                ),
            ),
            paragraphs=articles,
            decides=True,
            recipients=("Như Điều 3", "Lưu: VT"),
            title_text=f"Quyết định phê duyệt danh mục đề án khuyến công năm {year}",
            when=view.decision_date,
        )
    if issuer == "department":
        subject = f"Về việc đề nghị phê duyệt danh mục đề án khuyến công năm {year}"
        opening = (
            f"Trên cơ sở tờ trình của Trung tâm Khuyến công và kết quả thẩm định các đề án, "
            f"{who} kính trình {chairman} danh mục đề án khuyến công năm {year}, {source}, "
            "gồm các đề án đạt thẩm định, như sau:"
        )
        request = f"{who} kính trình {chairman} xem xét, phê duyệt./."
        addressee = chairman
        recipients = ("Như trên", f"Lưu: VT, {agency.abbrev}")
        when = view.department_letter_date
    else:
        subject = f"Về việc đề nghị thẩm định danh mục đề án khuyến công năm {year}"
        opening = (
            f"Trên cơ sở hồ sơ đề nghị hỗ trợ của các cơ sở, đơn vị và kết quả rà soát, "
            f"{who} kính trình {department} danh mục đề án khuyến công năm {year}, {source}, "
            "như sau:"
        )
        request = (
            f"{who} kính trình {department} xem xét, thẩm định, tổng hợp trình {chairman} "
            "phê duyệt./."
        )
        addressee = department
        recipients = ("Như trên", f"Lưu: VT, {agency.abbrev}")
        when = view.letter_date
    return LetterContent(
        agency=agency,
        number=number,
        kind="TỜ TRÌNH",
        subject=subject,
        draft=draft,
        addressee=addressee,
        authority_line=None,
        grounds=_grounds(view, decision=False),
        paragraphs=(opening, *_summary(view), request),
        decides=False,
        recipients=recipients,
        title_text=f"Tờ trình danh mục đề án khuyến công năm {year}",
        when=when,
    )


def write_submission_letter(
    view: CatalogueView,
    agency: Agency,
    settings_values: dict[str, Any],
    target: Path | BinaryIO | BytesIO,
    *,
    issuer: Issuer = "centre",
) -> None:
    """Write the tờ trình or decision of ``issuer`` for ``view`` (``agency`` is its own)."""
    content = letter_content(view, agency, settings_values, issuer)
    doc = op.document(target, title_text=content.title_text, author=agency)
    width = op.content_width(doc)
    st = op.styles()
    story: list[Flowable] = []
    story += op.header(
        agency, number=content.number, when=content.when, width=width, draft=content.draft
    )
    story += op.title(content.kind, content.subject)
    if content.authority_line:
        story.append(op.p(content.authority_line, st["subtitle"]))
        story.append(op.p(" ", st["body"]))
    if content.addressee:
        story.append(op.p(f"Kính gửi: {content.addressee}.", st["centre"]))
        story.append(op.p(" ", st["body"]))
    for line in content.grounds:
        story.append(op.p(line, st["body"]))
    if content.decides:
        story.append(op.p("QUYẾT ĐỊNH:", st["subtitle"]))
    for line in content.paragraphs:
        story.append(op.p(line, st["body"]))
    signature = op.signature_block(
        caption="",
        post=agency.signer_post,
        name=signer_name(agency, draft=content.draft),
        recipients=list(content.recipients),
        width=width,
    )
    keep_with_last(story, [signature])
    op.build_document(doc, story)
