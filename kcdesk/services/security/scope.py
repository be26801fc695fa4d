"""What an actor may see: a local-office clerk sees only their own office's files.

Government data (issue 9): a clerk of one commune must not read another commune's
dossiers. Listing and lookup services add ``visible_proposals_clause(actor)`` to their
queries; services that act on one record call ``require_visible``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from kcdesk.models import Proposal, Role
from kcdesk.services.core.errors import NotFoundError
from kcdesk.services.security.actor import Actor


def office_only(actor: Actor | None) -> bool:
    """True when the actor is limited to their own office's records."""
    return actor is not None and actor.role is Role.OFFICE_CLERK


def visible_proposals_clause(actor: Actor | None) -> ColumnElement[bool]:
    """A WHERE clause for proposals the actor may see (all of them for ``None``)."""
    if not office_only(actor):
        return true()
    assert actor is not None
    if not actor.office_code:
        # A clerk without an office sees nothing rather than everything.
        return false()
    return Proposal.office_code == actor.office_code


def can_see(actor: Actor | None, proposal: Proposal) -> bool:
    if not office_only(actor):
        return True
    assert actor is not None
    return bool(actor.office_code) and proposal.office_code == actor.office_code


def require_visible(actor: Actor | None, proposal: Proposal) -> None:
    """Refuse a record of another office as if it did not exist (no data leaks)."""
    if not can_see(actor, proposal):
        raise NotFoundError(
            f"Không tìm thấy đề án có mã {proposal.code} trong hồ sơ của đơn vị "
            f"{actor.office_code if actor else ''}."
        )
