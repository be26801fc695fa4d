"""Opening a kcdesk database: URL resolution, SQLite pragmas, migration on open.

SQLite runs with WAL (readers never block the writer), foreign keys on and a busy
timeout so a second copy of the app waits instead of failing. The session factory
is returned to the caller and passed explicitly to services; there is no global.
"""

from __future__ import annotations

import ast
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


class DatabaseError(Exception):
    """A database that cannot be used; the message says why and what to do."""


@dataclass
class Database:
    """An open database: its URL, engine and session factory."""

    url: str
    engine: Engine
    session_factory: sessionmaker[Session]

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


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


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
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def backup_sqlite(source: Path, target: Path) -> Path:
    """Copy a live SQLite database consistently with the online backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
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
        raise DatabaseError(
            f"Không đọc được cơ sở dữ liệu {url}: tệp hỏng hoặc không phải cơ sở dữ liệu "
            f"SQLite ({exc.orig}). Hãy chọn đúng tệp hoặc khôi phục từ bản sao lưu."
        ) from exc
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


def open_database(
    path_or_url: str | Path, *, create: bool = False, migrate_schema: bool = True
) -> Database:
    """Open (and when allowed create) a kcdesk database, migrating it to the head.

    A file database that needs migrating is first copied beside itself
    (``name.before-REV-TIMESTAMP.sqlite``) so an interrupted upgrade loses nothing.
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
        raise DatabaseError(f"Không mở được cơ sở dữ liệu {url}: {exc}") from exc
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    return Database(url=url, engine=engine, session_factory=factory)
