"""Page 2 — Đơn vị thụ hưởng: find facilities (no diacritics needed) or add a new one."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kcdesk.models import FacilityKind
from kcdesk.services.communes.official import OfficialProvince
from kcdesk.services.core.errors import UserError, ValidationError
from kcdesk.services.proposals import facilities
from kcdesk.services.proposals.draft import FacilityRef, ProposalInput
from kcdesk.services.proposals.validation import Problem, duplicate_warnings
from kcdesk.ui.commune_picker import NOT_ON_LIST, CommunePicker, centre_province
from kcdesk.ui.wizard.common import ERROR_STYLE, WARNING_STYLE, WizardHost, WizardPageBase

_ROLE = Qt.ItemDataRole.UserRole


class FacilityForm(QGroupBox):
    """Thêm cơ sở mới: the facts of a beneficiary, ND 235/2025 priorities included."""

    def __init__(self, province: OfficialProvince | None = None) -> None:
        super().__init__("Thêm cơ sở mới")
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setObjectName("facility_name")
        self.kind = QComboBox()
        for kind in FacilityKind:
            self.kind.addItem(kind.label, kind.value)
        self.tax_code = QLineEdit()
        self.tax_code.setObjectName("facility_tax_code")
        self.tax_code.setPlaceholderText("10 chữ số, hoặc 10-3 với chi nhánh")
        self.address = QLineEdit()
        self.commune = CommunePicker(province)
        self.commune.setObjectName("facility_commune")
        self.representative = QLineEdit()
        self.phone = QLineEdit()
        self.sector = QLineEdit()
        self.workers = QSpinBox()
        self.workers.setRange(0, 100_000)
        self.woman = QCheckBox("Do phụ nữ làm chủ")
        self.ethnic = QCheckBox("Do người dân tộc thiểu số làm chủ")
        self.craft = QCheckBox("Trong làng nghề")
        form.addRow("Tên cơ sở *", self.name)
        form.addRow("Loại hình", self.kind)
        form.addRow("Mã số thuế", self.tax_code)
        form.addRow("Địa chỉ", self.address)
        form.addRow("Xã, phường *", self.commune)
        form.addRow("Người đại diện", self.representative)
        form.addRow("Điện thoại", self.phone)
        form.addRow("Ngành nghề", self.sector)
        form.addRow("Số lao động", self.workers)
        priorities = QHBoxLayout()
        for box in (self.woman, self.ethnic, self.craft):
            priorities.addWidget(box)
        form.addRow("Ưu tiên (NĐ 235/2025)", priorities)
        self.error = QLabel()
        self.error.setObjectName("facility_error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.save_button = QPushButton("Lưu cơ sở &và chọn")
        self.save_button.setObjectName("facility_save")
        form.addRow(self.error)
        form.addRow(self.save_button)

    def value(self) -> facilities.FacilityInput:
        return facilities.FacilityInput(
            name=self.name.text(),
            kind=FacilityKind(self.kind.currentData()),
            tax_code=self.tax_code.text(),
            address=self.address.text(),
            commune=self.commune.name(),
            commune_code=self.commune.code(),
            representative=self.representative.text(),
            phone=self.phone.text(),
            sector=self.sector.text(),
            workers=self.workers.value() or None,
            woman_owned=self.woman.isChecked(),
            ethnic_minority_owned=self.ethnic.isChecked(),
            craft_village=self.craft.isChecked(),
        )

    def clear(self) -> None:
        for edit in (
            self.name,
            self.tax_code,
            self.address,
            self.representative,
            self.phone,
            self.sector,
        ):
            edit.clear()
        self.commune.set_value(None, "")
        self.workers.setValue(0)
        for box in (self.woman, self.ethnic, self.craft):
            box.setChecked(False)
        self.error.hide()


class BeneficiariesPage(WizardPageBase):
    key = "beneficiaries"

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        self.chosen: list[FacilityRef] = []
        layout = QVBoxLayout(self.scroll_body())
        self.search = QLineEdit()
        self.search.setObjectName("facility_search")
        self.search.setPlaceholderText("Tìm theo tên hoặc mã số thuế (gõ không dấu cũng được)…")
        self.results = QListWidget()
        self.results.setObjectName("facility_results")
        self.results.setMaximumHeight(120)
        add = QPushButton("&Chọn cơ sở này")
        add.setObjectName("facility_add")
        self.chosen_list = QListWidget()
        self.chosen_list.setObjectName("facilities")
        self.chosen_list.setMaximumHeight(100)
        remove = QPushButton("&Bỏ cơ sở đã chọn")
        self.new_button = QPushButton("Thêm cơ sở &mới…")
        self.new_button.setCheckable(True)
        self.form = FacilityForm(centre_province(wizard.ctx.setting("org.province")))
        self.form.hide()
        self.warning = QLabel()
        self.warning.setObjectName("duplicate_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()
        self.error = QLabel()
        self.error.setObjectName("error_facilities")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(add)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(QLabel("Đơn vị thụ hưởng đã chọn:"))
        layout.addWidget(self.chosen_list)
        buttons = QHBoxLayout()
        buttons.addWidget(remove)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.warning)
        layout.addWidget(self.form)
        layout.addStretch(1)
        self.field_widgets["facilities"] = self.chosen_list
        self.error_labels["facilities"] = self.error

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self.run_search)
        self.results.itemActivated.connect(lambda _i: self.add_selected())
        add.clicked.connect(self.add_selected)
        remove.clicked.connect(self.remove_selected)
        self.new_button.toggled.connect(self.form.setVisible)
        self.form.save_button.clicked.connect(self.create_facility)

    # ------------------------------------------------------------ actions
    def run_search(self) -> None:
        self._search_timer.stop()
        self.results.clear()
        query = self.search.text().strip()
        if not query:
            return
        with self.wiz.ctx.db.session() as session:
            found = facilities.search_facilities(session, query)
            rows = [FacilityRef(f.uuid, f.name, f.tax_code or "", f.commune) for f in found]
        for ref in rows:
            text = ref.name
            extra = ", ".join(
                x for x in (f"MST {ref.tax_code}" if ref.tax_code else "", ref.commune) if x
            )
            item = QListWidgetItem(f"{text} ({extra})" if extra else text)
            item.setData(_ROLE, ref)
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)
        else:
            self.results.addItem("Không tìm thấy — bấm «Thêm cơ sở mới…» để tạo.")

    def add_selected(self) -> None:
        item = self.results.currentItem()
        ref = item.data(_ROLE) if item is not None else None
        if isinstance(ref, FacilityRef):
            self.add(ref)

    def add(self, ref: FacilityRef) -> None:
        if all(r.uuid != ref.uuid for r in self.chosen):
            self.chosen.append(ref)
            self.refresh_chosen()
            self.changed.emit()

    def remove_selected(self) -> None:
        row = self.chosen_list.currentRow()
        if 0 <= row < len(self.chosen):
            del self.chosen[row]
            self.refresh_chosen()
            self.changed.emit()

    def create_facility(self) -> None:
        value = self.form.value()
        if not self.form.commune.is_on_list():
            self.form.error.setText(NOT_ON_LIST)
            self.form.error.show()
            self.form.commune.setFocus()
            return
        try:
            with self.wiz.ctx.db.session() as session:
                facility = facilities.create_facility(session, self.wiz.ctx.actor, value)
                ref = FacilityRef(
                    facility.uuid, facility.name, facility.tax_code or "", facility.commune
                )
        except ValidationError as exc:
            self.form.error.setText("\n".join(exc.problems.values()) or str(exc))
            self.form.error.show()
            field = {"name": self.form.name, "tax_code": self.form.tax_code}.get(
                next(iter(exc.problems), ""), self.form.commune
            )
            field.setFocus()
            # After the layout has made room for the message.
            QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(self.form.error))
            return
        except UserError as exc:
            self.form.error.setText(str(exc))
            self.form.error.show()
            return
        self.form.clear()
        self.new_button.setChecked(False)
        self.add(ref)

    def refresh_chosen(self) -> None:
        self.chosen_list.clear()
        for ref in self.chosen:
            extra = f" — MST {ref.tax_code}" if ref.tax_code else ""
            self.chosen_list.addItem(f"{ref.name}{extra}")
        self.update_warnings()

    def update_warnings(self) -> None:
        data = self.wiz.data
        probe = ProposalInput(
            plan_year=data.plan_year, code=data.code, activity=data.activity, facilities=self.chosen
        )
        with self.wiz.ctx.db.session() as session:
            messages = [p.message for p in duplicate_warnings(session, probe)]
        self.warning.setText("\n".join(messages))
        self.warning.setVisible(bool(messages))

    # ------------------------------------------------------------ protocol
    def load(self, data: ProposalInput) -> None:
        self.chosen = list(data.facilities)
        self.refresh_chosen()
        spec = self.wiz.activities.get(data.activity)
        if spec is not None and spec.requires_beneficiary:
            self.setSubTitle(
                f"Nội dung «{spec.short_label}» cần ít nhất một đơn vị thụ hưởng. "
                + self.template.page(self.key).help
            )
        else:
            self.setSubTitle(self.template.page(self.key).help)

    def first_widget(self) -> QWidget | None:
        return self.search

    def store(self, data: ProposalInput) -> list[Problem]:
        data.facilities = list(self.chosen)
        return []

    def focus_field(self, field_key: str) -> None:
        if field_key.startswith("facilities["):
            with contextlib.suppress(ValueError):
                self.chosen_list.setCurrentRow(int(field_key[11:].split("]")[0]))
        self.chosen_list.setFocus()
