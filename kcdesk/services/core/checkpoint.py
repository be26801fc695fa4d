"""Copying SQLite's journal into the database file after a large write, not during
it (ghi nhật ký WAL vào tệp dữ liệu sau).

In WAL mode SQLite copies the journal back into the database file (a checkpoint) in
the commit that finds the journal longer than 1,000 pages. A pack import of 5,000
proposals writes ~40 MB: its commit copied them while the clerk waited (~0.1 s of a
2 s import, docs/benchmarks.md, issue 24). An import defers it (``defer``): its own
commit does not checkpoint, and the app runs the checkpoint on its worker once the
import is shown (``run``). Were that not done, the next commit of any connection would.
The data is committed and durable exactly as before: a checkpoint only moves pages
from one file to the other.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kcdesk.models.db import RESTORE_PRAGMAS, Database

log = logging.getLogger(__name__)
_PRAGMA = "wal_autocheckpoint"


def defer(session: Session) -> None:
    """No checkpoint in this transaction's commit (SQLite; elsewhere nothing): its
    connection gets its usual setting back when it returns to the pool."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    restore = conn.connection.info.setdefault(RESTORE_PRAGMAS, {})
    if _PRAGMA not in restore:
        restore[_PRAGMA] = int(conn.exec_driver_sql(f"PRAGMA {_PRAGMA}").scalar() or 0)
    conn.exec_driver_sql(f"PRAGMA {_PRAGMA}=0")


def run(db: Database) -> None:
    """A passive checkpoint now (readers and writers go on; what it cannot copy yet,
    a later one does). A failure is only logged: the next commit checkpoints anyway."""
    if db.engine.dialect.name != "sqlite":
        return
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    except SQLAlchemyError as exc:
        log.warning("checkpoint after a large write not done: %s", exc)
