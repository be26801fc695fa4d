"""``kcdesk audit key export|import FILE``: the audit chain's key between workstations."""

from __future__ import annotations

import argparse
from pathlib import Path

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.services.core import audit_key, audit_key_transfer


def _audit_key(args: argparse.Namespace, ctx: CliContext) -> int:
    path = Path(args.file)
    with ctx.db.session() as session:
        if args.action == "export":
            key_id = audit_key_transfer.export_chain_key(session, ctx.actor, path)
            ctx.say(
                f"Đã xuất khóa nhật ký {key_id} ra {path}. Tệp này là bí mật: chép sang máy "
                "trạm rồi xoá, không để chung với bản sao lưu."
            )
        else:
            key_id = audit_key_transfer.import_chain_key(session, ctx.actor, path)
            ctx.say(f"Đã nhập khóa nhật ký {key_id} vào {audit_key.key_path(key_id)}.")
    return 0


def register(registry: CommandRegistry) -> None:
    p = registry.subcommand(
        "audit",
        "key",
        "xuất hoặc nhập khóa nhật ký (cho các máy trạm dùng chung máy chủ)",
        _audit_key,
    )
    p.add_argument("action", choices=("export", "import"), help="export: xuất; import: nhập")
    p.add_argument("file", metavar="FILE")
