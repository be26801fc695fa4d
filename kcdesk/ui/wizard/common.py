"""Pieces shared by the wizard pages: the page base class, field rows, parsing helpers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from kcdesk.services.forms.spec import ActivitySpec
from kcdesk.services.proposals.draft import ProposalInput
from kcdesk.services.proposals.template import ProposalTemplate
from kcdesk.services.proposals.validation import Problem
from kcdesk.ui.app_context import AppContext

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #8a5a00;"
HELP_STYLE = "color: #555555; font-size: 9pt;"

_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_month(text: str) -> date | None:
    """ "3/2027", "03/2027", "03-2027" or "2027-03" → 1 March 2027; '' → None.

    Raises ValueError with a Vietnamese message for anything else.
    """
    if not text.strip():
        return None
    if match := _MONTH.match(text):
        month, year = int(match[1]), int(match[2])
    elif match := _ISO_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
    else:
        raise ValueError(f"Không đọc được tháng «{text.strip()}»: hãy gõ tháng/năm, ví dụ 03/2027.")
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng {month} không có: tháng phải từ 1 đến 12.")
    return date(year, month, 1)


def format_month_text(value: date | None) -> str:
    return value.strftime("%m/%Y") if value else ""


def parse_quantity(text: str) -> Decimal:
    """ "2", "2,5" or "2.5" → Decimal; ValueError with a Vietnamese message otherwise."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    if not cleaned:
        raise ValueError("Chưa nhập số lượng.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(
            f"Số lượng «{text.strip()}» không phải là số (ví dụ 2 hoặc 2,5)."
        ) from None
    if not value.is_finite():
        raise ValueError(f"Số lượng «{text.strip()}» không phải là số.")
    return value


def format_quantity(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize()).replace(".", ",")


def configure_table(table: QTableWidget) -> None:
    """Keyboard-friendly tables: edit on typing, Tab moves between cells."""
    table.setEditTriggers(
        QAbstractItemView.EditTrigger.AnyKeyPressed
        | QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.SelectedClicked
    )
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(True)
    table.verticalHeader().setVisible(True)
    table.horizontalHeader().setStretchLastSection(True)


class WizardHost(Protocol):
    """The proposal wizard as its pages see it (pages depend on this, not on the wizard
    class, so ``wizard.py`` imports every page without a loop)."""

    ctx: AppContext
    template: ProposalTemplate
    activities: dict[str, ActivitySpec]
    data: ProposalInput

    def collect(self, page: WizardPageBase | None = None) -> list[Problem]: ...

    def all_problems(self) -> list[Problem]: ...

    def validate_page(self, page: WizardPageBase) -> bool: ...

    def go_to_field(self, field: str) -> None: ...


class WizardPageBase(QWizardPage):
    """A page that reads from and writes to the wizard's ProposalInput.

    ``store`` returns the problems found while reading the widgets (text that is
    not a number, a month that is not a month); the wizard adds the validator's
    problems and shows each at its field.
    """

    key = ""
    changed = Signal()

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__()
        self.wiz = wizard
        self.template: ProposalTemplate = wizard.template
        spec = self.template.page(self.key)
        self.setTitle(spec.title)
        self.setSubTitle(spec.help)
        self.field_widgets: dict[str, QWidget] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._loading = False
        # store() must not run before load(): the widgets would overwrite the data.
        self.loaded = False

    # ------------------------------------------------------------ building
    def scroll_body(self) -> QWidget:
        """The page's content area, scrolling on small screens (1366×768 laptops)."""
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        # Tab goes from field to field, never to the scroll area itself.
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        area.setWidget(body)
        self.scroll_area = area
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(area)
        return body

    def add_field(
        self, form: QFormLayout, key: str, widget: QWidget, *, label: str | None = None
    ) -> None:
        """A labelled row: label (with * when required), the widget, help and error lines."""
        spec = self.template.fields.get(key)
        text = label or (spec.label if spec else key)
        if spec is not None and spec.required:
            text += " *"
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        if spec is not None and spec.help:
            widget.setToolTip(spec.help)
            help_label = QLabel(spec.help)
            help_label.setWordWrap(True)
            help_label.setStyleSheet(HELP_STYLE)
            column.addWidget(help_label)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setWordWrap(True)
        error.setStyleSheet(ERROR_STYLE)
        error.hide()
        column.addWidget(error)
        row_label = QLabel(text)
        row_label.setBuddy(widget)
        form.addRow(row_label, box)
        widget.setObjectName(key)
        self.field_widgets[key] = widget
        self.error_labels[key] = error
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(self._edited)
            widget.textEdited.connect(lambda _t, k=key: self.clear_error(k))
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self._edited)
            widget.textChanged.connect(lambda k=key: None if self._loading else self.clear_error(k))
            widget.setTabChangesFocus(True)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i, k=key: self.clear_error(k))
        elif isinstance(widget, QAbstractSpinBox):
            widget.editingFinished.connect(lambda k=key: self.clear_error(k))

    def _edited(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    # ------------------------------------------------------------ protocol
    def load(self, data: ProposalInput) -> None:
        """Fill the widgets from ``data``."""

    def store(self, data: ProposalInput) -> list[Problem]:
        """Write the widgets into ``data``; problems of reading them."""
        return []

    def owns(self, field_key: str) -> bool:
        return self.template.page_of(field_key) == self.key

    def show_problems(self, problems: list[Problem]) -> None:
        """Show each problem at its field (the first one per field)."""
        shown: dict[str, str] = {}
        for problem in problems:
            base = self._label_key(problem.field)
            if base is not None and base not in shown and problem.is_error:
                shown[base] = problem.message
        for key, label in self.error_labels.items():
            message = shown.get(key)
            label.setText(message or "")
            label.setVisible(message is not None)

    def _label_key(self, field_key: str) -> str | None:
        if field_key in self.error_labels:
            return field_key
        base = field_key.split("[", 1)[0].split(".", 1)[0]
        return base if base in self.error_labels else None

    def focus_field(self, field_key: str) -> None:
        key = self._label_key(field_key)
        if key is not None:
            widget = self.field_widgets[key]
            widget.setFocus()
            self._scroll_to(self.error_labels.get(key), widget)

    def _scroll_to(self, *widgets: QWidget | None) -> None:
        """Bring the refused field and its message into view (small screens scroll)."""
        area = getattr(self, "scroll_area", None)
        if area is None:
            return
        for widget in widgets:
            if widget is not None and area.widget().isAncestorOf(widget):
                area.ensureWidgetVisible(widget, 20, 20)

    def clear_error(self, key: str) -> None:
        """The user is fixing ``key``: its message goes (it comes back on Next if still wrong)."""
        label = self.error_labels.get(key)
        if label is not None and label.isVisibleTo(self):
            label.clear()
            label.hide()

    def validatePage(self) -> bool:
        return self.wiz.validate_page(self)

    def initializePage(self) -> None:
        self._loading = True
        try:
            self.load(self.wiz.data)
            self.loaded = True
        finally:
            self._loading = False
        first = self.first_widget()
        if first is not None:
            first.setFocus()

    def first_widget(self) -> QWidget | None:
        """Where the cursor goes when the page opens."""
        return next(iter(self.field_widgets.values()), None)

    def cleanupPage(self) -> None:
        # Going back keeps what was typed (QWizard would reset the fields).
        self.wiz.collect(self)
