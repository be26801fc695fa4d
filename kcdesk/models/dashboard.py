"""Indexes and the output summary behind the programme dashboard's aggregates (issue 6, 18).

The dashboard groups approved proposals of a plan-year range by activity, year,
commune, funding source and status, and sums their outputs. Covering indexes let
SQLite answer those queries from the index alone, without reading the wide
proposal rows (their long texts) — the difference at 100,000 proposals.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kcdesk.models.base import Base
from kcdesk.models.proposal import OutputMeasure, Proposal, StatusChange

PROPOSAL_AGGREGATE_INDEX = Index(
    "ix_proposal_dashboard",
    Proposal.programme,
    Proposal.plan_year,
    Proposal.status,
    Proposal.activity,
    # The dashboard groups by coalesce(commune_code, commune) since issue 20: without the
    # code the index no longer covered the query (migration 0031, issue 24).
    Proposal.commune_code,
    Proposal.commune,
    Proposal.funding_source,
    Proposal.approved_support,
    Proposal.disbursed,
)
OUTPUT_AGGREGATE_INDEX = Index(
    "ix_output_measure_dashboard",
    OutputMeasure.proposal_id,
    OutputMeasure.target,
    OutputMeasure.measure,
    OutputMeasure.planned,
    OutputMeasure.achieved,
)
# The periodic report finds when each proposal was accepted.
ACCEPTANCE_INDEX = Index(
    "ix_status_change_dashboard",
    StatusChange.to_status,
    StatusChange.proposal_id,
    StatusChange.at,
)


class DashboardOutputSum(Base):
    """Sums of proposal outputs by programme, target, activity, plan year, status, measure.

    Kept in step by SQLite triggers (``SUMMARY_TRIGGERS``) on every write to
    ``output_measure`` and to a proposal's programme, year, status or activity, so the
    dashboard reads a few thousand rows instead of joining every output at
    refresh. ``achieved`` sums every status; the dashboard keeps only accepted
    and settled. On other databases (no triggers) the dashboard aggregates live.
    """

    __tablename__ = "dashboard_output_sum"

    programme: Mapped[str] = mapped_column(String(32), primary_key=True)
    target: Mapped[str] = mapped_column(String(32), primary_key=True)
    activity: Mapped[str] = mapped_column(String(48), primary_key=True)
    plan_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    measure: Mapped[str] = mapped_column(String(32), primary_key=True)
    planned: Mapped[int] = mapped_column(Integer, default=0)
    achieved: Mapped[int] = mapped_column(Integer, default=0)


_KEY = "programme, target, activity, plan_year, status, measure"
_ADD_UPSERT = (
    f"ON CONFLICT ({_KEY}) DO UPDATE SET planned = planned + excluded.planned, "
    "achieved = achieved + excluded.achieved"
)


def _add_output(row: str) -> str:
    """Add output ``row`` (NEW or OLD alias) to its proposal's cell."""
    return (
        f"INSERT INTO dashboard_output_sum ({_KEY}, planned, achieved) "
        f"SELECT p.programme, {row}.target, p.activity, p.plan_year, p.status, {row}.measure, "
        f"{row}.planned, coalesce({row}.achieved, 0) FROM proposal p "
        f"WHERE p.id = {row}.proposal_id {_ADD_UPSERT};"
    )


def _remove_output(row: str) -> str:
    return (
        f"UPDATE dashboard_output_sum SET planned = planned - {row}.planned, "
        f"achieved = achieved - coalesce({row}.achieved, 0) "
        f"WHERE measure = {row}.measure AND target = {row}.target "
        "AND (programme, activity, plan_year, status) = "
        "(SELECT p.programme, p.activity, p.plan_year, p.status FROM proposal p "
        f"WHERE p.id = {row}.proposal_id);"
    )


