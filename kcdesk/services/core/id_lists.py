"""Fetching long lists of ids quickly.

The register asks for the ids of up to 100,000 proposals at once. Building an ORM
row object for each costs seven times the query itself (190 ms against 26 ms at
100,000); the ids need no conversion, so they are read straight from the driver's
cursor after SQLAlchemy has bound the parameters as usual.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session


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
