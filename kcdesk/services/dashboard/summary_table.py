"""The trigger-kept output summary (bảng tổng hợp kết quả) — SQLite only.

:func:`available` says whether this database keeps ``dashboard_output_sum`` in
step (the five triggers of migration 0010 exist); :func:`output_cells` reads it;
:func:`install` adds table, triggers and a fresh rebuild to a database that lacks
them (a development copy stamped past 0005 before it was filled in). Everything
else — PostgreSQL, a database without triggers — aggregates live, with the same
results (tests compare the two).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from kcdesk.models.base import Base
from kcdesk.models.dashboard import (
    SUMMARY_REBUILD,
    SUMMARY_TRIGGER_NAMES,
    SUMMARY_TRIGGERS,
    DashboardOutputSum,
    add_outputs_sql,
)


def available(session: Session) -> bool:
    if session.get_bind().dialect.name != "sqlite":
        return False
    names = ", ".join(f"'{name}'" for name in SUMMARY_TRIGGER_NAMES)
    found = session.execute(
        text(f"SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})")
    ).scalar_one()
    return int(found) == len(SUMMARY_TRIGGER_NAMES)


def output_cells(
    session: Session, first_year: int, last_year: int, statuses: list[str], *, programme: str
) -> list[tuple[str, str, int, str, str, int, int]]:
    """(target, activity, year, status, measure, planned, achieved) cells of the summary
    for ``programme``'s targets (outputs recorded against no target are left out)."""
    t = DashboardOutputSum.__table__.c
    query = select(
        t.target, t.activity, t.plan_year, t.status, t.measure, t.planned, t.achieved
    ).where(
        t.programme == programme,
        t.target != "",
        t.plan_year.between(first_year, last_year),
        t.status.in_(statuses),
    )
    return [
        (str(g), str(a), int(y), str(s), str(m), int(p), int(x))
        for g, a, y, s, m, p, x in session.execute(query)
    ]


# The trigger that adds each new output row to its cell (one upsert per row).
_INSERT_TRIGGER = SUMMARY_TRIGGER_NAMES[0]


def outputs_added_in_bulk(
    session: Session, insert: Callable[[], None], proposal_ids: Sequence[int]
) -> None:
    """``insert`` the outputs of new proposals ``proposal_ids`` (all of theirs, and no
    other row), then add them to the summary in one grouped statement.

    The insert trigger's upsert per row was half of what inserting a pack's outputs
    cost (22,772 rows for 5,000 proposals: 77 of 148 ms). So it is dropped for the one
    statement and created again from its stored text, inside the caller's
    transaction: the sums come out the same (the tests compare them with the trigger's),
    no other connection ever sees the database without it, and a failure rolls the
    drop back with everything else. A database whose trigger is not this version's
    (or has none) keeps the plain insert.
    """
    conn = session.connection()
    stored = (
        conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (_INSERT_TRIGGER,),
        ).scalar()
        if conn.dialect.name == "sqlite" and proposal_ids
        else None
    )
    if stored != SUMMARY_TRIGGERS[0]:
        insert()
        return
    conn.exec_driver_sql(f"DROP TRIGGER {_INSERT_TRIGGER}")
    insert()
    for start in range(0, len(proposal_ids), _IDS_PER_STATEMENT):
        part = list(proposal_ids[start : start + _IDS_PER_STATEMENT])
        conn.exec_driver_sql(add_outputs_sql(len(part)), tuple(part))
    conn.exec_driver_sql(stored)


# Bound ids in one statement (SQLite's oldest limit of bound values is 999).
_IDS_PER_STATEMENT = 900


def rebuild(engine: Engine) -> None:
    with engine.begin() as conn:
        for statement in SUMMARY_REBUILD:
            conn.exec_driver_sql(statement)


def install(engine: Engine) -> bool:
    """Create the summary table and triggers where missing, then rebuild; True if added."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.begin() as conn:
        Base.metadata.tables[DashboardOutputSum.__tablename__].create(conn, checkfirst=True)
        existing = {
            row[0]
            for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        missing = [
            sql
            for name, sql in zip(SUMMARY_TRIGGER_NAMES, SUMMARY_TRIGGERS, strict=True)
            if name not in existing
        ]
        for statement in missing:
            conn.exec_driver_sql(statement)
    if missing:
        rebuild(engine)
    return bool(missing)
