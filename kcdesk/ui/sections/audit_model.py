"""The rows of the "Nhật ký" table (sự kiện nhật ký): up to 1,000 audit events, each
described in words only when the view first asks for one of its cells (issue 24).

Describing an event (labels, values, sentences) costs ~0.2 ms; the view asks only for
the rows on screen, so the section's first opening no longer describes all 1,000."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kcdesk.services.history.events import describe_event

HEADERS = ["#", "Thời điểm", "Người dùng", "Đơn vị", "Đối tượng", "Thao tác", "Thay đổi"]

_Index = QModelIndex | QPersistentModelIndex


class AuditEventsModel(QAbstractTableModel):
    """Audit events (``audit.event_dict``) as the table's seven texts; each text is also
    its tooltip, so long subjects and changes read in full."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._events: list[dict[str, Any]] = []
        self._texts: list[tuple[str, ...] | None] = []

    def set_events(self, events: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._events = events
        self._texts = [None] * len(events)
        self.endResetModel()

    def row_texts(self, row: int) -> tuple[str, ...]:
        """The seven texts of ``row``, described the first time they are asked for."""
        texts = self._texts[row]
        if texts is None:
            e = self._events[row]
            text = describe_event(e)
            texts = (
                str(e["id"]),
                text.when,
                text.who,
                e["office"],
                text.subject,
                text.what,
                text.changes,
            )
            self._texts[row] = texts
        return texts

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        return self.row_texts(index.row())[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None
