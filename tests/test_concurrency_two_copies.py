"""Two copies of kcdesk on one database file: stale edits refused, busy waits and retries."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from kcdesk.models import AuditEvent, Proposal, ProposalStatus, Role, Setting
from kcdesk.models.db import Database, open_database
from kcdesk.services.backup import integrity
from kcdesk.services.core import audit, retry, settings
from kcdesk.services.core.concurrency import check_revision
from kcdesk.services.core.errors import ConflictError
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals import save as proposal_save
from kcdesk.services.proposals.draft import from_proposal
from kcdesk.services.security.actor import Actor

LAN = Actor("lan", Role.CENTRE_STAFF, "TTKC", "Nguyễn Thị Lan")
HOA = Actor("hoa", Role.CENTRE_STAFF, "TTKC", "Trần Văn Hoa")


@pytest.fixture
def two_copies(demo_db: Database) -> Iterator[tuple[Database, Database]]:
    """The same database opened twice, as by two windows or two PCs (file or server)."""
    other = open_database(demo_db.url)
    yield demo_db, other
    other.dispose()


def _editable_code(db: Database) -> str:
    with db.session() as s:
        code = s.scalars(
            select(Proposal.code).where(Proposal.status == ProposalStatus.RECEIVED).limit(1)
        ).first()
    assert code is not None
    return code


def test_stale_revision_is_refused_and_the_first_save_kept(
    two_copies: tuple[Database, Database],
) -> None:
    first, second = two_copies
    code = _editable_code(first)
    # Both open the same proposal.
    with first.session() as s:
        p = proposals.get_proposal(s, code)
        lan_form, lan_rev = from_proposal(p), p.revision
    with second.session() as s:
        p = proposals.get_proposal(s, code)
        hoa_form, hoa_rev = from_proposal(p), p.revision
    assert lan_rev == hoa_rev

    lan_form.title = "Lan sửa tên đề án"
    with first.session() as s:
        proposal_save.update_proposal(s, LAN, code, lan_form, lan_rev, check_files=False)

    hoa_form.title = "Hoa sửa tên khác"
    with (
        second.session() as s,
        pytest.raises(ConflictError, match=r"đã được lan sửa lúc \d\d:\d\d.*tải lại") as caught,
    ):
        proposal_save.update_proposal(s, HOA, code, hoa_form, hoa_rev, check_files=False)
    assert f"phiên bản {lan_rev + 1}" in str(caught.value)

    for db in (first, second):
        with db.session() as s:
            p = proposals.get_proposal(s, code)
            assert p.title == "Lan sửa tên đề án" and p.revision == lan_rev + 1
    # After reloading, Hoa's edit goes through on the current revision.
    with second.session() as s:
        current = proposals.get_proposal(s, code).revision
        proposal_save.update_proposal(s, HOA, code, hoa_form, current, check_files=False)
    with first.session() as s:
        assert proposals.get_proposal(s, code).title == "Hoa sửa tên khác"


def test_check_revision_names_who_changed_it(two_copies: tuple[Database, Database]) -> None:
    first, second = two_copies
    code = _editable_code(first)
    with first.session() as s:
        p = proposals.get_proposal(s, code)
        rev = p.revision
        p.revision += 1
        audit.record(s, HOA, entity="proposal", entity_uuid=p.uuid, action="update")
    with second.session() as s:
        p = proposals.get_proposal(s, code)
        check_revision(s, p, rev + 1, what="Đề án", label=code)  # current: passes
        with pytest.raises(ConflictError, match="hoa"):
            check_revision(s, p, rev, what="Đề án", label=code)


@pytest.mark.sqlite_only  # holds SQLite's own write lock with sqlite3
def test_writer_waits_for_the_other_copys_transaction(
    two_copies: tuple[Database, Database],
) -> None:
    first, second = two_copies
    assert first.path is not None
    holder = sqlite3.connect(str(first.path), check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the other copy is in the middle of a save
    holder.execute("UPDATE setting SET note = 'x' WHERE 0")
    release = threading.Timer(0.8, holder.commit)
    release.start()
    started = time.perf_counter()
    with second.session() as s:
        settings.put(s, Actor("admin", Role.ADMIN), "org.province", "Lạng Sơn")
    waited = time.perf_counter() - started
    release.join()
    holder.close()
    assert waited >= 0.5  # it waited for the lock instead of failing
    with first.session() as s:
        assert settings.get(s, "org.province") == "Lạng Sơn"


@pytest.mark.sqlite_only  # an SQLite busy timeout; the server case is in test_server_mode
def test_retry_wrapper_retries_whole_transactions_until_free(tmp_path: Path, db: Database) -> None:
    assert db.path is not None
    # An engine that gives up on a lock almost at once, so the retry does the waiting.
    impatient = create_engine(f"sqlite:///{db.path}", connect_args={"timeout": 0.01})
    factory = sessionmaker(bind=impatient)
    holder = sqlite3.connect(str(db.path), check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, holder.commit).start()
    attempts = 0

    def work() -> None:
        nonlocal attempts
        attempts += 1
        with factory() as s, s.begin():
            s.execute(text("UPDATE setting SET note = 'retry' WHERE 1"))
            s.add(Setting(key=f"test.retry{attempts}", value=attempts))

    retry.with_retry(work, attempts=20, pause=0.05)
    holder.close()
    assert attempts > 1
    with db.session() as s:
        keys = [k for k in s.scalars(select(Setting.key)) if k.startswith("test.retry")]
        assert keys == [f"test.retry{attempts}"]  # earlier attempts left nothing behind
    impatient.dispose()


def test_retry_gives_a_clear_message_when_it_stays_busy() -> None:
    calls = 0

    def always_locked() -> None:
        nonlocal calls
        calls += 1
        raise OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked"))

    with pytest.raises(retry.DatabaseBusy, match="đang bận.*chưa được lưu"):
        retry.with_retry(always_locked, attempts=3, sleep=lambda _s: None)
    assert calls == 3

    def other_error() -> None:
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))

    with pytest.raises(OperationalError, match="no such table"):
        retry.with_retry(other_error, sleep=lambda _s: None)


def test_two_copies_writing_at_once_keep_one_unbroken_audit_chain(
    two_copies: tuple[Database, Database],
) -> None:
    admin = Actor("admin", Role.ADMIN)
    errors: list[BaseException] = []
    per_copy = 25

    def writer(db: Database, tag: str) -> None:
        try:
            for i in range(per_copy):
                retry.write(db, lambda s, i=i: settings.put(s, admin, f"test.{tag}{i}", i))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(db, tag))
        for db, tag in zip(two_copies, ("a", "b"), strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    first = two_copies[0]
    with first.session() as s:
        labels = [e.entity_label for e in s.scalars(select(AuditEvent)) if e.entity == "setting"]
        assert sorted(x for x in labels if x.startswith("test.")) == sorted(
            [f"test.a{i}" for i in range(per_copy)] + [f"test.b{i}" for i in range(per_copy)]
        )
    assert integrity.check(first) == []  # chain not forked, database sound
