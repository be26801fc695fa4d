"""Báo cáo định kỳ (6 tháng, năm): the sections people write, typed here and kept with
the report, then the PDF to the Department.

Sections I–II (general situation, results) are computed; III Đánh giá (kết quả,
tồn tại, hạn chế, nguyên nhân), IV Phương hướng and V Kiến nghị are the user's
(``services.dashboard.report_text``). Changing the period loads what was typed for
it; "Lưu" keeps the text; "Lưu và in PDF…" keeps it and writes the report on the
background worker.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.dashboard import report_text
from kcdesk.ui.app_context import AppContext


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class PeriodicReportDialog(QDialog):
    def __init__(
        self, ctx: AppContext, programme: str, year: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.programme = programme
        self.setObjectName("periodic_report_dialog")
        self.setWindowTitle(f"Báo cáo định kỳ — {programme}")
        self.date_from = QDateEdit(_qdate(date(year, 1, 1)))
        self.date_to = QDateEdit(_qdate(date(year, 6, 30)))
        for date_edit in (self.date_from, self.date_to):
            date_edit.setDisplayFormat("dd/MM/yyyy")
            date_edit.setCalendarPopup(True)
            date_edit.dateChanged.connect(lambda _d: self.load())
        self.texts: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        period = QHBoxLayout()
        period.addWidget(QLabel("Từ ngày"))
        period.addWidget(self.date_from)
        period.addWidget(QLabel("đến ngày"))
        period.addWidget(self.date_to)
        form.addRow("Kỳ báo cáo:", period)
        for code, label in report_text.SECTIONS.items():
            edit = QPlainTextEdit()
            edit.setObjectName(f"section:{code}")
            edit.setTabChangesFocus(True)
            self.texts[code] = edit
            form.addRow(label + ":", edit)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Lưu")
        self.pdf_button = QPushButton("Lưu và in PDF…")
        close = QPushButton("Đóng")
        self.save_button.clicked.connect(lambda: self.save())
        self.pdf_button.clicked.connect(lambda: self.save_and_print())
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.save_button, self.pdf_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Mục I–II do kcdesk tính từ số liệu; mục III–V do người báo cáo viết, "
                "được lưu cùng báo cáo của kỳ."
            )
        )
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.last_pdf: Path | None = None
        self.load()

    def period(self) -> tuple[date, date]:
        return _pydate(self.date_from.date()), _pydate(self.date_to.date())

    def load(self) -> None:
        start, end = self.period()
        with self.ctx.db.session() as session:
            saved = report_text.get_texts(session, self.programme, start, end)
        for code, edit in self.texts.items():
            edit.setPlainText(saved.get(code, ""))

    def save(self) -> bool:
        start, end = self.period()
        if end < start:
            self.message.setText("Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.")
            return False
        values = {code: edit.toPlainText() for code, edit in self.texts.items()}
        try:
            with self.ctx.db.session() as session:
                changed = report_text.save_texts(
                    session, self.ctx.actor, self.programme, start, end, values
                )
        except UserError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(f"Đã lưu ({changed} mục thay đổi).")
        return True

    def save_and_print(self, path: Path | None = None) -> None:
        if not self.save():
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, "Lưu báo cáo", f"bao-cao-{self.programme}.pdf", "PDF (*.pdf)"
            )
            if not chosen:
                return
            path = Path(chosen)
        start, end = self.period()
        db, programme, target = self.ctx.db, self.programme, path

        def work(_job: Any) -> Path:
            from kcdesk.reports.common.org import agency_from_settings
            from kcdesk.reports.periodic.pdf import department_addressee, save_periodic_report_pdf
            from kcdesk.services.dashboard import periodic

            with db.session() as session:
                report = periodic.compute_period(session, programme, start, end)
                values = settings.get_all(session)
                texts = report_text.get_texts(session, programme, start, end)
            save_periodic_report_pdf(
                report,
                agency_from_settings(values, "centre"),
                target,
                department=department_addressee(values),
                texts=texts,
            )
            return target

        self.message.setText(f"Đang ghi {target.name}…")
        self.ctx.worker.run(work, self._written, self._failed)

    def _written(self, path: Path) -> None:
        self.last_pdf = path
        self.message.setText(f"Đã ghi {path}")

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(str(exc) if isinstance(exc, UserError) else f"Không ghi được: {exc}")
