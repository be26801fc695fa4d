"""Serialised writers (ghi tuần tự): one writer at a time for a named critical section.

Some writes read a value and then write something that depends on it: the tail of
the audit chain (the next event's ``prev_hash``), the highest proposal code of a year,
the exchange sync log. Two copies of kcdesk doing that at once would both read the
same tail and fork the chain, or both take the same code. ``serialize(session, name)``
makes the rest of the caller's transaction the only writer of ``name``:

- SQLite: the transaction becomes a write transaction (``BEGIN IMMEDIATE``) before
  anything is read, so the reads that follow see the latest committed state and no
  other writer can commit until this one ends. SQLite has a single writer anyway:
  ``name`` is not needed to tell sections apart.
- PostgreSQL: ``pg_advisory_xact_lock(<stable 64-bit key of name>)``, released at the
  end of the transaction; reads after it (READ COMMITTED) see what the previous
  holder committed.

Other engines: a no-op (nothing else is supported by ``kcdesk.models.db``).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

# Names of the sections (stable: PostgreSQL keys are derived from them).
AUDIT = "audit"
PROPOSAL_CODES = "proposal_codes"
EXCHANGE = "exchange"
# A record's revision read afresh before it is updated (concurrency.check_revision).
RECORD_WRITES = "record_writes"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (the same on every PC and version)."""
    digest = hashlib.sha256(f"kcdesk:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _sqlite_in_write_transaction(session: Session) -> bool:
    """True when the SQLite connection already holds the write lock.

    The Python driver opens a transaction only before a data-changing statement
    (reads run outside one), and that statement takes the write lock; so "in a
    transaction" means "holding the write lock" here.
    """
    dbapi = session.connection().connection.dbapi_connection
    return bool(getattr(dbapi, "in_transaction", False))


def serialize(session: Session, name: str) -> None:
    """Make the rest of ``session``'s transaction the only writer of ``name``.

    Call it before reading what the write depends on. Safe to call more than once in
    one transaction. Waits for another writer as long as the engine's busy timeout /
    lock wait allows; a wait that runs out raises the driver's error, which
    ``retry.with_retry`` turns into a clear "database busy" message.
    """
    bind = session.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        if not _sqlite_in_write_transaction(session):
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
