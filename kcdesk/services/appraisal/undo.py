"""Huỷ kết quả đã ghi: take a recorded appraisal result back, before the catalogue goes out.

A secretary who pressed "Ghi kết quả" on the wrong proposal, or who learns that a
member's sheet was mis-keyed, must be able to reopen the scores. This is allowed while
the result is only the Centre's own working record: the proposal is still "Đã thẩm
định" and no frozen catalogue version (submitted, approved or amended) lists it. Once
the catalogue went to the Department the result is part of a signed document, and a
change follows the amendment procedure instead.

Undoing clears the stored average, verdict and conclusion, unlocks the sheets (they
are kept as entered), and moves the proposal back to "Chờ thẩm định" with a status
change that says why, so the history shows both steps.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import ProposalStatus, StatusChange, new_uuid, utcnow
from kcdesk.models.appraisal import AgendaItem, AppraisalSession
from kcdesk.models.catalogue import Catalogue, CatalogueRow, CatalogueState, CatalogueVersion
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import APPRAISAL_EDIT, require
from kcdesk.text import nfc

ACTION = "results-undo"


KIND_LABELS = {
    "submitted": "bản đã trình",
    "approved": "bản đã phê duyệt",
    "amended": "bản điều chỉnh",
}


def frozen_in(session: Session, proposal_uuid: str) -> CatalogueVersion | None:
    """The frozen catalogue version that binds the proposal's result, or None.

    Every version listing it binds, except a submitted one whose catalogue the
    Department sent back (state Dự thảo again, never approved): then the Centre
    may appraise again before the next submission.
    """
    versions = session.scalars(
        select(CatalogueVersion)
        .join(CatalogueRow, CatalogueRow.version_id == CatalogueVersion.id)
        .where(CatalogueRow.proposal_uuid == proposal_uuid)
        .order_by(CatalogueVersion.id)
    ).all()
    for version in versions:
        returned = version.catalogue.state is CatalogueState.DRAFT and version.kind == "submitted"
        if not returned:
            return version
    return None


def _refusal(session: Session, item: AgendaItem) -> str | None:
    """Why the result of ``item`` cannot be taken back (one sentence), or None."""
    p = item.proposal
    if item.recorded_at is None:
        return f"Đề án {p.code} chưa ghi kết quả thẩm định: không có gì để huỷ."
    version = frozen_in(session, p.uuid)
    if version is not None:
        catalogue: Catalogue = version.catalogue
        return (
            f"Đề án {p.code} đã có trong danh mục năm {catalogue.plan_year} "
            f"({KIND_LABELS.get(version.kind, version.kind)} số {version.number}): không huỷ được kết quả thẩm định; "
            "muốn thay đổi thì làm thủ tục điều chỉnh."
        )
    if p.status is not ProposalStatus.APPRAISED:
        return (
            f"Đề án {p.code} đang ở trạng thái '{p.status.label}', không còn ở "
            f"'{ProposalStatus.APPRAISED.label}': không huỷ được kết quả thẩm định."
        )
    return None


def undo_results(
    session: Session, actor: Actor, s: AppraisalSession, codes: Sequence[str], *, reason: str = ""
) -> list[str]:
    """Take back the recorded results of ``codes`` in council ``s``; returns the codes.

    All or nothing: a single refused proposal refuses the whole call with its reason.
    """
    require(actor, APPRAISAL_EDIT)
    wanted = [nfc(c.strip()) for c in codes if c.strip()]
    if not wanted:
        raise ValidationError("Chọn ít nhất một đề án đã ghi kết quả để huỷ.")
    by_code = {item.proposal.code: item for item in s.items}
    unknown = [c for c in wanted if c not in by_code]
    if unknown:
        raise ValidationError(
            f"Không có trong chương trình họp của «{s.name}»: {', '.join(unknown)}."
        )
    items = [by_code[c] for c in dict.fromkeys(wanted)]
    for item in items:
        why = _refusal(session, item)
        if why:
            raise ValidationError(why)
    reason = reason.strip() or "Huỷ kết quả thẩm định đã ghi để chấm lại."
    now = utcnow()
    changes: dict[str, object] = {}
    for item in items:
        p = item.proposal
        changes[p.code] = {"old": "Đã ghi kết quả", "new": "Chưa ghi kết quả"}
        item.average = None
        item.passed = None
        item.conclusion = None
        item.recorded_at = None
        # Not a step of the procedure (workflow.TRANSITIONS has no way back from
        # "Đã thẩm định"): a correction of the step just taken, recorded as such.
        session.add(
            StatusChange(
                uuid=new_uuid(),
                proposal=p,
                from_status=p.status.value,
                to_status=ProposalStatus.AWAITING_APPRAISAL.value,
                at=now,
                username=actor.username,
                office_code=actor.office_code,
                reason=reason,
            )
        )
        old = p.status
        p.status = ProposalStatus.AWAITING_APPRAISAL
        p.status_changed_at = now
        p.revision += 1
        audit.record(
            session,
            actor,
            entity="proposal",
            entity_uuid=p.uuid,
            entity_label=p.code,
            action="status",
            changes={
                "status": {"old": old.value, "new": ProposalStatus.AWAITING_APPRAISAL.value},
                "reason": {"old": None, "new": reason},
            },
        )
    appraisal._touch(session, actor, s, ACTION, changes)
    return [item.proposal.code for item in items]
