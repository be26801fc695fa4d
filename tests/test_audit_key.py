"""The audit chain keyed with a secret outside the database (issue 19 §5).

Someone with sqlite3 edits a record, rewrites the events and recomputes plain SHA-256
hashes: ``audit verify`` names the first event that is no longer keyed. A chain from
before the key keeps verifying (its old events the old way); the switch is an event of
the chain and this PC's key store remembers it, so dropping it does not "unkey" the
chain. A PC without the key is told so in one line, not that the log was tampered
with; the key travels by ``audit key export|import``, never inside a backup.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, ProposalStatus, new_uuid, utcnow
from kcdesk.models.db import Database
from kcdesk.paths import keys_dir
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.core import audit, audit_key
from kcdesk.services.proposals import workflow
from kcdesk.services.security.actor import SYSTEM
from tests.register_helpers import ADMIN, STAFF, proposal

S = ProposalStatus


@pytest.fixture
def chained(db: Database) -> Database:
    with db.session() as session:
        p = proposal(session, "ĐA-2027-001", status=S.RECEIVED)
        workflow.change_status(session, STAFF, p, S.FORWARDED)
        workflow.change_status(session, STAFF, p, S.DOSSIER_COMPLETE)
        workflow.change_status(session, ADMIN, p, S.RETURNED, reason="Thiếu bản vẽ")
    return db


def _events(db: Database) -> list[tuple[int, str, str]]:
    with db.session() as s:
        rows = s.execute(
            select(AuditEvent.id, AuditEvent.entity, AuditEvent.action).order_by(AuditEvent.id)
        )
        return [(int(i), str(e), str(a)) for i, e, a in rows]


def _plain_rehash(db: Database, from_id: int) -> None:
    """The forger's tool: recompute every hash from ``from_id`` on with plain SHA-256."""
    with db.session() as s:
        prev = ""
        for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            if e.id >= from_id:
                e.prev_hash = prev
                e.hash = audit.event_digest(e)
            prev = e.hash


def _key_file(db: Database) -> Path:
    """This database's key file (the key store may hold other databases' keys too)."""
    with db.session() as s:
        key_file = keys_dir() / f"audit-{audit.current_key_id(s)}.key"
    assert key_file.is_file()
    return key_file


def _key_files() -> list[Path]:
    return sorted(keys_dir().glob("audit-*.key"))


def test_the_first_event_switches_the_key_on_and_the_key_is_private(chained: Database) -> None:
    events = _events(chained)
    assert events[0][1:] == (audit.KEY_ENTITY, audit.KEY_ACTION)
    assert [e for e in events if e[2] == audit.KEY_ACTION] == [events[0]]
    key_file = _key_file(chained)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    with chained.session() as s:
        key_id = audit.current_key_id(s)
        assert key_file.name == f"audit-{key_id}.key"
        assert audit.verify_chain(s) is None
        # Every event is an HMAC: the plain SHA-256 of none of them is its hash.
        assert all(audit.event_digest(e) != e.hash for e in s.scalars(select(AuditEvent)))


