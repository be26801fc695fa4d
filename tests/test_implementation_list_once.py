"""The implementation list reads the settlement deadline once, not once per distinct
date (issue 24): the same rows and due dates as asking ``settlement_due`` row by row,
on both engines, in a number of statements that does not grow with the rows."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from kcdesk.models import Proposal
from kcdesk.models.db import Database
from kcdesk.services.implementation import views
from kcdesk.services.implementation.progress import latest_progress
from kcdesk.services.implementation.views import acceptance_dates, settlement_due


def test_list_rows_due_dates_as_asked_one_by_one(demo_db: Database) -> None:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(demo_db.engine, "before_cursor_execute", count)
    try:
        with demo_db.session() as session:
            rows = views.list_rows(session)
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", count)
    assert len(rows) > 10, "the demo should have proposals under implementation"
    assert len(statements) < 10, statements
    with demo_db.session() as session:
        accepted = acceptance_dates(session, [r.id for r in rows])
        ends = dict(session.execute(select(Proposal.id, Proposal.end_month)).tuples().all())
        latest = latest_progress(session, [r.id for r in rows])
        for row in rows:
            expected = settlement_due(session, row.plan_year, ends[row.id], accepted.get(row.id))
            assert row.settlement_due == expected, row.code
            progress = latest.get(row.id)
            assert (row.progress_date, row.progress_percent) == (
                progress if progress else (None, None)
            ), row.code
    assert len({r.settlement_due for r in rows}) >= 2
    assert any(r.progress_percent is not None for r in rows)


@pytest.mark.parametrize(
    "filters", [{"year": 2027}, {"search": "máy"}, {"year": 2026, "search": "a"}]
)
def test_filtered_list_is_the_whole_list_filtered(demo_db: Database, filters: dict) -> None:
    with demo_db.session() as session:
        whole = {r.code: r for r in views.list_rows(session)}
        some = views.list_rows(session, **filters)
    assert some, filters
    assert all(whole[r.code] == r for r in some)
