"""Every mnemonic on a wizard page is unique, the wizard's own buttons included (issue 20 §5)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kcdesk.models.db import Database
from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui.app_context import AppContext


def _mnemonics(widgets: list[QWidget]) -> list[tuple[str, str]]:
    out = []
    for w in widgets:
        if isinstance(w, QAbstractButton | QLabel):
            text = w.text()
        elif isinstance(w, QGroupBox):
            text = w.title()
        else:
            continue
        if match := re.search(r"&([^&\s])", text or ""):
            out.append((match.group(1).lower(), text))
    return out


def test_mnemonics_unique_on_every_page(db: Database, qtbot: QtBot) -> None:
    from kcdesk.ui.wizard import open_proposal_wizard

    wizard = open_proposal_wizard(AppContext(db, SYSTEM), None)
    qtbot.addWidget(wizard)
    wizard.data.activity = "may_moc_thiet_bi"
    buttons = [
        wizard.button(b)
        for b in (
            wizard.WizardButton.BackButton,
            wizard.WizardButton.NextButton,
            wizard.WizardButton.FinishButton,
            wizard.WizardButton.CancelButton,
            wizard.WizardButton.CustomButton1,
            wizard.WizardButton.CustomButton2,
        )
    ]
    for page_id in wizard.pageIds():
        page = wizard.page(page_id)
        widgets = [w for w in page.findChildren(QWidget)] + buttons
        seen: dict[str, str] = {}
        for key, text in _mnemonics(widgets):
            assert key not in seen, f"page {page.title()}: Alt+{key} on «{seen[key]}» and «{text}»"
            seen[key] = text
