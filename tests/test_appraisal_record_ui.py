"""Ghi kết quả and Huỷ kết quả đã ghi in the appraisal section (issue 20 §5), pytest-qt.

"Ghi kết quả" records only the proposals chosen in the "Kết quả" table (or the one on
screen in "Nhập điểm"); with none chosen it says how many and which, and asks. A
chosen proposal without member conclusions is refused by name. Undo asks first and
is refused once the catalogue is submitted.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kcdesk.models import ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.appraisal.scores import enter_scores
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui import vi
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.appraisal.view import AppraisalView
from tests.appraisal_support import make_council, points

GOOD, BAD, THIRD = "ĐA-2027-001", "ĐA-2027-002", "ĐA-2027-003"


@pytest.fixture
def ctx(db: Database) -> Iterator[AppContext]:
    context = AppContext(db, SYSTEM)
    yield context
    context.worker.wait()


class Questions(list[str]):
    """Every confirmation asked; answered with ``answer`` (Có by default)."""

    answer = True


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> Questions:
    asked = Questions()

    def ask(parent: object, title: str, text: str) -> bool:
        asked.append(f"{title}: {text}")
        return asked.answer

    monkeypatch.setattr(vi, "ask", ask)
    return asked


@pytest.fixture
def view(qtbot: QtBot, db: Database, ctx: AppContext) -> AppraisalView:
    """Three proposals on the agenda: the first two scored by all three members, the
    first with conclusions, the second with points only; the third not scored."""
    with db.session() as session:
        c = make_council(session, members=3)
        for member in c.members:
            enter_scores(
                session,
                SYSTEM,
                c.items[0],
                member,
                points(18, 22, 18, 12, 8, 8),
                conclusion="ho_tro",
            )
            enter_scores(session, SYSTEM, c.items[1], member, points(15, 20, 15, 10, 7, 7))
    widget = AppraisalView(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.year.setValue(2027)
    widget.reload()
    return widget


def _status(db: Database, code: str) -> ProposalStatus:
    with db.session() as session:
        return proposals.get_proposal(session, code).status


def _button(view: AppraisalView, name: str) -> QPushButton:
    button = view.findChild(QPushButton, name)
    assert button is not None
    return button


def test_records_only_the_selected_proposal(
    qtbot: QtBot, db: Database, view: AppraisalView, questions: Questions
) -> None:
    view.tabs.setCurrentWidget(view.results)
    view.results.select_codes([GOOD])
    assert view.results.selected_codes() == [GOOD]
    qtbot.mouseClick(_button(view, "record_results"), Qt.MouseButton.LeftButton)
    assert len(questions) == 1
    assert f"Ghi kết quả 1 đề án đã chọn: {GOOD} " in questions[0]
    assert _status(db, GOOD) is ProposalStatus.APPRAISED
    assert _status(db, BAD) is ProposalStatus.AWAITING_APPRAISAL
    assert f"Đã ghi kết quả 1 đề án ({GOOD})" in view.message.text()


def test_a_chosen_proposal_without_conclusions_is_refused_by_name(
    qtbot: QtBot, db: Database, view: AppraisalView, questions: Questions
) -> None:
    view.tabs.setCurrentWidget(view.results)
    view.results.select_codes([GOOD, BAD, THIRD])
    assert view.record() is False
    text = view.message.text()
    assert f"chưa có kết luận của thành viên: {BAD}" in text
    assert f"chưa có điểm: {THIRD}" in text
    assert questions == []
    assert _status(db, GOOD) is ProposalStatus.AWAITING_APPRAISAL
    # The proposal on screen in "Nhập điểm" is the one chosen there.
    view.tabs.setCurrentWidget(view.scores)
    view.scores.proposal.setCurrentIndex(1)
    assert view.record() is False
    assert f"chưa có kết luận của thành viên: {BAD}" in view.message.text()


def test_nothing_chosen_says_how_many_and_which_and_asks(
    db: Database, view: AppraisalView, questions: Questions
) -> None:
    questions.answer = False
    assert view.record() is False
    assert len(questions) == 1
    assert (
        f"Chưa chọn đề án nào trong bảng. Ghi kết quả cả 1 đề án đã chấm: {GOOD}" in (questions[0])
    )
    assert f"chưa có kết luận của thành viên): {BAD}" in questions[0]
    assert _status(db, GOOD) is ProposalStatus.AWAITING_APPRAISAL


def test_undo_asks_then_returns_the_proposal_and_is_refused_after_submission(
    qtbot: QtBot, db: Database, view: AppraisalView, questions: Questions
) -> None:
    assert view.record(confirm=False, codes=[GOOD]) is True
    undo = _button(view, "undo_results")
    assert undo.text() == "&Huỷ kết quả đã ghi"
    view.tabs.setCurrentWidget(view.results)
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)  # nothing selected
    assert "Chọn trong bảng «Kết quả»" in view.message.text()
    assert questions == []
    view.results.select_codes([GOOD])
    questions.answer = False
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert (
        f"Huỷ kết quả đã ghi: Huỷ kết quả thẩm định đã ghi của 1 đề án: {GOOD}?" in (questions[-1])
    )
    assert _status(db, GOOD) is ProposalStatus.APPRAISED
    questions.answer = True
    qtbot.mouseClick(undo, Qt.MouseButton.LeftButton)
    assert _status(db, GOOD) is ProposalStatus.AWAITING_APPRAISAL
    assert f"Đã huỷ kết quả đã ghi của 1 đề án ({GOOD})" in view.message.text()
    # The sheets open again for correction.
    view.tabs.setCurrentWidget(view.scores)
    view.scores.proposal.setCurrentIndex(0)
    assert view.scores.model.locked is False
    # Recorded again and the catalogue submitted: undo is refused in one line.
    assert view.record(confirm=False, codes=[GOOD]) is True
    with db.session() as session:
        catalogue.submit(session, SYSTEM, 2027, "dia_phuong")
    view.tabs.setCurrentWidget(view.results)
    view.results.select_codes([GOOD])
    assert view.undo_record() is False
    text = view.message.text()
    assert "\n" not in text
    assert f"Đề án {GOOD} đã có trong danh mục năm 2027" in text
    assert _status(db, GOOD) is ProposalStatus.APPRAISED
