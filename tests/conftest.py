"""Shared fixtures. Qt runs offscreen; every file lives under tmp_path."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kcdesk.models.db import Database
    from tests.pg_server import PgServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Fontconfig must not look for a user's configuration: the bundled fonts are enough.
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.fonts.warning=false")


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Windows a test left on screen are hidden once its teardown is done (pytest-qt
    closes only those given to ``qtbot``): a later test's quit or close asks every
    visible window, and one left over with unsaved input or work under way answered
    for it (a start-up test waited for ever on an earlier test's window)."""
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible():
            widget.hide()


# The calls that wait in a dialog's own event loop for a click: in a test nobody clicks.
_MODAL_CALLS = {
    "QDialog": ("exec", "exec_"),
    "QMessageBox": ("question", "warning", "information", "critical", "about"),
    "QFileDialog": (
        "getOpenFileName",
        "getOpenFileNames",
        "getSaveFileName",
        "getExistingDirectory",
    ),
    "QInputDialog": ("getText", "getInt", "getDouble", "getItem", "getMultiLineText"),
}


def _unanswered(owner: str, name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **_kwargs: Any) -> Any:
        if name.startswith("exec"):  # the dialog itself: its title and text
            dialog = args[0]
            text = dialog.text() if hasattr(dialog, "text") else ""
            what = f": «{dialog.windowTitle()}» {text}".rstrip()
        else:  # a static call (parent, title, …): its title
            what = f": «{args[1]}»" if len(args) > 1 else ""
        raise AssertionError(
            f"{owner}.{name} would wait for a click nobody gives in a test{what}; "
            "answer it in the test (monkeypatch) or keep it from opening"
        )

    return refuse


@pytest.fixture(autouse=True)
def _no_unanswered_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog's own event loop in a test waits for ever (offscreen, nobody clicks):
    the test fails at once and names the dialog, instead of the run hanging until the
    CI's time-out. A test that means a dialog to be answered patches it, as before."""
    from PySide6 import QtWidgets

    for owner, names in _MODAL_CALLS.items():
        cls = getattr(QtWidgets, owner)
        for name in names:
            if hasattr(cls, name):
                monkeypatch.setattr(cls, name, _unanswered(owner, name))


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own per-user data folder (with a Vietnamese name)."""
    data = tmp_path / "Dữ liệu người dùng"
    monkeypatch.setenv("KCDESK_DATA_DIR", str(data))
    return data


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kcdesk.sqlite"


# --- Two engines -------------------------------------------------------------------
# Every test that uses the ``db`` or ``demo_db`` fixture runs twice: on an SQLite file
# and on a fresh database of a real PostgreSQL server that the suite starts itself
# (tests/pg_server.py; docs/server.md). KCDESK_TEST_ENGINES=sqlite limits a local run
# to one engine; CI runs both, and a server that cannot start fails the run.
# Runs on SQLite only: a test marked ``sqlite_only`` (FTS5 index, file backup, PRAGMA),
# and a test that also asks for ``db_path`` — it works on the SQLite file itself.
ENGINES = tuple(
    name.strip()
    for name in os.environ.get("KCDESK_TEST_ENGINES", "sqlite,postgresql").split(",")
    if name.strip()
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: uses an SQLite-only feature; not run on PostgreSQL"
    )
    config.addinivalue_line("markers", "postgresql_only: needs the PostgreSQL server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_engine" not in metafunc.fixturenames:
        return
    engines = list(ENGINES)
    if metafunc.definition.get_closest_marker("sqlite_only") or "db_path" in metafunc.fixturenames:
        engines = [e for e in engines if e == "sqlite"]
    if metafunc.definition.get_closest_marker("postgresql_only"):
        engines = [e for e in engines if e == "postgresql"]
    metafunc.parametrize("db_engine", engines)


@pytest.fixture
def db_engine() -> str:
    """Overridden by the parametrisation above; "sqlite" for a fixture used alone."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The throwaway PostgreSQL cluster (started on first use, removed at the end)."""
    from tests.pg_server import PgServer

    if "postgresql" not in ENGINES:
        pytest.skip("KCDESK_TEST_ENGINES leaves out the PostgreSQL server")
    server = PgServer()
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()


