"""The exchange section with pytest-qt: preview then import, refusal, conflicts, USB, keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.db import open_database
from kcdesk.services.exchange import export, importer
from kcdesk.services.proposals import workflow
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.setup import first_run as setup
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.exchange.section import ExchangeSection
from tests.exchange_support import OFFICE, Pair, add_proposal, get, make_pair


@pytest.fixture
def pair(tmp_path: Path) -> Pair:
    pair = make_pair(tmp_path)
    with pair.office.db.session() as s:
        for n in range(1, 4):
            add_proposal(s, OFFICE, n)
    return pair


@pytest.fixture
def centre_ui(qtbot: QtBot, pair: Pair) -> Iterator[ExchangeSection]:
    ctx = AppContext(pair.centre.db, SYSTEM)
    section = ExchangeSection(ctx)
    qtbot.addWidget(section)
    section.show()
    yield section
    ctx.worker.wait()


def _pack(pair: Pair, target: Path) -> Path:
    with pair.office.db.session() as s:
        export.export_pack(s, SYSTEM, target)
    return target


def _column(section: ExchangeSection, column: int) -> list[str]:
    model = section.import_panel.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_import_preview_then_apply(
    qtbot: QtBot, pair: Pair, centre_ui: ExchangeSection, tmp_path: Path
) -> None:
    pack = _pack(pair, tmp_path / "gói.kcpack")
    panel = centre_ui.import_panel
    panel.load(pack)
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=20_000)
    assert panel.model.rowCount() == 6
    assert _column(centre_ui, 0).count("Đề án") == 3
    assert set(_column(centre_ui, 2)) == {"Mới"}
    assert "Đề án: mới 3, cập nhật 0, không đổi 0, xung đột 0" in panel.summary.text()
    assert panel.apply_button.isEnabled()
    with pair.centre.db.session() as s:  # the preview wrote nothing
        assert s.scalar(select(func.count(Proposal.id))) == 0

    panel.filter.setCurrentIndex(4)  # only conflicts: none
    assert panel.model.rowCount() == 0
    panel.filter.setCurrentIndex(0)

    panel.apply_button.click()
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20_000)
    with pair.centre.db.session() as s:
        assert s.scalar(select(func.count(Proposal.id))) == 3
    assert centre_ui.log_panel.table.rowCount() == 1
    assert "mới 3" in centre_ui.log_panel.table.item(0, 4).text()

    panel.load(pack)  # the same pack again: everything unchanged
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=20_000)
    assert set(_column(centre_ui, 2)) == {"Không đổi"}


def test_a_broken_pack_shows_the_reason(
    qtbot: QtBot, pair: Pair, centre_ui: ExchangeSection, tmp_path: Path
) -> None:
    pack = _pack(pair, tmp_path / "gói.kcpack")
    pack.write_bytes(pack.read_bytes()[:-300])
    panel = centre_ui.import_panel
    panel.load(pack)
    qtbot.waitUntil(lambda: panel.summary.text().startswith("Không nhập được"), timeout=20_000)
    assert "bị cắt cụt" in panel.summary.text()
    assert not panel.apply_button.isEnabled()
    assert panel.model.rowCount() == 0


def test_conflict_view_resolves_field_by_field(
    qtbot: QtBot, pair: Pair, centre_ui: ExchangeSection, tmp_path: Path
) -> None:
    with pair.centre.db.session() as s:
        importer.import_pack(s, SYSTEM, _pack(pair, tmp_path / "1.kcpack"))
        workflow.change_status(s, SYSTEM, get(s, "ĐA-2027-002"), ProposalStatus.FORWARDED)
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-002")
        p.title = "Tên mới của đơn vị"
        p.revision += 1
    with pair.centre.db.session() as s:
        importer.import_pack(s, SYSTEM, _pack(pair, tmp_path / "2.kcpack"))
    centre_ui.ctx.notify("exchange")
    panel = centre_ui.conflict_panel
    assert panel.list.count() == 1
    assert centre_ui.tabs.tabText(2) == "Xung đột (1)"
    fields = {panel.table.item(r, 0).text() for r in range(panel.table.rowCount())}
    assert {"Tên đề án", "Trạng thái"} <= fields
    panel.choose("title", "incoming")
    assert panel.choices()["title"] == "incoming" and panel.choices()["status"] == "local"
    panel.choose("status", "incoming")  # status history follows the status
    assert panel.choices()["status_changes"] == "incoming"
    panel.choose("status", "local")
    assert panel.choices()["status_changes"] == "local"
    panel.save_button.click()
    assert panel.list.count() == 0
    assert centre_ui.tabs.tabText(2) == "Xung đột"
    with pair.centre.db.session() as s:
        p = get(s, "ĐA-2027-002")
        assert p.title == "Tên mới của đơn vị" and p.status is ProposalStatus.FORWARDED


def test_export_through_the_usb_dialog_then_import(
    qtbot: QtBot, pair: Pair, centre_ui: ExchangeSection, tmp_path: Path
) -> None:
    ctx = AppContext(pair.office.db, SYSTEM)
    office_ui = ExchangeSection(ctx)
    qtbot.addWidget(office_ui)
    panel = office_ui.export_panel
    assert panel.office.isHidden() and not centre_ui.export_panel.office.isHidden()
    panel.detect_drives = lambda: []
    dialog = panel.open_dialog()
    stick = tmp_path / "USB stick"
    stick.mkdir()
    dialog.set_folder(stick)
    dialog.start()
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=30_000)
    dialog.close()
    (written,) = stick.glob("*.kcpack")
    assert panel.last_result.counts["proposals"] == 3
    assert "Lần gửi trước cho TTKC" in panel.last.text()
    # The export counted: the next incremental pack is empty.
    with pair.office.db.session() as s:
        assert export.write_pack(s, SYSTEM, tmp_path / "x.kcpack").counts["proposals"] == 0
    centre_ui.import_panel.load(written)
    qtbot.waitUntil(lambda: centre_ui.import_panel.preview is not None, timeout=20_000)
    assert _column(centre_ui, 2).count("Mới") == 6
    ctx.worker.wait()


def test_register_an_office_and_join_it(qtbot: QtBot, tmp_path: Path) -> None:
    centre = open_database(tmp_path / "c.sqlite", create=True)
    setup.init_database(centre)
    office = open_database(tmp_path / "o.sqlite", create=True)
    setup.init_database(office)
    centre_ctx, office_ctx = AppContext(centre, SYSTEM), AppContext(office, SYSTEM)
    c, o = ExchangeSection(centre_ctx), ExchangeSection(office_ctx)
    qtbot.addWidget(c)
    qtbot.addWidget(o)
    key = tmp_path / "khóa.json"
    assert c.offices_panel.register("XA-01", "UBND xã Ngọc Côn", key)
    assert json.loads(key.read_text("utf-8"))["office"]["name"] == "UBND xã Ngọc Côn"
    assert c.offices_panel.table.rowCount() == 2
    assert not c.offices_panel.register("XA-01", "Lần hai", tmp_path / "k2.json")
    assert "đã được đăng ký" in c.offices_panel.message.text()
    assert c.export_panel.office.count() == 1  # the Centre can now send to XA-01
    assert o.offices_panel.join(key)
    assert "XA-01" in o.offices_panel.role.text()
    assert "Đơn vị XA-01 gửi cho Trung tâm TTKC" in o.export_panel.role.text()
    centre.dispose()
    office.dispose()


def test_the_values_only_the_centre_sets_are_listed_before_and_after_the_import(
    qtbot: QtBot, pair: Pair, centre_ui: ExchangeSection, tmp_path: Path
) -> None:
    """A pack carrying decisions the office may not take: the preview and the import
    say how many values are left out, in words, and list them; so does the import
    log. A pack without any shows no such line nor button."""
    with pair.office.db.session() as s:
        p = get(s, "ĐA-2027-002")
        p.status, p.approved_support = ProposalStatus.APPROVED, 90_000_000
    pack = _pack(pair, tmp_path / "gói.kcpack")
    panel = centre_ui.import_panel
    panel.load(pack)
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=20_000)
    assert panel.preview is not None
    lines = panel.preview.notes
    assert len(lines) == 2
    assert f"Bỏ qua {len(lines)} giá trị chỉ Trung tâm được ghi" in panel.summary.text()
    assert panel.ignored_button.isVisibleTo(panel)
    dialog = panel.show_ignored()
    assert dialog is not None and dialog.isVisible()
    shown = dialog.text.toPlainText().splitlines()
    assert shown == lines
    assert any("«Kinh phí được duyệt» 90.000.000 đồng" in line for line in shown)
    assert any("trạng thái «Đã phê duyệt»" in line for line in shown)
    dialog.close()

    panel.apply_button.click()
    qtbot.waitUntil(lambda: panel.result is not None, timeout=20_000)
    assert "Bỏ qua 2 giá trị" in panel.summary.text() and panel.ignored_button.isVisibleTo(panel)
    log = centre_ui.log_panel
    assert log.table.rowCount() == 1
    assert log.table.item(0, 4).text().endswith(", bỏ qua 2 giá trị")
    from_log = log.show_ignored(0)
    assert from_log is not None and from_log.text.toPlainText().splitlines() == lines
    from_log.close()

    with pair.office.db.session() as s:  # the office's next pack holds no decision
        p = get(s, "ĐA-2027-002")
        p.status, p.approved_support = ProposalStatus.RECEIVED, None
        p.revision += 1
    panel.load(_pack(pair, tmp_path / "gói 2.kcpack"))
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=20_000)
    assert "Bỏ qua" not in panel.summary.text()
    assert not panel.ignored_button.isVisibleTo(panel) and panel.show_ignored() is None
