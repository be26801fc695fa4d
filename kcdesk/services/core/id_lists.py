"""Long lists of ids: fetching them quickly, and cutting them into batches.

The register asks for the ids of up to 100,000 proposals at once. Building an ORM
row object for each costs seven times the query itself (190 ms against 26 ms at
100,000); the ids need no conversion, so they are read straight from the driver's
cursor after SQLAlchemy has bound the parameters as usual.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

T = TypeVar("T")

# Ids bound in one statement (``IN (…)``): SQLite builds before 3.32 allow 999 bound
# parameters per statement; 500 leaves room for the statement's other parameters.
ID_BATCH = 500


def batches(items: Iterable[T], size: int | None = None) -> Generator[list[T], None, None]:
    """``items`` in lists of at most ``size`` (default :data:`ID_BATCH`), in order."""
    limit = size or ID_BATCH
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= limit:
            yield batch
            batch = []
    if batch:
        yield batch


def _first_column(session: Session, stmt: Select[Any]) -> list[Any]:
    result = session.connection().execute(stmt)
    try:
        return [row[0] for row in result.cursor.fetchall()]
    finally:
        result.close()


def fetch_ids(session: Session, stmt: Select[Any]) -> list[int]:
    """The first column (integer ids, as the driver gives them) of every row, in order."""
    return _first_column(session, stmt)


def fetch_id_set(session: Session, stmt: Select[Any]) -> set[int]:
    """The same, as a set (membership tests while narrowing a list)."""
    return set(_first_column(session, stmt))
