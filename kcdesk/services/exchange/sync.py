"""Sync bookkeeping shared by export and import: base revisions, batched audit events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from kcdesk.models import utcnow
from kcdesk.models.exchange import SyncState
from kcdesk.services.core import audit
from kcdesk.services.core.id_lists import batches
from kcdesk.services.security.actor import Actor

T = TypeVar("T")


def table(model: Any) -> Table:
    """The Core table of a mapped class (for batched executemany inserts)."""
    return cast(Table, model.__table__)


def load_states(session: Session, uuids: Iterable[str]) -> dict[str, SyncState]:
    out: dict[str, SyncState] = {}
    for batch in batches(list(uuids)):
        for state in session.scalars(select(SyncState).where(SyncState.uuid.in_(batch))):
            out[state.uuid] = state
    return out


def set_state(
    session: Session,
    states: dict[str, SyncState],
    uuid: str,
    kind: str,
    revision: int,
    content_hash: str,
    line_hash: str = "",
) -> None:
    """Record that both sides now agree on (revision, content_hash) for ``uuid``.

    ``line_hash`` is the hash of the pack line it came from ("" when not imported).
    """
    state = states.get(uuid)
    if state is None:
        state = SyncState(uuid=uuid, kind=kind)
        session.add(state)
        states[uuid] = state
    if (state.revision, state.content_hash, state.line_hash) != (
        revision,
        content_hash,
        line_hash,
    ):
        state.revision = revision
        state.content_hash = content_hash
        state.line_hash = line_hash
        state.synced_at = utcnow()


def audit_batch(session: Session, actor: Actor, entries: list[dict[str, Any]]) -> None:
    """Append many audit events to the local chain at once (``audit.append``)."""
    audit.append(session, actor, entries)
