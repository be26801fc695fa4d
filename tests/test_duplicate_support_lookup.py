"""``prior_support`` finds its candidate facilities first, then their proposals by the
facility index (issue 24: the one query joining both walked every proposal of the
year window). Same results as that one query, on the demo data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import APPROVED_OR_LATER, Facility, Proposal, ProposalFacility
from kcdesk.services.proposals import duplicates as dup
from kcdesk.text import fold


def _one_query(
    session: Session, facility: Facility, activity: str, plan_year: int, span_years: int
) -> list[tuple[str, int]]:
    """The lookup as it was before issue 24: one query over the year window."""
    if span_years < 0:
        return []
    name_key = (fold(facility.name), fold(facility.commune))
    match: list[Any] = []
    if facility.id is not None:
        match.append(ProposalFacility.facility_id == facility.id)
    if facility.tax_code:
        match.append(Facility.tax_code == facility.tax_code)
    if name_key[0]:
        word = dup._escape_like(name_key[0])
        match.append(Facility.search_text.like(f"%{word}%", escape="\\"))
    if not match:
        return []
    rows = session.execute(
        select(Proposal.code, Proposal.plan_year, Facility)
        .join(ProposalFacility, ProposalFacility.proposal_id == Proposal.id)
        .join(Facility, Facility.id == ProposalFacility.facility_id)
        .where(
            Proposal.activity == activity,
            Proposal.status.in_(sorted(APPROVED_OR_LATER)),
            Proposal.plan_year >= plan_year - span_years,
            Proposal.plan_year <= plan_year,
            or_(*match),
        )
    ).all()
    found = {(c, y) for c, y, other in rows if dup._same_facility(facility, other, name_key)}
    return sorted(found, key=lambda item: (item[1], item[0]))


def test_same_results_as_the_one_query(demo_db) -> None:
    with demo_db.session() as session:
        proposals = session.scalars(
            select(Proposal)
            .options(selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility))
            .order_by(Proposal.id)
        ).all()
        wanted = [
            (link.facility, p.activity, p.plan_year) for p in proposals for link in p.facility_links
        ]
        first = wanted[0][0]
        # Not saved (the wizard's new beneficiary): by name and commune, or tax code only.
        twin = Facility(name=first.name.upper(), commune=first.commune, tax_code="")
        by_tax = Facility(name="Cơ sở khác hẳn", commune="", tax_code=first.tax_code)
        nameless = Facility(name="", commune="", tax_code="")
        wanted += [(f, wanted[0][1], wanted[0][2]) for f in (twin, by_tax, nameless)]
        found_any = False
        for span in (-1, 0, 3):
            for facility, activity, year in wanted:
                got = dup.prior_support(session, facility, activity, year, span)
                assert got == _one_query(session, facility, activity, year, span)
                found_any = found_any or bool(got)
        assert found_any, "the demo should have some prior support to find"
