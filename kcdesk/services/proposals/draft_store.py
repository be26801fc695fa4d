"""Wizard drafts (bản nháp): autosave, restore after a crash, discard.

One draft per user, workstation and proposal (``code`` None for a new proposal):
saving again overwrites it. On a server several PCs share the table, and the same
user may work at two of them: each PC restores only its own drafts (docs/server.md). Drafts are working copies, not records: they are not audited and
never travel between offices; the audit event comes when the proposal is saved.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from kcdesk.models import utcnow
from kcdesk.models.drafts import ProposalDraft
from kcdesk.services.proposals.draft import ProposalInput, from_json, to_json
from kcdesk.services.security.actor import Actor


@dataclass(frozen=True)
class DraftInfo:
    uuid: str
    proposal_code: str | None
    title: str
    updated_at: datetime
    data: ProposalInput


def workstation() -> str:
    """This PC's name (``KCDESK_WORKSTATION`` overrides it, for tests and terminals)."""
    return (os.environ.get("KCDESK_WORKSTATION") or platform.node() or "?")[:255]


def _mine(actor: Actor) -> ColumnElement[bool]:
    # A draft saved before drafts named their PC ("") stays visible to its user.
    here = or_(ProposalDraft.workstation == workstation(), ProposalDraft.workstation == "")
    return (ProposalDraft.username == actor.username) & here


def _find(session: Session, actor: Actor, code: str | None) -> ProposalDraft | None:
    stmt = select(ProposalDraft).where(_mine(actor))
    stmt = stmt.where(
        ProposalDraft.proposal_code.is_(None)
        if code is None
        else ProposalDraft.proposal_code == code
    )
    return session.scalars(stmt.order_by(ProposalDraft.updated_at.desc()).limit(1)).first()


def save_draft(session: Session, actor: Actor, data: ProposalInput) -> ProposalDraft:
    """Store ``data`` as the user's draft for its proposal (new or ``data.code``)."""
    draft = _find(session, actor, data.code)
    if draft is None:
        draft = ProposalDraft(
            username=actor.username, workstation=workstation(), proposal_code=data.code
        )
        session.add(draft)
    draft.payload = to_json(data)
    draft.updated_at = utcnow()
    session.flush()
    return draft


def load_draft(session: Session, actor: Actor, code: str | None) -> DraftInfo | None:
    """The user's draft of a new proposal (``code`` None) or of proposal ``code``."""
    draft = _find(session, actor, code)
    if draft is None:
        return None
    data = from_json(draft.payload or {})
    return DraftInfo(draft.uuid, draft.proposal_code, data.title, draft.updated_at, data)


def list_drafts(session: Session, actor: Actor) -> list[DraftInfo]:
    rows = session.scalars(
        select(ProposalDraft).where(_mine(actor)).order_by(ProposalDraft.updated_at.desc())
    )
    out = []
    for draft in rows:
        data = from_json(draft.payload or {})
        out.append(DraftInfo(draft.uuid, draft.proposal_code, data.title, draft.updated_at, data))
    return out


def discard_draft(session: Session, actor: Actor, code: str | None) -> int:
    """Delete the user's draft(s) of that proposal; how many were deleted."""
    stmt = delete(ProposalDraft).where(_mine(actor))
    stmt = stmt.where(
        ProposalDraft.proposal_code.is_(None)
        if code is None
        else ProposalDraft.proposal_code == code
    )
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)
