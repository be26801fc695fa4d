"""Backups written in one pass straight to their target, and the plain safety copy
taken before a restore (issue 24): the same archive, checks and records as before."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk import paths
from kcdesk.models.db import Database
from kcdesk.models.security import BackupRecord
from kcdesk.services.backup import archive as backup_archive
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup.archive import BackupRefused
from kcdesk.services.core import volumes
from kcdesk.services.core.safe_write import WriteFailed
from kcdesk.services.security.actor import SYSTEM

pytestmark = pytest.mark.sqlite_only

ROW_TABLES_APART = {"backup_log", "audit_event"}  # grow with the backup itself


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for t in sorted(set(tables) - ROW_TABLES_APART):
            out[t] = sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
        return out
    finally:
        conn.close()


def test_streamed_backup_is_the_whole_database_with_its_facts(
    demo_db: Database, tmp_path: Path
) -> None:
    assert demo_db.path is not None
    info = backup.create_backup(demo_db, tmp_path / "USB", SYSTEM)
    assert info.sha256 == _sha(info.path) and info.size == info.path.stat().st_size
    assert not list((tmp_path / "USB").glob("*.part"))
    with zipfile.ZipFile(info.path) as zf:
        assert zf.testzip() is None  # every member's CRC
        body = zf.read(backup_archive.DATABASE_MEMBER)
    member = info.manifest["members"][backup_archive.DATABASE_MEMBER]
    assert member == {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
    unpacked = tmp_path / "unpacked.sqlite"
    unpacked.write_bytes(body)
    # The manifest's facts are those of the copy inside; the rows those of the database.
    facts = backup_archive.database_facts(unpacked)
    assert info.manifest["schema_revision"] == facts["schema_revision"]
    assert info.manifest["audit_head"] == facts["audit_head"]
    assert info.manifest["counts"] == {"proposals": 120, "attachments": 0}
    assert _rows(unpacked) == _rows(demo_db.path)
    assert backup.check_backup(info.path)["members"] == info.manifest["members"]


def test_a_copy_failing_the_integrity_check_leaves_no_file_and_no_record(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(_path: Path) -> dict[str, object]:
        raise BackupRefused("Cơ sở dữ liệu trong bản sao lưu bị hỏng (integrity_check: x).")

    monkeypatch.setattr(backup_archive, "database_facts", damaged)
    stick = tmp_path / "USB"
    with pytest.raises(BackupRefused, match="hỏng"):
        backup.create_backup(db, stick / "b.zip", SYSTEM)
    assert list(stick.iterdir()) == []
    with db.session() as s:
        assert s.scalars(select(BackupRecord)).all() == []


def test_backup_too_large_for_a_fat32_stick_is_refused_before_writing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(volumes, "filesystem_type", lambda _p: "vfat")
    monkeypatch.setattr(volumes, "FAT32_MAX_FILE", 999)  # a 1,000-byte "4 GB"
    stick = tmp_path / "USB"
    stick.mkdir()
    with pytest.raises(WriteFailed, match="FAT32"):
        backup.create_backup(db, stick / "b.zip", SYSTEM)
    assert list(stick.iterdir()) == []


def test_the_copy_before_a_restore_is_a_plain_private_database_that_restores(
    demo_db: Database, tmp_path: Path
) -> None:
    assert demo_db.path is not None
    before = _rows(demo_db.path)
    good = backup.create_backup(demo_db, tmp_path / "b.zip", SYSTEM).path
    result = backup.restore_backup(demo_db, good, SYSTEM)
    try:
        safety = result.safety_backup
        assert safety.path.parent == paths.backups_dir()
        assert safety.path.name.startswith(f"{demo_db.path.stem}-truoc-khoi-phuc-")
        assert safety.path.suffix == ".sqlite"
        assert safety.path.read_bytes()[:16] == backup_archive.SQLITE_MAGIC
        assert safety.sha256 == _sha(safety.path)
        if os.name == "posix":
            assert safety.path.stat().st_mode & 0o077 == 0
        assert not list(paths.backups_dir().glob("*.part"))
        # No -wal beside it: the file alone is the whole database.
        assert not list(paths.backups_dir().glob("*-wal"))
        assert _rows(safety.path) == before
        with result.database.session() as s:
            restored = s.scalars(select(BackupRecord).order_by(BackupRecord.id.desc())).first()
        assert restored is not None and restored.kind == "restored"
        assert str(safety.path) in restored.note
        assert backup.check_backup(safety.path)["kind"] == "plain_sqlite"
    finally:
        result.database.dispose()


def test_copies_before_a_restore_rotate_whatever_their_form(db: Database) -> None:
    assert db.path is not None
    folder = paths.backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = db.path.stem
    names = [
        f"{stem}-truoc-khoi-phuc-20270101-080000.zip",  # written by an older kcdesk
        f"{stem}-truoc-khoi-phuc-20270102-080000.sqlite",
        f"{stem}-truoc-khoi-phuc-20270103-080000.zip",
        f"{stem}-truoc-khoi-phuc-20270104-080000.sqlite",
        f"{stem}-tu-dong-20270101-080000.zip",  # another tag: untouched
        f"{stem}-truoc-khoi-phuc-20270105-080000.sqlite.part",  # not a copy: untouched
    ]
    for name in names:
        (folder / name).write_bytes(b"x")
    removed = backup.rotate(db, backup.BEFORE_RESTORE_TAG, keep=2)
    assert sorted(p.name for p in removed) == sorted(names[:2])
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(names[2:])


def test_a_copy_that_cannot_be_taken_stops_the_restore_before_anything_changes(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kcdesk.services.backup import file_swap, safety_copy
    from kcdesk.services.core.errors import UserError

    assert demo_db.path is not None
    good = backup.create_backup(demo_db, tmp_path / "b.zip", SYSTEM).path
    before = _rows(demo_db.path)

    def full_disk(_current: Path, _copy: Path) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    # The backups folder on another disk: the old file is copied, not given a second name.
    monkeypatch.setattr(file_swap, "may_link", lambda _target, _folder: False)
    monkeypatch.setattr(safety_copy, "copy_database", full_disk)
    with pytest.raises(UserError, match="Không sao chép được"):
        backup.restore_backup(demo_db, good, SYSTEM)
    assert _rows(demo_db.path) == before
    folder = paths.backups_dir()
    assert [p.name for p in folder.iterdir() if p.is_file()] == []
    assert not any((folder / ".work").iterdir())
