"""First start on the demo (issue 24): the window first, the demo proposals made behind
it on the worker with a dialog saying so, every screen reloaded when they are in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from kcdesk import app as kcdesk_app
from kcdesk.models import Proposal
from kcdesk.services.core.errors import UserError
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.setup import first_run as setup
from kcdesk.ui import demo_builder
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.main_window import MainWindow


def _count(db: Any) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count(Proposal.id))) or 0)


def test_demo_shell_opens_with_presets_and_says_the_proposals_are_pending(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kcdesk-demo.sqlite"
    db, pending = kcdesk_app.open_demo_shell(path)
    try:
        assert pending and _count(db) == 0
        with db.session() as session:
            assert not setup.is_demo(session)
        setup.add_demo_data(db, proposals=3, seed=5, year=2027)
    finally:
        db.dispose()
    # Made once: the next start finds a demo database and makes nothing more.
    db, pending = kcdesk_app.open_demo_shell(path)
    try:
        assert not pending and _count(db) == 3
    finally:
        db.dispose()


def test_window_shows_first_then_register_fills_when_demo_is_made(
    tmp_path: Path, qtbot: QtBot
) -> None:
    db, pending = kcdesk_app.open_demo_shell(tmp_path / "kcdesk-demo.sqlite")
    assert pending
    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.show()
    register = window.show_section("proposals")
    qtbot.waitUntil(lambda: "Chưa có đề án nào" in register.count_label.text(), timeout=10_000)

    dialog = demo_builder.build_demo_in_background(
        ctx, window, lambda: setup.add_demo_data(db, proposals=4, seed=3, year=2027), 4
    )
    assert dialog.isVisible() and "4 đề án mẫu" in dialog.labelText()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)
    qtbot.waitUntil(lambda: register.count_label.text().startswith("4 đề án"), timeout=10_000)
    assert _count(db) == 4
    ctx.worker.wait()
    db.dispose()


def test_a_failed_demo_says_so_and_closes_the_dialog(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _pending = kcdesk_app.open_demo_shell(tmp_path / "kcdesk-demo.sqlite")
    ctx = AppContext(db, SYSTEM)
    window = MainWindow(ctx, demo=True)
    qtbot.addWidget(window)
    window.show()
    warned: list[str] = []
    monkeypatch.setattr(demo_builder.vi, "warn", lambda _p, _t, text: warned.append(text))

    def fail() -> None:
        raise UserError("Ổ đĩa đầy.")

    dialog = demo_builder.build_demo_in_background(ctx, window, fail, 300)
    qtbot.waitUntil(lambda: bool(warned), timeout=10_000)
    assert not dialog.isVisible()
    assert "Không tạo được dữ liệu trình diễn: Ổ đĩa đầy." in warned[0]
    assert "mở lại" in warned[0]
    ctx.worker.wait()
    db.dispose()
