"""The score grid's model: members (rows) × criteria, total, conclusion, comment.

Cells hold the text as typed; every edit is checked at once against 0..maximum
(red cell, tooltip with the reason) and the row total and the average below the
grid follow live. Nothing reaches the database until the panel saves the whole
grid through ``appraisal_scores.save_grid``, which checks everything again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kcdesk.models.appraisal import AgendaItem
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.criteria import CriteriaSet
from kcdesk.services.appraisal.results import average
from kcdesk.services.appraisal.scores import SheetInput, format_points, parse_points

Index = QModelIndex | QPersistentModelIndex
BAD = QBrush(QColor("#ffcdd2"))
CONFLICT = QBrush(QColor("#e0e0e0"))
TOTAL = QBrush(QColor("#f5f5f5"))


@dataclass
class Row:
    member_id: int
    name: str
    role: str
    conflict: str | None  # the declared reason, or None
    cells: list[str] = field(default_factory=list)
    conclusion: str | None = None
    comment: str = ""


class ScoreGridModel(QAbstractTableModel):
    """Columns: one per criterion, then Tổng, Kết luận, Ý kiến khác."""

    edited = Signal()
    refused = Signal(str)  # why a typed score was not taken (with the allowed range)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.spec: CriteriaSet | None = None
        self.rows: list[Row] = []
        self.locked = False
        self.dirty = False

    # -- shape ----------------------------------------------------------------

    @property
    def n_criteria(self) -> int:
        return len(self.spec.criteria) if self.spec else 0

    @property
    def total_col(self) -> int:
        return self.n_criteria

    @property
    def conclusion_col(self) -> int:
        return self.n_criteria + 1

    @property
    def comment_col(self) -> int:
        return self.n_criteria + 2

    def rowCount(self, parent: Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index | None = None) -> int:
        if (parent is not None and parent.isValid()) or self.spec is None:
            return 0
        return self.n_criteria + 3

    # -- loading --------------------------------------------------------------

    def load(self, item: AgendaItem | None) -> None:
        self.beginResetModel()
        self.rows = []
        self.spec = None
        self.locked = False
        if item is not None:
            self.spec = appraisal.criteria_of(item.session)
            self.locked = item.recorded_at is not None
            for member in item.session.members:
                sheet = appraisal.find_sheet(item, member)
                scores = {sc.criterion: sc.points for sc in sheet.scores} if sheet else {}
                self.rows.append(
                    Row(
                        member_id=member.id,
                        name=member.name,
                        role=member.role.label,
                        conflict=sheet.conflict_reason if sheet and sheet.conflict else None,
                        cells=[format_points(scores.get(c.code)) for c in self.spec.criteria],
                        conclusion=sheet.conclusion if sheet else None,
                        comment=sheet.comment if sheet else "",
                    )
                )
        self.dirty = False
        self.endResetModel()

    # -- values ---------------------------------------------------------------

    def cell_error(self, row: int, col: int) -> str | None:
        if self.spec is None or col >= self.n_criteria:
            return None
        criterion = self.spec.criteria[col]
        try:
            parse_points(self.rows[row].cells[col], maximum=criterion.max_points, what="Điểm")
        except ValueError as exc:
            return str(exc)
        return None

    def row_points(self, row: int) -> list[Decimal | None]:
        out: list[Decimal | None] = []
        for col in range(self.n_criteria):
            if self.cell_error(row, col):
                out.append(None)
            else:
                out.append(parse_points(self.rows[row].cells[col]))
        return out

    def row_total(self, row: int) -> Decimal | None:
        values = [v for v in self.row_points(row) if v is not None]
        return sum(values, Decimal(0)) if values else None

    def complete_totals(self) -> list[Decimal]:
        """Totals of members who scored every criterion validly (what the average uses)."""
        out = []
        for index, r in enumerate(self.rows):
            points = self.row_points(index)
            if r.conflict is None and points and all(p is not None for p in points):
                out.append(sum((p for p in points if p is not None), Decimal(0)))
        return out

    def average(self) -> Decimal | None:
        return average(self.complete_totals())

    def problems(self) -> list[str]:
        out = []
        for r_index, r in enumerate(self.rows):
            for col in range(self.n_criteria):
                error = self.cell_error(r_index, col)
                if error:
                    out.append(f"{r.name}: {error}")
        return out

    def sheets(self) -> dict[int, SheetInput]:
        """The grid as service input (conflicted rows left out)."""
        assert self.spec is not None
        out: dict[int, SheetInput] = {}
        for r in self.rows:
            if r.conflict is not None:
                continue
            scores: dict[str, Decimal | int | float | str | None] = {
                c.code: r.cells[i] for i, c in enumerate(self.spec.criteria)
            }
            out[r.member_id] = SheetInput(scores, r.conclusion, r.comment)
        return out

    # -- Qt -------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.spec is None:
            return None
        r, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if r.conflict is not None and col < self.n_criteria:
                return "—"
            if col < self.n_criteria:
                return r.cells[col]
            if col == self.total_col:
                return format_points(self.row_total(index.row()))
            if col == self.conclusion_col:
                if role == Qt.ItemDataRole.EditRole:
                    return r.conclusion or ""
                return self.spec.conclusion_label(r.conclusion)
            return r.comment
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col <= self.total_col:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if r.conflict is not None:
                return CONFLICT
            if col < self.n_criteria and self.cell_error(index.row(), col):
                return BAD
            if col == self.total_col:
                return TOTAL
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if r.conflict is not None:
                return f"Xung đột lợi ích: {r.conflict}"
            error = self.cell_error(index.row(), col)
            if error:
                return error
            if col < self.n_criteria:
                c = self.spec.criteria[col]
                return f"{c.label} (0–{c.max_points})"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        r = self.rows[index.row()]
        if self.locked or r.conflict is not None or index.column() == self.total_col:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        r, col = self.rows[index.row()], index.column()
        text = "" if value is None else str(value).strip()
        if col < self.n_criteria:
            # Refused at the cell, with the range in the message (issue 20 §5): a wrong
            # score never sits in the grid waiting for the save to be refused.
            assert self.spec is not None
            criterion = self.spec.criteria[col]
            try:
                parse_points(text, maximum=criterion.max_points, what=f"Điểm TC{col + 1}")
            except ValueError as exc:
                self.refused.emit(
                    f"{exc} Điểm «{criterion.label}» từ 0 đến {criterion.max_points}."
                )
                return False
            r.cells[col] = text
        elif col == self.conclusion_col:
            r.conclusion = text or None
        elif col == self.comment_col:
            r.comment = text
        else:
            return False
        self.dirty = True
        total = self.index(index.row(), self.total_col)
        self.dataChanged.emit(index, index)
        self.dataChanged.emit(total, total)
        self.edited.emit()
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit values only, never super().headerData
        # (docs/architecture.md#known-traps-of-the-stack).
        if self.spec is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.rows):
                r = self.rows[section]
                return f"{r.name}\n{r.role}"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < self.n_criteria:
                c = self.spec.criteria[section]
                return f"TC{section + 1}\n(tối đa {c.max_points})"
            return {
                self.total_col: f"Tổng\n({self.spec.total})",
                self.conclusion_col: "Kết luận",
                self.comment_col: "Ý kiến khác",
            }.get(section)
        if role == Qt.ItemDataRole.ToolTipRole and section < self.n_criteria:
            return self.spec.criteria[section].label
        return None
