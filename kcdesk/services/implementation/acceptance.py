"""Acceptance (nghiệm thu cơ sở): minutes, achieved outputs, evidence; no Qt.

Refused while required evidence (forms/activities.toml ``[[activity.evidence]]``)
is missing. Records the achieved outputs into ``OutputMeasure.achieved`` and moves
the proposal from 'implementing' to 'accepted' through ``workflow.change_status``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy.orm import Session

from kcdesk.formatting import format_date
from kcdesk.models import OutputMeasure, Proposal, ProposalStatus
from kcdesk.models.implementation import Acceptance
from kcdesk.services.core import audit
from kcdesk.services.core.errors import ValidationError
from kcdesk.services.forms.load import load_measures
from kcdesk.services.implementation.money import get_acceptance
from kcdesk.services.implementation.progress import evidence_checklist
from kcdesk.services.proposals import workflow
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import IMPLEMENTATION_EDIT, require
from kcdesk.text import nfc

S = ProposalStatus
DEFAULT_RESULT = "Đề án đã thực hiện đạt mục tiêu, nội dung, kết quả theo đề án được phê duyệt."


def measure_label(code: str) -> str:
    spec = load_measures().get(code)
    return f"{spec.label} ({spec.unit})" if spec else code


def output_key(output: OutputMeasure) -> str:
    """How acceptance names an output: its target's code, else its measure's code."""
    return output.target or output.measure


def output_label(output: OutputMeasure) -> str:
    """ "Chỉ tiêu II.2-6: Sản phẩm (sản phẩm)" for a target's output, else the measure."""
    if output.target:
        return f"Chỉ tiêu {output.target}: {measure_label(output.measure)}"
    return measure_label(output.measure)


def _achieved_values(
    proposal: Proposal, achieved: Mapping[str, int] | None
) -> dict[OutputMeasure, int]:
    """Map each planned output to its achieved count; refuse unknown or missing ones.

    Keys are :func:`output_key`: achieved figures are recorded per target."""
    given = dict(achieved or {})
    by_code = {output_key(o): o for o in proposal.outputs}
    unknown = sorted(set(given) - set(by_code))
    if unknown:
        planned = ", ".join(by_code) or "không có"
        raise ValidationError(
            f"Kết quả '{', '.join(unknown)}' không có trong kết quả dự kiến của đề án "
            f"{proposal.code} (các mã: {planned}).",
            {"outputs": "Mã kết quả không có"},
        )
    out: dict[OutputMeasure, int] = {}
    missing: list[str] = []
    for code, output in by_code.items():
        value = given.get(code, output.achieved)
        if value is None:
            missing.append(f"{code} — {output_label(output)}, dự kiến {output.planned}")
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                f"Kết quả đạt được '{code}' phải là số nguyên không âm, không phải {value!r}.",
                {"outputs": "Số nguyên không âm"},
            )
        out[output] = value
    if missing:
        raise ValidationError(
            "Chưa nhập kết quả đạt được: " + "; ".join(missing) + ".",
            {"outputs": "Nhập kết quả đạt được"},
        )
    return out


def record_acceptance(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    *,
    accepted_on: date,
    minutes_no: str,
    participants: Sequence[str] = (),
    result: str = "",
    achieved: Mapping[str, int] | None = None,
) -> Acceptance:
    """Record the acceptance minutes; 'implementing' → 'accepted'."""
    require(actor, IMPLEMENTATION_EDIT)
    minutes_no = nfc(minutes_no.strip())
    # 'Accepted' without minutes happens when the status was moved in the register
    # (or came in an exchange pack): the minutes may then be recorded afterwards.
    late_minutes = proposal.status is S.ACCEPTED
    existing = get_acceptance(session, proposal)
    if existing is not None:
        raise ValidationError(
            f"Đề án {proposal.code} đã có biên bản nghiệm thu số {existing.minutes_no} ngày "
            f"{format_date(existing.accepted_on)}."
        )
    if proposal.status not in (S.IMPLEMENTING, S.ACCEPTED):
        hint = (
            " Hãy bắt đầu thực hiện (hoặc báo cáo tiến độ) trước."
            if proposal.status is S.APPROVED
            else ""
        )
        raise ValidationError(
            f"Đề án {proposal.code} đang ở trạng thái '{proposal.status.label}': chỉ nghiệm "
            f"thu đề án đang thực hiện.{hint}"
        )
    problems: dict[str, str] = {}
    if not minutes_no:
        problems["minutes_no"] = "Nhập số biên bản nghiệm thu"
    if accepted_on is None:
        problems["date"] = "Nhập ngày nghiệm thu"
    if problems:
        raise ValidationError(
            "Thông tin nghiệm thu chưa đủ: " + "; ".join(problems.values()) + ".", problems
        )
    checklist = evidence_checklist(session, proposal)
    missing = [e for e in checklist if e.required and not e.received]
    if missing:
        raise ValidationError(
            f"Chưa nghiệm thu được đề án {proposal.code}: còn thiếu "
            f"{len(missing)} tài liệu bắt buộc:\n"
            + "\n".join(f"- {e.label}" + (f" ({e.source})" if e.source else "") for e in missing),
            {"evidence": "Thiếu tài liệu nghiệm thu bắt buộc"},
        )
    values = _achieved_values(proposal, achieved)
    old_outputs = {output_key(o): o.achieved for o in values}
    for output, value in values.items():
        output.achieved = value
    row = Acceptance(
        proposal_id=proposal.id,
        accepted_on=accepted_on,
        minutes_no=minutes_no,
        participants=[nfc(p.strip()) for p in participants if p.strip()],
        result=nfc(result.strip()) or DEFAULT_RESULT,
        evidence={e.code: e.received for e in checklist},
        origin_office=actor.office_code,
    )
    session.add(row)
    proposal.revision += 1
    session.flush()
    audit.record(
        session,
        actor,
        entity="acceptance",
        entity_uuid=row.uuid,
        entity_label=proposal.code,
        action="create",
        changes={
            **audit.diff(
                {},
                {
                    "date": accepted_on,
                    "minutes_no": minutes_no,
                    "participants": row.participants,
                    "result": row.result,
                },
            ),
            **audit.diff(
                {f"achieved.{k}": v for k, v in old_outputs.items()},
                {f"achieved.{output_key(o)}": v for o, v in values.items()},
            ),
        },
    )
    if not late_minutes:
        workflow.change_status(
            session, actor, proposal, S.ACCEPTED, reason=f"Biên bản nghiệm thu số {minutes_no}"
        )
    return row
