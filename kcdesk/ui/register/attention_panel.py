"""The "cần chú ý" panel: late dossiers, long waits, missing documents, and the
overdue settlements (``services/attention/``), computed in the worker."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kcdesk.ui.app_context import AppContext
from kcdesk.ui.register import if_alive

if TYPE_CHECKING:
    from kcdesk.services.attention import collect as attention


class AttentionPanel(QWidget):
    open_proposal = Signal(str)
    refreshed = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("attention_panel")
        self.setMinimumWidth(280)
        self.title = QLabel("<b>Cần chú ý</b>")
        self.tree = QTreeWidget()
        self.tree.setObjectName("attention_tree")
        self.tree.setHeaderLabels(["Đề án", "Nội dung"])
        self.tree.setColumnWidth(0, 110)
        # Long messages wrap in the narrow panel instead of ending in "…" (1366×768).
        self.tree.setWordWrap(True)
        # Enter opens the proposal as a double-click does.
        self.tree.itemActivated.connect(self._open)
        self.refresh_button = QPushButton("Làm mới")
        self.refresh_button.clicked.connect(lambda: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.refresh_button)
        self.items: list[attention.AttentionItem] = []

    def refresh(self, today: date | None = None) -> None:
        when = today or date.today()
        db, actor = self.ctx.db, self.ctx.actor

        def work(_job: Any) -> list[attention.AttentionItem]:
            # Imported on the worker: not on the start path before the window (issue 24).
            from kcdesk.services.attention import collect as attention

            with db.session() as session:
                return attention.collect(session, when, actor)

        self.ctx.worker.run(
            work,
            on_success=if_alive(self, self.show_items),
            on_failure=if_alive(self, self._failed),
        )

    def _failed(self, exc: BaseException) -> None:
        self.title.setText(f"<b>Cần chú ý</b> — không đọc được: {exc}")

    def show_items(self, items: list[attention.AttentionItem]) -> None:
        from kcdesk.services.attention import collect as attention

        self.items = items
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for item in items:
            group = groups.get(item.kind)
            if group is None:
                label = attention.KIND_LABELS.get(item.kind, item.kind)
                group = QTreeWidgetItem([label, ""])
                groups[item.kind] = group
                self.tree.addTopLevelItem(group)
                # The group's label across the panel: "Hạn phê duyệt danh mục…" in full.
                group.setFirstColumnSpanned(True)
            child = QTreeWidgetItem([item.code, item.message])
            child.setData(0, Qt.ItemDataRole.UserRole, item.code)
            child.setToolTip(1, item.message)
            group.addChild(child)
        for kind, group in groups.items():
            group.setText(0, f"{attention.KIND_LABELS.get(kind, kind)} ({group.childCount()})")
        self.title.setText(f"<b>Cần chú ý</b> ({len(items)})")
        self.refreshed.emit(len(items))

    def _open(self, item: QTreeWidgetItem, _column: int) -> None:
        code = item.data(0, Qt.ItemDataRole.UserRole)
        if code:
            self.open_proposal.emit(str(code))
