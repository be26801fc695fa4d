"""Backup now, restore, check integrity (sao lưu, khôi phục, kiểm tra toàn vẹn).

The work runs on the context's worker (off the UI thread); the result or the
refusal is written in the result view, and the backup log is listed below.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from kcdesk import paths
from kcdesk.formatting.units import format_seconds, format_size
from kcdesk.models.security import BackupRecord
from kcdesk.services.backup import auto_backup, integrity
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.core.errors import UserError
from kcdesk.services.security import permissions
from kcdesk.ui import file_dialogs, vi
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.crash import show_error
from kcdesk.ui.settings.common import MessageLine

KIND_LABELS = {
    "manual": "Sao lưu thủ công",
    "auto": "Tự động hằng ngày",
    "before_restore": "Trước khi khôi phục",
    "restored": "Đã khôi phục từ tệp",
}
# Every kind of record a restore may change, so open lists reload.
DATA_KINDS = tuple(DataKind)


def _size(n: int) -> str:
    return format_size(n)


class BackupPanel(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("backup_panel")
        actor = ctx.actor
        location = ctx.db.display
        intro = QLabel(
            f"Cơ sở dữ liệu: {location}<br>Bản sao lưu tự động hằng ngày giữ trong "
            f"{paths.backups_dir()} (giữ {backup.KEEP[backup.AUTO_TAG]} bản gần nhất). "
            "Mỗi bản sao lưu là một tệp .zip gồm cơ sở dữ liệu và mọi tệp đính kèm."
            + (f"<br>{notice}" if (notice := auto_backup.server_backup_notice(ctx.db)) else "")
        )
        intro.setWordWrap(True)

        self.backup_button = QPushButton("Sao lưu ngay ra thư mục / USB…")
        self.backup_button.setObjectName("backup_now")
        self.backup_button.clicked.connect(self._ask_backup)
        self.backup_button.setEnabled(permissions.allowed(actor, permissions.BACKUP))
        self.restore_button = QPushButton("Khôi phục từ bản sao lưu…")
        self.restore_button.setObjectName("restore")
        self.restore_button.clicked.connect(self._ask_restore)
        self.restore_button.setEnabled(permissions.allowed(actor, permissions.RESTORE))
        self.check_button = QPushButton("Kiểm tra toàn vẹn dữ liệu")
        self.check_button.setObjectName("check_integrity")
        self.check_button.clicked.connect(self.run_check)
        self.check_button.setEnabled(permissions.allowed(actor, permissions.INTEGRITY_CHECK))
        buttons = QHBoxLayout()
        for b in (self.backup_button, self.restore_button, self.check_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.message = MessageLine("backup_message")
        self.result_view = QPlainTextEdit()
        self.result_view.setObjectName("backup_result")
        self.result_view.setReadOnly(True)
        self.result_view.setMaximumHeight(140)

        self.history = QTableWidget(0, 4)
        self.history.setObjectName("backup_history")
        self.history.setHorizontalHeaderLabels(["Thời điểm", "Loại", "Tệp", "Dung lượng"])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.result_view)
        layout.addWidget(QLabel("Nhật ký sao lưu:"))
        layout.addWidget(self.history, 1)
        self.refresh_history()

    # -- buttons (dialogs), then the work --------------------------------------------
    def _ask_backup(self) -> None:
        picked = file_dialogs.choose_folder(self, "Chọn thư mục hoặc USB để lưu bản sao")
        folder = str(picked) if picked is not None else ""
        if folder:
            self.backup_to(Path(folder))

    def _ask_restore(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Chọn bản sao lưu kcdesk",
            str(paths.backups_dir()),
            "Bản sao lưu kcdesk (*.zip *.sqlite);;Tất cả tệp (*)",
        )
        if not name:
            return
        if vi.ask(
            self,
            "Khôi phục dữ liệu",
            f"Thay toàn bộ dữ liệu hiện tại bằng bản sao lưu {Path(name).name}?\n\n"
            "kcdesk kiểm tra tệp trước và sao lưu dữ liệu hiện tại trước khi thay.",
        ):
            self.restore_from(Path(name))

    def _busy(self, text: str) -> None:
        for b in (self.backup_button, self.restore_button, self.check_button):
            b.setEnabled(False)
        self.message.done(text)
        self.result_view.clear()

    def _idle(self) -> None:
        actor = self.ctx.actor
        self.backup_button.setEnabled(permissions.allowed(actor, permissions.BACKUP))
        self.restore_button.setEnabled(permissions.allowed(actor, permissions.RESTORE))
        self.check_button.setEnabled(permissions.allowed(actor, permissions.INTEGRITY_CHECK))

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        if isinstance(exc, UserError):
            self.message.refused(str(exc))
        else:
            self.message.refused("Không hoàn tất được; xem chi tiết lỗi.")
            show_error(self, exc)

    def backup_to(self, folder: Path) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self._busy("Đang sao lưu…")

        def done(info: backup.BackupInfo) -> None:
            self._idle()
            counts = info.manifest["counts"]
            self.message.done(f"Đã sao lưu và đọc lại kiểm tra: {info.path}")
            lines = [
                f"Tệp: {info.path}",
                f"Dung lượng: {_size(info.size)}; {counts['proposals']} đề án, "
                f"{counts['attachments']} tệp đính kèm; {format_seconds(info.seconds)}.",
                f"SHA-256: {info.sha256}",
            ]
            lines += [
                f"Cảnh báo: tệp đính kèm {h[:12]}… đã hỏng." for h in info.damaged_attachments
            ]
            self.result_view.setPlainText("\n".join(lines))
            self.refresh_history()

        self.ctx.worker.run(
            lambda _job: backup.create_backup(db, folder, actor), done, self._failed
        )

    def confirm_other_centre(self, text: str) -> bool:
        """Ask before another Centre's or province's backup replaces this data (the
        question names both). Tests replace this method."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Bản sao lưu của đơn vị khác")
        box.setText(
            text.split(" Chỉ khôi phục")[0] + "\n\nVẫn thay dữ liệu này bằng bản sao lưu đó?"
        )
        yes = box.addButton("Vẫn khôi phục", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Hủy", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is yes

    def restore_from(self, source: Path, *, accept_other: bool = False) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self._busy("Đang kiểm tra bản sao lưu rồi khôi phục…")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, backup.OtherCentre) and not accept_other:
                self._idle()
                if self.confirm_other_centre(str(exc)):
                    self.restore_from(source, accept_other=True)
                else:
                    self.message.refused("Đã hủy khôi phục; không có gì thay đổi.")
                return
            self._failed(exc)

        def done(result: backup.RestoreResult) -> None:
            self._idle()
            self.ctx.db = result.database
            counts = result.manifest.get("counts", {})
            self.message.done(f"Đã khôi phục từ {source.name}.")
            key_note = f"{result.key_note}\n" if result.key_note else ""
            self.result_view.setPlainText(
                key_note + f"Đã khôi phục {counts.get('proposals', '?')} đề án, "
                f"{counts.get('attachments', 0)} tệp đính kèm trong {format_seconds(result.seconds)}.\n"
                f"Dữ liệu ngay trước khi khôi phục được giữ ở: {result.safety_backup.path}\n"
                "Nên đóng và mở lại kcdesk để mọi màn hình đọc lại dữ liệu."
            )
            for kind in DATA_KINDS:
                self.ctx.notify(kind)
            self.refresh_history()

        self.ctx.worker.run(
            lambda _job: backup.restore_backup(db, source, actor, accept_other=accept_other),
            done,
            failed,
        )

    def run_check(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self._busy("Đang kiểm tra toàn vẹn…")

        def done(problems: list[integrity.Problem]) -> None:
            self._idle()
            if not problems:
                self.message.done(
                    "Toàn vẹn: cơ sở dữ liệu, mọi tệp đính kèm và nhật ký thao tác đều nguyên vẹn."
                )
                return
            self.message.refused(f"Phát hiện {len(problems)} vấn đề; hãy khôi phục từ bản sao lưu.")
            self.result_view.setPlainText("\n".join(f"- {p.message}" for p in problems))

        self.ctx.worker.run(lambda _job: integrity.check(db, actor), done, self._failed)

    def refresh_history(self) -> None:
        with self.ctx.db.session() as session:
            rows = list(
                session.scalars(select(BackupRecord).order_by(BackupRecord.id.desc()).limit(30))
            )
        self.history.setRowCount(len(rows))
        for r, rec in enumerate(rows):
            values = (
                # Stored in UTC like every timestamp; shown in the PC's time.
                rec.at.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M"),
                KIND_LABELS.get(rec.kind, rec.kind),
                rec.path,
                _size(rec.size) if rec.size else "",
            )
            for c, value in enumerate(values):
                self.history.setItem(r, c, QTableWidgetItem(value))
