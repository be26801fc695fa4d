"""Server commands: ``upgrade`` — the administrator's explicit schema upgrade.

Workstations never migrate a shared PostgreSQL database themselves (docs/server.md):
the administrator backs it up with ``pg_dump`` and runs ``kcdesk --db URL upgrade``;
two upgrades at once are serialised by an advisory lock in ``kcdesk.models.db``.
On an SQLite file the command does what opening it does (copy, then migrate).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sqlalchemy.engine import make_url

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.models.db import (
    DatabaseError,
    current_revision,
    describe_url,
    head_revision,
    make_engine,
    resolve_url,
    scrub,
)


def _revision_before(location: str) -> str | None:
    url = resolve_url(location)
    file = make_url(url).database if make_url(url).get_backend_name() == "sqlite" else None
    if file and not Path(file).exists():
        raise DatabaseError(f"Không tìm thấy cơ sở dữ liệu {file}.")
    engine = make_engine(url)
    try:
        return current_revision(engine)
    except Exception as exc:  # the open below reports it properly, in one line
        raise DatabaseError(
            f"Không đọc được phiên bản lược đồ của {describe_url(url)}: "
            f"{scrub(str(getattr(exc, 'orig', exc)).strip().splitlines()[0], url)}"
        ) from None
    finally:
        engine.dispose()


def _upgrade(args: argparse.Namespace, ctx: CliContext) -> int:
    before = _revision_before(str(ctx.db_location))
    if before is None:
        raise DatabaseError(
            "Cơ sở dữ liệu chưa được khởi tạo cho kcdesk: hãy chạy 'kcdesk --db URL init'."
        )
    db = ctx.open_db(upgrade=True)
    head = head_revision()
    if before == head:
        ctx.say(f"Lược đồ của {db.display} đã mới nhất ({head}); không cần nâng cấp.")
    else:
        ctx.say(f"Đã nâng cấp lược đồ của {db.display}: {before} → {head}.")
    return 0


def register(registry: CommandRegistry) -> None:
    registry.command(
        "upgrade",
        "nâng cấp lược đồ cơ sở dữ liệu trên máy chủ (quản trị viên; sao lưu pg_dump trước)",
        _upgrade,
    )
