"""Find removable drives (USB sticks) to export to (ổ đĩa rời, USB).

Windows: ``GetLogicalDrives`` and ``GetDriveTypeW`` (DRIVE_REMOVABLE) through ctypes,
with the "No disk" dialogs of empty card readers switched off. Detection can take
seconds (a slow card reader): the export dialog runs it on the background worker.
Linux: mounts under /media, /run/media or /mnt whose block device is marked
``removable`` in /sys/block (or sits on the USB bus). Detection is a convenience:
the export dialog always offers "choose folder" as well.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MOUNT_ROOTS = ("/media/", "/run/media/", "/mnt/")
DRIVE_REMOVABLE = 2


@dataclass(frozen=True)
class Drive:
    """A writable place on a removable drive."""

    path: Path
    label: str
    free_bytes: int | None = None
    total_bytes: int | None = None

    @property
    def display(self) -> str:
        size = ""
        if self.free_bytes is not None:
            size = f" — còn trống {format_size(self.free_bytes)}"
        return f"{self.label} ({self.path}){size}"


def format_size(size: int) -> str:
    """1 536 → '1,5 KB'; sizes for people, with a decimal comma."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.0f}" if unit == "B" else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def _usage(path: Path) -> tuple[int | None, int | None]:
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        return None, None
    return usage.free, usage.total


def _unescape_mount(text: str) -> str:
    """/proc/mounts writes spaces and tabs in paths as octal escapes (\\040)."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1 : i + 4].isdigit():
            out.append(chr(int(text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _block_name(device: str, sys_block: Path) -> str | None:
    """/dev/sdb1 → sdb; /dev/mmcblk0p1 → mmcblk0 (the disk that holds the partition)."""
    if not device.startswith("/dev/"):
        return None
    name = device[len("/dev/") :]
    candidate = name
    while candidate:
        if (sys_block / candidate).exists():
            return candidate
        candidate = candidate[:-1]
        if candidate.endswith("p") and (sys_block / candidate[:-1]).exists():
            return candidate[:-1]
    return None


def _is_removable(block: str, sys_block: Path) -> bool:
    try:
        if (sys_block / block / "removable").read_text().strip() == "1":
            return True
    except OSError:
        pass
    try:
        # Many USB hard drives report removable=0; their device path names the bus.
        return "/usb" in os.path.realpath(sys_block / block)
    except OSError:
        return False


def linux_drives(
    mounts_text: str, sys_block: Path = Path("/sys/block"), *, with_usage: bool = True
) -> list[Drive]:
    """Removable drives among the mounts listed in ``mounts_text`` (/proc/mounts)."""
    drives: list[Drive] = []
    seen: set[str] = set()
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        device, mount, options = parts[0], _unescape_mount(parts[1]), parts[3].split(",")
        if not mount.startswith(MOUNT_ROOTS) or mount in seen:
            continue
        if "ro" in options:
            continue
        block = _block_name(device, sys_block)
        if block is None or not _is_removable(block, sys_block):
            continue
        seen.add(mount)
        path = Path(mount)
        free, total = _usage(path) if with_usage else (None, None)
        drives.append(
            Drive(path=path, label=path.name or mount, free_bytes=free, total_bytes=total)
        )
    return drives


SEM_FAILCRITICALERRORS = 0x0001
SEM_NOOPENFILEERRORBOX = 0x8000


def windows_drives(kernel32: Any = None, usage: Any = None) -> list[Drive]:
    """Removable drives through kernel32 (a fake one in tests).

    An empty card reader slot makes Windows pop a "There is no disk in the drive"
    dialog when asked about its volume; critical-error dialogs are switched off for
    this thread while asking (``SetThreadErrorMode``), and restored after.
    """
    import ctypes

    if kernel32 is None:  # pragma: no cover - Windows only
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    usage = usage or _usage
    quiet = SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX
    previous = ctypes.c_uint(0)
    thread_mode = bool(kernel32.SetThreadErrorMode(quiet, ctypes.byref(previous)))
    if not thread_mode:  # older API: process-wide, restored below all the same
        previous.value = int(kernel32.SetErrorMode(quiet))
    try:
        mask = int(kernel32.GetLogicalDrives())
        drives: list[Drive] = []
        for index in range(26):
            if not mask & (1 << index):
                continue
            root = f"{chr(ord('A') + index)}:\\"
            if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) != DRIVE_REMOVABLE:
                continue
            name = ctypes.create_unicode_buffer(261)
            ok = kernel32.GetVolumeInformationW(
                ctypes.c_wchar_p(root), name, 261, None, None, None, None, 0
            )
            if not ok:  # no medium in the card reader
                continue
            label = name.value or "USB"
            free, total = usage(Path(root))
            drives.append(Drive(path=Path(root), label=label, free_bytes=free, total_bytes=total))
        return drives
    finally:
        if thread_mode:
            kernel32.SetThreadErrorMode(previous.value, None)
        else:
            kernel32.SetErrorMode(previous.value)


def detect_removable_drives() -> list[Drive]:
    """The removable drives this PC sees now (may be empty; never raises)."""
    try:
        if sys.platform == "win32":
            return windows_drives()
        if sys.platform.startswith("linux"):
            return linux_drives(Path("/proc/mounts").read_text(encoding="utf-8", errors="replace"))
    except (OSError, AttributeError, ValueError):  # ctypes or /proc surprises
        return []
    return []
