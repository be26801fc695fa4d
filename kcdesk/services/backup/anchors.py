"""Anchors of the audit chain kept outside the database (mốc kiểm tra nhật ký).

Every backup manifest and every pack sent records the chain's head (event id and
hash), a submitted catalogue prints it as a check code. ``audit verify``, ``kcdesk
check`` and the audit view check the live chain against each anchor they can find:
the backups in the backups folder, and any backup, pack file or printed code given. Someone who rewrites events and recomputes their hashes with sqlite3 passes the
chain check itself, but not these: the anchored event no longer has its hash.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kcdesk import paths
from kcdesk.services.backup.archive import MANIFEST as BACKUP_MANIFEST
from kcdesk.services.core import audit, audit_restart, settings
from kcdesk.services.core.audit import ChainProblem
from kcdesk.services.core.audit_anchors import Anchor, parse_check_code, verify_anchors

PACK_MANIFEST = "manifest.json"
MAX_MANIFEST = 16 << 20


def _head(manifest: Any, source: str) -> Anchor | None:
    head = manifest.get("audit_head") if isinstance(manifest, dict) else None
    if not isinstance(head, dict):
        return None
    event_id, digest = head.get("event_id"), head.get("hash")
    if isinstance(event_id, int) and not isinstance(event_id, bool) and isinstance(digest, str):
        return Anchor(
            source=source, event_id=event_id, hash=digest, created=_utc(manifest.get("created_at"))
        )
    return None


def _utc(value: Any) -> datetime | None:
    """A manifest's ``created_at`` (a backup's local time with its offset, a pack's UTC
    with "Z") as naive UTC like the audit events' times; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def anchor_of(path: Path, *, own_office: str | None = None) -> Anchor | None:
    """The anchor in a backup file, or in a pack this PC sent (``own_office``); None when
    the file has none (an older file) or cannot be read."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name in (BACKUP_MANIFEST, PACK_MANIFEST):
                if name in names and zf.getinfo(name).file_size <= MAX_MANIFEST:
                    manifest = json.loads(zf.read(name).decode("utf-8"))
                    if name == PACK_MANIFEST:
                        sender = manifest.get("sender", {}) if isinstance(manifest, dict) else {}
                        if not isinstance(sender, dict) or sender.get("code") != own_office:
                            return None
                    kind = "bản sao lưu" if name == BACKUP_MANIFEST else "gói đã gửi"
                    return _head(manifest, f"{kind} {path.name}")
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, UnicodeDecodeError):
        return None
    return None


def known_anchors(
    extra: list[Path] | None = None, *, own_office: str | None = None, folder: Path | None = None
) -> list[Anchor]:
    """Anchors of the backups folder (automatic and manual backups) and ``extra`` files."""
    folder = folder or paths.backups_dir()
    files = sorted(folder.glob("*.zip")) if folder.is_dir() else []
    found = [anchor_of(f, own_office=own_office) for f in [*files, *(extra or [])]]
    return [a for a in found if a is not None]


@dataclass(frozen=True)
class AnchoredCheck:
    """The chain checked on its own and against the anchors known outside it."""

    problem: ChainProblem | None
    events: int
    anchors: int
    # Events up to this id checked without their key (an old PC's, after a restore).
    links_only_to: int | None = None

    @property
    def note(self) -> str:
        """What to add to "intact" when part of the chain was checked without its key."""
        return audit_restart.links_only_note(self.links_only_to) if self.links_only_to else ""

    @property
    def key_missing(self) -> bool:
        return self.problem is not None and self.problem.key_missing


def verify_with_anchors(
    session: Session,
    files: list[Path] | None = None,
    codes: list[str] | None = None,
    *,
    folder: Path | None = None,
) -> AnchoredCheck:
    """What ``audit verify``, ``kcdesk check`` and the audit view report: the chain
    (keyed hashes, links), then every anchor found — the backups folder, the backups
    and packs in ``files``, the printed check codes in ``codes`` (ValueError names a
    code that is not one)."""
    own = str(settings.get(session, "office.code"))
    known = known_anchors(list(files or []), own_office=own, folder=folder)
    for code in codes or []:
        try:
            known.append(parse_check_code(code))
        except ValueError as exc:
            raise ValueError(
                f"«{code}» không phải mã kiểm tra nhật ký (dạng #152 · 8C37-40CB-A7C0-4CDA)."
            ) from exc
    report = audit.check_chain(session)
    problem = report.problem
    if problem is None:
        problem = verify_anchors(session, known)
    return AnchoredCheck(
        problem=problem,
        events=audit.count_events(session),
        anchors=len(known),
        links_only_to=report.links_only_to if problem is None else None,
    )
