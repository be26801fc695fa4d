"""Page 1 — Thông tin chung: title, year, activity, funding source, units, place, months."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox

from kcdesk.services.forms import load as forms
from kcdesk.services.proposals.draft import ProposalInput
from kcdesk.services.proposals.validation import Problem
from kcdesk.ui.commune_picker import LEGACY_TEXT, NOT_ON_LIST, CommunePicker, centre_province
from kcdesk.ui.wizard.common import WizardHost, WizardPageBase, format_month_text, parse_month


class GeneralPage(WizardPageBase):
    key = "general"

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        form = QFormLayout(self.scroll_body())
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.title_edit = QLineEdit()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.activity = QComboBox()
        self.activity.addItem("— chọn nội dung hoạt động —", "")
        for spec in wizard.activities.values():
            self.activity.addItem(spec.short_label, spec.code)
            self.activity.setItemData(self.activity.count() - 1, spec.label, 3)  # tooltip
        self.source = QComboBox()
        for source in forms.load_funding_sources().values():
            self.source.addItem(source.label, source.code)
        self.implementing = QLineEdit()
        self.partner = QLineEdit()
        self.location = QLineEdit()
        self.commune = CommunePicker(centre_province(wizard.ctx.setting("org.province")))
        self.start = QLineEdit()
        self.end = QLineEdit()
        for edit in (self.start, self.end):
            edit.setPlaceholderText("tháng/năm, ví dụ 03/2027")
        self.add_field(form, "title", self.title_edit)
        self.add_field(form, "plan_year", self.year)
        self.add_field(form, "activity", self.activity)
        self.add_field(form, "funding_source", self.source)
        self.add_field(form, "implementing_unit", self.implementing)
        self.add_field(form, "partner_unit", self.partner)
        self.add_field(form, "location", self.location)
        self.add_field(form, "commune", self.commune)
        self.add_field(form, "start_month", self.start)
        self.add_field(form, "end_month", self.end)
        self.year.valueChanged.connect(self._edited)
        self.activity.currentIndexChanged.connect(self._edited)
        self.source.currentIndexChanged.connect(self._edited)

    def load(self, data: ProposalInput) -> None:
        self.title_edit.setText(data.title)
        self.year.setValue(data.plan_year)
        index = self.activity.findData(data.activity)
        self.activity.setCurrentIndex(max(index, 0))
        index = self.source.findData(data.funding_source)
        self.source.setCurrentIndex(max(index, 0))
        self.implementing.setText(data.implementing_unit)
        self.partner.setText(data.partner_unit)
        self.location.setText(data.location)
        self.commune.set_value(data.commune_code, data.commune)
        self.start.setText(format_month_text(data.start_month))
        self.end.setText(format_month_text(data.end_month))

    def store(self, data: ProposalInput) -> list[Problem]:
        problems: list[Problem] = []
        data.title = self.title_edit.text()
        data.plan_year = self.year.value()
        data.activity = str(self.activity.currentData() or "")
        data.funding_source = str(self.source.currentData() or "")
        data.implementing_unit = self.implementing.text()
        data.partner_unit = self.partner.text()
        data.location = self.location.text()
        data.commune, data.commune_code = self.commune.name(), self.commune.code()
        if self.commune.is_legacy():
            problems.append(Problem("commune", LEGACY_TEXT, "warning"))
        elif not self.commune.is_on_list():
            problems.append(Problem("commune", NOT_ON_LIST))
        for key, edit in (("start_month", self.start), ("end_month", self.end)):
            try:
                setattr(data, key, parse_month(edit.text()))
            except ValueError as exc:
                setattr(data, key, None)
                problems.append(Problem(key, str(exc)))
        return problems
