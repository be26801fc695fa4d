"""The daily automatic backup (sao lưu tự động): once per calendar day the app is used,
kept with rotation in ``paths.backups_dir()``; on a server, once a day for the whole
server by the first administrator (docs/server.md)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from kcdesk import paths
from kcdesk.models import Role
from kcdesk.models.base import local_day_start
from kcdesk.models.db import Database
from kcdesk.models.security import BackupRecord
from kcdesk.services.backup.backup_restore import (
    AUTO_TAG,
    BackupInfo,
    _create_backup,
    default_name,
    last_auto_backup,
    rotate,
)
from kcdesk.services.backup.work_dirs import clean_work_dirs
from kcdesk.services.security.actor import Actor


def auto_backup_if_due(
    db: Database, actor: Actor, *, today: date | None = None, folder: Path | None = None
) -> BackupInfo | None:
    """The daily automatic backup: once per calendar day the app is used.

    On a server it is not skipped: it is made once a day for the whole server, on
    the PC of the first administrator who opens kcdesk that day (the backup log is
    in the database), into that PC's backups folder. Other users' PCs leave it to
    them; the backup panel says so (docs/server.md: the server's own pg_dump
    schedule is the administrator's too).
    """
    if db.is_server and not _server_auto_backup_due(db, actor, today or date.today()):
        return None
    clean_work_dirs()
    folder = folder or paths.backups_dir()
    today = today or date.today()
    last = last_auto_backup(db, folder)
    if last is not None and last.name.rsplit("-", 2)[-2] == today.strftime("%Y%m%d"):
        return None
    when = datetime.combine(today, datetime.now().time())
    info = _create_backup(db, folder / default_name(db, AUTO_TAG, when), actor, kind="auto")
    rotate(db, AUTO_TAG, folder=folder)
    return info


def _server_auto_backup_due(db: Database, actor: Actor, today: date) -> bool:
    if actor.role is not Role.ADMIN:
        return False
    # The log's times are UTC (models.utcnow); the day is the user's local day.
    start = local_day_start(today)
    with db.session() as session:
        done = session.scalar(
            select(BackupRecord.id)
            .where(BackupRecord.kind == "auto", BackupRecord.at >= start)
            .limit(1)
        )
    return done is None


def server_backup_notice(db: Database) -> str:
    """What the backup panel says on a server (empty on a PC's own database)."""
    if not db.is_server:
        return ""
    return (
        "Cơ sở dữ liệu trên máy chủ: bản sao lưu tự động hằng ngày được làm trên máy "
        "của quản trị viên đầu tiên mở kcdesk trong ngày (vào thư mục sao lưu của máy "
        "đó). Quản trị viên cũng cần lập lịch pg_dump trên máy chủ (docs/server.md)."
    )
