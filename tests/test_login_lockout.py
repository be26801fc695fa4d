"""Lock-out per account and source (issue 19 §3): wrong passwords from another
workstation or interface cannot lock the administrator out of the Centre's own PC, and
the messages never tell an unknown name from a wrong password or a locked source."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, Role, utcnow
from kcdesk.models.db import Database
from kcdesk.models.security import LoginFailure
from kcdesk.services.core import settings
from kcdesk.services.security import lockout, passwords, users
from kcdesk.services.security.actor import SYSTEM, Actor

PW = "Mật-khẩu-quản-trị-2027"
CENTRE_PC = "gui@PC-TRUNG-TAM"
INTRUDER = "gui@MAY-LA"


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "N", 2**10)


@pytest.fixture
def admin_db(db: Database) -> Database:
    with db.session() as s:
        for name, role in (("quantri", Role.ADMIN), ("canbo", Role.CENTRE_STAFF)):
            users.add_user(s, SYSTEM, username=name, full_name=name, role=role, password=PW)
        settings.put(s, SYSTEM, "app.single_user", False)
    return db


def login(db: Database, name: str, pw: str, source: str, **kw) -> Actor:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return users.authenticate(s, name, pw, source=source, **kw)


def _flood(db: Database, name: str, source: str, times: int) -> list[str]:
    messages = []
    for _ in range(times):
        with pytest.raises(users.AuthenticationFailed) as refused:
            login(db, name, "đoán-bừa", source)
        messages.append(str(refused.value))
    return messages


def test_a_flood_from_another_pc_does_not_lock_the_centres_pc(admin_db: Database) -> None:
    messages = _flood(admin_db, "quantri", INTRUDER, 3 * users.MAX_FAILURES)
    # Every refusal reads the same, locked or not, and the same as for an unknown name.
    assert set(messages) == {users.LOGIN_FAILED}
    with pytest.raises(users.AuthenticationFailed) as unknown:
        login(admin_db, "khong-co-ai", "đoán-bừa", INTRUDER)
    assert str(unknown.value) == users.LOGIN_FAILED
    # The intruder's PC is locked out even with the right password …
    with pytest.raises(users.AuthenticationFailed, match="tạm khóa trên máy này"):
        login(admin_db, "quantri", PW, INTRUDER)
    # … the administrator at the Centre's PC is not, nor on its command line.
    assert login(admin_db, "quantri", PW, CENTRE_PC).username == "quantri"
    assert login(admin_db, "quantri", PW, "cli@PC-TRUNG-TAM").username == "quantri"
    with admin_db.session() as s:
        failed = s.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
        assert {e.changes["source"]["new"] for e in failed} == {INTRUDER}


def test_counts_are_per_account_and_per_source(admin_db: Database) -> None:
    now = utcnow()
    _flood(admin_db, "canbo", INTRUDER, users.MAX_FAILURES - 1)
    _flood(admin_db, "canbo", CENTRE_PC, users.MAX_FAILURES - 1)
    # Four and four from two sources: neither source is locked.
    assert login(admin_db, "canbo", PW, INTRUDER, now=now).username == "canbo"
    _flood(admin_db, "canbo", INTRUDER, users.MAX_FAILURES)
    with pytest.raises(users.AuthenticationFailed, match="tạm khóa"):
        login(admin_db, "canbo", PW, INTRUDER)
    # Another account from the locked source is not locked.
    assert login(admin_db, "quantri", PW, INTRUDER).username == "quantri"
    # The lock runs out.
    later = utcnow() + timedelta(minutes=users.LOCK_MINUTES + 1)
    assert login(admin_db, "canbo", PW, INTRUDER, now=later).username == "canbo"


def test_a_new_password_unlocks_every_source(admin_db: Database) -> None:
    _flood(admin_db, "canbo", INTRUDER, users.MAX_FAILURES)
    with admin_db.session() as s:
        listed = users.user_dict(s, users.get_user(s, "canbo"))
        assert listed["locked"] and listed["locked_sources"] == [INTRUDER]
    admin = login(admin_db, "quantri", PW, CENTRE_PC)
    with admin_db.session() as s:
        users.reset_password(s, admin, "canbo", "Mật-khẩu-mới-2027")
    with admin_db.session() as s:
        assert s.scalars(select(LoginFailure)).all() == []
    assert login(admin_db, "canbo", "Mật-khẩu-mới-2027", INTRUDER).username == "canbo"


def test_the_command_line_is_its_own_source(
    admin_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wrong passwords in a script lock the command line of this PC, not its GUI."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setenv("KCDESK_PASSWORD", "đoán-bừa")
    argv = ["--db", admin_db.url, "--login", "quantri", "user", "list", "--json"]
    errors = []
    for _ in range(users.MAX_FAILURES + 2):
        assert main(argv) == 2
        errors.append(capsys.readouterr().err)
    assert len(set(errors)) == 1 and errors[0].count("\n") == 1
    monkeypatch.setenv("KCDESK_PASSWORD", PW)
    assert main(argv) == 2
    assert "tạm khóa trên máy này" in capsys.readouterr().err
    # The GUI of the same PC logs in.
    assert login(admin_db, "quantri", PW, lockout.login_source("gui")).username == "quantri"
    with admin_db.session() as s:
        (row,) = s.scalars(select(LoginFailure)).all()
        assert row.source == lockout.login_source("cli") and row.source.startswith("cli@")
    # The administrator sees which source is locked.
    monkeypatch.setenv("KCDESK_PASSWORD", PW)
    with admin_db.session() as s:
        listed = users.user_dict(s, users.get_user(s, "quantri"))
    assert listed["locked_sources"] == [lockout.login_source("cli")]
    assert json.dumps(listed)  # plain JSON for `user list --json`
