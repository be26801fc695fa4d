"""Giá trị bỏ qua: what an office's pack carried that only the Centre may set.

The import keeps the Centre's values (docs/exchange-format.md, "What an office may
send") and reports each value it left out in one line; this window lists them, for the
pack being previewed or imported («Nhận gói») and for any pack in the import log.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money


def ignored_sentence(count: int) -> str:
    """One line for a summary: how many values were left out, and where to see them."""
    return (
        f"Bỏ qua {format_money(count)} giá trị chỉ Trung tâm được ghi (giữ giá trị của "
        "Trung tâm): xem «Giá trị bỏ qua…»."
    )


class IgnoredDialog(QDialog):
    """The report lines of the values left out, read-only, one per line."""

    def __init__(self, lines: list[str], pack_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ignored_values_dialog")
        self.setWindowTitle(f"Giá trị bỏ qua — {pack_name}")
        self.resize(900, 520)
        intro = QLabel(
            f"Gói {pack_name} có {format_money(len(lines))} giá trị mà chỉ Trung tâm được ghi "
            "(kinh phí được duyệt, giải ngân, quyết định về trạng thái). Trung tâm giữ giá trị "
            "của mình; các giá trị của đơn vị dưới đây không được ghi vào cơ sở dữ liệu."
        )
        intro.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setObjectName("ignored_values")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        self.text.setPlainText("\n".join(lines))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
