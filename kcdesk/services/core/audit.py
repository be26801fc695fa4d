"""Audit trail: record field-level changes, chained by SHA-256 (nhật ký thao tác).

Each event's hash covers the previous event's hash and the event's own canonical
JSON, so altering, inserting or deleting a stored row breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, new_uuid, utcnow
from kcdesk.services.core import write_serial
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import AUDIT_VIEW, require


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


def _digest_of(fields: Mapping[str, Any]) -> str:
    """SHA-256 of the previous hash and the event's canonical content.

    The one place an event is serialised for its hash: ``event_digest`` (stored rows,
    ``verify_chain``) and ``append`` (new rows) both come here.
    """
    at = fields["at"]
    payload = {
        "uuid": fields["uuid"],
        "at": at.isoformat(timespec="microseconds") if isinstance(at, datetime) else str(at),
        "username": fields["username"],
        "office_code": fields["office_code"],
        "entity": fields["entity"],
        "entity_uuid": fields["entity_uuid"],
        "entity_label": fields["entity_label"],
        "action": fields["action"],
        "changes": fields["changes"],
        "prev_hash": fields["prev_hash"],
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_FIELDS = (
    "uuid",
    "at",
    "username",
    "office_code",
    "entity",
    "entity_uuid",
    "entity_label",
    "action",
    "changes",
    "prev_hash",
)


def event_digest(event: AuditEvent) -> str:
    """The hash a stored event must carry."""
    return _digest_of({name: getattr(event, name) for name in _FIELDS})


def chain_tail(session: Session) -> str:
    """The hash of the last event ("" for an empty chain)."""
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return str(last) if last is not None else ""


def chain_head(session: Session) -> dict[str, Any] | None:
    """``{"event_id", "hash"}`` of the last event: the anchor written into backups and
    packs (None for an empty chain)."""
    row = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return {"event_id": int(row.id), "hash": str(row.hash)} if row is not None else None


def check_code(head: dict[str, Any] | None) -> str | None:
    """The printed form of a chain head: ``#152 · 8C37-40CB-A7C0-4CDA`` (the event and
    the first 64 bits of its hash), to compare by eye with ``audit list``."""
    if head is None:
        return None
    digest = str(head["hash"])[:16].upper()
    groups = "-".join(digest[i : i + 4] for i in range(0, 16, 4))
    return f"#{head['event_id']} · {groups}"


@dataclass(frozen=True)
class Anchor:
    """A chain head recorded outside the database (a backup manifest, a pack sent)."""

    source: str
    event_id: int
    hash: str


def verify_anchors(session: Session, anchors: list[Anchor]) -> ChainProblem | None:
    """The first anchor the live chain disagrees with, oldest first, or None.

    Rewriting events and recomputing their hashes passes ``verify_chain``; it cannot
    change the head a backup or a pack recorded before: the event with that id must
    still carry that hash (and exist).
    """
    for anchor in sorted(anchors, key=lambda a: a.event_id):
        stored = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == anchor.event_id))
        if stored == anchor.hash:
            continue
        state = "không còn" if stored is None else "đã khác"
        return ChainProblem(
            anchor.event_id,
            f"Nhật ký không khớp mốc kiểm tra trong {anchor.source}: sự kiện #{anchor.event_id} "
            f"{state} so với lúc ghi mốc; nhật ký đã bị viết lại từ sự kiện #{anchor.event_id} "
            "trở về trước.",
        )
    return None


def append(session: Session, actor: Actor, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append events (``entity``, ``entity_uuid``, ``action``, optional ``changes`` and
    ``entity_label``) to the chain in the caller's transaction; returns their rows.

    The chain's tail is read after ``write_serial.serialize``: two writers (a log-in
    during a pack import, two PCs on one file) can never both chain to the same event.
    """
    if not entries:
        return []
    session.flush()
    write_serial.serialize(session, write_serial.AUDIT)
    prev = chain_tail(session)
    rows: list[dict[str, Any]] = []
    for entry in entries:
        row: dict[str, Any] = {
            "uuid": new_uuid(),
            "at": utcnow(),
            "username": actor.username,
            "office_code": actor.office_code,
            "entity": entry["entity"],
            "entity_uuid": entry["entity_uuid"],
            "entity_label": str(entry.get("entity_label") or "")[:255],
            "action": entry["action"],
            "changes": _jsonable(entry.get("changes") or {}),
            "prev_hash": prev,
        }
        row["hash"] = prev = _digest_of(row)
        rows.append(row)
    session.execute(insert(AuditEvent), rows)
    return rows


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
    (row,) = append(
        session,
        actor,
        [
            {
                "entity": entity,
                "entity_uuid": entity_uuid,
                "entity_label": entity_label,
                "action": action,
                "changes": changes,
            }
        ],
    )
    event = session.scalars(select(AuditEvent).where(AuditEvent.uuid == row["uuid"])).one()
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
    actor: Actor | None = None,
) -> list[AuditEvent]:
    """Newest first, filtered (the audit viewer, ``audit list``); with ``actor``, only
    for a role that may read the log (AUDIT_VIEW).

    ``entity_label`` matches the label or the proposal code inside it; ``until`` is
    inclusive (the whole day).
    """
    if actor is not None:
        require(actor, AUDIT_VIEW)
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
