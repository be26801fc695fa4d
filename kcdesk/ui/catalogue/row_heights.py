"""Rows fitted to their wrapped text as they come on screen (chiều cao dòng theo nội dung).

``QTableView.resizeRowsToContents`` measures every row: 900 rows of the catalogue
took over a second at 10,000 proposals, and the screen skipped it past 3,000 rows
(issue 24). Here a row is measured the first time it is in the viewport — scrolled
to, or the table shown or made taller — with the same measure, so every row the user
sees has the height it had before.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView


class FitRowsOnScreen(QObject):
    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        self._sized: set[int] = set()
        table.verticalScrollBar().valueChanged.connect(lambda _v: self.fit())
        table.viewport().installEventFilter(self)

    def reset(self) -> None:
        """After the rows changed (their heights are back to the default): fit again."""
        self._sized.clear()
        self.fit()

    def fit(self) -> None:
        table = self._table
        model = table.model()
        count = model.rowCount() if model is not None else 0
        bottom = table.viewport().height()
        row = max(0, table.rowAt(0))
        while row < count and table.rowViewportPosition(row) < bottom:
            if row not in self._sized:
                self._sized.add(row)
                table.resizeRowToContents(row)
            row += 1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.fit()
        return False
