"""Anchors of the audit chain kept outside the database (mốc kiểm tra nhật ký).

Every backup manifest and every pack sent records the chain's head (event id and
hash). ``audit verify`` checks the live chain against each anchor it can find: the
backups in the backups folder, and any backup or pack file named on the command
line. Someone who rewrites events and recomputes their hashes with sqlite3 passes the
chain check itself, but not these: the anchored event no longer has its hash.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from kcdesk import paths
from kcdesk.services.backup.archive import MANIFEST as BACKUP_MANIFEST
from kcdesk.services.core.audit import Anchor

PACK_MANIFEST = "manifest.json"
MAX_MANIFEST = 16 << 20


def _head(manifest: Any, source: str) -> Anchor | None:
    head = manifest.get("audit_head") if isinstance(manifest, dict) else None
    if not isinstance(head, dict):
        return None
    event_id, digest = head.get("event_id"), head.get("hash")
    if isinstance(event_id, int) and not isinstance(event_id, bool) and isinstance(digest, str):
        return Anchor(source=source, event_id=event_id, hash=digest)
    return None


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
