"""Choosing a proposal in the score grid puts the cursor in its first score cell (issue 20 §5)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kcdesk.models.db import Database
from kcdesk.ui.appraisal.view import AppraisalView
from tests.test_appraisal_ui import _council_view, ctx, view  # noqa: F401 (fixtures)


def test_choosing_a_proposal_focuses_its_first_score_cell(
    qtbot: QtBot,
    db: Database,
    view: AppraisalView,  # noqa: F811
) -> None:
    _council_view(db, view)
    view.tabs.setCurrentWidget(view.scores)
    panel = view.scores
    with qtbot.waitActive(view):
        view.activateWindow()
    assert panel.proposal.count() >= 2
    panel.proposal.setFocus()
    panel.proposal.setCurrentIndex(1)
    panel.proposal.activated.emit(1)  # what a choice in the list sends
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.view)
    index = panel.view.currentIndex()
    assert (index.row(), index.column()) == (0, 0)
