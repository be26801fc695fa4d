"""The proposals of the plan year beside the catalogue: in it or not, and why.

Rows come from ``services.catalogue.selection.explain`` (already computed on the
worker); the user sees at a glance why a proposal the council recommended is, or
is not, in the draft the Centre sends. A plan year can hold tens of thousands of
proposals, so the rows sit in a model that formats only the cells drawn (a table of
items made one object per cell, 270,000 at 45,000 proposals: issue 24).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from kcdesk.formatting import format_money

HEADERS = ("Mã đề án", "Tên đề án", "Trạng thái", "Kinh phí hỗ trợ", "Trong danh mục", "Lý do")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_Index = QModelIndex | QPersistentModelIndex


def _cells(data: dict[str, object]) -> tuple[str, ...]:
    support = data.get("support")
    return (
        str(data["code"]),
        str(data["title"]),
        str(data["status_label"]),
        format_money(int(support)) if isinstance(support, int) else "",
        "Có" if data["in"] else "Không",
        str(data["reason"]),
    )


def shown_order(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Out of the catalogue first (those are the ones a user asks about), then by code."""
    return sorted(rows, key=lambda r: (bool(r["in"]), str(r["code"])))


class SelectionModel(QAbstractTableModel):
    """``Candidate.as_json()`` rows, out of the catalogue first, then by code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, object]] = []

    def set_rows(self, rows: list[dict[str, object]], *, ordered: bool = False) -> None:
        """``ordered``: already in ``shown_order`` (sorted on the worker)."""
        self.beginResetModel()
        self.rows = rows if ordered else shown_order(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit values only, never super().headerData
        # (docs/architecture.md#known-traps-of-the-stack).
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _cells(self.rows[index.row()])[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return _RIGHT
        return None

    def text(self, row: int, column: int) -> str:
        return _cells(self.rows[row])[column]


class SelectionTable(QTableView):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("catalogue_selection")
        self.rows_model = SelectionModel(self)
        self.setModel(self.rows_model)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((100, 320, 140, 120, 100, 420)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)

    def set_rows(self, rows: list[dict[str, object]], *, ordered: bool = False) -> None:
        """``rows``: ``Candidate.as_json()`` of every proposal of the year (``ordered``:
        already in ``shown_order``)."""
        self.rows_model.set_rows(rows, ordered=ordered)

    def rowCount(self) -> int:
        return self.rows_model.rowCount()

    def text(self, row: int, column: int) -> str:
        """The text shown in a cell (tests read the screen through it)."""
        return self.rows_model.text(row, column)

    def reason_of(self, code: str) -> tuple[str, str] | None:
        """(Trong danh mục, Lý do) shown for ``code`` (tests read the screen through it)."""
        for row in range(self.rowCount()):
            if self.text(row, 0) == code:
                return self.text(row, 4), self.text(row, 5)
        return None
