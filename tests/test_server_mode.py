"""Server mode (docs/server.md): connecting, the password never shown, schema upgrades.

These run against the suite's own PostgreSQL server (tests/pg_server.py).
"""

from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from kcdesk.cli.main import main
from kcdesk.models.db import (
    Database,
    DatabaseError,
    current_revision,
    head_revision,
    make_engine,
    migrate,
    open_database,
)
from kcdesk.services.core import retry
from tests.pg_server import PASSWORD, PgServer

OLDER = "0008_security"


def _secret_forms() -> list[str]:
    from urllib.parse import quote, quote_plus

    return [PASSWORD, quote(PASSWORD, safe=""), quote_plus(PASSWORD), "7$Q", "7%24Q"]


def _no_secret(text: str) -> None:
    for form in _secret_forms():
        assert form not in text, text


def test_init_and_errors_never_show_the_password(
    pg_server: PgServer,
    pg_database,
    capsys,
    caplog,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = pg_database()
    assert main(["--db", url, "init"]) == 0
    out, err = capsys.readouterr()
    assert "sẵn sàng" in out and "máy chủ 127.0.0.1" in out
    _no_secret(out + err)
    # A wrong password: refused in one line, not called a damaged file.
    wrong = make_url(url).set(password=PASSWORD + "x").render_as_string(hide_password=False)
    assert main(["--db", wrong, "programme", "list"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("kcdesk: Không kết nối được tới máy chủ 127.0.0.1")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "tệp hỏng" not in err and "password authentication failed" in err
    _no_secret(out + err)
    with pytest.raises(DatabaseError) as caught:
        open_database(wrong)
    _no_secret(str(caught.value) + repr(caught.value))
    database = open_database(url)
    try:
        _no_secret(repr(database) + database.display)
    finally:
        database.dispose()
    _no_secret(caplog.text)


def test_a_server_that_is_not_there_is_not_a_damaged_file(capsys) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nobody listens here once the socket closes
    url = f"postgresql://kcdesk:{PASSWORD.replace(' ', '%20')}@127.0.0.1:{port}/kcdesk"
    assert main(["--db", url, "proposal", "list"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"kcdesk: Không kết nối được tới máy chủ 127.0.0.1:{port}")
    assert "tệp hỏng" not in err and err.count("\n") == 1
    _no_secret(out + err)


def test_a_url_without_its_driver_is_one_line(capsys) -> None:
    url = "postgresql+psycopg2://kcdesk:secret@127.0.0.1:5432/kcdesk"
    assert main(["--db", url, "proposal", "list"]) == 2
    _out, err = capsys.readouterr()
    assert err.startswith("kcdesk: Máy này chưa cài trình kết nối cho máy chủ 127.0.0.1:5432")
    assert "kcdesk[postgres]" in err and err.count("\n") == 1 and "secret" not in err


def test_plain_postgresql_url_uses_psycopg(pg_server: PgServer, pg_database) -> None:
    url = pg_database().replace("postgresql+psycopg://", "postgresql://")
    database = open_database(url, create=True)
    try:
        assert database.engine.dialect.driver == "psycopg"
        with database.session() as s:
            settings = dict(
                s.execute(
                    text(
                        "SELECT name, setting FROM pg_settings WHERE name IN "
                        "('lock_timeout', 'idle_in_transaction_session_timeout')"
                    )
                ).all()
            )
        assert int(settings["lock_timeout"]) > 0
        assert int(settings["idle_in_transaction_session_timeout"]) > 0
    finally:
        database.dispose()


def test_workstation_on_an_older_schema_says_so_and_the_admin_upgrades(
    pg_server: PgServer,
    pg_database,
    capsys,
) -> None:
    url = pg_database()
    engine = make_engine(url)
    migrate(engine, OLDER)
    engine.dispose()
    with pytest.raises(DatabaseError, match=r"lược đồ cũ \(0008_security\).*upgrade"):
        open_database(url)
    engine = make_engine(url)
    assert current_revision(engine) == OLDER  # the workstation left it alone
    engine.dispose()
    assert main(["--db", url, "proposal", "list"]) == 2
    assert "pg_dump" in capsys.readouterr().err
    assert main(["--db", url, "upgrade"]) == 0
    out, _ = capsys.readouterr()
    assert f"{OLDER} → {head_revision()}" in out
    _no_secret(out)
    assert main(["--db", url, "upgrade"]) == 0
    assert "không cần nâng cấp" in capsys.readouterr().out
    open_database(url).dispose()


def test_an_empty_server_database_is_not_initialised_by_a_workstation(
    pg_server: PgServer,
    pg_database,
) -> None:
    with pytest.raises(DatabaseError, match="chưa được khởi tạo.*init"):
        open_database(pg_database())


def test_two_administrators_upgrading_at_once_both_succeed(
    pg_server: PgServer,
    pg_database,
) -> None:
    url = pg_database()
    errors: list[BaseException] = []

    def upgrade() -> None:
        try:
            open_database(url, create=True).dispose()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upgrade) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_retry_recognises_a_lock_timeout_on_the_server(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("the SQLite case is in test_concurrency_two_copies")
    from kcdesk.models import Setting

    key = "test.lock"
    with db.session() as s:
        s.add(Setting(key=key, value=1))
    holder = db.engine.connect()
    holder.execute(text("UPDATE setting SET note = 'held' WHERE key = :k"), {"k": key})
    attempts = 0

    def work() -> None:
        nonlocal attempts
        attempts += 1
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '50ms'"))
            if attempts == 3:
                holder.commit()
            conn.execute(text("UPDATE setting SET note = 'mine' WHERE key = :k"), {"k": key})

    retry.with_retry(work, attempts=5, pause=0.01)
    holder.close()
    assert attempts == 3
    with db.engine.connect() as conn:
        note = conn.execute(text("SELECT note FROM setting WHERE key = :k"), {"k": key}).scalar()
    assert note == "mine"


def test_server_errors_that_mean_try_again() -> None:
    import psycopg.errors as pge

    for cls in (pge.SerializationFailure, pge.DeadlockDetected, pge.LockNotAvailable):
        assert retry.is_busy(OperationalError("UPDATE", {}, cls("x")))
    assert not retry.is_busy(OperationalError("UPDATE", {}, pge.UndefinedTable("x")))


def test_status_bar_and_about_never_show_the_password(qtbot, db: Database) -> None:
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.main_window import MainWindow

    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx, demo=False)
    qtbot.addWidget(window)
    shown = window.db_label.text() + window.about_text() + window.windowTitle()
    _no_secret(shown)
    assert db.display in shown
    ctx.worker.wait()


class _MemoryKeyring:
    """An in-memory keyring backend (the OS one is not there in CI)."""

    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self.store.get((service, name))

    def set_password(self, service: str, name: str, password: str) -> None:
        self.store[(service, name)] = password

    def delete_password(self, service: str, name: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.store.pop((service, name), None) is None:
            raise PasswordDeleteError(name)


def test_password_kept_in_the_keyring_not_in_the_url(
    pg_server: PgServer,
    pg_database,
    capsys,
    monkeypatch,
) -> None:
    import io

    import keyring
    from keyring.backend import KeyringBackend

    backend = type("Memory", (_MemoryKeyring, KeyringBackend), {})()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend, raising=False)
    url = pg_database()
    assert main(["--db", url, "init"]) == 0
    bare = make_url(url)._replace(password=None).render_as_string(hide_password=False)
    capsys.readouterr()
    # Without a stored password (and no pgpass) the server refuses, in one line.
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    assert main(["--db", bare, "programme", "list"]) == 2
    assert "Không kết nối được" in capsys.readouterr().err
    # A wrong password is refused and not stored.
    monkeypatch.setattr("sys.stdin", io.StringIO("sai\n"))
    assert main(["--db", bare, "server-password", "--password-stdin"]) == 2
    assert backend.store == {}
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--db", bare, "server-password", "--password-stdin"]) == 0
    out, err = capsys.readouterr()
    assert "Đã lưu mật khẩu của kcdesk_test@127.0.0.1" in out
    _no_secret(out + err)
    assert list(backend.store.values()) == [PASSWORD]
    assert main(["--db", bare, "programme", "list"]) == 0
    _no_secret("".join(capsys.readouterr()))
    assert main(["--db", bare, "server-password", "--forget"]) == 0
    assert backend.store == {}


def test_a_server_database_always_asks_to_log_in(db: Database, monkeypatch) -> None:
    from kcdesk import app
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui import login_dialog

    asked: list[Database] = []
    monkeypatch.setattr(login_dialog, "log_in", lambda d: asked.append(d) or None)
    result = app._log_in(db, SYSTEM)  # the shipped default is single-user
    if db.is_sqlite:
        assert result is SYSTEM and asked == []
    else:
        assert result is None and asked == [db]
