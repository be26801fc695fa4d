"""Whether any process has a given file open (tệp đang được mở), read from Linux's /proc.

Windows refuses to rename over a file anyone has open, so a restore that renames the
checked database in (``file_swap``) cannot leave a program holding the old file there.
POSIX allows it, and a program that opened the database just before the rename but had
not yet read it would then mix the old file with the new one's ``-wal``. On POSIX the
restore therefore looks, after renaming and still holding the lock, for any other
descriptor of the old file, and puts the old file back if it finds one.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def can_tell() -> bool:
    """Whether this system shows each process's open files (Linux)."""
    return (PROC / "self" / "fd").is_dir()


def _descriptors(pid_dir: Path) -> list[Path]:
    try:
        return [pid_dir / "fd" / name for name in os.listdir(pid_dir / "fd")]
    except OSError:  # gone meanwhile, or another user's process
        return []


def opened(file: os.stat_result, *, ours: int) -> bool:
    """Whether ``file`` (its stat) is open anywhere beyond ``ours`` descriptors of this
    process. Processes of other users cannot be seen; they cannot read the owner-only
    data folder either."""
    key = (file.st_dev, file.st_ino)
    me = os.getpid()
    for pid_dir in PROC.iterdir():
        if not pid_dir.name.isdigit():
            continue
        for fd in _descriptors(pid_dir):
            try:
                st = os.stat(fd)  # follows the link, even to a deleted file
            except OSError:
                continue
            if (st.st_dev, st.st_ino) != key:
                continue
            if int(pid_dir.name) == me and ours > 0:
                ours -= 1
                continue
            return True
    return False
