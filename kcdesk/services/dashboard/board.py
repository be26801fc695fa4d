"""Programme-target dashboard (bảng theo dõi thực hiện chương trình khuyến công).

For one programme: each target's planned quantity, the quantity in approved
catalogues, the quantity implemented, the percentage and the pace; the budget by
source against approved support and disbursed money; breakdowns by year, activity
and commune; and the programme's consistency warnings. The counting rules are in
:mod:`kcdesk.services.dashboard.sql`, where the aggregates run.

A target is *tracked* (đếm tự động) when it names at least one activity and a
measure other than ``other``: percentages and "per class" figures of a decision
(e.g. "35 học viên/1 lớp") cannot be added up from proposals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kcdesk.models import Programme, Target
from kcdesk.services.communes.official import commune as official_commune
from kcdesk.services.core.errors import UserError
from kcdesk.services.dashboard.sql import (
    OutputGroup,
    ProposalGroup,
    output_groups,
    proposal_groups,
)
from kcdesk.services.forms.load import load_activities, load_funding_sources
from kcdesk.services.programmes import store as programmes
from kcdesk.services.programmes.check import ProgrammeWarning

# Pace (tiến độ) of a target against the share of the period already elapsed.
PACE_DONE = "done"  # implemented ≥ planned
PACE_ON_TRACK = "on_track"  # implemented share ≥ elapsed share
PACE_CATALOGUED = "catalogued"  # only the approved share keeps pace
PACE_BEHIND = "behind"
PACE_NO_PLAN = "no_plan"  # counted, but the decision sets no quantity
PACE_NONE = "none"  # not counted from proposals (rates, per-class figures)

PACE_LABELS = {
    PACE_DONE: "Đã đạt chỉ tiêu",
    PACE_ON_TRACK: "Đúng tiến độ",
    PACE_CATALOGUED: "Đủ trong danh mục, chậm nghiệm thu",
    PACE_BEHIND: "Chậm tiến độ",
    PACE_NO_PLAN: "Chưa có số kế hoạch",
    PACE_NONE: "Không đếm tự động",
}

# The programme's budget columns each funding source of a proposal draws on.
SOURCE_TO_BUDGET = {"quoc_gia": "national", "dia_phuong": "local", "cap_xa": "local"}


@dataclass(frozen=True)
class TargetProgress:
    """One target's figures (chỉ tiêu: kế hoạch, đã phê duyệt, đã thực hiện)."""

    code: str
    group: str
    name: str
    unit: str
    measure: str
    activities: tuple[str, ...]
    parts: tuple[str, ...]
    planned: int | None
    tracked: bool
    approved: int | None
    implemented: int | None
    # plan year -> (approved, implemented)
    by_year: dict[int, tuple[int, int]]
    pace: str
    # The decision's note on the target (e.g. "per đợt", "3 brochure vs 600 ấn phẩm").
    note: str = ""

    @property
    def display_name(self) -> str:
        """The name with the decision's note, as shown and exported."""
        return f"{self.name} (ghi chú: {self.note})" if self.note else self.name

    @property
    def percent(self) -> float | None:
        """Implemented share of the planned quantity (0.0–1.0+), None if not computable."""
        if not self.tracked or not self.planned or self.implemented is None:
            return None
        return self.implemented / self.planned

    @property
    def approved_percent(self) -> float | None:
        if not self.tracked or not self.planned or self.approved is None:
            return None
        return self.approved / self.planned


@dataclass(frozen=True)
class MoneyRow:
    """A breakdown row: proposals approved / implemented and their money (đồng)."""

    key: str
    label: str
    approved_count: int
    implemented_count: int
    approved_support: int
    disbursed: int
    planned: int | None = None


@dataclass(frozen=True)
class BudgetSummary:
    """Kinh phí: the programme's budget against approved support and disbursed money."""

    planned: int | None
    planned_national: int | None
    planned_local: int | None
    planned_other: int | None
    approved_support: int
    disbursed: int
    by_source: list[MoneyRow]


@dataclass(frozen=True)
class Dashboard:
    programme_code: str
    programme_name: str
    province: str
    start_year: int
    end_year: int
    decision_no: str | None
    decision_date: date | None
    year: int | None
    today: date
    expected_share: float
    targets: list[TargetProgress]
    budget: BudgetSummary
    by_year: list[MoneyRow]
    by_activity: list[MoneyRow]
    by_commune: list[MoneyRow]
    warnings: list[ProgrammeWarning] = field(default_factory=list)
    origin: str = ""  # a merged old province's programme ("tỉnh Hải Dương (cũ)")

    @property
    def years(self) -> list[int]:
        if self.year is not None:
            return [self.year]
        return list(range(self.start_year, self.end_year + 1))

    def target(self, code: str) -> TargetProgress:
        for target in self.targets:
            if target.code == code:
                return target
        raise KeyError(code)


