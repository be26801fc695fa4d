"""A workstation's connection to the Centre's PostgreSQL server (kết nối máy chủ).

The connection form (host, port, database, user) is checked here, remembered —
without any password — in the workstation's own settings file
(``may-tram.json`` in the per-user data folder) and used again at the next start.
The password comes from the user's pgpass file (read by the driver), from the OS
keyring (``server_password``), or is typed once and then kept in the keyring.

Every failure is one Vietnamese line that says what to fix: a refused connection,
an unreachable host, a wrong or missing password, an unknown database, and (from
``models.db``) a schema older or newer than this version. The password never
appears in a message, a log line or the settings file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from kcdesk import paths
from kcdesk.models.db import Database, DatabaseError, make_engine, open_database, scrub
from kcdesk.services.core.errors import UserError
from kcdesk.services.setup import server_password
from kcdesk.text import nfc

log = logging.getLogger(__name__)

DEFAULT_PORT = 5432
SETTINGS_FILE = "may-tram.json"


class ConnectionRefused(UserError):
    """The server could not be used; ``needs_password`` when typing one may help."""

    def __init__(self, message: str, *, needs_password: bool = False) -> None:
        super().__init__(message)
        self.needs_password = needs_password


@dataclass(frozen=True)
class ServerConnection:
    """Where the Centre's database is: máy chủ, cổng, cơ sở dữ liệu, người dùng."""

    host: str
    port: int
    database: str
    user: str

    def url(self, password: str | None = None) -> str:
        """The driver URL; with ``password`` only for the moment of connecting."""
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)

    def display(self) -> str:
        return f"máy chủ {self.host}:{self.port}, cơ sở dữ liệu {self.database}, người dùng {self.user}"


def parse(host: str, port: str, database: str, user: str) -> ServerConnection:
    """The form's fields as a connection; a one-line refusal names the field to fix."""
    host, database, user = (nfc(v).strip() for v in (host, database, user))
    port = port.strip()
    if not host:
        raise UserError(
            "Hãy nhập tên hoặc địa chỉ IP của máy chủ (ví dụ maychu hoặc 192.168.1.10)."
        )
    if any(c in host for c in " /@:?#"):
        raise UserError(f"Tên máy chủ «{host}» không hợp lệ: chỉ nhập tên hoặc địa chỉ IP.")
    if not port:
        number = DEFAULT_PORT
    elif not port.isdigit() or not 1 <= int(port) <= 65535:
        raise UserError(f"Cổng «{port}» không hợp lệ: nhập một số từ 1 đến 65535 (thường là 5432).")
    else:
        number = int(port)
    if not database:
        raise UserError(
            "Hãy nhập tên cơ sở dữ liệu trên máy chủ (quản trị viên cho biết, ví dụ kcdesk)."
        )
    if not user:
        raise UserError("Hãy nhập tên người dùng của máy chủ (quản trị viên cho biết).")
    return ServerConnection(host, number, database, user)


# -- the workstation's settings file -------------------------------------------------


def settings_path() -> Path:
    return paths.data_dir() / SETTINGS_FILE


def remembered() -> ServerConnection | None:
    """The connection chosen last time on this workstation, if any (never a password)."""
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
        server = data["server"]
        return ServerConnection(
            str(server["host"]), int(server["port"]), str(server["database"]), str(server["user"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remember(connection: ServerConnection) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"server": asdict(connection)}, ensure_ascii=False, indent=2)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)


def forget() -> None:
    """Back to the database file on this PC at the next start."""
    settings_path().unlink(missing_ok=True)


# -- connecting ----------------------------------------------------------------------


def _reason(exc: BaseException) -> tuple[str | None, str]:
    """(SQLSTATE, first line of the driver's message) of a failed connection."""
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None)
    text = str(orig).strip()
    return state, text.splitlines()[0] if text else ""


def explain(
    connection: ServerConnection, exc: BaseException, *, url: str = ""
) -> ConnectionRefused:
    """The one line a user reads for a connection the server or the network refused."""
    state, first = _reason(exc)
    low = first.lower()
    where = f"{connection.host}:{connection.port}"
    if state == "28P01" or "password authentication failed" in low:
        return ConnectionRefused(
            f"Máy chủ {where} không nhận mật khẩu của người dùng {connection.user}: "
            "hãy nhập lại mật khẩu (phân biệt chữ hoa, chữ thường).",
            needs_password=True,
        )
    if "no password supplied" in low:
        return ConnectionRefused(
            f"Máy chủ {where} cần mật khẩu của người dùng {connection.user}: hãy nhập mật khẩu.",
            needs_password=True,
        )
    if state == "3D000" or ("database" in low and "does not exist" in low):
        return ConnectionRefused(
            f"Máy chủ {where} không có cơ sở dữ liệu «{connection.database}»: hãy kiểm tra "
            "tên cơ sở dữ liệu với quản trị viên."
        )
    if state in ("28000", "42501") or "no pg_hba.conf entry" in low or "role" in low:
        return ConnectionRefused(
            f"Máy chủ {where} không cho người dùng {connection.user} kết nối từ máy này: hãy "
            "kiểm tra tên người dùng, hoặc nhờ quản trị viên cấp quyền (pg_hba.conf)."
        )
    if "connection refused" in low:
        return ConnectionRefused(
            f"Máy chủ {where} từ chối kết nối: PostgreSQL chưa chạy hoặc không nghe ở cổng "
            f"{connection.port}. Hãy kiểm tra số cổng, hoặc hỏi quản trị viên."
        )
    if any(
        s in low
        for s in ("translate host name", "failed to resolve host", "name or service not known", "nodename nor servname",
                  "timeout expired", "no route to host", "network is unreachable", "timed out")
    ):  # fmt: skip
        return ConnectionRefused(
            f"Không tới được máy chủ «{connection.host}»: hãy kiểm tra tên máy chủ, dây mạng "
            "hoặc Wi-Fi của mạng nội bộ."
        )
    detail = scrub(first, url) if url else first
    return ConnectionRefused(f"Không kết nối được tới {connection.display()}: {detail}.")


def _probe(connection: ServerConnection, url: str) -> None:
    """One bare connection, so that each kind of refusal gets its own message."""
    try:
        engine = make_engine(url)
    except DatabaseError as exc:  # no driver on this PC
        raise ConnectionRefused(str(exc)) from None
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        refused = explain(connection, exc, url=url)
        log.info("server connection refused: %s", refused)
        raise refused from None
    finally:
        engine.dispose()


def open_server(
    connection: ServerConnection, password: str | None = None, *, keep_password: bool = True
) -> Database:
    """Open the server's database; on success the connection is remembered, and a
    typed ``password`` kept in the OS keyring when ``keep_password``.

    Without a typed password the keyring's (or the pgpass file's) is used.
    """
    bare = connection.url()
    url = connection.url(password) if password else server_password.with_stored_password(bare)
    _probe(connection, url)
    try:
        db = open_database(url)
    except DatabaseError as exc:  # older/newer/uninitialised schema: already one line
        raise ConnectionRefused(scrub(str(exc), url)) from None
    if password and keep_password:
        try:
            server_password.remember_password(bare, password)
        except Exception as exc:  # no keyring on this PC: pgpass or typing still work
            log.warning("password not kept in the keyring: %s", type(exc).__name__)
    remember(connection)
    log.info("connected to %s", connection.display())
    return db
