"""The implementation list's page is read in the list's order from its index (issue 24).

SQLite has no statistics in a Centre's database: without care it read every proposal
under implementation through the status index and sorted them for one page of 200.
The page must walk ``ix_proposal_listed_order`` (migration 0036) with no sort; the rows
themselves are compared with the whole list in ``tests/test_implementation_pages.py``."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from kcdesk.models.proposal import ProposalStatus
from kcdesk.services.implementation import views

pytestmark = pytest.mark.sqlite_only  # SQLite's query plans


def _page_plans(db: Any, **filters: Any) -> list[str]:
    found: list[str] = []

    def explain(conn: Any, cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        if "LIMIT" in statement and statement.lstrip().upper().startswith("SELECT"):
            rows = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, params)
            found.append(" | ".join(str(row[-1]) for row in rows))

    event.listen(db.engine, "before_cursor_execute", explain)
    try:
        with db.session() as session:
            views.list_page(session, 0, 5, **filters)
    finally:
        event.remove(db.engine, "before_cursor_execute", explain)
    return found


@pytest.mark.parametrize(
    "filters",
    [{}, {"year": 2026}, {"status": ProposalStatus.IMPLEMENTING}, {"search": "may"}],
)
def test_a_page_walks_the_list_order_index(demo_db: Any, filters: dict[str, Any]) -> None:
    with demo_db.engine.connect() as conn:
        assert (
            not conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).all()
            or not conn.exec_driver_sql("SELECT * FROM sqlite_stat1").all()
        )
    (plan,) = _page_plans(demo_db, **filters)
    assert "ix_proposal_listed_order" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def test_the_page_is_the_slice_of_the_whole_list(demo_db: Any) -> None:
    for filters in ({}, {"status": ProposalStatus.APPROVED}, {"year": 2026}):
        with demo_db.session() as session:
            whole = views.list_rows(session, **filters)
            pages = [views.list_page(session, n, 7, **filters) for n in range(0, 21, 7)]
        assert [r for page in pages for r in page] == whole[:21]
        assert whole or filters  # the demo has proposals under implementation
