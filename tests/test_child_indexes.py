"""Every child table of ``proposal`` is indexed on its ``proposal_id`` (issue 24), so
opening one proposal reads its rows, not whole tables — on both engines, as migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from kcdesk.models.db import alembic_config, make_engine, migrate, resolve_url


def _unindexed_proposal_keys(engine) -> list[str]:
    """``table.column`` of each foreign key to ``proposal`` not leading any index."""
    inspector = inspect(engine)
    missing = []
    for table in inspector.get_table_names():
        leading = {tuple(ix["column_names"][:1]) for ix in inspector.get_indexes(table)}
        leading |= {tuple(uq["column_names"][:1]) for uq in inspector.get_unique_constraints(table)}
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] != "proposal":
                continue
            column = fk["constrained_columns"][0]
            if (column,) not in leading:
                missing.append(f"{table}.{column}")
    return missing


def test_every_child_of_proposal_is_indexed(db) -> None:
    names = {ix["name"] for ix in inspect(db.engine).get_indexes("budget_line")}
    assert "ix_budget_line_proposal_id" in names
    names = {ix["name"] for ix in inspect(db.engine).get_indexes("schedule_item")}
    assert "ix_schedule_item_proposal_id" in names
    assert _unindexed_proposal_keys(db.engine) == []


@pytest.mark.sqlite_only  # SQLite's query plan; the index itself is checked on both engines
def test_loading_one_proposals_lines_uses_the_index(tmp_path: Path) -> None:
    engine = make_engine(resolve_url(tmp_path / "plan.sqlite"))
    migrate(engine)
    with engine.connect() as conn:
        for table in ("budget_line", "schedule_item"):
            plan = " ".join(
                str(row[-1])
                for row in conn.execute(
                    text(f"EXPLAIN QUERY PLAN SELECT * FROM {table} WHERE proposal_id = 7")
                )
            )
            assert f"USING INDEX ix_{table}_proposal_id" in plan, plan
    engine.dispose()


def test_downgrade_drops_the_indexes(tmp_path: Path) -> None:
    engine = make_engine(resolve_url(tmp_path / "down.sqlite"))
    migrate(engine)
    assert _unindexed_proposal_keys(engine) == []
    config = alembic_config()
    before = ScriptDirectory.from_config(config).get_revision("0024_child_indexes").down_revision
    with engine.begin() as conn:  # to the revision before this one, wherever it is chained
        config.attributes["connection"] = conn
        command.downgrade(config, str(before))
    engine.dispose()
    engine = make_engine(resolve_url(tmp_path / "down.sqlite"))
    assert sorted(_unindexed_proposal_keys(engine)) == [
        "budget_line.proposal_id",
        "schedule_item.proposal_id",
    ]
    engine.dispose()


def test_upgrade_keeps_an_index_already_there(tmp_path: Path) -> None:
    """The benchmark's cached databases get the indexes before they are migrated."""
    config = alembic_config()
    before = ScriptDirectory.from_config(config).get_revision("0024_child_indexes").down_revision
    engine = make_engine(resolve_url(tmp_path / "early.sqlite"))
    migrate(engine, str(before))
    with engine.begin() as conn:
        conn.execute(text("CREATE INDEX ix_budget_line_proposal_id ON budget_line (proposal_id)"))
    migrate(engine)
    assert _unindexed_proposal_keys(engine) == []
    engine.dispose()
