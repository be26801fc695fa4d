"""Xã, phường chưa khớp danh mục: records whose commune was typed before the official
list and could not be matched for certain. The user picks the unit for each one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.communes import reconcile
from kcdesk.services.core.errors import UserError
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.commune_picker import CommunePicker, centre_province
from kcdesk.ui.screen_fit import fit_window

_ROLE = Qt.ItemDataRole.UserRole


def unmatched_count(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        return reconcile.count_unmatched(session)


class CommuneFixDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("commune_fix")
        self.setWindowTitle("Xã, phường chưa khớp danh mục")
        fit_window(self, 760, 480)
        intro = QLabel(
            "Các bản ghi dưới đây ghi xã, phường bằng chữ gõ tay từ trước, không khớp chắc "
            "chắn với danh mục đơn vị hành chính từ 01/7/2025. Chọn từng dòng, gõ tên xã, "
            "phường đúng rồi bấm «Ghi»."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("unmatched")
        # A district-era commune split among several new ones: the user picks one of them.
        self.table.setHorizontalHeaderLabels(["Loại", "Bản ghi", "Đang ghi", "Cần người dùng chọn"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setTabKeyNavigation(False)
        self.picker = CommunePicker(centre_province(ctx.setting("org.province")))
        self.picker.setObjectName("picker")
        self.save_button = QPushButton("&Ghi")
        self.save_button.setObjectName("save")
        self.save_button.clicked.connect(self.assign)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        close = QPushButton("Đó&ng")
        close.clicked.connect(self.close)
        row = QHBoxLayout()
        label = QLabel("&Xã, phường đúng:")
        label.setBuddy(self.picker)
        row.addWidget(label)
        row.addWidget(self.picker, 1)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.reload()

    def reload(self) -> None:
        with self.ctx.db.session() as session:
            reconcile.match_all(session)
            rows = reconcile.unmatched(session)
        self.table.setRowCount(len(rows))
        for r, item in enumerate(rows):
            choices = "; ".join(f"{name} (mã {code})" for code, name in item.candidates)
            texts = (item.kind_label, item.record, item.commune_text, choices)
            for c, text in enumerate(texts):
                cell = QTableWidgetItem(text)
                cell.setData(_ROLE, (item.kind, item.id))
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)
        else:
            self.message.setText("Mọi xã, phường đã khớp danh mục.")
        self.save_button.setEnabled(bool(rows))

    def assign(self) -> None:
        cell = self.table.item(self.table.currentRow(), 0)
        if cell is None:
            self.message.setText("Hãy chọn một dòng trong bảng.")
            return
        if not self.picker.code():
            self.message.setText("Hãy chọn xã, phường trong danh mục (gõ vài chữ rồi chọn).")
            self.picker.setFocus()
            return
        kind, record_id = cell.data(_ROLE)
        try:
            with self.ctx.db.session() as session:
                name = reconcile.assign(
                    session, self.ctx.actor, kind, record_id, self.picker.code()
                )
        except UserError as exc:
            self.message.setText(str(exc))
            return
        record = self.table.item(self.table.currentRow(), 1)
        done = f"Đã ghi {name} cho {cell.text().lower()} «{record.text() if record else ''}»."
        self.picker.set_value(None, "")
        self.ctx.notify(DataKind.PROPOSAL)
        self.reload()
        self.message.setText(done)
