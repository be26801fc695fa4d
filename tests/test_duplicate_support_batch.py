"""The register's duplicate-support warnings for a page come from one query
(``prior_support_many``) and say exactly what ``prior_support`` says row by row."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kcdesk.models import Facility, Proposal, ProposalFacility
from kcdesk.services.proposals import duplicates as dup


def test_batch_equals_one_by_one(demo_db) -> None:
    with demo_db.session() as session:
        proposals = session.scalars(
            select(Proposal)
            .options(selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility))
            .order_by(Proposal.id)
        ).all()
        wanted = [
            (link.facility, p.activity, p.plan_year) for p in proposals for link in p.facility_links
        ]
        # A facility without a tax code matched by its name and commune only.
        twin = Facility(name=wanted[0][0].name.upper(), commune=wanted[0][0].commune, tax_code="")
        twin.search_text = wanted[0][0].search_text
        wanted.append((twin, wanted[0][1], wanted[0][2]))
        for span in (0, 3):
            one_by_one = [dup.prior_support(session, f, a, y, span) for f, a, y in wanted]
            assert dup.prior_support_many(session, wanted, span) == one_by_one
            assert any(one_by_one), "the demo should have some prior support to find"
        assert dup.prior_support_many(session, wanted, -1) == [[] for _ in wanted]
