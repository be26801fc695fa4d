"""Gửi gói: write a signed pack to a USB stick (or a folder) with the shared USB dialog.

The pack is produced and verified on the worker; only when the copy on the stick is
verified does the export count (sync bases and watermark move on), so a pulled stick
never makes the next pack skip records.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from kcdesk.models import Office, OfficeLevel, utcnow
from kcdesk.services.catalogue.removable_drives import detect_removable_drives
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.file_names import safe_file_name
from kcdesk.services.exchange import export, keys
from kcdesk.ui import crash
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.usb_export_dialog import UsbExportDialog
from kcdesk.ui.worker import Job


class ExportPanel(QWidget):
    exported = Signal(object)  # export.ExportResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exchange_export")
        self.ctx = ctx
        self.is_centre = False
        self.own_code = ""
        self.detect_drives = detect_removable_drives
        self.dialog: UsbExportDialog | None = None
        self.pending: export.ExportResult | None = None
        self.last_result: export.ExportResult | None = None
        self.role = QLabel()
        self.role.setWordWrap(True)
        self.office = QComboBox()
        self.office.setObjectName("export_office")
        self.office_label = QLabel("Gửi cho đơn vị:")
        self.full = QCheckBox("Gửi tất cả (không chỉ phần đã thay đổi từ lần gửi trước)")
        self.last = QLabel()
        self.last.setWordWrap(True)
        self.button = QPushButton("Ghi gói ra USB…")
        self.button.setObjectName("export_button")
        self.message = QLabel()
        self.message.setObjectName("export_message")
        self.message.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.role)
        row = QHBoxLayout()
        row.addWidget(self.office_label)
        row.addWidget(self.office, 1)
        layout.addLayout(row)
        layout.addWidget(self.full)
        layout.addWidget(self.last)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.button.clicked.connect(self.open_dialog)
        self.office.currentIndexChanged.connect(self._show_last)
        ctx.data_changed.connect(self._changed)
        self.refresh()

    def _changed(self, kind: str) -> None:
        if kind == DataKind.EXCHANGE:
            self.refresh()

    def refresh(self) -> None:
        try:
            self._load()
        except UserError as exc:
            self.role.setText(str(exc))
            self.button.setEnabled(False)

    def _load(self) -> None:
        with self.ctx.db.session() as session:
            own = keys.own_office(session)
            self.is_centre = own.level is OfficeLevel.CENTRE
            self.own_code = own.code
            peers = [
                (o.code, o.name)
                for o in keys.list_offices(session)
                if o.active and o.exchange_secret and o.level is not OfficeLevel.CENTRE
            ]
            centre = None if self.is_centre else keys.centre_office(session).code
        current = self.office.currentData()
        self.office.blockSignals(True)
        self.office.clear()
        for code, name in peers if self.is_centre else []:
            self.office.addItem(f"{code} — {name}", code)
        if current is not None and (i := self.office.findData(current)) >= 0:
            self.office.setCurrentIndex(i)
        self.office.blockSignals(False)
        self.office.setVisible(self.is_centre)
        self.office_label.setVisible(self.is_centre)
        if self.is_centre:
            self.role.setText(
                "Trung tâm gửi gói trả về cho một đơn vị: trạng thái, lịch sử trạng thái, kết quả "
                "thẩm định và quyết định của các đề án của đơn vị đó."
            )
            self.button.setEnabled(bool(peers))
        else:
            self.role.setText(
                f"Đơn vị {self.own_code} gửi cho Trung tâm {centre} các đề án, cơ sở thụ hưởng "
                "và tệp đính kèm mới hoặc đã sửa."
            )
            self.button.setEnabled(True)
        self._show_last()

    def recipient(self) -> str | None:
        if self.is_centre:
            data = self.office.currentData()
            return str(data) if data else None
        return None

    def _show_last(self) -> None:
        peer = self.recipient()
        with self.ctx.db.session() as session:
            if peer is None and not self.is_centre:
                centre = session.scalars(
                    select(Office).where(Office.level == OfficeLevel.CENTRE)
                ).first()
                peer = centre.code if centre is not None else None
            mark = export.last_export(session, peer) if peer else None
            text = (
                f"Lần gửi trước cho {peer}: {mark.last_export_at:%H:%M %d/%m/%Y} UTC, "
                f"{mark.last_counts.get('proposals', 0)} đề án."
                if mark is not None
                else "Chưa gửi gói nào cho đơn vị này."
            )
        self.last.setText(text)

    def file_name(self) -> str:
        peer = self.recipient() or "TTKC"
        stamp = utcnow().strftime("%Y%m%d-%H%M")
        return safe_file_name(f"kcdesk-{self.own_code}-gui-{peer}-{stamp}.kcpack")

    def produce(self, target: Path) -> None:
        """Write the pack at ``target`` (called on the worker by the USB dialog)."""
        ctx, office, full = self.ctx, self.recipient(), self.full.isChecked()
        with ctx.db.session() as session:
            self.pending = export.write_pack(
                session, ctx.actor, target, office_code=office, full=full
            )

    def open_dialog(self) -> UsbExportDialog:
        self.pending = None
        dialog = UsbExportDialog(
            self.ctx,
            [(self.file_name(), self.produce)],
            self,
            title="Ghi gói trao đổi ra USB",
            detect=self.detect_drives,
        )
        dialog.export_finished.connect(self._written)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _written(self, outcome: object) -> None:
        pending = self.pending
        if isinstance(outcome, BaseException) or pending is None:
            self.message.setText("Chưa gửi được gói; lần gửi sau vẫn gồm mọi thay đổi.")
            return
        ctx = self.ctx

        def work(job: Job) -> export.ExportResult:
            with ctx.db.session() as session:
                export.mark_exported(session, ctx.actor, pending)
            return pending

        ctx.worker.run(work, self._marked, self._failed)

    def _marked(self, result: export.ExportResult) -> None:
        self.last_result = result
        c = result.counts
        self.message.setText(
            f"Đã gửi gói cho {result.recipient}: {c['proposals']} đề án, {c['facilities']} cơ "
            f"sở, {c['attachments']} tệp đính kèm."
        )
        self._show_last()
        self.ctx.notify(DataKind.EXCHANGE)
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.message.setText(str(exc))
        else:
            crash.show_error(self, exc).show()
