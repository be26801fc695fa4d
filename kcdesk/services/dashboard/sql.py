"""The dashboard's aggregates, computed in SQL (tổng hợp số liệu thực hiện chương trình).

Three grouped queries over the proposals of a plan-year range answer every number
of the dashboard; Python then only adds up a few hundred small groups per target.
Grouping by activity, plan year, commune, funding source and status keeps each
query a single pass over the rows, whatever the number of targets.

Counting rules (quy tắc đếm), used by the dashboard, the reports and the CLI:

- *in the catalogue* (đã phê duyệt): status in ``APPROVED_OR_LATER`` (approved,
  implementing, accepted, settled), quantity from ``OutputMeasure.planned``;
- *implemented* (đã thực hiện, nghiệm thu): status accepted or settled, quantity
  from ``OutputMeasure.achieved`` (an accepted proposal without a recorded result
  adds nothing until its result is entered);
- measure ``proposals``: each proposal counts 1;
- measure ``facilities`` (cơ sở được hỗ trợ): the proposal's ``facilities`` output
  when it records one, otherwise the number of beneficiary facilities linked to it;
- disbursed money (đã giải ngân) also counts proposals stopped after approval,
  because money paid before the stop was really spent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import Session

from kcdesk.models import (
    APPROVED_OR_LATER,
    OutputMeasure,
    Proposal,
    ProposalFacility,
    ProposalStatus,
)
from kcdesk.services.dashboard import summary_table as dashboard_summary

APPROVED_STATUSES: frozenset[str] = frozenset(s.value for s in APPROVED_OR_LATER)
IMPLEMENTED_STATUSES: frozenset[str] = frozenset(
    {ProposalStatus.ACCEPTED.value, ProposalStatus.SETTLED.value}
)
# Money paid before a stop stays spent: disbursed sums include stopped proposals.
SPENDING_STATUSES: frozenset[str] = APPROVED_STATUSES | {ProposalStatus.STOPPED.value}

_P = Proposal.__table__
_O = OutputMeasure.__table__
_F = ProposalFacility.__table__

PROPOSALS = "proposals"
FACILITIES = "facilities"


@dataclass(slots=True)
class ProposalGroup:
    """Proposals sharing activity, plan year, commune, funding source and status.

    Plain slots (a frozen dataclass costs several times as much to make), and the two
    counting flags are decided once when it is read: a refresh
    at 100,000 proposals reads some 5,000 groups and adds each one up five ways.
    """

    activity: str
    year: int
    commune: str
    source: str
    status: str
    count: int
    approved_support: int
    disbursed: int
    approved: bool  # in the catalogue (status in APPROVED_STATUSES)
    implemented: bool  # accepted or settled (IMPLEMENTED_STATUSES)


@dataclass(frozen=True)
class OutputGroup:
    """Sum of one measure over proposals sharing activity, plan year and status."""

    activity: str
    year: int
    status: str
    measure: str
    planned: int
    achieved: int


def _status_values(statuses: Iterable[str]) -> list[str]:
    return sorted(statuses)


def proposal_groups(
    session: Session, first_year: int, last_year: int, *, origin: str | None = None
) -> list[ProposalGroup]:
    """Counts and money of the approved (or stopped) proposals of ``first..last`` year.

    ``origin``: only the proposals merged from that old province (services/merge), for
    its own programme, counted on its own dashboard to its end.
    """
    p = Proposal.__table__.c
    query = (
        select(
            p.activity,
            p.plan_year,
            p.commune,
            p.funding_source,
            p.status,
            func.count(),
            func.coalesce(func.sum(p.approved_support), 0),
            func.coalesce(func.sum(p.disbursed), 0),
        )
        .where(
            p.plan_year.between(first_year, last_year),
            p.status.in_(_status_values(SPENDING_STATUSES)),
        )
        .group_by(p.activity, p.plan_year, p.commune, p.funding_source, p.status)
    )
    if origin:
        query = query.where(p.origin == origin)
    groups = []
    for activity, year, commune, source, status, count, support, disbursed in session.execute(
        query
    ):
        status = str(status)
        groups.append(
            ProposalGroup(
                activity,
                int(year),
                commune or "",
                source or "",
                status,
                int(count),
                int(support),
                int(disbursed),
                status in APPROVED_STATUSES,
                status in IMPLEMENTED_STATUSES,
            )
        )
    return groups


def output_groups(
    session: Session,
    first_year: int,
    last_year: int,
    *,
    wanted: Iterable[tuple[str, str]] | None = None,
    origin: str | None = None,
) -> list[OutputGroup]:
    """Planned and achieved outputs of approved proposals, by activity, year, status, measure.

    The ``facilities`` measure is completed with the count of linked beneficiaries
    for proposals that record no ``facilities`` output (see the module docstring).
    ``wanted`` — (activity, measure) pairs the programme's targets count — narrows
    the rows read to those pairs' activities and measures (None: everything).
    """
    p = Proposal.__table__.c
    o = OutputMeasure.__table__.c
    f = ProposalFacility.__table__.c
    in_range = and_(
        p.plan_year.between(first_year, last_year),
        p.status.in_(_status_values(APPROVED_STATUSES)),
    )
    if origin:
        in_range = and_(in_range, p.origin == origin)
    pairs = None if wanted is None else set(wanted)
    output_filter = in_range
    facility_filter = in_range
    if pairs is not None:
        measures = sorted({m for _a, m in pairs} - {PROPOSALS})
        output_filter = and_(
            in_range,
            p.activity.in_(sorted({a for a, m in pairs if m != PROPOSALS})),
            o.measure.in_(measures),
        )
        facility_filter = and_(
            in_range, p.activity.in_(sorted({a for a, m in pairs if m == FACILITIES}))
        )
    implemented = p.status.in_(_status_values(IMPLEMENTED_STATUSES))
    outputs = (
        select(
            p.activity,
            p.plan_year,
            p.status,
            o.measure,
            func.coalesce(func.sum(o.planned), 0),
            func.coalesce(func.sum(case((implemented, o.achieved), else_=0)), 0),
        )
        .select_from(_P.join(_O, o.proposal_id == p.id))
        .where(output_filter)
        .group_by(p.activity, p.plan_year, p.status, o.measure)
    )
    has_facility_output = exists().where(o.proposal_id == p.id, o.measure == FACILITIES)
    linked = (
        select(
            p.activity,
            p.plan_year,
            p.status,
            literal(FACILITIES),
            func.count(),
            func.count(),
        )
        .select_from(_P.join(_F, f.proposal_id == p.id))
        .where(facility_filter, ~has_facility_output)
        .group_by(p.activity, p.plan_year, p.status)
    )
    groups: list[OutputGroup] = []
    queries = [linked] if pairs is None or any(m == FACILITIES for _a, m in pairs) else []
    # The summary has no origin: one old province's figures are aggregated live.
    if not origin and dashboard_summary.available(session):
        # The trigger-kept summary holds exactly what ``outputs`` would compute.
        statuses = _status_values(APPROVED_STATUSES)
        for activity, year, status, measure, planned, achieved in dashboard_summary.output_cells(
            session, first_year, last_year, statuses
        ):
            if pairs is not None and (activity, measure) not in pairs:
                continue
            groups.append(
                OutputGroup(
                    activity=activity,
                    year=year,
                    status=status,
                    measure=measure,
                    planned=planned,
                    achieved=achieved if status in IMPLEMENTED_STATUSES else 0,
                )
            )
    else:
        queries.insert(0, outputs)
    for query in queries:
        for row in session.execute(query):
            status = str(row[2])
            groups.append(
                OutputGroup(
                    activity=row[0],
                    year=int(row[1]),
                    status=status,
                    measure=str(row[3]),
                    planned=int(row[4]),
                    # Linked facilities of an accepted proposal are its achieved count.
                    achieved=int(row[5]) if status in IMPLEMENTED_STATUSES else 0,
                )
            )
    return groups
