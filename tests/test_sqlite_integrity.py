"""The integrity check shared between threads finds what ``PRAGMA integrity_check`` finds:
an index that disagrees with its table (only the per-table part sees it) and pages the
file lost track of (only ``quick_check`` sees them); a restore refuses either."""

from __future__ import annotations

import shutil
import sqlite3
import struct
from pathlib import Path

import pytest

from kcdesk.models.db import Database
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup import sqlite_integrity
from kcdesk.services.backup.archive import BackupRefused
from kcdesk.services.security.actor import SYSTEM


@pytest.fixture(autouse=True)
def _shared_at_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """These files are small: shared out all the same (as a large database is)."""
    monkeypatch.setattr(sqlite_integrity, "SHARED_FROM_BYTES", 0)


def _report(path: Path, pragma: str) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return [str(r[0]) for r in conn.execute(pragma)]
    finally:
        conn.close()


def _split(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return sqlite_integrity.problems(path, conn, parts=2)
    finally:
        conn.close()


def _index_against_another_column(path: Path, index: str, table: str, column: str) -> None:
    """The index's definition names another column than the one its entries hold."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = ? WHERE name = ?",
            (f'CREATE INDEX "{index}" ON "{table}"("{column}")', index),
        )
        conn.commit()
    finally:
        conn.close()


def _table_with_index(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE t (a INTEGER, b INTEGER)")
    conn.execute("CREATE INDEX t_a ON t (a)")
    conn.execute("CREATE TABLE u (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, -i) for i in range(300)])
    conn.executemany("INSERT INTO u VALUES (?)", [("x" * 500,) for _ in range(200)])
    conn.commit()
    conn.close()


def test_a_whole_file_is_ok_in_both_forms(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    _table_with_index(path)
    assert _report(path, "PRAGMA integrity_check") == ["ok"]
    assert _split(path) == ["ok"]


def test_an_index_that_disagrees_with_its_table_is_found(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    _table_with_index(path)
    _index_against_another_column(path, "t_a", "t", "b")
    full = _report(path, "PRAGMA integrity_check")
    assert full != ["ok"] and _report(path, "PRAGMA quick_check") == ["ok"]
    assert sorted(_split(path)) == sorted(full)


def test_pages_the_file_lost_track_of_are_found(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite"
    _table_with_index(path)
    conn = sqlite3.connect(str(path))
    conn.execute("DROP TABLE u")  # its pages go to the free list
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[32:40] = struct.pack(">II", 0, 3)  # the header forgets the free list
    path.write_bytes(bytes(data))
    assert _report(path, "PRAGMA integrity_check") != ["ok"]
    assert _report(path, 'PRAGMA integrity_check("t")') == ["ok"]
    problems = _split(path)
    assert problems != ["ok"] and any("never used" in line for line in problems)


@pytest.mark.sqlite_only
def test_a_restore_refuses_a_database_with_a_broken_index(
    demo_db: Database, tmp_path: Path
) -> None:
    assert demo_db.path is not None
    copy = tmp_path / "ban-sao.sqlite"
    conn = sqlite3.connect(str(demo_db.path))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        index, table = conn.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'proposal' AND sql IS NOT NULL ORDER BY name LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    shutil.copyfile(demo_db.path, copy)
    _index_against_another_column(copy, index, table, "title")
    before = demo_db.path.read_bytes()
    with pytest.raises(BackupRefused, match="integrity_check"):
        backup.restore_backup(demo_db, copy, SYSTEM)
    assert demo_db.path.read_bytes() == before