def expected_share(start_year: int, end_year: int, today: date) -> float:
    """Share of the period elapsed at ``today`` (0.0 before it starts, 1.0 after it ends)."""
    start, end = date(start_year, 1, 1), date(end_year, 12, 31)
    if today < start:
        return 0.0
    if today >= end:
        return 1.0
    return ((today - start).days + 1) / ((end - start).days + 1)


def pace_of(
    planned: int | None, approved: int | None, implemented: int | None, share: float
) -> str:
    if approved is None or implemented is None:
        return PACE_NONE
    if not planned:
        return PACE_NO_PLAN
    if implemented >= planned:
        return PACE_DONE
    if implemented >= planned * share:
        return PACE_ON_TRACK
    if approved >= planned * share:
        return PACE_CATALOGUED
    return PACE_BEHIND


def is_tracked(target: Target) -> bool:
    """Counted from proposals: a leaf naming activities and a measure, or made of parts."""
    return bool(target.parts) or (bool(target.activities) and target.measure != "other")


def scope_years(programme: Programme, year: int | None) -> tuple[int, int]:
    """The plan years counted: the whole period, or the one year chosen inside it."""
    if year is None:
        return programme.start_year, programme.end_year
    if not programme.start_year <= year <= programme.end_year:
        raise UserError(
            f"Năm {year} nằm ngoài giai đoạn {programme.start_year}-{programme.end_year} "
            f"của chương trình {programme.code}."
        )
    return year, year


class Totals:
    """Per (target, year) sums, approved and implemented, of the outputs recorded
    against each target; a target with ``parts`` adds its parts up."""

    def __init__(self, outputs: list[OutputGroup], targets: list[Target] | None = None) -> None:
        # (target, year) -> [approved, implemented]
        self.cells: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
        for o in outputs:
            cell = self.cells[(o.target, o.year)]
            cell[0] += o.planned
            cell[1] += o.achieved
        self.parts = {t.code: list(t.parts or []) for t in targets or []}

    def get(self, target: str, year: int, _seen: frozenset[str] = frozenset()) -> tuple[int, int]:
        cell = self.cells.get((target, year))
        approved, implemented = (cell[0], cell[1]) if cell else (0, 0)
        for part in self.parts.get(target, []):
            if part in _seen or part == target:  # a loop in the decision's parts
                continue
            a, i = self.get(part, year, _seen | {target})
            approved, implemented = approved + a, implemented + i
        return approved, implemented


def _target_progress(
    target: Target, totals: Totals, years: list[int], share: float
) -> TargetProgress:
    tracked = is_tracked(target)
    by_year: dict[int, tuple[int, int]] = {}
    approved: int | None = None
    implemented: int | None = None
    if tracked:
        approved = implemented = 0
        for year in years:
            a, i = totals.get(target.code, year)
            by_year[year] = (a, i)
            approved, implemented = approved + a, implemented + i
    return TargetProgress(
        code=target.code,
        group=target.group,
        name=target.name,
        unit=target.unit,
        measure=target.measure,
        activities=tuple(target.activities or ()),
        parts=tuple(target.parts or ()),
        planned=target.quantity,
        tracked=tracked,
        approved=approved,
        implemented=implemented,
        by_year=by_year,
        pace=pace_of(target.quantity, approved, implemented, share) if tracked else PACE_NONE,
        note=target.note or "",
    )


# Money sums per key of one breakdown: [approved count, implemented count, approved
# support, disbursed].
_Sums = dict[str, list[int]]


def commune_label(key: str) -> str:
    """A commune group's name: the official name of a code, else the text as typed."""
    if not key:
        return "(chưa ghi xã)"
    found = official_commune(key) if key.isdigit() else None
    return found.name if found else f"{key} (chưa khớp danh mục)"


def _money_sums(groups: list[ProposalGroup]) -> tuple[_Sums, _Sums, _Sums, _Sums]:
    """By funding source, plan year, activity and commune, in one pass over the groups
    (some 5,000 at 100,000 proposals; four passes cost a quarter of a refresh)."""
    by_source: _Sums = {}
    by_year: _Sums = {}
    by_activity: _Sums = {}
    by_commune: _Sums = {}
    for g in groups:
        approved = g.count if g.approved else 0
        implemented = g.count if g.implemented else 0  # implemented ⊂ approved
        support = g.approved_support if g.approved else 0
        for table, key in (
            (by_source, g.source),
            (by_year, str(g.year)),
            (by_activity, g.activity),
            (by_commune, g.commune),
        ):
            cell = table.get(key)
            if cell is None:
                cell = table[key] = [0, 0, 0, 0]
            cell[0] += approved
            cell[1] += implemented
            cell[2] += support
            cell[3] += g.disbursed
    return by_source, by_year, by_activity, by_commune


