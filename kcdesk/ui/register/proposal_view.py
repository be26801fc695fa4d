"""One proposal: its details, status history, amendments and audit trail.

Actions offer only what the procedure allows: "Chuyển trạng thái…" lists the
allowed next statuses; "Đề nghị điều chỉnh…" is there for approved proposals;
"Ghi quyết định…" for a pending amendment; "Sửa" opens the wizard when present.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kcdesk.formatting import format_money
from kcdesk.models import Facility, ProposalStatus
from kcdesk.services.amendments import record as amendments
from kcdesk.services.communes.address import proposal_place
from kcdesk.services.core import audit
from kcdesk.services.history.events import describe_event
from kcdesk.services.history.values import (
    activity_label,
    format_plain,
    format_when,
    status_label,
    user_label,
)
from kcdesk.services.proposals import duplicates as duplicate_support
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals import workflow
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.crash import show_error
from kcdesk.ui.screen_fit import fit_window


def _month(value: str | None) -> str:
    return format_plain(value) if value else "chưa ghi"


def _table(headers: list[str], rows: list[list[str]], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ProposalView(QDialog):
    """Non-modal window for one proposal; ``changed`` after any write from here."""

    changed = Signal(str)
    word_saved = Signal(Path)

    def __init__(self, ctx: AppContext, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.code = ctx, code
        self.setObjectName("proposal_view")
        self.setProperty("help_key", "proposal_view")  # F1 opens its guide page
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        fit_window(self, 900, 640)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.status_button = QPushButton("Chuyển trạng thái…")
        self.status_button.setObjectName("status_button")
        self.amend_button = QPushButton("Đề nghị điều chỉnh…")
        self.amend_button.setObjectName("amend_button")
        self.decide_button = QPushButton("Ghi quyết định điều chỉnh…")
        self.decide_button.setObjectName("decide_button")
        self.edit_button = QPushButton("&Sửa")
        self.edit_button.setObjectName("edit_button")
        self.signed_button = QPushButton("Văn bản ký số của điều chỉnh…")
        self.signed_button.setObjectName("amendment_signed_button")
        self.signed_button.clicked.connect(self.open_signed_documents)
        self.word_button = QPushButton("Lưu bản Word…")
        self.word_button.setObjectName("word_button")
        self.word_button.setToolTip("Bản .docx của đề án để sửa câu chữ trước khi trình ký")
        self.word_button.clicked.connect(self._ask_word_copy)
        self.print_button = QPushButton("&In…")
        self.print_button.setObjectName("print_button")
        self.print_button.setToolTip("Xem trước và in đề án (Phụ lục II)")
        close = QPushButton("Đó&ng")
        self.status_button.clicked.connect(self.open_status_dialog)
        self.amend_button.clicked.connect(self.open_amendment_dialog)
        self.decide_button.clicked.connect(self.open_decision_dialog)
        self.edit_button.clicked.connect(self.open_wizard)
        self.print_button.clicked.connect(self.print_preview)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for b in (
            self.status_button,
            self.amend_button,
            self.decide_button,
            self.signed_button,
            self.word_button,
            self.edit_button,
            self.print_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.dialogs: list[QDialog] = []
        self.reload()

    def reload(self) -> None:
        with self.ctx.db.session() as session:
            proposal = proposals.get_proposal(session, self.code, actor=self.ctx.actor)
            data = proposals.detail_dict(proposal)
            data["place"] = (
                proposal_place(proposal.location, proposal.commune_code, proposal.commune) or "—"
            )
            self.status = proposal.status
            items = amendments.list_amendments(session, proposal=proposal)
            amend_rows = [
                [
                    str(a.number),
                    amendments.KIND_LABELS.get(a.kind, a.kind),
                    amendments.summary_text(a),
                    a.reason,
                    amendments.authority_label(a.authority) + "\n" + "\n".join(a.authority_reasons),
                    amendments.STATE_LABELS.get(a.state, a.state),
                    f"{a.decision_no or ''} {a.decision_date.strftime('%d/%m/%Y') if a.decision_date else ''}",
                ]
                for a in items
            ]
            self.pending = next((a.number for a in items if a.state == "pending"), None)
            events = audit.list_events(session, entity_uuid=proposal.uuid, limit=300)
            event_rows = [
                [text.when, text.who, text.what, text.changes]
                for text in (describe_event(audit.event_dict(e)) for e in events)
            ]
            span = duplicate_support.span_setting(session)
            dups: set[tuple[str, int]] = set()
            for link in proposal.facility_links:
                facility: Facility = link.facility
                dups.update(
                    duplicate_support.prior_support(
                        session, facility, proposal.activity, proposal.plan_year, span
                    )
                )
            self.duplicates = sorted((y, c) for c, y in dups if c != proposal.code)
        self.setWindowTitle(f"Đề án {self.code}")
        self.heading.setText(
            f"<b>{data['code']}</b> — {data['title']}<br>Trạng thái: {self.status.label}"
        )
        self.tabs.clear()
        self.tabs.addTab(self._info(data), "Thông tin")
        history = [
            [
                format_when(h["at"]),
                status_label(h["from"]) if h["from"] else "",
                status_label(h["to"]),
                user_label(h["user"]),
                h["reason"] or "",
                f"{h['decision_no']} ngày {format_plain(h['decision_date'])}"
                if h["decision_no"] and h["decision_date"]
                else h["decision_no"] or "",
            ]
            for h in data["history"]
        ]
        self.history_table = _table(
            ["Thời điểm", "Từ", "Sang", "Người thực hiện", "Lý do", "Quyết định"],
            history,
            "history",
        )
        self.tabs.addTab(self.history_table, "Lịch sử")
        self.amendment_table = _table(
            ["Số", "Loại", "Nội dung", "Lý do", "Thẩm quyền", "Tình trạng", "Quyết định"],
            amend_rows,
            "amendments",
        )
        self.tabs.addTab(self.amendment_table, "Điều chỉnh")
        self.tabs.addTab(
            _table(["Thời điểm", "Người", "Thao tác", "Thay đổi"], event_rows, "events"), "Nhật ký"
        )
        allowed = workflow.allowed_targets(self.status)
        self.status_button.setEnabled(bool(allowed))
        self.amend_button.setEnabled(
            self.status in amendments.AMENDABLE or self.status is ProposalStatus.SUBMITTED
        )
        self.decide_button.setEnabled(self.pending is not None)
        self.signed_button.setEnabled(bool(amend_rows))

    def print_preview(self) -> None:
        """The proposal's PDF (Phụ lục II), written on the worker, then its preview."""
        from kcdesk.ui.wizard.printing import preview_proposal

        preview_proposal(self.ctx, self, self.code)

    def _info(self, data: dict[str, Any]) -> QWidget:
        view = QTextBrowser()
        view.setObjectName("info")
        facilities = "; ".join(
            f"{f['name']} (MST {f['tax_code'] or '—'})" for f in data["facilities"]
        )
        warn = ""
        if self.duplicates:
            listed = ", ".join(f"{c} ({y})" for y, c in self.duplicates)
            warn = (
                "<p style='color:#b00020'><b>Cảnh báo hỗ trợ trùng:</b> đơn vị thụ hưởng đã được "
                f"hỗ trợ cùng nội dung: {listed}.</p>"
            )
        rows = [
            ("Năm kế hoạch", data["plan_year"]),
            ("Nội dung", activity_label(data["activity"])),
            ("Đơn vị thụ hưởng", facilities or "—"),
            ("Địa điểm", data["place"]),
            ("Đơn vị phối hợp", data["partner_unit"]),
            ("Thời gian", f"{_month(data['start_month'])} – {_month(data['end_month'])}"),
            ("Tổng kinh phí", format_money(data["total"]) + " đồng"),
            ("Kinh phí hỗ trợ", format_money(data["support"]) + " đồng"),
            ("Đã giải ngân", format_money(data["disbursed"]) + " đồng"),
        ]
        body = "".join(f"<tr><td><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
        view.setHtml(warn + f"<table cellpadding='3'>{body}</table>")
        return view

    def _after_write(self, *_args: object) -> None:
        self.reload()
        self.changed.emit(self.code)

    def open_status_dialog(self) -> QDialog:
        from kcdesk.ui.register.status_dialog import StatusDialog

        dialog = StatusDialog(self.ctx, [self.code], [self.status], self)
        dialog.moved.connect(self._after_write)
        dialog.open()
        self.dialogs.append(dialog)
        return dialog

    def open_amendment_dialog(self) -> QDialog:
        from kcdesk.ui.register.amendment_dialog import AmendmentDialog

        dialog = AmendmentDialog(self.ctx, self.code, self)
        dialog.saved.connect(self._after_write)
        dialog.open()
        self.dialogs.append(dialog)
        return dialog

    def open_decision_dialog(self) -> QDialog | None:
        from kcdesk.ui.register.amendment_dialog import DecisionDialog

        if self.pending is None:
            return None
        dialog = DecisionDialog(self.ctx, self.code, self.pending, self)
        dialog.saved.connect(self._after_write)
        dialog.open()
        self.dialogs.append(dialog)
        return dialog

    def _ask_word_copy(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from kcdesk import paths

        suggested = paths.data_dir() / f"Đề án {self.code.replace('/', '-')}.docx"
        name, _ = QFileDialog.getSaveFileName(
            self, "Lưu bản Word của đề án", str(suggested), "Tài liệu Word (*.docx)"
        )
        if name:
            self.save_word_copy(Path(name if name.lower().endswith(".docx") else name + ".docx"))

    def save_word_copy(self, target: Path) -> None:
        """Write the .docx of this proposal on the worker (same content as its PDF)."""
        from kcdesk.reports.docx.write import write_proposal_docx

        ctx, code = self.ctx, self.code

        def work(_job: object) -> Path:
            with ctx.db.session() as session:
                return write_proposal_docx(session, code, target)

        def done(path: Path) -> None:
            self.word_button.setToolTip(f"Đã lưu bản Word: {path}")
            self.word_saved.emit(path)

        def failed(exc: BaseException) -> None:
            show_error(self, exc)

        ctx.worker.run(work, done, failed)

    def open_signed_documents(self) -> QDialog | None:
        """The signed documents (e.g. the signed decision) of the amendment selected in
        the "Điều chỉnh" tab, or of the latest one."""
        from kcdesk.services.signing.attached import Owner
        from kcdesk.ui.signing.attached_dialog import SignedDocumentsDialog

        with self.ctx.db.session() as session:
            proposal = proposals.get_proposal(session, self.code, actor=self.ctx.actor)
            items = [
                (a.uuid, a.number) for a in amendments.list_amendments(session, proposal=proposal)
            ]
        if not items:
            return None
        row = self.amendment_table.currentRow()
        uuid, number = items[row] if 0 <= row < len(items) else items[-1]
        owner = Owner.amendment(uuid, f"điều chỉnh lần {number} của đề án {self.code}")
        dialog = SignedDocumentsDialog(self.ctx, owner, self)
        dialog.show()
        self.dialogs.append(dialog)
        return dialog

    def open_wizard(self) -> None:
        try:
            from kcdesk.ui.wizard import open_proposal_wizard

            open_proposal_wizard(self.ctx, self, self.code)
        except Exception as exc:  # the wizard's own errors are shown, not fatal
            show_error(self, exc)


def open_proposal_window(
    ctx: AppContext, code: str, parent: QWidget, windows: list[QDialog]
) -> QDialog | None:
    """The proposal's view window (non-modal, kept in ``windows`` while open): one per
    proposal, brought forward when asked again (a double-click also emits "activated")."""
    for window in windows:
        if getattr(window, "code", None) == code:
            window.raise_()
            window.activateWindow()
            return window
    try:
        view = ProposalView(ctx, code, parent)
    except Exception as exc:
        from kcdesk.ui.crash import show_error

        show_error(parent, exc)
        return None
    view.show()
    windows.append(view)
    view.destroyed.connect(lambda *_: windows.remove(view) if view in windows else None)
    return view
