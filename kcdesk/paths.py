"""Where kcdesk finds its shipped resources and keeps the user's data.

Shipped files (``forms/``, ``resources/``) live beside the package in a source
checkout and inside the bundle when frozen by PyInstaller. User data always lives
in the per-user data folder, never next to the executable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "kcdesk"


def install_root() -> Path:
    """Folder that holds ``forms/``, ``resources/`` and ``docs/huong-dan`` (tree or bundle)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def shipped_forms_dir() -> Path:
    return install_root() / "forms"


def guide_dir() -> Path:
    """The user guide (hướng dẫn sử dụng): ``docs/huong-dan`` in the tree and the bundle."""
    return install_root() / "docs" / "huong-dan"


def data_dir() -> Path:
    """Per-user data folder; ``KCDESK_DATA_DIR`` overrides it (tests, IT staff)."""
    override = os.environ.get("KCDESK_DATA_DIR")
    if override:
        path = Path(override)
    elif sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA") or str(Path.home())
        path = Path(base) / APP_NAME
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / APP_NAME
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / APP_NAME
    return path


def user_forms_dir() -> Path:
    """A province's own copies of ``forms/*.toml`` override the shipped ones."""
    return data_dir() / "forms"


def default_database_path() -> Path:
    return data_dir() / "kcdesk.sqlite"


def demo_database_path() -> Path:
    return data_dir() / "kcdesk-demo.sqlite"


def attachments_dir() -> Path:
    return data_dir() / "attachments"


def backups_dir() -> Path:
    return data_dir() / "backups"


def keys_dir() -> Path:
    """The Centre's key store (kho khóa): secrets that must not be in the database file,
    each an owner-only file (the audit chain's key, kcdesk.services.core.audit_key)."""
    return data_dir() / "keys"


def logs_dir() -> Path:
    return data_dir() / "logs"


# One spelling for the folder of printed documents: on Linux "bản in" and "Bản in"
# would be two folders, on Windows one (docs/packaging.md).
PRINTS_FOLDER = "Bản in"


def prints_dir() -> Path:
    """Where printed documents (PDF previews, minutes, sheets) are written."""
    return data_dir() / PRINTS_FOLDER
