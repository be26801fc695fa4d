"""Cells measured once per width (mesure une fois): a delegate that keeps each cell's size.

A table whose columns fit their contents and whose rows fit their wrapped texts asks
every cell its size each time its headers lay themselves out: the dashboard's table of
targets was measured some 1,400 times for its 217 cells at its first showing (each a
text layout of a wrapped name; issue 24). The size of a cell depends only on its data,
the font and, for wrapped texts, the width it is given: kept under those, it is the
same size Qt computes, computed once. Any change of the model's data forgets them.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
)
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

_Index = QModelIndex | QPersistentModelIndex


class SizeKeepingDelegate(QStyledItemDelegate):
    """``QStyledItemDelegate`` whose ``sizeHint`` is computed once per cell, width and font."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sizes: dict[tuple[int, int, int, str], QSize] = {}
        self._model: QAbstractItemModel | None = None

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        model = index.model()
        if model is not self._model:
            self._watch(model)
        key = (index.row(), index.column(), option.rect.width(), option.font.key())
        size = self._sizes.get(key)
        if size is None:
            size = self._sizes[key] = super().sizeHint(option, index)
        return QSize(size)

    def forget(self) -> None:
        self._sizes.clear()

    def _watch(self, model: QAbstractItemModel) -> None:
        self.forget()
        self._model = model
        for signal in (
            model.modelReset,
            model.dataChanged,
            model.layoutChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.rowsMoved,
            model.columnsInserted,
            model.columnsRemoved,
            model.columnsMoved,
            model.headerDataChanged,
        ):
            signal.connect(self.forget)
