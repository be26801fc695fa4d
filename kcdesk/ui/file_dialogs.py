"""File dialogs that open where the user works (hộp chọn tệp).

A dialog opens in the folder used last (remembered beside the data) or, the first
time, in the user's Documents folder — never in the program's folder, where a
relative default name would otherwise put it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from kcdesk import paths

_KEY = "files/last_folder"


def _settings() -> QSettings:
    return QSettings(str(paths.data_dir() / "giao-dien.ini"), QSettings.Format.IniFormat)


def start_folder() -> Path:
    """The last folder used, else Documents, else the home folder."""
    last = _settings().value(_KEY)
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember(chosen: str | Path) -> None:
    folder = Path(chosen)
    if not folder.is_dir():
        folder = folder.parent
    with contextlib.suppress(OSError):
        paths.data_dir().mkdir(parents=True, exist_ok=True)
        _settings().setValue(_KEY, str(folder))


def open_file(parent: QWidget | None, title: str, filters: str = "") -> Path | None:
    name, _chosen = QFileDialog.getOpenFileName(parent, title, str(start_folder()), filters)
    if not name:
        return None
    remember(name)
    return Path(name)


def save_file(
    parent: QWidget | None, title: str, name: str, filters: str = ""
) -> tuple[Path, str] | None:
    """The path chosen to save ``name`` and the filter picked, or None."""
    chosen, picked = QFileDialog.getSaveFileName(parent, title, str(start_folder() / name), filters)
    if not chosen:
        return None
    remember(chosen)
    return Path(chosen), picked


def choose_folder(parent: QWidget | None, title: str) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, str(start_folder()))
    if not folder:
        return None
    remember(folder)
    return Path(folder)
