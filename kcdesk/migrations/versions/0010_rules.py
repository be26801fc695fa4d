"""Rules as the law and each province say (issue 18): every target counted on its own.

- ``proposal.programme``: the programme a proposal counts toward, set here to the one
  programme of the Centre's province (setting ``org.province``) covering its plan year;
- ``output_measure.target``: the target an output counts toward. An existing output is
  mapped to the one target of that programme whose activities include the proposal's
  activity and whose measure is the output's; where two targets or more qualify it is
  left unassigned ("") and listed for the user (``kcdesk programme unassigned``):
  nothing is counted twice. Targets counting proposals (measure ``proposals``) or
  beneficiaries without a recorded figure get the row the dashboard used to infer;
- ``proposal.whole_line`` (cả dây chuyền công nghệ) and ``proposal.cap_kind`` (the cap
  variant chosen, e.g. a demonstration model to be spread);
- the output summary keyed by programme and target, with new triggers.

Revision ID: 0010_rules
Revises: 0009_implementation
"""

from __future__ import annotations

import contextlib
import json
import unicodedata
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

from kcdesk.models.dashboard import SUMMARY_REBUILD, SUMMARY_TRIGGER_NAMES, SUMMARY_TRIGGERS

revision = "0010_rules"
down_revision = "0009_implementation"
branch_labels = None
depends_on = None

