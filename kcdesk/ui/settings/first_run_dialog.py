"""First-run step: the organisation every letterhead prints (thông tin cơ quan).

Shown after start-up on a working database whose organisation is not set yet
(``services.core.organisation.is_configured``): the province, the Department, the
Centre, their abbreviations and signers. Until they are set, documents refuse to
print with a message naming the missing setting; "Để sau" leaves them for
Cài đặt → Cơ quan.

After a merge (``after_merge``) the same step asks once for the new province's names
and signers, pre-filled from the settings and the new province's official name;
saving records that they were checked (services.merge.followup).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kcdesk.services.core import organisation, settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.merge import followup
from kcdesk.text import nfc
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.settings.common import MessageLine


class OrganisationDialog(QDialog):
    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, after_merge: str | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.after_merge = after_merge
        self.setObjectName("organisation_dialog")
        self.setWindowTitle("kcdesk — thông tin cơ quan")
        text = (
            "Các văn bản kcdesk in (tờ trình, danh mục, biên bản, báo cáo) ghi tên cơ quan "
            "dưới đây. Hãy nhập đúng tên của tỉnh, Sở Công Thương và Trung tâm Khuyến công; "
            "khi còn thiếu, văn bản sẽ không in và cho biết thiếu mục nào."
        )
        if after_merge:
            text = (
                f"Đã hợp nhất dữ liệu của {after_merge}. Hãy kiểm tra tên cơ quan, Trung tâm "
                "và người ký của tỉnh mới rồi bấm «Lưu» (các văn bản in từ nay ghi các tên "
                "này). " + text
            )
        intro = QLabel(text)
        intro.setWordWrap(True)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        with ctx.db.session() as session:
            values = settings.get_all(session)
            if after_merge:
                values.update(followup.suggestions(session))
        for key in organisation.ORGANISATION_KEYS:
            spec = settings.spec(key)
            edit = QLineEdit(str(values.get(key) or ""))
            edit.setObjectName(f"org:{key}")
            if spec is not None and spec.help:
                edit.setPlaceholderText(spec.help)
            self.fields[key] = edit
            form.addRow(organisation.label(key) + ":", edit)
        self.message = MessageLine("organisation_message")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("Lưu", QDialogButtonBox.ButtonRole.AcceptRole)
        self.later_button = buttons.addButton("Để sau", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.later_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        return {key: nfc(edit.text()).strip() for key, edit in self.fields.items()}

    def save(self) -> bool:
        """Store what was typed; stays open, saying what is still missing, if anything."""
        values = self.values()
        try:
            with self.ctx.db.session() as session:
                organisation.apply(session, self.ctx.actor, values)
                if self.after_merge:
                    followup.confirm(session, self.ctx.actor)
                missing = [
                    key
                    for issuer in organisation.REQUIRED
                    for key in organisation.missing(settings.get_all(session), issuer)
                ]
        except UserError as exc:
            self.message.refused(str(exc))
            return False
        self.ctx.notify(DataKind.SETTINGS)
        if missing:
            names = ", ".join(dict.fromkeys(f"«{organisation.label(k)}»" for k in missing))
            self.message.refused(f"Đã lưu. Còn thiếu: {names}.")
            return False
        self.accept()
        return True
