"""A new audit key after a restore on a PC without the old one (bắt đầu khóa mới).

The restored chain names a key this PC's key store lacks (the old PC died with it).
``restart_key`` starts a new key with a KEY_RESTART event that records the head it
follows and the seal of every earlier event, keyed with the new key; ``audit.
check_chain`` then checks that stretch by its links, the anchors and the seal, or with
the old key again once it is imported (docs/architecture.md#audit-key).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent
from kcdesk.services.core import audit_key, write_serial
from kcdesk.services.core.audit import (
    KEY_ENTITY,
    KEY_RESTART,
    append_keyed,
    current_key_id,
    seal_step,
)
from kcdesk.services.security.actor import Actor


def missing_key(session: Session) -> str | None:
    """The key id new events need and this PC's key store lacks (None: writes work).

    Asked at the GUI's start, by log-in and by a restore: without the key every write
    fails (one line, ``audit key import``), so the user is told before trying."""
    key_id = current_key_id(session)
    if key_id is None:
        return None
    try:
        audit_key.secret_for(key_id)
    except audit_key.AuditKeyMissing:
        return key_id
    return None


def restart_key(session: Session, actor: Actor) -> int | None:
    """After a restore on a PC without the restored chain's key: a new key, switched on
    by a KEY_RESTART event that records the head it follows and the seal of every event
    before it; returns that head's event id (None: the chain needs no restart).

    The caller checked the restored chain's links and its backup anchor first
    (``backup_restore``); the event is visible in the log and its words say what
    the events before it are checked by (docs/architecture.md#audit-key).
    """
    old = missing_key(session)
    if old is None:
        return None
    session.flush()
    write_serial.serialize(session, write_serial.AUDIT)
    seal, last = "", 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        seal, last = seal_step(seal, event), event.id
    identity = audit_key.database_identity(session.get_bind().engine.url)
    new = audit_key.create_key(identity)
    audit_key.rebind(identity, new)
    entry = {
        "entity": KEY_ENTITY,
        "entity_uuid": new,
        "entity_label": restart_label(last),
        "action": KEY_RESTART,
        "changes": {
            "key_id": {"old": old, "new": new},
            "covered_to": {"old": None, "new": last},
            "seal": {"old": None, "new": seal},
        },
    }
    append_keyed(session, actor, [entry], audit_key.secret_for(new))
    return last


def restart_label(last: int) -> str:
    return (
        f"Khôi phục trên máy không có khóa nhật ký cũ: các sự kiện đến #{last} được kiểm tra "
        "theo liên kết và mốc của bản sao lưu"
    )


def links_only_note(last: int) -> str:
    """What ``audit verify`` and the audit view add when an old PC's key is not here."""
    return (
        f"các sự kiện đến #{last} được kiểm tra theo liên kết, mốc và dấu niêm phong của lần "
        "khôi phục (khóa nhật ký của máy cũ không có ở máy này; nhập khóa đó bằng "
        "'kcdesk audit key import TỆP' để kiểm tra lại bằng khóa)"
    )
