"""``kcdesk settings list|get|set``: the database's settings, headless.

``list [--json]`` prints every setting with its label and value (unset ones say so);
``get KEY`` prints one value; ``set KEY VALUE`` stores it (audited; admin only when
the database has users). The organisation's names are what every letterhead prints.
"""

from __future__ import annotations

import argparse

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.services.core import organisation, settings
from kcdesk.services.core.errors import UserError


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        values = settings.get_all(session)
    rows = [
        {
            "key": spec.key,
            "label": spec.label,
            "value": values.get(spec.key),
            "organisation": spec.key in organisation.ORGANISATION_KEYS,
        }
        for spec in settings.SPECS
    ]
    if args.json:
        ctx.print_json(rows)
        return 0
    for row in rows:
        value = row["value"]
        shown = "(chưa đặt)" if value in ("", None) else str(value)
        ctx.say(f"{row['key']:<28} {row['label']}: {shown}")
    return 0


def _get(args: argparse.Namespace, ctx: CliContext) -> int:
    if settings.spec(args.key) is None:
        raise UserError(f"Không có cài đặt «{args.key}» (xem: kcdesk settings list).")
    with ctx.db.session() as session:
        value = settings.get(session, args.key)
    ctx.say("" if value is None else str(value))
    return 0


def _set(args: argparse.Namespace, ctx: CliContext) -> int:
    value = settings.parse_value(args.key, args.value)
    with ctx.db.session() as session:
        settings.put(session, ctx.actor, args.key, value)
    ctx.say(f"Đã đặt {settings.spec(args.key).label} = {value}.")  # type: ignore[union-attr]
    return 0


def register(registry: CommandRegistry) -> None:
    registry.group("settings", "cài đặt: cơ quan, người ký, hạn, giới hạn")
    p = registry.subcommand("settings", "list", "liệt kê các cài đặt", _list)
    p.add_argument("--json", action="store_true")
    p = registry.subcommand("settings", "get", "xem một cài đặt", _get)
    p.add_argument("key", metavar="KHÓA")
    p = registry.subcommand("settings", "set", "đặt một cài đặt", _set)
    p.add_argument("key", metavar="KHÓA")
    p.add_argument("value", metavar="GIÁ_TRỊ")
