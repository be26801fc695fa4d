"""The implementation list read a page at a time (issue 24): the same rows in the same
order as the whole list, for several filters, on both engines; a proposal chosen
elsewhere is found at its row without reading the rows before it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.implementation import views
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.implementation.list_model import COLUMNS
from kcdesk.ui.implementation.view import ImplementationView

FILTERS = [
    {},
    {"year": 2027},
    {"year": 2026},
    {"status": ProposalStatus.IMPLEMENTING},
    {"search": "máy"},
    {"year": 2026, "search": "a"},
    {"search": "no such proposal at all"},
]


@pytest.mark.parametrize("filters", FILTERS)
def test_pages_are_the_whole_list_cut(demo_db: Database, filters: dict) -> None:
    with demo_db.session() as session:
        whole = views.list_rows(session, **filters)
        assert views.list_count(session, **filters) == len(whole)
        for size in (1, 7, 50):
            paged = []
            for offset in range(0, len(whole) + size, size):
                paged.extend(views.list_page(session, offset, size, **filters))
            assert paged == whole, (filters, size)
        for n, row in enumerate(whole):
            assert views.list_position(session, row.code, **filters) == n, row.code
    if not filters:
        assert len(whole) > 14, "the demo should list proposals over several pages"


def test_position_of_a_proposal_not_listed(demo_db: Database) -> None:
    with demo_db.session() as session:
        listed = {r.code for r in views.list_rows(session)}
        other = session.scalars(select(Proposal.code).where(Proposal.code.not_in(listed))).first()
        year = session.scalars(select(Proposal.plan_year)).first()
        assert other is not None
        assert views.list_position(session, other) is None
        assert views.list_position(session, "không có mã này") is None
        in_year = views.list_rows(session, year=year)
        elsewhere = next(r.code for r in views.list_rows(session) if r.plan_year != year)
        assert in_year and views.list_position(session, elsewhere, year=year) is None


def _texts(model, row: int) -> list[str]:
    return [str(model.index(row, c).data()) for c in range(len(COLUMNS))]


def test_section_shows_pages_and_selects_a_proposal_chosen_elsewhere(
    qtbot, demo_db: Database, monkeypatch
) -> None:
    from kcdesk.ui.implementation import list_model

    monkeypatch.setattr(list_model.ImplementationModel, "PAGE", 5)
    with demo_db.session() as session:
        whole = views.list_rows(session)
    ctx = AppContext(demo_db, SYSTEM)
    view = ImplementationView(ctx)
    qtbot.addWidget(view)
    try:
        qtbot.waitUntil(lambda: not view.loading, timeout=30_000)
        model = view.model
        assert model.rowCount() == len(whole)
        assert view.count.text() == f"{len(whole)} đề án"
        # Every cell as the table of the whole list showed it.
        for n, row in enumerate(whole):
            assert model.row_at(n) == row
            assert _texts(model, n) == [c.text(row) for c in COLUMNS]
        # A proposal on a page not read yet (a fresh model: only page 0 read).
        view.refresh()
        qtbot.waitUntil(lambda: not view.loading, timeout=30_000)
        target = whole[-1]
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        event.listen(demo_db.engine, "before_cursor_execute", count)
        try:
            assert model.row_of(target.code) == len(whole) - 1
        finally:
            event.remove(demo_db.engine, "before_cursor_execute", count)
        assert len(statements) <= 2, statements  # its position, not the pages before it
        assert view.select(target.code)
        assert view.table.selectionModel().selectedRows()[0].row() == len(whole) - 1
        qtbot.waitUntil(lambda: view.panel.code == target.code, timeout=30_000)
        # The selection is kept when the list is read again.
        view.refresh()
        qtbot.waitUntil(lambda: not view.loading, timeout=30_000)
        assert view.table.selectionModel().selectedRows()[0].row() == len(whole) - 1
        assert not view.select("không có mã này")
        # Filtered: the same rows as the whole list filtered.
        index = view.year.findData(target.plan_year)
        assert index > 0
        view.year.setCurrentIndex(index)
        qtbot.waitUntil(lambda: not view.loading, timeout=30_000)
        with demo_db.session() as session:
            expected = views.list_rows(session, year=target.plan_year)
        assert [model.row_at(n) for n in range(model.rowCount())] == expected
    finally:
        ctx.worker.wait()
