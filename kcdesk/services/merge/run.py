"""The merge use case as the CLI and the GUI call it: preview, then merge.

Both open the other Centre's file afresh (checked, read-only copy), so what is
merged is exactly what was previewed unless the file changed — and then the
plan is built again from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kcdesk.models.db import Database
from kcdesk.services.merge.apply import apply_plan
from kcdesk.services.merge.plan import MergePlan, build_plan
from kcdesk.services.merge.source import open_source
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import RESTORE, require


@dataclass(frozen=True)
class MergeResult:
    plan: MergePlan
    merge_uuid: str


def preview(db: Database, path: Path, actor: Actor, *, code_prefix: str | None = None) -> MergePlan:
    """The plan of merging ``path`` here; writes nothing (raises MergeRefused)."""
    require(actor, RESTORE)
    source = open_source(path)
    try:
        with db.session() as session:
            plan = build_plan(session, source, code_prefix=code_prefix)
            session.rollback()
        return plan
    finally:
        source.close()


def merge(
    db: Database,
    path: Path,
    actor: Actor,
    *,
    code_prefix: str | None = None,
    confirm: Callable[[MergePlan], bool] | None = None,
) -> MergeResult | None:
    """Preview, ask ``confirm`` (None = yes), then merge in one transaction.

    Returns None when the user said no or nothing is new; nothing is written then.
    """
    require(actor, RESTORE)
    source = open_source(path)
    try:
        with db.session() as session:
            plan = build_plan(session, source, code_prefix=code_prefix)
            if (confirm is not None and not confirm(plan)) or plan.nothing_new:
                # Cancelled, or the same Centre again with nothing new: write nothing.
                session.rollback()
                return None
            record = apply_plan(session, actor, plan)
            merge_uuid = record.uuid
        return MergeResult(plan=plan, merge_uuid=merge_uuid)
    finally:
        source.close()
