"""Keyboard, province forms and printing from the wizard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from kcdesk import paths
from kcdesk.models.db import Database
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.wizard import open_proposal_wizard
from kcdesk.ui.wizard.printing import preview_proposal
from tests.pdftext import pdf_text
from tests.proposal_factory import machine_input, make_facility
from tests.test_wizard_flow import type_text


@pytest.fixture
def ctx(db: Database, qtbot: QtBot) -> AppContext:
    return AppContext(db, SYSTEM)


def test_enter_moves_on_and_errors_stop_it(ctx: AppContext, qtbot: QtBot) -> None:
    wizard = open_proposal_wizard(ctx, None)
    qtbot.addWidget(wizard)
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    title = wizard.currentPage().findChild(QLineEdit, "title")
    assert title.hasFocus()  # the cursor starts in the first field
    QTest.keyClick(title, Qt.Key.Key_Return)
    assert wizard.currentId() == 0
    label = wizard.currentPage().findChild(QLabel, "error_title")
    assert label.isVisibleTo(wizard) and "Tên đề án" in label.text()
    page = wizard.currentPage()
    type_text(title, "Tập huấn khởi sự doanh nghiệp")
    page.activity.setCurrentIndex(page.activity.findData("nang_cao_nang_luc_quan_ly"))
    for key, text in (("location", "Hội trường xã"), ("commune", "Xã Đức Long")):
        type_text(page.findChild(QLineEdit, key), text)
    page.year.setValue(2027)
    type_text(page.findChild(QLineEdit, "start_month"), "5/2027")
    type_text(page.findChild(QLineEdit, "end_month"), "2027-06")
    QTest.keyClick(page.findChild(QLineEdit, "end_month"), Qt.Key.Key_Return)
    assert wizard.currentId() == 1
    # No beneficiary needed for this activity: Enter goes on again.
    QTest.keyClick(wizard.currentPage().search, Qt.Key.Key_Return)
    wizard.next()
    assert wizard.currentId() == 2


def test_province_template_changes_the_wizard_labels(ctx: AppContext, qtbot: QtBot) -> None:
    shipped = (paths.shipped_forms_dir() / "proposal_template.toml").read_text(encoding="utf-8")
    own = paths.user_forms_dir()
    own.mkdir(parents=True, exist_ok=True)
    changed = shipped.replace(
        'label = "Tên đề án"', 'label = "Tên đề án (theo Quyết định của tỉnh)"'
    )
    (own / "proposal_template.toml").write_text(changed, encoding="utf-8")
    wizard = open_proposal_wizard(ctx, None)
    qtbot.addWidget(wizard)
    labels = [w.text() for w in wizard.currentPage().findChildren(QLabel)]
    assert "Tên đề án (theo Quyết định của tỉnh) *" in labels


def test_print_preview_of_the_saved_proposal(
    ctx: AppContext, db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    with db.session() as s:
        code = create_proposal(s, SYSTEM, machine_input(make_facility(s).uuid)).code
    wizard = open_proposal_wizard(ctx, None, code)
    qtbot.addWidget(wizard)
    assert wizard.button(wizard.WizardButton.CustomButton2).text() == "&Xem bản in…"
    shown: list[QDialog] = []
    preview_proposal(ctx, wizard, code, shown.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    dialog = shown[0]
    assert dialog.isVisible() and dialog.document.pageCount() >= 2  # type: ignore[attr-defined]
    assert "VI. DỰ TOÁN KINH PHÍ" in pdf_text(dialog.path)  # type: ignore[attr-defined]
    assert str(dialog.path).startswith(str(paths.data_dir()))  # type: ignore[attr-defined]
    dialog.close()


def test_new_facility_from_the_wizard(ctx: AppContext, db: Database, qtbot: QtBot) -> None:
    from kcdesk.services.proposals import facilities

    wizard = open_proposal_wizard(ctx, None)
    qtbot.addWidget(wizard)
    wizard.data.activity = "may_moc_thiet_bi"
    wizard.page_for("general").loaded = False
    wizard.setStartId(1)
    wizard.restart()
    page = wizard.currentPage()
    assert page.key == "beneficiaries"
    page.new_button.click()
    form = page.form
    assert form.isVisibleTo(page)
    type_text(form.name, "Cơ sở mộc Đức Thịnh")
    type_text(form.tax_code, "12345")
    type_text(form.commune, "Xã Đông Khê")  # a Cao Bằng unit of the official list
    form.woman.setChecked(True)
    form.craft.setChecked(True)
    form.save_button.click()
    assert "Mã số thuế «12345» không đúng dạng" in form.error.text()
    assert page.chosen == []
    form.tax_code.clear()
    type_text(form.tax_code, "4800123456-002")
    form.save_button.click()
    assert [ref.name for ref in page.chosen] == ["Cơ sở mộc Đức Thịnh"]
    assert not form.isVisibleTo(page)
    with db.session() as s:
        saved = facilities.search_facilities(s, "duc thinh")
        assert len(saved) == 1
        f = saved[0]
        assert (f.tax_code, f.commune, f.woman_owned, f.craft_village, f.ethnic_minority_owned) == (
            "4800123456-002",
            "Xã Đông Khê",
            True,
            True,
            False,
        )
