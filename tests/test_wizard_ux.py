"""Wizard UX (issue 20 §5): one wizard per proposal, saving confirms, facility count follows."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from kcdesk.models.db import Database
from kcdesk.services.proposals.draft import FacilityRef
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.wizard import open_proposal_wizard
from kcdesk.ui.wizard.wizard import confirm_saved
from tests.proposal_factory import machine_input, make_facility


def test_only_one_wizard_per_proposal(db: Database, qtbot: QtBot) -> None:
    with db.session() as s:
        code = create_proposal(s, SYSTEM, machine_input(make_facility(s).uuid)).code
    ctx = AppContext(db, SYSTEM)
    first = open_proposal_wizard(ctx, None, code)
    qtbot.addWidget(first)
    again = open_proposal_wizard(ctx, None, code)
    assert again is first
    other = open_proposal_wizard(ctx, None, None)
    qtbot.addWidget(other)
    assert other is not first
    first.close()
    qtbot.waitUntil(lambda: not first.isVisible(), timeout=3000)
    third = open_proposal_wizard(ctx, None, code)
    qtbot.addWidget(third)
    assert third is not first


def test_saving_is_confirmed_in_the_status_bar(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    confirm_saved(window, "Đã lưu đề án ĐA-2027-001.")
    assert window.statusBar().currentMessage() == "Đã lưu đề án ĐA-2027-001."


def test_facility_count_follows_the_chosen_facilities(db: Database, qtbot: QtBot) -> None:
    wizard = open_proposal_wizard(AppContext(db, SYSTEM), None)
    qtbot.addWidget(wizard)
    wizard.data.activity = "may_moc_thiet_bi"
    wizard.data.facilities = [FacilityRef("u1", "A"), FacilityRef("u2", "B")]
    wizard.data.outputs = {"facilities": 5}
    outcomes = wizard.page_for("outcomes")
    outcomes.load(wizard.data)
    spin = outcomes.spins["facilities"]
    assert spin.value() == 2 and spin.isReadOnly()
    wizard.data.facilities = wizard.data.facilities[:1]
    outcomes.store(wizard.data)
    assert wizard.data.outputs["facilities"] == 1


def test_a_message_goes_when_its_field_is_fixed(db: Database, qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QLabel, QLineEdit

    from tests.test_wizard_flow import type_text

    wizard = open_proposal_wizard(AppContext(db, SYSTEM), None)
    qtbot.addWidget(wizard)
    wizard.next()  # refused: the title is empty
    assert wizard.currentId() == 0
    page = wizard.currentPage()
    label = page.findChild(QLabel, "error_title")
    assert label.isVisibleTo(wizard) and label.text()
    type_text(page.findChild(QLineEdit, "title"), "Đào tạo nghề")
    assert not label.isVisibleTo(wizard)
    wizard.next()  # other fields still wrong: their messages, not the title's
    assert not label.isVisibleTo(wizard)


def test_recovered_draft_reopens_on_the_page_where_the_user_stopped(
    db: Database, qtbot: QtBot
) -> None:
    from kcdesk.services.proposals import draft_store as drafts

    ctx = AppContext(db, SYSTEM)
    wizard = open_proposal_wizard(ctx, None)
    qtbot.addWidget(wizard)
    wizard.data.title = "Đào tạo nghề mây tre đan"
    wizard.data.activity = "may_moc_thiet_bi"
    wizard.page_for("general").loaded = False
    wizard.setStartId(wizard.pageIds()[2])
    wizard.restart()
    assert wizard.currentPage().key == "need"
    assert wizard.save_draft()
    wizard.hide()
    with db.session() as s:
        info = drafts.load_draft(s, SYSTEM, None)
        assert info is not None and info.data.last_page == "need"
    again = open_proposal_wizard(ctx, None)
    qtbot.addWidget(again)
    assert again is not wizard and again.restore_box is not None
    again.restore(info.data)
    assert again.currentPage().key == "need"
    assert again.data.title == "Đào tạo nghề mây tre đan"
