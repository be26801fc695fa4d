"""Optimistic concurrency: never overwrite a change someone else saved meanwhile.

Editors remember the ``revision`` they loaded; saving checks it is still current.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent
from kcdesk.services.core.errors import ConflictError


def check_revision(
    session: Session, record: Any, expected: int | None, *, what: str, label: str
) -> None:
    """Raise ConflictError ("changed by … at …, reload") if ``record`` moved on."""
    if expected is None or record.revision == expected:
        return
    last = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_uuid == record.uuid)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    who = last.username if last is not None else "người khác"
    when = (
        last.at.strftime("%H:%M ngày %d/%m/%Y")
        if last is not None
        else record.updated_at.strftime("%H:%M ngày %d/%m/%Y")
    )
    raise ConflictError(
        f"{what} {label} đã được {who} sửa lúc {when} (phiên bản {record.revision}, "
        f"bạn đang sửa phiên bản {expected}). Hãy tải lại để xem thay đổi của họ; "
        "thay đổi của bạn chưa được lưu."
    )
