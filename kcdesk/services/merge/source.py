"""The other Centre's database (cơ sở dữ liệu của Trung tâm cũ), opened safely.

The file (a ``kcdesk backup`` zip or a database file) is checked by the backup
reader (every member's SHA-256, ``PRAGMA integrity_check``, a schema this kcdesk
knows — a newer one is refused), unpacked into a temporary folder, migrated there
if older, and its audit chain verified before anything is planned. The user's file
is never opened for writing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent, Setting
from kcdesk.models.db import Database, DatabaseError, open_database
from kcdesk.services.backup.archive import BackupRefused, check_archive, remove_tree, sha256_file
from kcdesk.services.core import audit
from kcdesk.services.core.errors import UserError


class MergeRefused(UserError):
    """The other Centre's file cannot be merged; nothing was changed."""


@dataclass
class MergeSource:
    """A checked copy of the other Centre's database, with its facts."""

    path: Path
    work: Path
    database: Database
    attachments: dict[str, Path] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    chain_head: str = ""
    chain_events: int = 0
    database_sha256: str = ""

    @property
    def key(self) -> str:
        """What identifies this state of the other Centre (its audit head)."""
        return self.chain_head or self.database_sha256

    @property
    def province(self) -> str:
        return str(self.settings.get("org.province") or "").strip()

    def close(self) -> None:
        self.database.dispose()
        remove_tree(self.work)


def _settings(session: Session) -> dict[str, Any]:
    return {row.key: row.value for row in session.scalars(select(Setting))}


def open_source(path: Path, *, work_root: Path | None = None) -> MergeSource:
    """Check and open ``path`` (raises MergeRefused with the reason)."""
    work = Path(tempfile.mkdtemp(prefix="kcdesk-merge-", dir=work_root))
    try:
        try:
            checked = check_archive(path, work)
        except BackupRefused as exc:
            raise MergeRefused(f"Không hợp nhất: {exc}") from exc
        digest = sha256_file(checked.database)
        try:
            # A copy in our own temporary folder: migrating it (when the other Centre
            # runs an older kcdesk) changes nothing the user owns.
            database = open_database(checked.database)
        except DatabaseError as exc:
            raise MergeRefused(f"Không hợp nhất: không mở được cơ sở dữ liệu ({exc}).") from exc
        source = MergeSource(
            path=path,
            work=work,
            database=database,
            attachments=dict(checked.attachments),
            database_sha256=digest,
        )
        with database.session() as session:
            # The other Centre's key is in its key store, not in the backup: without it
            # the links and the plain events are checked (docs/architecture.md#audit-key).
            problem = audit.verify_chain(session, missing_key_ok=True)
            if problem is not None:
                database.dispose()
                raise MergeRefused(
                    f"Không hợp nhất: nhật ký thao tác của Trung tâm kia không toàn vẹn — "
                    f"{problem.message} Không có gì bị thay đổi."
                )
            last = session.scalars(
                select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
            ).first()
            source.chain_head = last.hash if last is not None else ""
            source.chain_events = audit.count_events(session)
            source.settings = _settings(session)
        return source
    except BaseException:
        remove_tree(work)
        raise
