"""Figures of the periodic report (báo cáo kết quả thực hiện chương trình khuyến công).

For a reporting period (6 months or a year, any two dates really):

- *kế hoạch* (plan): proposals of the plan years the period touches (within the
  programme's period) that are in an approved catalogue — quantities from
  ``OutputMeasure.planned``, money from ``approved_support``;
- *thực hiện trong kỳ* (done in the period): proposals accepted (nghiệm thu)
  between the two dates — the date of their first change to "accepted" (or
  straight to "settled") — quantities from ``OutputMeasure.achieved``;
- *lũy kế* (cumulative): accepted from the start of the programme to the end date.

The counting rules are the dashboard's (:mod:`kcdesk.services.dashboard.sql`).

After a merge (issue 25) the old province's programme runs to its end beside the new
one: the report of the Centre's own programme carries, in ``beside``, the same figures
for every merged programme (``Programme.origin``, "tỉnh Hải Dương (cũ)") whose years
meet the period — each counted on its own, never added into the new one's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from kcdesk.models import OutputMeasure, Programme, Proposal, StatusChange
from kcdesk.services.core.errors import UserError
from kcdesk.services.dashboard.board import Totals, is_tracked
from kcdesk.services.dashboard.sql import (
    IMPLEMENTED_STATUSES,
    output_groups,
    proposal_groups,
)
from kcdesk.services.forms.load import load_activities
from kcdesk.services.programmes import store as programmes
from kcdesk.services.programmes.check import ProgrammeWarning

IN_PERIOD = "period"
BEFORE = "before"


@dataclass(frozen=True)
class PeriodTarget:
    code: str
    name: str
    unit: str
    planned: int | None
    tracked: bool
    plan: int | None  # in the approved catalogues of the period's plan years
    done: int | None  # accepted within the period
    cumulative: int | None  # accepted since the programme began, up to the end date
    note: str = ""  # the decision's note on the target

    @property
    def display_name(self) -> str:
        return f"{self.name} (ghi chú: {self.note})" if self.note else self.name

    @property
    def percent(self) -> float | None:
        if not self.tracked or not self.planned or self.cumulative is None:
            return None
        return self.cumulative / self.planned


@dataclass(frozen=True)
class PeriodActivity:
    activity: str
    label: str
    plan_count: int
    plan_support: int
    done_count: int
    done_support: int
    cumulative_count: int
    disbursed: int


@dataclass(frozen=True)
class PeriodReport:
    programme_code: str
    programme_name: str
    province: str
    start_year: int
    end_year: int
    decision_no: str | None
    decision_date: date | None
    date_from: date
    date_to: date
    plan_years: tuple[int, ...]
    targets: list[PeriodTarget]
    activities: list[PeriodActivity]
    budget_planned: int | None
    warnings: list[ProgrammeWarning] = field(default_factory=list)
    origin: str = ""  # the old province of a merged programme ("tỉnh Hải Dương (cũ)")
    # The merged old provinces' programmes over the same period, reported beside this one.
    beside: tuple[PeriodReport, ...] = ()

    @property
    def kind(self) -> str:
        """ "6 tháng" for a half year, "năm" for a calendar year, else "kỳ"."""
        days = (self.date_to - self.date_from).days + 1
        if self.date_from.month == 1 and self.date_from.day == 1 and 180 <= days <= 182:
            return "6 tháng đầu năm"
        if (self.date_from.month, self.date_from.day, self.date_to.month, self.date_to.day) == (
            1,
            1,
            12,
            31,
        ) and self.date_from.year == self.date_to.year:
            return "năm"
        return "kỳ"

    @property
    def period_text(self) -> str:
        return f"từ ngày {self.date_from:%d/%m/%Y} đến ngày {self.date_to:%d/%m/%Y}"

    def totals(self) -> PeriodActivity:
        return PeriodActivity(
            activity="",
            label="Tổng cộng",
            plan_count=sum(a.plan_count for a in self.activities),
            plan_support=sum(a.plan_support for a in self.activities),
            done_count=sum(a.done_count for a in self.activities),
            done_support=sum(a.done_support for a in self.activities),
            cumulative_count=sum(a.cumulative_count for a in self.activities),
            disbursed=sum(a.disbursed for a in self.activities),
        )


def _accepted_at() -> Subquery:
    """proposal_id -> the moment it was first accepted (or settled without acceptance)."""
    sc = StatusChange.__table__.c
    return (
        select(sc.proposal_id.label("proposal_id"), func.min(sc.at).label("at"))
        .where(sc.to_status.in_(sorted(IMPLEMENTED_STATUSES)))
        .group_by(sc.proposal_id)
        .subquery("accepted")
    )


def _done_groups(
    session: Session,
    programme: str,
    first_year: int,
    last_year: int,
    start: datetime,
    end: datetime,
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], list[int]]]:
    """Achieved outputs per (target, bucket) and proposals/money per (activity, bucket)
    of ``programme``'s proposals accepted before or within [start, end)."""
    p = Proposal.__table__.c
    o = OutputMeasure.__table__.c
    acc = _accepted_at()
    bucket = case((acc.c.at >= start, literal(IN_PERIOD)), else_=literal(BEFORE))
    where = and_(
        p.programme == programme,
        p.plan_year.between(first_year, last_year),
        p.status.in_(sorted(IMPLEMENTED_STATUSES)),
        acc.c.at < end,
    )
    base = Proposal.__table__.join(acc, acc.c.proposal_id == p.id)
    outputs: dict[tuple[str, str], int] = defaultdict(int)
    query = (
        select(o.target, bucket, func.coalesce(func.sum(o.achieved), 0))
        .select_from(base.join(OutputMeasure.__table__, o.proposal_id == p.id))
        .where(where, o.target != "")
        .group_by(o.target, bucket)
    )
    for target, b, value in session.execute(query):
        outputs[(str(target), str(b))] += int(value)
    money: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    counts = (
        select(p.activity, bucket, func.count(), func.coalesce(func.sum(p.approved_support), 0))
        .select_from(base)
        .where(where)
        .group_by(p.activity, bucket)
    )
    for activity, b, n, support in session.execute(counts):
        money[(activity, b)][0] += int(n)
        money[(activity, b)][1] += int(support)
    return outputs, money


