"""The proposal wizard driven end to end like a user typing Vietnamese (pytest-qt)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from kcdesk.models.db import Database
from kcdesk.services.core import settings
from kcdesk.services.proposals import draft_store as drafts
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.wizard import open_proposal_wizard
from kcdesk.ui.wizard.wizard import ProposalWizard
from tests.proposal_factory import machine_input, make_facility
from tests.test_proposal_services import _approve


def type_text(widget: QWidget, text: str) -> None:
    """Type character by character (keyClicks aborts on Vietnamese letters)."""
    widget.setFocus()
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def retype(edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    type_text(edit, text)


def error_of(wizard: ProposalWizard, key: str) -> QLabel:
    label = wizard.currentPage().findChild(QLabel, f"error_{key}")
    assert label is not None
    return label


def set_cell(table, row: int, column: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a table cell through its editor, then Enter commits."""
    table.setCurrentCell(row, column)
    table.editItem(table.item(row, column))
    editors = [w for w in table.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    type_text(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()  # let the view close and delete the editor
    assert table.item(row, column).text() != "" or text == ""


@pytest.fixture
def ctx(db: Database, qtbot: QtBot) -> AppContext:
    return AppContext(db, SYSTEM)


TITLE = "Hỗ trợ máy sao chè cho Hợp tác xã Chè Đại Từ"


def test_new_proposal_typed_end_to_end(
    ctx: AppContext, db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    with db.session() as s:
        facility = make_facility(s)
        old = machine_input(facility.uuid)
        old.plan_year, old.start_month, old.end_month = 2025, date(2025, 3, 1), date(2025, 8, 1)
        # Its schedule moves with it: tasks lie within the proposal's months (issue 18).
        for item in old.schedule:
            item.start, item.end = date(2025, 3, 1), date(2025, 8, 1)
        from kcdesk.services.proposals.save import create_proposal

        earlier = create_proposal(s, SYSTEM, old).code
        _approve(s, earlier)
        settings.put(s, SYSTEM, "attachment.max_mb", 1)

    wizard = open_proposal_wizard(ctx, None)
    qtbot.addWidget(wizard)
    assert wizard.restore_box is None
    assert wizard.button(wizard.WizardButton.NextButton).text() == "&Tiếp >"
    page = wizard.currentPage()

    # ---- 1. general, with a wrong end month first
    type_text(page.findChild(QLineEdit, "title"), TITLE)
    page.year.setValue(2027)
    page.activity.setCurrentIndex(page.activity.findData("may_moc_thiet_bi"))
    # The national cap of TT 28/2018 applies to khuyến công quốc gia only (issue 18).
    page.source.setCurrentIndex(page.source.findData("quoc_gia"))
    retype(page.findChild(QLineEdit, "implementing_unit"), "Trung tâm Khuyến công Cao Bằng")
    type_text(page.findChild(QLineEdit, "partner_unit"), "UBND xã Hòa Bình")
    type_text(page.findChild(QLineEdit, "location"), "Xóm Đồng Tâm")
    # the official unit, typed without diacritics (issue 20 §1)
    type_text(page.findChild(QLineEdit, "commune"), "hoa an")
    type_text(page.findChild(QLineEdit, "start_month"), "03/2027")
    type_text(page.findChild(QLineEdit, "end_month"), "02/2027")
    wizard.next()
    assert wizard.currentId() == 0
    assert "trước tháng bắt đầu" in error_of(wizard, "end_month").text()
    retype(page.findChild(QLineEdit, "end_month"), "11/2027")
    wizard.next()
    assert wizard.currentId() == 1
    with db.session() as s:  # the page change autosaved the draft
        info = drafts.load_draft(s, SYSTEM, None)
        assert (
            info is not None
            and info.data.title == TITLE
            and info.data.end_month == date(2027, 11, 1)
        )

    # ---- 2. beneficiaries: required, searched without diacritics, duplicate warned
    wizard.next()
    assert wizard.currentId() == 1
    assert "ít nhất một đơn vị thụ hưởng" in error_of(wizard, "facilities").text()
    page = wizard.currentPage()
    type_text(page.search, "che dai tu")
    page.run_search()
    assert page.results.count() == 1
    page.add_selected()
    assert page.chosen_list.count() == 1
    assert page.warning.isVisibleTo(page)
    assert earlier in page.warning.text() and "năm 2025" in page.warning.text()
    wizard.next()

    # ---- 3. need and objectives
    page = wizard.currentPage()
    texts = {
        "necessity": "Sao chè thủ công, năng suất thấp.",
        "legal_basis": "Nghị định 45/2012/NĐ-CP; Nghị định 235/2025/NĐ-CP.",
        "objectives": "Nâng công suất lên 2 tấn chè khô mỗi ngày.",
        "scale": "Một dây chuyền sao chè tự động.",
        "organisation": "Trung tâm chủ trì; hợp tác xã đối ứng.",
    }
    wizard.next()
    assert wizard.currentId() == 2  # required prose missing
    for key, value in texts.items():
        type_text(page.findChild(QPlainTextEdit, key), value)
    wizard.next()
    assert wizard.currentId() == 3

    # ---- 4. schedule
    page = wizard.currentPage()
    set_cell(page.table, 0, 0, "Lắp đặt máy sao chè")
    set_cell(page.table, 0, 1, "04/2027")
    set_cell(page.table, 0, 2, "09/2027")
    set_cell(page.table, 0, 3, "Hợp tác xã")
    wizard.next()
    assert wizard.currentId() == 4

    # ---- 5. budget: Vietnamese amounts, live totals, cap check blocks
    page = wizard.currentPage()
    set_cell(page.table, 0, 0, "Máy sao chè")
    set_cell(page.table, 0, 1, "bộ")
    set_cell(page.table, 0, 2, "2")
    set_cell(page.table, 0, 3, "150.000.000")
    set_cell(page.table, 0, 5, "150000001")
    set_cell(page.table, 0, 6, "149.999.999")
    assert page.table.item(0, 4).text() == "300.000.000"
    assert page.table.item(0, 5).text() == "150.000.001"
    assert "vượt 50%" in page.cap_problems.text()
    assert "28/2018/TT-BTC" in page.cap.text()
    wizard.next()
    assert wizard.currentId() == 4
    assert "vượt 50%" in error_of(wizard, "budget_lines").text()
    set_cell(page.table, 0, 5, "1.500.000")
    page.fill_counterpart()
    assert page.table.item(0, 6).text() == "298.500.000"
    assert "0,5 %" in page.totals.text()
    assert not page.cap_problems.isVisibleTo(page)
    wizard.next()
    assert wizard.currentId() == 5

    # ---- 6. outcomes
    page = wizard.currentPage()
    page.spins["machines"].setValue(2)
    page.spins["jobs"].setValue(12)
    # The targets of Cao Bằng's programme a machinery proposal counts toward.
    assert set(page.target_spins) == {"II.2-4", "IV.3.c"}
    page.target_spins["IV.3.c"].setValue(1)
    type_text(page.findChild(QPlainTextEdit, "effect_economic"), "Doanh thu tăng 20 %.")
    type_text(page.findChild(QPlainTextEdit, "effect_social"), "Thêm 12 việc làm ổn định.")
    # Section 8 also asks for sustainability; its hint cites the rule (issue 17).
    lasting = page.findChild(QPlainTextEdit, "sustainability")
    assert "Khoản 8 Điều 5 Thông tư 36/2013/TT-BCT" in lasting.toolTip()
    type_text(lasting, "HTX tự bảo dưỡng máy sau hỗ trợ.")
    wizard.next()
    assert wizard.currentId() == 6

    # ---- 7. dossier: a too-large scan refused, a small one attached
    page = wizard.currentPage()
    big = tmp_path / "bản quét lớn.pdf"
    big.write_bytes(b"x" * (1_048_576 + 1))
    assert not page.attach(0, big)
    assert "vượt giới hạn" in page.error.text()
    scan = tmp_path / "Đơn đề nghị.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    assert page.attach(0, scan)
    assert page.table.item(0, 3).text().startswith("Đơn đề nghị.pdf")
    wizard.next()
    assert wizard.currentId() == 7

    # ---- 8. review: warnings only (duplicate support, missing documents)
    page = wizard.currentPage()
    assert page.isComplete()
    items = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert any(earlier in text for text in items)
    assert any("Hồ sơ còn thiếu" in text for text in items)

    with qtbot.waitSignal(ctx.data_changed) as signal:
        wizard.button(wizard.WizardButton.FinishButton).click()
    assert signal.args == ["proposal"]
    assert wizard.saved_code == "ĐA-2027-001"
    assert wizard.saved_message == "Đã lưu đề án ĐA-2027-001."  # issue 20: saving confirms

    with db.session() as s:
        p = proposals.get_proposal(s, "ĐA-2027-001")
        assert p.title == TITLE
        assert p.implementing_unit == "Trung tâm Khuyến công Cao Bằng"
        assert (p.location, p.commune, p.partner_unit) == (
            "Xóm Đồng Tâm",
            "Xã Hòa An",
            "UBND xã Hòa Bình",
        )
        assert p.commune_code == "01654"
        assert (p.start_month, p.end_month) == (date(2027, 3, 1), date(2027, 11, 1))
        assert [f.name for f in p.facilities] == ["Hợp tác xã Chè Đại Từ"]
        for key, value in texts.items():
            assert getattr(p, key) == value
        assert p.sustainability == "HTX tự bảo dưỡng máy sau hỗ trợ."
        assert [(s_.task, s_.start, s_.end, s_.responsible) for s_ in p.schedule] == [
            ("Lắp đặt máy sao chè", date(2027, 4, 1), date(2027, 9, 1), "Hợp tác xã")
        ]
        line = p.budget_lines[0]
        assert (line.item, line.unit, line.unit_price, line.amount) == (
            "Máy sao chè",
            "bộ",
            150_000_000,
            300_000_000,
        )
        assert (p.total_cost, p.support, p.counterpart) == (300_000_000, 1_500_000, 298_500_000)
        # The proposal's own outputs (the facility count follows the one facility chosen,
        # issue 20 §5) and what it counts toward a programme target (issue 18 §2).
        assert {(o.measure, o.target): o.planned for o in p.outputs} == {
            ("machines", ""): 2,
            ("jobs", ""): 12,
            ("facilities", ""): 1,
            ("facilities", "IV.3.c"): 1,
        }
        assert p.programme == "CB-2026-2030" and p.funding_source == "quoc_gia"
        assert p.effect_social == "Thêm 12 việc làm ổn định."
        first = p.documents[0]
        assert first.received and first.file_name == "Đơn đề nghị.pdf"
        assert drafts.load_draft(s, SYSTEM, None) is None  # the draft went with the save
