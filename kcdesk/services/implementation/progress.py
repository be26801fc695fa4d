"""Implementation tracking (theo dõi thực hiện đề án): progress and evidence, no Qt.

Acceptance lives in ``implementation_acceptance``, money in ``implementation_money``.
Every write checks IMPLEMENTATION_EDIT and records an audit event in the same
transaction; status moves go through ``workflow.change_status``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kcdesk.models import Proposal, ProposalStatus
from kcdesk.models.implementation import EvidenceItem, ProgressEntry
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.core.id_lists import batches
from kcdesk.services.forms.load import ActivitySpec, load_activities
from kcdesk.services.proposals import workflow
from kcdesk.services.proposals.attachments import StoredFile
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import IMPLEMENTATION_EDIT, require

S = ProposalStatus
# Work is under way (before acceptance): progress may be reported, advances paid.
BEFORE_ACCEPTANCE = frozenset({S.APPROVED, S.IMPLEMENTING})
# Every status the implementation section follows (approved or later, not stopped).
TRACKED = (S.APPROVED, S.IMPLEMENTING, S.ACCEPTED, S.SETTLED)
# Ids per IN (...) clause, well under SQLite's bound-parameter limit.


def activity_spec(proposal: Proposal) -> ActivitySpec | None:
    """The proposal's activity as configured in forms/, or None if it was removed."""
    return load_activities().get(proposal.activity)


def require_tracked(proposal: Proposal) -> None:
    if proposal.status not in TRACKED:
        raise ValidationError(
            f"Đề án {proposal.code} đang ở trạng thái '{proposal.status.label}': chỉ theo dõi "
            "thực hiện đề án đã được phê duyệt."
        )


def start(session: Session, actor: Actor, proposal: Proposal, *, reason: str = "") -> None:
    """Đã phê duyệt → đang thực hiện (the contract is signed, work begins)."""
    require(actor, IMPLEMENTATION_EDIT)
    if proposal.status is not S.APPROVED:
        raise ValidationError(
            f"Đề án {proposal.code} đang ở trạng thái '{proposal.status.label}': chỉ bắt đầu "
            "thực hiện đề án 'Đã phê duyệt'."
        )
    workflow.change_status(
        session, actor, proposal, S.IMPLEMENTING, reason=reason or "Bắt đầu thực hiện đề án"
    )


# -- progress (tiến độ) -------------------------------------------------------


def add_progress(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    *,
    on: date,
    percent: int,
    note: str = "",
    file: StoredFile | None = None,
) -> ProgressEntry:
    """Record a progress report; the first one moves an approved proposal to 'implementing'."""
    require(actor, IMPLEMENTATION_EDIT)
    if proposal.status not in BEFORE_ACCEPTANCE:
        raise ValidationError(
            f"Đề án {proposal.code} đang ở trạng thái '{proposal.status.label}': chỉ báo cáo "
            "tiến độ khi đề án đã phê duyệt hoặc đang thực hiện."
        )
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ValidationError(
            f"Tiến độ phải là số phần trăm nguyên từ 0 đến 100, không phải {percent!r}.",
            {"percent": "Nhập số từ 0 đến 100"},
        )
    if on is None:
        raise ValidationError("Nhập ngày báo cáo tiến độ.", {"date": "Nhập ngày"})
    entry = ProgressEntry(
        proposal_id=proposal.id,
        reported_on=on,
        percent=percent,
        note=note.strip(),
        file_hash=file.hash if file else None,
        file_name=file.name if file else "",
        origin_office=actor.office_code,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session,
        actor,
        entity="progress",
        entity_uuid=entry.uuid,
        entity_label=proposal.code,
        action="create",
        changes=audit.diff(
            {},
            {"date": on, "percent": percent, "note": entry.note, "file": entry.file_name or None},
        ),
    )
    if proposal.status is S.APPROVED:
        workflow.change_status(
            session, actor, proposal, S.IMPLEMENTING, reason=f"Báo cáo tiến độ {percent} %"
        )
    return entry


def progress_entries(session: Session, proposal: Proposal) -> list[ProgressEntry]:
    """Oldest first; entries of the same day in the order they were recorded."""
    return list(
        session.scalars(
            select(ProgressEntry)
            .where(ProgressEntry.proposal_id == proposal.id)
            .order_by(ProgressEntry.reported_on, ProgressEntry.id)
        )
    )


