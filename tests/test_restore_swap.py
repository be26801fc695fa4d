"""A restore puts the checked file in place by renaming it, and only when that is safe
(file_swap): the old file becomes the copy kept before the restore; a second connection,
a link that cannot be made or a rename that fails means the copy through SQLite's
backup API, with the same result."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk.models.db import Database
from kcdesk.models.proposal import Proposal
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup import file_swap
from kcdesk.services.security.actor import SYSTEM

pytestmark = pytest.mark.sqlite_only


def _titles(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return sorted(r[0] for r in conn.execute("SELECT title FROM proposal"))
    finally:
        conn.close()


def _change_after_backup(db: Database, tmp_path: Path) -> tuple[Path, list[str], list[str]]:
    """A backup, then a change: (the backup, titles in it, titles now)."""
    assert db.path is not None
    backed_up = _titles(db.path)
    info = backup.create_backup(db, tmp_path / "b.zip", SYSTEM)
    with db.session() as s:
        first = s.scalars(select(Proposal).order_by(Proposal.id)).first()
        assert first is not None
        first.title = "Sửa sau bản sao lưu"
    return info.path, backed_up, _titles(db.path)


def _spy_swaps(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    results: list[bool] = []
    real = file_swap.swap_in

    def spy(new: Path, target: Path, keep_old: Path | None = None) -> bool:
        results.append(real(new, target, keep_old))
        return results[-1]

    monkeypatch.setattr(file_swap, "swap_in", spy)
    return results


def _hold_live_file(monkeypatch: pytest.MonkeyPatch, live: Path) -> None:
    """Renaming over ``live`` fails as it does on Windows while the file is held open."""
    real_replace = file_swap.os_errors.replace

    def held(src: Path, dst: Path, **k: object) -> None:
        if Path(dst) == live:
            raise PermissionError(13, "The process cannot access the file")
        real_replace(src, dst, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(file_swap.os_errors, "replace", held)


def _assert_restored(result: backup.RestoreResult, backed_up: list[str], now: list[str]) -> None:
    path = result.database.path
    assert path is not None
    assert _titles(path) == backed_up
    assert _titles(result.safety_backup.path) == now  # the data just before the restore
    assert result.safety_backup.sha256 == file_swap_sha(result.safety_backup.path)
    if os.name == "posix":
        assert result.safety_backup.path.stat().st_mode & 0o077 == 0
    with result.database.session() as s:
        assert (
            s.scalar(select(Proposal.title).where(Proposal.title == "Sửa sau bản sao lưu")) is None
        )


def file_swap_sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_checked_file_is_renamed_in_and_the_old_file_is_the_copy_kept(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert demo_db.path is not None
    source, backed_up, now = _change_after_backup(demo_db, tmp_path)
    old_inode = demo_db.path.stat().st_ino
    swaps = _spy_swaps(monkeypatch)
    result = backup.restore_backup(demo_db, source, SYSTEM)
    try:
        assert swaps == [True]
        _assert_restored(result, backed_up, now)
        # Nothing copied: the copy kept is the old file itself, under a second name.
        assert result.safety_backup.path.stat().st_ino == old_inode
        assert demo_db.path.stat().st_ino != old_inode
        assert backup.check_backup(result.safety_backup.path)["kind"] == "plain_sqlite"
        assert not list(result.safety_backup.path.parent.glob("*.sqlite-*"))
    finally:
        result.database.dispose()


def test_another_open_connection_means_the_copy_through_sqlite(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second copy of kcdesk with the database open: renaming would leave it writing
    a file no one reads, so the pages are copied into the live file as before."""
    assert demo_db.path is not None
    source, backed_up, now = _change_after_backup(demo_db, tmp_path)
    old_inode = demo_db.path.stat().st_ino
    other = sqlite3.connect(str(demo_db.path), timeout=10)
    other.execute("SELECT count(*) FROM proposal").fetchone()  # open, idle, in WAL mode
    swaps = _spy_swaps(monkeypatch)
    try:
        result = backup.restore_backup(demo_db, source, SYSTEM)
        try:
            assert swaps == [False]
            _assert_restored(result, backed_up, now)
            assert demo_db.path.stat().st_ino == old_inode  # the same file, new pages
            assert result.safety_backup.path.stat().st_ino != old_inode
            # The other program reads the restored data from the file it has open.
            assert sorted(r[0] for r in other.execute("SELECT title FROM proposal")) == backed_up
        finally:
            result.database.dispose()
    finally:
        other.close()


