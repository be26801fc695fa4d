"""Users: password storage (no clear text anywhere in the file), lock-out, admin reset."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.models import AuditEvent, Role, User, utcnow
from kcdesk.models.db import Database
from kcdesk.services.core import audit
from kcdesk.services.core.errors import PermissionDenied, UserError, ValidationError
from kcdesk.services.security import passwords, users
from kcdesk.services.security.actor import SYSTEM, Actor

SECRET = "Mật-khẩu-bí-mật-2027"


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real cost (2^15) is checked in its own test; the rest need not wait for it.
    monkeypatch.setattr(passwords, "N", 2**10)


def add(db: Database, name: str = "lan", role: Role = Role.CENTRE_STAFF, pw: str = SECRET) -> None:
    with db.session() as s:
        users.add_user(s, SYSTEM, username=name, full_name="Nguyễn Thị Lan", role=role, password=pw)


def login(db: Database, name: str, pw: str, **kw) -> Actor:
    with db.session() as s:
        return users.authenticate(s, name, pw, **kw)


def test_default_hash_is_salted_scrypt_with_its_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "N", 2**15)
    first, second = passwords.hash_password(SECRET), passwords.hash_password(SECRET)
    assert first != second  # salted
    scheme, n, r, p, salt, key = first.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**15, 8, 1)
    assert SECRET not in first
    assert passwords.verify_password(SECRET, first) and passwords.verify_password(SECRET, second)
    assert not passwords.verify_password(SECRET + "x", first)
    assert not passwords.needs_rehash(first)
    assert passwords.needs_rehash(passwords.hash_password(SECRET, n=2**10))


def test_password_never_stored_in_clear_anywhere_in_the_file(db: Database, db_path: Path) -> None:
    add(db)
    login(db, "lan", SECRET)
    with db.session() as s:
        users.reset_password(s, SYSTEM, "lan", SECRET + "-mới")
    db.dispose()  # checkpoint the WAL into the main file
    blob = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    for pw in (SECRET, SECRET + "-mới"):
        assert pw.encode("utf-8") not in blob
        assert pw.encode("utf-16-le") not in blob
    assert b"scrypt$" in blob  # the hash itself is there


def test_login_gives_the_users_actor_and_audits(db: Database) -> None:
    add(db, role=Role.SECRETARY)
    actor = login(db, "LAN ", SECRET)  # names are case- and space-insensitive
    assert (actor.username, actor.role, actor.full_name) == (
        "lan",
        Role.SECRETARY,
        "Nguyễn Thị Lan",
    )
    with db.session() as s:
        actions = [e.action for e in s.query(AuditEvent).filter_by(entity="user")]
        assert actions == ["create", "login"]
        assert audit.verify_chain(s) is None


def test_wrong_password_and_unknown_user_give_the_same_refusal(db: Database) -> None:
    add(db)
    with pytest.raises(users.AuthenticationFailed, match="không đúng") as wrong:
        login(db, "lan", "sai-mat-khau")
    with pytest.raises(users.AuthenticationFailed, match="không đúng") as unknown:
        login(db, "khong-co", "sai-mat-khau")
    assert str(unknown.value).split(".")[0] == str(wrong.value).split(".")[0]


def test_repeated_failures_lock_the_account_for_a_while(db: Database) -> None:
    add(db)
    now = utcnow()
    # Every wrong guess reads the same as for an unknown name (issue 19: the messages
    # do not reveal whether an account exists or is locked).
    for _attempt in range(1, users.MAX_FAILURES + 1):
        with pytest.raises(users.AuthenticationFailed) as wrong:
            login(db, "lan", "sai", now=now)
        assert str(wrong.value) == users.LOGIN_FAILED
    with pytest.raises(users.AuthenticationFailed) as unknown:
        login(db, "khong-co-ai", "sai", now=now)
    assert str(unknown.value) == users.LOGIN_FAILED
    # Even the right password is refused while locked …
    with pytest.raises(users.AuthenticationFailed, match="tạm khóa"):
        login(db, "lan", SECRET, now=now + timedelta(minutes=users.LOCK_MINUTES - 1))
    # … and accepted once the lock has run out.
    actor = login(db, "lan", SECRET, now=now + timedelta(minutes=users.LOCK_MINUTES + 1))
    assert actor.username == "lan"
    with db.session() as s:
        user = users.get_user(s, "lan")
        assert user.failed_logins == 0 and user.locked_until is None


def test_admin_reset_unlocks_and_old_password_stops_working(db: Database) -> None:
    add(db)
    for _ in range(users.MAX_FAILURES):
        with pytest.raises(users.AuthenticationFailed):
            login(db, "lan", "sai")
    with db.session() as s:
        users.reset_password(s, SYSTEM, "lan", "mat-khau-moi-1")
    assert login(db, "lan", "mat-khau-moi-1").username == "lan"
    with pytest.raises(users.AuthenticationFailed):
        login(db, "lan", SECRET)


def test_user_changes_own_password_only_with_the_old_one(db: Database) -> None:
    add(db)
    actor = login(db, "lan", SECRET)
    with db.session() as s, pytest.raises(ValidationError, match="hiện tại không đúng"):
        users.change_password(s, actor, "doan-sai-1", "mat-khau-moi-1")
    with db.session() as s:
        users.change_password(s, actor, SECRET, "mat-khau-moi-1")
    assert login(db, "lan", "mat-khau-moi-1").username == "lan"
    with pytest.raises(users.AuthenticationFailed):
        login(db, "lan", SECRET)


def test_deactivated_account_cannot_log_in_and_last_admin_is_protected(db: Database) -> None:
    add(db, "quantri", Role.ADMIN)
    add(db, "lan")
    admin = login(db, "quantri", SECRET)
    with db.session() as s:
        users.set_active(s, admin, "lan", False)
    with pytest.raises(users.AuthenticationFailed, match="quản trị viên"):
        login(db, "lan", SECRET)
    with db.session() as s, pytest.raises(ValidationError, match="cuối cùng"):
        users.set_active(s, admin, "quantri", False)
    with db.session() as s, pytest.raises(ValidationError, match="cuối cùng"):
        users.set_role(s, admin, "quantri", Role.LEADER)


def test_weak_passwords_duplicate_names_and_clerk_without_office_refused(db: Database) -> None:
    with db.session() as s, pytest.raises(ValidationError, match="ít nhất 8"):
        users.add_user(s, SYSTEM, username="anh", full_name="", role=Role.LEADER, password="abc")
    add(db)
    with pytest.raises(ValidationError, match="đã có người dùng"):
        add(db, "LAN")
    with db.session() as s, pytest.raises(ValidationError, match="cần có đơn vị"):
        users.add_user(
            s, SYSTEM, username="clerk", full_name="", role=Role.OFFICE_CLERK, password=SECRET
        )


def test_only_admins_manage_users(db: Database) -> None:
    staff = Actor("lan", Role.CENTRE_STAFF)
    with db.session() as s, pytest.raises(PermissionDenied, match="quản lý người dùng"):
        users.add_user(s, staff, username="x1x", full_name="", role=Role.ADMIN, password=SECRET)
    add(db)
    with db.session() as s, pytest.raises(PermissionDenied):
        users.reset_password(s, staff, "lan", "mat-khau-moi-1")


def test_first_admin_only_when_there_is_no_user(db: Database) -> None:
    with db.session() as s:
        assert not users.has_users(s)
        users.create_first_admin(s, username="quantri", full_name="Quản trị", password=SECRET)
    with db.session() as s:
        assert users.has_users(s)
        assert users.get_user(s, "quantri").role is Role.ADMIN
        with pytest.raises(UserError) as refused:
            users.create_first_admin(s, username="khac", full_name="", password=SECRET)
        assert type(refused.value) is UserError
        assert str(refused.value) == (
            "Đã có người dùng: hãy nhờ quản trị viên tạo tài khoản cho bạn."
        )
        assert [u.username for u in users.list_users(s)] == ["quantri"]


def test_cli_user_add_and_list(db: Database, db_path: Path, capsys, monkeypatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(SECRET + "\n"))
    code = main(
        ["--db", str(db_path), "user", "add", "Hoa", "--role", "leader",
         "--full-name", "Trần Văn Hoa", "--password-stdin"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "hoa" in out
    code = main(["--db", str(db_path), "user", "list", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(r["username"], r["role"], r["full_name"]) for r in rows] == [
        ("hoa", "leader", "Trần Văn Hoa")
    ]
    assert "password_hash" not in rows[0] and SECRET not in json.dumps(rows)
    with db.session() as s:
        stored = s.query(User).one().password_hash
        assert stored is not None and passwords.verify_password(SECRET, stored)


def test_cli_refusals_are_one_line(db_path: Path, db: Database, capsys, monkeypatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["--db", str(db_path), "user", "add", "x1", "--role", "boss", "--full-name", "X"])
    err = capsys.readouterr().err
    assert code == 2 and "Vai trò 'boss' không có" in err and "Traceback" not in err
    code = main(["--db", str(db_path), "user", "add", "x1", "--role", "leader", "--full-name", "X"])
    err = capsys.readouterr().err
    assert code == 2 and "--password-stdin" in err


def test_cli_passwd_reset_disable_enable(db: Database, db_path: Path, capsys, monkeypatch) -> None:
    import io
    import sys

    add(db, "lan")
    add(db, "quantri", Role.ADMIN)

    def cli(*argv: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        # Once an administrator exists, managing accounts needs a log-in (issue 19).
        login = ["--login", "quantri"] if argv[0] == "user" and argv[1] != "passwd" else []
        monkeypatch.setenv("KCDESK_PASSWORD", SECRET)
        code = main(["--db", str(db_path), *login, *argv])
        out, err = capsys.readouterr()
        return code, out + err

    code, text = cli(
        "user", "passwd", "lan", "--password-stdin", stdin="sai-roi-nhe\nmoi-moi-123\n"
    )
    assert code == 2 and "hiện tại không đúng" in text
    code, _ = cli("user", "passwd", "lan", "--password-stdin", stdin=f"{SECRET}\nmoi-moi-123\n")
    assert code == 0
    assert login(db, "lan", "moi-moi-123").username == "lan"
    code, _ = cli("user", "reset", "lan", "--password-stdin", stdin="dat-lai-456\n")
    assert code == 0
    assert login(db, "lan", "dat-lai-456").username == "lan"
    code, _ = cli("user", "disable", "lan")
    assert code == 0
    with pytest.raises(users.AuthenticationFailed):
        login(db, "lan", "dat-lai-456")
    code, text = cli("user", "disable", "quantri")
    assert code == 2 and "cuối cùng" in text
    code, _ = cli("user", "enable", "lan")
    assert code == 0 and login(db, "lan", "dat-lai-456").username == "lan"
