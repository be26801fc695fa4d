"""The implementation section: filters, the list (loaded on the worker) and the panel."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.implementation import views as view
from kcdesk.services.implementation.progress import TRACKED
from kcdesk.services.implementation.views import ImplementationRow
from kcdesk.ui import file_dialogs
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.crash import show_error
from kcdesk.ui.implementation.list_model import COL_TITLE, ImplementationModel
from kcdesk.ui.implementation.panel import ProposalPanel
from kcdesk.ui.when_shown import WhenShown

# What the worker reads for the list: the count of rows, the first page, and the row of
# the proposal kept selected (None when it is not listed).
_Loaded = tuple[int, list[ImplementationRow], int | None]


class ImplementationView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("implementation_view")
        self.ctx = ctx
        self.loading = False
        self._request = 0
        self._select_after: str | None = None
        self.year = QComboBox()
        self.year.setObjectName("year_filter")
        self.year.addItem("Tất cả các năm", None)
        this_year = date.today().year
        for y in range(this_year + 1, this_year - 6, -1):
            self.year.addItem(str(y), y)
        self.status = QComboBox()
        self.status.setObjectName("status_filter")
        self.status.addItem("Mọi trạng thái", None)
        for s in TRACKED:
            self.status.addItem(s.label, s)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Tìm mã, tên đề án (gõ không dấu cũng được)")
        self.export_button = QPushButton("Tổng hợp quyết toán…")
        self.export_button.setObjectName("export_summary")
        self.export_button.clicked.connect(self._export_dialog)
        self.count = QLabel()
        self.count.setObjectName("row_count")
        # Exports report here, apart from the row count that every refresh rewrites.
        self.export_status = QLabel()
        self.export_status.setObjectName("export_status")
        filters = QHBoxLayout()
        filters.addWidget(self.year)
        filters.addWidget(self.status)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.export_button)

        self.model = ImplementationModel(ctx, self)
        self.table = QTableView()
        self.table.setObjectName("implementation_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Fit the columns to the rows on screen (and a page beyond), not to a thousand
        # rows formatted at every reload: the list holds every proposal under
        # implementation, tens of thousands at 100,000 (issue 24).
        header.setResizeContentsPrecision(0)
        # The title keeps a readable width; the table scrolls sideways if it must.
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_TITLE, 260)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.panel = ProposalPanel(ctx)
        self.panel.changed.connect(self._panel_changed)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.count)
        footer.addWidget(self.export_status, 1)
        left_layout.addLayout(footer)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self._refresh_when_shown = WhenShown(self, self._timer.start)  # hidden: on next show
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.year.currentIndexChanged.connect(lambda _i: self.refresh())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    # -- list -----------------------------------------------------------------------

    def refresh(self) -> None:
        self._request += 1
        request = self._request
        self.loading = True
        self.count.setText("Đang tải…")
        filters = {
            "year": self.year.currentData(),
            "status": self.status.currentData(),
            "search": self.search.text(),
        }
        keep = self._select_after or self.panel.code
        db, page = self.ctx.db, self.model.PAGE

        def work(_job: Any) -> _Loaded:
            # The count and the first page, not the whole list (52,285 proposals under
            # implementation at 100,000: issue 24); the proposal to keep selected is
            # found by its position, its page read when the table shows it.
            with db.session() as session:
                count = view.list_count(session, **filters)
                first = view.list_page(session, 0, page, **filters)
                at = view.list_position(session, keep, **filters) if keep else None
            return count, first, at

        self.ctx.worker.run(
            work,
            lambda loaded: self._show(request, filters, keep, loaded),
            lambda exc: self._failed(request, exc),
        )

    def _show(
        self, request: int, filters: dict[str, Any], keep: str | None, loaded: _Loaded
    ) -> None:
        # The section may have been closed while the worker was busy.
        if not shiboken6.isValid(self) or request != self._request:
            return
        count, first, at = loaded
        self.model.set_list(filters, count, first)
        self.loading = False
        self.count.setText(f"{count} đề án")
        now = self._select_after or self.panel.code
        self._select_after = None
        if now and now == keep:
            if at is not None and at < count:
                self._select_row(keep, at)
        elif now:  # chosen while the worker was reading: asked of the database now
            self.select(now)

    def _failed(self, request: int, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        if request == self._request:
            self.loading = False
            self.count.setText("Không tải được danh sách.")
        show_error(self, exc)

    def _data_changed(self, kind: str) -> None:
        if kind in (
            DataKind.PROPOSAL,
            DataKind.IMPLEMENTATION,
            DataKind.CATALOGUE,
            DataKind.AMENDMENT,
            DataKind.EXCHANGE,
        ):
            self._refresh_when_shown()

    def _panel_changed(self, code: str) -> None:
        self._select_after = code

    def select(self, code: str) -> bool:
        row = self.model.row_of(code)
        if row < 0:
            return False
        self._select_row(code, row)
        return True

    def _select_row(self, code: str, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        if self.panel.code != code:
            self.panel.load(code)

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        code = row.code if row is not None else None
        if code != self.panel.code and code is not None:
            self.panel.load(code)

    # -- settlement summary ---------------------------------------------------------

    def _export_dialog(self) -> None:
        year = self.year.currentData() or date.today().year - 1
        picked = file_dialogs.save_file(
            self,
            f"Tổng hợp quyết toán năm {year}",
            f"Tổng hợp quyết toán {year}.xlsx",
            "Excel (*.xlsx);;PDF (*.pdf)",
        )
        if picked is not None:
            self.export_summary(picked[0], year)

    def export_summary(self, target: Path, year: int) -> None:
        """Write the summary (XLSX or PDF by the suffix) on the worker."""
        db = self.ctx.db
        self.export_status.setText("Đang xuất tổng hợp quyết toán…")

        def work(_job: Any) -> Path:
            # Imported when used: ReportLab and openpyxl would add about half a second
            # to the section's first opening (issue 24).
            from kcdesk.reports.implementation import settlement_summary

            with db.session() as session:
                summary = settlement_summary.build_summary(session, year)
                if target.suffix.lower() == ".pdf":
                    return settlement_summary.write_pdf(session, summary, target)
                return settlement_summary.write_xlsx(summary, target)

        self.ctx.worker.run(
            work,
            self._exported,
            self._export_failed,
        )

    def _exported(self, path: Path) -> None:
        if shiboken6.isValid(self):
            self.export_status.setText(f"Đã xuất {path}")

    def _export_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.export_status.setText("Không xuất được tổng hợp quyết toán.")
        show_error(self, exc)
