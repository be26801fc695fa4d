"""The programmes (chương trình) and their targets (chỉ tiêu): list, import, edit a target."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money
from kcdesk.services.history.values import activity_label, measure_label
from kcdesk.services.programmes import store as programmes
from kcdesk.services.security import permissions
from kcdesk.ui import file_dialogs
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.crash import show_error
from kcdesk.ui.dashboard.target_editor import TargetEditor
from kcdesk.ui.wrapped_rows import wrap_rows

TARGET_COLUMNS = ("Mã", "Nhóm", "Chỉ tiêu", "Số lượng", "Đơn vị", "Nội dung hoạt động", "Đo bằng")


class ProgrammeView(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("programme_view")
        self.chooser = QComboBox()
        self.chooser.setObjectName("programme_chooser")
        # Programme names are long: never let the combo widen the window.
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.chooser.setMinimumContentsLength(30)
        self.chooser.currentIndexChanged.connect(self._show_selected)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a4b00;")
        self.table = QTableWidget(0, len(TARGET_COLUMNS))
        self.table.setObjectName("target_table")
        self.table.setHorizontalHeaderLabels(list(TARGET_COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # At 1366×768 group, activity and measure texts are longer than their columns:
        # they wrap in rows as tall as they need (issue 20 §4), never cut.
        for column, width in ((1, 170), (4, 80), (5, 170), (6, 130)):
            header.resizeSection(column, width)
        wrap_rows(self.table)
        self.import_button = QPushButton("Nạp tệp chương trình…")
        self.import_button.setObjectName("programme_import")
        self.import_button.setToolTip("Tệp TOML (như chương trình mẫu) hoặc Excel cùng các cột.")
        self.import_button.clicked.connect(lambda: self.import_file())
        self.edit_button = QPushButton("Sửa chỉ tiêu…")
        self.edit_button.setObjectName("target_edit")
        self.edit_button.clicked.connect(self.edit_selected)
        can_edit = permissions.allowed(ctx.actor, permissions.PROGRAMME_EDIT)
        self.import_button.setEnabled(can_edit)
        self.edit_button.setEnabled(can_edit)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected() if can_edit else None)
        self.editor: TargetEditor | None = None
        top = QHBoxLayout()
        top.addWidget(QLabel("Chương trình:"))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(self.table, 1)
        ctx.data_changed.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        current = self.chooser.currentData()
        with self.ctx.db.session() as session:
            rows = [(p.code, p.name) for p in programmes.list_programmes(session)]
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for code, name in rows:
            self.chooser.addItem(f"{code} — {name}", code)
        index = max(0, self.chooser.findData(current))
        self.chooser.blockSignals(False)
        if rows:
            self.chooser.setCurrentIndex(index)
            self._show_selected()
        else:
            self.summary.setText(
                "Chưa có chương trình nào. Chạy 'kcdesk init' để nạp chương trình mẫu."
            )

    def import_file(self, path: Path | None = None) -> str | None:
        """Import a TOML or XLSX programme file; returns the programme code."""
        if path is None:
            picked = file_dialogs.open_file(
                self, "Nạp tệp chương trình", "Chương trình (*.toml *.xlsx)"
            )
            if picked is None:
                return None
            chosen = str(picked)
            path = Path(chosen)
        try:
            with self.ctx.db.session() as session:
                programme, _action = programmes.import_programme(session, self.ctx.actor, path)
                code = programme.code
        except Exception as exc:  # shown to the user; UserError plainly
            show_error(self, exc)
            return None
        self.ctx.notify(DataKind.PROGRAMME)
        self.chooser.setCurrentIndex(max(0, self.chooser.findData(code)))
        return code

    def edit_selected(self) -> TargetEditor | None:
        code = self.chooser.currentData()
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if not code or item is None:
            return None
        with self.ctx.db.session() as session:
            programme = programmes.get_programme(session, code)
            target = next(t for t in programme.targets if t.code == item.text())
            editor = TargetEditor(self, code, target)
        editor.accepted.connect(lambda: self._save_target(editor, code, target.code))
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.editor = editor
        editor.open()
        return editor

    def _save_target(self, editor: TargetEditor, programme_code: str, target_code: str) -> None:
        changes = editor.changes()
        if not changes:
            return
        try:
            with self.ctx.db.session() as session:
                programmes.update_target(
                    session, self.ctx.actor, programme_code, target_code, **changes
                )
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.notify(DataKind.PROGRAMME)

    def _on_changed(self, kind: str) -> None:
        if kind == DataKind.PROGRAMME:
            self.reload()

    def _show_selected(self) -> None:
        code = self.chooser.currentData()
        if not code:
            return
        with self.ctx.db.session() as session:
            programme = programmes.get_programme(session, code)
            warnings = programmes.check(programme)
            targets = list(programme.targets)
            decision = (
                f"Quyết định số {programme.decision_no}"
                + (f" ngày {programme.decision_date:%d/%m/%Y}" if programme.decision_date else "")
                if programme.decision_no
                else "Chưa ghi số quyết định"
            )
            budget = (
                f"Tổng kinh phí: {format_money(programme.budget_total)} đồng"
                if programme.budget_total is not None
                else "Tổng kinh phí: chưa ghi"
            )
            self.summary.setText(
                f"<b>{programme.name}</b><br>Giai đoạn {programme.start_year}–{programme.end_year}; "
                f"{decision}; {budget}; {len(targets)} chỉ tiêu."
            )
        self.warnings.setText("\n".join(f"⚠ {w.message}" for w in warnings) if warnings else "")
        self.warnings.setVisible(bool(warnings))
        self.table.setRowCount(len(targets))
        for row, t in enumerate(targets):
            values = (
                t.code,
                t.group,
                t.name,
                "" if t.quantity is None else f"{t.quantity:,}".replace(",", "."),
                t.unit,
                ", ".join(activity_label(a) for a in t.activities or []),
                measure_label(t.measure) if t.measure else "",
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if col == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)
