"""Propose an amendment and see, while typing, who must approve it and why.

The fields start with the proposal's current values; only what differs becomes
the request's before/after difference (``amendments.preview_authority``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money, parse_money
from kcdesk.services.amendments import record as amendments
from kcdesk.services.core.errors import UserError
from kcdesk.services.proposals import lookup as proposals
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.screen_fit import fit_window

KIND_CHOICES = (
    ("adjust", "Điều chỉnh đề án"),
    ("stop", "Ngừng triển khai"),
    ("add", "Bổ sung đề án mới"),
)
TEXT_EDITS = (
    ("location", "Địa điểm thực hiện"),
    ("commune", "Xã, phường"),
    ("partner_unit", "Đơn vị phối hợp"),
    ("title", "Tên đề án"),
)


def _month_edit(value: str | None) -> QDateEdit:
    edit = QDateEdit()
    edit.setDisplayFormat("MM/yyyy")
    if value:
        d = date.fromisoformat(value)
        edit.setDate(QDate(d.year, d.month, 1))
    return edit


class AmendmentDialog(QDialog):
    saved = Signal(str)  # proposal code

    def __init__(self, ctx: AppContext, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.code = ctx, code
        self.setObjectName("amendment_dialog")
        self.setWindowTitle(f"Đề nghị điều chỉnh, bổ sung, ngừng — {code}")
        with ctx.db.session() as session:
            proposal = proposals.get_proposal(session, code, actor=ctx.actor)
            self.before = amendments.snapshot(proposal)
            self.plan_year = proposal.plan_year
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for value, label in KIND_CHOICES:
            self.kind.addItem(label, value)
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.addRow("Loại đề nghị", self.kind)
        for name, label in TEXT_EDITS:
            edit = QLineEdit(str(self.before.get(name) or ""))
            edit.setObjectName(name)
            edit.textChanged.connect(self.refresh)
            self.edits[name] = edit
            form.addRow(label, edit)
        self.start = _month_edit(self.before["start_month"])
        self.start.setObjectName("start_month")
        self.end = _month_edit(self.before["end_month"])
        self.end.setObjectName("end_month")
        for month in (self.start, self.end):
            month.dateChanged.connect(self.refresh)
        form.addRow("Tháng bắt đầu", self.start)
        form.addRow("Tháng kết thúc", self.end)
        self.support = QLineEdit(format_money(int(self.before["approved_support"] or 0)))
        self.support.setObjectName("approved_support")
        self.support.textChanged.connect(self.refresh)
        form.addRow("Kinh phí hỗ trợ (đồng)", self.support)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setFixedHeight(60)
        form.addRow("Lý do", self.reason)
        self.request_no = QLineEdit()
        self.request_no.setObjectName("request_no")
        form.addRow("Số văn bản đề nghị", self.request_no)

        self.authority_box = QGroupBox("Thẩm quyền phê duyệt")
        self.authority = QLabel()
        self.authority.setObjectName("authority")
        self.authority.setWordWrap(True)
        self.reasons = QLabel()
        self.reasons.setObjectName("authority_reasons")
        self.reasons.setWordWrap(True)
        box = QVBoxLayout(self.authority_box)
        box.addWidget(self.authority)
        box.addWidget(self.reasons)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b00020")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Ghi đề nghị", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("ok")
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.authority_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self.refresh)
        fit_window(self, 620, 640)
        self.refresh()

    def new_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {name: edit.text() for name, edit in self.edits.items()}
        for name, month in (("start_month", self.start), ("end_month", self.end)):
            if self.before.get(name) or month.date() != QDate(2000, 1, 1):
                d = month.date()
                values[name] = date(d.year(), d.month(), 1).isoformat()
        values["approved_support"] = parse_money(self.support.text())
        return values

    def refresh(self) -> None:
        kind = str(self.kind.currentData())
        widgets: list[QWidget] = [*self.edits.values(), self.start, self.end, self.support]
        for widget in widgets:
            widget.setEnabled(kind == "adjust")
        try:
            values = self.new_values() if kind == "adjust" else {}
            with self.ctx.db.session() as session:
                proposal = proposals.get_proposal(session, self.code, actor=self.ctx.actor)
                changes, decision = amendments.preview_authority(session, proposal, kind, values)
                session.rollback()
        except (UserError, ValueError) as exc:
            self.error.setText(str(exc))
            self.authority.setText("")
            self.reasons.setText("")
            return
        self.error.setText("")
        if kind == "adjust" and not changes:
            self.authority.setText("Chưa có thay đổi nào.")
            self.reasons.setText("")
            return
        self.authority.setText(f"<b>{decision.label}</b> phê duyệt đề nghị này.")
        self.reasons.setText("\n".join(f"• {r}" for r in decision.reasons))

    def save(self) -> None:
        kind = str(self.kind.currentData())
        try:
            values = self.new_values() if kind == "adjust" else {}
            with self.ctx.db.session() as session:
                proposal = proposals.get_proposal(session, self.code, actor=self.ctx.actor)
                amendments.propose(
                    session,
                    self.ctx.actor,
                    proposal,
                    kind=kind,
                    new_values=values,
                    reason=self.reason.toPlainText(),
                    request_no=self.request_no.text(),
                )
        except (UserError, ValueError) as exc:
            self.error.setText(str(exc))
            return
        self.ctx.notify(DataKind.PROPOSAL)
        self.saved.emit(self.code)
        self.accept()


class DecisionDialog(QDialog):
    """Record the authority's decision on a pending amendment."""

    saved = Signal(str)

    def __init__(
        self, ctx: AppContext, code: str, number: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.code, self.number = ctx, code, number
        self.setObjectName("decision_dialog")
        self.setWindowTitle(f"Quyết định về đề nghị số {number} — {code}")
        with ctx.db.session() as session:
            amendment = amendments.get_amendment(session, code, number)
            summary = amendments.summary_text(amendment)
            who = amendments.authority_label(amendment.authority)
        self.approve = QRadioButton("Phê duyệt")
        self.approve.setObjectName("approve")
        self.approve.setChecked(True)
        self.refuse = QRadioButton("Không duyệt")
        self.refuse.setObjectName("refuse")
        self.decision_no = QLineEdit()
        self.decision_no.setObjectName("decision_no")
        self.decision_date = QDateEdit(QDate.currentDate())
        self.decision_date.setObjectName("decision_date")
        self.decision_date.setDisplayFormat("dd/MM/yyyy")
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color:#b00020")
        self.error.setWordWrap(True)
        info = QLabel(f"{summary}\nThẩm quyền: {who}")
        info.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.approve, self.refuse)
        form.addRow("Số quyết định", self.decision_no)
        form.addRow("Ngày quyết định", self.decision_date)
        form.addRow("Ghi chú", self.note)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("Ghi quyết định", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setObjectName("ok")
        buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        d = self.decision_date.date()
        try:
            with self.ctx.db.session() as session:
                amendment = amendments.get_amendment(session, self.code, self.number)
                amendments.decide(
                    session,
                    self.ctx.actor,
                    amendment,
                    approved=self.approve.isChecked(),
                    decision_no=self.decision_no.text(),
                    decision_date=date(d.year(), d.month(), d.day()),
                    note=self.note.text(),
                )
        except UserError as exc:
            self.error.setText(str(exc))
            return
        self.ctx.notify(DataKind.PROPOSAL)
        self.saved.emit(self.code)
        self.accept()
