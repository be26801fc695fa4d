"""Page 5 — Dự toán kinh phí: lines, live totals, support share and the cap check.

Amounts are typed Vietnamese-style ("1.500.000", "1 500 000 đ") and read with
``parse_money``; each money cell is shown back formatted once typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kcdesk.formatting import format_money, parse_money
from kcdesk.services.forms import caps
from kcdesk.services.forms import load as forms
from kcdesk.services.proposals.draft import BudgetLineInput, ProposalInput
from kcdesk.services.proposals.validation import Problem
from kcdesk.ui.wizard.common import (
    ERROR_STYLE,
    WizardHost,
    WizardPageBase,
    configure_table,
    format_quantity,
    parse_quantity,
)

# (field, header); "amount" is computed, never typed.
COLUMNS = (
    ("item", "Nội dung chi"),
    ("unit", "ĐVT"),
    ("quantity", "Số lượng"),
    ("unit_price", "Đơn giá (đồng)"),
    ("amount", "Thành tiền"),
    ("support", "Khuyến công hỗ trợ"),
    ("counterpart", "Đối ứng"),
    ("other_funds", "Nguồn khác"),
)
COL = {name: i for i, (name, _h) in enumerate(COLUMNS)}
MONEY = ("unit_price", "support", "counterpart", "other_funds")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def cap_text(spec: forms.ActivitySpec | None, data: ProposalInput | None = None) -> str:
    """The cap for the proposal's funding source and choice, with its legal source, or
    a plain note that none is enforced (e.g. no provincial figure for local funds)."""
    if spec is None:
        return "Chưa chọn nội dung hoạt động: chưa kiểm tra được mức hỗ trợ tối đa."
    source = data.funding_source if data is not None else caps.NATIONAL
    text = caps.cap_text(
        spec,
        source,
        whole_line=data.whole_line if data is not None else False,
        cap_kind=data.cap_kind if data is not None else "",
        facilities=len(data.facilities) if data is not None else 1,
    )
    return f"Mức hỗ trợ tối đa: {text}"


def share_text(part: int, whole: int) -> str:
    """Support share with one decimal, in integers (money never goes through floats)."""
    if whole <= 0:
        return "0"
    tenths = (part * 1000 + whole // 2) // whole
    units, rest = divmod(tenths, 10)
    return f"{units},{rest}" if rest else str(units)


class BudgetPage(WizardPageBase):
    key = "budget"

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("budget_lines")
        self.table.setHorizontalHeaderLabels([h for _n, h in COLUMNS])
        configure_table(self.table)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL["item"], QHeaderView.ResizeMode.Stretch)
        for name, width in (("unit", 55), ("quantity", 70)):
            self.table.setColumnWidth(COL[name], width)
        for name in ("unit_price", "amount", *MONEY[1:]):
            self.table.setColumnWidth(COL[name], 118)
        self.table.itemChanged.connect(self._cell_changed)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Thêm &dòng", self.add_row),
            ("Xó&a dòng", self.remove_row),
            ("&Kéo lên", lambda: self.move_row(-1)),
            ("X&uống", lambda: self.move_row(1)),
            ("Đối ứng = phần &còn lại", self.fill_counterpart),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.totals = QLabel()
        self.totals.setObjectName("budget_totals")
        self.totals.setWordWrap(True)
        self.cap = QLabel()
        self.cap.setObjectName("budget_cap")
        self.cap.setWordWrap(True)
        self.cap_problems = QLabel()
        self.cap_problems.setObjectName("budget_cap_problems")
        self.cap_problems.setWordWrap(True)
        self.cap_problems.setStyleSheet(ERROR_STYLE)
        self.error = QLabel()
        self.error.setObjectName("error_budget_lines")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.totals)
        # Cap choices (forms/activities.toml): a whole technology line raises the
        # ceiling; some activities have a separate, lower cap (e.g. a model to spread).
        choices = QHBoxLayout()
        self.whole_line = QCheckBox("&Hỗ trợ cả dây chuyền công nghệ")
        self.whole_line.setObjectName("whole_line")
        self.whole_line.toggled.connect(self._changed)
        self.cap_kind = QComboBox()
        self.cap_kind.setObjectName("cap_kind")
        self.cap_kind.currentIndexChanged.connect(self._changed)
        self.cap_kind_label = QLabel("Loại &mức hỗ trợ:")
        self.cap_kind_label.setBuddy(self.cap_kind)
        choices.addWidget(self.whole_line)
        choices.addWidget(self.cap_kind_label)
        choices.addWidget(self.cap_kind, 1)
        layout.addLayout(choices)
        self.field_widgets["whole_line"] = self.whole_line
        self.field_widgets["cap_kind"] = self.cap_kind
        layout.addWidget(self.cap)
        layout.addWidget(self.cap_problems)
        layout.addWidget(self.error)
        self.field_widgets["budget_lines"] = self.table
        self.error_labels["budget_lines"] = self.error
        self._parse_problems: dict[tuple[int, str], str] = {}

    # ------------------------------------------------------------ rows
    def _text(self, row: int, name: str) -> str:
        item = self.table.item(row, COL[name])
        return item.text() if item is not None else ""

    def _set(self, row: int, name: str, text: str) -> None:
        item = self.table.item(row, COL[name])
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, COL[name], item)
        item.setText(text)
        if name == "item":
            item.setToolTip(text)  # long items are cut in the column
        if name in MONEY or name in ("quantity", "amount"):
            item.setTextAlignment(_RIGHT)
        if name == "amount":
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setBackground(QBrush(QColor("#f0f0f0")))

    def _write_row(self, row: int, line: BudgetLineInput) -> None:
        self._set(row, "item", line.item)
        self._set(row, "unit", line.unit)
        self._set(row, "quantity", format_quantity(line.quantity))
        for name in MONEY:
            self._set(row, name, format_money(getattr(line, name)))
        self._set(row, "amount", format_money(line.amount))

    def add_row(self) -> None:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        self._write_row(row, BudgetLineInput())
        self.table.blockSignals(False)
        self.table.setCurrentCell(row, COL["item"])
        self.table.setFocus()
        self._changed()

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._changed()

    def move_row(self, step: int) -> None:
        row, column = self.table.currentRow(), self.table.currentColumn()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        a, b = self.read_line(row), self.read_line(target)
        self.table.blockSignals(True)
        self._write_row(row, b)
        self._write_row(target, a)
        self.table.blockSignals(False)
        self.table.setCurrentCell(target, max(column, 0))
        self._changed()

    def fill_counterpart(self) -> None:
        """Set each line's counterpart to what support and other funds leave of the amount."""
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            line = self.read_line(row)
            rest = line.amount - line.support - line.other_funds
            if rest >= 0:
                self._set(row, "counterpart", format_money(rest))
        self.table.blockSignals(False)
        self._changed()

    # ------------------------------------------------------------ reading
    def read_line(self, row: int) -> BudgetLineInput:
        """The line as typed; cells that do not read are 0 and noted in the problems."""
        line = BudgetLineInput(item=self._text(row, "item"), unit=self._text(row, "unit"))
        for key in [k for k in self._parse_problems if k[0] == row]:
            del self._parse_problems[key]
        try:
            line.quantity = parse_quantity(self._text(row, "quantity"))
        except ValueError as exc:
            self._parse_problems[(row, "quantity")] = str(exc)
        for name in MONEY:
            text = self._text(row, name)
            if not text.strip() and name != "unit_price":
                continue  # an empty split cell is 0
            try:
                setattr(line, name, parse_money(text))
            except ValueError as exc:
                self._parse_problems[(row, name)] = str(exc)
        return line

    def lines(self) -> list[BudgetLineInput]:
        return [self.read_line(row) for row in range(self.table.rowCount())]

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        row, name = item.row(), COLUMNS[item.column()][0]
        if name == "amount":
            return
        line = self.read_line(row)
        self.table.blockSignals(True)
        if name in MONEY and (row, name) not in self._parse_problems and item.text().strip():
            item.setText(format_money(getattr(line, name)))  # "1500000" → "1.500.000"
        self._set(row, "amount", format_money(line.amount))
        self.table.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self.update_summary()
        self._edited()

    def update_summary(self) -> None:
        lines = self.lines()
        total = sum(line.amount for line in lines)
        support = sum(line.support for line in lines)
        counterpart = sum(line.counterpart for line in lines)
        other = sum(line.other_funds for line in lines)
        share = share_text(support, total)
        self.totals.setText(
            f"Tổng kinh phí: <b>{format_money(total)}</b> đồng — khuyến công hỗ trợ "
            f"<b>{format_money(support)}</b> đồng (<b>{share} %</b>) — đối ứng "
            f"{format_money(counterpart)} đồng — nguồn khác {format_money(other)} đồng."
        )
        spec = self.wiz.activities.get(self.wiz.data.activity)
        data = self.wiz.data
        data.whole_line = self.whole_line.isChecked() and self.whole_line.isEnabled()
        data.cap_kind = str(self.cap_kind.currentData() or "")
        self.cap.setText(cap_text(spec, data))
        problems = (
            forms.cap_check(
                spec,
                total,
                support,
                whole_line=data.whole_line,
                funding_source=data.funding_source,
                cap_kind=data.cap_kind,
                facilities=len(data.facilities),
                classes=data.outputs.get("classes", 0),
            )
            if spec is not None
            else []
        )
        mismatched = [
            f"Dòng {n + 1}: hỗ trợ + đối ứng + khác = {format_money(line.split_total)}, "
            f"thành tiền {format_money(line.amount)}."
            for n, line in enumerate(lines)
            if line.split_total != line.amount
        ]
        self.cap_problems.setText("\n".join(problems + mismatched))
        self.cap_problems.setVisible(bool(problems or mismatched))

    # ------------------------------------------------------------ protocol
    def _load_choices(self, data: ProposalInput) -> None:
        spec = self.wiz.activities.get(data.activity)
        cap = caps.select_cap(spec, data.funding_source) if spec is not None else None
        for widget in (self.whole_line, self.cap_kind):
            widget.blockSignals(True)
        self.whole_line.setEnabled(cap is not None and cap.line_multiplier is not None)
        self.whole_line.setChecked(data.whole_line)
        self.cap_kind.clear()
        self.cap_kind.addItem("Mức chung của nội dung", "")
        for code, label in (spec.cap_kinds if spec is not None else {}).items():
            self.cap_kind.addItem(label, code)
        index = self.cap_kind.findData(data.cap_kind)
        self.cap_kind.setCurrentIndex(max(0, index))
        visible = self.cap_kind.count() > 1
        self.cap_kind.setVisible(visible)
        self.cap_kind_label.setVisible(visible)
        for widget in (self.whole_line, self.cap_kind):
            widget.blockSignals(False)

    def load(self, data: ProposalInput) -> None:
        self._load_choices(data)
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for line in data.budget_lines:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self._write_row(row, line)
        self.table.blockSignals(False)
        self._parse_problems.clear()
        if not data.budget_lines:
            self.add_row()
        self.update_summary()

    def store(self, data: ProposalInput) -> list[Problem]:
        lines = self.lines()
        keep = [n for n, line in enumerate(lines) if line != BudgetLineInput()]
        index = {row: n for n, row in enumerate(keep)}
        data.budget_lines = [lines[n] for n in keep]
        data.whole_line = self.whole_line.isChecked() and self.whole_line.isEnabled()
        data.cap_kind = str(self.cap_kind.currentData() or "")
        return [
            Problem(
                f"budget_lines[{index.get(row, row)}].{name}", f"Dự toán, dòng {row + 1}: {msg}"
            )
            for (row, name), msg in sorted(self._parse_problems.items())
        ]

    def show_problems(self, problems: list[Problem]) -> None:
        messages = [
            p.message for p in problems if p.is_error and p.field.startswith("budget_lines")
        ]
        self.error.setText("\n".join(dict.fromkeys(messages)))
        self.error.setVisible(bool(messages))

    def focus_field(self, field_key: str) -> None:
        self.table.setFocus()
        if field_key.startswith("budget_lines["):
            index = int(field_key[13:].split("]")[0])
            column = COL.get(field_key.rpartition(".")[2], COL["item"])
            self.table.setCurrentCell(min(index, self.table.rowCount() - 1), column)