def latest_progress(session: Session, proposal_ids: Iterable[int]) -> dict[int, tuple[date, int]]:
    """``{proposal id: (date, percent)}`` of the latest report, for the register's column."""
    ids = list(proposal_ids)
    out: dict[int, tuple[date, int]] = {}
    for batch in batches(ids):
        out.update(_latest_progress(session, batch))
    return out


def progress_of(session: Session, ids: Select[Any]) -> dict[int, tuple[date, int]]:
    """``latest_progress`` of the proposals ``ids`` (a query of their ids) selects."""
    return _latest_progress(session, ids)


def _latest_progress(session: Session, ids: list[int] | Select[Any]) -> dict[int, tuple[date, int]]:
    # Latest = highest date, then highest id (the later of two reports the same day).
    ranked = (
        select(
            ProgressEntry.proposal_id,
            ProgressEntry.reported_on,
            ProgressEntry.percent,
            func.row_number()
            .over(
                partition_by=ProgressEntry.proposal_id,
                order_by=(ProgressEntry.reported_on.desc(), ProgressEntry.id.desc()),
            )
            .label("rank"),
        )
        .where(ProgressEntry.proposal_id.in_(ids))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.proposal_id, ranked.c.reported_on, ranked.c.percent).where(
            ranked.c.rank == 1
        )
    )
    return {pid: (on, percent) for pid, on, percent in rows}


# -- acceptance evidence (hồ sơ nghiệm thu) ----------------------------------


@dataclass(frozen=True)
class EvidenceState:
    """One checklist line: the forms/ definition and what was received."""

    code: str
    label: str
    required: bool
    source: str
    received: bool
    received_on: date | None
    file_hash: str | None
    file_name: str
    note: str


def evidence_checklist(session: Session, proposal: Proposal) -> list[EvidenceState]:
    """The activity's evidence list (forms/activities.toml) with each item's state."""
    spec = activity_spec(proposal)
    stored = {
        item.code: item
        for item in session.scalars(
            select(EvidenceItem).where(EvidenceItem.proposal_id == proposal.id)
        )
    }
    out: list[EvidenceState] = []
    for item in spec.evidence if spec else ():
        row = stored.get(item.code)
        out.append(
            EvidenceState(
                code=item.code,
                label=item.label,
                required=item.required,
                source=item.source,
                received=bool(row and row.received),
                received_on=row.received_on if row else None,
                file_hash=row.file_hash if row else None,
                file_name=row.file_name if row else "",
                note=row.note if row else "",
            )
        )
    return out


def missing_evidence(session: Session, proposal: Proposal) -> list[EvidenceState]:
    """Required evidence not yet received: acceptance is refused while any is missing."""
    return [e for e in evidence_checklist(session, proposal) if e.required and not e.received]


def set_evidence(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    code: str,
    *,
    received: bool = True,
    received_on: date | None = None,
    file: StoredFile | None = None,
    note: str | None = None,
) -> EvidenceItem:
    """Mark one evidence item received (optionally with its scanned file) or missing."""
    require(actor, IMPLEMENTATION_EDIT)
    require_tracked(proposal)
    if proposal.status is S.SETTLED:
        raise ValidationError(f"Đề án {proposal.code} đã quyết toán: không sửa hồ sơ nghiệm thu.")
    spec = activity_spec(proposal)
    codes = [e.code for e in spec.evidence] if spec else []
    if code not in codes:
        raise ValidationError(
            f"Tài liệu nghiệm thu '{code}' không có trong danh mục của hoạt động "
            f"'{proposal.activity}'. Các mã: {', '.join(codes) or 'không có'}."
        )
    row = session.scalars(
        select(EvidenceItem).where(
            EvidenceItem.proposal_id == proposal.id, EvidenceItem.code == code
        )
    ).first()
    old = (
        {"received": row.received, "file": row.file_name or None, "note": row.note}
        if row
        else {"received": False, "file": None, "note": ""}
    )
    if row is None:
        row = EvidenceItem(proposal_id=proposal.id, code=code, received=False, file_name="")
        session.add(row)
    row.received = received
    row.received_on = (received_on or date.today()) if received else None
    if file is not None:
        row.file_hash, row.file_name = file.hash, file.name
    if note is not None:
        row.note = note.strip()
    session.flush()
    audit.record(
        session,
        actor,
        entity="evidence",
        entity_uuid=proposal.uuid,
        entity_label=f"{proposal.code} {code}",
        action="update",
        changes=audit.diff(
            old, {"received": row.received, "file": row.file_name or None, "note": row.note}
        ),
    )
    return row
