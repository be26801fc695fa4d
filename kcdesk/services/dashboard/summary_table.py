"""The trigger-kept output summary (bảng tổng hợp kết quả) — SQLite only.

:func:`available` says whether this database keeps ``dashboard_output_sum`` in
step (the five triggers of migration 0010 exist); :func:`output_cells` reads it;
:func:`install` adds table, triggers and a fresh rebuild to a database that lacks
them (a development copy stamped past 0005 before it was filled in). Everything
else — PostgreSQL, a database without triggers — aggregates live, with the same
results (tests compare the two).
"""

from __future__ import annotations

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from kcdesk.models.base import Base
from kcdesk.models.dashboard import (
    SUMMARY_REBUILD,
    SUMMARY_TRIGGER_NAMES,
    SUMMARY_TRIGGERS,
    DashboardOutputSum,
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
