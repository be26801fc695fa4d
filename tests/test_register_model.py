"""The lazy register model, checked by Qt's model tester, and the register screen
driven like a user: search without diacritics, open, move through the procedure,
propose an amendment and see who approves it, bulk actions, export."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester, QTest
from sqlalchemy import select

from kcdesk.models import Proposal, ProposalStatus, StatusChange
from kcdesk.models.amendment import Amendment
from kcdesk.services.proposals import register_query as rq
from kcdesk.services.proposals import workflow
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.register.model import CODE_ROLE, HEADERS, RegisterModel

S = ProposalStatus


@pytest.fixture
def ctx(qtbot, demo_db):
    context = AppContext(demo_db, SYSTEM)
    yield context
    context.worker.wait()


def _codes_in_model(model: RegisterModel) -> list[str]:
    return [model.data(model.index(r, 0), CODE_ROLE) for r in range(model.rowCount())]


def test_model_passes_the_model_tester(qtbot, ctx) -> None:
    model = RegisterModel(ctx)
    model.PAGE = 16  # several pages even on 120 rows
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    model.reload(sync=True)
    assert model.rowCount() == 120
    assert model.columnCount() == len(HEADERS)
    assert model.rowCount(model.index(0, 0)) == 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            model.data(model.index(row, column))
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.sort(1, Qt.SortOrder.DescendingOrder)
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_filter(rq.RegisterFilter(plan_year=2026))
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.set_filter(rq.RegisterFilter(search="xyzzy"))
    assert model.rowCount() == 0
    ctx.worker.wait()
    del tester


def test_header_data_is_explicit(ctx) -> None:
    model = RegisterModel(ctx)
    model.reload(sync=True)
    horizontal = Qt.Orientation.Horizontal
    assert [model.headerData(c, horizontal) for c in range(model.columnCount())] == HEADERS
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"
    assert model.headerData(99, horizontal) is None
    assert model.headerData(0, horizontal, Qt.ItemDataRole.ToolTipRole) is None
    assert model.data(QModelIndex()) is None


def test_rows_and_order_match_the_service(ctx) -> None:
    model = RegisterModel(ctx)
    model.check_duplicates = False
    model.PAGE = 25
    model.sort_key, model.descending = "total_cost", True
    model.reload(sync=True)
    with ctx.db.session() as session:
        expected = [
            r.code
            for r in rq.window(
                session, rq.RegisterFilter(), sort="total_cost", descending=True, limit=1000
            )
        ]
        money = {p.code: p.total_cost for p in session.scalars(select(Proposal))}
    assert _codes_in_model(model) == expected
    assert len(model._pages) <= model.MAX_PAGES
    from kcdesk.formatting import format_money

    first = model.index(0, HEADERS.index("Tổng kinh phí"))
    assert model.data(first) == format_money(money[expected[0]])
    align = model.data(first, Qt.ItemDataRole.TextAlignmentRole)
    assert align & int(Qt.AlignmentFlag.AlignRight)


def test_lru_keeps_few_pages(ctx) -> None:
    model = RegisterModel(ctx)
    model.check_duplicates = False
    model.PAGE, model.MAX_PAGES = 5, 3
    model.reload(sync=True)
    for row in range(0, 120, 5):
        model.data(model.index(row, 0))
    assert len(model._pages) == 3


def _service_codes(ctx, flt: rq.RegisterFilter, sort: str, descending: bool) -> list[str]:
    with ctx.db.session() as session:
        return rq.codes_for_ids(session, rq.matching_ids(session, flt, sort, descending))


@pytest.mark.sqlite_only  # narrowing through the FTS5 index
def test_typing_narrows_the_kept_list_without_reading_it_again(ctx, monkeypatch) -> None:
    from kcdesk.services.proposals import search

    search.ensure_index(ctx.db.engine)
    model = RegisterModel(ctx)
    model.check_duplicates = False
    model.sort_key, model.descending = "total_cost", True
    model.reload(sync=True)
    typed = ("h", "ho", "hop", "hop tac", "hop tac x", "may")
    expected = {
        t: _service_codes(ctx, rq.RegisterFilter(search=t), "total_cost", True) for t in typed
    }
    other = rq.RegisterFilter(plan_year=2026, search="may")
    expected_other = _service_codes(ctx, other, "total_cost", True)
    asked: list[rq.RegisterFilter] = []
    real = rq.matching_ids
    monkeypatch.setattr(rq, "matching_ids", lambda s, f, *a: asked.append(f) or real(s, f, *a))
    for text in typed:
        model.set_filter(rq.RegisterFilter(search=text), sync=True)
        assert _codes_in_model(model) == expected[text], text
    assert asked == []  # every keystroke narrowed the kept list
    # Clearing the box gives back the kept list, again without a query.
    model.set_filter(rq.RegisterFilter(), sync=True)
    assert model.rowCount() == 120 and asked == []
    # Another filter is another list: read once, then narrowed.
    model.set_filter(other, sync=True)
    assert asked == [rq.RegisterFilter(plan_year=2026)]
    assert _codes_in_model(model) == expected_other
    # A reload (data changed) reads the list again.
    model.reload(sync=True)
    assert len(asked) == 2


def test_a_change_in_the_data_is_never_hidden_by_the_kept_list(ctx) -> None:
    from kcdesk.services.proposals import search
    from tests.register_helpers import proposal

    search.ensure_index(ctx.db.engine)
    model = RegisterModel(ctx)
    model.check_duplicates = False
    model.reload(sync=True)
    model.set_filter(rq.RegisterFilter(search="lo nung gach"), sync=True)
    assert model.rowCount() == 0
    with ctx.db.session() as session:
        proposal(session, "ĐA-2027-999", title="Lò nung gạch không nung")
    model.reload(sync=True)  # what the register does when a proposal is saved
    assert _codes_in_model(model) == ["ĐA-2027-999"]
    model.set_filter(rq.RegisterFilter(search="lo nung gach khong"), sync=True)
    assert _codes_in_model(model) == ["ĐA-2027-999"]
    model.set_filter(rq.RegisterFilter(), sync=True)
    assert model.rowCount() == 121


def test_search_before_the_index_is_built_still_finds(ctx) -> None:
    from kcdesk.services.proposals import search

    search.drop_index(ctx.db.engine)
    model = RegisterModel(ctx)
    model.check_duplicates = False
    model.reload(sync=True)
    flt = rq.RegisterFilter(search="hop tac xa")
    model.set_filter(flt, sync=True)
    assert 0 < model.rowCount() < 120
    assert _codes_in_model(model) == _service_codes(ctx, flt, "code", False)


def _type(widget, text: str) -> None:
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


@pytest.fixture
def register(qtbot, ctx):
    from kcdesk.ui.register.register_widget import RegisterWidget

    widget = RegisterWidget(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 120, timeout=10_000)
    return widget


def test_search_without_diacritics_is_debounced(qtbot, register, ctx) -> None:
    with ctx.db.session() as session:
        expected = rq.count(session, rq.RegisterFilter(search="hợp tác xã"))
    assert 0 < expected < 120
    with qtbot.waitSignal(register.model.loaded, timeout=10_000) as blocker:
        _type(register.search_box, "HOP TAC")
        # Nothing is asked of the database while the user is still typing.
        assert register.search_timer.isActive()
        _type(register.search_box, " xa")
    assert blocker.args == [expected]
    assert register.model.rowCount() == expected
    assert register.count_label.text().startswith(str(expected))
    register.search_box.clear()
    _type(register.search_box, "Hợp tác xã")
    qtbot.waitUntil(lambda: register.model.rowCount() == expected, timeout=10_000)


def test_filters_narrow_the_list(qtbot, register, ctx) -> None:
    with ctx.db.session() as session:
        expected = rq.count(session, rq.RegisterFilter(plan_year=2026, statuses=(S.IMPLEMENTING,)))
    register.year.setCurrentIndex(register.year.findData(2026))
    register.status.setCurrentIndex(register.status.findData("implementing"))
    qtbot.waitUntil(lambda: register.model.rowCount() == expected, timeout=10_000)
    statuses = {register.model.row_at(r).status for r in range(register.model.rowCount())}
    assert statuses == {S.IMPLEMENTING}


def _row_of(register, status: S) -> int:
    model = register.model
    return next(r for r in range(model.rowCount()) if model.row_at(r).status is status)


def test_open_row_history_and_status_dialog(qtbot, register, ctx) -> None:
    row = _row_of(register, S.AWAITING_APPRAISAL)
    register.table.setCurrentIndex(register.model.index(row, 0))
    code = register.current_code()
    view = register.open_proposal(code)
    qtbot.addWidget(view)
    with ctx.db.session() as session:
        changes = session.scalars(
            select(StatusChange).join(Proposal).where(Proposal.code == code)
        ).all()
    assert view.history_table.rowCount() == len(changes) > 0
    assert view.tabs.tabText(1) == "Lịch sử"
    dialog = view.open_status_dialog()
    offered = [dialog.target.itemData(i) for i in range(dialog.target.count())]
    assert offered == [s.value for s in workflow.allowed_targets(S.AWAITING_APPRAISAL)]
    assert "approved" not in offered
    dialog.target.setCurrentIndex(offered.index("returned"))
    assert not dialog.decision_no.isEnabled()
    dialog.ok_button.click()
    assert "lý do" in dialog.error.text()
    assert dialog.isVisible()
    dialog.reason.setPlainText("Thiếu bản vẽ mặt bằng")
    with qtbot.waitSignal(register.model.loaded, timeout=10_000):
        dialog.ok_button.click()
    assert not dialog.isVisible()
    with ctx.db.session() as session:
        p = session.scalars(select(Proposal).where(Proposal.code == code)).one()
        assert p.status is S.RETURNED
        assert p.status_changes[-1].reason == "Thiếu bản vẽ mặt bằng"
    assert view.history_table.rowCount() == len(changes) + 1
    assert "Trả lại bổ sung" in view.heading.text()


def test_amendment_dialog_shows_who_approves(qtbot, register, ctx) -> None:
    row = _row_of(register, S.IMPLEMENTING)
    code = register.model.row_at(row).code
    view = register.open_proposal(code)
    qtbot.addWidget(view)
    assert view.amend_button.isEnabled() and not view.decide_button.isEnabled()
    dialog = view.open_amendment_dialog()
    assert dialog.authority.text() == "Chưa có thay đổi nào."
    dialog.edits["location"].setText("Xã Bế Triều")
    assert "Sở Công Thương" in dialog.authority.text()
    assert "địa điểm" in dialog.reasons.text()
    dialog.support.setText("9.999.000.000")
    assert "Chủ tịch UBND tỉnh" in dialog.authority.text()
    assert "(tăng)" in dialog.reasons.text()
    dialog.support.setText("abc")
    assert dialog.error.text()
    dialog.support.setText("1.000")
    assert "Sở Công Thương" in dialog.authority.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData("stop"))
    assert "Chủ tịch UBND tỉnh" in dialog.authority.text()
    assert not dialog.edits["location"].isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData("adjust"))
    dialog.ok_button.click()
    assert "lý do" in dialog.error.text()
    dialog.reason.setPlainText("Cơ sở chuyển xưởng, giảm quy mô")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    with ctx.db.session() as session:
        amendment = session.scalars(select(Amendment)).one()
        assert amendment.authority == "department"
        assert set(amendment.changes) == {"location", "approved_support"}
    assert view.amendment_table.rowCount() == 1 and view.decide_button.isEnabled()
    decision = view.open_decision_dialog()
    decision.decision_no.setText("88/QĐ-SCT")
    decision.save()
    assert not decision.isVisible()
    with ctx.db.session() as session:
        p = session.scalars(select(Proposal).where(Proposal.code == code)).one()
        assert (p.location, p.approved_support) == ("Xã Bế Triều", 1000)


def test_bulk_status_offers_common_targets_and_moves_all(qtbot, register, ctx) -> None:
    model = register.model
    rows = [r for r in range(model.rowCount()) if model.row_at(r).status is S.RECEIVED][:3]
    assert len(rows) == 3
    register.select_rows(rows)
    codes = register.selected_codes()
    dialog = register.open_status_dialog()
    offered = [dialog.target.itemData(i) for i in range(dialog.target.count())]
    assert offered == ["forwarded", "returned", "rejected", "withdrawn"]
    with qtbot.waitSignal(dialog.moved, timeout=10_000) as moved:
        dialog.ok_button.click()
    assert sorted(moved.args[0]) == sorted(codes) and moved.args[1] == {}
    with ctx.db.session() as session:
        statuses = set(session.scalars(select(Proposal.status).where(Proposal.code.in_(codes))))
    assert statuses == {S.FORWARDED}


def test_export_selection(qtbot, register, ctx, tmp_path: Path) -> None:
    register.select_rows([0, 2, 4])
    codes = register.selected_codes()
    target = tmp_path / "Chọn lọc.xlsx"
    register.export_selection(target)
    qtbot.waitUntil(lambda: register.export_button.isEnabled(), timeout=10_000)
    ws = load_workbook(target).active
    found = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    assert [c for c in found if c in codes] == codes
    assert sum(1 for c in found if isinstance(c, str) and c.startswith("ĐA-")) == 3


def test_attention_panel_fills(qtbot, register) -> None:
    qtbot.waitUntil(lambda: register.attention.tree.topLevelItemCount() > 0, timeout=10_000)
    assert register.attention.items
    total = sum(
        register.attention.tree.topLevelItem(i).childCount()
        for i in range(register.attention.tree.topLevelItemCount())
    )
    assert total == len(register.attention.items)
    tree = register.attention.tree
    group = tree.topLevelItem(0)
    # The group label spans the panel (not cut at the code column); Enter opens a row.
    assert group.isFirstColumnSpanned() and tree.wordWrap()
    child = next(
        c
        for g in range(tree.topLevelItemCount())
        for c in (tree.topLevelItem(g).child(i) for i in range(tree.topLevelItem(g).childCount()))
        if c.data(0, Qt.ItemDataRole.UserRole)
    )
    opened: list[str] = []
    register.attention.open_proposal.connect(opened.append)
    tree.setCurrentItem(child)
    QTest.keyClick(tree, Qt.Key.Key_Return)
    assert opened == [child.data(0, Qt.ItemDataRole.UserRole)]


def test_wizard_buttons(qtbot, ctx) -> None:
    from kcdesk.ui.register import register_widget

    widget = register_widget.RegisterWidget(ctx)
    qtbot.addWidget(widget)
    assert widget.add_button.isEnabled()
    ctx.worker.wait()
