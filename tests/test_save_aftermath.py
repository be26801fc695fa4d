"""What a save leaves behind it (issue 24): the hidden audit section does not describe
its last 1,000 events on the main thread behind every save, and shows the new event
once it is opened."""

from __future__ import annotations

from kcdesk.models.db import Database
from kcdesk.services.core import audit
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.sections.audit import AuditView


def _record(db: Database, label: str) -> None:
    with db.session() as s:
        audit.record(
            s,
            SYSTEM,
            entity="proposal",
            entity_uuid=f"uuid-{label}",
            entity_label=label,
            action="update",
            changes={"title": ["cũ", "mới"]},
        )


def test_hidden_audit_section_shows_the_saved_event_when_opened(qtbot, db: Database) -> None:
    _record(db, "ĐA-2027-001")
    ctx = AppContext(db, SYSTEM)
    view = AuditView(ctx)
    qtbot.addWidget(view)
    view.show()
    shown = view.table.rowCount()
    assert shown >= 1
    view.hide()
    _record(db, "ĐA-2027-002")  # what the wizard's save records, then its notice
    ctx.notify(DataKind.PROPOSAL)
    assert view.table.rowCount() == shown  # hidden: not reloaded behind the save
    view.show()
    assert view.table.rowCount() == shown + 1
    ctx.notify(DataKind.PROPOSAL)  # visible: reloads at once
    assert view.table.rowCount() == shown + 1
    ctx.worker.wait()
