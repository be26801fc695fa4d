"""The "Ký số…" dialog of the print preview: sign the previewed PDF with a certificate
file (.p12/.pfx) or a USB token (PKCS#11), visibly per ND 30/2020 or invisibly.

The password or PIN is typed into a masked field, handed to the signing service and
cleared; it is never stored, logged or shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.signing import store
from kcdesk.services.signing.appearance import Look
from kcdesk.services.signing.credentials import P12Key, SignerKey, TokenKey
from kcdesk.services.signing.sign import SignatureImages, SignedResult, sign_pdf
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.worker import Job


def signed_path(source: Path) -> Path:
    """Where the signed copy goes by default: next to the file, marked as signed."""
    return source.with_name(f"{source.stem} (đã ký).pdf")


def _with_button(edit: QLineEdit, button: QPushButton) -> QWidget:
    host = QWidget()
    row = QHBoxLayout(host)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return host


class SignDialog(QDialog):
    """Sign ``source``; ``signed`` carries the signed file's path when done."""

    signed = Signal(Path)

    def __init__(self, parent: QWidget | None, source: Path, ctx: AppContext | None) -> None:
        super().__init__(parent)
        self.setObjectName("sign_dialog")
        self.setWindowTitle(f"Ký số — {source.name}")
        self.source = source
        self.ctx = ctx
        self.result_value: SignedResult | None = None

        self.use_p12 = QRadioButton("Tệp chứng thư số (.p12, .pfx)")
        self.use_token = QRadioButton("Token USB ký số (PKCS#11)")
        self.use_p12.setChecked(True)
        self.p12_path = QLineEdit()
        self.p12_path.setObjectName("p12_path")
        p12_browse = QPushButton("Chọn…")
        p12_browse.clicked.connect(self._browse_p12)
        self.token_lib = QLineEdit()
        self.token_lib.setObjectName("token_library")
        self.token_lib.setPlaceholderText(
            "thư viện PKCS#11 của token, ví dụ C:\\Windows\\System32\\…dll"
        )
        lib_browse = QPushButton("Chọn…")
        lib_browse.clicked.connect(self._browse_lib)
        self.token_label = QLineEdit()
        self.token_label.setObjectName("token_label")
        self.token_label.setPlaceholderText("để trống khi chỉ cắm một token")
        self.key_label = QLineEdit()
        self.key_label.setObjectName("key_label")
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.look = QComboBox()
        self.look.setObjectName("look")
        for look in Look:
            self.look.addItem(look.label, look)
        if ctx is not None:
            with ctx.db.session() as session:
                start = Look(store.default_look(session))
            self.look.setCurrentIndex(self.look.findData(start))
        self.target = QLineEdit(str(signed_path(source)))
        self.target.setObjectName("target")
        self.images_note = QLabel(self._images_note())
        self.images_note.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("sign_message")
        self.message.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.use_p12)
        form.addRow("Tệp chứng thư:", _with_button(self.p12_path, p12_browse))
        form.addRow(self.use_token)
        form.addRow("Thư viện token:", _with_button(self.token_lib, lib_browse))
        form.addRow("Nhãn token:", self.token_label)
        form.addRow("Nhãn khóa:", self.key_label)
        form.addRow("Mật khẩu / mã PIN:", self.secret)
        form.addRow("Kiểu chữ ký:", self.look)
        form.addRow("Ghi bản đã ký vào:", self.target)
        buttons = QDialogButtonBox()
        self.sign_button = buttons.addButton("&Ký số", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("do_sign")
        buttons.addButton("Đó&ng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.sign)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.images_note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _images_note(self) -> str:
        if self.ctx is None:
            return "Không có cơ sở dữ liệu: ký không kèm hình chữ ký, con dấu."
        with self.ctx.db.session() as session:
            images = store.images(session)
        missing = [
            label
            for label, data in (("hình chữ ký", images.signer), ("hình con dấu", images.seal))
            if not data
        ]
        if not missing:
            return "Hình chữ ký và con dấu lấy từ Cài đặt → Ký số."
        return (
            f"Chưa đặt {', '.join(missing)} trong Cài đặt → Ký số: chữ ký hiện tên và thời gian ký."
        )

    def _browse_p12(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Chọn tệp chứng thư số", "", "Chứng thư số (*.p12 *.pfx)"
        )
        if name:
            self.p12_path.setText(name)
            self.use_p12.setChecked(True)

    def _browse_lib(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Chọn thư viện PKCS#11 của token")
        if name:
            self.token_lib.setText(name)
            self.use_token.setChecked(True)

    def _key(self, secret: str) -> SignerKey:
        if self.use_p12.isChecked():
            if not self.p12_path.text().strip():
                raise UserError("Hãy chọn tệp chứng thư số (.p12, .pfx).")
            return P12Key(Path(self.p12_path.text().strip()), secret)
        if not self.token_lib.text().strip():
            raise UserError("Hãy chọn thư viện PKCS#11 của token.")
        return TokenKey(
            Path(self.token_lib.text().strip()),
            secret,
            token_label=self.token_label.text().strip() or None,
            key_label=self.key_label.text().strip() or None,
        )

    def _refuse(self, text: str) -> None:
        self.message.setStyleSheet("color:#b00020;")
        self.message.setText(text)

    def sign(self) -> None:
        secret = self.secret.text()
        # The secret lives only in this call from here on.
        self.secret.clear()
        try:
            key = self._key(secret)
            target = Path(self.target.text().strip() or signed_path(self.source))
        except UserError as exc:
            self._refuse(str(exc))
            return
        look = self.look.currentData()
        ctx = self.ctx

        def work(_job: Job | None = None) -> SignedResult:
            images, organisation, place, roots = SignatureImages(), "", None, []
            if ctx is not None:
                with ctx.db.session() as session:
                    values = settings.get_all(session)
                    images = store.images(session)
                    roots = store.trusted_roots(session)
                organisation = str(values["org.centre_name"])
                place = str(values["org.place_name"])
            return sign_pdf(
                self.source,
                target,
                key,
                look=look,
                images=images,
                organisation=organisation,
                location=place,
                extra_certs=roots,
            )

        self.sign_button.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText("Đang ký…")
        if ctx is None:
            try:
                self._done(work())
            except UserError as exc:
                self._failed(exc)
            return
        ctx.worker.run(work, self._done, self._failed)

    def _done(self, result: SignedResult) -> None:
        self.result_value = result
        self.sign_button.setEnabled(True)
        self.message.setStyleSheet("color:#1b5e20;")
        self.message.setText(f"Đã ký số, người ký {result.signer or 'không rõ'}: {result.target}")
        self.signed.emit(result.target)

    def _failed(self, exc: BaseException) -> None:
        self.sign_button.setEnabled(True)
        if isinstance(exc, UserError):
            self._refuse(str(exc))
            return
        self._refuse("Không ký được tệp (lỗi không mong đợi, xem nhật ký).")


def find_context(widget: QWidget | None) -> AppContext | None:
    """The AppContext of the window a widget belongs to, if any (screens keep it as ``ctx``)."""
    while widget is not None:
        ctx = getattr(widget, "ctx", None)
        if isinstance(ctx, AppContext):
            return ctx
        widget = widget.parentWidget()
    return None


def open_sign_dialog(
    parent: QWidget, source: Path, on_signed: Callable[[Path], object] | None = None
) -> SignDialog:
    dialog = SignDialog(parent, source, find_context(parent))
    if on_signed is not None:
        dialog.signed.connect(on_signed)
    dialog.show()
    return dialog