# New names (migration 0010): a database still carrying the 0005 triggers is not
# taken for one that keeps the per-target summary.
SUMMARY_TRIGGER_NAMES = (
    "dashboard_target_output_insert",
    "dashboard_target_output_delete",
    "dashboard_target_output_update",
    "dashboard_target_proposal_update",
    "dashboard_target_proposal_delete",
)
SUMMARY_TRIGGERS = (
    "CREATE TRIGGER dashboard_target_output_insert AFTER INSERT ON output_measure BEGIN "
    + _add_output("NEW")
    + " END",
    "CREATE TRIGGER dashboard_target_output_delete AFTER DELETE ON output_measure BEGIN "
    + _remove_output("OLD")
    + " END",
    "CREATE TRIGGER dashboard_target_output_update AFTER UPDATE OF proposal_id, measure, target, "
    "planned, achieved ON output_measure BEGIN "
    + _remove_output("OLD")
    + " "
    + _add_output("NEW")
    + " END",
    # A proposal moving programme, year, status or activity moves all its outputs.
    "CREATE TRIGGER dashboard_target_proposal_update AFTER UPDATE OF programme, plan_year, "
    "status, activity ON proposal WHEN OLD.programme IS NOT NEW.programme "
    "OR OLD.plan_year IS NOT NEW.plan_year OR OLD.status IS NOT NEW.status "
    "OR OLD.activity IS NOT NEW.activity BEGIN "
    "UPDATE dashboard_output_sum SET "
    "planned = planned - (SELECT o.planned FROM output_measure o WHERE o.proposal_id = OLD.id "
    "AND o.measure = dashboard_output_sum.measure AND o.target = dashboard_output_sum.target), "
    "achieved = achieved - (SELECT coalesce(o.achieved, 0) FROM output_measure o "
    "WHERE o.proposal_id = OLD.id AND o.measure = dashboard_output_sum.measure "
    "AND o.target = dashboard_output_sum.target) "
    "WHERE programme = OLD.programme AND activity = OLD.activity AND plan_year = OLD.plan_year "
    "AND status = OLD.status AND (measure, target) IN "
    "(SELECT measure, target FROM output_measure WHERE proposal_id = OLD.id); "
    f"INSERT INTO dashboard_output_sum ({_KEY}, planned, achieved) "
    "SELECT NEW.programme, o.target, NEW.activity, NEW.plan_year, NEW.status, o.measure, "
    f"o.planned, coalesce(o.achieved, 0) FROM output_measure o WHERE o.proposal_id = NEW.id "
    f"{_ADD_UPSERT}; "
    "END",
    # Delete the outputs while their proposal still exists, so the sums can find its cell
    # (the foreign-key cascade would run after the proposal row is gone).
    "CREATE TRIGGER dashboard_target_proposal_delete BEFORE DELETE ON proposal BEGIN "
    "DELETE FROM output_measure WHERE proposal_id = OLD.id; END",
)


def add_outputs_sql(count: int) -> str:
    """Add the outputs of ``count`` proposals (bound ids) to their cells in one grouped
    upsert: what the insert trigger adds row by row (``summary_table``)."""
    marks = ", ".join("?" * count)
    return (
        f"INSERT INTO dashboard_output_sum ({_KEY}, planned, achieved) "
        "SELECT p.programme, o.target, p.activity, p.plan_year, p.status, o.measure, "
        "sum(o.planned), sum(coalesce(o.achieved, 0)) FROM output_measure o "
        f"JOIN proposal p ON p.id = o.proposal_id WHERE o.proposal_id IN ({marks}) "
        f"GROUP BY p.programme, o.target, p.activity, p.plan_year, p.status, o.measure "
        f"{_ADD_UPSERT}"
    )


SUMMARY_REBUILD = (
    "DELETE FROM dashboard_output_sum",
    f"INSERT INTO dashboard_output_sum ({_KEY}, planned, achieved) "
    "SELECT p.programme, o.target, p.activity, p.plan_year, p.status, o.measure, "
    "sum(o.planned), sum(coalesce(o.achieved, 0)) FROM proposal p JOIN output_measure o "
    "ON o.proposal_id = p.id "
    "GROUP BY p.programme, o.target, p.activity, p.plan_year, p.status, o.measure",
)
