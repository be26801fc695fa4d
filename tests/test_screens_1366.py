"""What the 1366×768 walk-through under Xvfb found (issue 20 §5), held by tests.

The audit list's short columns are not cut, the import log reads local time and says
what it is for when empty, a long council name shows from its beginning, the
wizard's messages wrap, and no message to a clerk names a program file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kcdesk.models.db import Database
from kcdesk.services.forms import caps
from kcdesk.services.forms.load import load_activities
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from tests.appraisal_support import make_council


@pytest.fixture
def ctx(db: Database) -> Iterator[AppContext]:
    context = AppContext(db, SYSTEM)
    yield context
    context.worker.wait()


def test_audit_list_short_columns_are_not_cut(qtbot: QtBot, ctx: AppContext) -> None:
    from kcdesk.ui.sections.audit import AuditView

    with ctx.db.session() as session:
        make_council(session)  # some events with long subjects
    view = AuditView(ctx)
    qtbot.addWidget(view)
    view.resize(1146, 647)  # the section's room at 1366×768
    view.show()
    table = view.table
    events = table.model()
    assert events.rowCount() > 5
    assert not table.verticalHeader().isVisible()  # "#" numbers the events already
    for column in range(4):  # #, time, user, office
        assert table.sizeHintForColumn(column) <= table.columnWidth(column), column
    for row in range(events.rowCount()):
        for column in range(events.columnCount()):
            index = events.index(row, column)
            assert isinstance(index.data(), str)
            assert index.data(Qt.ItemDataRole.ToolTipRole) == index.data()


def test_import_log_empty_state_and_local_time(qtbot: QtBot, ctx: AppContext) -> None:
    from kcdesk.ui.exchange.log_panel import HEADERS, LogPanel, local_time

    panel = LogPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.empty.isVisible() and "Chưa nhập gói nào" in panel.empty.text()
    assert not any("UTC" in h for h in HEADERS)
    stored = datetime(2026, 12, 6, 17, 30)  # naive UTC, as the database keeps it
    expected = stored.replace(tzinfo=UTC).astimezone()
    assert local_time(stored) == expected.strftime("%d/%m/%Y %H:%M")


def test_council_name_shows_from_its_beginning(qtbot: QtBot, ctx: AppContext) -> None:
    from kcdesk.ui.appraisal.setup_panel import SetupPanel

    with ctx.db.session() as session:
        sid = make_council(session).session.id
    panel = SetupPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_session(sid)
    for edit in (panel.name, panel.criteria):
        assert edit.text() and edit.cursorPosition() == 0
        assert edit.toolTip() == edit.text()


def test_no_cap_notice_names_a_program_file() -> None:
    activity = load_activities()["may_moc_thiet_bi"]
    notice = caps.cap_notice(activity, "dia_phuong")
    assert notice is not None
    assert "forms/" not in notice and ".toml" not in notice
    assert "quản trị viên điền mức theo nghị quyết của HĐND tỉnh" in notice


def test_wizard_messages_wrap(qtbot: QtBot, ctx: AppContext) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QListWidget

    from kcdesk.ui.wizard import open_proposal_wizard

    wizard = open_proposal_wizard(ctx, None)
    qtbot.addWidget(wizard)
    problems = wizard.findChild(QListWidget, "review_problems")
    assert problems is not None and problems.wordWrap()
    assert problems.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    wizard.close()
