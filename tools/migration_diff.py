"""Print the Alembic operations that bring a database at the current head up to the models.

Developers paste the output into their migration's upgrade(): it builds a throw-away
SQLite database from the existing migrations and compares it with Base.metadata.
Usage: .venv/bin/python tools/migration_diff.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext

from kcdesk.models import Base
from kcdesk.models.db import make_engine, migrate, resolve_url


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(resolve_url(Path(tmp) / "diff.sqlite"))
        migrate(engine)
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"render_as_batch": True, "compare_type": True}
            )
            script = produce_migrations(ctx, Base.metadata)
            print(render_python_code(script.upgrade_ops, render_as_batch=True))
            print("# ---- downgrade ----")
            print(render_python_code(script.downgrade_ops, render_as_batch=True))
        engine.dispose()


if __name__ == "__main__":
    main()
