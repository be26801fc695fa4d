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
    shown = view.table.model().rowCount()
    assert shown >= 1
    view.hide()
    _record(db, "ĐA-2027-002")  # what the wizard's save records, then its notice
    ctx.notify(DataKind.PROPOSAL)
    assert view.table.model().rowCount() == shown  # hidden: not reloaded behind the save
    view.show()
    assert view.table.model().rowCount() == shown + 1
    ctx.notify(DataKind.PROPOSAL)  # visible: reloads at once
    assert view.table.model().rowCount() == shown + 1
    ctx.worker.wait()


def test_a_save_records_the_diff_between_what_was_stored_before_and_after(
    demo_db: Database,
) -> None:
    """The save resolves the programme once and validates once: what it records is still
    exactly the difference between the proposal as stored before and after."""
    from sqlalchemy import select

    from kcdesk.models import Proposal, ProposalStatus
    from kcdesk.services.proposals import lookup, target_outputs
    from kcdesk.services.proposals.draft import from_proposal
    from kcdesk.services.proposals.save import snapshot, update_proposal

    with demo_db.session() as s:
        code = s.scalars(
            select(Proposal.code)
            .where(Proposal.status == ProposalStatus.RECEIVED)
            .order_by(Proposal.id)
            .limit(1)
        ).one()
        stored = from_proposal(lookup.get_proposal(s, code))
    before = snapshot(stored)
    edited = stored
    edited.title = stored.title + " (sửa)"
    edited.budget_lines = edited.budget_lines[:1]
    with demo_db.session() as s:
        saved = update_proposal(s, SYSTEM, code, edited, stored.revision)
        uuid = saved.uuid
    with demo_db.session() as s:
        proposal = lookup.get_proposal(s, code)
        after = snapshot(from_proposal(proposal))
        programme = target_outputs.resolve_programme(s, from_proposal(proposal))
        assert proposal.programme == (programme.code if programme is not None else "")
        assert proposal.revision == stored.revision + 1
        events = audit.list_events(s, entity_uuid=uuid, limit=1)
        assert events[0].action == "update"
        assert events[0].changes == audit.diff(before, after)
        assert set(events[0].changes) >= {"title", "budget_lines"}
