"""The grouped catalogue as a table: group rows (I, II…), numbered entries, the total."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from kcdesk.formatting import format_money
from kcdesk.services.catalogue.build import CatalogueView, Entry, Group
from kcdesk.services.catalogue.columns import CatalogueForm

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Line:
    kind: str  # "group" | "entry" | "total"
    number: str
    group: Group | None = None
    entry: Entry | None = None


class CatalogueModel(QAbstractTableModel):
    def __init__(self, form: CatalogueForm, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form
        self.view: CatalogueView | None = None
        self.lines: list[Line] = []
        # Group and grand totals, each added up once (not at every paint of its cell).
        self._sums: dict[tuple[int, str], int] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    def set_view(self, view: CatalogueView | None) -> None:
        self.beginResetModel()
        self.view = view
        self.lines = []
        self._sums = {}
        if view is not None:
            for group in view.groups:
                self.lines.append(Line("group", group.numeral, group=group))
                self.lines.extend(
                    Line("entry", str(n), entry=e) for n, e in enumerate(group.entries, start=1)
                )
            self.lines.append(Line("total", ""))
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.form.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit values only, never super().headerData
        # (docs/architecture.md#known-traps-of-the-stack).
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            columns = self.form.columns
            return columns[section].label if 0 <= section < len(columns) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line = self.lines[index.row()]
        column = self.form.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column.key, column.kind)
        if role == Qt.ItemDataRole.FontRole and line.kind != "entry":
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.kind == "money":
                return _RIGHT
            return _CENTRE if column.kind == "index" else None
        if role == Qt.ItemDataRole.ToolTipRole and line.entry is not None:
            return f"{line.entry.proposal_code}: {line.entry.title}"
        return None

    def _text(self, line: Line, key: str, kind: str) -> str:
        if kind == "index":
            return line.number
        if line.kind == "group" and line.group is not None:
            if kind == "money":
                return format_money(self._sum(line.group, key))
            return line.group.label if key == "title" else ""
        if line.kind == "total" and self.view is not None:
            if kind == "money":
                return format_money(self._sum(self.view, key))
            return "TỔNG CỘNG" if key == "title" else ""
        if line.entry is not None:
            value = line.entry.value(key)
            return format_money(int(value)) if kind == "money" else str(value)
        return ""

    def _sum(self, of: Group | CatalogueView, key: str) -> int:
        found = self._sums.get((id(of), key))
        if found is None:
            found = self._sums[(id(of), key)] = of.total(key)
        return found
