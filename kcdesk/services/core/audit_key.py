"""The audit chain's key (khóa nhật ký): an HMAC secret kept outside the database.

Someone with sqlite3 can rewrite events and recompute plain SHA-256 hashes; an
HMAC-SHA256 with a secret the database file does not hold cannot be recomputed.
The secret lives in the key store (``paths.keys_dir()``, owner-only files like the
exchange key files): ``audit-<key id>.key``, JSON with the secret and the databases
this PC has seen keyed with it. The key id (a hash of the secret, not the secret) is
what the chain records in its "key switched on" event; backups never hold the file.
On a PostgreSQL server every workstation needs the same file: the administrator
exports it on one PC and imports it on the others (docs/server.md#audit-key).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL

from kcdesk import paths
from kcdesk.services.core import output_path
from kcdesk.services.core.errors import UserError
from kcdesk.services.core.safe_write import atomic_write_bytes

KEY_FORMAT = "kcdesk-audit-key"
KEY_VERSION = 1
_SECRET_BYTES = 32
_MAX_FILE = 64 << 10
# A key file is read again only when it changed: a chain appends thousands of events
# in an import. Keyed by path (each data folder has its own store).
_cache: dict[Path, tuple[int, bytes]] = {}


class AuditKeyMissing(UserError):
    """The chain names a key this PC's key store does not hold."""


@dataclass
class AuditKey:
    """A key file's content: the secret and the databases it was bound to here."""

    secret: bytes
    databases: list[str] = field(default_factory=list)

    @property
    def key_id(self) -> str:
        return key_id_of(self.secret)


def key_id_of(secret: bytes) -> str:
    """A public name for a secret (16 hex digits); it does not reveal the secret."""
    return hashlib.sha256(b"kcdesk-audit-key-id:" + secret).hexdigest()[:16]


_KEY_ID = re.compile(r"[0-9a-f]{16}")


def valid_key_id(key_id: str) -> bool:
    return bool(_KEY_ID.fullmatch(key_id))


def key_path(key_id: str) -> Path:
    """The key file of ``key_id``; an id not of the form ``key_id_of`` gets a fixed name
    that cannot be a path elsewhere: a crafted event never reads another file."""
    if not _KEY_ID.fullmatch(key_id):
        key_id = "khong-hop-le"
    return paths.keys_dir() / f"audit-{key_id}.key"


