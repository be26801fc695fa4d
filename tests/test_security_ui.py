"""GUI: log-in dialog, first administrator, settings section (organisation, users,
password, backup / restore / check), driven without exec()."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QLineEdit

from kcdesk.app import _log_in
from kcdesk.models import Role
from kcdesk.models.db import Database
from kcdesk.services.core import settings
from kcdesk.services.security import passwords, users
from kcdesk.services.security.actor import SYSTEM, Actor
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.login_dialog import LoginDialog, needs_first_admin
from kcdesk.ui.sections.settings import SettingsSection

PW = "mat-khau-dai-1"


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "N", 2**10)


def add(db: Database, name: str, role: Role) -> Actor:
    with db.session() as s:
        users.add_user(s, SYSTEM, username=name, full_name=name.title(), role=role, password=PW)
    with db.session() as s:
        return users.actor_for(s, users.get_user(s, name))


def test_login_dialog_accepts_the_right_password(qtbot, db: Database) -> None:
    add(db, "lan", Role.SECRETARY)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("lan")
    dialog.password.setText("sai-mat-khau")
    dialog.submit()
    assert dialog.isVisible() and dialog.actor is None
    assert dialog.message.text() == users.LOGIN_FAILED  # the same as for an unknown name
    assert dialog.password.text() == ""  # a refused password is not left in the field
    dialog.password.setText(PW)
    dialog.submit()
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.role is Role.SECRETARY


def test_login_dialog_shows_the_lock(qtbot, db: Database) -> None:
    add(db, "lan", Role.CENTRE_STAFF)
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(users.MAX_FAILURES):
        dialog.username.setText("lan")
        dialog.password.setText("sai-mat-khau")
        dialog.submit()
    assert dialog.message.text() == users.LOGIN_FAILED  # a guesser learns nothing
    dialog.password.setText(PW)
    dialog.submit()
    assert dialog.actor is None and "tạm khóa" in dialog.message.text()


def test_first_run_creates_the_administrator(qtbot, db: Database) -> None:
    assert needs_first_admin(db)
    dialog = LoginDialog(db, first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("quantri")
    dialog.full_name.setText("Quản trị viên")
    dialog.password.setText(PW)
    dialog.confirm.setText(PW + "x")
    dialog.submit()
    assert "không khớp" in dialog.message.text() and dialog.actor is None
    dialog.password.setText(PW)
    dialog.confirm.setText(PW)
    dialog.submit()
    assert dialog.actor is not None and dialog.actor.role is Role.ADMIN
    assert not needs_first_admin(db)


@pytest.mark.sqlite_only  # a server database is never single-user (docs/server.md)
def test_single_user_mode_skips_the_login(db: Database) -> None:
    assert _log_in(db, SYSTEM) is SYSTEM  # the shipped default: a personal PC


def section(qtbot, db: Database, actor: Actor) -> SettingsSection:
    ctx = AppContext(db, actor)
    widget = SettingsSection(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_admin_edits_organisation_settings(qtbot, db: Database) -> None:
    admin = add(db, "quantri", Role.ADMIN)
    view = section(qtbot, db, admin)
    editor = view.organisation
    field = editor.fields["org.province"]
    assert isinstance(field, QLineEdit)
    field.setText("Lạng Sơn")
    assert editor.save()
    with db.session() as s:
        assert settings.get(s, "org.province") == "Lạng Sơn"
    assert "Đã lưu 1" in editor.message.text()


def test_leader_cannot_edit_settings_and_is_told_why(qtbot, db: Database) -> None:
    leader = add(db, "lanhdao", Role.LEADER)
    view = section(qtbot, db, leader)
    editor = view.organisation
    field = editor.fields["org.province"]
    assert not field.isEnabled()
    assert isinstance(field, QLineEdit)
    field.setText("Hà Giang")  # even if the UI were bypassed, the service refuses
    assert not editor.save()
    assert "không có quyền sửa cài đặt" in editor.message.text()
    with db.session() as s:
        assert settings.get(s, "org.province") == "Cao Bằng"
    assert not view.users.add_button.isEnabled()
    assert not view.backup.restore_button.isEnabled()


def test_single_user_mode_cannot_be_turned_off_without_accounts(qtbot, db: Database) -> None:
    view = section(qtbot, db, SYSTEM)
    box = view.organisation.fields["app.single_user"]
    assert isinstance(box, QCheckBox) and box.isChecked()
    box.setChecked(False)
    assert not view.organisation.save()
    assert "tạo tài khoản quản trị viên" in view.organisation.message.text()
    add(db, "thuky", Role.SECRETARY)  # a secretary alone could not manage anything
    assert not view.organisation.save()
    add(db, "quantri", Role.ADMIN)
    assert view.organisation.save()
    with db.session() as s:
        assert settings.get(s, "app.single_user") is False
    assert view.password is None  # the system account has no password to change


def test_users_panel_adds_resets_and_locks(qtbot, db: Database) -> None:
    admin = add(db, "quantri", Role.ADMIN)
    view = section(qtbot, db, admin)
    panel = view.users
    panel.username.setText("xa_clerk")
    panel.full_name.setText("Cán bộ xã")
    panel.role.setCurrentIndex(panel.role.findData(Role.OFFICE_CLERK.value))
    panel.password.setText(PW)
    panel.confirm.setText(PW)
    assert not panel.add_user()  # a clerk needs an office
    assert "cần có đơn vị" in panel.message.text()
    panel.office.setCurrentText("TTKC")
    panel.password.setText(PW)
    panel.confirm.setText(PW)
    assert panel.add_user(), panel.message.text()
    assert panel.table.rowCount() == 2
    panel.select("xa_clerk")
    panel.password.setText("mat-khau-moi-2")
    panel.confirm.setText("mat-khau-moi-2")
    assert panel.reset_password()
    with db.session() as s:
        assert users.authenticate(s, "xa_clerk", "mat-khau-moi-2").office_code == "TTKC"
    panel.select("xa_clerk")
    assert panel.toggle_active()
    with db.session() as s:
        assert not users.get_user(s, "xa_clerk").active
    panel.select("quantri")
    assert not panel.toggle_active()
    assert "tự khóa" in panel.message.text()


def test_password_panel_changes_my_password(qtbot, db: Database) -> None:
    me = add(db, "lan", Role.CENTRE_STAFF)
    view = section(qtbot, db, me)
    panel = view.password
    assert panel is not None
    panel.old.setText("doan-sai-1")
    panel.new.setText("mat-khau-moi-2")
    panel.confirm.setText("mat-khau-moi-2")
    assert not panel.change() and "hiện tại không đúng" in panel.message.text()
    panel.old.setText(PW)
    panel.new.setText("mat-khau-moi-2")
    panel.confirm.setText("mat-khau-moi-2")
    assert panel.change()
    with db.session() as s:
        assert users.authenticate(s, "lan", "mat-khau-moi-2").username == "lan"


@pytest.mark.sqlite_only  # SQLite file backup
def test_backup_panel_backs_up_checks_and_restores(qtbot, db: Database, tmp_path: Path) -> None:
    view = section(qtbot, db, SYSTEM)
    panel = view.backup
    usb = tmp_path / "USB"
    usb.mkdir()
    panel.backup_to(usb)
    qtbot.waitUntil(lambda: panel.backup_button.isEnabled(), timeout=20_000)
    made = list(usb.glob("*.zip"))
    assert len(made) == 1 and str(made[0]) in panel.result_view.toPlainText()
    assert panel.history.rowCount() == 1

    panel.run_check()
    qtbot.waitUntil(lambda: panel.check_button.isEnabled(), timeout=20_000)
    assert "nguyên vẹn" in panel.message.text()

    with db.session() as s:
        settings.put(s, SYSTEM, "org.province", "Lạng Sơn")
    bad = tmp_path / "khac.zip"
    bad.write_bytes(b"not a backup")
    panel.restore_from(bad)
    qtbot.waitUntil(lambda: panel.restore_button.isEnabled(), timeout=20_000)
    assert not panel.message.ok and "không phải bản sao lưu kcdesk" in panel.message.text()
    with panel.ctx.db.session() as s:
        assert settings.get(s, "org.province") == "Lạng Sơn"

    kinds: list[str] = []
    panel.ctx.data_changed.connect(kinds.append)
    # The backup is of Cao Bằng and the database now says Lạng Sơn: the panel asks
    # first, naming both (issue 19); the user confirms.
    asked: list[str] = []
    panel.confirm_other_centre = lambda text: asked.append(text) or True  # type: ignore[method-assign]
    panel.restore_from(made[0])
    qtbot.waitUntil(lambda: panel.restore_button.isEnabled(), timeout=30_000)
    assert panel.message.ok, panel.message.text()
    assert len(asked) == 1 and "Cao Bằng" in asked[0] and "Lạng Sơn" in asked[0]
    assert panel.ctx.db is not db  # the section now works on the reopened database
    with panel.ctx.db.session() as s:
        assert settings.get(s, "org.province") == "Cao Bằng"
    assert "proposal" in kinds and "truoc-khoi-phuc" in panel.result_view.toPlainText()
    panel.ctx.db.dispose()
