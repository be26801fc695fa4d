"""Backup and restore: round-trip equality, attachments included, bad files refused."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk import paths
from kcdesk.models import Document, Proposal, ProposalStatus, Role
from kcdesk.models.db import Database, backup_sqlite, open_database
from kcdesk.services.backup import archive as backup_archive
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup import integrity
from kcdesk.services.backup.archive import BackupRefused
from kcdesk.services.core import settings
from kcdesk.services.proposals import attachments
from kcdesk.services.proposals.workflow import change_status
from kcdesk.services.security import users
from kcdesk.services.security.actor import SYSTEM

# SQLite file backup (server backups: test_server_backup.py)
pytestmark = pytest.mark.sqlite_only

KEEP_OUT = {"backup_log", "audit_event"}  # grow with the backup itself, checked apart


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in storage order."""
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out: dict[str, list[tuple]] = {}
        for t in sorted(tables):
            try:
                # rowid order: a restore copies pages, so rows keep their rowids.
                out[t] = conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
            except sqlite3.OperationalError:  # a WITHOUT ROWID table (FTS5 index)
                out[t] = sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
        return out
    finally:
        conn.close()


def domain(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {t: r for t, r in rows.items() if t not in KEEP_OUT}


@pytest.fixture
def with_attachment(demo_db: Database) -> Iterator[tuple[Database, str]]:
    stored = attachments.store_bytes("Biên bản nghiệm thu — bản quét".encode() * 500, "bb.pdf")
    with demo_db.session() as s:
        doc = s.scalars(select(Document).limit(1)).one()
        doc.file_hash, doc.file_name, doc.file_size = stored.hash, stored.name, stored.size
    yield demo_db, stored.hash


def snapshot(db: Database) -> dict[str, list[tuple]]:
    assert db.path is not None
    copy = db.path.with_name("snapshot.sqlite")
    copy.unlink(missing_ok=True)
    backup_sqlite(db.path, copy)
    return dump(copy)


def test_round_trip_restores_every_row_and_the_attachments(
    with_attachment: tuple[Database, str], tmp_path: Path
) -> None:
    db, file_hash = with_attachment
    before = snapshot(db)
    usb = tmp_path / "USB Sao lưu"
    usb.mkdir()
    info = backup.create_backup(db, usb, SYSTEM)
    assert info.path.parent == usb and info.path.suffix == ".zip"
    assert info.manifest["counts"] == {"proposals": 120, "attachments": 1}
    assert not list(usb.glob("*.part"))  # written atomically, nothing left over

    # Afterwards: a status change, a setting, a new user, a lost attachment.
    with db.session() as s:
        p = s.scalars(select(Proposal).where(Proposal.status == ProposalStatus.RECEIVED)).first()
        assert p is not None
        change_status(s, SYSTEM, p, ProposalStatus.FORWARDED)
        settings.put(s, SYSTEM, "org.province", "Lạng Sơn")
        users.add_user(
            s, SYSTEM, username="moi", full_name="", role=Role.LEADER, password="mat-khau-dai-1"
        )
    attachments.path_for(file_hash).unlink()
    assert domain(snapshot(db)) != domain(before)

    result = backup.restore_backup(db, info.path, SYSTEM)
    try:
        after = snapshot(result.database)
        assert domain(after) == domain(before)
        # The audit trail of the backup is kept whole, then the restore is recorded.
        assert after["audit_event"][: len(before["audit_event"])] == before["audit_event"]
        assert attachments.verify(file_hash)
        assert integrity.check(result.database) == []
        # The state just before the restore was saved first, and can itself be restored.
        safety = result.safety_backup.path
        assert safety.parent == paths.backups_dir() and "truoc-khoi-phuc" in safety.name
        again = backup.restore_backup(result.database, safety, SYSTEM)
        with again.database.session() as s:
            assert settings.get(s, "org.province") == "Lạng Sơn"
            assert users.get_user(s, "moi").role is Role.LEADER
        again.database.dispose()
    finally:
        result.database.dispose()


def _assert_refused_and_unchanged(db: Database, bad: Path, message: str) -> None:
    before = snapshot(db)
    backups_before = (
        sorted(paths.backups_dir().glob("*.zip")) if paths.backups_dir().exists() else []
    )
    with pytest.raises(BackupRefused, match=message):
        backup.restore_backup(db, bad, SYSTEM)
    assert snapshot(db) == before
    after = sorted(paths.backups_dir().glob("*.zip")) if paths.backups_dir().exists() else []
    assert after == backups_before  # refused before even the safety copy
    with db.session() as s:  # the engine is still usable
        assert s.scalar(select(Proposal.id).limit(1)) is not None


@pytest.fixture
def good_backup(demo_db: Database, tmp_path: Path) -> Path:
    return backup.create_backup(demo_db, tmp_path / "good.zip", SYSTEM).path


def test_corrupted_byte_is_refused(demo_db: Database, good_backup: Path, tmp_path: Path) -> None:
    data = bytearray(good_backup.read_bytes())
    with zipfile.ZipFile(good_backup) as zf:
        info = zf.getinfo(backup_archive.DATABASE_MEMBER)
    # Flip a byte inside the compressed database, past its local header.
    at = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[at] ^= 0xFF
    bad = tmp_path / "hong.zip"
    bad.write_bytes(bytes(data))
    _assert_refused_and_unchanged(demo_db, bad, "hỏng")


def test_truncated_backup_is_refused(demo_db: Database, good_backup: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cat-cut.zip"
    bad.write_bytes(good_backup.read_bytes()[: good_backup.stat().st_size // 2])
    _assert_refused_and_unchanged(demo_db, bad, "không phải bản sao lưu kcdesk|hỏng")


def test_foreign_zip_and_foreign_files_are_refused(demo_db: Database, tmp_path: Path) -> None:
    other = tmp_path / "anh.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("anh.jpg", b"\xff\xd8 not a database")
    _assert_refused_and_unchanged(demo_db, other, "không có bản kê")
    text = tmp_path / "ghi-chu.zip"
    text.write_text("chỉ là văn bản", encoding="utf-8")
    _assert_refused_and_unchanged(demo_db, text, "không đọc được như tệp nén")
    foreign_db = tmp_path / "khac.sqlite"
    conn = sqlite3.connect(str(foreign_db))
    conn.execute("CREATE TABLE khach_hang (ten TEXT)")
    conn.commit()
    conn.close()
    _assert_refused_and_unchanged(demo_db, foreign_db, "không phải cơ sở dữ liệu kcdesk")
    _assert_refused_and_unchanged(demo_db, tmp_path / "khong-co.zip", "Không tìm thấy")


def test_member_not_matching_its_recorded_hash_is_refused(
    demo_db: Database, good_backup: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "sua.zip"
    with zipfile.ZipFile(good_backup) as src, zipfile.ZipFile(bad, "w") as out:
        manifest = json.loads(src.read(backup_archive.MANIFEST))
        manifest["members"][backup_archive.DATABASE_MEMBER]["sha256"] = "0" * 64
        out.writestr(backup_archive.MANIFEST, json.dumps(manifest))
        out.writestr(backup_archive.DATABASE_MEMBER, src.read(backup_archive.DATABASE_MEMBER))
    _assert_refused_and_unchanged(demo_db, bad, "SHA-256")


def test_backup_of_a_newer_schema_is_refused(demo_db: Database, tmp_path: Path) -> None:
    assert demo_db.path is not None
    newer = tmp_path / "moi-hon.sqlite"
    backup_sqlite(demo_db.path, newer)
    conn = sqlite3.connect(str(newer))
    conn.execute("UPDATE alembic_version SET version_num = '0099_tuong_lai'")
    conn.commit()
    conn.close()
    _assert_refused_and_unchanged(demo_db, newer, "không biết")


def test_corrupt_sqlite_inside_a_valid_looking_backup_is_refused(
    demo_db: Database, tmp_path: Path
) -> None:
    assert demo_db.path is not None
    broken = tmp_path / "broken.sqlite"
    backup_sqlite(demo_db.path, broken)
    data = bytearray(broken.read_bytes())
    page = 4096
    for i in range(page * 3, min(len(data), page * 12)):  # scribble over b-tree pages
        data[i] = 0x5A
    broken.write_bytes(bytes(data))
    _assert_refused_and_unchanged(demo_db, broken, "hỏng|không phải cơ sở dữ liệu")


def test_plain_kcdesk_sqlite_copy_can_be_restored(demo_db: Database, tmp_path: Path) -> None:
    assert demo_db.path is not None
    before = snapshot(demo_db)
    plain = tmp_path / "kcdesk.before-0001.sqlite"
    backup_sqlite(demo_db.path, plain)
    with demo_db.session() as s:
        settings.put(s, SYSTEM, "org.province", "Hà Giang")
    result = backup.restore_backup(demo_db, plain, SYSTEM)
    try:
        assert domain(snapshot(result.database)) == domain(before)
    finally:
        result.database.dispose()


def test_daily_automatic_backup_once_a_day_with_rotation(db: Database) -> None:
    first = backup.auto_backup_if_due(db, SYSTEM, today=date(2027, 1, 5))
    assert first is not None and first.path.parent == paths.backups_dir()
    assert backup.auto_backup_if_due(db, SYSTEM, today=date(2027, 1, 5)) is None
    for day in range(6, 6 + backup.KEEP[backup.AUTO_TAG] + 3):
        assert backup.auto_backup_if_due(db, SYSTEM, today=date(2027, 1, day)) is not None
    kept = sorted(p.name for p in paths.backups_dir().glob("*-tu-dong-*.zip"))
    assert len(kept) == backup.KEEP[backup.AUTO_TAG]
    assert kept[-1].startswith(f"{db.path.stem}-tu-dong-20270122")  # type: ignore[union-attr]
    assert "20270105" not in " ".join(kept)  # the oldest went first
    # Each one is a complete, checkable backup.
    manifest = backup.check_backup(paths.backups_dir() / kept[0])
    assert manifest["kind"] == "auto"


def test_backup_to_a_missing_drive_is_a_clear_refusal(db: Database, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(Exception, match="Không") as caught:
        backup.create_backup(db, blocker / "sub" / "b.zip", SYSTEM)
    assert "Traceback" not in str(caught.value)


def test_restore_reopens_an_older_backup_at_the_current_schema(
    demo_db: Database, good_backup: Path
) -> None:
    result = backup.restore_backup(demo_db, good_backup, SYSTEM)
    try:
        reopened = open_database(result.database.url)
        reopened.dispose()
        with result.database.session() as s:
            from kcdesk.models.security import BackupRecord

            kinds = [r.kind for r in s.scalars(select(BackupRecord))]
        assert kinds[-1] == "restored"
    finally:
        result.database.dispose()


def test_work_folders_of_a_killed_backup_are_cleaned(db: Database) -> None:
    import os
    import time

    stale = paths.backups_dir() / ".work" / "tmp-killed"
    stale.mkdir(parents=True)
    (stale / "database.sqlite").write_bytes(b"x" * 1000)
    old = time.time() - 7 * 3600
    os.utime(stale, (old, old))
    fresh = paths.backups_dir() / ".work" / "tmp-running"
    fresh.mkdir()
    backup.auto_backup_if_due(db, SYSTEM, today=date(2027, 2, 1))
    assert not stale.exists() and fresh.exists()
