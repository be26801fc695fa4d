"""Table of a programme's targets with a progress bar coloured by pace (tiến độ)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem, QWidget

from kcdesk.formatting import format_money, format_percent
from kcdesk.services.dashboard.board import PACE_LABELS, TargetProgress
from kcdesk.ui.row_table import ROW_ROLE, Column, RowTableModel
from kcdesk.ui.size_cache import SizeKeepingDelegate

# Bar colours by pace; the same meaning as the PDF's pace column.
PACE_COLOURS = {
    "done": QColor("#2e7d32"),
    "on_track": QColor("#7cb342"),
    "catalogued": QColor("#f9a825"),
    "behind": QColor("#e53935"),
    "no_plan": QColor("#90a4ae"),
    "none": QColor("#b0bec5"),
}
TARGET_ROLE = ROW_ROLE

_Index = QModelIndex | QPersistentModelIndex


def _count(value: int | None) -> str:
    return "–" if value is None else format_money(value)


def _progress(t: TargetProgress) -> str:
    return PACE_LABELS[t.pace] if t.percent is None else format_percent(t.percent * 100)


def _tooltip(t: TargetProgress) -> str:
    tip = f"{t.code}: {t.display_name}"
    if t.group:
        tip = f"{t.group}\n{tip}"
    return f"{tip}\n{PACE_LABELS[t.pace]}" + (
        "" if t.tracked else "\n(tỷ lệ, định mức hoặc chưa gắn nội dung hoạt động)"
    )


COLUMNS = (
    Column("Mã", lambda t: t.code),
    Column("Chỉ tiêu", lambda t: t.display_name),
    Column("ĐVT", lambda t: t.unit),
    # Two-line headers: the figures are short, and the room goes to the names.
    Column("Kế\nhoạch", lambda t: "" if t.planned is None else format_money(t.planned), True),
    Column("Đã phê\nduyệt", lambda t: _count(t.approved), True),
    Column("Đã thực\nhiện", lambda t: _count(t.implemented), True),
    Column("Tiến độ", _progress),
)
COL_CODE, COL_NAME, COL_UNIT, COL_PLANNED, COL_APPROVED, COL_IMPLEMENTED, COL_PROGRESS = range(7)


class TargetTableModel(RowTableModel):
    """The programme's targets (chỉ tiêu), one row each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(COLUMNS, parent, tooltip=_tooltip)

    @property
    def targets(self) -> list[TargetProgress]:
        return self.rows

    def set_targets(self, targets: list[TargetProgress]) -> None:
        self.set_rows(targets)


class ProgressDelegate(SizeKeepingDelegate):
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
