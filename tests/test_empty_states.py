"""Empty states say what to do (issue 20 §4): no offices with a key, no users, no council."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kcdesk.models.db import Database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext


def test_fresh_database_panels_say_what_to_do(db: Database, qtbot: QtBot) -> None:
    from kcdesk.ui.appraisal.view import AppraisalView
    from kcdesk.ui.exchange.offices_panel import OfficesPanel
    from kcdesk.ui.settings.users_panel import UsersPanel

    ctx = AppContext(db, SYSTEM)
    offices = OfficesPanel(ctx)
    qtbot.addWidget(offices)
    assert "Chưa có đơn vị nào có khóa trao đổi" in offices.message.text()
    users = UsersPanel(ctx)
    qtbot.addWidget(users)
    assert "Chưa có người dùng nào" in users.message.text()
    appraisal = AppraisalView(ctx)
    qtbot.addWidget(appraisal)
    assert "Chưa có hội đồng thẩm định" in appraisal.message.text()
    assert "Hội đồng mới" in appraisal.message.text()
