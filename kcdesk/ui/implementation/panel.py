"""One proposal's implementation: header with money and status, and three tabs.

Writes are small single-row transactions run on the UI thread (they take a few
milliseconds); every refusal is shown in the tab that caused it.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kcdesk import paths
from kcdesk.formatting import format_date, format_money
from kcdesk.models import ProposalStatus
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.file_names import safe_file_name
from kcdesk.services.implementation import progress as impl
from kcdesk.services.implementation import views as view
from kcdesk.services.proposals.lookup import get_proposal
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.crash import show_error
from kcdesk.ui.implementation.common import WriteFn, message_label, say
from kcdesk.ui.implementation.tab_acceptance import AcceptanceTab
from kcdesk.ui.implementation.tab_money import MoneyTab
from kcdesk.ui.implementation.tab_progress import ProgressTab
from kcdesk.ui.pdf_preview import show_pdf

log = logging.getLogger(__name__)


class ProposalPanel(QWidget):
    """``changed(code)`` after every saved write (the list refreshes its row)."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code: str | None = None
        self.data: dict[str, Any] | None = None
        self.preview: QWidget | None = None
        self.heading = QLabel("Chọn một đề án trong danh sách.")
        self.heading.setObjectName("panel_heading")
        self.heading.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("panel_summary")
        self.summary.setWordWrap(True)
        self.start_button = QPushButton("Bắt đầu thực hiện")
        self.start_button.setObjectName("start_button")
        self.start_button.clicked.connect(self.start)
        self.message = message_label("panel_message")
        self.progress_tab = ProgressTab(self.write)
        self.acceptance_tab = AcceptanceTab(self.write)
        self.acceptance_tab.print_requested.connect(self.print_minutes)
        self.money_tab = MoneyTab(self.write)
        self.tabs = QTabWidget()
        for tab, title in (
            (self.progress_tab, "Tiến độ"),
            (self.acceptance_tab, "Nghiệm thu"),
            (self.money_tab, "Giải ngân, quyết toán"),
        ):
            # Long forms scroll instead of squeezing their tables on small screens.
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(tab)
            self.tabs.addTab(scroll, title)
        self.setMinimumWidth(480)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self.tabs.setEnabled(False)
        self.start_button.setEnabled(False)

    def load(self, code: str | None) -> None:
        self.code = code
        if code is None:
            self.data = None
            self.heading.setText("Chọn một đề án trong danh sách.")
            self.summary.clear()
            self.tabs.setEnabled(False)
            self.start_button.setEnabled(False)
            return
        with self.ctx.db.session() as session:
            self.data = view.detail_dict(session, get_proposal(session, code))
        self._show(self.data)

    def reload(self) -> None:
        self.load(self.code)

    def _show(self, data: dict[str, Any]) -> None:
        status = ProposalStatus(data["status"])
        self.heading.setText(f"<b>{data['code']}</b> — {data['title']}")
        due = date.fromisoformat(data["settlement_due"])
        self.summary.setText(
            f"Trạng thái: <b>{status.label}</b> · được duyệt {format_money(data['support'])} · "
            f"đã chi {format_money(data['disbursed'])} đồng · hạn quyết toán {format_date(due)}"
        )
        self.start_button.setEnabled(status is ProposalStatus.APPROVED)
        self.tabs.setEnabled(True)
        self.progress_tab.show_data(data)
        self.acceptance_tab.show_data(data)
        self.money_tab.show_data(data)

    def write(self, label: QLabel, fn: WriteFn, done: str) -> bool:
        """Run ``fn`` in one transaction; show the refusal or ``done`` in ``label``."""
        if self.code is None:
            return False
        try:
            with self.ctx.db.session() as session:
                fn(session, self.ctx.actor, get_proposal(session, self.code))
        except UserError as exc:
            say(label, str(exc), error=True)
            return False
        except Exception as exc:  # unexpected: the crash box, with details to copy
            log.exception("implementation write failed")
            show_error(self, exc)
            return False
        self.reload()
        say(label, done)
        self.ctx.notify(DataKind.IMPLEMENTATION)
        self.changed.emit(self.code)
        return True

    def start(self) -> bool:
        return self.write(
            self.message,
            lambda session, actor, proposal: impl.start(session, actor, proposal),
            "Đề án chuyển sang 'Đang thực hiện'.",
        )

    def minutes_path(self) -> Path:
        name = safe_file_name(f"Biên bản nghiệm thu {self.code or 'đề án'}.pdf")
        return paths.prints_dir() / name

    def print_minutes(self) -> Path | None:
        # Imported when printing: ReportLab is not needed to open the section (issue 24).
        from kcdesk.reports.implementation.acceptance_minutes_pdf import write_acceptance_minutes

        if self.code is None:
            return None
        target = self.minutes_path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with self.ctx.db.session() as session:
                write_acceptance_minutes(session, get_proposal(session, self.code), target)
        except (UserError, OSError) as exc:
            say(self.acceptance_tab.message, str(exc), error=True)
            return None
        self.preview = show_pdf(self, target)
        return target
