"""Catalogue screen: grouped list, approval, USB export dialog and the import wizard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kcdesk.formatting import format_money
from kcdesk.models import Proposal
from kcdesk.models.catalogue import CatalogueState
from kcdesk.models.db import Database
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.usb_export import CHECKSUM_FILE
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.catalogue.import_wizard import ImportWizard
from kcdesk.ui.catalogue.view import CataloguePanel
from kcdesk.ui.sections import SECTIONS, create_section
from kcdesk.ui.usb_export_dialog import UsbExportDialog
from tests.test_catalogue_service import add_proposal
from tests.test_xlsx_import import messy_two_row


@pytest.fixture
def ctx(db: Database) -> Iterator[AppContext]:
    with db.session() as s:
        add_proposal(s, 1, activity="may_moc_thiet_bi", support=300_000_000)
        add_proposal(s, 2, activity="dao_tao_nghe", total=200_000_000, support=150_000_000)
        add_proposal(s, 3, activity="may_moc_thiet_bi", support=250_000_000)
    context = AppContext(db, SYSTEM)
    yield context
    context.worker.wait()


@pytest.fixture
def panel(qtbot, ctx: AppContext) -> CataloguePanel:
    widget = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.current is not None)
    return widget


def test_section_is_registered(qtbot, ctx: AppContext) -> None:
    info = next(s for s in SECTIONS if s.key == "catalogue")
    widget = create_section(info, ctx)
    qtbot.addWidget(widget)
    assert isinstance(widget, CataloguePanel)
    ctx.worker.wait()
    qtbot.waitUntil(lambda: widget.current is not None)


def test_grouped_rows_and_totals(panel: CataloguePanel) -> None:
    # 2 groups + 3 entries + the total row.
    assert panel.model.rowCount() == 6
    first = [panel.model.index(0, c).data() for c in range(2)]
    assert first[0] == "I" and "đào tạo nghề" in first[1].lower()
    assert panel.model.index(1, 0).data() == "1"
    assert panel.model.index(5, 1).data() == "TỔNG CỘNG"
    assert format_money(700_000_000) in panel.totals_label.text()
    assert "Dự thảo" in panel.state_label.text()
    assert panel.submit_button.isEnabled() and not panel.compare_button.isEnabled()


def test_approve_in_the_gui_then_compare(panel: CataloguePanel, ctx: AppContext, qtbot) -> None:
    panel.submit_button.click()
    panel.dialog.number.setText("15/TTr-TTKC")
    panel.dialog.accept()
    qtbot.waitUntil(lambda: "Đã trình" in panel.state_label.text())
    panel.approve_button.click()
    panel.dialog.number.setText("1234/QĐ-UBND")
    panel.dialog.accept()
    qtbot.waitUntil(lambda: "Đã phê duyệt" in panel.state_label.text())
    assert "1234/QĐ-UBND" in panel.state_label.text()
    with ctx.db.session() as s:
        cat = catalogue.get_catalogue(s, 2027, "dia_phuong")
        assert cat is not None and cat.state is CatalogueState.APPROVED
        assert [v.number for v in cat.versions] == [1, 2]
    assert panel.compare_button.isEnabled() and not panel.approve_button.isEnabled()
    panel.compare_button.click()
    assert "giống nhau" in panel.dialog.summary.text()
    panel.dialog.close()


def test_export_to_a_folder_says_safe_to_remove(
    panel: CataloguePanel,
    qtbot,
    tmp_path: Path,
) -> None:
    stick = tmp_path / "USB của tôi"
    stick.mkdir()
    panel.export_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, UsbExportDialog)
    dialog.set_folder(stick)
    with qtbot.waitSignal(dialog.export_finished, timeout=60_000):
        dialog.write_button.click()
    assert "rút USB an toàn" in dialog.status.text() and "Eject" in dialog.status.text()
    names = sorted(p.name for p in stick.iterdir())
    assert CHECKSUM_FILE in names
    assert any(n.endswith(".xlsx") for n in names) and any(n.startswith("Tờ trình") for n in names)
    # XLSX, PDF, the Centre's tờ trình, the Department's copy and tờ trình (issue 17 §2),
    # and the Word copies of the catalogue and the Centre's tờ trình (issue 22).
    assert len(names) == 8
    docx = [n for n in names if n.endswith(".docx")]
    assert len(docx) == 2 and any(n.startswith("Tờ trình") for n in docx)
    from docx import Document

    assert "TỜ TRÌNH" in " ".join(
        p.text
        for p in Document(str(stick / next(n for n in docx if n.startswith("Tờ trình")))).paragraphs
    )
    dialog.close()


def test_export_dialog_failure_leaves_nothing(qtbot, ctx: AppContext, tmp_path: Path) -> None:
    def good(path: Path) -> None:
        path.write_bytes(b"ok")

    def broken(path: Path) -> None:
        raise OSError(28, "No space left on device")

    dialog = UsbExportDialog(ctx, [("a.txt", good), ("b.txt", broken)], detect=lambda: [])
    qtbot.addWidget(dialog)
    # Detection runs off the UI thread now (issue 26): wait for its answer.
    qtbot.waitUntil(lambda: "Chưa thấy USB" in dialog.status.text(), timeout=10_000)
    assert not dialog.write_button.isEnabled()
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog.set_folder(stick)
    assert dialog.write_button.isEnabled()
    with qtbot.waitSignal(dialog.export_finished, timeout=30_000):
        dialog.write_button.click()
    assert "Chưa ghi được" in dialog.status.text() and "đầy" in dialog.status.text()
    assert list(stick.iterdir()) == []


def test_import_wizard_end_to_end(
    panel: CataloguePanel,
    ctx: AppContext,
    qtbot,
    tmp_path: Path,
) -> None:
    source = tmp_path / "src"
    source.mkdir()
    path = messy_two_row(source)
    panel.import_button.click()
    wizard = panel.dialog
    assert isinstance(wizard, ImportWizard)
    wizard.file_page.path.setText(str(path))
    assert wizard.file_page.sheet.currentText() == "DM 2026"
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.mapping_page.combos["title"].currentData() == 1
    assert wizard.mapping_page.combos["support"].currentData() == 8
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    table = wizard.preview_page.table
    assert table.rowCount() == 4
    errors = {table.item(r, 0).text(): table.item(r, 6).text() for r in range(table.rowCount())}
    assert errors["8"] == "" and "thiếu tên đề án" in errors["11"]
    assert "2 dòng hợp lệ" in wizard.preview_page.summary.text()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.result_page.done, timeout=30_000)
    assert "Đã tạo 2 đề án" in wizard.result_page.message.text()
    with ctx.db.session() as s:
        assert s.scalar(select(func.count(Proposal.id)).where(Proposal.plan_year == 2026)) == 2
    wizard.close()


def test_department_letter_recorded_on_the_screen(
    panel: CataloguePanel, ctx: AppContext, qtbot
) -> None:
    from PySide6.QtWidgets import QMessageBox

    assert not panel.department_button.isEnabled()  # a draft has no version yet
    panel.submit_button.click()
    panel.dialog.accept()
    qtbot.waitUntil(lambda: "Đã trình" in panel.state_label.text())
    assert panel.department_button.isEnabled()
    panel.department_button.click()
    panel.dialog.number.setText("12/QĐ")  # malformed: one line, nothing stored
    panel.dialog.accept()
    box = panel.findChild(QMessageBox, "error_box")
    assert box is not None and "không đúng dạng" in box.text() and "\n" not in box.text()
    box.close()
    panel.department_button.click()
    panel.dialog.number.setText("12")
    panel.dialog.accept()
    qtbot.waitUntil(lambda: "Tờ trình của Sở số 12/TTr-SCT" in panel.state_label.text())
    with ctx.db.session() as s:
        cat = catalogue.get_catalogue(s, 2027, "dia_phuong")
        assert cat is not None and cat.versions[-1].department_letter_no == "12/TTr-SCT"


def test_usb_export_of_a_submitted_catalogue_prints_the_audit_check_code(
    panel: CataloguePanel, ctx: AppContext, qtbot, tmp_path: Path
) -> None:
    """The GUI's copy carries the "Mã kiểm tra nhật ký" line as ``catalogue export``'s."""
    from kcdesk.services.core import audit
    from tests.pdftext import pdf_text

    def export(folder: Path) -> dict[str, str]:
        folder.mkdir()
        panel.export_button.click()
        dialog = panel.dialog
        dialog.set_folder(folder)
        with qtbot.waitSignal(dialog.export_finished, timeout=60_000):
            dialog.write_button.click()
        dialog.close()
        return {
            p.name: " ".join(pdf_text(p).split()) for p in folder.iterdir() if p.suffix == ".pdf"
        }

    draft = export(tmp_path / "dự thảo")
    assert draft and not any("Mã kiểm tra nhật ký" in text for text in draft.values())
    panel.submit_button.click()
    panel.dialog.accept()
    qtbot.waitUntil(lambda: "Đã trình" in panel.state_label.text())
    with ctx.db.session() as s:
        code = audit.check_code(audit.chain_head(s))
    assert code is not None
    submitted = export(tmp_path / "đã trình")
    copies = [n for n in submitted if not n.startswith(("Tờ trình", "Sở - Tờ trình"))]
    assert len(copies) == 2  # the catalogue and the Department's copy
    for name in copies:
        assert f"Mã kiểm tra nhật ký: {code}" in submitted[name], name
