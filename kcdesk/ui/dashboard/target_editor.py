"""Dialog to edit one target (sửa chỉ tiêu): name, unit, quantity, activities, measure."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models import Target
from kcdesk.services.forms.load import load_activities, load_measures
from kcdesk.services.programmes.file import KNOWN_MEASURES
from kcdesk.ui.screen_fit import fit_window


class TargetEditor(QDialog):
    """Edits a copy of the target's fields; ``changes()`` gives what to save."""

    def __init__(self, parent: QWidget | None, programme_code: str, target: Target) -> None:
        super().__init__(parent)
        self.setObjectName("target_editor")
        self.setWindowTitle(f"Sửa chỉ tiêu {target.code} — {programme_code}")
        fit_window(self, 640, 560)
        self.original: dict[str, Any] = {
            "name": target.name,
            "unit": target.unit,
            "quantity": target.quantity,
            "activities": list(target.activities or []),
            "measure": target.measure,
            "note": target.note,
        }
        self.name = QPlainTextEdit(target.name)
        self.name.setMaximumHeight(70)
        self.unit = QLineEdit(target.unit)
        self.quantity = QLineEdit("" if target.quantity is None else str(target.quantity))
        self.quantity.setPlaceholderText("để trống nếu quyết định không nêu số lượng")
        self.measure = QComboBox()
        measures = load_measures()
        for code in sorted(
            KNOWN_MEASURES, key=lambda c: list(measures).index(c) if c in measures else 99
        ):
            self.measure.addItem(measures[code].label if code in measures else code, code)
        self.measure.setCurrentIndex(max(0, self.measure.findData(target.measure)))
        self.activities = QListWidget()
        self.activities.setObjectName("target_activities")
        chosen = set(target.activities or [])
        for code, spec in load_activities().items():
            item = QListWidgetItem(spec.short_label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked)
            self.activities.addItem(item)
        self.note = QLineEdit(target.note)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Tên chỉ tiêu", self.name)
        form.addRow("Đơn vị tính", self.unit)
        form.addRow("Số lượng", self.quantity)
        form.addRow("Đếm theo", self.measure)
        form.addRow("Nội dung hoạt động", self.activities)
        form.addRow("Ghi chú", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        text = self.quantity.text().strip().replace(".", "")
        quantity: Any = int(text) if text.isdigit() else (text or None)
        activities = [
            self.activities.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.activities.count())
            if self.activities.item(i).checkState() == Qt.CheckState.Checked
        ]
        return {
            "name": self.name.toPlainText().strip(),
            "unit": self.unit.text().strip(),
            "quantity": quantity,
            "activities": activities,
            "measure": self.measure.currentData(),
            "note": self.note.text().strip(),
        }

    def changes(self) -> dict[str, Any]:
        """Only the fields the user changed (the audit event then names just those)."""
        return {k: v for k, v in self.values().items() if v != self.original.get(k)}
