"""Preparing a pack's proposals for writing, in a second process (chuẩn bị song song).

Most of a large import's time goes to work that depends on each pack line alone:
reading the JSON, the field checks (``validate``), an office's rights over a proposal
that is new here (``office_rights``), the content hash, and the child rows bound for
the driver (``bulk.child_rows``). ``prepare_chunk`` does that for a chunk of lines;
``helper.PrepareHelper`` runs it in a second process while this one writes the chunks
before (docs/benchmarks.md, issue 24).

It only prepares: a line it cannot prepare (any error) comes back as None, and the
importer takes that line the usual way, which refuses the pack with the usual message.
What depends on the database (is the proposal here already? which lines are known?)
is decided by the importer, which uses a prepared line only for a proposal new here.
"""

from __future__ import annotations

from typing import Any

from kcdesk.services.exchange import bulk, fastpath, records, validate
from kcdesk.services.exchange.export import PROPOSALS_MEMBER
from kcdesk.services.exchange.office_rights import OfficeRights

# One prepared line: (line hash; the record's keys the importer needs,
# ``bulk.PREPARED_KEYS``, or None when the importer must take the line itself; content
# hash; report lines of the office's rights; the child rows bound, without their
# proposal id: ``bulk.without_id``; the proposal's row bound: ``bulk.bound_proposal_row``).
Line = tuple[str, dict[str, Any] | None, str, list[str], bulk.ChildRows, tuple[Any, ...]]

_plans: tuple[bulk.ChildPlans, dict[int, Any]] | None = None


def _bind_plans() -> tuple[bulk.ChildPlans, dict[int, Any]] | None:
    """How child rows and a proposal's row are bound on SQLite (the importer's engine
    when it asks for a helper)."""
    global _plans
    if _plans is None:
        from sqlalchemy import create_engine

        dialect = create_engine("sqlite://").dialect
        children, row = bulk.child_plans(dialect), bulk.proposal_row_procs(dialect)
        if children is None or row is None:
            return None
        _plans = (children, row)
    return _plans


def warm_up() -> None:
    """The helper's first task: what ``prepare_chunk`` needs, made ready."""
    _bind_plans()


def prepare_chunk(raws: list[bytes], office: str, at_centre: bool) -> list[Line]:
    """Each line of ``raws`` (proposals of ``office``'s pack) prepared as new here;
    ``at_centre``: held to the office's rights, as the Centre does."""
    plans = _bind_plans()
    rights = OfficeRights(None, office) if at_centre else None
    out: list[Line] = []
    for raw in raws:
        digest = fastpath.line_digest(raw)
        try:
            if plans is None:
                raise ValueError("no SQLite binding here")
            row = fastpath.parse_line(raw, PROPOSALS_MEMBER)
            rec = validate.check_record(records.PROPOSAL, row, PROPOSALS_MEMBER)
            if not isinstance(rec.get("uuid"), str) or not isinstance(rec.get("revision"), int):
                raise ValueError("no uuid or revision")
            notes: list[str] = []
            if rights is not None:
                rec, notes = rights.as_new(rec)
            content = records.content_hash(rec)
            children = bulk.without_id(bulk.child_rows(rec, plans[0], 0))
            bound_row = bulk.bound_proposal_row(rec, plans[1])
            top = {k: rec[k] for k in bulk.PREPARED_KEYS if k in rec}
        except Exception:  # any doubt: the importer takes the line itself
            out.append((digest, None, "", [], [], ()))
            continue
        out.append((digest, top, content, notes, children, bound_row))
    return out
