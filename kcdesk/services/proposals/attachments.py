"""Content-addressed store of attached files (hồ sơ, ảnh, biên bản scan).

A file is kept once under ``attachments/ab/abcdef….bin`` by its SHA-256, so the same
scan attached twice takes no extra room, and any later corruption is detectable.

On a PostgreSQL server the per-user folder is only this PC's cache: the file is also
kept in the database's ``attachment_blob`` table, where every workstation finds it
(docs/server.md). ``verify`` and ``local_path`` given a session read from there.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk import paths
from kcdesk.formatting.units import format_size
from kcdesk.models.blobs import AttachmentBlob
from kcdesk.models.db import Database
from kcdesk.services.core import os_errors
from kcdesk.services.core.errors import ValidationError

CHUNK = 1 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class StoredFile:
    hash: str
    size: int
    name: str


def store_root(root: Path | None = None) -> Path:
    return root if root is not None else paths.attachments_dir()


def is_valid_hash(file_hash: str | None) -> bool:
    return isinstance(file_hash, str) and bool(_HEX64.match(file_hash))


def path_for(file_hash: str, root: Path | None = None) -> Path:
    """Where a file of that hash is stored. Only a SHA-256 in hex names a file here:
    anything else (``../x``, an absolute path from a crafted pack) is refused before
    it can become a path outside the store."""
    if not _HEX64.match(file_hash or ""):
        raise ValidationError(f"Mã tệp đính kèm không hợp lệ: {str(file_hash)[:80]!r}.")
    return store_root(root) / file_hash[:2] / f"{file_hash}.bin"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def shared_in_database(session: Session) -> bool:
    """Files live in the database on a server, in the per-user folder on SQLite."""
    return session.get_bind().dialect.name != "sqlite"


def upload(session: Session, file_hash: str, root: Path | None = None) -> None:
    """Put a stored file into the database's blob table (once per hash)."""
    if session.get(AttachmentBlob, file_hash) is not None:
        return
    data = path_for(file_hash, root).read_bytes()
    if hashlib.sha256(data).hexdigest() != file_hash:
        raise ValidationError("Tệp đính kèm thay đổi trong khi lưu; hãy đính kèm lại.")
    session.add(AttachmentBlob(hash=file_hash, size=len(data), data=data))
    session.flush()


def store_file(
    source: Path,
    *,
    max_bytes: int | None = None,
    root: Path | None = None,
    db: Database | None = None,
) -> StoredFile:
    """Copy ``source`` into the store (hash checked after copying); refuse bad files.

    With ``db`` a server database, the file is also put where every workstation
    reads it (the blob table), committed at once: the record naming it comes later.
    """
    stored = _store_local(source, max_bytes=max_bytes, root=root)
    if db is not None and db.is_server:
        with db.session() as session:
            upload(session, stored.hash, root)
    return stored


def store_file_in(
    session: Session, source: Path, *, max_bytes: int | None = None, root: Path | None = None
) -> StoredFile:
    """``store_file`` inside the caller's transaction (the blob commits with the record)."""
    stored = _store_local(source, max_bytes=max_bytes, root=root)
    if shared_in_database(session):
        upload(session, stored.hash, root)
    return stored


def _store_local(
    source: Path, *, max_bytes: int | None = None, root: Path | None = None
) -> StoredFile:
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise ValidationError(f"Không đọc được tệp {source.name}: {exc.strerror}.") from exc
    if not source.is_file():
        raise ValidationError(f"{source.name} không phải là tệp.")
    if max_bytes is not None and size > max_bytes:
        raise ValidationError(
            f"Tệp {source.name} nặng {format_size(size)}, vượt giới hạn "
            f"{max_bytes / 1_048_576:.0f} MB. Hãy quét lại với độ phân giải thấp hơn."
        )
    base = store_root(root)
    base.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=base, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        file_hash = digest.hexdigest()
        target = path_for(file_hash, root)
        if target.exists() and sha256_file(target) == file_hash:
            os.unlink(tmp_name)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os_errors.replace(tmp_name, target)
    except OSError as exc:
        Path(tmp_name).unlink(missing_ok=True)
        raise ValidationError(f"Không đọc được tệp {source.name}: {exc.strerror}.") from exc
    if sha256_file(target) != file_hash:
        raise ValidationError(f"Tệp {source.name} thay đổi trong khi sao chép; hãy thử lại.")
    return StoredFile(hash=file_hash, size=size, name=source.name)


def store_bytes(data: bytes, name: str, root: Path | None = None) -> StoredFile:
    file_hash = hashlib.sha256(data).hexdigest()
    target = path_for(file_hash, root)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        os_errors.replace(tmp, target)
    return StoredFile(hash=file_hash, size=len(data), name=name)


def verify(file_hash: str, root: Path | None = None, session: Session | None = None) -> bool:
    """True when the stored file exists and still has its hash (in the database on
    a server, when ``session`` is given; in this PC's store otherwise). False for a
    hash that is not a SHA-256 in hex: no such file can be in the store."""
    if not is_valid_hash(file_hash):
        return False
    if session is not None and shared_in_database(session):
        data = session.scalar(select(AttachmentBlob.data).where(AttachmentBlob.hash == file_hash))
        return data is not None and hashlib.sha256(data).hexdigest() == file_hash
    target = path_for(file_hash, root)
    return target.is_file() and sha256_file(target) == file_hash


def local_path(file_hash: str, session: Session | None = None, root: Path | None = None) -> Path:
    """This PC's copy of a stored file, fetched from the database on a server."""
    target = path_for(file_hash, root)
    if session is not None and shared_in_database(session) and not verify(file_hash, root):
        data = session.scalar(select(AttachmentBlob.data).where(AttachmentBlob.hash == file_hash))
        if data is not None:
            store_bytes(bytes(data), target.name, root)
    return target


def export_to(file_hash: str, destination: Path, root: Path | None = None) -> Path:
    shutil.copyfile(path_for(file_hash, root), destination)
    return destination
