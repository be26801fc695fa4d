"""Biên bản họp Hội đồng thẩm định: members, rules, results table, signatures.

ND 30/2020 page (``official_pdf``); the results table lists every agenda item in
ranking order with the average, pass/fail and the majority conclusion; the
minutes end with the signature blocks of the secretary (left) and the chair
(right), as Vietnamese council minutes do.
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from kcdesk.formatting import amount_in_words, format_money, format_official_date
from kcdesk.models.appraisal import AppraisalSession
from kcdesk.reports.appraisal.sheet_data import COUNCIL_NAME, decision_text
from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import Agency, agency_from_settings
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.results import ItemResult, session_results

# No text in docs/rules.md sets how a tie is broken: printed as the council's own rule
# (issue 18), not as a regulation — in the words of a minutes, without a note about it.
TIE_RULE = (
    "Theo quy tắc làm việc của Hội đồng, kết luận của Hội đồng theo đa số ý kiến thành "
    "viên; nếu số ý kiến bằng nhau thì theo ý kiến của Chủ tịch Hội đồng, nếu Chủ tịch "
    "không thuộc các ý kiến bằng nhau thì lấy kết luận thận trọng hơn."
)
# What the app says of a default scale in a set's name is for the Centre, not for the
# signed minutes (a session keeps the set's name as it was, so it is taken off here).
_DEFAULT_SCALE_NOTE = re.compile(r"\s*\(thang điểm mặc định\)", re.IGNORECASE)


def _verdict(r: ItemResult) -> str:
    if r.passed is None:
        return "Chưa chấm"
    return "Đạt" if r.passed else "Không đạt"


def average_text(value: Decimal | None) -> str:
    """Averages in one format everywhere: two decimals, decimal comma ("85,50")."""
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}".replace(".", ",")


def _results_table(results: list[ItemResult], width: float) -> Table:
    st = op.styles()
    head = [
        "Hạng",
        "Mã đề án",
        "Tên đề án",
        "Kinh phí đề nghị hỗ trợ (đồng)",
        "Số TV chấm",
        "Điểm bình quân",
        "Kết quả",
        "Kết luận",
    ]
    # Headers wrap between words only (never "Điể-m"); 10 pt keeps them on two lines.
    head_style = st["cell_head"].clone("results_head", fontSize=10, leading=12, splitLongWords=0)
    rows: list[list[Any]] = [[op.p(h, head_style) for h in head]]
    for r in results:
        rows.append(
            [
                op.p(str(r.rank) if r.rank else "—", st["cell_centre"]),
                op.p(r.code, st["cell"]),
                op.p(r.title, st["cell"]),
                op.p(format_money(r.item.proposal.support), st["cell_right"]),
                op.p(str(r.members_scored), st["cell_centre"]),
                op.p(average_text(r.average), st["cell_centre"]),
                op.p(_verdict(r), st["cell_centre"]),
                op.p(r.conclusion_label or "—", st["cell"]),
            ]
        )
    fractions = (0.07, 0.15, 0.22, 0.14, 0.08, 0.09, 0.1, 0.15)
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(op.grid_style(1))
    return table


def _criteria_table(s: AppraisalSession, width: float) -> Table:
    st = op.styles()
    spec = appraisal.criteria_of(s)
    rows: list[list[Any]] = [
        [
            op.p("TT", st["cell_head"]),
            op.p("Tiêu chí", st["cell_head"]),
            op.p("Tối đa", st["cell_head"]),
        ]
    ]
    for index, c in enumerate(spec.criteria, start=1):
        rows.append(
            [
                op.p(str(index), st["cell_centre"]),
                op.p(c.label, st["cell"]),
                op.p(str(c.max_points), st["cell_centre"]),
            ]
        )
    rows.append(
        [
            op.p("", st["cell"]),
            op.p("Tổng cộng", st["cell_bold"]),
            op.p(str(spec.total), st["cell_head"]),
        ]
    )
    table = Table(rows, colWidths=[width * 0.08, width * 0.77, width * 0.15])
    table.setStyle(op.grid_style(1, bold_rows=[len(rows) - 1]))
    return table


def _signatures(s: AppraisalSession, width: float) -> Flowable:
    st = op.styles()
    chair = appraisal.chair(s)
    secretary = appraisal.secretary(s)

    def block(caption: str, name: str) -> list[Flowable]:
        return [
            op.p(caption, st["sign_caption"]),
            op.SignatureSpace(22 * mm),
            op.p(name or " ", st["sign_name"]),
        ]

    table = Table(
        [
            [
                block("THƯ KÝ HỘI ĐỒNG", secretary.name if secretary else ""),
                block("CHỦ TỊCH HỘI ĐỒNG", chair.name if chair else ""),
            ]
        ],
        colWidths=[width / 2, width / 2],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    table.spaceBefore = 6 * mm
    return table


def story(s: AppraisalSession, values: dict[str, Any], width: float) -> list[Flowable]:
    st = op.styles()
    spec = appraisal.criteria_of(s)
    department = agency_from_settings(values, "department")
    agency = Agency(
        parent=department.name,
        name=COUNCIL_NAME,
        abbrev="HĐTĐ",
        place=department.place,
        signer_post="CHỦ TỊCH HỘI ĐỒNG",
        signer_name="",
    )
    results = session_results(s)
    out: list[Flowable] = []
    out += op.header(agency, number=None, when=s.meeting_date, width=width)
    out += op.title("Biên bản họp Hội đồng thẩm định", f"Đề án khuyến công năm {s.plan_year}")
    decision = decision_text(s)
    if decision:
        out.append(
            op.p(
                f"Căn cứ Quyết định {decision.removeprefix('thành lập theo Quyết định ')} "
                f"về việc thành lập {s.name};",
                st["body"],
            )
        )
    when = format_official_date(s.meeting_date) if s.meeting_date else "ngày … tháng … năm …"
    place = f", tại {s.place}" if s.place else ""
    out.append(
        op.p(
            f"Hôm nay, {when}{place}, {s.name} họp thẩm định các đề án khuyến công "
            f"năm {s.plan_year}.",
            st["body"],
        )
    )
    out.append(op.p("I. THÀNH PHẦN HỘI ĐỒNG", st["heading"]))
    for index, m in enumerate(s.members, start=1):
        post = f", {m.post}" if m.post else ""
        out.append(op.p(f"{index}. {m.name}{post} — {m.role.label}.", st["body_left"]))
    out.append(op.p("II. NGUYÊN TẮC ĐÁNH GIÁ", st["heading"]))
    basis = f", theo {spec.legal_basis}" if spec.legal_basis else ""
    name = _DEFAULT_SCALE_NOTE.sub("", spec.label)
    out.append(op.p(f"Bộ tiêu chí: {name}{basis}.", st["body"]))
    # A default scale's note is for the Centre (Settings), not for the signed minutes.
    if spec.note and not spec.default_scale:
        out.append(op.p(spec.note, st["small_italic"]))
    out.append(_criteria_table(s, width))
    out.append(Spacer(1, 3 * mm))
    out.append(
        op.p(
            f"Điểm của đề án là điểm bình quân tổng điểm của các thành viên đã chấm đủ các tiêu chí; "
            f"đề án đạt khi điểm bình quân từ {spec.pass_mark}/{spec.total} điểm trở lên. "
            "Thành viên có xung đột lợi ích không chấm đề án liên quan. " + TIE_RULE,
            st["body"],
        )
    )
    conflicts = [
        f"{sh.member.name} — đề án {item.proposal.code}: {sh.conflict_reason}"
        for item in s.items
        for sh in item.sheets
        if sh.conflict
    ]
    if conflicts:
        out.append(op.p("Thành viên khai xung đột lợi ích (không chấm):", st["body_left"]))
        out += [op.p(f"- {line}", st["body_left"]) for line in conflicts]
    out.append(op.p("III. KẾT QUẢ THẨM ĐỊNH", st["heading"]))
    out.append(_results_table(results, width))
    passed = [r for r in results if r.passed]
    failed = [r for r in results if r.passed is False]
    pending = [r for r in results if r.passed is None]
    total_support = sum(r.item.proposal.support for r in passed)
    out.append(Spacer(1, 3 * mm))
    out.append(op.p("IV. KẾT LUẬN", st["heading"]))
    out.append(
        op.p(
            f"Hội đồng thẩm định {len(results)} đề án: {len(passed)} đề án đạt, {len(failed)} đề án "
            f"không đạt" + (f", {len(pending)} đề án chưa chấm" if pending else "") + ". "
            f"Tổng kinh phí khuyến công đề nghị hỗ trợ của các đề án đạt: "
            f"{format_money(total_support)} đồng.",
            st["body"],
        )
    )
    out.append(op.p(f"(Bằng chữ: {amount_in_words(total_support)}.)", st["small_italic"]))
    out.append(
        op.p(
            "Biên bản được thông qua tại cuộc họp và lập thành 02 bản có giá trị như nhau.",
            st["body"],
        )
    )
    keep_with_last(out, [_signatures(s, width)], paragraphs=2)
    return out


def write_minutes(s: AppraisalSession, values: dict[str, Any], target: Path | BytesIO) -> None:
    """Write the minutes of ``s`` (``values`` = settings.get_all(session))."""
    buffer = BytesIO()
    doc = op.document(buffer, title_text=f"Biên bản thẩm định — {s.name}")
    op.build_document(doc, story(s, values, op.content_width(doc)))
    data = buffer.getvalue()
    if isinstance(target, Path):
        from kcdesk.services.core.safe_write import atomic_write_bytes

        atomic_write_bytes(target, data)
    else:
        target.write(data)
