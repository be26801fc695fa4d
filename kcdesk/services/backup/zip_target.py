"""A backup zip written to its target, a folder or a USB stick (ghi tệp sao lưu ra đích).

Straight into the target's temporary file (``safe_write.atomic_write``: hashed as it is
written, fsynced, renamed, read back to verify), each file read once (hashed as it is
zipped, ``archive.stream_archive``). Only a FAT32 stick that the unzipped files could
overflow gets the zip built in the work folder first, so that its real size is checked
before anything goes to the stick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from kcdesk.services.backup.archive import attachment_files, stream_archive, write_archive
from kcdesk.services.core import safe_write, volumes


def write_zip(
    copy: Path,
    files_root: Path,
    target: Path,
    work: Path,
    *,
    created_by: str,
    kind: str,
    note: str = "",
) -> tuple[dict[str, Any], str]:
    """Zip ``copy`` and the attachments into ``target`` atomically; (manifest, SHA-256).

    Refused (the copy's integrity check, too large for the stick) or failed, it leaves
    no ``.part`` file (the caller made it beforehand, owner-only)."""
    part = target.with_name(target.name + ".part")
    try:
        return _write(copy, files_root, target, work, created_by=created_by, kind=kind, note=note)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _write(
    copy: Path, files_root: Path, target: Path, work: Path, *, created_by: str, kind: str, note: str
) -> tuple[dict[str, Any], str]:
    sources = [copy, *attachment_files(files_root)]
    unzipped = sum(p.stat().st_size for p in sources)
    if unzipped > volumes.FAT32_MAX_FILE and volumes.is_fat(target.parent):
        built = work / "backup.zip"
        manifest = write_archive(
            copy, files_root, built, created_by=created_by, kind=kind, note=note
        )
        return manifest, safe_write.atomic_copy(built, target)
    written: dict[str, Any] = {}

    def write(handle: BinaryIO) -> None:
        manifest = stream_archive(
            copy, files_root, handle, created_by=created_by, kind=kind, note=note
        )
        written.update(manifest)

    return written, safe_write.atomic_write(target, write)
