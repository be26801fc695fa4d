"""Logical dump (bản sao lưu logic): a server database as the same backup a PC makes.

A backup of an SQLite database is a copy of the file plus the attached files
(``archive.py``). A PostgreSQL server has no file to copy, so its backup is made in
the same format: every table is copied row by row into a freshly migrated SQLite
file, and the blob table's files become the archive's ``attachments/`` members.
Restoring reads that SQLite file back into the server the same way. So a Centre
can move from one PC to a server and back with ``kcdesk backup`` / ``restore``
(docs/server.md); ``pg_dump`` remains the administrator's own tool.

Derived tables are not copied: ``dashboard_output_sum`` is kept by SQLite triggers
(and is empty on a server), the search index follows its triggers too.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, insert, select, text

from kcdesk.models import Base
from kcdesk.models.blobs import AttachmentBlob
from kcdesk.models.db import Database, open_database
from kcdesk.services.proposals import attachments

# Not copied as rows: the schema version (each side is migrated), the attached files
# (archive members instead), and the dashboard summary (derived by triggers).
SKIPPED = frozenset({"alembic_version", "attachment_blob", "dashboard_output_sum"})
BATCH = 1000


def data_tables() -> list[Table]:
    """Every table holding data, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED]


def _copy_table(src: Connection, dst: Connection, table: Table) -> int:
    count = 0
    stmt = select(table)
    if "id" in table.c:
        stmt = stmt.order_by(table.c.id)
    # A server's ids may skip numbers (a rolled-back insert uses one up); on SQLite a
    # hole in the audit chain's ids means a deleted event, so they are renumbered in
    # order (nothing refers to an audit event by id; its hash does not cover it).
    renumber = table.name == "audit_event" and dst.dialect.name == "sqlite"
    result = src.execution_options(yield_per=BATCH).execute(stmt)
    for rows in result.partitions(BATCH):
        values = [dict(row._mapping) for row in rows]
        if renumber:
            for n, value in enumerate(values, start=count + 1):
                value["id"] = n
        dst.execute(insert(table), values)
        count += len(rows)
    return count


def _reset_sequences(dst: Connection, tables: Iterable[Table]) -> None:
    """After rows came with their ids, the server's id counters continue after them."""
    for table in tables:
        column = table.c.get("id")
        if column is None or not column.primary_key or not column.autoincrement:
            continue
        dst.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def copy_rows(source: Engine, target: Engine) -> dict[str, int]:
    """Replace every data table of ``target`` with the rows of ``source`` (one
    transaction on the target: a failure leaves it as it was)."""
    tables = data_tables()
    counts: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        if dst.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            dst.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                dst.execute(table.delete())
        for table in tables:
            counts[table.name] = _copy_table(src, dst, table)
        if dst.dialect.name == "postgresql":
            _reset_sequences(dst, tables)
    return counts


def dump_to_sqlite(db: Database, target: Path) -> dict[str, int]:
    """Write ``db`` (a server) as a migrated SQLite file at ``target``."""
    copy = open_database(target, create=True)
    try:
        return copy_rows(db.engine, copy.engine)
    finally:
        copy.dispose()


def export_blobs(db: Database, root: Path) -> int:
    """The blob table's files into a store folder laid out like the per-user one."""
    count = 0
    with db.engine.connect() as conn:
        result = conn.execution_options(yield_per=50).execute(
            select(AttachmentBlob.hash, AttachmentBlob.data)
        )
        for file_hash, data in result:
            stored = attachments.store_bytes(bytes(data), file_hash, root)
            if stored.hash != file_hash:  # a damaged blob is not backed up as sound
                attachments.path_for(stored.hash, root).unlink(missing_ok=True)
                continue
            count += 1
    return count


def load_from_sqlite(source: Path, db: Database, files: dict[str, Path]) -> int:
    """Replace the server's data with the SQLite file ``source`` (migrated first) and
    put the backup's attached files into the blob table; returns files added."""
    copy = open_database(source)
    try:
        copy_rows(copy.engine, db.engine)
    finally:
        copy.dispose()
    added = 0
    with db.session() as session:
        for file_hash, path in sorted(files.items()):
            if session.get(AttachmentBlob, file_hash) is not None:
                continue
            data = path.read_bytes()
            session.add(AttachmentBlob(hash=file_hash, size=len(data), data=data))
            session.flush()
            added += 1
    return added
