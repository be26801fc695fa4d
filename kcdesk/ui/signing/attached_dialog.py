"""Signed documents of a catalogue or an amendment: attach a signed PDF (e.g. the
chairman's signed decision) and see, for each signature, who signed, the certificate's
dates, the signing time, whether the document changed after signing and whether the
chain leads to a trusted root (verified again every time the list is shown)."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk import paths
from kcdesk.services.core.errors import UserError
from kcdesk.services.security import permissions
from kcdesk.services.signing import attached
from kcdesk.services.signing.attached import AttachedView, Owner
from kcdesk.services.signing.certs import VIETNAM
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.worker import Job

_EDIT = {
    attached.CATALOGUE: permissions.CATALOGUE_EDIT,
    attached.AMENDMENT: permissions.AMENDMENT_EDIT,
}


class SignedDocumentsDialog(QDialog):
    def __init__(self, ctx: AppContext, owner: Owner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.owner = ctx, owner
        self.setObjectName("signed_documents")
        self.setWindowTitle(f"Văn bản đã ký số — {owner.label}")
        self.items: list[AttachedView] = []
        self.list = QListWidget()
        self.list.setObjectName("signed_list")
        self.details = QPlainTextEdit()
        self.details.setObjectName("signed_details")
        self.details.setReadOnly(True)
        self.message = QLabel("")
        self.message.setObjectName("signed_message")
        self.message.setWordWrap(True)
        self.attach_button = QPushButton("Đính kèm văn bản đã ký số…")
        self.attach_button.setObjectName("attach_signed")
        self.attach_button.setEnabled(permissions.allowed(ctx.actor, _EDIT[owner.kind]))
        self.open_button = QPushButton("Mở")
        close = QPushButton("Đóng")
        self.attach_button.clicked.connect(self._browse)
        self.open_button.clicked.connect(self.open_selected)
        close.clicked.connect(self.close)
        self.list.currentRowChanged.connect(self._show_details)
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.details, 2)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(720, 560)
        self.loaded = False
        self.reload()

    def reload(self) -> None:
        ctx, owner = self.ctx, self.owner

        def work(_job: Job) -> list[AttachedView]:
            with ctx.db.session() as session:
                return attached.list_attached(session, owner)

        self.loaded = False
        ctx.worker.run(work, self._show, self._failed)

    def _show(self, items: list[AttachedView]) -> None:
        self.items = items
        self.list.clear()
        for item in items:
            # Stored in UTC; shown on Vietnam's calendar.
            when = item.attached_at.replace(tzinfo=UTC).astimezone(VIETNAM).strftime("%d/%m/%Y")
            mark = "✔" if item.ok else "✖"
            QListWidgetItem(f"{mark} {item.file_name} — {when} — {item.summary()}", self.list)
        if not items:
            self.details.setPlainText("Chưa có văn bản đã ký số nào.")
        else:
            self.list.setCurrentRow(len(items) - 1)
        self.loaded = True

    def _show_details(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        lines = [f"{item.file_name} ({item.file_size:,} byte)".replace(",", ".")]
        if item.problem:
            lines.append(item.problem)
        for n, report in enumerate(item.reports, 1):
            lines.append("")
            lines.append(f"Chữ ký {n}:")
            lines.extend(f"  {line}" for line in report.lines())
        self.details.setPlainText("\n".join(lines))

    def _failed(self, exc: BaseException) -> None:
        self.loaded = True
        self.message.setStyleSheet("color:#b00020;")
        self.message.setText(str(exc) if isinstance(exc, UserError) else "Không thực hiện được.")

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn văn bản đã ký số", "", "Tệp PDF (*.pdf)")
        if name:
            self.attach_file(Path(name))

    def attach_file(self, path: Path) -> None:
        ctx, owner = self.ctx, self.owner

        def work(_job: Job) -> AttachedView:
            with ctx.db.session() as session:
                return attached.attach(session, ctx.actor, owner, path)

        def done(view: AttachedView) -> None:
            self.message.setStyleSheet("color:#1b5e20;")
            self.message.setText(f"Đã đính kèm {view.file_name}: {view.summary()}")
            self.reload()

        self.loaded = False
        ctx.worker.run(work, done, self._failed)

    def open_selected(self) -> QDialog | None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.items):
            return None
        from kcdesk.services.proposals import attachments
        from kcdesk.ui.pdf_preview import show_pdf

        item = self.items[row]
        with self.ctx.db.session() as session:
            source = attached.stored_path(session, item.uuid)
        folder = paths.data_dir() / "văn bản ký số"
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / item.file_name
        attachments.export_to(source.stem, copy)
        return show_pdf(self, copy)
