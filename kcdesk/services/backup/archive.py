"""The backup file (tệp sao lưu): one zip with the database, the attachments, a manifest.

Layout::

    kcdesk-backup.json            manifest: format, versions, time, SHA-256 of members
    database.sqlite               a consistent copy (SQLite online backup API)
    attachments/ab/abcd….bin      every file of the attachment store

Reading a backup checks everything before anything is used: it is a zip, the
manifest says it is a kcdesk backup, every member has its recorded SHA-256, the
database passes ``PRAGMA integrity_check`` and its schema version is one this
kcdesk knows. A plain kcdesk SQLite file (the automatic copy taken before a
migration) is accepted too, with the same database checks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import sqlite3
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from kcdesk import __version__
from kcdesk.models.db import _known_revision, backup_sqlite, sqlite_readonly_uri
from kcdesk.services.backup import sqlite_integrity
from kcdesk.services.core.errors import UserError

FORMAT = "kcdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "kcdesk-backup.json"
DATABASE_MEMBER = "database.sqlite"
ATTACHMENTS_PREFIX = "attachments/"
SQLITE_MAGIC = b"SQLite format 3\x00"
CHUNK = 1 << 20
# Threads checking an unpacked database's integrity (nothing else runs meanwhile).
RESTORE_CHECK_PARTS = 2
# Tables every kcdesk database has, whatever its schema version.
REQUIRED_TABLES = frozenset({"alembic_version", "proposal", "audit_event", "setting"})


class BackupRefused(UserError):
    """The file is not a usable kcdesk backup; nothing was changed."""


@dataclass
class CheckedBackup:
    """A backup that passed every check, unpacked into a work folder."""

    source: Path
    manifest: dict[str, Any]
    database: Path
    attachments: dict[str, Path] = field(default_factory=dict)

    @property
    def schema_revision(self) -> str:
        return str(self.manifest.get("schema_revision", ""))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# -- the database copy -------------------------------------------------------------
def database_facts(path: Path, *, parts: int = 1) -> dict[str, Any]:
    """Integrity, schema revision and counts of a SQLite file (raises BackupRefused).

    ``parts`` threads share the integrity check (``sqlite_integrity``): a restore, with
    nothing else to do meanwhile, checks on two."""
    try:
        conn = sqlite3.connect(sqlite_readonly_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise BackupRefused(f"Không mở được cơ sở dữ liệu trong bản sao lưu: {exc}.") from exc
    try:
        rows = sqlite_integrity.problems(path, conn, parts=parts)
        if rows != ["ok"]:
            detail = "; ".join(str(r) for r in rows[:3])
            raise BackupRefused(
                f"Cơ sở dữ liệu trong bản sao lưu bị hỏng (integrity_check: {detail})."
            )
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = REQUIRED_TABLES - tables
        if missing:
            raise BackupRefused(
                "Tệp này không phải cơ sở dữ liệu kcdesk (thiếu bảng "
                f"{', '.join(sorted(missing))}). Không khôi phục từ tệp lạ."
            )
        revision_row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        proposals = conn.execute("SELECT count(*) FROM proposal").fetchone()[0]
        head = conn.execute("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(
            f"Tệp không phải cơ sở dữ liệu SQLite hợp lệ hoặc đã hỏng ({exc})."
        ) from exc
    finally:
        conn.close()
    revision = revision_row[0] if revision_row else None
    if not revision or not known_revision(revision):
        raise BackupRefused(
            f"Bản sao lưu có lược đồ '{revision}' mà phiên bản kcdesk này không biết "
            "(có thể do phiên bản kcdesk mới hơn tạo ra). Hãy cập nhật kcdesk rồi khôi phục."
        )
    return {
        "schema_revision": revision,
        "proposals": int(proposals),
        "audit_head": {"event_id": int(head[0]), "hash": str(head[1])} if head else None,
    }


def known_revision(revision: str) -> bool:
    # Read from the migration files' revision lines (Alembic itself only when a file
    # is not in the plain form): loading Alembic's script directory compiles every
    # migration, a fixed 30 ms on each backup and restore.
    return _known_revision(revision)


def copy_database(source: Path, target: Path) -> None:
    """A consistent single-file copy of a live database (no -wal beside it)."""
    backup_sqlite(source, target)
    conn = sqlite3.connect(str(target))
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


# -- writing -----------------------------------------------------------------------
def attachment_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("*/*.bin") if p.is_file())


class _Forward:
    """A write-only view of a file, without seek: zipfile then writes each member once,
    front to back (its sizes and CRC in a data descriptor after it instead of going
    back to its header), so the bytes can be hashed as they go straight to the target."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def write(self, data: bytes) -> int:
        return self._handle.write(data)

    def flush(self) -> None:
        self._handle.flush()

    def close(self) -> None:
        """The caller owns the file (zipfile does not close a file it was given)."""


