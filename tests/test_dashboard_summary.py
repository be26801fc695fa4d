"""The trigger-kept output summary always equals a live aggregate, whatever is written."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import insert as sa_insert
from sqlalchemy import text
from sqlalchemy.orm import Session

from kcdesk.models import OutputMeasure, Proposal, ProposalStatus
from kcdesk.models.dashboard import SUMMARY_TRIGGER_NAMES, SUMMARY_TRIGGERS
from kcdesk.models.db import Database
from kcdesk.services.dashboard import board as dashboard
from kcdesk.services.dashboard import summary_table as dashboard_summary

# Keyed by programme and target too since issue 18 (every target counted on its own).
LIVE = text(
    "SELECT p.programme, o.target, p.activity, p.plan_year, p.status, o.measure, "
    "sum(o.planned), sum(coalesce(o.achieved, 0)) FROM proposal p "
    "JOIN output_measure o ON o.proposal_id = p.id GROUP BY 1, 2, 3, 4, 5, 6"
)
SUMMARY = text(
    "SELECT programme, target, activity, plan_year, status, measure, planned, achieved "
    "FROM dashboard_output_sum"
)


def _cells(
    db: Database, query: object
) -> dict[tuple[str, str, str, int, str, str], tuple[int, int]]:
    with db.engine.connect() as conn:
        rows = conn.execute(query).all()  # type: ignore[call-overload]
    # Cells emptied by a move stay as zeros in the summary: the same as absent.
    return {(g, t, a, y, s, m): (p, x) for g, t, a, y, s, m, p, x in rows if (p, x) != (0, 0)}


def _boards(db: Database) -> list[dashboard.Dashboard]:
    with db.session() as s:
        return [
            dashboard.compute(s, code, today=date(2027, 6, 30))
            for code in ("CB-2026-2030", "KH-2026-2030", "HD-2023-2025")
        ]


@pytest.mark.sqlite_only  # summary kept by SQLite triggers
def test_demo_summary_matches_live(demo_db: Database) -> None:
    with demo_db.session() as s:
        assert dashboard_summary.available(s)
    assert _cells(demo_db, SUMMARY) == _cells(demo_db, LIVE)
    assert _cells(demo_db, LIVE)


@pytest.mark.sqlite_only  # summary kept by SQLite triggers
def test_summary_follows_every_kind_of_write(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(6)
    statuses = list(ProposalStatus)
    with demo_db.session() as s:
        proposals = s.query(Proposal).order_by(Proposal.id).all()
        for p in rng.sample(proposals, 30):
            p.status = rng.choice(statuses)
        for p in rng.sample(proposals, 10):
            p.plan_year = rng.choice((2025, 2026, 2027, 2028))
        for p in rng.sample(proposals, 10):
            p.activity = rng.choice(("tu_van", "may_moc_thiet_bi", "dao_tao_nghe"))
        for p in rng.sample(proposals, 10):  # moved to another programme (issue 18)
            p.programme = rng.choice(("CB-2026-2030", "KH-2026-2030", ""))
        for p in rng.sample(proposals, 5):  # status, year and activity at once
            p.status, p.plan_year, p.activity = ProposalStatus.ACCEPTED, 2026, "san_xuat_sach_hon"
        outputs = s.query(OutputMeasure).order_by(OutputMeasure.id).all()
        for o in rng.sample(outputs, 20):
            o.planned += rng.randint(1, 5)
            o.achieved = rng.choice((None, 0, 3))
        for o in rng.sample(outputs, 5):
            o.measure = "other" if o.measure != "other" else "events"
        for n, o in enumerate(rng.sample(outputs, 5)):  # recorded against another target
            o.target = f"T-{n}"
        s.flush()
        for o in rng.sample(outputs, 5):
            s.delete(o)
        s.flush()
        spare = next(p for p in proposals if not any(o.measure == "brands" for o in p.outputs))
        spare.outputs.append(OutputMeasure(measure="brands", planned=4, achieved=2))
        s.delete(proposals[0])  # through the ORM (children first)
    with demo_db.engine.begin() as conn:  # and raw SQL, leaving the cascade to SQLite
        conn.execute(text("DELETE FROM proposal WHERE id = (SELECT max(id) FROM proposal)"))
        conn.execute(text("UPDATE output_measure SET planned = planned + 1 WHERE measure = 'jobs'"))
    assert _cells(demo_db, SUMMARY) == _cells(demo_db, LIVE)
    with_summary = _boards(demo_db)
    monkeypatch.setattr(dashboard_summary, "available", lambda _session: False)
    assert _boards(demo_db) == with_summary


@pytest.mark.sqlite_only  # SQLite triggers
def test_install_restores_a_database_without_triggers(demo_db: Database) -> None:
    with demo_db.engine.begin() as conn:
        for name in SUMMARY_TRIGGER_NAMES:
            conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text("DELETE FROM dashboard_output_sum"))
    with demo_db.session() as s:
        assert not dashboard_summary.available(s)
    live_boards = _boards(demo_db)  # computed live, without the summary
    assert dashboard_summary.install(demo_db.engine)
    assert not dashboard_summary.install(demo_db.engine)  # nothing left to add
    with demo_db.session() as s:
        assert dashboard_summary.available(s)
    assert _cells(demo_db, SUMMARY) == _cells(demo_db, LIVE)
    assert _boards(demo_db) == live_boards


def _trigger_sql(session: Session) -> str | None:
    return session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :n"),
        {"n": SUMMARY_TRIGGER_NAMES[0]},
    ).scalar()


def _copies(session: Session, count: int) -> list[int]:
    """``count`` new proposals in the cells of existing ones (their outputs to come)."""
    models = session.query(Proposal).order_by(Proposal.id).limit(count).all()
    made = []
    for n, model in enumerate(models):
        copy = Proposal(
            code=f"BULK-{n}",
            title=model.title,
            plan_year=model.plan_year,
            activity=model.activity,
            programme=model.programme,
            status=model.status,
            office_code=model.office_code,
        )
        session.add(copy)
        made.append(copy)
    session.flush()
    return [p.id for p in made]


def _outputs_of(ids: list[int]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n, pid in enumerate(ids):
        rows.append({"proposal_id": pid, "measure": "jobs", "planned": 3 + n, "achieved": n % 2})
        rows.append({"proposal_id": pid, "measure": "trainees", "planned": 7, "achieved": None})
        rows.append({"proposal_id": pid, "measure": "jobs", "planned": 2, "target": "T-1"})
    return rows


def _insert_noting_trigger(
    session: Session, ids: list[int], seen: list[str | None]
) -> Callable[[], None]:
    """The outputs of ``ids`` inserted, noting in ``seen`` the insert trigger's text
    at that moment (None: it was not there)."""

    def insert_outputs() -> None:
        seen.append(_trigger_sql(session))
        session.execute(sa_insert(OutputMeasure), _outputs_of(ids))

    return insert_outputs


@pytest.mark.sqlite_only  # SQLite triggers
def test_outputs_added_in_bulk_sum_as_the_trigger_does(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pack's new outputs go in without the per-row trigger and are summed in one
    statement: the summary still equals the live sums (existing cells added to), and
    the trigger is back, word for word, when the transaction ends."""
    monkeypatch.setattr(dashboard_summary, "_IDS_PER_STATEMENT", 7)  # several statements
    seen: list[str | None] = []
    with demo_db.session() as s:
        before = _trigger_sql(s)
        ids = _copies(s, 20)
        dashboard_summary.outputs_added_in_bulk(s, _insert_noting_trigger(s, ids, seen), ids)
        assert _trigger_sql(s) == before
    assert seen == [None]  # the rows went in without it
    assert _cells(demo_db, SUMMARY) == _cells(demo_db, LIVE)
    with demo_db.session() as s:
        added = s.query(OutputMeasure).filter(OutputMeasure.proposal_id.in_(ids)).count()
    assert added == 60


