"""The GUI connects a workstation to the Centre's server (issue 21, docs/server.md).

Against the real test PostgreSQL server the suite starts (tests/pg_server.py), with
an in-memory keyring backend (never the OS keyring) and no pgpass file.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from kcdesk.models.db import head_revision, open_database
from kcdesk.services.core.errors import UserError
from kcdesk.services.setup import first_run as setup
from kcdesk.services.setup import server_connection as sc
from tests.pg_server import PASSWORD, SUPERUSER

pytestmark = pytest.mark.postgresql_only


class _MemoryKeyring:
    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self.store.get((service, name))

    def set_password(self, service: str, name: str, password: str) -> None:
        self.store[(service, name)] = password

    def delete_password(self, service: str, name: str) -> None:
        self.store.pop((service, name), None)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> _MemoryKeyring:
    import keyring
    from keyring.backend import KeyringBackend

    backend = type("Memory", (_MemoryKeyring, KeyringBackend), {})()
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend, raising=False)
    # No pgpass file either: the password comes from the keyring or the form only.
    monkeypatch.setenv("PGPASSFILE", "/nonexistent/pgpass")
    return backend


@pytest.fixture
def server_db(pg_server, pg_database) -> tuple[Any, str]:
    """(server, database name) of an initialised kcdesk database on the test server."""
    url = pg_database()
    database = open_database(url, create=True)
    setup.init_database(database)
    database.dispose()
    return pg_server, url.rsplit("/", 1)[1]


def _no_secret(text_: str) -> None:
    assert PASSWORD not in text_
    assert "tệp hỏng" not in text_


def _fill(dialog: Any, server: Any, name: str, password: str = "") -> None:
    dialog.host.setText("127.0.0.1")
    dialog.port.setText(str(server.port))
    dialog.database_name.setText(name)
    dialog.user.setText(SUPERUSER)
    dialog.password.setText(password)


def test_the_form_refuses_bad_fields_in_one_line() -> None:
    with pytest.raises(UserError, match="tên hoặc địa chỉ IP"):
        sc.parse(" ", "5432", "kcdesk", "u")
    with pytest.raises(UserError, match="Cổng «70000» không hợp lệ"):
        sc.parse("maychu", "70000", "kcdesk", "u")
    with pytest.raises(UserError, match="tên cơ sở dữ liệu"):
        sc.parse("maychu", "", "", "u")
    with pytest.raises(UserError, match="tên người dùng"):
        sc.parse("maychu", "", "kcdesk", "")
    assert sc.parse(" maychu ", "", "kcdesk", "an") == sc.ServerConnection(
        "maychu", 5432, "kcdesk", "an"
    )


def test_typed_password_goes_to_the_keyring_and_the_next_start_asks_nothing(
    qtbot, server_db, memory_keyring, monkeypatch
) -> None:
    from kcdesk import app
    from kcdesk.ui.settings import server_dialog

    server, name = server_db
    dialog = server_dialog.ServerConnectionDialog()
    qtbot.addWidget(dialog)
    _fill(dialog, server, name)
    # No password anywhere yet: the form asks for one and stays open.
    assert dialog.try_connect() is False
    assert "cần mật khẩu của người dùng kcdesk_test" in dialog.message.text()
    dialog.password.setText("sai mật khẩu")
    assert dialog.try_connect() is False
    assert "không nhận mật khẩu" in dialog.message.text()
    assert memory_keyring.store == {} and sc.remembered() is None
    dialog.password.setText(PASSWORD)
    assert dialog.try_connect() is True
    assert dialog.database is not None and dialog.database.is_server
    with dialog.database.session() as s:
        assert s.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
    dialog.database.dispose()
    key = f"{SUPERUSER}@127.0.0.1:{server.port}/{name}"
    assert memory_keyring.store == {("kcdesk", key): PASSWORD}
    # The workstation remembers where, never the password.
    saved = sc.settings_path().read_text(encoding="utf-8")
    assert json.loads(saved) == {
        "server": {"host": "127.0.0.1", "port": server.port, "database": name, "user": SUPERUSER}
    }
    _no_secret(saved)

    # Next start: the remembered server opens with the keyring's password, no form.
    def no_form(*_a: Any, **_k: Any) -> None:
        raise AssertionError("the connection form was shown")

    monkeypatch.setattr(server_dialog, "connect_to_server", no_form)
    monkeypatch.setattr(app, "_first_run_choice", no_form)
    opened = app._open_start_database(None, False)
    assert opened is not None
    database, demo, _pending = opened
    assert database.is_server and demo is False
    _no_secret(database.display)
    database.dispose()


def test_each_refusal_has_its_own_line(server_db, memory_keyring) -> None:
    from tests.pg_server import _free_port

    server, name = server_db
    cases = [
        (sc.ServerConnection("127.0.0.1", _free_port(), name, SUPERUSER), "từ chối kết nối"),
        (sc.ServerConnection("kcdesk-khong-co.invalid", 5432, name, SUPERUSER),
         "Không tới được máy chủ «kcdesk-khong-co.invalid»"),
        (sc.ServerConnection("127.0.0.1", server.port, "khong_co", SUPERUSER),
         "không có cơ sở dữ liệu «khong_co»"),
        (sc.ServerConnection("127.0.0.1", server.port, name, "nguoi_la"), "không nhận mật khẩu"),
    ]  # fmt: skip
    for connection, expected in cases:
        with pytest.raises(sc.ConnectionRefused) as caught:
            sc.open_server(connection, PASSWORD)
        message = str(caught.value)
        assert expected in message, message
        assert "\n" not in message
        _no_secret(message)
    assert memory_keyring.store == {} and sc.remembered() is None


def test_an_older_schema_is_named_not_migrated(server_db, memory_keyring, pg_server) -> None:
    server, name = server_db
    url = pg_server.url(name)
    database = open_database(url)
    with database.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0016_signed_documents'"))
    database.dispose()
    connection = sc.ServerConnection("127.0.0.1", server.port, name, SUPERUSER)
    with pytest.raises(sc.ConnectionRefused) as caught:
        sc.open_server(connection, PASSWORD)
    message = str(caught.value)
    assert "đang ở lược đồ cũ (0016_signed_documents)" in message and "\n" not in message
    _no_secret(message)
    # The workstation left the schema as it was (the administrator upgrades it).
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=server.port, user=SUPERUSER, password=PASSWORD,
                         dbname=name) as conn:  # fmt: skip
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert row == ("0016_signed_documents",)


def test_remembered_server_unreachable_opens_the_form_with_the_reason(
    server_db, memory_keyring, monkeypatch
) -> None:
    from kcdesk import app
    from kcdesk.ui.settings import server_dialog
    from tests.pg_server import _free_port

    _, name = server_db
    sc.remember(sc.ServerConnection("127.0.0.1", _free_port(), name, SUPERUSER))
    shown: list[str] = []
    monkeypatch.setattr(
        server_dialog, "connect_to_server", lambda **kw: shown.append(kw["message"]) or None
    )
    assert app._open_start_database(None, False) is None  # cancelled: the start ends
    assert len(shown) == 1 and "từ chối kết nối" in shown[0]


def test_file_menu_and_first_run_reach_the_server(qtbot, db_path, monkeypatch) -> None:
    from kcdesk import app
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.main_window import MainWindow
    from kcdesk.ui.settings import server_dialog

    local = open_database(db_path, create=True)
    setup.init_database(local)
    other = open_database(db_path)  # stands for the server's database
    monkeypatch.setattr(server_dialog, "connect_to_server", lambda *a, **k: other)
    ctx = AppContext(local, SYSTEM)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    from PySide6.QtGui import QAction

    action = window.findChild(QAction, "connect_server")
    assert action is not None and action.text() == "&Kết nối máy chủ…"
    # An SQLite file already is this PC's database: nothing to go back to.
    assert not window.findChild(QAction, "use_local").isEnabled()
    action.trigger()
    assert window.switch_to is other
    # The window closes once its queued work is done; the app then opens the server.
    ctx.worker.wait()
    qtbot.waitUntil(lambda: not window.isVisible())
    # First start on a new PC: the third choice opens the same form.
    monkeypatch.setattr(app, "_first_run_choice", lambda: "server")
    monkeypatch.setattr(
        app.paths, "default_database_path", lambda: db_path.with_name("none.sqlite")
    )
    assert app._open_start_database(None, False) == (other, False, False)
    local.dispose()
    other.dispose()


def test_the_pgpass_file_is_enough(server_db, memory_keyring, tmp_path, monkeypatch) -> None:
    """No password typed, none in the keyring: the driver reads the user's pgpass file."""
    server, name = server_db
    pgpass = tmp_path / "pgpass.conf"
    escaped = PASSWORD.replace("\\", "\\\\").replace(":", "\\:")
    pgpass.write_text(f"127.0.0.1:{server.port}:{name}:{SUPERUSER}:{escaped}\n", encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    connection = sc.ServerConnection("127.0.0.1", server.port, name, SUPERUSER)
    database = sc.open_server(connection)
    assert database.is_server
    database.dispose()
    assert memory_keyring.store == {}  # nothing typed, nothing stored
    assert sc.remembered() == connection


def test_after_the_file_menu_the_app_opens_the_server_in_the_same_process(
    qapp, tmp_path, monkeypatch
) -> None:
    """_run_gui: a window closed by Tệp → Kết nối máy chủ… is followed by one on the server."""
    from kcdesk import app
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui import crash

    local = open_database(tmp_path / "máy này.sqlite", create=True)
    server_side = open_database(tmp_path / "máy chủ.sqlite", create=True)
    shown: list[Any] = []
    answers = iter([(0, server_side), (0, None)])
    monkeypatch.setattr(crash, "install_excepthook", lambda: None)
    monkeypatch.setattr(app, "_open_start_database", lambda *_a: (local, False, False))

    def run_window(_app: Any, db: Any, demo: bool, _actor: Any, **kwargs: Any) -> Any:
        shown.append((db, demo))
        app._discard(kwargs.get("frame"))  # the start's frame, filled by the real one
        return next(answers)

    monkeypatch.setattr(app, "_run_window", run_window)
    assert app._run_gui(qapp, None, False, SYSTEM) == 0
    assert shown == [(local, False), (server_side, False)]
    local.dispose()
    server_side.dispose()


def test_file_menu_goes_back_to_this_pcs_database(qtbot, db, monkeypatch) -> None:
    """Tệp → Làm việc trên máy này: only on a server's database; it forgets the server
    and the app reopens on this PC's file (made on first use)."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMessageBox

    from kcdesk import paths
    from kcdesk.services.security.actor import SYSTEM
    from kcdesk.ui.app_context import AppContext
    from kcdesk.ui.main_window import MainWindow

    sc.remember(sc.parse("127.0.0.1", "5432", "kcdesk", "nv1"))
    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    action = window.findChild(QAction, "use_local")
    assert action is not None and action.isEnabled() and db.is_server
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    assert window.use_local_database() is False and sc.remembered() is not None
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    action.trigger()
    ctx.worker.wait()
    assert sc.remembered() is None
    local = window.switch_to
    assert local is not None and local.path == paths.default_database_path()
    assert local.path.is_file()
    local.dispose()
