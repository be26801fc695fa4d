"""Backup and restore (sao lưu, khôi phục) of a SQLite kcdesk database.

- ``create_backup``: a manual backup to a chosen folder or USB stick, or the
  automatic ones: a consistent copy in the local work folder, zipped straight into
  the target's temporary file (each file read once, the integrity check beside it),
  renamed and read back to verify (``safe_write``).
- ``rotate``, ``last_auto_backup``: the dated backups kept in ``paths.backups_dir()``
  (``backup_files``; the daily automatic one is ``auto_backup``'s).
- ``restore_backup``: check the file first (``backup_archive.check_archive``), then
  put the checked file in place (``put_in_place``) of the current database: renamed over it when no
  other connection has it open (``file_swap``; the old file, given a second name in
  the backups folder, is the copy kept before the restore), else copied through
  SQLite's backup API (one transaction) after a copy of the current database was
  kept there (a plain SQLite file, ``safety_copy``). Either way a crash mid-restore
  leaves the old database whole.

The copy before every migration is taken by ``models.db.open_database``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kcdesk import paths
from kcdesk.models.db import Database, open_database
from kcdesk.models.security import BackupRecord
from kcdesk.services.backup import (
    backup_files,
    file_swap,
    logical_dump,
    put_in_place,
    restore_key,
    safety_copy,
    zip_target,
)
from kcdesk.services.backup.archive import (
    BackupRefused,
    CheckedBackup,
    check_archive,
    copy_database,
    describe_organisation,
    organisation_of,
    remove_tree,
)
from kcdesk.services.backup.backup_files import (
    _STAMP,
    AUTO_TAG,
    BEFORE_RESTORE_TAG,
    KEEP,
    BackupInfo,
    default_name,
    last_auto_backup,
    rotate,
)
from kcdesk.services.backup.work_dirs import work_dir
from kcdesk.services.core import audit, audit_restart, os_errors, output_path, safe_write
from kcdesk.services.core.errors import UserError
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import BACKUP, RESTORE, require

log = logging.getLogger(__name__)

__all__ = [
    "AUTO_TAG",
    "BEFORE_RESTORE_TAG",
    "KEEP",
    "BackupInfo",
    "BackupRefused",
    "RestoreResult",
    "default_name",
    "last_auto_backup",
    "rotate",
]


@dataclass
class RestoreResult:
    database: Database
    restored_from: Path
    safety_backup: BackupInfo
    manifest: dict[str, Any]
    seconds: float
    # One line when the old PC's audit key is not here (restore_key.KeylessRestore).
    key_note: str = ""


def _file_path(db: Database) -> Path:
    path = db.path
    if path is None:
        raise UserError(
            "Sao lưu và khôi phục trong kcdesk dành cho cơ sở dữ liệu SQLite; với máy chủ "
            "PostgreSQL hãy dùng công cụ sao lưu của máy chủ (pg_dump)."
        )
    return path


def create_backup(
    db: Database,
    target: Path,
    actor: Actor,
    *,
    kind: str = "manual",
    note: str = "",
) -> BackupInfo:
    """Write one verified backup file at ``target`` (a folder gets a dated name)."""
    require(actor, BACKUP)
    return _create_backup(db, target, actor, kind=kind, note=note)


def _create_backup(
    db: Database, target: Path, actor: Actor, *, kind: str = "manual", note: str = ""
) -> BackupInfo:
    """The backup itself, without a role check: the automatic daily backup and the copy
    taken before a restore (whose caller checked RESTORE) are the system's own acts."""
    source = None if db.is_server else _file_path(db)
    started = datetime.now()
    if target.is_dir():
        target = target / default_name(db)
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    work = work_dir()
    try:
        copy = work / "database.sqlite"
        files_root = attachments.store_root()
        if source is None:
            # A server: the same archive, from a logical dump (logical_dump.py).
            files_root = work / "attachments"
            logical_dump.dump_to_sqlite(db, copy)
            logical_dump.export_blobs(db, files_root)
        else:
            try:
                copy_database(source, copy)
            except sqlite3.Error as exc:
                raise UserError(f"Không sao chép được cơ sở dữ liệu: {exc}.") from exc
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise safe_write.WriteFailed(
                f"Không tạo được thư mục {target.parent}: {safe_write.explain(exc)}."
            ) from exc
        # A backup holds every record: readable by its owner only (issue 19).
        output_path.check_output(target)
        output_path.prepare_private(target)
        manifest, digest = zip_target.write_zip(
            copy, files_root, target, work, created_by=actor.username, kind=kind, note=note
        )
        output_path.make_private(target)
    finally:
        remove_tree(work)
    info = BackupInfo(
        path=target,
        size=target.stat().st_size,
        sha256=digest,
        manifest=manifest,
        seconds=(datetime.now() - started).total_seconds(),
    )
    backup_files.log_backup(db, actor, kind, info, note)
    return info


