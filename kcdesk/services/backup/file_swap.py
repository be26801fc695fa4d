"""Putting a checked database in place of the live one by renaming it (thay tệp dữ liệu).

A restore used to copy the checked database into the live one through SQLite's backup
API: one transaction, but over a WAL database it writes every page twice (into the
``-wal``, then back into the file), and on a large database that was most of a
restore's time. When nothing else has the live database open, renaming the checked
file over it is just as atomic (the path names the old file or the new one, whole)
and writes nothing.

"Nothing else has it open" is made sure by SQLite itself:

- leaving WAL mode (``PRAGMA journal_mode=DELETE``) succeeds only for the one
  connection to a database; another connection, even an idle one of a second copy of
  kcdesk, makes it fail, and the restore then takes the backup API as before;
- the file is then a plain rollback-journal database with no ``-wal`` beside it, and an
  exclusive lock keeps every other connection from reading or writing it while it is
  renamed (on POSIX). Windows cannot rename over a file that is open at all, ours
  included: there the lock is let go first, and a file someone opened meanwhile makes
  the rename fail, which again means the backup API;
- the copy of the current data kept before a restore (``safety_copy``) is then the old
  file itself, given a second name in the backups folder (a hard link, made under the
  same lock) instead of a copy of every page;
- on POSIX a program may have opened the file just before the rename without having
  read it yet (no lock, so SQLite cannot tell): it would then read the old file
  through the new one's ``-wal``. Still under the lock, the restore looks for any
  such descriptor (``open_files``, from /proc) and, finding one, puts the old file
  back and copies instead. Where /proc is missing, it always copies.

See docs/architecture.md (backup and restore).
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from pathlib import Path

from kcdesk.services.backup import open_files
from kcdesk.services.core import os_errors, safe_write

log = logging.getLogger(__name__)

# POSIX renames a file others hold open, so the lock is held across the rename; Windows
# refuses that rename (this process's handle included), so the lock is let go first.
HOLD_LOCK_WHILE_RENAMING = os.name != "nt"


def _same_disk(new: Path, target: Path) -> bool:
    try:
        return new.stat().st_dev == target.stat().st_dev
    except OSError:
        return False


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def _leave_wal(conn: sqlite3.Connection) -> bool:
    """True when ``conn`` is the database's only connection, now in rollback mode."""
    try:
        row = conn.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.Error as exc:  # "database is locked": another connection has it open
        log.info("restore: the live database is in use (%s); copying instead", exc)
        return False
    return bool(row) and str(row[0]).lower() == "delete"


def may_link(target: Path, folder: Path) -> bool:
    """Whether the live database can also be named in ``folder`` (one disk): the copy
    kept before a restore is then the old file itself, under a second name, and
    nothing is copied."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return target.stat().st_dev == folder.stat().st_dev
    except OSError:
        return False


def _link_and_rename(new: Path, target: Path, hold: Path | None) -> bool:
    """``target`` given the second name ``hold`` (if any), then ``new`` renamed over
    it; False with neither done."""
    if hold is not None:
        try:
            os.link(target, hold)  # the old file stays whole under this name
        except OSError as exc:
            log.info("restore: no second name for the old database (%s); copying", exc)
            return False
    try:
        os_errors.replace(new, target)
    except OSError as exc:
        log.info("restore: could not rename over the live database (%s); copying", exc)
        if hold is not None:
            hold.unlink(missing_ok=True)
        return False
    return True


def _rename(new: Path, target: Path, keep_old: Path | None) -> bool:
    """Windows: the lock let go, the rename fails if anyone opened the file since."""
    if not _link_and_rename(new, target, keep_old):
        return False
    _fsync_dirs(target, keep_old)
    return True


def _rename_held(new: Path, target: Path, keep_old: Path | None) -> bool:
    """POSIX, under the lock: renamed, then put back if anyone else has the old file
    open (opened before the rename, waiting for the lock: it must find the old file
    again, whole, not the new one's ``-wal``)."""
    old = target.stat()
    hold = keep_old or new.with_name(new.name + ".old")
    if not _link_and_rename(new, target, hold):
        return False
    if open_files.opened(old, ours=1):  # one descriptor: the lock's connection
        log.info("restore: the live database was opened meanwhile; copying instead")
        os.link(target, new)
        os.replace(hold, target)
        return False
    _fsync_dirs(target, keep_old)
    if keep_old is None:
        hold.unlink()
    return True


def _fsync_dirs(target: Path, keep_old: Path | None) -> None:
    safe_write._fsync_dir(target.parent)  # the rename itself on disk
    if keep_old is not None and keep_old.parent != target.parent:
        safe_write._fsync_dir(keep_old.parent)


def swap_in(new: Path, target: Path, keep_old: Path | None = None) -> bool:
    """Rename the checked database ``new`` over the live ``target``; with ``keep_old``,
    the old file is first given that second name (the copy kept before a restore).

    False, with ``target`` as it was (possibly out of WAL mode, which opening it puts
    back) and no ``keep_old``, when that cannot be done safely; the caller then copies
    through the backup API. ``new`` must be a whole, checked SQLite file.
    """
    if not _same_disk(new, target):
        return False
    if HOLD_LOCK_WHILE_RENAMING and not open_files.can_tell():
        return False  # no way to see a program that opened it just before the rename
    try:
        shutil.copymode(target, new)
        _fsync(new)  # whole on disk before any name points at it
    except OSError:
        return False
    try:
        conn = sqlite3.connect(str(target), timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        if not _leave_wal(conn):
            return False
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.Error:
            return False
        if HOLD_LOCK_WHILE_RENAMING:
            return _rename_held(new, target, keep_old)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    # Windows: the rename fails while anyone, this process included, has the file open.
    if any(Path(f"{target}{tail}").exists() for tail in ("-journal", "-wal")):
        return False  # someone opened and wrote it since: not ours to swap
    return _rename(new, target, keep_old)
