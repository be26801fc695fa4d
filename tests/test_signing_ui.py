"""Ký số in the GUI: "Ký số…" in the print preview signs through the worker with a typed
password that is cleared; Settings → Ký số keeps the images and the trusted roots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from kcdesk.models.db import Database
from kcdesk.reports.proposals.pdf import write_proposal_pdf
from kcdesk.services.proposals.save import create_proposal
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.signing import store
from kcdesk.services.signing.appearance import Look
from kcdesk.services.signing.verify import verify_pdf
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.pdf_preview import PdfPreview
from kcdesk.ui.settings.signing_panel import SigningPanel
from kcdesk.ui.signing.sign_dialog import SignDialog
from tests.proposal_factory import machine_input, make_facility
from tests.signing_support import P12_PASSWORD, make_pki, signature_png


class Screen(QWidget):
    """A screen as the app's are: it keeps its AppContext as ``ctx``."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx


@pytest.fixture
def ctx(db: Database) -> Iterator[AppContext]:
    context = AppContext(db, SYSTEM)
    yield context
    context.worker.wait()


def test_sign_from_the_preview(qtbot, ctx: AppContext, db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pki = make_pki(tmp_path / "pki")
    pdf = tmp_path / "Đề án.pdf"
    with db.session() as s:
        code = create_proposal(s, SYSTEM, machine_input(make_facility(s).uuid)).code
        write_proposal_pdf(s, code, pdf)
        store.set_image(s, SYSTEM, store.SIGNER_IMAGE, signature_png())
        store.add_trusted_root(s, SYSTEM, pki.root_pem)
    screen = Screen(ctx)
    qtbot.addWidget(screen)
    preview = PdfPreview(screen, pdf)
    qtbot.addWidget(preview)
    assert preview.sign_button.text() == "&Ký số…"
    dialog = preview.sign_dialog()
    assert isinstance(dialog, SignDialog)
    assert dialog.ctx is ctx
    assert "lấy từ Cài đặt" not in dialog.images_note.text()  # the seal is not set
    assert "Chưa đặt hình con dấu" in dialog.images_note.text()

    # A wrong password: one line, nothing written, the field cleared.
    dialog.p12_path.setText(str(pki.p12))
    dialog.secret.setText("sai")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.sign_button.isEnabled(), timeout=20_000)
    assert "sai mật khẩu" in dialog.message.text()
    assert dialog.secret.text() == ""
    assert not Path(dialog.target.text()).exists()

    dialog.secret.setText(P12_PASSWORD)
    dialog.look.setCurrentIndex(dialog.look.findData(Look.SIGNER))
    with qtbot.waitSignal(dialog.signed, timeout=20_000) as signal:
        qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    target = signal.args[0]
    assert target == tmp_path / "Đề án (đã ký).pdf"
    assert dialog.secret.text() == ""
    assert P12_PASSWORD not in dialog.message.text()
    (report,) = verify_pdf(target, [pki.root_pem])
    assert report.ok
    # The signed copy opens in a new preview.
    previews = [w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreview)]
    assert any(p.path == target for p in previews)
    for p in previews:
        p.close()
    dialog.close()


def test_settings_panel_images_and_roots(qtbot, ctx: AppContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = SigningPanel(ctx)
    qtbot.addWidget(panel)
    assert panel.previews[store.SIGNER_IMAGE].text() == "chưa đặt"
    assert panel.roots.count() == 1 and "Chưa nhập" in panel.roots.item(0).text()

    png = tmp_path / "chữ ký.png"
    png.write_bytes(signature_png())
    assert panel.set_image_file(store.SIGNER_IMAGE, png)
    assert not panel.previews[store.SIGNER_IMAGE].pixmap().isNull()
    not_png = tmp_path / "con dấu.jpg"
    not_png.write_bytes(b"\xff\xd8\xff not a png")
    assert not panel.set_image_file(store.SEAL_IMAGE, not_png)
    assert "phải là tệp PNG" in panel.message.text() and not panel.message.ok
    assert panel.previews[store.SEAL_IMAGE].text() == "chưa đặt"

    pki = make_pki(tmp_path / "pki")
    root = tmp_path / "gốc.pem"
    root.write_bytes(pki.root_pem)
    assert panel.import_root_file(root)
    assert panel.roots.count() == 1
    text = panel.roots.item(0).text()
    assert "CA Thử nghiệm kcdesk" in text and "hiệu lực đến" in text
    bad = tmp_path / "hỏng.pem"
    bad.write_bytes(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    assert not panel.import_root_file(bad)
    assert "không đọc được" in panel.message.text()
    panel.roots.setCurrentRow(0)
    assert panel.remove_selected_root()
    assert "Chưa nhập" in panel.roots.item(0).text()
    assert panel.set_image(store.SIGNER_IMAGE, None)
    assert panel.previews[store.SIGNER_IMAGE].text() == "chưa đặt"

    # The kind of signature the dialog starts with is set here too.
    assert panel.default_look.currentData() == "signer"
    assert panel.set_default_look("organisation")
    dialog = SignDialog(None, tmp_path / "x.pdf", ctx)
    qtbot.addWidget(dialog)
    assert dialog.look.currentData() is Look.ORGANISATION
    assert not panel.set_default_look("rực rỡ")
    assert panel.message.text() == "Kiểu chữ ký không hợp lệ."
