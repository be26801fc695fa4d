"""Wizard drafts (bản nháp): autosave, restore after a crash, discard.

One draft per user and proposal (``code`` None for a new proposal): saving again
overwrites it. Drafts are working copies, not records: they are not audited and
never travel between offices; the audit event comes when the proposal is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
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


def _find(session: Session, actor: Actor, code: str | None) -> ProposalDraft | None:
    stmt = select(ProposalDraft).where(ProposalDraft.username == actor.username)
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
        draft = ProposalDraft(username=actor.username, proposal_code=data.code)
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
        select(ProposalDraft)
        .where(ProposalDraft.username == actor.username)
        .order_by(ProposalDraft.updated_at.desc())
    )
    out = []
    for draft in rows:
        data = from_json(draft.payload or {})
        out.append(DraftInfo(draft.uuid, draft.proposal_code, data.title, draft.updated_at, data))
    return out


def discard_draft(session: Session, actor: Actor, code: str | None) -> int:
    """Delete the user's draft(s) of that proposal; how many were deleted."""
    stmt = delete(ProposalDraft).where(ProposalDraft.username == actor.username)
    stmt = stmt.where(
        ProposalDraft.proposal_code.is_(None)
        if code is None
        else ProposalDraft.proposal_code == code
    )
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)
