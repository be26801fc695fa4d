"""Audit trail: record field-level changes, chained by HMAC-SHA256 (nhật ký thao tác).

Each event's hash covers the previous event's hash and the event's own canonical
JSON, so altering, inserting or deleting a stored row breaks the chain from there on.
The hash is keyed (``audit_key``: a secret in the key store, not in the database), so
rewriting events and recomputing their hashes needs the key. A chain written before
keys existed keeps its plain SHA-256 events; the first append with a key records a
"key switched on" event (``KEY_ENTITY``/``KEY_ACTION``, itself keyed) and every
event after it is keyed (docs/architecture.md#audit-key says why it cannot be undone).
How an event is hashed, and which key each event uses, is ``audit_hash``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, new_uuid, utcnow
from kcdesk.models.base import local_day_start
from kcdesk.services.core import audit_key, executemany, write_serial
from kcdesk.services.core.audit_hash import (
    KEY_ACTION,
    KEY_ENTITY,
    KEY_RESTART,
    SWITCH_ACTIONS,
    ChainKeys,
    _digest_of,
    _jsonable,
    seal_step,
    switched_key,
)
from kcdesk.services.core.audit_hash import event_digest as event_digest  # audit.event_digest
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import AUDIT_VIEW, require


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
    secret, switch = _current_key(session)
    if switch is not None:
        entries = [switch, *entries]
    rows = append_keyed(session, actor, entries, secret)
    return rows[1:] if switch is not None else rows


def append_keyed(
    session: Session, actor: Actor, entries: list[dict[str, Any]], secret: bytes
) -> list[dict[str, Any]]:
    """Insert ``entries`` after the tail, hashed with ``secret`` (the caller serialised
    the chain and chose the key: ``append``, ``audit_restart.restart_key``)."""
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
        row["hash"] = prev = _digest_of(row, secret)
        rows.append(row)
    # The table, not the class: the ORM's bulk path cost more than hashing; and on
    # SQLite straight to the driver (issue 24: a pack import appends ~5,000 events).
    executemany.insert_rows(session, cast(Table, AuditEvent.__table__), rows)
    return rows


def current_key_id(session: Session) -> str | None:
    """The key id the chain's last "key switched on" event names (None: not keyed yet)."""
    named = named_key_ids(session)
    return named[-1] if named else None


def named_key_ids(session: Session) -> list[str]:
    """Every key id the chain's switch events name, oldest first."""
    rows = session.scalars(
        select(AuditEvent.changes)
        .where(AuditEvent.entity == KEY_ENTITY, AuditEvent.action.in_(SWITCH_ACTIONS))
        .order_by(AuditEvent.id)
    )
    found = [switched_key({"entity": KEY_ENTITY, "action": KEY_ACTION, "changes": c}) for c in rows]
    return [k for k in found if k is not None]


def _covered(changes: Any) -> tuple[int, str] | None:
    """(covered_to, seal) a KEY_RESTART event records; None when it records none."""
    try:
        to, seal = changes["covered_to"]["new"], changes["seal"]["new"]
    except (KeyError, TypeError):
        return None
    if isinstance(to, int) and not isinstance(to, bool) and isinstance(seal, str):
        return to, seal
    return None


def _current_key(session: Session) -> tuple[bytes, dict[str, Any] | None]:
    """The secret new events are keyed with, and the "key switched on" entry to append
    first when the chain has none yet (a new key, or the one this PC's key store binds
    to this database: a chain rolled back by a restore switches on the same key again).
    """
    key_id = current_key_id(session)
    if key_id is not None:
        return audit_key.secret_for(key_id), None
    identity = audit_key.database_identity(session.get_bind().engine.url)
    bound = audit_key.bound_key_ids(identity)
    key_id = bound[0] if bound else audit_key.create_key(identity)
    return audit_key.secret_for(key_id), key_switch_entry(key_id)


def chain_replaced(session: Session) -> None:
    """After a restore: the database holds another chain, so this PC's key store binds
    it to the key that chain names (none: the next event switches a new key on)."""
    identity = audit_key.database_identity(session.get_bind().engine.url)
    audit_key.rebind(identity, current_key_id(session))


def key_switch_entry(key_id: str) -> dict[str, Any]:
    """The "key switched on" event naming ``key_id``."""
    return {
        "entity": KEY_ENTITY,
        "entity_uuid": key_id,
        "entity_label": "",
        "action": KEY_ACTION,
        "changes": {"key_id": {"old": None, "new": key_id}},
    }


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
    # The chain names a key this PC does not hold: nothing is known to be wrong.
    key_missing: bool = False


def _describe(event: AuditEvent) -> str:
    when = event.at.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M") if event.at else "?"
    label = f" {event.entity_label}" if event.entity_label else ""
    return f"#{event.id} ({event.entity}{label}, {event.action}, {event.username}, {when})"


