"""Where a command may write (tệp kết quả): a regular file, and private when it must be.

``--out`` names the file a command writes through ``safe_write`` (temp file, rename).
A rename over a device, a directory or a symlink would replace it with a regular
file — run as root, ``--out /dev/full`` once replaced the device — so such a target is
refused with one clear line before anything is written. Key files and backups hold
secrets or every record: they are created readable by their owner only.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from kcdesk.services.core.errors import UserError

PRIVATE_MODE = 0o600


class OutputRefused(UserError):
    """The output path is not a regular file that may be written."""


def check_output(path: str | Path, *, folder_ok: bool = False) -> Path:
    """``path`` if it is a new file or an existing regular file; else OutputRefused.

    ``folder_ok``: an existing folder is accepted (``backup --out E:/`` picks a name in
    it). A symlink is refused even when it points to a regular file: the rename would
    replace the link, not write where it points.
    """
    target = Path(path)
    try:
        info = target.lstat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputRefused(f"Không ghi được vào {target}: {exc.strerror}.") from exc
    if stat.S_ISLNK(info.st_mode):
        raise OutputRefused(
            f"{target} là một liên kết (symlink): hãy ghi vào tệp thật, không qua liên kết."
        )
    if stat.S_ISDIR(info.st_mode):
        if folder_ok:
            return target
        raise OutputRefused(f"{target} là một thư mục: hãy ghi rõ tên tệp trong thư mục đó.")
    if not stat.S_ISREG(info.st_mode):
        raise OutputRefused(
            f"{target} không phải tệp thông thường (thiết bị, ống dẫn hoặc socket): "
            "hãy chọn một tệp để ghi."
        )
    return target


def prepare_private(target: Path) -> None:
    """Make ``safe_write``'s temporary file (``<name>.part``) exist with mode 0600, so the
    file it becomes is never readable by others, not even for a moment."""
    part = target.with_name(target.name + ".part")
    with contextlib.suppress(OSError):
        part.unlink()
    flags = os.O_CREAT | os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(part, flags, PRIVATE_MODE))
    # The umask could have removed bits only; make sure no group/other bit is set.
    os.chmod(part, PRIVATE_MODE)


def make_private(target: Path) -> None:
    """Owner-only permissions on a file already written (where supported)."""
    with contextlib.suppress(OSError):
        os.chmod(target, PRIVATE_MODE)