@pytest.mark.sqlite_only  # SQLite triggers
def test_a_failed_bulk_insert_leaves_the_trigger_and_the_sums(demo_db: Database) -> None:
    with demo_db.session() as s:
        before = _trigger_sql(s)
    session = demo_db.session_factory()
    try:
        ids = _copies(session, 5)

        def half_then_fail() -> None:
            session.execute(sa_insert(OutputMeasure), _outputs_of(ids)[:4])
            raise RuntimeError("the stick was pulled")

        with pytest.raises(RuntimeError):
            dashboard_summary.outputs_added_in_bulk(session, half_then_fail, ids)
    finally:
        session.rollback()
        session.close()
    with demo_db.session() as s:
        assert _trigger_sql(s) == before
        assert before is not None
    assert _cells(demo_db, SUMMARY) == _cells(demo_db, LIVE)
    # The trigger works again: a plain insert is summed row by row.
    with demo_db.session() as s:
        ids = _copies(s, 3)
        s.execute(sa_insert(OutputMeasure), _outputs_of(ids))
    assert _cells(demo_db, SUMMARY) == _cells(demo_db, LIVE)


@pytest.mark.sqlite_only  # SQLite triggers
def test_another_version_of_the_trigger_is_left_to_work_row_by_row(demo_db: Database) -> None:
    """A trigger that is not this version's text is not dropped: the rows are inserted
    under it, and nothing is summed twice."""
    with demo_db.engine.begin() as conn:
        conn.execute(text(f"DROP TRIGGER {SUMMARY_TRIGGER_NAMES[0]}"))
        conn.execute(text(SUMMARY_TRIGGERS[0].replace(" BEGIN ", "  BEGIN ", 1)))
    seen: list[str | None] = []
    with demo_db.session() as s:
        ids = _copies(s, 4)
        dashboard_summary.outputs_added_in_bulk(s, _insert_noting_trigger(s, ids, seen), ids)
    assert seen and seen[0] is not None
    assert _cells(demo_db, SUMMARY) == _cells(demo_db, LIVE)