def _add_file(zf: zipfile.ZipFile, path: Path, name: str, *, deflate: bool) -> dict[str, Any]:
    """Add ``path`` as ``name``, hashing it in the same read; its manifest entry."""
    zinfo = zipfile.ZipInfo.from_file(path, name)
    zinfo.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    if deflate:
        zinfo._compresslevel = 1  # type: ignore[attr-defined]
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as src, zf.open(zinfo, "w") as dest:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dest.write(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def stream_archive(
    database_copy: Path,
    attachments_root: Path,
    handle: BinaryIO,
    *,
    created_by: str,
    kind: str,
    note: str = "",
) -> dict[str, Any]:
    """Write the backup zip into ``handle`` front to back; returns its manifest.

    Each file is read once (hashed as it is zipped). ``PRAGMA integrity_check`` of the
    copy runs meanwhile in a thread (SQLite and zlib release the GIL), and a copy that
    fails it raises BackupRefused before the manifest is written.
    """
    members: dict[str, dict[str, Any]] = {}
    damaged: list[str] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup-check") as pool:
        checking = pool.submit(database_facts, database_copy)
        with zipfile.ZipFile(_Forward(handle), "w", allowZip64=True) as zf:
            members[DATABASE_MEMBER] = _add_file(zf, database_copy, DATABASE_MEMBER, deflate=True)
            for path in attachment_files(attachments_root):
                name = f"{ATTACHMENTS_PREFIX}{path.parent.name}/{path.name}"
                # Scans and photos are compressed already: store them as they are.
                members[name] = _add_file(zf, path, name, deflate=False)
                if members[name]["sha256"] != path.stem:
                    # Keep the damaged file (evidence) but say so; integrity.check reports it.
                    damaged.append(path.stem)
            facts = checking.result()
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": __version__,
                "created_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                "created_by": created_by,
                "kind": kind,
                "note": note,
                "schema_revision": facts["schema_revision"],
                # The audit chain's head when the copy was taken: an anchor outside the
                # database that ``audit verify`` checks the live chain against.
                "audit_head": facts["audit_head"],
                "counts": {"proposals": facts["proposals"], "attachments": len(members) - 1},
                "damaged_attachments": damaged,
                "members": members,
            }
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def write_archive(
    database_copy: Path,
    attachments_root: Path,
    out: Path,
    *,
    created_by: str,
    kind: str,
    note: str = "",
) -> dict[str, Any]:
    """Write the zip ``out`` from a database copy and the attachment store."""
    with out.open("wb") as handle:
        return stream_archive(
            database_copy, attachments_root, handle, created_by=created_by, kind=kind, note=note
        )


# -- reading -----------------------------------------------------------------------
def _refuse_foreign(source: Path, why: str) -> BackupRefused:
    return BackupRefused(
        f"Tệp {source.name} không phải bản sao lưu kcdesk ({why}). Không có gì bị thay đổi."
    )


def _extract_checked(zf: zipfile.ZipFile, name: str, expected: str, target: Path) -> None:
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    with zf.open(name) as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != expected:
        raise BackupRefused(
            f"Bản sao lưu bị hỏng: '{name}' không khớp mã kiểm tra SHA-256. Không có gì bị "
            "thay đổi; hãy dùng một bản sao lưu khác."
        )


