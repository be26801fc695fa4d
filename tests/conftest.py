"""Shared fixtures. Qt runs offscreen; every file lives under tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from kcdesk.models.db import Database

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Fontconfig must not look for a user's configuration: the bundled fonts are enough.
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.fonts.warning=false")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own per-user data folder (with a Vietnamese name)."""
    data = tmp_path / "Dữ liệu người dùng"
    monkeypatch.setenv("KCDESK_DATA_DIR", str(data))
    return data


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kcdesk.sqlite"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A migrated database with the presets loaded (no demo proposals)."""
    from kcdesk.models.db import open_database
    from kcdesk.services.setup import first_run as setup

    database = open_database(db_path, create=True)
    setup.init_database(database)
    # Documents print only for a set organisation (issue 17): the demo's Cao Bằng one.
    setup.set_demo_organisation(database)
    yield database
    database.dispose()


_DEMO_CACHE: dict[str, bytes] = {}


@pytest.fixture
def demo_db(tmp_path: Path) -> Iterator[Database]:
    """A database with presets and 120 demo proposals (built once, copied per test)."""
    from kcdesk.models.db import backup_sqlite, open_database
    from kcdesk.services.setup import first_run as setup

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
    else:
        path.write_bytes(_DEMO_CACHE["demo"])
    database = open_database(path)
    yield database
    database.dispose()
