"""Audit trail: record field-level changes, chained by SHA-256 (nhật ký thao tác).

Each event's hash covers the previous event's hash and the event's own canonical
JSON, so altering, inserting or deleting a stored row breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, new_uuid, utcnow
from kcdesk.services.core.write_serial import AUDIT_CHAIN, serialize
from kcdesk.services.security.actor import Actor


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
    # Two writers reading the same tail would fork the chain: hold it until commit.
    serialize(session, AUDIT_CHAIN)
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


def _describe(event: AuditEvent) -> str:
    when = event.at.strftime("%d/%m/%Y %H:%M") if event.at else "?"
    label = f" {event.entity_label}" if event.entity_label else ""
    return f"#{event.id} ({event.entity}{label}, {event.action}, {event.username}, {when})"


def verify_chain(session: Session) -> ChainProblem | None:
    """The first broken event of the chain, or None when every event is intact.

    An altered row fails its own hash; a removed row breaks the link of the next
    one and, on SQLite (ids given without gaps), leaves a hole in the ids that
    names it. Removing the very last events leaves no trace in the chain itself.
    """
    prev = ""
    expected_id: int | None = None
    gaps_mean_deletion = session.get_bind().dialect.name == "sqlite"
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if gaps_mean_deletion and expected_id is not None and event.id != expected_id:
            missing = expected_id if event.id == expected_id + 1 else None
            name = f"#{missing}" if missing else f"#{expected_id}–#{event.id - 1}"
            return ChainProblem(
                expected_id,
                f"Sự kiện {name} đã bị xoá khỏi nhật ký (sự kiện {_describe(event)} "
                "không còn nối với sự kiện trước).",
            )
        if event.prev_hash != prev:
            return ChainProblem(
                event.id,
                f"Sự kiện {_describe(event)} không nối với sự kiện trước: "
                "có sự kiện đã bị xoá, sửa hoặc chèn thêm.",
            )
        if event_digest(event) != event.hash:
            return ChainProblem(event.id, f"Sự kiện {_describe(event)} đã bị sửa sau khi ghi.")
        prev = event.hash
        expected_id = event.id + 1
    return None


def count_events(session: Session) -> int:
    return int(session.scalar(select(func.count(AuditEvent.id))) or 0)


def list_events(
    session: Session,
    *,
    entity_uuid: str | None = None,
    entity_label: str | None = None,
    username: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[AuditEvent]:
    """Newest first, filtered (the audit viewer, ``audit list``).

    ``entity_label`` matches the label or the proposal code inside it; ``until`` is
    inclusive (the whole day).
    """
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if entity_uuid:
        stmt = stmt.where(AuditEvent.entity_uuid == entity_uuid)
    if entity_label:
        stmt = stmt.where(AuditEvent.entity_label.contains(entity_label.strip(), autoescape=True))
    if username:
        stmt = stmt.where(AuditEvent.username == username.strip())
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(since, time.min))
    if until is not None:
        stmt = stmt.where(AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min))
    return list(session.scalars(stmt.limit(limit).offset(offset)))


def usernames(session: Session) -> list[str]:
    return list(
        session.scalars(select(AuditEvent.username).distinct().order_by(AuditEvent.username))
    )


def event_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": event.at.isoformat(timespec="seconds"),
        "user": event.username,
        "office": event.office_code,
        "entity": event.entity,
        "entity_uuid": event.entity_uuid,
        "label": event.entity_label,
        "action": event.action,
        "changes": event.changes,
    }
