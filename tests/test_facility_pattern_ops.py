"""The facility name index keeps ``text_pattern_ops`` on PostgreSQL (migration 0027,
and the model once a PostgreSQL database is opened), while an SQLite start no longer
imports SQLAlchemy's PostgreSQL dialect for it (issue 24, cold start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.schema import CreateIndex

from kcdesk.models.db import Database
from kcdesk.models.facility import NAME_INDEX, Facility

PROBE = """
import sys
from kcdesk.models.db import open_database
db = open_database(sys.argv[1])
with db.session() as session:
    from kcdesk.models.facility import NAME_INDEX, Facility
    session.query(Facility).first()
db.dispose()
print(sorted(m for m in sys.modules if m.startswith("sqlalchemy.dialects.postgresql")))
"""


@pytest.mark.sqlite_only
def test_sqlite_start_does_not_import_the_postgresql_dialect(db: Database) -> None:
    path = db.path
    assert path is not None
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.postgresql_only
def test_postgresql_index_has_the_pattern_operator_class(db: Database) -> None:
    with db.engine.connect() as conn:
        definition = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_facility_search_text'")
        ).scalar_one()
        assert "text_pattern_ops" in definition
        # The model says the same once a PostgreSQL database is open.
        ddl = str(CreateIndex(NAME_INDEX).compile(dialect=conn.dialect))
    assert "search_text text_pattern_ops" in ddl
    assert NAME_INDEX in Facility.__table__.indexes  # type: ignore[attr-defined]
