"""The "Nhật ký" table describes its events as the view asks for them (issue 24): what
it shows is still, row for row, ``describe_event`` of the events listed, and its first
opening describes the rows on screen, not every event listed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kcdesk.models.db import Database
from kcdesk.services.core import audit
from kcdesk.services.history.events import describe_event
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.sections import audit_model
from kcdesk.ui.sections.audit import LIMIT, SIZED_ROWS, AuditView
from tests.appraisal_support import make_council


def _record(db: Database, count: int) -> None:
    with db.session() as s:
        for n in range(count):
            audit.record(
                s,
                SYSTEM,
                entity="proposal",
                entity_uuid=f"uuid-{n}",
                entity_label=f"ĐA-2027-{n:03d}",
                action="update",
                changes={"title": [f"cũ {n}", f"mới {n}"], "budget_total": [n, n + 1000]},
            )


def test_the_texts_on_screen_are_describe_event_of_each_row(qtbot: QtBot, db: Database) -> None:
    with db.session() as s:
        make_council(s)  # events of other kinds, with long subjects
    _record(db, 5)
    ctx = AppContext(db, SYSTEM)
    view = AuditView(ctx)
    qtbot.addWidget(view)
    view.resize(1146, 647)
    view.show()
    with db.session() as s:
        events = [audit.event_dict(e) for e in audit.list_events(s, limit=LIMIT)]
    model = view.table.model()
    assert model.rowCount() == len(events) > 5
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == [
        "#", "Thời điểm", "Người dùng", "Đơn vị", "Đối tượng", "Thao tác", "Thay đổi"
    ]  # fmt: skip
    for row, event in enumerate(events):
        text = describe_event(event)
        expected = [
            str(event["id"]),
            text.when,
            text.who,
            event["office"],
            text.subject,
            text.what,
            text.changes,
        ]
        shown = [model.index(row, c).data() for c in range(7)]
        tips = [model.index(row, c).data(Qt.ItemDataRole.ToolTipRole) for c in range(7)]
        assert shown == expected == tips, row
    assert view.message.text() == f"{len(events)} sự kiện."
    ctx.worker.wait()


def test_the_first_opening_describes_the_rows_on_screen_only(
    qtbot: QtBot, db: Database, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _record(db, 3 * SIZED_ROWS)
    described: list[int] = []
    real = audit_model.describe_event

    def counting(event):  # type: ignore[no-untyped-def]
        described.append(event["id"])
        return real(event)

    monkeypatch.setattr(audit_model, "describe_event", counting)
    ctx = AppContext(db, SYSTEM)
    view = AuditView(ctx)
    qtbot.addWidget(view)
    view.resize(1146, 647)
    view.show()
    qtbot.wait(1)  # painted
    assert view.table.model().rowCount() >= 3 * SIZED_ROWS
    assert 0 < len(described) <= SIZED_ROWS  # not the 150 listed
    assert len(set(described)) == len(described)  # each described once
    view.table.scrollToBottom()
    qtbot.wait(1)
    assert len(described) < view.table.model().rowCount()  # the rows between: never shown
    ctx.worker.wait()
