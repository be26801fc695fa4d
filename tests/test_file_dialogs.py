"""File dialogs open in Documents or the last folder used, never the program's folder (issue 20 §4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from kcdesk.ui import file_dialogs


def test_first_time_documents_then_the_last_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qapp,
) -> None:
    first = file_dialogs.start_folder()
    assert first != Path.cwd() or first == Path.home()
    asked: list[str] = []

    def fake_save(parent, title, start, filters):
        asked.append(start)
        return str(tmp_path / "ra" / "Danh sách.xlsx"), filters

    (tmp_path / "ra").mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    chosen = file_dialogs.save_file(None, "Xuất", "Danh sách.xlsx", "Excel (*.xlsx)")
    assert chosen is not None and chosen[0] == tmp_path / "ra" / "Danh sách.xlsx"
    assert Path(asked[0]).parent == first  # offered in the start folder, an absolute path
    assert Path(asked[0]).is_absolute()
    assert file_dialogs.start_folder() == tmp_path / "ra"  # remembered
