"""Audit trail: record field-level changes, chained by SHA-256 (nhật ký thao tác).

Each event's hash covers the previous event's hash and the event's own canonical
JSON, so altering, inserting or deleting a stored row breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, new_uuid, utcnow
from kcdesk.services.actor import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def event_digest(event: AuditEvent) -> str:
    """SHA-256 of the previous hash and the event's canonical content."""
    payload = {
        "uuid": event.uuid,
        "at": event.at.isoformat(timespec="microseconds"),
        "username": event.username,
        "office_code": event.office_code,
        "entity": event.entity,
        "entity_uuid": event.entity_uuid,
        "entity_label": event.entity_label,
        "action": event.action,
        "changes": event.changes,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Field-level changes ``{field: {"old": …, "new": …}}`` between two snapshots."""
    out: dict[str, Any] = {}
    for key in sorted(set(old) | set(new)):
        before, after = _jsonable(old.get(key)), _jsonable(new.get(key))
        if before != after:
            out[key] = {"old": before, "new": after}
    return out


def record(
    session: Session,
    actor: Actor,
    *,
    entity: str,
    entity_uuid: str,
    action: str,
    changes: dict[str, Any] | None = None,
    entity_label: str = "",
) -> AuditEvent:
    """Append one event in the caller's transaction (so it commits with the change)."""
    last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    event = AuditEvent(
        uuid=new_uuid(),
        at=utcnow(),
        username=actor.username,
        office_code=actor.office_code,
        entity=entity,
        entity_uuid=entity_uuid,
        entity_label=entity_label,
        action=action,
        changes=_jsonable(changes or {}),
        prev_hash=last.hash if last is not None else "",
    )
    event.hash = event_digest(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    message: str


def verify_chain(session: Session) -> ChainProblem | None:
    """The first broken event of the chain, or None when every event is intact."""
    prev = ""
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != prev:
            return ChainProblem(
                event.id,
                f"Sự kiện #{event.id} không nối với sự kiện trước: "
                "có sự kiện đã bị xoá hoặc chèn thêm.",
            )
        if event_digest(event) != event.hash:
            return ChainProblem(event.id, f"Sự kiện #{event.id} đã bị sửa sau khi ghi.")
        prev = event.hash
    return None
