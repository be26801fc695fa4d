"""The proposal wizard (trình hướng dẫn lập đề án): one page per part of Phụ lục II.

State lives in one :class:`ProposalInput`; pages read and write it. The draft is
autosaved on every page change and a few seconds after typing stops, so a crash
loses nothing; Finish saves the whole proposal once, in one transaction.
"""

from __future__ import annotations

from datetime import UTC, date

from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget, QWizard

from kcdesk.services.core import settings
from kcdesk.services.core.errors import UserError
from kcdesk.services.forms import load as forms
from kcdesk.services.proposals import draft_store as drafts
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals.draft import ProposalInput, documents_for, from_proposal
from kcdesk.services.proposals.save import create_proposal, locked_message, update_proposal
from kcdesk.services.proposals.template import load_template
from kcdesk.services.proposals.validation import Problem, validate, validate_all
from kcdesk.ui import crash
from kcdesk.ui.app_context import AppContext, DataKind
from kcdesk.ui.screen_fit import fit_window
from kcdesk.ui.wizard.common import WizardPageBase
from kcdesk.ui.wizard.page_beneficiaries import BeneficiariesPage
from kcdesk.ui.wizard.page_budget import BudgetPage
from kcdesk.ui.wizard.page_dossier import DossierPage
from kcdesk.ui.wizard.page_general import GeneralPage
from kcdesk.ui.wizard.page_review import ReviewPage
from kcdesk.ui.wizard.page_schedule import SchedulePage
from kcdesk.ui.wizard.page_text import NeedPage, OutcomesPage

AUTOSAVE_MS = 3000


def _sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:].lower() if text else ""


