"""Many rows into one table at once (ghi hàng loạt): one executemany.

On SQLite the rows go to the driver as plain tuples: each value through its column
type's bind processor, as SQLAlchemy binds it, but without SQLAlchemy's per-row
parameter handling (≈ 1 s of CPU for the 100,000 rows of a 5,000-proposal pack). Other
engines keep SQLAlchemy's executemany. ``tests/test_exchange_rows.py`` imports one
pack through both and compares every row written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import SQLAlchemyError, StatementError
from sqlalchemy.orm import Session

# SQLite's page cache during an import, in KiB (its default is 2 MB): a pack of 5,000
# proposals writes ~40 MB, and with the default the indexes' pages are evicted, spilled
# to the WAL mid-transaction and read again (a quarter of the inserts' time).
IMPORT_CACHE_KIB = 64 << 10


@contextlib.contextmanager
def large_page_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache of IMPORT_CACHE_KIB for the block, then the previous one."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    conn.exec_driver_sql(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        # A connection that failed keeps the larger cache until it is closed: harmless.
        with contextlib.suppress(SQLAlchemyError):
            conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")


# Off in the tests that compare this path with SQLAlchemy's own executemany.
DRIVER_EXECUTEMANY = True
_Plan = tuple[str, tuple[str, ...], list[tuple[int, Callable[[Any], Any]]], tuple[Any, ...]]
_PLANS: dict[tuple[str, str, tuple[str, ...]], _Plan | None] = {}


def _plan(dialect: Dialect, tbl: Table, keys: tuple[str, ...]) -> _Plan | None:
    """SQL, key order, bind processors by position and the processed scalar defaults of
    the columns the rows leave out (None: a left-out column has a callable default)."""
    extra: list[tuple[str, Any]] = []
    for column in tbl.c:
        if column.name in keys or column.default is None:
            continue
        if not column.default.is_scalar:
            return None
        extra.append((column.name, column.default.arg))  # type: ignore[attr-defined]
    names = [*keys, *(name for name, _value in extra)]
    by_name = {c.name: c for c in tbl.c}
    processors = [by_name[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names]
    defaults = tuple(
        proc(value) if proc is not None else value
        for (_name, value), proc in zip(extra, processors[len(keys) :], strict=True)
    )
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(tbl.name)} ({', '.join(quote(n) for n in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    procs: list[tuple[int, Callable[[Any], Any]]] = [
        (i, p) for i, p in enumerate(processors[: len(keys)]) if p is not None
    ]
    return sql, keys, procs, defaults


def insert_rows(session: Session, tbl: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany of ``rows`` (dicts with the same keys) into ``tbl``."""
    if not rows:
        return
    keys = tuple(rows[0])
    if len(keys) == 1:
        insert_values(session, tbl, keys, [[row[keys[0]]] for row in rows])
        return
    get = itemgetter(*keys)
    insert_values(session, tbl, keys, [list(get(row)) for row in rows])


def driver_binds(dialect: Dialect) -> bool:
    """Whether rows go to ``dialect``'s driver as plain tuples (SQLite's qmark driver)."""
    return DRIVER_EXECUTEMANY and dialect.name == "sqlite" and dialect.paramstyle == "qmark"


def executemany_on(session: Session) -> bool:
    """``driver_binds`` for the session's connection."""
    return driver_binds(session.connection().dialect)


def _dialect_plan(dialect: Dialect, tbl: Table, keys: tuple[str, ...]) -> _Plan | None:
    cache_key = (dialect.name, tbl.name, keys)
    if cache_key not in _PLANS:
        _PLANS[cache_key] = _plan(dialect, tbl, keys)
    return _PLANS[cache_key]


def _driver_plan(session: Session, tbl: Table, keys: tuple[str, ...]) -> _Plan | None:
    """The plan of rows of ``keys`` into ``tbl`` on SQLite; None: SQLAlchemy binds."""
    if not executemany_on(session):
        return None
    return _dialect_plan(session.connection().dialect, tbl, keys)


def bind_processors_for(
    dialect: Dialect, tbl: Table, keys: Sequence[str]
) -> dict[int, Callable[[Any], Any]] | None:
    """For rows the caller binds itself (``insert_bound``): the bind processor of each
    key's column by position (a key without one is absent), as ``insert_values`` would
    apply it on ``dialect``; None where SQLAlchemy binds (use ``insert_values``). No
    connection is needed: a second process binds rows for this one (``prepare``)."""
    if not driver_binds(dialect):
        return None
    plan = _dialect_plan(dialect, tbl, tuple(keys))
    return dict(plan[2]) if plan is not None else None


def insert_bound(
    session: Session, tbl: Table, keys: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """One executemany of ``rows`` already through ``bind_processors_for`` (SQLite only)."""
    if not rows:
        return
    plan = _driver_plan(session, tbl, tuple(keys))
    if plan is None:
        raise RuntimeError("insert_bound: only where bind_processors answered")
    sql, _keys, _procs, defaults = plan
    session.connection().exec_driver_sql(
        sql, [(*values, *defaults) for values in rows] if defaults else rows
    )


def insert_values(session: Session, tbl: Table, keys: Sequence[str], rows: list[list[Any]]) -> None:
    """One executemany into ``tbl``: ``rows`` are lists of values in the order of
    ``keys`` (changed in place on SQLite)."""
    if not rows:
        return
    conn = session.connection()
    keys = tuple(keys)
    plan = _driver_plan(session, tbl, keys)
    if plan is None:
        session.execute(insert(tbl), [dict(zip(keys, values, strict=True)) for values in rows])
        return
    sql, _keys, procs, defaults = plan
    try:
        for values in rows:
            for i, proc in procs:
                values[i] = proc(values[i])
    except Exception as exc:
        # A value its column cannot take fails as it would through SQLAlchemy.
        raise StatementError(str(exc), sql, None, exc) from exc
    conn.exec_driver_sql(sql, [(*values, *defaults) for values in rows])
