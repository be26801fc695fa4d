"""A backup restored on a PC that lacks the old PC's audit key (issue 19 §5).

The Centre's PC died with its key file: the restore checks the backup (manifest
hashes, its chain's links, its anchor equal to the restored head), says in one line
that the old key is not here, starts a new key with a keyed event that seals the
events before it, and writes work again. ``audit verify`` reports the old stretch as
checked by links and anchors (exit 0) and still catches a later rewrite of it; the
old key imported later checks it with the key again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, update

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.models.security import BackupRecord
from kcdesk.paths import keys_dir
from kcdesk.services.backup import anchors
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup.archive import BackupRefused
from kcdesk.services.core import audit, audit_key, audit_key_transfer, audit_restart, settings
from kcdesk.services.proposals import workflow
from kcdesk.services.security import users
from kcdesk.services.security.actor import SYSTEM
from tests.register_helpers import ADMIN, STAFF, proposal

S = ProposalStatus


@pytest.fixture
def old_pc(db: Database, tmp_path: Path) -> tuple[Path, Path]:
    """A keyed chain backed up, its key exported; then the PC 'dies': no key here."""
    with db.session() as session:
        p = proposal(session, "ĐA-2027-001", status=S.RECEIVED)
        workflow.change_status(session, STAFF, p, S.FORWARDED)
        workflow.change_status(session, STAFF, p, S.DOSSIER_COMPLETE)
    with db.session() as session:
        key_id = audit.current_key_id(session)
    assert key_id is not None
    kept = tmp_path / "khóa máy cũ.key"
    audit_key.export_key(key_id, kept)
    bk = tmp_path / "sao lưu máy cũ.zip"
    backup.create_backup(db, bk, SYSTEM)
    for path in keys_dir().glob("audit-*.key"):
        path.unlink()
    return bk, kept


def _restore(db: Database, bk: Path) -> backup.RestoreResult:
    return backup.restore_backup(db, bk, SYSTEM)


def test_restore_without_the_old_key_starts_a_new_key_and_writes_work(
    db: Database, old_pc: tuple[Path, Path]
) -> None:
    bk, _ = old_pc
    head = backup.check_backup(bk)["audit_head"]["event_id"]
    result = _restore(db, bk)
    restored = result.database
    assert "không có ở máy này" in result.key_note and f"#{head}" in result.key_note
    assert result.key_note.count("\n") == 0
    with restored.session() as s:
        # The restart and the restore's own event, after the restored head, both there.
        tail = s.scalars(select(AuditEvent).where(AuditEvent.id > head).order_by(AuditEvent.id))
        actions = [(e.entity, e.action) for e in tail]
        assert actions == [(audit.KEY_ENTITY, audit.KEY_RESTART), ("backup", "restore")]
        restart = s.scalars(select(AuditEvent).where(AuditEvent.action == audit.KEY_RESTART)).one()
        assert restart.entity_label == audit_restart.restart_label(head)
        assert s.scalars(select(BackupRecord).where(BackupRecord.kind == "restored")).first()
        assert audit_restart.missing_key(s) is None
    # Writes work again, and the whole log verifies.
    with restored.session() as s:
        settings.put(s, ADMIN, "org.province", "Cao Bằng")
    with restored.session() as s:
        report = audit.check_chain(s)
        assert report.problem is None and report.links_only_to == head
        checked = anchors.verify_with_anchors(s, [bk])
        assert checked.problem is None and checked.anchors >= 1
        assert f"#{head}" in checked.note


def test_a_later_rewrite_of_the_unkeyed_stretch_is_caught(
    db: Database, old_pc: tuple[Path, Path]
) -> None:
    restored = _restore(db, old_pc[0]).database
    with restored.session() as s:
        second = s.scalars(select(AuditEvent.id).order_by(AuditEvent.id).offset(1)).first()
    # Content edited, hash left alone: the links still hold, the seal does not.
    with restored.session() as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == second).values(username="ke-gia-mao"))
    with restored.session() as s:
        problem = audit.verify_chain(s)
        assert problem is not None and not problem.key_missing
        assert "niêm phong" in problem.message
    # A link broken: named at the event.
    with restored.session() as s:
        s.execute(update(AuditEvent).where(AuditEvent.id == second).values(prev_hash="0" * 64))
    with restored.session() as s:
        problem = audit.verify_chain(s)
        assert problem is not None and problem.event_id == second
        assert "không nối" in problem.message


def test_an_anchor_of_the_old_stretch_that_disagrees_is_reported(
    db: Database, old_pc: tuple[Path, Path]
) -> None:
    restored = _restore(db, old_pc[0]).database
    with restored.session() as s:
        first = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
        assert first is not None
        good = audit.check_code({"event_id": first.id, "hash": first.hash})
        other = "0" * 64 if not first.hash.startswith("0000") else "f" * 64
        bad = audit.check_code({"event_id": first.id, "hash": other})
        assert anchors.verify_with_anchors(s, codes=[good]).problem is None
        problem = anchors.verify_with_anchors(s, codes=[bad]).problem
        assert problem is not None and f"#{first.id}" in problem.message


def test_the_old_key_imported_later_checks_the_old_stretch_again(
    db: Database, old_pc: tuple[Path, Path]
) -> None:
    bk, kept = old_pc
    restored = _restore(db, bk).database
    with restored.session() as s:
        assert audit.check_chain(s).links_only_to is not None
    with restored.session() as s:
        audit_key_transfer.import_chain_key(s, ADMIN, kept)
    with restored.session() as s:
        report = audit.check_chain(s)
        assert report.problem is None and report.links_only_to is None
    # With the key back, an edit of the old stretch is named at its own event.
    with restored.session() as s:
        second = s.scalars(select(AuditEvent.id).order_by(AuditEvent.id).offset(1)).first()
        s.execute(update(AuditEvent).where(AuditEvent.id == second).values(username="ke-gia-mao"))
    with restored.session() as s:
        problem = audit.verify_chain(s)
        assert problem is not None and problem.event_id == second


def test_cli_restore_on_a_new_pc_then_verify_and_write(
    db: Database, old_pc: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bk, _ = old_pc
    capsys.readouterr()
    assert main(["--db", db.url, "restore", str(bk), "--yes"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "Khóa nhật ký của máy cũ" in out and "Đã khôi phục" in out
    assert main(["--db", db.url, "settings", "set", "org.province", "Cao Bằng"]) == 0
    capsys.readouterr()
    assert main(["--db", db.url, "audit", "verify"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "Nhật ký toàn vẹn" in out and "liên kết, mốc" in out
    assert main(["--db", db.url, "check"]) == 0


@pytest.mark.sqlite_only
def test_a_backup_whose_chain_is_broken_is_refused_without_the_key(
    db: Database, tmp_path: Path
) -> None:
    with db.session() as session:
        p = proposal(session, "ĐA-2027-002", status=S.RECEIVED)
        workflow.change_status(session, STAFF, p, S.FORWARDED)
    path = db.path
    assert path is not None
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("UPDATE audit_event SET prev_hash = ? WHERE id = 2", ("0" * 64,))
        conn.commit()
    finally:
        conn.close()
    bk = tmp_path / "sao lưu hỏng.zip"
    backup.create_backup(db, bk, SYSTEM)
    for key in keys_dir().glob("audit-*.key"):
        key.unlink()
    with db.session() as s:
        before = audit.count_events(s)
    with pytest.raises(BackupRefused, match="không toàn vẹn"):
        _restore(db, bk)
    with db.session() as s:
        assert audit.count_events(s) == before


def test_log_in_without_the_key_counts_failures_and_lets_the_user_read(db: Database) -> None:
    with db.session() as s:
        users.create_first_admin(
            s, username="quantri", full_name="Quản trị", password="Mk-rat-dai-2027!"
        )
    for key in keys_dir().glob("audit-*.key"):
        key.unlink()
    with db.session() as s:
        before = audit.count_events(s)
    with pytest.raises(users.AuthenticationFailed), db.session() as s:
        users.authenticate(s, "quantri", "sai-mat-khau", source="may-1/app")
    with db.session() as s:
        user = users.get_user(s, "quantri")
        assert users.user_dict(s, user)["failed_logins"] == 1
    with db.session() as s:
        actor = users.authenticate(s, "quantri", "Mk-rat-dai-2027!", source="may-1/app")
        assert actor.username == "quantri"
    with db.session() as s:
        assert audit.count_events(s) == before
