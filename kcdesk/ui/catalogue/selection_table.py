"""The proposals of the plan year beside the catalogue: in it or not, and why.

Rows come from ``services.catalogue.selection.explain`` (already computed on the
worker); the user sees at a glance why a proposal the council recommended is, or
is not, in the draft the Centre sends.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from kcdesk.formatting import format_money

HEADERS = ("Mã đề án", "Tên đề án", "Trạng thái", "Kinh phí hỗ trợ", "Trong danh mục", "Lý do")


class SelectionTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, len(HEADERS))
        self.setObjectName("catalogue_selection")
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((100, 320, 140, 120, 100, 420)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)

    def set_rows(self, rows: list[dict[str, object]]) -> None:
        """``rows``: ``Candidate.as_json()`` of every proposal of the year."""
        # Out of the catalogue first: those are the ones a user asks about.
        ordered = sorted(rows, key=lambda r: (bool(r["in"]), str(r["code"])))
        self.setRowCount(len(ordered))
        for row, data in enumerate(ordered):
            support = data.get("support")
            cells = (
                str(data["code"]),
                str(data["title"]),
                str(data["status_label"]),
                format_money(int(support)) if isinstance(support, int) else "",
                "Có" if data["in"] else "Không",
                str(data["reason"]),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(row, column, item)

    def reason_of(self, code: str) -> tuple[str, str] | None:
        """(Trong danh mục, Lý do) shown for ``code`` (tests read the screen through it)."""
        for row in range(self.rowCount()):
            item = self.item(row, 0)
            if item is not None and item.text() == code:
                return self.item(row, 4).text(), self.item(row, 5).text()  # type: ignore[union-attr]
        return None
