"""Nhật ký nhập gói: who imported which pack, when, and what it changed."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money
from kcdesk.services.exchange import importer
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.exchange.ignored_dialog import IgnoredDialog

HEADERS = ("Thời điểm", "Người nhập", "Từ đơn vị", "Tệp gói", "Đề án", "Mã gói")


def local_time(value: datetime) -> str:
    """A stored UTC time (naive) as the clerk's clock shows it: dd/MM/yyyy HH:mm."""
    return f"{value.replace(tzinfo=UTC).astimezone():%d/%m/%Y %H:%M}"


def counts_text(counts: dict[str, object]) -> str:
    ignored = len(_ignored_of(counts))
    left_out = f", bỏ qua {format_money(ignored)} giá trị" if ignored else ""
    return (
        f"mới {counts.get('new', 0)}, cập nhật {counts.get('updated', 0)}, không đổi "
        f"{counts.get('unchanged', 0)}, xung đột {counts.get('conflicts', 0)}{left_out}"
    )


class LogPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_log")
        self.ctx = ctx
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("import_log")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.empty = QLabel(
            "Chưa nhập gói nào. Gói của đơn vị khác nhập ở thẻ «Nhận gói»; mỗi lần nhập "
            "được ghi ở đây: ai nhập, lúc nào, gói của đơn vị nào, thay đổi những gì."
        )
        self.empty.setObjectName("import_log_empty")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        # Per row: the pack's file and the values it carried that were left out.
        self._ignored: list[tuple[str, list[object]]] = []
        self.table.cellDoubleClicked.connect(lambda row, _column: self.show_ignored(row))
        ctx.data_changed.connect(self._changed)
        self.refresh()

    def show_ignored(self, row: int) -> IgnoredDialog | None:
        """The values the pack of ``row`` carried that only the Centre sets (if any)."""
        if not 0 <= row < len(self._ignored) or not self._ignored[row][1]:
            return None
        name, lines = self._ignored[row]
        dialog = IgnoredDialog([str(line) for line in lines], name, self)
        dialog.open()
        return dialog

    def _changed(self, kind: str) -> None:
        if kind == DataKind.EXCHANGE:
            self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            logs = importer.import_log(session)
            rows = [
                (
                    local_time(log.imported_at),
                    log.username,
                    log.sender_code,
                    log.file_name,
                    counts_text(log.counts),
                    log.pack_uuid,
                )
                for log in logs
            ]
            self._ignored = [(log.file_name, _ignored_of(log.counts)) for log in logs]
        self.empty.setVisible(not rows)
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if self._ignored[r][1]:
                    item.setToolTip("Nhấp đúp để xem các giá trị bỏ qua.")
                self.table.setItem(r, c, item)


def _ignored_of(counts: dict[str, object]) -> list[object]:
    """The log's list of values left out, as stored (none: an empty list)."""
    ignored = counts.get("ignored")
    return ignored if isinstance(ignored, list) else []
