"""What kind of disk a path is on (loại ổ đĩa): FAT32 stick, network share, OneDrive.

- A FAT32 stick takes no file of 4 GB or more: a backup that large is refused before
  anything is written (``safe_write``).
- SQLite's WAL needs shared memory on the same machine: a database on a network
  share (``\\\\server\\share``, a mapped drive, NFS/SMB) corrupts or locks up, and a
  sync client (OneDrive) uploads half-written files (``check_database_location``).

Windows answers through kernel32 (``GetVolumePathNameW``, ``GetVolumeInformationW``,
``GetDriveTypeW``); Linux through /proc/mounts. Every lookup is a best guess that
never raises: None means "cannot tell".
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any

FAT32_MAX_FILE = 4 * 1024**3 - 1
FAT_TYPES = frozenset({"fat", "fat12", "fat16", "fat32", "vfat", "msdos"})
NETWORK_TYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "fuse.sshfs", "afs", "ncpfs"}
)
DRIVE_REMOTE = 4
CLOUD_FOLDER_PREFIXES = ("onedrive", "dropbox", "google drive", "icloud")


def _linux_filesystem(path: Path, mounts_text: str | None = None) -> str | None:
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = os.path.realpath(path)
    best, best_type = "", None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, best_type = mount, parts[2]
    return best_type


def _windows_volume(path: Path, kernel32: Any = None) -> tuple[str, str | None, int | None]:
    """(volume root, file system name, drive type) of ``path`` on Windows."""
    import ctypes

    if kernel32 is None:  # pragma: no cover - Windows only
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    root = ctypes.create_unicode_buffer(261)
    if not kernel32.GetVolumePathNameW(ctypes.c_wchar_p(str(path)), root, 261):
        return str(path.anchor), None, None
    fs_name = ctypes.create_unicode_buffer(261)
    ok = kernel32.GetVolumeInformationW(
        ctypes.c_wchar_p(root.value), None, 0, None, None, None, fs_name, 261
    )
    drive_type = kernel32.GetDriveTypeW(ctypes.c_wchar_p(root.value))
    return root.value, (fs_name.value if ok else None), int(drive_type)


def filesystem_type(path: Path) -> str | None:
    """'vfat', 'ntfs', 'fat32', 'exfat' … in lower case, or None when unknown."""
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            _root, name, _type = _windows_volume(path)
            return name.lower() if name else None
        return _linux_filesystem(path)
    except (OSError, ValueError, AttributeError):
        return None


def is_fat(path: Path) -> bool:
    return (filesystem_type(path) or "") in FAT_TYPES


def is_unc(path: PurePath | str) -> bool:
    """\\\\server\\share\\… (also //server/share): a network path on Windows."""
    text = str(path)
    return text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "//?/"))


def is_network(path: Path) -> bool:
    if is_unc(path):
        return True
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            return _windows_volume(path)[2] == DRIVE_REMOTE
        return (_linux_filesystem(path) or "") in NETWORK_TYPES
    except (OSError, ValueError, AttributeError):
        return False


def cloud_folder(path: PurePath, environ: dict[str, str] | None = None) -> str | None:
    """The sync folder (OneDrive …) that holds ``path``, or None."""
    environ = dict(os.environ) if environ is None else environ
    text = os.path.normcase(str(path))
    for key in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer"):
        root = environ.get(key)
        if root and text.startswith(os.path.normcase(root.rstrip("\\/")) + os.sep):
            return root
    parts = PureWindowsPath(str(path)).parts if "\\" in str(path) else path.parts
    for part in parts[:-1]:
        if part.lower().startswith(CLOUD_FOLDER_PREFIXES):
            return part
    return None