def confirm_saved(parent: QWidget | None, message: str) -> None:
    """Say that the proposal was saved: in the main window's status bar (the wizard
    closes), for long enough to be read."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 15_000)


class ProposalWizard(QWizard):
    """Create (``code`` None) or edit proposal ``code``; non-modal."""

    def __init__(self, ctx: AppContext, parent: QWidget | None, code: str | None) -> None:
        super().__init__(parent)
        self.setObjectName("proposal_wizard")
        self.setProperty("help_key", "proposal_wizard")  # F1 opens its guide page
        self.ctx = ctx
        self.code = code
        self.saved_code: str | None = None
        self.dirty = False
        self.restore_box: QMessageBox | None = None
        self.cancel_box: QMessageBox | None = None
        self.template = load_template()
        self.activities = forms.load_activities()
        self.data = self._initial_data()
        self.setWindowTitle(self._title())
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        # Printing shows the saved version, so it is offered when editing one.
        self.setOption(QWizard.WizardOption.HaveCustomButton2, code is not None)
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Quay lại")
        self.setButtonText(QWizard.WizardButton.NextButton, "&Tiếp >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Lưu đề án")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Hủy")
        self.setButtonText(QWizard.WizardButton.CustomButton1, "Lưu &nháp (Ctrl+S)")
        self.setButtonText(QWizard.WizardButton.CustomButton2, "&Xem bản in…")
        self.customButtonClicked.connect(self._custom_button)
        self.pages: list[WizardPageBase] = [
            GeneralPage(self),
            BeneficiariesPage(self),
            NeedPage(self),
            SchedulePage(self),
            BudgetPage(self),
            OutcomesPage(self),
            DossierPage(self),
            ReviewPage(self),
        ]
        for page in self.pages:
            self.addPage(page)
            page.changed.connect(self._on_edit)
        self.review: ReviewPage = self.pages[-1]  # type: ignore[assignment]
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save_draft)
        self.currentIdChanged.connect(self._on_page_changed)
        save = QShortcut(QKeySequence("Ctrl+S"), self)
        save.activated.connect(self.save_draft)
        fit_window(self, 960, 720)

    def _custom_button(self, which: int) -> None:
        if which == QWizard.WizardButton.CustomButton2.value and self.code is not None:
            self.print_preview()
        else:
            self.save_draft()

    def print_preview(self) -> None:
        """Preview (and print) the saved version of the proposal being edited."""
        if self.code is not None:
            from kcdesk.ui.wizard.printing import preview_proposal

            preview_proposal(self.ctx, self, self.code)

    # ------------------------------------------------------------ data
    def _initial_data(self) -> ProposalInput:
        self.locked: str | None = None
        if self.code is not None:
            with self.ctx.db.session() as session:
                proposal = proposals.get_proposal(session, self.code)
                self.locked = locked_message(proposal)
                return from_proposal(proposal)
        with self.ctx.db.session() as session:
            values = settings.get_all(session)
        return ProposalInput(
            plan_year=date.today().year + 1,
            implementing_unit=_sentence_case(str(values.get("org.centre_name", ""))),
        )

    def page_for(self, key: str) -> WizardPageBase:
        return next(p for p in self.pages if p.key == key)

    def collect(self, page: WizardPageBase | None = None) -> list[Problem]:
        """Write visited pages (or one page) into ``self.data``; reading problems."""
        problems: list[Problem] = []
        for each in [page] if page is not None else self.pages:
            if each.loaded:
                problems += each.store(self.data)
        if page is None or page.key == "general":
            # The checklist follows the activity even before the dossier page is shown.
            self.data.documents = documents_for(
                self.activities.get(self.data.activity), self.data.documents
            )
        return problems

    def all_problems(self) -> list[Problem]:
        """Reading problems, then the validator's (one message per field), then warnings."""
        parse = self.collect()
        seen = {p.field for p in parse}
        # The same checks as ``kcdesk proposal check`` (validate_all): one rule set.
        with self.ctx.db.session() as session:
            found = [p for p in validate_all(session, self.data) if p.field not in seen]
        if self.locked is not None:
            found.insert(0, Problem("status", self.locked))
        return parse + found

    def validate_page(self, page: WizardPageBase) -> bool:
        """Next: show this page's errors at their fields; stay while any remain."""
        parse = self.collect(page)
        seen = {p.field for p in parse}
        # Re-hashing every attached scan on each Next would be slow: files are
        # checked on the review page and when saving.
        checked = validate(self.data, check_files=page.key == "dossier")
        problems = parse + [p for p in checked if p.field not in seen]
        own = [p for p in problems if page.owns(p.field)]
        page.show_problems(own)
        errors = [p for p in own if p.is_error]
        if errors:
            page.focus_field(errors[0].field)
            return False
        return True

    def go_to_field(self, field: str) -> None:
        """Jump back to the page of ``field`` and put the cursor there."""
        key = self.template.page_of(field)
        target = next((i for i, p in enumerate(self.pages) if p.key == key), None)
        if target is None:
            return
        while self.currentId() > target:
            self.back()
        page = self.pages[self.currentId()]
        problems = [p for p in self.review.current if page.owns(p.field)]
        page.show_problems(problems)
        page.focus_field(field)

    # ------------------------------------------------------------ drafts
    def _on_edit(self) -> None:
        self.dirty = True
        self.autosave_timer.start()

    def _on_page_changed(self, _page_id: int) -> None:
        if self.dirty:
            self.save_draft()

    def save_draft(self) -> bool:
        """Autosave / Ctrl+S: store what is typed so far, silently."""
        self.autosave_timer.stop()
        current = self.currentPage()
        if isinstance(current, WizardPageBase):
            self.collect(current)
            self.data.last_page = current.key
        try:
            with self.ctx.db.session() as session:
                drafts.save_draft(session, self.ctx.actor, self.data)
        except Exception as exc:  # a draft must never crash the editor
            crash.show_error(self, exc)
            return False
        self.dirty = False
        self.setWindowTitle(self._title() + " — đã lưu nháp")
        return True

    def _title(self) -> str:
        if self.code is None:
            return "Lập đề án khuyến công mới"
        if self.locked is not None:
            return f"Đề án {self.code} (đã phê duyệt — chỉ xem và in)"
        return f"Sửa đề án {self.code}"

    def offer_restore(self) -> QMessageBox | None:
        """If an earlier session left a draft, ask (non-modally) whether to restore it."""
        with self.ctx.db.session() as session:
            info = drafts.load_draft(session, self.ctx.actor, self.code)
        if info is None:
            return None
        local = info.updated_at.replace(tzinfo=UTC).astimezone()
        when = local.strftime("%H:%M ngày %d/%m/%Y")
        title = info.title or "(chưa đặt tên)"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Khôi phục bản nháp",
            f"Có bản nháp «{title}» lưu lúc {when} chưa được lưu thành đề án.\n"
            "Khôi phục để soạn tiếp?",
            parent=self,
        )
        box.setObjectName("restore_box")
        restore = box.addButton("&Khôi phục", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Bỏ bản nháp", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(restore)
        # Esc restores: the next autosave would overwrite an unrestored draft.
        box.setEscapeButton(restore)

        def answered(button: object) -> None:
            if button is restore:
                self.restore(info.data)
            else:
                with self.ctx.db.session() as session:
                    drafts.discard_draft(session, self.ctx.actor, self.code)

        box.buttonClicked.connect(answered)
        box.open()
        self.restore_box = box
        return box

    def restore(self, data: ProposalInput) -> None:
        # An edit keeps the revision it started from: a stale draft is refused on save.
        self.data = data
        for page in self.pages:
            page.loaded = False
        # Reopen on the page where the user stopped; pages before it load when shown
        # again (store() skips a page that was never loaded).
        start = next((n for n, p in enumerate(self.pages) if p.key == data.last_page), 0)
        self.setStartId(self.pageIds()[start])
        self.restart()
        self.setStartId(self.pageIds()[0])

    # ------------------------------------------------------------ finish / cancel
    def accept(self) -> None:
        # The save validates the input itself (and refuses it with an error): checking it
        # here first, with the warnings, ran the rules twice and the duplicate-support
        # search once per save (issue 24). Only reading problems and the lock are
        # checked before; any refusal shows every problem on the review page, as before.
        if self.locked is not None or any(p.is_error for p in self.collect()):
            self.review.set_problems(self.all_problems())
            return
        try:
            with self.ctx.db.session() as session:
                if self.code is None:
                    proposal = create_proposal(session, self.ctx.actor, self.data)
                else:
                    proposal = update_proposal(
                        session, self.ctx.actor, self.code, self.data, self.data.revision
                    )
                saved = proposal.code
                drafts.discard_draft(session, self.ctx.actor, self.code)
        except UserError as exc:
            problems = self.all_problems()
            if any(p.is_error for p in problems):
                self.review.set_problems(problems)
            else:  # not a problem of the input (someone saved meanwhile, …)
                crash.show_error(self, exc)
            return
        self.saved_code = saved
        self.dirty = False
        self.autosave_timer.stop()
        self.ctx.notify(DataKind.PROPOSAL)
        self.saved_message = f"Đã lưu đề án {saved}."
        confirm_saved(self.parentWidget(), self.saved_message)
        super().accept()

    def reject(self) -> None:
        """Cancel / Esc / close: ask before throwing away unsaved input."""
        has_draft = self._has_draft()
        if not self.dirty and not has_draft:
            self._close_rejected()
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Hủy soạn đề án",
            "Đề án chưa được lưu. Bỏ những gì đã nhập?",
            parent=self,
        )
        box.setObjectName("cancel_box")
        discard = box.addButton("&Bỏ những gì đã nhập", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Giữ bản nháp và đóng", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("&Tiếp tục soạn", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)

        def answered(button: object) -> None:
            if button is discard:
                with self.ctx.db.session() as session:
                    drafts.discard_draft(session, self.ctx.actor, self.code)
                self._close_rejected()
            elif button is keep:
                if self.save_draft():
                    self._close_rejected()

        box.buttonClicked.connect(answered)
        box.open()
        self.cancel_box = box

    def _has_draft(self) -> bool:
        with self.ctx.db.session() as session:
            return drafts.load_draft(session, self.ctx.actor, self.code) is not None

    def _close_rejected(self) -> None:
        self.autosave_timer.stop()
        self.dirty = False
        super().reject()
