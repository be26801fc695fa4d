"""Lock-out per account and source (khóa tạm khi nhập sai mật khẩu).

Wrong passwords are counted per account *and* source — the workstation (its host
name) and the interface (``gui``, ``cli``) — so a flood of wrong guesses from another
PC, or from a script on the command line, locks that source out and never the
administrator at the Centre's own PC (issue 19 §3). A source is what the PC says it
is: it separates honest PCs and interfaces, it is not an identity. The messages stay
the same for an unknown name, a wrong password and a locked source (``users``).
"""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kcdesk.models import User
from kcdesk.models.security import LoginFailure
from kcdesk.text import nfc

MAX_FAILURES = 5
LOCK_MINUTES = 15
_SOURCE_LENGTH = 160


def login_source(interface: str) -> str:
    """This PC and interface as a source: ``gui@PC-KE-TOAN``."""
    try:
        host = socket.gethostname()
    except OSError:
        host = ""
    return nfc(f"{interface}@{host or 'may-nay'}")[:_SOURCE_LENGTH]


def _row(session: Session, user: User, source: str) -> LoginFailure | None:
    return session.scalars(
        select(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.source == source)
    ).first()


def locked_until(session: Session, user: User, source: str, now: datetime) -> datetime | None:
    """Until when ``source`` may not log in as ``user`` (None: it may)."""
    row = _row(session, user, source)
    if row is None or row.locked_until is None or row.locked_until <= now:
        return None
    return row.locked_until


def record_failure(session: Session, user: User, source: str, now: datetime) -> dict[str, Any]:
    """Count one wrong password from ``source``; lock that source after MAX_FAILURES.
    Returns the changes for the audit event."""
    row = _row(session, user, source)
    if row is None:
        row = LoginFailure(user_id=user.id, source=source, failures=0)
        session.add(row)
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until = None
    before = row.failures or 0
    row.failures = before + 1
    changes: dict[str, Any] = {
        "source": {"old": None, "new": source},
        "failed_logins": {"old": before, "new": row.failures},
    }
    if row.failures >= MAX_FAILURES:
        row.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        row.failures = 0
        changes["locked_until"] = {"old": None, "new": row.locked_until.isoformat()}
    session.flush()
    return changes


def clear(session: Session, user: User, source: str | None = None) -> None:
    """Forget the failures of one source (a right password) or of all (a new password)."""
    stmt = delete(LoginFailure).where(LoginFailure.user_id == user.id)
    if source is not None:
        stmt = stmt.where(LoginFailure.source == source)
    session.execute(stmt)


def summary(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """For ``user list``: the sources locked now, the latest lock's end, the count."""
    rows = list(session.scalars(select(LoginFailure).where(LoginFailure.user_id == user.id)))
    locked = [r for r in rows if r.locked_until is not None and r.locked_until > now]
    until = max((r.locked_until for r in locked if r.locked_until), default=None)
    return {
        "locked": bool(locked),
        "locked_until": until.isoformat(timespec="seconds") if until else None,
        "locked_sources": sorted(r.source for r in locked),
        "failed_logins": sum(r.failures or 0 for r in rows),
    }
