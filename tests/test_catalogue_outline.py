"""The catalogue's draft opens from its outline and reads its entries a page at a time
(issue 24): the same proposals, groups, order, totals and counts as every proposal of
the year judged in Python (``selection.candidates``, ``versions.view``), the same cells
on screen, the same files exported — on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import event, select

from kcdesk.formatting import amount_in_words, format_money
from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.appraisal import AgendaItem, AppraisalSession
from kcdesk.models.db import Database
from kcdesk.services.appraisal.criteria import parse_set
from kcdesk.services.catalogue import selection
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.build import CatalogueView
from kcdesk.services.catalogue.columns import MONEY_KEYS, load_catalogue_form
from kcdesk.services.catalogue.outline import draft_outline
from kcdesk.services.core import settings
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.setup import first_run as setup
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.catalogue.export_files import export_files_for
from kcdesk.ui.catalogue.model import CatalogueModel
from kcdesk.ui.catalogue.view import CataloguePanel

SOURCES = ("dia_phuong", "quoc_gia", "cap_xa")


def _same_as_judged_in_python(session, year: int, source: str) -> list[int]:
    """The outline equals the draft built from the year judged in Python; its ids."""
    view = catalogue.view(session, year, source)  # every proposal judged, entries built
    outline = draft_outline(session, year, source)
    heads = [(g.numeral, g.activity, g.label) for g in outline.groups]
    assert heads == [(g.numeral, g.activity, g.label) for g in view.groups]
    for group, expected in zip(outline.groups, view.groups, strict=True):
        assert selection.entries_by_id(session, list(group.ids)) == list(expected.entries)
        for key in MONEY_KEYS:
            assert group.total(key) == expected.total(key), (group.activity, key)
    assert selection.entries_by_id(session, outline.ids) == view.entries
    assert outline.count == view.count
    assert all(outline.total(key) == view.total(key) for key in MONEY_KEYS)
    judged = selection.candidates(session, year, source, all_sources=True)
    assert outline.year_count == len(judged)
    assert outline.year_count - outline.count == sum(1 for c in judged if not c.included)
    return outline.ids


@pytest.mark.parametrize("year", [2026, 2027])
@pytest.mark.parametrize("source", SOURCES)
def test_outline_is_the_draft_judged_in_python(demo_db: Database, source: str, year: int) -> None:
    with demo_db.session() as s:
        ids = _same_as_judged_in_python(s, year, source)
    assert ids or (year, source) != (2027, "dia_phuong")


def test_outline_follows_each_recorded_result(demo_db: Database) -> None:
    """A failed result, a council's "not to support", a result without a pass mark and
    a later result after a return each judge their proposal as Python does."""
    with demo_db.session() as s:
        items = list(
            s.scalars(
                select(AgendaItem)
                .join(Proposal, Proposal.id == AgendaItem.proposal_id)
                .where(
                    Proposal.plan_year == 2027,
                    Proposal.status == ProposalStatus.APPRAISED,
                    AgendaItem.recorded_at.is_not(None),
                )
                .order_by(AgendaItem.id)
            )
        )
        before = [i for source in SOURCES for i in _same_as_judged_in_python(s, 2027, source)]
        # Results that put their proposal in the draft, each changed one way, and a
        # failed one whose pass mark is taken away.
        failed = next(i for i in items if i.proposal_id not in before and i.passed is False)
        items = [i for i in items if i.proposal_id in before]
        assert len(items) >= 3, "the demo should have appraised proposals in the draft"
        items[0].passed = False
        spec = parse_set(items[1].session.criteria, items[1].session.name)
        items[1].passed = True
        items[1].conclusion = spec.conclusions[-1].code
        failed.passed = None
        failed.conclusion = None
        # The same proposal appraised again later by another council: its last result.
        first = items[2].session
        council = AppraisalSession(
            name="Hội đồng thẩm định lại",
            plan_year=first.plan_year,
            criteria_code=first.criteria_code,
            criteria=first.criteria,
        )
        s.add(council)
        s.flush()
        s.add(
            AgendaItem(
                uuid=str(uuid4()),
                session_id=council.id,
                proposal_id=items[2].proposal_id,
                position=999,
                recorded_at=datetime(2099, 1, 1),
                passed=False,
                conclusion=None,
            )
        )
        s.flush()
        after = [i for source in SOURCES for i in _same_as_judged_in_python(s, 2027, source)]
    assert set(before) - set(after) == {i.proposal_id for i in items[:3]}
    assert set(after) - set(before) == {failed.proposal_id}


def _old_lines(view: CatalogueView) -> list[tuple[str, str, object]]:
    """The lines the model made before (issue 24): every entry built at once."""
    lines: list[tuple[str, str, object]] = []
    for group in view.groups:
        lines.append(("group", group.numeral, group))
        lines.extend(("entry", str(n), e) for n, e in enumerate(group.entries, start=1))
    lines.append(("total", "", view))
    return lines


def _old_cell(line: tuple[str, str, object], key: str, kind: str) -> str:
    what, number, of = line
    if kind == "index":
        return number
    if what in ("group", "total"):
        if kind == "money":
            return format_money(of.total(key))  # type: ignore[attr-defined]
        if key != "title":
            return ""
        return of.label if what == "group" else "TỔNG CỘNG"  # type: ignore[attr-defined]
    value = of.value(key)  # type: ignore[attr-defined]
    return format_money(int(value)) if kind == "money" else str(value)


@pytest.fixture
def ctx(demo_db: Database) -> Iterator[AppContext]:
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


def test_screen_reads_pages_and_shows_the_old_cells(qtbot, ctx: AppContext, monkeypatch) -> None:
    monkeypatch.setattr(CatalogueModel, "PAGE", 3)
    panel = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(panel)
    panel.resize(1200, 500)
    panel.show()
    qtbot.waitUntil(lambda: panel.current is not None)
    model = panel.model
    with ctx.db.session() as s:
        view = catalogue.view(s, 2027, "dia_phuong")
        judged = selection.candidates(s, 2027, "dia_phuong", all_sources=True)
    assert model.outline is not None and view.count > 3 * 3
    # Only the pages of the lines on screen were read.
    assert 0 < len(model._pages) * 3 < view.count
    form = load_catalogue_form()
    old = _old_lines(view)
    assert model.rowCount() == len(old)
    for row, line in enumerate(old):
        for column, spec in enumerate(form.columns):
            index = model.index(row, column)
            assert index.data() == _old_cell(line, spec.key, spec.kind), (row, spec.key)
            bold = index.data(Qt.ItemDataRole.FontRole)
            assert (bold is not None and bold.bold()) == (line[0] != "entry")
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            entry = line[2] if line[0] == "entry" else None
            assert tip == (f"{entry.proposal_code}: {entry.title}" if entry else None)  # type: ignore[attr-defined]
    spans = [r for r in range(len(old)) if panel.table.columnSpan(r, 1) > 1]
    assert spans == [r for r, line in enumerate(old) if line[0] != "entry"]
    support = view.total("support")
    assert panel.totals_label.text() == (
        f"{view.count} đề án; tổng kinh phí {format_money(view.total('total_cost'))} đồng; "
        f"kinh phí khuyến công hỗ trợ {format_money(support)} đồng "
        f"({amount_in_words(support)})."
    )
    left_out = sum(1 for c in judged if not c.included)
    assert panel.tabs.tabText(1) == f"Đề án của năm ({left_out} không có trong danh mục)"
    assert panel.submit_button.isEnabled() and panel.export_button.isEnabled()
    assert len(model._pages) <= CatalogueModel.MAX_PAGES


def test_draft_files_hold_the_whole_draft(ctx: AppContext, tmp_path: Path) -> None:
    """The files of the draft on screen (its outline) are those of the whole draft."""
    setup.set_demo_organisation(ctx.db)
    with ctx.db.session() as s:
        whole = catalogue.view(s, 2027, "dia_phuong")
        header = catalogue.view(s, 2027, "dia_phuong", live=False)
        values = settings.get_all(s)
    assert header.groups == () and whole.count > 0
    reads: list[int] = []

    def full() -> CatalogueView:
        reads.append(1)
        with ctx.db.session() as s:
            return catalogue.view(s, 2027, "dia_phuong")

    for name, files in (
        ("old", export_files_for(whole, values)),
        ("new", export_files_for(header, values, full=full)),
    ):
        folder = tmp_path / name
        folder.mkdir()
        for file_name, write in files:
            write(folder / file_name)
    assert reads == [1]  # read once, for every file
    for path in (tmp_path / "old").iterdir():
        assert (tmp_path / "new" / path.name).exists()
        if path.suffix == ".xlsx":
            old = [list(r) for r in load_workbook(path).active.iter_rows(values_only=True)]
            new_path = tmp_path / "new" / path.name
            new = [list(r) for r in load_workbook(new_path).active.iter_rows(values_only=True)]
            assert new == old and len(old) > whole.count


def test_a_page_not_read_now_is_read_when_next_drawn(qtbot, demo_db: Database) -> None:
    """Drawn while the database cannot be read: empty lines, no error in the paint, and
    the page read on the next draw."""
    with demo_db.session() as s:
        outline = draft_outline(s, 2027, "dia_phuong")
        entries = selection.entry_map(s, outline.ids)
    answers: list[dict | None] = [None]

    def read(ids: list[int]) -> dict | None:
        answer = answers.pop(0) if answers else {i: entries[i] for i in ids}
        return answer

    model = CatalogueModel(load_catalogue_form())
    model.set_view(None, outline, read)
    title = next(i for i, c in enumerate(model.form.columns) if c.key == "title")
    assert model.index(1, title).data() == ""  # the first entry, not read
    assert model._pages == {}
    first = entries[outline.groups[0].ids[0]]
    assert model.index(1, title).data() == first.title


@pytest.mark.sqlite_only  # SQLite's query plans
@pytest.mark.parametrize("analyzed", [False, True])
def test_outline_reads_its_index_and_the_register_keeps_its_plan(
    demo_db: Database, analyzed: bool
) -> None:
    """The draft's proposals come from ``ix_proposal_catalogue`` alone; the register's
    year in code order still walks ``ix_proposal_plan_year_code`` (no sort), with and
    without statistics."""
    plans: list[str] = []

    def explain(_conn: Any, cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM proposal" in statement:
            rows = cursor.connection.execute("EXPLAIN QUERY PLAN " + statement, params)
            plans.append(" | ".join(str(row[-1]) for row in rows))

    with demo_db.session() as session:
        if analyzed:
            session.connection().exec_driver_sql("ANALYZE")
        event.listen(demo_db.engine, "before_cursor_execute", explain)
        try:
            draft_outline(session, 2027, "dia_phuong")
            session.execute(
                select(Proposal.id)
                .where(Proposal.plan_year == 2027)
                .order_by(Proposal.code)
                .limit(200)
            ).all()
        finally:
            event.remove(demo_db.engine, "before_cursor_execute", explain)
    rows, register = plans[0], plans[-1]
    assert "COVERING INDEX ix_proposal_catalogue (plan_year=? AND funding_source=?" in rows
    assert "ix_proposal_plan_year_code (plan_year=?)" in register, register
    assert "TEMP B-TREE" not in register, register
