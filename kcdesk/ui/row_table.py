"""One read-only table model described by its columns (bảng chỉ đọc theo cột).

The dashboard's targets, its drill-down list and the implementation list are all "a
list of plain rows, one column = one way of turning a row into text". Each describes
its columns with :class:`Column`; :class:`RowTableModel` does the Qt part once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# The role carrying a row's own object (for delegates and clicks).
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
# The roles a cell answers. A view asks a cell for a dozen roles each time it sizes
# or paints it (fonts, colours, check states…): the others are answered None at once.
ANSWERED_ROLES = frozenset(
    {
        _DISPLAY,
        int(Qt.ItemDataRole.TextAlignmentRole),
        int(Qt.ItemDataRole.ToolTipRole),
        int(Qt.ItemDataRole.ForegroundRole),
        ROW_ROLE,
    }
)


@dataclass(frozen=True)
class Column:
    """A column: its header and how a row becomes the cell's text."""

    title: str
    text: Callable[[Any], str]
    numeric: bool = False  # right-aligned, as figures are in every table of the app
    foreground: Callable[[Any], QColor | None] | None = None


class RowTableModel(QAbstractTableModel):
    """Rows (any objects) shown through ``columns``; ``tooltip`` gives a row's tooltip."""

    def __init__(
        self,
        columns: Sequence[Column],
        parent: QWidget | None = None,
        *,
        tooltip: Callable[[Any], str] | None = None,
        rows: Sequence[Any] = (),
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Any] = list(rows)
        self._tooltip = tooltip
        # Each cell's text, made once per set of rows: sizing columns to their contents
        # and rows to their wrapped names asks each cell several times (issue 24).
        self._texts: dict[tuple[int, int], str] = {}

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._texts.clear()
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit values only: falling through to super() corrupts None on PySide6 6.12.0
        # (docs/architecture.md#known-traps-of-the-stack).
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return str(section + 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED_ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self.rows):
            return None
        if role == _DISPLAY:
            key = (row, column)
            text = self._texts.get(key)
            if text is None:
                text = self._texts[key] = self.cell(self.rows[row], column, role)
            return text
        return self.cell(self.rows[row], column, role)

    def cell(self, row: Any, column_number: int, role: int) -> Any:
        """What ``data`` answers for ``row`` (a paged subclass finds the row itself)."""
        column = self.columns[column_number]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else None
        if role == Qt.ItemDataRole.ToolTipRole and self._tooltip is not None:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            return column.foreground(row)
        return None
