"""Atomic, verified writes (to a USB stick above all): temp file, fsync, rename, re-read.

A pulled stick or a full disk leaves either the old file or none, never a partial
one; every error is a UserError that says what happened and what to do, from the
Windows error code when there is one (``os_errors``). The rename retries briefly
while another program holds the target (a preview, Excel, an antivirus), and a
file too large for a FAT32 stick is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from kcdesk.services.core import os_errors, volumes
from kcdesk.services.core.errors import UserError

__all__ = ["WriteFailed", "atomic_copy", "atomic_write", "atomic_write_bytes", "explain"]


class WriteFailed(UserError):
    """Writing the file failed; nothing partial was left behind."""


def explain(exc: OSError) -> str:
    return os_errors.explain(exc)


def check_fits(target: Path, size: int | None) -> None:
    """Refuse, before writing, a file of 4 GB or more for a FAT32 stick."""
    if size is None or size <= volumes.FAT32_MAX_FILE:
        return
    if volumes.is_fat(target.parent):
        gigabytes = f"{size / 1024**3:.1f}".replace(".", ",")
        raise WriteFailed(
            f"Không ghi được {target.name}: {os_errors.TOO_LARGE} (tệp {gigabytes} GB). "
            "Hãy dùng USB định dạng exFAT hoặc NTFS, hoặc chọn thư mục khác. Chưa ghi gì."
        )


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory for fsync
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def atomic_write(
    target: Path, write: Callable[[BinaryIO], None], *, size: int | None = None
) -> str:
    """Write through ``write(handle)`` into ``target`` atomically; returns the SHA-256.

    The data goes to ``target.name.part`` beside it, is flushed and fsynced, renamed
    over the target, and read back to verify the hash. ``size`` (when known) is
    checked against the target's file system first.
    """
    check_fits(target, size)
    tmp = target.with_name(target.name + ".part")
    digest = hashlib.sha256()

    class _Hashing:
        def __init__(self, handle: BinaryIO) -> None:
            self.handle = handle

        def write(self, data: bytes) -> int:
            digest.update(data)
            return self.handle.write(data)

        def __getattr__(self, name: str) -> object:
            return getattr(self.handle, name)

    try:
        with tmp.open("wb") as handle:
            write(_Hashing(handle))  # type: ignore[arg-type]
            handle.flush()
            os.fsync(handle.fileno())
        os_errors.replace(tmp, target)
        _fsync_dir(target.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise WriteFailed(
            f"Không ghi được {target.name}: {explain(exc)}. Chưa có tệp nào bị ghi dở."
        ) from exc
    expected = digest.hexdigest()
    try:
        actual = sha256_of(target)
    except OSError as exc:
        raise WriteFailed(f"Không đọc lại được {target.name} để kiểm tra: {explain(exc)}.") from exc
    if actual != expected:
        with contextlib.suppress(OSError):
            target.unlink()
        raise WriteFailed(f"Tệp {target.name} ghi ra không khớp khi đọc lại; đã xóa, hãy ghi lại.")
    return expected


def atomic_write_bytes(target: Path, data: bytes) -> str:
    def write(handle: BinaryIO) -> None:
        handle.write(data)

    return atomic_write(target, write, size=len(data))


def atomic_copy(source: Path, target: Path) -> str:
    def copy(handle: BinaryIO) -> None:
        with source.open("rb") as src:
            while chunk := src.read(1 << 20):
                handle.write(chunk)

    return atomic_write(target, copy, size=source.stat().st_size)