_ATTACHMENT_NAME = re.compile(r"^attachments/([0-9a-f]{2})/([0-9a-f]{64})\.bin$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def _check_members(source: Path, zf: zipfile.ZipFile, members: Any) -> None:
    """The archive's structure, before anything is unpacked: only member names of the
    stored form (``database.sqlite``, ``attachments/ab/ab….bin``), each once, each with a
    SHA-256 in the manifest, nothing else in the zip. A crafted name such as
    ``attachments/../../x`` can then never become a path outside the work folder."""

    def refuse(detail: str) -> BackupRefused:
        return BackupRefused(
            f"Bản sao lưu {source.name} không hợp lệ: {detail}. Không có gì bị thay đổi."
        )

    if not isinstance(members, dict):
        raise refuse("bản kê sai dạng")
    for name, info in members.items():
        match = _ATTACHMENT_NAME.match(name) if isinstance(name, str) else None
        if name != DATABASE_MEMBER and (match is None or match.group(1) != match.group(2)[:2]):
            raise refuse(f"thành phần tên lạ {str(name)[:80]!r}")
        if not isinstance(info, dict) or not _HEX64.match(str(info.get("sha256", ""))):
            raise refuse(f"thành phần {name} thiếu mã SHA-256")
    names = zf.namelist()
    if len(names) != len(set(names)):
        raise refuse("có thành phần xuất hiện hai lần")
    extra = sorted(set(names) - set(members) - {MANIFEST})
    if extra:
        raise refuse(f"có thành phần ngoài bản kê ({extra[0][:80]!r})")


def check_archive(source: Path, work: Path) -> CheckedBackup:
    """Check ``source`` fully and unpack it into ``work`` (raises BackupRefused)."""
    if not source.is_file():
        raise BackupRefused(f"Không tìm thấy tệp sao lưu {source}.")
    try:
        with source.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupRefused(f"Không đọc được tệp {source.name}: {exc.strerror}.") from exc
    work.mkdir(parents=True, exist_ok=True)
    if head == SQLITE_MAGIC:
        return _check_plain_database(source, work)
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse_foreign(source, "không đọc được như tệp nén zip") from exc
    with zf:
        try:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
        except KeyError as exc:
            raise _refuse_foreign(source, "không có bản kê kcdesk-backup.json") from exc
        except (ValueError, zipfile.BadZipFile, OSError) as exc:
            raise BackupRefused(
                f"Bản sao lưu {source.name} bị hỏng: không đọc được bản kê ({exc})."
            ) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _refuse_foreign(source, "bản kê không phải của kcdesk")
        version = manifest.get("format_version", 0)
        if not isinstance(version, int) or isinstance(version, bool):
            raise _refuse_foreign(source, "không rõ phiên bản định dạng")
        if version > FORMAT_VERSION:
            raise BackupRefused(
                f"Bản sao lưu {source.name} do phiên bản kcdesk mới hơn tạo ra; "
                "hãy cập nhật kcdesk rồi khôi phục."
            )
        members: dict[str, dict[str, Any]] = manifest.get("members", {})
        _check_members(source, zf, members)
        if DATABASE_MEMBER not in members:
            raise _refuse_foreign(source, "không có cơ sở dữ liệu")
        names = set(zf.namelist())
        missing = sorted(set(members) - names)
        if missing:
            raise BackupRefused(
                f"Bản sao lưu {source.name} thiếu {len(missing)} tệp (ví dụ {missing[0]}): "
                "tệp bị cắt cụt hoặc đã bị sửa. Không có gì bị thay đổi."
            )
        checked = CheckedBackup(source=source, manifest=manifest, database=work / "database.sqlite")
        try:
            _extract_checked(
                zf, DATABASE_MEMBER, members[DATABASE_MEMBER]["sha256"], checked.database
            )
            for name, info in members.items():
                if not name.startswith(ATTACHMENTS_PREFIX):
                    continue
                target = work / name
                _extract_checked(zf, name, info["sha256"], target)
                checked.attachments[info["sha256"]] = target
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise BackupRefused(
                f"Bản sao lưu {source.name} bị hỏng hoặc bị cắt cụt ({exc}). "
                "Không có gì bị thay đổi; hãy dùng một bản sao lưu khác."
            ) from exc
    facts = database_facts(checked.database, parts=RESTORE_CHECK_PARTS)
    if facts["schema_revision"] != manifest.get("schema_revision"):
        raise BackupRefused(
            f"Bản sao lưu {source.name} không nhất quán: bản kê và cơ sở dữ liệu khác phiên bản."
        )
    return checked


def _check_plain_database(source: Path, work: Path) -> CheckedBackup:
    target = work / "database.sqlite"
    try:
        # Through the backup API, so a -wal beside a live copy is taken into account.
        copy_database(source, target)
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"Tệp {source.name} là SQLite nhưng bị hỏng ({exc}).") from exc
    facts = database_facts(target, parts=RESTORE_CHECK_PARTS)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": "plain_sqlite",
        "schema_revision": facts["schema_revision"],
        "counts": {"proposals": facts["proposals"], "attachments": 0},
        "members": {},
    }
    return CheckedBackup(source=source, manifest=manifest, database=target)


def remove_tree(path: Path) -> None:
    with contextlib.suppress(OSError):
        shutil.rmtree(path)


# -- whose data ------------------------------------------------------------------------
ORGANISATION_KEYS = ("org.centre_name", "org.province")


def organisation_of(path: Path) -> dict[str, str]:
    """The Centre's name and province recorded in a kcdesk SQLite file (its settings;
    the defaults where a key was never changed)."""
    from kcdesk.services.core.settings import DEFAULTS

    out = {key: str(DEFAULTS.get(key, "")) for key in ORGANISATION_KEYS}
    try:
        conn = sqlite3.connect(sqlite_readonly_uri(path), uri=True)
        try:
            rows = conn.execute(
                "SELECT key, value FROM setting WHERE key IN (?, ?)", ORGANISATION_KEYS
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return out
    for key, value in rows:
        with contextlib.suppress(ValueError, TypeError):
            out[key] = str(json.loads(value))
    return out


def describe_organisation(org: dict[str, str]) -> str:
    return f"{org['org.centre_name']} (tỉnh {org['org.province']})"
