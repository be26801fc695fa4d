"""Change the status of one or several proposals (chuyển trạng thái).

Only the statuses the procedure allows from every selected proposal's status are
offered; the reason and the decision fields are required exactly where the
service requires them (``workflow.NEEDS_REASON`` / ``NEEDS_DECISION``).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models import ProposalStatus
from kcdesk.services.core.errors import UserError
from kcdesk.services.proposals import workflow
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.register import if_alive


class StatusDialog(QDialog):
    """``codes`` with their current ``statuses``; emits ``moved`` after a save."""

    moved = Signal(list, dict)  # codes moved, {code: why not}

    def __init__(
        self,
        ctx: AppContext,
        codes: list[str],
        statuses: list[ProposalStatus],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.codes = ctx, codes
        self.setObjectName("status_dialog")
        self.setWindowTitle(
            f"Chuyển trạng thái đề án {codes[0]}"
            if len(codes) == 1
            else f"Chuyển trạng thái {len(codes)} đề án"
        )
        self.targets = workflow.common_targets(statuses)
        self.target = QComboBox()
        self.target.setObjectName("target")
        for status in self.targets:
            self.target.addItem(status.label, status.value)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("Lý do (bắt buộc khi trả lại, không hỗ trợ, rút, ngừng)")
        self.reason.setFixedHeight(70)
        self.decision_no = QLineEdit()
        self.decision_no.setObjectName("decision_no")
        self.decision_no.setPlaceholderText("Ví dụ 1234/QĐ-UBND")
        self.decision_date = QDateEdit(QDate.currentDate())
        self.decision_date.setObjectName("decision_date")
        self.decision_date.setDisplayFormat("dd/MM/yyyy")
        self.decision_date.setCalendarPopup(True)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b00020")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Chuyển sang", self.target)
        form.addRow("Lý do", self.reason)
        form.addRow("Số quyết định", self.decision_no)
        form.addRow("Ngày quyết định", self.decision_date)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("Chuyển", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("ok")
        self.buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not self.targets:
            note = QLabel("Không có trạng thái nào chuyển tiếp được từ (các) trạng thái hiện tại.")
            note.setObjectName("no_targets")
            layout.addWidget(note)
            self.ok_button.setEnabled(False)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.target.currentIndexChanged.connect(self._update)
        self._update()

    def chosen(self) -> ProposalStatus | None:
        value = self.target.currentData()
        return ProposalStatus(value) if value else None

    def _update(self) -> None:
        status = self.chosen()
        needs_decision = status in workflow.NEEDS_DECISION
        needs_reason = status in workflow.NEEDS_REASON
        self.decision_no.setEnabled(needs_decision)
        self.decision_date.setEnabled(needs_decision)
        parts = []
        if needs_reason:
            parts.append("cần ghi lý do")
        if needs_decision:
            parts.append("cần số và ngày quyết định")
        self.hint.setText(("Trạng thái này " + ", ".join(parts) + ".") if parts else "")

    def save(self) -> None:
        status = self.chosen()
        if status is None:
            return
        needs_decision = status in workflow.NEEDS_DECISION
        qd = self.decision_date.date()
        when = date(qd.year(), qd.month(), qd.day()) if needs_decision else None
        number = self.decision_no.text().strip() if needs_decision else None
        reason = self.reason.toPlainText()
        if len(self.codes) == 1:
            done, refused = workflow.bulk_change_status(
                self.ctx.db.session,
                self.ctx.actor,
                self.codes,
                status,
                reason=reason,
                decision_no=number,
                decision_date=when,
            )
            self._finish(done, refused)
            return
        self.ok_button.setEnabled(False)
        codes, actor, db = list(self.codes), self.ctx.actor, self.ctx.db
        self.ctx.worker.run(
            lambda job: workflow.bulk_change_status(
                db.session,
                actor,
                codes,
                status,
                reason=reason,
                decision_no=number,
                decision_date=when,
            ),
            on_success=if_alive(self, lambda result: self._finish(*result)),
            on_failure=if_alive(self, self._failed),
        )

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.error.setText(str(exc) if isinstance(exc, UserError) else f"Lỗi: {exc}")

    def _finish(self, done: list[str], refused: dict[str, str]) -> None:
        self.ok_button.setEnabled(True)
        if done:
            self.ctx.notify(DataKind.PROPOSAL)
        self.moved.emit(done, refused)
        if refused and len(self.codes) == 1:
            self.error.setText(next(iter(refused.values())))
            return
        if refused:
            lines = [f"{code}: {why}" for code, why in list(refused.items())[:10]]
            more = f"\n… và {len(refused) - 10} đề án khác" if len(refused) > 10 else ""
            self.error.setText(
                f"Đã chuyển {len(done)} đề án; {len(refused)} đề án không chuyển được:\n"
                + "\n".join(lines)
                + more
            )
            return
        self.accept()
