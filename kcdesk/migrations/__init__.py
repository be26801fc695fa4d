"""Alembic migrations, shipped inside the package (run on open, see kcdesk.models.db)."""
