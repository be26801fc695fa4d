"""Server backup and restore in the PC's backup format (docs/server.md).

A Centre moves its demo data from an SQLite file to the PostgreSQL server and back
with ``kcdesk backup`` / ``restore``: every table's rows, the attached files and the
audit chain arrive intact each way.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import Document, Role
from kcdesk.models.db import Database, open_database
from kcdesk.services.backup import auto_backup, integrity, logical_dump
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.core import audit
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import SYSTEM, Actor
from tests.pg_server import PgServer

SCAN = "Biên bản nghiệm thu — bản quét".encode() * 500


def rows(db: Database) -> dict[str, list[tuple]]:
    """Every data table's rows, in id order (audit ids may be renumbered on SQLite)."""
    out: dict[str, list[tuple]] = {}
    with db.engine.connect() as conn:
        for table in logical_dump.data_tables():
            stmt = select(
                *(c for c in table.c if not (table.name == "audit_event" and c.name == "id"))
            )
            if "id" in table.c:
                stmt = stmt.order_by(table.c.id)
            out[table.name] = [tuple(r) for r in conn.execute(stmt)]
    return out


def _attach(db: Database) -> str:
    stored = attachments.store_bytes(SCAN, "bb.pdf")
    with db.session() as s:
        doc = s.scalars(select(Document).order_by(Document.id).limit(1)).one()
        doc.file_hash, doc.file_name, doc.file_size = stored.hash, stored.name, stored.size
        if db.is_server:
            attachments.upload(s, stored.hash)
    return stored.hash


def test_sqlite_to_server_and_back_keeps_every_row_and_file(
    demo_db: Database,
    pg_server: PgServer,
    pg_database,
    tmp_path: Path,
    capsys,
) -> None:
    if demo_db.is_server:
        return  # the move starts from a PC's file: its SQLite run is the test
    file_hash = _attach(demo_db)
    original = rows(demo_db)
    first = tmp_path / "từ máy tính.zip"
    backup.create_backup(demo_db, first, SYSTEM)

    # Onto a fresh server database (the administrator's init), with the CLI.
    url = pg_database()
    assert main(["--db", url, "init"]) == 0
    assert main(["--db", url, "restore", str(first), "--yes"]) == 0
    out, err = capsys.readouterr()
    assert "Đã khôi phục" in out and err == ""
    server = open_database(url)
    try:
        moved = rows(server)
        for name, table_rows in original.items():
            if name == "backup_log":
                continue  # the restore itself is logged …
            if name == "audit_event":  # … and audited, after the restored chain
                assert moved[name][: len(table_rows)] == table_rows
                continue
            assert moved[name] == table_rows, name
        # The attached file is now where every workstation reads it.
        attachments.path_for(file_hash).unlink()
        assert integrity.check(server) == []
        with server.session() as s:
            assert attachments.verify(file_hash, session=s)
            assert audit.verify_chain(s) is None
        # And back to a PC: the server's backup is the same format.
        second = tmp_path / "từ máy chủ.zip"
        assert main(["--db", url, "backup", "--out", str(second)]) == 0
        assert "Đã sao lưu" in capsys.readouterr().out
        manifest = backup.check_backup(second)
        assert manifest["counts"]["attachments"] == 1
    finally:
        server.dispose()
    pc = tmp_path / "trở lại.sqlite"
    assert main(["--db", str(pc), "init"]) == 0
    assert main(["--db", str(pc), "restore", str(second), "--yes"]) == 0
    back = open_database(pc)
    try:
        returned = rows(back)
        for name, table_rows in original.items():
            if name == "backup_log":
                continue
            if name == "audit_event":
                assert returned[name][: len(table_rows)] == table_rows
                continue
            assert returned[name] == table_rows, name
        assert attachments.verify(file_hash)
        assert integrity.check(back) == []
    finally:
        back.dispose()


def test_daily_backup_on_a_server_is_made_once_by_an_administrator(
    db: Database, tmp_path: Path
) -> None:
    if db.is_sqlite:
        assert auto_backup.server_backup_notice(db) == ""
        return
    assert "pg_dump" in auto_backup.server_backup_notice(db)
    clerk = Actor("lan", Role.CENTRE_STAFF)
    today = date.today()  # the server's backup log holds real times
    assert auto_backup.auto_backup_if_due(db, clerk, today=today, folder=tmp_path) is None
    admin = Actor("quantri", Role.ADMIN)
    made = auto_backup.auto_backup_if_due(db, admin, today=today, folder=tmp_path / "A")
    assert made is not None and made.path.is_file()
    assert backup.check_backup(made.path)["counts"]["proposals"] == 0
    # Another administrator's PC the same day: the server's log says it is done.
    assert auto_backup.auto_backup_if_due(db, admin, today=today, folder=tmp_path / "B") is None
