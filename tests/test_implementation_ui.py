"""The implementation section: a proposal goes from approved to settled in the GUI."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox

from kcdesk.models import ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.implementation import money
from kcdesk.services.proposals.lookup import get_proposal
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.implementation.list_model import COL_DISBURSED, COL_PROGRESS
from kcdesk.ui.implementation.view import ImplementationView
from tests.implementation_support import make_proposal
from tests.pdftext import pdf_text

CODE = "ĐA-2026-001"


@pytest.fixture
def section(qtbot, db: Database):
    with db.session() as session:
        make_proposal(session, code=CODE, approved=100_000_000)
        make_proposal(session, code="ĐA-2026-002", status=ProposalStatus.SUBMITTED)
    ctx = AppContext(db, SYSTEM)
    view = ImplementationView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: not view.loading, timeout=15_000)
    yield view
    ctx.worker.wait()


def status(db: Database) -> ProposalStatus:
    with db.session() as session:
        return get_proposal(session, CODE).status


def cell(view: ImplementationView, col: int) -> str:
    row = view.model.row_of(CODE)
    return str(view.model.index(row, col).data())


def test_list_shows_only_approved_or_later(section: ImplementationView) -> None:
    model = section.model
    assert [model.row_at(n).code for n in range(model.rowCount())] == [CODE]
    assert cell(section, COL_PROGRESS) == "—"
    assert section.count.text() == "1 đề án"


def test_approved_to_settled_in_the_gui(
    section: ImplementationView,
    db: Database,
    qtbot,
    tmp_path: Path,
) -> None:
    view = section
    assert view.select(CODE)
    panel = view.panel
    assert panel.code == CODE and panel.start_button.isEnabled()

    # Start, then report progress: the list shows the latest percentage.
    panel.start_button.click()
    assert status(db) is ProposalStatus.IMPLEMENTING
    assert not panel.start_button.isEnabled()
    tab = panel.progress_tab
    # Above 70 %: machinery advances need it (Điều 13 TT 36/2013, issue 18).
    tab.percent.setValue(75)
    tab.note.setText("Đã lắp đặt xong máy")
    tab.add_button.click()
    assert tab.table.rowCount() == 1
    assert tab.table.item(0, 2).text() == "Đã lắp đặt xong máy"
    qtbot.waitUntil(lambda: not view.loading and cell(view, COL_PROGRESS) == "75 %", timeout=15_000)

    # One đồng over the 70 % advance: refused in the tab, with rule and numbers.
    money_tab = panel.money_tab
    money_tab.amount.setText("70.000.001")
    money_tab.voucher.setText("PC-15")
    money_tab.add_button.click()
    message = money_tab.message.text()
    assert money_tab.message.property("is_error") is True
    assert "Quy tắc tạm ứng" in message and "vượt 1 đồng" in message
    assert money_tab.table.rowCount() == 0
    money_tab.amount.setText("70.000.000")
    money_tab.add_button.click()
    assert money_tab.message.property("is_error") is False
    assert money_tab.table.rowCount() == 1
    assert "còn 0" in money_tab.headroom.text()
    qtbot.waitUntil(
        lambda: not view.loading and cell(view, COL_DISBURSED) == "70.000.000", timeout=15_000
    )

    # Acceptance is refused while evidence is missing, then ticked item by item.
    acc = panel.acceptance_tab
    acc.minutes.setText("12/BB-NT")
    acc.participants.setPlainText("Nguyễn Văn An — Giám đốc\nLê Thị Bình — chủ cơ sở")
    acc.record_button.click()
    assert acc.message.property("is_error") is True
    assert "còn thiếu" in acc.message.text()
    assert status(db) is ProposalStatus.IMPLEMENTING
    for row in range(acc.evidence.rowCount()):
        acc.evidence.item(row, 0).setCheckState(Qt.CheckState.Checked)
    assert "Đã đủ tài liệu bắt buộc" in acc.evidence_message.text()
    first = acc.outputs.item(0, 0).data(Qt.ItemDataRole.UserRole + 1)
    acc.set_achieved(first, 7)
    acc.record_button.click()
    assert acc.message.property("is_error") is False, acc.message.text()
    assert status(db) is ProposalStatus.ACCEPTED
    with db.session() as session:
        outputs = {o.measure: o.achieved for o in get_proposal(session, CODE).outputs}
    assert outputs[first] == 7
    spin = acc.outputs.cellWidget(0, 2)
    assert isinstance(spin, QSpinBox) and not acc.outputs.isEnabled()

    # The minutes print to a PDF shown in the preview.
    path = panel.print_minutes()
    assert path is not None and path.is_file()
    text = pdf_text(path)
    assert "12/BB-NT" in text and "Lê Thị Bình — chủ cơ sở" in text
    if panel.preview is not None:
        panel.preview.close()

    # The rest: one đồng over refused by the total rule, then exactly the rest.
    assert money_tab.kind.currentData() == "settlement"
    money_tab.amount.setText("30.000.001")
    money_tab.add_button.click()
    assert "Quy tắc tổng kinh phí" in money_tab.message.text()
    money_tab.amount.setText("30.000.000")
    money_tab.add_button.click()
    assert money_tab.message.property("is_error") is False

    # Settlement: the reference is required, then the proposal is settled.
    assert money_tab.final_amount.text() == "100.000.000"
    money_tab.settle_button.click()
    assert money_tab.settle_message.property("is_error") is True
    money_tab.reference.setText("15/QĐ-SCT")
    money_tab.settle_button.click()
    assert money_tab.settle_message.property("is_error") is False
    assert status(db) is ProposalStatus.SETTLED
    assert not money_tab.settle_button.isEnabled()
    with db.session() as session:
        p = get_proposal(session, CODE)
        assert p.disbursed == 100_000_000 == money.money_state(session, p).disbursed
        assert money.get_settlement(session, p).reference == "15/QĐ-SCT"  # type: ignore[union-attr]

    # The yearly settlement summary, exported on the worker.
    target = tmp_path / "Tổng hợp.xlsx"
    view.export_summary(target, 2026)
    qtbot.waitUntil(
        lambda: target.is_file() and "Đã xuất" in view.export_status.text(), timeout=15_000
    )
    ws = load_workbook(target).active
    assert ws is not None
    values = [c.value for row in ws.iter_rows() for c in row]
    assert CODE in values and "15/QĐ-SCT, 15/01/2027" not in values
    assert any(isinstance(v, str) and v.startswith("15/QĐ-SCT") for v in values)


def test_panel_without_selection_is_disabled(section: ImplementationView) -> None:
    section.panel.load(None)
    assert not section.panel.tabs.isEnabled()
    assert section.panel.print_minutes() is None
