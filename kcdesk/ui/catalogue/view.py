"""Catalogue screen: choose year and source, see the grouped catalogue, change its
state (submit, approve with the decision), compare versions, export to a USB stick
(XLSX, PDF, tờ trình), and import old Excel lists."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from kcdesk.formatting import amount_in_words, format_date, format_money
from kcdesk.models.catalogue import CatalogueState
from kcdesk.services.catalogue import selection
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.catalogue.build import CatalogueView
from kcdesk.services.catalogue.columns import label_span, load_catalogue_form
from kcdesk.services.catalogue.compare import RowDiff
from kcdesk.services.catalogue.deadline import deadline_warning
from kcdesk.services.catalogue.department_letter import set_department_letter
from kcdesk.services.catalogue.outline import DraftOutline, draft_outline
from kcdesk.services.catalogue.selection import Candidate, entry_map
from kcdesk.services.core import audit, settings
from kcdesk.services.forms.load import load_funding_sources
from kcdesk.services.security.permissions import CATALOGUE_APPROVE, CATALOGUE_EDIT, allowed
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.catalogue.dialogs import CompareDialog, NumberDateDialog, ReasonDialog
from kcdesk.ui.catalogue.model import CatalogueModel
from kcdesk.ui.catalogue.row_heights import FitRowsOnScreen
from kcdesk.ui.catalogue.selection_table import SelectionTable, shown_order
from kcdesk.ui.crash import show_error
from kcdesk.ui.when_shown import WhenShown
from kcdesk.ui.worker import Job

# What the worker loads: the view, the settings, the proposals judged (in or out of the
# catalogue shown, with the reason; None: judged when their tab is shown), merged
# origins, a live draft's outline (its groups, without entries: issue 24) and how many
# proposals of the year the catalogue shown leaves out.
Loaded = tuple[
    CatalogueView, dict[str, Any], list[Candidate] | None, list[str], DraftOutline | None, int
]
SELECTION_TAB = 1
log = logging.getLogger(__name__)


class CataloguePanel(QWidget):
    def __init__(self, ctx: AppContext, *, year: int | None = None) -> None:
        super().__init__()
        self.setObjectName("catalogue_panel")
        self.ctx = ctx
        self.form = load_catalogue_form()
        self.current: CatalogueView | None = None
        self.settings_values: dict[str, Any] = {}
        self.dialog: Any = None  # the dialog opened last (tests drive it)

        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year or date.today().year + 1)
        self.source = QComboBox()
        for code, source in load_funding_sources().items():
            self.source.addItem(source.label, code)
        self.source.setCurrentIndex(max(0, self.source.findData("dia_phuong")))
        self.version = QComboBox()
        self.version.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # After a merge (issue 25): the old province's catalogue of the same year and
        # source is a separate one, chosen here and named by its origin.
        self.origin = QComboBox()
        self.origin.setObjectName("catalogue_origin")
        self.origin.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.origin.addItem("Trung tâm này", "")
        self.origin_label = QLabel("Của:")
        self.state_label = QLabel()
        self.state_label.setObjectName("state_label")
        self.totals_label = QLabel()
        self.totals_label.setObjectName("totals_label")
        self.totals_label.setWordWrap(True)
        # The 30/10 deadline (setting deadline.catalogue) while the catalogue is undecided.
        self.deadline_label = QLabel()
        self.deadline_label.setObjectName("deadline_label")
        self.deadline_label.setWordWrap(True)
        self.deadline_label.setStyleSheet("color: #b00020;")
        self.deadline_label.hide()

        self.submit_button = QPushButton("Trình danh mục…")
        self.approve_button = QPushButton("Ghi quyết định phê duyệt…")
        self.reopen_button = QPushButton("Đưa về dự thảo…")
        # The Department's tờ trình to the chairman: its number and date are printed on it.
        self.department_button = QPushButton("Tờ trình của Sở…")
        self.department_button.setObjectName("catalogue_department_letter")
        self.compare_button = QPushButton("So sánh phiên bản…")
        self.export_button = QPushButton("Xuất Excel, PDF ra USB…")
        self.import_button = QPushButton("Nhập danh sách Excel cũ…")
        self.signed_button = QPushButton("Văn bản đã ký số…")
        self.signed_button.setObjectName("catalogue_signed_button")

        self.model = CatalogueModel(self.form, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for i, column in enumerate(self.form.columns):
            header.resizeSection(i, int(column.width * 7))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.row_heights = FitRowsOnScreen(self.table)

        top = QHBoxLayout()
        for label, widget in (
            ("Năm kế hoạch:", self.year),
            ("Nguồn:", self.source),
            ("Xem:", self.version),
        ):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
        top.addWidget(self.origin_label)
        top.addWidget(self.origin)
        self.origin_label.hide()
        self.origin.hide()
        top.addWidget(self.state_label, 1)
        actions = QHBoxLayout()
        for button in (
            self.submit_button,
            self.approve_button,
            self.reopen_button,
            self.department_button,
            self.compare_button,
            self.export_button,
            self.import_button,
            self.signed_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.deadline_label)
        # Beside the catalogue: every proposal of the year, in it or not, and why.
        self.selection = SelectionTable()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Danh mục")
        self.tabs.addTab(self.selection, "Đề án của năm")
        layout.addWidget(self.tabs, 1)
        # The year's list (45,197 rows at 100,000) is made when its tab is first shown
        # after a load, not at every load (issue 24).
        self._explained: list[Candidate] | None = []
        self._selection_filled = True
        self._selection_request = 0
        self.tabs.currentChanged.connect(self._tab_shown)
        layout.addWidget(self.totals_label)

        self.year.valueChanged.connect(lambda _v: self.reload(keep_version=False))
        self.source.currentIndexChanged.connect(lambda _i: self.reload(keep_version=False))
        self.version.activated.connect(lambda _i: self.reload())
        self.origin.activated.connect(lambda _i: self.reload(keep_version=False))
        self.submit_button.clicked.connect(self.ask_submit)
        self.approve_button.clicked.connect(self.ask_approve)
        self.reopen_button.clicked.connect(self.ask_reopen)
        self.department_button.clicked.connect(self.ask_department_letter)
        self.compare_button.clicked.connect(self.open_compare)
        self.export_button.clicked.connect(self.open_export)
        self.import_button.clicked.connect(self.open_import)
        self.signed_button.clicked.connect(self.open_signed_documents)
        self._reload_when_shown = WhenShown(self, self.reload)  # hidden: on its next show
        ctx.data_changed.connect(self._on_data_changed)
        self.reload(keep_version=False)

    # -- loading ----------------------------------------------------------------
    @property
    def plan_year(self) -> int:
        return int(self.year.value())

    @property
    def funding_source(self) -> str:
        return str(self.source.currentData())

    def _on_data_changed(self, kind: str) -> None:
        if kind in (DataKind.PROPOSAL, DataKind.CATALOGUE):
            self._reload_when_shown()

    def reload(self, keep_version: bool = True) -> None:
        year, source = self.plan_year, self.funding_source
        version = self.version.currentData() if keep_version else None
        origin = str(self.origin.currentData() or "")
        db = self.ctx.db

        def load(_job: Job) -> Loaded:
            with db.session() as session:
                origins = catalogue.merged_origins(session, year, source)
                chosen = origin if origin in origins else ""
                if chosen:
                    view = catalogue.view(session, year, source, version, chosen)
                    return view, settings.get_all(session), [], origins, None, 0
                view = catalogue.view(session, year, source, version, live=False)
                values = settings.get_all(session)
                if view.version_number is None:
                    # A live draft: its outline now, its entries as they are shown, the
                    # year's list when its tab is (issue 24). Every proposal of the year
                    # not in the draft is left out of it.
                    outline = draft_outline(session, year, source)
                    left_out = outline.year_count - outline.count
                    return view, values, None, origins, outline, left_out
                # A frozen version: the year judged for the list beside it.
                year_judged = selection.candidates(session, year, source, all_sources=True)
                explained = selection.explain(session, view, year_judged)
                left_out = sum(1 for c in explained if not c.included)
                return view, values, explained, origins, None, left_out

        self.ctx.worker.run(load, self._show, self._failed)

    def _set_origins(self, origins: list[str], shown: str) -> None:
        self.origin.blockSignals(True)
        self.origin.clear()
        self.origin.addItem("Trung tâm này", "")
        for origin in origins:
            self.origin.addItem(f"Danh mục riêng của {origin}", origin)
        self.origin.setCurrentIndex(max(0, self.origin.findData(shown)))
        self.origin.blockSignals(False)
        self.origin.setVisible(bool(origins))
        self.origin_label.setVisible(bool(origins))

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _read_entries(self, ids: list[int]) -> dict[int, Any] | None:
        """A page of the draft's entries, read as the table shows them (issue 24)."""
        try:
            with self.ctx.db.session() as session:
                return entry_map(session, ids)
        except SQLAlchemyError:
            # Drawn while the database cannot be read (a server gone, a window closing
            # after its database): empty lines now, read again when next drawn; a
            # paint cannot show an error box, the next action says what is wrong.
            log.warning("catalogue page not read", exc_info=True)
            return None

    def _show(self, result: Loaded) -> None:
        view, values, explained, origins, outline, left_out = result
        if (view.plan_year, view.funding_source) != (self.plan_year, self.funding_source):
            return  # an older request answered after the user moved on
        self.current, self.settings_values = view, values
        self._set_origins(origins, view.origin)
        self.model.set_view(view, outline, self._read_entries)
        self._explained = explained
        self._selection_filled = False
        self._selection_request += 1
        self.selection.set_rows([], ordered=True)  # the last load's list is not shown
        self.tabs.setTabText(SELECTION_TAB, f"Đề án của năm ({left_out} không có trong danh mục)")
        self._tab_shown(self.tabs.currentIndex())
        self._span_labels()
        self.row_heights.reset()  # the rows on screen fitted to their text, the rest when seen
        self.version.blockSignals(True)
        self.version.clear()
        self.version.addItem("Bản hiện hành", None)
        for number in view.versions:
            self.version.addItem(f"Phiên bản {number}", number)
        if view.version_number is not None and view.version_number != (
            view.versions[-1] if view.versions else None
        ):
            self.version.setCurrentIndex(self.version.findData(view.version_number))
        self.version.blockSignals(False)
        state = view.state.label
        if view.decision_no and view.decision_date:
            state += f" — QĐ số {view.decision_no} ngày {format_date(view.decision_date)}"
        if view.version_number:
            state += f" (phiên bản {view.version_number})"
        if view.department_letter_no:
            when = view.department_letter_date
            state += f" — Tờ trình của Sở số {view.department_letter_no}" + (
                f" ngày {format_date(when)}" if when else ""
            )
        if view.origin:
            state = f"{view.origin} — {state}"
        self.state_label.setText(f"Trạng thái: {state}")
        warning = deadline_warning(
            str(values.get("deadline.catalogue") or "30-10"),
            view.plan_year,
            view.state,
            date.today(),
        )
        self.deadline_label.setText(warning[0] if warning else "")
        self.deadline_label.setVisible(warning is not None)
        support, count = self.model.total("support"), self.model.entry_count()
        self.totals_label.setText(
            f"{count} đề án; tổng kinh phí {format_money(self.model.total('total_cost'))} đồng; "
            f"kinh phí khuyến công hỗ trợ {format_money(support)} đồng "
            f"({amount_in_words(support)})."
        )
        actor = self.ctx.actor
        self.submit_button.setEnabled(
            view.state is CatalogueState.DRAFT and allowed(actor, CATALOGUE_EDIT) and count > 0
        )
        self.approve_button.setEnabled(
            view.state in (CatalogueState.DRAFT, CatalogueState.SUBMITTED)
            and allowed(actor, CATALOGUE_APPROVE)
            and count > 0
        )
        self.reopen_button.setEnabled(
            view.state is CatalogueState.SUBMITTED and allowed(actor, CATALOGUE_EDIT)
        )
        self.department_button.setEnabled(
            view.version_number is not None and allowed(actor, CATALOGUE_EDIT)
        )
        self.compare_button.setEnabled(len(view.versions) >= 2)
        self.export_button.setEnabled(count > 0)
        if view.origin:
            # The old province's catalogue is kept as it came: read, compare, export.
            for button in (self.submit_button, self.approve_button, self.reopen_button):
                button.setEnabled(False)

    def _tab_shown(self, index: int) -> None:
        """The year's list made for the last load, when its tab is shown."""
        if index != SELECTION_TAB or self._selection_filled:
            return
        self._selection_filled = True
        request, explained, view, db = (
            self._selection_request,
            self._explained,
            self.current,
            self.ctx.db,
        )

        def rows(_job: Job) -> list[dict[str, object]]:
            judged = explained
            if judged is None and view is not None:
                # A live draft: the year judged now, as the draft's outline judged it.
                with db.session() as session:
                    judged = selection.candidates(
                        session, view.plan_year, view.funding_source, all_sources=True
                    )
            # In the order shown, sorted here rather than on the screen's thread.
            return shown_order([c.as_json() for c in judged or ()])

        def show(judged: list[dict[str, object]]) -> None:
            if shiboken6.isValid(self) and request == self._selection_request:
                self.selection.set_rows(judged, ordered=True)

        self.ctx.worker.run(rows, show, self._failed)

    def _span_labels(self) -> None:
        """Group and total labels span the text columns after the title, as printed."""
        self.table.clearSpans()
        start, end = label_span(self.form)
        if end <= start:
            return
        for row in self.model.label_rows():
            self.table.setSpan(row, start, 1, end - start + 1)

    # -- state changes ------------------------------------------------------------
    def _write(self, action: Any) -> None:
        try:
            with self.ctx.db.session() as session:
                action(session)
        except Exception as exc:  # shown to the user, not swallowed
            show_error(self, exc)
            return
        self.ctx.notify(DataKind.CATALOGUE)

    def ask_submit(self) -> None:
        dialog = NumberDateDialog("Trình danh mục", "Số tờ trình:", self, today=date.today())
        year, source = self.plan_year, self.funding_source

        def done() -> None:
            number, when = dialog.values()
            self._write(
                lambda s: catalogue.submit(
                    s, self.ctx.actor, year, source, letter_no=number or None, letter_date=when
                )
            )

        dialog.accepted.connect(done)
        self.dialog = dialog
        dialog.open()

    def ask_approve(self) -> None:
        dialog = NumberDateDialog(
            "Quyết định phê duyệt danh mục", "Số quyết định:", self, today=date.today()
        )
        year, source = self.plan_year, self.funding_source

        def done() -> None:
            number, when = dialog.values()
            self._write(
                lambda s: catalogue.approve(
                    s, self.ctx.actor, year, source, decision_no=number, decision_date=when
                )
            )

        dialog.accepted.connect(done)
        self.dialog = dialog
        dialog.open()

    def ask_department_letter(self) -> None:
        """Số, ngày of the Department's tờ trình sending the version shown to the chairman."""
        if self.current is None or self.current.version_number is None:
            return
        dialog = NumberDateDialog(
            "Tờ trình của Sở trình Chủ tịch UBND tỉnh",
            "Số tờ trình của Sở:",
            self,
            today=self.current.department_letter_date or date.today(),
        )
        dialog.number.setText(self.current.department_letter_no or "")
        dialog.number.setPlaceholderText("ví dụ 12 hoặc 12/TTr-SCT")
        year, source, number = self.plan_year, self.funding_source, self.current.version_number

        def done() -> None:
            text, when = dialog.values()
            self._write(
                lambda s: set_department_letter(
                    s, self.ctx.actor, year, source, number=text, when=when, version=number
                )
            )

        dialog.accepted.connect(done)
        self.dialog = dialog
        dialog.open()

    def ask_reopen(self) -> None:
        dialog = ReasonDialog("Đưa danh mục về dự thảo", self)
        year, source = self.plan_year, self.funding_source

        def done() -> None:
            reason = dialog.reason.text()
            self._write(lambda s: catalogue.reopen(s, self.ctx.actor, year, source, reason=reason))

        dialog.accepted.connect(done)
        self.dialog = dialog
        dialog.open()

    def open_compare(self) -> None:
        if self.current is None:
            return
        year, source = self.plan_year, self.funding_source

        def compare(old: int, new: int) -> list[RowDiff]:
            with self.ctx.db.session() as session:
                return catalogue.compare(session, year, source, old, new)

        self.dialog = CompareDialog(list(self.current.versions), compare, self)
        self.dialog.open()

    def open_export(self) -> None:
        # The export's modules (files, drives, the dialog) load when it is asked for, not
        # when the section first opens (issue 24).
        from kcdesk.ui.catalogue.export_files import export_files_for
        from kcdesk.ui.usb_export_dialog import UsbExportDialog

        if self.current is None:
            return
        db = self.ctx.db

        def audit_check() -> str | None:
            with db.session() as session:
                return audit.check_code(audit.chain_head(session))

        full = None
        if self.model.outline is not None:
            # A live draft's entries are read a page at a time on screen: the files get
            # the whole draft, read on the worker when they are written.
            year, source = self.current.plan_year, self.current.funding_source

            def full() -> CatalogueView:
                with db.session() as session:
                    return catalogue.view(session, year, source)

        files = export_files_for(
            self.current, self.settings_values, audit_check=audit_check, full=full
        )
        self.dialog = UsbExportDialog(self.ctx, files, self, title="Ghi danh mục ra USB")
        self.dialog.open()

    def open_signed_documents(self) -> None:
        """The chairman's signed decision (and other signed PDFs) of this catalogue."""
        from kcdesk.services.signing.attached import Owner
        from kcdesk.ui.signing.attached_dialog import SignedDocumentsDialog

        owner = Owner.catalogue(self.plan_year, self.funding_source)
        self.dialog = SignedDocumentsDialog(self.ctx, owner, self)
        self.dialog.show()

    def open_import(self) -> None:
        from kcdesk.ui.catalogue.import_wizard import ImportWizard  # openpyxl: when used

        self.dialog = ImportWizard(self.ctx, self)
        self.dialog.open()
