"""Appraisal results in return packs (kết quả thẩm định gửi về đơn vị).

The Centre sends, for every proposal of the office that has a recorded appraisal
result, the session, decision, average score, pass and conclusion. The office keeps
them in ``exchange_appraisal_result`` (it has no council of its own), updated in
place by the agenda item's UUID, so receiving them twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Proposal
from kcdesk.models.appraisal import AgendaItem, AppraisalSession
from kcdesk.models.exchange import RemoteAppraisal
from kcdesk.services.core.id_lists import batches

MEMBER = "records/appraisals.jsonl"


def rows_for_office(session: Session, office_code: str) -> Iterator[dict[str, Any]]:
    """Recorded results of the office's proposals (all of them: small, idempotent)."""
    stmt = (
        select(AgendaItem, AppraisalSession, Proposal.uuid)
        .join(AppraisalSession, AgendaItem.session_id == AppraisalSession.id)
        .join(Proposal, AgendaItem.proposal_id == Proposal.id)
        .where(Proposal.office_code == office_code, AgendaItem.recorded_at.is_not(None))
        .order_by(AgendaItem.id)
    )
    for item, sess, proposal_uuid in session.execute(stmt).tuples():
        yield {
            "item_uuid": item.uuid,
            "proposal_uuid": proposal_uuid,
            "session_name": sess.name,
            "meeting_date": sess.meeting_date.isoformat() if sess.meeting_date else None,
            "decision_no": sess.decision_no,
            "decision_date": sess.decision_date.isoformat() if sess.decision_date else None,
            "average": str(item.average) if item.average is not None else None,
            "passed": item.passed,
            "conclusion": item.conclusion,
            "recorded_at": item.recorded_at.isoformat(timespec="seconds")
            if item.recorded_at
            else None,
        }


def _values(row: dict[str, Any]) -> dict[str, Any]:
    def day(v: Any) -> date | None:
        return date.fromisoformat(str(v)) if v else None

    return {
        "proposal_uuid": str(row.get("proposal_uuid", ""))[:36],
        "session_name": str(row.get("session_name") or ""),
        "meeting_date": day(row.get("meeting_date")),
        "decision_no": str(row.get("decision_no") or "")[:64],
        "decision_date": day(row.get("decision_date")),
        "average": str(row["average"])[:16] if row.get("average") is not None else None,
        "passed": bool(row["passed"]) if row.get("passed") is not None else None,
        "conclusion": str(row["conclusion"])[:48] if row.get("conclusion") else None,
        "recorded_at": datetime.fromisoformat(row["recorded_at"])
        if row.get("recorded_at")
        else None,
    }


def store(session: Session, rows: Iterator[dict[str, Any]], pack_uuid: str) -> int:
    """Insert or update results by item UUID; returns how many were new or changed."""
    changed = 0
    for batch in batches(rows):
        uuids = [str(r.get("item_uuid", "")) for r in batch]
        known = {
            r.item_uuid: r
            for r in session.scalars(
                select(RemoteAppraisal).where(RemoteAppraisal.item_uuid.in_(uuids))
            )
        }
        for row in batch:
            uuid = str(row.get("item_uuid", ""))
            if not uuid:
                continue
            values = _values(row)
            existing = known.get(uuid)
            if existing is None:
                existing = RemoteAppraisal(item_uuid=uuid, pack_uuid=pack_uuid, **values)
                session.add(existing)
                known[uuid] = existing
                changed += 1
            elif any(getattr(existing, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(existing, key, value)
                existing.pack_uuid = pack_uuid
                changed += 1
        session.flush()
    return changed


def for_proposal(session: Session, proposal_uuid: str) -> list[RemoteAppraisal]:
    return list(
        session.scalars(
            select(RemoteAppraisal)
            .where(RemoteAppraisal.proposal_uuid == proposal_uuid)
            .order_by(RemoteAppraisal.id)
        )
    )
