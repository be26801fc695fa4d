"""The appraisal section opens on its council in a few queries (issue 24): one load of
the council with its agenda, sheets and scores for the three tabs, the agenda's choices
as (code, title) — the same rows and cells as the lazy, per-item loading gave, on
both engines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select

from kcdesk.models.appraisal import AgendaItem, AppraisalSession
from kcdesk.models.db import Database
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.results import session_results
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.appraisal.view import AppraisalView


@pytest.fixture
def ctx(demo_db: Database) -> Iterator[AppContext]:
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


def _lazy_results(db: Database, sid: int) -> list[tuple]:
    """Results as the lazily loaded council gives them (no eager loading)."""
    with db.session() as session:
        s = session.scalars(select(AppraisalSession).where(AppraisalSession.id == sid)).one()
        return [
            (r.code, r.title, r.average, r.passed, r.conclusion_label, r.rank, r.members_scored)
            for r in session_results(s)
        ]


def test_section_opens_in_a_few_queries_with_the_same_rows(qtbot, ctx: AppContext) -> None:
    with ctx.db.session() as session:
        busiest = session.execute(
            select(AgendaItem.session_id, func.count())
            .group_by(AgendaItem.session_id)
            .order_by(func.count().desc())
        ).first()
    assert busiest is not None and busiest[1] > 5, "the demo should have a council at work"
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        view = AppraisalView(ctx)
        qtbot.addWidget(view)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)
    sid = view.session_id
    assert sid is not None
    with ctx.db.session() as session:
        items = session.scalar(select(func.count()).where(AgendaItem.session_id == sid))
        s = appraisal.get_session(session, sid)
        choices = [p.code for p in appraisal.available_proposals(session, s)]
    assert items and len(statements) < items, statements

    expected = _lazy_results(ctx.db, sid)
    shown = [
        tuple(view.results.table.item(row, col).text() for col in (1, 2))
        for row in range(view.results.table.rowCount())
    ]
    assert shown == [(code, title) for code, title, *_ in expected]
    codes = [view.setup.candidates.itemData(i) for i in range(view.setup.candidates.count())]
    assert codes == choices
    assert view.scores.proposal.count() == items


def test_eager_council_gives_the_lazy_results(demo_db: Database) -> None:
    with demo_db.session() as session:
        sids = list(session.scalars(select(AppraisalSession.id)))
    assert sids
    for sid in sids:
        with demo_db.session() as session:
            got = [
                (r.code, r.title, r.average, r.passed, r.conclusion_label, r.rank, r.members_scored)
                for r in session_results(appraisal.get_session(session, sid))
            ]
        assert got == _lazy_results(demo_db, sid)
