"""A pack import's commit leaves SQLite's journal to be copied into the database file
afterwards (issue 24; ``services/core/checkpoint.py``).

SQLite checkpoints in the commit that finds the journal longer than its limit; the
tests lower the limit to a few pages so that a small import crosses it. Until a
checkpoint, WAL mode never writes the database file itself, so its bytes show
whether the import's commit copied the journal.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from kcdesk.models import Proposal
from kcdesk.models.db import Database
from kcdesk.services.core import checkpoint
from kcdesk.services.exchange import export, importer
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.exchange.section import ExchangeSection
from tests.exchange_support import OFFICE, Pair, add_proposal, make_pair


def _file(db: Database) -> str:
    path = Path(str(db.engine.url.database))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _limit(db: Database) -> int:
    with db.session() as s:
        return int(s.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() or 0)


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    pair = make_pair(tmp_path)
    with pair.office.db.session() as s:
        for n in range(1, 6):
            add_proposal(s, OFFICE, n)
    with pair.centre.db.session() as s:
        # A limit a 5-proposal import crosses; the journal copied in so far.
        s.connection().exec_driver_sql("PRAGMA wal_autocheckpoint=4")
    with pair.centre.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return pair


def _pack(pair: Pair, target: Path) -> Path:
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, target)
    return target


def test_the_import_commit_leaves_the_copy_to_later_and_the_limit_comes_back(
    pair: Pair, tmp_path: Path
) -> None:
    centre = pair.centre.db
    pack = _pack(pair, tmp_path / "gói.kcpack")
    assert _limit(centre) == 4
    before = _file(centre)
    with centre.session() as s:
        importer.import_pack(s, SYSTEM, pack, attachments_root=pair.centre.files)
    # Committed and readable, but the database file not written yet.
    with centre.session() as s:
        assert s.scalar(select(func.count(Proposal.id))) == 5
    assert _file(centre) == before
    # The connection has its limit back for whatever commits next.
    assert _limit(centre) == 4
    checkpoint.run(centre)
    assert _file(centre) != before
    with centre.session() as s:
        assert s.scalar(select(func.count(Proposal.id))) == 5


def test_an_ordinary_commit_still_copies_the_journal(pair: Pair) -> None:
    """What the import changes is its own commit only (the limit of 4 pages works)."""
    centre = pair.centre.db
    before = _file(centre)
    with centre.session() as s:
        for n in range(6, 9):
            add_proposal(s, "TT", n)
    assert _file(centre) != before


def test_the_exchange_section_copies_the_journal_after_showing_the_import(
    qtbot: QtBot, pair: Pair, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[Any] = []
    monkeypatch.setattr(checkpoint, "run", lambda db: ran.append(db))
    ctx = AppContext(pair.centre.db, SYSTEM)
    section = ExchangeSection(ctx)
    qtbot.addWidget(section)
    panel = section.import_panel
    panel.load(_pack(pair, tmp_path / "gói.kcpack"))
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=20_000)
    panel.apply_button.click()
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20_000)
    ctx.worker.wait()
    assert ran == [pair.centre.db]
