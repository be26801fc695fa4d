"""A signed PDF (the chairman's signed decision) attached to a catalogue or an amendment,
verified each time it is shown; unsigned or broken files are refused in one line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kcdesk.models import AuditEvent, ProposalStatus
from kcdesk.models.db import Database
from kcdesk.services.amendments import record as amendments
from kcdesk.services.proposals import attachments
from kcdesk.services.security.actor import SYSTEM
from kcdesk.services.signing import attached, store
from kcdesk.services.signing.appearance import Look
from kcdesk.services.signing.attached import Owner
from kcdesk.services.signing.credentials import P12Key, SigningError
from kcdesk.services.signing.sign import sign_pdf
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.catalogue.view import CataloguePanel
from kcdesk.ui.register.proposal_view import ProposalView
from kcdesk.ui.signing.attached_dialog import SignedDocumentsDialog
from tests.register_helpers import STAFF, facility, proposal
from tests.signing_support import P12_PASSWORD, SigningPki, make_pki


@pytest.fixture
def pki(tmp_path: Path) -> SigningPki:
    return make_pki(tmp_path / "pki")


def _unsigned_pdf(tmp_path: Path) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "Quyết định.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(100, 700, "QUYET DINH phe duyet danh muc")
    canvas.save()
    return path


@pytest.fixture
def decision(tmp_path: Path, pki: SigningPki) -> Path:
    """The chairman's decision, signed."""
    target = tmp_path / "Quyết định (đã ký).pdf"
    sign_pdf(_unsigned_pdf(tmp_path), target, P12Key(pki.p12, P12_PASSWORD), look=Look.SIGNER)
    return target


def test_attach_to_catalogue_and_verify_again_each_time(
    db: Database, pki: SigningPki, decision: Path, tmp_path: Path
) -> None:
    owner = Owner.catalogue(2027, "dia_phuong")
    with db.session() as s:
        view = attached.attach(s, SYSTEM, owner, decision)
        assert view.reports and not view.ok  # no trusted root imported yet
        assert "gốc tin cậy" in view.summary()
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "signed_document")).one()
        assert "Quyết định (đã ký).pdf" in event.entity_label
    with db.session() as s:
        store.add_trusted_root(s, SYSTEM, pki.root_pem)
    with db.session() as s:
        (item,) = attached.list_attached(s, owner)
        assert item.ok and item.file_name == "Quyết định (đã ký).pdf"
        (report,) = item.reports
        assert report.signer == "Nguyễn Văn An" and report.signing_time is not None
        assert attached.list_attached(s, Owner.catalogue(2028, "dia_phuong")) == []
        stored = attached.stored_path(s, item.uuid)
    # A stored file damaged on disk is reported, not hidden.
    stored.chmod(0o644)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0x01
    stored.write_bytes(bytes(data))
    with db.session() as s:
        (item,) = attached.list_attached(s, owner)
        assert not item.ok and "bị mất hoặc hỏng" in item.summary()


def test_unsigned_and_broken_files_are_refused(db: Database, tmp_path: Path) -> None:
    owner = Owner.catalogue(2027, "dia_phuong")
    junk = tmp_path / "rác.pdf"
    junk.write_bytes(b"not a pdf at all")
    with db.session() as s:
        with pytest.raises(SigningError, match="không có chữ ký số"):
            attached.attach(s, SYSTEM, owner, _unsigned_pdf(tmp_path))
        with pytest.raises(SigningError, match="không phải tệp PDF"):
            attached.attach(s, SYSTEM, owner, junk)
    with db.session() as s:
        assert attached.list_attached(s, owner) == []


@pytest.fixture
def ctx(db: Database) -> Iterator[AppContext]:
    context = AppContext(db, SYSTEM)
    yield context
    context.worker.wait()


def test_catalogue_panel_attaches_and_shows_verification(  # type: ignore[no-untyped-def]
    qtbot, ctx: AppContext, db: Database, pki: SigningPki, decision: Path, tmp_path: Path
) -> None:
    with db.session() as s:
        store.add_trusted_root(s, SYSTEM, pki.root_pem)
    panel = CataloguePanel(ctx, year=2027)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.current is not None)
    panel.signed_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, SignedDocumentsDialog)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert "Chưa có văn bản" in dialog.details.toPlainText()

    dialog.attach_file(tmp_path / "không có.pdf")
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.message.text() == "Không tìm thấy tệp không có.pdf."
    assert dialog.list.count() == 0

    dialog.attach_file(decision)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.list.count() == 1, timeout=20_000)
    assert dialog.list.item(0).text().startswith("✔ Quyết định (đã ký).pdf")
    details = dialog.details.toPlainText()
    for expected in (
        "Người ký: Nguyễn Văn An",
        "Cơ quan, tổ chức: Trung tâm Khuyến công Cao Bằng",
        "Chứng thư số có hiệu lực: từ ",
        "Thời gian ký: ",
        "Thay đổi sau khi ký: không",
        "Chuỗi chứng thư đến gốc tin cậy: có",
    ):
        assert expected in details
    preview = dialog.open_selected()
    assert preview is not None and preview.document.pageCount() == 1  # type: ignore[attr-defined]
    preview.close()
    with db.session() as s:
        (item,) = attached.list_attached(s, Owner.catalogue(2027, "dia_phuong"))
        stored = attached.stored_path(s, item.uuid)
    assert attachments.verify(stored.stem)  # kept in the attachment store by its SHA-256


def test_amendment_signed_documents_from_the_proposal_view(  # type: ignore[no-untyped-def]
    qtbot, ctx: AppContext, db: Database, decision: Path
) -> None:
    with db.session() as s:
        f = facility(s, "HTX Miến dong Bình An", tax_code="4800000111")
        p = proposal(s, "ĐA-2027-001", status=ProposalStatus.IMPLEMENTING, facilities=[f])
        amendments.propose(
            s, STAFF, p, new_values={"location": "Xã Bế Triều"}, reason="Chuyển xưởng"
        )
    view = ProposalView(ctx, "ĐA-2027-001")
    qtbot.addWidget(view)
    assert view.signed_button.isEnabled()
    dialog = view.open_signed_documents()
    assert isinstance(dialog, SignedDocumentsDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert "điều chỉnh lần 1 của đề án ĐA-2027-001" in dialog.windowTitle()
    dialog.attach_file(decision)
    qtbot.waitUntil(lambda: dialog.loaded and dialog.list.count() == 1, timeout=20_000)
    with db.session() as s:
        a = s.scalars(select(amendments.Amendment)).one()
        (item,) = attached.list_attached(s, Owner.amendment(a.uuid, ""))
        assert item.reports[0].intact
    dialog.close()


def test_word_copy_from_the_proposal_view(  # type: ignore[no-untyped-def]
    qtbot, ctx: AppContext, db: Database, tmp_path: Path
) -> None:
    from docx import Document

    with db.session() as s:
        proposal(s, "ĐA-2027-009", status=ProposalStatus.SUBMITTED)
    view = ProposalView(ctx, "ĐA-2027-009")
    qtbot.addWidget(view)
    target = tmp_path / "Đề án 9.docx"
    with qtbot.waitSignal(view.word_saved, timeout=20_000):
        view.save_word_copy(target)
    text = " ".join(p.text for p in Document(str(target)).paragraphs)
    assert "ĐỀ ÁN KHUYẾN CÔNG" in text and "ĐA-2027-009" in text
