"""The copy of a PC's data taken before a restore (bản an toàn trước khi khôi phục).

Usually the old file itself is that copy, given a second name when the checked file is
renamed in (``file_swap``). This module takes a real copy where that cannot be: the
backups folder on another disk, a disk without hard links, another connection open.

SQLite's backup API copies the current database into the restore's private work folder
while the backup file is checked (SQLite releases the GIL: the two overlap). Only once
the file has passed every check does the copy move — owner-only, fsynced, renamed on the
same disk — into the backups folder as ``…-truoc-khoi-phuc-….sqlite``: a plain database
that a restore takes back like any backup. It is not zipped: deflating the whole
database once more was most of a restore's time. Its attachments stay in the store,
which a restore only adds to. A refused file leaves no copy behind.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kcdesk.services.backup.archive import copy_database
from kcdesk.services.core import os_errors, output_path, safe_write
from kcdesk.services.core.errors import UserError

COPY_NAME = "current.sqlite"


def _take(current: Path, copy: Path) -> None:
    copy_database(current, copy)  # a single file, no -wal beside it
    with copy.open("rb+") as handle:
        os.fsync(handle.fileno())


class PendingCopy:
    """The copy of ``current`` being taken into ``work`` (a thread of its own)."""

    def __init__(self, current: Path, work: Path) -> None:
        self.path = work / COPY_NAME
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="safety-copy")
        self._future = self._pool.submit(_take, current, self.path)

    def wait(self) -> None:
        """Until the copy is whole (UserError when it could not be taken)."""
        try:
            self._future.result()
        except sqlite3.Error as exc:
            raise UserError(f"Không sao chép được cơ sở dữ liệu: {exc}.") from exc
        except OSError as exc:
            raise safe_write.WriteFailed(
                f"Không ghi được bản an toàn của dữ liệu hiện tại: {safe_write.explain(exc)}. "
                "Chưa khôi phục gì."
            ) from exc
        finally:
            self._pool.shutdown()

    def keep(self, target: Path) -> str:
        """Move the finished copy to ``target`` (owner-only); returns its SHA-256."""
        self.wait()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            output_path.check_output(target)
            output_path.make_private(self.path)  # before it leaves the private folder
            digest = safe_write.sha256_of(self.path)
            os_errors.replace(self.path, target)
        except OSError as exc:
            raise safe_write.WriteFailed(
                f"Không ghi được bản an toàn {target.name}: {safe_write.explain(exc)}. "
                "Chưa khôi phục gì."
            ) from exc
        safe_write._fsync_dir(target.parent)  # the rename itself on disk
        return digest

    def discard(self) -> None:
        """The file was refused: wait for the copy, then remove it."""
        with contextlib.suppress(Exception):
            self.wait()
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