# The audit chain's keys of the databases built once and copied per test (the SQLite
# demo, the server's templates): each test has its own data folder, so its key store
# gets these files back, like a Centre's key store that moves with its database.
_KEYS: dict[str, bytes] = {}


def _keep_keys() -> None:
    from kcdesk.paths import keys_dir

    for path in keys_dir().glob("audit-*.key"):
        _KEYS[path.name] = path.read_bytes()


def _give_keys() -> None:
    from kcdesk.paths import keys_dir

    if _KEYS:
        keys_dir().mkdir(parents=True, exist_ok=True)
        for name, data in _KEYS.items():
            (keys_dir() / name).write_bytes(data)
            (keys_dir() / name).chmod(0o600)


def _pg_base(url: str) -> None:
    from kcdesk.models.db import open_database
    from kcdesk.services.setup import first_run as setup

    database = open_database(url, create=True)
    setup.init_database(database)
    # Documents print only for a set organisation (issue 17): the demo's Cao Bằng one.
    setup.set_demo_organisation(database)
    database.dispose()
    _keep_keys()


def _pg_demo(url: str) -> None:
    from kcdesk.models.db import open_database
    from kcdesk.services.setup import first_run as setup

    database = open_database(url, create=True)
    setup.init_database(database)
    setup.add_demo_data(database, proposals=120, seed=7, year=2027)
    database.dispose()
    _keep_keys()


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[Callable[[str | None], str]]:
    """``make(template)`` → URL of a fresh database on the test server (dropped after)."""
    made: list[str] = []

    def make(template: str | None = None) -> str:
        name = pg_server.fresh(template)
        made.append(name)
        return pg_server.url(name)

    yield make
    for name in made:
        pg_server.drop(name)


def _server_db(request: pytest.FixtureRequest, kind: str) -> Iterator[Database]:
    from kcdesk.models.db import open_database

    server: PgServer = request.getfixturevalue("pg_server")
    make = request.getfixturevalue("pg_database")
    build = _pg_demo if kind == "demo" else _pg_base
    database = open_database(make(server.template(f"kcdesk_{kind}", build)))
    _give_keys()
    yield database
    database.dispose()


@pytest.fixture
def db(db_engine: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A migrated database with the presets loaded (no demo proposals)."""
    from kcdesk.models.db import open_database
    from kcdesk.services.setup import first_run as setup

    if db_engine == "postgresql":
        yield from _server_db(request, "base")
        return
    # db_path is asked for here, not in the signature, so that a test naming it
    # itself can be told apart (see pytest_generate_tests).
    database = open_database(request.getfixturevalue("db_path"), create=True)
    setup.init_database(database)
    # Documents print only for a set organisation (issue 17): the demo's Cao Bằng one.
    setup.set_demo_organisation(database)
    yield database
    database.dispose()


_DEMO_CACHE: dict[str, bytes] = {}


@pytest.fixture
def demo_db(tmp_path: Path, db_engine: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A database with presets and 120 demo proposals (built once, copied per test)."""
    from kcdesk.models.db import backup_sqlite, open_database
    from kcdesk.services.setup import first_run as setup

    if db_engine == "postgresql":
        yield from _server_db(request, "demo")
        return
    path = tmp_path / "demo.sqlite"
    if "demo" not in _DEMO_CACHE:
        database = open_database(path, create=True)
        setup.init_database(database)
        setup.add_demo_data(database, proposals=120, seed=7, year=2027)
        database.dispose()
        copy = tmp_path / "demo-copy.sqlite"
        backup_sqlite(path, copy)
        _DEMO_CACHE["demo"] = copy.read_bytes()
        copy.unlink()
        _keep_keys()
    else:
        path.write_bytes(_DEMO_CACHE["demo"])
        _give_keys()
    database = open_database(path)
    yield database
    database.dispose()
