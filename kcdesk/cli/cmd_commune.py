"""Official communes (danh mục xã, phường) for IT staff, and matching typed communes.

``commune list [--province NAME_OR_CODE] [--search TEXT] [--json]`` — the official
list since 1 July 2025, searchable without diacritics; ``commune match [--json]`` —
give certain free-text communes their code (district-era names too, by the official
conversion) and list the rest, with the candidates of a split commune; ``commune set KIND ID
CODE`` — record the unit the user chose for one record.
"""

from __future__ import annotations

import argparse

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.services.communes import official, reconcile
from kcdesk.services.core.errors import NotFoundError


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    province = None
    if args.province:
        province = official.find_province(args.province)
        if province is None:
            raise NotFoundError(f"Không có tỉnh, thành phố «{args.province}» trong danh mục.")
    found = official.communes(province, args.search)
    if args.json:
        ctx.print_json(
            [
                {
                    "code": c.code,
                    "name": c.name,
                    "kind": c.kind,
                    "province_code": c.province_code,
                    "province_name": c.province.name,
                }
                for c in found
            ]
        )
        return 0
    for c in found:
        ctx.say(f"{c.code}  {c.name}, {c.province.address_name}")
    ctx.say(f"{len(found):,} đơn vị.".replace(",", "."))
    return 0


def _match(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        matched = reconcile.match_all(session)
        rest = reconcile.unmatched(session)
    if args.json:
        ctx.print_json(
            {
                "matched": matched,
                "unmatched": [
                    {
                        "kind": r.kind,
                        "id": r.id,
                        "record": r.record,
                        "commune": r.commune_text,
                        "candidates": [{"code": c, "name": n} for c, n in r.candidates],
                    }
                    for r in rest
                ],
            }
        )
        return 0
    ctx.say(f"Đã khớp {matched} xã, phường với danh mục.")
    if not rest:
        ctx.say("Không còn xã, phường nào chưa khớp.")
        return 0
    ctx.say(f"Còn {len(rest)} bản ghi cần chọn xã, phường trong danh mục:")
    for r in rest:
        ctx.say(f"  {r.kind_label} {r.id}: {r.record} — đang ghi «{r.commune_text}»")
        if r.candidates:
            # A district-era commune split among several new ones: the user chooses.
            ctx.say(
                "    xã, phường cũ đã chia — cần người dùng chọn: "
                + "; ".join(f"{n} (mã {c})" for c, n in r.candidates)
            )
    return 0


def _set(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.db.session() as session:
        name = reconcile.assign(session, ctx.actor, args.kind, args.id, args.code)
    ctx.say(f"Đã ghi {name}.")
    return 0


def register(registry: CommandRegistry) -> None:
    registry.group("commune", "danh mục xã, phường, đặc khu (từ 01/7/2025)")
    p = registry.subcommand("commune", "list", "danh sách xã, phường chính thức", _list)
    p.add_argument("--province", metavar="TÊN_HOẶC_MÃ", help="tỉnh, thành phố (tên hoặc mã)")
    p.add_argument("--search", metavar="CHỮ", help="tìm theo tên, gõ không dấu cũng được")
    p.add_argument("--json", action="store_true", help="in JSON (mã ổn định)")
    p = registry.subcommand(
        "commune", "match", "khớp xã, phường đã gõ tay với danh mục; liệt kê phần còn lại", _match
    )
    p.add_argument("--json", action="store_true", help="in JSON (mã ổn định)")
    p = registry.subcommand(
        "commune", "set", "ghi xã, phường chọn trong danh mục cho một bản ghi", _set
    )
    p.add_argument("kind", choices=("facility", "proposal", "office"), help="loại bản ghi")
    p.add_argument("id", type=int, help="số của bản ghi (theo «commune match»)")
    p.add_argument("code", metavar="MÃ_XÃ", help="mã xã, phường trong danh mục")
