"""Resolving conflicts field by field (giải quyết xung đột): local or incoming, per field.

The result is saved as a new local revision above both versions, and the base moves to
the incoming version, so the next pack carries the resolution back to the other side
(which, not having edited since, takes it as an update).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Facility, Proposal, utcnow
from kcdesk.models.exchange import ExchangeConflict
from kcdesk.services.core import audit
from kcdesk.services.core.errors import NotFoundError, ValidationError
from kcdesk.services.exchange import merge, records
from kcdesk.services.exchange.sync import load_states, set_state
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import EXCHANGE, require

LOCAL = "local"
INCOMING = "incoming"
# Fields that only make sense together: the choice for the first one decides all.
LINKED = {"status": ("status_changed_at", "status_changes")}

FIELD_LABELS = {
    "code": "Mã đề án",
    "title": "Tên đề án",
    "plan_year": "Năm kế hoạch",
    "activity": "Nội dung hoạt động",
    "funding_source": "Nguồn kinh phí",
    "status": "Trạng thái",
    "status_changed_at": "Thời điểm đổi trạng thái",
    "office_code": "Đơn vị",
    "implementing_unit": "Đơn vị thực hiện",
    "partner_unit": "Đơn vị phối hợp",
    "location": "Địa điểm",
    "commune": "Xã/phường",
    "start_month": "Tháng bắt đầu",
    "end_month": "Tháng kết thúc",
    "received_date": "Ngày nhận hồ sơ",
    "total_cost": "Tổng kinh phí",
    "support": "Kinh phí khuyến công",
    "counterpart": "Đối ứng",
    "other_funds": "Nguồn khác",
    "approved_support": "Kinh phí được duyệt",
    "disbursed": "Đã giải ngân",
    "facilities": "Đơn vị thụ hưởng",
    "budget_lines": "Dự toán",
    "schedule": "Tiến độ",
    "outputs": "Kết quả đầu ra",
    "documents": "Hồ sơ kèm theo",
    "status_changes": "Lịch sử trạng thái",
    "name": "Tên cơ sở",
    "tax_code": "Mã số thuế",
    "address": "Địa chỉ",
    "representative": "Người đại diện",
    "phone": "Điện thoại",
}


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    local: Any
    incoming: Any


def list_conflicts(session: Session, *, open_only: bool = True) -> list[ExchangeConflict]:
    stmt = select(ExchangeConflict).order_by(ExchangeConflict.id)
    if open_only:
        stmt = stmt.where(ExchangeConflict.status == "open")
    return list(session.scalars(stmt))


def get_conflict(session: Session, conflict_id: int) -> ExchangeConflict:
    conflict = session.get(ExchangeConflict, conflict_id)
    if conflict is None:
        raise NotFoundError(f"Không có xung đột số {conflict_id}.")
    return conflict


def differences(conflict: ExchangeConflict) -> list[FieldDiff]:
    """The fields whose values differ between the two versions."""
    out = []
    for name in records.content_fields(conflict.incoming):
        if name in ("origin_office",):
            continue
        a, b = conflict.local.get(name), conflict.incoming.get(name)
        if a != b:
            out.append(FieldDiff(name, FIELD_LABELS.get(name, name), a, b))
    return out


def _local_object(session: Session, conflict: ExchangeConflict) -> Any:
    model: Any = Proposal if conflict.kind == records.PROPOSAL else Facility
    obj = session.scalars(select(model).where(model.uuid == conflict.record_uuid)).first()
    if obj is None:
        raise NotFoundError(f"Bản ghi {conflict.label} không còn ở máy này.")
    return obj


def resolve_conflict(
    session: Session, actor: Actor, conflict_id: int, choices: dict[str, str]
) -> Any:
    """Apply the chosen side per field (unlisted fields keep the local value)."""
    require(actor, EXCHANGE)
    conflict = get_conflict(session, conflict_id)
    if conflict.status != "open":
        raise ValidationError(f"Xung đột {conflict.label} đã được giải quyết.")
    bad = {k: v for k, v in choices.items() if v not in (LOCAL, INCOMING)}
    if bad:
        raise ValidationError("Mỗi trường chỉ chọn 'local' (máy này) hoặc 'incoming' (gói).")
    known = {d.field for d in differences(conflict)} | set(records.content_fields(conflict.local))
    unknown = sorted(name for name in choices if name not in known)
    if unknown:
        names = ", ".join(sorted(d.field for d in differences(conflict)))
        raise ValidationError(
            f"Xung đột {conflict.label} không có trường {', '.join(unknown)}. "
            f"Các trường khác nhau: {names or 'không có'}."
        )
    missing = sorted(
        n for n, side in choices.items() if side == INCOMING and n not in conflict.incoming
    )
    if missing:
        raise ValidationError(
            f"Gói không có giá trị cho trường {', '.join(missing)}: chỉ giữ được giá trị máy này."
        )
    choices = dict(choices)
    for lead, followers in LINKED.items():
        if lead in choices:
            for follower in followers:
                choices[follower] = choices[lead]
    obj = _local_object(session, conflict)
    if conflict.kind == records.PROPOSAL:
        (obj,) = merge.load_locals(session, conflict.kind, [obj.id]).values()
    current = merge.to_record(conflict.kind, obj)
    merged = dict(current)
    for name, side in choices.items():
        if side == INCOMING and name in conflict.incoming:
            merged[name] = conflict.incoming[name]
    revision = max(obj.revision, conflict.incoming_revision) + 1
    merged["revision"] = revision
    if conflict.kind == records.PROPOSAL:
        wanted = merged.get("facilities", [])
        facilities = {
            f.uuid: f for f in session.scalars(select(Facility).where(Facility.uuid.in_(wanted)))
        }
        records.apply_proposal(session, obj, merged, facilities)
    else:
        records.apply_facility(obj, merged)
    states = load_states(session, [conflict.record_uuid])
    set_state(
        session,
        states,
        conflict.record_uuid,
        conflict.kind,
        conflict.incoming_revision,
        conflict.incoming_hash,
    )
    conflict.status = "resolved"
    conflict.resolved_at = utcnow()
    conflict.resolved_by = actor.username
    conflict.resolution = dict(choices)
    fields = records.content_fields(merged)
    audit.record(
        session,
        actor,
        entity=conflict.kind,
        entity_uuid=conflict.record_uuid,
        entity_label=conflict.label,
        action="resolve_conflict",
        changes=audit.diff({k: current.get(k) for k in fields}, {k: merged.get(k) for k in fields}),
    )
    session.flush()
    return obj
