"""The agenda's choice list ("Thêm đề án vào chương trình") at the section's first
opening (issue 24): the same choices, order and texts as the proposals awaiting
appraisal, read through their own index, and a combo box sized by its row rather
than by measuring every choice (a plan year can hold thousands)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.appraisal import AgendaItem, AppraisalSession
from kcdesk.models.db import Database
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.appraisal.view import AppraisalView


@pytest.fixture
def ctx(demo_db: Database) -> Iterator[AppContext]:
    _more_awaiting(demo_db)
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


def _more_awaiting(db: Database) -> None:
    """The small demo puts its proposals awaiting appraisal on agendas: a few more of
    each plan year await one, in no code order, so the list has something to show."""
    with db.session() as session:
        on_agenda = select(AgendaItem.proposal_id)
        free = session.scalars(
            select(Proposal).where(Proposal.id.not_in(on_agenda)).order_by(Proposal.title)
        ).all()
        for proposal in free[::3]:
            proposal.status = ProposalStatus.AWAITING_APPRAISAL


def _awaiting(db: Database, year: int) -> set[tuple[str, str]]:
    """(code, title) of the year's proposals awaiting appraisal on no open agenda,
    filtered here in Python from every proposal and agenda item."""
    with db.session() as session:
        busy = {
            pid
            for pid, recorded in session.execute(
                select(AgendaItem.proposal_id, AgendaItem.recorded_at)
            )
            if recorded is None
        }
        return {
            (code, title)
            for pid, code, title, plan_year, status in session.execute(
                select(
                    Proposal.id, Proposal.code, Proposal.title, Proposal.plan_year, Proposal.status
                )
            )
            if plan_year == year and status in appraisal.AGENDA_STATUSES and pid not in busy
        }


def test_section_shows_every_proposal_awaiting_appraisal_in_code_order(
    qtbot, ctx: AppContext
) -> None:
    view = AppraisalView(ctx)
    qtbot.addWidget(view)
    sid = view.session_id
    assert sid is not None
    with ctx.db.session() as session:
        s = appraisal.get_session(session, sid)
        year = s.plan_year
        whole = [(p.code, p.title) for p in appraisal.available_proposals(session, s)]
        choices = appraisal.available_choices(session, s)
    assert whole, "the demo should have proposals awaiting appraisal"
    assert choices == whole
    assert set(choices) == _awaiting(ctx.db, year)
    box = view.setup.candidates
    shown = [(box.itemText(i), box.itemData(i)) for i in range(box.count())]
    assert shown == [(f"{code} — {title}", code) for code, title in whole]


def test_every_council_has_the_same_choices_as_whole_proposals(demo_db: Database) -> None:
    _more_awaiting(demo_db)
    with demo_db.session() as session:
        sids = list(session.scalars(select(AppraisalSession.id)))
    assert sids
    for sid in sids:
        with demo_db.session() as session:
            s = appraisal.get_session(session, sid)
            whole = [(p.code, p.title) for p in appraisal.available_proposals(session, s)]
            assert appraisal.available_choices(session, s) == whole
            assert set(whole) == _awaiting(demo_db, s.plan_year)


def test_choice_box_is_not_sized_by_its_choices(qtbot, ctx: AppContext) -> None:
    view = AppraisalView(ctx)
    qtbot.addWidget(view)
    view.show()  # a box adjusting to its contents measures them on its first showing
    box = view.setup.candidates
    assert box.count() > 0
    metrics = box.fontMetrics()
    widest = max(metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count()))
    # Measured by its choices, the box would be at least as wide as the widest of them.
    assert box.minimumSizeHint().width() < widest
    assert box.sizeHint().width() < widest


@pytest.mark.sqlite_only  # SQLite's query plans
def test_choices_read_a_range_of_their_index(demo_db: Database) -> None:
    plans: list[str] = []

    def explain(_conn: Any, cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        if "proposal.title" in statement and "appraisal_item" in statement:
            rows = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, params)
            plans.append(" | ".join(str(row[-1]) for row in rows))

    with demo_db.session() as session:
        s = appraisal.get_session(session, session.scalars(select(AppraisalSession.id)).first())
        event.listen(demo_db.engine, "before_cursor_execute", explain)
        try:
            appraisal.available_choices(session, s)
        finally:
            event.remove(demo_db.engine, "before_cursor_execute", explain)
    assert len(plans) == 1, plans
    assert "ix_proposal_status_year_code (status=? AND plan_year=?)" in plans[0], plans
    assert "SCAN proposal" not in plans[0] and "TEMP B-TREE" not in plans[0], plans