def verify_chain(session: Session, *, missing_key_ok: bool = False) -> ChainProblem | None:
    """The first broken event of the chain, or None when every event is intact."""
    return check_chain(session, missing_key_ok=missing_key_ok).problem


@dataclass(frozen=True)
class ChainReport:
    problem: ChainProblem | None
    # The last event checked by links, anchors and a restore's seal only: its key (an
    # old PC's) is not here (None: every keyed event was checked with its key).
    links_only_to: int | None = None


def check_chain(session: Session, *, missing_key_ok: bool = False) -> ChainReport:
    """The chain checked event by event: links, hashes (keyed where a key is on), and
    the seal of every KEY_RESTART event; then the key store's bindings (``_unkeyed``)."""
    restarts = {
        int(i): _covered(c)
        for i, c in session.execute(
            select(AuditEvent.id, AuditEvent.changes).where(
                AuditEvent.entity == KEY_ENTITY, AuditEvent.action == KEY_RESTART
            )
        )
    }
    covered_to = max((c[0] for c in restarts.values() if c is not None), default=0)
    keys = ChainKeys(missing_ok=missing_key_ok, covered_to=covered_to)
    problem, first_id = _walk(session, keys, restarts)
    if problem is None:
        problem = _unkeyed(session, keys.key_ids, first_id)
    return ChainReport(problem, keys.links_only_to if problem is None else None)


def _walk(
    session: Session, keys: ChainKeys, restarts: dict[int, tuple[int, str] | None]
) -> tuple[ChainProblem | None, int | None]:
    """The first broken event, and the chain's first id.

    An altered row fails its own hash; a removed row breaks the link of the next
    one and, on SQLite (ids given without gaps), leaves a hole in the ids that
    names it. Removing the very last events leaves no trace in the chain itself.
    """
    prev, seal, last_id = "", "", 0
    expected_id: int | None = None
    first_id: int | None = None
    gaps_mean_deletion = session.get_bind().dialect.name == "sqlite"
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        first_id = event.id if first_id is None else first_id
        if gaps_mean_deletion and expected_id is not None and event.id != expected_id:
            missing = expected_id if event.id == expected_id + 1 else None
            name = f"#{missing}" if missing else f"#{expected_id}–#{event.id - 1}"
            message = (
                f"Sự kiện {name} đã bị xoá khỏi nhật ký (sự kiện {_describe(event)} "
                "không còn nối với sự kiện trước)."
            )
            return ChainProblem(expected_id, message), first_id
        if event.prev_hash != prev:
            message = (
                f"Sự kiện {_describe(event)} không nối với sự kiện trước: "
                "có sự kiện đã bị xoá, sửa hoặc chèn thêm."
            )
            return ChainProblem(event.id, message), first_id
        try:
            digest = keys.digest(event)
        except audit_key.AuditKeyMissing as exc:
            return ChainProblem(event.id, str(exc), key_missing=True), first_id
        if digest != event.hash:
            message = f"Sự kiện {_describe(event)} đã bị sửa sau khi ghi."
            return ChainProblem(event.id, message), first_id
        if event.id in restarts and restarts[event.id] != (last_id, seal):
            # The seal the restore recorded, keyed with the new key: an event before it
            # was edited, added or removed since, even with every link recomputed.
            message = (
                f"Các sự kiện trước sự kiện {_describe(event)} (khôi phục trên máy không "
                "có khóa cũ) đã bị sửa sau lần khôi phục: không khớp dấu niêm phong."
            )
            return ChainProblem(event.id, message), first_id
        prev, seal, last_id = event.hash, seal_step(seal, event), event.id
        expected_id = event.id + 1
    return None, first_id


def _unkeyed(session: Session, seen: list[str], first_id: int | None) -> ChainProblem | None:
    """A chain rewritten without its key: this PC's key store says the database is keyed
    with a key that no "key switched on" event names any more."""
    if first_id is None:
        return None
    identity = audit_key.database_identity(session.get_bind().engine.url)
    for key_id in audit_key.bound_key_ids(identity):
        if key_id not in seen:
            return ChainProblem(
                first_id,
                f"Kho khóa của máy này ghi nhật ký của cơ sở dữ liệu này được khóa bằng khóa "
                f"{key_id}, nhưng không còn sự kiện nào bật khóa đó: nhật ký đã bị viết lại "
                "không có khóa (từ lần bật khóa trở đi).",
            )
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
    # The days are this PC's days; stored times are UTC without a zone.
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= local_day_start(since))
    if until is not None:
        stmt = stmt.where(AuditEvent.at < local_day_start(until + timedelta(days=1)))
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
