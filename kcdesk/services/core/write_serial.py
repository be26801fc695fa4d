"""Serialised writes: one writer at a time for appends that must form a chain.

The audit chain (nhật ký thao tác) links each event to the previous one by hash, and
proposal codes (mã đề án) count up within a plan year: two transactions that read
"the last one" at the same moment would fork the chain or pick the same code.
``serialize(session, name)`` makes the rest of the caller's transaction the only one
holding ``name`` (docs/server.md, "Ghi đồng thời"):

- PostgreSQL: ``pg_advisory_xact_lock`` on a 64-bit key derived from ``name``; the
  lock is released when the transaction commits or rolls back. Under READ COMMITTED
  each later statement sees what the previous holder committed.
- SQLite: the database has one writer anyway; taking the write lock now (an empty
  write) makes a stale reader fail at once with "database is locked", which
  ``retry.with_retry`` runs again as a whole.

Code allocation takes the same lock as the audit chain: every creation appends to
the chain anyway, and a single lock cannot be taken in two orders (no deadlock).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

AUDIT_CHAIN = "audit-chain"
PROPOSAL_CODES = AUDIT_CHAIN
# SQLite only (check_revision): the file's one write lock, whatever the name.
RECORD_WRITES = "record-writes"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (the same on every workstation)."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big", signed=True)


def serialize(session: Session, name: str) -> None:
    """Hold ``name`` exclusively until the caller's transaction ends."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(name)})
    elif dialect == "sqlite":
        # Any UPDATE statement takes SQLite's write (RESERVED) lock, even when it
        # touches no row; alembic_version exists in every kcdesk database.
        session.execute(text("UPDATE alembic_version SET version_num = version_num WHERE 0"))
