"""Has another workstation saved something? (thay đổi từ máy khác)

Every write that matters appends to the audit chain, so the newest event's id is a
cheap mark of "the data as of now": one index lookup, the same on SQLite and on a
server. The GUI polls it every few seconds on a server and refreshes the register,
dashboard and attention panel when it moved (docs/server.md).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent


def change_mark(session: Session) -> int:
    """The id of the newest audit event (0 for none)."""
    return int(session.scalar(select(func.max(AuditEvent.id))) or 0)