def test_record_edited_and_events_rehashed_without_the_key_fail(
    chained: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """The regression: edit a record, rewrite its events, recompute plain hashes."""
    events = _events(chained)
    status_events = [i for i, entity, action in events if action == "status"]
    target = status_events[1]
    with chained.engine.begin() as conn:
        conn.execute(text("UPDATE proposal SET status = 'received'"))
        conn.execute(
            text("UPDATE audit_event SET changes = :c WHERE id = :id"),
            {"c": json.dumps({"status": {"old": "x", "new": "y"}}), "id": target},
        )
    _plain_rehash(chained, target)
    assert main(["--db", chained.url, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "KHÔNG toàn vẹn" in err
    assert f"#{target} " in err and "đã bị sửa" in err


def test_dropping_the_switch_and_rehashing_everything_plain_fails(
    chained: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The forger "unkeys" the chain: deletes the switch and makes every event plain.
    The chain alone would pass; this PC's key store says the database is keyed."""
    # The key store binds a database it created the key for, or imported it for: the
    # test's server database is a copy of a template, so this PC imports the key.
    key = tmp_path / "khóa.key"
    assert main(["--db", chained.url, "audit", "key", "export", str(key)]) == 0
    assert main(["--db", chained.url, "audit", "key", "import", str(key)]) == 0
    first = _events(chained)[0][0]
    with chained.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": first})
    _plain_rehash(chained, 0)
    with chained.session() as s:
        problem = audit.verify_chain(s)
    assert problem is not None and not problem.key_missing
    assert "không còn sự kiện nào bật khóa" in problem.message
    assert main(["--db", chained.url, "audit", "verify"]) == 1
    assert "KHÔNG toàn vẹn" in capsys.readouterr().err


def test_a_chain_from_before_the_key_keeps_verifying(db: Database) -> None:
    """Events written before keys existed (plain SHA-256) verify the old way; the next
    write records the switch, keyed, and keys everything after it."""
    # A database of an older kcdesk: a chain of plain events, no key anywhere.
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event"))
    for key_file in _key_files():
        key_file.unlink()
    with db.session() as s:
        prev = ""
        for n in range(3):
            row = {
                "uuid": new_uuid(),
                "at": utcnow(),
                "username": "cu",
                "office_code": "TTKC",
                "entity": "setting",
                "entity_uuid": "",
                "entity_label": f"cũ {n}",
                "action": "update",
                "changes": {},
                "prev_hash": prev,
            }
            row["hash"] = prev = audit._digest_of(row)
            s.execute(insert(AuditEvent), [row])
    with db.session() as s:
        assert audit.current_key_id(s) is None and audit.verify_chain(s) is None
        proposal(s, "ĐA-2027-001", status=S.RECEIVED)
    with db.session() as s:
        workflow.change_status(s, STAFF, proposal(s, "ĐA-2027-002"), S.FORWARDED)
    events = _events(db)
    switches = [e for e in events if e[2] == audit.KEY_ACTION]
    assert len(switches) == 1 and events.index(switches[0]) == 3
    with db.session() as s:
        assert audit.verify_chain(s) is None
        old = s.scalars(select(AuditEvent).order_by(AuditEvent.id).limit(3)).all()
        assert all(audit.event_digest(e) == e.hash for e in old)
    # An old (plain) event altered is still caught, the old way.
    with db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET username = 'ke_gian' WHERE id = :id"), {"id": events[1][0]}
        )
    with db.session() as s:
        problem = audit.verify_chain(s)
    assert problem is not None and problem.event_id == events[1][0]


def test_without_the_key_verify_says_so_in_one_line(
    chained: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = _key_file(chained)
    key_file.unlink()
    code = main(["--db", chained.url, "audit", "verify"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "Thiếu khóa nhật ký" in err and str(key_file) in err and "audit key import" in err
    assert "KHÔNG" not in err and "sửa" not in err
    # Writing needs the key too: one line, nothing half-written.
    with chained.session() as s:
        before = audit.count_events(s)
    assert main(["--db", chained.url, "settings", "set", "org.province", "Cao Bằng"]) == 2
    assert "Thiếu khóa nhật ký" in capsys.readouterr().err
    with chained.session() as s:
        assert audit.count_events(s) == before


def test_export_then_import_on_a_workstation(
    chained: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "khóa nhật ký.key"
    assert main(["--db", chained.url, "audit", "key", "export", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # The other workstation: an empty key store.
    for key_file in _key_files():
        key_file.unlink()
    assert main(["--db", chained.url, "audit", "verify"]) == 2
    capsys.readouterr()
    assert main(["--db", chained.url, "audit", "key", "import", str(out)]) == 0
    assert "Đã nhập khóa nhật ký" in capsys.readouterr().out
    assert main(["--db", chained.url, "audit", "verify"]) == 0
    with chained.session() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).all()
        assert events[0].action == "key_import"
    # Another Centre's key is refused with one line.
    other = json.loads(out.read_text(encoding="utf-8"))
    other["secret"] = hashlib.sha256(b"another centre").hexdigest()
    stranger = tmp_path / "khóa lạ.key"
    stranger.write_text(json.dumps(other), encoding="utf-8")
    assert main(["--db", chained.url, "audit", "key", "import", str(stranger)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "khóa" in err
    (tmp_path / "rác.key").write_text("không phải khóa", encoding="utf-8")
    assert main(["--db", chained.url, "audit", "key", "import", str(tmp_path / "rác.key")]) == 2
    assert "không phải tệp khóa nhật ký" in capsys.readouterr().err


def test_a_pc_without_the_key_still_backs_up(
    chained: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup is not refused half-way (zip written, then an error) on a PC lacking the
    key: it is written, verified and listed; only its audit event cannot be recorded."""
    from kcdesk.models.security import BackupRecord

    _key_file(chained).unlink()
    with chained.session() as s:
        before = audit.count_events(s)
    target = tmp_path / "sao lưu.zip"
    assert main(["--db", chained.url, "backup", "--out", str(target)]) == 0, capsys.readouterr()
    assert target.is_file()
    with chained.session() as s:
        assert audit.count_events(s) == before
        assert [r.path for r in s.scalars(select(BackupRecord))] == [str(target)]


@pytest.mark.sqlite_only
def test_a_backup_does_not_contain_the_key(chained: Database, tmp_path: Path) -> None:
    info = backup.create_backup(chained, tmp_path / "sao lưu.zip", SYSTEM)
    key_file = _key_file(chained)
    secret = json.loads(key_file.read_text(encoding="utf-8"))["secret"]
    with zipfile.ZipFile(info.path) as zf:
        assert not any("key" in name.rsplit("/", 1)[-1] for name in zf.namelist())
        for name in zf.namelist():
            data = zf.read(name)
            assert secret.encode() not in data and bytes.fromhex(secret) not in data


def test_identity_of_a_server_database_has_no_password() -> None:
    from sqlalchemy.engine import make_url

    url = make_url("postgresql+psycopg://kcdesk:bí-mật@may-chu:5432/kcdesk")
    assert audit_key.database_identity(url) == "postgresql://may-chu:5432/kcdesk"


def test_a_crafted_switch_never_reads_a_file_outside_the_key_store(
    chained: Database, tmp_path: Path
) -> None:
    """A switch naming "../../key" (or any non-id) is an altered event, never a path."""
    outside = tmp_path / "audit-x.key"
    outside.write_text("{}", encoding="utf-8")
    for crafted in ("../../" + str(outside.with_suffix("")), "../x", "?"):
        assert audit_key.key_path(crafted).parent == keys_dir()
    with chained.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_event SET changes = :c WHERE entity = 'audit'"),
            {"c": json.dumps({"key_id": {"old": None, "new": "../../../x"}})},
        )
    with chained.session() as s:
        problem = audit.verify_chain(s)
    first = _events(chained)[0][0]
    assert problem is not None and not problem.key_missing
    assert problem.event_id == first and "đã bị sửa" in problem.message
