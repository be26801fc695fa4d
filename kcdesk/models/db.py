"""Opening a kcdesk database: URL resolution, SQLite pragmas, migration on open.

SQLite runs with WAL (readers never block the writer), foreign keys on and a busy
timeout so a second copy of the app waits instead of failing. The session factory
is returned to the caller and passed explicitly to services; there is no global.

A PostgreSQL server (docs/server.md) is shared by several workstations: sessions set
``lock_timeout`` and ``idle_in_transaction_session_timeout``, its schema is upgraded
only by the administrator's explicit ``kcdesk --db URL upgrade`` (under an advisory
lock), and its password never appears in anything shown or logged.
"""

from __future__ import annotations

import ast
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 15_000
# A server session waits this long for a row or advisory lock before the write is
# retried whole (services/core/retry.py), and may sit idle inside a transaction this
# long before the server ends it (a workstation that froze must not hold locks).
SERVER_LOCK_TIMEOUT_MS = BUSY_TIMEOUT_MS
SERVER_IDLE_IN_TRANSACTION_MS = 10 * 60_000
SERVER_CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK = 0x6B63_6465_736B  # "kcdesk": one migrator at a time on a server


class DatabaseError(Exception):
    """A database that cannot be used; the message says why and what to do."""


@dataclass
class Database:
    """An open database: its URL, engine and session factory."""

    url: str = field(repr=False)  # may hold a server password: never in a repr
    engine: Engine
    session_factory: sessionmaker[Session] = field(repr=False)

    def __repr__(self) -> str:
        return f"Database({self.display!r})"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(str(url.database))
        return None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def is_server(self) -> bool:
        return not self.is_sqlite

    @property
    def display(self) -> str:
        """Where the data is, as shown to a user: the file, or the server without
        its password."""
        return str(self.path) if self.path is not None else describe_url(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def resolve_url(path_or_url: str | Path) -> str:
    """``--db`` accepts a file path or an SQLAlchemy URL."""
    text = str(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().absolute())


def sqlite_readonly_uri(path: Path) -> str:
    """``file:…?mode=ro`` for ``sqlite3.connect(uri=True)``, built from the path.

    Pasted as text, a ``#`` or ``?`` in the path (a Windows user name such as
    ``C#Dev``) ends the file name early and SQLite opens the wrong file; the path is
    percent-encoded as a file URI instead (``Path.as_uri`` does it on Windows too).
    """
    return Path(path).absolute().as_uri() + "?mode=ro"


def server_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 (the ``postgres`` extra)."""
    sa_url = make_url(url)
    if sa_url.drivername in ("postgresql", "postgres"):
        sa_url = sa_url.set(drivername="postgresql+psycopg")
        return sa_url.render_as_string(hide_password=False)
    return url


def describe_url(url: str) -> str:
    """A URL as a user may see it: never the password."""
    try:
        sa_url = make_url(url)
    except Exception:  # not even a URL: say nothing of its content
        return "(địa chỉ cơ sở dữ liệu không hợp lệ)"
    if sa_url.get_backend_name() == "sqlite":
        return str(sa_url.database or ":memory:")
    where = sa_url.host or "máy này"
    if sa_url.port:
        where += f":{sa_url.port}"
    user = f", người dùng {sa_url.username}" if sa_url.username else ""
    return f"máy chủ {where}, cơ sở dữ liệu {sa_url.database or '?'}{user}"


def scrub(text: str, url: str) -> str:
    """``text`` with the URL's password (plain or %-quoted) replaced by ***."""
    try:
        password = make_url(url).password
    except Exception:
        return text
    if not password:
        return text
    from urllib.parse import quote, quote_plus

    for form in {str(password), quote(str(password), safe=""), quote_plus(str(password))}:
        if form:
            text = text.replace(form, "***")
    return text


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Pragmas a transaction changed on its SQLite connection for itself, put back when the
# connection returns to the pool (``services.core.checkpoint``): {name: value}.
RESTORE_PRAGMAS = "kcdesk.restore_pragmas"


def _restore_sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    pragmas = record.info.pop(RESTORE_PRAGMAS, None)
    if not pragmas:
        return
    cursor = dbapi_connection.cursor()
    for name, value in pragmas.items():
        cursor.execute(f"PRAGMA {name}={int(value)}")
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        backend = make_url(url).get_backend_name()
    except Exception as exc:  # sqlalchemy.exc.ArgumentError: not a URL at all
        raise DatabaseError(
            f"Địa chỉ cơ sở dữ liệu không hợp lệ: {describe_url(url)}. "
            "Hãy dùng đường dẫn tệp hoặc postgresql://người-dùng@máy-chủ/tên-csdl."
        ) from exc
    if backend == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "checkin", _restore_sqlite_pragmas)
        return engine
    if backend == "postgresql":
        from kcdesk.models.facility import use_postgresql_ops

        use_postgresql_ops()
        url = server_url(url)
        options = (
            f"-c lock_timeout={SERVER_LOCK_TIMEOUT_MS} "
            f"-c idle_in_transaction_session_timeout={SERVER_IDLE_IN_TRANSACTION_MS}"
        )
        connect_args: dict[str, Any] = {
            "options": options,
            "connect_timeout": SERVER_CONNECT_TIMEOUT_S,
            "application_name": "kcdesk",
        }
    else:
        connect_args = {}
    try:
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except ImportError as exc:
        raise DatabaseError(
            f"Máy này chưa cài trình kết nối cho {describe_url(url)} ({exc.name}): "
            "hãy cài kcdesk kèm gói postgres (pip install 'kcdesk[postgres]')."
        ) from exc


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


