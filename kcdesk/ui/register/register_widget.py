"""The "Đề án" section: filters, debounced search, the lazy register table, bulk
actions, the proposal view and the "cần chú ý" panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models import ProposalStatus
from kcdesk.services.core import settings
from kcdesk.services.core.id_lists import batches
from kcdesk.services.proposals import register_query as rq
from kcdesk.services.proposals import search
from kcdesk.ui import file_dialogs
from kcdesk.ui.app_context import AppContext, DataKind
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

        self._build_search()
        filters = self._build_filters()
        self._build_table()
        actions = self._build_actions()
        self.attention = AttentionPanel(self.ctx, self)
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
        splitter.setSizes([900, 300])
        # The register is the work; the side panel must not take its columns (1366 px).
        self.attention.setMaximumWidth(320)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.ctx.data_changed.connect(self._data_changed)
        self.index_job_done = False
        self._start()

    def _build_search(self) -> None:
        """The search box; typing narrows the list after a short pause."""
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

    def _build_filters(self) -> QGridLayout:
        """Six filters in two rows of three; their lists are read on the worker
        (:meth:`_load_choices`): at 100,000 proposals the distinct years, communes and
        offices cost the start a tenth of a second or more (issue 24)."""
        self.year = _combo("year", [])
        self.status = _combo("status", [(s.label, s.value) for s in ProposalStatus])
        self.activity = _combo("activity", [])
        self.source = _combo("source", [])
        self.office = _combo("office", [])
        self.commune = _combo("commune", [])
        # Only after another province's Centre was merged here (services/merge).
        self.origin = _combo("origin", [("Trung tâm này", rq.OWN_ORIGIN)])
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
        self.origin.currentIndexChanged.connect(self.apply_filter)
        self.origin_label = QLabel("Nguồn gốc")
        filters.addWidget(self.origin_label, 2, 0)
        filters.addWidget(self.origin, 2, 1)
        self.origin_label.hide()
        self.origin.hide()
        for column in (1, 3, 5):
            filters.setColumnStretch(column, 1)

        return filters

    def _load_choices(self) -> None:
        """The filters' lists, read on the worker and added when they arrive."""
        db = self.ctx.db

        def work(_job: Any) -> dict[str, list[tuple[str, Any]]]:
            from kcdesk.services.forms.load import load_activities, load_funding_sources

            with db.session() as session:
                years = rq.choices(session, "plan_year")
                communes = rq.commune_choices(session)
                offices = rq.choices(session, "office_code")
                origins = rq.choices(session, "origin")
            try:
                activities = [(s.short_label, c) for c, s in load_activities().items()]
                sources = [(s.label, c) for c, s in load_funding_sources().items()]
            except Exception:  # broken province forms: filters still work by code
                activities, sources = [], []
            return {
                "year": [(str(y), y) for y in years],
                "activity": activities,
                "source": sources,
                "office": [(o, o) for o in offices],
                "commune": communes,
                "origin": [(o, o) for o in origins],
            }

        self.ctx.worker.run(
            work,
            on_success=if_alive(self, self._fill_choices),
            on_failure=if_alive(self, lambda exc: show_error(self, exc)),
        )

    def _fill_choices(self, lists: dict[str, list[tuple[str, Any]]]) -> None:
        for name, items in lists.items():
            combo: QComboBox = getattr(self, name)
            # Added after "Tất cả" (and "Trung tâm này"), which stays chosen: no reload.
            for label, value in items:
                combo.addItem(label, value)
        if lists["origin"]:
            self.origin_label.show()
            self.origin.show()

    def _build_table(self) -> None:
        """The lazy register table, newest plan year first."""
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
        for column, width in enumerate((95, 230, 160, 150, 120, 55, 125, 110, 110, 200)):
            header.resizeSection(column, width)
        # On a 1366-pixel laptop the first five columns shown — code, title,
        # beneficiary, status, support — fit without scrolling sideways; the rest follow.
        keys = list(rq.COLUMN_KEYS)
        for visual, key in enumerate(("code", "title", "facility", "status", "support")):
            header.moveSection(header.visualIndex(keys.index(key)), visual)
        header.setToolTip("Kéo tiêu đề cột để đổi thứ tự; bấm để sắp xếp.")
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        # Newest plan year first: the year in preparation is where the work is.
        self.model.sort_key, self.model.descending = "plan_year", True
        header.setSortIndicator(5, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.table.doubleClicked.connect(self._open_index)
        # Enter opens the row too; Tab leaves the table for the buttons (a register
        # is read, not edited cell by cell).
        self.table.activated.connect(self._open_index)
        self.table.setTabKeyNavigation(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

    def _build_actions(self) -> QHBoxLayout:
        """The buttons under the table and the count."""
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.add_button = QPushButton("&Thêm đề án")
        self.add_button.setObjectName("add_button")
        self.add_button.setToolTip("Thêm đề án mới (Ctrl+N)")
        self.edit_button = QPushButton("&Sửa")
        self.edit_button.setObjectName("edit_button")
        self.open_button = QPushButton("&Mở")
        self.open_button.setObjectName("open_button")
        self.print_button = QPushButton("&In…")
        self.print_button.setObjectName("print_button")
        self.print_button.setToolTip("Xem trước và in đề án đang chọn (Ctrl+P)")
        self.status_button = QPushButton("Chuyển t&rạng thái…")
        self.status_button.setObjectName("bulk_status")
        self.export_button = QPushButton("&Xuất Excel…")
        self.export_button.setObjectName("export_button")
        self.commune_button = QPushButton("Xã &chưa khớp danh mục…")
        self.commune_button.setObjectName("commune_button")
        self.commune_button.hide()
        self.add_button.clicked.connect(lambda: self.open_wizard(None))
        self.edit_button.clicked.connect(lambda: self.open_wizard(self.current_code()))
        self.open_button.clicked.connect(lambda: self.open_proposal(self.current_code()))
        self.print_button.clicked.connect(lambda: self.print_proposal(self.current_code()))
        self.status_button.clicked.connect(self.open_status_dialog)
        self.export_button.clicked.connect(self._ask_export)
        self.commune_button.clicked.connect(self.open_commune_fix)
        for keys, slot in (
            ("Ctrl+N", lambda: self.open_wizard(None)),
            ("Ctrl+P", lambda: self.print_proposal(self.current_code())),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        actions = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.open_button,
            self.print_button,
            self.status_button,
            self.export_button,
            self.commune_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)

        return actions

    # -- loading -------------------------------------------------------------
    def _start(self) -> None:
        engine = self.ctx.db.engine

        db = self.ctx.db

        def build(_job: Any) -> bool:
            # Imported here, after the window is up: the official commune tables cost
            # the cold start a tenth of a second or more (issue 24).
            from kcdesk.services.communes import reconcile

            # Communes typed before the official list: match what is certain (once).
            with db.session() as session:
                reconcile.match_all(session)
            return search.ensure_index(engine)

        def ready(_built: object) -> None:
            self.index_job_done = True

        # Build the search index once (seconds at 100,000 proposals) in the worker;
        # searches are correct without it, only slower.
        # The filters' lists first: they are delivered before the rows.
        self._load_choices()
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
            origin=self.origin.currentData(),
        )

    def apply_filter(self) -> None:
        self.search_timer.stop()
        self.model.set_filter(self.current_filter())

    def _loaded(self, count: int) -> None:
        flt = self.current_filter()
        if count == 0 and flt == rq.RegisterFilter():
            # A fresh database: say what to do rather than show an empty table.
            self.count_label.setText(
                "Chưa có đề án nào. Bấm «Thêm đề án» (Ctrl+N) để nhập đề án đầu tiên."
            )
        elif count == 0:
            self.count_label.setText("Không có đề án nào khớp bộ lọc, từ khóa đã chọn.")
        else:
            self.count_label.setText(f"{count:,} đề án".replace(",", "."))
        self._refresh_commune_button()

    def _refresh_commune_button(self) -> None:
        from kcdesk.ui.register.commune_fix_dialog import unmatched_count

        try:
            left = unmatched_count(self.ctx)
        except Exception:  # the register must work even if this count fails
            left = 0
        self.commune_button.setText(f"Xã &chưa khớp danh mục ({left})…")
        self.commune_button.setVisible(left > 0)

    def open_commune_fix(self) -> QDialog:
        from kcdesk.ui.register.commune_fix_dialog import CommuneFixDialog

        dialog = CommuneFixDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.windows.append(dialog)
        return dialog

    def _context_menu(self, pos: QPoint) -> QMenu:
        menu = QMenu(self.table)
        code = self.current_code()
        for text, slot, enabled in (
            ("&Mở", lambda: self.open_proposal(self.current_code()), bool(code)),
            ("&Sửa", lambda: self.open_wizard(self.current_code()), bool(code)),
            ("&In…", lambda: self.print_proposal(self.current_code()), bool(code)),
            ("Chuyển t&rạng thái…", self.open_status_dialog, bool(code)),
            ("&Xuất Excel…", self._ask_export, True),
        ):
            action = menu.addAction(text)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
        menu.popup(self.table.viewport().mapToGlobal(pos))
        self.context_menu = menu
        return menu

    def print_proposal(self, code: str | None) -> None:
        """Write the proposal's PDF (Phụ lục II) on the worker and show the preview."""
        if not code:
            self.count_label.setText("Hãy chọn một đề án để in.")
            return
        from kcdesk.ui.wizard.printing import preview_proposal

        preview_proposal(self.ctx, self, code)

    def _data_changed(self, kind: str) -> None:
        # REMOTE: another workstation saved (ui/remote_changes.py, server mode).
        if kind in (
            DataKind.PROPOSAL,
            DataKind.CATALOGUE,
            DataKind.IMPLEMENTATION,
            DataKind.APPRAISAL,
            DataKind.EXCHANGE,
            DataKind.REMOTE,
        ):
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
        from kcdesk.ui.register.proposal_view import open_proposal_window

        return open_proposal_window(self.ctx, code, self, self.windows)

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
        chosen = file_dialogs.save_file(
            self, "Xuất danh sách đề án", "Danh sách đề án.xlsx", "Excel (*.xlsx)"
        )
        if chosen is not None:
            self.export_selection(chosen[0])

    def export_selection(self, path: Path) -> None:
        """Export the selected rows (or, with none selected, the whole result)."""
        from kcdesk.reports.proposals.register_xlsx import write_register_xlsx

        ids = [r.id for r in self._selected_register_rows()] or self.model.ids()
        db = self.ctx.db
        labels = dict(self.model._activity_labels)

        def work(job: Any) -> int:
            rows = []
            with db.session() as session:
                for batch in batches(ids):
                    if job.cancelled:
                        return 0
                    rows += rq.rows_by_ids(session, batch)
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
