"""Programme-target dashboard (bảng theo dõi thực hiện chương trình khuyến công).

The aggregates run on the context's worker (never on the UI thread); a newer
request makes older answers stale, so switching programmes quickly never shows
mixed figures. Any ``ctx.data_changed`` schedules one refresh (debounced).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kcdesk.formatting import format_date, format_money, format_percent
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.dashboard import drill as dashboard_drill
from kcdesk.services.dashboard.board import Dashboard
from kcdesk.services.dashboard.drill import DrillRow, Stage
from kcdesk.services.forms.load import load_funding_sources
from kcdesk.services.programmes import store as programmes
from kcdesk.ui import file_dialogs
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.crash import show_error
from kcdesk.ui.dashboard import ahead
from kcdesk.ui.dashboard.charts import MoneyBarChart
from kcdesk.ui.dashboard.drill import DrillDialog
from kcdesk.ui.dashboard.export_file import ExportKind, write_dashboard
from kcdesk.ui.dashboard.target_model import (
    COL_IMPLEMENTED,
    COL_NAME,
    COL_PROGRESS,
    COL_UNIT,
    ProgressDelegate,
    TargetTableModel,
)
from kcdesk.ui.size_cache import SizeKeepingDelegate
from kcdesk.ui.wrapped_rows import wrap_rows

log = logging.getLogger(__name__)

WHOLE_PERIOD = "Cả giai đoạn"


def millions(amount: int | None) -> str:
    """Triệu đồng, rounded half up, for the narrow panel (the tooltip has the exact đồng)."""
    return "chưa ghi" if amount is None else format_money((amount + 500_000) // 1_000_000)


class DashboardView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboard_view")
        self.current: Dashboard | None = None
        self.loading = False
        self.last_drill: DrillDialog | None = None
        self.last_export: Path | None = None
        self._request = 0
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh)

        top = self._build_choosers()
        self._build_messages()
        self._build_target_table()
        self._build_money()
        splitter = self._build_splitter()
        self.status = QLabel()
        self.status.setObjectName("dashboard_status")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

        self._connect()
        self.reload_programmes()

    # The dashboard takes the height it is given and its tables and charts scroll
    # inside. Without this, the wrapped summary line makes Qt size the section by
    # height-for-width from the children's preferred heights (some 870 px), and the
    # whole section scrolls on a 768-pixel screen.
    def hasHeightForWidth(self) -> bool:
        return False

    def heightForWidth(self, width: int) -> int:
        return -1

    def _build_choosers(self) -> QHBoxLayout:
        """Programme and year choosers with the refresh and export buttons."""
        self.chooser = QComboBox()
        self.chooser.setObjectName("dashboard_programme")
        self.chooser.setMinimumContentsLength(30)
        # Programme names are long: never let the combo widen the window.
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.chooser.setMinimumContentsLength(30)
        self.year = QComboBox()
        self.year.setObjectName("dashboard_year")
        self.refresh_button = QPushButton("Làm mới")
        self.pdf_button = QPushButton("Xuất PDF…")
        self.pdf_button.setObjectName("dashboard_pdf")
        self.xlsx_button = QPushButton("Xuất Excel…")
        self.xlsx_button.setObjectName("dashboard_xlsx")
        top = QHBoxLayout()
        top.addWidget(QLabel("Chương trình:"))
        top.addWidget(self.chooser, 1)
        top.addWidget(QLabel("Năm kế hoạch:"))
        top.addWidget(self.year)
        top.addWidget(self.refresh_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)
        # The 6-month / annual report to the Department, with the sections people write.
        self.periodic_button = QPushButton("Báo cáo định kỳ…")
        self.periodic_button.setObjectName("dashboard_periodic")
        self.periodic_button.clicked.connect(self.open_periodic)
        top.addWidget(self.periodic_button)
        self.periodic_dialog: QDialog | None = None

        return top

    def _build_messages(self) -> None:
        """The summary line and the warnings (hidden until there are some)."""
        self.summary = QLabel()
        self.summary.setObjectName("dashboard_summary")
        self.summary.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("dashboard_warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00;")
        self.warnings.setVisible(False)

    def _build_target_table(self) -> None:
        """The targets with their progress bars; double-click opens the proposals."""
        self.model = TargetTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("dashboard_targets")
        self.table.setModel(self.model)
        # Each cell measured once per width, not at every pass of the headers (issue 24).
        self.table.setItemDelegate(SizeKeepingDelegate(self.table))
        self.table.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        # Target names wrap and each row is as tall as its name needs (issue 20 §4): a
        # clerk reads the whole name; the table scrolls inside, the section does not.
        self.table.verticalHeader().setVisible(False)
        self.table.setVerticalScrollMode(QTableView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        for col in range(self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        # Wide enough for "100,0 %" and two lines of "Đủ trong danh mục, chậm nghiệm thu".
        header.setSectionResizeMode(COL_PROGRESS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(COL_PROGRESS, 130)
        # A wider or narrower name column (window or splitter resized) sizes them again.
        wrap_rows(self.table, COL_NAME)
        header.setSectionResizeMode(COL_UNIT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_UNIT, 70)
        self.table.setToolTip("Nhấp đúp một chỉ tiêu để xem các đề án được tính.")
        self.table.doubleClicked.connect(self._target_activated)

    def _build_money(self) -> None:
        """Money by source and the three charts (year, activity, commune)."""
        self.budget = QTableWidget(0, 4)
        self.budget.setObjectName("dashboard_budget")
        self.budget.setHorizontalHeaderLabels(["Nguồn", "Chương trình", "Phê duyệt", "Giải ngân"])
        self.budget.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.budget.verticalHeader().setVisible(False)
        budget_header = self.budget.horizontalHeader()
        budget_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        budget_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.budget.setMaximumHeight(150)
        self.budget.setToolTip(
            "Chương trình: kinh phí ghi trong quyết định; Phê duyệt: hỗ trợ của các đề án trong "
            "danh mục đã phê duyệt; Giải ngân: đã chi (kể cả đề án ngừng sau khi phê duyệt)."
        )

        self.year_chart = MoneyBarChart("Theo năm kế hoạch")
        self.activity_chart = MoneyBarChart(
            "Theo nội dung hoạt động (8 nội dung nhiều nhất)", limit=8
        )
        self.commune_chart = MoneyBarChart("Theo xã, phường (8 nơi nhiều nhất)", limit=8)
        self.year_chart.bar_clicked.connect(lambda key: self.open_money("year", key))
        self.activity_chart.bar_clicked.connect(lambda key: self.open_money("activity", key))
        self.commune_chart.bar_clicked.connect(lambda key: self.open_money("commune", key))
        self.charts = QTabWidget()
        self.charts.addTab(self.year_chart, "Theo năm")
        self.charts.addTab(self.activity_chart, "Theo nội dung")
        self.charts.addTab(self.commune_chart, "Theo xã")

    def _build_splitter(self) -> QSplitter:
        """Targets on the left, money on the right."""
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("<b>Kinh phí (triệu đồng)</b>"))
        right_layout.addWidget(self.budget)
        right_layout.addWidget(self.charts, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 380])

        return splitter

    def _connect(self) -> None:
        """Signals: choosers, buttons, data changes elsewhere."""
        self.chooser.currentIndexChanged.connect(self._programme_changed)
        self.year.currentIndexChanged.connect(lambda _i: self.schedule_refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.ctx.data_changed.connect(self._on_data_changed)

    # --- programme and year choice -------------------------------------------------

    def reload_programmes(self) -> None:
        current = self.chooser.currentData()
        with self.ctx.db.session() as session:
            rows = [
                (p.code, p.name, p.start_year, p.end_year)
                for p in programmes.list_programmes(session)
            ]
        self._periods = {code: (start, end) for code, _n, start, end in rows}
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for code, name, _start, _end in rows:
            self.chooser.addItem(f"{code} — {name}", code)
        if rows:
            self.chooser.setCurrentIndex(max(0, self.chooser.findData(current)))
        self.chooser.blockSignals(False)
        if not rows:
            self.summary.setText("Chưa có chương trình nào. Hãy nạp chương trình mẫu hoặc tệp.")
        self._programme_changed()

    def select_programme(self, code: str) -> None:
        index = self.chooser.findData(code)
        if index >= 0 and index != self.chooser.currentIndex():
            self.chooser.setCurrentIndex(index)

    def _programme_changed(self) -> None:
        code = self.chooser.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(WHOLE_PERIOD, None)
        if code in self._periods:
            start, end = self._periods[code]
            for y in range(start, end + 1):
                self.year.addItem(str(y), y)
        self.year.blockSignals(False)
        self.refresh()

    def _on_data_changed(self, kind: str) -> None:
        if kind == DataKind.PROGRAMME:
            self.reload_programmes()
        else:
            self.schedule_refresh()

    def schedule_refresh(self) -> None:
        self._refresh_timer.start()

    # --- computing on the worker ---------------------------------------------------

    def refresh(self) -> None:
        code = self.chooser.currentData()
        if not code:
            return
        year = self.year.currentData()
        self._request += 1
        request = self._request
        self.loading = True
        self.status.setText("Đang tính số liệu…")
        db = self.ctx.db

        ctx = self.ctx

        def work(_job: Any) -> Dashboard:
            ready = ahead.take(ctx, db, code, year)  # computed once the window was up
            if ready is not None:
                return ready
            with db.session() as session:
                return dashboard.compute(session, code, year=year)

        self.ctx.worker.run(
            work,
            lambda result: self._show(request, result),
            lambda exc: self._failed(request, exc),
        )

    def _failed(self, request: int, exc: BaseException) -> None:
        if not isValid(self):
            return  # closed while the worker was busy
        if request == self._request:
            self.loading = False
            self.status.setText("Không tính được số liệu.")
        show_error(self, exc)

    def _show(self, request: int, data: Dashboard) -> None:
        if not isValid(self):
            return  # closed while the worker was busy
        if request != self._request:
            return  # an older answer: a newer request is on its way
        self.loading = False
        self.current = data
        decision = (
            f"Quyết định số {data.decision_no}" if data.decision_no else "Chưa ghi số quyết định"
        )
        if data.decision_no and data.decision_date:
            decision += f" ngày {format_date(data.decision_date)}"
        tracked = [t for t in data.targets if t.tracked and t.planned]
        behind = sum(1 for t in tracked if t.pace == "behind")
        self.summary.setText(
            f"<b>{data.programme_name}</b><br>Giai đoạn {data.start_year}–{data.end_year}; "
            f"{decision}. Thời gian đã qua: {format_percent(data.expected_share * 100)}. "
            f"{len(data.targets)} chỉ tiêu, {len(tracked)} chỉ tiêu đếm được từ đề án, "
            f"{behind} chậm tiến độ."
        )
        self.warnings.setText("\n".join(f"⚠ {w.message}" for w in data.warnings))
        self.warnings.setVisible(bool(data.warnings))
        self.model.set_targets(data.targets)
        self._show_budget(data)
        self.year_chart.set_rows(data.by_year)
        self.activity_chart.set_rows(
            sorted(data.by_activity, key=lambda r: (-r.approved_support, r.key))
        )
        self.commune_chart.set_rows(data.by_commune)
        self.status.setText(
            f"Số liệu lúc {data.today:%d/%m/%Y}. Nhấp đúp một chỉ tiêu hoặc nhấp một cột "
            "biểu đồ để xem các đề án."
        )

    def _show_budget(self, data: Dashboard) -> None:
        b = data.budget
        planned_by = {"quoc_gia": b.planned_national, "dia_phuong": b.planned_local}
        sources = load_funding_sources()
        rows = [
            (
                sources[r.key].short_label if r.key in sources else r.label,
                planned_by.get(r.key),
                r.approved_support,
                r.disbursed,
            )
            for r in b.by_source
        ]
        rows.append(("Tổng cộng", b.planned, b.approved_support, b.disbursed))
        self.budget.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for col, value in enumerate(values):
                text = value if isinstance(value, str) else millions(value)
                item = QTableWidgetItem(text)
                if isinstance(value, int):
                    item.setToolTip(f"{format_money(value)} đồng")
                if col:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.budget.setItem(row, col, item)

    # --- drill-down -------------------------------------------------------------------

    def _target_activated(self, index: QModelIndex) -> None:
        stage: Stage = "implemented" if index.column() == COL_IMPLEMENTED else "approved"
        self.open_target(index.row(), stage)

    def open_target(self, row: int, stage: Stage = "approved") -> None:
        if self.current is None or not 0 <= row < len(self.current.targets):
            return
        target = self.current.targets[row]
        code, year = self.current.programme_code, self.current.year
        what = "đã thực hiện" if stage == "implemented" else "đã phê duyệt"
        title = f"Đề án {what} tính vào chỉ tiêu {target.code}"
        db = self.ctx.db

        def work(_job: Any) -> list[DrillRow]:
            with db.session() as session:
                return dashboard_drill.proposals_for_target(
                    session,
                    code,
                    target.code,
                    stage=stage,
                    year=year,
                )

        self.ctx.worker.run(work, lambda rows: self._open_drill(title, rows), self._drill_failed)

    def open_money(self, dimension: str, key: str) -> None:
        if self.current is None:
            return
        code, year = self.current.programme_code, self.current.year
        filters: dict[str, Any] = {}
        if dimension == "year":
            year = int(key)
            title = f"Đề án năm kế hoạch {key}"
        elif dimension == "activity":
            filters["activity"] = key
            title = f"Đề án nội dung «{key}»"
        else:
            filters["commune"] = key
            title = f"Đề án tại {key or '(chưa ghi xã)'}"
        db = self.ctx.db

        def work(_job: Any) -> list[DrillRow]:
            with db.session() as session:
                return dashboard_drill.proposals_for(
                    session, code, year=year, stage="spending", **filters
                )

        self.ctx.worker.run(work, lambda rows: self._open_drill(title, rows), self._drill_failed)

    def _drill_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return  # closed while the worker was busy
        show_error(self, exc)

    def _open_drill(self, title: str, rows: list[DrillRow]) -> None:
        if not isValid(self):
            return  # closed while the worker was busy
        dialog = DrillDialog(self, title, rows, self.ctx)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_drill = dialog
        dialog.show()

    # --- export ----------------------------------------------------------------------

    def open_periodic(self) -> None:
        """The periodic report of the programme shown, for the year chosen (or this year)."""
        from datetime import date as _date

        from kcdesk.ui.dashboard.periodic_dialog import PeriodicReportDialog

        data = self.current
        if data is None:
            return
        year = data.year or _date.today().year
        self.periodic_dialog = PeriodicReportDialog(self.ctx, data.programme_code, year, self)
        self.periodic_dialog.open()

    def export(self, kind: ExportKind, path: Path | None = None, *, preview: bool = True) -> None:
        """Write the dashboard shown as PDF or XLSX (asks for a file name when none given)."""
        data = self.current
        if data is None:
            return
        if path is None:
            suffix = "PDF (*.pdf)" if kind == "pdf" else "Excel (*.xlsx)"
            name = f"tien-do-{data.programme_code}.{kind}"
            picked = file_dialogs.save_file(self, "Lưu tệp", name, suffix)
            if picked is None:
                return
            path = picked[0]
        db, target = self.ctx.db, path
        self.status.setText(f"Đang ghi {target.name}…")
        self.ctx.worker.run(
            lambda _job: write_dashboard(db, data, kind, target),
            lambda written: self._exported(written, kind, preview),
            self._drill_failed,
        )

    def _exported(self, path: Path, kind: ExportKind, preview: bool) -> None:
        if not isValid(self):
            return  # closed while the worker was busy
        self.last_export = path
        self.status.setText(f"Đã ghi {path}")
        if not preview:
            return
        if kind == "pdf":
            # Imported here: QtPdf is loaded only when a PDF is previewed, not when the
            # section first opens (issue 24).
            from kcdesk.ui.pdf_preview import show_pdf

            show_pdf(self, path)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
