"""The draft catalogue's outline (khung danh mục dự thảo): which proposals it holds, in
which group and order, and each group's count and totals — without building an entry.

Opening the catalogue judged every proposal of the plan year (45,197 at 100,000
proposals) and built the draft's 8,245 entries with their beneficiaries before the
first screen (issue 24). The outline reads only the proposals whose status can put
them in the draft (``selection.ALREADY_IN`` and appraised), from one covering index
(``ix_proposal_catalogue``, migration 0033), and the last recorded result of the
appraised ones; the screen then reads the entries a page at a time
(``selection.entries_by_id``). Judged as ``selection.judge`` judges: the same
proposals, groups, order and totals as ``versions.view`` of the draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.appraisal import AgendaItem, AppraisalSession
from kcdesk.services.appraisal.criteria import parse_set
from kcdesk.services.catalogue.build import group_heads
from kcdesk.services.catalogue.selection import ALREADY_IN, passes


@dataclass(frozen=True)
class GroupOutline:
    """One group of the draft (nhóm nội dung): its proposals' ids by code, its totals."""

    numeral: str
    activity: str
    label: str
    ids: tuple[int, ...]
    sums: tuple[tuple[str, int], ...]  # (money key, total), the keys of ``_SUMMED``

    def total(self, key: str) -> int:
        return dict(self.sums)[key]


@dataclass(frozen=True)
class DraftOutline:
    """The draft catalogue of a plan year and source, without its entries."""

    plan_year: int
    funding_source: str
    groups: tuple[GroupOutline, ...]
    year_count: int  # proposals of the plan year, of every source

    @property
    def ids(self) -> list[int]:
        """Every entry's proposal id, in the catalogue's order (group, then code)."""
        return [i for g in self.groups for i in g.ids]

    @property
    def count(self) -> int:
        return sum(len(g.ids) for g in self.groups)

    def total(self, key: str) -> int:
        return sum(g.total(key) for g in self.groups)


# The amounts a group adds up (``columns.MONEY_KEYS``), in the order they are summed.
_SUMMED = ("total_cost", "support", "counterpart", "other_funds")
_COLUMNS = (
    Proposal.id,
    Proposal.code,
    Proposal.activity,
    Proposal.status,
    Proposal.total_cost,
    Proposal.support,
    Proposal.approved_support,
    Proposal.counterpart,
    Proposal.other_funds,
)


def _passed_appraisal(session: Session, plan_year: int, funding_source: str) -> set[int]:
    """Appraised proposals of the year and source whose last recorded result puts them
    in the draft (``selection._appraisal_verdict``'s rule)."""
    items = session.execute(
        select(AgendaItem.proposal_id, AgendaItem.session_id, AgendaItem.passed)
        .add_columns(AgendaItem.conclusion)
        .join(Proposal, Proposal.id == AgendaItem.proposal_id)
        .where(
            Proposal.plan_year == plan_year,
            Proposal.funding_source == funding_source,
            Proposal.status == ProposalStatus.APPRAISED,
            AgendaItem.recorded_at.is_not(None),
        )
        .order_by(AgendaItem.recorded_at, AgendaItem.id)
    ).all()
    latest = {item.proposal_id: item for item in items}  # the last result counts
    councils = {item.session_id for item in latest.values()}
    specs = {
        row.id: parse_set(row.criteria, row.name)
        for row in session.execute(
            select(AppraisalSession.id, AppraisalSession.criteria, AppraisalSession.name).where(
                AppraisalSession.id.in_(councils)
            )
        )
    }
    return {
        proposal_id
        for proposal_id, item in latest.items()
        if passes(item.passed, item.conclusion, specs[item.session_id])
    }


def draft_outline(session: Session, plan_year: int, funding_source: str) -> DraftOutline:
    """The draft catalogue's groups (ids by code, counts, totals) and the year's count."""
    session.flush()  # the driver's rows below skip the session's autoflush
    statuses = [*ALREADY_IN, ProposalStatus.APPRAISED]
    query = select(*_COLUMNS).where(
        Proposal.plan_year == plan_year,
        Proposal.funding_source == funding_source,
        Proposal.status.in_(statuses),
    )
    # Straight from the driver's cursor, as ``selection.candidates`` reads the year.
    result = session.connection().execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    passed = _passed_appraisal(session, plan_year, funding_source)
    appraised = ProposalStatus.APPRAISED.value
    by_activity: dict[str, list[tuple[str, int]]] = {}
    sums: dict[str, list[int]] = {}
    for pid, code, activity, status, total_cost, support, approved, counterpart, other in rows:
        if status == appraised and pid not in passed:
            continue
        if approved is not None and approved != support:
            # As ``build.entry_from_columns``: the approved support, and the facility's
            # share making up the difference.
            support = approved
            counterpart = max(0, total_cost - support - other)
        by_activity.setdefault(activity, []).append((code, pid))
        money = sums.setdefault(activity, [0, 0, 0, 0])
        money[0] += total_cost
        money[1] += support
        money[2] += counterpart
        money[3] += other
    groups = tuple(
        GroupOutline(
            numeral=numeral,
            activity=activity,
            label=label,
            ids=tuple(pid for _code, pid in sorted(by_activity[activity])),
            sums=tuple(zip(_SUMMED, sums[activity], strict=True)),
        )
        for numeral, activity, label in group_heads(by_activity)
    )
    year_count = session.scalar(
        select(func.count()).select_from(Proposal).where(Proposal.plan_year == plan_year)
    )
    return DraftOutline(plan_year, funding_source, groups, int(year_count or 0))
