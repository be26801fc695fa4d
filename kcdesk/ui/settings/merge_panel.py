"""Hợp nhất dữ liệu: merge the Centre of an old province into this one (issue 25).

Choosing the other Centre's backup (or database file) runs the preview on the
worker and shows it — what comes in, codes that collide and what they become,
communes that are not units of this province, offices that must re-join, logins in
both. Only then can the user merge, after confirming; the merge runs on the worker
too, in one transaction (services/merge).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk import paths
from kcdesk.services.core.errors import UserError
from kcdesk.services.merge import run
from kcdesk.services.merge.describe import describe
from kcdesk.services.merge.plan import MergePlan
from kcdesk.services.security import permissions
from kcdesk.ui import vi
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.crash import show_error
from kcdesk.ui.settings.common import MessageLine
from kcdesk.ui.settings.first_run_dialog import OrganisationDialog


class MergePanel(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("merge_panel")
        self.source: Path | None = None
        self.plan: MergePlan | None = None
        # Opened after a successful merge: the new province's organisation, once.
        self.organisation_dialog: OrganisationDialog | None = None
        intro = QLabel(
            "Từ 01/7/2025 nhiều tỉnh được hợp nhất. Chọn bản sao lưu (hoặc tệp cơ sở dữ liệu) "
            "của Trung tâm tỉnh cũ: kcdesk kiểm tra tệp và nhật ký thao tác của nó, cho xem "
            "trước những gì sẽ đưa vào, và chỉ hợp nhất khi bạn đồng ý. Mã đề án trùng được "
            "thêm tiền tố của tỉnh cũ; không có gì bị đánh số lại ngầm."
        )
        intro.setWordWrap(True)
        allowed = permissions.allowed(ctx.actor, permissions.RESTORE)
        self.choose_button = QPushButton("Chọn tệp của Trung tâm tỉnh cũ và xem trước…")
        self.choose_button.setObjectName("merge_choose")
        self.choose_button.clicked.connect(self._ask_file)
        self.choose_button.setEnabled(allowed)
        self.prefix = QLineEdit()
        self.prefix.setObjectName("merge_prefix")
        self.prefix.setPlaceholderText("tự động: chữ đầu tên tỉnh cũ, ví dụ HD")
        self.prefix.setMaximumWidth(260)
        self.merge_button = QPushButton("Hợp nhất…")
        self.merge_button.setObjectName("merge_apply")
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self._ask_merge)
        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addWidget(QLabel("Tiền tố cho mã trùng:"))
        row.addWidget(self.prefix)
        row.addWidget(self.merge_button)
        row.addStretch(1)
        self.message = MessageLine("merge_message")
        self.preview_view = QPlainTextEdit()
        self.preview_view.setObjectName("merge_preview")
        self.preview_view.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.preview_view, 1)

    def _prefix(self) -> str | None:
        return self.prefix.text().strip() or None

    def _ask_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Chọn bản sao lưu của Trung tâm tỉnh cũ",
            str(paths.backups_dir()),
            "Bản sao lưu kcdesk (*.zip *.sqlite);;Tất cả tệp (*)",
        )
        if name:
            self.preview(Path(name))

    def _busy(self, text: str) -> None:
        self.choose_button.setEnabled(False)
        self.merge_button.setEnabled(False)
        self.message.done(text)

    def _idle(self) -> None:
        self.choose_button.setEnabled(permissions.allowed(self.ctx.actor, permissions.RESTORE))
        plan = self.plan
        self.merge_button.setEnabled(plan is not None and not plan.nothing_new)

    def _failed(self, exc: BaseException) -> None:
        self.plan = None
        self._idle()
        if isinstance(exc, UserError):
            self.message.refused(str(exc))
        else:
            self.message.refused("Không hoàn tất được; xem chi tiết lỗi.")
            show_error(self, exc)

    def preview(self, source: Path) -> None:
        """Check ``source`` and show what merging it would do (on the worker)."""
        db, actor, prefix = self.ctx.db, self.ctx.actor, self._prefix()
        self.source, self.plan = source, None
        self.preview_view.clear()
        self._busy(f"Đang kiểm tra {source.name} và lập bản xem trước…")

        def done(plan: MergePlan) -> None:
            self.plan = plan
            self._idle()
            self.preview_view.setPlainText("\n".join(describe(plan)))
            if plan.nothing_new:
                self.message.done("Không có gì mới để hợp nhất.")
            else:
                self.message.done("Đã kiểm tra tệp và nhật ký. Xem lại rồi bấm «Hợp nhất…».")

        self.ctx.worker.run(
            lambda _job: run.preview(db, source, actor, code_prefix=prefix), done, self._failed
        )

    def _ask_merge(self) -> None:
        if self.plan is None or self.source is None:
            return
        if vi.ask(
            self,
            "Hợp nhất dữ liệu",
            f"Đưa dữ liệu của {self.plan.origin_label} vào cơ sở dữ liệu này như bản xem "
            "trước?\n\nViệc hợp nhất được ghi vào nhật ký thao tác.",
        ):
            self.merge()

    def merge(self) -> None:
        """Merge the previewed file (on the worker, one transaction)."""
        if self.source is None:
            return
        db, actor, prefix, source = self.ctx.db, self.ctx.actor, self._prefix(), self.source
        self._busy("Đang hợp nhất…")

        def done(result: run.MergeResult | None) -> None:
            self.plan = None
            self._idle()
            if result is None:
                self.message.done("Không có gì mới để hợp nhất; không có gì thay đổi.")
                return
            self.message.done(
                f"Đã hợp nhất dữ liệu của {result.plan.origin_label}. Hãy kiểm tra lại tên "
                "cơ quan, Trung tâm và người ký trong «Cơ quan và quy định»."
            )
            for kind in DataKind:
                self.ctx.notify(kind)
            # The new province's letterhead and signers, asked for once (pre-filled).
            self.organisation_dialog = OrganisationDialog(
                self.ctx, self, after_merge=result.plan.origin_label
            )
            self.organisation_dialog.open()

        self.ctx.worker.run(
            lambda _job: run.merge(db, source, actor, code_prefix=prefix), done, self._failed
        )
