"""Pages 3 and 6 — need and objectives (prose); outcomes (numbers) and effects (prose)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPlainTextEdit, QSpinBox

from kcdesk.services.forms import load as forms
from kcdesk.services.programmes import membership
from kcdesk.services.proposals import target_outputs
from kcdesk.services.proposals.draft import ProposalInput
from kcdesk.services.proposals.validation import Problem
from kcdesk.ui.wizard.common import WizardHost, WizardPageBase


def _text_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setMinimumHeight(60)
    edit.setMaximumHeight(110)
    return edit


class NeedPage(WizardPageBase):
    """Sự cần thiết, căn cứ, mục tiêu, quy mô, tổ chức thực hiện (fields from the template)."""

    key = "need"

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        form = QFormLayout(self.scroll_body())
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.edits: dict[str, QPlainTextEdit] = {}
        for spec in self.template.fields_of(self.key):
            edit = _text_edit()
            self.edits[spec.key] = edit
            self.add_field(form, spec.key, edit)

    def load(self, data: ProposalInput) -> None:
        for key, edit in self.edits.items():
            edit.setPlainText(str(getattr(data, key)))

    def store(self, data: ProposalInput) -> list[Problem]:
        for key, edit in self.edits.items():
            setattr(data, key, edit.toPlainText())
        return []


FACILITY_MEASURE = "facilities"  # measures.toml: số cơ sở được hỗ trợ


class OutcomesPage(WizardPageBase):
    """Kết quả dự kiến (structured numbers the dashboard counts) and the three effects."""

    key = "outcomes"

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        form = QFormLayout(self.scroll_body())
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outputs_box = QGroupBox(self.template.label("outputs"))
        self.outputs_form = QFormLayout(self.outputs_box)
        self.spins: dict[str, QSpinBox] = {}
        form.addRow(self.outputs_box)
        self.outputs_error = QLabel()
        self.error_labels["outputs"] = self.outputs_error
        self.field_widgets["outputs"] = self.outputs_box
        self.outputs_error.hide()
        form.addRow(self.outputs_error)
        # Each target of the programme counted on its own: the proposal records its
        # planned quantity against the targets its activity can count toward.
        self.targets_box = QGroupBox("Kết quả tính vào chỉ tiêu của chương trình khuyến công")
        self.targets_box.setObjectName("targets_box")
        self.targets_form = QFormLayout(self.targets_box)
        self.target_spins: dict[str, QSpinBox] = {}
        self.field_widgets["target_outputs"] = self.targets_box
        form.addRow(self.targets_box)
        self.edits: dict[str, QPlainTextEdit] = {}
        for spec in self.template.fields_of(self.key):
            if spec.key == "outputs":
                continue
            edit = _text_edit()
            self.edits[spec.key] = edit
            self.add_field(form, spec.key, edit)
        self._activity: str | None = None
        self._target_key: tuple[str, int, str] | None = None

    def _build_targets(self, data: ProposalInput) -> None:
        """One number per target of the proposal's programme its activity counts toward."""
        key = (data.activity, data.plan_year, data.programme)
        if self._target_key == key and self.target_spins:
            return
        self._target_key = key
        while self.targets_form.rowCount():
            self.targets_form.removeRow(0)
        self.target_spins = {}
        with self.wiz.ctx.db.session() as session:
            programme = target_outputs.resolve_programme(session, data)
            offered = [
                (t.code, membership.target_label(t))
                for t in membership.offered_targets(programme, data.activity)
            ]
            title = f"{programme.code} — {programme.name}" if programme is not None else ""
        if programme is None:
            self.targets_form.addRow(
                QLabel(
                    f"Chưa có chương trình khuyến công của tỉnh cho năm {data.plan_year}: "
                    "kết quả chưa tính vào chỉ tiêu nào."
                )
            )
            return
        self.targets_form.addRow(QLabel(f"Chương trình: {title}"))
        if not offered:
            self.targets_form.addRow(
                QLabel("Nội dung hoạt động này không tính vào chỉ tiêu định lượng nào.")
            )
        for code, label in offered:
            spin = QSpinBox()
            spin.setObjectName(f"target_outputs.{code}")
            spin.setRange(0, 10_000_000)
            spin.valueChanged.connect(self._edited)
            self.target_spins[code] = spin
            text = QLabel(label)
            text.setWordWrap(True)
            self.targets_form.addRow(text, spin)

    def _build_outputs(self, data: ProposalInput) -> None:
        """One number per measure the activity counts, plus any already entered."""
        if self._activity == data.activity and self.spins:
            return
        self._activity = data.activity
        while self.outputs_form.rowCount():
            self.outputs_form.removeRow(0)
        self.spins = {}
        measures = forms.load_measures()
        spec = self.wiz.activities.get(data.activity)
        codes = list(spec.outputs) if spec else []
        codes += [c for c in data.outputs if c not in codes]
        if not codes:
            self.outputs_form.addRow(QLabel("Nội dung hoạt động này không có kết quả định lượng."))
        for code in codes:
            measure = measures.get(code)
            spin = QSpinBox()
            spin.setObjectName(f"outputs.{code}")
            spin.setRange(0, 10_000_000)
            if measure is not None:
                spin.setSuffix(f" {measure.unit}")
            spin.valueChanged.connect(self._edited)
            self.spins[code] = spin
            self.outputs_form.addRow(measure.label if measure else code, spin)

    def load(self, data: ProposalInput) -> None:
        self._build_outputs(data)
        self._build_targets(data)
        for code, spin in self.spins.items():
            spin.setValue(data.outputs.get(code, 0))
        self._follow_facilities(data)
        for code, spin in self.target_spins.items():
            spin.setValue(data.target_outputs.get(code, 0))
        for key, edit in self.edits.items():
            edit.setPlainText(str(getattr(data, key)))

    def _follow_facilities(self, data: ProposalInput) -> None:
        """ "Số cơ sở được hỗ trợ" is the number of facilities chosen on page 2, when
        any are: typed separately it drifted from the list (issue 20)."""
        spin = self.spins.get(FACILITY_MEASURE)
        if spin is None:
            return
        follows = bool(data.facilities)
        if follows:
            spin.setValue(len(data.facilities))
        spin.setReadOnly(follows)
        spin.setToolTip("Theo số cơ sở đã chọn ở trang «Đơn vị thụ hưởng»." if follows else "")

    def store(self, data: ProposalInput) -> list[Problem]:
        self._follow_facilities(data)
        data.outputs = {code: spin.value() for code, spin in self.spins.items() if spin.value()}
        data.target_outputs = {
            code: spin.value() for code, spin in self.target_spins.items() if spin.value()
        }
        for key, edit in self.edits.items():
            setattr(data, key, edit.toPlainText())
        return []

    def focus_field(self, field_key: str) -> None:
        if field_key.startswith("target_outputs."):
            spin = self.target_spins.get(field_key.partition(".")[2])
            if spin is not None:
                spin.setFocus()
                return
        if field_key.startswith("outputs"):
            code = field_key.partition(".")[2]
            target = self.spins.get(code) or next(iter(self.spins.values()), None)
            if target is not None:
                target.setFocus()
                return
        super().focus_field(field_key)
