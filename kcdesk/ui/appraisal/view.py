"""The appraisal section: pick a council, set it up, print sheets, enter scores, results.

Printing (sheets, minutes) runs on the context's single worker with a progress
dialog that can cancel; the finished PDF opens in the in-app preview.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kcdesk import paths
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.criteria import load_criteria_sets
from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.appraisal import recording
from kcdesk.ui.appraisal.common import message_label, say
from kcdesk.ui.appraisal.results_panel import ResultsPanel
from kcdesk.ui.appraisal.score_panel import ScorePanel
from kcdesk.ui.appraisal.setup_panel import SetupPanel
from kcdesk.ui.pdf_preview import show_pdf
from kcdesk.ui.worker import Job


def output_folder() -> Path:
    folder = paths.prints_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


class AppraisalView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appraisal_view")
        self.ctx = ctx
        self.last_output: Path | None = None
        self.progress: QProgressDialog | None = None
        self.job: Job | None = None

        self.year = QSpinBox()
        self.year.setObjectName("appraisal_year")
        self.year.setRange(2000, 2100)
        self.year.setPrefix("Năm kế hoạch ")
        self.session_box = QComboBox()
        self.session_box.setObjectName("session_box")
        self.criteria_box = QComboBox()
        self.criteria_box.setObjectName("criteria_box")
        try:
            for spec in load_criteria_sets().values():
                self.criteria_box.addItem(spec.label, spec.code)
        except UserError as exc:
            self.criteria_box.addItem(str(exc), None)
        new_button = QPushButton("Hội đồng &mới")
        new_button.setObjectName("new_session")
        new_button.clicked.connect(self.new_session)
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(QLabel("Hội đồng:"))
        top.addWidget(self.session_box, 2)
        top.addWidget(self.criteria_box, 1)
        top.addWidget(new_button)

        self.order = QComboBox()
        self.order.setObjectName("sheet_order")
        self.order.addItem("Phát theo từng thành viên", "member")
        self.order.addItem("Theo từng đề án", "proposal")
        self.blank = QComboBox()
        self.blank.setObjectName("sheet_kind")
        self.blank.addItem("Ghi sẵn tóm tắt đề án", False)
        self.blank.addItem("Phiếu trống", True)
        buttons: list[tuple[str, str, Callable[[], object]]] = [
            ("print_sheets", "In &phiếu", self.print_sheets),
            # Alt+G is the menu bar's "Trợ giúp": this one is Alt+K.
            ("record_results", "Ghi &kết quả", self.record),
            ("undo_results", "&Huỷ kết quả đã ghi", self.undo_record),
            ("print_minutes", "In &biên bản", self.print_minutes),
            ("export_xlsx", "Xuất &Excel", self.export_xlsx),
        ]
        actions = QHBoxLayout()
        actions.addWidget(self.order)
        actions.addWidget(self.blank)
        for name, text, slot in buttons:
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(lambda _c=False, s=slot: s())
            actions.addWidget(button)
        actions.addStretch(1)

        self.setup = SetupPanel(ctx)
        self.scores = ScorePanel(ctx)
        self.results = ResultsPanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.setup, "Lập hội đồng")
        self.tabs.addTab(self.scores, "Nhập điểm")
        self.tabs.addTab(self.results, "Kết quả")
        self.message = message_label("appraisal_message")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)

        self.setup.changed.connect(self._session_changed_elsewhere)
        self.scores.saved.connect(self.results.refresh)
        self.session_box.currentIndexChanged.connect(lambda _i: self._select())
        # The year set quietly, then one load (its change signal loaded it a second time).
        self.year.blockSignals(True)
        self.year.setValue(self._default_year())
        self.year.blockSignals(False)
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.reload()

    # -- sessions -----------------------------------------------------------------

    def _default_year(self) -> int:
        with self.ctx.db.session() as session:
            found = appraisal.list_sessions(session)
            return found[-1].plan_year if found else date.today().year + 1

    @property
    def session_id(self) -> int | None:
        data = self.session_box.currentData()
        return int(data) if data is not None else None

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else self.session_id
        self.session_box.blockSignals(True)
        self.session_box.clear()
        with self.ctx.db.session() as session:
            for s in appraisal.list_sessions(session, self.year.value()):
                self.session_box.addItem(s.name, s.id)
        index = self.session_box.findData(keep) if keep is not None else -1
        self.session_box.setCurrentIndex(index if index >= 0 else 0)
        self.session_box.blockSignals(False)
        if self.session_box.count() == 0:
            # Before any council: say what to do first.
            say(
                self.message,
                f"Chưa có hội đồng thẩm định năm {self.year.value()}. Bấm «Hội đồng mới» để "
                "lập hội đồng, thêm thành viên và các đề án chờ thẩm định, rồi chấm điểm.",
                error=False,
            )
        self._select()

    def _select(self) -> None:
        sid = self.session_id
        if sid is None:
            self.setup.show_session(None, None)
            self.scores.show_session(None)
            self.results.show_session(None)
            return
        # One load of the council for the three tabs (each loaded it, twice over).
        with self.ctx.db.session() as session:
            s = appraisal.get_session(session, sid)
            self.setup.show_session(session, s)
            self.scores.show_session(s)
            self.results.show_session(s)

    def _session_changed_elsewhere(self) -> None:
        sid = self.session_id
        # Names may have changed: refresh the combo text, keep the selection.
        with self.ctx.db.session() as session:
            for i in range(self.session_box.count()):
                s = appraisal.get_session(session, int(self.session_box.itemData(i)))
                self.session_box.setItemText(i, s.name)
        self.scores.set_session(sid)
        self.results.set_session(sid)

    def new_session(self) -> int | None:
        year = self.year.value()
        try:
            with self.ctx.db.session() as session:
                s = appraisal.create_session(
                    session,
                    self.ctx.actor,
                    name=f"Hội đồng thẩm định đề án khuyến công năm {year}",
                    plan_year=year,
                    criteria_code=self.criteria_box.currentData(),
                )
                sid = s.id
        except UserError as exc:
            say(self.message, str(exc), error=True)
            return None
        say(self.message, "Đã lập hội đồng mới: nhập quyết định, thành viên và đề án.")
        self.ctx.notify(DataKind.APPRAISAL)
        self.reload(select=sid)
        self.tabs.setCurrentWidget(self.setup)
        return sid

    # -- printing -------------------------------------------------------------------

    def _run_print(self, label: str, target: Path, work: Callable[[Job], int]) -> None:
        self.progress = QProgressDialog(label, "Hủy", 0, 0, self)
        self.progress.setObjectName("print_progress")
        self.progress.setWindowTitle("kcdesk")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.show()

        def done(count: Any) -> None:
            self._close_progress()
            if not shiboken6.isValid(self):
                return
            if count is None or int(count) < 0:
                say(self.message, "Đã hủy in.", error=True)
                return
            self.last_output = target
            say(self.message, f"Đã in vào {target}.")
            self.preview(target)

        def failed(exc: BaseException) -> None:
            self._close_progress()
            if shiboken6.isValid(self):
                say(self.message, str(exc), error=True)

        dialog = self.progress

        def progress(done_n: int, total: int, text: str) -> None:
            # A modal QProgressDialog runs the event loop inside setValue, where the
            # job may finish and close it: check before every call.
            if text and shiboken6.isValid(dialog) and dialog.isVisible():
                dialog.setLabelText(text)
            if shiboken6.isValid(dialog) and dialog.isVisible():
                dialog.setMaximum(total)
            if shiboken6.isValid(dialog) and dialog.isVisible():
                dialog.setValue(done_n)

        self.job = self.ctx.worker.run(work, done, failed, progress)
        self.progress.canceled.connect(self.job.cancel)

    def _close_progress(self) -> None:
        if self.progress is not None and shiboken6.isValid(self.progress):
            self.progress.close()
            self.progress.deleteLater()
        self.progress = None

    def print_sheets(self, target: Path | None = None) -> bool:
        sid = self.session_id
        if sid is None:
            say(self.message, "Chưa chọn hội đồng.", error=True)
            return False
        target = target or output_folder() / f"phieu-tham-dinh-{sid}-{_stamp()}.pdf"
        order, blank, db = self.order.currentData(), bool(self.blank.currentData()), self.ctx.db

        def work(job: Job) -> int:
            from kcdesk.reports.appraisal.sheet_data import print_sheets

            def step(done_n: int, total: int) -> bool:
                job.report(done_n, total, f"Đang in phiếu {done_n}/{total}…")
                return not job.cancelled

            with db.session() as session:
                s = appraisal.get_session(session, sid)
                return print_sheets(session, [s], target, order=order, blank=blank, progress=step)

        self._run_print("Đang in phiếu đánh giá…", target, work)
        return True

    def print_minutes(self, target: Path | None = None) -> bool:
        sid = self.session_id
        if sid is None:
            say(self.message, "Chưa chọn hội đồng.", error=True)
            return False
        target = target or output_folder() / f"bien-ban-tham-dinh-{sid}-{_stamp()}.pdf"
        db = self.ctx.db

        def work(job: Job) -> int:
            from kcdesk.reports.appraisal.minutes_pdf import write_minutes

            job.report(0, 1, "Đang in biên bản…")
            with db.session() as session:
                write_minutes(
                    appraisal.get_session(session, sid), settings.get_all(session), target
                )
            job.report(1, 1, "")
            return 1

        self._run_print("Đang in biên bản thẩm định…", target, work)
        return True

    def preview(self, path: Path) -> None:
        show_pdf(self, path)

    # -- results --------------------------------------------------------------------

    def record(self, *, confirm: bool = True, codes: list[str] | None = None) -> bool:
        return recording.record(self, confirm=confirm, codes=codes)

    def undo_record(self, *, confirm: bool = True, codes: list[str] | None = None) -> bool:
        return recording.undo(self, confirm=confirm, codes=codes)

    def refresh_panels(self) -> None:
        self._select()

    def export_xlsx(self, target: Path | None = None) -> bool:
        sid = self.session_id
        if sid is None:
            say(self.message, "Chưa chọn hội đồng.", error=True)
            return False
        if target is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self,
                "Xuất tổng hợp kết quả",
                str(output_folder() / f"tong-hop-tham-dinh-{sid}.xlsx"),
                "Excel (*.xlsx)",
            )
            if not chosen:
                return False
            target = Path(chosen)
        from kcdesk.reports.appraisal.summary_xlsx import write_summary

        try:
            with self.ctx.db.session() as session:
                write_summary(appraisal.get_session(session, sid), target)
        except UserError as exc:
            say(self.message, str(exc), error=True)
            return False
        self.last_output = target
        say(self.message, f"Đã xuất {target}.")
        return True
