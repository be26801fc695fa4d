"""Printable list of amendments (danh sách đề nghị điều chỉnh, bổ sung, ngừng đề án).

An ND 30/2020 page from the Centre (landscape: the table is wide): for each request
the proposal, what changes (before → after), the reason, who must approve it and
why, and the decision when there is one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.platypus import Flowable, LongTable, Spacer

from kcdesk.formatting import format_date
from kcdesk.models.amendment import Amendment
from kcdesk.reports.common import official_pdf as op
from kcdesk.reports.common.closing import keep_with_last
from kcdesk.reports.common.org import Agency, signer_name
from kcdesk.services.amendments import record as amendments_service


@dataclass(frozen=True)
class AmendmentLine:
    """One request as printed (built by the service from an Amendment)."""

    code: str
    title: str
    number: int
    kind: str
    summary: str
    reason: str
    authority: str
    authority_reasons: Sequence[str]
    state: str
    decision_no: str | None
    decision_date: date | None
    request_no: str = ""
    request_date: date | None = None


def lines_from(amendments: Sequence[Amendment]) -> list[AmendmentLine]:
    return [
        AmendmentLine(
            code=a.proposal.code,
            title=a.proposal.title,
            number=a.number,
            kind=amendments_service.KIND_LABELS.get(a.kind, a.kind),
            summary=printed_summary(a),
            reason=a.reason,
            authority=amendments_service.authority_label(a.authority),
            authority_reasons=list(a.authority_reasons),
            state=amendments_service.STATE_LABELS.get(a.state, a.state),
            decision_no=a.decision_no,
            decision_date=a.decision_date,
            request_no=a.request_no or "",
            request_date=a.request_date,
        )
        for a in amendments
    ]


_ISO_MONTH = re.compile(r"\b(\d{4})-(\d{2})-01\b")


def printed_summary(a: Amendment) -> str:
    """What changes, as printed: the service's wording, months as MM/YYYY (the months
    of a proposal are stored as the first day of the month)."""
    return _ISO_MONTH.sub(r"\2/\1", amendments_service.summary_text(a))


def authority_sentence(line: AmendmentLine) -> str:
    """'Sở Công Thương phê duyệt: thay đổi thời gian thực hiện trong năm tài chính (Bước 4 …).'"""
    reasons = " ".join(r.strip() for r in line.authority_reasons if r.strip())
    head = f"{line.authority} phê duyệt."
    return f"{head} {reasons}" if reasons else head


def request_text(line: AmendmentLine) -> str:
    """'Số 1: Điều chỉnh — văn bản số 12/CV-HTX ngày 03/08/2026' (the request letter)."""
    text = f"Số {line.number}: {line.kind}"
    if line.request_no or line.request_date:
        text += " — văn bản"
        if line.request_no:
            text += f" số {line.request_no}"
        if line.request_date:
            text += f" ngày {format_date(line.request_date)}"
    return text


def write_amendment_pdf(
    path: Path,
    lines: Sequence[AmendmentLine],
    *,
    agency: Agency,
    when: date | None,
    subtitle: str = "",
) -> Path:
    title = "Danh sách đề nghị điều chỉnh, bổ sung, ngừng triển khai đề án khuyến công"
    doc = op.document(path, title_text=title, landscape_page=True)
    width = op.content_width(doc)
    st = op.styles()
    story: list[Flowable] = []
    story += op.header(agency, number=None, when=when, width=width)
    story += op.title(title, subtitle or None)
    head = [
        "STT",
        "Đề án",
        "Đề nghị",
        "Nội dung thay đổi",
        "Lý do",
        "Thẩm quyền phê duyệt",
        "Quyết định",
    ]
    data: list[list[object]] = [[op.p(h, st["cell_head"]) for h in head]]
    for n, line in enumerate(lines, start=1):
        decision = line.state
        if line.decision_no:
            decision += f"\nSố {line.decision_no}"
        if line.decision_date:
            decision += f" ngày {format_date(line.decision_date)}"
        data.append(
            [
                op.p(str(n), st["cell"]),
                op.p(f"{line.code}\n{line.title}", st["cell"]),
                op.p(request_text(line), st["cell"]),
                op.p(line.summary, st["cell"]),
                op.p(line.reason, st["cell"]),
                op.p(authority_sentence(line), st["cell"]),
                op.p(decision, st["cell"]),
            ]
        )
    fractions = (0.04, 0.15, 0.12, 0.22, 0.13, 0.22, 0.12)
    table = LongTable(data, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(op.grid_style(1))
    story.append(table)
    if not lines:
        story.append(op.p("Không có đề nghị nào.", st["body"]))
    signature = op.signature_block(
        caption="",
        post=agency.signer_post,
        name=signer_name(agency, draft=False),
        recipients=["Sở Công Thương", "Lưu: VT"],
        width=width,
    )
    # The signature stays with the table's last rows (never alone on a page).
    keep_with_last(story, [Spacer(1, 4), signature])
    op.build_document(doc, story)
    return path
