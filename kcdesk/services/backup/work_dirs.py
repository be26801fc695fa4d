"""Private work folders of backup and restore (thư mục tạm khi sao lưu, khôi phục).

A backup is assembled, and a restore unpacked, in a folder of its own under the backups
folder. It holds a full plaintext copy of the database, so a folder left behind by a
killed run must not stay: each folder names the process that owns it, and every later
backup, restore or check (and the automatic backup at start) removes those whose
process is gone, or that are too old.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from kcdesk import paths
from kcdesk.services.backup.archive import remove_tree

OWNER_FILE = "owner.pid"


def work_dir() -> Path:
    """A private work folder, marked with this process's id so that a later start can
    tell a folder left by a killed run (a full plaintext copy of the database) from
    one another copy of kcdesk is using, and remove it."""
    clean_work_dirs()
    base = paths.backups_dir() / ".work"
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=base))
    (work / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    return work


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no cheap check: the age rule decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_work_dirs(max_age_hours: float = 6.0) -> int:
    """Remove work folders left by a backup that was killed mid-way (they can be large)."""
    base = paths.backups_dir() / ".work"
    if not base.is_dir():
        return 0
    cutoff = datetime.now().timestamp() - max_age_hours * 3600
    removed = 0
    for folder in base.iterdir():
        try:
            if not folder.is_dir():
                continue
            owner = folder / OWNER_FILE
            pid = int(owner.read_text(encoding="ascii")) if owner.is_file() else None
            dead = pid is not None and not _alive(pid)
            if dead or folder.stat().st_mtime < cutoff:
                remove_tree(folder)
                removed += 1
        except (OSError, ValueError):
            continue
    return removed
