"""Putting a checked backup in place of a PC's database (thay cơ sở dữ liệu khi khôi
phục), with the copy of the data from just before kept in the backups folder.

Renamed over the live file when SQLite shows it alone with it (``file_swap``: the old
file, given a second name, is then the copy); else the copy is taken (``safety_copy``)
and the checked database copied in through SQLite's backup API, in one transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from kcdesk import paths
from kcdesk.models.db import BUSY_TIMEOUT_MS, Database, backup_sqlite
from kcdesk.services.backup import backup_files, file_swap, safety_copy
from kcdesk.services.backup.archive import CheckedBackup
from kcdesk.services.backup.backup_files import (
    BEFORE_RESTORE_TAG,
    BackupInfo,
    default_name,
    rotate,
)
from kcdesk.services.core import output_path, safe_write
from kcdesk.services.core.errors import UserError
from kcdesk.services.security.actor import Actor

log = logging.getLogger(__name__)


def safety_path(db: Database) -> Path:
    """Where the copy of a PC's data before a restore goes: a plain database file."""
    name = default_name(db, BEFORE_RESTORE_TAG).removesuffix(".zip") + ".sqlite"
    return paths.backups_dir() / name


def put_in_place(
    db: Database,
    checked: CheckedBackup,
    target: Path,
    source: Path,
    actor: Actor,
    pending: safety_copy.PendingCopy | None,
    keep: Path,
    work: Path,
) -> BackupInfo:
    """Replace the live database with the checked one; returns the copy of the old one.

    Renamed over it when nothing else has it open (``file_swap``: the old file, given
    a second name, is then the copy), else copied into it through the backup API after
    the copy was taken."""
    if pending is not None:
        safety = _keep_safety_copy(db, source, actor, pending, keep)
    db.dispose()
    try:
        if file_swap.swap_in(checked.database, target, None if pending else keep):
            if pending is None:
                safety = _linked_safety_copy(db, keep)
            return safety
        if pending is None:  # the second name could not be made: copy after all
            safety = _keep_safety_copy(
                db, source, actor, safety_copy.PendingCopy(target, work), keep
            )
            db.dispose()
        replace_database(checked, target)
    except sqlite3.Error as exc:
        raise UserError(
            f"Không thay được cơ sở dữ liệu ({exc}): có thể một máy khác đang ghi. "
            f"Cơ sở dữ liệu cũ vẫn nguyên; bản sao lưu an toàn: {keep}."
        ) from exc
    return safety


def _linked_safety_copy(db: Database, keep: Path) -> BackupInfo:
    """The old file under its second name: made owner-only, hashed, rotated. It is not
    logged: the record would go into the database just replaced; the restore's own
    record names it."""
    started = datetime.now()
    try:
        output_path.make_private(keep)
        digest = safe_write.sha256_of(keep)
    except OSError as exc:
        log.warning("the copy before the restore %s: %s", keep, exc)
        digest = ""
    rotate(db, BEFORE_RESTORE_TAG)
    return BackupInfo(
        path=keep,
        size=keep.stat().st_size,
        sha256=digest,
        manifest={},
        seconds=(datetime.now() - started).total_seconds(),
    )


def _keep_safety_copy(
    db: Database, source: Path, actor: Actor, pending: safety_copy.PendingCopy, target: Path
) -> BackupInfo:
    """A PC's data before a restore: the copy taken meanwhile, moved into the backups
    folder as a plain database file (``safety_copy``), logged and rotated."""
    started = datetime.now()
    digest = pending.keep(target)
    info = BackupInfo(
        path=target,
        size=target.stat().st_size,
        sha256=digest,
        manifest={},
        seconds=(datetime.now() - started).total_seconds(),
    )
    backup_files.log_backup(
        db, actor, "before_restore", info, f"trước khi khôi phục từ {source.name}"
    )
    rotate(db, BEFORE_RESTORE_TAG)
    return info


def replace_database(checked: CheckedBackup, target: Path) -> None:
    """Copy the checked database over the live one, in one SQLite transaction."""
    backup_sqlite(checked.database, target, wait_s=BUSY_TIMEOUT_MS / 1000)
