"""A restore on a PC without the restored chain's key (khôi phục trên máy không có khóa).

The Centre's PC died with its key file; the backup is all there is. Refusing to work
would lose the data in practice, so the restore goes on — but only after the backup's
own chain checks out without the key: every link intact, and its head equal to the
anchor the backup's manifest recorded. Then ``audit.restart_key`` starts a new key in
the same transaction as the restore's own event, so the restored database is never
left unable to record (docs/architecture.md#audit-key).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kcdesk.models.db import open_database
from kcdesk.services.backup.archive import BackupRefused, CheckedBackup
from kcdesk.services.core import audit, audit_restart


@dataclass(frozen=True)
class KeylessRestore:
    """The backup's chain names a key this PC lacks; its events up to ``last`` checked."""

    key_id: str
    last: int

    @property
    def message(self) -> str:
        """The one line the CLI prints and the GUI shows after the restore."""
        return (
            f"Khóa nhật ký của máy cũ ({self.key_id}) không có ở máy này: đã bắt đầu khóa "
            f"mới; các sự kiện đến #{self.last} được kiểm tra theo liên kết và mốc của bản "
            "sao lưu (nhập khóa cũ bằng 'kcdesk audit key import TỆP' nếu còn giữ)."
        )


def check_keyless(checked: CheckedBackup) -> KeylessRestore | None:
    """None when this PC holds the key the backup's chain names (or it names none);
    otherwise the chain is checked by links and against the manifest's anchor
    (BackupRefused, nothing changed, when either fails)."""
    db = open_database(checked.database, migrate_schema=False)
    try:
        with db.session() as session:
            return _check(session, checked)
    finally:
        db.dispose()


def _check(session: Session, checked: CheckedBackup) -> KeylessRestore | None:
    key_id = audit_restart.missing_key(session)
    if key_id is None:
        return None
    name = checked.source.name
    problem = audit.verify_chain(session, missing_key_ok=True)
    if problem is not None:
        raise BackupRefused(
            f"Nhật ký trong bản sao lưu {name} không toàn vẹn ({problem.message}) và máy này "
            "không có khóa nhật ký của nó: không khôi phục. Không có gì bị thay đổi."
        )
    head = audit.chain_head(session)
    anchor = checked.manifest.get("audit_head")
    if head is None or not isinstance(anchor, dict) or anchor != head:
        raise BackupRefused(
            f"Bản sao lưu {name} không có mốc nhật ký khớp với nhật ký bên trong, và máy này "
            "không có khóa nhật ký của nó: không kiểm tra được, không khôi phục. Không có gì "
            "bị thay đổi."
        )
    return KeylessRestore(key_id=key_id, last=int(head["event_id"]))
