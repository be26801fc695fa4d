"""Exchange commands: ``office add|join|list``, ``pack export|import``, ``conflict list|resolve``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.models import OfficeLevel
from kcdesk.services.core.errors import UserError
from kcdesk.services.exchange import conflicts, export, importer, keys


def _office_add(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        level = OfficeLevel(args.level)
    except ValueError as exc:
        raise UserError(f"Cấp đơn vị '{args.level}' không có (local hoặc department).") from exc
    with ctx.db.session() as session:
        key = keys.add_office(session, ctx.actor, args.code, args.name, level=level)
        # The key file is written before the commit: no registered office without a key.
        keys.write_key_file(key, Path(args.key_out))
    ctx.say(
        f"Đã đăng ký đơn vị {key.code} ({key.name}) và ghi tệp khóa {args.key_out}. "
        "Hãy giao tệp này cho đơn vị (giữ kín như mật khẩu)."
    )
    return 0


def _office_join(args: argparse.Namespace, ctx: CliContext) -> int:
    key = keys.read_key_file(Path(args.file))
    with ctx.db.session() as session:
        keys.join_office(session, ctx.actor, key)
    ctx.say(
        f"Máy này từ nay làm việc với tư cách đơn vị {key.code} ({key.name}), "
        f"trao đổi với Trung tâm {key.centre_code}."
    )
    return 0


def _office_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        rows = [
            {
                "code": o.code,
                "name": o.name,
                "level": o.level.value,
                "province": o.province,
                "has_key": bool(o.exchange_secret),
                "active": o.active,
            }
            for o in keys.list_offices(session)
        ]
    if args.json:
        ctx.print_json(rows)
    else:
        for r in rows:
            key = "có khóa" if r["has_key"] else "chưa có khóa"
            ctx.say(f"{r['code']:<12} {r['level']:<10} {key:<13} {r['name']}")
    return 0


def _pack_export(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        result = export.export_pack(
            session, ctx.actor, Path(args.out), office_code=args.office, full=args.all
        )
    data = {
        "file": str(result.path),
        "pack": result.pack_uuid,
        "sha256": result.sha256,
        "to": result.recipient,
        "counts": result.counts,
        "missing_attachments": result.missing_attachments,
    }
    if args.json:
        ctx.print_json(data)
    else:
        c = result.counts
        ctx.say(
            f"Đã ghi gói {result.path} cho {result.recipient}: {c['proposals']} đề án, "
            f"{c['facilities']} cơ sở, {c['attachments']} tệp đính kèm (đã kiểm tra lại)."
        )
    return 0


def _pack_import(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        result = importer.import_pack(session, ctx.actor, Path(args.file), dry_run=args.dry_run)
        summary = result.summary()
    if args.json:
        ctx.print_json(summary)
    else:
        head = "Xem trước" if args.dry_run else "Đã nhập"
        ctx.say(
            f"{head} gói từ {summary['sender']}: đề án mới {summary['new']}, cập nhật "
            f"{summary['updated']}, không đổi {summary['unchanged']}, xung đột "
            f"{summary['conflicts']}."
        )
        for line in result.renamed:
            ctx.say(f"  Đổi mã trùng: {line}")
        for line in result.notes:
            ctx.say(f"  {line}")
    return 0


def _conflict_list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": c.id,
                "kind": c.kind,
                "label": c.label,
                "from": c.sender_code,
                "fields": [d.field for d in conflicts.differences(c)],
            }
            for c in conflicts.list_conflicts(session)
        ]
    if args.json:
        ctx.print_json(rows)
    else:
        for r in rows:
            ctx.say(f"#{r['id']:<4} {r['label']}  (khác: {', '.join(r['fields'])})")
        ctx.say(f"({len(rows)} xung đột chờ giải quyết)")
    return 0


def _conflict_resolve(args: argparse.Namespace, ctx: CliContext) -> int:
    choices: dict[str, str] = {}
    for field in args.incoming or []:
        choices[field] = conflicts.INCOMING
    for field in args.local or []:
        choices[field] = conflicts.LOCAL
    with ctx.db.session() as session:
        conflict = conflicts.get_conflict(session, args.id)
        if args.all_incoming:
            choices = {d.field: conflicts.INCOMING for d in conflicts.differences(conflict)}
        conflicts.resolve_conflict(session, ctx.actor, args.id, choices)
    ctx.say(f"Đã giải quyết xung đột #{args.id}.")
    return 0


def register(registry: CommandRegistry) -> None:
    registry.group("office", "đơn vị và khóa trao đổi")
    p = registry.subcommand(
        "office", "add", "Trung tâm: đăng ký đơn vị và cấp tệp khóa", _office_add
    )
    p.add_argument("code", metavar="CODE")
    p.add_argument("--name", required=True)
    p.add_argument("--key-out", required=True, metavar="FILE")
    p.add_argument("--level", default="local", help="local (mặc định) hoặc department")
    p = registry.subcommand("office", "join", "đơn vị: nhận tệp khóa của Trung tâm", _office_join)
    p.add_argument("file", metavar="FILE")
    p = registry.subcommand("office", "list", "liệt kê đơn vị", _office_list)
    p.add_argument("--json", action="store_true")

    registry.group("pack", "gói trao đổi dữ liệu (USB)")
    p = registry.subcommand("pack", "export", "xuất gói trao đổi có chữ ký", _pack_export)
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument("--all", action="store_true", help="gửi tất cả, không chỉ phần đã đổi")
    p.add_argument("--office", metavar="CODE", help="Trung tâm: đơn vị nhận gói trả về")
    p.add_argument("--json", action="store_true")
    p = registry.subcommand("pack", "import", "kiểm tra và nhập gói trao đổi", _pack_import)
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    p.add_argument("--json", action="store_true")

    registry.group("conflict", "xung đột khi nhập gói")
    p = registry.subcommand("conflict", "list", "xung đột chờ giải quyết", _conflict_list)
    p.add_argument("--json", action="store_true")
    p = registry.subcommand(
        "conflict", "resolve", "giải quyết xung đột theo từng trường", _conflict_resolve
    )
    p.add_argument("id", type=int)
    p.add_argument("--incoming", action="append", metavar="FIELD", help="lấy giá trị trong gói")
    p.add_argument("--local", action="append", metavar="FIELD", help="giữ giá trị máy này")
    p.add_argument("--all-incoming", action="store_true", help="lấy mọi trường từ gói")
