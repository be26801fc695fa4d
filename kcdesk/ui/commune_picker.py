"""Commune picker (chọn xã, phường): type-ahead over the official list of one province.

The clerk types a few letters without diacritics ("trung kh") and picks from the
list; the widget keeps the official code and name. Text that is not (yet) a unit
of the list stays as typed with no code and the hint says so: the page refuses it.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from kcdesk.services.communes import matching
from kcdesk.services.communes.official import (
    OfficialCommune,
    OfficialProvince,
    commune,
    communes,
    find_province,
)

NOT_ON_LIST = "Hãy chọn xã, phường trong danh mục (gõ vài chữ, không dấu cũng được)."
LEGACY_TEXT = "Xã, phường này gõ tay từ trước, chưa khớp danh mục: hãy chọn lại trong danh mục."


def centre_province(province_setting: object) -> OfficialProvince | None:
    """The province of the setting "Tỉnh" on the official list (None if not on it)."""
    return find_province(str(province_setting or ""))


class CommunePicker(QLineEdit):
    """A line edit whose completer lists the province's communes matching the words typed."""

    picked = Signal(str)  # official code

    def __init__(self, province: OfficialProvince | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._province = province
        self._code: str | None = None
        # Text loaded from a record typed before the official list: kept (with a
        # warning) while the user does not touch it, so old proposals stay editable.
        self._legacy = ""
        self._shown: list[OfficialCommune] = []
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        # The list is already filtered by folded words: Qt must not filter it again
        # by its own (diacritic-sensitive) prefix rule.
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        completer.activated[str].connect(self._activated)  # type: ignore[index]
        self.setCompleter(completer)
        where = f" của {province.address_name}" if province else ""
        self.setPlaceholderText(f"Gõ tên xã, phường{where} (không dấu cũng được)…")
        self.textEdited.connect(self._typed)
        self.editingFinished.connect(self._finished)

    # ------------------------------------------------------------ values
    def _certain(self) -> OfficialCommune | None:
        # "trung khanh" typed in full names one unit for certain, picked or not.
        if self._code is not None:
            return commune(self._code)
        if self._province is None or self.is_legacy():
            return None
        return matching.match(self.text(), self._province)

    def code(self) -> str:
        found = self._certain()
        return found.code if found else ""

    def name(self) -> str:
        found = self._certain()
        return found.name if found else self.text().strip()

    def set_value(self, code: str | None, text: str) -> None:
        found = commune(code)
        self._code = found.code if found else None
        self._legacy = "" if found else text.strip()
        self.setText(found.name if found else text)
        self._mark()

    def is_on_list(self) -> bool:
        return not self.text().strip() or self._certain() is not None

    def is_legacy(self) -> bool:
        """Unmatched text as loaded from the record, not edited since."""
        return self._code is None and bool(self._legacy) and self.text().strip() == self._legacy

    def matches(self) -> list[str]:
        """The names offered for what is typed (what the popup shows)."""
        return self._model.stringList()

    # ------------------------------------------------------------ events
    def _typed(self, text: str) -> None:
        self._code = None
        self._shown = communes(self._province, text)[:50] if text.strip() else []
        self._model.setStringList([c.name for c in self._shown])
        self._mark()
        if self._shown:
            self.completer().complete()

    def _activated(self, name: str) -> None:
        for c in self._shown or communes(self._province):
            if c.name == name:
                self.set_value(c.code, c.name)
                self.picked.emit(c.code)
                return

    def _finished(self) -> None:
        if self._code is None and (found := self._certain()) is not None:
            self.set_value(found.code, found.name)
            self.picked.emit(found.code)

    def _mark(self) -> None:
        self.setToolTip(f"Mã đơn vị hành chính: {self._code}" if self._code else NOT_ON_LIST)
