"""Schema: migrations build the models' schema, keep rows, refuse foreign/newer files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from kcdesk.models import Base, Facility, FacilityKind, Programme
from kcdesk.models.db import (
    DatabaseError,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    migrate,
    open_database,
    resolve_url,
)


def test_upgrade_from_empty_matches_models(tmp_path: Path) -> None:
    engine = make_engine(resolve_url(tmp_path / "empty.sqlite"))
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == [], f"migrations and models differ: {diff}"


def test_each_migration_upgrade_keeps_rows(tmp_path: Path) -> None:
    """A database made by the first migration keeps its rows through every later one."""
    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert revisions[0] == "0001_foundation"
    path = tmp_path / "old.sqlite"
    engine = make_engine(resolve_url(path))
    migrate(engine, revisions[0])
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO facility (uuid, origin_office, revision, created_at, updated_at, "
                "name, kind, tax_code, address, commune, province, representative, phone, sector, "
                "woman_owned, ethnic_minority_owned, craft_village, search_text) VALUES "
                "('u-1', 'TTKC', 1, '2026-01-01', '2026-01-01', 'Hợp tác xã Miến dong', 'htx', "
                "'4800000001', '', '', '', '', '', '', 0, 0, 0, 'hop tac xa mien dong')"
            )
        )
    engine.dispose()
    db = open_database(path)  # migrates to head, taking a backup first
    with db.session() as session:
        facility = session.scalars(select(Facility)).one()
        assert facility.name == "Hợp tác xã Miến dong"
        assert facility.kind is FacilityKind.COOPERATIVE
    assert current_revision(db.engine) == head_revision()
    db.dispose()
    backups = list(tmp_path.glob("old.before-0001_foundation-*.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT name FROM facility").fetchone()[0] == "Hợp tác xã Miến dong"


@pytest.mark.sqlite_only  # PRAGMA checks
def test_sqlite_pragmas(db) -> None:
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="Không tìm thấy cơ sở dữ liệu"):
        open_database(tmp_path / "không có.sqlite")
    assert not (tmp_path / "không có.sqlite").exists()


def test_not_a_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "rác.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="không phải cơ sở dữ liệu|hỏng"):
        open_database(path)
    assert path.read_bytes() == before


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(DatabaseError, match="không phải của kcdesk"):
        open_database(path)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"customers"}


def test_newer_database_is_refused(db_path: Path) -> None:
    db = open_database(db_path, create=True)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num='9999_future'"))
    db.dispose()
    with pytest.raises(DatabaseError, match="phiên bản kcdesk mới hơn"):
        open_database(db_path)


def test_vietnamese_path(tmp_path: Path) -> None:
    path = tmp_path / "Thư mục Đề án" / "Cơ sở dữ liệu.sqlite"
    db = open_database(path, create=True)
    with db.session() as session:
        session.add(Programme(code="X", name="Thử", province="Cao Bằng", start_year=1, end_year=2))
    with db.session() as session:
        assert session.scalars(select(Programme.name)).one() == "Thử"
    db.dispose()
    assert path.exists()