def _merged_programmes(session: Session, first: int, last: int) -> list[str]:
    """Codes of the merged old provinces' programmes running in ``first``..``last``."""
    return list(
        session.scalars(
            select(Programme.code)
            .where(
                Programme.origin != "",
                Programme.start_year <= last,
                Programme.end_year >= first,
            )
            .order_by(Programme.origin, Programme.code)
        )
    )


def compute_period(
    session: Session, programme_code: str, date_from: date, date_to: date
) -> PeriodReport:
    """The figures of the report for ``date_from``..``date_to`` (both included)."""
    if date_to < date_from:
        raise UserError(
            f"Ngày kết thúc kỳ báo cáo ({date_to:%d/%m/%Y}) đứng trước ngày bắt đầu "
            f"({date_from:%d/%m/%Y})."
        )
    programme = programmes.get_programme(session, programme_code)
    first = max(programme.start_year, date_from.year)
    last = min(programme.end_year, date_to.year)
    plan_years = tuple(range(first, last + 1))
    all_targets = list(programme.targets)
    if first <= last:
        groups = proposal_groups(session, first, last, programme.code)
        plan = Totals(output_groups(session, first, last, programme=programme.code), all_targets)
    else:  # the period lies outside the programme: nothing planned in it
        groups = []
        plan = Totals([], all_targets)
    start = datetime.combine(date_from, time.min)
    end = datetime.combine(date_to + timedelta(days=1), time.min)
    outputs, money = _done_groups(
        session, programme.code, programme.start_year, programme.end_year, start, end
    )
    parts = {t.code: list(t.parts or []) for t in all_targets}

    def done(code: str, buckets: tuple[str, ...], seen: frozenset[str] = frozenset()) -> int:
        total = sum(outputs.get((code, b), 0) for b in buckets)
        for part in parts.get(code, []):
            if part not in seen and part != code:
                total += done(part, buckets, seen | {code})
        return total

    targets = []
    for t in all_targets:
        tracked = is_tracked(t)
        targets.append(
            PeriodTarget(
                code=t.code,
                name=t.name,
                unit=t.unit,
                planned=t.quantity,
                tracked=tracked,
                plan=sum(plan.get(t.code, y)[0] for y in plan_years) if tracked else None,
                done=done(t.code, (IN_PERIOD,)) if tracked else None,
                cumulative=done(t.code, (IN_PERIOD, BEFORE)) if tracked else None,
                note=t.note or "",
            )
        )
    specs = load_activities()
    rows: list[PeriodActivity] = []
    for code in [*specs, *sorted({g.activity for g in groups} - set(specs))]:
        approved = [g for g in groups if g.activity == code and g.approved]
        row = PeriodActivity(
            activity=code,
            label=specs[code].short_label if code in specs else code,
            plan_count=sum(g.count for g in approved),
            plan_support=sum(g.approved_support for g in approved),
            done_count=money.get((code, IN_PERIOD), [0, 0])[0],
            done_support=money.get((code, IN_PERIOD), [0, 0])[1],
            cumulative_count=money.get((code, IN_PERIOD), [0, 0])[0]
            + money.get((code, BEFORE), [0, 0])[0],
            disbursed=sum(g.disbursed for g in groups if g.activity == code),
        )
        if row.plan_count or row.done_count or row.cumulative_count or row.disbursed:
            rows.append(row)
    budget_planned: int | None = None
    by_year = programme.budget_by_year or {}
    if plan_years and all(str(y) in by_year for y in plan_years):
        budget_planned = sum(int(by_year[str(y)]) for y in plan_years)
    beside: tuple[PeriodReport, ...] = ()
    if not programme.origin:
        beside = tuple(
            compute_period(session, code, date_from, date_to)
            for code in _merged_programmes(session, date_from.year, date_to.year)
        )
    return PeriodReport(
        origin=programme.origin or "",
        beside=beside,
        programme_code=programme.code,
        programme_name=programme.name,
        province=programme.province,
        start_year=programme.start_year,
        end_year=programme.end_year,
        decision_no=programme.decision_no,
        decision_date=programme.decision_date,
        date_from=date_from,
        date_to=date_to,
        plan_years=plan_years,
        targets=targets,
        activities=rows,
        budget_planned=budget_planned,
        warnings=programmes.check(programme),
    )