# -- restore -----------------------------------------------------------------------
def check_backup(source: Path) -> dict[str, Any]:
    """Check a backup file without restoring it; returns its manifest."""
    work = work_dir()
    try:
        return check_archive(source, work).manifest
    finally:
        remove_tree(work)


def _restore_attachments(checked: CheckedBackup) -> int:
    restored = 0
    for file_hash, path in checked.attachments.items():
        if attachments.verify(file_hash):
            continue
        target = attachments.path_for(file_hash)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.write_bytes(path.read_bytes())
        os_errors.replace(tmp, target)
        restored += 1
    return restored


def _record_restore(
    restored: Database,
    source: Path,
    actor: Actor,
    checked: CheckedBackup,
    safety: str,
    count: int,
    keyless: restore_key.KeylessRestore | None,
) -> str:
    """The restore's record and audit event, in one transaction with the new key's
    event when the old PC's key is not here; returns the line telling the user so."""
    with restored.session() as session:
        # The whole chain was replaced: bind this PC's key store to the key it names.
        audit.chain_replaced(session)
        if keyless is not None:
            audit_restart.restart_key(session, actor)
        session.add(
            BackupRecord(
                kind="restored",
                path=str(source),
                size=source.stat().st_size,
                username=actor.username,
                note=f"bản an toàn trước khi khôi phục: {safety}",
            )
        )
        audit.record(
            session,
            actor,
            entity="backup",
            entity_uuid="",
            entity_label=source.name,
            action="restore",
            changes={
                "from": {"old": None, "new": str(source)},
                "schema": {"old": None, "new": checked.schema_revision},
                "attachments_restored": {"old": None, "new": count},
                "safety_backup": {"old": None, "new": safety},
            },
        )
    return keyless.message if keyless is not None else ""


def restore_broken_database(target: Path, source: Path, actor: Actor) -> RestoreResult:
    """Restore over a database file that cannot be opened any more (damaged disk).

    The damaged file (and its -wal/-shm) is moved, untouched, into the backups folder
    first; then the checked copy takes its place. A stale -wal must never be replayed
    onto the restored file, so none is left beside it.
    """
    require(actor, RESTORE)
    started = datetime.now()
    work = work_dir()
    try:
        checked = check_archive(source, work)
        keyless = restore_key.check_keyless(checked)
        keep = paths.backups_dir() / f"{target.stem}-hong-{datetime.now().strftime(_STAMP)}"
        keep.mkdir(parents=True, exist_ok=True)
        # The restored copy is complete beside the damaged file before anything moves,
        # and the damaged file is copied (not moved) aside: killed at any point, the
        # path holds a database — the damaged one or the restored one — never none.
        fresh = target.with_name(target.name + ".restoring")
        safe_write.atomic_copy(checked.database, fresh)
        if target.exists():
            safe_write.atomic_copy(target, keep / target.name)
        for suffix in ("-wal", "-shm", "-journal"):
            part = target.with_name(target.name + suffix)
            if part.exists():
                os.replace(part, keep / part.name)
        os_errors.replace(fresh, target)  # retried while Windows holds the file
        count = _restore_attachments(checked)
    finally:
        remove_tree(work)
    restored = open_database(target)
    note = _record_restore(restored, source, actor, checked, str(keep), count, keyless)
    info = BackupInfo(path=keep, size=0, sha256="", manifest={}, seconds=0.0)
    return RestoreResult(
        database=restored,
        restored_from=source,
        safety_backup=info,
        manifest=checked.manifest,
        seconds=(datetime.now() - started).total_seconds(),
        key_note=note,
    )


