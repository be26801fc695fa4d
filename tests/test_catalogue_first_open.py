"""The catalogue section's first opening reads plain rows, not ORM objects, and shows
the year's proposals through a model (issue 24): the same rows, reasons and cells as
the per-proposal load and the table of items gave before, on both engines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from kcdesk.formatting import format_money
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.appraisal import AgendaItem
from kcdesk.models.db import Database
from kcdesk.services.catalogue import selection
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.catalogue.view import CataloguePanel


def _reference(session, plan_year: int, source: str, all_sources: bool) -> list[dict]:
    """What ``candidates`` gave before: whole ORM proposals, judged one by one."""
    query = select(Proposal).where(Proposal.plan_year == plan_year).order_by(Proposal.code)
    if not all_sources:
        query = query.where(Proposal.funding_source == source)
    proposals = list(session.scalars(query))
    items: dict[int, AgendaItem] = {}
    for item in session.scalars(
        select(AgendaItem)
        .where(AgendaItem.recorded_at.is_not(None))
        .order_by(AgendaItem.recorded_at)
    ):
        items[item.proposal_id] = item
    return [
        selection.judge(
            p, items.get(p.id) if p.status is ProposalStatus.APPRAISED else None, source
        ).as_json()
        for p in proposals
    ]


@pytest.mark.parametrize("all_sources", [False, True])
@pytest.mark.parametrize("source", ["dia_phuong", "quoc_gia"])
def test_candidates_are_those_of_the_whole_proposals(
    demo_db: Database, source: str, all_sources: bool
) -> None:
    with demo_db.session() as s:
        expected = _reference(s, 2027, source, all_sources)
        found = [
            c.as_json() for c in selection.candidates(s, 2027, source, all_sources=all_sources)
        ]
        assert found == expected
        assert len({row["reason"] for row in found}) > 2, "the demo should give several reasons"
        chosen = [p.code for p in selection.selected_proposals(s, 2027, source)]
        assert chosen == [row["code"] for row in expected if row["in"]]
        assert all(
            p.facility_links is not None for p in selection.selected_proposals(s, 2027, source)
        )


def _old_cells(rows: list[dict[str, object]]) -> list[tuple[str, ...]]:
    """The cells the table of items (``QTableWidget``) showed before, row by row."""
    ordered = sorted(rows, key=lambda r: (bool(r["in"]), str(r["code"])))
    out = []
    for data in ordered:
        support = data.get("support")
        out.append(
            (
                str(data["code"]),
                str(data["title"]),
                str(data["status_label"]),
                format_money(int(support)) if isinstance(support, int) else "",
                "Có" if data["in"] else "Không",
                str(data["reason"]),
            )
        )
    return out


@pytest.fixture
def ctx(demo_db: Database) -> Iterator[AppContext]:
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


def test_screen_shows_the_same_cells(qtbot, ctx: AppContext) -> None:
    panel = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.current is not None)
    # The year's list is made when its tab is first shown (issue 24).
    assert panel.selection.rowCount() == 0
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.selection.rowCount() > 0)
    with ctx.db.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
        expected = _old_cells(_reference(s, 2027, "dia_phuong", True))
    shown = [
        tuple(panel.selection.text(row, column) for column in range(6))
        for row in range(panel.selection.rowCount())
    ]
    assert shown == expected
    left_out = sum(1 for cells in expected if cells[4] == "Không")
    assert panel.tabs.tabText(1) == f"Đề án của năm ({left_out} không có trong danh mục)"
    lines = [panel.model.line(row) for row in range(panel.model.rowCount())]
    assert [line.entry.proposal_code for line in lines if line.entry] == [
        e.proposal_code for e in view.entries
    ]


@pytest.mark.parametrize("source", ["dia_phuong", "quoc_gia"])
def test_entries_are_those_of_the_whole_proposals(demo_db: Database, source: str) -> None:
    from kcdesk.services.catalogue.build import entry_from_proposal, live_entries

    with demo_db.session() as s:
        found = live_entries(s, 2027, source)
    with demo_db.session() as s:
        expected = [entry_from_proposal(p) for p in selection.selected_proposals(s, 2027, source)]
    assert found == expected
    assert source != "dia_phuong" or any(e.beneficiary for e in found)


def test_rows_on_screen_have_their_fitted_heights(qtbot, ctx: AppContext) -> None:
    panel = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.show()
    qtbot.waitUntil(lambda: panel.current is not None)
    table = panel.table
    bottom = table.viewport().height()
    on_screen = [r for r in range(panel.model.rowCount()) if table.rowViewportPosition(r) < bottom]
    assert len(on_screen) > 3
    fitted = [table.rowHeight(r) for r in on_screen]
    assert len(set(fitted)) > 1, "titles of several lines should make taller rows"
    table.resizeRowsToContents()  # what every load did before (up to 3,000 rows)
    assert [table.rowHeight(r) for r in on_screen] == fitted
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    last = panel.model.rowCount() - 1
    height = table.rowHeight(last)
    table.resizeRowToContents(last)
    assert table.rowHeight(last) == height  # fitted when scrolled to


def test_year_list_made_when_its_tab_is_shown_and_again_after_a_reload(
    qtbot, ctx: AppContext
) -> None:
    """Shown after a reload, the tab holds the list of the new load, not the old one."""
    panel = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.current is not None)
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.selection.rowCount() > 0)
    first = [panel.selection.text(r, 0) for r in range(panel.selection.rowCount())]
    panel.tabs.setCurrentIndex(0)
    panel.current = None
    panel.year.setValue(2026)
    qtbot.waitUntil(lambda: panel.current is not None)
    ctx.worker.wait()
    assert panel.selection.rowCount() == 0  # not made while its tab is hidden
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.selection.rowCount() > 0)
    with ctx.db.session() as s:
        expected = _old_cells(_reference(s, 2026, "dia_phuong", True))
    shown = [
        tuple(panel.selection.text(row, column) for column in range(6))
        for row in range(panel.selection.rowCount())
    ]
    assert shown == expected
    assert [cells[0] for cells in expected] != first
