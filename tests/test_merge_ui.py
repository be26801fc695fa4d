"""Settings → «Hợp nhất dữ liệu» (issue 25): preview on the worker, merge after the
user confirms, and the register filters by origin afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcdesk.models.db import open_database
from kcdesk.services.proposals import register_query as rq
from kcdesk.ui import vi
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.register.register_widget import RegisterWidget
from kcdesk.ui.sections.settings import SettingsSection
from tests import merge_support as ms


def test_merge_panel_previews_then_merges(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    centres = ms.build(tmp_path)
    db = open_database(centres.target)
    before = ms.row_counts(db)
    ctx = AppContext(db, ms.ADMIN)
    section = SettingsSection(ctx)
    qtbot.addWidget(section)
    panel = section.merge
    assert section.tabText(section.indexOf(panel)) == "Hợp nhất dữ liệu"
    assert not panel.merge_button.isEnabled()  # nothing previewed yet

    panel.preview(centres.source_backup)
    qtbot.waitUntil(lambda: panel.merge_button.isEnabled(), timeout=60_000)
    text = panel.preview_view.toPlainText()
    assert "ĐA-2025-001 → HD-ĐA-2025-001" in text
    assert f"MST {ms.SHARED_TAX}" in text
    assert ms.row_counts(db) == before  # a preview writes nothing

    asked: list[str] = []
    monkeypatch.setattr(vi, "ask", lambda _p, _t, body: asked.append(body) or False)
    panel.merge_button.click()
    assert asked and "tỉnh Hải Dương (cũ)" in asked[0]
    assert ms.row_counts(db) == before  # said no: nothing

    monkeypatch.setattr(vi, "ask", lambda *_a: True)
    panel.merge_button.click()
    qtbot.waitUntil(lambda: "Đã hợp nhất" in panel.message.text(), timeout=60_000)
    assert ms.row_counts(db)["proposal"] == before["proposal"] + 30

    # The same file again: refused in one line, shown in red.
    panel.preview(centres.source_backup)
    qtbot.waitUntil(lambda: "đã được hợp nhất" in panel.message.text(), timeout=60_000)
    assert not panel.message.ok and not panel.merge_button.isEnabled()

    register = RegisterWidget(ctx)
    qtbot.addWidget(register)
    register.show()
    qtbot.waitUntil(lambda: register.model.rowCount() == 70, timeout=20_000)
    assert register.origin.isVisible()
    register.origin.setCurrentIndex(register.origin.findData("tỉnh Hải Dương (cũ)"))
    qtbot.waitUntil(lambda: register.model.rowCount() == 30, timeout=20_000)
    register.origin.setCurrentIndex(register.origin.findData(rq.OWN_ORIGIN))
    qtbot.waitUntil(lambda: register.model.rowCount() == 40, timeout=20_000)
    ctx.worker.wait()
    db.dispose()
