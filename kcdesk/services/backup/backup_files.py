"""The backup files of a database (tệp sao lưu): what one is (``BackupInfo``), its
record in the backup log and the audit trail, the dated names, the ones kept in
``paths.backups_dir()`` and the oldest removed past ``KEEP``."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kcdesk import paths
from kcdesk.models.db import Database
from kcdesk.models.security import BackupRecord
from kcdesk.services.core import audit, audit_restart
from kcdesk.services.security.actor import Actor

log = logging.getLogger(__name__)

AUTO_TAG = "tu-dong"
BEFORE_RESTORE_TAG = "truoc-khoi-phuc"
KEEP = {AUTO_TAG: 14, BEFORE_RESTORE_TAG: 10}
_STAMP = "%Y%m%d-%H%M%S"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    sha256: str
    manifest: dict[str, Any]
    seconds: float

    @property
    def damaged_attachments(self) -> list[str]:
        return list(self.manifest.get("damaged_attachments", []))


def log_backup(db: Database, actor: Actor, kind: str, info: BackupInfo, note: str) -> None:
    with db.session() as session:
        session.add(
            BackupRecord(
                kind=kind,
                path=str(info.path),
                size=info.size,
                sha256=info.sha256,
                username=actor.username,
                note=note,
            )
        )
        if audit_restart.missing_key(session) is not None:
            # The chain names a key this PC lacks (a copy of the dead PC's file, a new
            # workstation): it cannot record, and a backup — above all the one taken
            # before a restore — must still be written and listed, not refused half-way.
            log.warning("backup %s not in the audit log: this PC lacks its key", info.path)
            return
        audit.record(
            session,
            actor,
            entity="backup",
            entity_uuid="",
            entity_label=info.path.name,
            action=kind,
            changes={
                "file": {"old": None, "new": str(info.path)},
                "sha256": {"old": None, "new": info.sha256},
            },
        )


def _stem(db: Database) -> str:
    """The name backups of ``db`` start with: the file's, or "kcdesk" for a server."""
    return db.path.stem if db.path is not None else "kcdesk"


def default_name(db: Database, tag: str = "", when: datetime | None = None) -> str:
    """``kcdesk-20261121-215000.zip`` (ASCII: FAT-formatted sticks take any name)."""
    stem = _stem(db)
    middle = f"-{tag}" if tag else ""
    return f"{stem}{middle}-{(when or datetime.now()).strftime(_STAMP)}.zip"


def _tagged(folder: Path, stem: str, tag: str) -> list[Path]:
    # The copies taken before a restore are plain database files (safety_copy.py).
    pattern = re.compile(rf"^{re.escape(stem)}-{tag}-(\d{{8}}-\d{{6}})\.(zip|sqlite)$")
    found = [p for p in folder.iterdir() if pattern.match(p.name)] if folder.is_dir() else []
    return sorted(found, key=lambda p: p.name)


def rotate(
    db: Database, tag: str, keep: int | None = None, folder: Path | None = None
) -> list[Path]:
    """Delete the oldest ``tag`` backups of this database beyond ``keep``; returns them."""
    folder = folder or paths.backups_dir()
    stem = _stem(db)
    keep = KEEP[tag] if keep is None else keep
    files = _tagged(folder, stem, tag)
    removed = files[: max(0, len(files) - keep)]
    for path in removed:
        try:
            path.unlink()
        except OSError as exc:
            log.warning("cannot remove old backup %s: %s", path, exc)
    return removed


def last_auto_backup(db: Database, folder: Path | None = None) -> Path | None:
    files = _tagged(folder or paths.backups_dir(), _stem(db), AUTO_TAG)
    return files[-1] if files else None