class OtherCentre(BackupRefused):
    """The backup is another Centre's (or province's): restoring needs a confirmation."""


def check_same_centre(checked: CheckedBackup, current: Path, *, accept_other: bool) -> None:
    """Refuse a backup of another Centre or province unless the user confirmed it,
    naming both (restoring it replaces this Centre's data with theirs)."""
    theirs, ours = organisation_of(checked.database), organisation_of(current)
    # A database whose organisation was never set (a new one) is nobody's data yet.
    if theirs == ours or accept_other or not any(ours.values()):
        return
    raise OtherCentre(
        f"Bản sao lưu {checked.source.name} là dữ liệu của {describe_organisation(theirs)}, "
        f"còn cơ sở dữ liệu này của {describe_organisation(ours)}. Chỉ khôi phục khi chắc "
        "chắn muốn thay dữ liệu này bằng dữ liệu của đơn vị kia (dòng lệnh: thêm "
        "--other-centre). Không có gì bị thay đổi."
    )


def restore_backup(
    db: Database, source: Path, actor: Actor, *, accept_other: bool = False
) -> RestoreResult:
    """Replace the database with ``source`` after checking it and backing up the current one.

    ``db`` is disposed; use the returned ``RestoreResult.database`` afterwards. A file
    that fails any check raises BackupRefused and changes nothing; a backup of another
    Centre or province needs ``accept_other`` (OtherCentre names both).
    """
    require(actor, RESTORE)
    if db.is_server:
        return _restore_server(db, source, actor)
    target = _file_path(db)
    started = datetime.now()
    work = work_dir()
    keep = put_in_place.safety_path(db)
    try:
        # On one disk the old file itself becomes the copy kept before the restore (a
        # second name, nothing copied); elsewhere it is copied while the file is checked.
        pending = None
        if not file_swap.may_link(target, keep.parent):
            pending = safety_copy.PendingCopy(target, work)
        try:
            checked = check_archive(source, work)
            check_same_centre(checked, target, accept_other=accept_other)
            keyless = restore_key.check_keyless(checked)
        except BaseException:
            if pending is not None:
                pending.discard()
            raise
        safety = put_in_place.put_in_place(db, checked, target, source, actor, pending, keep, work)
        count = _restore_attachments(checked)
    finally:
        remove_tree(work)
    # An older backup is migrated on open (with its own copy taken first).
    restored = open_database(target)
    note = _record_restore(restored, source, actor, checked, str(safety.path), count, keyless)
    return RestoreResult(
        database=restored,
        restored_from=source,
        safety_backup=safety,
        manifest=checked.manifest,
        seconds=(datetime.now() - started).total_seconds(),
        key_note=note,
    )


def _safety_backup(db: Database, source: Path, actor: Actor) -> BackupInfo:
    """A server's data before a restore replaces it: a backup zip (rotated)."""
    safety = _create_backup(
        db,
        paths.backups_dir() / default_name(db, BEFORE_RESTORE_TAG),
        actor,
        kind="before_restore",
        note=f"trước khi khôi phục từ {source.name}",
    )
    rotate(db, BEFORE_RESTORE_TAG)
    return safety


def _restore_server(db: Database, source: Path, actor: Actor) -> RestoreResult:
    """Restore a backup (of a PC or of a server) into a server database: checked,
    a safety backup of the server taken, then every table replaced in one transaction."""
    started = datetime.now()
    work = work_dir()
    try:
        checked = check_archive(source, work)
        keyless = restore_key.check_keyless(checked)
        safety = _safety_backup(db, source, actor)
        count = logical_dump.load_from_sqlite(checked.database, db, checked.attachments)
    finally:
        remove_tree(work)
    note = _record_restore(db, source, actor, checked, str(safety.path), count, keyless)
    return RestoreResult(
        database=db,
        restored_from=source,
        safety_backup=safety,
        manifest=checked.manifest,
        seconds=(datetime.now() - started).total_seconds(),
        key_note=note,
    )
