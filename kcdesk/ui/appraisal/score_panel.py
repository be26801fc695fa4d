"""Nhập điểm: a keyboard-fast grid per proposal (members × criteria).

Type a score and press Enter: the cursor moves to the next criterion, then to
the conclusion, then to the next member's first criterion. Ctrl+S saves the
whole grid; PgDown / PgUp (Ctrl+Down / Ctrl+Up) go to the next / previous
proposal. Out-of-range cells turn red while typing and the save is refused
with the reason; nothing is written until every cell is right.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models.appraisal import AppraisalSession
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.scores import format_points, save_grid
from kcdesk.services.core.errors import UserError
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.appraisal.common import message_label, say
from kcdesk.ui.appraisal.grid_model import ScoreGridModel

Index = QModelIndex | QPersistentModelIndex


class ConclusionDelegate(QStyledItemDelegate):
    """A combo of the set's conclusions (blank first) for the Kết luận column."""

    def __init__(self, model: ScoreGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItem("", "")
        if self.grid.spec is not None:
            for c in self.grid.spec.conclusions:
                combo.addItem(c.label, c.code)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        code = index.data(Qt.ItemDataRole.EditRole) or ""
        editor.setCurrentIndex(max(0, editor.findData(code)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ScoreGridView(QTableView):
    """Enter commits and moves on; typing a digit starts editing the cell."""

    def __init__(self, model: ScoreGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = model
        self.setObjectName("score_grid")
        self.setModel(model)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def next_index(self, index: QModelIndex) -> QModelIndex:
        """Next editable cell in entry order: criteria, conclusion, then next member."""
        model = self.grid
        row, col = index.row(), index.column()
        stops = list(range(model.n_criteria)) + [model.conclusion_col]
        while True:
            later = [c for c in stops if c > col]
            if later:
                col = later[0]
            else:
                row, col = row + 1, stops[0]
            if row >= model.rowCount():
                return index
            candidate = model.index(row, col)
            if model.flags(candidate) & Qt.ItemFlag.ItemIsEditable:
                return candidate

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        # Tab and Enter both go to the next cell in entry order (Qt opens its editor).
        if action == QAbstractItemView.CursorAction.MoveNext:
            return self.next_index(self.currentIndex())
        return super().moveCursor(action, modifiers)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        # Enter commits like Tab: on to the next cell, ready for the next score.
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            hint = QAbstractItemDelegate.EndEditHint.EditNextItem
        super().closeEditor(editor, hint)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            self.state() != QAbstractItemView.State.EditingState
        ):
            self.setCurrentIndex(self.next_index(self.currentIndex()))
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.state() != QAbstractItemView.State.EditingState
        ):
            self.grid.setData(self.currentIndex(), "")
            return
        super().keyPressEvent(event)


class ScorePanel(QWidget):
    """Proposal picker, the grid, live average and pass/fail, save."""

    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id: int | None = None
        self.item_ids: list[int] = []
        self.proposal = QComboBox()
        self.proposal.setObjectName("grid_proposal")
        self.proposal.currentIndexChanged.connect(lambda _i: self.load_item())
        self.model = ScoreGridModel(self)
        self.view = ScoreGridView(self.model)
        self.summary = QLabel()
        self.summary.setObjectName("grid_summary")
        self.criteria_help = QLabel()
        self.criteria_help.setWordWrap(True)
        self.message = message_label("grid_message")
        self.save_button = QPushButton("&Lưu điểm (Ctrl+S)")
        self.save_button.setObjectName("grid_save")
        self.save_button.clicked.connect(self.save)
        self.model.edited.connect(self._edited)
        self.model.refused.connect(lambda text: say(self.message, text, error=True))
        # Choosing a proposal puts the cursor in its first score cell.
        self.proposal.activated.connect(lambda _i: self.focus_first_cell())
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save)
        QShortcut(QKeySequence(Qt.Key.Key_PageDown), self).activated.connect(lambda: self.step(1))
        QShortcut(QKeySequence(Qt.Key.Key_PageUp), self).activated.connect(lambda: self.step(-1))

        top = QHBoxLayout()
        top.addWidget(QLabel("Đề án:"))
        top.addWidget(self.proposal, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.criteria_help)
        layout.addLayout(bottom)
        layout.addWidget(self.message)

    def set_session(self, session_id: int | None) -> None:
        if session_id is None:
            self.show_session(None)
            return
        with self.ctx.db.session() as session:
            self.show_session(appraisal.get_session(session, session_id))

    def show_session(self, s: AppraisalSession | None) -> None:
        """Fill from a council already loaded (the section loads it once for its tabs)."""
        self.session_id = s.id if s is not None else None
        keep = self.current_item_id()
        self.proposal.blockSignals(True)
        self.proposal.clear()
        self.item_ids = []
        if s is not None:
            for item in s.items:
                mark = " ✓" if item.recorded_at else ""
                self.proposal.addItem(f"{item.proposal.code} — {item.proposal.title}{mark}")
                self.item_ids.append(item.id)
        self.proposal.blockSignals(False)
        if keep in self.item_ids:
            self.proposal.setCurrentIndex(self.item_ids.index(keep))
        self.load_item(s)

    def current_item_id(self) -> int | None:
        index = self.proposal.currentIndex()
        return self.item_ids[index] if 0 <= index < len(self.item_ids) else None

    def current_code(self) -> str | None:
        """Code of the proposal on screen (the combo reads "code — title")."""
        text = self.proposal.currentText()
        return text.split(" — ", 1)[0] if text else None

    def step(self, offset: int) -> None:
        index = self.proposal.currentIndex() + offset
        if 0 <= index < self.proposal.count():
            self.proposal.setCurrentIndex(index)

    def load_item(self, loaded: AppraisalSession | None = None) -> None:
        """Show the chosen item's sheets (from ``loaded`` when the council is in hand)."""
        item_id = self.current_item_id()
        if item_id is None or self.session_id is None:
            self.model.load(None)
            self.summary.setText("Chưa có đề án trong chương trình họp.")
            self.criteria_help.setText("")
            return
        if loaded is not None and loaded.id == self.session_id:
            self.model.load(next(i for i in loaded.items if i.id == item_id))
        else:
            with self.ctx.db.session() as session:
                s = appraisal.get_session(session, self.session_id)
                item = next(i for i in s.items if i.id == item_id)
                self.model.load(item)
        if self.model.spec is not None:
            self.criteria_help.setText(
                "  ".join(
                    f"TC{i}: {c.label} ({c.max_points})"
                    for i, c in enumerate(self.model.spec.criteria, start=1)
                )
            )
        self.view.setItemDelegateForColumn(
            self.model.conclusion_col, ConclusionDelegate(self.model, self.view)
        )
        self.view.resizeColumnsToContents()
        self.save_button.setEnabled(not self.model.locked)
        say(
            self.message,
            "Đã ghi kết quả đề án này: không sửa điểm được nữa." if self.model.locked else "",
            error=False,
        )
        self._edited()
        first = self.view.next_index(self.model.index(0, -1)) if self.model.rows else None
        if first is not None and first.isValid():
            self.view.setCurrentIndex(first)

    def focus_first_cell(self) -> None:
        first = self.view.next_index(self.model.index(0, -1)) if self.model.rows else None
        if first is not None and first.isValid():
            self.view.setCurrentIndex(first)
            self.view.setFocus()

    def _edited(self) -> None:
        spec = self.model.spec
        if spec is None:
            return
        totals = self.model.complete_totals()
        avg = self.model.average()
        if avg is None:
            text = "Chưa có thành viên chấm đủ các tiêu chí."
        else:
            verdict = "Đạt" if avg >= spec.pass_mark else "Không đạt"
            text = (
                f"Điểm bình quân {format_points(avg)}/{spec.total} ({len(totals)} thành viên "
                f"chấm đủ) — {verdict} (điểm đạt {spec.pass_mark})"
            )
        problems = self.model.problems()
        if problems:
            text += f" · {len(problems)} ô sai"
        if self.model.dirty:
            text += " · chưa lưu"
        self.summary.setText(text)

    def save(self) -> bool:
        item_id = self.current_item_id()
        if item_id is None or self.session_id is None or self.model.spec is None:
            return False
        try:
            with self.ctx.db.session() as session:
                s = appraisal.get_session(session, self.session_id)
                item = next(i for i in s.items if i.id == item_id)
                count = save_grid(session, self.ctx.actor, item, self.model.sheets())
        except UserError as exc:
            say(self.message, str(exc), error=True)
            return False
        self.model.dirty = False
        self._edited()
        say(self.message, f"Đã lưu {count} phiếu.")
        self.ctx.notify(DataKind.APPRAISAL)
        self.saved.emit()
        return True
