"""Deciding what an incoming record does here: new, updated, unchanged or conflict.

Rules (docs/exchange-format.md, "Merge rules"), with *base* = the SyncState of the
record (the revision and content hash both sides last agreed on):

- not here → **new**;
- incoming hash = base hash → **unchanged** (nothing new over there);
- here unedited since base (revision = base revision and content hash = base hash):
  incoming revision > base revision → **updated**; lower → an older pack,
  **unchanged**; equal with other content → **conflict**;
- edited here: same content as incoming → **unchanged**, else **conflict**.
A conflict keeps the local record as it is and stores both versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kcdesk.models import Facility, Proposal, ProposalFacility
from kcdesk.models.exchange import ExchangeConflict, SyncState
from kcdesk.services.exchange import records

NEW = "new"
UPDATED = "updated"
UNCHANGED = "unchanged"
CONFLICT = "conflict"
SAME_CONTENT = "cùng nội dung"

ACTION_LABELS = {
    NEW: "Mới",
    UPDATED: "Cập nhật",
    UNCHANGED: "Không đổi",
    CONFLICT: "Xung đột",
}


@dataclass
class PlanItem:
    """One incoming record and what importing it does."""

    kind: str
    uuid: str
    label: str
    action: str
    revision: int
    content_hash: str
    note: str = ""
    already_open: bool = False  # the same conflict is already waiting for resolution


@dataclass
class LocalInfo:
    id: int
    revision: int


def local_index(session: Session, kind: str, uuids: list[str]) -> dict[str, LocalInfo]:
    model: Any = Proposal if kind == records.PROPOSAL else Facility
    rows = session.execute(
        select(model.uuid, model.id, model.revision).where(model.uuid.in_(uuids))
    ).all()
    return {r.uuid: LocalInfo(r.id, r.revision) for r in rows}


def load_locals(session: Session, kind: str, ids: list[int]) -> dict[str, Any]:
    """Full local records by uuid (proposals with their children)."""
    if not ids:
        return {}
    if kind == records.FACILITY:
        return {f.uuid: f for f in session.scalars(select(Facility).where(Facility.id.in_(ids)))}
    stmt = (
        select(Proposal)
        .where(Proposal.id.in_(ids))
        .options(
            selectinload(Proposal.facility_links).selectinload(ProposalFacility.facility),
            selectinload(Proposal.budget_lines),
            selectinload(Proposal.schedule),
            selectinload(Proposal.outputs),
            selectinload(Proposal.documents),
            selectinload(Proposal.status_changes),
        )
    )
    return {p.uuid: p for p in session.scalars(stmt)}


def to_record(kind: str, obj: Any) -> dict[str, Any]:
    if kind == records.PROPOSAL:
        return records.proposal_record(obj)
    return records.facility_record(obj)


def open_conflicts(session: Session, uuids: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    rows = session.execute(
        select(ExchangeConflict.record_uuid, ExchangeConflict.incoming_hash).where(
            ExchangeConflict.record_uuid.in_(uuids), ExchangeConflict.status == "open"
        )
    ).all()
    for r in rows:
        out.setdefault(r.record_uuid, set()).add(r.incoming_hash)
    return out


def plan_chunk(
    session: Session,
    kind: str,
    incoming: list[dict[str, Any]],
    states: dict[str, SyncState],
    known_hashes: dict[str, str] | None = None,
) -> tuple[list[PlanItem], dict[str, Any]]:
    """Classify a chunk of incoming records; also returns the local objects loaded.
    ``known_hashes``: content hashes already computed, by uuid (``prepare``)."""
    uuids = [str(r["uuid"]) for r in incoming]
    local = local_index(session, kind, uuids)
    given = known_hashes or {}
    hashes = [given.get(u) or records.content_hash(r) for u, r in zip(uuids, incoming, strict=True)]
    # Load full local records only where the decision needs their content.
    need: list[int] = []
    for rec, h in zip(incoming, hashes, strict=True):
        info, base = local.get(str(rec["uuid"])), states.get(str(rec["uuid"]))
        if info is not None and (base is None or base.content_hash != h):
            need.append(info.id)
    loaded = load_locals(session, kind, need)
    waiting = open_conflicts(session, uuids)
    items: list[PlanItem] = []
    for rec, h in zip(incoming, hashes, strict=True):
        uuid = str(rec["uuid"])
        item = PlanItem(
            kind=kind,
            uuid=uuid,
            label=records.record_label(kind, rec),
            action=NEW,
            revision=int(rec["revision"]),
            content_hash=h,
        )
        info, base = local.get(uuid), states.get(uuid)
        if info is not None:
            item.action, item.note = _decide(kind, rec, h, info, base, loaded.get(uuid))
        if item.action == CONFLICT and h in waiting.get(uuid, set()):
            item.already_open = True
        items.append(item)
    return items, loaded


def _decide(
    kind: str,
    rec: dict[str, Any],
    incoming_hash: str,
    info: LocalInfo,
    base: SyncState | None,
    obj: Any,
) -> tuple[str, str]:
    if base is not None and base.content_hash == incoming_hash:
        return UNCHANGED, ""
    local_hash = records.content_hash(to_record(kind, obj)) if obj is not None else ""
    if local_hash == incoming_hash:
        return UNCHANGED, SAME_CONTENT
    revision = int(rec["revision"])
    unedited = (
        base is not None and info.revision == base.revision and local_hash == base.content_hash
    )
    if unedited and base is not None:
        if revision > base.revision:
            return UPDATED, ""
        if revision < base.revision:
            return UNCHANGED, "gói cũ hơn dữ liệu đang có"
        return CONFLICT, "cùng phiên bản nhưng khác nội dung"
    if base is None:
        return CONFLICT, "bản ghi đã có ở đây nhưng chưa từng trao đổi"
    return CONFLICT, "cả hai bên đã sửa từ lần trao đổi trước"
