"""What goes on the printed appraisal sheets, built from a session; writes the batch PDF.

*Blank* sheets carry the council, the member and the proposal code (so the filled
paper can be matched back) and leave the proposal summary to be written by hand;
*pre-filled* sheets also print the title, beneficiary, activity and requested
support. Members with a declared conflict of interest get no sheet for that
proposal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from kcdesk.formatting import format_date, format_money
from kcdesk.models.appraisal import AgendaItem, AppraisalSession, CouncilMember
from kcdesk.reports.appraisal.sheet_pdf import CriterionLine, SheetData, write_sheets
from kcdesk.reports.common.official_pdf import place_date_text
from kcdesk.reports.common.org import agency_display_name, agency_from_settings
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.criteria import CriteriaSet
from kcdesk.services.appraisal.scores import format_points
from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.forms.load import load_activities
from kcdesk.services.proposals.lookup import facility_names

Order = Literal["member", "proposal"]
COUNCIL_NAME = "HỘI ĐỒNG THẨM ĐỊNH"


def decision_text(s: AppraisalSession) -> str:
    if not s.decision_no:
        return ""
    text = f"thành lập theo Quyết định số {s.decision_no}"
    if s.decision_date is not None:
        text += f" ngày {format_date(s.decision_date)}"
    return text


class SheetBuilder:
    """Builds SheetData for one session, reusing what every sheet shares."""

    def __init__(self, s: AppraisalSession, values: dict[str, Any], *, blank: bool) -> None:
        self.s = s
        self.spec: CriteriaSet = appraisal.criteria_of(s)
        self.blank = blank
        department = agency_from_settings(values, "department")
        self.agency_parent = department.name
        self.place_date = place_date_text(department.place, s.meeting_date)
        self.activities = load_activities()
        self.decision = decision_text(s)

    def build(
        self, item: AgendaItem, member: CouncilMember, *, with_scores: bool = False
    ) -> SheetData:
        p = item.proposal
        spec = self.spec
        scores: dict[str, str] = {}
        ticked, comment, total = "", "", ""
        sheet = appraisal.find_sheet(item, member) if with_scores else None
        if sheet is not None and not sheet.conflict:
            scores = {sc.criterion: format_points(sc.points) for sc in sheet.scores}
            ticked = spec.conclusion_label(sheet.conclusion)
            comment = sheet.comment
            if sheet.scores:
                total = format_points(sum(sc.points for sc in sheet.scores))
        activity = self.activities.get(p.activity)
        return SheetData(
            agency_parent=self.agency_parent,
            agency_name=COUNCIL_NAME,
            place_date=self.place_date,
            title=spec.sheet_title,
            # A default scale's note ("not the official scale yet") belongs in Settings,
            # not on a sheet a council member signs; a set's own note is printed.
            note=spec.note if not spec.default_scale else "",
            council=self.s.name,
            decision=self.decision,
            member_name=member.name,
            member_post=member.post,
            member_role=member.role.label,
            proposal_code=p.code,
            proposal_title=p.title,
            beneficiary=facility_names(p),  # blank when the proposal has none
            activity=activity.label if activity else p.activity,
            support=f"{format_money(p.support)} đồng",
            criteria=tuple(
                CriterionLine(c.label, c.max_points, scores.get(c.code, "")) for c in spec.criteria
            ),
            total_max=spec.total,
            pass_mark=spec.pass_mark,
            conclusions=tuple(c.label for c in spec.conclusions),
            ticked=ticked,
            comment=comment,
            total=total,
            prefilled=not self.blank,
        )


def pairs(s: AppraisalSession, order: Order) -> list[tuple[AgendaItem, CouncilMember]]:
    """(item, member) for every sheet to print, in hand-out order, conflicts left out."""
    if order == "member":
        out = [(item, m) for m in s.members for item in s.items]
    else:
        out = [(item, m) for item in s.items for m in s.members]
    return [(item, m) for item, m in out if not appraisal.is_conflicted(item, m)]


def session_sheets(
    session: Session,
    sessions: list[AppraisalSession],
    *,
    order: Order = "member",
    blank: bool = False,
    with_scores: bool = False,
) -> Iterator[SheetData]:
    values = settings.get_all(session)
    for s in sessions:
        builder = SheetBuilder(s, values, blank=blank)
        for item, member in pairs(s, order):
            yield builder.build(item, member, with_scores=with_scores)


def count_sheets(sessions: list[AppraisalSession]) -> int:
    return sum(len(pairs(s, "member")) for s in sessions)


def print_sheets(
    session: Session,
    sessions: list[AppraisalSession],
    target: Path,
    *,
    order: Order = "member",
    blank: bool = False,
    with_scores: bool = False,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """Write the sheets of ``sessions`` into one PDF; returns the number of sheets.

    Refuses a session without members or without an agenda (nothing to hand out).
    """
    for s in sessions:
        if not s.members:
            raise UserError(f"Hội đồng «{s.name}» chưa có thành viên: chưa in được phiếu.")
        if not s.items:
            raise UserError(f"Hội đồng «{s.name}» chưa có đề án trong chương trình họp.")
    total = count_sheets(sessions)
    sheets = session_sheets(session, sessions, order=order, blank=blank, with_scores=with_scores)
    callback = None if progress is None else (lambda done: progress(done, total))
    author = agency_display_name(agency_from_settings(settings.get_all(session), "department"))
    return write_sheets(
        target, sheets, title="Phiếu đánh giá thẩm định", progress=callback, author=author
    )
