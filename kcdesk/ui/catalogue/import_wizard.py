"""Import wizard for old Excel lists: file and sheet → column mapping → preview with
every row's errors → import on the worker with progress (nhập danh sách Excel cũ)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from kcdesk.formatting import format_money
from kcdesk.models import ProposalStatus
from kcdesk.services.core.errors import UserError
from kcdesk.services.forms.load import load_activities, load_funding_sources
from kcdesk.services.imports import old_lists as xlsx_import
from kcdesk.services.imports.header import FIELDS
from kcdesk.services.imports.old_lists import ImportPreview, ImportResult
from kcdesk.ui import file_dialogs
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.screen_fit import fit_window
from kcdesk.ui.worker import Job


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Chọn tệp Excel")
        self.setSubTitle("Tệp .xlsx chứa danh sách đề án các năm trước.")
        self.path = QLineEdit()
        self.path.setObjectName("path")
        browse = QPushButton("Chọn tệp…")
        self.sheet = QComboBox()
        self.year = QSpinBox()
        self.year.setRange(0, 2100)
        self.year.setSpecialValueText("Theo tệp (cột năm hoặc tiêu đề)")
        self.year.setValue(0)
        self.activity = QComboBox()
        self.activity.addItem("Theo dòng nhóm trong tệp (I, II, III…)", None)
        for code, spec in load_activities().items():
            self.activity.addItem(spec.short_label, code)
        self.status = QComboBox()
        for status in ProposalStatus:
            self.status.addItem(status.label, status.value)
        self.source = QComboBox()
        for code, source in load_funding_sources().items():
            self.source.addItem(source.label, code)
        self.source.setCurrentIndex(max(0, self.source.findData("dia_phuong")))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828")
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Tệp:", row)
        form.addRow("Trang tính:", self.sheet)
        form.addRow("Năm kế hoạch:", self.year)
        form.addRow("Nội dung hoạt động:", self.activity)
        form.addRow("Trạng thái gán:", self.status)
        form.addRow("Nguồn kinh phí:", self.source)
        form.addRow(self.error)
        browse.clicked.connect(self._browse)
        self.path.textChanged.connect(self._path_changed)

    def _browse(self) -> None:
        picked = file_dialogs.open_file(self, "Chọn tệp Excel", "Excel (*.xlsx)")
        name = str(picked) if picked is not None else ""
        if name:
            self.path.setText(name)

    def _path_changed(self) -> None:
        self.sheet.clear()
        self.error.setText("")
        path = Path(self.path.text().strip())
        if path.is_file():
            try:
                self.sheet.addItems(xlsx_import.sheet_names(path))
            except UserError as exc:
                self.error.setText(str(exc))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.sheet.count() > 0

    def validatePage(self) -> bool:
        self.w.corrections = None
        return self.w.analyse(self.error)


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Ghép cột")
        self.setSubTitle("kcdesk đã đoán cột theo tên; sửa nếu cần.")
        self.combos: dict[str, QComboBox] = {}
        self.form = QFormLayout(self)
        for field, (label, _phrases) in FIELDS.items():
            combo = QComboBox()
            self.combos[field] = combo
            self.form.addRow(f"{label}:", combo)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828")
        self.form.addRow(self.error)

    def initializePage(self) -> None:
        preview = self.w.preview
        assert preview is not None
        mapping = preview.mapping
        for field, combo in self.combos.items():
            combo.clear()
            combo.addItem("(không dùng)", None)
            for column in preview.columns:
                combo.addItem(f"{column.letter} — {column.label}", column.index)
            index = combo.findData(mapping.get(field)) if field in mapping else 0
            combo.setCurrentIndex(max(0, index))

    def validatePage(self) -> bool:
        self.w.corrections = {f: c.currentData() for f, c in self.combos.items()}
        return self.w.analyse(self.error)


class PreviewPage(QWizardPage):
    HEAD = ("Dòng", "Tên đề án", "Nội dung", "Năm", "Tổng kinh phí", "Hỗ trợ", "Lỗi")

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Xem trước")
        self.setCommitPage(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(self.HEAD))
        self.table.setObjectName("preview_table")
        self.table.setHorizontalHeaderLabels(list(self.HEAD))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        for col, width in enumerate((50, 260, 130, 50, 110, 110)):
            self.table.setColumnWidth(col, width)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)

    def initializePage(self) -> None:
        preview = self.w.preview
        assert preview is not None
        activities = load_activities()
        valid = len(preview.valid_rows)
        self.summary.setText(
            f"Trang «{preview.sheet}», tiêu đề ở dòng "
            f"{', '.join(map(str, preview.header_rows))}: {valid} dòng hợp lệ sẽ được nhập, "
            f"{len(preview.error_rows)} dòng lỗi không nhập; {preview.group_rows} dòng nhóm, "
            f"{preview.total_rows} dòng tổng được bỏ qua. Các đề án đã nhập trước đây sẽ "
            "không bị tạo lại."
        )
        self.table.setRowCount(len(preview.rows))
        red = QColor("#ffebee")
        for r, row in enumerate(preview.rows):
            spec = activities.get(row.activity or "")
            values = (
                str(row.row),
                row.title,
                spec.short_label if spec else "—",
                str(row.plan_year or "—"),
                format_money(row.total_cost),
                format_money(row.support),
                "; ".join(row.errors),
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if c in (4, 5):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if row.errors:
                    item.setBackground(red)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.preview is not None and bool(self.w.preview.valid_rows)


class ResultPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Nhập dữ liệu")
        self.progress = QProgressBar()
        self.message = QLabel("Đang nhập…")
        self.message.setObjectName("result_message")
        self.message.setWordWrap(True)
        self.done = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)

    def initializePage(self) -> None:
        self.done = False
        self.w.start_import(self)

    def finish(self, text: str) -> None:
        self.done = True
        self.message.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.done


class ImportWizard(QWizard):
    """Non-modal; tests drive it with next() and wait for ``import_result``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_wizard")
        self.setWindowTitle("Nhập danh sách đề án từ Excel")
        self.ctx = ctx
        self.preview: ImportPreview | None = None
        self.corrections: dict[str, int | None] | None = None
        self.import_result: ImportResult | BaseException | None = None
        for button, text in (
            (QWizard.WizardButton.BackButton, "< Quay lại"),
            (QWizard.WizardButton.NextButton, "Tiếp >"),
            (QWizard.WizardButton.CommitButton, "Nhập"),
            (QWizard.WizardButton.FinishButton, "Xong"),
            (QWizard.WizardButton.CancelButton, "Hủy"),
        ):
            self.setButtonText(button, text)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)
        fit_window(self, 860, 600)

    def analyse(self, error_label: QLabel) -> bool:
        page = self.file_page
        year = page.year.value() or None
        try:
            self.preview = xlsx_import.analyse(
                Path(page.path.text().strip()),
                sheet=page.sheet.currentText() or None,
                corrections=self.corrections,
                year=year,
                default_activity=page.activity.currentData(),
            )
        except UserError as exc:
            error_label.setText(str(exc))
            return False
        error_label.setText("")
        return True

    def start_import(self, page: ResultPage) -> None:
        preview = self.preview
        assert preview is not None
        status = ProposalStatus(self.file_page.status.currentData())
        source = str(self.file_page.source.currentData())
        db, actor = self.ctx.db, self.ctx.actor

        def work(job: Job) -> ImportResult:
            with db.session() as session:
                return xlsx_import.apply_import(
                    session,
                    actor,
                    preview,
                    status=status,
                    funding_source=source,
                    progress=job.report,
                    cancelled=lambda: job.cancelled,
                )

        def progress(done: int, total: int, _text: str) -> None:
            page.progress.setRange(0, max(total, 1))
            page.progress.setValue(done)

        def ok(result: Any) -> None:
            self.import_result = result
            page.progress.setValue(page.progress.maximum())
            page.finish(
                f"Đã tạo {result.created} đề án ({result.facilities_created} cơ sở mới); "
                f"bỏ qua {result.skipped} đề án đã có; {len(preview.error_rows)} dòng lỗi "
                "không nhập."
            )
            self.ctx.notify(DataKind.PROPOSAL)

        def failed(exc: BaseException) -> None:
            self.import_result = exc
            page.finish(f"Chưa nhập được: {exc}. Không có gì bị ghi.")

        self.ctx.worker.run(work, ok, failed, progress)
