"""Sync bookkeeping shared by export and import: base revisions, batched audit events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from types import SimpleNamespace
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, new_uuid, utcnow
from kcdesk.models.exchange import SyncState
from kcdesk.services.core.audit import _jsonable, event_digest
from kcdesk.services.core.write_serial import AUDIT_CHAIN, serialize
from kcdesk.services.security.actor import Actor

T = TypeVar("T")


def table(model: Any) -> Table:
    """The Core table of a mapped class (for batched executemany inserts)."""
    return cast(Table, model.__table__)


CHUNK = 500


def chunks(items: Sequence[T] | Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def load_states(session: Session, uuids: Iterable[str]) -> dict[str, SyncState]:
    out: dict[str, SyncState] = {}
    for batch in chunks(list(uuids)):
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
    """Append many audit events to the local chain at once (same rules as audit.record).

    One query for the chain's tail instead of one per event keeps a 5,000-record
    import fast; each event still chains to the previous one by hash.
    """
    if not entries:
        return
    session.flush()
    serialize(session, AUDIT_CHAIN)
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    prev = last.hash if last is not None else ""
    rows = []
    for entry in entries:
        row = {
            "uuid": new_uuid(),
            "at": utcnow(),
            "username": actor.username,
            "office_code": actor.office_code,
            "entity": entry["entity"],
            "entity_uuid": entry["entity_uuid"],
            "entity_label": entry.get("entity_label", "")[:255],
            "action": entry["action"],
            "changes": _jsonable(entry.get("changes") or {}),
            "prev_hash": prev,
        }
        # event_digest reads attributes; a namespace of the row is the same event.
        row["hash"] = prev = event_digest(cast(AuditEvent, SimpleNamespace(**row)))
        rows.append(row)
    session.execute(insert(table(AuditEvent)), rows)
