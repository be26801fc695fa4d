"""Tables whose long texts wrap in rows as tall as they need (issue 20 §4): a clerk
reads a whole target or measure name at 1366×768 instead of a name ending in "…"."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView


def wrap_rows(table: QTableView, column: int | None = None) -> None:
    """Wrap texts, size rows to them, and size them again when ``column`` (any column
    when None) changes width: Qt sizes rows to their contents only once."""
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    timer = QTimer(table)
    timer.setSingleShot(True)
    timer.setInterval(0)  # once per burst of resizes, after the layout settles
    timer.timeout.connect(table.resizeRowsToContents)
    table.horizontalHeader().sectionResized.connect(
        lambda col, _old, _new: timer.start() if column is None or col == column else None
    )
