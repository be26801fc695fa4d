"""Appraisal results (kết quả thẩm định): averages, pass/fail, majority, ranking.

Rules (shown in the app and printed in the minutes):

- A member *has scored* a proposal when their sheet has a score for every
  criterion. Partly filled sheets are reported and not counted.
- The average is the mean of the totals of the members who scored, rounded half
  up to two decimals; the proposal passes when the average ≥ the pass mark.
- The majority conclusion is the conclusion ticked by most members who gave one.
  A tie is broken by the chair's conclusion when the chair is among the tied
  (the usual rule of Vietnamese councils: "ý kiến của Chủ tịch Hội đồng là quyết
  định"); otherwise the less favourable of the tied conclusions is taken (later in
  the set's list), since support needs a clear majority.
- Ranking: by average, highest first; proposals without scores come last; equal
  averages share a rank and keep agenda order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from kcdesk.models import ProposalStatus, utcnow
from kcdesk.models.appraisal import AgendaItem, AppraisalSession, CouncilMember, MemberRole
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.criteria import CriteriaSet
from kcdesk.services.appraisal.scores import format_points
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.proposals import workflow
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import APPRAISAL_EDIT, require

TWO_PLACES = Decimal("0.01")


@dataclass
class ItemResult:
    """The result of one agenda item."""

    item: AgendaItem
    code: str
    title: str
    totals: dict[int, Decimal] = field(default_factory=dict)  # member id → total
    partial: list[str] = field(default_factory=list)  # names of members with part sheets
    missing: list[str] = field(default_factory=list)  # members expected but without a sheet
    conflicted: list[str] = field(default_factory=list)
    votes: Counter[str] = field(default_factory=Counter)
    average: Decimal | None = None
    pass_mark: int = 0
    passed: bool | None = None
    conclusion: str | None = None
    conclusion_label: str = ""
    rank: int | None = None

    @property
    def members_scored(self) -> int:
        return len(self.totals)

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "members_scored": self.members_scored,
            "average": float(self.average) if self.average is not None else None,
            "pass_mark": self.pass_mark,
            "passed": self.passed,
            "conclusion": self.conclusion_label or None,
        }


def average(totals: Sequence[Decimal]) -> Decimal | None:
    if not totals:
        return None
    return (sum(totals, Decimal(0)) / len(totals)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def majority_conclusion(
    votes: Sequence[str], order: Sequence[str], chair_vote: str | None = None
) -> str | None:
    """The majority of ``votes`` with the tie rule of the module docstring."""
    counts = Counter(v for v in votes if v)
    if not counts:
        return None
    best = max(counts.values())
    tied = [code for code, n in counts.items() if n == best]
    if len(tied) == 1:
        return tied[0]
    if chair_vote in tied:
        return chair_vote
    rank = {code: index for index, code in enumerate(order)}
    return max(tied, key=lambda code: rank.get(code, len(order)))


def item_result(item: AgendaItem, spec: CriteriaSet) -> ItemResult:
    result = ItemResult(
        item=item, code=item.proposal.code, title=item.proposal.title, pass_mark=spec.pass_mark
    )
    criteria = {c.code for c in spec.criteria}
    chair_vote: str | None = None
    for member in item.session.members:
        sheet = appraisal.find_sheet(item, member)
        if sheet is not None and sheet.conflict:
            result.conflicted.append(member.name)
            continue
        scored = {sc.criterion: sc.points for sc in sheet.scores} if sheet else {}
        if criteria <= set(scored):
            result.totals[member.id] = sum((Decimal(scored[c]) for c in criteria), Decimal(0))
        elif scored:
            result.partial.append(member.name)
        else:
            result.missing.append(member.name)
        if sheet is not None and sheet.conclusion:
            result.votes[sheet.conclusion] += 1
            if member.role is MemberRole.CHAIR:
                chair_vote = sheet.conclusion
    result.average = average(list(result.totals.values()))
    if result.average is not None:
        result.passed = result.average >= spec.pass_mark
    votes = list(result.votes.elements())
    result.conclusion = majority_conclusion(votes, [c.code for c in spec.conclusions], chair_vote)
    result.conclusion_label = spec.conclusion_label(result.conclusion)
    return result


def session_results(s: AppraisalSession) -> list[ItemResult]:
    """Results of every agenda item, ranked (rank set on each)."""
    spec = appraisal.criteria_of(s)
    results = [item_result(item, spec) for item in s.items]
    scored = sorted(
        (r for r in results if r.average is not None),
        key=lambda r: (-(r.average or 0), r.item.position),
    )
    rank = 0
    for index, r in enumerate(scored, start=1):
        if index == 1 or r.average != scored[index - 2].average:
            rank = index
        r.rank = rank
    unscored = [r for r in results if r.average is None]
    return scored + unscored


def member_total(item: AgendaItem, member: CouncilMember) -> Decimal | None:
    sheet = appraisal.find_sheet(item, member)
    if sheet is None or sheet.conflict or not sheet.scores:
        return None
    return sum((Decimal(sc.points) for sc in sheet.scores), Decimal(0))


def result_reason(r: ItemResult, spec: CriteriaSet) -> str:
    """The reason written on the status change: passed / not passed with figures."""
    verdict = "Đạt" if r.passed else "Không đạt"
    text = (
        f"{verdict}: điểm bình quân {format_points(r.average)}/{spec.total} "
        f"(điểm đạt {spec.pass_mark}, {r.members_scored} thành viên chấm)"
    )
    if r.conclusion_label:
        text += f"; kết luận: {r.conclusion_label}"
    return text + "."


def record_results(
    session: Session,
    actor: Actor,
    s: AppraisalSession,
    *,
    codes: Sequence[str] | None = None,
) -> list[ItemResult]:
    """Ghi kết quả: store the result on each item and move its proposal to 'appraised'.

    Items already recorded are skipped. Refused as a whole (nothing saved) when the
    council has no members, an item has no complete sheet, or a sheet is partial.
    """
    require(actor, APPRAISAL_EDIT)
    if not s.members:
        raise ValidationError(f"Hội đồng «{s.name}» chưa có thành viên: chưa ghi được kết quả.")
    spec = appraisal.criteria_of(s)
    todo = [
        r
        for r in session_results(s)
        if r.item.recorded_at is None and (codes is None or r.code in codes)
    ]
    if codes is not None:
        unknown = set(codes) - {item.proposal.code for item in s.items}
        if unknown:
            raise ValidationError(f"Không có trong chương trình họp: {', '.join(sorted(unknown))}.")
    problems: list[str] = []
    for r in todo:
        if r.partial:
            problems.append(f"{r.code}: phiếu chưa đủ điểm của {', '.join(r.partial)}.")
        elif not r.totals:
            problems.append(f"{r.code}: chưa có phiếu nào đủ điểm.")
        if r.item.proposal.status is not ProposalStatus.AWAITING_APPRAISAL:
            problems.append(
                f"{r.code}: đang ở trạng thái '{r.item.proposal.status.label}', không phải "
                f"'{ProposalStatus.AWAITING_APPRAISAL.label}'."
            )
    if problems:
        raise ValidationError("Chưa ghi kết quả: " + " ".join(problems))
    now = utcnow()
    for r in todo:
        item = r.item
        item.average = r.average
        item.passed = r.passed
        item.conclusion = r.conclusion
        item.recorded_at = now
        workflow.change_status(
            session, actor, item.proposal, ProposalStatus.APPRAISED, reason=result_reason(r, spec)
        )
    if todo:
        appraisal._touch(
            session,
            actor,
            s,
            "results",
            {r.code: {"old": None, "new": result_reason(r, spec)} for r in todo},
        )
    return todo