def database_identity(url: URL) -> str:
    """The database a binding names: an SQLite file's full path, or a server's
    ``postgresql://host:port/name`` (never the password)."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:":
            return "sqlite:memory"
        return "sqlite:" + str(Path(database).resolve())
    return f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"


def _parse(data: bytes, origin: str) -> AuditKey:
    try:
        if len(data) > _MAX_FILE:
            raise ValueError("size")
        content = json.loads(data.decode("utf-8"))
        if content.get("format") != KEY_FORMAT:
            raise ValueError("format")
        secret = bytes.fromhex(str(content["secret"]))
        if len(secret) != _SECRET_BYTES:
            raise ValueError("secret")
        databases = [str(d) for d in content.get("databases", []) if isinstance(d, str)]
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise UserError(
            f"{origin} không phải tệp khóa nhật ký của kcdesk (hỏng hoặc sai loại tệp)."
        ) from exc
    return AuditKey(secret=secret, databases=databases)


def _write(key: AuditKey, target: Path) -> None:
    content = {
        "format": KEY_FORMAT,
        "version": KEY_VERSION,
        "key_id": key.key_id,
        "secret": key.secret.hex(),
        "databases": sorted(set(key.databases)),
    }
    data = json.dumps(content, ensure_ascii=False, indent=2).encode("utf-8")
    target = output_path.check_output(target)
    # A secret: readable by its owner only, from the first byte.
    output_path.prepare_private(target)
    atomic_write_bytes(target, data)
    output_path.make_private(target)


def _store() -> Path:
    folder = paths.keys_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
    return folder


def read_key(key_id: str) -> AuditKey | None:
    """The key file of ``key_id`` in the key store, None when there is none."""
    path = key_path(key_id)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuditKeyMissing(
            f"Không đọc được khóa nhật ký {path}: {exc.strerror}. Hãy kiểm tra quyền đọc tệp."
        ) from exc
    key = _parse(data, str(path))
    if key.key_id != key_id:
        raise AuditKeyMissing(f"Tệp khóa nhật ký {path} chứa một khóa khác: hãy nhập lại khóa.")
    return key


def secret_for(key_id: str) -> bytes:
    """The secret of ``key_id``; AuditKeyMissing (one line: what, where) without it."""
    path = key_path(key_id)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    key = read_key(key_id)
    if key is None:
        raise AuditKeyMissing(missing_message(key_id))
    _cache[path] = (stamp, key.secret)
    return key.secret


def missing_message(key_id: str) -> str:
    return (
        f"Thiếu khóa nhật ký {key_id} trên máy này: cần tệp {key_path(key_id)}. Hãy nhập "
        "khóa bằng 'kcdesk audit key import TỆP' (tệp do quản trị viên xuất ra từ máy có khóa)."
    )


def bound_key_ids(identity: str) -> list[str]:
    """Keys this PC has seen the database ``identity`` keyed with."""
    folder = paths.keys_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("audit-*.key")):
        with contextlib.suppress(UserError, OSError):
            key = _parse(path.read_bytes(), str(path))
            if identity in key.databases:
                found.append(key.key_id)
    return found


def bind(key_id: str, identity: str) -> None:
    """Remember in the key store that ``identity``'s chain is keyed with ``key_id``."""
    key = read_key(key_id)
    if key is None or identity in key.databases:
        return
    key.databases.append(identity)
    _write(key, key_path(key_id))


def rebind(identity: str, key_id: str | None) -> None:
    """Bind ``identity`` to ``key_id`` only (a restore replaced its chain)."""
    folder = paths.keys_dir()
    for path in sorted(folder.glob("audit-*.key")) if folder.is_dir() else []:
        with contextlib.suppress(UserError, OSError):
            key = _parse(path.read_bytes(), str(path))
            if identity in key.databases and key.key_id != key_id:
                key.databases.remove(identity)
                _write(key, path)
    if key_id is not None:
        bind(key_id, identity)


def create_key(identity: str) -> str:
    """A new secret in the key store, bound to ``identity``; its key id."""
    key = AuditKey(secret=secrets.token_bytes(_SECRET_BYTES), databases=[identity])
    _store()
    _write(key, key_path(key.key_id))
    return key.key_id


def export_key(key_id: str, target: Path) -> None:
    """Copy the key to ``target`` (owner-only) for another workstation."""
    key = read_key(key_id)
    if key is None:
        raise AuditKeyMissing(missing_message(key_id))
    _write(AuditKey(secret=key.secret), Path(target))


def import_key(source: Path, identity: str, *, expected: list[str] | None = None) -> str:
    """Put the key in ``source`` into this PC's key store, bound to ``identity``;
    ``expected``: the key ids the chain names (another key is refused)."""
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise UserError(f"Không đọc được tệp khóa {source}: {exc.strerror}.") from exc
    key = _parse(data, str(source))
    if expected is not None and key.key_id not in expected:
        raise UserError(
            f"Tệp {source} chứa khóa {key.key_id}, còn nhật ký của cơ sở dữ liệu này dùng "
            f"khóa {', '.join(expected)}: hãy xuất khóa từ máy làm việc với cùng cơ sở dữ liệu."
        )
    existing = read_key(key.key_id)
    if existing is not None:
        key.databases = existing.databases
    if identity not in key.databases:
        key.databases.append(identity)
    _store()
    _write(key, key_path(key.key_id))
    return key.key_id
