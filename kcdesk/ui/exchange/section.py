"""The «Trao đổi dữ liệu» section: tabs for sending, receiving, conflicts, offices, log."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.exchange.conflict_panel import ConflictPanel
from kcdesk.ui.exchange.export_panel import ExportPanel
from kcdesk.ui.exchange.import_panel import ImportPanel
from kcdesk.ui.exchange.log_panel import LogPanel
from kcdesk.ui.exchange.offices_panel import OfficesPanel


class ExchangeSection(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_section")
        self.ctx = ctx
        self.export_panel = ExportPanel(ctx)
        self.import_panel = ImportPanel(ctx)
        self.conflict_panel = ConflictPanel(ctx)
        self.offices_panel = OfficesPanel(ctx)
        self.log_panel = LogPanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.export_panel, "Gửi gói")
        self.tabs.addTab(self.import_panel, "Nhận gói")
        self.tabs.addTab(self.conflict_panel, "Xung đột")
        self.tabs.addTab(self.offices_panel, "Đơn vị và khóa")
        self.tabs.addTab(self.log_panel, "Nhật ký nhận gói")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Trao đổi dữ liệu</h2>"))
        layout.addWidget(self.tabs, 1)
        ctx.data_changed.connect(self._changed)
        self._count_conflicts()

    def _count_conflicts(self) -> None:
        count = self.conflict_panel.list.count()
        self.tabs.setTabText(2, f"Xung đột ({count})" if count else "Xung đột")

    def _changed(self, kind: str) -> None:
        if kind == DataKind.EXCHANGE:
            self.offices_panel.refresh()
            self._count_conflicts()
