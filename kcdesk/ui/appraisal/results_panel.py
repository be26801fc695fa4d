"""Kết quả: the session's proposals ranked, with average, pass/fail and conclusion."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money
from kcdesk.models.appraisal import AppraisalSession
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.appraisal.results import ItemResult, session_results
from kcdesk.services.appraisal.scores import format_points
from kcdesk.ui.app_context import AppContext

HEADERS = [
    "Hạng",
    "Mã đề án",
    "Tên đề án",
    "Đề nghị hỗ trợ (đồng)",
    "TV chấm",
    "Điểm bình quân",
    "Kết quả",
    "Kết luận (đa số)",
    "Ghi chú",
    "Đã ghi",
]
PASS = QBrush(QColor("#c8e6c9"))
FAIL = QBrush(QColor("#ffcdd2"))


def _note(r: ItemResult) -> str:
    parts = []
    if r.partial:
        parts.append(f"phiếu chưa đủ: {', '.join(r.partial)}")
    if r.missing and (r.totals or r.partial):
        parts.append(f"chưa chấm: {', '.join(r.missing)}")
    elif r.missing:
        parts.append("chưa có phiếu")
    if r.conflicted:
        parts.append(f"xung đột: {', '.join(r.conflicted)}")
    return "; ".join(parts)


class ResultsPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_id: int | None = None
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("results_table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Ghi kết quả / Huỷ kết quả đã ghi act on the rows chosen here (Ctrl/Shift+click).
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(8, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(8, 160)
        self.table.setWordWrap(True)
        # Titles wrap in rows as tall as they need, so no title is cut.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setToolTip(
            "Chọn các đề án (giữ Ctrl hoặc Shift để chọn nhiều dòng) rồi bấm «Ghi kết quả» "
            "hoặc «Huỷ kết quả đã ghi»."
        )
        self.summary = QLabel()
        self.summary.setObjectName("results_summary")
        self.summary.setWordWrap(True)
        rules = QLabel(
            "Điểm bình quân tính trên các thành viên chấm đủ mọi tiêu chí. Kết luận theo đa số; "
            "bằng nhau thì theo ý kiến Chủ tịch Hội đồng, nếu Chủ tịch không thuộc các ý kiến "
            "bằng nhau thì lấy kết luận thận trọng hơn (quy tắc làm việc của Hội đồng, không "
            "phải quy định của văn bản pháp luật)."
        )
        rules.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(rules)

    def selected_codes(self) -> list[str]:
        """Codes of the selected rows, top to bottom."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        codes = [self.table.item(row, 1) for row in rows]
        return [cell.text() for cell in codes if cell is not None]

    def select_codes(self, codes: list[str]) -> None:
        """Select the rows of ``codes`` (the keyboard user's Ctrl+click, for tests too)."""
        self.table.clearSelection()
        model = self.table.selectionModel()
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 1)
            if cell is not None and cell.text() in codes:
                model.select(
                    self.table.model().index(row, 0),
                    model.SelectionFlag.Select | model.SelectionFlag.Rows,
                )

    def set_session(self, session_id: int | None) -> None:
        self.session_id = session_id
        self.refresh()

    def refresh(self) -> None:
        if self.session_id is None:
            self.show_session(None)
            return
        with self.ctx.db.session() as session:
            self.show_session(appraisal.get_session(session, self.session_id))

    def show_session(self, s: AppraisalSession | None) -> None:
        """Fill from a council already loaded (the section loads it once for its tabs)."""
        self.session_id = s.id if s is not None else None
        self.table.setRowCount(0)
        if s is None:
            self.summary.setText("")
            return
        spec = appraisal.criteria_of(s)
        results = session_results(s)
        rows = []
        for r in results:
            verdict = "Chưa chấm" if r.passed is None else ("Đạt" if r.passed else "Không đạt")
            rows.append(
                (
                    [
                        str(r.rank or "—"),
                        r.code,
                        r.title,
                        format_money(r.item.proposal.support),
                        str(r.members_scored),
                        format_points(r.average) if r.average is not None else "—",
                        verdict,
                        r.conclusion_label or "—",
                        _note(r),
                        "✓" if r.item.recorded_at else "",
                    ],
                    r.passed,
                )
            )
        self.table.setRowCount(len(rows))
        for row, (cells, passed) in enumerate(rows):
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if col in (0, 4, 5, 6, 9):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if col == 3:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if col == 6 and passed is not None:
                    cell.setBackground(PASS if passed else FAIL)
                self.table.setItem(row, col, cell)
        passed_n = sum(1 for _, p in rows if p)
        failed_n = sum(1 for _, p in rows if p is False)
        self.summary.setText(
            f"{len(rows)} đề án: {passed_n} đạt, {failed_n} không đạt, "
            f"{len(rows) - passed_n - failed_n} chưa chấm (điểm đạt {spec.pass_mark}/{spec.total})."
        )
