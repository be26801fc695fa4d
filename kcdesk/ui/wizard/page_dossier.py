"""Page 7 — Hồ sơ kèm theo: the activity's checklist, received / missing, attached scans.

Files are copied into the content-addressed store (hash checked) with the size
limit of setting ``attachment.max_mb``; any type a scanner produces is accepted.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kcdesk.formatting.units import format_size
from kcdesk.services.core.errors import UserError
from kcdesk.services.proposals import attachments
from kcdesk.services.proposals.draft import DocumentInput, ProposalInput, documents_for
from kcdesk.services.proposals.validation import Problem
from kcdesk.ui import file_dialogs
from kcdesk.ui.wizard.common import ERROR_STYLE, WizardHost, WizardPageBase

COLUMNS = ("Giấy tờ", "Bắt buộc", "Đã nhận", "Tệp đính kèm")


class DossierPage(WizardPageBase):
    key = "dossier"

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        self.documents: list[DocumentInput] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("documents")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setColumnWidth(0, 380)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(self._item_changed)
        self.attach_button = QPushButton("Đính &kèm tệp…")
        self.detach_button = QPushButton("&Bỏ tệp")
        self.attach_button.clicked.connect(self.choose_file)
        self.detach_button.clicked.connect(self.detach)
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.detach_button)
        buttons.addStretch(1)
        self.error = QLabel()
        self.error.setObjectName("error_documents")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        self.field_widgets["documents"] = self.table
        self.error_labels["documents"] = self.error

    def max_bytes(self) -> int:
        try:
            megabytes = int(self.wiz.ctx.setting("attachment.max_mb"))
        except (TypeError, ValueError):
            megabytes = 25
        return megabytes * 1_048_576

    def refresh(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.documents))
        for row, doc in enumerate(self.documents):
            label = QTableWidgetItem(doc.label)
            label.setToolTip(doc.label)
            required = QTableWidgetItem("bắt buộc" if doc.required else "")
            received = QTableWidgetItem()
            received.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
            )
            received.setCheckState(
                Qt.CheckState.Checked if doc.received else Qt.CheckState.Unchecked
            )
            received.setText("đã nhận" if doc.received else "còn thiếu")
            size = f" ({format_size(doc.file_size)})" if doc.file_size else ""
            file_item = QTableWidgetItem(f"{doc.file_name}{size}" if doc.file_hash else "")
            for column, item in enumerate((label, required, received, file_item)):
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        missing = [d for d in self.documents if d.required and not d.received]
        self.note.setText(
            f"Còn thiếu {len(missing)} giấy tờ bắt buộc (cảnh báo, không chặn việc lưu)."
            if missing
            else "Đủ giấy tờ bắt buộc."
        )

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 2 or not 0 <= item.row() < len(self.documents):
            return
        self.documents[item.row()].received = item.checkState() == Qt.CheckState.Checked
        self.refresh()
        self.changed.emit()

    def choose_file(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            self.error.setText("Hãy chọn một dòng giấy tờ trước khi đính kèm tệp.")
            self.error.show()
            return
        dialog = QFileDialog(self, "Chọn tệp đính kèm", str(file_dialogs.start_folder()))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(file_dialogs.remember)
        dialog.fileSelected.connect(lambda name: self.attach(row, Path(name)))
        dialog.open()

    def attach(self, row: int, path: Path) -> bool:
        """Copy ``path`` into the store for document ``row``; False with a message if refused."""
        try:
            stored = attachments.store_file(path, max_bytes=self.max_bytes(), db=self.wiz.ctx.db)
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        doc = self.documents[row]
        doc.file_hash, doc.file_name, doc.file_size = stored.hash, stored.name, stored.size
        doc.received = True
        self.error.hide()
        self.refresh()
        self.changed.emit()
        return True

    def detach(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.documents):
            doc = self.documents[row]
            doc.file_hash, doc.file_name, doc.file_size = None, "", None
            self.refresh()
            self.changed.emit()

    def load(self, data: ProposalInput) -> None:
        self.documents = documents_for(self.wiz.activities.get(data.activity), data.documents)
        self.refresh()
        if self.documents:
            self.table.setCurrentCell(0, 0)

    def store(self, data: ProposalInput) -> list[Problem]:
        data.documents = list(self.documents)
        return []

    def show_problems(self, problems: list[Problem]) -> None:
        messages = [p.message for p in problems if p.is_error and p.field.startswith("documents")]
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))

    def focus_field(self, field_key: str) -> None:
        self.table.setFocus()
        if field_key.startswith("documents["):
            self.table.setCurrentCell(int(field_key[10:].split("]")[0]), 0)
