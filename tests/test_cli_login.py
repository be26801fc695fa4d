"""On the command line, a database that is not in single-user mode needs --login."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kcdesk.cli.main import main
from kcdesk.models.db import open_database
from kcdesk.services.core import settings


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def locked_db(tmp_path: Path, capsys, monkeypatch) -> str:
    db = str(tmp_path / "centre.sqlite")
    assert run(capsys, monkeypatch, "--db", db, "init")[0] == 0
    for name, role in (("quantri", "admin"), ("canbo", "leader")):
        # The first administrator turns single-user mode off (issue 19): the second
        # account is added by that administrator, logged in.
        login = ["--login", "quantri"] if name != "quantri" else []
        monkeypatch.setenv("KCDESK_PASSWORD", "mật khẩu dài 123")
        code, _, err = run(
            capsys,
            monkeypatch,
            "--db",
            db,
            *login,
            "user",
            "add",
            name,
            "--role",
            role,
            "--full-name",
            f"Người {name}",
            "--password-stdin",
            stdin="mật khẩu dài 123\n",
        )
        assert code == 0, err
    monkeypatch.delenv("KCDESK_PASSWORD")
    database = open_database(db)
    with database.session() as session:
        assert settings.get(session, "app.single_user") is False
    database.dispose()
    return db


def test_single_user_database_needs_no_login(tmp_path: Path, capsys, monkeypatch) -> None:
    db = str(tmp_path / "one.sqlite")
    assert run(capsys, monkeypatch, "--db", db, "init")[0] == 0
    code, out, _ = run(capsys, monkeypatch, "--db", db, "user", "list", "--json")
    assert code == 0 and json.loads(out) == []


def test_login_required_and_checked(locked_db: str, capsys, monkeypatch) -> None:
    code, _, err = run(capsys, monkeypatch, "--db", locked_db, "user", "list", "--json")
    assert code == 2 and "yêu cầu đăng nhập" in err
    monkeypatch.setenv("KCDESK_PASSWORD", "sai")
    code, _, err = run(
        capsys, monkeypatch, "--db", locked_db, "--login", "quantri", "user", "list", "--json"
    )
    assert code == 2 and "Traceback" not in err
    monkeypatch.setenv("KCDESK_PASSWORD", "mật khẩu dài 123")
    code, out, _ = run(
        capsys, monkeypatch, "--db", locked_db, "--login", "quantri", "user", "list", "--json"
    )
    assert code == 0 and {u["username"] for u in json.loads(out)} == {"quantri", "canbo"}


def test_role_checks_hold_on_the_command_line(locked_db: str, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KCDESK_PASSWORD", "mật khẩu dài 123")
    code, _, err = run(
        capsys,
        monkeypatch,
        "--db",
        locked_db,
        "--login",
        "canbo",
        "user",
        "add",
        "x",
        "--role",
        "admin",
        "--full-name",
        "X",
        "--password-stdin",
        stdin="abcdefgh12\n",
    )
    assert code == 2 and "không có quyền" in err
    monkeypatch.delenv("KCDESK_PASSWORD")
    code, _, err = run(capsys, monkeypatch, "--db", locked_db, "--login", "canbo", "check")
    assert code == 2 and "KCDESK_PASSWORD" in err
