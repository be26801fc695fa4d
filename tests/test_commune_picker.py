"""The commune picker (issue 20 §1): type-ahead without diacritics over the Centre's province."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kcdesk.services.communes.official import find_province
from kcdesk.ui.commune_picker import CommunePicker


def _type(widget: CommunePicker, text: str) -> None:
    widget.setFocus()
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def test_type_ahead_offers_official_units_and_keeps_the_code(qtbot: QtBot) -> None:
    picker = CommunePicker(find_province("Cao Bằng"))
    qtbot.addWidget(picker)
    _type(picker, "trung kh")
    assert picker.matches() == ["Xã Trùng Khánh"]
    assert picker.code() == "" and not picker.is_on_list()
    picker.completer().activated.emit("Xã Trùng Khánh")
    assert (picker.code(), picker.name(), picker.text()) == (
        "01477",
        "Xã Trùng Khánh",
        "Xã Trùng Khánh",
    )
    assert "01477" in picker.toolTip()


def test_whole_name_without_diacritics_is_taken_and_other_text_refused(qtbot: QtBot) -> None:
    picker = CommunePicker(find_province("04"))
    qtbot.addWidget(picker)
    _type(picker, "xa hoa an")
    assert (picker.code(), picker.name()) == ("01654", "Xã Hòa An")
    picker.clear()
    _type(picker, "Thị trấn Trùng Khánh")
    assert picker.code() == "" and not picker.is_on_list()
    # a Hà Nội ward is not offered to a Cao Bằng clerk
    picker.clear()
    _type(picker, "hoan kiem")
    assert picker.matches() == []


def test_old_free_text_stays_until_edited(qtbot: QtBot) -> None:
    picker = CommunePicker(find_province("04"))
    qtbot.addWidget(picker)
    picker.set_value(None, "Thị trấn Trùng Khánh")
    assert picker.is_legacy() and picker.name() == "Thị trấn Trùng Khánh"
    _type(picker, "x")
    assert not picker.is_legacy() and not picker.is_on_list()
    picker.set_value("01477", "whatever")
    assert picker.text() == "Xã Trùng Khánh" and picker.is_on_list()