def test_a_connection_opened_just_before_means_the_copy_and_it_writes_to_the_live_file(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened but not yet used, it holds no lock SQLite could see; renamed, it would read
    the old file through the new one's -wal. The old file is put back, the pages are
    copied, and its write then goes into the restored database, whole."""
    assert demo_db.path is not None
    source, backed_up, now = _change_after_backup(demo_db, tmp_path)
    old_inode = demo_db.path.stat().st_ino
    early = sqlite3.connect(str(demo_db.path), timeout=1)
    swaps = _spy_swaps(monkeypatch)
    try:
        result = backup.restore_backup(demo_db, source, SYSTEM)
        try:
            assert swaps == [False]
            _assert_restored(result, backed_up, now)
            assert demo_db.path.stat().st_ino == old_inode
            assert not list(demo_db.path.parent.glob("**/*.old"))
            early.execute("UPDATE proposal SET title = title || ' (sửa)'")
            early.commit()
            assert _titles(demo_db.path) == sorted(f"{t} (sửa)" for t in backed_up)
            assert early.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            result.database.dispose()
    finally:
        early.close()


def test_a_second_name_that_cannot_be_made_means_a_copy(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk without hard links (FAT): the old file is copied, then replaced."""
    assert demo_db.path is not None
    source, backed_up, now = _change_after_backup(demo_db, tmp_path)
    old_inode = demo_db.path.stat().st_ino

    def no_links(_src: object, _dst: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(file_swap.os, "link", no_links)
    swaps = _spy_swaps(monkeypatch)
    result = backup.restore_backup(demo_db, source, SYSTEM)
    try:
        assert swaps == [False]
        _assert_restored(result, backed_up, now)
        assert demo_db.path.stat().st_ino == old_inode
        assert len(list(result.safety_backup.path.parent.glob("*.sqlite"))) == 1
    finally:
        result.database.dispose()


def test_a_rename_that_fails_means_a_copy(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert demo_db.path is not None
    source, backed_up, now = _change_after_backup(demo_db, tmp_path)

    _hold_live_file(monkeypatch, demo_db.path)
    swaps = _spy_swaps(monkeypatch)
    result = backup.restore_backup(demo_db, source, SYSTEM)
    try:
        assert swaps == [False]
        _assert_restored(result, backed_up, now)
        assert len(list(result.safety_backup.path.parent.glob("*.sqlite"))) == 1
    finally:
        result.database.dispose()


def test_the_windows_order_renames_after_letting_go(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows cannot rename a file this process holds: the lock is let go first, and a
    journal someone left meanwhile means the copy instead."""
    assert demo_db.path is not None
    monkeypatch.setattr(file_swap, "HOLD_LOCK_WHILE_RENAMING", False)
    source, backed_up, now = _change_after_backup(demo_db, tmp_path)
    swaps = _spy_swaps(monkeypatch)
    result = backup.restore_backup(demo_db, source, SYSTEM)
    _assert_restored(result, backed_up, now)
    assert swaps == [True]

    # Again, with a journal appearing between letting go and renaming.
    again, restored_titles, _ = _change_after_backup(result.database, tmp_path / "2")
    journal = Path(f"{result.database.path}-journal")
    real_close = sqlite3.Connection.close

    class Closing(sqlite3.Connection):
        def close(self) -> None:
            real_close(self)
            journal.write_bytes(b"")

    real_connect = sqlite3.connect
    monkeypatch.setattr(
        file_swap.sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=Closing, **k)
    )
    second = backup.restore_backup(result.database, again, SYSTEM)
    try:
        journal.unlink(missing_ok=True)
        assert swaps == [True, False]
        assert _titles(result.database.path) == restored_titles
    finally:
        second.database.dispose()


def test_a_rename_that_fails_then_a_copy_that_fails_leave_nothing_behind(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second name made for the swap is taken back when the rename fails: a restore
    that then cannot copy either leaves the backups folder as it was."""
    from kcdesk import paths
    from kcdesk.services.backup import safety_copy
    from kcdesk.services.core.errors import UserError

    assert demo_db.path is not None
    source, _backed_up, now = _change_after_backup(demo_db, tmp_path)

    def full_disk(_current: Path, _copy: Path) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    _hold_live_file(monkeypatch, demo_db.path)
    monkeypatch.setattr(safety_copy, "copy_database", full_disk)
    with pytest.raises(UserError, match="Không sao chép được"):
        backup.restore_backup(demo_db, source, SYSTEM)
    assert _titles(demo_db.path) == now
    assert [p.name for p in paths.backups_dir().iterdir() if p.is_file()] == []
