"""Table of a programme's targets with a progress bar coloured by pace (tiến độ)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from kcdesk.formatting import format_money, format_percent
from kcdesk.services.dashboard.board import PACE_LABELS, TargetProgress

COLUMNS = ("Mã", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Đã phê duyệt", "Đã thực hiện", "Tiến độ")
COL_CODE, COL_NAME, COL_UNIT, COL_PLANNED, COL_APPROVED, COL_IMPLEMENTED, COL_PROGRESS = range(7)

# Bar colours by pace; the same meaning as the PDF's pace column.
PACE_COLOURS = {
    "done": QColor("#2e7d32"),
    "on_track": QColor("#7cb342"),
    "catalogued": QColor("#f9a825"),
    "behind": QColor("#e53935"),
    "no_plan": QColor("#90a4ae"),
    "none": QColor("#b0bec5"),
}
# Role carrying the TargetProgress of a row (for the delegate and for clicks).
TARGET_ROLE = int(Qt.ItemDataRole.UserRole) + 1

_Index = QModelIndex | QPersistentModelIndex


def _count(value: int | None) -> str:
    return "–" if value is None else format_money(value)


class TargetTableModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.targets: list[TargetProgress] = []

    def set_targets(self, targets: list[TargetProgress]) -> None:
        self.beginResetModel()
        self.targets = list(targets)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.targets)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit values only: falling through to super() corrupts None (DESIGN §11).
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.targets):
            return None
        t = self.targets[index.row()]
        col = index.column()
        if role == TARGET_ROLE:
            return t
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(t, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{t.code}: {t.display_name}"
            if t.group:
                tip = f"{t.group}\n{tip}"
            return f"{tip}\n{PACE_LABELS[t.pace]}" + (
                "" if t.tracked else "\n(tỷ lệ, định mức hoặc chưa gắn nội dung hoạt động)"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            COL_PLANNED,
            COL_APPROVED,
            COL_IMPLEMENTED,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(t: TargetProgress, col: int) -> str:
        if col == COL_CODE:
            return t.code
        if col == COL_NAME:
            return t.display_name
        if col == COL_UNIT:
            return t.unit
        if col == COL_PLANNED:
            return "" if t.planned is None else format_money(t.planned)
        if col == COL_APPROVED:
            return _count(t.approved)
        if col == COL_IMPLEMENTED:
            return _count(t.implemented)
        if col == COL_PROGRESS:
            share = t.percent
            return PACE_LABELS[t.pace] if share is None else format_percent(share * 100)
        return ""


class ProgressDelegate(QStyledItemDelegate):
    """Draws the implemented share as a bar; a thin mark shows the approved share."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        target = index.data(TARGET_ROLE)
        if not isinstance(target, TargetProgress) or target.percent is None:
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect.adjusted(3, 4, -3, -4)
        painter.save()
        painter.fillRect(rect, QColor("#eceff1"))
        # A stripe in the pace colour stays visible even when nothing is done yet.
        painter.fillRect(
            QRect(rect.left(), rect.top(), 4, rect.height()), PACE_COLOURS[target.pace]
        )
        share = min(1.0, max(0.0, target.percent))
        filled = QRect(rect.left(), rect.top(), int(rect.width() * share), rect.height())
        painter.fillRect(filled, PACE_COLOURS[target.pace])
        approved = target.approved_percent
        if approved is not None:
            x = rect.left() + int(rect.width() * min(1.0, approved))
            painter.setPen(QColor("#37474f"))
            painter.drawLine(x, rect.top(), x, rect.bottom())
        painter.setPen(QColor("#000000"))
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignCenter), format_percent(target.percent * 100)
        )
        painter.restore()
