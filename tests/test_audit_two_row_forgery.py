"""A two-row forgery of the audit trail is caught by ``audit verify``.

The forger rewrites event k with a *valid* event — minted by kcdesk itself in a
scratch copy of the database, so it links to event k-1 and its own hash is whatever
kcdesk computes — and patches event k+1's previous hash to point at it. Only the
previous hash being part of event k+1's hashed content can tell
(docs/architecture.md#audit-trail). The test uses the application, not the hash
formula, so it holds whatever the chain is keyed with.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, ProposalStatus
from kcdesk.models.db import Database, backup_sqlite, open_database
from kcdesk.services.core import audit
from kcdesk.services.proposals import workflow
from tests.register_helpers import ADMIN, STAFF, proposal

S = ProposalStatus


@pytest.fixture
def chained(db: Database) -> Database:
    with db.session() as session:
        p = proposal(session, "ĐA-2027-001", status=S.RECEIVED)
        workflow.change_status(session, STAFF, p, S.FORWARDED)
        workflow.change_status(session, STAFF, p, S.DOSSIER_COMPLETE)
        workflow.change_status(session, ADMIN, p, S.RETURNED, reason="Thiếu bản vẽ")
        workflow.change_status(session, STAFF, p, S.RECEIVED)
    return db


def _rows(db: Database) -> list[dict]:
    with db.engine.connect() as conn:
        return [
            dict(r._mapping) for r in conn.execute(text("SELECT * FROM audit_event ORDER BY id"))
        ]


def _mint(db: Database, scratch: Path, k: int, original: dict) -> dict:
    """Event k as kcdesk itself would have written it, with forged content."""
    assert db.path is not None
    backup_sqlite(Path(db.path), scratch)
    copy = open_database(scratch)
    try:
        with copy.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_event WHERE id >= :k"), {"k": k})
        with copy.session() as session:
            audit.record(
                session,
                STAFF,  # pretend the clerk, not the administrator, sent it back
                entity=original["entity"],
                entity_uuid=original["entity_uuid"],
                entity_label=original["entity_label"],
                action=original["action"],
                changes={"status": {"old": "dossier_complete", "new": "rejected"}},
            )
        minted = _rows(copy)[-1]
    finally:
        copy.dispose()
    assert minted["id"] == k and minted["prev_hash"] == original["prev_hash"]
    return minted


def _forge(db: Database, tmp_path: Path, index: int) -> int:
    """Rewrite event ``index`` (0-based) and patch the next one's link; the next id."""
    rows = _rows(db)
    k, after = rows[index]["id"], rows[index + 1]["id"]
    minted = _mint(db, tmp_path / "nháp.sqlite", k, rows[index])
    columns = [c for c in minted if c != "id"]
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    with db.engine.begin() as conn:
        conn.execute(text(f"UPDATE audit_event SET {assignments} WHERE id = :id"), minted)
        conn.execute(
            text("UPDATE audit_event SET prev_hash = :h WHERE id = :id"),
            {"h": minted["hash"], "id": after},
        )
    with db.session() as session:
        forged = session.scalars(select(AuditEvent).where(AuditEvent.id == k)).one()
        assert forged.username == STAFF.username
        assert forged.changes["status"]["new"] == "rejected"
    return after


@pytest.mark.sqlite_only  # a forged copy made from the SQLite file
@pytest.mark.parametrize("which", ["the administrator's event", "the last but one"])
def test_rewriting_one_event_and_patching_the_next_link_is_detected(
    chained: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    assert main(["--db", str(chained.path), "audit", "verify"]) == 0
    rows = _rows(chained)
    if which == "the last but one":
        index = len(rows) - 2
    else:
        index = next(i for i, r in enumerate(rows) if r["username"] == ADMIN.username)
    assert rows[index]["action"] == "status" and index + 1 < len(rows)
    capsys.readouterr()
    after = _forge(chained, tmp_path, index)
    capsys.readouterr()
    assert main(["--db", str(chained.path), "audit", "verify"]) != 0
    err = capsys.readouterr().err
    # Named at k+1: event k itself is genuine (linked to k-1, hashed by kcdesk).
    assert f"#{after} " in err
    assert "Traceback" not in err
