"""The dialog shown when a database's audit key is not on this PC (issue 19 §5).

A new workstation on a server database, or a copy of another PC's file: said at once
in Vietnamese, with "Nhập tệp khóa…" (the service behind ``kcdesk audit key
import``), "Tiếp tục chỉ xem" or "Thoát" — never a traceback nor a silent failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kcdesk.models.db import Database
from kcdesk.paths import keys_dir
from kcdesk.services.core import audit, audit_key, settings
from kcdesk.services.core.errors import UserError
from kcdesk.ui import audit_key_dialog as dialogs
from kcdesk.ui.audit_key_dialog import MissingKeyDialog
from tests.register_helpers import ADMIN, STAFF


@pytest.fixture
def keyless(db: Database, tmp_path: Path) -> tuple[Database, Path, str]:
    """A keyed chain whose key was exported, then removed from this PC's key store."""
    with db.session() as s:
        settings.put(s, ADMIN, "org.province", "Cao Bằng")
    with db.session() as s:
        key_id = audit.current_key_id(s)
    assert key_id is not None
    exported = tmp_path / "khóa.key"
    audit_key.export_key(key_id, exported)
    for path in keys_dir().glob("audit-*.key"):
        path.unlink()
    return db, exported, key_id


def _dialog(qtbot, db: Database, key_id: str, actor=ADMIN) -> MissingKeyDialog:
    dialog = MissingKeyDialog(db, actor, key_id)
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_says_what_is_missing_and_import_makes_writes_work(
    qtbot, keyless: tuple[Database, Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, exported, key_id = keyless
    assert dialogs.missing_key_of(db) == key_id
    with pytest.raises(UserError, match="Thiếu khóa nhật ký"), db.session() as s:
        settings.put(s, ADMIN, "org.province", "Bắc Kạn")
    dialog = _dialog(qtbot, db, key_id)
    text = " ".join(label.text() for label in dialog.findChildren(type(dialog.error)))
    assert "không có khóa nhật ký" in text and key_id in text and "audit key export" in text
    assert dialog.import_button.text() == "Nhập tệp khóa…"
    monkeypatch.setattr(dialog, "pick_file", lambda: exported)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome == dialogs.IMPORTED and dialog.error.text() == ""
    assert dialogs.missing_key_of(db) is None
    with db.session() as s:
        settings.put(s, ADMIN, "org.province", "Bắc Kạn")
    with db.session() as s:
        assert settings.get(s, "org.province") == "Bắc Kạn"
        assert audit.verify_chain(s) is None


def test_a_wrong_file_or_a_non_administrator_is_told_in_the_dialog(
    qtbot, keyless: tuple[Database, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, exported, key_id = keyless
    junk = tmp_path / "rác.key"
    junk.write_text("không phải khóa", encoding="utf-8")
    dialog = _dialog(qtbot, db, key_id)
    monkeypatch.setattr(dialog, "pick_file", lambda: junk)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "không phải tệp khóa nhật ký" in dialog.error.text()
    assert dialog.outcome == dialogs.QUIT and dialogs.missing_key_of(db) == key_id
    staff = _dialog(qtbot, db, key_id, actor=STAFF)
    monkeypatch.setattr(staff, "pick_file", lambda: exported)
    qtbot.mouseClick(staff.import_button, Qt.MouseButton.LeftButton)
    assert staff.error.text() != "" and dialogs.missing_key_of(db) == key_id


def test_continue_read_only_or_quit(qtbot, keyless: tuple[Database, Path, str]) -> None:
    db, _, key_id = keyless
    dialog = _dialog(qtbot, db, key_id)
    qtbot.mouseClick(dialog.read_only_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome == dialogs.READ_ONLY
    dialog = _dialog(qtbot, db, key_id)
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert dialog.outcome == dialogs.QUIT
    # Read-only: a write is refused with the one line, and changes nothing.
    with pytest.raises(UserError, match="audit key import"), db.session() as s:
        settings.put(s, ADMIN, "org.province", "Bắc Kạn")
    with db.session() as s:
        assert settings.get(s, "org.province") == "Cao Bằng"


def test_nothing_is_asked_when_the_key_is_here(db: Database) -> None:
    with db.session() as s:
        settings.put(s, ADMIN, "org.province", "Cao Bằng")
    assert dialogs.ask_for_key(db, ADMIN) == dialogs.IMPORTED
