"""Settings → Ký số: the signer's signature image, the seal image and the trusted roots.

The images are shown as they will be stamped (ND 30/2020 Phụ lục I: PNG on a
transparent background); a missing image says "chưa đặt". Changes go through the
signing store (audited, settings permission checked in the service).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.core.errors import UserError
from kcdesk.services.security import permissions
from kcdesk.services.signing import store
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.settings.common import MessageLine


class SigningPanel(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("signing_panel")
        may_edit = permissions.allowed(ctx.actor, permissions.SETTINGS_EDIT)
        self.previews: dict[str, QLabel] = {}
        images_box = QGroupBox("Hình ảnh chữ ký số (PNG, nền trong suốt)")
        images_layout = QVBoxLayout(images_box)
        for key, hint in (
            (store.SIGNER_IMAGE, "đặt giữa chức vụ và họ tên người ký"),
            (store.SEAL_IMAGE, "kèm tên cơ quan và thời gian ký, trùm 1/3 chữ ký bên trái"),
        ):
            preview = QLabel()
            preview.setObjectName(f"preview:{key}")
            preview.setMinimumSize(180, 80)
            preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.previews[key] = preview
            choose = QPushButton("Chọn hình…")
            choose.setObjectName(f"choose:{key}")
            choose.setEnabled(may_edit)
            choose.clicked.connect(lambda _=False, k=key: self._browse_image(k))
            clear = QPushButton("Xóa")
            clear.setEnabled(may_edit)
            clear.clicked.connect(lambda _=False, k=key: self.set_image(k, None))
            row = QHBoxLayout()
            row.addWidget(QLabel(f"{store.IMAGE_LABELS[key]} ({hint}):"), 1)
            row.addWidget(preview)
            row.addWidget(choose)
            row.addWidget(clear)
            images_layout.addLayout(row)

        self.default_look = QComboBox()
        self.default_look.setObjectName("default_look")
        for value, label in store.LOOK_LABELS.items():
            self.default_look.addItem(label, value)
        self.default_look.setEnabled(may_edit)
        self.default_look.activated.connect(
            lambda _i: self.set_default_look(self.default_look.currentData())
        )
        look_row = QHBoxLayout()
        look_row.addWidget(QLabel("Kiểu chữ ký mặc định khi ký số:"))
        look_row.addWidget(self.default_look, 1)
        images_layout.addLayout(look_row)

        roots_box = QGroupBox("Chứng thư gốc tin cậy (dùng khi kiểm tra chữ ký số)")
        self.roots = QListWidget()
        self.roots.setObjectName("trusted_roots")
        import_button = QPushButton("Nhập chứng thư gốc…")
        import_button.setObjectName("import_root")
        import_button.setEnabled(may_edit)
        import_button.clicked.connect(self._browse_root)
        remove_button = QPushButton("Bỏ chứng thư đã chọn")
        remove_button.setEnabled(may_edit)
        remove_button.clicked.connect(self.remove_selected_root)
        roots_buttons = QHBoxLayout()
        roots_buttons.addWidget(import_button)
        roots_buttons.addWidget(remove_button)
        roots_buttons.addStretch(1)
        roots_layout = QVBoxLayout(roots_box)
        roots_layout.addWidget(self.roots)
        roots_layout.addLayout(roots_buttons)

        self.message = MessageLine("signing_message")
        layout = QVBoxLayout(self)
        layout.addWidget(images_box)
        layout.addWidget(roots_box, 1)
        layout.addWidget(self.message)
        if not may_edit:
            self.message.refused("Chỉ quản trị viên được đổi hình chữ ký, con dấu và gốc tin cậy.")
        self.load()

    def load(self) -> None:
        with self.ctx.db.session() as session:
            images = store.images(session)
            infos = store.root_infos(session)
            look = store.default_look(session)
        self.default_look.setCurrentIndex(self.default_look.findData(look))
        for key, data in ((store.SIGNER_IMAGE, images.signer), (store.SEAL_IMAGE, images.seal)):
            label = self.previews[key]
            if data:
                pixmap = QPixmap()
                pixmap.loadFromData(data, "PNG")  # only PNGs are stored; never guess
                label.setPixmap(pixmap.scaled(180, 80, Qt.AspectRatioMode.KeepAspectRatio))
                label.setToolTip("")
            else:
                label.setPixmap(QPixmap())
                label.setText("chưa đặt")
        self.roots.clear()
        for info in infos:
            org = f" — {info.organisation}" if info.organisation else ""
            self.roots.addItem(
                f"{info.subject}{org} — hiệu lực đến {info.valid_to.strftime('%d/%m/%Y')}"
            )
        if not infos:
            self.roots.addItem(
                "Chưa nhập chứng thư gốc nào: mọi chữ ký sẽ được báo là chưa tin cậy."
            )
            self.roots.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def set_default_look(self, value: str) -> bool:
        try:
            with self.ctx.db.session() as session:
                store.set_default_look(session, self.ctx.actor, value)
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        self.message.done(f"Kiểu chữ ký mặc định: {store.LOOK_LABELS[value].lower()}.")
        return True

    def _browse_image(self, key: str) -> None:
        name, _ = QFileDialog.getOpenFileName(self, store.IMAGE_LABELS[key], "", "Ảnh PNG (*.png)")
        if name:
            self.set_image_file(key, Path(name))

    def _browse_root(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Nhập chứng thư gốc", "", "Chứng thư (*.pem *.crt *.cer *.der)"
        )
        if name:
            self.import_root_file(Path(name))

    def set_image_file(self, key: str, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError:
            self.message.refused(f"Không đọc được tệp {path.name}.")
            return False
        return self.set_image(key, data)

    def set_image(self, key: str, data: bytes | None) -> bool:
        try:
            with self.ctx.db.session() as session:
                store.set_image(session, self.ctx.actor, key, data)
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        self.load()
        label = store.IMAGE_LABELS[key]
        self.message.done(f"Đã lưu {label.lower()}." if data else f"Đã xóa {label.lower()}.")
        return True

    def import_root_file(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
            with self.ctx.db.session() as session:
                added = store.add_trusted_root(session, self.ctx.actor, data)
        except OSError:
            self.message.refused(f"Không đọc được tệp {path.name}.")
            return False
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        self.load()
        self.message.done(
            f"Đã nhập {added} chứng thư gốc." if added else "Chứng thư này đã có trong danh sách."
        )
        return True

    def remove_selected_root(self) -> bool:
        row = self.roots.currentRow()
        if row < 0:
            self.message.refused("Hãy chọn một chứng thư gốc trong danh sách.")
            return False
        try:
            with self.ctx.db.session() as session:
                store.remove_trusted_root(session, self.ctx.actor, row)
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        self.load()
        self.message.done("Đã bỏ chứng thư gốc.")
        return True
