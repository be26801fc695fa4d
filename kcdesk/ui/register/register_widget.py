"""The "Đề án" section: filters, debounced search, the lazy register table, bulk
actions, the proposal view and the "cần chú ý" panel."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
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

from kcdesk.models import ProposalStatus
from kcdesk.services.core import settings
from kcdesk.services.forms.load import load_activities, load_funding_sources
from kcdesk.services.proposals import register_query as rq
from kcdesk.services.proposals import search
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.crash import show_error
from kcdesk.ui.register import if_alive
from kcdesk.ui.register.attention_panel import AttentionPanel
from kcdesk.ui.register.model import CODE_ROLE, RegisterModel

SEARCH_DELAY_MS = 250


def _combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem("Tất cả", None)
    # Long labels (statuses, activities) must not widen the window beyond the screen.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    for label, value in items:
        combo.addItem(label, value)
    return combo


class RegisterWidget(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("register")
        self.windows: list[QDialog] = []
        self.model = RegisterModel(ctx, self)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda exc: show_error(self, exc))

        self.search_box = QLineEdit()
        self.search_box.setObjectName("search")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(
            "Tìm theo tên đề án, cơ sở thụ hưởng, mã số thuế, mã đề án (gõ không dấu được)"
        )
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search_box.textChanged.connect(lambda _t: self.search_timer.start())

        with ctx.db.session() as session:
            years = rq.choices(session, "plan_year")
            communes = rq.choices(session, "commune")
            offices = rq.choices(session, "office_code")
        try:
            activities = [(s.short_label, c) for c, s in load_activities().items()]
            sources = [(s.label, c) for c, s in load_funding_sources().items()]
        except Exception:  # broken province forms: filters still work by code
            activities, sources = [], []
        self.year = _combo("year", [(str(y), y) for y in years])
        self.status = _combo("status", [(s.label, s.value) for s in ProposalStatus])
        self.activity = _combo("activity", activities)
        self.source = _combo("source", sources)
        self.office = _combo("office", [(o, o) for o in offices])
        self.commune = _combo("commune", [(c, c) for c in communes])
        filters = QGridLayout()
        for n, (label, combo) in enumerate(
            (
                ("Năm", self.year),
                ("Trạng thái", self.status),
                ("Nội dung", self.activity),
                ("Nguồn", self.source),
                ("Đơn vị", self.office),
                ("Xã", self.commune),
            )
        ):
            # Two rows of three: the window fits a 1280-pixel screen with the panel.
            filters.addWidget(QLabel(label), n // 3, (n % 3) * 2)
            filters.addWidget(combo, n // 3, (n % 3) * 2 + 1)
            combo.currentIndexChanged.connect(self.apply_filter)
        for column in (1, 3, 5):
            filters.setColumnStretch(column, 1)

        self.table = QTableView()
        self.table.setObjectName("register_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        # Fixed section sizes: the view never measures 100,000 rows.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        for column, width in enumerate((105, 380, 260, 170, 130, 60, 140, 120, 120, 220)):
            header.resizeSection(column, width)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        # Newest plan year first: the year in preparation is where the work is.
        self.model.sort_key, self.model.descending = "plan_year", True
        header.setSortIndicator(5, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.table.doubleClicked.connect(self._open_index)

        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.add_button = QPushButton("Thêm đề án")
        self.add_button.setObjectName("add_button")
        self.edit_button = QPushButton("Sửa")
        self.edit_button.setObjectName("edit_button")
        self.open_button = QPushButton("Mở")
        self.open_button.setObjectName("open_button")
        self.status_button = QPushButton("Chuyển trạng thái…")
        self.status_button.setObjectName("bulk_status")
        self.export_button = QPushButton("Xuất Excel…")
        self.export_button.setObjectName("export_button")
        self.add_button.clicked.connect(lambda: self.open_wizard(None))
        self.edit_button.clicked.connect(lambda: self.open_wizard(self.current_code()))
        self.open_button.clicked.connect(lambda: self.open_proposal(self.current_code()))
        self.status_button.clicked.connect(self.open_status_dialog)
        self.export_button.clicked.connect(self._ask_export)
        if importlib.util.find_spec("kcdesk.ui.wizard") is None:
            for button in (self.add_button, self.edit_button):
                button.setEnabled(False)
                button.setToolTip("Trình hướng dẫn lập đề án chưa có trong bản cài đặt này.")
        actions = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.open_button,
            self.status_button,
            self.export_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)

        self.attention = AttentionPanel(ctx, self)
        self.attention.open_proposal.connect(self.open_proposal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.search_box)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(actions)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.attention)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 320])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        ctx.data_changed.connect(self._data_changed)
        self.index_job_done = False
        self._start()

    # -- loading -------------------------------------------------------------
    def _start(self) -> None:
        engine = self.ctx.db.engine

        def build(_job: Any) -> bool:
            return search.ensure_index(engine)

        def ready(_built: object) -> None:
            self.index_job_done = True

        # Build the search index once (seconds at 100,000 proposals) in the worker;
        # searches are correct without it, only slower.
        self.ctx.worker.run(
            build,
            on_success=if_alive(self, ready),
            on_failure=if_alive(self, lambda exc: ready(None)),
        )
        self.model.reload()
        self.attention.refresh()

    def current_filter(self) -> rq.RegisterFilter:
        status = self.status.currentData()
        return rq.RegisterFilter(
            plan_year=self.year.currentData(),
            statuses=(ProposalStatus(status),) if status else (),
            activity=self.activity.currentData(),
            funding_source=self.source.currentData(),
            office_code=self.office.currentData(),
            commune=self.commune.currentData(),
            search=self.search_box.text(),
        )

    def apply_filter(self) -> None:
        self.search_timer.stop()
        self.model.set_filter(self.current_filter())

    def _loaded(self, count: int) -> None:
        self.count_label.setText(f"{count:,} đề án".replace(",", "."))

    def _data_changed(self, kind: str) -> None:
        # "remote": another workstation saved (ui/remote_changes.py, server mode).
        if kind in ("proposal", "catalogue", "implementation", "appraisal", "exchange", "remote"):
            self.model.reload()
            self.attention.refresh()

    # -- selection -----------------------------------------------------------
    def selected_rows(self) -> list[int]:
        selection = self.table.selectionModel()
        return sorted({index.row() for index in selection.selectedRows()})

    def selected_codes(self) -> list[str]:
        return [r.code for r in self._selected_register_rows()]

    def _selected_register_rows(self) -> list[rq.RegisterRow]:
        rows = (self.model.row_at(r) for r in self.selected_rows())
        return [r for r in rows if r is not None and r.code]

    def current_code(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        code = self.model.data(index.siblingAtColumn(0), CODE_ROLE)
        return str(code) if code else None

    def select_rows(self, rows: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(self.model.index(row, 0), flags)
        if rows:
            selection.setCurrentIndex(
                self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    # -- actions -------------------------------------------------------------
    def _open_index(self, index: QModelIndex) -> None:
        code = self.model.data(index.siblingAtColumn(0), CODE_ROLE)
        if code:
            self.open_proposal(str(code))

    def open_proposal(self, code: str | None) -> QDialog | None:
        if not code:
            return None
        from kcdesk.ui.register.proposal_view import ProposalView

        try:
            view = ProposalView(self.ctx, code, self)
        except Exception as exc:
            show_error(self, exc)
            return None
        view.show()
        self.windows.append(view)
        view.destroyed.connect(
            lambda *_: self.windows.remove(view) if view in self.windows else None
        )
        return view

    def open_status_dialog(self) -> QDialog | None:
        from kcdesk.ui.register.status_dialog import StatusDialog

        rows = self._selected_register_rows()
        if not rows:
            return None
        dialog = StatusDialog(self.ctx, [r.code for r in rows], [r.status for r in rows], self)
        dialog.open()
        self.windows.append(dialog)
        return dialog

    def open_wizard(self, code: str | None) -> None:
        try:
            from kcdesk.ui.wizard import open_proposal_wizard

            open_proposal_wizard(self.ctx, self, code)
        except Exception as exc:
            show_error(self, exc)

    def _ask_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Xuất danh sách đề án", "danh-sach-de-an.xlsx", "Excel (*.xlsx)"
        )
        if path:
            self.export_selection(Path(path))

    def export_selection(self, path: Path) -> None:
        """Export the selected rows (or, with none selected, the whole result)."""
        from kcdesk.reports.proposals.register_xlsx import write_register_xlsx

        ids = [r.id for r in self._selected_register_rows()] or self.model.ids()
        db = self.ctx.db
        labels = dict(self.model._activity_labels)

        def work(job: Any) -> int:
            rows = []
            with db.session() as session:
                for start in range(0, len(ids), 500):
                    if job.cancelled:
                        return 0
                    rows += rq.rows_by_ids(session, ids[start : start + 500])
                    job.report(len(rows), len(ids), "Đang đọc đề án")
                organisation = str(settings.get(session, "org.centre_name"))
            write_register_xlsx(path, rows, organisation=organisation, activity_labels=labels)
            return len(rows)

        self.export_button.setEnabled(False)

        def done(count: object) -> None:
            self.export_button.setEnabled(True)
            self.count_label.setText(f"Đã xuất {count} đề án ra {path.name}")

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            show_error(self, exc)

        self.ctx.worker.run(
            work, on_success=if_alive(self, done), on_failure=if_alive(self, failed)
        )
