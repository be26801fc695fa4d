"""After a merge: the new province's organisation settings, asked for once (việc sau hợp nhất).

A merge brings the old province's records, not its letterhead: the names of the new
province's People's Committee, Department and Centre and their signers are this
database's settings, and after the merge the user is asked to check them once. Until
an organisation setting is saved after the latest merge (or the user confirms them
as they are), ``pending`` names that merge: the GUI opens the organisation step at
start, ``kcdesk check`` and ``kcdesk merge`` print what to set.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent
from kcdesk.models.merge import MergeRecord
from kcdesk.services.communes.official import OfficialProvince
from kcdesk.services.core import audit, organisation, settings
from kcdesk.services.security.actor import Actor
from kcdesk.services.security.permissions import SETTINGS_EDIT, require

CONFIRM_ACTION = "confirm_organisation"


def _latest(session: Session) -> tuple[MergeRecord, int] | None:
    record = session.scalars(select(MergeRecord).order_by(MergeRecord.id.desc())).first()
    if record is None:
        return None
    event_id = session.scalar(
        select(func.max(AuditEvent.id)).where(
            AuditEvent.entity == "merge", AuditEvent.entity_uuid == record.uuid
        )
    )
    return record, int(event_id or 0)


def pending(session: Session) -> MergeRecord | None:
    """The latest merge whose organisation settings were not looked at since, or None."""
    latest = _latest(session)
    if latest is None:
        return None
    record, event_id = latest
    done = session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.id > event_id,
            or_(
                (AuditEvent.entity == "setting")
                & AuditEvent.entity_label.in_(organisation.ORGANISATION_KEYS),
                (AuditEvent.entity == "merge")
                & (AuditEvent.action == CONFIRM_ACTION)
                & (AuditEvent.entity_uuid == record.uuid),
            ),
        )
    )
    return None if done else record


def confirm(session: Session, actor: Actor) -> None:
    """The user checked the organisation settings after the merge (audited)."""
    require(actor, SETTINGS_EDIT)
    record = pending(session)
    if record is None:
        return
    audit.record(
        session,
        actor,
        entity="merge",
        entity_uuid=record.uuid,
        entity_label=record.origin_label,
        action=CONFIRM_ACTION,
        changes={},
    )


def _renamed(value: str, others: list[str], province: OfficialProvince) -> str:
    """``value`` with another province's name replaced by the new province's."""
    for name in others:
        for written in (f"tỉnh {name}", f"thành phố {name}"):
            if written in value:
                return value.replace(written, province.address_name)
        if name in value:
            return value.replace(name, province.bare_name)
    return value


def suggestions(session: Session) -> dict[str, str]:
    """What the new province's name gives, to pre-fill: an empty name filled in, a
    name that still says another (old) province renamed. Signers are the user's."""
    from kcdesk.services.communes.official import find_province, provinces_by_code

    values = settings.get_all(session)
    province = find_province(str(values.get("org.province") or ""))
    if province is None:
        return {}
    committee = f"UBND {province.address_name}"
    empty = {
        "org.place_name": province.bare_name,
        "org.province_committee": committee,
        "org.department_parent": committee,
    }
    merged = list(session.scalars(select(MergeRecord.origin_province)))
    others = merged + [p.bare_name for p in provinces_by_code().values() if p.code != province.code]
    out: dict[str, str] = {}
    for key in organisation.ORGANISATION_KEYS:
        if key.startswith("signer.") or key == "org.province":
            continue
        value = str(values.get(key) or "").strip()
        if not value:
            if key in empty:
                out[key] = empty[key]
            continue
        renamed = _renamed(value, others, province)
        if renamed != value:
            out[key] = renamed
    return out


def reminder(session: Session) -> list[str]:
    """What to set, in words and as commands; [] when nothing is pending."""
    record = pending(session)
    if record is None:
        return []
    values = {**settings.get_all(session), **suggestions(session)}
    lines = [
        f"Sau khi hợp nhất dữ liệu của {record.origin_label} "
        f"({record.at.strftime('%d/%m/%Y')}): hãy kiểm tra tên cơ quan, Trung tâm và người ký "
        f"của tỉnh {values.get('org.province')} (Cài đặt → Cơ quan và quy định), hoặc:"
    ]
    for key in organisation.ORGANISATION_KEYS:
        value = str(values.get(key) or "")
        shown = value or "<" + organisation.label(key) + ">"
        lines.append(f'  kcdesk settings set {key} "{shown}"')
    return lines
