"""Tab 'Giải ngân, quyết toán': payments, the rules' headroom, and the settlement.

A refused payment shows the rule, its legal source and the numbers right under
the form (the message of ``RuleRefused``); nothing is saved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from kcdesk.formatting import format_date, format_money, parse_money
from kcdesk.models import Proposal
from kcdesk.models.implementation import DisbursementKind
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.implementation import money
from kcdesk.services.security.actor import Actor
from kcdesk.ui.implementation.common import Write, date_edit, get_date, message_label, say


def _amount(text: str, label: QLabel) -> int | None:
    try:
        return parse_money(text)
    except ValueError as exc:
        say(label, str(exc), error=True)
        return None


class MoneyTab(QWidget):
    def __init__(self, write: Write, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._write = write
        self.headroom = QLabel()
        self.headroom.setObjectName("money_headroom")
        self.headroom.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("disbursement_table")
        self.table.setHorizontalHeaderLabels(["Ngày", "Loại", "Số tiền (đồng)", "Chứng từ"])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(140)

        self.kind = QComboBox()
        self.kind.setObjectName("disbursement_kind")
        for kind in DisbursementKind:
            self.kind.addItem(kind.label, kind)
        self.amount = QLineEdit()
        self.amount.setObjectName("disbursement_amount")
        self.amount.setPlaceholderText("ví dụ 70.000.000")
        self.date = date_edit(self)
        self.voucher = QLineEdit()
        self.voucher.setObjectName("disbursement_voucher")
        self.add_button = QPushButton("Ghi khoản chi")
        self.add_button.setObjectName("disbursement_add")
        self.add_button.clicked.connect(self.add)
        self.message = message_label("money_message")
        pay_box = QGroupBox("Tạm ứng, thanh toán")
        pay_form = QFormLayout(pay_box)
        pay_form.addRow("Loại", self.kind)
        pay_form.addRow("Số tiền (đồng)", self.amount)
        pay_form.addRow("Ngày chi", self.date)
        pay_form.addRow("Số chứng từ", self.voucher)
        pay_form.addRow(self.add_button)
        pay_form.addRow(self.message)

        self.final_amount = QLineEdit()
        self.final_amount.setObjectName("settlement_amount")
        self.settled_on = date_edit(self)
        self.reference = QLineEdit()
        self.reference.setObjectName("settlement_reference")
        self.reference.setPlaceholderText("số, ký hiệu văn bản phê duyệt quyết toán")
        self.settle_button = QPushButton("Ghi quyết toán")
        self.settle_button.setObjectName("settlement_record")
        self.settle_button.clicked.connect(self.settle)
        self.settle_message = message_label("settlement_message")
        settle_box = QGroupBox("Quyết toán")
        settle_form = QFormLayout(settle_box)
        settle_form.addRow("Số quyết toán (đồng)", self.final_amount)
        settle_form.addRow("Ngày quyết toán", self.settled_on)
        settle_form.addRow("Văn bản", self.reference)
        settle_form.addRow(self.settle_button)
        settle_form.addRow(self.settle_message)

        layout = QVBoxLayout(self)
        layout.addWidget(self.headroom)
        layout.addWidget(self.table, 1)
        layout.addWidget(pay_box)
        layout.addWidget(settle_box)

    def show_data(self, data: dict[str, Any]) -> None:
        rows = data["disbursements"]
        self.table.setRowCount(len(rows))
        for row, d in enumerate(rows):
            values = [
                format_date(date.fromisoformat(d["date"])),
                DisbursementKind(d["kind"]).label,
                format_money(d["amount"]),
                d["voucher"],
            ]
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        status = data["status"]
        accepted = status == "accepted"
        left_advance = max(0, data["advance_ceiling"] - data["advanced"])
        text = (
            f"Được duyệt {format_money(data['support'])} đồng. Đã tạm ứng "
            f"{format_money(data['advanced'])}, đã thanh toán {format_money(data['paid'])}, "
            f"còn được chi {format_money(max(0, data['remaining']))} đồng."
        )
        if status in ("approved", "implementing"):
            text += (
                f" Trước nghiệm thu được tạm ứng tối đa {data['advance_percent']} % = "
                f"{format_money(data['advance_ceiling'])} đồng (còn {format_money(left_advance)})."
            )
        if data["remaining"] < 0:
            text += f" Đã chi vượt {format_money(-data['remaining'])} đồng so với số được duyệt."
        self.headroom.setText(text)
        self.kind.setCurrentIndex(
            self.kind.findData(
                DisbursementKind.SETTLEMENT if accepted else DisbursementKind.ADVANCE
            )
        )
        self.add_button.setEnabled(status in ("approved", "implementing", "accepted"))
        settled = data["settlement"]
        if settled:
            self.final_amount.setText(format_money(settled["final_amount"]))
            self.reference.setText(settled["reference"])
            refund = settled["refund_due"]
            say(
                self.settle_message,
                f"Đã quyết toán {format_money(settled['final_amount'])} đồng ngày "
                f"{format_date(date.fromisoformat(settled['date']))} ({settled['reference']})."
                + (f" Đơn vị hoàn trả {format_money(refund)} đồng." if refund else ""),
            )
        elif accepted:
            self.final_amount.setText(format_money(data["disbursed"]))
        self.settle_button.setEnabled(accepted and settled is None)

    def add(self) -> bool:
        amount = _amount(self.amount.text(), self.message)
        if amount is None:
            return False
        kind = DisbursementKind(self.kind.currentData())
        on, voucher = get_date(self.date), self.voucher.text()

        def work(session: Session, actor: Actor, proposal: Proposal) -> object:
            return money.add_disbursement(
                session, actor, proposal, kind=kind, amount=amount, paid_on=on, voucher=voucher
            )

        ok = self._write(
            self.message, work, f"Đã ghi {kind.label.lower()} {format_money(amount)} đồng."
        )
        if ok:
            self.amount.clear()
            self.voucher.clear()
        return ok

    def settle(self) -> bool:
        amount = _amount(self.final_amount.text(), self.settle_message)
        if amount is None:
            return False
        on, reference = get_date(self.settled_on), self.reference.text()

        def work(session: Session, actor: Actor, proposal: Proposal) -> object:
            if not reference.strip():
                raise ValidationError("Nhập số, ký hiệu văn bản phê duyệt quyết toán.")
            return money.record_settlement(
                session, actor, proposal, final_amount=amount, settled_on=on, reference=reference
            )

        return self._write(self.settle_message, work, f"Đã quyết toán {format_money(amount)} đồng.")
