"""Nhận gói: choose a pack, see what it would change (preview), then apply it.

Verification and the preview run on the worker; nothing is written until «Nhập vào
cơ sở dữ liệu». A refused pack shows the reason and leaves the database as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.core import checkpoint
from kcdesk.services.core.errors import UserError
from kcdesk.services.exchange import importer, merge, records
from kcdesk.ui import crash, file_dialogs
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.exchange.ignored_dialog import IgnoredDialog, ignored_sentence
from kcdesk.ui.worker import Job

KIND_LABELS = {records.PROPOSAL: "Đề án", records.FACILITY: "Cơ sở thụ hưởng"}
_COLOURS = {merge.NEW: "#1b5e20", merge.UPDATED: "#0d47a1", merge.CONFLICT: "#b71c1c"}
FILTERS = (
    ("Tất cả", None),
    ("Mới", merge.NEW),
    ("Cập nhật", merge.UPDATED),
    ("Không đổi", merge.UNCHANGED),
    ("Xung đột", merge.CONFLICT),
)
Index = QModelIndex | QPersistentModelIndex
_ORDER = {merge.CONFLICT: 0, merge.NEW: 1, merge.UPDATED: 2, merge.UNCHANGED: 3}


class PreviewModel(QAbstractTableModel):
    """One row per incoming record: kind, label, what importing does, why."""

    HEADERS = ("Loại", "Bản ghi", "Kết quả", "Ghi chú")

    def __init__(self) -> None:
        super().__init__()
        self._items: list[merge.PlanItem] = []

    def set_items(self, items: list[merge.PlanItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> merge.PlanItem:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return KIND_LABELS.get(item.kind, item.kind)
            if column == 1:
                return item.label
            if column == 2:
                text = merge.ACTION_LABELS[item.action]
                return text + (" (đã có, chờ giải quyết)" if item.already_open else "")
            return item.note
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            colour = _COLOURS.get(item.action)
            return QBrush(QColor(colour)) if colour else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # Explicit values only, never a fall-through to super()
        # (docs/architecture.md#known-traps-of-the-stack).
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None


def summary_text(result: importer.ImportResult) -> str:
    m = result.manifest
    sender = m.get("sender", {})
    p, f = result.counts(records.PROPOSAL), result.counts(records.FACILITY)
    return (
        f"Gói từ {sender.get('name') or sender.get('code')} ({sender.get('code')}), tạo lúc "
        f"{str(m.get('created_at', '')).replace('T', ' ').rstrip('Z')} UTC — chữ ký hợp lệ.\n"
        f"Đề án: mới {p['new']}, cập nhật {p['updated']}, không đổi {p['unchanged']}, "
        f"xung đột {p['conflicts']}. Cơ sở thụ hưởng: mới {f['new']}, cập nhật "
        f"{f['updated']}, không đổi {f['unchanged']}, xung đột {f['conflicts']}. "
        f"Tệp đính kèm: {result.attachments_new}."
        + (f"\n{ignored_sentence(len(result.notes))}" if result.notes else "")
    )


class ImportPanel(QWidget):
    """Preview then apply one pack."""

    imported = Signal(object)  # ImportResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_import")
        self.ctx = ctx
        self.path: Path | None = None
        self.preview: importer.ImportResult | None = None
        self.result: importer.ImportResult | None = None
        self._job: Job | None = None
        self._all_items: list[merge.PlanItem] = []

        self.choose_button = QPushButton("Chọn gói…")
        self.apply_button = QPushButton("Nhập vào cơ sở dữ liệu")
        self.apply_button.setObjectName("apply_import")
        self.apply_button.setEnabled(False)
        self.stop_button = QPushButton("Dừng")
        self.stop_button.setEnabled(False)
        # The values an office may not set, left out (shown only when there are some).
        self.ignored_button = QPushButton("Giá trị bỏ qua…")
        self.ignored_button.setObjectName("show_ignored")
        self.ignored_button.setVisible(False)
        self.filter = QComboBox()
        for label, _action in FILTERS:
            self.filter.addItem(label)
        self.summary = QLabel("Chọn một gói trao đổi (.kcpack) để xem trước.")
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.model = PreviewModel()
        self.table = QTableView()
        self.table.setObjectName("preview_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(24)

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addStretch(1)
        top.addWidget(QLabel("Hiện:"))
        top.addWidget(self.filter)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.ignored_button)
        bottom.addStretch(1)
        bottom.addWidget(self.stop_button)
        bottom.addWidget(self.apply_button)
        layout.addLayout(bottom)

        self.choose_button.clicked.connect(self._choose)
        self.apply_button.clicked.connect(self.apply)
        self.stop_button.clicked.connect(self.stop)
        self.ignored_button.clicked.connect(self.show_ignored)
        self.filter.currentIndexChanged.connect(self._refilter)

    def _choose(self) -> None:
        picked = file_dialogs.open_file(
            self, "Chọn gói trao đổi", "Gói trao đổi kcdesk (*.kcpack);;Mọi tệp (*)"
        )
        if picked is not None:
            self.load(picked)

    def show_ignored(self) -> IgnoredDialog | None:
        """The values the previewed or imported pack carries that only the Centre sets."""
        shown = self.result or self.preview
        if shown is None or not shown.notes or self.path is None:
            return None
        dialog = IgnoredDialog(shown.notes, self.path.name, self)
        dialog.open()
        return dialog

    def stop(self) -> None:
        """Ask the running import to stop (it rolls back; nothing is half applied)."""
        if self._job is not None:
            self._job.cancel()
            self.summary.setText("Đang dừng…")

    def _busy(self, busy: bool) -> None:
        self.stop_button.setEnabled(busy)
        self.choose_button.setEnabled(not busy)
        self.apply_button.setEnabled(not busy and self.preview is not None)

    def load(self, path: Path) -> None:
        """Verify and preview ``path`` on the worker."""
        self.path, self.preview, self.result = Path(path), None, None
        self.ignored_button.setVisible(False)
        self._all_items = []
        self.model.set_items([])
        self.summary.setText(f"Đang kiểm tra chữ ký và nội dung gói {self.path.name}…")
        self._busy(True)
        ctx, target = self.ctx, self.path

        def work(job: Job) -> importer.ImportResult:
            with ctx.db.session() as session:
                return importer.preview_pack(session, ctx.actor, target, job.report)

        self._job = ctx.worker.run(work, self._previewed, self._failed, self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done if total else 0)

    def _previewed(self, result: importer.ImportResult) -> None:
        self._job = None
        self.preview = result
        self._all_items = result.items
        self._refilter()
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.summary.setText(summary_text(result) + "\nChưa có gì thay đổi: bấm «Nhập» để áp dụng.")
        self.ignored_button.setVisible(bool(result.notes))
        self._busy(False)

    def _failed(self, exc: BaseException) -> None:
        self._job = None
        self.preview = None
        self.ignored_button.setVisible(self.result is not None and bool(self.result.notes))
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self._busy(False)
        if isinstance(exc, UserError):
            self.summary.setText(f"Không nhập được: {exc}")
        else:
            self.summary.setText("Lỗi không mong muốn khi đọc gói.")
            crash.show_error(self, exc).show()

    def _refilter(self) -> None:
        action = FILTERS[self.filter.currentIndex()][1]
        # What needs attention first: conflicts, then new, updated, unchanged.
        items = sorted(self._all_items, key=lambda i: _ORDER.get(i.action, 9))
        self.model.set_items([i for i in items if action is None or i.action == action])

    def apply(self) -> None:
        """Apply the previewed pack in one transaction (on the worker)."""
        if self.path is None or self.preview is None or self._job is not None:
            return
        self._busy(True)
        self.summary.setText("Đang nhập gói…")
        ctx, target = self.ctx, self.path

        def work(job: Job) -> importer.ImportResult:
            with ctx.db.session() as session:
                return importer.import_pack(
                    session,
                    ctx.actor,
                    target,
                    progress=job.report,
                    cancelled=lambda: job.cancelled,
                )

        self._job = ctx.worker.run(work, self._applied, self._failed, self._progress)

    def _applied(self, result: importer.ImportResult) -> None:
        self._job = None
        self.result = result
        self.preview = None
        self._all_items = result.items
        self._refilter()
        renamed = f"\nĐổi mã trùng: {'; '.join(result.renamed)}" if result.renamed else ""
        conflicts = result.counts()["conflicts"] + result.counts(records.FACILITY)["conflicts"]
        hint = "\nCó xung đột: xem thẻ «Xung đột» để chọn từng trường." if conflicts else ""
        self.summary.setText("Đã nhập. " + summary_text(result) + renamed + hint)
        self.ignored_button.setVisible(bool(result.notes))
        self._busy(False)
        self.ctx.notify(DataKind.PROPOSAL)
        self.ctx.notify(DataKind.EXCHANGE)
        self.imported.emit(result)
        # The import's commit left SQLite's journal uncopied (services/core/checkpoint).
        db = self.ctx.db
        self.ctx.worker.run(lambda job: checkpoint.run(db))
