"""Reading a pack: verify everything before anything is trusted (docs/exchange-format.md).

Order: the zip end record and its seal are present; the manifest parses and names a
format this kcdesk reads; the signing office is known here; the seal (HMAC over the
whole file) and the manifest signature match its key; the members are exactly the
manifest's, in order; each member's size and SHA-256 match. Any failure raises
``PackRefused`` with the reason; the database is never touched by this module.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from kcdesk.services.exchange import errors as E
from kcdesk.services.exchange.errors import PackRefused
from kcdesk.services.exchange.pack_writer import (
    CHUNK,
    EOCD_SIZE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SEAL_SIZE,
    SIGNATURE,
)

MAX_MANIFEST = 64 << 20
# One member's size (a scan is capped at attachment.max_mb when stored; a records
# member of 100,000 proposals is well under this): a bigger one is refused unread.
MAX_MEMBER = 2 << 30
RECORD_MEMBERS = (
    "records/facilities.jsonl",
    "records/proposals.jsonl",
    "records/appraisals.jsonl",
    "records/events.jsonl",
)
# Records members kept in memory from their verification up to this many bytes in all
# (a pack of ~10,000 proposals): what is imported is then the very bytes whose hash
# was checked, and they are not inflated from the zip a second time (~50 ms of a
# 5,000-proposal import). A larger pack's members are read again from the file.
KEEP_BYTES = 64 << 20
_ATTACHMENT = re.compile(r"^attachments/[0-9a-f]{64}$")
# Everything zipfile or json may raise on a damaged archive.
_DAMAGE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    struct.error,
    ValueError,
    KeyError,
    NotImplementedError,
    OverflowError,
    UnicodeDecodeError,
    RuntimeError,
    TypeError,
    IndexError,
)

KeyLookup = Callable[[str], str | None]


def _corrupt(name: str, detail: str = "") -> PackRefused:
    extra = f" ({detail})" if detail else ""
    return PackRefused(
        E.CORRUPT,
        f"Gói {name} bị hỏng hoặc bị cắt cụt: không đọc được cấu trúc tệp{extra}. "
        "Hãy chép lại gói từ máy gửi.",
    )


def _read_seal(path: Path) -> str:
    size = path.stat().st_size
    if size < EOCD_SIZE + SEAL_SIZE:
        raise _corrupt(path.name, "tệp quá ngắn")
    with path.open("rb") as handle:
        handle.seek(size - EOCD_SIZE - SEAL_SIZE)
        tail = handle.read(EOCD_SIZE + SEAL_SIZE)
        handle.seek(size - EOCD_SIZE)
        last = handle.read(EOCD_SIZE)
    eocd, seal = tail[:EOCD_SIZE], tail[EOCD_SIZE:]
    if last[:4] == b"PK\x05\x06" and last[20:22] == b"\0\0":
        raise PackRefused(
            E.UNSIGNED,
            f"Gói {path.name} chưa được ký (không có dấu niêm phong): không rõ nguồn gốc.",
        )
    if eocd[:4] != b"PK\x05\x06" or int.from_bytes(eocd[20:22], "little") != SEAL_SIZE:
        raise _corrupt(path.name, "thiếu phần cuối của tệp zip")
    try:
        text = seal.decode("ascii")
        bytes.fromhex(text)
    except ValueError as exc:
        raise _corrupt(path.name, "dấu niêm phong không đọc được") from exc
    return text


def _file_mac(path: Path, key: bytes) -> str:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    remaining = path.stat().st_size - SEAL_SIZE
    with path.open("rb") as handle:
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            mac.update(chunk)
            remaining -= len(chunk)
    return mac.hexdigest()


class VerifiedPack:
    """An open, fully verified pack. Use as a context manager."""

    def __init__(
        self,
        path: Path,
        archive: zipfile.ZipFile,
        manifest: dict[str, Any],
        kept: dict[str, bytes] | None = None,
    ) -> None:
        self.path = path
        self._zip = archive
        self.manifest = manifest
        # Members as they were verified (``KEEP_BYTES``), by name.
        self._kept = kept or {}

    def __enter__(self) -> VerifiedPack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._kept = {}

    @property
    def member_names(self) -> list[str]:
        return [str(m["name"]) for m in self.manifest["members"]]

    def iter_lines(self, name: str) -> Iterator[dict[str, Any]]:
        """Records of a JSON-lines member, one at a time (empty if absent)."""
        if name not in self.member_names:
            return
        with self.open_member(name) as raw:
            for number, line in enumerate(raw, start=1):
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    raise PackRefused(
                        E.BAD_RECORD, f"Dòng {number} của {name} không đọc được."
                    ) from exc
                if not isinstance(row, dict):
                    raise PackRefused(E.BAD_RECORD, f"Dòng {number} của {name} sai dạng.")
                yield row

    def iter_raw(self, name: str) -> Iterator[bytes]:
        """The raw lines of a JSON-lines member (read 1 MB at a time; empty if absent)."""
        if name not in self.member_names:
            return
        kept = self._kept.get(name)
        if kept is not None:
            yield from (line for line in kept.split(b"\n") if line)
            return
        pending = b""
        with self._zip.open(name) as handle:
            while chunk := handle.read(CHUNK):
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                yield from (line for line in lines if line)
        if pending:
            yield pending

    def open_member(self, name: str) -> IO[bytes]:
        kept = self._kept.get(name)
        return io.BytesIO(kept) if kept is not None else self._zip.open(name)


def open_pack(path: Path, key_for: KeyLookup) -> VerifiedPack:
    """Verify ``path`` completely and return it open; raise PackRefused otherwise."""
    path = Path(path)
    if not path.is_file():
        raise PackRefused(E.CORRUPT, f"Không tìm thấy tệp gói {path.name}.")
    seal = _read_seal(path)
    try:
        archive = zipfile.ZipFile(path)
    except (*_DAMAGE, OSError) as exc:
        raise _corrupt(path.name, str(exc)) from exc
    try:
        manifest, manifest_bytes = _read_manifest(path, archive)
        key = _key(manifest, key_for)
        if not hmac.compare_digest(_file_mac(path, key), seal):
            raise PackRefused(
                E.BAD_SIGNATURE,
                f"Chữ ký của gói {path.name} không khớp: gói đã bị sửa sau khi ký, hoặc "
                f"không được ký bằng khóa của đơn vị {manifest['office']}.",
            )
        _check_signature(path, archive, key, manifest_bytes)
        kept = _check_members(path, archive, manifest)
    except BaseException:
        archive.close()
        raise
    return VerifiedPack(path, archive, manifest, kept)


def _read_manifest(path: Path, archive: zipfile.ZipFile) -> tuple[dict[str, Any], bytes]:
    names = archive.namelist()
    if SIGNATURE not in names:
        raise PackRefused(E.UNSIGNED, f"Gói {path.name} chưa được ký (thiếu chữ ký).")
    if MANIFEST not in names:
        raise PackRefused(E.MEMBERS, f"Gói {path.name} thiếu bản kê khai (manifest.json).")
    try:
        info = archive.getinfo(MANIFEST)
        if info.file_size > MAX_MANIFEST:
            raise _corrupt(path.name, "bản kê khai quá lớn")
        data = archive.read(MANIFEST)
        manifest = json.loads(data)
    except PackRefused:
        raise
    except _DAMAGE as exc:
        raise _corrupt(path.name, "bản kê khai không đọc được") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _corrupt(path.name, "không phải gói trao đổi kcdesk")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise _corrupt(path.name, "không rõ phiên bản định dạng")
    if version > FORMAT_VERSION:
        raise PackRefused(
            E.TOO_NEW,
            f"Gói {path.name} dùng định dạng phiên bản {version}, mới hơn phiên bản "
            f"{FORMAT_VERSION} mà kcdesk này đọc được. Hãy cập nhật kcdesk.",
        )
    if not isinstance(manifest.get("office"), str) or not isinstance(manifest.get("members"), list):
        raise _corrupt(path.name, "bản kê khai thiếu thông tin")
    return manifest, data


def _key(manifest: dict[str, Any], key_for: KeyLookup) -> bytes:
    office = str(manifest["office"])
    secret = key_for(office)
    if not secret:
        raise PackRefused(
            E.UNKNOWN_OFFICE,
            f"Gói được ký bằng khóa của đơn vị {office}, đơn vị này chưa được đăng ký "
            "trên máy này (hoặc chưa có khóa trao đổi).",
        )
    return bytes.fromhex(secret)


def _check_signature(path: Path, archive: zipfile.ZipFile, key: bytes, data: bytes) -> None:
    try:
        signature = archive.read(SIGNATURE).decode("ascii").strip()
    except _DAMAGE as exc:
        raise _corrupt(path.name, "chữ ký không đọc được") from exc
    expected = hmac.new(key, data, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(signature, expected):
        raise PackRefused(E.BAD_SIGNATURE, f"Chữ ký bản kê khai của gói {path.name} không khớp.")


def _check_listing(path: Path, manifest: dict[str, Any]) -> None:
    """The manifest's member list: each entry well-formed, of the stored name forms
    (``records/<known>.jsonl``, ``attachments/<sha256>``), none twice, none too big."""
    seen: set[str] = set()
    for entry in manifest["members"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        if (
            not isinstance(name, str)
            or isinstance(entry.get("size"), bool)
            or not isinstance(entry.get("size"), int)
            or not isinstance(entry.get("sha256"), str)
        ):
            raise PackRefused(E.MEMBERS, f"Bản kê khai của gói {path.name} có mục sai dạng.")
        if name not in RECORD_MEMBERS and not _ATTACHMENT.match(name):
            raise PackRefused(E.MEMBERS, f"Gói {path.name} có thành phần tên lạ: {name[:80]!r}.")
        if name in seen:
            raise PackRefused(E.MEMBERS, f"Gói {path.name} có thành phần {name} hai lần.")
        seen.add(name)
        if not 0 <= entry["size"] <= MAX_MEMBER:
            raise PackRefused(
                E.MEMBERS,
                f"Thành phần {name} của gói {path.name} quá lớn (tối đa {MAX_MEMBER >> 20} MB).",
            )
    for field in ("sender", "recipient"):
        value = manifest.get(field, {})
        if not isinstance(value, dict) or not isinstance(value.get("code", ""), str):
            raise _corrupt(path.name, f"bản kê khai: «{field}» sai dạng")
    for field in ("kind", "province", "pack_uuid", "created_at", "scope"):
        if not isinstance(manifest.get(field, ""), str):
            raise _corrupt(path.name, f"bản kê khai: «{field}» sai dạng")


def _check_members(
    path: Path, archive: zipfile.ZipFile, manifest: dict[str, Any]
) -> dict[str, bytes]:
    """Each member is the manifest's, of its size and SHA-256; returns the records
    members kept as they were checked (``KEEP_BYTES``)."""
    _check_listing(path, manifest)
    listed = manifest["members"]
    expected = [str(m.get("name")) for m in listed] + [MANIFEST, SIGNATURE]
    actual = archive.namelist()
    if actual != expected:
        extra = sorted(set(actual) - set(expected))
        missing = sorted(set(expected) - set(actual))
        detail = (
            f"thừa {', '.join(extra)}"
            if extra
            else f"thiếu {', '.join(missing)}"
            if missing
            else "thứ tự hoặc số lần xuất hiện không đúng"
        )
        raise PackRefused(
            E.MEMBERS, f"Các thành phần của gói {path.name} không khớp bản kê khai: {detail}."
        )
    kept: dict[str, bytes] = {}
    room = KEEP_BYTES
    for entry in listed:
        name = str(entry["name"])
        try:
            info = archive.getinfo(name)
            if info.file_size != entry.get("size"):
                raise PackRefused(
                    E.ALTERED, f"Thành phần {name} của gói đã bị thay đổi kích thước."
                )
            digest = hashlib.sha256()
            with archive.open(info) as handle:
                if name in RECORD_MEMBERS and room >= info.file_size:
                    data = handle.read()
                    digest.update(data)
                    kept[name] = data
                    room -= len(data)
                else:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
        except PackRefused:
            raise
        except _DAMAGE as exc:
            raise PackRefused(E.ALTERED, f"Thành phần {name} của gói bị hỏng ({exc}).") from exc
        if digest.hexdigest() != entry.get("sha256"):
            raise PackRefused(
                E.ALTERED, f"Thành phần {name} của gói đã bị sửa (mã băm SHA-256 không khớp)."
            )
    return kept
