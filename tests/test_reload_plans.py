"""What reloads after a save reads by index what it shows (issue 24, second pass).

SQLite has no statistics, so its plans do not depend on the data: on the demo database
the queries below must reach their rows through the indexes meant for them, not walk
every proposal (the results themselves are compared with the old ones in
``tests/test_attention_queries.py`` and ``tests/test_duplicate_support_batch.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import Proposal, ProposalFacility
from kcdesk.models.db import Database
from kcdesk.services.attention import collect as attention
from kcdesk.services.attention import unassigned_outputs
from kcdesk.services.dashboard import sql as dashboard_sql
from kcdesk.services.proposals import duplicates as dup

pytestmark = pytest.mark.sqlite_only  # SQLite's query plans


@contextmanager
def _plans(db: Database) -> Iterator[list[tuple[str, str]]]:
    """(statement, its plan) of every SELECT run inside the block."""
    found: list[tuple[str, str]] = []

    def explain(conn: Any, cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            rows = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, params)
            found.append((statement, " | ".join(str(row[-1]) for row in rows)))

    event.listen(db.engine, "before_cursor_execute", explain)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", explain)


def _plans_of(db: Database, work: Callable[[Session], object], marker: str) -> list[str]:
    with db.session() as session, _plans(db) as found:
        work(session)
    plans = [plan for statement, plan in found if marker in statement]
    assert plans, f"no statement with {marker!r}"
    return plans


def test_late_dossiers_read_a_range_of_their_index(demo_db) -> None:
    plans = _plans_of(demo_db, attention.late_dossiers, "received_date >")
    for plan in plans:
        assert (
            "ix_proposal_status_year_received (status=? AND plan_year=? AND received_date>?)"
            in (plan)
        ), plan


def test_unassigned_outputs_start_from_the_programme(demo_db) -> None:
    plans = _plans_of(demo_db, unassigned_outputs.items, "output_measure.planned")
    for plan in plans:
        assert "SCAN proposal" not in plan, plan
        assert "SEARCH proposal USING INDEX ix_proposal_dashboard (programme=?)" in plan, plan


def test_dashboard_money_groups_read_the_covering_index(demo_db) -> None:
    plans = _plans_of(
        demo_db,
        lambda s: dashboard_sql.proposal_groups(s, 2026, 2030, "CB-2026-2030"),
        "sum(proposal.approved_support)",
    )
    assert all("COVERING INDEX ix_proposal_dashboard " in plan for plan in plans), plans


def test_page_duplicate_support_reaches_proposals_by_facility(demo_db) -> None:
    with demo_db.session() as session:
        proposals = session.scalars(
            select(Proposal)
            .options(selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility))
            .order_by(Proposal.id)
            .limit(40)
        ).all()
        wanted = [
            (link.facility, p.activity, p.plan_year) for p in proposals for link in p.facility_links
        ]
        with _plans(demo_db) as found:
            dup.prior_support_many(session, wanted, 3)
    plans = [plan for _statement, plan in found]
    assert plans
    for plan in plans:
        assert "SCAN" not in plan, plan
    assert any("ix_facility_search_text" in plan for plan in plans), plans
    assert any("proposal_facility_facility_id" in plan for plan in plans), plans
