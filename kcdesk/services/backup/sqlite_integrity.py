"""SQLite's integrity check of a database file, shared between threads (kiểm tra toàn vẹn).

``PRAGMA integrity_check`` runs on one core and was a third of a restore's time on a
large database. It is the sum of two checks that can run side by side, each on its own
connection (SQLite lets go of the GIL while it works):

- ``PRAGMA quick_check``: every b-tree's structure, every page used exactly once, the
  free list, NOT NULL and CHECK constraints — the whole file;
- ``PRAGMA integrity_check(T)`` for each table T: that table and its indexes in full,
  including what ``quick_check`` leaves out (each index against its table's rows, and
  UNIQUE constraints), but not the file-wide page checks.

Together they check what ``integrity_check`` does. The largest tables (by their highest
rowid, read at once) are handed out first so that the threads end together.
"""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kcdesk.models.db import sqlite_readonly_uri

# The file's own report when all is well.
OK = ["ok"]
# Below this size one thread is quicker: the whole check takes a few hundredths of a
# second (~8 ms per MB), less than sharing it out.
SHARED_FROM_BYTES = 32 << 20


class _Connections:
    """One read-only connection per thread of the pool, all closed at the end."""

    def __init__(self, path: Path) -> None:
        self._uri = sqlite_readonly_uri(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []

    def run(self, pragma: str) -> list[str]:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            self._local.conn = conn
            with self._lock:
                self._opened.append(conn)
        return [str(r[0]) for r in conn.execute(pragma)]

    def close(self) -> None:
        for conn in self._opened:
            conn.close()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _size_hint(conn: sqlite3.Connection, table: str) -> int:
    try:
        row = conn.execute(f"SELECT max(rowid) FROM {_quoted(table)}").fetchone()
    except sqlite3.OperationalError:  # WITHOUT ROWID, or not readable this way
        return 0
    return int(row[0] or 0) if row else 0


def problems(path: Path, conn: sqlite3.Connection, *, parts: int = 1) -> list[str]:
    """What ``PRAGMA integrity_check`` reports for ``path`` (``["ok"]`` when whole);
    ``conn`` is an open read-only connection to it. Raises sqlite3.DatabaseError for a
    file too damaged to be read at all."""
    if parts <= 1 or path.stat().st_size < SHARED_FROM_BYTES:
        return [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    tables.sort(key=lambda t: _size_hint(conn, t), reverse=True)
    pragmas = ["PRAGMA quick_check"]
    pragmas += [f"PRAGMA integrity_check({_quoted(t)})" for t in tables]
    connections = _Connections(path)
    try:
        with ThreadPoolExecutor(max_workers=parts, thread_name_prefix="integrity") as pool:
            reports = list(pool.map(connections.run, pragmas))
    finally:
        connections.close()
    found = [line for report in reports if report != OK for line in report]
    return found or OK