def _money_rows(
    sums: _Sums,
    label_of: Any,
    planned_of: Any = None,
    keys: list[str] | None = None,
) -> list[MoneyRow]:
    """One row per key: ``keys`` first (zero when nothing was found), then the rest."""
    first = list(keys or [])
    seen = set(first)
    order = first + [k for k in sums if k not in seen]
    empty = [0, 0, 0, 0]
    rows = []
    for key in order:
        v = sums.get(key, empty)
        rows.append(
            MoneyRow(
                key=key,
                label=label_of(key),
                approved_count=v[0],
                implemented_count=v[1],
                approved_support=v[2],
                disbursed=v[3],
                planned=planned_of(key) if planned_of else None,
            )
        )
    return rows


def _budget(programme: Programme, by_source_sums: _Sums, year: int | None) -> BudgetSummary:
    sources = load_funding_sources()
    by_source = _money_rows(
        by_source_sums,
        lambda k: sources[k].label if k in sources else k,
        keys=list(sources),
    )
    planned = programme.budget_total
    if year is not None:
        by_year = programme.budget_by_year or {}
        planned = int(by_year[str(year)]) if str(year) in by_year else None
    whole_period = year is None
    return BudgetSummary(
        planned=planned,
        planned_national=programme.budget_national if whole_period else None,
        planned_local=programme.budget_local if whole_period else None,
        planned_other=programme.budget_other if whole_period else None,
        approved_support=sum(v[2] for v in by_source_sums.values()),
        disbursed=sum(v[3] for v in by_source_sums.values()),
        by_source=by_source,
    )


def compute(
    session: Session, programme_code: str, *, year: int | None = None, today: date | None = None
) -> Dashboard:
    """Every figure of the dashboard for ``programme_code`` (optionally one plan year)."""
    programme = programmes.get_programme(session, programme_code)
    first, last = scope_years(programme, year)
    today = today or date.today()
    share = expected_share(programme.start_year, programme.end_year, today)
    groups = proposal_groups(session, first, last, programme.code)
    totals = Totals(
        output_groups(session, first, last, programme=programme.code), list(programme.targets)
    )
    years = list(range(first, last + 1))
    activities = load_activities()
    order = {code: n for n, code in enumerate(activities)}
    source_sums, year_sums, activity_sums, commune_sums = _money_sums(groups)
    by_activity = _money_rows(
        activity_sums,
        lambda k: activities[k].short_label if k in activities else k,
        lambda k: _int_or_none((programme.budget_by_activity or {}).get(k)),
    )
    by_activity.sort(key=lambda r: (order.get(r.key, len(order)), r.key))
    by_commune = _money_rows(commune_sums, commune_label)
    by_commune.sort(key=lambda r: (-r.approved_support, r.key))
    return Dashboard(
        programme_code=programme.code,
        programme_name=programme.name,
        province=programme.province,
        origin=programme.origin or "",
        start_year=programme.start_year,
        end_year=programme.end_year,
        decision_no=programme.decision_no,
        decision_date=programme.decision_date,
        year=year,
        today=today,
        expected_share=share,
        targets=[_target_progress(t, totals, years, share) for t in programme.targets],
        budget=_budget(programme, source_sums, year),
        by_year=_money_rows(
            year_sums,
            lambda k: f"Năm {k}",
            lambda k: _int_or_none((programme.budget_by_year or {}).get(k)),
            keys=[str(y) for y in years],
        ),
        by_activity=by_activity,
        by_commune=by_commune,
        warnings=programmes.check(programme),
    )


def _int_or_none(value: object) -> int | None:
    return None if value is None else int(str(value))


def to_json(dashboard: Dashboard) -> dict[str, Any]:
    """The CLI's ``dashboard --json`` shape (stable: scripts read it)."""
    return {
        "programme": {
            "code": dashboard.programme_code,
            "name": dashboard.programme_name,
            "start_year": dashboard.start_year,
            "end_year": dashboard.end_year,
        },
        "year": dashboard.year,
        "expected_share": round(dashboard.expected_share, 4),
        "targets": [
            {
                "code": t.code,
                "name": t.name,
                "unit": t.unit,
                "measure": t.measure,
                "planned": t.planned,
                "approved": t.approved,
                "implemented": t.implemented,
                "percent": None if t.percent is None else round(t.percent * 100, 1),
                "pace": t.pace,
                "note": t.note,
                "by_year": {
                    str(y): {"approved": a, "implemented": i} for y, (a, i) in t.by_year.items()
                },
            }
            for t in dashboard.targets
        ],
        "budget": {
            "planned": dashboard.budget.planned,
            "national": dashboard.budget.planned_national,
            "local": dashboard.budget.planned_local,
            "other": dashboard.budget.planned_other,
            "approved_support": dashboard.budget.approved_support,
            "disbursed": dashboard.budget.disbursed,
        },
        "by_year": [_row_json(r) for r in dashboard.by_year],
        "by_activity": [_row_json(r) for r in dashboard.by_activity],
        "by_commune": [_row_json(r) for r in dashboard.by_commune],
        "warnings": [w.message for w in dashboard.warnings],
    }


def _row_json(row: MoneyRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "approved": row.approved_count,
        "implemented": row.implemented_count,
        "approved_support": row.approved_support,
        "disbursed": row.disbursed,
        "planned": row.planned,
    }
