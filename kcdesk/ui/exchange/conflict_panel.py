"""Xung đột: both versions side by side, the user chooses field by field."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money
from kcdesk.models import ProposalStatus
from kcdesk.models.exchange import ExchangeConflict
from kcdesk.services.core.errors import UserError
from kcdesk.services.exchange import conflicts
from kcdesk.ui import crash
from kcdesk.ui.app_context import AppContext, DataKind

SIDES = (("Máy này", conflicts.LOCAL), ("Trong gói", conflicts.INCOMING))
ID_ROLE = 0x0100 + 1
MONEY_FIELDS = frozenset(
    {"total_cost", "support", "counterpart", "other_funds", "approved_support", "disbursed"}
)


def _status(value: Any) -> str:
    try:
        return ProposalStatus(value).label
    except ValueError:
        return str(value)


def _when(value: Any) -> str:
    try:
        return datetime.fromisoformat(str(value)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(value)


def show_value(value: Any, field: str = "") -> str:
    """A readable cell: statuses by name, times as dates, lists by size and entries."""
    if value is None:
        return "—"
    if field == "status":
        return _status(value)
    if field == "status_changes" and isinstance(value, list):
        steps = [f"{_status(c.get('to_status'))} ({_when(c.get('at'))})" for c in value]
        return f"{len(steps)} bước: " + " → ".join(steps)
    if field.endswith("_at"):
        return _when(value)
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int) and field in MONEY_FIELDS:
        return format_money(value) + " đ"
    if isinstance(value, list):
        parts = [
            json.dumps(v, ensure_ascii=False)[:60] if isinstance(v, dict) else str(v) for v in value
        ]
        return f"{len(value)} mục: " + "; ".join(parts[:3]) + ("…" if len(parts) > 3 else "")
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


class ConflictPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_conflicts")
        self.ctx = ctx
        self.current: ExchangeConflict | None = None
        self.list = QListWidget()
        self.list.setObjectName("conflict_list")
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("conflict_fields")
        self.table.setHorizontalHeaderLabels(["Trường", "Trên máy này", "Trong gói", "Chọn"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.ResizeToContents
        )
        self.info = QLabel("Không có xung đột nào chờ giải quyết.")
        self.info.setWordWrap(True)
        self.all_local = QPushButton("Giữ tất cả bản máy này")
        self.all_incoming = QPushButton("Lấy tất cả bản trong gói")
        self.save_button = QPushButton("Lưu lựa chọn")
        self.save_button.setObjectName("resolve_conflict")

        right = QWidget()
        box = QVBoxLayout(right)
        box.addWidget(self.info)
        box.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.all_local)
        row.addWidget(self.all_incoming)
        row.addStretch(1)
        row.addWidget(self.save_button)
        box.addLayout(row)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self.list.currentItemChanged.connect(self._show_current)
        self.all_local.clicked.connect(lambda: self._choose_all(0))
        self.all_incoming.clicked.connect(lambda: self._choose_all(1))
        self.save_button.clicked.connect(self.save)
        ctx.data_changed.connect(self._changed)
        self.refresh()

    def _changed(self, kind: str) -> None:
        if kind in (DataKind.EXCHANGE, DataKind.PROPOSAL):
            self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as session:
            rows = [(c.id, c.label, c.sender_code) for c in conflicts.list_conflicts(session)]
        self.list.clear()
        for conflict_id, label, sender in rows:
            item = QListWidgetItem(f"{label} (từ {sender})")
            item.setData(ID_ROLE, conflict_id)
            self.list.addItem(item)
        if rows:
            self.list.setCurrentRow(0)
        else:
            self._show(None)

    def _show_current(self, item: QListWidgetItem | None) -> None:
        if item is None:
            self._show(None)
            return
        with self.ctx.db.session() as session:
            conflict = conflicts.get_conflict(session, int(item.data(ID_ROLE)))
            session.expunge(conflict)
        self._show(conflict)

    def _show(self, conflict: ExchangeConflict | None) -> None:
        self.current = conflict
        self.table.setRowCount(0)
        enabled = conflict is not None
        for button in (self.save_button, self.all_local, self.all_incoming):
            button.setEnabled(enabled)
        if conflict is None:
            self.info.setText("Không có xung đột nào chờ giải quyết.")
            return
        self.info.setText(
            f"{conflict.label}: đã sửa cả trên máy này (phiên bản {conflict.local_revision}) và "
            f"ở {conflict.sender_code} (phiên bản {conflict.incoming_revision}). Chọn bản giữ "
            "lại cho từng trường; các trường không khác nhau giữ nguyên."
        )
        diffs = conflicts.differences(conflict)
        self.table.setRowCount(len(diffs))
        for row, diff in enumerate(diffs):
            name = QTableWidgetItem(diff.label)
            name.setData(ID_ROLE, diff.field)
            self.table.setItem(row, 0, name)
            for column, value in ((1, diff.local), (2, diff.incoming)):
                cell = QTableWidgetItem(show_value(value, diff.field))
                cell.setToolTip(show_value(value, diff.field) if len(str(value)) < 2000 else "")
                self.table.setItem(row, column, cell)
            combo = QComboBox()
            for label, _side in SIDES:
                combo.addItem(label)
            self.table.setCellWidget(row, 3, combo)
            if diff.field in conflicts.LINKED:
                # Status, its time and its history go together (the service enforces it).
                followers = conflicts.LINKED[diff.field]
                combo.currentIndexChanged.connect(
                    lambda index, names=followers: self._follow(names, index)
                )

    def _follow(self, fields: tuple[str, ...], index: int) -> None:
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, 3)
            if self._field(row) in fields and isinstance(combo, QComboBox):
                combo.setCurrentIndex(index)

    def _choose_all(self, index: int) -> None:
        for row in range(self.table.rowCount()):
            combo = self.table.cellWidget(row, 3)
            if isinstance(combo, QComboBox):
                combo.setCurrentIndex(index)

    def choices(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            field = self._field(row)
            combo = self.table.cellWidget(row, 3)
            if isinstance(combo, QComboBox):
                out[field] = SIDES[combo.currentIndex()][1]
        return out

    def _field(self, row: int) -> str:
        item = self.table.item(row, 0)
        return str(item.data(ID_ROLE)) if item is not None else ""

    def choose(self, field: str, side: str) -> None:
        """Set one field's choice (also used by tests)."""
        for row in range(self.table.rowCount()):
            if self._field(row) == field:
                combo = self.table.cellWidget(row, 3)
                if isinstance(combo, QComboBox):
                    combo.setCurrentIndex([s for _l, s in SIDES].index(side))

    def save(self) -> None:
        if self.current is None:
            return
        conflict_id, choices = self.current.id, self.choices()
        try:
            with self.ctx.db.session() as session:
                conflicts.resolve_conflict(session, self.ctx.actor, conflict_id, choices)
        except UserError as exc:
            self.info.setText(str(exc))
            return
        except Exception as exc:
            crash.show_error(self, exc).show()
            return
        self.ctx.notify(DataKind.PROPOSAL)
        self.ctx.notify(DataKind.EXCHANGE)
