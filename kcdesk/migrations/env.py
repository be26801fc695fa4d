"""Alembic environment: always run with a connection handed in by kcdesk.models.db."""

from __future__ import annotations

from alembic import context

from kcdesk.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - kcdesk always passes its connection
    raise RuntimeError("kcdesk migrations run through kcdesk.models.db.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things: batch mode copies the table instead.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
