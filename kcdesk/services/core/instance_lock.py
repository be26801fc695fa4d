"""One running copy of kcdesk per data folder (khóa một phiên chạy).

A civil servant double-clicks the icon twice; two windows on one database and one
attachment store then race on the automatic backup and the drafts. The GUI takes an
exclusive lock on ``kcdesk.lock`` in the data folder; a second copy finds it held
and says so instead of starting. The operating system releases the lock when the
process ends, also after a crash or a kill, so a stale file never blocks a start
(docs/packaging.md). The command line does not take it: IT staff script
``kcdesk-cli`` while the app is open, and SQLite's own locking covers that.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from types import TracebackType

from kcdesk.services.core.errors import UserError

LOCK_NAME = "kcdesk.lock"


class AlreadyRunning(UserError):
    """Another copy of kcdesk holds this data folder."""


class InstanceLock:
    """Held while the GUI runs; ``release()`` (or the process ending) frees it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> InstanceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError as exc:
            os.close(fd)
            raise AlreadyRunning(
                "kcdesk đang chạy trên máy này với cùng thư mục dữ liệu. Hãy dùng cửa sổ "
                "kcdesk đang mở (xem thanh tác vụ), hoặc đóng nó rồi mở lại."
            ) from exc
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            _unlock(self._fd)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
