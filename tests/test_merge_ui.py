"""Settings → «Hợp nhất dữ liệu» (issue 25): preview on the worker, merge after the
user confirms, and the register filters by origin afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcdesk.models.db import open_database
from kcdesk.services.core import settings
from kcdesk.services.merge import followup
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

    # The organisation step opens once, pre-filled for the new province; saving it
    # records that it was checked, and the reminder stops.
    dialog = panel.organisation_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.fields["org.province"].text() == "Hải Phòng"
    # The demo's names said Cao Bằng: renamed for the new province, signers left as they are.
    committee = "Ủy ban nhân dân thành phố Hải Phòng"
    assert dialog.fields["org.province_committee"].text() == committee
    with db.session() as s:
        assert followup.pending(s) is not None
    # Left unanswered, the next start asks again.
    from kcdesk import app
    from kcdesk.ui.settings.first_run_dialog import OrganisationDialog

    opened: list[str | None] = []
    monkeypatch.setattr(OrganisationDialog, "exec", lambda d: opened.append(d.after_merge) or 0)
    app._ask_organisation(ctx, section)
    assert opened == ["tỉnh Hải Dương (cũ)"]
    dialog.fields["org.centre_name"].setText("Trung tâm Khuyến công thành phố Hải Phòng")
    dialog.fields["signer.centre_name"].setText("Nguyễn Văn Nam")
    dialog.save_button.click()
    with db.session() as s:
        assert followup.pending(s) is None
        assert settings.get(s, "org.province_committee") == committee
    dialog.close()
    app._ask_organisation(ctx, section)
    assert len(opened) == 1  # checked: not asked again

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
