"""Busy database: wait and retry instead of failing (two copies of kcdesk, or two PCs).

SQLite already waits ``busy_timeout`` (15 s) for a lock. A write that still finds the
database locked (another PC holding a long transaction on a shared folder) is retried
as a whole transaction a few times with growing pauses, then reported clearly. On a
PostgreSQL server the same holds for a deadlock, a serialisation failure or a lock
wait longer than ``lock_timeout`` (set per session in ``kcdesk.models.db``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kcdesk.models.db import Database
from kcdesk.services.core.concurrency import STALE_MESSAGE
from kcdesk.services.core.errors import ConflictError, UserError

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 5
FIRST_PAUSE = 0.2


class DatabaseBusy(UserError):
    """Another copy of kcdesk kept the database locked for too long."""


# PostgreSQL's "try the whole transaction again" errors: serialisation failure,
# deadlock detected, lock_timeout expired (SQLSTATE; docs/server.md).
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) in RETRY_SQLSTATES:
        return True
    text = str(orig).lower()
    return (
        "database is locked" in text
        or "database is busy" in text
        or ("database table is locked" in text)
    )


def with_retry(
    action: Callable[[], T],
    *,
    attempts: int = ATTEMPTS,
    pause: float = FIRST_PAUSE,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``action``; on 'database is locked' wait and run it again (whole)."""
    for attempt in range(1, attempts + 1):
        try:
            return action()
        except StaleDataError as exc:
            raise ConflictError(STALE_MESSAGE) from exc
        except OperationalError as exc:
            if not is_busy(exc):
                raise
            if attempt == attempts:
                raise DatabaseBusy(
                    "Cơ sở dữ liệu đang bận vì một máy hoặc cửa sổ kcdesk khác đang ghi. "
                    "Thay đổi của bạn chưa được lưu; hãy thử lại sau ít phút."
                ) from exc
            log.info("database busy (attempt %d/%d), retrying", attempt, attempts)
            sleep(pause * attempt)
    raise AssertionError("unreachable")


def write(db: Database, work: Callable[[Session], T], *, attempts: int = ATTEMPTS) -> T:
    """One write transaction on ``db``, retried whole while the database is busy."""

    def run() -> T:
        with db.session() as session:
            return work(session)

    return with_retry(run, attempts=attempts)
