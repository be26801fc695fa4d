"""Server commands: ``upgrade`` — the administrator's explicit schema upgrade.

Workstations never migrate a shared PostgreSQL database themselves (docs/server.md):
the administrator backs it up with ``pg_dump`` and runs ``kcdesk --db URL upgrade``;
two upgrades at once are serialised by an advisory lock in ``kcdesk.models.db``.
On an SQLite file the command does what opening it does (copy, then migrate).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.models.db import (
    DatabaseError,
    current_revision,
    describe_url,
    head_revision,
    make_engine,
    open_database,
    resolve_url,
    scrub,
)
from kcdesk.services.core.errors import UserError


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


def _server_password(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.services.setup import server_password

    location = str(ctx.db_location)
    if server_password.keyring_name(location) is None or make_url(location).password:
        raise UserError(
            "Dùng với --db postgresql://người-dùng@máy-chủ/tên-csdl (không ghi mật khẩu "
            "trong URL): mật khẩu được hỏi rồi giữ trong kho mật khẩu của hệ điều hành."
        )
    if args.forget:
        server_password.forget_password(location)
        ctx.say("Đã xoá mật khẩu máy chủ khỏi kho mật khẩu của hệ điều hành.")
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Mật khẩu máy chủ: ")
    else:
        raise UserError("Không có bàn phím để nhập mật khẩu: dùng --password-stdin.")
    url = make_url(location).set(password=password).render_as_string(hide_password=False)
    open_database(url).dispose()  # a wrong password is refused here, not stored
    try:
        name = server_password.remember_password(location, password)
    except Exception as exc:  # keyring.errors.KeyringError: no keyring on this PC
        raise UserError(
            f"Máy này không có kho mật khẩu dùng được ({type(exc).__name__}): hãy dùng tệp "
            "pgpass (docs/server.md)."
        ) from None
    ctx.say(f"Đã lưu mật khẩu của {name} vào kho mật khẩu của hệ điều hành.")
    return 0


def register(registry: CommandRegistry) -> None:
    p = registry.command(
        "server-password",
        "lưu (hoặc xoá) mật khẩu máy chủ trong kho mật khẩu của hệ điều hành",
        _server_password,
    )
    p.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ stdin")
    p.add_argument("--forget", action="store_true", help="xoá mật khẩu đã lưu")
    registry.command(
        "upgrade",
        "nâng cấp lược đồ cơ sở dữ liệu trên máy chủ (quản trị viên; sao lưu pg_dump trước)",
        _upgrade,
    )
