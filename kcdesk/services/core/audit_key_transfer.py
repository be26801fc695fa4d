"""Carrying the audit chain's key to another workstation (xuất, nhập khóa nhật ký).

On a PostgreSQL server every workstation appends to one chain, so every one needs the
key the chain names. The administrator exports it on a PC that has it and imports the
file on the others (docs/server.md#audit-key); an SQLite Centre exports it to keep a
copy with its backups' passwords, never inside a backup. Both need the administrator's
right to restore (the key decides whether the log can be trusted).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from kcdesk.services.core import audit, audit_key
from kcdesk.services.core.errors import UserError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import RESTORE, require


def export_chain_key(session: Session, actor: Actor, target: Path) -> str:
    """Write the key the chain names to ``target`` (owner-only); its key id."""
    require(actor, RESTORE)
    key_id = audit.current_key_id(session)
    if key_id is None:
        raise UserError(
            "Nhật ký của cơ sở dữ liệu này chưa có khóa (chưa ghi sự kiện nào): chưa có gì để xuất."
        )
    audit_key.export_key(key_id, target)
    return key_id


def import_chain_key(session: Session, actor: Actor, source: Path) -> str:
    """Put the key in ``source`` into this PC's key store for this database; its key id.

    A key the chain does not name is refused: it would only let this PC start a second
    key on a chain that already has one. The key of an old PC whose chain was restored
    here without it (a KEY_RESTART event) is accepted: its events are then checked
    with it again.
    """
    require(actor, RESTORE)
    named = audit.named_key_ids(session)
    identity = audit_key.database_identity(session.get_bind().engine.url)
    key_id = audit_key.import_key(source, identity, expected=named or None)
    # On a chain without a key yet this event switches the imported key on.
    audit.record(
        session,
        actor,
        entity=audit.KEY_ENTITY,
        entity_uuid=key_id,
        entity_label="",
        action="key_import",
        changes={"key_id": {"old": None, "new": key_id}},
    )
    return key_id
