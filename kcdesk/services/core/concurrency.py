"""Optimistic concurrency: never overwrite a change someone else saved meanwhile.

Editors remember the ``revision`` they loaded; saving checks it is still current.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kcdesk.models import AuditEvent
from kcdesk.services.core.errors import ConflictError, UserError
from kcdesk.services.core.write_serial import RECORD_WRITES, serialize


def check_revision(
    session: Session, record: Any, expected: int | None, *, what: str, label: str
) -> None:
    """Raise ConflictError ("changed by … at …, reload") if ``record`` moved on.

    The revision is read afresh under a write lock: on a server the row is locked
    (``FOR UPDATE``), on SQLite the database's write lock is taken first
    (``write_serial``). A workstation that saved the same record a moment ago has
    then either committed — and this one sees the new revision — or makes this one
    wait until it has. Without that, both would pass the check and the second save
    would silently undo the first (docs/server.md, "Ghi đồng thời").
    """
    if expected is None:
        return
    if getattr(record, "id", None):
        if session.get_bind().dialect.name == "sqlite":
            serialize(session, RECORD_WRITES)
        current = session.execute(
            select(type(record).revision).where(type(record).id == record.id).with_for_update()
        ).scalar_one()
        if current != record.revision:
            session.refresh(record)
    if record.revision == expected:
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


STALE_MESSAGE = (
    "Bản ghi vừa được người khác (hoặc một cửa sổ kcdesk khác) lưu trong lúc bạn sửa. "
    "Thay đổi của bạn chưa được lưu; hãy tải lại để xem thay đổi của họ rồi làm lại."
)
BUSY_MESSAGE = (
    "Cơ sở dữ liệu đang bận vì một máy hoặc cửa sổ kcdesk khác đang ghi. "
    "Thay đổi của bạn chưa được lưu; hãy thử lại sau ít phút."
)


def as_user_error(exc: BaseException) -> UserError | None:
    """The user's message for a write that lost a race, or None for other errors.

    - StaleDataError: the UPDATE's ``WHERE revision = …`` (``SyncedMixin``) matched no
      row because someone saved meanwhile — the conflict message, never an overwrite;
    - a lock wait that ran out ("database is locked", a lock timeout on a server).
    """
    if isinstance(exc, StaleDataError):
        return ConflictError(STALE_MESSAGE)
    if isinstance(exc, OperationalError):
        text = str(getattr(exc, "orig", exc)).lower()
        if any(
            s in text
            for s in ("database is locked", "database is busy", "table is locked", "lock timeout")
        ):
            return UserError(BUSY_MESSAGE)
    return None
