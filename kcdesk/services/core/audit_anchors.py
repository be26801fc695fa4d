"""Anchors of the audit chain (mốc kiểm tra nhật ký): chain heads recorded outside
the database, and the check of the live chain against them.

A backup manifest, a pack sent and a printed check code each record an event id and
its hash; ``services/backup/anchors`` finds them, this module compares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kcdesk.models import AuditEvent
from kcdesk.services.core.audit import ChainProblem, check_code


@dataclass(frozen=True)
class Anchor:
    """A chain head recorded outside the database (a backup manifest, a pack sent)."""

    source: str
    event_id: int
    hash: str
    # When the file was written (UTC), if it says: an anchor written before a restore
    # may describe the chain the restore replaced.
    created: datetime | None = None


_CHECK_CODE = re.compile(
    r"^\s*#?\s*(\d{1,12})\s*[·.:,;\s-]*\s*"
    r"([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})\s*$"
)


def parse_check_code(text: str, source: str = "mã kiểm tra in trên giấy") -> Anchor:
    """The anchor a printed check code gives (``#152 · 8C37-40CB-A7C0-4CDA``): the event
    and the first 64 bits of its hash; ValueError for anything else."""
    match = _CHECK_CODE.match(text)
    if match is None:
        raise ValueError(text)
    prefix = "".join(match.groups()[1:]).lower()
    return Anchor(
        source=f"{source} {check_code({'event_id': int(match[1]), 'hash': prefix})}",
        event_id=int(match[1]),
        hash=prefix,
    )


def verify_anchors(session: Session, anchors: list[Anchor]) -> ChainProblem | None:
    """The first anchor the live chain disagrees with, oldest first, or None.

    Rewriting events and recomputing their hashes (with a stolen key) passes
    ``verify_chain``; it cannot change the head a backup, a pack or a printed page
    recorded before: the event with that id must still carry that hash (a printed
    check code: its first 16 hex digits) and exist. The message names the last anchor
    that still agrees, so the rewrite lies between the two.
    """
    agreed: Anchor | None = None
    restored_at = _last_restore(session)
    for anchor in sorted(anchors, key=lambda a: a.event_id):
        stored = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == anchor.event_id))
        if stored is not None and len(anchor.hash) >= 16 and stored.startswith(anchor.hash):
            agreed = anchor
            continue
        if anchor.created is not None and restored_at is not None and anchor.created < restored_at:
            # Written before the last restore (the restore is a keyed event): it recorded
            # the chain the restore replaced, which may rightly differ from this one.
            continue
        state = "không còn" if stored is None else "đã khác"
        since = (
            f"nhật ký còn khớp mốc #{agreed.event_id} ({agreed.source}), nên bị viết lại "
            f"trong khoảng sự kiện #{agreed.event_id + 1}–#{anchor.event_id}"
            if agreed is not None
            else f"nhật ký đã bị viết lại từ sự kiện #{anchor.event_id} trở về trước"
        )
        return ChainProblem(
            anchor.event_id if agreed is None else agreed.event_id + 1,
            f"Nhật ký không khớp mốc kiểm tra trong {anchor.source}: sự kiện #{anchor.event_id} "
            f"{state} so với lúc ghi mốc; {since}.",
        )
    return None


def _last_restore(session: Session) -> datetime | None:
    """When the chain was last replaced by a restore (None: never)."""
    return session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.entity == "backup", AuditEvent.action == "restore"
        )
    )
