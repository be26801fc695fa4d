"""No lost update, no forked audit chain, codes without a race (issue 19 §4).

Two sessions on one file stand for two windows or two PCs. The checks are
deterministic: one session holds what it read while the other commits, then the
first writes — exactly the interleaving that lost updates before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from kcdesk.cli.main import main
from kcdesk.models import ProposalStatus, Role
from kcdesk.models.db import Database, open_database
from kcdesk.services.core import audit, retry, write_serial
from kcdesk.services.core.concurrency import STALE_MESSAGE
from kcdesk.services.core.errors import ConflictError
from kcdesk.services.exchange import export, importer
from kcdesk.services.proposals import lookup, workflow
from kcdesk.services.security.actor import SYSTEM, Actor
from tests.exchange_support import OFFICE, add_proposal, get, make_pair

S = ProposalStatus
LAN = Actor("lan", Role.CENTRE_STAFF, "TTKC")
HOA = Actor("hoa", Role.CENTRE_STAFF, "TTKC")


@pytest.fixture
def two(db: Database) -> Iterator[tuple[Database, Database]]:
    with db.session() as s:
        add_proposal(s, "TTKC", 1)
    # A second copy of the app on the same file, or a second workstation on the server.
    other = open_database(db.path if db.path is not None else db.url)
    yield db, other
    other.dispose()


def test_two_status_changes_at_once_cannot_both_succeed(two: tuple[Database, Database]) -> None:
    first, second = two
    s1, s2 = first.session_factory(), second.session_factory()
    try:
        p1, p2 = get(s1, "ĐA-2027-001"), get(s2, "ĐA-2027-001")
        assert p1.status is p2.status is S.RECEIVED
        workflow.change_status(s1, LAN, p1, S.FORWARDED)
        s1.commit()
        # The second window still sees "received" and tries another move out of it.
        with pytest.raises(StaleDataError):
            workflow.change_status(s2, HOA, p2, S.WITHDRAWN, reason="Cơ sở rút")
            s2.commit()
        s2.rollback()
    finally:
        s1.close()
        s2.close()
    with first.session() as s:
        p = get(s, "ĐA-2027-001")
        assert p.status is S.FORWARDED
        assert [c.to_status for c in p.status_changes] == ["received", "forwarded"]
        assert audit.verify_chain(s) is None


def test_a_lost_race_is_the_conflict_message(two: tuple[Database, Database]) -> None:
    first, second = two
    s1 = first.session_factory()
    try:
        p1 = get(s1, "ĐA-2027-001")

        def edit(session):
            p = get(session, "ĐA-2027-001")
            p.title = "Sửa ở cửa sổ thứ hai"
            p.revision += 1

        retry.write(second, edit)
        p1.title = "Sửa ở cửa sổ thứ nhất"
        p1.revision += 1
        with pytest.raises(StaleDataError):
            s1.flush()
    finally:
        s1.rollback()
        s1.close()
    with pytest.raises(ConflictError, match="người khác"):
        retry.with_retry(lambda: (_ for _ in ()).throw(StaleDataError("x")))
    assert "chưa được lưu" in STALE_MESSAGE
    with first.session() as s:
        assert get(s, "ĐA-2027-001").title == "Sửa ở cửa sổ thứ hai"


def test_an_import_during_an_edit_never_overwrites_it_silently(tmp_path: Path) -> None:
    pair = make_pair(tmp_path)
    with pair.office.db.session() as s:
        add_proposal(s, OFFICE, 1)
    first = tmp_path / "1.kcpack"
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, first)
    with pair.centre.db.session() as s:
        importer.import_pack(s, SYSTEM, first)
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-001")
        p.title = "Đơn vị sửa"
        p.revision += 1
    second = tmp_path / "2.kcpack"
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, second)
    assert pair.centre.db.path is not None
    editor_db = open_database(pair.centre.db.path)
    try:
        editor = editor_db.session_factory()
        p = get(editor, "ĐA-2027-001")  # the Centre opens the proposal to edit it
        with pair.centre.db.session() as s:  # meanwhile the pack is imported
            assert importer.import_pack(s, SYSTEM, second).counts()["updated"] == 1
        p.necessity = "Trung tâm sửa"
        p.revision += 1
        with pytest.raises(StaleDataError):
            editor.commit()
        editor.rollback()
        editor.close()
    finally:
        editor_db.dispose()
    with pair.centre.db.session() as s:
        p = get(s, "ĐA-2027-001")
        assert p.title == "Đơn vị sửa" and p.necessity != "Trung tâm sửa"


@pytest.mark.sqlite_only  # SQLite's busy timeout; the server's lock waits: test_server_concurrency.py
def test_serialize_makes_other_writers_wait(two: tuple[Database, Database]) -> None:
    first, second = two
    holder = first.session_factory()
    try:
        write_serial.serialize(holder, write_serial.AUDIT)
        write_serial.serialize(holder, write_serial.AUDIT)  # twice is fine
        with second.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout=0")
            with pytest.raises(OperationalError, match="locked"):
                conn.execute(text("UPDATE setting SET key = key"))
                conn.commit()
    finally:
        holder.rollback()
        holder.close()
    assert write_serial.lock_key("audit") == write_serial.lock_key("audit")
    assert write_serial.lock_key("audit") != write_serial.lock_key("proposal_codes")
    assert -(2**63) <= write_serial.lock_key("audit") < 2**63


def test_concurrent_appends_never_fork_the_chain(two: tuple[Database, Database]) -> None:
    """A log-in during a pack import was enough to fork the chain before."""
    databases = two
    errors: list[BaseException] = []

    def writer(db: Database, actor: Actor) -> None:
        try:
            for n in range(25):
                with db.session() as s:
                    # Reads first (as a service does), then appends.
                    lookup.count_proposals(s)
                    audit.record(s, actor, entity="test", entity_uuid=str(n), action="login")
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(db, actor))
        for db, actor in zip(databases, (LAN, HOA), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with databases[0].session() as s:
        assert audit.verify_chain(s) is None
        assert audit.count_events(s) >= 50


@pytest.mark.sqlite_only  # SQLite's busy timeout; two workstations creating proposals: test_server_concurrency.py
def test_new_codes_are_allocated_one_writer_at_a_time(two: tuple[Database, Database]) -> None:
    first, second = two
    holder = first.session_factory()
    try:
        assert lookup.next_code(holder, 2027) == "ĐA-2027-002"
        other = second.session_factory()
        other.connection().exec_driver_sql("PRAGMA busy_timeout=0")
        with pytest.raises(OperationalError, match="locked"):
            lookup.next_code(other, 2027)
        other.close()
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.sqlite_only  # a second copy holding SQLite's write lock on the file
def test_a_busy_database_is_one_line_on_the_cli(
    two: tuple[Database, Database],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, _second = two
    monkeypatch.setattr("kcdesk.models.db.BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(retry, "ATTEMPTS", 1)
    holder = first.session_factory()
    try:
        write_serial.serialize(holder, write_serial.EXCHANGE)
        code = main(
            ["--db", str(first.path), "proposal", "status", "ĐA-2027-001", "--to", "forwarded"]
        )
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert code == 2 and "đang bận" in err and "Traceback" not in err and err.count("\n") == 1
