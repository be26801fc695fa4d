"""The "Nhật ký" section: the audit trail filtered by proposal, user and date, and
the "Kiểm tra toàn vẹn" button (hash chain check, in the worker)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.backup.anchors import AnchoredCheck, verify_with_anchors
from kcdesk.services.core import audit
from kcdesk.services.core.errors import UserError
from kcdesk.services.history.values import user_label
from kcdesk.services.proposals import lookup as proposals
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.register import if_alive
from kcdesk.ui.sections.audit_model import AuditEventsModel
from kcdesk.ui.when_shown import WhenShown

LIMIT = 1000
# The columns are sized from this many rows from the top (more than a screen shows),
# not from all 1,000: each row sized is a row described (issue 24).
SIZED_ROWS = 50


def _qdate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


class AuditView(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("audit_view")
        self.proposal = QLineEdit()
        self.proposal.setObjectName("proposal_filter")
        self.proposal.setPlaceholderText("Mã đề án, ví dụ ĐA-2027-014")
        self.user = QComboBox()
        self.user.setObjectName("user_filter")
        self.use_dates = QCheckBox("Từ ngày")
        self.use_dates.setObjectName("use_dates")
        today = QDate.currentDate()
        self.since = QDateEdit(today.addDays(-30))
        self.since.setObjectName("since")
        self.until = QDateEdit(today)
        self.until.setObjectName("until")
        for edit in (self.since, self.until):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setCalendarPopup(True)
        self.filter_button = QPushButton("Lọc")
        self.filter_button.setObjectName("filter_button")
        self.filter_button.clicked.connect(self.refresh)
        self.verify_button = QPushButton("Kiểm tra toàn vẹn")
        self.verify_button.setObjectName("verify_button")
        self.verify_button.clicked.connect(self.verify)
        self.result = QLabel()
        self.result.setObjectName("verify_result")
        self.result.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.events = AuditEventsModel(self)
        self.table = QTableView()
        self.table.setObjectName("audit_table")
        self.table.setModel(self.events)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setResizeContentsPrecision(SIZED_ROWS)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Column "#" already numbers the events: no second numbering down the side.
        self.table.verticalHeader().setVisible(False)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Đề án"))
        bar.addWidget(self.proposal)
        bar.addWidget(QLabel("Người dùng"))
        bar.addWidget(self.user)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.since)
        bar.addWidget(QLabel("đến"))
        bar.addWidget(self.until)
        bar.addWidget(self.filter_button)
        bar.addStretch(1)
        bar.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.result)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        # Hidden (the usual case while the wizard saves): reload on the next show, not
        # up to 1,000 events described on the main thread behind every save (issue 24).
        self._refresh_when_shown = WhenShown(self, self.refresh)
        ctx.data_changed.connect(lambda _kind: self._refresh_when_shown())
        self._fill_users()
        self.refresh()

    def _fill_users(self) -> None:
        with self.ctx.db.session() as session:
            names = audit.usernames(session)
        self.user.clear()
        self.user.addItem("Tất cả", None)
        for name in names:
            self.user.addItem(user_label(name), name)

    def refresh(self) -> None:
        code = self.proposal.text().strip()
        try:
            with self.ctx.db.session() as session:
                uuid = None
                if code:
                    uuid = proposals.get_proposal(session, code, actor=self.ctx.actor).uuid
                events = audit.list_events(
                    session,
                    entity_uuid=uuid,
                    actor=self.ctx.actor,
                    username=self.user.currentData(),
                    since=_qdate(self.since.date()) if self.use_dates.isChecked() else None,
                    until=_qdate(self.until.date()) if self.use_dates.isChecked() else None,
                    limit=LIMIT,
                )
                rows = [audit.event_dict(e) for e in events]
        except UserError as exc:
            self.message.setText(str(exc))
            return
        self.events.set_events(rows)  # described as the view asks for their rows
        self._fit_columns()
        more = f" (chỉ hiện {LIMIT} sự kiện mới nhất)" if len(rows) >= LIMIT else ""
        self.message.setText(f"{len(rows)} sự kiện{more}.")

    def _fit_columns(self) -> None:
        """Short columns as wide as their text; subject and action capped, so the
        changes keep the room (at 1366 px none of the first six is cut)."""
        caps = (80, 140, 160, 110, 260, 200)
        for column, cap in enumerate(caps):
            self.table.resizeColumnToContents(column)
            self.table.setColumnWidth(column, min(cap, self.table.columnWidth(column)))

    def verify(self) -> None:
        db = self.ctx.db

        def work(_job: Any) -> AnchoredCheck:
            # The chain, then the anchors outside the database (the backups folder).
            with db.session() as session:
                return verify_with_anchors(session)

        self.verify_button.setEnabled(False)
        self.result.setText("Đang kiểm tra…")
        self.ctx.worker.run(
            work, on_success=if_alive(self, self._verified), on_failure=if_alive(self, self._failed)
        )

    def _verified(self, result: AnchoredCheck) -> None:
        problem, total = result.problem, result.events
        self.verify_button.setEnabled(True)
        if problem is None:
            extra = (
                f"; khớp {result.anchors} mốc kiểm tra ngoài cơ sở dữ liệu"
                if result.anchors
                else ""
            )
            self.result.setStyleSheet("color:#1b5e20")
            note = f"; {result.note}" if result.note else ""
            self.result.setText(
                f"Nhật ký toàn vẹn: {total} sự kiện, chuỗi liên kết đúng{extra}{note}."
            )
        elif result.key_missing:
            self.result.setStyleSheet("color:#8a5a00;font-weight:bold")
            self.result.setText(f"Chưa kiểm tra được nhật ký: {problem.message}")
        else:
            self.result.setStyleSheet("color:#b00020;font-weight:bold")
            self.result.setText(f"Nhật ký KHÔNG toàn vẹn: {problem.message}")

    def _failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.result.setText(f"Không kiểm tra được: {exc}")


def create(ctx: AppContext) -> QWidget:
    return AuditView(ctx)
