"""Idle warm-up (issue 24): section modules imported at the idle turns after the main
window is up, never before the event loop turns, a failure logged and skipped."""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from kcdesk.services.security.actor import SYSTEM
from kcdesk.ui import warm_up
from kcdesk.ui.app_context import AppContext
from kcdesk.ui.main_window import MainWindow


def _modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: list[str]) -> None:
    for name in names:
        body = "raise ImportError('broken')\n" if "broken" in name else "VALUE = 1\n"
        if "table" in name:  # a cached table built at its first call
            body = "CALLS = []\n\ndef build():\n    CALLS.append(1)\n"
        (tmp_path / f"{name}.py").write_text(body, encoding="utf-8")
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))


def test_imports_at_idle_turns_only(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    names = ["kcwarm_one", "kcwarm_broken", "kcwarm_two", "kcwarm_three"]
    _modules(tmp_path, monkeypatch, names)
    owner = QWidget()
    qtbot.addWidget(owner)
    with caplog.at_level(logging.ERROR, logger="kcdesk.ui.warm_up"):
        warm_up.start(owner, names)
        assert not any(name in sys.modules for name in names)  # nothing before a turn
        qtbot.waitUntil(lambda: "kcwarm_three" in sys.modules, timeout=5000)
    assert {"kcwarm_one", "kcwarm_two", "kcwarm_three"} <= set(sys.modules)
    assert "kcwarm_broken" not in sys.modules
    assert "kcwarm_broken" in caplog.text  # logged, and the next ones still imported


def test_named_function_is_called_after_its_import(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _modules(tmp_path, monkeypatch, ["kcwarm_table"])
    owner = QWidget()
    qtbot.addWidget(owner)
    with caplog.at_level(logging.ERROR, logger="kcdesk.ui.warm_up"):
        warm_up.start(owner, ["kcwarm_table:build", "kcwarm_table:missing", "kcwarm_table"])
        qtbot.waitUntil(lambda: "kcwarm_table:missing" in caplog.text, timeout=5000)
    assert sys.modules["kcwarm_table"].CALLS == [1]  # called once; the plain name skipped


def test_one_module_per_turn_past_the_slice(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["kcwarm_slice_a", "kcwarm_slice_b"]
    _modules(tmp_path, monkeypatch, names)
    monkeypatch.setattr(warm_up, "SLICE_S", 0.0)  # the slice is used up by one module
    owner = QWidget()
    qtbot.addWidget(owner)
    warm_up.start(owner, names)
    QApplication.processEvents()
    assert "kcwarm_slice_a" in sys.modules and "kcwarm_slice_b" not in sys.modules
    qtbot.waitUntil(lambda: "kcwarm_slice_b" in sys.modules, timeout=5000)


def test_main_window_starts_it_once_after_first_showing(
    qtbot, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(warm_up, "start", lambda owner, *a: started.append(owner))
    window = MainWindow(AppContext(db, SYSTEM))
    qtbot.addWidget(window)
    assert started == []
    window.show()
    assert started == []  # not inside show(): cold start ends when the window is up
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    window.hide()
    window.show()
    QApplication.processEvents()
    assert started == [window]


def test_every_section_after_the_register_is_warmed_in_navigation_order() -> None:
    """A section added to the navigation is imported at idle turns too, in its order."""
    from kcdesk.ui.sections import SECTIONS

    listed = [name for name in warm_up.MODULES if name.startswith("kcdesk.ui.sections.")]
    assert listed == [f"kcdesk.ui.sections.{info.key}" for info in SECTIONS[1:]]
    for name in listed:  # each one the module its section's first opening imports
        assert callable(importlib.import_module(name).create), name


def test_a_hold_keeps_imports_out_until_it_is_over(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A section just opened: its own work first, the warm-up after the hold."""
    names = ["kcwarm_held_a"]
    _modules(tmp_path, monkeypatch, names)
    monkeypatch.setattr(warm_up, "_held_until", 0.0)
    owner = QWidget()
    qtbot.addWidget(owner)
    warm_up.hold(0.4)
    warm_up.start(owner, names)
    for _ in range(5):
        QApplication.processEvents()
    assert "kcwarm_held_a" not in sys.modules  # the turns of the event loop went by
    qtbot.waitUntil(lambda: "kcwarm_held_a" in sys.modules, timeout=5000)


def test_opening_a_section_holds_the_warm_up_but_the_window_itself_does_not(
    qtbot, db, monkeypatch: pytest.MonkeyPatch
) -> None:
    holds: list[float] = []
    monkeypatch.setattr(warm_up, "start", lambda owner, *a, **k: None)
    monkeypatch.setattr(warm_up, "hold", lambda seconds=warm_up.HOLD_S: holds.append(seconds))
    window = MainWindow(AppContext(db, SYSTEM))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window._shown, timeout=5000)
    assert holds == []  # the register shown at start-up is not the clerk's click
    window.show_section("audit")
    assert holds == [warm_up.HOLD_S]
