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
from kcdesk.models.db import (
    Database,
    alembic_config,
    backup_sqlite,
    current_revision,
    head_revision,
    make_engine,
    resolve_url,
)
from kcdesk.services.backup import archive as backup_archive
from kcdesk.services.backup import auto_backup, integrity
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup.archive import BackupRefused
from kcdesk.services.core import settings
from kcdesk.services.core.safe_write import WriteFailed
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

    # The province changed since the backup: restoring it is confirmed (issue 19 asks for
    # an explicit confirmation when the backup is another Centre's or province's).
    result = backup.restore_backup(db, info.path, SYSTEM, accept_other=True)
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
        again = backup.restore_backup(result.database, safety, SYSTEM, accept_other=True)
        with again.database.session() as s:
            assert settings.get(s, "org.province") == "Lạng Sơn"
            assert users.get_user(s, "moi").role is Role.LEADER
        again.database.dispose()
    finally:
        result.database.dispose()


def _backup_files() -> list[Path]:
    """Every file in the backups folder: zips, and the plain copies taken before a restore."""
    folder = paths.backups_dir()
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def _assert_refused_and_unchanged(db: Database, bad: Path, message: str) -> None:
    before = snapshot(db)
    backups_before = _backup_files()
    with pytest.raises(BackupRefused, match=message):
        backup.restore_backup(db, bad, SYSTEM)
    assert snapshot(db) == before
    assert _backup_files() == backups_before  # refused before even the safety copy
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
    result = backup.restore_backup(demo_db, plain, SYSTEM, accept_other=True)
    try:
        assert domain(snapshot(result.database)) == domain(before)
    finally:
        result.database.dispose()


def test_daily_automatic_backup_once_a_day_with_rotation(db: Database) -> None:
    first = auto_backup.auto_backup_if_due(db, SYSTEM, today=date(2027, 1, 5))
    assert first is not None and first.path.parent == paths.backups_dir()
    assert auto_backup.auto_backup_if_due(db, SYSTEM, today=date(2027, 1, 5)) is None
    for day in range(6, 6 + backup.KEEP[backup.AUTO_TAG] + 3):
        assert auto_backup.auto_backup_if_due(db, SYSTEM, today=date(2027, 1, day)) is not None
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
    with pytest.raises(WriteFailed) as caught:
        backup.create_backup(db, blocker / "sub" / "b.zip", SYSTEM)
    assert str(caught.value) == (
        f"Không tạo được thư mục {blocker / 'sub'}: "
        "một phần của đường dẫn là tệp, không phải thư mục."
    )
    # Nothing written, nothing logged as a backup.
    assert blocker.read_text(encoding="utf-8") == "x"
    with db.session() as s:
        from kcdesk.models.security import BackupRecord

        assert s.scalars(select(BackupRecord)).all() == []


# The schema of the release before implementation tracking (disbursements, acceptance).
OLDER_SCHEMA = "0008_security"


def older_schema_backup(db: Database, tmp_path: Path) -> Path:
    """A backup as an older kcdesk wrote it: ``db``'s data downgraded to OLDER_SCHEMA."""
    from alembic import command

    assert db.path is not None
    old = tmp_path / "kcdesk cũ.sqlite"
    backup_sqlite(Path(db.path), old)
    engine = make_engine(resolve_url(old))
    try:
        config = alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, OLDER_SCHEMA)
        assert current_revision(engine) == OLDER_SCHEMA
    finally:
        engine.dispose()
    copy = tmp_path / "bản chép cũ.sqlite"
    backup_archive.copy_database(old, copy)
    out = tmp_path / "sao lưu bản cũ.zip"
    manifest = backup_archive.write_archive(
        copy, tmp_path / "không có tệp đính kèm", out, created_by="vanthu", kind="manual"
    )
    assert manifest["schema_revision"] == OLDER_SCHEMA
    return out


def test_restore_reopens_an_older_backup_at_the_current_schema(
    demo_db: Database, tmp_path: Path
) -> None:
    from kcdesk.models.implementation import Disbursement, DisbursementKind
    from kcdesk.models.security import BackupRecord
    from kcdesk.services.core import audit
    from kcdesk.services.implementation import money

    with demo_db.session() as s:
        old_rows = sorted(s.execute(select(Proposal.code, Proposal.status)).tuples().all())
    assert len(old_rows) == 120
    older = older_schema_backup(demo_db, tmp_path)
    assert head_revision() != OLDER_SCHEMA
    # Changed after that backup: it must come back as it was then.
    with demo_db.session() as s:
        p = s.scalars(select(Proposal).where(Proposal.status == ProposalStatus.RECEIVED)).first()
        assert p is not None
        change_status(s, SYSTEM, p, ProposalStatus.FORWARDED)

    result = backup.restore_backup(demo_db, older, SYSTEM)
    try:
        restored = result.database
        assert current_revision(restored.engine) == head_revision()
        assert result.manifest["schema_revision"] == OLDER_SCHEMA
        # The migration on open kept its own copy of the older file first.
        assert restored.path is not None
        kept = list(restored.path.parent.glob(f"{restored.path.stem}.before-{OLDER_SCHEMA}-*"))
        assert len(kept) == 1
        with restored.session() as s:
            rows = sorted(s.execute(select(Proposal.code, Proposal.status)).tuples().all())
            assert rows == old_rows
            kinds = [r.kind for r in s.scalars(select(BackupRecord))]
            assert kinds[-1] == "restored"
            (event,) = audit.list_events(s, limit=1)
            assert event.action == "restore"
            assert event.changes["schema"]["new"] == OLDER_SCHEMA
            assert audit.verify_chain(s) is None
            # The tables the older schema lacked exist and take data.
            assert s.scalars(select(Disbursement)).all() == []
            approved = s.scalars(
                select(Proposal).where(
                    Proposal.status == ProposalStatus.APPROVED,
                    Proposal.approved_support.is_not(None),
                )
            ).first()
            assert approved is not None
            money.add_disbursement(
                s,
                SYSTEM,
                approved,
                kind=DisbursementKind.ADVANCE,
                amount=1_000_000,
                paid_on=date(2027, 3, 1),
            )
        assert integrity.check(restored) == []
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
    auto_backup.auto_backup_if_due(db, SYSTEM, today=date(2027, 2, 1))
    assert not stale.exists() and fresh.exists()