# Alembic is imported only when a migration runs: at start-up it would cost the app
# a noticeable part of its cold start just to learn that nothing needs doing.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


def _script_revisions() -> dict[str, str | None] | None:
    """revision → down_revision read from the migration files without importing
    Alembic; None when a file is not in the plain form (then Alembic decides)."""
    out: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found = _REVISION_LINE.findall(path.read_text(encoding="utf-8"))
        if sorted(name for name, _ in found) != ["down_revision", "revision"]:
            return None
        try:
            values = {name: ast.literal_eval(value) for name, value in found}
        except (ValueError, SyntaxError):
            return None
        revision, down = values["revision"], values["down_revision"]
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
            return None
        out[revision] = down
    return out or None


def head_revision() -> str:
    revisions = _script_revisions()
    if revisions is not None:
        heads = set(revisions) - set(revisions.values())
        if len(heads) == 1:
            return heads.pop()
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    if len(rows) > 1:  # several heads: Alembic says what that means
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return str(rows[0]) if rows else None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` (Alembic, batch mode on SQLite)."""
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two migrators at once would both create the same types and tables; the
            # second waits here, then finds the schema already at the head.
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def backup_sqlite(source: Path, target: Path, *, wait_s: float = 5.0) -> Path:
    """Copy a live SQLite database consistently with the online backup API, waiting
    up to ``wait_s`` for a lock on ``target`` (a live database others have open)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target), timeout=wait_s)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def _known_revision(revision: str) -> bool:
    revisions = _script_revisions()
    if revisions is not None and revision in revisions:
        return True
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # alembic raises for an id it has never seen
        return False


def _check_version(engine: Engine, url: str) -> str | None:
    """Current revision; refuse foreign and newer databases with a clear message."""
    try:
        tables = set(inspect(engine).get_table_names())
        revision = current_revision(engine)
    except SADatabaseError as exc:
        if engine.dialect.name != "sqlite":
            # A server that refuses or cannot be reached is not a damaged file.
            reason = scrub(str(exc.orig).strip().splitlines()[0] if str(exc.orig) else "", url)
            raise DatabaseError(
                f"Không kết nối được tới {describe_url(url)}: {reason}. Hãy kiểm tra máy chủ, "
                "mạng, tên người dùng và mật khẩu, hoặc hỏi quản trị viên."
            ) from None
        raise DatabaseError(
            f"Không đọc được cơ sở dữ liệu {url}: tệp hỏng hoặc không phải cơ sở dữ liệu "
            f"SQLite ({exc.orig}). Hãy chọn đúng tệp hoặc khôi phục từ bản sao lưu."
        ) from exc
    url = describe_url(url) if engine.dialect.name != "sqlite" else url
    if revision is None and tables - {"alembic_version"}:
        raise DatabaseError(
            f"Tệp {url} là một cơ sở dữ liệu khác, không phải của kcdesk: "
            "không mở để tránh ghi đè dữ liệu."
        )
    if revision is not None and not _known_revision(revision):
        raise DatabaseError(
            f"Cơ sở dữ liệu {url} được tạo bởi phiên bản kcdesk mới hơn "
            f"(lược đồ {revision}). Hãy cài phiên bản kcdesk mới nhất để mở nó."
        )
    return revision


def _server_schema_allowed(url: str, revision: str | None, *, create: bool, upgrade: bool) -> None:
    """Refuse to migrate a shared server unless the administrator asked for it."""
    where = describe_url(url)
    if revision is None and not (create or upgrade):
        raise DatabaseError(
            f"Cơ sở dữ liệu {where} chưa được khởi tạo cho kcdesk: quản trị viên chạy "
            "'kcdesk --db URL init' một lần (xem docs/server.md)."
        )
    if revision is not None and not upgrade:
        raise DatabaseError(
            f"Cơ sở dữ liệu {where} đang ở lược đồ cũ ({revision}); phiên bản kcdesk này "
            f"cần lược đồ {head_revision()}. Máy trạm không tự nâng cấp máy chủ: quản trị "
            "viên sao lưu bằng pg_dump rồi chạy 'kcdesk --db URL upgrade' (docs/server.md)."
        )


def open_database(
    path_or_url: str | Path,
    *,
    create: bool = False,
    migrate_schema: bool = True,
    upgrade_server: bool = False,
) -> Database:
    """Open (and when allowed create) a kcdesk database, migrating it to the head.

    A file database that needs migrating is first copied beside itself
    (``name.before-REV-TIMESTAMP.sqlite``) so an interrupted upgrade loses nothing.
    A server database is created by ``init`` (``create``) and upgraded only with
    ``upgrade_server`` (``kcdesk --db URL upgrade``): a workstation opening an older
    schema says so and leaves it alone.
    """
    url = resolve_url(path_or_url)
    sa_url = make_url(url)
    file_path: Path | None = None
    if sa_url.get_backend_name() == "sqlite" and sa_url.database not in (None, "", ":memory:"):
        file_path = Path(str(sa_url.database))
        if not file_path.exists():
            if not create:
                raise DatabaseError(
                    f"Không tìm thấy cơ sở dữ liệu {file_path}. "
                    "Hãy kiểm tra đường dẫn, hoặc chạy 'kcdesk init' để tạo mới."
                )
            try:
                file_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"Không tạo được thư mục {file_path.parent}: {exc.strerror}."
                ) from exc
        elif file_path.is_dir():
            raise DatabaseError(f"{file_path} là một thư mục, không phải tệp cơ sở dữ liệu.")
    engine = make_engine(url)
    try:
        revision = _check_version(engine, url)
        if engine.dialect.name != "sqlite" and revision != head_revision():
            _server_schema_allowed(url, revision, create=create, upgrade=upgrade_server)
        if migrate_schema and revision != head_revision():
            if revision is not None and file_path is not None:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                backup = file_path.with_name(f"{file_path.stem}.before-{revision}-{stamp}.sqlite")
                backup_sqlite(file_path, backup)
                log.info("backup before migration: %s", backup)
            migrate(engine)
    except DatabaseError:
        engine.dispose()
        raise
    except (SADatabaseError, OSError) as exc:
        engine.dispose()
        raise DatabaseError(
            f"Không mở được cơ sở dữ liệu {describe_url(url)}: {scrub(str(exc), url)}"
        ) from None
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    return Database(url=url, engine=engine, session_factory=factory)
