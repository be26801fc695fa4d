"""``kcdesk check`` with the full integrity check on a connection of its own, in a
thread beside the other checks (issue 24): the same problems, in the same order, as the
checks run one after another on the session."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from kcdesk.models.db import Database
from kcdesk.services.backup import integrity

pytestmark = pytest.mark.sqlite_only


def _one_by_one(db: Database) -> list[integrity.Problem]:
    """The checks as they ran before: each PRAGMA on the session, then the others."""
    with db.session() as session:
        return integrity.database_problems(session) + integrity._other_problems(session)


def _damage(path: Path) -> None:
    """Orphan pages (integrity_check: "never used") and dangling foreign keys."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("CREATE TABLE rac (x TEXT)")
        conn.execute("CREATE INDEX rac_x ON rac (x)")
        conn.executemany(
            "INSERT INTO rac VALUES (?)", [(f"dòng {i:05d}" * 20,) for i in range(800)]
        )
        conn.execute("UPDATE budget_line SET proposal_id = 999999 WHERE id IN (1, 2)")
        conn.commit()
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute("DELETE FROM sqlite_master WHERE name = 'rac_x'")
        conn.commit()
    finally:
        conn.close()


def test_a_sound_database_passes_both_ways(demo_db: Database) -> None:
    assert integrity.check(demo_db) == [] == _one_by_one(demo_db)


def test_damage_is_reported_the_same_way_in_the_same_order(demo_db: Database) -> None:
    assert demo_db.path is not None
    _damage(demo_db.path)
    demo_db.engine.dispose()  # the pool's connections read the new schema
    found = integrity.check(demo_db)
    assert found == _one_by_one(demo_db)
    messages = [p.message for p in found if p.kind == "database"]
    assert any("never used" in m for m in messages)
    assert sum(m.startswith("Bảng budget_line") for m in messages) == 2
    # Structure first, then the foreign keys, as before.
    first_key = next(i for i, m in enumerate(messages) if m.startswith("Bảng budget_line"))
    assert all("never used" not in m for m in messages[first_key:])


def test_a_file_the_check_cannot_open_alone_falls_back_to_the_session(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(_path: Path, _pragma: str) -> list[tuple[object, ...]]:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(integrity, "_pragma_rows", refused)
    assert integrity.check(demo_db) == []
    with demo_db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.execute(text("UPDATE budget_line SET proposal_id = 999999 WHERE id = 1"))
        conn.commit()
    found = integrity.check(demo_db)
    assert [p.kind for p in found] == ["database", "totals"] and found == _one_by_one(demo_db)
