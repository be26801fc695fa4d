"""Audit trail: every service write is chained by hash; altering or removing a stored
row is detected and named (service, CLI exit code, the viewer's button)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, ProposalStatus
from kcdesk.services.core import audit
from kcdesk.services.proposals import workflow
from tests.register_helpers import ADMIN, STAFF, proposal

S = ProposalStatus


@pytest.fixture
def chained(db):
    """A database with a handful of events from real service calls."""
    with db.session() as session:
        p = proposal(session, "ĐA-2027-001", status=S.RECEIVED)
        workflow.change_status(session, STAFF, p, S.FORWARDED)
        workflow.change_status(session, STAFF, p, S.DOSSIER_COMPLETE)
        workflow.change_status(session, ADMIN, p, S.RETURNED, reason="Thiếu bản vẽ")
        workflow.change_status(session, STAFF, p, S.RECEIVED)
    return db


def _ids(db) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_intact_chain(chained, capsys) -> None:
    with chained.session() as session:
        assert audit.verify_chain(session) is None
        assert audit.count_events(session) >= 5
    assert main(["--db", chained.url, "audit", "verify"]) == 0
    assert "toàn vẹn" in capsys.readouterr().out


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET username = 'ke_gian' WHERE id = :id",
        'UPDATE audit_event SET changes = \'{"status": {"old": "x", "new": "y"}}\' WHERE id = :id',
        "UPDATE audit_event SET at = '2020-01-01 00:00:00.000000' WHERE id = :id",
    ],
)
def test_altered_row_is_named(chained, capsys, statement: str) -> None:
    target = _ids(chained)[2]
    with chained.engine.begin() as conn:
        conn.execute(text(statement), {"id": target})
    with chained.session() as session:
        problem = audit.verify_chain(session)
    assert problem is not None and problem.event_id == target
    assert main(["--db", chained.url, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"#{target} " in err and "đã bị sửa" in err


@pytest.mark.sqlite_only  # SQLite ids have no gaps, so a hole names the deleted row
def test_deleted_row_is_named(chained, capsys) -> None:
    ids = _ids(chained)
    target = ids[1]
    with chained.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": target})
    with chained.session() as session:
        problem = audit.verify_chain(session)
    assert problem is not None and problem.event_id == target
    assert main(["--db", chained.url, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"#{target} " in err and "xoá" in err


def test_rehashed_forgery_still_breaks_the_link(chained) -> None:
    """Altering a row and recomputing its own hash: without the key the plain hash is
    wrong for a keyed event; with the key (a stolen key store) the next link breaks."""
    ids = _ids(chained)
    with chained.session() as session:
        event = session.get(AuditEvent, ids[1])
        assert event is not None
        event.username = "ke_gian"
        event.hash = audit.event_digest(event)
    with chained.session() as session:
        problem = audit.verify_chain(session)
    assert problem is not None and problem.event_id == ids[1]
    with chained.session() as session:
        keys = audit.ChainKeys()
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            digest = keys.digest(event)  # the events before pick up the key switch
            if event.id == ids[1]:
                event.hash = digest
                break
    with chained.session() as session:
        problem = audit.verify_chain(session)
    assert problem is not None and problem.event_id == ids[2]


def test_every_write_is_chained_with_field_changes(chained) -> None:
    with chained.session() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        statuses = [e.changes["status"] for e in events if e.action == "status"]
        assert statuses == [
            {"old": "received", "new": "forwarded"},
            {"old": "forwarded", "new": "dossier_complete"},
            {"old": "dossier_complete", "new": "returned"},
            {"old": "returned", "new": "received"},
        ]
        for before, after in zip(events, events[1:], strict=False):
            assert after.prev_hash == before.hash


def test_list_events_filters(chained, capsys) -> None:
    with chained.session() as session:
        uuid = session.scalars(text("SELECT uuid FROM proposal")).one()
        mine = audit.list_events(session, entity_uuid=uuid)
        assert {e.action for e in mine} == {"status"} and len(mine) == 4
        assert [e.username for e in audit.list_events(session, username="admin1")] == ["admin1"]
        today = date.today()
        assert len(audit.list_events(session, since=today, until=today)) == audit.count_events(
            session
        )
        assert audit.list_events(session, until=today - timedelta(days=2)) == []
        assert "canbo" in audit.usernames(session)
    assert (
        main(
            [
                "--db",
                chained.url,
                "audit",
                "list",
                "--proposal",
                "ĐA-2027-001",
                "--user",
                "canbo",
                "--json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and all(r["user"] == "canbo" for r in rows)


def test_viewer_filters_and_detects_tampering(qtbot, chained) -> None:
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.sections.audit import create

    ctx = AppContext(chained, ADMIN)
    view = create(ctx)
    qtbot.addWidget(view)
    view.show()
    total = view.table.model().rowCount()
    assert total >= 5
    view.proposal.setText("ĐA-2027-001")
    view.user.setCurrentIndex(view.user.findData("canbo"))
    view.filter_button.click()
    events = view.table.model()
    assert events.rowCount() == 3
    assert {events.index(r, 2).data() for r in range(3)} == {"canbo"}
    view.verify_button.click()
    qtbot.waitUntil(lambda: "toàn vẹn" in view.result.text(), timeout=5000)
    assert "KHÔNG" not in view.result.text()
    target = _ids(chained)[3]
    with chained.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET action = 'x' WHERE id = :id"), {"id": target})
    view.verify_button.click()
    qtbot.waitUntil(lambda: "KHÔNG" in view.result.text(), timeout=5000)
    assert f"#{target} " in view.result.text()
    ctx.worker.wait()


@pytest.mark.parametrize("secret", [None, b"k" * 32])
def test_an_event_hash_is_still_the_documented_one(secret: bytes | None) -> None:
    """The hash of an event is SHA-256 or HMAC-SHA256 of its canonical JSON (one encoder
    and ``hmac.digest`` since issue 24: the same bytes as before, checked here against
    the formula written out)."""
    import hashlib
    import hmac
    from datetime import datetime

    fields = {
        "uuid": "e-1",
        "at": datetime(2026, 12, 7, 3, 4, 5, 6),
        "username": "admin",
        "office_code": "TT",
        "entity": "proposal",
        "entity_uuid": "p-1",
        "entity_label": "ĐA-1 — Máy sấy \u2028 “miến”",
        "action": "import_new",
        "changes": {"pack": {"old": None, "new": "g-1"}, "b": [1, 2.5, True, "đ"]},
        "prev_hash": "0" * 64,
    }
    payload = {**fields, "at": "2026-12-07T03:04:05.000006"}
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = canonical.encode("utf-8")
    expected = (
        hashlib.sha256(data).hexdigest()
        if secret is None
        else hmac.new(secret, data, hashlib.sha256).hexdigest()
    )
    assert audit._digest_of(fields, secret) == expected