_OLD_TRIGGERS = (
    "dashboard_output_insert",
    "dashboard_output_delete",
    "dashboard_output_update",
    "dashboard_proposal_update",
    "dashboard_proposal_delete",
)
_DEFAULT_PROVINCE = "Cao Bằng"  # kcdesk.services.core.settings default of org.province
_IMPLEMENTED = ("accepted", "settled")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _summary_table() -> None:
    op.create_table(
        "dashboard_output_sum",
        sa.Column("programme", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("activity", sa.String(length=48), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("achieved", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "programme",
            "target",
            "activity",
            "plan_year",
            "status",
            "measure",
            name=op.f("pk_dashboard_output_sum"),
        ),
    )


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip().casefold()


def _json_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return [str(v) for v in (value or [])]


def _map_existing(conn: sa.Connection) -> None:
    """Programme per proposal, target per output, where unambiguous (see module doc)."""
    row = conn.execute(sa.text("SELECT value FROM setting WHERE key = 'org.province'")).first()
    province = _DEFAULT_PROVINCE
    if row is not None:
        value = row[0]
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        province = str(value)
    programmes = [
        (pid, code, start, end)
        for pid, code, prov, start, end in conn.execute(
            sa.text("SELECT id, code, province, start_year, end_year FROM programme")
        )
        if _key(prov) == _key(province)
    ]
    # programme code -> (activity, measure) -> candidate target codes (leaf, tracked)
    candidates: dict[str, dict[tuple[str, str], list[str]]] = {}
    for pid, code, _start, _end in programmes:
        table: dict[tuple[str, str], list[str]] = defaultdict(list)
        for tcode, activities, measure, parts in conn.execute(
            sa.text(
                "SELECT code, activities, measure, parts FROM target "
                "WHERE programme_id = :pid ORDER BY position"
            ),
            {"pid": pid},
        ):
            if _json_list(parts) or measure == "other":
                continue
            for activity in dict.fromkeys(_json_list(activities)):
                table[(activity, measure)].append(tcode)
        candidates[code] = table
    proposals = conn.execute(
        sa.text("SELECT id, plan_year, activity, status FROM proposal")
    ).fetchall()
    outputs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for oid, pid, measure in conn.execute(
        sa.text("SELECT id, proposal_id, measure FROM output_measure")
    ):
        outputs[pid].append((oid, measure))
    linked = dict(
        conn.execute(
            sa.text("SELECT proposal_id, count(*) FROM proposal_facility GROUP BY proposal_id")
        ).fetchall()
    )
    for pid, year, activity, status in proposals:
        covering = [code for _i, code, start, end in programmes if start <= year <= end]
        if len(covering) != 1:
            continue
        programme = covering[0]
        conn.execute(
            sa.text("UPDATE proposal SET programme = :code WHERE id = :pid"),
            {"code": programme, "pid": pid},
        )
        table = candidates[programme]
        measures = set()
        for oid, measure in outputs.get(pid, []):
            measures.add(measure)
            targets = table.get((activity, measure), [])
            if len(targets) == 1:
                conn.execute(
                    sa.text("UPDATE output_measure SET target = :t WHERE id = :oid"),
                    {"t": targets[0], "oid": oid},
                )
        implemented = str(status) in _IMPLEMENTED
        inferred = {"proposals": 1}
        if "facilities" not in measures and linked.get(pid):
            inferred["facilities"] = int(linked[pid])
        for measure, value in inferred.items():
            targets = table.get((activity, measure), [])
            if measure in measures or len(targets) != 1:
                continue
            conn.execute(
                sa.text(
                    "INSERT INTO output_measure (proposal_id, measure, target, planned, achieved) "
                    "VALUES (:pid, :m, :t, :v, :a)"
                ),
                {
                    "pid": pid,
                    "m": measure,
                    "t": targets[0],
                    "v": value,
                    "a": value if implemented else None,
                },
            )


def upgrade() -> None:
    if _sqlite():
        for name in _OLD_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("dashboard_output_sum")
    _summary_table()
    with op.batch_alter_table("output_measure", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("target", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.drop_index(batch_op.f("ix_output_measure_dashboard"))
        batch_op.create_index(
            "ix_output_measure_dashboard",
            ["proposal_id", "target", "measure", "planned", "achieved"],
            unique=False,
        )
        batch_op.drop_constraint(batch_op.f("uq_output_measure_proposal_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_output_measure_proposal_id"), ["proposal_id", "measure", "target"]
        )
    # Plain ALTER TABLE, never a batch copy: recreating ``proposal`` would drop the old
    # table, and with foreign keys on that cascades to every child row.
    op.add_column(
        "proposal", sa.Column("programme", sa.String(length=32), nullable=False, server_default="")
    )
    op.add_column(
        "proposal",
        sa.Column("whole_line", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "proposal", sa.Column("cap_kind", sa.String(length=32), nullable=False, server_default="")
    )
    op.drop_index("ix_proposal_dashboard", table_name="proposal")
    op.create_index(
        "ix_proposal_dashboard",
        "proposal",
        [
            "programme",
            "plan_year",
            "status",
            "activity",
            "commune",
            "funding_source",
            "approved_support",
            "disbursed",
        ],
        unique=False,
    )
    _map_existing(op.get_bind())
    if _sqlite():
        # Other databases aggregate live (kcdesk.services.dashboard.summary_table).
        for statement in (*SUMMARY_TRIGGERS, *SUMMARY_REBUILD):
            op.execute(statement)


def downgrade() -> None:
    if _sqlite():
        for name in SUMMARY_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    # Rows recorded per target would collide once the key loses ``target``.
    op.execute("DELETE FROM output_measure WHERE target <> ''")
    op.drop_index("ix_proposal_dashboard", table_name="proposal")
    op.create_index(
        "ix_proposal_dashboard",
        "proposal",
        [
            "plan_year",
            "status",
            "activity",
            "commune",
            "funding_source",
            "approved_support",
            "disbursed",
        ],
        unique=False,
    )
    # ALTER TABLE DROP COLUMN (SQLite 3.35+), not a batch copy of ``proposal`` (see upgrade).
    for column in ("cap_kind", "whole_line", "programme"):
        op.drop_column("proposal", column)
    with op.batch_alter_table("output_measure", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_output_measure_proposal_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_output_measure_proposal_id"), ["proposal_id", "measure"]
        )
        batch_op.drop_index("ix_output_measure_dashboard")
        batch_op.create_index(
            batch_op.f("ix_output_measure_dashboard"),
            ["proposal_id", "measure", "planned", "achieved"],
            unique=False,
        )
        batch_op.drop_column("target")
    op.drop_table("dashboard_output_sum")
    # The 0005 table, without its triggers: the dashboard of that revision then
    # aggregates live (its triggers' absence is what it checks).
    op.create_table(
        "dashboard_output_sum",
        sa.Column("activity", sa.String(length=48), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        sa.Column("achieved", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "activity", "plan_year", "status", "measure", name=op.f("pk_dashboard_output_sum")
        ),
    )
